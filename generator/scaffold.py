"""New ads and partnership logs, valid from the start and with the schema modeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from generator.ids import ID_PATTERN, SUFFIXES, slugify
from generator.load import load_bytes
from generator.model import LEVELS
from generator.problems import Problem, TandemError
from generator.validate import add_months, check_document

DEFAULT_LEVEL = "advanced"
DEFAULT_MONTHS = 6


def parse_offer(text: str) -> dict[str, str]:
    """`Python:expert` -> skill and level; without a known level, the default level."""
    skill, _, level = text.rpartition(":")
    if skill and level.strip().lower() in LEVELS:
        return {"skill": skill.strip(), "level": level.strip().lower()}
    return {"skill": text.strip(), "level": DEFAULT_LEVEL}


def parse_seek(text: str) -> dict[str, str]:
    """`Public speaking:Give a talk at the all-hands` -> skill and goal."""
    skill, sep, goal = text.partition(":")
    return (
        {"skill": skill.strip(), "goal": goal.strip()}
        if sep and goal.strip()
        else {"skill": text.strip()}
    )


def ad_data(
    *,
    name: str,
    owner: str,
    location: str,
    languages: list[str],
    offers: list[str],
    seeks: list[str],
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
        "offers": [parse_offer(o) for o in offers],
        "seeks": [parse_seek(s) for s in seeks],
        "commitment": {
            "hours_per_week": int(hours) if hours == int(hours) else hours,
            "weeks": weeks,
        },
    }
    if available_from:
        data["available_from"] = available_from
    data |= {
        "posted": today,
        "expires": expires or add_months(today, DEFAULT_MONTHS),
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


def to_yaml(data: dict[str, Any], kind: str) -> str:
    """YAML with the schema modeline; PyYAML quotes what would otherwise change type."""
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return f"# yaml-language-server: $schema=../generator/schemas/{kind}.schema.json\n{body}"


def write_new(root: Path, folder: str, ident: str, text: str, kind: str) -> Path:
    """Check the text as `tandem validate` would, then write it; refuse an existing id."""
    if not ID_PATTERN.match(ident):
        raise TandemError(
            [
                Problem(
                    f"{folder}/{ident}.yml",
                    1,
                    1,
                    f"'{ident}' is not a valid id; use lowercase letters, digits and hyphens",
                )
            ]
        )
    for suffix in SUFFIXES:
        existing = root / folder / f"{ident}{suffix}"
        if existing.exists():
            raise TandemError(
                [
                    Problem(
                        f"{folder}/{ident}{suffix}",
                        1,
                        1,
                        f"'{ident}' exists already; choose another id (--id) or edit that file",
                    )
                ]
            )
    path = root / folder / f"{ident}.yml"
    doc = load_bytes(text.encode(), f"{folder}/{ident}.yml")
    problems = check_document(doc, kind)
    if problems:
        raise TandemError(problems)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def ad_id_for(name: str) -> str:
    return slugify(name)
