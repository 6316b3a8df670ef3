"""Places: one city written two ways is one place (tests/data/places, English and German).

Every labelled ad beside this module is on site only (`remote: false`), so the place alone
decides whether two people can meet; each says in its first comment what it is there for.
Each pair in SAME_PLACE is the other's first suggestion with the place list and no
suggestion at all without it; the TRAPS are never suggested to each other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE

from generator.cli import main
from generator.data.load import load_file
from generator.data.model import Ad, Seek, ad_from_data
from generator.data.validate import check_document
from generator.matching.circles import suggest_circles
from generator.matching.match import Suggestion, suggest_partners
from generator.matching.places import NO_PLACES, Places, folded_forms, read_places
from generator.matching.present import reason_text
from generator.matching.skills import Taxonomy, TaxonomyError, load_taxonomy
from generator.pipeline import build
from generator.site.i18n import Locale

DATA = Path(__file__).parent / "data" / "places"
TODAY = dt.date(2027, 3, 1)

SAME_PLACE = [  # (ad, its partner at the same place, written another way)
    ("katharina-wien", "james-vienna"),  # Wien / Vienna
    ("sebastian-muenchen", "priya-munich"),  # Muenchen / Munich, Germany
    ("lukas-koeln", "emma-koln"),  # Köln / Koln
    ("nina-zuerich", "tom-zurich"),  # Zürich / Zurich (Oerlikon)
    ("mia-frankfurt", "felix-ffm"),  # Frankfurt am Main / Frankfurt
]
TRAPS = [  # on site in two places that look alike: never suggested to each other
    ("jonas-frankfurt-oder", "mia-frankfurt"),
    ("jonas-frankfurt-oder", "felix-ffm"),
    ("ursula-bern", "pierre-berlin"),
]

Result = dict[str, list[Suggestion]]


def load_ads(folder: Path) -> list[Ad]:
    ads = []
    for path in sorted((folder / "ads").glob("*.yml")):
        doc = load_file(path, display=f"ads/{path.name}")
        assert check_document(doc, "ad") == []
        ads.append(ad_from_data(path.stem, doc.path, doc.data))
    return ads


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(DATA)


def suggested(taxonomy: Taxonomy) -> Result:
    return suggest_partners(load_ads(DATA), [], today=TODAY, taxonomy=taxonomy)


def partners(result: Result, ident: str) -> list[str]:
    return [s.partner for s in result[ident]]


# --- matching -------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), SAME_PLACE)
def test_one_place_written_two_ways_meets_on_site(taxonomy: Taxonomy, a: str, b: str) -> None:
    result = suggested(taxonomy)
    assert partners(result, a)[:1] == [b]
    assert partners(result, b)[:1] == [a]
    without = suggested(dataclasses.replace(taxonomy, places=NO_PLACES))
    assert b not in partners(without, a) and a not in partners(without, b)


@pytest.mark.parametrize(("a", "b"), TRAPS)
def test_places_that_look_alike_stay_apart(taxonomy: Taxonomy, a: str, b: str) -> None:
    result = suggested(taxonomy)
    assert b not in partners(result, a) and a not in partners(result, b)


def test_the_reason_names_the_place_in_each_language(taxonomy: Taxonomy) -> None:
    found = suggested(taxonomy)["katharina-wien"][0]
    english = [reason_text(r, Locale("en")) for r in found.reasons]
    german = [reason_text(r, Locale("de")) for r in found.reasons]
    assert "also in Vienna" in english
    assert "ebenfalls in Wien" in german
    cologne = suggested(taxonomy)["lukas-koeln"][0]
    assert "also in Cologne" in [reason_text(r, Locale("en")) for r in cologne.reasons]


def test_a_circle_on_site_is_one_place(taxonomy: Taxonomy) -> None:
    """Three people on site in Vienna who want a WOL circle on public speaking, writing their
    place `Wien`, `Vienna` and `Wien, Österreich`."""
    james = next(ad for ad in load_ads(DATA) if ad.id == "james-vienna")
    ads = [
        dataclasses.replace(
            james,
            id=f"speaker-{n}",
            owner=f"speaker{n}",
            location=where,
            formats=("wol-circle",),
            seeks=(Seek("Präsentieren" if n else "Public speaking"),),
        )
        for n, where in enumerate(["Wien", "Vienna", "Wien, Österreich"])
    ]
    circles = suggest_circles(ads, [], today=TODAY, taxonomy=taxonomy)
    assert [c.members for c in circles["speaker-0"]] == [("speaker-1", "speaker-2")]
    german = [reason_text(r, Locale("de")) for r in circles["speaker-0"][0].reasons]
    assert "alle in Wien" in german
    alone = suggest_circles(
        ads, [], today=TODAY, taxonomy=dataclasses.replace(taxonomy, places=NO_PLACES)
    )
    assert alone["speaker-0"] == []


# --- resolving --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Wien", "vienna"),
        ("VIENNA", "vienna"),
        ("Wien, Österreich", "vienna"),
        ("München", "munich"),
        ("Muenchen", "munich"),
        ("Munchen", "munich"),
        ("München (Campus Nord)", "munich"),
        ("Zuerich", "zurich"),
        ("Frankfurt", "frankfurt-am-main"),
        ("Frankfurt (Oder)", "frankfurt-oder"),
        ("Frankfurt an der Oder", "frankfurt-oder"),
        ("Berne", "bern"),
        ("Oslo", "oslo"),  # not listed: folded as written
        ("Tromsø", "tromso"),
        ("Remote", ""),
        ("Home-Office", ""),
    ],
)
def test_key_of(taxonomy: Taxonomy, written: str, key: str) -> None:
    assert taxonomy.places.key_of(written) == key


def test_display_in_each_language(taxonomy: Taxonomy) -> None:
    places = taxonomy.places
    assert [places.display("Vienna", lang) for lang in ("en", "de")] == ["Vienna", "Wien"]
    assert [places.display("Koln", lang) for lang in ("en", "de")] == ["Cologne", "Köln"]
    assert places.display(" Oslo ", "de") == "Oslo"


def test_umlauts_fold_both_ways() -> None:
    assert folded_forms("Köln") == ("koeln", "koln")
    assert folded_forms("Berlin") == ("berlin",)


# --- the list file ----------------------------------------------------------------------------


def test_a_missing_list_is_no_places(tmp_path: Path) -> None:
    assert read_places(tmp_path) == (Places(), [])
    assert load_taxonomy(tmp_path).places == NO_PLACES


def write(root: Path, text: str) -> Path:
    (root / "places.yml").write_text(text, "utf-8")
    return root


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ("places:\n  - name: [unclosed\n", 3, 1, "not valid YAML"),
        ("places: Wien\n", 1, 9, "write `places:` as a list"),
        ("places:\n  - name: Wien\n    country: AT\n", 2, 5, "each place needs `name`"),
        ("places:\n  - de: Wien\n", 2, 5, "each place needs `name`"),
        ("places:\n  - name: Vienna\n    aliases: Wien\n", 2, 5, "each place needs `name`"),
        (
            "places:\n  - name: Vienna\n    de: Wien\n  - name: Wien\n",
            4,
            5,
            "'Wien' of 'Wien' reads the same as a spelling of 'Vienna'; keep it in one entry",
        ),
        (
            "places:\n  - name: Cologne\n    de: Köln\n  - name: Koln\n",
            4,
            5,
            "'Koln' of 'Koln' reads the same as a spelling of 'Cologne'",
        ),
        (
            "places:\n  - name: Berlin\n    aliases: [Home office]\n",
            2,
            5,
            "'Home office' means no place in particular",
        ),
    ],
)
def test_bad_lists_name_the_place(
    tmp_path: Path, text: str, line: int, col: int, message: str
) -> None:
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy(write(tmp_path, text))
    problem = caught.value.problems[0]
    assert (problem.path, problem.line, problem.col) == ("places.yml", line, col), problem
    assert message in problem.message


def test_a_linked_list_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.yml").write_text("places: []\n", "utf-8")
    (tmp_path / "places.yml").symlink_to(tmp_path / "elsewhere.yml")
    _, problems = read_places(tmp_path)
    assert [str(p) for p in problems] == [
        "places.yml:1:1: error: not a regular file (a link?); commit the file itself"
    ]


# --- tandem validate ------------------------------------------------------------------------

NEAR_MISSES = {  # location written -> the warning's suggestion (English and German data)
    "Viennna": "'Vienna'",
    "Müchen": "'München'",
    "Zuerch": "'Zürich'",
    "Frankfurt am Mein": "'Frankfurt am Main'",
}
FINE = ["Remote", "Home-Office", "anywhere", "Oslo", "Tromsø", "Wien", "Koln", "Bern", "Linz"]


def tree_with_locations(tmp_path: Path, locations: list[str]) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(DATA, root)
    template = (DATA / "ads" / "james-vienna.yml").read_text("utf-8")
    for n, location in enumerate(locations):
        text = template.replace("location: Vienna", f"location: {location}")
        text = text.replace("owner: jcarter", f"owner: person{n}")
        (root / "ads" / f"person-{n}.yml").write_text(text, "utf-8")
    return root


def validate(root: Path, *args: str) -> tuple[int, str]:
    run = CliRunner().invoke(
        main, ["validate", "--root", str(root), "--today", "2027-03-01", *args]
    )
    return run.exit_code, run.stdout


def test_validate_asks_did_you_mean(tmp_path: Path) -> None:
    root = tree_with_locations(tmp_path, [*NEAR_MISSES, *FINE])
    code, out = validate(root)
    assert code == 0, out
    lines = out.splitlines()
    assert len(lines) == len(NEAR_MISSES), out
    for n, (written, meant) in enumerate(NEAR_MISSES.items()):
        assert (
            f"ads/person-{n}.yml:5:11: warning: location '{written}' is not in places.yml but "
            f"close to {meant}; did you mean {meant}?"
        ) in lines


def test_the_warning_in_json_and_github_formats(tmp_path: Path) -> None:
    root = tree_with_locations(tmp_path, ["Müchen"])
    code, out = validate(root, "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {
            "path": "ads/person-0.yml",
            "line": 5,
            "col": 11,
            "severity": "warning",
            "message": "location 'Müchen' is not in places.yml but close to 'München'; "
            "did you mean 'München'?",
        }
    ]
    code, out = validate(root, "--format", "github")
    assert code == 0
    assert out.startswith("::warning file=ads/person-0.yml,line=5,col=11,title=tandem warning::")


def test_validate_reports_a_broken_list(tmp_path: Path) -> None:
    root = tree_with_locations(tmp_path, [])
    write(root, "places:\n  - name: Vienna\n    de: Wien\n  - name: Wien\n")
    code, out = validate(root)
    assert code == 1
    assert out.startswith("places.yml:4:5: error: 'Wien' of 'Wien' reads the same")


# --- the site ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "ad", "shown"),
    [
        ("en", "katharina-wien", "Vienna"),
        ("de", "james-vienna", "Wien"),
        ("de", "emma-koln", "Köln"),
    ],
)
def test_the_ad_page_shows_the_place_in_the_sites_language(
    tmp_path: Path, language: str, ad: str, shown: str
) -> None:
    root = shutil.copytree(DATA, tmp_path / "repo")
    (root / "partnerships").mkdir()
    site = build(root, TODAY, language=language)
    body = next(p.body for p in site.pages if p.src_uri == f"ads/{ad}.md")
    assert f'<p class="tandem-meta">{shown} · ' in body


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Halle (Saale)", "halle-saale"),
        ("Halle (Westf.)", "halle-westf"),  # another town: not read as Halle (Saale)
        ("Frankfurt (Oder)", "frankfurt-oder"),
        ("Wien, Österreich", "vienna"),
        ("Munchen", "munich"),
    ],
)
def test_the_sample_list_keeps_towns_of_one_name_apart(written: str, key: str) -> None:
    assert load_taxonomy(SAMPLE).places.key_of(written) == key
