"""The one rule for where ``next`` and ``back`` may send a browser (``server/web/redirects.py``): a path
on this site, never another host however the value is spelled."""

from __future__ import annotations

import pytest

from server.web.redirects import local_path

# Each would take a browser to another host (or to a script) if written into a Location header.
HOSTILE = [
    "//evil.example/",
    "/\t/evil.example/",  # the URL parser drops tabs: //evil.example/
    "/\n/evil.example/",
    "/\r/evil.example/",
    "/\r\n/evil.example/",
    "\t//evil.example/",
    "/\\evil.example/",  # a backslash is read as a slash
    "\\\\evil.example/",
    "/\\/evil.example/",
    "/x\\..\\..\\/evil.example",
    "/%2F/evil.example/",  # decoded once more (a proxy, a framework) it is //evil.example/
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "/%09/evil.example/",  # the tab, still encoded
    "/%252F/evil.example/",  # encoded twice
    "/%25252F/evil.example/",
    "/%0d%0aSet-Cookie:x=1",  # header splitting, once decoded
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " /dashboard",
    "/ /evil.example",
    "//\u2215evil.example",
    "/\u2215evil.example",  # DIVISION SLASH, a slash lookalike
    "/\uff0f\uff0fevil.example",  # FULLWIDTH SOLIDUS
    "/\u3002evil.example",
    "/\u200b/evil.example",  # a zero-width space between the slashes
    "/\x00/evil.example",
    "/%ff%fe",
    "evil.example",
    "",
    "/" + "a" * 3000,
    None,
    42,
    ["/dashboard"],
]
LOCAL = [
    "/",
    "/dashboard",
    "/applications/12",
    "/applications/12?notice=applied#application-12",
    "/programs?specialty=internal%20medicine&modality=telehealth",
    "/login?next=%2Fdashboard",
    "/record/enrollments/3/learning",
]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_a_hostile_target_falls_back_to_the_default(value: object) -> None:
    assert local_path(value, "/dashboard") == "/dashboard"


@pytest.mark.parametrize("value", LOCAL)
def test_a_path_on_this_site_is_kept_as_it_is(value: str) -> None:
    assert local_path(value, "/dashboard") == value
