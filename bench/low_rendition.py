"""What one low rendition costs, and how long a subscriber's switch between levels waits.

Run: .venv/bin/python bench/low_rendition.py [--seconds 8] [--switches 10]

In this one process, on loopback: a publisher sending synthetic 640x480 VP8 at 30 fps, the server's
publication of it (received without decoding), and one subscriber peer that counts the encoded frames
it receives without decoding them (as ``bench/forwarding.py``'s viewers). The process CPU time (all
threads) is measured over ``--seconds`` with the subscriber at ``full`` (the rendition idle: nothing
decoded), at ``low`` (the publication decoded and re-encoded at 320x240, 10 fps, 150 kbit/s), and at
``full`` again. The low rendition's cost is the difference; the publisher's encoder and the network
stack are the same in every phase. Then the subscriber is switched ``--switches`` times each way and
the time from the switch asked to the first frame of the new level (its keyframe) is reported: the
old level goes on meanwhile, so that wait is not a freeze.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiortc import MediaStreamTrack  # noqa: E402

from bench.forwarding import BOUND, Camera, Viewer  # noqa: E402
from sessions.adaptation import Level  # noqa: E402
from sessions.forwarding import Publication, SubscriberTrack, hook_keyframe_requests  # noqa: E402
from sessions.loopback import negotiate, new_peer_connection, use_loopback_only  # noqa: E402
from sessions.rendition import LowRendition  # noqa: E402


async def until(predicate: Callable[[], bool], what: str) -> None:
    """Poll ``predicate()`` every 5 ms; give up (exit) after BOUND seconds."""
    try:
        async with asyncio.timeout(BOUND):
            while not predicate():  # noqa: ASYNC110 - counters have no event to await
                await asyncio.sleep(0.005)
    except TimeoutError:
        raise SystemExit(f"gave up waiting for {what}") from None


def at_level(track: SubscriberTrack, level: Level) -> bool:
    """Whether ``track`` sends ``level`` now."""
    return track.level is level


async def cpu_over(seconds: float) -> float:
    """This process's CPU time over ``seconds`` of wall time, as a share of one core."""
    cpu, wall = time.process_time(), time.monotonic()
    await asyncio.sleep(seconds)
    return (time.process_time() - cpu) / (time.monotonic() - wall)


async def main(seconds: float, switches: int) -> None:
    use_loopback_only()
    publisher, server_in, server_out = new_peer_connection(), new_peer_connection(), new_peer_connection()
    viewer = Viewer(decode=False)
    camera = Camera()
    publisher.addTransceiver(camera, direction="sendonly")
    track = SubscriberTrack("video")
    out = server_out.addTransceiver(track, direction="sendonly")
    hook_keyframe_requests(out.sender, track.request_keyframe)
    publications: list[Publication] = []

    @server_in.on("track")
    def on_track(received: MediaStreamTrack) -> None:
        transceiver = next(t for t in server_in.getTransceivers() if t.receiver.track is received)
        publications.append(Publication.for_transceiver(transceiver))
        publications[0].add_subscriber(track)

    rendition: LowRendition | None = None
    try:
        await negotiate(server_out, viewer.pc)
        await negotiate(publisher, server_in)
        await until(lambda: viewer.received > 30, "the first frames")
        rendition = LowRendition(publications[0])
        await asyncio.sleep(1.0)  # settle
        full = await cpu_over(seconds)
        track.set_level(Level.LOW, rendition)
        await until(lambda: track.level is Level.LOW, "the switch to low")
        await asyncio.sleep(1.0)
        frames, encoded, busy = viewer.received, rendition.frames_encoded, rendition.encode_seconds
        low = await cpu_over(seconds)
        per_frame = (rendition.encode_seconds - busy) / max(1, rendition.frames_encoded - encoded)
        low_fps = (viewer.received - frames) / seconds
        low_kbps = rendition.bitrate() / 1000
        track.set_level(Level.FULL)
        await until(lambda: track.level is Level.FULL and not rendition.active, "the switch back")
        await asyncio.sleep(1.0)
        full_again = await cpu_over(seconds)

        waits: dict[Level, list[float]] = {Level.LOW: [], Level.FULL: []}
        for n in range(2 * switches):
            target = Level.LOW if n % 2 == 0 else Level.FULL
            track.set_level(target, rendition)
            await until(partial(at_level, track, target), f"the switch to {target.wire}")
            waits[target].append(track.switch_waits[-1])
            await asyncio.sleep(0.7)  # a little of each level before the next switch
    finally:
        if rendition is not None:
            rendition.close()
        track.stop()
        camera.stop()
        await viewer.close()
        for pc in (publisher, server_in, server_out):
            await pc.close()

    baseline = (full + full_again) / 2
    print(f"low rendition, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {seconds:.0f} s per phase")
    print(
        f"  process CPU, subscriber at full:        {full:6.1%} of a core (again after low: {full_again:.1%})"
    )
    print(f"  process CPU, subscriber at low:         {low:6.1%} of a core")
    print(f"  one low rendition (decode + re-encode): {low - baseline:6.1%} of a core")
    print(f"  scaling and encoding alone:             {1000 * per_frame:6.2f} ms per low frame")
    print(f"  low rendition delivered:                {low_fps:6.1f} frames/s, {low_kbps:.0f} kbit/s")
    for level, label in ((Level.LOW, "full -> low"), (Level.FULL, "low -> full")):
        ms = sorted(1000 * w for w in waits[level])
        print(
            f"  switch {label}: first frame of the new level after {statistics.median(ms):.0f} ms "
            f"(median of {len(ms)}; max {ms[-1]:.0f} ms), the old level sent meanwhile"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=8.0, help="wall time measured per phase")
    parser.add_argument("--switches", type=int, default=10, help="switches timed each way")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.seconds, arguments.switches))
