"""Schema and cross-file rules -> every Problem in every file, never just the first.

Each kind of file has one validator, built once. Schema errors are turned into messages a
contributor can act on, placed at the line of the offending key or value.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError, best_match
from jsonschema.protocols import Validator

from generator.ids import ADS, KINDS, PARTNERSHIPS, discover, id_problem
from generator.load import Document, JsonPath, LoadError, load_file
from generator.markdown_cost import markdown_hazard
from generator.model import PHASES
from generator.problems import MAX_PER_FILE, Problem

SCHEMA_OF = {ADS: "ad", PARTNERSHIPS: "partnership"}
ACTIVE_PHASES = ("planning", "learning", "closing")
MAX_MONTHS = 12
"""An ad's `expires` is at most this many months after its `posted`."""
POSTED_AHEAD_DAYS = 1
"""How far `posted` may run ahead of today: a day, for people east of the build's clock.
Without a limit an ad posted in 9999 would stay first among the newest and never expire."""


@dataclass
class Checked:
    """The outcome of reading and checking a tree: valid documents by kind and id, problems."""

    ads: dict[str, Document] = field(default_factory=dict)
    partnerships: dict[str, Document] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    seen: dict[str, dict[str, str]] = field(default_factory=lambda: {kind: {} for kind in KINDS})
    """Every id read per kind, valid or not, with its file: for duplicates and partner ids."""

    def documents(self, kind: str) -> dict[str, Document]:
        return self.ads if kind == "ads" else self.partnerships


def _markdown_keyword(
    validator: Validator, wanted: bool, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    """`x-markdown: true`: the text must be Markdown the site can render in time."""
    hazard = markdown_hazard(instance) if wanted and isinstance(instance, str) else None
    if hazard:
        yield ValidationError(
            f"line {hazard.line}, column {hazard.col} of the text: {hazard.message}"
        )


_TandemValidator: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, {"x-markdown": _markdown_keyword}
)


@cache
def schema_validator(name: str) -> Validator:
    """The one validator per schema, built on first use."""
    text = resources.files("generator").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return _TandemValidator(schema, format_checker=FormatChecker(formats=["date"]))


def iter_data_files(root: Path, kind: str) -> list[Path]:
    """The files of a kind that are read as data (see `generator.ids.discover`)."""
    return list(discover(root, kind).files)


def check_tree(root: Path, today: dt.date) -> Checked:
    """Load, schema-check and cross-check every ad and partnership log below `root`."""
    checked = Checked()
    for kind in KINDS:
        found = discover(root, kind)
        for path, message in found.refused:
            checked.problems.append(Problem(path.relative_to(root).as_posix(), 1, 1, message))
        for path in found.files:
            _check_file(checked, root, kind, path)
    checked.problems.extend(cross_check(checked, today))
    checked.problems.sort()
    return checked


def _check_file(checked: Checked, root: Path, kind: str, path: Path) -> None:
    display = path.relative_to(root).as_posix()
    ident = path.stem
    id_problem = _id_problem(display, ident, checked.seen[kind])
    checked.seen[kind].setdefault(ident, display)
    if id_problem:
        checked.problems.append(id_problem)
    if path.is_symlink():
        checked.problems.append(
            Problem(display, 1, 1, "symbolic links are not read; commit the file itself")
        )
        return
    if not path.is_file():  # a pipe or a device would block the read, or never end
        checked.problems.append(Problem(display, 1, 1, "not a regular file; commit a file"))
        return
    try:
        doc = load_file(path, display=display)
    except LoadError as exc:
        checked.problems.append(exc.problem)
        return
    except OSError as exc:
        checked.problems.append(
            Problem(display, 1, 1, f"cannot read the file: {exc.strerror or exc}")
        )
        return
    problems = check_document(doc, SCHEMA_OF[kind])
    checked.problems.extend(problems)
    if not problems and not id_problem:
        checked.documents(kind)[ident] = doc


def _id_problem(display: str, ident: str, seen: dict[str, str]) -> Problem | None:
    wrong = id_problem(ident)
    if wrong:
        return Problem(display, 1, 1, f"file name {wrong}")
    if ident in seen:
        return Problem(
            display, 1, 1, f"id '{ident}' is used twice ({seen[ident]}); rename one of the files"
        )
    return None


# --- schema ---------------------------------------------------------------------------------


