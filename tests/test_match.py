"""Suggested partners on a labelled set of ads: tests/data/match/{ads,partnerships,skills.yml}.

Each ad file says in its first comment what it is there for.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml
from test_qualifiers import labelled_result

from generator.data.load import load_file
from generator.data.model import Ad, Partnership, ad_from_data, partnership_from_data
from generator.data.validate import validate_document
from generator.matching.match import (
    Reason,
    SkillPair,
    Suggestion,
    suggest_partners,
)
from generator.matching.places import Places
from generator.matching.present import reason_text, suggestions_json
from generator.matching.skills import Taxonomy, load_taxonomy
from generator.site.i18n import Locale

DATA = Path(__file__).parent / "data" / "match"
LOCALES = Path(__file__).resolve().parents[1] / "generator" / "locales"
TODAY = dt.date(2027, 1, 15)

Result = dict[str, list[Suggestion]]

EXPECTED_FIRST = [
    ("jana-k8s", "tom-kube"),
    ("tom-kube", "jana-k8s"),
    ("ole-pyhton", "mira-python"),
    ("mira-python", "ole-pyhton"),
    ("uli-ux", "vera-accounting"),
    ("vera-accounting", "uli-ux"),
    ("alex-excel", "ok-koeln"),
    ("fit-seeker", "fit-close"),
    ("tie-seeker", "tie-a"),
    ("via-golang", "via-kube"),
    ("via-kube", "via-golang"),
]
EXCLUDED_FROM_ALEX = {
    "ex-expired": "expired",
    "ex-paused": "paused",
    "ex-closed": "closed",
    "ex-matched": "matched",
    "ex-same-owner": "same owner",
    "ex-no-language": "no language",
    "ex-far-away": "other place, not remote",
    "ex-partnered": "partnered before",
    "alex-old": "closed",
    "bea-old": "closed",
}
TRAP_PAIRS = [
    ("trap-java", "trap-googleads"),
    ("trap-nosql", "trap-c"),
    ("trap-sql", "trap-cpp"),
    ("trap-c", "trap-sql"),
    ("trap-nosql", "trap-sql"),
]


def _load(folder: str, schema: str) -> list[tuple[str, str, Mapping[str, object]]]:
    loaded = []
    for path in sorted((DATA / folder).glob("*.yml")):
        record = validate_document(load_file(path, display=f"{folder}/{path.name}"), schema).record
        assert record is not None
        loaded.append((record.id, record.path, record.data))
    return loaded


@pytest.fixture(scope="module")
def ads() -> list[Ad]:
    return [ad_from_data(i, p, d) for i, p, d in _load("ads", "ad")]


@pytest.fixture(scope="module")
def partnerships() -> list[Partnership]:
    return [partnership_from_data(i, p, d) for i, p, d in _load("partnerships", "partnership")]


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(DATA)


@pytest.fixture(scope="module")
def result(ads: list[Ad], partnerships: list[Partnership], taxonomy: Taxonomy) -> Result:
    return suggest_partners(ads, partnerships, today=TODAY, taxonomy=taxonomy)


def partners(result: Result, ident: str) -> list[str]:
    return [s.partner for s in result.get(ident, [])]


def between(result: Result, a: str, b: str) -> list[Suggestion]:
    return [s for s in result.get(a, []) if s.partner == b] + [
        s for s in result.get(b, []) if s.partner == a
    ]


# --- who comes first ------------------------------------------------------------------------


@pytest.mark.parametrize(("ident", "expected"), EXPECTED_FIRST)
def test_expected_partner_is_first(result: Result, ident: str, expected: str) -> None:
    first = result[ident][0]
    assert first.partner == expected
    assert first.mutual


def test_keys_are_the_open_ads_in_order(result: Result, ads: list[Ad]) -> None:
    assert list(result) == sorted(ad.id for ad in ads if ad.is_open(TODAY))


def test_mutual_pairs_rank_above_one_way(result: Result) -> None:
    for suggestions in result.values():
        flags = [s.mutual for s in suggestions]
        assert flags == sorted(flags, reverse=True)
        assert all((s.score >= 50) == s.mutual for s in suggestions)
        assert all(0 <= s.score <= 100 for s in suggestions)


def test_one_way_suggestions_appear_marked(result: Result) -> None:
    assert partners(result, "jana-k8s") == ["tom-kube", "kai-kube"]
    kai = result["jana-k8s"][1]
    assert not kai.mutual
    assert Reason("one_way_learn") in kai.reasons
    back = between(result, "kai-kube", "jana-k8s")[0]
    assert Reason("one_way_teach") in result["kai-kube"][0].reasons
    assert not back.mutual


def test_commitment_fit_orders_equal_skills(result: Result) -> None:
    close, far = result["fit-seeker"]
    assert (close.partner, far.partner) == ("fit-close", "fit-far")
    assert close.score > far.score


def test_ties_break_by_id(
    ads: list[Ad], partnerships: list[Partnership], taxonomy: Taxonomy, result: Result
) -> None:
    tied = result["tie-seeker"]
    assert [s.partner for s in tied] == ["tie-a", "tie-b"]
    assert tied[0].score == tied[1].score
    again = suggest_partners(list(reversed(ads)), partnerships, today=TODAY, taxonomy=taxonomy)
    assert again == result


def test_top_limits_the_list(
    ads: list[Ad], partnerships: list[Partnership], taxonomy: Taxonomy, result: Result
) -> None:
    first = suggest_partners(ads, partnerships, today=TODAY, taxonomy=taxonomy, top=1)
    assert {i: s[:1] for i, s in result.items()} == first


# --- who never appears ----------------------------------------------------------------------


@pytest.mark.parametrize("excluded", sorted(EXCLUDED_FROM_ALEX))
def test_excluded_ads_are_never_suggested(result: Result, excluded: str) -> None:
    assert excluded not in partners(result, "alex-excel"), EXCLUDED_FROM_ALEX[excluded]
    assert "alex-excel" not in partners(result, excluded), EXCLUDED_FROM_ALEX[excluded]


def test_only_eligible_partners_for_alex(result: Result) -> None:
    assert partners(result, "alex-excel") == ["ok-koeln", "ok-remote"]


def test_ads_not_open_appear_nowhere(result: Result, ads: list[Ad]) -> None:
    closed = {ad.id for ad in ads if not ad.is_open(TODAY)}
    assert closed == {"ex-expired", "ex-paused", "ex-closed", "ex-matched", "alex-old", "bea-old"}
    suggested = {s.partner for suggestions in result.values() for s in suggestions}
    assert not closed & (suggested | set(result))


# --- traps ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), TRAP_PAIRS)
def test_no_trap_pair_is_mutual(result: Result, a: str, b: str) -> None:
    assert not any(s.mutual for s in between(result, a, b))


def test_traps_share_no_skill(result: Result) -> None:
    assert between(result, "trap-java", "trap-googleads") == []
    assert between(result, "trap-nosql", "trap-c") == []


def test_trap_pair_with_one_real_skill_is_one_way(result: Result) -> None:
    suggestion = between(result, "trap-cpp", "trap-sql")[0]
    assert (suggestion.partner, suggestion.mutual) == ("trap-sql", False)
    assert [(p.seek, p.offer) for p in suggestion.they_teach] == [("SQL basics", "SQL")]
    assert suggestion.i_teach == ()


# --- what a suggestion says -----------------------------------------------------------------


def test_every_suggestion_has_reasons(result: Result) -> None:
    for suggestions in result.values():
        for s in suggestions:
            assert s.reasons
            assert s.reasons[0].code.startswith(("they_teach", "i_teach"))
            assert bool(s.they_teach) + bool(s.i_teach) == 1 + s.mutual


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_reason_renders(result: Result, lang: str) -> None:
    locale = Locale(lang)
    for suggestions in result.values():
        for s in suggestions:
            for reason in s.reasons:
                text = reason_text(reason, locale)
                assert text and "{" not in text and "}" not in text


def test_reasons_show_both_spellings(result: Result) -> None:
    tom = result["jana-k8s"][0]
    english = [reason_text(r, Locale("en")) for r in tom.reasons]
    german = [reason_text(r, Locale("de")) for r in tom.reasons]
    assert english[0] == "offers Kubernetes (expert) — you seek 'kubernetes basics'"
    assert english[1] == "seeks 'project management' — you offer Projektmanagement"
    assert german[0].startswith("bietet Kubernetes (") and "„kubernetes basics“" in german[0]
    assert "speaks DE, EN, as you do" in english
    assert "in Hamburg, you in Berlin; both open to remote" in english
    assert "plans 2 h/week, as you do" in english


def test_reasons_name_the_skill_when_neither_spelling_does(result: Result) -> None:
    english = [reason_text(r, Locale("en")) for r in result["via-golang"][0].reasons]
    assert english[:2] == [
        "offers kube (advanced) — you seek 'k8s'; both count as Kubernetes",
        "seeks 'Go lang' — you offer golang; both count as Go",
    ]
    assert "can start now, you on 1 Mar 2027" in english
    back = [reason_text(r, Locale("de")) for r in result["via-kube"][0].reasons]
    assert "kann ab 01.03.2027 starten, du sofort" in back


def test_every_reason_code_is_exercised(result: Result) -> None:
    """Here or on the labelled ads of what people wrote (tests/test_qualifiers.py)."""
    english = yaml.safe_load((LOCALES / "en" / "match.yml").read_text("utf-8"))
    results = (result, labelled_result())
    codes = {r.code for one in results for lists in one.values() for s in lists for r in s.reasons}
    assert codes == {key.removeprefix("reason.") for key in english}


def test_reasons_compare_commitment(result: Result) -> None:
    rita = result["alex-excel"][1]
    english = [reason_text(r, Locale("en")) for r in rita.reasons]
    assert "plans 6 h/week, you 2 h/week" in english
    assert "plans 30 weeks, you 12" in english
    far = result["fit-seeker"][1]
    english = [reason_text(r, Locale("en")) for r in far.reasons]
    assert "can start on 1 Jun 2027, you on 1 Feb 2027" in english
    assert "prefers Working Out Loud circle, you Tandem (2 people)" in english


def test_skill_pairs_for_the_renderer(result: Result) -> None:
    tom = result["jana-k8s"][0]
    assert tom.they_teach == (
        SkillPair(
            "kubernetes basics", "Kubernetes", "kubernetes", "Kubernetes", "expert", 100, "basic"
        ),
    )
    assert tom.i_teach == (
        SkillPair(
            "project management",
            "Projektmanagement",
            "project-management",
            "Project management",
            "expert",
            100,
        ),
    )
    mira = result["ole-pyhton"][0]
    assert mira.they_teach[0].seek == "Pyhton" and mira.they_teach[0].similarity < 100


def test_json_matches_the_contract(result: Result) -> None:
    data = json.loads(json.dumps(suggestions_json(result)))
    assert list(data) == list(result)
    for ident, items in data.items():
        assert isinstance(items, list)
        for item in items:
            assert set(item) == {"partner", "score", "mutual", "reasons"}
            assert isinstance(item["partner"], str) and item["partner"] != ident
            assert isinstance(item["score"], int) and 0 <= item["score"] <= 100
            assert isinstance(item["mutual"], bool)
            assert item["reasons"] and all(isinstance(r, str) and r for r in item["reasons"])


def test_locale_tables_agree() -> None:
    english = yaml.safe_load((LOCALES / "en" / "match.yml").read_text("utf-8"))
    german = yaml.safe_load((LOCALES / "de" / "match.yml").read_text("utf-8"))
    assert set(english) == set(german)
    assert all(key.startswith("reason.") for key in english)


@pytest.mark.parametrize(
    ("a", "b"), [("Köln", "koeln"), ("KÖLN ", "Köln"), ("São Paulo", "Sao Paulo")]
)
def test_places_compare_folded(a: str, b: str) -> None:
    assert Places().key_of(a) == Places().key_of(b)
