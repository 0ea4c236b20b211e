"""Eligibility rules give reasons a visitor can act on; no reasons means eligible."""

from __future__ import annotations

from server.domain.eligibility import ApplicantFacts, EligibilityRule, eligibility_reasons
from server.domain.vocab import Step1Status, TrainingStatus

STUDENT, GRADUATE = TrainingStatus.STUDENT, TrainingStatus.GRADUATE
OPEN = EligibilityRule(frozenset({STUDENT, GRADUATE}), step1_pass_required=False)
GRADUATES_WITH_STEP1 = EligibilityRule(frozenset({GRADUATE}), step1_pass_required=True)


def test_a_student_meets_an_open_program() -> None:
    assert eligibility_reasons(OPEN, ApplicantFacts(STUDENT, "medicine", Step1Status.NOT_TAKEN)) == []


def test_a_graduate_with_step1_passed_meets_the_step1_rule() -> None:
    facts = ApplicantFacts(GRADUATE, "medicine", Step1Status.PASSED)
    assert eligibility_reasons(GRADUATES_WITH_STEP1, facts) == []


def test_training_status_not_allowed() -> None:
    rule = EligibilityRule(frozenset({GRADUATE}), step1_pass_required=False)
    reasons = eligibility_reasons(rule, ApplicantFacts(STUDENT, "medicine", None))
    assert len(reasons) == 1
    assert "graduates only" in reasons[0]
    assert "student" in reasons[0]


def test_step1_required_but_not_passed_says_what_the_profile_says() -> None:
    rule = EligibilityRule(frozenset({GRADUATE}), step1_pass_required=True)
    for status, shown in [
        (Step1Status.NOT_TAKEN, "not taken"),
        (Step1Status.FAILED, "failed"),
        (None, "not given"),
    ]:
        reasons = eligibility_reasons(rule, ApplicantFacts(GRADUATE, "medicine", status))
        assert len(reasons) == 1, reasons
        assert "USMLE Step 1" in reasons[0]
        assert shown in reasons[0]


def test_profession_rule_is_case_insensitive_and_names_the_allowed_ones() -> None:
    rule = EligibilityRule(frozenset({STUDENT}), False, frozenset({"Medicine", "Dentistry"}))
    assert eligibility_reasons(rule, ApplicantFacts(STUDENT, "  medicine ", None)) == []
    reasons = eligibility_reasons(rule, ApplicantFacts(STUDENT, "nursing", None))
    assert len(reasons) == 1
    assert "Dentistry, Medicine" in reasons[0]
    assert "nursing" in reasons[0]


def test_no_profession_rule_means_any_profession() -> None:
    assert eligibility_reasons(OPEN, ApplicantFacts(STUDENT, "physical therapy", None)) == []
    assert eligibility_reasons(OPEN, ApplicantFacts(STUDENT, None, None)) == []


def test_every_unmet_rule_is_a_reason_of_its_own() -> None:
    rule = EligibilityRule(frozenset({GRADUATE}), True, frozenset({"medicine"}))
    reasons = eligibility_reasons(rule, ApplicantFacts(STUDENT, "nursing", Step1Status.FAILED))
    assert len(reasons) == 3
    assert "graduate" in reasons[0]
    assert "nursing" in reasons[1]
    assert "Step 1" in reasons[2]


def test_an_incomplete_profile_asks_for_the_missing_facts() -> None:
    rule = EligibilityRule(frozenset({STUDENT}), True, frozenset({"medicine"}))
    reasons = eligibility_reasons(rule, ApplicantFacts(None, None, None))
    assert reasons == [
        "Add your training status (student or graduate) to your profile.",
        "Add your profession to your profile.",
        "This program requires a passed USMLE Step 1; your profile says not given.",
    ]
    # Blank text counts as missing.
    reasons = eligibility_reasons(rule, ApplicantFacts(STUDENT, "   ", Step1Status.PASSED))
    assert reasons == ["Add your profession to your profile."]
