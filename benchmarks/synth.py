"""A synthetic marketplace: N ads and M partnership logs, valid, realistic and deterministic.

    python -m benchmarks.synth DEST --ads 10000 [--logs 2000] [--today 2026-11-23] [--seed 13]

DEST becomes a complete site root: the repository's mkdocs.yml, skills.yml, docs/ and theme/,
then ads/ and partnerships/. The same arguments give byte-identical files on any machine
(one seeded `random.Random`, PyYAML's pure-Python emitter).

What makes it realistic: skills drawn from the whole taxonomy with a long tail (a few skills
are everywhere, most are rare), written as people write them (English and German names,
aliases, padding such as `Grundlagen …`, case and hyphen variants, typos, skills no taxonomy
lists); names from many cultures with their letters; places in several spellings; every
status and format; partnership logs in every phase with the goals, packages, journal and
closing story each phase requires, their dates consistent with `--today`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import shutil
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from benchmarks import vocabulary as words
from generator.data.ids import id_problem, slugify
from generator.data.model import FORMATS, LEVELS, PHASES
from generator.data.validate import add_months
from generator.matching.skills import Taxonomy, load_taxonomy

REPO = Path(__file__).resolve().parent.parent
SITE_FILES = ("mkdocs.yml", "skills.yml", "places.yml", "docs", "theme")
STATUSES = ("open", "paused", "matched", "closed")
STATUS_WEIGHTS = (78, 7, 8, 7)
FORMAT_CHOICES: tuple[tuple[str, ...], ...] = (
    ("tandem",),
    ("tandem", "wol-circle"),
    ("tandem", "lernos-circle"),
    ("wol-circle",),
    ("lernos-circle",),
    ("tandem", "wol-circle", "lernos-circle"),
)
FORMAT_WEIGHTS = (70, 10, 7, 5, 4, 4)
PHASE_WEIGHTS = (15, 20, 30, 10, 25)
LOG_FORMAT_WEIGHTS = (70, 15, 15)
MODELINE = "# yaml-language-server: $schema=../generator/schemas/{}.schema.json\n"
DEFAULT_TODAY = dt.date(2026, 11, 23)
DEFAULT_SEED = 13
UMLAUTS_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
MAX_SKILL_LENGTH = 80  # the schema's limit for a skill as written

T = TypeVar("T")


class SynthError(Exception):
    """The destination or the arguments cannot be used; the message says what to do."""


# --- writing YAML as people write it --------------------------------------------------------


class Flow(list[Any]):
    """A list written inline, `[de, en]`, as people write short lists."""


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _flow(dumper: yaml.SafeDumper, value: Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(Flow, _flow)


def to_yaml(kind: str, data: dict[str, Any]) -> str:
    """The file's text: the schema modeline, then block YAML with unquoted dates."""
    body = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000, indent=2
    )
    return MODELINE.format(kind) + body


# --- skills as people write them ------------------------------------------------------------


@dataclass(frozen=True)
class SkillPool:
    """The taxonomy's skills in a seeded order of popularity, and how each may be spelled."""

    spellings: tuple[tuple[str, ...], ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, taxonomy: Taxonomy, rng: random.Random) -> SkillPool:
        skills = list(taxonomy.skills)
        rng.shuffle(skills)
        spellings = [skill.terms for skill in skills]
        spellings += [(name,) for name in words.UNLISTED_SKILLS]
        weights = [1 / (rank + 1) ** 0.9 for rank in range(len(spellings))]
        return cls(tuple(spellings), tuple(itertools.accumulate(weights)))

    def draw(self, rng: random.Random) -> tuple[int, str]:
        """(which skill, the text a person writes for it)."""
        index = rng.choices(range(len(self.spellings)), cum_weights=self.cumulative)[0]
        terms = self.spellings[index]
        roll = rng.random()
        if roll < 0.55 or len(terms) == 1:
            text = terms[0]
        elif roll < 0.80:
            text = rng.choice(terms[1:])
        else:
            text = terms[0]
        if rng.random() < 0.22:
            changed = variant(text, rng)
            text = changed if len(changed) <= MAX_SKILL_LENGTH else text
        return index, text