def check_document(doc: Document, schema: str) -> list[Problem]:
    """Schema problems of one document; the data becomes JSON-shaped (dates as ISO strings).

    Every problem is returned; `capped` decides how many are shown. The schema sees lists
    cut to one item more than any schema allows, so a list of ten thousand entries costs
    no more than one of 201 (jsonschema's `uniqueItems` is quadratic on mappings) and is
    reported once, as too long, with its real length.
    """
    doc.data = _to_json(doc.data)
    validator = schema_validator(schema)
    errors = _errors(validator, _cut_lists(doc.data))
    if errors and _give_back_strings(doc, errors):
        errors = _errors(validator, _cut_lists(doc.data))
    return sorted({p for e in errors for p in _problems_of(doc, e)})


def check_field(schema: str, path: JsonPath, value: Any) -> list[str]:
    """Messages for one field's value, by that field's part of the schema.

    Lets `tandem new-ad` check each answer the moment it is given, with the schema's own
    rules and hints rather than a second copy of them.
    """
    validator = schema_validator(schema)
    part: Any = validator.schema
    for step in path:
        part = part["properties"][step]
    data = _to_json(value)
    errors = _errors(validator.evolve(schema=part), _cut_lists(data))
    return [
        _message(e, (*path, *e.absolute_path), entries=_length(data, tuple(e.absolute_path)))
        for e in errors
    ]


@cache
def longest_list() -> int:
    """The largest `maxItems` in any schema; every list in every schema must have one."""
    limits: list[int] = []
    for name in SCHEMA_OF.values():
        _collect_list_limits(schema_validator(name).schema, name, limits)
    return max(limits)


def _collect_list_limits(node: Any, where: str, limits: list[int]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "array":
            if not isinstance(node.get("maxItems"), int):
                raise ValueError(f"{where}: every list in a schema needs maxItems")
            limits.append(node["maxItems"])
        for key, child in node.items():
            _collect_list_limits(child, f"{where}/{key}", limits)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            _collect_list_limits(child, f"{where}/{index}", limits)


def _cut_lists(value: Any) -> Any:
    """A copy with every list cut to `longest_list() + 1` items: still too long for its
    schema, and cheap to check."""
    if isinstance(value, dict):
        return {key: _cut_lists(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_cut_lists(child) for child in value[: longest_list() + 1]]
    return value


def _errors(validator: Validator, data: Any) -> list[ValidationError]:
    """Every error, leaving out the items of a list that is too long already."""
    too_long: set[JsonPath] = set()
    kept: list[ValidationError] = []
    for error in validator.iter_errors(data):
        path = tuple(error.absolute_path)
        if any(path[:size] in too_long for size in range(len(path))):
            continue
        if error.validator == "maxItems":
            too_long.add(path)
        kept.append(error)
    return kept


def _to_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _give_back_strings(doc: Document, errors: list[ValidationError]) -> bool:
    """Where the schema wants a string, `012` or `true` is the text the author wrote."""
    changed = False
    for error in errors:
        path = tuple(error.absolute_path)
        wants_string = error.validator == "type" and "string" in _as_list(error.validator_value)
        if wants_string and doc.raw.get(path):
            _set(doc.data, path, doc.raw[path])
            changed = True
    return changed


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _set(data: Any, path: JsonPath, value: Any) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def _problems_of(doc: Document, error: ValidationError) -> Iterator[Problem]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        error = best_match(error.context)
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        yield from _unknown_keys(doc, error, path)
        return
    if error.validator == "required":
        yield from _missing_keys(doc, error, path)
        return
    line, col = doc.position(path, key=error.validator in _ABOUT_THE_LIST)
    yield Problem(doc.path, line, col, _message(error, path, entries=_length(doc.data, path)))


_ABOUT_THE_LIST = ("minItems", "maxItems", "uniqueItems")


def _unknown_keys(doc: Document, error: ValidationError, path: JsonPath) -> Iterator[Problem]:
    """One problem per unknown key; only the first ones by place can be shown, so only
    they get a `did you mean` (which costs a fuzzy comparison each)."""
    schema: Any = error.schema
    instance: Any = error.instance
    known = sorted(schema.get("properties", {}))
    places = sorted(
        (doc.position((*path, key), key=True), key) for key in set(instance) - set(known)
    )
    for index, ((line, col), key) in enumerate(places):
        hint = _known_hint(key, known) if index < MAX_PER_FILE else ""
        yield Problem(doc.path, line, col, f"{_where(path)}unknown field '{key}'{hint}")


def _known_hint(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(known)}"


def _missing_keys(doc: Document, error: ValidationError, path: JsonPath) -> Iterator[Problem]:
    line, col = doc.position(path)
    required: Any = error.validator_value
    instance: Any = error.instance
    for key in required:
        if key not in instance:
            yield Problem(
                doc.path, line, col, f"{_where(path)}missing required field '{key}'; add it"
            )


def _where(path: JsonPath) -> str:
    return f"{dotted(path)}: " if path else ""


def dotted(path: Iterable[str | int]) -> str:
    """`('offers', 1, 'level')` -> `offers[2].level`, counted as people count."""
    out = ""
    for step in path:
        out += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
}


def _length(data: Any, path: JsonPath) -> int | None:
    """How many entries the list at `path` really has (the schema saw it cut)."""
    for step in path:
        data = data[step]
    return len(data) if isinstance(data, list) else None


def _message(error: ValidationError, path: JsonPath, *, entries: int | None = None) -> str:
    field_name = dotted(path) or "file"
    value: Any = error.instance
    limit: Any = error.validator_value
    shown = _show(value)
    hint = error.schema.get("x-hint") if isinstance(error.schema, dict) else None
    kind = error.validator
    text: str
    if kind == "type":
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in _as_list(limit))
        text = (
            f"{field_name}: is empty; fill it in or remove the line"
            if value is None
            else f"{field_name}: {shown} is not {wanted}"
        )
    elif kind == "enum":
        allowed = ", ".join(_show_plain(v) for v in limit)
        text = f"{field_name}: {shown} is not one of: {allowed}"
    elif kind == "format":
        text = f"{field_name}: {shown} is not a date; write it as YYYY-MM-DD"
    elif kind in ("minimum", "exclusiveMinimum"):
        text = f"{field_name}: {shown} is less than the minimum {limit}"
    elif kind in ("maximum", "exclusiveMaximum"):
        text = f"{field_name}: {shown} is more than the maximum {limit}"
    elif kind == "minItems":
        text = f"{field_name}: needs at least {limit} entries"
    elif kind == "maxItems":
        text = f"{field_name}: has {entries or len(value)} entries; at most {limit} allowed"
    elif kind == "minLength":
        text = f"{field_name}: must not be empty"
    elif kind == "maxLength":
        text = f"{field_name}: is {len(value)} characters long; at most {limit} allowed"
    elif kind == "uniqueItems":
        text = f"{field_name}: lists the same entry twice"
    elif kind == "pattern":
        text = f"{field_name}: {shown} has the wrong form"
    else:
        text = f"{field_name}: {error.message}"
    return f"{text} ({hint})" if hint else text


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return _show_plain(value)


