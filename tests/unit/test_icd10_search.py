"""The ICD-10-CM code set and its type-ahead search, against the real code set the package ships."""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Any

import pytest

from server.codes import clinical_terms, icd10
from server.codes.icd10 import Chapter, Icd10Code


def words_of(text: str) -> list[str]:
    """Description words as a person would read them: lower case, no accents or apostrophes."""
    folded = unicodedata.normalize("NFKD", text.replace("'", "")).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", folded)


def matches_all_words(query: str, code: str) -> bool:
    """Whether every word of the query starts a word of one of the code's names."""
    words = name_words(code)
    return all(any(word.startswith(part) for word in words) for part in words_of(query))


def names_of(code: str) -> list[str]:
    """Every name the code set gives a code: its description, the tabular list's inclusion terms and
    includes notes, and the curated entry terms (read here from the package and the data file)."""
    import simple_icd_10_cm

    index = icd10._loaded()
    description = index.description[index.id_of[code.replace(".", "")]]
    curated = [term for listed, term in clinical_terms.vocabulary().entry_terms if listed == code]
    return [
        description,
        *simple_icd_10_cm.get_inclusion_term(code),
        *simple_icd_10_cm.get_includes(code),
        *curated,
    ]


def name_words(code: str) -> list[str]:
    """The words of all of a code's names, hyphenated compounds also written as one word."""
    words: list[str] = []
    for name in names_of(code):
        words.extend(words_of(name))
        for compound in re.findall(r"\w+(?:-\w+)+", name):
            words.extend(words_of(compound.replace("-", "")))
    return words


@pytest.fixture(scope="module")
def description_words() -> list[list[str]]:
    """The words of every code's names, by the index's code ids."""
    index = icd10._loaded()
    return [name_words(code) for code in index.code]


def codes(query: str, limit: int = icd10.DEFAULT_LIMIT) -> list[str]:
    return [found.code for found in icd10.search(query, limit)]


# --- look-up ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["E11.9", "e11.9", "E119", "e119", " E11.9 ", "E11.9\n"])
def test_lookup_in_any_written_form(written: str) -> None:
    assert icd10.lookup(written) == Icd10Code(
        code="E11.9", description="Type 2 diabetes mellitus without complications", billable=True, chapter=4
    )


def test_lookup_categories_and_seventh_character_codes() -> None:
    diabetes = icd10.lookup("E11")
    assert diabetes is not None
    assert (diabetes.description, diabetes.billable, diabetes.category) == (
        "Type 2 diabetes mellitus",
        False,
        "E11",
    )
    hypertension = icd10.lookup("i10")
    assert hypertension is not None and hypertension.billable  # a category with no subdivisions is billable
    fracture = icd10.lookup("s72001a")
    assert fracture is not None
    assert fracture.code == "S72.001A"
    assert fracture.compact == "S72001A"
    assert fracture.description.endswith("initial encounter for closed fracture")
    assert icd10.lookup("C4A.0") is not None  # a letter in the category


@pytest.mark.parametrize(
    "written",
    [
        "",
        "   ",
        "E1",
        "E11.99",  # E11.9 has no children
        "E11..9",
        "E1.19",
        "ZZZ",
        "hypertension",
        "9",  # a chapter
        "I10-I1A",  # a block
        "A00-A09",
        "E11.9" * 50,
        "É11.9",
        "\x00",
    ],
)
def test_unknown_codes(written: str) -> None:
    assert icd10.lookup(written) is None
    assert not icd10.is_valid(written)
    assert not icd10.is_billable(written)
    assert icd10.category(written) is None
    assert icd10.chapter(written) is None


@pytest.mark.parametrize("wrong", [None, 119, b"E11.9", ["E11.9"]])
def test_values_that_are_not_text_are_not_codes(wrong: Any) -> None:
    assert icd10.lookup(wrong) is None
    assert icd10.normalise(wrong) is None
    assert icd10.search(wrong) == []


def test_validity_billability_and_category() -> None:
    assert icd10.is_valid("J45.901")
    assert icd10.is_billable("J45.901")
    assert icd10.is_valid("J45") and not icd10.is_billable("J45")
    assert icd10.is_valid("J45.9") and not icd10.is_billable("J45.9")
    assert icd10.category("j45.901") == "J45"
    assert icd10.category("I10") == "I10"


