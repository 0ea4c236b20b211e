"""The web client's JavaScript modules run in node, as the browser runs them (plain ES modules, no build
step): the one way the unit tests call it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from typing import Any


def run_es_module(source: str, *, env: Mapping[str, str] | None = None) -> Any:
    """Run ``source`` as an ES module in node (with ``env`` added to this process's environment); its
    last line of output must be one JSON value, which is returned. Fails with node's error output."""
    node = shutil.which("node")
    assert node is not None, "node (Node.js) is needed to run the web client's JavaScript in tests"
    done = subprocess.run(
        [node, "--input-type=module", "--eval", source],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
