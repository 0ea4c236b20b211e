"""Page templates compiled once per process and shared by every app it builds (server/app.py)."""

from __future__ import annotations

from typing import Any

import jinja2

from server.app import _SharedTemplateCode


def environment(cache: _SharedTemplateCode, source: str, compiled: list[str]) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": source}), bytecode_cache=cache)
    compile_for_real = env.compile

    def counting(source: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(str(name))
        return compile_for_real(source, name, *args, **kwargs)

    env.compile = counting  # type: ignore[method-assign]
    return env


def test_a_second_app_reuses_the_compiled_template_and_an_edited_one_is_compiled_again() -> None:
    cache = _SharedTemplateCode()
    compiled: list[str] = []
    first = environment(cache, "Hello {{ name }}", compiled)
    assert first.get_template("page.html").render(name="Ada") == "Hello Ada"
    assert compiled == ["page.html"]
    second = environment(cache, "Hello {{ name }}", compiled)
    assert second.get_template("page.html").render(name="Bo") == "Hello Bo"
    assert compiled == ["page.html"]  # not compiled again
    edited = environment(cache, "Goodbye {{ name }}", compiled)
    assert edited.get_template("page.html").render(name="Cy") == "Goodbye Cy"  # never the stale code
    assert compiled == ["page.html", "page.html"]
