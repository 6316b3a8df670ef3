"""Following a skill (Atom) and a partnership (iCalendar): real builds, real parsers.

Every feed of the built sample is read by feedparser and every calendar by icalendar, and
both are checked against the data; the raw calendar bytes are checked against RFC 5545's
line rules, which a lenient parser would forgive.
"""

from __future__ import annotations

import copy
import datetime as dt
import posixpath
import shutil
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import icalendar
import pytest
import yaml
from conftest import SAMPLE, TODAY, copy_site, mkdocs_build

from generator.gathered import Gathered
from generator.pipeline import build, gather
from generator.site.ics import LINE_OCTETS, fold, ics_text

ATOM = "{http://www.w3.org/2005/Atom}"
ATOM_ELEMENTS = ("feed", "title", "id", "link", "updated", "author", "name", "entry")
ATOM_ELEMENTS += ("category", "summary")


@pytest.fixture(scope="module")
def data() -> Gathered:
    return gather(SAMPLE, dt.date.fromisoformat(TODAY))


def feeds(site: Path) -> list[Path]:
    return sorted((site / "skills").glob("*/feed.xml"))


def calendars(site: Path) -> list[Path]:
    return sorted((site / "partnerships").glob("*/calendar.ics"))


# --- Atom: one feed per skill ------------------------------------------------------------------


def expected_entries(data: Gathered) -> dict[str, set[tuple[str, str]]]:
    """(ad id, "offers" | "seeks") for every open ad, by skill key: straight from the data."""
    today = dt.date.fromisoformat(TODAY)
    found: dict[str, set[tuple[str, str]]] = {}
    for ad in data.ads:
        if not ad.is_open(today):
            continue
        for offer in ad.offers:
            found.setdefault(data.taxonomy.key_of(offer.skill), set()).add((ad.id, "offers"))
        for seek in ad.seeks:
            found.setdefault(data.taxonomy.key_of(seek.skill), set()).add((ad.id, "seeks"))
    return found


def test_every_skill_page_has_a_feed(sample_site: Path) -> None:
    pages = {p.parent.name for p in (sample_site / "skills").glob("*/index.html")}
    assert pages and {f.parent.name for f in feeds(sample_site)} == pages


def test_feeds_are_valid_atom_with_one_entry_per_open_ad(sample_site: Path, data: Gathered) -> None:
    expected = expected_entries(data)
    names = {ad.id: ad.name for ad in data.ads}
    for path in feeds(sample_site):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        key = path.parent.name
        got = {tuple(e.id.split(":")[3:5]) for e in parsed.entries}
        assert got == expected.get(key, set()), key
        assert len(parsed.entries) == len(got), f"{key}: an ad twice"
        for entry in parsed.entries:
            ad_id, direction, _ = entry.id.removeprefix("urn:tandem:ad:").split(":")
            assert entry.author == names[ad_id]
            assert entry.title.startswith(f"{names[ad_id]} {direction} ")
            ad_page = posixpath.normpath(posixpath.join(f"skills/{key}", entry.link))
            assert ad_page == f"ads/{ad_id}" and (sample_site / ad_page / "index.html").is_file()


def test_feed_entries_are_newest_first_and_dated_by_posting(
    sample_site: Path, data: Gathered
) -> None:
    posted = {ad.id: ad.posted for ad in data.ads}
    parsed = feedparser.parse((sample_site / "skills" / "kubernetes" / "feed.xml").read_bytes())
    days = [dt.date(*e.updated_parsed[:3]) for e in parsed.entries]
    assert len(days) > 2 and days == sorted(days, reverse=True)
    for entry, day in zip(parsed.entries, days, strict=True):
        assert posted[entry.id.split(":")[3]] == day
    assert dt.date(*parsed.feed.updated_parsed[:3]) == days[0]


def test_feed_titles_name_person_skill_and_level(sample_site: Path, data: Gathered) -> None:
    jana = next(ad for ad in data.ads if ad.id == "jana-schulz")
    offer = next(o for o in jana.offers if data.taxonomy.key_of(o.skill) == "kubernetes")
    parsed = feedparser.parse((sample_site / "skills" / "kubernetes" / "feed.xml").read_bytes())
    titles = {e.id: e.title for e in parsed.entries}
    expected = f"Jana Schulz offers Kubernetes ({offer.level})"  # the English words are the codes
    assert titles["urn:tandem:ad:jana-schulz:offers:kubernetes"] == expected


