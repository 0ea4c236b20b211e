"""A network lab for live-session tests: Linux network namespaces, veth pairs, a bridge as the
lab's "internet", NAT routers made with iptables, coturn, and a real ``rounds serve``.

Everything lives in namespaces this module creates, with names unique to the run (``rl<hex>-...``)
and addresses that exist only inside them: 198.18.0.0/24 is the lab's internet, 100.64.N.0/24 the
home networks. Nothing is added to the root namespace (the veth pairs are created directly in their
namespaces), no route leads out of the lab, and :func:`network_lab` removes every process and
namespace on the way out, also when the test fails.

The paths (a participant's namespace, by name):

``direct``     on the internet itself, no NAT: the baseline.
``cone``       behind a NAT that keeps source ports where it can (``MASQUERADE``): endpoint-independent
               mapping in practice, so the server's checks find it (srflx/prflx).
``symmetric``  behind ``MASQUERADE --random-fully`` (a new source port per destination) that also
               drops every UDP packet except to the TURN server's port: only a relay works.
``no_udp``     behind a NAT that drops all UDP: only TURN over TCP works.

Any home network's link can be impaired (:meth:`Lab.impair`: a rate limit, delay, jitter, loss; the
profiles of :mod:`tests.support.impair`) and set free again (:meth:`Lab.lift`).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from server.demo import DEMO_PASSWORD
from tests.support.impair import GOOD, Profile, profile_named
from tests.support.processes import clean_env, rounds_command, run_rounds

ROOT = Path(__file__).resolve().parents[2]
SERVER_IP = "198.18.0.1"
TURN_IP = "198.18.0.2"
DIRECT_IP = "198.18.0.20"
SERVER_PORT = 8080
TURN_PORT = 3478
TURN_SECRET = "lab-turn-secret-" + uuid.uuid4().hex
TURN_URLS = f"turn:{TURN_IP}:{TURN_PORT}?transport=udp,turn:{TURN_IP}:{TURN_PORT}?transport=tcp"
BASE_URL = f"http://{SERVER_IP}:{SERVER_PORT}"
#: Home networks: path -> (gateway WAN address, LAN number, extra iptables rules on the gateway).
HOMES: dict[str, tuple[str, int, list[list[str]]]] = {
    "cone": ("198.18.0.11", 1, []),
    "symmetric": (
        "198.18.0.12",
        2,
        [
            [
                "-A",
                "FORWARD",
                "-i",
                "lan",
                "-p",
                "udp",
                "-d",
                TURN_IP,
                "--dport",
                str(TURN_PORT),
                "-j",
                "ACCEPT",
            ],
            ["-A", "FORWARD", "-i", "lan", "-p", "udp", "-j", "DROP"],
        ],
    ),
    "no_udp": ("198.18.0.13", 3, [["-A", "FORWARD", "-p", "udp", "-j", "DROP"]]),
}
PATHS = ("direct", "cone", "symmetric", "no_udp")
#: The impairment router's TUN device in a gateway, and the routing tables that lead into it.
IMPAIR_TUN = "imp0"
UP_TABLE, DOWN_TABLE = 101, 102
#: Bound on things that take a fraction of a second on an idle machine.
BOUND = 60.0


def lab_problem() -> str | None:
    """Why the lab cannot be built here, or None."""
    if os.geteuid() != 0:
        return "the network lab needs root (network namespaces, iptables)"
    for tool in ("ip", "iptables", "turnserver"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian: iproute2, iptables, coturn; see scripts/test)"
    return None


def sh(*args: str, timeout: float = 30) -> str:
    """Run a command, failing with its output when it fails."""
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


@dataclass
class Participant:
    """A process in a namespace asked ops over JSON lines: a :mod:`tests.lab.participant`, or an
    impairment router (:mod:`tests.support.impair_router`), which speaks the same way."""

    name: str
    process: subprocess.Popen[str]
    log_path: Path
    _answers: queue.Queue[str | None] = field(default_factory=queue.Queue)

    def __post_init__(self) -> None:
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()
        ready = self._next(BOUND)
        assert ready.get("ready"), ready

    def _read(self, stream: IO[str] | None) -> None:
        assert stream is not None
        for line in stream:
            self._answers.put(line)
        self._answers.put(None)

    def _next(self, bound: float) -> dict[str, Any]:
        try:
            line = self._answers.get(timeout=bound)
        except queue.Empty:
            raise TimeoutError(f"{self.name} did not answer within {bound}s:\n{self.log()}") from None
        if line is None:
            raise RuntimeError(f"{self.name} exited ({self.process.poll()}):\n{self.log()}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def ask(self, op: str, bound: float = BOUND, **arguments: Any) -> dict[str, Any]:
        """Send one op and return its answer; an op that failed raises with the participant's log."""
        answer = self.request(op, bound, **arguments)
        if not answer["ok"]:
            raise RuntimeError(f"{self.name}: {op} failed: {answer['error']}\n{self.log()}")
        return answer

    def request(self, op: str, bound: float = BOUND, **arguments: Any) -> dict[str, Any]:
        """Send one op and return its answer as it is (``ok`` false included)."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"op": op, **arguments}) + "\n")
        self.process.stdin.flush()
        return self._next(bound)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def stop(self) -> None:
        """Ask it to quit (it leaves and closes), then make sure it is gone."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError, ValueError):
                assert self.process.stdin is not None
                self.process.stdin.write('{"op": "quit"}\n')
                self.process.stdin.close()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


