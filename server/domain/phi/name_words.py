"""What the name rules know about words: the census given names and surnames, titles and relatives
that announce a name, the shape of a name token, and the words that look like names but are not (ward
and service abbreviations, complaints, months, places, eponyms).

Many given names are also words, months, places or drug brands ("Grace", "April", "Austin", "Heather");
they are split into strong names (a name on their own) and ambiguous ones (a name only with a cue), so
clinical text passes and "Maria" alone is still caught.
"""

from __future__ import annotations

import re

from server.domain.phi.eponyms import EPONYM_NOUNS
from server.domain.phi.gazetteer import (
    CITY_FIRST_WORDS,
    PLACES_NOT_LOCAL,
)
from server.domain.phi.generic_words import GENERIC_ORG_WORDS, NOT_PLACE_WORDS
from server.domain.phi.months import MONTH_WORDS, WEEKDAYS
from server.domain.phi.name_lists import EXTRA_GIVEN_NAMES, EXTRA_SURNAMES, WORD_NAMES
from server.domain.phi.name_lists import GIVEN_NAMES as CENSUS_GIVEN_NAMES
from server.domain.phi.name_lists import SURNAMES as CENSUS_SURNAMES
from server.domain.phi.text import LO, UP, word_set

GIVEN_NAMES = CENSUS_GIVEN_NAMES | EXTRA_GIVEN_NAMES
SURNAMES = CENSUS_SURNAMES | EXTRA_SURNAMES

NAME_STOP = word_set(
    """
Geri Peds Derm Cards Heme Onc Pulm Endo Rheum Psych Tox Uro Ortho Gyn Neuro Renal Hem Gen Fam Med Ob
The A An This That These Those He She They We It His Her Their Our My Your I Patient Pt Patients
Attending Resident Intern Preceptor Student Doctor Nurse Team Plan Assessment Summary History Exam
Labs Imaging Note Notes Chief Complaint HPI PMH PSH ROS Meds Allergies Social Family Physical Vitals
Impression Diagnosis Differential Follow Discharge Admission Admitted Today Yesterday Tomorrow
Morning Evening Night Day Week Month Year Hospital Clinic Center Unit Ward Floor Service Medicine
Surgery Cardiology Neurology Pediatrics Psychiatry Oncology Emergency Department Intensive Care
Telehealth Video Audio Visit Consult New Old Left Right Bilateral Positive Negative Normal Abnormal
Acute Chronic Severe Mild Moderate Stable Unstable Blood Pressure Heart Rate Case Presenting
Presented Presentation Learning Issue Start Stop Continue Increase Decrease No Yes Not Also Then
Denies Reports States Endorses Given Started Treated Seen Transferred Brought Called Named Mr Mrs Ms
Miss Dr English Spanish Medicare Medicaid Epic Cerner Google Zoom Type Stage Grade Class Level Score
Lasix Tylenol
"""
)

HONORIFIC = r"(?:Mr|Mrs|Ms|Mx|Miss|Mister|Dr|Prof|Professor|Doctor|Sr|Sra|Srta|Smt|Shri|Sri|Kum|Mst)"

TITLE = (
    r"(?:Father|Fr|Sister|Brother|Rev|Reverend|Pastor|Rabbi|Imam|Chaplain|Nurse|Officer|Judge|Captain|Sgt|"
    r"Sergeant|Deacon|Coach|Aunt|Uncle|Grandma|Grandpa|Auntie)"
)

NAME_TOKEN = rf"(?:[{UP}][{LO}]?['\u2019][{UP}][{LO}]+|Ma?c[{UP}][{LO}]+|[{UP}][{LO}]+(?:-[{UP}][{LO}]+)*)"

RELATIVE = (
    r"(?:wife|husband|son|daughter|mother|father|mom|dad|brother|sister|partner|friend|caregiver|niece|nephew"
    r"|aunt|uncle|grandson|granddaughter|grandmother|grandfather|boyfriend|girlfriend|spouse|neighbou?r"
    r"|roommate|fianc[ée]e?|guardian|proxy|stepson|stepdaughter|cousin|carer)"
)