def test_feed_is_german_on_a_german_build(data: Gathered) -> None:
    site = build(SAMPLE, dt.date.fromisoformat(TODAY), language="de")
    feed = ElementTree.fromstring(site.files["skills/kubernetes/feed.xml"])
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert "Jana Schulz bietet Kubernetes (fortgeschritten)" in titles
    assert any(t and t.endswith(" sucht Kubernetes") for t in titles)
    assert "neue Angebote und Gesuche" in (feed.findtext(f"{ATOM}title") or "")


def test_with_a_site_url_feeds_and_calendars_link_absolutely() -> None:
    url = "https://tandem.example.com/"
    site = build(SAMPLE, dt.date.fromisoformat(TODAY), site_url=url)
    parsed = feedparser.parse(site.files["skills/kubernetes/feed.xml"])
    assert not parsed.bozo
    assert parsed.feed.id == f"{url}skills/kubernetes/"
    assert all(e.link.startswith(f"{url}ads/") and e.id.startswith(url) for e in parsed.entries)
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {
        "alternate": f"{url}skills/kubernetes/",
        "self": f"{url}skills/kubernetes/feed.xml",
    }
    cal = icalendar.Calendar.from_ical(site.files["partnerships/excel-meets-python/calendar.ics"])
    urls = {str(e["URL"]) for e in cal.walk("VEVENT")}
    assert urls == {f"{url}partnerships/excel-meets-python/"}


# --- iCalendar: one calendar per partnership ---------------------------------------------------


def raw_lines(path: Path) -> list[bytes]:
    raw = path.read_bytes()
    assert raw.endswith(b"\r\n"), path
    lines = raw[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines), f"{path}: bare LF/CR"
    return lines


def test_calendars_keep_rfc_5545_line_rules(sample_site: Path) -> None:
    for path in calendars(sample_site):
        lines = raw_lines(path)
        assert all(len(line) <= LINE_OCTETS for line in lines), path
        assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
        for line in lines:
            line.decode("utf-8")  # each physical line is whole UTF-8: no character cut


def parsed_calendar(path: Path) -> icalendar.Calendar:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    errors = [(c.name, e) for c in cal.walk() for e in c.errors]
    assert errors == [], f"{path}: {errors}"
    return cal


def test_calendars_parse_with_the_required_properties(sample_site: Path, data: Gathered) -> None:
    paths = calendars(sample_site)
    assert {p.parent.name for p in paths} == {p.id for p in data.partnerships}
    for path in paths:
        cal = parsed_calendar(path)
        assert str(cal["VERSION"]) == "2.0" and "Tandem" in str(cal["PRODID"])
        events = cal.walk("VEVENT")
        assert events, path  # RFC 5545 wants at least one component
        for event in events:
            assert event["DTSTAMP"].dt == dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
            start, end = event["DTSTART"].dt, event["DTEND"].dt
            assert type(start) is dt.date and event["DTSTART"].params["VALUE"] == "DATE"
            assert end == start + dt.timedelta(days=1)
        uids = [str(e["UID"]) for e in events]
        assert len(uids) == len(set(uids)), path


def test_calendar_events_are_the_partnerships_dates(sample_site: Path, data: Gathered) -> None:
    for p in data.partnerships:
        cal = parsed_calendar(sample_site / "partnerships" / p.id / "calendar.ics")
        events = sorted((e["DTSTART"].dt, str(e["SUMMARY"])) for e in cal.walk("VEVENT"))
        expected = [p.started, *(m.due for g in p.goals for m in g.milestones)]
        expected += [pk.due for pk in p.packages]
        expected += [d for d in (p.planned_end, p.closing and p.closing.date) if d]
        assert [day for day, _ in events] == sorted(expected), p.id
        for goal in p.goals:
            for m in goal.milestones:
                assert (m.due, f"Milestone: {m.title} ({ad_name(data, goal.partner)})") in events
        for pk in p.packages:
            assert (pk.due, f"Learning package due: {pk.title}") in events
        if p.planned_end:
            assert (p.planned_end, f"Planned end: {p.title}") in events


def ad_name(data: Gathered, ad_id: str) -> str:
    return next(ad.name for ad in data.ads if ad.id == ad_id)


def uids_by_summary(site_files: dict[str, str], p_id: str) -> dict[str, str]:
    cal = icalendar.Calendar.from_ical(site_files[f"partnerships/{p_id}/calendar.ics"])
    return {str(e["SUMMARY"]): str(e["UID"]) for e in cal.walk("VEVENT")}


