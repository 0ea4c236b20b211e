"""The signaling protocol: every message a participant and the server exchange, as typed models.

One JSON object per WebSocket text frame, told apart by ``type``. The models here are the protocol:
the server validates every incoming frame against :data:`ClientMessage` and builds every outgoing one
from :data:`ServerMessage`, and ``docs/signaling.md`` is generated from them (with the example each
model carries), so the documentation cannot drift from the code.

Identity never travels in a message: the server knows who is on a socket from how it was opened (the
login cookie, or a patient's pass). A client cannot claim to be someone else, and every permission is
checked by the room, whatever the page shows.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Annotated, Any, Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, TypeAdapter, ValidationError

logger = logging.getLogger(__name__)

PROTOCOL_VERSION: Final = 1
#: Largest message the server reads (an SDP offer with a few tracks is 3 to 8 KB); a larger one is
#: answered with ``error`` (code ``too_large``) and the socket stays open.
MAX_MESSAGE_BYTES: Final = 64 * 1024
#: Largest frame the WebSocket accepts at all: above it the socket is closed (1009, "message too
#: big"), since reading it would already cost the memory the limit is there to protect.
MAX_FRAME_BYTES: Final = 4 * MAX_MESSAGE_BYTES
MAX_REQUEST_ID_CHARS: Final = 64
MAX_SDP_CHARS: Final = 60_000
MAX_CHAT_CHARS: Final = 1000

Kind = Literal["audio", "video"]
ParticipantRef = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z]+-[0-9]+$")]
#: A client's own label for a message, echoed as ``re`` on the replies and errors it causes.
RequestId = (
    Annotated[StrictInt, Field(ge=-(2**53), le=2**53)]
    | Annotated[StrictStr, Field(min_length=1, max_length=MAX_REQUEST_ID_CHARS)]
)
_REQUEST_ID: TypeAdapter[int | str] = TypeAdapter(RequestId)


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Request(_Message):
    """A message from a participant: every one may carry a request ``id``."""

    id: RequestId | None = Field(
        default=None, description="your label for this message, echoed as `re` on its reply or error"
    )


class _Reply(_Message):
    """A message from the server that may answer one of the participant's."""

    re: RequestId | None = Field(default=None, description="the `id` of the message this answers")


def _example(**example: Any) -> ConfigDict:
    return ConfigDict(extra="forbid", frozen=True, json_schema_extra={"example": example})


# ----------------------------------------------------------------------------- client to server


class Join(_Request):
    """First message on a new socket: enter the room (or the waiting room). Sent again on every
    reconnect; a participant the host already admitted goes straight back in with their permissions."""

    model_config = _example(type="join", protocol=1)
    type: Literal["join"]
    protocol: Literal[1] = 1


class Offer(_Request):
    """An SDP offer. The participant sends one after ``welcome`` with the tracks they publish (one
    audio and one video ``sendonly`` or ``sendrecv`` transceiver); on a reconnect it comes from a new
    RTCPeerConnection and replaces the old one. The server also sends offers (see server messages)."""

    model_config = _example(type="offer", sdp="v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\n...")
    type: Literal["offer"]
    sdp: str = Field(min_length=10, max_length=MAX_SDP_CHARS)


class Answer(_Request):
    """The participant's SDP answer to an offer from the server."""

    model_config = _example(type="answer", sdp="v=0\r\no=- 4612 3 IN IP4 127.0.0.1\r\n...")
    type: Literal["answer"]
    sdp: str = Field(min_length=10, max_length=MAX_SDP_CHARS)


class Candidate(_Request):
    """A trickled ICE candidate of the participant's peer connection (optional: a client may instead
    wait for ICE gathering to complete before sending its offer). ``candidate`` is the
    ``a=candidate`` line without the ``a=`` prefix; an empty string means end of candidates."""

    model_config = _example(
        type="candidate",
        candidate="candidate:1 1 udp 2122260223 127.0.0.1 50123 typ host",
        sdpMid="0",
        sdpMLineIndex=0,
    )
    type: Literal["candidate"]
    candidate: str = Field(max_length=500)
    sdpMid: str | None = Field(default=None, max_length=32)
    sdpMLineIndex: int | None = Field(default=None, ge=0, le=64)


