"""Search entries for the generated pages, written by Tandem instead of parsed from HTML.

Material's search plugin cuts every rendered page into sections by re-parsing its HTML; for
10,000 ads that is a third of the build, and it indexes what every ad page shares (headings,
stock lines, button texts) as often as there are ads. Tandem knows what each page is about,
so each generated page gets one entry of what is its own: an ad its person, place, skills and
words; a skill its names and every spelling people use; a partnership its people and plans.

The entries keep Material's format (`location`, `title`, `text` as HTML, `tags`, `boost`), so
its search worker reads them as it reads its own. Two things are Tandem's:

- `tags` hold canonical skill names in the site's language. Material weighs a tag a thousand
  times a title word, so a skill word finds the people who offer or seek it first, then
  everything else.
- `spellings` (on skill entries) list every way the skill is written: the taxonomy's names
  and aliases and what people wrote that resolves to it. The worker
  (theme/assets/javascripts/lunr/min/lunr.multi.min.js) reads them to search for the skill
  whatever spelling is typed, and theme/assets/javascripts/search.js to offer the closest
  skill when a search finds nothing.

Titles, texts and tags are HTML: Material shows them as markup, so every value is escaped
here; so are spellings, which are never shown (the scripts that read them unescape them).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.data.model import Ad, Partnership
from generator.site.i18n import Locale

SKILL_BOOST = 3.0
"""Above the people who offer or seek the skill: its page lists them all."""
FREE_TEXT_CHARACTERS = 160
"""How much of a free text (an ad's about, a closing story) the index keeps: its start says
what it is about; the page has the rest. Every character is paid by every visitor (the whole
index loads with the first search) and by the browser's memory, times the number of ads."""

_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_`#>|~]+|<[^>]*>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SearchEntry:
    """One document of the search index, in the form Material's worker reads."""

    location: str
    title: str
    text: str = ""
    tags: tuple[str, ...] = ()
    spellings: tuple[str, ...] = ()
    boost: float = 1.0

    def as_json(self) -> dict[str, Any]:
        """The entry as the index holds it; `title` and `text` are HTML already."""
        entry: dict[str, Any] = {"location": self.location, "title": self.title, "text": self.text}
        if self.tags:
            entry["tags"] = [html.escape(tag, quote=False) for tag in self.tags]
        if self.spellings:
            entry["spellings"] = [html.escape(s, quote=False) for s in self.spellings]
        if self.boost != 1.0:
            entry["boost"] = self.boost
        return entry


def location_of(src_uri: str) -> str:
    """`ads/jana.md` -> `ads/jana/`, `ads/index.md` -> `ads/`, `index.md` -> `` (the URL)."""
    path = src_uri.removesuffix(".md")
    if path == "index":
        return ""
    return path.removesuffix("/index") + "/"


def plain(text: str | None, *, limit: int | None = None) -> str:
    """Contributor Markdown as escaped text on one line, cut at a word after `limit`."""
    words = _SPACE.sub(" ", _MARKUP.sub(r"\1", text or "")).strip()
    if limit is not None and len(words) > limit:
        words = words[:limit].rsplit(" ", 1)[0] + " …"
    return html.escape(words, quote=False)


def paragraphs(*parts: str) -> str:
    """The non-empty parts, each a paragraph (already escaped)."""
    return "".join(f"<p>{part}</p>" for part in parts if part)


def joined(values: Iterable[str | None], sep: str = " · ") -> str:
    return sep.join(html.escape(v, quote=False) for v in values if v)


def ad_entry(location: str, ad: Ad, *, name_of: Callable[[str], str]) -> SearchEntry:
    """The person: where they are, their skills as tags (what they offer first, each once
    however often spelled), their learning goals and the start of their own words. No
    heading, stock line or button of the page."""
    written = [*(o.skill for o in ad.offers), *(s.skill for s in ad.seeks)]
    tags = dict.fromkeys(map(name_of, written))
    return SearchEntry(
        location,
        html.escape(ad.name, quote=False),
        paragraphs(
            joined((ad.location, ad.team)),
            joined(dict.fromkeys(s.goal for s in ad.seeks if s.goal)),
            plain(ad.about, limit=FREE_TEXT_CHARACTERS),
        ),
        tags=tuple(tags),
    )


def skill_entry(
    location: str, name: str, *, aliases: Iterable[str], spellings: Iterable[str]
) -> SearchEntry:
    """A skill: its name, the spellings the taxonomy lists (shown), and every spelling known
    (for the worker, not shown)."""
    shown = [a for a in dict.fromkeys(aliases) if a.casefold() != name.casefold()]
    return SearchEntry(
        location,
        html.escape(name, quote=False),
        paragraphs(joined(shown, ", ")),
        tags=(name,),
        spellings=tuple(unique_spellings([name, *shown, *spellings])),
        boost=SKILL_BOOST,
    )


def unique_spellings(texts: Iterable[str]) -> list[str]:
    """Each spelling once, ignoring case and spacing; the first as written wins."""
    seen: dict[str, str] = {}
    for text in texts:
        folded = _SPACE.sub(" ", text.casefold()).strip()
        if folded:
            seen.setdefault(folded, _SPACE.sub(" ", text).strip())
    return list(seen.values())


def partnership_entry(location: str, p: Partnership, *, names: Mapping[str, str]) -> SearchEntry:
    """The people, their goals and packages, and the start of the closing story."""
    story = p.closing.story if p.closing else None
    return SearchEntry(
        location,
        html.escape(p.title, quote=False),
        paragraphs(
            joined(names.get(partner, partner) for partner in p.partners),
            joined(g.goal for g in p.goals),
            joined(pk.title for pk in p.packages),
            plain(story, limit=FREE_TEXT_CHARACTERS),
        ),
    )


def listing_entry(location: str, title: str, lead: str, items: Iterable[str] = ()) -> SearchEntry:
    """A page that lists others: its title, what it is for, and the names of what it lists."""
    return SearchEntry(
        location,
        html.escape(title, quote=False),
        paragraphs(html.escape(lead, quote=False), joined(items)),
    )


def entries_text(entries: Iterable[SearchEntry]) -> str:
    """The entries as JSON text, as the index's `docs` holds them (without its brackets). Made
    while the build's second process still builds pages, so that what is left to do once it
    is done is joining texts (`merged_search_index`), not encoding 10,000 entries."""
    return _compact([entry.as_json() for entry in entries])[1:-1]


def merged_search_index(index_json: str, entries: str, locale: Locale) -> str:
    """Material's index of the hand-written pages with Tandem's entries (`entries_text`)
    added, and the words that theme/assets/javascripts/search.js shows beside a search that
    found nothing: the text `json.dumps` gives for the whole, joined from its parts."""
    index = json.loads(index_json)
    theirs = _compact(index.get("docs", []))[1:-1]
    docs = "[" + ",".join(text for text in (theirs, entries) if text) + "]"
    index["docs"] = None  # where the joined text goes: in its place, or last but for ours
    index["tandem"] = {"did_you_mean": locale.t("search.did_you_mean")}
    members = (
        f"{_compact(key)}:{docs if key == 'docs' else _compact(value)}"
        for key, value in index.items()
    )
    return "{" + ",".join(members) + "}"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