def variant(text: str, rng: random.Random) -> str:
    """One way people misspell or pad a skill: case, spacing, umlauts, padding or a typo."""
    kind = rng.randrange(6)
    if kind == 0:
        return text.lower() if rng.random() < 0.7 else text.upper()
    if kind == 1:
        return text.replace(" ", "-") if " " in text else _split_camel(text)
    if kind == 2:
        spelled = text.translate(UMLAUTS_SPELLED_OUT)
        return spelled if spelled != text else rng.choice(words.PADDINGS).format(text)
    if kind == 3:
        return rng.choice(words.PADDINGS).format(text)
    return typo(text, rng)


def _split_camel(text: str) -> str:
    for i in range(2, len(text) - 1):
        if text[i].isupper() and text[i - 1].islower():
            return f"{text[:i]} {text[i:]}"
    return text


def typo(text: str, rng: random.Random) -> str:
    """A slip of the fingers after the first letter: a letter dropped, doubled or swapped."""
    if len(text) < 5:
        return text
    i = rng.randrange(1, len(text) - 1)
    slip = rng.randrange(3)
    if slip == 0:
        return text[:i] + text[i + 1 :]
    if slip == 1:
        return text[:i] + text[i] + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


# --- people ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    login: str
    languages: tuple[str, ...]


