"""Reach a TCP port that listens *inside* a network namespace (on its 127.0.0.1, or on an address
only the namespace can route to, like the network lab's server) from this process.

Firefox's Marionette listens on the loopback of the namespace Firefox runs in, which this process
cannot reach. :func:`forward_into` opens a listening socket here (127.0.0.1, a free port) and a thread
that has moved itself into the namespace (``setns``: a network namespace belongs to each thread, so
only that thread moves) connects each accepted connection to the port inside and copies bytes both
ways. Python 3.11 has no ``os.setns``, hence the call through libc.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import socket
import threading
from collections.abc import Iterator

#: ``CLONE_NEWNET`` from <sched.h>: setns to a network namespace.
CLONE_NEWNET = 0x40000000


def _enter_namespace(name: str) -> None:
    """Move the calling thread into the network namespace ``name`` (made by ``ip netns add``)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"setns into {name}: {os.strerror(error)}")
    finally:
        os.close(fd)


def _pump(source: socket.socket, sink: socket.socket) -> None:
    """Copy ``source`` to ``sink`` until either end closes; then close both (the other pump ends too)."""
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    for end in (source, sink):
        with contextlib.suppress(OSError):
            end.shutdown(socket.SHUT_RDWR)
        end.close()


def _serve(listener: socket.socket, namespace: str, host: str, port: int) -> None:
    _enter_namespace(namespace)
    while True:
        try:
            outside, _ = listener.accept()
        except OSError:  # the listener was closed: forwarding is over
            return
        try:
            inside = socket.create_connection((host, port), timeout=5)
            inside.settimeout(None)
        except OSError:
            # Nothing listens inside yet: the client sees the connection close and tries again.
            outside.close()
            continue
        for source, sink in ((outside, inside), (inside, outside)):
            threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


@contextlib.contextmanager
def forward_into(namespace: str, port: int, host: str = "127.0.0.1") -> Iterator[int]:
    """A port on this process's 127.0.0.1 whose connections reach ``host``:``port`` as seen from
    ``namespace``; closed on leaving (connections still open end when either side closes them)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    thread = threading.Thread(target=_serve, args=(listener, namespace, host, port), daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        thread.join(timeout=10)
