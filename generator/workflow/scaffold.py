"""New ads and partnership logs, valid from the start and with the schema modeline.

Each answer, given as an option or typed at a prompt, is checked on its own by the ad
schema's rule for that field (`answer`), so a mistake is named the moment it is made and
the answers before it are kept. The file is created exclusively: never through a symbolic
link, never over an existing file, and never beside the same id in another case or suffix.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from generator.data.ids import SUFFIXES, id_problem, slugify
from generator.data.load import JsonPath, load_bytes
from generator.data.model import LEVELS
from generator.data.problems import Problem, TandemError
from generator.data.validate import (
    ad_rules,
    add_months,
    check_field,
    expiry_problem,
    schema_of,
    schema_validator,
    validate_document,
)
from generator.workflow.layout import yaml_text

DEFAULT_LEVEL = "advanced"
DEFAULT_MONTHS = 6

Given = str | Sequence[str]
"""An answer: typed at a prompt (items separated by ';'), or one option given many times."""


class AnswerError(ValueError):
    """An answer that cannot go into the ad; the message says what to write instead."""


# --- answers, one field at a time -----------------------------------------------------------


def parse_offer(text: str) -> dict[str, str]:
    """`Python:expert` -> skill and level; without ':', the default level.

    After the last ':' stands a level when it is a single word of letters; an unknown word
    there is refused, never read as part of the skill (`Excel:intermediate`). Anything else
    belongs to the skill (`ISO 27001:2022`, `Java: the good parts`); a skill with ':' and a
    word after it ends with its level (`SAP:FI:expert`).
    """
    skill, sep, level = text.rpartition(":")
    word = level.strip()
    if not sep:
        return {"skill": text.strip(), "level": DEFAULT_LEVEL}
    if word.lower() in LEVELS:
        return {"skill": skill.strip(), "level": word.lower()}
    if not word or re.fullmatch(r"[^\W\d_]+", word):
        shown = f"'{word}' is not a level" if word else "the level after ':' is missing"
        raise AnswerError(
            f"'{text.strip()}': {shown}; write one of {', '.join(LEVELS)} after ':' "
            f"(e.g. '{skill.strip() or 'Excel'}:{DEFAULT_LEVEL}')"
        )
    return {"skill": text.strip(), "level": DEFAULT_LEVEL}


def parse_seek(text: str) -> dict[str, str]:
    """`Public speaking:Give a talk at the all-hands` -> skill and goal."""
    skill, sep, goal = text.partition(":")
    if not sep:
        return {"skill": text.strip()}
    return (
        {"skill": skill.strip(), "goal": goal.strip()} if goal.strip() else {"skill": skill.strip()}
    )


def _items(given: Given) -> list[str]:
    parts = given.split(";") if isinstance(given, str) else list(given)
    return [part.strip() for part in parts if part.strip()]


def _text(given: Given) -> str:
    return given.strip() if isinstance(given, str) else "; ".join(given)


def _languages(given: Given) -> list[str]:
    return [code.lower() for code in re.split(r"[\s,;]+", _text(given)) if code]


NUMBER = r"^[+-]?[0-9]+(?:[.,][0-9]+)?$"
"""A number as people type it: `2`, `1.5` or `1,5` (the form reads it by the same rule)."""


def _number(given: Given) -> Any:
    """A number by `NUMBER`, whole when it is (`2.0` is 2); anything else stays text for
    the schema to name (`'lots' is not a number`)."""
    text = _text(given)
    if not re.fullmatch(NUMBER, text):
        return text
    number = float(text.replace(",", "."))
    return int(number) if number.is_integer() else number


_FIELDS: dict[str, tuple[JsonPath, Callable[[Given], Any]]] = {
    "name": (("name",), _text),
    "owner": (("owner",), _text),
    "team": (("team",), _text),
    "location": (("location",), _text),
    "languages": (("languages",), _languages),
    "offers": (("offers",), lambda given: [parse_offer(item) for item in _items(given)]),
    "seeks": (("seeks",), lambda given: [parse_seek(item) for item in _items(given)]),
    "hours": (("commitment", "hours_per_week"), _number),
    "weeks": (("commitment", "weeks"), _number),
    "contact": (("contact",), _text),
}


def answer(field: str, given: Given) -> Any:
    """One answer -> the ad's value for `field`, checked by the ad schema's rule for it."""
    path, parse = _FIELDS[field]
    value = parse(given)
    problems = check_field("ad", path, value)
    if problems:
        raise AnswerError(problems[0])
    return value


def bounds(field: str) -> str:
    """The schema's range for a number field, as people write it: `0.5–20`."""
    part: Any = schema_of("ad")
    for step in _FIELDS[field][0]:
        part = part["properties"][step]
    return f"{part['minimum']}–{part['maximum']}"