def test_normalise_checks_shape_only() -> None:
    assert icd10.normalise("e119") == "E11.9"
    assert icd10.normalise(" s72001a ") == "S72.001A"
    assert icd10.normalise("I10") == "I10"
    assert icd10.normalise("E11.99") == "E11.99"  # shaped like a code, though there is none
    assert icd10.normalise("E1") is None
    assert icd10.normalise("E11.") is None


@pytest.mark.parametrize(
    ("code", "number", "roman", "title_start"),
    [
        ("I10", 9, "IX", "Diseases of the circulatory system"),
        ("E11.9", 4, "IV", "Endocrine, nutritional and metabolic diseases"),
        ("D49", 2, "II", "Neoplasms"),  # the D codes are split between chapters 2 and 3
        ("D50.0", 3, "III", "Diseases of the blood"),
        ("H10.9", 7, "VII", "Diseases of the eye"),  # and the H codes between 7 and 8
        ("H60.90", 8, "VIII", "Diseases of the ear"),
        ("S72.001A", 19, "XIX", "Injury, poisoning"),
        ("Z00.00", 21, "XXI", "Factors influencing health status"),
        ("U07.1", 22, "XXII", "Codes for special purposes"),
    ],
)
def test_chapters(code: str, number: int, roman: str, title_start: str) -> None:
    found = icd10.chapter(code)
    assert found is not None
    assert (found.number, found.roman) == (number, roman)
    assert found.title.startswith(title_start)
    assert "(" not in found.title  # the code range is a field of its own


def test_chapter_list() -> None:
    chapters = icd10.chapters()
    assert [chapter.number for chapter in chapters] == list(range(1, 23))
    assert chapters[8] == Chapter(9, "IX", "Diseases of the circulatory system", "I00-I99")
    assert chapters[0].roman == "I" and chapters[3].roman == "IV" and chapters[13].roman == "XIV"


def test_warm_up_reports_the_load_once() -> None:
    first = icd10.warm_up()
    assert first.codes > 90_000
    assert first.words > 5_000
    assert icd10.warm_up() == first


def test_concurrent_first_use_builds_the_index_once(monkeypatch: pytest.MonkeyPatch) -> None:
    icd10.warm_up()  # the package itself is imported once per process; rebuild only Rounds' index
    builds: list[int] = []
    real_index = icd10._Index

    def counting_index(*args: Any) -> Any:
        builds.append(1)
        return real_index(*args)

    monkeypatch.setattr(icd10, "_Index", counting_index)
    monkeypatch.setattr(icd10, "_index", None)
    monkeypatch.setattr(icd10, "_stats", None)
    results: list[Icd10Code | None] = []
    start = threading.Barrier(8)

    def use() -> None:
        start.wait()
        results.append(icd10.lookup("I10"))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1
    assert len(results) == 8 and all(result == icd10.lookup("I10") is not None for result in results)


# --- search by code -----------------------------------------------------------------------------------


def test_code_prefix_lists_the_exact_code_then_its_children_in_code_order() -> None:
    found = codes("E11", 50)
    assert found[0] == "E11"
    assert found[1:4] == ["E11.0", "E11.00", "E11.01"]
    assert all(code.startswith("E11") for code in found)
    compact = [code.replace(".", "") for code in found]
    assert compact == sorted(compact)
    assert len(found) == 50


@pytest.mark.parametrize("query", ["e11.9", "E119", "E11.9", " e11.9 "])
def test_a_whole_code_comes_first(query: str) -> None:
    assert codes(query)[0] == "E11.9"


def test_code_prefixes_while_typing() -> None:
    assert codes("J45")[0] == "J45"
    assert all(code.startswith("J45") for code in codes("J45"))
    assert codes("E11.")[:2] == ["E11", "E11.0"]
    assert codes("Z00.0") == ["Z00.0", "Z00.00", "Z00.01"]
    assert codes("I1")[0] == "I10"
    assert codes("s72.001a") == ["S72.001A"]


