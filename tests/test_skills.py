"""Skill normalisation and resolution through the taxonomy, measured on a labelled set.

The taxonomy here is the suite's frozen copy (tests/data/sample/skills.yml), so a curator's
edit of the live skills.yml cannot change these outcomes; tests/test_live.py measures the live
file against the same labelled set and floors.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLE

from generator.data.load import load_file
from generator.matching.skills import (
    Skill,
    Taxonomy,
    TaxonomyError,
    load_taxonomy,
    normalise,
    skill_warnings,
    slug,
    typo_distance,
)

DATA = Path(__file__).resolve().parent / "data"
PAIRS = DATA / "skill_pairs.yml"
MATCH_DATA = DATA / "match"

PRECISION_FLOOR = 0.99
RECALL_FLOOR = 0.97

TRAPS = [
    ("Java", "JavaScript"),
    ("Java basics", "JavaScript"),
    ("Java 17", "JavaScript"),
    ("Go", "Google Ads"),
    ("golang", "Google Ads"),
    ("Go", "Godot"),
    ("SQL", "NoSQL"),
    ("SQL advanced", "NoSQL"),
    ("NoSQL", "MySQL"),
    ("C", "C++"),
    ("C", "C#"),
    ("C++", "C#"),
    ("C for beginners", "C++"),
    ("C ++", "C"),
    ("C#", "F#"),
    ("R", "Rust"),
    ("R Grundlagen", "Rust"),
    ("Scala", "Scalability"),
    ("Excel", "Excellence"),
    ("Typography", "Topography"),
    ("ISO 27001", "ISO 9001"),
    ("Mediation", "Meditation"),
    ("Führung", "Buchführung"),
    ("Statistik", "Statik"),
]


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(SAMPLE)


def _labelled() -> list[tuple[str, str, bool]]:
    data = yaml.safe_load(PAIRS.read_text("utf-8"))
    return [(str(p["a"]), str(p["b"]), bool(p["same"])) for p in data["pairs"]]


@dataclass(frozen=True)
class Quality:
    """How a taxonomy does on the labelled pairs, with the pairs it gets wrong."""

    precision: float
    recall: float
    false_pos: list[tuple[str, str]]
    false_neg: list[tuple[str, str]]


def labelled_quality(taxonomy: Taxonomy) -> Quality:
    resolver = taxonomy.resolver
    same = [
        (a, b, label, resolver.resolve(a).key == resolver.resolve(b).key)
        for a, b, label in _labelled()
    ]
    true_pos = sum(label and found for *_, label, found in same)
    false_pos = [(a, b) for a, b, label, found in same if found and not label]
    false_neg = [(a, b) for a, b, label, found in same if label and not found]
    return Quality(
        precision=true_pos / (true_pos + len(false_pos)),
        recall=true_pos / (true_pos + len(false_neg)),
        false_pos=false_pos,
        false_neg=false_neg,
    )


# --- normalising ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kubernetes", "kubernetes"),
        ("  KUBERNETES\t", "kubernetes"),
        ("kubernetes basics", "kubernetes"),
        ("UX-Design", "ux design"),
        ("ci/cd", "ci cd"),
        ("data_science", "data science"),
        ("Python 3", "python"),
        ("Python 3.12", "python"),
        ("HTML5", "html"),
        ("C++20", "c++"),
        ("C# 12", "c#"),
        ("C ++", "c++"),
        ("#python", "python"),
        ("C", "c"),
        ("ISO 27001", "iso 27001"),
        ("ISO/IEC 27001:2022", "iso iec 27001"),
        ("M365", "m365"),
        ("Python for beginners", "python"),
        ("Advanced Excel", "excel"),
        ("Excel für Fortgeschrittene", "excel"),
        ("Grundlagen der Buchhaltung", "buchhaltung"),
        ("Einführung in SQL", "sql"),
        ("Excel tips and tricks", "excel"),
        ("Leadership für neue Führungskräfte", "leadership"),
        ("Spanisch B1", "spanisch"),
        ("Straße", "strasse"),
        ("ﬁgma", "figma"),  # NFKC folds the ligature
        ("Basics", "basics"),  # a filler alone is kept: never an empty skill
        ("D&I", "d and i"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("Kubernetes", "kubernetes"),
        ("C++", "c-plus-plus"),
        ("C#", "c-sharp"),
        ("C", "c"),
        ("Führung", "fuehrung"),
        ("Künstliche Intelligenz", "kuenstliche-intelligenz"),
        ("CI/CD", "ci-cd"),
        (".NET", "net"),
        ("D&I", "d-and-i"),
    ],
)
def test_slug(key: str, expected: str) -> None:
    assert slug(key) == expected


def test_slug_of_text_without_latin_letters_is_stable() -> None:
    assert slug("日本語") == slug("日本語")
    assert slug("日本語").startswith("skill-")
    assert slug("日本語") != slug("中文")


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("kuberentes", "kubernetes", 1),
        ("exel", "excel", 1),
        ("excell", "excel", 1),
        ("typography", "topography", 2),
        ("java", "javascript", 6),
        ("", "go", 2),
    ],
)
def test_typo_distance(a: str, b: str, distance: int) -> None:
    assert typo_distance(a, b) == distance == typo_distance(b, a)


def test_typo_distance_within_a_limit_is_the_distance_capped() -> None:
    """The banded search the fuzzy match uses gives the full distance up to the limit and
    `limit + 1` beyond, for swaps, doubled and lost letters and texts of any lengths."""
    rng = random.Random(13)
    texts = ["kubernetes", "kuberentes", "excel", "exel", "abab", "baba", "", "a", "ab", "ba"]
    for _ in range(3000):
        word = "".join(rng.choice("abcd") for _ in range(rng.randint(0, 9)))
        slipped = list(word)
        for _ in range(rng.randint(0, 3)):
            at = rng.randint(0, max(len(slipped) - 1, 0))
            kind = rng.choice(("swap", "drop", "double", "replace"))
            if kind == "swap" and at + 1 < len(slipped):
                slipped[at], slipped[at + 1] = slipped[at + 1], slipped[at]
            elif kind == "drop" and slipped:
                del slipped[at]
            elif kind == "double" and slipped:
                slipped.insert(at, slipped[at])
            elif kind == "replace" and slipped:
                slipped[at] = rng.choice("abcd")
        texts.append(word)
        texts.append("".join(slipped))
    pairs = list(zip(texts[::2], texts[1::2], strict=True)) + [
        (a, b) for a in texts[:10] for b in texts[:10]
    ]
    capped: Counter[bool] = Counter()
    for a, b in pairs:
        full = typo_distance(a, b)
        for limit in range(4):
            assert typo_distance(a, b, limit=limit) == min(full, limit + 1), (a, b, limit)
            capped[full > limit] += 1
    assert capped[True] > 1000 and capped[False] > 1000


# --- the labelled set -----------------------------------------------------------------------


def test_precision_and_recall_on_labelled_pairs(taxonomy: Taxonomy) -> None:
    assert len(_labelled()) >= 200
    quality = labelled_quality(taxonomy)
    assert quality.precision >= PRECISION_FLOOR, quality.false_pos
    assert quality.recall >= RECALL_FLOOR, quality.false_neg


@pytest.mark.parametrize(("a", "b"), TRAPS)
def test_traps_are_different_skills(taxonomy: Taxonomy, a: str, b: str) -> None:
    assert taxonomy.key_of(a) != taxonomy.key_of(b)


def test_labelled_traps_are_all_kept_apart(taxonomy: Taxonomy) -> None:
    text = PAIRS.read_text("utf-8")
    traps = [line for line in text.splitlines() if "same: false" in line and "# trap" in line]
    assert len(traps) >= 10
    for a, b, label in _labelled():
        if not label and any(f"a: {a}," in line for line in traps):
            assert taxonomy.key_of(a) != taxonomy.key_of(b), (a, b)


def _section(title: str) -> list[tuple[str, str, bool]]:
    """The labelled pairs under one `# --- <title> ---` heading of skill_pairs.yml."""
    text = PAIRS.read_text("utf-8").split(f"# --- {title}", 1)[1].split("\n  # --- ", 1)[0]
    data = yaml.safe_load("pairs:\n" + text.split("\n", 1)[1])
    return [(str(p["a"]), str(p["b"]), bool(p["same"])) for p in data["pairs"]]


@pytest.mark.parametrize(
    "title", ["Misspellings more than one typo away", "German compounds (listed in skills.yml"]
)
def test_listed_misspellings_and_compounds_name_their_source(
    taxonomy: Taxonomy, title: str
) -> None:
    """Each is an alias of its own (no typo rule reaches it), and skills.yml says where the
    evidence for it is, in a comment above the entry."""
    comments = [
        line.strip()
        for line in (SAMPLE / "skills.yml").read_text("utf-8").splitlines()
        if line.strip().startswith("#")
    ]
    pairs = _section(title)
    assert len(pairs) >= 15
    for a, b, same in pairs:
        assert (taxonomy.key_of(a) == taxonomy.key_of(b)) == same, (a, b)
        found = taxonomy.resolver.resolve(a)
        if (
            same
            and found.closeness == "exact"
            and normalise(a) not in {normalise(t) for t in taxonomy.by_key[found.key].terms[:2]}
        ):
            assert found.term is not None
            assert any(found.term in c and ":" in c for c in comments), found.term


# --- resolution -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "closeness"),
    [
        ("Kubernetes", "kubernetes", "exact"),
        ("k8s", "kubernetes", "exact"),
        ("kubernetes basics", "kubernetes", "exact"),
        ("Projektmanagement", "project-management", "exact"),
        ("Java Script", "javascript", "spelling"),
        ("Kuberentes", "kubernetes", "fuzzy"),
        ("Jaav", "java", "fuzzy"),
        ("Projekt managment", "project-management", "fuzzy"),
        ("Origami", "origami", "unknown"),
        ("CRM (Salesforce)", "crm", "exact"),
        ("NoSQL (MongoDB)", "nosql", "exact"),
        ("Container-Orchestrierung (k8s)", "kubernetes", "exact"),
        ("Origami (Tsuru)", "origami-tsuru", "unknown"),
    ],
)
def test_resolve(taxonomy: Taxonomy, text: str, key: str, closeness: str) -> None:
    found = taxonomy.resolver.resolve(text)
    assert (found.key, found.closeness) == (key, closeness)
    assert 0 <= found.similarity <= 100
    assert (found.similarity == 100) == (closeness in ("exact", "unknown"))


def test_resolve_all_answers_every_text_once(taxonomy: Taxonomy) -> None:
    texts = ["Python", "python ", "Pyhton", "Origami", "origami", "Python"]
    found = taxonomy.resolver.resolve_all(texts)
    assert list(found) == ["Python", "python ", "Pyhton", "Origami", "origami"]
    assert {found[t].key for t in ("Python", "python ", "Pyhton")} == {"python"}
    assert found["Origami"].key == found["origami"].key == "origami"


def test_two_skills_equally_close_match_neither() -> None:
    taxonomy = Taxonomy((Skill("abcde", "abcde", "abcde"), Skill("abcdf", "abcdf", "abcdf")))
    assert taxonomy.resolver.resolve("abcd").closeness == "unknown"


def test_display(taxonomy: Taxonomy) -> None:
    skill = taxonomy.by_key["project-management"]
    assert taxonomy.display(skill, "en") == "Project management"
    assert taxonomy.display(skill, "de") == "Projektmanagement"
    assert taxonomy.display_key("kubernetes", "de") == "Kubernetes"
    assert taxonomy.display_key("paper-folding", "de") == "Paper folding"
    taxonomy.resolver.resolve_all(["origami", "Origami ", "ORIGAMI"])
    assert taxonomy.display_key("origami", "de") == "Origami"


# --- the taxonomy file ----------------------------------------------------------------------


def test_taxonomy_spellings_are_unique_after_folding(taxonomy: Taxonomy) -> None:
    owner: dict[str, str] = {}
    for skill in taxonomy.skills:
        for term in skill.terms:
            first = owner.setdefault(normalise(term), skill.key)
            assert first == skill.key, f"'{term}' of {skill.key} folds like a spelling of {first}"
    assert len(taxonomy.by_key) == len(taxonomy.skills), "two names give one key"
    assert len(taxonomy.skills) >= 200


def test_missing_taxonomy_is_empty(tmp_path: Path) -> None:
    taxonomy = load_taxonomy(tmp_path)
    assert taxonomy.skills == ()
    assert taxonomy.key_of("Kubernetes basics") == "kubernetes"


def test_broken_taxonomy_names_the_place(tmp_path: Path) -> None:
    (tmp_path / "skills.yml").write_text("skills:\n  - name: [unclosed\n", "utf-8")
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy(tmp_path)
    assert caught.value.problems[0].path == "skills.yml"
    assert caught.value.problems[0].line >= 2


def test_taxonomy_with_bad_entry_and_clash(tmp_path: Path) -> None:
    (tmp_path / "skills.yml").write_text(
        "skills:\n  - name: Go\n    aliases: [golang]\n  - name: Golang\n  - {aliases: [x]}\n",
        "utf-8",
    )
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy(tmp_path)
    messages = sorted((p.line, p.message) for p in caught.value.problems)
    assert messages[0][0] == 4 and "reads the same as a spelling of 'Go'" in messages[0][1]
    assert messages[1][0] == 5 and "needs `name`" in messages[1][1]


# --- warnings -------------------------------------------------------------------------------


def test_skill_warnings_point_at_near_misses() -> None:
    taxonomy = load_taxonomy(MATCH_DATA)
    docs = {
        p.stem: load_file(p, display=f"ads/{p.name}")
        for p in sorted((MATCH_DATA / "ads").glob("*.yml"))
    }
    warnings = {str(w) for w in skill_warnings(docs, taxonomy)}
    assert (
        "ads/ole-pyhton.yml:11:12: warning: skill 'Pyhton' is close to 'Python' in "
        "skills.yml; did you mean 'Python'?"
    ) in warnings
    assert any("'Buchaltung' is close to 'Buchhaltung'" in w for w in warnings)
    assert not any("kubernetes basics" in w or "UX-Design" in w for w in warnings)
    assert all(": warning: " in w for w in warnings)