def _show_plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- rules across files ---------------------------------------------------------------------


def cross_check(checked: Checked, today: dt.date) -> list[Problem]:
    """The contract's rules that no schema can express; warnings included."""
    problems: list[Problem] = []
    for doc in checked.ads.values():
        problems.extend(ad_rules(doc, today))
    in_partnership: set[str] = set()
    for doc in checked.partnerships.values():
        problems.extend(_partnership_rules(doc, checked.ads, set(checked.seen["ads"]), today))
        if doc.data["phase"] != "closed":
            in_partnership.update(doc.data["partners"])
    for ident, doc in checked.ads.items():
        if doc.data["status"] == "matched" and ident not in in_partnership:
            line, col = doc.position(("status",))
            problems.append(
                Problem(
                    doc.path,
                    line,
                    col,
                    "status is 'matched' but no ongoing "
                    "partnership log names this ad; add the log or set "
                    "status: open",
                    "warning",
                )
            )
    return problems


def _date(doc: Document, path: JsonPath) -> dt.date | None:
    value: Any = doc.data
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def _problem(doc: Document, path: JsonPath, message: str, severity: str = "error") -> Problem:
    line, col = doc.position(path)
    return Problem(doc.path, line, col, message, severity)  # type: ignore[arg-type]


def ad_rules(doc: Document, today: dt.date) -> Iterator[Problem]:
    """The date rules of one schema-valid ad: posted by today, expires within 12 months."""
    posted, expires = _date(doc, ("posted",)), _date(doc, ("expires",))
    assert posted is not None and expires is not None
    if (posted - today).days > POSTED_AHEAD_DAYS:
        yield _problem(
            doc,
            ("posted",),
            f"posted: {posted} is after today ({today}); write the day you post the ad",
        )
    wrong = expiry_problem(posted, expires)
    if wrong:
        yield _problem(doc, ("expires",), wrong)


