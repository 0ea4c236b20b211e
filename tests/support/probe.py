"""UDP probes between the lab's namespaces (the lab has no ``ping`` nor ``iperf``): round trips and
loss, and throughput both ways, through whatever NAT and impairment lies between.

``serve`` runs beside the server (``ip netns exec NS python -m tests.support.probe serve --bind IP:PORT``)
and answers datagrams: an echo request comes back as it is; ``flood`` makes it send at a given rate
to the asker (the home opened the NAT's mapping by asking), then an end marker; ``count`` says how
many bytes it received from the asker since its last ``count``. The other commands run in a home and
print one JSON line:

``ping``   ``--count`` echo requests ``--interval`` apart: how many came back, and their round trips;
``down``   asks for ``--seconds`` of datagrams at ``--kbps``: the rate that arrived (over the time
           from the first to the last arrival);
``up``     sends for ``--seconds`` at ``--kbps``: the rate the server counted.
"""

from __future__ import annotations

import argparse
import json
import socket
import struct
import sys
import time
from collections.abc import Sequence
from typing import Any

#: A datagram of a video packet's size.
SIZE = 1200
PING, FLOOD, COUNT, DATA, END = b"P", b"F", b"C", b"D", b"E"


def address(text: str) -> tuple[str, int]:
    host, port = text.rsplit(":", 1)
    return host, int(port)


def serve(bind: tuple[str, int]) -> None:
    """Answer probes until killed."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(bind)
    received: dict[tuple[str, int], int] = {}
    print(json.dumps({"ok": True, "ready": True}), flush=True)
    while True:
        data, peer = sock.recvfrom(65536)
        kind = data[:1]
        if kind == PING:
            sock.sendto(data, peer)
        elif kind == DATA:
            received[peer] = received.get(peer, 0) + len(data)
        elif kind == COUNT:
            sock.sendto(COUNT + str(received.pop(peer, 0)).encode(), peer)
        elif kind == FLOOD:
            kbps, seconds = (float(v) for v in data[1:].decode().split())
            send_at_rate(sock, peer, kbps, seconds)
            for _ in range(3):  # a lossy link may lose one
                sock.sendto(END, peer)


def send_at_rate(sock: socket.socket, peer: tuple[str, int], kbps: float, seconds: float) -> int:
    """Send ``SIZE``-byte datagrams to ``peer`` at ``kbps`` for ``seconds``; the bytes sent."""
    gap = SIZE * 8 / (kbps * 1000)
    start = time.monotonic()
    sent = 0
    n = 0
    while (now := time.monotonic()) < start + seconds:
        due = start + n * gap
        if now < due:
            time.sleep(due - now)
        sock.sendto(DATA + bytes(SIZE - 1), peer)
        sent += SIZE
        n += 1
    return sent


def ping(server: tuple[str, int], count: int, interval: float, wait: float) -> dict[str, Any]:
    """``count`` echo requests: the numbers and round trips (seconds) of those that came back in time."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent_at: dict[int, float] = {}
    rtts: dict[int, float] = {}

    def drain(until: float) -> None:
        while True:
            remaining = until - time.monotonic()
            if remaining <= 0:
                return
            sock.settimeout(remaining)
            try:
                data = sock.recv(2048)
            except TimeoutError:
                return
            (seq,) = struct.unpack("!I", data[1:5])
            if seq in sent_at and seq not in rtts:
                rtts[seq] = time.monotonic() - sent_at[seq]

    for seq in range(count):
        sent_at[seq] = time.monotonic()
        sock.sendto(PING + struct.pack("!I", seq) + bytes(60), server)
        drain(sent_at[seq] + interval)
    drain(time.monotonic() + wait)
    seqs = sorted(rtts)
    return {"sent": count, "received": len(rtts), "received_seqs": seqs, "rtts": [rtts[s] for s in seqs]}


def down(server: tuple[str, int], kbps: float, seconds: float) -> dict[str, Any]:
    """Ask for ``seconds`` of traffic at ``kbps``: what arrived, and at what rate."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.sendto(FLOOD + f"{kbps} {seconds}".encode(), server)
    # Until the end marker; else the last datagrams may wait out a queue and a delay, not a second.
    sock.settimeout(1.0)
    received = 0
    first = last = None
    while True:
        try:
            data = sock.recv(65536)
        except TimeoutError:
            break
        if data[:1] == END:
            break
        now = time.monotonic()
        first = now if first is None else first
        last = now
        received += len(data)
    # Over the time they took to arrive: a queue drained at the end is no extra rate.
    span = (last - first) if first is not None and last is not None else 0.0
    return {"bytes": received, "seconds": span, "kbps": received * 8 / 1000 / (span or seconds)}


def up(server: tuple[str, int], kbps: float, seconds: float) -> dict[str, Any]:
    """Send ``seconds`` of traffic at ``kbps``: what the server counted, and at what rate."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.sendto(COUNT, server)  # start from zero
    sock.settimeout(5.0)
    sock.recv(64)
    sent = send_at_rate(sock, server, kbps, seconds)
    # The count request takes the same path as the data, first in first out (the impairment never
    # reorders unless told to): by the time it arrives, everything not lost has arrived before it.
    sock.sendto(COUNT, server)
    received = int(sock.recv(64)[1:])
    return {"sent": sent, "bytes": received, "kbps": received * 8 / 1000 / seconds}


def main(argv: Sequence[str] | None = None) -> None:
    """Run one command."""
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve").add_argument("--bind", type=address, required=True)
    for name in ("ping", "down", "up"):
        command = commands.add_parser(name)
        command.add_argument("--to", type=address, required=True)
        command.add_argument("--count", type=int, default=100)
        command.add_argument("--interval", type=float, default=0.02)
        command.add_argument("--wait", type=float, default=1.0, help="seconds to wait for late echoes")
        command.add_argument("--kbps", type=float, default=1000.0)
        command.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.bind)
        return
    if args.command == "ping":
        result = ping(args.to, args.count, args.interval, args.wait)
    elif args.command == "down":
        result = down(args.to, args.kbps, args.seconds)
    else:
        result = up(args.to, args.kbps, args.seconds)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
