"""What people wrote: labelled ads in tests/data/qualifiers, each saying in its first comment
what it is there for (English and German).

A qualifier that is a skill of its own is matched first, level words in a seek or its goal
are the level wanted, and a goal and a note appear in the reasons when they agree or differ.
Each expected first partner below was second before (the matcher read neither).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from generator.data.load import load_file
from generator.data.model import LEVELS, ad_from_data
from generator.data.validate import check_document
from generator.matching.match import QUOTE_LENGTH, Suggestion, _quote, suggest_partners
from generator.matching.present import reason_text
from generator.matching.skills import (
    LEVEL_WORDS,
    load_taxonomy,
    significant_words,
    wanted_level,
)
from generator.site.i18n import Locale

DATA = Path(__file__).parent / "data" / "qualifiers"
TODAY = dt.date(2027, 3, 1)

Result = dict[str, list[Suggestion]]

QUALIFIER_FIRST = [  # (seeker, who offers the qualifier, the expert of the outer skill)
    ("sb-seeker", "spring-teacher", "java-expert"),
    ("pg-seeker", "pg-teacher", "db-expertin"),
]
LEVEL_FIRST = [  # (seeker, teacher at or above the level wanted, teacher below it)
    ("py-fortgeschritten", "py-advanced", "py-basic"),
    ("excel-advanced-seeker", "excel-expert", "excel-basic"),
    ("excel-vertiefen", "excel-expert", "excel-basic"),
]


def labelled_result() -> Result:
    """The suggestions for the labelled ads (tests/test_match.py checks their reason codes)."""
    ads = []
    for path in sorted((DATA / "ads").glob("*.yml")):
        doc = load_file(path, display=f"ads/{path.name}")
        assert check_document(doc, "ad") == []
        ads.append(ad_from_data(path.stem, doc.path, doc.data))
    return suggest_partners(ads, [], today=TODAY, taxonomy=load_taxonomy(DATA))


@pytest.fixture(scope="module")
def result() -> Result:
    return labelled_result()


def texts(suggestion: Suggestion, lang: str) -> list[str]:
    return [reason_text(r, Locale(lang)) for r in suggestion.reasons]


def partner(result: Result, ident: str, other: str) -> Suggestion:
    return next(s for s in result[ident] if s.partner == other)


# --- a qualifier's own skill first ----------------------------------------------------------


@pytest.mark.parametrize(("seeker", "exact", "outer"), QUALIFIER_FIRST)
def test_the_qualifier_is_matched_first(
    result: Result, seeker: str, exact: str, outer: str
) -> None:
    first, second = result[seeker][:2]
    assert (first.partner, second.partner) == (exact, outer)
    assert first.mutual and second.mutual and first.score > second.score


def test_the_outer_skill_counts_in_part_and_says_so(result: Result) -> None:
    java = partner(result, "sb-seeker", "java-expert")
    assert [(p.key, p.focus) for p in java.they_teach] == [("java", "spring-boot")]
    assert texts(java, "en")[0] == (
        "offers Java (expert) — you seek 'Java (Spring Boot)', which lies within it; "
        "Spring Boot itself is not in the offer"
    )
    back = texts(partner(result, "db-expertin", "pg-seeker"), "de")
    assert back[1] == (
        "sucht „Datenbanken (PostgreSQL)“ – du bietest Datenbanken, wozu das gehört, "
        "aber nicht PostgreSQL selbst"
    )


def test_an_offer_with_a_qualifier_teaches_both_skills(result: Result) -> None:
    olga = result["nils-spring"][0]
    assert (olga.partner, olga.mutual) == ("olga-java-spring", True)
    assert texts(olga, "en")[0] == "offers Java (Spring Boot) (expert) — you seek 'Spring Boot'"
    assert [p.key for p in partner(result, "sb-seeker", "olga-java-spring").they_teach] == [
        "spring-boot"
    ]


# --- the level wanted -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Python für Fortgeschrittene", "advanced"),
        ("advanced Excel", "advanced"),
        ("Grundlagen SQL", "basic"),
        ("Meine Kenntnisse vertiefen", "advanced"),
        ("I know the basics and want to go beyond the basics", "advanced"),
        ("Kubernetes für Expertinnen", "expert"),
        ("SQL for beginners", "basic"),
        ("Einführung in die Buchhaltung", "basic"),
        ("Excel", None),
        ("Grundlagenforschung verstehen", None),  # a word that only begins like one
        ("Profilbild gestalten", None),
    ],
)
def test_level_words_name_the_level(text: str, level: str | None) -> None:
    assert wanted_level(text) == level


def _level_by_words(text: str) -> str | None:
    """`wanted_level` as a loop over the words, level by level: the rule as written."""
    words = re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text).casefold()).split()
    padded = f" {' '.join(words)} "
    for level, listed, phrases in LEVEL_WORDS:
        whole = {w for w in listed.split() if not w.endswith("*")}
        starts = tuple(w[:-1] for w in listed.split() if w.endswith("*"))
        if (
            not whole.isdisjoint(words)
            or any(word.startswith(starts) for word in words)
            or any(f" {phrase} " in padded for phrase in phrases)
        ):
            return level
    return None


def test_level_words_found_by_one_search_as_by_the_words() -> None:
    """Each level's words, word starts and phrases, inside, around and cut short, alone and
    among others, with punctuation and case: one pattern per level finds what the loop does."""
    rng = random.Random(5)
    terms = [t for _, listed, phrases in LEVEL_WORDS for t in (*listed.split(), *phrases)]
    pieces = [
        *(t.rstrip("*") for t in terms),
        *(t.rstrip("*")[:-1] for t in terms),
        *(t.rstrip("*") + "en" for t in terms),
        *("x" + t.rstrip("*") for t in terms),
        "Python",
        "für",
        "the",
        "SQL",
        "-",
        ",",
        "(",
        ")",
        "_",
        "Ü",
        "",
        "deep",
        "depth",
    ]
    texts = [" ".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(4000)]
    texts += [t.upper() for t in texts[:500]] + [t.replace(" ", "-") for t in texts[:500]]
    found = [wanted_level(text) for text in texts]
    assert found == [_level_by_words(text) for text in texts]
    assert {"expert", "advanced", "basic", None} <= set(found)


@pytest.mark.parametrize(("seeker", "at_level", "below"), LEVEL_FIRST)
def test_a_teacher_below_the_level_wanted_is_demoted(
    result: Result, seeker: str, at_level: str, below: str
) -> None:
    first, second = result[seeker][:2]
    assert (first.partner, second.partner) == (at_level, below)
    wanted = first.they_teach[0].wanted
    assert wanted is not None
    assert LEVELS.index(first.they_teach[0].level) >= LEVELS.index(wanted)
    assert LEVELS.index(second.they_teach[0].level) < LEVELS.index(wanted)
    assert not any(r.code.endswith("_below") for r in first.reasons)
    assert any(r.code == "they_teach_below" for r in second.reasons)


def test_the_caution_in_both_languages_and_both_directions(result: Result) -> None:
    basic = partner(result, "excel-advanced-seeker", "excel-basic")
    assert "caution: offers Excel at level basic, you want advanced" in texts(basic, "en")
    felix = partner(result, "py-fortgeschritten", "py-basic")
    assert (
        "Vorsicht: bietet Python auf der Stufe „Grundkenntnisse“, du möchtest „fortgeschritten“"
        in texts(felix, "de")
    )
    teacher = partner(result, "excel-basic", "excel-advanced-seeker")
    assert "caution: wants advanced in 'advanced Excel', you offer basic" in texts(teacher, "en")


def test_basics_wanted_demote_no_one(result: Result) -> None:
    ute = result["sql-grundlagen"][0]
    assert ute.partner == "sql-basic"
    assert [(p.level, p.wanted) for p in ute.they_teach] == [("basic", "basic")]
    assert not any("caution" in text for text in texts(ute, "en"))


# --- goals and notes ------------------------------------------------------------------------


def test_a_goal_and_a_note_that_share_words(result: Result) -> None:
    nadia = partner(result, "excel-advanced-seeker", "excel-expert")
    assert (
        "their note on MS Excel and your goal both speak of Pivot, tables, Power, Query"
        in texts(nadia, "en")
    )
    timo = partner(result, "pg-seeker", "pg-teacher")
    assert "die Notiz zu Postgres und dein Ziel nennen beide Abfragen, schneller" in texts(
        timo, "de"
    )
    back = partner(result, "py-advanced", "py-fortgeschritten")
    assert (
        "das Ziel zu „Python für Fortgeschrittene“ und deine Notiz nennen beide Pakete, testen"
        in texts(back, "de")
    )


def test_a_goal_and_a_note_that_clearly_differ(result: Result) -> None:
    tom = partner(result, "excel-advanced-seeker", "excel-basic")
    assert (
        "compare: their note on Excel says 'Formulas, formatting, first charts', your goal "
        "'Pivot tables and Power Query for the monthly sales report'"
    ) in texts(tom, "en")
    back = partner(result, "excel-basic", "excel-vertiefen")
    assert any(
        t.startswith("compare: their goal for 'Excel' is 'Meine Kenntnisse vertiefen")
        for t in texts(back, "en")
    )


def test_no_goal_or_no_note_says_nothing(result: Result) -> None:
    marco = partner(result, "sb-seeker", "java-expert")  # Marco wrote no note
    assert not any(r.code.endswith(("_agrees", "_differs")) for r in marco.reasons)


def test_the_skill_itself_is_no_shared_word(result: Result) -> None:
    """`Excel` in a goal and a note of an Excel pair says nothing."""
    nadia = partner(result, "excel-advanced-seeker", "excel-expert")
    agrees = next(r for r in nadia.reasons if r.code == "they_teach_agrees")
    words = dict(agrees.params)["word_names"]
    assert isinstance(words, tuple) and words and "Excel" not in words


def test_long_texts_are_quoted_short() -> None:
    long = "Build a supplier dashboard that updates itself every morning from three systems"
    quoted = _quote(long)
    assert quoted.endswith("…") and len(quoted) <= QUOTE_LENGTH + 1
    assert long.startswith(quoted[:-1])
    assert _quote("  two\nlines ") == "two lines"


def test_words_compare_folded_and_without_endings() -> None:
    assert significant_words("Pivot-Tabellen")["tabell"] == "Tabellen"
    assert set(significant_words("pivot tables")) == set(significant_words("Pivot table"))
    assert significant_words("Ich möchte das lernen") == {}


def test_a_level_wanted_in_a_skill_nobody_offers_is_no_crash() -> None:
    """'Advanced MySQL' when no ad offers MySQL at all: a goal nobody covers, never a KeyError
    (synthetic markets of 900 to 1,500 ads hit it)."""

    def ad(ident: str, offers: list[str], seeks: list[str]) -> Any:
        data = {
            "name": ident,
            "owner": ident,
            "location": "Berlin",
            "languages": ["en"],
            "offers": [{"skill": skill, "level": "expert"} for skill in offers],
            "seeks": [{"skill": skill} for skill in seeks],
            "commitment": {"hours_per_week": 2, "weeks": 12},
            "posted": dt.date(2027, 2, 1),
            "expires": dt.date(2027, 6, 1),
            "status": "open",
            "contact": f"{ident}@example.com",
        }
        return ad_from_data(ident, f"ads/{ident}.yml", data)

    ads = [ad("a", ["Python"], ["Advanced MySQL", "Excel"]), ad("b", ["Excel"], ["Python"])]
    found = suggest_partners(ads, [], today=TODAY, taxonomy=load_taxonomy(DATA.parent / "sample"))
    assert [s.partner for s in found["a"]] == ["b"]
