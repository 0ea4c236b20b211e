"""The clinical record's pages on each database: a case logged, presented, answered with a reference
and compared through forms alone; the PHI guard's refusal shown on the form with nothing stored; who
may open which page; and the learning dashboard's SVG charts checked against the seeded data."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from server.codes import icd10
from server.db.uow import UnitOfWorkFactory
from server.domain.differential import DifferentialItem, Likelihood, make_differential, score
from server.schemas.presentations import PresentationIn, ReferenceIn
from server.schemas.record import CaseLogIn, EncounterIn
from server.services import caselogs, encounters, presentations, record_pages
from tests.integration.api_helpers import row_counts
from tests.integration.pages_browser import Browser, census, ids_in
from tests.integration.test_api_presentations import REFERENCE, presented
from tests.integration.test_api_record import audit_rows, enroll
from tests.integration.test_letter_workspace import CountingUows
from tests.support.world import World

CASE_FORM: list[tuple[str, str]] = [
    ("encounter", "new"),
    ("week", "2"),
    ("kind", "patient_visit"),
    ("setting", "telehealth_video"),
    ("consent_recorded", "true"),
    ("age_band", "50-59"),
    ("sex", "female"),
    ("visit_type", "follow_up"),
    ("complexity", "moderate"),
    ("chief_complaint", "Follow-up of type 2 diabetes, A1c 7.2%"),
    ("note", "BP 142/90 on metformin 500 mg twice daily."),
    ("participation", "observed"),
    ("participation", "presented"),
    ("minutes", "30"),
    ("diagnoses", "e119"),
    ("diagnoses", "I10"),
    ("diagnoses", ""),
    ("intent", "submit"),
]
SNAPPS_FORM: list[tuple[str, str]] = [
    ("format", "snapps"),
    ("content.summarize", "Woman in her 50s with type 2 diabetes above target on metformin."),
    ("content.narrow", "Uncontrolled diabetes, essential hypertension."),
    ("content.analyze", "A1c above 7% and office BP above 140/90."),
    ("content.probe", "When to add an SGLT2 inhibitor?"),
    ("content.plan", "Add a second agent, recheck A1c in 3 months."),
    ("content.select", "Choosing a second-line agent."),
    # Rows given out of order and with a gap: the page sorts them by rank and renumbers.
    ("dx-0-rank", "3"),
    ("dx-0-code", "I10"),
    ("dx-0-likelihood", "likely"),
    ("dx-0-findings_for", "BP 142/90"),
    ("dx-1-rank", "1"),
    ("dx-1-code", "E11.65"),
    ("dx-1-likelihood", "leading"),
    ("dx-2-rank", ""),
    ("dx-2-code", ""),
    ("dx-2-likelihood", "likely"),
    ("intent", "submit"),
]


async def browser_for(make_api: Any, email: str) -> Browser:
    api = await make_api(None)
    browser = Browser(api.client)
    await browser.login(email)
    return browser


def forms_carry_csrf(html: str) -> bool:
    """Every POST form on the page has the CSRF token field."""
    forms = re.findall(r'<form method="post".*?</form>', html, flags=re.S)
    return bool(forms) and all('name="csrf_token"' in form for form in forms)


def every_field_labelled(html: str) -> bool:
    fields = census(html)
    return not fields.unnamed and set(fields.fields) <= fields.labelled


async def test_a_case_is_logged_presented_answered_and_compared_through_forms(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    visitor = await browser_for(make_api, world.student.email)
    preceptor = await browser_for(make_api, world.preceptor.email)

    page = await visitor.get("/record")
    assert f"/record/enrollments/{enrollment}/caselogs/new" in page.text
    page = await visitor.get(f"/record/enrollments/{enrollment}/caselogs/new")
    assert forms_carry_csrf(page.text) and every_field_labelled(page.text)
    assert "data-icd10" in page.text and "icd10-typeahead.js" in page.text
    reply = await visitor.post(f"/record/enrollments/{enrollment}/caselogs", CASE_FORM)
    log_id = ids_in(reply.location, r"/record/caselogs/(\d+)\?notice=case_logged")[0]
    page = await visitor.get(reply.location)
    assert "Case log submitted" in page.text and "Follow-up of type 2 diabetes" in page.text
    assert "E11.9" in page.text and "Awaiting review" in page.text

    # The preceptor's queue names the log without its text; the page confirms the diagnoses.
    queue = await preceptor.get("/record")
    assert f"/record/caselogs/{log_id}" in queue.text and "type 2 diabetes" not in queue.text
    page = await preceptor.get(f"/record/caselogs/{log_id}")
    assert forms_carry_csrf(page.text)
    reply = await preceptor.post(f"/record/caselogs/{log_id}/review", {"action": "confirm"})
    assert reply.location.endswith("notice=diagnoses_confirmed")

    page = await visitor.get(f"/record/caselogs/{log_id}/presentation/new?format=snapps")
    assert forms_carry_csrf(page.text) and every_field_labelled(page.text)
    assert "data-differential" in page.text
    reply = await visitor.post(f"/record/caselogs/{log_id}/presentation", SNAPPS_FORM)
    presentation_id = ids_in(reply.location, r"/record/presentations/(\d+)")[0]
    async with uows() as uow:
        stored = await uow.presentations.get(presentation_id)
        assert stored is not None and stored.state == "submitted"
        assert [(d.rank, d.code) for d in stored.differential.items] == [(1, "E11.65"), (2, "I10")]

    page = await preceptor.get(f"/record/presentations/{presentation_id}/reference")
    assert forms_carry_csrf(page.text) and every_field_labelled(page.text)
    reply = await preceptor.post(
        f"/record/presentations/{presentation_id}/reference",
        [
            ("dx-0-rank", "1"),
            ("dx-0-code", "E11.9"),
            ("dx-0-likelihood", "leading"),
            ("dx-1-rank", "2"),
            ("dx-1-code", "E78.5"),
            ("dx-1-likelihood", "likely"),
            ("dx-1-cant_miss", "true"),
            ("ov-0-reference_code", ""),
            ("ov-0-visitor_code", ""),
            ("ov-0-match", ""),
        ],
    )
    assert reply.location == f"/record/presentations/{presentation_id}/compare?notice=reference_saved"
    reply = await preceptor.post(
        f"/record/presentations/{presentation_id}/review",
        {"commitment": "You committed early.", "general_rule": "Treat to target."},
    )
    assert reply.location.endswith("notice=feedback_saved")

    page = await visitor.get(f"/record/presentations/{presentation_id}/compare")
    expected = score(
        make_differential(
            [
                DifferentialItem(1, "E11.65", Likelihood.LEADING),
                DifferentialItem(2, "I10", Likelihood.LIKELY),
            ]
        ),
        make_differential(
            [
                DifferentialItem(1, "E11.9", Likelihood.LEADING),
                DifferentialItem(2, "E78.5", Likelihood.LIKELY, cant_miss=True),
            ]
        ),
    )
    scores = re.sub(r"<[^>]+>|\s+", " ", page.text[page.text.index('id="scores"') :])
    assert f"Top-1 {'Yes' if expected.top_1 else 'No'}" in re.sub(r" +", " ", scores)
    for name, ratio in [
        ("Comprehensiveness", expected.comprehensiveness),
        ("Relevance", expected.relevance),
        ("Can't-miss coverage", expected.cant_miss_coverage),
    ]:
        shown = "—" if ratio.value is None else f"{round(ratio.value * 100)}%"
        assert re.search(rf"{re.escape(name)}\s+{shown}\s+\({ratio.matched} of {ratio.total}\)", scores), name
    assert ">Same category</span>" in page.text and ">Missed</span>" in page.text
    assert "Not in the reference" in page.text  # I10 matched nothing
    page = await visitor.get(f"/record/presentations/{presentation_id}")
    assert "You committed early." in page.text and ">Reviewed</span>" in page.text


async def test_phi_in_a_case_log_is_shown_on_the_form_and_nothing_is_stored(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    visitor = await browser_for(make_api, world.student.email)
    await visitor.get(f"/record/enrollments/{enrollment}/caselogs/new")
    before = await row_counts(uows)
    form = [
        (k, "Chest pain, call back on 555-867-5309 today" if k == "chief_complaint" else v)
        for k, v in CASE_FORM
    ]
    reply = await visitor.post(f"/record/enrollments/{enrollment}/caselogs", form, expect=422)
    assert await row_counts(uows) == before  # no encounter, no log
    error = re.search(r'<p class="field-error" id="f-chief_complaint-error">([^<]*)</p>', reply.text)
    assert error, reply.text[-3000:]
    assert "&#34;555-867-5309&#34;" in error.group(1) and "phone number" in error.group(1)
    assert 'aria-describedby="f-chief_complaint-help f-chief_complaint-error"' in reply.text
    assert 'aria-invalid="true"' in reply.text and 'role="alert"' in reply.text
    # The rest of what was typed is still in the form.
    assert "BP 142/90 on metformin 500 mg twice daily." in reply.text
    assert 'value="e119"' in reply.text and 'value="presented" checked' in reply.text

    # A presentation: the span is shown next to the differential row it is in.
    log = await caselogs.create_case_log(
        uows(),
        world.student,
        (await encounters.create_encounter(uows(), world.student, enrollment, _visit(1))).id,
        CaseLogIn.model_validate({**dict(CASE_FORM[5:14]), **_log_lists(), "submit": True, "minutes": 30}),
    )
    before = await row_counts(uows)
    form = [(k, "Seen at 42 Elm Street" if k == "dx-0-findings_for" else v) for k, v in SNAPPS_FORM]
    reply = await visitor.post(f"/record/caselogs/{log.id}/presentation", form, expect=422)
    assert await row_counts(uows) == before
    error = re.search(r'<p class="field-error" id="f-dx-0-findings_for-error">([^<]*)</p>', reply.text)
    assert error and "Elm Street" in error.group(1), reply.text[-3000:]
    assert "When to add an SGLT2 inhibitor?" in reply.text and 'value="E11.65"' in reply.text

    # Other refusals are shown next to their field too: a code not in ICD-10-CM, a rank given twice.
    form = [(k, "Q99.99" if k == "dx-1-code" else v) for k, v in SNAPPS_FORM]
    reply = await visitor.post(f"/record/caselogs/{log.id}/presentation", form, expect=422)
    assert re.search(r'id="f-dx-1-code-error">[^<]*not an ICD-10-CM code', reply.text)
    form = [(k, "1" if k == "dx-0-rank" else v) for k, v in SNAPPS_FORM]
    reply = await visitor.post(f"/record/caselogs/{log.id}/presentation", form, expect=422)
    assert re.search(r'id="f-dx-[01]-rank-error">Rank 1 is given to two rows', reply.text)
    assert await row_counts(uows) == before


def _visit(week: int, kind: str = "patient_visit") -> EncounterIn:
    # The visitor's own entry: self-reported, so it carries no patient's consent.
    data: dict[str, Any] = {"week": week, "kind": kind, "setting": "telehealth_video"}
    return EncounterIn.model_validate(data)


def _log_lists(diagnoses: list[str] | None = None, participation: list[str] | None = None) -> dict[str, Any]:
    return {"diagnoses": diagnoses or ["E11.9"], "participation": participation or ["observed"]}


async def test_pages_keep_each_record_to_its_readers(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    encounter = await encounters.create_encounter(uows(), world.student, enrollment, _visit(1))
    log = await caselogs.create_case_log(
        uows(),
        world.student,
        encounter.id,
        CaseLogIn.model_validate(
            {
                **dict(CASE_FORM[5:14]),
                **_log_lists(),
                "minutes": 30,
                "chief_complaint": "Secret words",
                "submit": True,
            }
        ),
    )
    shown = await presentations.create_presentation(
        uows(),
        world.student,
        log.id,
        PresentationIn.model_validate(
            {"format": "oral", "content": {"hpi": "Private narrative"}, "differential": [], "submit": False}
        ),
    )
    pages = [
        f"/record/enrollments/{enrollment}",
        f"/record/enrollments/{enrollment}/learning",
        f"/record/caselogs/{log.id}",
        f"/record/presentations/{shown.id}",
        f"/record/presentations/{shown.id}/compare",
    ]
    for email in (world.other_student.email, world.other_preceptor.email, world.other_coordinator.email):
        stranger = await browser_for(make_api, email)
        for path in pages:
            assert (await stranger.get(path, expect=None)).status == 404, (email, path)
        assert f"/record/enrollments/{enrollment}" not in (await stranger.get("/record")).text

    # The program's coordinator: counts and progress, never the text.
    coordinator = await browser_for(make_api, world.coordinator.email)
    page = await coordinator.get("/record")
    assert f'id="progress-{enrollment}"' in page.text and "Secret words" not in page.text
    page = await coordinator.get(f"/record/enrollments/{enrollment}")
    assert "Secret words" not in page.text and "E11.9" not in page.text and "1 in 4 weeks" in page.text
    page = await coordinator.get(f"/record/enrollments/{enrollment}/learning")
    assert 'id="chart-encounters"' in page.text and 'id="chart-chapters"' not in page.text
    assert 'id="chart-scores"' not in page.text and "Secret words" not in page.text
    for path in pages[2:]:
        assert (await coordinator.get(path, expect=None)).status == 403, path

    # The preceptor sees the submitted log, but not the draft presentation; the visitor sees both.
    preceptor = await browser_for(make_api, world.preceptor.email)
    assert "Secret words" in (await preceptor.get(f"/record/caselogs/{log.id}")).text
    assert (await preceptor.get(f"/record/presentations/{shown.id}", expect=None)).status == 404
    visitor = await browser_for(make_api, world.student.email)
    assert "Private narrative" in (await visitor.get(f"/record/presentations/{shown.id}")).text
    # Someone else's form: the preceptor cannot log for the visitor, nor open the visitor's draft form.
    assert (await preceptor.get(f"/record/enrollments/{enrollment}/caselogs/new", expect=None)).status == 403
    anonymous = Browser((await make_api(None)).client)
    reply = await anonymous.get(f"/record/caselogs/{log.id}", expect=303)
    assert reply.location.startswith("/login?next=")


def _bars(html: str, chart: str) -> dict[tuple[str, str], float]:
    figure = html[html.index(f'id="{chart}"') :]
    figure = figure[: figure.index("</figure>")]
    return {
        (series, label): float(value)
        for series, label, value in re.findall(
            r'class="(?:bar|point)" data-series="([^"]*)" data-label="([^"]*)" data-value="([^"]*)"', figure
        )
    }


async def test_the_learning_dashboard_draws_the_seeded_record(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:2])
    seeded = [  # week, kind, diagnoses, participation, differential, reference
        (1, "patient_visit", ["E11.9", "I10"], ["observed"], ["E11.9", "I10"], ["E11.9"]),
        (1, "huddle", ["J45.909"], ["observed", "presented"], ["J45.909", "J44.9"], ["J44.9", "J45.909"]),
        (3, "patient_visit", ["I10"], ["took_history_under_supervision"], ["I10"], None),
        (3, "didactic", None, None, None, None),
        (6, "patient_visit", ["N39.0", "R30.0"], ["counseled", "presented"], ["N39.0", "N30.00"], ["N30.00"]),
    ]
    logs = []
    differentials: list[tuple[int, list[str], list[str]]] = []
    for week, kind, diagnoses, taking_part, differential, reference in seeded:
        encounter = await encounters.create_encounter(uows(), world.student, enrollment, _visit(week, kind))
        if diagnoses is None or taking_part is None:
            continue
        log = await caselogs.create_case_log(
            uows(),
            world.student,
            encounter.id,
            CaseLogIn.model_validate(
                {**dict(CASE_FORM[5:14]), **_log_lists(diagnoses, taking_part), "minutes": 20, "submit": True}
            ),
        )
        logs.append((week, diagnoses, taking_part))
        assert differential is not None
        items = [
            {"rank": i + 1, "code": c, "likelihood": "leading" if i == 0 else "likely"}
            for i, c in enumerate(differential)
        ]
        shown = await presentations.create_presentation(
            uows(),
            world.student,
            log.id,
            PresentationIn.model_validate(
                {
                    "format": "oral",
                    "content": {
                        "identification": "Adult",
                        "hpi": "Stable",
                        "exam": "Normal",
                        "summary_statement": "Adult",
                        "assessment": "As ranked",
                        "plan": "Follow up",
                    },
                    "differential": items,
                    "submit": True,
                }
            ),
        )
        if reference is not None:
            ref_items = [
                {"rank": i + 1, "code": c, "likelihood": "leading" if i == 0 else "likely"}
                for i, c in enumerate(reference)
            ]
            await presentations.set_reference(
                uows(), world.preceptor, shown.id, ReferenceIn.model_validate({"items": ref_items})
            )
            differentials.append((week, differential, reference))

    for who in (world.student, world.preceptor):
        page = await (await browser_for(make_api, who.email)).get(
            f"/record/enrollments/{enrollment}/learning"
        )
        html = page.text
        assert 'role="img"' in html and "<title" in html and 'class="visually-hidden" id="chart-' in html

        kinds = {"patient_visit": "Patient visits", "huddle": "Huddles", "didactic": "Didactics"}
        expected = Counter((kinds[kind], f"W{week}") for week, kind, *_ in seeded)
        assert _bars(html, "chart-encounters") == {key: float(n) for key, n in expected.items()}

        icd10.warm_up()
        chapters: Counter[tuple[str, str]] = Counter()
        for _week, diagnoses, _ in logs:
            for code in diagnoses:
                found = icd10.chapter(code)
                assert found is not None
                chapters[("Awaiting review", found.roman)] += 1
        assert _bars(html, "chart-chapters") == {key: float(n) for key, n in chapters.items()}

        labels = {
            "observed": "Observed",
            "took_history_under_supervision": "Took history under supervision",
            "presented": "Presented",
            "counseled": "Counseled",
        }
        taken = Counter((labels[p], f"W{week}") for week, _, parts in logs for p in parts)
        assert _bars(html, "chart-participation") == {key: float(n) for key, n in taken.items()}

        by_week: dict[int, list[Any]] = {}
        for week, differential, reference in differentials:

            def ranked(codes: list[str]) -> Any:
                return make_differential(
                    DifferentialItem(i + 1, c, Likelihood.LEADING if i == 0 else Likelihood.LIKELY)
                    for i, c in enumerate(codes)
                )

            by_week.setdefault(week, []).append(score(ranked(differential), ranked(reference)))
        points = _bars(html, "chart-scores")
        for week, results in by_week.items():
            top_3 = sum(r.top_3 for r in results) / len(results)
            comprehensive = sum(r.comprehensiveness.value for r in results) / len(results)
            assert points[("Top-3", f"W{week}")] == round(top_3, 4)
            assert points[("Comprehensiveness", f"W{week}")] == round(comprehensive, 4)
        assert {label for _, label in points} == {f"W{week}" for week in by_week}


async def test_an_empty_record_shows_empty_charts(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    page = await (await browser_for(make_api, world.student.email)).get(
        f"/record/enrollments/{enrollment}/learning"
    )
    assert page.text.count('class="chart chart-empty"') == 6 and 'class="bar"' not in page.text
    assert "No encounters recorded yet." in page.text


async def test_a_scored_presentation_is_one_unit_of_work_and_one_audited_read_for_its_preceptor(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    """The presentation's page, its comparison and its reference form show the presentation and its
    score: one access check and one audit row for the preceptor's look (two before, one per read)."""
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    shown = await presented(await make_api(world.student.email), enrollment)
    await (await make_api(world.preceptor.email)).put(
        f"/presentations/{shown['id']}/reference", {"items": REFERENCE}
    )
    before = await audit_rows(uows)
    counting = CountingUows(uows)

    page = await record_pages.presentation_page(counting, world.preceptor, shown["id"])

    assert counting.opened == 1
    assert page.score is not None and page.score.presentation_id == shown["id"]
    assert page.header.reader_is_preceptor and page.presentation.reference
    assert (await audit_rows(uows))[len(before) :] == [
        (world.preceptor.user_id, "read", "presentation", shown["id"])
    ]