class People:
    """Names from many cultures; logins unique, as a forge makes them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.logins: set[str] = set()

    def new(self) -> Person:
        culture = self.rng.choices(words.CULTURES, weights=words.CULTURE_WEIGHTS)[0]
        _, extra, firsts, lasts = culture
        first, last = self.rng.choice(firsts), self.rng.choice(lasts)
        login = self._login(slugify(first)[:1] + slugify(last).replace("-", ""))
        return Person(f"{first} {last}", login, self._languages(extra))

    def _login(self, base: str) -> str:
        login = base[:36]
        for n in itertools.count(2):
            if login not in self.logins:
                break
            login = f"{base[:36]}{n}"
        self.logins.add(login)
        return login

    def _languages(self, extra: tuple[str, ...]) -> tuple[str, ...]:
        rng = self.rng
        if not extra:
            spoken = ["de", "en"] if rng.random() < 0.8 else [rng.choice(("de", "en"))]
        else:
            spoken = [rng.choice(extra), "en"]
            if rng.random() < 0.45:
                spoken.append("de")
        if rng.random() < 0.12:
            spoken.append(rng.choice(("fr", "es", "it", "nl", "pl", "pt", "ru", "tr")))
        return tuple(dict.fromkeys(spoken))


# --- ads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SynthAd:
    """An ad as written, and what the logs need to know about it."""

    id: str
    data: dict[str, Any]
    person: Person
    skills: tuple[str, ...]


def make_ads(count: int, *, today: dt.date, rng: random.Random, pool: SkillPool) -> list[SynthAd]:
    people = People(rng)
    taken: set[str] = set()
    ads: list[SynthAd] = []
    for i in range(count):
        person = _returning(ads, rng) or people.new()
        ident = _unique_id(slugify(person.name) or person.login, taken)
        ads.append(_ad(i, ident, person, today=today, rng=rng, pool=pool))
    return ads


def _returning(ads: Sequence[SynthAd], rng: random.Random) -> Person | None:
    """Now and then a person posts a second ad, with the same login."""
    return rng.choice(ads).person if ads and rng.random() < 0.02 else None


def _unique_id(base: str, taken: set[str]) -> str:
    ident = base
    for n in itertools.count(2):
        if ident not in taken and id_problem(ident) is None:
            break
        ident = f"{base[:60]}-{n}"
    taken.add(ident)
    return ident


def _ad(
    i: int, ident: str, person: Person, *, today: dt.date, rng: random.Random, pool: SkillPool
) -> SynthAd:
    """Ad number `i`; the first ones walk through every status and format so small N has all."""
    status = STATUSES[i] if i < len(STATUSES) else _weighted(rng, STATUSES, STATUS_WEIGHTS)
    formats = (
        FORMAT_CHOICES[i]
        if i < len(FORMAT_CHOICES)
        else _weighted(rng, FORMAT_CHOICES, FORMAT_WEIGHTS)
    )
    offered = _skills(rng, pool, rng.choices(range(1, 9), weights=(30, 30, 20, 10, 4, 3, 2, 1))[0])
    sought = _skills(rng, pool, rng.choices(range(1, 9), weights=(40, 30, 15, 7, 3, 2, 2, 1))[0])
    posted = today - dt.timedelta(days=min(360, int(rng.expovariate(1 / 80))))
    location = _weighted(rng, words.LOCATIONS, words.LOCATION_WEIGHTS)
    data: dict[str, Any] = {"name": person.name, "owner": person.login}
    if rng.random() < 0.8:
        data["team"] = rng.choice(words.TEAMS)
    data["location"] = location
    if rng.random() < 0.4:
        data["remote"] = rng.random() < 0.6
    data["languages"] = Flow(person.languages)
    if formats != ("tandem",) or rng.random() < 0.3:
        data["formats"] = Flow(formats)
    data["offers"] = [_offer(text, rng) for text in offered]
    data["seeks"] = [_seek(text, rng) for text in sought]
    data["commitment"] = {
        "hours_per_week": rng.choice((0.5, 1, 1, 1.5, 2, 2, 2, 3, 4, 5, 8)),
        "weeks": rng.choice((4, 6, 8, 10, 12, 12, 12, 16, 20, 26, 52)),
    }
    if rng.random() < 0.25:
        data["available_from"] = today + dt.timedelta(days=rng.randrange(-30, 90))
    data["posted"] = posted
    data["expires"] = add_months(posted, rng.choice((3, 6, 6, 9, 12, 12, 12)))
    data["status"] = status
    data["contact"] = _contact(person, rng)
    if rng.random() < 0.65:
        data["manager_support"] = rng.random() < 0.85
    if rng.random() < 0.65:
        data["about"] = _about(person, location, rng)
    return SynthAd(ident, data, person, tuple(offered + sought))


def _weighted(rng: random.Random, values: Sequence[T], weights: Sequence[float]) -> T:
    return rng.choices(values, weights=weights)[0]


def _skills(rng: random.Random, pool: SkillPool, count: int) -> list[str]:
    """`count` different skills as one person writes them."""
    chosen: dict[int, str] = {}
    for _ in range(count * 4):
        index, text = pool.draw(rng)
        chosen.setdefault(index, text)
        if len(chosen) == count:
            break
    return list(chosen.values())


def _offer(text: str, rng: random.Random) -> dict[str, Any]:
    offer: dict[str, Any] = {"skill": text, "level": rng.choices(LEVELS, weights=(3, 5, 3))[0]}
    if rng.random() < 0.3:
        offer["note"] = rng.choice(words.OFFER_NOTES).format(skill=text)
    return offer


def _seek(text: str, rng: random.Random) -> dict[str, Any]:
    seek: dict[str, Any] = {"skill": text}
    if rng.random() < 0.7:
        seek["goal"] = rng.choice(words.GOALS).format(skill=text)
    return seek


def _contact(person: Person, rng: random.Random) -> str:
    return rng.choice(
        (
            f"{person.login}@example.com",
            f"@{person.login} on Chat",
            f"https://people.example.com/{person.login}",
        )
    )


def _about(person: Person, place: str, rng: random.Random) -> str:
    values = {"years": rng.randrange(1, 25), "place": place, "login": person.login}
    paragraphs = [
        " ".join(s.format(**values) for s in rng.sample(words.ABOUT_SENTENCES, rng.randrange(1, 4)))
        for _ in range(rng.randrange(1, 4))
    ]
    if rng.random() < 0.3:
        heading, items = rng.choice(words.ABOUT_LISTS)
        bullets = "\n".join(f"- {item}" for item in rng.sample(items, 3))
        paragraphs.append(f"{heading}\n\n{bullets}")
    return "\n\n".join(paragraphs)[:1990].rstrip() + "\n"


# --- partnership logs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """The days a log's dated entries may fall on, and the last day its journal may have."""

    started: dt.date
    last: dt.date
    journal_last: dt.date

    def day(self, rng: random.Random, *, until: dt.date | None = None) -> dt.date:
        end = min(until or self.last, self.last)
        return self.started + dt.timedelta(days=rng.randrange((end - self.started).days + 1))


def make_logs(
    count: int, ads: Sequence[SynthAd], *, today: dt.date, rng: random.Random
) -> list[tuple[str, dict[str, Any]]]:
    """`count` logs; ongoing ones take the matched ads first, so each matched ad has a log."""
    matched = [ad for ad in ads if ad.data["status"] == "matched"]
    taken: set[str] = set()
    logs = []
    for i in range(count):
        phase = PHASES[i % len(PHASES)] if i < 15 else _weighted(rng, PHASES, PHASE_WEIGHTS)
        form = FORMATS[i % len(FORMATS)] if i < 15 else _weighted(rng, FORMATS, LOG_FORMAT_WEIGHTS)
        size = 2 if form == "tandem" else rng.choice((3, 4, 4, 5))
        partners = _partners(size, ads, matched if phase != "closed" else [], rng)
        if len(partners) < size:
            break  # too few ads for another log of this size
        title = _title(form, partners, rng)
        ident = _unique_id(slugify(title) or "partnership", taken)
        logs.append((ident, _log(title, form, phase, partners, today=today, rng=rng)))
    return logs


