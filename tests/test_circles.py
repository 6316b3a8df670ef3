"""Suggested circles on a labelled set of ads: tests/data/circles/{ads,skills.yml}.

Each ad file says in its first comment what it is there for.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.data.load import load_file
from generator.data.model import Ad, ad_from_data
from generator.data.validate import check_document
from generator.matching.circles import Circle, suggest_circles
from generator.matching.present import circles_json, reason_text
from generator.matching.skills import Taxonomy, load_taxonomy
from generator.pipeline import build
from generator.site.i18n import Locale

DATA = Path(__file__).parent / "data" / "circles"
LOCALES = Path(__file__).resolve().parents[1] / "generator" / "locales"
TODAY = dt.date(2027, 3, 1)

# Four people who want a WOL circle on one goal, written four ways in two languages.
SPEAKERS = ["jonas-praesentieren", "lena-speaking", "mehmet-publikum", "priya-presenting"]
TEACHER = "clara-teacher"
DATA_CIRCLE = ["kim-data", "ole-daten", "sara-analytics"]
NO_CIRCLE = {
    "tim-tandem-only": "wants only a tandem",
    "ada-later": "starts nine months later",
    "hugo-heavy": "8 h/week for 40 weeks against 1 h/week for 12",
    "amelie-french": "no common language",
    "max-onsite": "only on site in another city",
    "rosa-pr": "Public relations is not public speaking",
    "lernos-only-ida": "only lernOS, the others only WOL",
}

Result = dict[str, list[Circle]]


@pytest.fixture(scope="module")
def ads() -> list[Ad]:
    loaded = []
    for path in sorted((DATA / "ads").glob("*.yml")):
        doc = load_file(path, display=f"ads/{path.name}")
        assert check_document(doc, "ad") == []
        loaded.append(ad_from_data(path.stem, doc.path, doc.data))
    return loaded


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(DATA)


@pytest.fixture(scope="module")
def result(ads: list[Ad], taxonomy: Taxonomy) -> Result:
    return suggest_circles(ads, [], today=TODAY, taxonomy=taxonomy)


def members_of_first(result: Result, ident: str) -> set[str]:
    return set(result[ident][0].members) | {ident}


@pytest.mark.parametrize("ident", SPEAKERS)
def test_four_spellings_form_one_circle(result: Result, ident: str) -> None:
    first = result[ident][0]
    assert members_of_first(result, ident) == {*SPEAKERS, TEACHER}
    assert first.theme == "Public speaking"
    assert ident not in first.members


def test_circles_formed_count(result: Result) -> None:
    """12 of 12 suggestions between the four (each to each of the three others)."""
    formed = sum(
        other in result[ident][0].members
        for ident in SPEAKERS
        for other in SPEAKERS
        if other != ident
    )
    assert formed == 12


def test_the_teacher_sees_the_circle_too(result: Result) -> None:
    assert members_of_first(result, TEACHER) == {*SPEAKERS, TEACHER}
    english = [reason_text(r, Locale("en")) for r in result[TEACHER][0].reasons]
    assert english[0] == "4 others seek Public speaking, which you offer"


def test_teaching_in_the_circle_is_a_reason(result: Result) -> None:
    english = [reason_text(r, Locale("en")) for r in result["lena-speaking"][0].reasons]
    assert english[0] == "3 others seek Public speaking, as you do"
    assert "Clara Brandt offers Rhetorik (expert)" in english
    assert "all open to Working Out Loud circle" in english
    assert "all speak DE" in english
    spelled = next(e for e in english if e.startswith("written as "))
    for spelling in ("Präsentieren", "Public speaking", "Vor Publikum sprechen", "presentation"):
        assert spelling in spelled


def test_a_circle_of_three_without_a_teacher(result: Result) -> None:
    for ident in DATA_CIRCLE:
        assert members_of_first(result, ident) == set(DATA_CIRCLE)
    circle = result["kim-data"][0]
    assert circle.theme == "Data analysis"
    english = [reason_text(r, Locale("en")) for r in circle.reasons]
    german = [reason_text(r, Locale("de")) for r in circle.reasons]
    assert "no one offers it yet: you learn it together, as circles do" in english
    assert "caution: a circle runs 13 weeks; fewer planned by Sara Lind" in english
    assert "Vorsicht: ein Lernkreis läuft 13 Wochen; weniger geplant von Sara Lind" in german
    assert "die anderen planen 1,5–2 Std./Woche, du 2" in german


def test_a_full_circle_outscores_a_small_one(result: Result) -> None:
    assert result["lena-speaking"][0].score > result["kim-data"][0].score


@pytest.mark.parametrize("ident", sorted(NO_CIRCLE))
def test_who_is_never_in_the_speaking_circle(result: Result, ident: str) -> None:
    for speaker in SPEAKERS:
        assert all(ident not in c.members for c in result[speaker]), NO_CIRCLE[ident]


def test_ads_not_open_to_circles_get_no_entry(result: Result) -> None:
    assert "tim-tandem-only" not in result
    assert result["ada-later"] == [] and result["rosa-pr"] == []


def test_order_of_input_does_not_matter(ads: list[Ad], taxonomy: Taxonomy, result: Result) -> None:
    assert suggest_circles(list(reversed(ads)), [], today=TODAY, taxonomy=taxonomy) == result


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_reason_renders(result: Result, lang: str) -> None:
    for circles in result.values():
        for circle in circles:
            for reason in circle.reasons:
                text = reason_text(reason, Locale(lang))
                assert text and "{" not in text


def test_plan_locale_tables_agree() -> None:
    english = yaml.safe_load((LOCALES / "en" / "plan.yml").read_text("utf-8"))
    german = yaml.safe_load((LOCALES / "de" / "plan.yml").read_text("utf-8"))
    assert set(english) == set(german)


def test_json_matches_the_contract(result: Result) -> None:
    data = json.loads(json.dumps(circles_json(result)))
    assert list(data) == list(result)
    for ident, items in data.items():
        for item in items:
            assert set(item) == {"members", "theme", "score", "reasons"}
            assert ident not in item["members"] and 2 <= len(item["members"]) <= 4
            assert isinstance(item["score"], int) and 0 <= item["score"] <= 100
            assert item["reasons"] and all(isinstance(r, str) and r for r in item["reasons"])


def test_command_prints_json_for_one_ad() -> None:
    run = CliRunner().invoke(
        main,
        ["circles", "lena-speaking", "--root", str(DATA), "--today", "2027-03-01", "--format=json"],
    )
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    assert set(data) == {"lena-speaking"}
    assert set(data["lena-speaking"][0]["members"]) == {*SPEAKERS, TEACHER} - {"lena-speaking"}


@pytest.mark.parametrize(
    ("lang", "title"), [("en", "A circle for you"), ("de", "Ein Lernkreis für dich")]
)
def test_the_ad_page_shows_the_circle(lang: str, title: str) -> None:
    pages = {p.src_uri: p.body for p in build(DATA, TODAY, language=lang).pages}
    lena = pages["ads/lena-speaking.md"]
    assert title in lena
    for other in [*SPEAKERS, TEACHER]:
        assert (f'ads/{other}/"' in lena) == (other != "lena-speaking"), other
    assert title not in pages["ads/tim-tandem-only.md"]


def test_circle_members_on_the_ad_page_stay_text(tmp_path: Path) -> None:
    root = tmp_path / "market"
    shutil.copytree(DATA, root)
    jonas = root / "ads" / "jonas-praesentieren.yml"
    text = jonas.read_text("utf-8").replace(
        "name: Jonas Keller", 'name: "<img src=x onerror=alert(1)>"'
    )
    jonas.write_text(text, "utf-8")
    lena = next(p.body for p in build(root, TODAY).pages if p.src_uri == "ads/lena-speaking.md")
    assert "<img" not in lena
    assert "&lt;img src=x onerror=alert(1)&gt;</a>" in lena


def test_command_refuses_an_unknown_ad() -> None:
    run = CliRunner().invoke(
        main, ["circles", "nobody", "--root", str(DATA), "--today", TODAY.isoformat()]
    )
    assert run.exit_code == 2
    assert "no ad 'nobody'" in run.output
