"""Schema and cross-file rules -> every Problem in every file, never just the first.

Each schema has one validator, built once, and a fast one that only says whether a file is
valid: most files are, and only the others need jsonschema's errors. Schema errors are
turned into messages a contributor can act on, placed at the line of the offending key or
value. A valid file comes back as a frozen `Record` with data of its own; the loaded
`Document` is never changed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from generator.data.ids import ADS, PARTNERSHIPS, Found, discover, id_problem
from generator.data.load import (
    Document,
    JsonPath,
    LoadError,
    load_bytes,
    load_file,
    read_capped,
    read_plain,
)
from generator.data.markdown_cost import markdown_hazard
from generator.data.model import PHASES
from generator.data.pool import PARALLEL_FROM, checked_in_order
from generator.data.problems import MAX_PER_FILE, Problem

# jsonschema is imported where a validator is built (0.05 s): a run whose every check was
# kept from the last run builds none.
if TYPE_CHECKING:
    from jsonschema import FormatChecker
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

SCHEMA_OF = {ADS: "ad", PARTNERSHIPS: "partnership"}
ACTIVE_PHASES = ("planning", "learning", "closing")
MAX_MONTHS = 12
"""An ad's `expires` is at most this many months after its `posted`."""
PARTNERS_PER_FORMAT = {"tandem": (2, 2), "wol-circle": (3, 5), "lernos-circle": (3, 5)}
"""How many partners a log of each format names, at least and at most."""
POSTED_AHEAD_DAYS = 1
"""How far `posted` may run ahead of today: a day, for people east of the build's clock.
Without a limit an ad posted in 9999 would stay first among the newest and never expire."""


@dataclass(frozen=True)
class Record:
    """One file that passed its schema: its id, its validated data, and its source.

    `data` is typed: dates are `datetime.date` (as loaded, or read once from a quoted date),
    and wherever the schema wants text it is the text the author wrote (`012`, `yes`). It
    shares its unchanged parts with `source.data`; no stage changes either.
    `source` is the file as loaded, kept for the places of later messages.
    """

    id: str
    data: Mapping[str, Any]
    source: Document

    @property
    def path(self) -> str:
        return self.source.path

    def position(self, path: JsonPath, *, key: bool = False) -> tuple[int, int]:
        return self.source.position(path, key=key)


@dataclass(frozen=True)
class Validated:
    """The outcome of checking one document: its problems, or its record when it has none."""

    problems: tuple[Problem, ...]
    record: Record | None


@dataclass(frozen=True)
class CheckedTree:
    """The outcome of reading and checking a tree: valid records by id, every problem."""

    ads: Mapping[str, Record]
    partnerships: Mapping[str, Record]
    ad_ids: frozenset[str]
    """The id of every ad file, valid or not: a log naming a broken ad is not told it is
    missing (the ad has errors of its own)."""
    problems: tuple[Problem, ...]


def _markdown_keyword(
    validator: Validator, wanted: bool, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    """`x-markdown: true`: the text must be Markdown the site can render in time."""
    hazard = markdown_hazard(instance) if wanted and isinstance(instance, str) else None
    if hazard:
        from jsonschema import exceptions

        yield exceptions.ValidationError(
            f"line {hazard.line}, column {hazard.col} of the text: {hazard.message}"
        )


@cache
def _formats() -> FormatChecker:
    from jsonschema import FormatChecker

    return FormatChecker(formats=["date"])


@cache
def _tandem_validator() -> type[Validator]:
    """Draft 2020-12 with `x-markdown`."""
    from jsonschema import Draft202012Validator, validators

    tandem: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, {"x-markdown": _markdown_keyword}
    )
    return tandem


@cache
def schema_of(name: str) -> dict[str, Any]:
    """A schema as written in generator/schemas/, read once; nothing changes it. Reading a
    bound from it needs no validator (the command line's help shows some)."""
    text = resources.files("generator").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def schema_validator(name: str) -> Validator:
    """The one validator per schema, built on first use."""
    schema = schema_of(name)
    validator = _tandem_validator()
    validator.check_schema(schema)
    return validator(schema, format_checker=_formats())