class Admit(_Request):
    """Host only: let a participant in from the waiting room."""

    model_config = _example(type="admit", participant_id="user-7")
    type: Literal["admit"]
    participant_id: ParticipantRef


class Deny(_Request):
    """Host only: turn a waiting participant away (they cannot rejoin this session)."""

    model_config = _example(type="deny", participant_id="user-7")
    type: Literal["deny"]
    participant_id: ParticipantRef


class Remove(_Request):
    """Host only: remove an admitted participant (they cannot rejoin this session)."""

    model_config = _example(type="remove", participant_id="user-7")
    type: Literal["remove"]
    participant_id: ParticipantRef


class Mute(_Request):
    """Host only: switch a participant's microphone (``audio``) or camera (``video``) off. Only the
    participant can switch it back on, and only if they may publish it."""

    model_config = _example(type="mute", participant_id="user-7", kind="audio")
    type: Literal["mute"]
    participant_id: ParticipantRef
    kind: Kind


class Permit(_Request):
    """Host only: allow or forbid a participant to publish a kind (``publish``), or to receive it
    (``receive``). Forbidding publishing also switches it off. Observers start allowed to receive
    but not to publish. The participant may still be waiting: it applies once they are admitted.
    In a patient visit whose patient consented to learners observing only, allowing a visitor to
    publish is refused (``conflict``): learners cannot be given the floor."""

    model_config = _example(
        type="permit", participant_id="user-7", kind="audio", action="publish", allowed=True
    )
    type: Literal["permit"]
    participant_id: ParticipantRef
    kind: Kind
    action: Literal["publish", "receive"]
    allowed: bool


class Media(_Request):
    """Switch your own microphone (``audio``) or camera (``video``) on or off. Switching on needs the
    host's permission; without it the server answers with an ``error`` (code ``forbidden``)."""

    model_config = _example(type="media", kind="video", on=False)
    type: Literal["media"]
    kind: Kind
    on: bool


class Hand(_Request):
    """Raise or lower your hand: a visitor asks the host to be allowed to speak."""

    model_config = _example(type="hand", raised=True)
    type: Literal["hand"]
    raised: bool


class RecordConsent(_Request):
    """Host only, patient visits only: record the patient's consent to learners being present.
    Holds no patient identifier. ``scope`` is what the patient agreed to. ``observe``: from this moment
    visitors see and hear the patient, but the patient neither sees nor hears any visitor, and the host
    cannot give a visitor the floor (``permit`` to publish is refused with ``conflict``). ``interact``:
    patient and visitors see and hear each other. Recording again replaces the scope at once (e.g.
    from ``observe`` to ``interact`` when the patient agrees to more). The server enforces the scope
    on the media it forwards, whatever a client sends."""

    model_config = _example(type="consent", scope="observe", method="verbal")
    type: Literal["consent"]
    scope: Literal["observe", "interact"]
    method: Literal["verbal", "written"]


class WithdrawConsent(_Request):
    """Host or patient: consent is withdrawn. Takes effect at once: the server stops forwarding
    patient media to visitors and visitor media to the patient before it answers."""

    model_config = _example(type="withdraw_consent")
    type: Literal["withdraw_consent"]


class Chat(_Request):
    """A chat message to everyone admitted. Not stored: it lives only as long as the session."""

    model_config = _example(type="chat", text="Can everyone hear me?")
    type: Literal["chat"]
    text: str = Field(min_length=1, max_length=MAX_CHAT_CHARS)


class Leave(_Request):
    """Leave the session. The server closes the socket and the peer connection. A participant who
    leaves may join again while the session lasts (an admitted one goes straight back in)."""

    model_config = _example(type="leave")
    type: Literal["leave"]


class End(_Request):
    """Host only: end the session for everyone."""

    model_config = _example(type="end")
    type: Literal["end"]


