"""The README's promises that code can check: the two commands, the demo logins, and that CI runs
exactly the second command."""

from __future__ import annotations

from pathlib import Path

from server.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
FIRST_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/rounds demo"
SECOND_COMMAND = "bash scripts/test"


def test_the_readme_gives_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert FIRST_COMMAND in readme
    assert SECOND_COMMAND in readme


def test_the_readme_lists_every_demo_login() -> None:
    readme = (ROOT / "README.md").read_text()
    assert DEMO_PASSWORD in readme
    for email, role, _, _ in DEMO_ACCOUNTS:
        row = next((line for line in readme.splitlines() if f"`{email}`" in line), None)
        assert row is not None, f"the demo login {email} is not in the README"
        assert role.value in row, f"the README's row for {email} does not say {role.value}"


def test_ci_runs_exactly_the_second_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    commands = [line.strip() for line in ci if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1] == f"exec {SECOND_COMMAND}", commands
    script = (ROOT / "scripts" / "test").read_text()
    assert script.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in script
