"""What a page must never write to the browser's console, watched per browser profile: a
Content-Security-Policy violation (Rounds' pages run under a strict policy, so an inline script or style
it blocks is a broken page) and a missing favicon. Each e2e test's profile is watched and checked when it
closes, so every page the e2e tests visit is checked at no extra cost."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, ConsoleMessage

_FOUND: dict[int, list[str]] = {}


def _problem(message: ConsoleMessage) -> str | None:
    text = message.text
    where = message.location.get("url", "") if message.location else ""
    if "Content Security Policy" in text or "Content-Security-Policy" in text:
        return f"{where}: {text}"
    if message.type == "error" and "favicon" in where:
        return f"{where}: {text}"
    return None


def watch(context: BrowserContext) -> BrowserContext:
    """Start watching ``context``'s console; returns it."""
    found = _FOUND.setdefault(id(context), [])

    def on_console(message: ConsoleMessage) -> None:
        if (problem := _problem(message)) is not None:
            found.append(problem)

    context.on("console", on_console)
    return context


def assert_clean(context: BrowserContext) -> None:
    """Fail with every problem ``context``'s pages logged (and stop watching it)."""
    found = _FOUND.pop(id(context), [])
    assert not found, "the pages logged:\n" + "\n".join(found)