def _partners(
    size: int, ads: Sequence[SynthAd], matched: list[SynthAd], rng: random.Random
) -> list[SynthAd]:
    """`size` ads of different people; takes from `matched` (and shortens it) first."""
    chosen: dict[str, SynthAd] = {}
    while matched and len(chosen) < size:
        ad = matched.pop()
        chosen.setdefault(ad.person.login, ad)
    for _ in range(size * 10):
        if len(chosen) == size:
            break
        ad = rng.choice(ads)
        chosen.setdefault(ad.person.login, ad)
    return list(chosen.values())


def _title(form: str, partners: Sequence[SynthAd], rng: random.Random) -> str:
    skills = [rng.choice(p.skills) for p in partners]
    if form == "tandem":
        return rng.choice(words.TITLE_PATTERNS).format(a=skills[0], b=skills[1])[:120]
    return rng.choice(words.CIRCLE_TITLES[form]).format(theme=skills[0])[:120]


def _span(phase: str, today: dt.date, rng: random.Random) -> tuple[Span, dt.date]:
    """Where the log's dates may fall, and its planned end, as the phase allows."""
    weeks = dt.timedelta(weeks=rng.choice((8, 10, 12, 12, 16, 20)))
    if phase == "closed":
        started = today - dt.timedelta(days=rng.randrange(120, 1000))
        closed = min(started + weeks + dt.timedelta(days=rng.randrange(15)), today)
        return Span(started, closed, closed), started + weeks
    earliest = {"preparation": 0, "planning": 7, "learning": 30, "closing": 80}[phase]
    started = today - dt.timedelta(days=rng.randrange(earliest, earliest + 60))
    planned_end = max(started + weeks, today + dt.timedelta(days=rng.randrange(7, 60)))
    if phase == "closing":
        planned_end = today + dt.timedelta(days=rng.randrange(0, 14))
        return Span(started, today, today), planned_end
    return Span(started, planned_end, today), planned_end


def _log(
    title: str,
    form: str,
    phase: str,
    partners: Sequence[SynthAd],
    *,
    today: dt.date,
    rng: random.Random,
) -> dict[str, Any]:
    span, planned_end = _span(phase, today, rng)
    reached = PHASES.index(phase)
    data: dict[str, Any] = {
        "title": title,
        "format": form,
        "partners": Flow(p.id for p in partners),
        "phase": phase,
        "started": span.started,
    }
    if reached >= PHASES.index("planning"):
        data["planned_end"] = planned_end
        data["goals"] = [_goal(p, span, phase, rng) for p in partners]
    if reached >= PHASES.index("learning") or (phase == "planning" and rng.random() < 0.4):
        data["packages"] = [_package(p, partners, span, phase, rng) for p in partners]
    journal = list(_journal(partners, span, rng, entries=rng.randrange(0 if reached < 2 else 1, 7)))
    if journal:
        data["journal"] = journal
    if phase == "closed" or (phase == "closing" and rng.random() < 0.5):
        data["closing"] = _closing(partners, span, rng)
    return data


def _goal(partner: SynthAd, span: Span, phase: str, rng: random.Random) -> dict[str, Any]:
    skill = rng.choice(partner.skills)
    goal: dict[str, Any] = {
        "partner": partner.id,
        "goal": rng.choice(words.GOALS).format(skill=skill),
    }
    milestones = [_milestone(skill, span, phase, rng) for _ in range(rng.choice((0, 1, 2, 2, 3)))]
    if milestones:
        goal["milestones"] = sorted(milestones, key=lambda m: m["due"])
    return goal


def _milestone(skill: str, span: Span, phase: str, rng: random.Random) -> dict[str, Any]:
    due = span.day(rng)
    milestone: dict[str, Any] = {"title": rng.choice(words.MILESTONES).format(skill=skill)}
    milestone["due"] = due
    if phase in ("closing", "closed") or due <= span.journal_last:
        milestone["done"] = phase == "closed" or rng.random() < 0.8
    return milestone