def test_a_code_like_query_falls_back_to_words() -> None:
    # no category B12: the query is a word of "Vitamin B12 deficiency anemia"
    found = icd10.search("b12")
    assert found
    assert "B12" in found[0].description
    assert all("b12" in name_words(code.code) for code in found)


def test_preferred_codes_come_first_among_word_matches() -> None:
    assert codes("hypertension")[0] == "I10"  # "hypertension (arterial) ..." is a name of I10
    found = [
        c.code for c in icd10.search("hypertension", 5, prefer=["E11.9", "i10", "nonsense", "I10", "I15.0"])
    ]
    # E11.9 does not match the words; I10 and I15.0 come first in the order given, once each
    assert found[:2] == ["I10", "I15.0"]
    assert len(found) == len(set(found)) == 5
    assert found[2:] == [code for code in codes("hypertension", 7) if code not in {"I10", "I15.0"}][:3]
    # the code-prefix part is untouched: the exact code still comes first
    assert [c.code for c in icd10.search("E11", 3, prefer=["E11.9"])] == ["E11", "E11.0", "E11.00"]
    assert [c.code for c in icd10.search("diab", 1, prefer=iter(["E11.9"]))] == ["E11.9"]
    assert icd10.search("xyzzy", prefer=["I10"]) == []


# --- search by words ----------------------------------------------------------------------------------


def test_type_2_diab_finds_type_2_diabetes() -> None:
    found = icd10.search("type 2 diab")
    assert found[0].code == "E11"
    assert sum(code.category == "E11" for code in found) >= 15
    assert "E11.9" in [code.code for code in found]
    assert all(matches_all_words("type 2 diab", code.code) for code in found)


def test_asthma_exac_finds_the_asthma_exacerbation_codes() -> None:
    found = codes("asthma exac", 100)
    assert set(found) == {"J45.21", "J45.31", "J45.41", "J45.51", "J45.901"}
    assert found[0] == "J45.901"  # "Unspecified asthma with (acute) exacerbation": the most general


@pytest.mark.parametrize(
    "query",
    [
        "chest pain",
        "pain chest",
        "fracture femur",
        "acute kidney",
        "hypertens heart",
        "mild persistent asthma",
    ],
)
def test_every_result_has_every_word(query: str) -> None:
    found = icd10.search(query, 100)
    assert found
    assert all(matches_all_words(query, code.code) for code in found)


def test_word_order_and_case_do_not_matter() -> None:
    assert codes("chest pain") == codes("pain chest") == codes("CHEST  Pain") == codes(" chest, pain! ")
    assert "R07.9" in codes("chest pain")[:3]


def test_accents_and_apostrophes_do_not_matter() -> None:
    assert codes("sezary") == codes("Sézary") and codes("sezary")[0].startswith("C84.1")
    assert "H81.0" in codes("meniere")
    assert codes("crohn") == codes("Crohn's") == codes("crohns") == codes("crohn\u2019s")
    assert all(code.startswith("K50") for code in codes("crohn"))


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("asthma", "J45"),
        ("gout", "M10.9"),
        ("covid", "U07.1"),
        ("dysuria", "R30.0"),
        ("chest pain", "R07.9"),
        ("sepsis", "A41.9"),
        ("pneumonia", "J18.9"),
        ("heart failure", "I50.9"),
        ("cellulitis", "L03.90"),  # "Cellulitis, unspecified", not "Cellulitis of unspecified toe"
    ],
)
def test_the_most_general_match_comes_first(query: str, first: str) -> None:
    assert codes(query)[0] == first


def test_a_category_that_names_the_query_is_followed_by_its_default_billable_code() -> None:
    # E11's includes note "diabetes NOS" names it; E11.9 ("without complications") is its default leaf
    assert codes("diabetes")[:2] == ["E11", "E11.9"]
    assert codes("asthma")[:2] == ["J45", "J45.909"]  # J45 -> J45.9 -> J45.90 (unspecified) -> J45.909
    assert codes("copd")[0] == "J44.9"