def expiry_problem(posted: dt.date, expires: dt.date) -> str | None:
    """Why `expires` cannot follow `posted`: not after it, or more than MAX_MONTHS later."""
    latest = _months_after(posted, MAX_MONTHS)
    if expires <= posted:
        return f"expires: {expires} must be after posted ({posted})"
    if latest is not None and expires > latest:
        return (
            f"expires: {expires} is more than {MAX_MONTHS} months after "
            f"posted ({posted}); choose {latest} or earlier"
        )
    return None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day.

    Raises OverflowError when that is past the last date there is (9999-12-31).
    """
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError(f"{months} months after {day} is past {dt.date.max}")
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _months_after(day: dt.date, months: int) -> dt.date | None:
    """`add_months`, or None when the calendar ends first (so no date is too late)."""
    try:
        return add_months(day, months)
    except OverflowError:
        return None


def _partnership_rules(
    doc: Document, ads: dict[str, Document], ad_files: set[str], today: dt.date
) -> Iterator[Problem]:
    data = doc.data
    partners: list[str] = data["partners"]
    yield from _partner_count(doc, data["format"], len(partners))
    for index, partner in enumerate(partners):
        if partner not in ads and partner not in ad_files:  # a broken ad has its own errors
            yield _problem(
                doc,
                ("partners", index),
                f"partners: no ad '{partner}' in ads/; use the id of an existing ad",
            )
    yield from _people_are_partners(doc, set(partners))
    yield from _phase_requirements(doc)
    yield from _dates_in_order(doc)
    planned_end = _date(doc, ("planned_end",))
    if data["phase"] in ("planning", "learning") and planned_end and planned_end < today:
        yield _problem(
            doc,
            ("planned_end",),
            f"planned_end {planned_end} has passed while the "
            f"phase is still '{data['phase']}'; move the "
            "phase on or the date out",
            "warning",
        )


def _partner_count(doc: Document, form: str, count: int) -> Iterator[Problem]:
    if form == "tandem" and count != 2:
        yield _problem(
            doc,
            ("partners",),
            f"partners: a tandem has exactly 2 partners, "
            f"this log names {count}; use wol-circle or "
            "lernos-circle for 3 to 5",
        )
    elif form != "tandem" and not 3 <= count <= 5:
        yield _problem(
            doc, ("partners",), f"partners: a {form} has 3 to 5 partners, this log names {count}"
        )


def _people_are_partners(doc: Document, partners: set[str]) -> Iterator[Problem]:
    for path, person in _people(doc.data):
        if person not in partners:
            yield _problem(
                doc,
                path,
                f"{dotted(path)}: '{person}' is not one of the partners "
                f"({', '.join(sorted(partners))})",
            )


def _people(data: dict[str, Any]) -> Iterator[tuple[JsonPath, str]]:
    for i, goal in enumerate(data.get("goals", [])):
        yield ("goals", i, "partner"), goal["partner"]
    for i, package in enumerate(data.get("packages", [])):
        yield ("packages", i, "teacher"), package["teacher"]
        for j, learner in enumerate(package["learners"]):
            yield ("packages", i, "learners", j), learner
    for i, entry in enumerate(data.get("journal", [])):
        yield ("journal", i, "author"), entry["author"]


_REQUIRED_FROM = {
    "planned_end": "planning",
    "goals": "planning",
    "packages": "learning",
    "closing": "closed",
}


def _phase_requirements(doc: Document) -> Iterator[Problem]:
    phase = doc.data["phase"]
    for key, from_phase in _REQUIRED_FROM.items():
        if PHASES.index(phase) >= PHASES.index(from_phase) and key not in doc.data:
            yield _problem(
                doc,
                ("phase",),
                f"phase '{phase}' needs '{key}' (required from the {from_phase} phase on); add it",
            )


def _dates_in_order(doc: Document) -> Iterator[Problem]:
    started = _date(doc, ("started",))
    closing = _date(doc, ("closing", "date"))
    assert started is not None
    for path in _dated_paths(doc.data):
        day = _date(doc, path)
        if day is None:
            continue
        if day < started:
            yield _problem(doc, path, f"{dotted(path)}: {day} is before started ({started})")
        elif closing and day > closing and path[0] not in ("closing", "planned_end"):
            yield _problem(doc, path, f"{dotted(path)}: {day} is after closing.date ({closing})")


def _dated_paths(data: dict[str, Any]) -> Iterator[JsonPath]:
    yield ("planned_end",)
    for i, goal in enumerate(data.get("goals", [])):
        for j, _ in enumerate(goal.get("milestones", [])):
            yield ("goals", i, "milestones", j, "due")
    for i, _ in enumerate(data.get("packages", [])):
        yield ("packages", i, "due")
    for i, _ in enumerate(data.get("journal", [])):
        yield ("journal", i, "date")
    yield ("closing", "date")
