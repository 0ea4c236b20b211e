"""Demo history: a rotation that is already over, so the demo can show what a finished one leaves behind.

Elena Marković's four-week virtual observership with Dr. Samuel Reyes (the story, with its people,
dates and texts, is :mod:`server.demo.story`) is played here through the real services, with a clock set
to the moment each thing happened, so the services' own rules about dates (blocks not in the past,
offers that expire, joining windows) apply. Nothing here is random.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from server.db.filestore import FileStore
from server.db.uow import UnitOfWorkFactory
from server.demo.story import (
    ACCEPTED,
    APPLIED,
    BLOCK_OPENED,
    CLINIC_DAYS,
    COMPLETED,
    COORDINATOR,
    DROPPED,
    ENROLLED,
    ERAS_LETTER_ID,
    FINAL_COMPETENCIES,
    FINAL_NARRATIVE,
    HUDDLE_DAY,
    HUDDLE_MINUTES,
    HUDDLE_RAN,
    LETTER_ACCEPTED,
    LETTER_REQUESTED,
    OFFERED,
    PATIENT_LINK_HOURS,
    PRECEPTOR,
    PROGRAM_TITLE,
    ROTATION,
    SCHEDULED,
    SESSION_HOUR,
    VISIT_MINUTES,
    VISIT_RAN,
    VISITOR,
    Case,
    Evaluation,
    Week,
)
from server.domain.actors import Actor
from server.domain.applications import Action
from server.domain.caselog import EncounterKind
from server.domain.visits import ConsentMethod, ConsentScope, EndReason, JoinGrant
from server.domain.vocab import DocumentKind
from server.schemas.applications import ActionIn, ApplicationIn
from server.schemas.documents import DocumentReviewIn
from server.schemas.evaluations import EncounterEvaluationIn, FinalEvaluationIn
from server.schemas.letters import LetterDecisionIn, LetterRequestIn
from server.schemas.presentations import FeedbackIn, PresentationIn, ReferenceIn
from server.schemas.programs import BlockIn, ProgramOut
from server.schemas.record import CaseLogIn, ReviewIn
from server.schemas.visits import VisitIn
from server.services import (
    applications,
    caselogs,
    certificates,
    documents,
    evaluations,
    letters,
    live,
    presentations,
    programs,
    visits,
)


class DemoClock:
    """A clock the demo sets by hand: the services read the time only through it. It never goes back."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, moment: datetime) -> datetime:
        """Move the clock forward to ``moment`` and return it."""
        if moment < self.at:
            raise ValueError(f"The demo's clock cannot go back from {self.at} to {moment}.")
        self.at = moment
        return moment


def _rotation_start(today: date) -> date:
    """The first day of her block: the Monday six weeks before this week's Monday (so the four-week
    block ended two to three weeks before ``today``)."""
    return today - timedelta(days=today.weekday(), weeks=6)


@dataclass(frozen=True)
class Story:
    """Who takes part, the clock, and the factory of units of work that reads it."""

    uows: UnitOfWorkFactory
    clock: DemoClock
    start: date
    coordinator: Actor
    preceptor: Actor
    visitor: Actor

    def moment(self, day: int, hour: int, minute: int = 0) -> datetime:
        """``day`` days after the block's first day, at hour:minute UTC."""
        return datetime.combine(self.start + timedelta(days=day), time(hour, minute), tzinfo=UTC)

    def at(self, day: int, hour: int, minute: int = 0) -> datetime:
        """Move the clock to :meth:`moment` and return it."""
        return self.clock.set(self.moment(day, hour, minute))


@dataclass(frozen=True)
class ScheduledSession:
    """A scheduled visit of her block: what it is, its week and slot (0 and 1 the patient visits, 2 the
    huddle), when it starts and how long it ran."""

    visit_id: int
    kind: EncounterKind
    week: int
    slot: int
    starts_at: datetime
    ran_minutes: int


async def load_finished_rotation(
    uows: UnitOfWorkFactory,
    store: FileStore,
    actors: Mapping[str, Actor],
    *,
    secret_key: str,
    document: bytes,
) -> None:
    """Write Elena's finished observership (see the module's documentation) through the services.

    ``uows`` is the demo's factory: its session maker is reused with a clock of our own, and its clock
    says what "today" is. ``document`` is the PDF uploaded for each required document; ``secret_key``
    signs the certificate."""
    today = uows.clock().date()
    start = _rotation_start(today)
    clock = DemoClock(datetime.combine(start + timedelta(days=BLOCK_OPENED), time(14), tzinfo=UTC))
    story = Story(
        uows=UnitOfWorkFactory(uows.maker, clock, offer_hold_days=uows.offer_hold_days, notify=uows.notify),
        clock=clock,
        start=start,
        coordinator=actors[COORDINATOR],
        preceptor=actors[PRECEPTOR],
        visitor=actors[VISITOR],
    )
    program = await _open_block(story)
    enrollment_id = await _enroll(story, store, program, document)
    sessions = await _schedule(story, program.blocks[0].id)
    await _act(story, enrollment_id, story.coordinator, Action.ACTIVATE, at=story.moment(0, 7))
    for week, content in enumerate(ROTATION, start=1):
        await _week(story, enrollment_id, week, [s for s in sessions if s.week == week], content)
    await _act(story, enrollment_id, story.coordinator, Action.COMPLETE, at=story.moment(COMPLETED, 14))
    story.at(COMPLETED, 14, 30)
    await certificates.issue_certificate(story.uows(), story.coordinator, enrollment_id, secret_key)
    await _final_evaluation(story, enrollment_id)
    await _letter_request(story, enrollment_id)


