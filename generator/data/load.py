"""YAML text -> plain data plus the line and column of every key and value.

Every file comes from a pull request by any employee, so the loader trusts nothing: it
refuses anchors and aliases (YAML bombs), merge keys, duplicate keys, explicit tags
(`!!python/object` and friends), non-UTF-8 bytes, empty files, top levels that are not
mappings, files over a size cap and nesting past a depth cap. It builds values from the
parser's event stream itself (no PyYAML constructor runs), with libyaml where present and
the pure-Python parser deciding whenever libyaml refuses a text.

Places are found lazily: a file is loaded by a lean pass over the events that keeps only the
data, and the text is kept so that the line and column of every key and value are found by a
second pass over the same text when a message first needs one (a few hundred files of many
thousand). Whatever the lean pass does not take as ordinary (an error, a tag, an anchor) is
left to the pass that knows every place, so every message is the one it always gave.

Plain scalars resolve as YAML 1.2 does, so `NO`, `yes` and `on` stay strings; `true` and
`false` are booleans, numbers are numbers and `2027-03-31` is a date. Where the schema wants
a string and a plain scalar resolved to something else (`012`, `2027-01-01`), the source text
is kept in `Document.raw` so validation can give the string back as the author wrote it.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from generator.data.problems import Problem

MAX_BYTES = 256 * 1024
MAX_DEPTH = 16

# The pure-Python parser is the reference; libyaml only makes the common case ten times
# faster. libyaml refuses some texts before the loader's rules see them: since 0.2.6 its
# scanner stops flow nesting at 1,000 levels while reading up to 1,024 characters ahead of
# the parser, so `name: [[[[…` failed at column 1006 with libyaml's message instead of the
# depth rule at the 17th level. So whenever libyaml refuses a text, the reference parser
# (no nesting limit of its own) reads it again and decides: the answer is the same
# whichever libyaml is installed, or none.
REFERENCE_LOADER: type[yaml.SafeLoader] = yaml.SafeLoader
try:
    FAST_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    FAST_LOADER = yaml.SafeLoader

JsonPath = tuple[str | int, ...]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]{1,18}$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_NOT_TEXT_STARTS = frozenset("~nNtTfF+-.0123456789")
"""The first characters of every plain scalar that resolves to something other than text:
null, `~`, true, false, numbers and dates. Any other text is text without a pattern tried."""
# What YAML cannot read, plus the line breaks (U+0085, U+2028, U+2029) that would make
# reported line numbers disagree with every editor.
_NON_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
# The same characters written as escapes in a quoted value ("\x1b", "\u2028"), and lone
# surrogates ("\ud83e", half of an emoji) that no UTF-8 page or file can hold.
NON_PRINTABLE_VALUE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]"
)


Place = tuple[int, int]
"""A 1-based line and column."""


@dataclass(frozen=True)
class Places:
    """Where each value and key of a loaded file stands."""

    values: Mapping[JsonPath, Place]
    keys: Mapping[JsonPath, Place]


@dataclass(frozen=True)
class Document:
    """A loaded file: its data, the text of values that did not load as text, and the text it
    was loaded from, where `places` finds each key and value on first use.

    Later stages read it and never change it: validation hands back data of its own. The
    places come from the kept text, not from the file again, so a file changed or removed
    since it was loaded cannot move a message.
    """

    path: str
    data: dict[str, Any]
    raw: Mapping[JsonPath, str] = field(default_factory=dict)
    text: str = field(default="", repr=False)

    @cached_property
    def _asked(self) -> list[None]:
        """One entry per place found by reading up to it, before `places` takes over (a
        cache like `places`, not a field: the document itself never changes)."""
        return []

    @cached_property
    def places(self) -> Places:
        try:
            return _Builder(self.path, self.text).places()
        except LoadError:  # never for a loaded text; a Document made without one
            return Places({}, {})

    @property
    def values(self) -> Mapping[JsonPath, Place]:
        return self.places.values

    @property
    def keys(self) -> Mapping[JsonPath, Place]:
        return self.places.keys

    @cached_property
    def found(self) -> dict[tuple[JsonPath, bool], Place]:
        """Every place asked for so far, by path and whether it was the key's (a cache like
        `places`); checks kept on disk bring the places an earlier run found in this text."""
        return {}

    def position(self, path: JsonPath, *, key: bool = False) -> Place:
        """Where `path` stands; the key when asked and known, else the nearest known value.

        Most files need one place or two (a warning at a skill), found by reading the text up
        to it; past `TARGETED_PLACES` the file's whole map is built once, so a file with
        thousands of messages is read a bounded number of times.
        """
        asked = (path, key)
        place = self.found.get(asked)
        if place is None:
            place = self.found[asked] = self._position(path, key=key)
        return place

    def _position(self, path: JsonPath, *, key: bool) -> Place:
        if "places" not in self.__dict__ and len(self._asked) < TARGETED_PLACES:
            self._asked.append(None)
            wanted, as_key = _known_path(self.data, path, key=key)
            place = _place_in(self.text, wanted, key=as_key)
            if place is not None:
                return place
        places = self.places
        if key and path in places.keys:
            return places.keys[path]
        while path not in places.values and path:
            path = path[:-1]
        return places.values.get(path, (1, 1))


TARGETED_PLACES = 3
"""How many places of one file are found by reading up to each before its map is built."""


def _known_path(data: Any, path: JsonPath, *, key: bool) -> tuple[JsonPath, bool]:
    """The path whose place `Document.position` gives, and whether it is a key's: `path`'s
    key when asked and it is one, else the longest start of `path` that has a value."""
    node = data
    for depth, step in enumerate(path):
        in_mapping = type(node) is dict and type(step) is str and step in node
        in_list = type(node) is list and type(step) is int and 0 <= step < len(node)
        if not (in_mapping or in_list):
            return path[:depth], False
        node = node[step]
    return path, key and bool(path) and type(path[-1]) is str


def _place_in(text: str, target: JsonPath, *, key: bool) -> Place | None:
    """The place of the value at `target` (or of its key), read from the events up to it.

    Only the containers on the way to `target` are followed; None when the parser refuses
    the text (the reference parser read it) or `target` is not there.
    """
    parser = FAST_LOADER(text)
    try:
        return _walk_to(iter(parser.get_event, None), target, key=key)
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()


_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _walk_to(events: Iterator[Any], target: JsonPath, *, key: bool) -> Place | None:
    """`_place_in` over the events of a text that loaded (one mapping, keys all text)."""
    # One frame per open container on the way to `target`, the root first:
    # [is a mapping, the key waiting for its value (None: a key comes next) or next index]
    way: list[list[Any]] = []
    off = 0  # how many containers are open inside a value that is not on the way
    for event in events:
        kind = type(event)
        starts = kind in _STARTS
        if off:
            off += 1 if starts else -1 if kind in _ENDS else 0
            continue
        if kind in _ENDS:
            way.pop()
            continue
        if not starts and kind is not yaml.ScalarEvent:
            continue  # stream and document events
        if not way:  # the root
            if not target:
                return _place(event)
            if not starts:
                return None
            way.append(_frame(kind))
            continue
        frame, level = way[-1], len(way)  # the child's path: target[: level - 1] + (step,)
        if frame[0] and frame[1] is None:  # a key
            if starts:  # never in a text that loaded
                return None
            frame[1] = event.value
            if key and level == len(target) and event.value == target[-1]:
                return _place(event)
            continue
        if frame[0]:
            step, frame[1] = frame[1], None
        else:
            step = frame[1]
            frame[1] += 1
        if level > len(target) or step != target[level - 1]:
            off = 1 if starts else 0
        elif level == len(target):
            return _place(event)
        elif starts:
            way.append(_frame(kind))
    return None


def _frame(kind: type[yaml.Event]) -> list[Any]:
    mapping = kind is yaml.MappingStartEvent
    return [mapping, None if mapping else 0]


class LoadError(Exception):
    """A file that cannot be read as a Tandem YAML document."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def load_file(path: Path, *, display: str | None = None) -> Document:
    """Read and load one file, refusing oversized files before reading them whole."""
    return load_bytes(read_capped(path), display or str(path))


