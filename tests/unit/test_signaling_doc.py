"""docs/signaling.md is what the protocol models say, and every example in it is a valid message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from sessions import protocol_doc
from sessions import signaling as sig

DOC = Path(__file__).resolve().parents[2] / "docs" / "signaling.md"


def test_the_document_is_up_to_date() -> None:
    assert DOC.read_text() == protocol_doc.render(), (
        "docs/signaling.md is stale: run `.venv/bin/python -m sessions.protocol_doc > docs/signaling.md`"
    )


def example_of(model: type[BaseModel]) -> dict[str, object]:
    extra = model.model_config.get("json_schema_extra")
    assert isinstance(extra, dict) and "example" in extra, f"{model.__name__} has no example"
    example = extra["example"]
    assert isinstance(example, dict)
    return example


@pytest.mark.parametrize("model", sig.CLIENT_MESSAGE_TYPES, ids=lambda m: m.__name__)
def test_every_client_example_is_accepted_as_that_message(model: type[BaseModel]) -> None:
    parsed = sig.parse_client_message(json.dumps(example_of(model)))
    assert type(parsed) is model


@pytest.mark.parametrize("model", sig.SERVER_MESSAGE_TYPES, ids=lambda m: m.__name__)
def test_every_server_example_is_a_valid_server_message(model: type[BaseModel]) -> None:
    parsed = sig.parse_server_message(json.dumps(example_of(model)))
    assert type(parsed) is model


def test_every_message_type_has_a_section_with_its_example() -> None:
    text = DOC.read_text()
    headings = re.findall(r"^### `([a-z_]+)`$", text, flags=re.MULTILINE)
    expected = [sig.message_type(m) for m in (*sig.CLIENT_MESSAGE_TYPES, *sig.SERVER_MESSAGE_TYPES)]
    assert headings == expected
    examples = re.findall(r"^```json\n(.*)\n```$", text, flags=re.MULTILINE)
    assert len(examples) == len(expected)


@pytest.mark.parametrize(
    ("frame", "code", "field"),
    [
        ("[]", "bad_message", None),
        ("{}", "bad_message", "type"),
        ('{"type": 3}', "bad_message", "type"),
        ('{"type": "offer"}', "bad_message", "sdp"),
        ('{"type": "media", "kind": "smell", "on": true}', "bad_message", "kind"),
        ('{"type": "chat", "text": "hi", "extra": 1}', "bad_message", "extra"),
        ('{"type": "ping", "id": -1}', "bad_message", "id"),
        ('{"type": "chat", "text": "' + "x" * (sig.MAX_MESSAGE_BYTES + 1) + '"}', "too_large", None),
        # Regression (issue 18, item 9): 20,000 `[` raised RecursionError out of the parser.
        pytest.param("[" * 20_000, "bad_message", None, id="nested-20000-deep"),
        pytest.param(
            '{"type": "hand", "raised": true, "id": ' + "[" * 20_000,
            "bad_message",
            None,
            id="id-nested-20000-deep",
        ),
    ],
)
def test_bad_frames_name_what_to_fix(frame: str, code: str, field: str | None) -> None:
    with pytest.raises(sig.BadMessage) as refused:
        sig.parse_client_message(frame)
    assert refused.value.code == code
    assert refused.value.field == field
    assert str(refused.value)