async def test_a_refused_differential_names_the_row_as_shown_keeps_its_order_and_quotes_all_typed(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    """Issue 18, item 17: the summary named "Diagnosis 2" for the third row (the index of the field in
    its row, not of the row), the rows came back in the order of their numbers (undoing "Move up", which
    changes only the ranks), and "chest pain" typed as a code was quoted as 'chest'."""
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    visitor = await browser_for(make_api, world.student.email)
    log = await caselogs.create_case_log(
        uows(),
        world.student,
        (await encounters.create_encounter(uows(), world.student, enrollment, _visit(1))).id,
        CaseLogIn.model_validate({**dict(CASE_FORM[5:14]), **_log_lists(), "submit": True, "minutes": 30}),
    )
    await visitor.get(f"/record/caselogs/{log.id}/presentation/new")
    # Row 1 was moved above row 0 (the editor renumbers the ranks), and the third row's code is words.
    moved = [(k, v) for k, v in SNAPPS_FORM if not k.startswith("dx-")] + [
        ("dx-0-rank", "2"),
        ("dx-0-code", "I10"),
        ("dx-0-likelihood", "likely"),
        ("dx-1-rank", "1"),
        ("dx-1-code", "E11.65"),
        ("dx-1-likelihood", "leading"),
        ("dx-2-rank", "3"),
        ("dx-2-code", "chest pain on exertion"),
        ("dx-2-likelihood", "likely"),
    ]
    reply = await visitor.post(f"/record/caselogs/{log.id}/presentation", moved, expect=422)
    summary = re.search(r'<div class="error" role="alert" id="form-problem">(.*?)</div>', reply.text, re.S)
    assert summary is not None, reply.text[-3000:]
    assert re.search(r">Diagnosis 3: Code</a>:", summary.group(1)), summary.group(1)
    assert "&#39;chest pain on exertion&#39;" in reply.text, summary.group(1)
    # The rows come back in the order the visitor left them: E11.65 first, as "Diagnosis 1".
    order = re.findall(r'name="dx-(\d+)-code"', reply.text)
    assert order[:3] == ["1", "0", "2"], order
    legends = re.findall(
        r'data-dx-row data-n="(\d+)">\s*<fieldset>\s*<legend[^>]*>Diagnosis <span[^>]*>(\d+)<', reply.text
    )
    assert legends[:3] == [("1", "1"), ("0", "2"), ("2", "3")], legends

    # The case log's diagnosis field: all of what was typed is quoted, not its first word.
    await visitor.get(f"/record/enrollments/{enrollment}/caselogs/new")
    form = [(k, "chest pain" if (k, v) == ("diagnoses", "I10") else v) for k, v in CASE_FORM]
    reply = await visitor.post(f"/record/enrollments/{enrollment}/caselogs", form, expect=422)
    assert "&#39;chest pain&#39; is not an ICD-10-CM code" in reply.text, reply.text[-3000:]
