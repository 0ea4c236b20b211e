"""PHI guard: finds HIPAA Safe Harbor identifiers (45 CFR 164.514(b)(2)) in free clinical text.

``check_text`` returns one ``PhiHit`` per offending span (category, start, end, reason);
``describe_hits`` turns them into one message a visitor can act on; ``ensure_no_phi`` raises
``PhiFound`` (an ``Invalid``) for the first field that holds an identifier. Nothing here logs or stores
the text.

The guard is a set of hand-written rules rather than a model: each rule pairs a pattern with the
clinical context that makes it an identifier ("MRN 4827315") or not ("Na 131", "BP 142/90", "7/10 pain").
Clinical numbers, eponyms ("Bell's palsy", "Marcus Gunn pupil"), drug names and scores pass.

``check_text(text, parties=...)`` takes the names of the platform's people party to the record (the
learner, the preceptor, a letter's author): a name made only of theirs is not an identifier
(:mod:`.parties`); the services pass them for evaluations, feedback and letters, never for case logs,
and never from the client. Findings that point at no patient (public references, the "90 or older" band,
the writer's own dates, institutions' dates) are dropped by :mod:`.public`. Policy: docs/phi-guard.md.

One module per family of identifiers, each saying why its rules are shaped as they are:
:mod:`.web` (email, URL, IP, handles), :mod:`.numbers` and :mod:`.spelled_numbers` (phones, SSNs and
numbers after a cue from :mod:`.cues`), :mod:`.dates` and :mod:`.typed_dates`, :mod:`.ages` (over 89),
:mod:`.addresses` and :mod:`.geography`, :mod:`.workplaces`, the names (:mod:`.cued_names`,
:mod:`.short_names`, :mod:`.given_names`, :mod:`.lower_case_names`, :mod:`.name_frames`),
:mod:`.holidays` and :mod:`.foreign_dates`, :mod:`.world_places` (GeoNames' towns), :mod:`.characteristics`
(unique characteristics), :mod:`.partial_numbers` and :mod:`.biometrics`. The word
lists they share are in :mod:`.name_words`, :mod:`.name_lists`, :mod:`.gazetteer`, :mod:`.generic_words`,
:mod:`.eponyms` and :mod:`.months`; :mod:`.guard` runs the rules and merges what they find.
"""

from server.domain.phi.guard import PhiFound, check_text, describe_hits, ensure_no_phi
from server.domain.phi.hits import PhiCategory, PhiHit, Rule
from server.domain.phi.name_lists import WORD_NAMES
from server.domain.phi.name_words import GIVEN_NAMES, SURNAMES

__all__ = [
    "GIVEN_NAMES",
    "SURNAMES",
    "WORD_NAMES",
    "PhiCategory",
    "PhiFound",
    "PhiHit",
    "Rule",
    "check_text",
    "describe_hits",
    "ensure_no_phi",
]
