"""Small accessible SVG charts rendered on the server: bar charts (single, grouped or stacked series)
and line charts. Pure Python, no JavaScript, no dependencies beyond markupsafe (which jinja2 brings).

Every chart is a ``<figure>`` holding:

* an ``<svg role="img">`` with an ``aria-label``, a ``<title>`` and a ``<desc>`` (a one-sentence text
  summary of the data), so a screen reader announces one image with a meaningful name;
* a legend (when there is more than one series) that does not rely on colour alone: line series also
  differ by marker shape;
* a visually-hidden data table with every value, for screen readers and for anyone who would rather
  read the numbers.

Marks carry ``data-series``, ``data-label`` and ``data-value`` attributes (and a ``<title>`` tooltip), so
a test or a stylesheet can find the bar or point for a value. With no data a chart is a short sentence
(``empty_text``) instead of an empty plot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from markupsafe import Markup, escape

# Okabe-Ito: distinguishable with the common colour-vision deficiencies, dark enough on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square", "triangle")

WIDTH_MIN = 320
HEIGHT = 240
MARGIN_LEFT = 44
MARGIN_RIGHT = 12
# Room above the plot for the y axis's title, clear of the top tick's label below it (at 14 they overlapped).
MARGIN_TOP = 28
AXIS_TITLE_BASELINE = 12
MARGIN_BOTTOM = 38
GROUP_WIDTH_MIN = 36
BAR_WIDTH_MAX = 28
GROUP_GAP = 0.25  # share of a group's slot left empty


class BarMode(StrEnum):
    """How several series of a bar chart share a label: side by side or on top of each other."""

    GROUPED = "grouped"
    STACKED = "stacked"


@dataclass(frozen=True, slots=True)
class Series:
    """One named series: a value per label (None: no value there, e.g. a week with nothing scored)."""

    name: str
    values: Sequence[float | None]


def _number(value: float) -> str:
    """A value as people write it: 3, 2.5, 0.33."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _precise(value: float) -> str:
    """A value for a data attribute: up to four decimals, no trailing zeros."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _coordinate(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def nice_ticks(maximum: float, *, count: int = 5) -> list[float]:
    """Tick values from 0 to at least ``maximum`` on a 1-2-5 step, at most ``count`` + 1 of them."""
    if maximum <= 0 or not math.isfinite(maximum):
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if maximum <= count and maximum == int(maximum):
        step = max(step, 1.0)  # small counts: whole numbers only
    top = math.ceil(maximum / step - 1e-9) * step
    return [round(i * step, 10) for i in range(round(top / step) + 1)]


def _format(value: float | None, percent: bool) -> str:
    if value is None:
        return "no value"
    return f"{round(value * 100)}%" if percent else _number(value)


def _check(labels: Sequence[str], series: Sequence[Series]) -> None:
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(f"series {one.name!r} has {len(one.values)} values for {len(labels)} labels")


def _has_data(series: Sequence[Series]) -> bool:
    return any(v is not None and v != 0 for one in series for v in one.values)


def _empty(chart_id: str, title: str, empty_text: str) -> Markup:
    return Markup(
        '<figure class="chart chart-empty" id="{id}"><figcaption>{title}</figcaption>'
        '<p class="chart-empty-text">{text}</p></figure>'
    ).format(id=chart_id, title=title, text=empty_text)


def _table(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series], percent: bool) -> str:
    head = "".join(f'<th scope="col">{escape(s.name)}</th>' for s in series)
    rows = []
    for i, label in enumerate(labels):
        cells = "".join(f"<td>{escape(_format(s.values[i], percent))}</td>" for s in series)
        rows.append(f'<tr><th scope="row">{escape(label)}</th>{cells}</tr>')
    # In a hidden block of its own: a table is as wide as its text however small it is told to be,
    # and alone it made the dashboard scroll sideways (1,505 px in a 1,280 px window).
    return (
        '<div class="visually-hidden chart-data">'
        f'<table class="visually-hidden" id="{escape(chart_id)}-data"><caption>{escape(title)}</caption>'
        f"<thead><tr><td></td>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _legend(series: Sequence[Series], *, lines: bool) -> str:
    if len(series) < 2:
        return ""
    items = []
    for i, one in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        if lines:
            key = _marker(MARKERS[i % len(MARKERS)], 8, 8, colour)
        else:
            key = f'<rect x="2" y="2" width="12" height="12" fill="{colour}"/>'
        swatch = (
            f'<svg class="chart-key" viewBox="0 0 16 16" aria-hidden="true" focusable="false">{key}</svg>'
        )
        items.append(f"<li>{swatch}{escape(one.name)}</li>")
    return f'<ul class="chart-legend" aria-hidden="true">{"".join(items)}</ul>'


def _summary(labels: Sequence[str], series: Sequence[Series], percent: bool) -> str:
    """One sentence per series: its total (counts) or its range (percentages)."""
    parts = []
    for one in series:
        present = [(labels[i], v) for i, v in enumerate(one.values) if v is not None]
        if not present:
            parts.append(f"{one.name}: no values")
        elif percent:
            listed = ", ".join(f"{label} {_format(v, True)}" for label, v in present)
            parts.append(f"{one.name}: {listed}")
        else:
            total = sum(v for _, v in present)
            top_label, top_value = max(present, key=lambda item: item[1])
            parts.append(f"{one.name}: {_number(total)} in all, most at {top_label} ({_number(top_value)})")
    return "; ".join(parts) + "."


def _frame(width: float, ticks: Sequence[float], percent: bool, y_label: str) -> tuple[list[str], float]:
    """Gridlines and y-axis labels; returns the parts and the pixels per unit."""
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    top = ticks[-1] or 1.0
    scale = plot_height / top
    parts = []
    for tick in ticks:
        y = HEIGHT - MARGIN_BOTTOM - tick * scale
        parts.append(
            f'<line class="grid" x1="{MARGIN_LEFT}" x2="{_coordinate(width - MARGIN_RIGHT)}" '
            f'y1="{_coordinate(y)}" y2="{_coordinate(y)}" stroke="#d3d9e1" stroke-width="1"/>'
            f'<text class="tick" x="{MARGIN_LEFT - 6}" y="{_coordinate(y + 4)}" text-anchor="end" '
            f'font-size="11" fill="#4f5b6b">{escape(_format(tick, percent))}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{MARGIN_LEFT}" x2="{_coordinate(width - MARGIN_RIGHT)}" '
        f'y1="{HEIGHT - MARGIN_BOTTOM}" y2="{HEIGHT - MARGIN_BOTTOM}" stroke="#4f5b6b" stroke-width="1"/>'
    )
    if y_label:
        parts.append(
            f'<text class="axis-label" x="4" y="{AXIS_TITLE_BASELINE}" font-size="11" fill="#4f5b6b">'
            f"{escape(y_label)}</text>"
        )
    return parts, scale


def _x_labels(labels: Sequence[str], slot: float) -> list[str]:
    parts = []
    for i, label in enumerate(labels):
        x = MARGIN_LEFT + slot * (i + 0.5)
        parts.append(
            f'<text class="x-label" x="{_coordinate(x)}" y="{HEIGHT - MARGIN_BOTTOM + 16}" '
            f'text-anchor="middle" font-size="11" fill="#1b2430">{escape(label)}</text>'
        )
    return parts


def _open_svg(chart_id: str, width: float, title: str, summary: str) -> str:
    label = f"{title}. {summary}"
    return (
        f'<svg class="chart-svg" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {_coordinate(width)} {HEIGHT}" preserveAspectRatio="xMidYMid meet" '
        f'xmlns="http://www.w3.org/2000/svg" focusable="false">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(summary)}</desc>'
    )


def _figure(chart_id: str, title: str, svg: str, legend: str, table: str, note: str) -> Markup:
    note_html = f'<p class="chart-note">{escape(note)}</p>' if note else ""
    return Markup(
        f'<figure class="chart" id="{escape(chart_id)}"><figcaption>{escape(title)}</figcaption>'
        f"{svg}{legend}{note_html}{table}</figure>"
    )


def _width(count: int) -> float:
    return max(WIDTH_MIN, MARGIN_LEFT + MARGIN_RIGHT + GROUP_WIDTH_MIN * count)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    mode: BarMode = BarMode.GROUPED,
    y_label: str = "",
    empty_text: str = "Nothing to show yet.",
    note: str = "",
    label_titles: Sequence[str] | None = None,
) -> Markup:
    """A bar chart: one group per label, one bar per series (side by side, or stacked).

    ``label_titles`` (same length as ``labels``) gives a longer name per label for the tooltips and the
    data table, e.g. a chapter's title behind its roman numeral. Raises ValueError when a series does
    not have one value per label.
    """
    _check(labels, series)
    if label_titles is not None and len(label_titles) != len(labels):
        raise ValueError("label_titles must have one entry per label")
    if not labels or not series or not _has_data(series):
        return _empty(chart_id, title, empty_text)
    names = list(label_titles) if label_titles is not None else list(labels)
    if mode is BarMode.STACKED:
        highest = max(sum(s.values[i] or 0 for s in series) for i in range(len(labels)))
    else:
        highest = max(v or 0 for s in series for v in s.values)
    ticks = nice_ticks(float(highest))
    width = _width(len(labels))
    slot = (width - MARGIN_LEFT - MARGIN_RIGHT) / len(labels)
    parts, scale = _frame(width, ticks, False, y_label)
    usable = slot * (1 - GROUP_GAP)
    lanes = 1 if mode is BarMode.STACKED else len(series)
    bar_width = min(usable / lanes, BAR_WIDTH_MAX)
    baseline = HEIGHT - MARGIN_BOTTOM
    for i, label in enumerate(labels):
        centre = MARGIN_LEFT + slot * (i + 0.5)
        start = centre - bar_width * lanes / 2
        stacked = 0.0
        for s, one in enumerate(series):
            value = one.values[i]
            if value is None or value == 0:
                continue
            height = value * scale
            if mode is BarMode.STACKED:
                x, y = start, baseline - (stacked + value) * scale
                stacked += value
            else:
                x, y = start + s * bar_width, baseline - height
            tip = (
                f"{names[i]}, {one.name}: {_number(value)}"
                if len(series) > 1
                else f"{names[i]}: {_number(value)}"
            )
            parts.append(
                f'<rect class="bar" data-series="{escape(one.name)}" data-label="{escape(label)}" '
                f'data-value="{_number(value)}" x="{_coordinate(x)}" y="{_coordinate(y)}" '
                f'width="{_coordinate(bar_width)}" height="{_coordinate(height)}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(tip)}</title></rect>'
            )
    parts += _x_labels(labels, slot)
    summary = _summary(names, series, False)
    svg = _open_svg(chart_id, width, title, summary) + "".join(parts) + "</svg>"
    return _figure(
        chart_id,
        title,
        svg,
        _legend(series, lines=False),
        _table(chart_id, title, names, series, False),
        note,
    )


def _marker(shape: str, x: float, y: float, colour: str, extra: str = "") -> str:
    cx, cy = _coordinate(x), _coordinate(y)
    if shape == "square":
        return (
            f'<rect{extra} x="{_coordinate(x - 4)}" y="{_coordinate(y - 4)}" width="8" height="8" '
            f'fill="{colour}"/>'
        )
    if shape in ("triangle", "diamond"):
        if shape == "triangle":
            corners = [(x, y - 5), (x + 5, y + 4), (x - 5, y + 4)]
        else:
            corners = [(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)]
        points = " ".join(f"{_coordinate(px)},{_coordinate(py)}" for px, py in corners)
        return f'<polygon{extra} points="{points}" fill="{colour}"/>'
    return f'<circle{extra} cx="{cx}" cy="{cy}" r="4" fill="{colour}"/>'


def line_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    percent: bool = False,
    y_label: str = "",
    empty_text: str = "Nothing to show yet.",
    note: str = "",
) -> Markup:
    """A line chart: one line per series across the labels; a None value is a gap in the line.

    ``percent`` reads values as fractions (0 to 1) shown as percentages on a 0-100 % axis. Raises
    ValueError when a series does not have one value per label.
    """
    _check(labels, series)
    if not labels or not series or all(v is None for s in series for v in s.values):
        return _empty(chart_id, title, empty_text)
    highest = max(v for s in series for v in s.values if v is not None)
    ticks = [0.0, 0.25, 0.5, 0.75, 1.0] if percent else nice_ticks(float(highest))
    width = _width(len(labels))
    slot = (width - MARGIN_LEFT - MARGIN_RIGHT) / len(labels)
    parts, scale = _frame(width, ticks, percent, y_label)
    baseline = HEIGHT - MARGIN_BOTTOM
    for s, one in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        segments: list[list[tuple[float, float]]] = [[]]
        marks = []
        for i, value in enumerate(one.values):
            if value is None:
                segments.append([])
                continue
            x = MARGIN_LEFT + slot * (i + 0.5)
            y = baseline - value * scale
            segments[-1].append((x, y))
            tip = f"{labels[i]}, {one.name}: {_format(value, percent)}"
            extra = (
                f' class="point" data-series="{escape(one.name)}" data-label="{escape(labels[i])}" '
                f'data-value="{_precise(value)}"'
            )
            mark = _marker(MARKERS[s % len(MARKERS)], x, y, colour, extra)
            marks.append(f"<g>{mark}<title>{escape(tip)}</title></g>")
        for segment in segments:
            if len(segment) > 1:
                points = " ".join(f"{_coordinate(x)},{_coordinate(y)}" for x, y in segment)
                parts.append(
                    f'<polyline class="line" data-series="{escape(one.name)}" points="{points}" '
                    f'fill="none" stroke="{colour}" stroke-width="2"/>'
                )
        parts += marks
    parts += _x_labels(labels, slot)
    summary = _summary(labels, series, percent)
    svg = _open_svg(chart_id, width, title, summary) + "".join(parts) + "</svg>"
    return _figure(
        chart_id,
        title,
        svg,
        _legend(series, lines=True),
        _table(chart_id, title, labels, series, percent),
        note,
    )