class _MarkdownKeyword:
    """`x-markdown` for the fast validator: the same test as `_markdown_keyword`."""

    def __init__(self, parent: dict[str, Any], wanted: Any, schema_path: list[str | int]) -> None:
        self.wanted = wanted is True

    def validate(self, instance: Any) -> None:
        if self.wanted and isinstance(instance, str) and markdown_hazard(instance):
            raise ValueError("Markdown the site cannot render in time")


@cache
def fast_validator(name: str) -> jsonschema_rs.Validator:
    """The same schema compiled by jsonschema-rs, for the yes/no question only.

    Nearly every file is valid, and jsonschema-rs answers that in a fraction of jsonschema's
    time. Its answer is trusted only when it is yes; a no sends the file to jsonschema, whose
    errors make the messages. Dates are checked by jsonschema's own test, which is stricter
    than jsonschema-rs's (it refuses the year 0), and `x-markdown` by the same function;
    tests/test_fast_schema.py holds the two validators to the same verdict.
    """
    schema: Any = schema_validator(name).schema
    formats = _formats()
    return jsonschema_rs.Draft202012Validator(
        schema,
        validate_formats=True,
        formats={"date": lambda text: formats.conforms(text, "date")},
        keywords={"x-markdown": _MarkdownKeyword},
    )


def iter_data_files(root: Path, folder: str) -> list[Path]:
    """The files of a data folder that are read as data (see `generator.data.ids.discover`)."""
    return list(discover(root, folder).files)


CheckFile = Callable[[Path, str, str], "Validated"]
"""(path, path as shown, schema) -> the file's check; a preview passes one that remembers."""
CheckFiles = Callable[[Sequence[tuple[Path, str, str]]], list["Validated"]]
"""The same for a list of files, in its order; the commands pass one that keeps checks on
disk (`generator.data.kept.StoredChecks.checked`)."""


def check_tree(
    root: Path,
    today: dt.date,
    *,
    check_file: CheckFile | None = None,
    check_files: CheckFiles | None = None,
    parallel_from: int = PARALLEL_FROM,
) -> CheckedTree:
    """Load, schema-check and cross-check every ad and partnership log below `root`.

    The files are checked each on its own, on two cores for a large tree (see
    `generator.data.pool`); the rules across files run here, on what came back in order.
    A preview passes its own `check_file`, which checks again only what changed; it runs
    here, in one process. The commands pass `check_files`, which does the same with the
    checks of the last run kept on disk.
    """
    found = {folder: discover(root, folder) for folder in SCHEMA_OF}
    tasks = [
        (path, f"{folder}/{path.name}", SCHEMA_OF[folder])  # as `_shown` shows it
        for folder, inside in found.items()
        for path in inside.files
    ]
    if check_file is not None:
        build_validators()
        results = [check_file(*task) for task in tasks]
    elif check_files is not None:  # builds them when a file is to be checked
        results = check_files(tasks)
    else:
        build_validators()
        results = checked_in_order(_check_task, tasks, parallel_from=parallel_from)
    checked = zip((display for _, display, _ in tasks), results, strict=True)
    ads, ad_ids, problems = _folder_outcome(root, found[ADS], checked)
    partnerships, _, log_problems = _folder_outcome(root, found[PARTNERSHIPS], checked)
    problems += log_problems
    problems += cross_check(ads, partnerships, ad_ids, today)
    return CheckedTree(ads, partnerships, ad_ids, tuple(sorted(problems)))


def build_validators() -> None:
    """Build every validator now: once, before a fork, so both processes have them."""
    for schema in SCHEMA_OF.values():
        fast_validator(schema)
        _date_places(schema)
    longest_list()


def _check_task(task: tuple[Path, str, str]) -> Validated:
    return check_file(*task)


def check_file(path: Path, display: str, schema: str) -> Validated:
    """Load and schema-check one data file, shown as `display`: its problems, or its record.

    Needs no other file: whether its id is one and is used once is the folder's question.
    """
    loaded = _load(path, display)
    if isinstance(loaded, Problem):
        return Validated((loaded,), None)
    return validate_document(loaded, schema)


