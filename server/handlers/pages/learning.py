"""The learning dashboard: an enrollment's record as server-rendered SVG charts (encounters by week,
diagnoses by ICD-10 chapter, participation, differential scores over the weeks). A coordinator gets
the counts only. The numbers come from ``services.learning_pages``; the drawing from ``web.svg_charts``."""

from __future__ import annotations

from aiohttp import web
from markupsafe import Markup

from server.domain.caselog import EncounterKind, Participation
from server.domain.presentations import PresentationState
from server.handlers.pages.forms import current_actor, path_id
from server.handlers.pages.record_forms import RECORD_WORDS, render
from server.services import learning_pages
from server.web.keys import UOW
from server.web.svg_charts import BarMode, Series, bar_chart, line_chart

routes = web.RouteTableDef()

KIND_SERIES = {
    EncounterKind.PATIENT_VISIT: "Patient visits",
    EncounterKind.HUDDLE: "Huddles",
    EncounterKind.DIDACTIC: "Didactics",
}
SCORE_SERIES = {
    "top_1": "Top-1",
    "top_3": "Top-3",
    "comprehensiveness": "Comprehensiveness",
    "relevance": "Relevance",
    "cant_miss_coverage": "Can't-miss coverage",
}


def charts(board: learning_pages.LearningDashboard) -> dict[str, Markup]:
    """The dashboard's charts, by name, each an accessible SVG figure (or its empty state)."""
    weeks = [f"W{w.week}" for w in board.weeks]
    out = {
        "encounters": bar_chart(
            chart_id="chart-encounters",
            title="Encounters by rotation week",
            labels=weeks,
            series=[
                Series(name, [w.encounters[kind] for w in board.weeks]) for kind, name in KIND_SERIES.items()
            ],
            mode=BarMode.STACKED,
            y_label="Encounters",
            empty_text="No encounters recorded yet.",
        ),
        "case_logs": bar_chart(
            chart_id="chart-case-logs",
            title="Case logs by rotation week",
            labels=weeks,
            series=[
                Series("Submitted", [w.submitted_logs for w in board.weeks]),
                Series("Drafts", [w.draft_logs for w in board.weeks]),
            ],
            mode=BarMode.STACKED,
            y_label="Case logs",
            empty_text="No case logs yet.",
        ),
    }
    states = RECORD_WORDS["presentation_states"]
    out["presentations"] = bar_chart(
        chart_id="chart-presentations",
        title="Presentations by state",
        labels=[states[s] for s in PresentationState],
        series=[Series("Presentations", [board.presentations_by_state[s] for s in PresentationState])],
        y_label="Presentations",
        empty_text="No presentations yet.",
    )
    if not board.content_visible:
        return out
    out["chapters"] = bar_chart(
        chart_id="chart-chapters",
        title="Diagnoses seen by ICD-10-CM chapter",
        labels=[c.roman for c in board.chapters],
        label_titles=[f"Chapter {c.roman}: {c.title}" for c in board.chapters],
        series=[
            Series("Reviewed by the preceptor", [c.reviewed for c in board.chapters]),
            Series("Awaiting review", [c.pending for c in board.chapters]),
        ],
        mode=BarMode.STACKED,
        y_label="Diagnoses",
        empty_text="No submitted case log with diagnoses yet.",
    )
    labels = RECORD_WORDS["participation"]
    out["participation"] = bar_chart(
        chart_id="chart-participation",
        title="Participation by rotation week",
        labels=weeks,
        series=[Series(labels[p.value], [w.participation[p] for w in board.weeks]) for p in Participation],
        mode=BarMode.GROUPED,
        y_label="Case logs",
        empty_text="No submitted case log yet.",
    )
    out["scores"] = line_chart(
        chart_id="chart-scores",
        title="Differential scores over the weeks",
        labels=[f"W{s.week}" for s in board.scores],
        series=[Series(name, [getattr(s, key) for s in board.scores]) for key, name in SCORE_SERIES.items()],
        percent=True,
        y_label="Mean score",
        empty_text=(
            "No scored presentation yet: scores appear once the preceptor enters a reference differential."
        ),
        note="Each point is the mean of that week's presentations with a reference. Formative, not a grade.",
    )
    return out


@routes.get("/record/enrollments/{enrollment_id}/learning")
async def learning_dashboard(request: web.Request) -> web.StreamResponse:
    """One enrollment's learning dashboard: the visitor's own, a preceptor's visitor, or (counts only)
    the coordinator's enrolled visitor."""
    actor = current_actor(request)
    board = await learning_pages.enrollment_dashboard(
        request.app[UOW](), actor, path_id(request, "enrollment_id")
    )
    return render(request, "learning.html", {"board": board, "charts": charts(board)})