def read_capped(path: Path) -> bytes:
    """The file's bytes, but never more than MAX_BYTES + 1: enough to know it is too large.

    Asks for the size it has, not for the cap: a buffer of the cap for each of thousands of
    small files costs more than reading them.
    """
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(min(size, MAX_BYTES) + 1)
        if len(data) > size:  # it grew since, or tells no size (a special file): read on
            data += handle.read(MAX_BYTES + 1 - len(data))
    return data


_PLAIN_READ = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def read_plain(path: Path) -> bytes | None:
    """`read_capped` for a regular file that opens and reads without an error, in fewer
    calls (12,000 small files: 0.17 -> 0.11 s of CPU); None for anything else, which the
    caller then looks at closely. A link or a pipe put in its place after the first look is
    not opened (O_NOFOLLOW) or not read (O_NONBLOCK, and looked at again once open)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        fd = os.open(path, _PLAIN_READ)
    except OSError:
        return None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            return None
        data = _read_up_to(fd, min(status.st_size, MAX_BYTES) + 1)
        if len(data) > status.st_size:  # it grew since: read on, as read_capped does
            data += _read_up_to(fd, MAX_BYTES + 1 - len(data))
        return data
    except OSError:
        return None
    finally:
        os.close(fd)


def _read_up_to(fd: int, size: int) -> bytes:
    """At most `size` bytes, fewer only at the end of the file."""
    parts = [os.read(fd, size)]
    got = len(parts[0])
    while parts[-1] and got < size:
        parts.append(os.read(fd, size - got))
        got += len(parts[-1])
    return b"".join(parts) if len(parts) > 1 else parts[0]


def load_bytes(data: bytes, path: str) -> Document:
    """Load YAML bytes as one mapping, or raise LoadError with the place and the fix."""
    _refuse(
        path,
        len(data) > MAX_BYTES,
        1,
        1,
        f"file is larger than {MAX_BYTES // 1024} KiB; an ad or log never needs that much",
    )
    text = _decode(data, path)
    _refuse(
        path,
        not text.strip() or _only_comments(text),
        1,
        1,
        "file is empty; write the fields of the ad or log (see docs/write-an-ad.md)",
    )
    try:
        root, raw = _lean_load(text)
    except (_Unusual, yaml.YAMLError):
        root, raw = _Builder(path, text).build()  # raises the LoadError, if there is one
    return Document(path, root, raw, text)


def _refuse(path: str, condition: bool, line: int, col: int, message: str) -> None:
    if condition:
        raise LoadError(Problem(path, line, col, message))


def _only_comments(text: str) -> bool:
    if _FIELD_LINE.search(text):  # the common case, without splitting every file in lines
        return False
    return all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines())


_FIELD_LINE = re.compile(r"^[^\s#]", re.MULTILINE)
"""A line (after a line feed, so one `splitlines` also gives) that starts with neither a
space nor `#`: a line of fields, so the file is not comments only."""


def _decode(data: bytes, path: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(Problem(path, 1, 1, "file is UTF-16; save it as UTF-8"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(
            Problem(
                path,
                line,
                col,
                f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8",
            )
        ) from None
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line, col = _line_col(text, bad.start())
        raise LoadError(
            Problem(
                path,
                line,
                col,
                f"invisible character U+{ord(bad.group()):04X} is not allowed; remove it",
            )
        )
    return text


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _Builder:
    """Turns the parser's events into plain data; one pass, no recursion."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self._start_over()

    def _start_over(self) -> None:
        self.values: dict[JsonPath, tuple[int, int]] = {}
        self.keys: dict[JsonPath, tuple[int, int]] = {}
        self.raw: dict[JsonPath, str] = {}

    def build(self) -> tuple[dict[str, Any], dict[JsonPath, str]]:
        """The data and the source text of values that did not load as text; or LoadError."""
        try:
            root = self._consume(self._events(FAST_LOADER))
        except yaml.YAMLError:
            self._start_over()
            root = self._reference_root()
        if not isinstance(root, dict):
            raise LoadError(
                Problem(
                    self.path,
                    1,
                    1,
                    "the file must be a mapping of fields (`name: …`), "
                    "not a list or a single value",
                )
            )
        return root, self.raw

    def places(self) -> Places:
        """The place of every value and key of a text that loaded before."""
        self.build()
        return Places(self.values, self.keys)

    def _reference_root(self) -> Any:
        try:
            return self._consume(self._events(REFERENCE_LOADER))
        except yaml.MarkedYAMLError as exc:
            raise LoadError(self._syntax_problem(exc)) from None
        except yaml.reader.ReaderError as exc:  # characters _decode did not already refuse
            line, col = _line_col(self.text, exc.position)
            raise LoadError(
                Problem(self.path, line, col, "a character here cannot be read; remove it")
            ) from None
        except yaml.YAMLError as exc:  # pragma: no cover - the parser reports marks
            raise LoadError(Problem(self.path, 1, 1, f"not valid YAML: {exc}")) from None

    def _events(
        self, loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]
    ) -> Iterator[yaml.Event]:
        parser = loader(self.text)
        try:
            # get_event gives None after the stream's end; iter() asks it in C, without
            # yaml.parse's generator and its second call per event
            yield from iter(parser.get_event, None)
        finally:
            parser.dispose()

    def _fail(self, event: yaml.Event, message: str) -> LoadError:
        line, col = _place(event)
        return LoadError(Problem(self.path, line, col, message))

    def _consume(self, events: Iterator[Any]) -> Any:
        """The data of the event stream; the loop runs once per event, so it dispatches on
        the event's exact class and keeps the common case (a scalar) inline."""
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        for event in events:
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    self._check_node(event)
                bad = NON_PRINTABLE_VALUE.search(event.value)
                if bad:
                    raise self._unprintable(event, bad.group())
                frame = stack[-1] if stack else None
                if frame is not None and frame.is_mapping and frame.pending is None:
                    self._key(event, frame)
                    continue
                value = _resolve(event)
                path = self._attach(value, event, frame)
                if event.implicit[0] and type(value) is not str:
                    self.raw[path] = event.value
                if frame is None:
                    root = value
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    self._check_node(event)
                stack.append(self._start(event, stack))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                finished = stack.pop()
                if not stack:
                    root = finished.value
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise self._fail(event, "only one YAML document per file; remove the `---`")
            elif kind is yaml.AliasEvent:
                raise self._fail(event, "aliases (`*name`) are not allowed; write the value out")
        return root

    def _unprintable(self, event: yaml.ScalarEvent, char: str) -> LoadError:
        return self._fail(
            event,
            f"the escape for U+{ord(char):04X} makes a character that cannot be shown or "
            "saved; write the text itself (an emoji as the emoji, not as \\u escapes)",
        )

    def _check_node(self, event: Any) -> None:
        """Refuse an anchor or an explicit tag (asked only when the event has either)."""
        if event.anchor is not None:
            raise self._fail(event, "anchors (`&name`) are not allowed; write values out")
        if getattr(event, "tag", None) is not None:
            self._check_tag(event)

    def _check_tag(self, event: yaml.NodeEvent) -> None:
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        explicit = tag is not None and not (
            implicit is True
            or implicit == (True, False)
            or (isinstance(implicit, tuple) and any(implicit))
        )
        if explicit:
            shown = str(tag).replace("tag:yaml.org,2002:", "!!")
            raise self._fail(event, f"explicit tags ({shown}) are not allowed; remove the tag")

    def _start(self, event: yaml.Event, stack: list[_Frame]) -> _Frame:
        if len(stack) >= MAX_DEPTH:
            raise self._fail(event, f"nesting deeper than {MAX_DEPTH} levels is not allowed")
        mapping = type(event) is yaml.MappingStartEvent
        container: Any = {} if mapping else []
        path = self._attach(container, event, stack[-1] if stack else None)
        return _Frame(container, path, mapping)

    def _key(self, event: yaml.ScalarEvent, frame: _Frame) -> None:
        key = event.value
        if key == "<<" and event.implicit[0]:
            raise self._fail(event, "merge keys (`<<`) are not allowed; write the fields out")
        if key in frame.seen:  # every key read so far, its value attached or not
            first = self.keys.get((*frame.path, key), (0, 0))[0]
            raise self._fail(
                event, f"duplicate key '{key}' (first on line {first}); keep one of them"
            )
        frame.pending = key
        frame.seen.add(key)
        self.keys[(*frame.path, key)] = _place(event)

    def _attach(self, value: Any, event: yaml.Event, frame: _Frame | None) -> JsonPath:
        if frame is None:
            path: JsonPath = ()
        elif frame.is_mapping:
            if frame.pending is None:
                raise self._fail(event, "keys must be plain text, not lists or mappings")
            path = (*frame.path, frame.pending)
            frame.value[frame.pending] = value
            frame.pending = None
        else:
            path = (*frame.path, len(frame.value))
            frame.value.append(value)
        self.values[path] = _place(event)
        return path

    def _syntax_problem(self, exc: yaml.MarkedYAMLError) -> Problem:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else 1
        lines = self.text.splitlines()
        source_line = lines[line - 1] if line <= len(lines) else ""
        indent = len(source_line) - len(source_line.lstrip())
        if "\t" in source_line[:indent]:
            return Problem(self.path, line, col, "tab character in indentation; indent with spaces")
        problem = " ".join((exc.problem or "syntax error").split())
        return Problem(
            self.path,
            line,
            col,
            f"not valid YAML: {problem}; check the indentation and quote values "
            "that contain ': ' or '#'",
        )