# --- admission --------------------------------------------------------------------------------------


async def _open_block(story: Story) -> ProgramOut:
    """The coordinator opens the block on the observership, four weeks before it starts. Returns the
    program with that block only."""
    story.at(BLOCK_OPENED, 14)
    program = next(
        p
        for p in await programs.coordinator_programs(story.uows(), story.coordinator)
        if p.title == PROGRAM_TITLE
    )
    block = await programs.add_block(
        story.uows(), story.coordinator, program.id, BlockIn(start_date=story.start, capacity=4)
    )
    return program.model_copy(update={"blocks": [block]})


async def _act(
    story: Story, application_id: int, actor: Actor, action: Action, *, at: datetime, note: str | None = None
) -> None:
    """``actor`` moves the application along the state machine at ``at``."""
    story.clock.set(at)
    await applications.act(story.uows(), actor, application_id, ActionIn(action=action, note=note))


async def _enroll(story: Story, store: FileStore, program: ProgramOut, document: bytes) -> int:
    """She applies and uploads her documents; the coordinator verifies them and makes an offer; she
    accepts the next day and is enrolled. Returns the application (the enrollment) id."""
    story.at(APPLIED, 16)
    application = await applications.create_application(
        story.uows(),
        story.visitor,
        ApplicationIn(
            program_id=program.id,
            block_ids=[program.blocks[0].id],
            statement="I graduated in 2024 and will apply to internal medicine residency. I want to see how "
            "outpatient internal medicine is practised in the United States, and to learn to present "
            "cases the way American attendings expect.",
        ),
    )
    uploaded: list[int] = []
    for kind in map(DocumentKind, program.required_documents):
        story.at(APPLIED, 16, 10 + len(uploaded))
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
    story.at(OFFERED, 15)
    for doc_id in uploaded:
        await documents.review(story.uows(), story.coordinator, doc_id, DocumentReviewIn(status="verified"))
    await _act(story, application.id, story.coordinator, Action.START_REVIEW, at=story.moment(OFFERED, 15, 5))
    await _act(
        story,
        application.id,
        story.coordinator,
        Action.MAKE_OFFER,
        at=story.moment(OFFERED, 15, 10),
        note="Welcome: Dr. Reyes runs his telehealth clinic twice a week and a huddle on Fridays.",
    )
    await _act(story, application.id, story.visitor, Action.ACCEPT_OFFER, at=story.moment(ACCEPTED, 8))
    await _act(story, application.id, story.coordinator, Action.ENROLL, at=story.moment(ENROLLED, 15))
    return application.id


# --- sessions -----------------------------------------------------------------------------------------


def _week_plan(week: int, content: Week) -> list[tuple[int, EncounterKind, str, int, int]]:
    """(day, kind, title, minutes scheduled, minutes it ran) of each session of ``week``, by slot."""
    plan = [
        (7 * (week - 1) + day, EncounterKind.PATIENT_VISIT, case.title, VISIT_MINUTES, VISIT_RAN)
        for day, case in zip(CLINIC_DAYS, content.cases, strict=True)
    ]
    title = f"Friday huddle: case presentations, week {week}"
    plan.append((7 * (week - 1) + HUDDLE_DAY, EncounterKind.HUDDLE, title, HUDDLE_MINUTES, HUDDLE_RAN))
    return plan


async def _schedule(story: Story, block_id: int) -> list[ScheduledSession]:
    """Ten days before the block, Dr. Reyes schedules the month: two patient visits and a huddle a week,
    each inviting Elena."""
    story.at(SCHEDULED, 18)
    sessions = []
    for week, content in enumerate(ROTATION, start=1):
        for slot, (day, kind, title, minutes, ran) in enumerate(_week_plan(week, content)):
            sessions.append(
                await schedule_session(story, block_id, week, slot, (day, kind, title, minutes, ran))
            )
    return sessions


