"""Contributor Markdown never stalls the site: the costliest text is refused, the costliest
accepted text builds. Whole logs at the file-size cap go through a real `mkdocs build`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import SAMPLE, mkdocs_build

from generator.data.load import MAX_BYTES
from generator.data.markdown_cost import (
    MAX_LINES,
    MAX_NESTING,
    SCAN_ALLOWANCE,
    SCAN_PER_CHARACTER,
    markdown_hazard,
)
from generator.site.render import ContributorMarkdown

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "write-an-ad.md"
LONGEST = 5_000  # the schema's maxLength of journal texts and reflections
PARTNERS = ("jana-schulz", "lukas-weber")


def filled(unit: str, length: int = LONGEST) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def stray_brackets() -> str:
    """As many '[' that never close as the budget allows, each scanning the whole text."""
    count = (SCAN_PER_CHARACTER * LONGEST + SCAN_ALLOWANCE) // LONGEST
    return "[" * count + filled("lorem ipsum ", LONGEST - count)


def short_lines() -> str:
    """As many '-' lines as allowed (setext headings and rules: quadratic in lines)."""
    lines = "-\n" * (MAX_LINES - 1)
    return lines + filled("lorem ipsum ", LONGEST - len(lines))


def log_at_the_cap(texts: list[str]) -> str:
    """A partnership log of journal entries cycling through `texts`, just under the cap."""
    head = (
        f"title: Hostile journal\nformat: tandem\npartners: [{', '.join(PARTNERS)}]\n"
        "phase: learning\nstarted: 2026-10-01\nplanned_end: 2027-01-31\n"
        f"goals:\n  - {{partner: {PARTNERS[0]}, goal: Learn.}}\n"
        f"packages:\n  - {{title: SQL, teacher: {PARTNERS[1]}, learners: [{PARTNERS[0]}], "
        "due: 2026-12-01, status: planned}\njournal:\n"
    )
    entries: list[str] = []
    while True:
        text = texts[len(entries) % len(texts)]
        entry = (
            f"  - date: 2026-11-02\n    author: {PARTNERS[0]}\n"
            f"    text: {json.dumps(text)}\n    reflection: {json.dumps(text)}\n"
        )
        if len((head + "".join(entries) + entry).encode()) > MAX_BYTES:
            return head + "".join(entries)
        entries.append(entry)


def site_with_log(make: Callable[..., Path], log: str) -> Path:
    ads = {f"ads/{ad}.yml": (SAMPLE / "ads" / f"{ad}.yml").read_bytes() for ad in PARTNERS}
    return make({**ads, "partnerships/hostile.yml": log})


def test_a_log_at_the_cap_of_the_costliest_accepted_markdown_builds(
    site_root: Callable[..., Path], tmp_path: Path
) -> None:
    texts = [stray_brackets(), short_lines()]
    assert [markdown_hazard(text) for text in texts] == [None, None]
    log = log_at_the_cap(texts)
    assert len(log.encode()) > MAX_BYTES - 2 * LONGEST
    result = mkdocs_build(site_with_log(site_root, log), tmp_path / "out")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "partnerships" / "hostile" / "index.html").read_text("utf-8")
    assert page.count("[[lorem ipsum") == log.count('"[[lorem ipsum') > 20


def test_a_log_at_the_cap_of_the_costliest_markdown_is_refused(
    site_root: Callable[..., Path], tmp_path: Path
) -> None:
    log = log_at_the_cap([filled("["), filled("<a "), filled("`["), filled("1. ")])
    result = mkdocs_build(site_with_log(site_root, log), tmp_path / "out")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert (
        "partnerships/hostile.yml:14:11: error: journal[1].text: line 1, column 1 of the text: "
        "too many brackets or tags left open" in result.stderr
    )
    assert result.stderr.count(": error: journal[") == 2 * log.count("  - date:")


def test_markdown_too_costly_to_render_is_shown_as_escaped_text() -> None:
    render = ContributorMarkdown()
    hostile = "<script>alert(1)</script> [x](javascript:alert(1))\n\n" + filled("[")
    assert markdown_hazard(hostile)
    assert str(render(hostile)) == (
        f"<p>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))</p><p>{filled('[')}</p>"
    )
    assert str(render("[a](https://example.com) *b*")).startswith(
        '<p><a href="https://example.com" rel="noopener noreferrer nofollow">a</a> <em>b</em>'
    )


def test_the_guide_states_the_limits() -> None:
    guide = " ".join(GUIDE.read_text("utf-8").split())
    assert f"more than {MAX_LINES} lines" in guide
    assert f"nested more than {MAX_NESTING} levels on one line" in guide
