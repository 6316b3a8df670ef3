"""Time that decides: labelled ads in tests/data/time, each saying in its first comment why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.data.load import load_file
from generator.data.model import ad_from_data
from generator.data.validate import check_document
from generator.matching.match import CAP_MUTUAL, Suggestion, suggest_partners
from generator.matching.present import reason_text
from generator.matching.skills import load_taxonomy
from generator.site.i18n import Locale

DATA = Path(__file__).parent / "data" / "time"
TODAY = dt.date(2027, 3, 1)


@pytest.fixture(scope="module")
def result() -> dict[str, list[Suggestion]]:
    ads = []
    for path in sorted((DATA / "ads").glob("*.yml")):
        doc = load_file(path, display=f"ads/{path.name}")
        assert check_document(doc, "ad") == []
        ads.append(ad_from_data(path.stem, doc.path, doc.data))
    return suggest_partners(ads, [], today=TODAY, taxonomy=load_taxonomy(DATA))


def texts(suggestion: Suggestion, lang: str) -> list[str]:
    return [reason_text(r, Locale(lang)) for r in suggestion.reasons]


def test_four_hours_in_all_lose_to_a_steady_partner(result: dict[str, list[Suggestion]]) -> None:
    """Quentin covers both of Nina's goals, Sophie one; Sophie plans Nina's 6 h for 26 weeks."""
    steady, quick = result["nina-ml"][:2]
    assert (steady.partner, quick.partner) == ("steady-sophie", "quick-quentin")
    assert quick.mutual and quick.score <= CAP_MUTUAL < steady.score


def test_a_large_time_gap_is_a_caution_in_both_languages(
    result: dict[str, list[Suggestion]],
) -> None:
    quick = result["nina-ml"][1]
    assert texts(quick, "en")[3:5] == [
        "caution: plans 4 hours in all, you 156",
        "caution: plans 1 h/week, you 6",
    ]
    assert texts(quick, "de")[3:5] == [
        "Vorsicht: plant insgesamt 4 Stunden, du 156",
        "Vorsicht: plant 1 Std./Woche, du 6",
    ]
    assert not any("caution" in text for text in texts(result["nina-ml"][0], "en"))


def test_a_start_nine_months_away_ranks_below_one_now(result: dict[str, list[Suggestion]]) -> None:
    """Lars offers statistics at a higher level than Nora, but starts 275 days later."""
    now, later = result["paul-pm"][:2]
    assert (now.partner, later.partner) == ("now-nora", "later-lars")
    assert later.mutual and later.score <= CAP_MUTUAL < now.score
    assert "caution: your start dates lie 275 days apart" in texts(later, "en")
    assert "Vorsicht: eure Starttermine liegen 275 Tage auseinander" in texts(later, "de")