def _folder_outcome(
    root: Path, found: Found, checked: Iterator[tuple[str, Validated]]
) -> tuple[dict[str, Record], frozenset[str], list[Problem]]:
    """The valid records of one data folder by id, the id of every file in it, its problems;
    `checked` gives each of its files in turn as shown, and the outcome of its check."""
    problems = [Problem(_shown(root, p), 1, 1, message) for p, message in found.refused]
    records: dict[str, Record] = {}
    first_file: dict[str, str] = {}  # id -> the first file with that id, for duplicates
    for path in found.files:
        display, validated = next(checked)
        named = _id_problem(display, path.stem, first_file)
        first_file.setdefault(path.stem, display)
        file_problems = [named, *validated.problems] if named else list(validated.problems)
        problems += file_problems
        if validated.record is not None and not file_problems:
            records[validated.record.id] = validated.record
    return records, frozenset(first_file), problems


def _shown(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def read_data_file(path: Path, display: str) -> bytes | Problem:
    """The bytes of a data file as `load_file` reads them, or why it is not read."""
    data = read_plain(path)
    if data is not None:
        return data
    refused = _refused(path, display)
    if refused is not None:
        return refused
    try:
        return read_capped(path)
    except OSError as exc:
        return _unreadable(display, exc)


def check_bytes(data: bytes, display: str, schema: str) -> Validated:
    """`check_file` for the bytes `read_data_file` gave."""
    try:
        return validate_document(load_bytes(data, display), schema)
    except LoadError as exc:
        return Validated((exc.problem,), None)


def _load(path: Path, display: str) -> Document | Problem:
    refused = _refused(path, display)
    if refused is not None:
        return refused
    try:
        return load_file(path, display=display)
    except LoadError as exc:
        return exc.problem
    except OSError as exc:
        return _unreadable(display, exc)


def _refused(path: Path, display: str) -> Problem | None:
    try:
        mode = os.lstat(path).st_mode  # one look, as Path.is_symlink and is_file took two
    except OSError:
        mode = 0
    if stat.S_ISLNK(mode):
        return Problem(display, 1, 1, "symbolic links are not read; commit the file itself")
    if not stat.S_ISREG(mode):  # a pipe or a device would block the read, or never end
        return Problem(display, 1, 1, "not a regular file; commit a file")
    return None


def _unreadable(display: str, exc: OSError) -> Problem:
    return Problem(display, 1, 1, f"cannot read the file: {exc.strerror or exc}")


def _id_problem(display: str, ident: str, seen: Mapping[str, str]) -> Problem | None:
    wrong = id_problem(ident)
    if wrong:
        return Problem(display, 1, 1, f"file name {wrong}")
    if ident in seen:
        return Problem(
            display, 1, 1, f"id '{ident}' is used twice ({seen[ident]}); rename one of the files"
        )
    return None


# --- schema ---------------------------------------------------------------------------------


def validate_document(doc: Document, schema: str) -> Validated:
    """Schema problems of one document, or its record; `doc` is read, never changed.

    Every problem is returned; `capped` decides how many are shown. The schema sees lists
    cut to one item more than any schema allows, so a list of ten thousand entries costs
    no more than one of 201 (jsonschema's `uniqueItems` is quadratic on mappings) and is
    reported once, as too long, with its real length.
    """
    seen = _document_as_schema_sees(doc)
    errors = _schema_errors(schema, seen)
    given_back = _strings_given_back(doc, errors)
    if given_back:
        seen = _replaced(seen, given_back)
        errors = _schema_errors(schema, seen)
    if errors:
        problems = sorted({p for e in errors for p in _problems_of(doc, e)})
        return Validated(tuple(problems), None)
    data = _typed(doc, schema, given_back)
    return Validated((), Record(PurePosixPath(doc.path).stem, data, doc))


def check_document(doc: Document, schema: str) -> list[Problem]:
    """Schema problems of one document (see `validate_document`)."""
    return list(validate_document(doc, schema).problems)


def check_field(schema: str, path: JsonPath, value: Any) -> list[str]:
    """Messages for one field's value, by that field's part of the schema.

    Lets `tandem new-ad` check each answer the moment it is given, with the schema's own
    rules and hints rather than a second copy of them.
    """
    validator = schema_validator(schema)
    part: Any = validator.schema
    for step in path:
        part = part["properties"][step]
    errors = _errors(validator.evolve(schema=part), _as_schema_sees(value))
    return [
        _message(e, (*path, *e.absolute_path), entries=_length(value, tuple(e.absolute_path)))
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


def _as_schema_sees(value: Any) -> Any:
    """A JSON-shaped copy: dates as ISO text, and every list cut to `longest_list() + 1`
    items (still too long for its schema, and cheap to check)."""
    return _json_copy(value, longest_list() + 1)


def _document_as_schema_sees(doc: Document) -> Any:
    """`_as_schema_sees(doc.data)`, made cheaply when no list in the file can be cut: then
    only the dates change (each is a value that did not load as text, so in `doc.raw`), and
    the rest is the loaded data itself, which the schema reads and never changes (12,000
    files: 0.15 -> 0.11 s of CPU). A list has at most one item per `-` or `,` in the text,
    plus one."""
    text = doc.text
    if not text or text.count("-") + text.count(",") + 1 > longest_list() + 1:
        return _as_schema_sees(doc.data)
    dates: dict[JsonPath, str] = {}
    for path, written in doc.raw.items():
        if len(written) == 10:  # a loaded date was written YYYY-MM-DD: the cheap test first
            value = _at(doc.data, path)
            if isinstance(value, dt.date):
                dates[path] = value.isoformat()
    return _replaced(doc.data, dates)


def _json_copy(value: Any, items: int) -> Any:
    if type(value) is str:  # most values: checked first, as this runs on every value
        return value
    if isinstance(value, dict):
        return {key: _json_copy(child, items) for key, child in value.items()}
    if isinstance(value, list):
        return [_json_copy(child, items) for child in value[:items]]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _schema_errors(schema: str, data: Any) -> list[ValidationError]:
    """`_errors`, asked only when the fast validator finds the data not valid."""
    if fast_validator(schema).is_valid(data):
        return []
    return _errors(schema_validator(schema), data)


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


def _strings_given_back(doc: Document, errors: list[ValidationError]) -> dict[JsonPath, str]:
    """Where the schema wants a string, `012` or `true` is the text the author wrote."""
    given: dict[JsonPath, str] = {}
    for error in errors:
        path = tuple(error.absolute_path)
        wants_string = error.validator == "type" and "string" in _as_list(error.validator_value)
        if wants_string and doc.raw.get(path):
            given[path] = doc.raw[path]
    return given


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


DatePlaces = bool | dict[str, "DatePlaces"] | list["DatePlaces"]
"""Where a schema wants dates: True here, a mapping by field, or `[places]` in each item."""


@cache
def _date_places(schema: str) -> DatePlaces:
    root: Any = schema_validator(schema).schema
    return _dates_below(root, root)


def _dates_below(node: Any, root: Any) -> DatePlaces:
    ref = node.get("$ref", "")
    if ref.startswith("#/$defs/"):
        node = root["$defs"][ref.removeprefix("#/$defs/")]
    if node.get("format") == "date":
        return True
    if "items" in node:
        below = _dates_below(node["items"], root)
        return [below] if below else False
    fields = {key: _dates_below(child, root) for key, child in node.get("properties", {}).items()}
    return {key: below for key, below in fields.items() if below}


def _typed(doc: Document, schema: str, given_back: Mapping[JsonPath, str]) -> dict[str, Any]:
    """The loaded data as the schema accepted it: text where it wants text, dates as dates.

    A date the loader read is kept as it is; only a quoted date (text) is read here, once.
    Only the containers on the way to a changed value are new: the rest is the loaded data,
    which no stage changes.
    """
    places = _date_places(schema)
    changes: dict[JsonPath, Any] = dict(given_back)
    for path, text in doc.raw.items():  # a plain scalar that did not load as text
        # a loaded date was written YYYY-MM-DD: ten characters, the cheap test first
        if len(text) == 10 and not _is_date_place(places, path):
            value = _at(doc.data, path)
            if isinstance(value, dt.date):
                changes[path] = value.isoformat()
    for path, text in _texts_at(doc.data, places, ()):
        changes[path] = dt.date.fromisoformat(text)
    replaced: dict[str, Any] = _replaced(doc.data, changes)
    return replaced


def _is_date_place(places: DatePlaces, path: JsonPath) -> bool:
    for step in path:
        if isinstance(places, list):
            places = places[0]
        elif isinstance(places, dict) and isinstance(step, str):
            places = places.get(step, False)
        else:
            return False
    return places is True


def _at(data: Any, path: JsonPath) -> Any:
    for step in path:
        data = data[step]
    return data


def _texts_at(data: Any, places: DatePlaces, path: JsonPath) -> Iterator[tuple[JsonPath, str]]:
    """Every date written as quoted text, with its path."""
    if places is True and isinstance(data, str):
        yield path, data
    elif isinstance(places, list) and isinstance(data, list):
        for index, item in enumerate(data):
            yield from _texts_at(item, places[0], (*path, index))
    elif isinstance(places, dict) and isinstance(data, dict):
        for key, below in places.items():
            if key in data:
                yield from _texts_at(data[key], below, (*path, key))


def _replaced(data: Any, changes: Mapping[JsonPath, Any]) -> Any:
    """`data` with the value at each path of `changes` replaced; untouched parts shared."""
    if not changes:
        return data
    if () in changes:
        return changes[()]
    below: dict[Any, dict[JsonPath, Any]] = {}
    for path, value in changes.items():
        below.setdefault(path[0], {})[path[1:]] = value
    copy = dict(data) if isinstance(data, dict) else list(data)
    for step, inner in below.items():
        copy[step] = _replaced(data[step], inner)
    return copy


def _problems_of(doc: Document, error: ValidationError) -> Iterator[Problem]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match

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
    keyword = error.validator
    text: str
    if keyword == "type":
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in _as_list(limit))
        text = (
            f"{field_name}: is empty; fill it in or remove the line"
            if value is None
            else f"{field_name}: {shown} is not {wanted}"
        )
    elif keyword == "enum":
        allowed = ", ".join(_show_plain(v) for v in limit)
        text = f"{field_name}: {shown} is not one of: {allowed}"
    elif keyword == "format":
        text = f"{field_name}: {shown} is not a date; write it as YYYY-MM-DD"
    elif keyword in ("minimum", "exclusiveMinimum"):
        text = f"{field_name}: {shown} is less than the minimum {limit}"
    elif keyword in ("maximum", "exclusiveMaximum"):
        text = f"{field_name}: {shown} is more than the maximum {limit}"
    elif keyword == "minItems":
        text = f"{field_name}: needs at least {limit} entries"
    elif keyword == "maxItems":
        text = f"{field_name}: has {entries or len(value)} entries; at most {limit} allowed"
    elif keyword == "minLength":
        text = f"{field_name}: must not be empty"
    elif keyword == "maxLength":
        text = f"{field_name}: is {len(value)} characters long; at most {limit} allowed"
    elif keyword == "uniqueItems":
        text = f"{field_name}: lists the same entry twice"
    elif keyword == "pattern":
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


def cross_check(
    ads: Mapping[str, Record],
    partnerships: Mapping[str, Record],
    ad_ids: frozenset[str],
    today: dt.date,
) -> list[Problem]:
    """The contract's rules that no schema can express; warnings included."""
    problems: list[Problem] = []
    for record in ads.values():
        problems.extend(ad_rules(record, today))
    in_partnership: set[str] = set()
    for record in partnerships.values():
        problems.extend(_partnership_rules(record, ads, ad_ids, today))
        if record.data["phase"] != "closed":
            in_partnership.update(record.data["partners"])
    for ident, record in ads.items():
        if record.data["status"] == "matched" and ident not in in_partnership:
            line, col = record.position(("status",))
            problems.append(
                Problem(
                    record.path,
                    line,
                    col,
                    "status is 'matched' but no ongoing "
                    "partnership log names this ad; add the log or set "
                    "status: open",
                    "warning",
                )
            )
    return problems


def _date(record: Record, path: JsonPath) -> dt.date | None:
    value: Any = record.data
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return value if isinstance(value, dt.date) else None


def _problem(record: Record, path: JsonPath, message: str, severity: str = "error") -> Problem:
    line, col = record.position(path)
    return Problem(record.path, line, col, message, severity)  # type: ignore[arg-type]


def ad_rules(record: Record, today: dt.date) -> Iterator[Problem]:
    """The date rules of one schema-valid ad: posted by today, expires within 12 months."""
    posted, expires = _date(record, ("posted",)), _date(record, ("expires",))
    assert posted is not None and expires is not None
    if (posted - today).days > POSTED_AHEAD_DAYS:
        yield _problem(
            record,
            ("posted",),
            f"posted: {posted} is after today ({today}); write the day you post the ad",
        )
    wrong = expiry_problem(posted, expires)
    if wrong:
        yield _problem(record, ("expires",), wrong)


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
    record: Record, ads: Mapping[str, Record], ad_files: frozenset[str], today: dt.date
) -> Iterator[Problem]:
    data = record.data
    partners: list[str] = data["partners"]
    yield from _partner_count(record, data["format"], len(partners))
    for index, partner in enumerate(partners):
        if partner not in ads and partner not in ad_files:  # a broken ad has its own errors
            yield _problem(
                record,
                ("partners", index),
                f"partners: no ad '{partner}' in ads/; use the id of an existing ad",
            )
    yield from _people_are_partners(record, set(partners))
    yield from _phase_requirements(record)
    yield from _dates_in_order(record)
    planned_end = _date(record, ("planned_end",))
    if data["phase"] in ("planning", "learning") and planned_end and planned_end < today:
        yield _problem(
            record,
            ("planned_end",),
            f"planned_end {planned_end} has passed while the "
            f"phase is still '{data['phase']}'; move the "
            "phase on or the date out",
            "warning",
        )