@pytest.mark.parametrize(
    "query",
    ["d", "s", "of the", "fracture f", "type 2 diab", "asthma exac", "pain", "left", "2", "with o", "a b c"],
)
def test_the_index_ranks_exactly_as_a_full_scan_would(query: str, description_words: list[list[str]]) -> None:
    """The shortcuts of the weight ranking (rarest word first, set intersection, stopping early) change
    nothing: its answer is the one a scan of every code's names with the same weights gives."""
    index = icd10._loaded()
    parts = icd10._query_words(query)
    scored = []
    for code_id, words in enumerate(description_words):
        if all(any(word.startswith(part) for word in words) for part in parts):
            first = words_of(index.description[code_id])[:1]
            first_matches = bool(first) and any(first[0].startswith(part) for part in parts)
            scored.append(
                (index.weights[code_id] - (icd10.FIRST_WORD_BONUS if first_matches else 0), code_id)
            )
    ranges = index._ranges(parts)
    assert ranges is not None
    assert index._general(ranges, 50) == sorted(scored)[:50]


def test_limit() -> None:
    assert len(icd10.search("pain")) == icd10.DEFAULT_LIMIT
    assert len(icd10.search("pain", 5)) == 5
    assert codes("pain", 5) == codes("pain", 20)[:5]
    assert len(icd10.search("pain", 10_000)) == icd10.MAX_LIMIT
    assert icd10.search("pain", 0) == []
    assert icd10.search("pain", -3) == []
    assert icd10.search("pain", True) == []
    found = codes("fracture", 100)
    assert len(found) == len(set(found))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "\n\t",
        "!!!",
        "()",
        "-",
        "'",
        ".",
        ".*",
        "[",
        "\\",
        "%",
        "\x00",
        "糖尿病",
        "🤒",
        "zzzzqqq",
        "asthma zzzz",
    ],
)
def test_queries_that_match_nothing_give_an_empty_list(query: str) -> None:
    assert icd10.search(query) == []


@pytest.mark.parametrize(
    "query",
    [
        "a" * 10_000,
        "diabetes " * 500,
        "type 2 diabetes mellitus with diabetic chronic kidney disease and hyperglycemia and more",
        "'; DROP TABLE codes; --",
        "E11.9 diabetes",
        "E11.9.9",
        "É11",
        "asthma\x00exac",
        "M\u00e9ni\u00e8re\u2019s",
        "e" * 3,
    ],
)
def test_odd_queries_never_fail(query: str) -> None:
    found = icd10.search(query)
    assert isinstance(found, list)
    assert len(found) <= icd10.DEFAULT_LIMIT
    assert all(isinstance(code, Icd10Code) for code in found)


def test_a_description_made_of_its_parents_and_a_tail_parses_as_written() -> None:
    """Half the code set ("..., initial encounter") is split as its parent's description and a tail: the
    shortcut gives exactly what splitting the whole description gives, for every such code."""
    import simple_icd_10_cm

    index = icd10._loaded()
    joined = 0
    for code, description in zip(index.code, index.description, strict=True):
        parent = simple_icd_10_cm.get_parent(code)
        parent_id = index.id_of.get(parent.replace(".", ""))
        head = "" if parent_id is None else index.description[parent_id]
        if head and description.startswith(head + ", "):
            whole = icd10._parse(description)
            first, tail = icd10._parse(head), icd10._parse(description[len(head) :])
            assert first.words + tail.words == whole.words, code
            shortcut = icd10._joined(first, tail)
            assert shortcut.words == whole.words[:1], code
            if len(whole.core) <= icd10.MAX_TERM_WORDS:
                assert (shortcut.core, shortcut.optional) == (whole.core, whole.optional), code
            joined += 1
    assert joined > 50_000


def test_seventh_character_codes_make_no_tier_but_follow_their_parent() -> None:
    """A 7th character names an encounter, not a concept: "sprain of ankle" lists the concept, then its
    initial encounter as its default billable code, not a sequela."""
    index = icd10._loaded()
    assert all(len(index.code[code_id]) < 8 for code_id in index.term_code)
    found = codes("sprain of ankle", 10)
    assert not any(code.endswith("S") for code in found[:5]), found
    assert any(code.endswith("A") for code in found[:5]), found
