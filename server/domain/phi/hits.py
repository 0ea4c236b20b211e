"""The guard's vocabulary of findings: the Safe Harbor identifier kinds (``PhiCategory``), the reason a
visitor reads for each, which kind wins when two findings cover the same span, and ``PhiHit``.

Every rule module yields ``Finding`` tuples (category, start, end, reason) rather than ``PhiHit`` objects:
a rule yields far more candidates than survive the merge in :mod:`server.domain.phi.guard`, and tuples are
cheaper to make and sort.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum


class PhiCategory(StrEnum):
    """The Safe Harbor identifier kinds the guard reports."""

    PERSON_NAME = "person_name"
    DATE = "date"
    AGE_OVER_89 = "age_over_89"
    PHONE = "phone"
    FAX = "fax"
    EMAIL = "email"
    SSN = "ssn"
    MEDICAL_RECORD_NUMBER = "medical_record_number"
    HEALTH_PLAN_NUMBER = "health_plan_number"
    ACCOUNT_NUMBER = "account_number"
    LICENSE_NUMBER = "license_number"
    STREET_ADDRESS = "street_address"
    ZIP_CODE = "zip_code"
    GEOGRAPHY = "geography"
    URL = "url"
    IP_ADDRESS = "ip_address"
    DEVICE_IDENTIFIER = "device_identifier"
    VEHICLE_IDENTIFIER = "vehicle_identifier"
    OTHER_IDENTIFIER = "other_identifier"


C = PhiCategory

REASON: dict[PhiCategory, str] = {
    C.PERSON_NAME: "looks like a person's name",
    C.DATE: "looks like a date more specific than a year",
    C.AGE_OVER_89: "is an age over 89 (use the 90+ age band)",
    C.PHONE: "looks like a phone number",
    C.FAX: "looks like a fax number",
    C.EMAIL: "looks like an email address",
    C.SSN: "looks like a Social Security number",
    C.MEDICAL_RECORD_NUMBER: "looks like a medical record number",
    C.HEALTH_PLAN_NUMBER: "looks like a health plan or beneficiary number",
    C.ACCOUNT_NUMBER: "looks like an account number",
    C.LICENSE_NUMBER: "looks like a certificate or license number",
    C.STREET_ADDRESS: "looks like a street address",
    C.ZIP_CODE: "looks like a ZIP code",
    C.GEOGRAPHY: "names a place smaller than a state (city, county or neighbourhood)",
    C.URL: "looks like a web address (URL)",
    C.IP_ADDRESS: "looks like an IP address",
    C.DEVICE_IDENTIFIER: "looks like a device identifier or serial number",
    C.VEHICLE_IDENTIFIER: "looks like a vehicle identifier or licence plate",
    C.OTHER_IDENTIFIER: "looks like an identifying number or code",
}

# Lower number wins when two hits overlap and are of the same length.
PRIORITY: dict[PhiCategory, int] = {cat: i for i, cat in enumerate(C)}
PRIORITY[C.EMAIL] = -3
PRIORITY[C.URL] = -2
PRIORITY[C.IP_ADDRESS] = -1
PRIORITY[C.GEOGRAPHY] = -4  # "lives in Charlotte": the place cue beats the given name


@dataclass(frozen=True, slots=True)
class PhiHit:
    """One offending span: ``text[start:end]`` is an identifier of ``category`` because of ``reason``."""

    category: PhiCategory
    start: int
    end: int
    reason: str


# What a rule yields: ``text[start:end]`` is an identifier of the category, for the reason given.
Finding = tuple[PhiCategory, int, int, str]
# A rule takes the whole text and yields every candidate it finds; overlaps are settled by the guard.
Rule = Callable[[str], Iterator[Finding]]