def _partner_count(record: Record, form: str, count: int) -> Iterator[Problem]:
    least, most = PARTNERS_PER_FORMAT[form]
    if form == "tandem" and count != 2:
        yield _problem(
            record,
            ("partners",),
            f"partners: a tandem has exactly {least} partners, "
            f"this log names {count}; use wol-circle or "
            "lernos-circle for 3 to 5",
        )
    elif not least <= count <= most:
        yield _problem(
            record,
            ("partners",),
            f"partners: a {form} has {least} to {most} partners, this log names {count}",
        )


def _people_are_partners(record: Record, partners: set[str]) -> Iterator[Problem]:
    for path, person in _people(record.data):
        if person not in partners:
            yield _problem(
                record,
                path,
                f"{dotted(path)}: '{person}' is not one of the partners "
                f"({', '.join(sorted(partners))})",
            )


def _people(data: Mapping[str, Any]) -> Iterator[tuple[JsonPath, str]]:
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


def _phase_requirements(record: Record) -> Iterator[Problem]:
    phase = record.data["phase"]
    for key, from_phase in _REQUIRED_FROM.items():
        if PHASES.index(phase) >= PHASES.index(from_phase) and key not in record.data:
            yield _problem(
                record,
                ("phase",),
                f"phase '{phase}' needs '{key}' (required from the {from_phase} phase on); add it",
            )


def _dates_in_order(record: Record) -> Iterator[Problem]:
    started = _date(record, ("started",))
    closing = _date(record, ("closing", "date"))
    assert started is not None
    for path in _dated_paths(record.data):
        day = _date(record, path)
        if day is None:
            continue
        if day < started:
            yield _problem(record, path, f"{dotted(path)}: {day} is before started ({started})")
        elif closing and day > closing and path[0] not in ("closing", "planned_end"):
            yield _problem(record, path, f"{dotted(path)}: {day} is after closing.date ({closing})")


def _dated_paths(data: Mapping[str, Any]) -> Iterator[JsonPath]:
    yield ("planned_end",)
    for i, goal in enumerate(data.get("goals", [])):
        for j, _ in enumerate(goal.get("milestones", [])):
            yield ("goals", i, "milestones", j, "due")
    for i, _ in enumerate(data.get("packages", [])):
        yield ("packages", i, "due")
    for i, _ in enumerate(data.get("journal", [])):
        yield ("journal", i, "date")
    yield ("closing", "date")
