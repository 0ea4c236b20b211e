"""What the server does to a browser's SDP before aiortc sees it (sessions/remote_sdp.py)."""

from __future__ import annotations

from aiortc import sdp

from sessions.remote_sdp import clean_description, is_usable_candidate, repair_answer, setup_of

NAME = "3f1c1b36-7d55-4f2e-9a3a-1d2b9c4e5f60.local"
ICE = ["a=ice-ufrag:abcd", "a=ice-pwd:0123456789abcdefghijkl", "a=fingerprint:sha-256 AA:BB"]


def description(*sections: list[str], bundle: str = "0 1") -> str:
    session = ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0", f"a=group:BUNDLE {bundle}"]
    return "\r\n".join(session + [line for section in sections for line in section]) + "\r\n"


def audio(mid: str, setup: str, *, extra: tuple[str, ...] = ()) -> list[str]:
    return [
        "m=audio 9 UDP/TLS/RTP/SAVPF 109",
        "c=IN IP4 0.0.0.0",
        f"a=mid:{mid}",
        "a=sendrecv",
        "a=rtcp-mux",
        "a=rtpmap:109 opus/48000/2",
        *ICE,
        f"a=setup:{setup}",
        *extra,
    ]


def video(mid: str, setup: str, direction: str = "a=recvonly") -> list[str]:
    return [
        "m=video 9 UDP/TLS/RTP/SAVPF 120",
        "c=IN IP4 0.0.0.0",
        f"a=mid:{mid}",
        direction,
        "a=rtcp-mux",
        "a=rtpmap:120 VP8/90000",
        *ICE,
        f"a=setup:{setup}",
    ]


def test_mdns_candidates_and_the_end_of_candidates_after_them_are_dropped() -> None:
    offer = description(
        audio(
            "0",
            "actpass",
            extra=(f"a=candidate:0 1 UDP 2122252543 {NAME} 49830 typ host", "a=end-of-candidates"),
        ),
        video("1", "actpass"),
    )
    cleaned = clean_description(offer)
    assert NAME not in cleaned
    assert "a=end-of-candidates" not in cleaned
    assert sdp.SessionDescription.parse(cleaned).media[0].ice_candidates == []


def test_address_candidates_and_their_end_of_candidates_are_kept() -> None:
    line = "a=candidate:0 1 UDP 2122252543 192.0.2.7 49830 typ host"
    offer = description(audio("0", "actpass", extra=(line, "a=end-of-candidates")), video("1", "actpass"))
    cleaned = clean_description(offer)
    assert line in cleaned and "a=end-of-candidates" in cleaned


def test_a_host_name_in_a_rtcp_is_replaced_so_the_description_serialises_again() -> None:
    offer = description(audio("0", "actpass", extra=(f"a=rtcp:9 IN IP4 {NAME}",)), video("1", "actpass"))
    cleaned = clean_description(offer)
    assert "a=rtcp:9 IN IP4 0.0.0.0" in cleaned
    str(sdp.SessionDescription.parse(cleaned))  # raised ValueError with the name in it


def test_trickled_mdns_candidates_are_not_usable() -> None:
    assert not is_usable_candidate(f"candidate:0 1 UDP 2122252543 {NAME} 49830 typ host")
    assert is_usable_candidate("candidate:0 1 UDP 2122252543 192.0.2.7 49830 typ host")


def test_answers_keep_the_dtls_role_of_the_first_exchange_on_every_section() -> None:
    offer = description(audio("0", "actpass"), video("1", "actpass"), video("2", "actpass", "a=sendonly"))
    # Firefox: passive where it was, active on the new section.
    answer = description(audio("0", "passive"), video("1", "passive"), video("2", "active"), bundle="0 1 2")
    repaired = repair_answer(answer, offer, server_setup="active")
    roles = [media.dtls.role for media in sdp.SessionDescription.parse(repaired.sdp).media]
    assert roles == ["server", "server", "server"]
    assert repaired.rejected_mids == ()


def test_a_rejected_section_is_kept_inactive_on_the_bundle_and_reported() -> None:
    offer = description(audio("0", "actpass"), video("1", "actpass", "a=sendonly"))
    rejected = ["m=video 0 UDP/TLS/RTP/SAVPF 0", "c=IN IP4 0.0.0.0", "a=mid:1", "a=inactive"]
    answer = description(audio("0", "passive"), rejected, bundle="0")
    repaired = repair_answer(answer, offer, server_setup="active")
    assert repaired.rejected_mids == ("1",)
    parsed = sdp.SessionDescription.parse(repaired.sdp)
    section = parsed.media[1]
    assert section.direction == "inactive" and section.rtcp_mux
    assert section.ice.usernameFragment == "abcd" and section.dtls.role == "server"
    assert [codec.name for codec in section.rtp.codecs] == ["VP8"]
    assert parsed.group[0].items == ["0", "1"]


def test_the_setup_of_the_first_section_is_the_transport_s() -> None:
    assert setup_of(description(audio("0", "active"), video("1", "passive"))) == "active"
    assert setup_of("v=0\r\n") is None