def test_uids_survive_rebuilds_and_new_items(tmp_path: Path) -> None:
    """Another day, a milestone and a package put in front: the other events keep their UIDs,
    so a subscribed calendar updates them instead of duplicating them."""
    first = build(SAMPLE, dt.date.fromisoformat(TODAY)).files
    root = tmp_path / "data"
    shutil.copytree(SAMPLE, root)
    log = root / "partnerships" / "excel-meets-python.yml"
    content = yaml.safe_load(log.read_text("utf-8"))
    new = {"title": "A new first milestone", "due": dt.date(2026, 6, 20)}
    content["goals"][0]["milestones"].insert(0, new)
    package = copy.deepcopy(content["packages"][0])  # no shared list: safe_dump would anchor it
    content["packages"].insert(0, {**package, "title": "A new package"})
    log.write_text(yaml.safe_dump(content, allow_unicode=True), "utf-8")
    second = build(root, dt.date.fromisoformat(TODAY) + dt.timedelta(days=3)).files
    before = uids_by_summary(first, "excel-meets-python")
    after = uids_by_summary(second, "excel-meets-python")
    assert len(after) == len(before) + 2
    assert {s: after[s] for s in before} == before
    assert before == uids_by_summary(build(SAMPLE, dt.date(2027, 1, 1)).files, "excel-meets-python")


# --- fold and escape, on their own ------------------------------------------------------------


@pytest.mark.parametrize("text", ["a" * 200, "ü" * 100, "🦊" * 40, "x" + "€" * 60, ""])
def test_fold_keeps_75_octets_and_whole_characters(text: str) -> None:
    lines = fold(text).split("\r\n")
    assert all(len(line.encode()) <= LINE_OCTETS for line in lines)
    assert all(line.startswith(" ") for line in lines[1:])
    assert "".join(line[1:] if i else line for i, line in enumerate(lines)) == text


def test_text_escaping_leaves_no_line_end() -> None:
    escaped = ics_text("a,b;c\\d\r\ne\rf\ng\u2028h\x85i\x00j\x1bk\tl")
    assert escaped == "a\\,b\\;c\\\\d\\ne\\nf\\ng\\nh\\ni" + "jk\tl"


# --- hostile text ------------------------------------------------------------------------------

NAME = "</title><script>alert('X1')</script> Zoë, \"the\"; \\ & <b>"
TITLE = "Evil\r\nBEGIN:VEVENT\r\nUID:pwned\r\nSUMMARY:pwned\r\nEND:VEVENT"
MILESTONE = "a,b;c\\d\nEND:VCALENDAR\nBEGIN:VCALENDAR " + "Überlänge 🦊 " * 8
NOTE = "]]><script>alert('X3')</script>"
GOAL = "<![CDATA[ & ]]> &amp; \n {skill}"
# U+2028, U+2029 and U+0085 never get this far (the loader refuses them, escaped or not);
# ics_text's own test above covers them. Here: every line end YAML lets through.
PACKAGE = "x\nBEGIN:VEVENT\r\nSUMMARY:pwned\rEND:VEVENT]]></title><script>"


def q(text: str) -> str:
    """A YAML double-quoted string; every character that is not plain ASCII as `\\U` escape
    (JSON's surrogate pairs would reach YAML as two lone surrogates)."""
    plain = (c if " " <= c <= "~" and c not in '"\\' else f"\\U{ord(c):08x}" for c in text)
    return '"' + "".join(plain) + '"'