def _package(
    teacher: SynthAd, partners: Sequence[SynthAd], span: Span, phase: str, rng: random.Random
) -> dict[str, Any]:
    others = [p for p in partners if p is not teacher]
    learners = rng.sample(others, rng.randrange(1, min(4, len(others)) + 1))
    status = {
        "planning": "planned",
        "closing": "done",
        "closed": "done",
    }.get(phase) or rng.choice(("planned", "in-progress", "in-progress", "done"))
    return {
        "title": rng.choice(words.PACKAGE_TITLES).format(skill=rng.choice(teacher.skills)),
        "teacher": teacher.id,
        "learners": Flow(p.id for p in learners),
        "due": span.day(rng),
        "status": status,
    }


def _journal(
    partners: Sequence[SynthAd], span: Span, rng: random.Random, *, entries: int
) -> Iterator[dict[str, Any]]:
    days = sorted(span.day(rng, until=span.journal_last) for _ in range(entries))
    for day in days:
        author = rng.choice(partners)
        entry: dict[str, Any] = {"date": day, "author": author.id}
        entry["text"] = rng.choice(words.JOURNAL_TEXTS).format(
            author_team=author.data.get("team", "our team"), skill=rng.choice(author.skills)
        )
        if rng.random() < 0.5:
            entry["reflection"] = rng.choice(words.REFLECTIONS)
        yield entry


def _closing(partners: Sequence[SynthAd], span: Span, rng: random.Random) -> dict[str, Any]:
    first = partners[0]
    story = "\n\n".join(
        (
            rng.choice(words.STORY_OPENINGS).format(
                a=first.person.name, goal=rng.choice(words.GOALS).format(skill=first.skills[0])
            ),
            rng.choice(words.STORY_MIDDLES).format(
                weeks=max(1, (span.last - span.started).days // 7), sessions=rng.randrange(4, 14)
            ),
            rng.choice(words.STORY_ENDINGS),
        )
    )
    closing: dict[str, Any] = {
        "date": span.last,
        "goals_reached": rng.choices((True, "partly", False), weights=(6, 3, 1))[0],
        "story": story + "\n",
    }
    lessons = rng.sample(words.LESSONS, rng.randrange(0, 4))
    if lessons:
        closing["lessons"] = lessons
    return closing


# --- the site root ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    ads: int
    logs: int


def write_site(
    dest: Path,
    *,
    ads: int,
    logs: int | None = None,
    today: dt.date = DEFAULT_TODAY,
    seed: int = DEFAULT_SEED,
    repo: Path = REPO,
) -> Written:
    """Make `dest` a site root with `ads` ads and `logs` logs (default: a fifth of `ads`)."""
    if ads < 2:
        raise SynthError("--ads: at least 2 ads are needed for a partnership")
    if dest.exists() and any(dest.iterdir()):
        raise SynthError(f"{dest} is not empty; give a new or empty folder")
    _copy_site_files(repo, dest)
    rng = random.Random(seed)
    pool = SkillPool.of(load_taxonomy(repo), rng)
    made = make_ads(ads, today=today, rng=rng, pool=pool)
    made_logs = make_logs(ads // 5 if logs is None else logs, made, today=today, rng=rng)
    _write_all(dest / "ads", ((ad.id, ad.data) for ad in made), "ad")
    _write_all(dest / "partnerships", made_logs, "partnership")
    return Written(len(made), len(made_logs))


def _copy_site_files(repo: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for name in SITE_FILES:
        source = repo / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        elif source.is_file():
            shutil.copy2(source, dest / name)


def _write_all(folder: Path, records: Iterable[tuple[str, dict[str, Any]]], kind: str) -> None:
    folder.mkdir()
    for ident, data in records:
        (folder / f"{ident}.yml").write_text(to_yaml(kind, data), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.synth", description="Write a synthetic marketplace."
    )
    parser.add_argument("dest", type=Path, help="a new or empty folder")
    parser.add_argument("--ads", type=int, required=True)
    parser.add_argument("--logs", type=int, help="partnership logs (default: a fifth of --ads)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=DEFAULT_TODAY)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    try:
        written = write_site(
            args.dest, ads=args.ads, logs=args.logs, today=args.today, seed=args.seed
        )
    except SynthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.dest}: {written.ads} ads, {written.logs} partnership logs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
