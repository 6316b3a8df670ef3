"""Hostile text through every field kind ends inert in a real `mkdocs build`."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import mkdocs_build

PAYLOADS = [
    '<script>alert("X1")</script>',
    '"><img src=x onerror=alert("X2")>',
    "</title><script>alert('X3')</script>",
    '<iframe src="https://evil.example/X4"></iframe>',
    "<svg onload=alert('X5')>",
    "{{ 7*191 }}X6 {% raw %}",
    '--8<-- "README.md"',
    "[click X7](javascript:alert(1))",
    "[data X8](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"javascript:alert('X9')\">X9</a>",
    "![X10](https://tracker.example/pixel.png)",
    '<div style="background:url(https://evil.example/X11)" onclick="alert(\'X11\')">X11</div>',
]
PLAIN = " ".join(PAYLOADS[:7])
MARKDOWN = "\n\n".join(PAYLOADS)


def q(text: str) -> str:
    return json.dumps(text)  # JSON strings are YAML strings


SHORT = PAYLOADS[:7]  # each fits the shortest plain field (80 characters)
OFFERS = "\n".join(f"  - {{skill: {q('Python ' + p)}, level: expert, note: {q(p)}}}" for p in SHORT)
SEEKS = "\n".join(f"  - {{skill: {q('Kubernetes ' + p)}, goal: {q(p)}}}" for p in SHORT)
AD = f"""\
name: {q(PAYLOADS[2])}
owner: mallory
team: {q(PAYLOADS[1])}
location: {q(PAYLOADS[0])}
languages: [de, en]
offers:
{OFFERS}
seeks:
{SEEKS}
commitment: {{hours_per_week: 2, weeks: 10}}
posted: 2026-11-01
expires: 2027-05-01
status: open
contact: {q("javascript:alert('X12')")}
about: {q(MARKDOWN)}
"""
PARTNER = """\
name: Bob
owner: bob
location: Berlin
languages: [de]
offers: [{skill: Kubernetes, level: expert}]
seeks: [{skill: Python}]
commitment: {hours_per_week: 2, weeks: 10}
posted: 2026-11-01
expires: 2027-05-01
status: open
contact: bob@example.com
"""
LOG = f"""\
title: {q(PAYLOADS[2])}
format: tandem
partners: [mallory, bob]
phase: closed
started: 2026-09-01
planned_end: 2026-11-01
goals:
  - partner: mallory
    goal: {q(PLAIN)}
    milestones: [{{title: {q(PLAIN)}, due: 2026-10-01, done: true}}]
packages:
  - {{title: {q(PLAIN)}, teacher: bob, learners: [mallory], due: 2026-10-01, status: done}}
journal:
  - {{date: 2026-10-02, author: mallory, text: {q(MARKDOWN)}, reflection: {q(MARKDOWN)}}}
closing:
  date: 2026-11-01
  goals_reached: true
  story: {q(MARKDOWN)}
  lessons: [{q(PLAIN)}]
"""


class LiveMarkup(HTMLParser):
    """Collects every place where contributor markup would be live."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = " ".join(f"{k}={v}" for k, v in attrs)
        if tag in ("iframe", "object", "embed", "img") or (tag == "svg" and "onload" in values):
            self.live.append(f"<{tag} {values}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") and "x" in value:
                self.live.append(f"{tag} {name}={value}")
            if name in ("href", "src", "action") and value.startswith(("javascript:", "data:")):
                self.live.append(f"{tag} {name}={value}")
            if name == "style" and "url(" in value:
                self.live.append(f"{tag} style={value}")
        self.in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and "alert(" in data:
            self.live.append(f"<script>{data[:60]}")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import copy_site

    root = copy_site(tmp_path_factory.mktemp("xss"), data=False)
    (root / "ads" / "mallory.yml").write_text(AD, "utf-8")
    (root / "ads" / "bob.yml").write_text(PARTNER, "utf-8")
    (root / "partnerships" / "mallory-bob.yml").write_text(LOG, "utf-8")
    out = root / "site"
    result = mkdocs_build(root, out)
    assert result.returncode == 0, result.stderr
    return out


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.parts)


def test_payloads_reach_the_pages_as_text(hostile_site: Path) -> None:
    ad = (hostile_site / "ads" / "mallory" / "index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(" in ad  # shown, escaped: the test is not vacuous
    story = (hostile_site / "partnerships" / "mallory-bob" / "index.html").read_text("utf-8")
    assert "X7" in story and "X9" in story


def test_no_contributor_markup_is_live_anywhere(hostile_site: Path) -> None:
    for page in pages(hostile_site):
        parser = LiveMarkup()
        parser.feed(page.read_text("utf-8"))
        assert parser.live == [], page


def test_titles_cannot_break_out(hostile_site: Path) -> None:
    html = (hostile_site / "ads" / "mallory" / "index.html").read_text("utf-8")
    head = html[: html.index("</head>")]
    assert head.count("<title>") == 1 and "<script>alert" not in head


def test_template_and_snippet_syntax_stay_literal(hostile_site: Path) -> None:
    html = (hostile_site / "ads" / "mallory" / "index.html").read_text("utf-8")
    assert "{{ 7*191 }}X6" in html and "1337X6" not in html
    assert "--8&lt;--" in html or '--8<-- "README.md"' in html
    assert "Run the sample site" not in html  # README.md was not pulled in


def test_contact_with_a_script_url_is_no_link(hostile_site: Path) -> None:
    html = (hostile_site / "ads" / "mallory" / "index.html").read_text("utf-8")
    assert 'href="javascript:' not in html.lower()


def test_search_index_and_feed_stay_inert(hostile_site: Path) -> None:
    index = (hostile_site / "search" / "search_index.json").read_text("utf-8")
    for raw in ("<script>alert", "<img src=x", "<iframe", "<svg onload"):
        assert raw not in index, raw
    feed = (hostile_site / "stories" / "feed.xml").read_text("utf-8")
    assert "<script" not in feed
    contents = re.findall(r'<content type="html">(.*?)</content>', feed, re.DOTALL)
    assert contents
    for content in contents:  # sanitised HTML, escaped once for XML
        story = html.unescape(content)
        parser = LiveMarkup()
        parser.feed(story)
        assert parser.live == [] and "<script" not in story


def test_marketplace_data_stays_inert(hostile_site: Path) -> None:
    """ads/index.json carries contributor text as data; tandem.js shows it with textContent.
    Even so no markup character is left raw in it, wherever the file may land."""
    raw = (hostile_site / "ads" / "index.json").read_text("utf-8")
    for char in "<>&":
        assert char not in raw, char
    rows = {row[0]: row for row in json.loads(raw)["ads"]}
    assert rows["mallory"][1] == PAYLOADS[2]  # the text itself survives, as data
