"""Skill names as people write them -> canonical skills of the taxonomy in `skills.yml`.

Resolution runs in tiers, cheapest and surest first, on the unique texts of all ads at once:

1. exact: the normalised text is a name, German name or alias (`k8s`, `Projektmanagement`,
   `kubernetes basics` -> `kubernetes`);
2. spelling: it is one once spaces, umlauts and punctuation are ignored
   (`Java Script`, `Fuehrung`, `Git Hub`);
3. fuzzy: it is one typo away: one letter dropped, added or two neighbours swapped
   (`Kuberentes`, `Exel`, `Jaav`), two typos for texts of twelve letters or more
   (`Projekt managment`). Substituting one letter for another does not count as a typo,
   because that is how different words differ (`Typography`/`Topography`,
   `Mediation`/`Meditation`, `HTML`/`HTMX`). Texts shorter than four letters (`Go`, `C`,
   `R`, `SQL`, `UX`) match only exactly, and a match never starts with a different letter,
   so no skill matches a longer one by prefix (`Java`/`JavaScript`, `Go`/`Google Ads`).
4. unknown: a skill that matches nothing is its own canonical skill, keyed by the slug of its
   normalised text, so two people writing `Origami` still meet.

A qualifier in brackets resolves by the words outside it, else by itself:
`CRM (Salesforce)` is CRM, `NoSQL (MongoDB)` NoSQL, `Origami (Tsuru)` Tsuru if listed. When
both are listed skills, the qualifier is the resolution's `focus`: `Java (Spring Boot)` is
filed under Java, and matching looks for Spring Boot first.

Level words (`advanced`, `für Fortgeschrittene`, `Grundlagen`) come off a skill as filler;
`wanted_level` reads them from a seek or a goal as the level the person wants.

The rules were chosen on `tests/data/skill_pairs.yml`; `tests/test_skills.py` measures
precision and recall on it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal, TypeGuard

from rapidfuzz import process
from rapidfuzz.distance import Indel

from generator.data.ids import RESERVED, slugify
from generator.data.load import Document, JsonPath, LoadError, load_file
from generator.data.problems import Problem, TandemError
from generator.data.validate import Record
from generator.matching.listed import Listed
from generator.matching.places import NO_PLACES, Places, read_places

TAXONOMY_FILE = "skills.yml"
MIN_FUZZY_LENGTH = 4
LONG_TEXT = 12
MAX_EDITS = 2

# Words that say how deep or for whom, not which skill: "Python for beginners" and
# "Grundlagen der Buchhaltung" are Python and Buchhaltung; the ad's level says the rest.
LEADING_FILLERS = (
    "introduction to",
    "introduction into",
    "intro to",
    "basics of",
    "fundamentals of",
    "einführung in die",
    "einführung in den",
    "einführung in das",
    "einführung in",
    "grundlagen der",
    "grundlagen des",
    "grundlagen von",
    "grundlagen in",
    "grundlagen",
    "grundkenntnisse in",
    "grundkenntnisse",
    "advanced",
    "basic",
    "fortgeschrittenes",
)
TRAILING_FILLERS = (
    "basics",
    "fundamentals",
    "grundlagen",
    "grundkenntnisse",
    "kenntnisse",
    "skills",
    "advanced",
    "tips and tricks",
    "tipps und tricks",
    "crash course",
    "crashkurs",
    "refresher",
    "auffrischung",
    "deep dive",
)
_AUDIENCE = (
    r"(?:for|für) (?:absolute |total |new |neue )?(?:beginners?|dummies|newcomers|experts?"
    r"|advanced(?: users| learners)?|managers|leaders|anfänger(?:innen)?|einsteiger(?:innen)?"
    r"|fortgeschrittene|führungskräfte|profis|experten)"
)
# Numbers that name the skill rather than a version: ISO 27001 is not ISO 9001.
STANDARD_PREFIXES = frozenset({"iso", "iec", "din", "en", "ieee", "rfc", "nist", "ecma"})

_LEADING = re.compile(rf"^(?:{'|'.join(map(re.escape, LEADING_FILLERS))}) (?=.)")
_TRAILING = re.compile(
    rf"(?<=.) (?:{'|'.join(map(re.escape, TRAILING_FILLERS))}|{_AUDIENCE}|[abc][12])$"
)
_NUMBER_TOKEN = re.compile(r"(?:^|(?<= ))(\S+) v?\d+$")
_ATTACHED_VERSION = re.compile(r"(?:(?<=[^\W\d_]{3})|(?<=[+#]))\d+$")
_BRACKETS = re.compile(r"\(([^()]*)\)")
# The level a seek or goal asks for, by the words that say so, highest first: "beyond the
# basics" is advanced, though it names the basics. A trailing `*` stands for any ending.
LEVEL_WORDS = (
    (
        "expert",
        "expert experts experten expertin expertinnen expertenwissen profi profis mastery",
        ("expert level",),
    ),
    (
        "advanced",
        "advanced fortgeschritten* vertief* weiterführend* aufbaukurs",
        (
            "in depth",
            "deep dive",
            "next level",
            "beyond the basics",
            "past the basics",
            "über die grundlagen hinaus",
            "mehr als die grundlagen",
        ),
    ),
    (
        "basic",
        "basic basics beginner beginners newcomers dummies fundamentals introduction intro"
        " grundlagen grundkenntnisse anfänger anfängerinnen einsteiger einsteigerinnen"
        " einführung neuling*",
        ("from scratch", "von null"),
    ),
)


def _level_pattern(words: str, phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One level's words, prefixes (`fortgeschritten*`) and phrases as one search of the
    words joined by single spaces, with a space around: a whole word, a word's start, a
    whole phrase (one search in C, not a loop over the words per level)."""
    whole = [re.escape(w) for w in words.split() if not w.endswith("*")]
    starts = [re.escape(w[:-1]) for w in words.split() if w.endswith("*")]
    said = [re.escape(phrase) for phrase in phrases]
    return re.compile(f" (?:(?:{'|'.join(whole + said)})(?= )|{'|'.join(starts) or '(?!)'})")