# Given names that are only names (not also words, months, places or eponyms) count on their own.
_STRONG_ANYWAY = word_set(
    """
Maria John Peter Harry Martin Victor Roger Carol Heather Sally Colleen Terry Patsy Patty Jimmy Tony
Mike Chad Troy Tom Warren Dean Derrick Hector Rick Brad Ken Bob Nick Matt Josh Billy Bobby Randy
Earl Noel Drew Margarita Ester Viola Marina Dolly Rosemary Myrtle Bonnie Robin Sherry Hazel Holly
Sue Colleen Jasmine Opal Melody Flora Lily Daisy Jack Tommy
"""
)

# Given names that are also words, months, places, drug brands or eponyms used on their own ("Barrett's",
# "Heather 0.35 mg"): they count only with a stronger cue (a surname after them, a title, a verb of speech).
# Eponyms that are names only when followed by a noun ("Thomas test", "Charles Bonnet syndrome") are caught
# by the eponym-noun check instead.
AMBIGUOUS_GIVEN = (
    (WORD_NAMES - _STRONG_ANYWAY)
    | MONTH_WORDS
    | WEEKDAYS
    | PLACES_NOT_LOCAL
    | CITY_FIRST_WORDS
    | word_set(
        """
Addison Austin Barrett Bell Gilbert Hunter Jackson Job Still Wilson Baker Bowen Lynch Richmond
Christmas Dallas Denver Phoenix Madison Sydney Paris Florence Charlotte Virginia Georgia Carolina
India Jordan Osler Paget Roth Weber Jones Wells Stokes Foley Mayo Hopkins Johns Lyme Reynolds Murphy
Parkinson Addisonian Tourette Turner Ewing Hodgkin Kaposi Moro Apgar Bishop Duke Fisher Hunt Light
Gleason Breslow Centor Wernicke Broca Horner Stevens Graves Crohn Cushing Homans Glasgow Valsalva
Babinski Romberg Trendelenburg Rovsing Lachman Tinel Phalen Kernig Brudzinski Chvostek Trousseau
Virchow Courvoisier Beck Kussmaul Cheyne Mobitz Kerley Hampton Westermark Holter Whipple Nissen Roux
Meckel Hirschsprung Colles Monteggia Salter Heberden Bouchard Osgood Legg Boutonniere Angel Rose
Ruby Grace Hope Faith Joy Will Mark Frank Bill Ray Don Guy Pat Gene Glen Dale Lee Max Miles Chase
Lance Grant Roman Van Al Ed Ben Art Sage Lane Page Cash King Prince Major Rich Sky Star Summer
Autumn Dawn April June August Crystal Amber Ivy Holly Iris Violet Olive Pearl Ginger Candy Sandy
Misty Penny Brandy Ebony Jewel Laurel Fern Charity Lea Gale Earnest Nick Drew Allis Ortolani
Spurling Finkelstein Adson Apley Neer Speed Jobe Hoffmann Lhermitte Uhthoff Dix Hallpike Epley Kehr
Blumberg McBurney Carnett Boas Dupuytren Sister Brother Saint St Christian Muslim Jewish Catholic
Hindu Buddhist Black White Hispanic Latino Asian Native Allegra Camila Heather Nora Portia Nikki
Yasmin Ella Hailey Errin Tilia Jolessa Skyla Mirena Kyleena Liletta Lutera Aviane Alesse Levora Apri
Marlissa Gianvi Loryna Zarah Syeda Ocella Kelnor Larin Junel Tarina Candida Providencia Tobi Geneva
Gail Trinessa Lyrica Stelara Lucentis Cialis Levitra Viagra Kenalog Blessing Comfort Patience Precious
Gift Favour Favor Praise Goodluck Godswill Princess Peace Wisdom Mercy Justice Innocent Prosper Promise
Testimony Miracle Marvellous Success Divine Memory Loveth Sunshine
"""
    )
)

