"""One language per build: on a German site the guides and the navigation are German.

`docs/de/<page>.md` stands in for `docs/<page>.md` on a German build, at the same address;
pages without a German version stay English and say so with `lang="en"`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, mkdocs_build

GERMAN_DOCS = REPO / "docs" / "de"


def built(root: Path, out: Path, *, language: str) -> Path:
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("\n  language: en", f"\n  language: {language}", 1), "utf-8")
    result = mkdocs_build(root, out)
    assert result.returncode == 0, result.stderr
    return out


def tabs(page: Path) -> list[str]:
    html = page.read_text("utf-8")
    return [t.strip() for t in re.findall(r'class="md-tabs__link[^"]*">\s*([^<]+)<', html)]


def heading(page: Path) -> str:
    match = re.search(r"<h1[^>]*>(.*?)<", page.read_text("utf-8"), flags=re.DOTALL)
    assert match, f"{page} has no h1"
    return match[1].strip()


def test_every_german_page_translates_an_english_one() -> None:
    german = sorted(p.relative_to(GERMAN_DOCS) for p in GERMAN_DOCS.rglob("*.md"))
    assert german, "docs/de/ holds no page"
    assert [p for p in german if not (REPO / "docs" / p).is_file()] == []


def test_german_build_has_german_guides_and_tabs(
    site_root: Callable[..., Path], tmp_path: Path
) -> None:
    out = built(site_root(), tmp_path / "out", language="de")
    assert "Anleitungen" in tabs(out / "index.html")
    assert "Guides" not in tabs(out / "index.html")
    for source in GERMAN_DOCS.glob("*.md"):
        page = out / source.stem / "index.html"
        first_line = source.read_text("utf-8").splitlines()[0]
        assert heading(page) == first_line.removeprefix("# "), page
        assert '<html lang="de"' in page.read_text("utf-8")
    assert not (out / "de").exists(), "the German sources are published as pages of their own"


def test_pages_without_a_german_version_say_they_are_english(
    site_root: Callable[..., Path], tmp_path: Path
) -> None:
    root = site_root()
    out = built(root, tmp_path / "out", language="de")
    english_only = [
        p.stem for p in (root / "docs").glob("*.md") if not (GERMAN_DOCS / p.name).is_file()
    ]
    for name in english_only:
        assert '<div lang="en">' in (out / name / "index.html").read_text("utf-8"), name
    for name in (p.stem for p in GERMAN_DOCS.glob("*.md")):
        assert '<div lang="en">' not in (out / name / "index.html").read_text("utf-8"), name


def test_english_build_keeps_the_english_guides(
    site_root: Callable[..., Path], tmp_path: Path
) -> None:
    out = built(site_root(), tmp_path / "out", language="en")
    assert "Guides" in tabs(out / "index.html")
    for source in GERMAN_DOCS.glob("*.md"):
        english = (REPO / "docs" / source.name).read_text("utf-8").splitlines()[0]
        page = out / source.stem / "index.html"
        assert heading(page) == english.removeprefix("# ")
        assert '<div lang="en">' not in page.read_text("utf-8")
    assert not (out / "de").exists()


def test_a_german_page_that_translates_nothing_fails_the_build(
    site_root: Callable[..., Path], tmp_path: Path
) -> None:
    root = site_root({"docs/de/wirte-an-ad.md": "# Vertippt\n"})
    result = mkdocs_build(root, tmp_path / "out")
    assert result.returncode != 0
    assert "docs/de/wirte-an-ad.md translates no page" in result.stderr
    assert "docs/wirte-an-ad.md does not exist" in result.stderr


def outline(text: str) -> tuple[int, list[str]]:
    """How many section headings a page has, and its code blocks, verbatim."""
    headings = len(re.findall(r"^#{2,4} ", text, flags=re.MULTILINE))
    return headings, re.findall(r"^ *```.*?^ *```", text, flags=re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("name", sorted(p.name for p in GERMAN_DOCS.glob("*.md")))
def test_a_german_page_keeps_step_with_its_english_one(name: str) -> None:
    """Same sections, same examples: a section or example added in English only shows here."""
    english = outline((REPO / "docs" / name).read_text("utf-8"))
    german = outline((GERMAN_DOCS / name).read_text("utf-8"))
    assert german[0] == english[0], f"docs/de/{name}: {german[0]} sections, English {english[0]}"
    assert german[1] == english[1], f"docs/de/{name}: the examples differ from docs/{name}"
