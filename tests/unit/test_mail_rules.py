"""The mail rules that need no server: when a failed mail is due again, which SMTP answers are final,
who may read a mail in the demo outbox, and the mail settings."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from server.config import SettingsError, load_settings
from server.domain.mail import is_permanent, may_read_in_demo_outbox, retry_delay


def test_retries_back_off_exponentially_with_full_jitter_up_to_the_cap() -> None:
    rand = random.Random(15)
    base, cap = timedelta(seconds=30), timedelta(hours=1)
    for attempts, ceiling in ((1, 30), (2, 60), (3, 120), (8, 3600), (30, 3600)):
        delays = [retry_delay(attempts, base=base, cap=cap, rand=rand).total_seconds() for _ in range(200)]
        assert all(3 <= d <= ceiling for d in delays), (attempts, min(delays), max(delays))
        assert max(delays) > ceiling * 0.8  # spread over the whole range, not bunched
        assert len({round(d, 3) for d in delays}) > 150


def test_only_5xx_answers_give_a_mail_up() -> None:
    assert is_permanent(550) and is_permanent(554)
    assert not is_permanent(421) and not is_permanent(451) and not is_permanent(None)


def test_the_demo_outbox_shows_a_mail_to_its_addressee_and_only_under_the_demo_to_its_browser() -> None:
    def may(viewer: str | None, browser: str | None, *, demo: bool) -> bool:
        return may_read_in_demo_outbox(
            "amara@example.org",
            "b1",
            viewer_email=viewer,
            browser_hash=browser,
            open_to_requesting_browser=demo,
        )

    assert may("Amara@Example.org", None, demo=False)
    assert not may("bruno@example.org", "b2", demo=True)
    assert not may(None, "b1", demo=False)  # `rounds serve` without SMTP: the addressee only
    assert may(None, "b1", demo=True)
    assert not may(None, None, demo=True)


def test_mail_settings_are_checked_and_the_links_base_follows_the_listening_address() -> None:
    env = {"ROUNDS_SECRET_KEY": "k" * 20, "ROUNDS_DATA_DIR": "/tmp/rounds-f15-unused"}
    settings = load_settings(env)
    assert settings.smtp_host is None and settings.smtp_tls == "starttls" and settings.smtp_port == 587
    assert settings.base_url == "http://127.0.0.1:8080"
    assert load_settings({**env, "ROUNDS_PUBLIC_URL": "https://rounds.example.org/"}).base_url == (
        "https://rounds.example.org"
    )
    for name, value, says in (
        ("ROUNDS_SMTP_TLS", "ssl", "ROUNDS_SMTP_TLS must be starttls, tls or none"),
        ("ROUNDS_PUBLIC_URL", "rounds.example.org", "ROUNDS_PUBLIC_URL must be an http://"),
        ("ROUNDS_PUBLIC_URL", "https://rounds.example.org/app", "ROUNDS_PUBLIC_URL must be an http://"),
        ("ROUNDS_MAIL_FROM", "Rounds", "ROUNDS_MAIL_FROM must be an email address"),
        (
            "ROUNDS_SMTP_USERNAME",
            "rounds",
            "ROUNDS_SMTP_USERNAME and ROUNDS_SMTP_PASSWORD must be set together",
        ),
    ):
        with pytest.raises(SettingsError, match=says):
            load_settings({**env, name: value})