def expiry(today: dt.date, given: dt.date | None) -> dt.date:
    """The last day on the site: as given, else `DEFAULT_MONTHS` after today."""
    if given is not None:
        wrong = expiry_problem(today, given)
        if wrong:
            raise AnswerError(wrong)
        return given
    try:
        return add_months(today, DEFAULT_MONTHS)
    except OverflowError:
        raise AnswerError(
            f"{DEFAULT_MONTHS} months after {today} is past the last date there is "
            f"({dt.date.max}); check the date, or give the last day on the site with --expires"
        ) from None


# --- the new file ---------------------------------------------------------------------------


def ad_data(
    *,
    name: str,
    owner: str,
    location: str,
    languages: list[str],
    offers: list[dict[str, str]],
    seeks: list[dict[str, str]],
    hours: float,
    weeks: int,
    contact: str,
    today: dt.date,
    team: str | None = None,
    remote: bool = True,
    formats: list[str] | None = None,
    expires: dt.date | None = None,
    available_from: dt.date | None = None,
    manager_support: bool = False,
    about: str | None = None,
) -> dict[str, Any]:
    """The fields of a new ad, in the order people read them."""
    data: dict[str, Any] = {"name": name, "owner": owner}
    if team:
        data["team"] = team
    data |= {
        "location": location,
        "remote": remote,
        "languages": languages,
        "formats": formats or ["tandem"],
        "offers": offers,
        "seeks": seeks,
        "commitment": {"hours_per_week": hours, "weeks": weeks},
    }
    if available_from:
        data["available_from"] = available_from
    data |= {
        "posted": today,
        "expires": expiry(today, expires),
        "status": "open",
        "contact": contact,
    }
    if manager_support:
        data["manager_support"] = True
    if about:
        data["about"] = about
    return data


def partnership_data(
    *, title: str, form: str, partners: list[str], today: dt.date
) -> dict[str, Any]:
    return {
        "title": title,
        "format": form,
        "partners": partners,
        "phase": "preparation",
        "started": today,
    }


def to_yaml(data: dict[str, Any], schema: str) -> str:
    """The file with the schema modeline, laid out as the site's forms lay it out."""
    rules: Any = schema_validator(schema).schema
    return yaml_text(data, rules, schema)


def ad_id_for(name: str) -> str:
    return slugify(name)


def id_refusal(root: Path, folder: str, ident: str) -> Problem | None:
    """Why `ident` cannot be a new file in `folder`: not an id, kept by the site, or taken
    by a file of that name in any case and with either suffix."""
    wrong = id_problem(ident)
    if wrong:
        return Problem(f"{folder}/{ident}.yml", 1, 1, f"{wrong} (--id)")
    taken = _taken(root / folder, ident)
    return _exists(f"{folder}/{taken}", ident) if taken else None


def _exists(path: str, ident: str) -> Problem:
    return Problem(
        path, 1, 1, f"'{ident}' exists already; choose another id (--id) or edit that file"
    )


def _taken(folder: Path, ident: str) -> str | None:
    if not folder.is_dir():
        return None
    names = {f"{ident}{suffix}" for suffix in SUFFIXES}
    return next(
        (entry.name for entry in sorted(folder.iterdir()) if entry.name.lower() in names), None
    )


def write_new(
    root: Path, folder: str, ident: str, text: str, schema: str, *, today: dt.date
) -> Path:
    """Check the text as `tandem validate` would, then create the file; never replace one."""
    refusal = id_refusal(root, folder, ident)
    if refusal:
        raise TandemError([refusal])
    name = f"{ident}.yml"
    doc = load_bytes(text.encode(), f"{folder}/{name}")
    validated = validate_document(doc, schema)
    problems = list(validated.problems)
    if schema == "ad" and validated.record is not None:
        problems = list(ad_rules(validated.record, today))
    if problems:
        raise TandemError(problems)
    return _create(root, folder, name, text)


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
"""Create or fail: O_EXCL refuses any existing name, a symbolic link (even a dangling one)
included, so two runs at once cannot both write and none can write through a link."""


def _create(root: Path, folder: str, name: str, text: str) -> Path:
    directory = root / folder
    if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
        raise TandemError(
            [Problem(folder, 1, 1, f"{folder}/ is not a folder of this repository; restore it")]
        )
    directory.mkdir(exist_ok=True)
    path = directory / name
    try:
        handle = os.open(path, _CREATE, 0o644)
    except FileExistsError:  # another run was quicker, or a link appeared
        raise TandemError([_exists(f"{folder}/{name}", path.stem)]) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except OSError:  # a disk that is full: leave no half-written ad behind
        path.unlink(missing_ok=True)
        raise
    return path
