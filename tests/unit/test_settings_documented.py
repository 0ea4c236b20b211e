"""Every setting is documented in the README: each setting declared in server.config.SETTINGS,
with its default and meaning, in the generated settings table, and every ROUNDS_* name the server's
source mentions in some README table.

When a declaration changes, regenerate the table with
``.venv/bin/python -m tests.unit.test_settings_documented`` and paste it between the markers.
"""

from __future__ import annotations

import re
from pathlib import Path

from server.config import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
START = "<!-- settings-table:start -->"
END = "<!-- settings-table:end -->"
NAME = re.compile(r"\bROUNDS_[A-Z0-9_]*[A-Z0-9]\b")
TABLE_ROW_NAME = re.compile(r"^\|\s*`(ROUNDS_[A-Z0-9_]+)`\s*\|")
SETTING_NAMES = [declared.env for declared in SETTINGS.values()]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def settings_table() -> str:
    """The README's settings table, made from the settings' declarations."""
    lines = ["| Setting | Default | Meaning |", "|---|---|---|"]
    for declared in SETTINGS.values():
        lines.append(f"| `{declared.env}` | `{_cell(declared.shown)}` | {_cell(declared.help)} |")
    return "\n".join(lines)


def _readme() -> str:
    assert README.exists(), "README.md is missing"
    return README.read_text()


def _generated_block(readme: str) -> str:
    assert START in readme and END in readme, (
        f"README.md must hold the settings table between {START} and {END}"
    )
    return readme.split(START, 1)[1].split(END, 1)[0].strip()


def names_in_readme_tables(readme: str) -> set[str]:
    return {m.group(1) for line in readme.splitlines() if (m := TABLE_ROW_NAME.match(line.strip()))}


def names_in_server_source() -> dict[str, str]:
    """ROUNDS_* name -> first file:line of the server's source that mentions it."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "server").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for name in NAME.findall(line):
                found.setdefault(name, f"{path.relative_to(ROOT)}:{number}")
    return found


def test_every_setting_is_in_the_readme_table() -> None:
    documented = names_in_readme_tables(_readme())
    missing = [name for name in SETTING_NAMES if name not in documented]
    assert not missing, f"settings missing from the README's settings table: {missing}"


def test_every_rounds_name_in_the_server_source_is_documented() -> None:
    documented = names_in_readme_tables(_readme())
    source = names_in_server_source()
    assert set(SETTING_NAMES) <= set(source), "the scan of server/ found fewer names than SETTINGS"
    missing = {name: where for name, where in source.items() if name not in documented}
    assert not missing, f"ROUNDS_* names the server reads but the README does not document: {missing}"


def test_the_readme_table_is_generated_from_settings_docs() -> None:
    expected = settings_table()
    assert _generated_block(_readme()) == expected, (
        "README.md's settings table differs from server.config.SETTINGS (a default or meaning changed?). "
        "Replace the table between the markers with:\n\n" + expected
    )


if __name__ == "__main__":
    print(settings_table())