@dataclass
class Lab:
    """The namespaces, coturn and the server of one run."""

    workdir: Path
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    namespaces: list[str] = field(default_factory=list)
    processes: list[subprocess.Popen[Any]] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    #: home path -> its impairment router (started by the first :meth:`impair` of that path)
    routers: dict[str, Participant] = field(default_factory=dict)
    turn_log: Path | None = None
    server_log: Path | None = None

    def ns(self, role: str) -> str:
        """The namespace of ``role`` in this run (e.g. ``rl1a2b3c-pub``)."""
        return f"rl{self.run}-{role}"

    def client_ns(self, path: str) -> str:
        """Where a participant on ``path`` runs."""
        return self.ns(path)

    def exec_in(self, role: str, *args: str, timeout: float = 30) -> str:
        return sh("ip", "netns", "exec", self.ns(role), *args, timeout=timeout)

    # ------------------------------------------------------------------ building

    def _add_namespace(self, role: str) -> None:
        name = self.ns(role)
        sh("ip", "netns", "add", name)
        self.namespaces.append(name)
        sh("ip", "-n", name, "link", "set", "lo", "up")
        # IPv4 only: no link-local IPv6 candidates, and nothing but the lab's addresses.
        self.exec_in(role, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
        self.exec_in(role, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")

    def _plug_into_internet(self, role: str, address: str) -> None:
        """A veth from ``role`` (its ``wan``) to a port of the internet's bridge."""
        port = f"p-{role}"[:15]
        sh(
            "ip",
            "-n",
            self.ns(role),
            "link",
            "add",
            "wan",
            "type",
            "veth",
            "peer",
            "name",
            port,
            "netns",
            self.ns("inet"),
        )
        sh("ip", "-n", self.ns("inet"), "link", "set", port, "master", "br0", "up")
        sh("ip", "-n", self.ns(role), "addr", "add", f"{address}/24", "dev", "wan")
        sh("ip", "-n", self.ns(role), "link", "set", "wan", "up")

    def _home(self, path: str) -> None:
        """A gateway namespace doing NAT between the internet and a LAN with one host."""
        wan, number, rules = HOMES[path]
        gateway, host = f"{path}-gw", path
        self._add_namespace(gateway)
        self._add_namespace(host)
        self._plug_into_internet(gateway, wan)
        sh(
            "ip",
            "-n",
            self.ns(gateway),
            "link",
            "add",
            "lan",
            "type",
            "veth",
            "peer",
            "name",
            "eth0",
            "netns",
            self.ns(host),
        )
        sh("ip", "-n", self.ns(gateway), "addr", "add", f"100.64.{number}.1/24", "dev", "lan")
        sh("ip", "-n", self.ns(gateway), "link", "set", "lan", "up")
        sh("ip", "-n", self.ns(host), "addr", "add", f"100.64.{number}.2/24", "dev", "eth0")
        sh("ip", "-n", self.ns(host), "link", "set", "eth0", "up")
        sh("ip", "-n", self.ns(host), "route", "add", "default", "via", f"100.64.{number}.1")
        self.exec_in(gateway, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        masquerade = ["-t", "nat", "-A", "POSTROUTING", "-o", "wan", "-j", "MASQUERADE"]
        if path == "symmetric":
            masquerade.append("--random-fully")
        self.exec_in(gateway, "iptables", *masquerade)
        for rule in rules:
            self.exec_in(gateway, "iptables", *rule)

    def build_network(self) -> None:
        """Every namespace, link, address, route and NAT rule of the lab."""
        self._add_namespace("inet")
        sh("ip", "-n", self.ns("inet"), "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", self.ns("inet"), "link", "set", "br0", "up")
        for role, address in (("pub", SERVER_IP), ("turn", TURN_IP), ("direct", DIRECT_IP)):
            self._add_namespace(role)
            self._plug_into_internet(role, address)
        for path in HOMES:
            self._home(path)

    def start_turn(self) -> None:
        """coturn in its namespace: shared-secret credentials, UDP and TCP on 3478, no TLS, no CLI."""
        self.turn_log = self.workdir / "turn.log"
        config = self.workdir / "turnserver.conf"
        config.write_text(
            "\n".join(
                [
                    f"listening-ip={TURN_IP}",
                    f"relay-ip={TURN_IP}",
                    f"listening-port={TURN_PORT}",
                    "min-port=49152",
                    "max-port=49999",
                    "fingerprint",
                    "use-auth-secret",
                    f"static-auth-secret={TURN_SECRET}",
                    "realm=lab.rounds.test",
                    "no-tls",
                    "no-dtls",
                    "no-cli",
                    "no-multicast-peers",
                    "verbose",
                    "simple-log",
                    f"log-file={self.turn_log}",
                    f"userdb={self.workdir / 'turndb'}",
                    f"pidfile={self.workdir / 'turnserver.pid'}",
                    "",
                ]
            )
        )
        process = subprocess.Popen(
            ["ip", "netns", "exec", self.ns("turn"), "turnserver", "-c", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "turn.stderr").open("wb"),
        )
        self.processes.append(process)
        self._wait_for_tcp("turn", TURN_IP, TURN_PORT, process)

    def start_server(self) -> None:
        """The demo's data in SQLite, then ``rounds serve`` in the public namespace on the lab address,
        with no ICE servers of its own and the TURN settings for its participants."""
        env = clean_env(
            ROUNDS_DATA_DIR=str(self.workdir / "var"),
            ROUNDS_SECRET_KEY="network-lab-secret-key-" + self.run,
            ROUNDS_TURN_URLS=TURN_URLS,
            ROUNDS_TURN_SECRET=TURN_SECRET,
            ROUNDS_HOST_GRACE_SECONDS="600",
            PYTHONPATH=str(ROOT),
        )
        done = run_rounds(["demo", "--no-serve"], env=env, cwd=self.workdir, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        self.server_log = self.workdir / "server.log"
        process = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                self.ns("pub"),
                *rounds_command(),
                "serve",
                "--host",
                SERVER_IP,
                "--port",
                str(SERVER_PORT),
            ],
            env=env,
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=self.server_log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        self._wait_for_tcp("pub", SERVER_IP, SERVER_PORT, process)

    def _wait_for_tcp(self, role: str, host: str, port: int, process: subprocess.Popen[Any]) -> None:
        """Wait (inside ``role``'s namespace) until something accepts on host:port."""
        probe = (
            "import socket,sys,time\n"
            f"end=time.monotonic()+{BOUND}\n"
            "while time.monotonic()<end:\n"
            "    try:\n"
            f"        socket.create_connection(({host!r},{port}),timeout=1).close(); sys.exit(0)\n"
            "    except OSError: time.sleep(0.1)\n"
            "sys.exit(1)\n"
        )
        done = subprocess.run(
            ["ip", "netns", "exec", self.ns(role), sys.executable, "-c", probe],
            check=False,
            timeout=BOUND + 10,
        )
        if done.returncode != 0 or process.poll() is not None:
            raise RuntimeError(f"nothing accepts on {host}:{port} in {self.ns(role)} (exit {process.poll()})")

    # ------------------------------------------------------------------ using

    def participant(
        self,
        path: str,
        email: str | None,
        *,
        turn_transport: str = "any",
        reconnect: bool = False,
        visit_id: int | None = None,
        patient_link: str | None = None,
        receive_only: bool = False,
        tone: bool = False,
    ) -> Participant:
        """A participant process on ``path`` (or ``pub``: beside the server): logged in as ``email``
        (joining the demo's open huddle, or ``visit_id``), or with ``email`` None the patient whose
        one-time link is ``patient_link`` (its path, ``/join/TOKEN``). ``receive_only``: it publishes
        nothing (an observer with camera and microphone off); ``tone``: its audio is a tone
        (:class:`sessions.sources.SyntheticTone`), not silence."""
        who = "patient" if email is None else email.split("@")[0]
        name = f"{path}-{who}-{len(self.participants)}"
        log_path = self.workdir / f"{name}.log"
        command = [
            "ip", "netns", "exec", self.ns(path), sys.executable, "-m", "tests.lab.participant",
            "--base-url", BASE_URL, "--turn-transport", turn_transport,
        ]  # fmt: skip
        if email is not None:
            command += ["--email", email, "--password", DEMO_PASSWORD]
        if visit_id is not None:
            command += ["--visit", str(visit_id)]
        if patient_link is not None:
            command += ["--patient-link", patient_link]
        if reconnect:
            command.append("--reconnect")
        if receive_only:
            command.append("--receive-only")
        if tone:
            command.append("--tone")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log_path.open("wb"),
            text=True,
        )
        participant = Participant(name, process, log_path)
        self.participants.append(participant)
        return participant

    def cut_off(self, path: str, cut: bool) -> None:
        """Drop (or stop dropping) everything the home network ``path``'s gateway forwards: the
        network goes away and comes back with addresses and routes as they were (taking a link down
        would also remove the routes through it)."""
        action = "-I" if cut else "-D"
        self.exec_in(f"{path}-gw", "iptables", action, "FORWARD", "-j", "DROP")

    def impair(self, path: str, profile: str | Profile) -> None:
        """Impair the link of home network ``path`` (e.g. ``"cone"``) with ``profile`` (a
        :class:`~tests.support.impair.Profile` or the name of one: ``good``, ``3g_abroad``, ``weak``,
        ``bursty_loss``): starts that gateway's impairment router the first time, reconfigures it
        after. ``down`` shapes what reaches the home, ``up`` what leaves it."""
        if path not in HOMES:
            raise ValueError(f"only a home network's link can be impaired ({', '.join(HOMES)}), not {path!r}")
        chosen = profile_named(profile)
        router = self.routers.get(path) or self._start_router(path)
        router.ask("set", profile=json.loads(chosen.to_json()))

    def lift(self, path: str) -> None:
        """No impairment on ``path`` any more (its router stays, passing packets as they come)."""
        router = self.routers.get(path)
        if router is not None:
            router.ask("set", profile=json.loads(GOOD.to_json()))

    def impairment_stats(self, path: str) -> dict[str, Any]:
        """What ``path``'s router did so far, per direction (packets, queue drops, line losses)."""
        return self.routers[path].ask("stats")

    def _start_router(self, path: str) -> Participant:
        """The router process in ``path``'s gateway, and the policy routing that sends the home's
        traffic through its TUN both ways.

        Up: whatever arrives from the LAN is routed into the TUN (table ``UP_TABLE``); written back,
        it arrives from the TUN and leaves by the main table (to ``wan``, masqueraded). Down: what
        arrives on ``wan`` for the LAN (already un-NATed) goes into the TUN (``DOWN_TABLE``); written
        back, the main table takes it to ``lan``. Each packet crosses the gateway twice, so the passes
        on the LAN side are not tracked (raw ``NOTRACK``): connection tracking, and with it the NAT,
        sees each packet once, on the WAN side, as it did without the router."""
        gateway = f"{path}-gw"
        number = HOMES[path][1]
        lan = f"100.64.{number}.0/24"
        log_path = self.workdir / f"impair-{path}.log"
        command = [sys.executable, "-m", "tests.support.impair_router", "--tun", IMPAIR_TUN, "--lan", lan]
        process = subprocess.Popen(
            ["ip", "netns", "exec", self.ns(gateway), *command],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log_path.open("wb"),
            text=True,
        )
        self.processes.append(process)
        router = Participant(f"impair-{path}", process, log_path)
        self.routers[path] = router
        ns = self.ns(gateway)
        # A packet written back into the TUN comes "from" it with an address routed elsewhere.
        for conf in ("all", "default", IMPAIR_TUN):
            self.exec_in(gateway, "sysctl", "-qw", f"net.ipv4.conf.{conf}.rp_filter=0")
        sh("ip", "-n", ns, "link", "set", IMPAIR_TUN, "up")
        sh("ip", "-n", ns, "route", "add", "default", "dev", IMPAIR_TUN, "table", str(UP_TABLE))
        sh("ip", "-n", ns, "route", "add", lan, "dev", IMPAIR_TUN, "table", str(DOWN_TABLE))
        self.exec_in(gateway, "iptables", "-t", "raw", "-A", "PREROUTING", "-i", "lan", "-j", "NOTRACK")
        self.exec_in(
            gateway, "iptables", "-t", "raw", "-A", "PREROUTING", "-i", IMPAIR_TUN, "-d", lan, "-j", "NOTRACK"
        )
        sh("ip", "-n", ns, "rule", "add", "iif", "lan", "lookup", str(UP_TABLE), "priority", "100")
        sh(
            "ip",
            "-n",
            ns,
            "rule",
            "add",
            "iif",
            "wan",
            "to",
            lan,
            "lookup",
            str(DOWN_TABLE),
            "priority",
            "101",
        )
        return router

    def turn_log_text(self) -> str:
        return self.turn_log.read_text(errors="replace") if self.turn_log and self.turn_log.exists() else ""

    # ------------------------------------------------------------------ removing

    def tear_down(self) -> list[str]:
        """Stop every process and delete every namespace; the problems met, if any."""
        problems = []
        for participant in [*self.participants, *self.routers.values()]:
            participant.stop()
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=20)
        # Anything else still running in a namespace (a process a participant left behind) goes too.
        for name in self.namespaces:
            pids = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True, check=False)
            for pid in pids.stdout.split():
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), 9)
        for name in reversed(self.namespaces):
            done = subprocess.run(["ip", "netns", "del", name], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                problems.append(f"could not delete {name}: {done.stderr.strip()}")
        self.namespaces.clear()
        return problems


@contextlib.contextmanager
def network_lab(workdir: Path) -> Iterator[Lab]:
    """The whole lab (network, coturn, server), removed again however the block ends."""
    lab = Lab(workdir)
    try:
        lab.build_network()
        lab.start_turn()
        lab.start_server()
        yield lab
    finally:
        problems = lab.tear_down()
        assert not problems, problems


def time_now() -> float:
    """Wall-clock time, comparable between the lab's processes (they share the machine's clock)."""
    return time.time()
