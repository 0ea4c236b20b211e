"""The demo history's story: the people, the calendar of the rotation and what happened in it (the
cases, the evaluations, the end of the rotation). Only data: ``server.demo.history`` plays it through
the services.

The story: Elena Marković, a graduate of the University of Belgrade, applied to the Virtual Internal
Medicine Observership for the block that started on the Monday six weeks before this week's Monday. She was
enrolled through the usual steps (documents verified, offer, acceptance), and for four weeks she joined
Dr. Samuel Reyes's telehealth clinic by video: two patient visits a week (the patient joining by link and
consenting to a learner observing) and a Friday huddle where she presented both cases, one as a full oral
presentation and one in SNAPPS format. She logged every case; Dr. Reyes confirmed or corrected her
diagnoses, entered a reference differential and gave One-Minute-Preceptor feedback on every presentation.

Each Friday he released an evaluation of one presentation. Week by week her ratings rise: professionalism
6 -> 7 -> 7 -> 8, EPA 2 from 2a to 3a, EPA 6 from 2a to 3b, EPA 7 from 2a to 3a, and RIME from reporter to
manager, each evaluation with a concrete observed example. The Monday after the block, the coordinator
marked the enrollment completed and issued the certificate of completion from the attendance records,
and Dr. Reyes released his end-of-rotation evaluation, saying he will write a letter (no comparative
rating: he has no past visitors to compare her with). Later that week Elena asked him for an ERAS letter
for Internal Medicine, waiving her right to see it; he accepted. Writing and signing the letter is left to
whoever tries the demo.

The clinical cases are invented and carry no patient identifiers: every narrative passes the PHI guard,
which the services run anyway. Nothing here is random.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

COORDINATOR = "coordinator@rounds.test"
PRECEPTOR = "im.preceptor@rounds.test"
VISITOR = "elena@rounds.test"
PROGRAM_TITLE = "Virtual Internal Medicine Observership"
ERAS_LETTER_ID = "L2026-04817"

# When things happened, in days from the block's first day (a Monday) and hours UTC.
BLOCK_OPENED = -28
APPLIED = -27
OFFERED = -26
ACCEPTED = -25
ENROLLED = -24
SCHEDULED = -10
CLINIC_DAYS = (1, 3)  # Tuesday and Thursday of each week: a patient visit each
HUDDLE_DAY = 4  # Friday: the huddle where she presents the week's two cases
SESSION_HOUR = 15  # 15:00 UTC: morning clinic in Chicago, late afternoon in Belgrade
COMPLETED = 28  # the Monday after the block's last day
LETTER_REQUESTED = 31
LETTER_ACCEPTED = 32

VISIT_MINUTES = 45  # as scheduled
VISIT_RAN = 42  # when the host ended it
HUDDLE_MINUTES = 60
HUDDLE_RAN = 55
PATIENT_LINK_HOURS = 2
# Her connection dropped once (week 2, second patient visit): minutes after the start, gone and back.
DROPPED = (2, 1, 14, 17)


@dataclass(frozen=True)
class Case:
    """A patient visit Elena observed and what came of it: the visit's title, her case log (CaseLogIn
    fields), her presentation (PresentationIn fields), Dr. Reyes's correction of the log's diagnoses
    (None: he confirmed them), his reference differential and his One-Minute-Preceptor feedback."""

    title: str
    log: dict[str, Any]
    presentation: dict[str, Any]
    reference: list[dict[str, Any]]
    feedback: dict[str, str]
    corrected: list[str] | None = None


@dataclass(frozen=True)
class Evaluation:
    """The week's evaluation of one of her two presentations (``case``: 0 or 1). An observership rates
    professionalism of the mini-CEX, EPAs 2, 6 and 7 and the RIME stage only."""

    case: int
    professionalism: int
    epas: dict[str, str]
    rime: str
    minutes_observed: int
    strengths: str
    improvement: str
    example: str


@dataclass(frozen=True)
class Week:
    """A week of the rotation: the two patient visits (Tuesday, Thursday) and the evaluation."""

    cases: tuple[Case, Case]
    evaluation: Evaluation


def dx(
    rank: int,
    code: str,
    likelihood: str,
    *,
    cant_miss: bool = False,
    supports: str = "",
    against: str = "",
    test: str = "",
) -> dict[str, Any]:
    """One item of a differential (DifferentialItemIn fields)."""
    return {
        "rank": rank,
        "code": code,
        "likelihood": likelihood,
        "cant_miss": cant_miss,
        "findings_for": supports,
        "findings_against": against,
        "next_test": test,
    }


# --- what happened: the cases, the evaluations, the end of the rotation -------------------------------
# Invented cases, written as an internist would; no patient identifiers (age bands, no names, no dates).

_WEEK_1 = Week(
    cases=(
        Case(
            title="Telehealth clinic: new patient, raised blood pressure",
            log={
                "age_band": "40-49",
                "sex": "female",
                "visit_type": "new",
                "chief_complaint": "Raised blood pressure readings at home for 2 months",
                "note": "Home readings 150-160/95-100. BP 158/98 on her own cuff during the visit. "
                "Morning headaches, evening muscle cramps. K 3.2 on labs last month, on no diuretic.",
                "minutes": 40,
                "complexity": "moderate",
                "participation": ["observed", "presented"],
                "diagnoses": ["I10"],
            },
            corrected=["I10", "E87.6"],
            presentation={
                "format": "oral",
                "content": {
                    "identification": "Woman in her 40s, new patient, referred for raised home blood "
                    "pressure readings.",
                    "hpi": "Two months of home readings of 150-160 systolic and 95-100 diastolic, taken "
                    "seated after rest with a validated upper-arm cuff. Dull morning headaches a few times "
                    "a week. Muscle cramps in the evenings.",
                    "pertinent_negatives": "No chest pain, dyspnea, visual change or focal weakness. No "
                    "palpitations, sweating or flushing. No NSAID, decongestant or oral contraceptive use.",
                    "past_history": "No known kidney disease. Two uncomplicated pregnancies.",
                    "medications_allergies": "No regular medications. No known drug allergies.",
                    "social_family_history": "Never smoked, drinks rarely. Father treated for "
                    "hypertension from his 50s.",
                    "review_of_systems": "Negative apart from the headaches and cramps.",
                    "exam": "BP 158/98 and 156/96 on her cuff during the visit, HR 72. BMI 26 from reported "
                    "height and weight. Comfortable on video; no facial plethora or striae seen.",
                    "summary_statement": "Woman in her 40s with two months of stage 2 hypertension, "
                    "morning headaches and muscle cramps, and a potassium of 3.2 on no diuretic.",
                    "assessment": "Most likely essential hypertension given her family history. Sleep "
                    "apnea is possible but she has no snoring or daytime sleepiness.",
                    "plan": "Start amlodipine 5 mg daily, reduce salt, home readings twice daily for 2 "
                    "weeks, basic metabolic panel and urinalysis, video follow-up in 2 weeks.",
                },
                "differential": [
                    dx(
                        1,
                        "I10",
                        "leading",
                        supports="Stage 2 readings on a validated cuff; father with hypertension",
                        test="Basic metabolic panel, urinalysis",
                    ),
                    dx(2, "G47.33", "less_likely", against="No snoring or daytime sleepiness"),
                    dx(3, "E05.90", "unlikely", against="No palpitations, tremor or weight loss", test="TSH"),
                ],
            },
            reference=[
                dx(1, "I10", "leading"),
                dx(
                    2,
                    "E26.09",
                    "likely",
                    cant_miss=True,
                    supports="Hypokalemia on no diuretic, muscle cramps",
                    test="Aldosterone-renin ratio before starting a diuretic",
                ),
                dx(3, "G47.33", "less_likely"),
            ],
            feedback={
                "commitment": "You committed to essential hypertension and a first-line drug: good.",
                "evidence": "What in the labs did not fit? The potassium of 3.2 on no diuretic.",
                "general_rule": "Hypertension with unprovoked hypokalemia is primary aldosteronism until an "
                "aldosterone-renin ratio says otherwise.",
                "reinforce": "A complete, well-ordered history with the negatives that matter for "
                "secondary causes.",
                "correct": "You wrote the potassium in your note but not in your assessment: every "
                "abnormal result you report needs an interpretation.",
            },
        ),
        Case(
            title="Telehealth clinic: fatigue follow-up",
            log={
                "age_band": "60-69",
                "sex": "male",
                "visit_type": "follow_up",
                "chief_complaint": "Tiredness and breathlessness on exertion for 2 months",
                "note": "Hb 10.9, MCV 76 on labs ordered at the last visit. Takes naproxen most days "
                "for knee pain. No visible bleeding reported.",
                "minutes": 40,
                "complexity": "moderate",
                "participation": ["observed", "presented"],
                "diagnoses": ["D50.9", "R53.83"],
            },
            corrected=["D50.0", "R53.83"],
            presentation={
                "format": "snapps",
                "content": {
                    "summarize": "Man in his 60s with two months of fatigue and exertional "
                    "breathlessness, a microcytic anemia (Hb 10.9, MCV 76) and daily naproxen for knee pain.",
                    "narrow": "Iron deficiency anemia, hypothyroidism, anemia of chronic disease.",
                    "analyze": "The low MCV points to iron deficiency; thyroid disease would not explain "
                    "microcytosis. Anemia of chronic disease is possible with his osteoarthritis but is "
                    "usually normocytic.",
                    "probe": "Should he have ferritin and iron studies before we start iron?",
                    "plan": "Ferritin, iron studies and TSH, start oral iron, review in 4 weeks.",
                    "select": "How to read a ferritin when inflammation is present.",
                },
                "differential": [
                    dx(
                        1,
                        "D50.9",
                        "leading",
                        supports="Microcytosis, exertional breathlessness",
                        test="Ferritin and iron studies",
                    ),
                    dx(2, "E03.9", "less_likely", against="Does not explain the low MCV", test="TSH"),
                    dx(3, "D63.8", "unlikely", against="Usually normocytic"),
                ],
            },
            reference=[
                dx(1, "D50.0", "leading", supports="Microcytosis in a man taking a daily NSAID"),
                dx(2, "K25.9", "likely", cant_miss=True, test="Upper endoscopy"),
                dx(3, "C18.9", "less_likely", cant_miss=True, test="Colonoscopy"),
            ],
            feedback={
                "commitment": "You committed to iron deficiency from the MCV: right.",
                "general_rule": "Iron deficiency in an adult man is gastrointestinal blood loss until "
                "proven otherwise: the next step is endoscopy and colonoscopy, not only iron.",
                "reinforce": "A crisp summary that carried the numbers that matter.",
                "correct": "Daily naproxen was in your summary but not in your differential: name the "
                "ulcer and the colon cancer you must exclude.",
            },
        ),
    ),
    evaluation=Evaluation(
        case=1,
        professionalism=6,
        epas={"epa2": "2a", "epa6": "2a", "epa7": "2a"},
        rime="reporter",
        minutes_observed=20,
        strengths="Accurate, thorough histories and a well-ordered presentation; she reports the data that "
        "matter, medication history included, and had read about both cases before the huddle.",
        improvement="Interpret what you report: say what each abnormal result means and what it commits "
        "you to do next.",
        example="Presented a man with fatigue and a microcytic anemia clearly and in order, with the right "
        "numbers, but did not connect his daily naproxen and the iron deficiency to gastrointestinal blood "
        "loss until I asked what the anemia meant in a man.",
    ),
)

_WEEK_2 = Week(
    cases=(
        Case(
            title="Telehealth clinic: chronic cough follow-up",
            log={
                "age_band": "50-59",
                "sex": "female",
                "visit_type": "follow_up",
                "chief_complaint": "Dry cough for 8 weeks",
                "note": "Lisinopril started 3 months ago. Former smoker, 20 pack-years, quit 5 years ago. "
                "Nocturnal heartburn. No fever, weight loss or hemoptysis. SpO2 97% on home oximeter.",
                "minutes": 35,
                "complexity": "moderate",
                "participation": ["observed", "presented"],
                "diagnoses": ["R05.3", "T46.4X5A"],
            },
            presentation={
                "format": "snapps",
                "content": {
                    "summarize": "Woman in her 50s, former smoker with 20 pack-years, with 8 weeks of dry "
                    "cough that began weeks after lisinopril was started; nocturnal heartburn; no fever, "
                    "weight loss or hemoptysis.",
                    "narrow": "ACE-inhibitor cough, gastroesophageal reflux, and lung cancer to exclude in "
                    "a former smoker.",
                    "analyze": "The timing after lisinopril makes the drug the leading cause and reflux "
                    "fits her heartburn, but a cough of 8 weeks in a former smoker needs a chest radiograph "
                    "even when a drug explains it.",
                    "probe": "How long after stopping the ACE inhibitor should the cough settle before we "
                    "look further?",
                    "plan": "Stop lisinopril and start losartan, chest radiograph now, video review in 4 "
                    "weeks.",
                    "select": "Which antihypertensives cause cough and which can replace them.",
                },
                "differential": [
                    dx(
                        1,
                        "T46.4X5A",
                        "leading",
                        supports="Dry cough starting weeks after lisinopril",
                        test="Stop the ACE inhibitor",
                    ),
                    dx(2, "K21.9", "likely", supports="Nocturnal heartburn"),
                    dx(
                        3,
                        "C34.90",
                        "less_likely",
                        cant_miss=True,
                        supports="20 pack-years",
                        test="Chest radiograph",
                    ),
                ],
            },
            reference=[
                dx(1, "T46.4X5A", "leading"),
                dx(2, "C34.90", "less_likely", cant_miss=True),
                dx(3, "K21.9", "less_likely"),
                dx(4, "J45.909", "unlikely"),
            ],
            feedback={
                "commitment": "You committed to the ACE inhibitor and named the cancer you must not miss.",
                "evidence": "You used the timing and the smoking history: the two facts that decide this "
                "case.",
                "general_rule": "ACE-inhibitor cough can take up to 4 weeks to settle after stopping; a "
                "cough that outlasts that needs a fresh look.",
                "reinforce": "Ordering the radiograph despite a convincing drug cause is the right instinct.",
                "correct": "Cough-variant asthma belonged on the list, if only to say why it is unlikely.",
            },
        ),
        Case(
            title="Telehealth clinic: heart failure follow-up",
            log={
                "age_band": "70-79",
                "sex": "male",
                "visit_type": "follow_up",
                "chief_complaint": "Weight gain and ankle swelling for 1 week",
                "note": "Heart failure with preserved ejection fraction. Ran out of furosemide 5 days ago. "
                "Weight up 3 kg on his home scale, new orthopnea. SpO2 94% at rest, BP 146/84, HR 88.",
                "minutes": 40,
                "complexity": "high",
                "participation": ["observed", "presented"],
                "diagnoses": ["I50.33"],
            },
            presentation={
                "format": "oral",
                "content": {
                    "identification": "Man in his 70s with heart failure with preserved ejection "
                    "fraction, seen by video for weight gain.",
                    "hpi": "One week of ankle swelling and a 3 kg gain on his home scale after he ran out "
                    "of furosemide 5 days ago. New orthopnea: now sleeps on 3 pillows. Breathless after one "
                    "flight of stairs, previously two.",
                    "pertinent_negatives": "No chest pain, palpitations, fever or cough. No new medicines.",
                    "past_history": "Heart failure with preserved ejection fraction, hypertension, type 2 "
                    "diabetes, chronic kidney disease stage 3a.",
                    "medications_allergies": "Furosemide 40 mg daily (none for 5 days), losartan, "
                    "metformin, empagliflozin. No allergies.",
                    "social_family_history": "Lives with his wife, who joined the call. Never smoked.",
                    "review_of_systems": "No dizziness; nocturia unchanged.",
                    "exam": "On video: speaks in full sentences, no accessory muscle use. Pitting edema to "
                    "mid-shin on both legs shown to the camera. Home BP 146/84, HR 88 regular, SpO2 94% "
                    "at rest.",
                    "summary_statement": "Man in his 70s with heart failure with preserved ejection "
                    "fraction and chronic kidney disease, with one week of volume overload after 5 days "
                    "without his loop diuretic, stable at rest on room air.",
                    "assessment": "Acute on chronic diastolic heart failure from the missed diuretic; "
                    "nothing suggests ischemia or an arrhythmia. Safe to treat at home: normal work of "
                    "breathing and saturation above 92%.",
                    "plan": "Furosemide 40 mg twice daily for 3 days, then daily; daily weights; basic "
                    "metabolic panel in 3 days; ECG at the practice; emergency department for "
                    "breathlessness at rest or saturation below 92%; video follow-up in 1 week.",
                },
                "differential": [
                    dx(
                        1,
                        "I50.33",
                        "leading",
                        supports="Weight gain, edema and orthopnea after stopping furosemide",
                        test="Basic metabolic panel",
                    ),
                    dx(
                        2,
                        "I21.4",
                        "less_likely",
                        cant_miss=True,
                        against="No chest pain",
                        test="ECG, troponin if any chest discomfort",
                    ),
                    dx(3, "I48.91", "unlikely", against="Regular pulse on his cuff", test="ECG"),
                ],
            },
            reference=[
                dx(1, "I50.33", "leading"),
                dx(2, "I21.4", "less_likely", cant_miss=True),
                dx(3, "I48.91", "less_likely"),
                dx(4, "N17.9", "less_likely"),
            ],
            feedback={
                "commitment": "You committed to volume overload from the missed diuretic and to treating "
                "him at home.",
                "evidence": "You justified home treatment with his work of breathing and saturation: the "
                "evidence that was needed.",
                "general_rule": "In decompensated heart failure always name the trigger: diet, missed "
                "medicine, ischemia, arrhythmia, infection or a new drug.",
                "reinforce": "Clear return precautions with thresholds he can measure at home.",
                "correct": "Your presentation ran six minutes: lead with the summary statement and keep "
                "only the history that changes the assessment.",
            },
        ),
    ),
    evaluation=Evaluation(
        case=1,
        professionalism=7,
        epas={"epa2": "2b", "epa6": "2b", "epa7": "2a"},
        rime="interpreter",
        minutes_observed=25,
        strengths="Interprets rather than only reports: she weighs timing and exposures, and this week "
        "named the diagnosis that must not be missed without being prompted.",
        improvement="Tighten the oral presentation: open with the summary statement and keep to the history "
        "that changes the assessment.",
        example="In a heart failure follow-up by video she identified the missed diuretic as the trigger, "
        "justified treating at home from his work of breathing and oxygen saturation, and gave him "
        "measurable thresholds for going to the emergency department.",
    ),
)

_WEEK_3 = Week(
    cases=(
        Case(
            title="Telehealth clinic: new patient, urinary symptoms",
            log={
                "age_band": "18-29",
                "sex": "female",
                "visit_type": "new",
                "chief_complaint": "Painful urination for 3 days, now fever and flank pain",
                "note": "Temperature 38.6 on home thermometer. Left flank pain, nausea without vomiting, "
                "drinking well. Home pregnancy test negative. No previous urinary infections.",
                "minutes": 35,
                "complexity": "moderate",
                "participation": ["observed", "presented"],
                "diagnoses": ["N10"],
            },
            presentation={
                "format": "snapps",
                "content": {
                    "summarize": "Woman in her 20s with 3 days of dysuria, now a fever of 38.6 and left "
                    "flank pain, keeping fluids down, with a negative home pregnancy test.",
                    "narrow": "Acute pyelonephritis; an infected obstructed kidney; cystitis with "
                    "unrelated back pain.",
                    "analyze": "Fever and flank pain place the infection in the upper tract. An obstructed "
                    "infected kidney needs imaging and urgent drainage: no colic or hematuria makes it less "
                    "likely but not excluded.",
                    "probe": "Is oral treatment at home safe while she keeps fluids down, and which agent "
                    "given local resistance?",
                    "plan": "Urine culture before the first dose, oral ciprofloxacin for 7 days as local "
                    "resistance is under 10%, confirm pregnancy test on urine, renal ultrasound if not "
                    "better in 48 to 72 hours, emergency department for vomiting or rigors.",
                    "select": "Reading the local antibiogram to choose empiric therapy.",
                },
                "differential": [
                    dx(1, "N10", "leading", supports="Fever, flank pain after dysuria", test="Urine culture"),
                    dx(
                        2,
                        "N13.6",
                        "less_likely",
                        cant_miss=True,
                        against="No colic or hematuria",
                        test="Renal ultrasound if no better in 48 hours",
                    ),
                    dx(3, "N30.00", "unlikely", against="Fever and flank pain"),
                ],
            },
            reference=[
                dx(1, "N10", "leading"),
                dx(2, "N13.6", "less_likely", cant_miss=True),
                dx(3, "N30.00", "unlikely"),
            ],
            feedback={
                "commitment": "You committed to pyelonephritis and to home treatment with clear conditions.",
                "evidence": "Fever and flank pain, not the dysuria, moved you to the upper tract: well "
                "argued.",
                "general_rule": "Send a urine culture before the first dose in pyelonephritis: the empiric "
                "choice often has to change.",
                "reinforce": "Confirming pregnancy status before choosing the antibiotic was exactly right.",
            },
        ),
        Case(
            title="Telehealth clinic: COPD follow-up",
            log={
                "age_band": "60-69",
                "sex": "male",
                "visit_type": "follow_up",
                "chief_complaint": "More breathless with more sputum for 4 days",
                "note": "Known COPD. Sputum now green and doubled in volume. SpO2 91% at rest on home "
                "oximeter, usually 93%. RR 22 counted on video. Current smoker, 40 pack-years.",
                "minutes": 40,
                "complexity": "high",
                "participation": ["observed", "presented"],
                "diagnoses": ["J44.1"],
            },
            presentation={
                "format": "oral",
                "content": {
                    "identification": "Man in his 60s with COPD, seen by video for increased "
                    "breathlessness and sputum.",
                    "hpi": "Four days of breathlessness now after walking across a room, with sputum that "
                    "turned green and doubled in volume. Using his rescue inhaler every 2 to 3 hours. One "
                    "exacerbation treated with prednisone last winter, never admitted.",
                    "pertinent_negatives": "No chest pain, hemoptysis, fever or calf swelling.",
                    "past_history": "COPD, hypertension.",
                    "medications_allergies": "Tiotropium daily, salbutamol as needed, amlodipine. No "
                    "allergies.",
                    "social_family_history": "Current smoker, 40 pack-years. Lives alone; his daughter "
                    "lives nearby.",
                    "exam": "On video: full sentences with pursed-lip breathing, respiratory rate 22 "
                    "counted on camera, no accessory muscle use seen. SpO2 91% at rest on his oximeter, "
                    "usually 93%. HR 96.",
                    "summary_statement": "Man in his 60s with COPD who still smokes, with 4 days of more "
                    "dyspnea and more, purulent sputum, saturating 91% on room air without signs of "
                    "respiratory failure.",
                    "assessment": "Moderate COPD exacerbation with all three cardinal symptoms, probably "
                    "infective. Pneumonia is less likely without fever but needs a chest radiograph.",
                    "plan": "Prednisone 40 mg daily for 5 days, doxycycline for 5 days, chest radiograph "
                    "today, video review in 48 hours; emergency department if saturation falls below 88% "
                    "or he cannot finish sentences.",
                },
                "differential": [
                    dx(1, "J44.1", "leading", supports="More dyspnea, sputum volume and purulence"),
                    dx(
                        2,
                        "J18.9",
                        "less_likely",
                        cant_miss=True,
                        against="No fever",
                        test="Chest radiograph",
                    ),
                    dx(3, "I50.9", "less_likely", against="No orthopnea or edema"),
                ],
            },
            reference=[
                dx(1, "J44.1", "leading"),
                dx(2, "J18.9", "less_likely", cant_miss=True),
                dx(3, "I26.99", "unlikely", cant_miss=True),
                dx(4, "I50.9", "unlikely"),
            ],
            feedback={
                "commitment": "You committed to a moderate exacerbation with a clear plan at home: right.",
                "evidence": "You used the three cardinal symptoms to justify the antibiotic.",
                "general_rule": "Every exacerbation is a chance to prevent the next: inhaler technique, "
                "smoking cessation and vaccines before the visit ends.",
                "reinforce": "Specific, measurable thresholds for the emergency department.",
                "correct": "Smoking cessation was missing from your plan: in a current smoker it is the "
                "one treatment that changes the course of COPD. Pulmonary embolism belonged on the list.",
            },
        ),
    ),
    evaluation=Evaluation(
        case=0,
        professionalism=7,
        epas={"epa2": "3a", "epa6": "3a", "epa7": "2b"},
        rime="interpreter",
        minutes_observed=25,
        strengths="Reasons from the findings that separate one diagnosis from another, commits to a leading "
        "diagnosis with a plan, and asks focused questions that show she reads around her cases.",
        improvement="Make each plan complete: prevention and follow-up belong in it, not only the acute "
        "treatment.",
        example="In a SNAPPS presentation of fever and flank pain after three days of dysuria she placed the "
        "infection in the upper tract, named an infected obstructed kidney as the diagnosis to exclude, and "
        "chose the empiric antibiotic from the local resistance rates she had looked up.",
    ),
)

_WEEK_4 = Week(
    cases=(
        Case(
            title="Telehealth clinic: new patient, palpitations",
            log={
                "age_band": "70-79",
                "sex": "female",
                "visit_type": "new",
                "chief_complaint": "Irregular heartbeat alerts on her watch for 2 weeks",
                "note": "Intermittent palpitations, no syncope. HR 112 and irregular on her home cuff. "
                "Hypertension and type 2 diabetes. Lost 3 kg without trying, feels warm all the time.",
                "minutes": 40,
                "complexity": "high",
                "participation": ["observed", "presented"],
                "diagnoses": ["I48.91", "E05.90"],
            },
            presentation={
                "format": "snapps",
                "content": {
                    "summarize": "Woman in her 70s with hypertension and diabetes, two weeks of "
                    "palpitations and irregular-rhythm alerts, an irregular heart rate of 112, heat "
                    "intolerance and an unintended loss of 3 kg.",
                    "narrow": "New atrial fibrillation, with hyperthyroidism as its trigger; frequent "
                    "ectopic beats less likely.",
                    "analyze": "An irregular rate of 112 fits atrial fibrillation, and weight loss with "
                    "heat intolerance points to thyrotoxicosis as the trigger. Her CHA2DS2-VASc score is 4 "
                    "(age, female sex, hypertension, diabetes), so she needs anticoagulation whatever the "
                    "cause.",
                    "probe": "Should rate control start before the ECG confirms the rhythm, and how do we "
                    "dose the anticoagulant for her kidney function?",
                    "plan": "12-lead ECG at the practice today; TSH, free T4, basic metabolic panel and "
                    "blood count; apixaban at the dose her creatinine allows; metoprolol for rate control; "
                    "echocardiogram; video follow-up in 1 week.",
                    "select": "Dosing direct oral anticoagulants by age, weight and creatinine.",
                },
                "differential": [
                    dx(1, "I48.91", "leading", supports="Irregular rate of 112, watch alerts", test="ECG"),
                    dx(2, "E05.90", "likely", supports="Weight loss, heat intolerance", test="TSH, free T4"),
                    dx(3, "I49.1", "unlikely", against="Sustained irregular rate"),
                ],
            },
            reference=[
                dx(1, "I48.91", "leading"),
                dx(2, "E05.90", "likely"),
                dx(3, "I49.1", "unlikely"),
            ],
            feedback={
                "commitment": "You committed to atrial fibrillation and to anticoagulation, and you looked "
                "for the trigger: exactly the sequence.",
                "evidence": "You calculated the stroke risk from her history and said how it drove the "
                "decision.",
                "general_rule": "In new atrial fibrillation ask every time: rate, rhythm, stroke risk, and "
                "then the trigger.",
                "reinforce": "Checking kidney function before choosing the anticoagulant dose is thinking "
                "as the prescriber.",
            },
        ),
        Case(
            title="Telehealth clinic: diabetes and kidney follow-up",
            log={
                "age_band": "50-59",
                "sex": "male",
                "visit_type": "follow_up",
                "chief_complaint": "Follow-up of diabetes and kidney function",
                "note": "Creatinine 1.9, baseline 1.4. K 5.6. A1c 7.4%. Ibuprofen daily for 2 weeks for "
                "shoulder pain. Lisinopril dose doubled last month.",
                "minutes": 40,
                "complexity": "high",
                "participation": ["observed", "presented"],
                "diagnoses": ["E11.22", "N18.31", "E87.5"],
            },
            corrected=["N17.9", "E11.22", "N18.31", "E87.5"],
            presentation={
                "format": "oral",
                "content": {
                    "identification": "Man in his 50s with type 2 diabetes and chronic kidney disease, "
                    "seen by video to review his routine labs.",
                    "hpi": "Labs this week show a creatinine of 1.9 from a baseline of 1.4 and a potassium "
                    "of 5.6. Two weeks of daily ibuprofen for shoulder pain; his lisinopril dose was "
                    "doubled last month. Feels well and passes normal volumes of urine.",
                    "pertinent_negatives": "No vomiting, diarrhea, poor intake, palpitations or weakness.",
                    "past_history": "Type 2 diabetes for 12 years, chronic kidney disease stage 3a with "
                    "albuminuria, hypertension.",
                    "medications_allergies": "Metformin 1000 mg twice daily, lisinopril 20 mg daily, "
                    "atorvastatin, ibuprofen 400 mg three times daily. No allergies.",
                    "social_family_history": "Never smoked, rare alcohol.",
                    "review_of_systems": "Negative apart from the shoulder pain.",
                    "exam": "On video: well, not short of breath, no visible edema. Home BP 128/78, HR 70.",
                    "summary_statement": "Man in his 50s with diabetic kidney disease stage 3a, an acute "
                    "rise in creatinine and a potassium of 5.6 after two weeks of daily ibuprofen on top "
                    "of a recently doubled ACE inhibitor.",
                    "assessment": "Acute kidney injury on chronic kidney disease from an NSAID with an ACE "
                    "inhibitor, with hyperkalemia; no sign of volume loss or obstruction. A potassium of "
                    "5.6 without symptoms is not an emergency but needs an ECG today.",
                    "plan": "Stop ibuprofen and use paracetamol; hold lisinopril and halve metformin until "
                    "the creatinine recovers; low-potassium diet advice; ECG and repeat basic metabolic "
                    "panel within 48 hours; restart lisinopril at the previous dose once the creatinine is "
                    "back to baseline, then discuss an SGLT2 inhibitor for kidney protection.",
                },
                "differential": [
                    dx(
                        1,
                        "N17.9",
                        "leading",
                        supports="Creatinine 1.9 from 1.4 within weeks of an NSAID and a doubled ACE "
                        "inhibitor",
                        test="Repeat basic metabolic panel in 48 hours",
                    ),
                    dx(2, "E87.5", "likely", cant_miss=True, supports="K 5.6", test="ECG today"),
                    dx(
                        3,
                        "N13.9",
                        "unlikely",
                        against="Normal urine volumes",
                        test="Renal ultrasound if no recovery",
                    ),
                ],
            },
            reference=[
                dx(1, "N17.9", "leading"),
                dx(2, "E87.5", "likely", cant_miss=True),
                dx(3, "E86.0", "unlikely"),
                dx(4, "N13.9", "unlikely"),
            ],
            feedback={
                "commitment": "You committed to a drug-induced kidney injury and to a complete plan: stop, "
                "hold, recheck, restart.",
                "evidence": "You tied the timing of the creatinine rise to both drugs and excluded volume "
                "loss from the history.",
                "general_rule": "Sick-day rules: ACE inhibitors, ARBs, diuretics, metformin and NSAIDs are "
                "the drugs to pause when the kidneys are under stress; teach patients the list.",
                "reinforce": "You planned when and how to restart the ACE inhibitor: that is what protects "
                "his kidneys in the long run.",
                "correct": "Your log left out the acute kidney injury itself: code the diagnosis you "
                "presented.",
            },
        ),
    ),
    evaluation=Evaluation(
        case=1,
        professionalism=8,
        epas={"epa2": "3a", "epa6": "3b", "epa7": "3a"},
        rime="manager",
        minutes_observed=30,
        strengths="Proposes complete, safe management plans: what to stop, what to monitor, when to restart "
        "and what would change the plan. Her presentations now open with the summary statement, and she "
        "brings the evidence she looked up.",
        improvement="Keep building speed: the plans are right, and the next step is reaching them within "
        "the time a clinic huddle allows.",
        example="Presented a man with diabetic kidney disease whose creatinine rose after an NSAID on top of "
        "a doubled ACE inhibitor: she stopped the NSAID, held the ACE inhibitor and reduced metformin, asked "
        "for an ECG for a potassium of 5.6, and planned when to restart the ACE inhibitor and add an SGLT2 "
        "inhibitor.",
    ),
)

ROTATION: tuple[Week, ...] = (_WEEK_1, _WEEK_2, _WEEK_3, _WEEK_4)

FINAL_COMPETENCIES: dict[str, Any] = {
    "medical_knowledge": 7,
    "interpersonal_communication": 8,
    "professionalism": 8,
    "practice_based_learning": 8,
}
FINAL_NARRATIVE = (
    "She completed a four-week virtual observership in my internal medicine telehealth clinic, observing "
    "patient visits by video and presenting two cases at our huddle every week. Over the four weeks her "
    "presentations moved from accurate reporting to interpretation and, by the last week, to complete "
    "management plans. In the first week she reported the data well but did not yet say what the abnormal "
    "results meant; in the fourth she presented a plan for an acute kidney injury on chronic kidney "
    "disease that I would have written myself, including when to restart the ACE inhibitor.\n\n"
    "She took feedback every week and used it the next, most clearly in naming the diagnosis that must "
    "not be missed, which she did unprompted from the second week on. She was on time for every session, "
    "prepared, and respectful of patients on camera.\n\n"
    "This was an observership without patient contact, so I cannot comment on her history taking or "
    "examination. I have not yet supervised enough visitors on Rounds to compare her with a group. I will "
    "write her a letter of recommendation."
)