class Ping(_Request):
    """Keep-alive; the server answers ``pong`` with the same ``id`` (here a whole number, 0 if left
    out: it is both the ping's number and its request id)."""

    model_config = _example(type="ping", id=42)
    type: Literal["ping"]
    id: int = Field(default=0, ge=0, le=2**53)  # narrower than RequestId


ClientMessage = Annotated[
    Join
    | Offer
    | Answer
    | Candidate
    | Admit
    | Deny
    | Remove
    | Mute
    | Permit
    | Media
    | Hand
    | RecordConsent
    | WithdrawConsent
    | Chat
    | Leave
    | End
    | Ping,
    Field(discriminator="type"),
]


# ----------------------------------------------------------------------------- server to client


class ParticipantView(_Message):
    """One participant as everyone in the room sees them."""

    id: str
    name: str
    role: Literal["host", "visitor", "patient"]
    presence: Literal["waiting", "admitted", "denied", "removed", "left"]
    observer: bool
    may_publish: list[Kind]
    publishing: list[Kind]
    may_receive: list[Kind]
    hand_raised: bool
    connected: bool  # their media connection to the server is up


class ConsentView(_Message):
    """The consent record as the room sees it (no patient identifier)."""

    scope: Literal["observe", "interact"]
    method: Literal["verbal", "written"]
    recorded_at: datetime
    withdrawn_at: datetime | None
    active: bool


class Welcome(_Reply):
    """Answer to ``join``: who you are here, and the ICE servers to use (empty by default: the
    server is reachable directly). Next: send your ``offer``."""

    model_config = _example(
        type="welcome",
        protocol=1,
        room_id="12",
        room_kind="patient_visit",
        participant_id="user-7",
        role="visitor",
        presence="waiting",
        ice_servers=[],
    )
    type: Literal["welcome"] = "welcome"
    protocol: int = PROTOCOL_VERSION
    room_id: str
    room_kind: Literal["patient_visit", "huddle", "didactic"]
    participant_id: str
    role: Literal["host", "visitor", "patient"]
    presence: Literal["waiting", "admitted"]
    ice_servers: list[dict[str, Any]]


class State(_Message):
    """The whole room, sent to every participant after every change (rooms are small). A waiting
    participant sees only themself and whether the host is present."""

    model_config = _example(
        type="state",
        participants=[
            {
                "id": "user-3",
                "name": "Dr. Lee",
                "role": "host",
                "presence": "admitted",
                "observer": False,
                "may_publish": ["audio", "video"],
                "publishing": ["audio", "video"],
                "may_receive": ["audio", "video"],
                "hand_raised": False,
                "connected": True,
            }
        ],
        consent=None,
        host_present=True,
        host_grace_seconds=None,
    )
    type: Literal["state"] = "state"
    participants: list[ParticipantView]
    consent: ConsentView | None
    host_present: bool
    host_grace_seconds: int | None  # set while the room waits for a host who left


class ServerOffer(_Message):
    """An SDP offer from the server, adding the tracks it will forward to you. Answer with ``answer``."""

    model_config = _example(type="offer", sdp="v=0\r\no=- 8021 4 IN IP4 127.0.0.1\r\n...")
    type: Literal["offer"] = "offer"
    sdp: str


class ServerAnswer(_Reply):
    """The server's SDP answer to your offer. The server gathers all its candidates before answering
    (no trickle from the server)."""

    model_config = _example(type="answer", sdp="v=0\r\no=- 8022 2 IN IP4 127.0.0.1\r\n...")
    type: Literal["answer"] = "answer"
    sdp: str


class TrackSource(_Message):
    """Whose media one of your receiving transceivers carries now (``participant_id`` null: idle)."""

    mid: str
    kind: Kind
    participant_id: str | None


class UnplayableTrack(_Message):
    """Media you would receive but your side cannot play: you refused the codec it is published in
    (your answer rejected the section, e.g. a browser without H.264), and the server never re-encodes.
    Show it, e.g. "your browser cannot play this video format: audio only"; the rest goes on."""

    participant_id: str
    kind: Kind
    codec: str  # the publisher's codec, lower case MIME type, e.g. "video/h264"