async def schedule_session(
    story: Story,
    block_id: int,
    week: int,
    slot: int,
    plan: tuple[int, EncounterKind, str, int, int],
    hour: int = SESSION_HOUR,
) -> ScheduledSession:
    """Dr. Reyes schedules one session of the story's visitor: ``plan`` is (day of the story, kind,
    title, minutes, minutes the visitor will be connected), the session at ``hour`` (UTC)."""
    day, kind, title, minutes, ran = plan
    starts_at = story.moment(day, hour)
    visit = await visits.schedule_visit(
        story.uows(),
        story.preceptor,
        VisitIn(
            block_id=block_id,
            kind=kind,
            title=title,
            starts_at=starts_at,
            duration_minutes=minutes,
            visitor_ids=[story.visitor.user_id],
        ),
    )
    return ScheduledSession(visit.id, kind, week, slot, starts_at, ran)


async def _join(
    story: Story,
    actor: Actor | None,
    visit_id: int,
    at: datetime,
    patient_pass: tuple[int, int] | None = None,
) -> int:
    """Someone joins the room at ``at`` (the patient with their pass, no account): the join is authorized
    and the attendance interval opened, as the live room's recorder does. Returns the interval."""
    story.clock.set(at)
    grant: JoinGrant = await live.authorize_join(story.uows(), actor, visit_id, patient_pass)
    return await live.record_attendance_start(story.uows(), visit_id, grant, at)


async def _leave(story: Story, interval_id: int, at: datetime, reason: EndReason) -> None:
    """Someone's connection to the room closes at ``at``, for ``reason``."""
    story.clock.set(at)
    await live.record_attendance_end(story.uows(), interval_id, at, reason)


async def _send_patient_link(story: Story, session: ScheduledSession) -> str:
    """Ten minutes before a patient visit the host creates the patient's single-use link; returns it."""
    story.clock.set(session.starts_at - timedelta(minutes=10))
    token, _ = await visits.create_patient_link(
        story.uows(), story.preceptor, session.visit_id, PATIENT_LINK_HOURS
    )
    return token


async def _patient_arrives(story: Story, session: ScheduledSession, token: str) -> int:
    """The patient opens the link and joins a minute after the start, and the host records their verbal
    consent to a learner observing. Returns the patient's attendance interval."""
    start, visit_id = session.starts_at, session.visit_id
    story.clock.set(start + timedelta(minutes=1))
    patient_pass = await visits.redeem_patient_link(story.uows(), token)
    interval = await _join(
        story, None, visit_id, story.clock.at, (patient_pass.visit_id, patient_pass.link_id)
    )
    at = story.clock.set(start + timedelta(minutes=3))
    await live.record_consent(
        story.uows(), visit_id, story.preceptor.user_id, ConsentScope.OBSERVE, ConsentMethod.VERBAL, at
    )
    return interval


async def hold_session(story: Story, session: ScheduledSession) -> int:
    """One session as it ran: the host opens the room five minutes early and Elena joins a minute early
    (once, her connection drops and she comes back); in a patient visit the patient joins by link,
    consents and leaves before the end; the host ends the visit. Returns the encounter it leaves in
    Elena's record."""
    start, visit_id = session.starts_at, session.visit_id
    patient_visit = session.kind is EncounterKind.PATIENT_VISIT
    token = await _send_patient_link(story, session) if patient_visit else None
    await _join(story, story.preceptor, visit_id, start - timedelta(minutes=5))
    elena = await _join(story, story.visitor, visit_id, start - timedelta(minutes=1))
    patient = None if token is None else await _patient_arrives(story, session, token)
    if (session.week, session.slot) == DROPPED[:2]:
        await _leave(story, elena, start + timedelta(minutes=DROPPED[2]), EndReason.DROPPED)
        await _join(story, story.visitor, visit_id, start + timedelta(minutes=DROPPED[3]))
    end = start + timedelta(minutes=session.ran_minutes)
    if patient is not None:
        await _leave(story, patient, end - timedelta(minutes=4), EndReason.LEFT)
    story.clock.set(end)
    [encounter] = await live.end_visit(story.uows(), visit_id, end)
    return encounter


# --- a week of the rotation -------------------------------------------------------------------------


async def _week(
    story: Story, enrollment_id: int, week: int, sessions: list[ScheduledSession], content: Week
) -> None:
    """Two patient visits, each logged by Elena that evening; on Friday her logs are reviewed, she presents
    both cases at the huddle, and Dr. Reyes gives his feedback and releases the week's evaluation."""
    *clinic, huddle = sessions
    logs = [await _clinic_visit(story, s, case) for s, case in zip(clinic, content.cases, strict=True)]
    friday = 7 * (week - 1) + HUDDLE_DAY
    presented = await _before_huddle(story, friday, logs, content.cases)
    huddle_encounter = await hold_session(story, huddle)
    await _after_huddle(story, friday, presented, content.cases)
    evaluated = presented[content.evaluation.case]
    await _evaluate(story, enrollment_id, week, huddle_encounter, evaluated, content.evaluation)