HOSTILE_AD = f"""\
name: {q(NAME)}
owner: mallory
location: {q("<script>alert('X2')</script>")}
languages: [en]
offers: [{{skill: Python, level: expert, note: {q(NOTE)}}}]
seeks: [{{skill: Kubernetes, goal: {q(GOAL)}}}]
commitment: {{hours_per_week: 2, weeks: 10}}
posted: 2026-11-01
expires: 2027-05-01
status: open
contact: mallory@example.com
"""
PARTNER = """\
name: Bob
owner: bob
location: Berlin
languages: [en]
offers: [{skill: Kubernetes, level: expert}]
seeks: [{skill: Python}]
commitment: {hours_per_week: 2, weeks: 10}
posted: 2026-11-02
expires: 2027-05-01
status: open
contact: bob@example.com
"""
LOG = f"""\
title: {q(TITLE)}
format: tandem
partners: [mallory, bob]
phase: learning
started: 2026-10-01
planned_end: 2027-01-15
goals:
  - partner: mallory
    goal: {q(TITLE)}
    milestones: [{{title: {q(MILESTONE)}, due: 2026-11-01}}]
packages:
  - {{title: {q(PACKAGE)}, teacher: bob, learners: [mallory], due: 2026-12-01, status: planned}}
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_site(tmp_path_factory.mktemp("follow"), data=False)
    (root / "ads" / "mallory.yml").write_text(HOSTILE_AD, "utf-8")
    (root / "ads" / "bob.yml").write_text(PARTNER, "utf-8")
    (root / "partnerships" / "mallory-bob.yml").write_text(LOG, "utf-8")
    out = root / "site"
    result = mkdocs_build(root, out)
    assert result.returncode == 0, result.stderr
    return out


def test_hostile_names_stay_text_in_the_feed(hostile_site: Path) -> None:
    path = hostile_site / "skills" / "python" / "feed.xml"
    assert not feedparser.parse(path.read_bytes()).bozo
    feed = ElementTree.parse(path).getroot()
    assert {el.tag for el in feed.iter()} <= {f"{ATOM}{tag}" for tag in ATOM_ELEMENTS}
    entries = {e.findtext(f"{ATOM}id"): e for e in feed.iter(f"{ATOM}entry")}
    entry = entries["urn:tandem:ad:mallory:offers:python"]
    assert entry.findtext(f"{ATOM}title") == f"{NAME} offers Python (expert)"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == NAME
    assert (entry.findtext(f"{ATOM}summary") or "").startswith(NOTE)


def test_hostile_titles_stay_text_in_the_calendar(hostile_site: Path) -> None:
    path = hostile_site / "partnerships" / "mallory-bob" / "calendar.ics"
    lines = raw_lines(path)
    assert all(len(line) <= LINE_OCTETS for line in lines)
    assert lines.count(b"BEGIN:VEVENT") == 4 and lines.count(b"BEGIN:VCALENDAR") == 1
    cal = parsed_calendar(path)
    title = TITLE.replace("\r\n", "\n")  # every line end becomes the one TEXT knows
    package = PACKAGE
    for end in ("\r\n", "\r"):
        package = package.replace(end, "\n")
    escaped = b"Evil\\nBEGIN:VEVENT\\nUID:pwned\\nSUMMARY:pwned\\nEND:VEVENT"
    assert b"NAME:" + escaped in lines and b"X-WR-CALNAME:" + escaped in lines  # no TEXT type
    assert sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT")) == [
        f"Learning package due: {package}",
        f"Milestone: {MILESTONE} ({NAME})",
        f"Planned end: {title}",
        f"Start: {title}",
    ]
    assert "pwned" not in {str(e["UID"]) for e in cal.walk("VEVENT")}


# --- links from the pages ----------------------------------------------------------------------


class Links(HTMLParser):
    """`<a>` and `<link>` elements with their attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("a", "link"):
            self.found.append((tag, {k: v or "" for k, v in attrs}))


def links_of(page: Path, media_type: str) -> Iterator[tuple[str, dict[str, str]]]:
    parser = Links()
    parser.feed(page.read_text("utf-8"))
    return ((tag, a) for tag, a in parser.found if a.get("type") == media_type)


@pytest.mark.parametrize(
    ("page", "media_type", "target", "head"),
    [
        ("skills/kubernetes", "application/atom+xml", "skills/kubernetes/feed.xml", True),
        (
            "partnerships/excel-meets-python",
            "text/calendar",
            "partnerships/excel-meets-python/calendar.ics",
            False,  # only feeds: Material takes other alternates for another language
        ),
    ],
)
def test_pages_link_to_their_feed_and_calendar(
    sample_site: Path, page: str, media_type: str, target: str, head: bool
) -> None:
    html_page = sample_site / page / "index.html"
    found = {
        (tag, attrs.get("rel", ""), posixpath.normpath(posixpath.join(page, attrs["href"])))
        for tag, attrs in links_of(html_page, media_type)
    }
    expected = {("a", "", target)} | ({("link", "alternate feed", target)} if head else set())
    assert expected == {link for link in found if link[2] == target}, found
    assert (sample_site / target).is_file()


@pytest.mark.parametrize(("lang", "text"), [("en", "Add to calendar"), ("de", "Zum Kalender")])
def test_the_calendar_link_speaks_the_sites_language(lang: str, text: str) -> None:
    site = build(SAMPLE, dt.date.fromisoformat(TODAY), language=lang)
    page = next(p for p in site.pages if p.src_uri == "partnerships/excel-meets-python.md")
    assert f'calendar.ics" type="text/calendar">{text}' in page.body


def test_two_spellings_of_one_skill_make_one_entry(site_root: Callable[..., Path]) -> None:
    ad = PARTNER.replace(
        "offers: [{skill: Kubernetes, level: expert}]",
        "offers: [{skill: k8s, level: basic}, {skill: Kubernetes, level: expert}]",
    )
    root = site_root({"ads/bob.yml": ad})
    site = build(root, dt.date.fromisoformat(TODAY))
    parsed = feedparser.parse(site.files["skills/kubernetes/feed.xml"])
    assert [(e.id, e.title) for e in parsed.entries] == [
        ("urn:tandem:ad:bob:offers:kubernetes", "Bob offers Kubernetes (basic)")
    ]