class _Unusual(Exception):
    """What the lean pass leaves to `_Builder`: every error, and tags and anchors."""


def _lean_load(text: str) -> tuple[dict[str, Any], dict[JsonPath, str]]:
    """The data of an ordinary file and the source text of values that did not load as
    text, exactly as `_Builder.build` gives them, without the place of anything.

    Raises _Unusual (or YAMLError) for every text `_Builder` refuses and for the rare ones
    it must look at closely; `_Builder` then decides, with every place at hand.
    """
    parser = FAST_LOADER(text)
    try:
        # a value holds a character that cannot be shown only through a backslash escape: the
        # text itself was checked by _decode (and decoded UTF-8 holds no lone surrogate)
        return _lean_consume(iter(parser.get_event, None), escapes="\\" in text)
    finally:
        parser.dispose()


def _lean_consume(
    events: Iterator[Any], *, escapes: bool
) -> tuple[dict[str, Any], dict[JsonPath, str]]:
    """`_Builder._consume` with the same rules, less each place; one loop, run per event.

    A mapping's keys read so far are exactly its keys with a value: a value is attached as
    soon as it starts, so `in` on the mapping finds a duplicate as `_Frame.seen` does.
    """
    raw: dict[JsonPath, str] = {}
    open_: list[Any] = []  # the open mappings and lists, innermost last
    paths: list[JsonPath] = []  # the path of each
    pending: list[str | None] = []  # each open mapping's key that waits for its value
    root: Any = None
    documents = 0
    for event in events:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.anchor is not None or event.tag is not None or not open_:
                raise _Unusual
            text = event.value
            if escapes and NON_PRINTABLE_VALUE.search(text):
                raise _Unusual
            top = open_[-1]
            step: str | int | None = pending[-1] if type(top) is dict else len(top)
            if step is None:  # a key
                if text in top or (text == "<<" and event.implicit[0]):
                    raise _Unusual
                pending[-1] = text
                continue
            value: Any = text  # most values: quoted, or plain text no pattern fits
            if event.implicit[0] and (not text or text[0] in _NOT_TEXT_STARTS):
                value = _resolve(event)
                if type(value) is not str:
                    raw[(*paths[-1], step)] = text
            if type(step) is str:
                top[step] = value
                pending[-1] = None
            else:
                top.append(value)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor is not None or event.tag is not None or len(open_) >= MAX_DEPTH:
                raise _Unusual
            container: Any = {} if kind is yaml.MappingStartEvent else []
            path: JsonPath
            if not open_:
                root, path = container, ()
            elif type(open_[-1]) is dict:
                key = pending[-1]
                if key is None:  # a list or mapping as a key
                    raise _Unusual
                pending[-1] = None
                open_[-1][key] = container
                path = (*paths[-1], key)
            else:
                path = (*paths[-1], len(open_[-1]))
                open_[-1].append(container)
            open_.append(container)
            paths.append(path)
            pending.append(None)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            open_.pop()
            paths.pop()
            pending.pop()
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Unusual
        elif kind is yaml.AliasEvent:
            raise _Unusual
    if type(root) is not dict:
        raise _Unusual
    return root, raw


def _resolve(event: yaml.ScalarEvent) -> Any:
    text = event.value
    if not event.implicit[0]:  # quoted or block scalar: always a string
        return text
    if text and text[0] not in _NOT_TEXT_STARTS:  # most plain scalars: text, no pattern fits
        return text
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text) and any(ch.isdigit() for ch in text):
        number = float(text)
        return number if math.isfinite(number) else text
    if _DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _place(event: yaml.Event) -> tuple[int, int]:
    """The 1-based line and column where an event starts."""
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


@dataclass(slots=True)
class _Frame:
    value: Any
    path: JsonPath
    is_mapping: bool
    pending: str | None = None
    seen: set[str] = field(default_factory=set)
