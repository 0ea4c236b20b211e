"""Demo: Amara Nwosu's rotation, under way today.

Her stacked observership (two four-week blocks with Dr. Samuel Reyes) started on the Monday two weeks
before this week's Monday, so today is in her third week, whatever day the demo is loaded. What her
record shows happened on its own dates, played through the services with a clock set to each moment (as
:mod:`server.demo.history` does for Elena): admitted four weeks before the block; in week 1 a telehealth
visit she observed (the patient joined by link and consented), logged and presented in SNAPPS at the
Friday huddle, where Dr. Reyes reviewed it and released his week-1 evaluation; in week 2 the Friday
huddle and his week-2 evaluation. Every encounter in her record is one the platform hosted and saw her
in. Her sessions still to come (an open huddle and tomorrow's clinic) are scheduled by
:mod:`server.demo.load` with the real clock. Invented, non-identifying clinical content.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from server.db.filestore import FileStore
from server.db.uow import UnitOfWorkFactory
from server.demo.history import DemoClock, ScheduledSession, Story, hold_session, schedule_session
from server.domain.actors import Actor
from server.domain.applications import Action
from server.domain.caselog import EncounterKind
from server.domain.vocab import DocumentKind
from server.schemas.applications import ActionIn, ApplicationIn
from server.schemas.documents import DocumentReviewIn
from server.schemas.evaluations import EncounterEvaluationIn
from server.schemas.presentations import FeedbackIn, PresentationIn, ReferenceIn
from server.schemas.programs import BlockIn
from server.schemas.record import CaseLogIn, ReviewIn
from server.services import (
    applications,
    caselogs,
    documents,
    evaluations,
    presentations,
    programs,
)

COORDINATOR = "coordinator@rounds.test"
PRECEPTOR = "im.preceptor@rounds.test"
VISITOR = "amara@rounds.test"
PROGRAM_TITLE = "Virtual Internal Medicine Observership"
SESSION_HOUR = 14  # 14:00 UTC: morning clinic in Chicago, afternoon in Lagos

# (day from the block's first Monday, kind, title, minutes scheduled, minutes it ran); slots 0, 1, 2.
SESSIONS: list[tuple[int, EncounterKind, str, int, int]] = [
    (1, EncounterKind.PATIENT_VISIT, "Telehealth clinic: exertional chest pressure", 45, 40),
    (4, EncounterKind.HUDDLE, "Friday huddle: case presentations, week 1", 60, 50),
    (11, EncounterKind.HUDDLE, "Friday huddle: case presentations, week 2", 60, 50),
]

CASE_LOG: dict[str, Any] = {
    "age_band": "50-59",
    "sex": "male",
    "visit_type": "new",
    "chief_complaint": "Intermittent chest pressure on exertion for 3 weeks",
    "note": "BP 148/92, HR 88. Smoker, 30 pack-years. Pain eases with rest within 5 minutes.",
    "minutes": 35,
    "complexity": "moderate",
    "participation": ["observed", "presented"],
    "diagnoses": ["I20.9", "I10"],
    "submit": True,
}
PRESENTATION: dict[str, Any] = {
    "format": "snapps",
    "content": {
        "summarize": "Man in his 50s, smoker, 3 weeks of exertional chest pressure relieved by rest.",
        "narrow": "Stable angina, GERD, musculoskeletal chest pain.",
        "analyze": "Exertional onset and relief with rest favour angina; no relation to meals.",
        "probe": "Stress test or coronary CT angiography first in this patient?",
        "plan": "ECG, lipid panel, A1c, aspirin, sublingual nitroglycerin, stress testing.",
        "select": "Pre-test probability of coronary disease.",
    },
    "differential": [
        {
            "rank": 1,
            "code": "I20.9",
            "likelihood": "leading",
            "findings_for": "Exertional pressure relieved by rest",
            "next_test": "Exercise stress test",
        },
        {
            "rank": 2,
            "code": "K21.9",
            "likelihood": "less_likely",
            "findings_against": "No relation to meals or lying down",
        },
        {"rank": 3, "code": "M94.0", "likelihood": "unlikely"},
    ],
    "submit": True,
}
REFERENCE: dict[str, Any] = {
    "items": [
        {"rank": 1, "code": "I20.8", "likelihood": "leading"},
        {"rank": 2, "code": "I21.4", "likelihood": "less_likely", "cant_miss": True},
        {"rank": 3, "code": "K21.9", "likelihood": "less_likely"},
    ]
}
FEEDBACK = FeedbackIn(
    commitment="You committed to angina first: good.",
    general_rule="Always name the can't-miss diagnosis, here an acute coronary syndrome.",
    reinforce="Clear summary with the pertinent negatives.",
)
# Week, professionalism, EPA 2, EPA 6, RIME, strengths, one thing to improve, an observed example.
EVALUATIONS: list[tuple[int, int, str, str, str, str, str, str]] = [
    (
        1,
        6,
        "2a",
        "2a",
        "reporter",
        "Accurate, well-organised history; a clear summary statement.",
        "Commit to a leading diagnosis before listing the alternatives.",
        "Presented exertional chest pressure with the pertinent negatives in under three minutes.",
    ),
    (
        2,
        7,
        "2b",
        "3a",
        "interpreter",
        "Prioritised the differential and named the can't-miss diagnosis unprompted.",
        "Say which test would change management first, and why.",
        "Argued for stress testing over coronary CT from the pre-test probability she estimated.",
    ),
]


def first_block_start(today: date) -> date:
    """Her first block's first day: the Monday two weeks before this week's Monday (today is in week 3)."""
    return today - timedelta(days=today.weekday(), weeks=2)


async def load_rotation_under_way(
    uows: UnitOfWorkFactory, store: FileStore, actors: Mapping[str, Actor], *, document: bytes
) -> int:
    """Write Amara's rotation so far (see the module's documentation); returns her first block's id, where
    :mod:`server.demo.load` schedules her sessions still to come."""
    start = first_block_start(uows.clock().date())
    clock = DemoClock(datetime.combine(start - timedelta(days=28), time(14), tzinfo=UTC))
    story = Story(
        uows=UnitOfWorkFactory(uows.maker, clock, offer_hold_days=uows.offer_hold_days, notify=uows.notify),
        clock=clock,
        start=start,
        coordinator=actors[COORDINATOR],
        preceptor=actors[PRECEPTOR],
        visitor=actors[VISITOR],
    )
    enrollment_id, block_id = await _admit(story, store, document)
    held = await _schedule(story, block_id)
    story.at(0, 7)
    await _act(story, enrollment_id, story.coordinator, Action.ACTIVATE)
    visit, week1_huddle, week2_huddle = held
    encounter = await hold_session(story, visit)
    story.at(SESSIONS[0][0], 19)  # that evening she logs the case
    log = await caselogs.create_case_log(
        story.uows(), story.visitor, encounter, CaseLogIn.model_validate(CASE_LOG)
    )
    story.at(4, 9)
    await caselogs.review_diagnoses(
        story.uows(), story.preceptor, log.id, ReviewIn.model_validate({"action": "confirm"})
    )
    story.at(4, 12)
    presented = await presentations.create_presentation(
        story.uows(), story.visitor, log.id, PresentationIn.model_validate(PRESENTATION)
    )
    huddle_encounters = [await hold_session(story, week1_huddle)]
    story.at(4, 16, 5)
    await presentations.set_reference(
        story.uows(), story.preceptor, presented.id, ReferenceIn.model_validate(REFERENCE)
    )
    await presentations.review_presentation(story.uows(), story.preceptor, presented.id, FEEDBACK)
    await _evaluate(story, enrollment_id, 0, huddle_encounters[0], presented.id)
    huddle_encounters.append(await hold_session(story, week2_huddle))
    await _evaluate(story, enrollment_id, 1, huddle_encounters[1], None)
    return block_id


async def _act(
    story: Story, application_id: int, actor: Actor, action: Action, note: str | None = None
) -> None:
    await applications.act(story.uows(), actor, application_id, ActionIn(action=action, note=note))


async def _admit(story: Story, store: FileStore, document: bytes) -> tuple[int, int]:
    """Four weeks before the block the coordinator opens it and the next one; Amara applies for both,
    her documents are verified, she is offered a seat, accepts and is enrolled. Returns the enrollment
    and the first block."""
    story.at(-28, 14)
    program = next(
        p
        for p in await programs.coordinator_programs(story.uows(), story.coordinator)
        if p.title == PROGRAM_TITLE
    )
    blocks = [
        await programs.add_block(
            story.uows(),
            story.coordinator,
            program.id,
            BlockIn(start_date=story.start + timedelta(weeks=4 * i), capacity=4),
        )
        for i in range(2)
    ]
    story.at(-27, 16)
    application = await applications.create_application(
        story.uows(),
        story.visitor,
        ApplicationIn(
            program_id=program.id,
            block_ids=[b.id for b in blocks],
            statement="I want to strengthen my clinical reasoning in adult medicine.",
        ),
    )
    uploaded = []
    for kind in map(DocumentKind, program.required_documents):
        doc = await documents.upload(
            story.uows(),
            store,
            story.visitor,
            kind=kind.value,
            filename=f"{kind.value}.pdf",
            data=document,
            max_bytes=1_000_000,
        )
        uploaded.append(doc.id)
    story.at(-26, 15)
    for doc_id in uploaded:
        await documents.review(story.uows(), story.coordinator, doc_id, DocumentReviewIn(status="verified"))
    await _act(story, application.id, story.coordinator, Action.START_REVIEW)
    await _act(story, application.id, story.coordinator, Action.MAKE_OFFER, "Welcome aboard.")
    story.at(-25, 8)
    await _act(story, application.id, story.visitor, Action.ACCEPT_OFFER)
    story.at(-24, 15)
    await _act(story, application.id, story.coordinator, Action.ENROLL)
    return application.id, blocks[0].id


async def _schedule(story: Story, block_id: int) -> list[ScheduledSession]:
    """Ten days before the block Dr. Reyes schedules her first two weeks' sessions."""
    story.at(-10, 18)
    return [
        await schedule_session(story, block_id, 1 + plan[0] // 7, slot, plan)
        for slot, plan in enumerate(SESSIONS)
    ]


async def _evaluate(
    story: Story, enrollment_id: int, index: int, encounter_id: int, presentation_id: int | None
) -> None:
    """After the week's huddle Dr. Reyes evaluates what he observed there and releases it at once: an
    observership, so professionalism, EPAs 2 and 6 and the RIME stage only."""
    week, professionalism, epa2, epa6, rime, strengths, improvement, example = EVALUATIONS[index]
    story.at(7 * (week - 1) + 4, 16, 40)
    created = await evaluations.create_encounter_evaluation(
        story.uows(),
        story.preceptor,
        enrollment_id,
        EncounterEvaluationIn.model_validate(
            {
                "week": week,
                "observed_on": story.clock.at.date(),
                "encounter_id": encounter_id,
                "presentation_id": presentation_id,
                "ratings": {"professionalism": professionalism},
                "epas": {"epa2": epa2, "epa6": epa6},
                "rime": rime,
                "minutes_observed": 40,
                "minutes_feedback": 10,
                "strengths": strengths,
                "improvement": improvement,
                "example": example,
            }
        ),
    )
    story.at(7 * (week - 1) + 4, 16, 45)
    await evaluations.release_encounter_evaluation(story.uows(), story.preceptor, created.id)