STRONG_GIVEN = frozenset(n for n in GIVEN_NAMES - AMBIGUOUS_GIVEN - NAME_STOP if len(n) > 2)

ALL_GIVEN = GIVEN_NAMES

PAREN_NOT_NAMES = word_set(
    """
Deceased Alive Living Healthy Died Dead Adopted Estranged Unknown None Caregiver Translator Interpreter
Present Absent Local Remote Diabetic Hypertensive Well Ill Sick Passed Aged Age Former Late Step Half
Paternal Maternal Biological Primary Legal Healthcare Emergency Contact Next Kin Also Both Older Younger
Elder Eldest Twin Adult Minor Teenage Teen
"""
)

COMPLAINT_WORDS = word_set(
    """
Pain Chest Fever Cough Headache Abdominal Back Shortness Breath Rash Fall Syncope Weakness Dizziness
Vomiting Diarrhea Diarrhoea Sore Throat Ear Eye Red Swelling Knee Hip Leg Arm Hand Foot Neck Joint Urinary
Burning Bleeding Palpitations Confusion Seizure Follow Up New Known Routine Annual Well Child Visit Check
Acute Chronic Lower Upper Left Right Flank Pelvic Vaginal Rectal Nausea Fatigue Tiredness Weight Loss Gain
Dyspnea Dyspnoea Jaundice Edema Oedema Numbness Tingling Anxiety Depression Insomnia Memory Altered Mental
Status Blurry Vision Hearing Skin Lesion Lump Mass Breast Testicular Scrotal Penile Discharge Itching
Trauma Injury Burn Bite Wound Ulcer Cellulitis Abscess Asthma Diabetes Hypertension Pregnancy Prenatal
Postpartum Contraception Vaccination Physical Exam Screening Review Medication Refill Results Labs
"""
)

SERVICE_WORDS = word_set(
    """
Therapy Care Medicine Surgery Services Service Team Diseases Disease Consult Consults Nursing Work Health
Management Pathology Radiology Pharmacy Oncology Cardiology Neurology Psychiatry Psychology Nutrition
Dietetics Physiotherapy Rehabilitation Rehab Hospice Palliative Genetics Endocrinology Nephrology Hematology
Urology Dermatology Ophthalmology Otolaryngology Gynecology Obstetrics Pediatrics Geriatrics Transplant
Infectious Speech Occupational Respiratory Wound Pain Sleep Vascular Plastic Trauma Orthopedics Ortho
General Internal Family Emergency Urgent Primary Critical Intensive Acute Chronic Home Community Public
"""
)


def surname_like(word: str) -> bool:
    """A census surname, or shaped like one ("O'Malley", "McNeil", "D'Souza")."""
    if word in SURNAMES:
        return True
    return bool(re.match(r"^(?:[OD]['\u2019][A-Z][a-z]+|Ma?c[A-Z][a-z]+)$", word))


def name_ok(tokens: list[str]) -> bool:
    """A capitalised run after a name cue that is plausibly a person's name (not a ward, drug or word)."""
    first = tokens[0]
    if first in MONTH_WORDS and len(tokens) > 1 and tokens[1] in SURNAMES and first in GIVEN_NAMES:
        return True  # "Patient April Baker"
    if first in NAME_STOP or first in MONTH_WORDS or first in WEEKDAYS:
        return False
    return not (first.upper() == first and len(first) > 1)


def not_a_name_word(word: str) -> bool:
    """A capitalised word that is a clinical, place or service word rather than a name."""
    return (
        word in NAME_STOP
        or word in MONTH_WORDS
        or word in WEEKDAYS
        or word in PLACES_NOT_LOCAL
        or word in COMPLAINT_WORDS
        or word in SERVICE_WORDS
        or word in PAREN_NOT_NAMES
        or word in GENERIC_ORG_WORDS
        or word in NOT_PLACE_WORDS
        or word.lower() in EPONYM_NOUNS
    )