_LEVEL_PATTERNS = tuple(
    (level, _level_pattern(words, phrases)) for level, words, phrases in LEVEL_WORDS
)
_NOT_WORD = re.compile(r"[\W_]+")
_SEPARATORS = re.compile(r"[^\w+#]+|_|(?<![\w+#])[+#]+")


# --- normalising ----------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def normalise(text: str) -> str:
    """Fold a skill as written into the form the taxonomy is compared in.

    NFKC and case-folding; `&` reads as `and`; punctuation, hyphens, underscores and slashes
    become spaces, except `+` and `#` after a letter (C, C++, C# stay three skills); then
    version numbers (`Python 3.12`, `HTML5`, `C++20`) and the fillers above come off the
    ends, as long as something is left.
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    text = re.sub(r"['’`´]|(?<=\w)\s+(?=[+#]+(?:\s|$))", "", text)  # "C ++" is C++
    text = " ".join(_SEPARATORS.sub(" ", text).split())
    previous = None
    while text != previous:
        previous = text
        text = _strip_version(_TRAILING.sub("", _LEADING.sub("", text)))
    return text


@lru_cache(maxsize=1 << 16)
def wanted_level(text: str) -> str | None:
    """The highest level the words of a seek or goal ask for, None when they name none.

    `Python für Fortgeschrittene` -> advanced, `Grundlagen SQL` -> basic,
    `I know the basics and want to go beyond the basics` -> advanced. Whole words only, by set
    look-ups: it runs once for every seek and goal.
    """
    words = _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split()
    padded = f" {' '.join(words)} "
    for level, pattern in _LEVEL_PATTERNS:
        if pattern.search(padded):
            return level
    return None


# Words that carry no topic of their own, in English and German, for comparing a goal with a
# note: what is left are the words that say what someone wants to learn or can teach.
_STOPWORD_TEXT = """
    a about after all also an and any are as at be because been being but by can could do
    does doing for from get getting go going good have how i if in into is it its just know
    learn learning like make more my not of on one or our out own really so some such than that
    the their them then there these they this those to up us use using want we well what when
    which who why will with without would you your
    aber alle allem als also am an auch auf aus bei beim bin bis da damit dann das dass dem den
    der des die dies diese diesem dieser doch du ein eine einem einen einer es für ganz gut hat
    haben ich ihr im in ist ja kann können lernen machen man mehr mein meine meinen mich mit möchte
    möchten nach nicht noch nur ob oder ohne schon sein selbst sich sie sind so über um und uns
    unser unsere unseren viel vom von vor was weil wenn wie will wir wird zu zum zur
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[^\W_]+[+#]*")
_ENDINGS = ("en", "es", "s", "e", "n")


@lru_cache(maxsize=1 << 16)
def significant_words(text: str) -> Mapping[str, str]:
    """Stem -> the word as written, for the words of a goal or note that say what it is about.

    Folded as skills are (case, umlauts), without stop words, level words and words shorter
    than three letters; a plural or inflected ending comes off, so `tables` meets `table` and
    `Tabellen` meets `Tabelle`. Cached: one answer per text, shared, never to be changed.
    """
    found: dict[str, str] = {}
    for word in _WORD.findall(unicodedata.normalize("NFKC", text)):
        folded = word.casefold()
        if len(folded) < 3 or folded in STOPWORDS or wanted_level(folded):
            continue
        found.setdefault(word_stem(folded), word)
    return found


@lru_cache(maxsize=1 << 14)
def word_stem(word: str) -> str:
    """`tables` -> `table`, `Tabellen` -> `tabell`, `Führung` -> `fuehrung`: for comparing.

    Cached: goals and notes are many different texts of few words (at 10,000 ads, 10,000
    texts of 113,000 words, 2,400 different), and `compact` is slow."""
    squeezed = compact(word)
    for ending in _ENDINGS:
        if squeezed.endswith(ending) and len(squeezed) - len(ending) >= 4:
            return squeezed[: -len(ending)]
    return squeezed


def _strip_version(text: str) -> str:
    token = _NUMBER_TOKEN.search(text)
    if token and token.group(1) not in STANDARD_PREFIXES:
        return text[: token.end(1)]
    return _ATTACHED_VERSION.sub("", text)


def slug(key: str) -> str:
    """ASCII slug for `/skills/<slug>/`: `C++` -> `c-plus-plus`, `Führung` -> `fuehrung`.

    A text with no Latin letters at all gets `skill-` and a short hash of itself.
    """
    made = _ascii_slug(key)
    if made:
        return made
    return "skill-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]  # noqa: S324 - a name, not a secret


def compact(normalised: str) -> str:
    """The form the spelling and fuzzy tiers compare: no spaces, umlauts spelled out (ä -> ae)."""
    return _ascii_slug(normalised).replace("-", "") or normalised.replace(" ", "")


def _ascii_slug(text: str) -> str:
    return slugify(text.replace("+", " plus ").replace("#", " sharp ").replace("&", " and "))


# --- taxonomy -------------------------------------------------------------------------------


class Skill(Listed):
    """One canonical skill of the taxonomy."""


class TaxonomyError(TandemError):
    """`skills.yml` or `places.yml` cannot be read or lists one spelling for two entries."""


@dataclass(frozen=True)
class Taxonomy:
    """The canonical skills, and their spellings in the folded forms compared; and the
    canonical places (`places.yml`), the other list curators keep.

    The skills are fixed; `resolver` caches what texts resolved to, so each is folded once.
    """

    skills: tuple[Skill, ...] = ()
    places: Places = NO_PLACES

    @cached_property
    def by_key(self) -> dict[str, Skill]:
        return {skill.key: skill for skill in self.skills}

    @cached_property
    def terms(self) -> dict[str, tuple[str, str]]:
        """Normalised spelling -> (skill key, the spelling as listed)."""
        return _first_wins((normalise(t), s.key, t) for s in self.skills for t in s.terms)

    @cached_property
    def compact_terms(self) -> dict[str, tuple[str, str]]:
        """Compact spelling -> (skill key, the spelling as listed)."""
        return _first_wins((compact(n), key, t) for n, (key, t) in self.terms.items())

    @cached_property
    def resolver(self) -> SkillResolver:
        return SkillResolver(self)

    def display(self, skill: Skill, lang: str = "en") -> str:
        """The skill's name in `lang` (German when asked and listed, else English)."""
        return skill.display(lang)

    def display_key(self, key: str, lang: str = "en") -> str:
        """The name of a canonical key; a skill not in the taxonomy shows as people wrote it."""
        skill = self.by_key.get(key)
        if skill is None:
            return self.resolver.spelling_of(key) or key.replace("-", " ").capitalize()
        return self.display(skill, lang)

    def key_of(self, text: str) -> str:
        """The canonical key of one skill as written."""
        return self.resolver.resolve(text).key


def _first_wins(rows: Iterable[tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for folded, key, term in rows:
        table.setdefault(folded, (key, term))
    return table


def load_taxonomy(root: Path) -> Taxonomy:
    """The skills in `root/skills.yml` and the places in `root/places.yml`; no skills or no
    places when a file is missing.

    Raises TaxonomyError with every problem found in both: a file that does not load,
    entries without a name, and one spelling listed for two skills or two places.
    """
    places, problems = read_places(root)
    try:
        skills = _load_skills(root)
    except TaxonomyError as exc:
        problems += exc.problems
    if problems:
        raise TaxonomyError(problems)
    return Taxonomy(skills, places)


def _load_skills(root: Path) -> tuple[Skill, ...]:
    path = root / TAXONOMY_FILE
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise TaxonomyError(
            [Problem(TAXONOMY_FILE, 1, 1, "not a regular file (a link?); commit the file itself")]
        )
    if not path.is_file():
        return ()
    try:
        doc = load_file(path, display=TAXONOMY_FILE)
    except LoadError as exc:
        raise TaxonomyError([exc.problem]) from None
    entries, problems = _read_skills(doc)
    problems += _clashes(doc, entries)
    problems += _reserved_names(doc, entries)
    if problems:
        raise TaxonomyError(problems)
    return tuple(skill for _, skill in entries)


def _read_skills(doc: Document) -> tuple[list[tuple[int, Skill]], list[Problem]]:
    """The well-formed entries with their index in the file, and a problem for each other."""
    entries = doc.data.get("skills")
    if not isinstance(entries, list):
        return [], [
            _problem(
                doc, ("skills",), "write `skills:` as a list of `{name, de?, aliases?}` entries"
            )
        ]
    skills: list[tuple[int, Skill]] = []
    problems: list[Problem] = []
    for index, entry in enumerate(entries):
        skill = _skill_of(entry)
        if skill is None:
            problems.append(
                _problem(
                    doc,
                    ("skills", index),
                    "each skill needs `name` (text), "
                    "optional `de` (text) and `aliases` (a list of text)",
                )
            )
        else:
            skills.append((index, skill))
    return skills, problems


def _skill_of(entry: Any) -> Skill | None:
    if not isinstance(entry, dict) or set(entry) - {"name", "de", "aliases"}:
        return None
    name, de, aliases = (
        entry.get("name"),
        entry.get("de", entry.get("name")),
        entry.get("aliases", []),
    )
    if not (
        _text(name)
        and _text(de)
        and isinstance(aliases, list)
        and all(_text(alias) for alias in aliases)
    ):
        return None
    return Skill(key=slug(name), name=name, de=de, aliases=tuple(aliases))


def _text(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


def _clashes(doc: Document, entries: Sequence[tuple[int, Skill]]) -> list[Problem]:
    """One spelling (after folding) for two skills makes matching ambiguous."""
    owner: dict[str, Skill] = {}
    problems: list[Problem] = []
    for index, skill in entries:
        for term in skill.terms:
            folded = normalise(term)
            firsts = [owner.setdefault(f, skill) for f in (folded, compact(folded))]
            other = next((first for first in firsts if first.key != skill.key), None)
            if other is not None:
                problems.append(
                    _problem(
                        doc,
                        ("skills", index),
                        (
                            f"'{term}' of '{skill.name}' reads the same as a spelling of "
                            f"'{other.name}'; keep it in one entry"
                        ),
                    )
                )
    return problems


def _reserved_names(doc: Document, entries: Sequence[tuple[int, Skill]]) -> list[Problem]:
    return [
        _problem(doc, ("skills", index, "name"), reserved_skill(skill.name, skill.key))
        for index, skill in entries
        if skill.key in RESERVED
    ]


def reserved_skill(text: str, key: str) -> str:
    """Why a skill whose page would be /skills/<key>/ cannot be, and what to do."""
    return (
        f"skill '{text}' would get the page skills/{key}/, which the site keeps for its own "
        "pages; say more precisely what it is (e.g. 'Database index' instead of 'Index')"
    )


def _problem(doc: Document, path: tuple[str | int, ...], message: str) -> Problem:
    line, col = doc.position(path)
    return Problem(doc.path, line, col, message)


# --- resolving ------------------------------------------------------------------------------

Closeness = Literal["exact", "spelling", "fuzzy", "unknown"]
"""How a text met the taxonomy: a listed term, a near spelling of one, a fuzzy match, none."""


@dataclass(frozen=True)
class Resolution:
    """What one skill as written resolved to."""

    text: str
    key: str
    similarity: int
    closeness: Closeness
    term: str | None = None
    focus: str | None = None
    """`Java (Spring Boot)`: the key of the qualifier's own listed skill, matched first."""

    @property
    def is_close(self) -> bool:
        """Resolved through a near spelling, not one the taxonomy lists."""
        return self.closeness in ("spelling", "fuzzy")


@dataclass
class SkillResolver:
    """Resolves free-text skills through a taxonomy; every text is folded and compared once."""

    taxonomy: Taxonomy
    _cache: dict[str, Resolution] = field(default_factory=dict, repr=False)
    _spellings: dict[str, str] = field(default_factory=dict, repr=False)
    kept: Mapping[str, Resolution] = field(default_factory=dict, repr=False)
    """What texts resolved to in an earlier run with the same taxonomy and code (read from
    `.cache/tandem/`): taken instead of resolving again."""

    def resolve_all(self, texts: Iterable[str]) -> dict[str, Resolution]:
        """Every text as written -> its resolution."""
        return {text: self.resolve(text) for text in dict.fromkeys(texts)}

    @property
    def resolved(self) -> Mapping[str, Resolution]:
        """Every text resolved so far, its parts in brackets included."""
        return self._cache

    def resolve(self, text: str) -> Resolution:
        found = self._cache.get(text)
        if found is None:
            found = self._cache[text] = self._kept(text) or self._resolve(text)
            if found.closeness == "unknown":
                shown = self._spellings.setdefault(found.key, text.strip())
                self._spellings[found.key] = min(shown, text.strip(), key=_display_order)
        return found

    def _kept(self, text: str) -> Resolution | None:
        found = self.kept.get(text)
        if found is not None:
            for part in _qualified_parts(text):  # as `_resolve` would: their spellings count
                self.resolve(part)
        return found

    def spelling_of(self, key: str) -> str | None:
        """How people wrote a skill the taxonomy lacks: `Origami` before `ORIGAMI`, `origami`."""
        return self._spellings.get(key)

    def _resolve(self, text: str) -> Resolution:
        parts = [self.resolve(part) for part in _qualified_parts(text)]
        known = [found for found in parts if found.closeness != "unknown"]
        if known:  # "CRM (Salesforce)": CRM, else Salesforce; a listed qualifier is the focus
            found = known[0]
            focus = next((q.key for q in known[1:] if q.key != found.key), None)
            if parts[0].closeness == "unknown":
                focus = None
            return Resolution(text, found.key, found.similarity, found.closeness, found.term, focus)
        folded = normalise(text)
        squeezed = compact(folded)
        if folded in self.taxonomy.terms:
            key, term = self.taxonomy.terms[folded]
            return Resolution(text, key, 100, "exact", term)
        if squeezed in self.taxonomy.compact_terms:
            key, term = self.taxonomy.compact_terms[squeezed]
            return Resolution(text, key, _similarity(folded, normalise(term)), "spelling", term)
        return self._fuzzy(text, squeezed) or self._unknown(text, folded)

    def _fuzzy(self, text: str, squeezed: str) -> Resolution | None:
        if len(squeezed) < MIN_FUZZY_LENGTH:
            return None
        hits = process.extract(
            squeezed,
            self._vocabulary,
            scorer=Indel.distance,
            score_cutoff=2 * MAX_EDITS,
            limit=None,
        )
        ranked = sorted(
            (distance, term)
            for term, indel, _ in hits
            if (allowed := allowed_typos(squeezed, term))
            # a swap costs one typo and two indel edits, anything else one per indel edit
            # or more: a term over 2 * allowed indel edits away is never close enough
            and indel <= 2 * allowed
            and (distance := typo_distance(squeezed, term, limit=allowed)) <= allowed
        )
        if not ranked or _ambiguous(ranked, self.taxonomy.compact_terms):
            return None
        distance, term = ranked[0]
        key, listed = self.taxonomy.compact_terms[term]
        similarity = round(100 * (1 - distance / (len(squeezed) + len(term))))
        return Resolution(text, key, similarity, "fuzzy", listed)

    @cached_property
    def _vocabulary(self) -> list[str]:
        return list(self.taxonomy.compact_terms)

    def _unknown(self, text: str, folded: str) -> Resolution:
        key = slug(folded)
        skill = self.taxonomy.by_key.get(key)
        if skill is not None:  # folds to the slug of a canonical name: that skill
            return Resolution(
                text, key, _similarity(folded, normalise(skill.name)), "spelling", skill.name
            )
        return Resolution(text, key, 100, "unknown")


def resolutions_json(resolved: Mapping[str, Resolution]) -> dict[str, list[Any]]:
    """Resolutions as JSON values, for `kept_resolutions` in a later run."""
    return {
        text: [found.key, found.similarity, found.closeness, found.term, found.focus]
        for text, found in resolved.items()
    }


_CLOSENESS: tuple[Closeness, ...] = ("exact", "spelling", "fuzzy", "unknown")


def kept_resolutions(value: Any) -> dict[str, Resolution]:
    """The resolutions `resolutions_json` wrote; anything not as it writes them is left out
    (the text is then resolved again)."""
    if type(value) is not dict:
        return {}
    kept = {}
    for text, fields in value.items():
        found = _resolution_of(text, fields)
        if found is not None:
            kept[text] = found
    return kept


def _resolution_of(text: Any, fields: Any) -> Resolution | None:
    if type(fields) is not list or len(fields) != 5:
        return None
    key, similarity, closeness, term, focus = fields
    if type(key) is not str or closeness not in _CLOSENESS:
        return None
    if type(similarity) is not int or not 0 <= similarity <= 100:
        return None
    if not all(part is None or type(part) is str for part in (term, focus)):
        return None
    return Resolution(text, key, similarity, closeness, term, focus)


def _display_order(text: str) -> tuple[bool, bool, str]:
    return text[:1].islower(), text.isupper(), text


def _qualified_parts(text: str) -> list[str]:
    """`CRM (Salesforce)` -> [`CRM`, `Salesforce`]; nothing when there are no brackets."""
    inner = _BRACKETS.findall(text)
    head = " ".join(_BRACKETS.sub(" ", text).split())
    return [part for part in (head, *inner) if part.strip()] if inner else []


def allowed_typos(a: str, b: str) -> int:
    """Typos allowed between two compact texts: none when short or starting differently."""
    shorter = min(len(a), len(b))
    if shorter < MIN_FUZZY_LENGTH or a[0] != b[0]:
        return 0
    return MAX_EDITS if shorter >= LONG_TEXT else 1


def _ambiguous(ranked: list[tuple[int, str]], terms: Mapping[str, tuple[str, str]]) -> bool:
    """Two skills equally close: better no match than a coin toss."""
    best = ranked[0][0]
    return len({terms[term][0] for d, term in ranked if d == best}) > 1


def _similarity(a: str, b: str) -> int:
    return round(100 * (1 - typo_distance(a, b) / max(len(a) + len(b), 1)))


def typo_distance(a: str, b: str, *, limit: int | None = None) -> int:
    """Edits between two texts when dropping, adding or swapping neighbours costs one.

    Replacing a letter costs two (a drop and an add): typing slips lose, double or swap
    letters far more often than they turn one word into another.

    With `limit`, any distance above it comes back as `limit + 1`: only the cells within
    `limit` of the diagonal are computed (a cell further away costs more than `limit` to
    reach), and the search stops at a row where every cell costs more. The fuzzy search
    asks this of 2,200 texts at 10,000 ads, with a limit of one or two.
    """
    if limit is not None:
        return _typo_distance_within(a, b, limit)
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (0 if char_a == char_b else 2),
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b != char_a:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _typo_distance_within(a: str, b: str, limit: int) -> int:
    """`min(typo_distance(a, b), limit + 1)`: each cell holds the same minimum capped at
    `limit + 1`, and a cell off the band holds the cap (its distance is at least its
    distance from the diagonal, more than `limit`)."""
    over = limit + 1
    if abs(len(a) - len(b)) > limit:
        return over
    width = len(b)
    previous2: list[int] = []
    previous = [min(j, over) for j in range(width + 1)]
    for i, char_a in enumerate(a, 1):
        current = [over] * (width + 1)
        current[0] = min(i, over)
        for j in range(max(1, i - limit), min(width, i + limit) + 1):
            char_b = b[j - 1]
            value = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (0 if char_a == char_b else 2),
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b != char_a:
                value = min(value, previous2[j - 2] + 1)
            current[j] = min(value, over)
        # every way on costs more than `limit` (a swap reaches back two rows, for one)
        if min(current) >= over and min(previous) >= limit:
            return over
        previous2, previous = previous, current
    return previous[width]


# --- problems for `tandem validate` --------------------------------------------------------


def skill_warnings(records: Mapping[str, Record], taxonomy: Taxonomy) -> list[Problem]:
    """A warning at each skill that is close to a taxonomy spelling without being one."""
    return [p for p in skill_problems(records, taxonomy) if p.severity == "warning"]


def reserved_skills(records: Mapping[str, Record], taxonomy: Taxonomy) -> list[Problem]:
    """An error at each skill whose page would be one the site keeps (`Index`)."""
    return skill_problems(records, taxonomy, warnings=False)


def skill_problems(
    records: Mapping[str, Record], taxonomy: Taxonomy, *, warnings: bool = True
) -> list[Problem]:
    """`reserved_skills` and, unless told not to, `skill_warnings`, from one pass over the
    skills: a warning needs the place of its skill in the file, which a command that shows
    no warnings need not look for."""
    problems = []
    for record, path, text, found in _resolved_skills(records, taxonomy):
        if found.key in RESERVED:
            line, col = record.position(path)
            problems.append(Problem(record.path, line, col, reserved_skill(text, found.key)))
        if warnings and found.is_close and found.term is not None:
            line, col = record.position(path)
            problems.append(
                Problem(
                    record.path,
                    line,
                    col,
                    (
                        f"skill '{text}' is close to '{found.term}' in skills.yml; "
                        f"did you mean '{found.term}'?"
                    ),
                    "warning",
                )
            )
    return problems


def _resolved_skills(
    records: Mapping[str, Record], taxonomy: Taxonomy
) -> Iterator[tuple[Record, JsonPath, str, Resolution]]:
    places = [
        (record, path, text) for record in records.values() for path, text in _skill_values(record)
    ]
    resolved = taxonomy.resolver.resolve_all(text for _, _, text in places)
    for record, path, text in places:
        yield record, path, text, resolved[text]


def _skill_values(record: Record) -> Iterable[tuple[tuple[str | int, ...], str]]:
    for field_name in ("offers", "seeks"):
        entries = record.data.get(field_name)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict) and isinstance(entry.get("skill"), str):
                yield (field_name, index, "skill"), entry["skill"]
