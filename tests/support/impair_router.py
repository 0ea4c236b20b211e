"""The impairment router: a process in a home network's gateway namespace that owns one TUN device
and passes every packet written to it (by the gateway's policy routing, see
:meth:`tests.support.netlab.Lab.impair`) back out of it after the link model of
:mod:`tests.support.impair` has delayed it, or not at all when the model drops it.

A packet whose destination is in the home's LAN goes *down*, any other *up*. This module is only the
thin shell around the model: reading and writing the TUN, keeping each direction's packets in order
until their time comes, and answering the lab on stdin/stdout with JSON lines::

    {"op": "set", "profile": {...}}   use this profile (Profile.to_json) from now on
    {"op": "stats"}                   what each direction did so far
    {"op": "quit"}

It prints ``{"ok": true, "ready": true}`` once the TUN exists; the device goes away with the process.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import heapq
import ipaddress
import itertools
import json
import os
import random
import struct
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from tests.support.impair import GOOD, Link, Profile

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def open_tun(name: str) -> int:
    """A non-blocking file descriptor of a new TUN device ``name`` (raw IP packets, no header)."""
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


class Direction:
    """One direction: the model, and the packets it has let through waiting for their time, in the
    order of their time and, for the same time, of their arrival."""

    def __init__(self, link: Link, write: Any) -> None:
        self.link = link
        self._write = write
        self._waiting: list[tuple[float, int, bytes]] = []  # a heap
        self._arrivals = itertools.count()
        self._timer: asyncio.TimerHandle | None = None

    def push(self, packet: bytes, loop: asyncio.AbstractEventLoop) -> None:
        now = loop.time()
        delivery = self.link.admit(len(packet), now)
        if delivery is None:
            return
        if delivery <= now and not self._waiting:
            self._write(packet)
            return
        # One timer per direction, for the earliest packet: asyncio does not keep timers due at the
        # same moment in order, a line does.
        heapq.heappush(self._waiting, (delivery, next(self._arrivals), packet))
        if self._timer is None or self._timer.when() > delivery:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = loop.call_at(delivery, self._flush, loop)

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        now = loop.time()
        while self._waiting and self._waiting[0][0] <= now:
            self._write(heapq.heappop(self._waiting)[2])
        if self._waiting:
            self._timer = loop.call_at(self._waiting[0][0], self._flush, loop)


class Router:
    """Reads the TUN, sorts packets into the two directions, writes them back when due."""

    def __init__(self, fd: int, lan: ipaddress.IPv4Network, seed: int) -> None:
        self.fd = fd
        self.lan = lan
        self.profile = GOOD
        rng = random.Random(seed)
        self.down = Direction(Link(GOOD.down, rng), self._write)
        self.up = Direction(Link(GOOD.up, rng), self._write)
        self.write_errors = 0

    def configure(self, profile: Profile) -> None:
        self.profile = profile
        self.down.link.configure(profile.down)
        self.up.link.configure(profile.up)

    def _write(self, packet: bytes) -> None:
        try:
            os.write(self.fd, packet)
        except OSError:
            # A full device queue loses the packet, as a full NIC ring would.
            self.write_errors += 1

    def on_readable(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            try:
                packet = os.read(self.fd, 65536)
            except BlockingIOError:
                return
            if len(packet) < 20 or packet[0] >> 4 != 4:
                continue  # the lab is IPv4 only
            to_lan = ipaddress.IPv4Address(packet[16:20]) in self.lan
            (self.down if to_lan else self.up).push(packet, loop)

    def stats(self) -> dict[str, Any]:
        return {
            "profile": self.profile.name,
            "down": asdict(self.down.link.counts),
            "up": asdict(self.up.link.counts),
            "write_errors": self.write_errors,
        }


async def serve(args: argparse.Namespace) -> None:
    """Route packets and answer the lab until ``quit`` or the end of stdin."""
    loop = asyncio.get_running_loop()
    fd = open_tun(args.tun)
    router = Router(fd, ipaddress.IPv4Network(args.lan), args.seed)
    loop.add_reader(fd, router.on_readable, loop)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    print(json.dumps({"ok": True, "ready": True}), flush=True)
    try:
        while line := await reader.readline():
            request = json.loads(line)
            op = request.get("op")
            if op == "quit":
                break
            if op == "set":
                router.configure(Profile.from_json(json.dumps(request["profile"])))
                answer: dict[str, Any] = {"ok": True}
            elif op == "stats":
                answer = {"ok": True, **router.stats()}
            else:
                answer = {"ok": False, "error": f"unknown op {op!r}"}
            print(json.dumps(answer), flush=True)
    finally:
        loop.remove_reader(fd)
        os.close(fd)


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the arguments and route."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tun", required=True, help="the TUN device to create (e.g. imp0)")
    parser.add_argument("--lan", required=True, help="the home's LAN (e.g. 100.64.1.0/24): down is to it")
    parser.add_argument("--seed", type=int, default=14, help="seed of the loss and jitter draws")
    asyncio.run(serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
