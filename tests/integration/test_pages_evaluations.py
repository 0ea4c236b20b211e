"""Evaluations through the pages on each database: the preceptor's form shows only what the rotation
type may rate with the 1-9 bands and the EPA levels; a refused form (the PHI guard's included) comes back
with the message next to the field and nothing stored; drafts stay hidden until released; the visitor's
page shows the summary; the end-of-rotation form shows the comparison group's size; the coordinator
sees counts only."""

from __future__ import annotations

from typing import Any

from server.db.uow import UnitOfWorkFactory
from tests.integration.api_helpers import row_counts
from tests.integration.pages_browser import ids_in
from tests.integration.test_api_record import enroll
from tests.integration.test_pages_record import browser_for, every_field_labelled, forms_carry_csrf
from tests.support.world import World

FORM: list[tuple[str, str]] = [
    ("week", "1"),
    ("observed_on", "2026-11-23"),
    ("encounter_id", ""),
    ("presentation_id", ""),
    ("ratings.professionalism", "7"),
    ("epas.epa2", "3a"),
    ("epas.epa6", ""),
    ("epas.epa7", "not_observed"),
    ("rime", "interpreter"),
    ("minutes_observed", "30"),
    ("minutes_feedback", "5"),
    ("strengths", "Clear presentation with a ranked differential."),
    ("improvement", "Give the pertinent negatives first."),
    ("example", "Named the can't-miss diagnosis unprompted."),
]


def changed(**values: str) -> list[tuple[str, str]]:
    return [(k, values.get(k.replace(".", "_"), v)) for k, v in FORM]


async def test_the_evaluation_pages_from_draft_to_release_and_the_visitors_summary(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    preceptor = await browser_for(make_api, world.preceptor.email)
    visitor = await browser_for(make_api, world.student.email)
    coordinator = await browser_for(make_api, world.coordinator.email)
    base = f"/record/enrollments/{enrollment}/evaluations"

    record = await preceptor.get(f"/record/enrollments/{enrollment}")
    assert base in record.text

    # An observership: professionalism only of the mini-CEX, EPAs 2, 6 and 7, with bands and levels.
    page = await preceptor.get(base + "/new")
    assert forms_carry_csrf(page.text) and every_field_labelled(page.text)
    assert 'name="ratings.professionalism"' in page.text and 'name="ratings.interviewing"' not in page.text
    assert "Unsatisfactory" in page.text and "Satisfactory" in page.text and "Superior" in page.text
    assert "Not observed" in page.text
    assert 'name="epas.epa2"' in page.text and 'name="epas.epa1"' not in page.text
    assert "3a: supervisor immediately available, all findings checked" in page.text

    # Refused: PHI in the example, shown next to the field, the rest kept, nothing stored.
    before = await row_counts(uows)
    reply = await preceptor.post(base, changed(example="Saw the patient with MRN 4827315 today."), expect=422)
    assert 'id="f-example-error"' in reply.text and "4827315" in reply.text
    assert "Clear presentation with a ranked differential." in reply.text
    reply = await preceptor.post(base, changed(minutes_observed="lots"), expect=422)
    assert 'id="f-minutes_observed-error"' in reply.text
    reply = await preceptor.post(base, changed(ratings_professionalism="12"), expect=422)
    assert 'id="f-ratings-professionalism-error"' in reply.text
    assert await row_counts(uows) == before

    reply = await preceptor.post(base, FORM)
    assert reply.location.endswith("notice=evaluation_saved")
    page = await preceptor.get(reply.location)
    assert "Evaluation saved as a draft" in page.text and forms_carry_csrf(page.text)
    [evaluation_id] = ids_in(page.text, rf"{base}/(\d+)/release")
    assert "data-confirm=" in page.text

    # Drafts are invisible to the visitor; the coordinator sees counts only.
    mine = await visitor.get(base)
    assert (
        "No evaluation has been released to you yet." in mine.text and "Clear presentation" not in mine.text
    )
    theirs = await coordinator.get(base)
    assert "Drafts" in theirs.text and "Clear presentation" not in theirs.text

    page = await preceptor.get(f"{base}/{evaluation_id}/edit")
    assert "Clear presentation with a ranked differential." in page.text
    reply = await preceptor.post(f"{base}/{evaluation_id}", changed(ratings_professionalism="8"))
    reply = await preceptor.post(f"{base}/{evaluation_id}/release", {})
    assert reply.location.endswith("notice=evaluation_released")
    await preceptor.post(f"{base}/{evaluation_id}", FORM, expect=409)

    mine = await visitor.get(base)
    assert "Clear presentation with a ranked differential." in mine.text
    assert "Summary of your released evaluations" in mine.text and "superior" in mine.text
    assert "/release" not in mine.text

    # The end-of-rotation form shows the comparison group's size.
    page = await preceptor.get(f"/record/enrollments/{enrollment}/final-evaluation")
    assert forms_carry_csrf(page.text)
    assert "Not enough to compare (0 past visitors" in page.text
    assert "Top third of 0 past visitors" in page.text
    reply = await preceptor.post(
        f"/record/enrollments/{enrollment}/final-evaluation",
        {
            "competencies.professionalism": "8",
            "comparative_rating": "top_third",
            "will_write_letter": "yes",
            "narrative": "Reliable and curious.",
        },
        expect=422,
    )
    assert 'id="f-comparative_rating-error"' in reply.text and "past visitors" in reply.text
    reply = await preceptor.post(
        f"/record/enrollments/{enrollment}/final-evaluation",
        {
            "competencies.professionalism": "8",
            "will_write_letter": "yes",
            "narrative": "Reliable and curious.",
        },
    )
    page = await preceptor.get(reply.location)
    assert "End-of-rotation evaluation saved" in page.text and "Reliable and curious." in page.text
    reply = await preceptor.post(f"/record/enrollments/{enrollment}/final-evaluation/release", {})
    mine = await visitor.get(base)
    assert "Reliable and curious." in mine.text and "Not enough to compare (0 past visitors" in mine.text

    # The visitor and the coordinator cannot open the preceptor's forms.
    await visitor.get(base + "/new", expect=403)
    await coordinator.get(f"/record/enrollments/{enrollment}/final-evaluation", expect=403)