class Tracks(_Message):
    """Which participant each receiving transceiver (by ``mid``) carries. Sent whenever it changes,
    and always the **whole** list, replacing the previous one: a ``mid`` missing from it carries
    nothing. The server reuses transceivers, so a ``mid`` may carry someone else later.
    ``unplayable`` lists what is not sent to you because you refused its codec."""

    model_config = _example(
        type="tracks",
        tracks=[{"mid": "2", "kind": "video", "participant_id": "user-3"}],
        unplayable=[{"participant_id": "user-4", "kind": "video", "codec": "video/h264"}],
    )
    type: Literal["tracks"] = "tracks"
    tracks: list[TrackSource]
    unplayable: list[UnplayableTrack] = Field(default_factory=list)


class VideoLevel(_Message):
    """What you receive of one participant's video now, and why it is less than full."""

    participant_id: str
    level: Literal["full", "low", "paused"] = Field(
        description="`full`: as they send it; `low`: a smaller picture at a few frames a second; "
        "`paused`: no video (their sound goes on)"
    )
    reason: Literal["weak_connection", "clinical_priority"] | None = Field(
        description="null at `full`; `weak_connection`: your connection cannot take more now; "
        "`clinical_priority`: your connection cannot take it and the patient's (or clinician's) "
        "picture too, which comes first"
    )


class Levels(_Message):
    """How much of each video the server sends you, adapted to your connection: the server
    estimates your downlink from your receiver reports (loss, round trip), REMB and transport-wide
    feedback (the delay of each packet, when your client sends it), and when it cannot carry
    everything, video yields (never sound), a learner's view first; in a patient visit the patient
    and the clinician keep each other's picture first. Sent when it changes, always the
    **whole** list (a participant missing from it is at `full`). Show it in plain words, e.g. "Your
    connection is weak: video paused to keep the sound" or "lower quality video to keep up with your
    connection", and clear it when everything is back to `full`. It comes back up by itself when your
    connection improves, a level at a time."""

    model_config = _example(
        type="levels",
        video=[
            {"participant_id": "user-3", "level": "low", "reason": "weak_connection"},
            {"participant_id": "user-4", "level": "paused", "reason": "weak_connection"},
        ],
    )
    type: Literal["levels"] = "levels"
    video: list[VideoLevel]


class ChatOut(_Message):
    """A chat message, to everyone admitted (including its sender)."""

    model_config = _example(
        type="chat", sender_id="user-3", sender_name="Dr. Lee", text="Welcome!", at="2026-11-24T15:00:00Z"
    )
    type: Literal["chat"] = "chat"
    sender_id: str
    sender_name: str
    text: str
    at: datetime


class ErrorOut(_Reply):
    """Something you sent was refused. Nothing changed, and the socket stays open. ``code``:
    ``bad_message`` (not valid JSON, not a known message, a field out of bounds, an unknown extra
    field, an ICE candidate or SDP that is not valid: see ``field`` and ``message``), ``forbidden``
    (not allowed for you), ``not_found`` (no such participant), ``conflict`` (not possible now, e.g.
    admitting someone who is not waiting, or giving a visitor the floor when the patient consented to
    observing only), ``not_joined`` (send ``join`` first), ``too_large`` (the
    frame is over the size limit), ``rate_limited`` (too many messages: this one was dropped),
    ``unavailable`` (the server could not do it now, e.g. store a consent; try again), ``join_timeout``
    (no ``join`` came within the server's time after the socket opened, 30 s by default: the server
    closes the socket after this one). ``re`` is the
    refused message's ``id``, when it had a readable one; ``refused`` its ``type``, when known."""

    model_config = _example(
        type="error",
        code="forbidden",
        message="user-7 may not publish audio until the host allows it",
        field=None,
        refused="media",
    )
    type: Literal["error"] = "error"
    code: str
    message: str
    field: str | None = None
    refused: str | None = None  # the type of the message refused, when known


class Bye(_Message):
    """The server is closing your socket, and why: ``left`` (you asked), ``denied``, ``removed``,
    ``ended`` (the host ended the session, or did not come back in time: ``host_gone``),
    ``replaced`` (you joined again from another socket), ``shutdown``."""

    model_config = _example(type="bye", reason="ended")
    type: Literal["bye"] = "bye"
    reason: Literal["left", "denied", "removed", "ended", "host_gone", "replaced", "shutdown"]


