"""The server-side SVG charts: marks drawn to scale from the data, accessible names and data tables,
empty states, escaping, and bad input."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from server.web.svg_charts import (
    HEIGHT,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    BarMode,
    Series,
    bar_chart,
    line_chart,
    nice_ticks,
)

BASE = HEIGHT - MARGIN_BOTTOM
PLOT = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM


class Marks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.marks: list[dict[str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = {k: v or "" for k, v in attrs}
        if found.get("class") in {"bar", "point"}:
            self.marks.append({"tag": tag, **found})


def marks(html: str) -> list[dict[str, str]]:
    parser = Marks()
    parser.feed(str(html))
    return parser.marks


def test_ticks_are_round_and_cover_the_maximum() -> None:
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(23) == [0, 5, 10, 15, 20, 25]
    assert nice_ticks(0) == [0, 1]
    for maximum in (1, 4, 9, 11, 37, 120, 0.3):
        ticks = nice_ticks(maximum)
        assert ticks[0] == 0 and ticks[-1] >= maximum and len(ticks) <= 7


def test_a_grouped_bar_chart_draws_one_bar_per_nonzero_value_to_scale() -> None:
    html = bar_chart(
        chart_id="c",
        title="Encounters by week",
        labels=["W1", "W2", "W3"],
        series=[Series("Visits", [2, 0, 4]), Series("Huddles", [1, 3, 0])],
    )
    drawn = {(m["data-series"], m["data-label"]): m for m in marks(html)}
    assert set(drawn) == {("Visits", "W1"), ("Visits", "W3"), ("Huddles", "W1"), ("Huddles", "W2")}
    top = nice_ticks(4)[-1]
    for mark in drawn.values():
        value = float(mark["data-value"])
        assert float(mark["height"]) == pytest.approx(value * PLOT / top, abs=0.1)
        assert float(mark["y"]) + float(mark["height"]) == pytest.approx(BASE, abs=0.1)
    # Side by side: the two bars of W1 do not overlap.
    w1 = sorted((drawn[("Visits", "W1")], drawn[("Huddles", "W1")]), key=lambda m: float(m["x"]))
    assert float(w1[0]["x"]) + float(w1[0]["width"]) <= float(w1[1]["x"]) + 0.01


def test_stacked_bars_sit_on_each_other() -> None:
    html = bar_chart(
        chart_id="s",
        title="Logs",
        labels=["W1"],
        series=[Series("Submitted", [2]), Series("Drafts", [3])],
        mode=BarMode.STACKED,
    )
    low, high = marks(html)
    assert float(low["y"]) == pytest.approx(float(high["y"]) + float(high["height"]), abs=0.1)
    assert float(low["x"]) == float(high["x"])
    assert float(low["height"]) + float(high["height"]) == pytest.approx(
        PLOT * 5 / nice_ticks(5)[-1], abs=0.2
    )


def test_charts_are_accessible_images_with_a_data_table() -> None:
    html = str(
        bar_chart(
            chart_id="acc",
            title="Diagnoses by chapter",
            labels=["IX"],
            label_titles=["Chapter IX: Diseases of the circulatory system"],
            series=[Series("Reviewed", [3])],
        )
    )
    assert re.search(r'<svg[^>]* role="img"[^>]* aria-label="Diagnoses by chapter\. Reviewed: 3 in all', html)
    assert '<title id="acc-title">Diagnoses by chapter</title>' in html and "<desc" in html
    table = html[html.index('<table class="visually-hidden"') :]
    assert "<caption>Diagnoses by chapter</caption>" in table
    assert '<th scope="row">Chapter IX: Diseases of the circulatory system</th><td>3</td>' in table
    assert "<figcaption>Diagnoses by chapter</figcaption>" in html


def test_a_line_chart_leaves_gaps_and_shows_percentages() -> None:
    html = str(
        line_chart(
            chart_id="l",
            title="Scores",
            labels=["W1", "W2", "W3", "W4"],
            series=[Series("Top-3", [1.0, None, 0.5, 0.75]), Series("Relevance", [None, None, 2 / 3, None])],
            percent=True,
        )
    )
    points = {(m["data-series"], m["data-label"]): float(m["data-value"]) for m in marks(html)}
    assert points == {
        ("Top-3", "W1"): 1,
        ("Top-3", "W3"): 0.5,
        ("Top-3", "W4"): 0.75,
        ("Relevance", "W3"): 0.6667,
    }
    # W2 is missing: two pieces of line, the first a single point (so no polyline), then W3-W4.
    lines = re.findall(r'<polyline class="line" data-series="([^"]+)" points="([^"]+)"', html)
    assert [(name, len(points.split())) for name, points in lines] == [("Top-3", 2)]
    assert "<td>no value</td>" in html and "<td>67%</td>" in html and ">100%</text>" in html
    # Series differ by marker shape, not colour alone.
    shapes = {m["data-series"]: m["tag"] for m in marks(html)}
    assert shapes["Top-3"] != shapes["Relevance"]


def test_no_data_gives_a_sentence_instead_of_an_empty_plot() -> None:
    for html in (
        bar_chart(
            chart_id="e", title="T", labels=["W1"], series=[Series("A", [0])], empty_text="Nothing yet."
        ),
        bar_chart(chart_id="e", title="T", labels=[], series=[], empty_text="Nothing yet."),
        line_chart(
            chart_id="e", title="T", labels=["W1"], series=[Series("A", [None])], empty_text="Nothing yet."
        ),
    ):
        assert 'class="chart chart-empty"' in html and "Nothing yet." in html and "<svg" not in html


def test_text_is_escaped_and_bad_input_refused() -> None:
    html = str(bar_chart(chart_id="x", title="<b>&", labels=['"W1"'], series=[Series("<s>", [1])]))
    assert "<b>" not in html and "&lt;b&gt;&amp;" in html and "<s>" not in html
    with pytest.raises(ValueError):
        bar_chart(chart_id="x", title="T", labels=["a", "b"], series=[Series("A", [1])])
    with pytest.raises(ValueError):
        line_chart(chart_id="x", title="T", labels=["a"], series=[Series("A", [1, 2])])
    with pytest.raises(ValueError):
        bar_chart(chart_id="x", title="T", labels=["a"], series=[Series("A", [1])], label_titles=[])