async def _clinic_visit(story: Story, session: ScheduledSession, case: Case) -> int:
    """A patient visit she observed, and her case log of it that evening. Returns the log."""
    encounter = await hold_session(story, session)
    story.clock.set(session.starts_at.replace(hour=19))
    log = await caselogs.create_case_log(
        story.uows(), story.visitor, encounter, CaseLogIn.model_validate({**case.log, "submit": True})
    )
    return log.id


async def _before_huddle(story: Story, day: int, logs: list[int], cases: tuple[Case, ...]) -> list[int]:
    """Friday morning Dr. Reyes confirms or corrects the diagnoses of her logs; at lunchtime she submits
    a presentation of each case. Returns the presentations."""
    for i, (log_id, case) in enumerate(zip(logs, cases, strict=True)):
        story.at(day, 9, 10 * i)
        await caselogs.review_diagnoses(story.uows(), story.preceptor, log_id, _review_of(case))
    presented = []
    for i, (log_id, case) in enumerate(zip(logs, cases, strict=True)):
        story.at(day, 13, 20 * i)
        data = PresentationIn.model_validate({**case.presentation, "submit": True})
        presented.append(
            (await presentations.create_presentation(story.uows(), story.visitor, log_id, data)).id
        )
    return presented


def _review_of(case: Case) -> ReviewIn:
    """Dr. Reyes's review of a case log's diagnoses: his correction, or a confirmation."""
    if case.corrected is None:
        return ReviewIn.model_validate({"action": "confirm"})
    return ReviewIn.model_validate({"action": "correct", "diagnoses": case.corrected})


async def _after_huddle(story: Story, day: int, presented: list[int], cases: tuple[Case, ...]) -> None:
    """After the huddle Dr. Reyes enters his reference differential for each presentation and reviews it."""
    for i, (presentation_id, case) in enumerate(zip(presented, cases, strict=True)):
        story.at(day, 16, 5 + 10 * i)
        reference = ReferenceIn.model_validate({"items": case.reference})
        await presentations.set_reference(story.uows(), story.preceptor, presentation_id, reference)
        await presentations.review_presentation(
            story.uows(), story.preceptor, presentation_id, FeedbackIn(**case.feedback)
        )


async def _evaluate(
    story: Story, enrollment_id: int, week: int, encounter_id: int, presentation_id: int, e: Evaluation
) -> None:
    """Dr. Reyes's evaluation of the presentation he observed at the week's huddle, released at once."""
    story.at(7 * (week - 1) + HUDDLE_DAY, 16, 40)
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
                "ratings": {"professionalism": e.professionalism},
                "epas": e.epas,
                "rime": e.rime,
                "minutes_observed": e.minutes_observed,
                "minutes_feedback": 10,
                "strengths": e.strengths,
                "improvement": e.improvement,
                "example": e.example,
            }
        ),
    )
    story.at(7 * (week - 1) + HUDDLE_DAY, 16, 45)
    await evaluations.release_encounter_evaluation(story.uows(), story.preceptor, created.id)


# --- after the block ----------------------------------------------------------------------------------


async def _final_evaluation(story: Story, enrollment_id: int) -> None:
    """The Monday after the block, Dr. Reyes writes and releases his end-of-rotation evaluation: the four
    competencies an observership rates, no comparative rating (he has no past visitors on Rounds to
    compare her with), and yes to a letter."""
    story.at(COMPLETED, 16)
    await evaluations.put_final_evaluation(
        story.uows(),
        story.preceptor,
        enrollment_id,
        story.preceptor.user_id,
        FinalEvaluationIn(
            competencies=FINAL_COMPETENCIES,
            comparative_rating=None,
            will_write_letter=True,
            narrative=FINAL_NARRATIVE,
        ),
    )
    story.at(COMPLETED, 16, 20)
    await evaluations.release_final_evaluation(
        story.uows(), story.preceptor, enrollment_id, story.preceptor.user_id
    )


async def _letter_request(story: Story, enrollment_id: int) -> None:
    """Elena asks Dr. Reyes for an ERAS letter for Internal Medicine, waiving her right to see it; he
    accepts the next day. The letter itself is for the person trying the demo to draft and sign."""
    story.at(LETTER_REQUESTED, 10)
    request = await letters.create_request(
        story.uows(),
        story.visitor,
        enrollment_id,
        LetterRequestIn(
            preceptor_id=story.preceptor.user_id,
            specialty="Internal Medicine",
            eras_letter_id=ERAS_LETTER_ID,
            ferpa_waived=True,
        ),
    )
    story.at(LETTER_ACCEPTED, 14)
    await letters.decide(story.uows(), story.preceptor, request.id, LetterDecisionIn(decision="accept"))