class Pong(_Reply):
    """Answer to ``ping``: ``id`` (and ``re``) are the ping's ``id``."""

    model_config = _example(type="pong", id=42)
    type: Literal["pong"] = "pong"
    id: int


ServerMessage = (
    Welcome | State | ServerOffer | ServerAnswer | Tracks | Levels | ChatOut | ErrorOut | Bye | Pong
)

CLIENT_MESSAGE_TYPES: Final = (
    Join,
    Offer,
    Answer,
    Candidate,
    Admit,
    Deny,
    Remove,
    Mute,
    Permit,
    Media,
    Hand,
    RecordConsent,
    WithdrawConsent,
    Chat,
    Leave,
    End,
    Ping,
)
SERVER_MESSAGE_TYPES: Final = (
    Welcome,
    State,
    ServerOffer,
    ServerAnswer,
    Tracks,
    Levels,
    ChatOut,
    ErrorOut,
    Bye,
    Pong,
)

_client_adapter: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)
_server_adapter: TypeAdapter[ServerMessage] = TypeAdapter(
    Annotated[ServerMessage, Field(discriminator="type")]
)


class BadMessage(ValueError):
    """An incoming frame is not a valid message; ``code`` and ``field`` say what to fix."""

    def __init__(self, message: str, *, code: str = "bad_message", field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.refused: str | None = None
        self.re: int | str | None = None  # the refused message's request id, when readable


def frame_size(raw: str | bytes) -> int:
    """A frame's size in bytes as it travelled (UTF-8 for text)."""
    return len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))


def request_id_of(data: dict[str, Any]) -> int | str | None:
    """The message's request ``id``, if it has one of a valid shape (so that even a refusal of an
    otherwise invalid message can name it)."""
    try:
        return _REQUEST_ID.validate_python(data.get("id"))
    except ValidationError:
        return None


def message_type(model: type[BaseModel]) -> str:
    """The ``type`` value a message model carries."""
    return str(get_args(model.model_fields["type"].annotation)[0])


def parse_client_message(raw: str | bytes) -> ClientMessage:
    """Validate one incoming frame. Raises :class:`BadMessage` with a message a person can act on."""
    if frame_size(raw) > MAX_MESSAGE_BYTES:
        raise BadMessage(f"a message may be at most {MAX_MESSAGE_BYTES} bytes", code="too_large")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadMessage("a message must be one JSON object") from None
    except RecursionError:
        # Thousands of nested brackets in a small frame exhaust the parser's stack: a refusal like any
        # other malformed frame (no message nests deeper than a few levels), noted in one line.
        logger.info("refused a frame nested too deeply to parse (%d bytes)", frame_size(raw))
        raise BadMessage(
            "a message must be one JSON object of a few levels, not nested thousands deep"
        ) from None
    if not isinstance(data, dict):
        raise BadMessage("a message must be one JSON object")
    kind = data.get("type")
    try:
        return _client_adapter.validate_python(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = [str(part) for part in problem["loc"]]
        if where and where[0] == kind:
            where = where[1:]  # pydantic names the union member first
        field = where[0] if where else "type"  # the message's own field, not a union member inside it
        if problem["type"] == "union_tag_invalid" or (field == "type" and kind is None):
            known = ", ".join(sorted(message_type(m) for m in CLIENT_MESSAGE_TYPES))
            error = BadMessage(f"unknown message type {kind!r}; expected one of: {known}", field="type")
        else:
            error = BadMessage(f"{kind}: {field}: {problem['msg']}", field=field)
        error.refused = kind if isinstance(kind, str) else None
        error.re = request_id_of(data)
        raise error from None


def parse_server_message(raw: str | bytes) -> ServerMessage:
    """Validate a frame from the server (used by the Python participant client and the tests)."""
    return _server_adapter.validate_json(raw)


def encode(message: BaseModel) -> str:
    """One message as the JSON text sent on the socket."""
    return message.model_dump_json()
