"""Checked data files kept for the next check: in memory by a preview, on disk by the rest.

A file's check (`validate.check_file`) depends on nothing but the file's bytes, the path it
is shown as, its schema and Tandem's own code, so a check of the same bytes by the same code
can be reused. A preview (`mkdocs serve`) keeps the last build's checks in memory
(`KeptFiles`); the commands and `mkdocs build` keep them between runs in one pack file,
`.cache/tandem/checks.json` inside the tree (`StoredChecks`).

The pack lives in a checkout that a pull request may have written, so it is trusted as far
as it must be and no further:

- It is JSON, never pickle or marshal: reading it runs no code. Every entry is read
  defensively; one that is malformed or unexpected in any way is a miss, never a traceback,
  and a pack that does not match the digest in its first line is not read at all.
- It is ignored whenever any file under `.cache/` is tracked by git (one `git ls-files`):
  a pack that came with the pull request is never read, and `tandem validate` reports each
  such file as an error to remove from the pull request. A tree outside any git
  repository uses its pack.
- It never leaves the tree: `.cache` and `.cache/tandem` must be folders, not links.
- It is written whole to a temporary file and moved into place, so a reader sees the old
  pack or the new one; a full disk or a read-only tree means no pack, never a failure.
- It holds the entries of the files checked in the last run only, so it never grows past
  one entry per data file. One pack, not a file per entry: at 12,000 files reading one
  17 MB pack costs 0.16-0.24 s of CPU, reading the same entries from 12,000 small files
  0.36-0.41 s (measured for docs/performance.md).

The places (line, column) that messages needed in each file are kept beside the pack in
`.cache/tandem/places.json`, by the same keys and under the same rules: the pack can then be
written as soon as the files are checked, in a second process while this one looks for the
warnings (which find most places), and a run that only found places writes that small pack.

`TANDEM_CACHE=off` switches the pack off (the test suite does, except where it tests it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import json
import math
import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from generator.data.load import MAX_BYTES, Document, JsonPath
from generator.data.pool import PARALLEL_FROM, checked_in_order
from generator.data.problems import Problem
from generator.data.validate import (
    Record,
    Validated,
    _replaced,
    build_validators,
    check_bytes,
    read_data_file,
)
from generator.forks import Forked

CACHE_DIR = (".cache", "tandem")
"""Where the pack lives, inside the tree's root; `.cache/` is in .gitignore."""
PACK = "checks.json"
PLACES = "places.json"
"""Beside the pack: the places (line, column) messages needed, by the key of each file."""
PACK_FORMAT = 2
SWITCH = "TANDEM_CACHE"
"""`TANDEM_CACHE=off` (or `0`, `no`, `false`): no pack is read or written."""
_OFF = frozenset({"off", "0", "no", "false"})
_PACKAGE = Path(__file__).resolve().parent.parent
_LIBRARIES = ("pyyaml", "jsonschema", "jsonschema-rs", "referencing")

WRITE_BESIDE_FROM = PARALLEL_FROM
"""Files from which a changed pack is written in a second process while the run goes on:
below, starting the process costs more than writing the pack."""

Task = tuple[Path, str, str]
"""(path, path as shown, schema): one data file to check."""


@dataclass
class KeptFiles:
    """Checked data files by name and schema, with the bytes they were checked from. The
    bytes, not the size and modification time, decide: an editor that saves twice within
    the file system's clock tick is still seen, and reading a thousand small files is cheap
    beside loading them."""

    last: dict[tuple[str, str], tuple[bytes, Validated]] = field(default_factory=dict)
    now: dict[tuple[str, str], tuple[bytes, Validated]] = field(default_factory=dict)

    def start(self) -> None:
        """A new build: what the last one checked can be reused, files since gone are not kept."""
        self.last, self.now = self.now or self.last, {}

    def check_file(self, path: Path, display: str, schema: str) -> Validated:
        """`generator.data.validate.check_file`, loading and checking changed bytes only."""
        data = read_data_file(path, display)
        if isinstance(data, Problem):
            return Validated((data,), None)
        key = (display, schema)
        kept = self.last.get(key)
        checked = kept[1] if kept is not None and kept[0] == data else check_bytes(data, *key)
        self.now[key] = (data, checked)
        return checked


# --- the pack on disk -----------------------------------------------------------------------


def cache_enabled() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() not in _OFF


@cache
def code_version() -> str:
    """A digest of everything a file's check depends on besides the file: Tandem's own
    source and schemas, Python and the libraries that load and check."""
    digest = hashlib.sha256(f"{PACK_FORMAT}\0{sys.version}\0".encode())
    digest.update(f"{yaml.__version__}\0{getattr(yaml, '__with_libyaml__', False)}\0".encode())
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}={importlib.metadata.version(library)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{library}=none\0".encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def committed_cache(root: Path) -> list[Problem] | None:
    """The error for files under `.cache/` that git tracks (none: an empty list), or None
    when git cannot say (the tree is in a repository git refuses to read): then the pack is
    not trusted either."""
    try:
        listed = subprocess.run(  # noqa: S603 - fixed executable, arguments are not a shell line
            ["git", "-C", str(root), "ls-files", "-z", "--", ".cache"],  # noqa: S607 - on PATH
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return [] if not _in_repository(root) else None
    if listed.returncode != 0:
        return [] if not _in_repository(root) else None
    tracked = [name for name in listed.stdout.split(b"\0") if name]
    if not tracked:
        return []
    count = len(tracked)
    return [
        Problem(
            ".cache",
            1,
            1,
            f"{count} file{'s' * (count != 1)} under .cache/ {'are' if count != 1 else 'is'} "
            "committed; Tandem's cache is kept on each machine, never in the repository: "
            "remove .cache/ from the pull request (git rm -r --cached .cache)",
        )
    ]


def _in_repository(root: Path) -> bool:
    """Whether `root` looks like part of a git work tree (git itself could not tell)."""
    folder = root.resolve()
    return any((place / ".git").exists() for place in (folder, *folder.parents))


@dataclass
class StoredChecks:
    """The checks of the last run, read from and written to the pack, and the places that
    messages needed in their files, kept beside them in a small pack of their own."""

    folder: Path
    entries: dict[str, Any] = field(default_factory=dict)
    """Key -> entry, as read from the pack; an entry is decoded only when asked for."""
    used: dict[str, Any] = field(default_factory=dict)
    """Key -> entry of every file taken from the pack in this run."""
    fresh: dict[str, Validated] = field(default_factory=dict)
    """Key -> check of every file checked in this run, encoded when the pack is written."""
    documents: dict[str, tuple[Document, int]] = field(default_factory=dict)
    """Key -> the document of each record of this run, and how many places the places pack
    held for it: places found since are kept when the run ends."""
    writing: Forked[None] | None = None
    """The pack being written, from the end of the checks to the end of the run."""

    @classmethod
    def opened(cls, root: Path, *, committed: list[Problem] | None) -> StoredChecks | None:
        """The store of `root`, or None when switched off, committed or not a folder here."""
        if not cache_enabled() or committed != []:
            return None
        folder = root.joinpath(*CACHE_DIR)
        if not _plain_folders(root, CACHE_DIR):
            return None
        return cls(folder)

    def checked(
        self,
        tasks: Sequence[Task],
        *,
        parallel_from: int = PARALLEL_FROM,
        write_beside_from: int = WRITE_BESIDE_FROM,
    ) -> list[Validated]:
        """Each task's check: from the pack where the same bytes were checked by the same
        code, else checked now (on two cores when many are), in the order of `tasks`. A
        pack that must change starts being written now (see `start_writing`)."""
        read = [read_data_file(path, display) for path, display, _ in tasks]
        size = sum(len(data) for data in read if isinstance(data, bytes))
        # JSON with every non-ASCII character escaped is at most six times the data
        entries = self.read(PACK, code_version(), limit=6 * size + (1 << 20))
        self.entries = entries if isinstance(entries, dict) else {}
        places = self.read(PLACES, code_version(), limit=6 * size + (1 << 20))
        found = places if isinstance(places, dict) else {}
        version = code_version().encode()
        results: list[Validated | None] = []
        jobs: dict[int, tuple[str, tuple[bytes, str, str]]] = {}
        for (path, display, schema), data in zip(tasks, read, strict=True):
            if isinstance(data, Problem):
                results.append(Validated((data,), None))
                continue
            key = _key(version, display, schema, data)
            kept = self._kept(key, data, display, path.stem, found.get(key))
            if kept is None:
                jobs[len(results)] = (key, (data, display, schema))
            results.append(kept)
        if jobs:  # a run that checks nothing builds no validator (0.02 s)
            build_validators()
        done = checked_in_order(
            _check_job, [job for _, job in jobs.values()], parallel_from=parallel_from
        )
        for (index, (key, _)), result in zip(jobs.items(), done, strict=True):
            results[index] = result
            if not keepable(result):
                continue
            self.fresh[key] = result
            if result.record is not None:
                self.documents[key] = (result.record.source, 0)
        self.start_writing(beside=len(tasks) >= write_beside_from)
        return [result for result in results if result is not None]

    def _kept(
        self, key: str, data: bytes, display: str, ident: str, places: Any
    ) -> Validated | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        result = decoded(entry, data, display, ident=ident)
        if result is None:
            return None
        self.used[key] = entry
        if result.record is not None:
            doc = result.record.source
            doc.found.update(_kept_places(places))
            self.documents[key] = (doc, len(doc.found))
        return result

    def start_writing(self, *, beside: bool) -> None:
        """Write the pack when it would differ from the one read (entries added or gone):
        in a second process where `beside` and forks may be made (see
        `generator.forks.can_fork`), while this one goes on to the warnings; `save` waits
        for it. Encoding and writing 12,000 entries costs about 0.45 s."""
        if self.fresh or self.used.keys() != self.entries.keys():
            self.writing = Forked(self._write_checks, fork=beside)

    def _write_checks(self) -> None:
        fresh = {key: encoded(result) for key, result in self.fresh.items()}
        self.write(PACK, code_version(), self.used | fresh)

    def save(self) -> None:
        """Keep the places found in this run when they are more than the places pack held
        or the pack changed, and wait for the pack being written."""
        if self.writing is not None or any(
            len(doc.found) > held for doc, held in self.documents.values()
        ):
            places = {
                key: [[list(path), is_key, *at] for (path, is_key), at in doc.found.items()]
                for key, (doc, _) in self.documents.items()
                if doc.found
            }
            self.write(PLACES, code_version(), places)
        writing, self.writing = self.writing, None
        if writing is not None:
            writing.result()

    def read(self, name: str, version: str, *, limit: int) -> Any:
        """The value in pack `name`, or None when it is missing, larger than `limit` bytes,
        written for another `version`, altered or malformed."""
        try:
            fd = os.open(self.folder / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        try:
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    return None
                text = handle.read(limit + 1)
        except OSError:
            return None
        return _unpacked(text, version) if len(text) <= limit else None

    def write(self, name: str, version: str, value: Any) -> None:
        """`value` as pack `name` for `version`; nothing when it cannot be written."""
        try:
            body = json.dumps(value, default=_date_text, separators=(",", ":")).encode()
        except (TypeError, ValueError, RecursionError):  # never for what Tandem keeps
            return
        head = json.dumps({"tandem-cache": PACK_FORMAT, "sha256": _digest(version, body)})
        _write_atomically(self.folder, name, head.encode() + b"\n" + body)


def _kept_places(listed: Any) -> dict[tuple[JsonPath, bool], tuple[int, int]]:
    """The places a pack of places holds for one file; none when they are not as written
    (they are then found again)."""
    try:
        return dict(_places(listed if listed is not None else []))
    except (TypeError, ValueError):
        return {}


def _key(version: bytes, display: str, schema: str, data: bytes) -> str:
    digest = hashlib.sha256(version)
    digest.update(b"\0" + display.encode("utf-8", "surrogatepass") + b"\0" + schema.encode())
    digest.update(b"\0" + data)
    return digest.hexdigest()


def _digest(version: str, body: bytes) -> str:
    return hashlib.sha256(version.encode() + b"\0" + body).hexdigest()


def _check_job(job: tuple[bytes, str, str]) -> Validated:
    return check_bytes(*job)


def _plain_folders(root: Path, names: Sequence[str]) -> bool:
    """Whether each folder of `names` below `root` is a real folder or can be made one (a
    link could lead the pack out of the tree)."""
    folder = root
    for name in names:
        folder = folder / name
        try:
            mode = os.lstat(folder).st_mode
        except FileNotFoundError:
            try:
                folder.mkdir()
            except OSError:
                return False
            continue
        except OSError:
            return False
        if not stat.S_ISDIR(mode):
            return False
    return True


def _write_atomically(folder: Path, name: str, data: bytes) -> None:
    """`data` as `folder/name`, whole or not at all; no error when it cannot be written."""
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, folder / name)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _unpacked(text: bytes, version: str) -> Any:
    head, _, body = text.partition(b"\n")
    try:
        header = json.loads(head)
        if not isinstance(header, dict) or header.get("tandem-cache") != PACK_FORMAT:
            return None
        if header.get("sha256") != _digest(version, body):
            return None
        return json.loads(body, parse_constant=_refused, parse_float=_finite)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return None


def _refused(name: str) -> Any:
    raise ValueError(f"{name} is not a value Tandem writes")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is not a number a file loads to")
    return number


# --- entries --------------------------------------------------------------------------------


def keepable(result: Validated) -> bool:
    """Whether `encoded` keeps a check: problems, or a record without any."""
    return result.record is None or not result.problems


def encoded(result: Validated) -> dict[str, Any] | None:
    """A check as a JSON-ready entry: its problems, or its record as the data the file loaded
    to, the places of the dates in it, the source text of the values that did not load as
    text (`Document.raw`), and the values the schema took otherwise (`Record.data` differs
    from the loaded data only there); None for anything else (checked again next time)."""
    if not keepable(result):
        return None
    if result.record is None:
        problems = [[p.path, p.line, p.col, p.message, p.severity] for p in result.problems]
        return {"problems": problems}
    doc, typed = result.record.source, result.record.data
    raw = [[list(path), text] for path, text in doc.raw.items()]
    dates = [list(path) for path in doc.raw if type(_at(doc.data, path)) is dt.date]
    changes = [
        [list(path), _date_text(value), type(value) is dt.date]
        for path, value in _changed(doc.data, typed, ())
    ]
    return {"data": doc.data, "dates": dates, "raw": raw, "changes": changes}


def _changed(loaded: Any, typed: Any, path: JsonPath) -> Iterator[tuple[JsonPath, Any]]:
    """Where `typed` differs from `loaded`: it shares every part it did not change."""
    if typed is loaded:
        return
    if type(typed) is dict and type(loaded) is dict:
        for key, value in typed.items():
            yield from _changed(loaded[key], value, (*path, key))
    elif type(typed) is list and type(loaded) is list:
        for index, value in enumerate(typed):
            yield from _changed(loaded[index], value, (*path, index))
    else:
        yield path, typed


def _date_text(value: Any) -> str:
    if type(value) is dt.date:
        return value.isoformat()
    if type(value) is str:
        return value
    raise TypeError(f"{type(value).__name__} is not data a file loads to")


def decoded(entry: Any, data: bytes, display: str, *, ident: str | None = None) -> Validated | None:
    """The check an entry holds for the file `data` shown as `display`, or None when the
    entry is not one `encoded` could have written."""
    if not isinstance(entry, dict):
        return None
    try:
        if "problems" in entry:
            return _problems_of(entry, display)
        return _record_of(entry, data, display, ident or PurePosixPath(display).stem)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError):
        return None


def _place_number(value: Any) -> bool:
    return type(value) is int and 0 < value <= MAX_BYTES + 1


def _problems_of(entry: dict[str, Any], display: str) -> Validated | None:
    listed = entry["problems"]
    if set(entry) != {"problems"} or type(listed) is not list or not listed:
        return None
    problems = []
    for item in listed:
        if type(item) is not list:
            return None
        path, line, col, message, severity = item
        if path != display or type(message) is not str or severity not in ("error", "warning"):
            return None
        if not (_place_number(line) and _place_number(col)):
            return None
        problems.append(Problem(path, line, col, message, severity))
    return Validated(tuple(problems), None)


def _record_of(entry: dict[str, Any], data: bytes, display: str, ident: str) -> Validated:
    if set(entry) != {"data", "dates", "raw", "changes"}:
        raise TypeError("not an entry")
    if type(entry["data"]) is not dict:
        raise TypeError("not an entry")
    loaded: dict[str, Any] = entry["data"]
    for path in _paths(entry["dates"]):
        _date_at(loaded, path)
    raw = {_path(path): _text(text) for path, text in _listed(entry["raw"])}
    changes = {
        _path(path): dt.date.fromisoformat(_text(text)) if is_date is True else _text(text)
        for path, text, is_date in _listed(entry["changes"])
    }
    for path in changes:
        _at(loaded, path)  # a change replaces a value that is there
    doc = Document(display, loaded, raw, data.decode("utf-8-sig"))  # it loaded: it decodes
    typed = _replaced(loaded, changes)
    return Validated((), Record(ident, typed, doc))


def _places(listed: Any) -> Iterator[tuple[tuple[JsonPath, bool], tuple[int, int]]]:
    for path, key, line, col in _listed(listed):
        if type(key) is not bool or not (_place_number(line) and _place_number(col)):
            raise TypeError("a place is a path, whether it is the key's, a line and a column")
        yield (_path_or_root(path), key), (line, col)


def _path_or_root(steps: Any) -> JsonPath:
    if type(steps) is not list or not all(type(s) is str or type(s) is int for s in steps):
        raise TypeError("a path is a list of keys and indexes")
    return tuple(steps)


def _paths(listed: Any) -> Iterator[JsonPath]:
    for path in _listed(listed):
        yield _path(path)


def _listed(value: Any) -> list[Any]:
    if type(value) is not list:
        raise TypeError("a list")
    return value


def _path(steps: Any) -> JsonPath:
    """A path of keys and indexes; `_at` refuses a step of the wrong type where it is used."""
    if type(steps) is not list or not steps:
        raise TypeError("a path is a list of keys and indexes")
    return tuple(steps)


def _text(value: Any) -> str:
    if type(value) is not str:
        raise TypeError("text")
    return value


def _at(data: Any, path: JsonPath) -> Any:
    for step in path:
        if not _steps_into(data, step):
            raise TypeError("no such path")
        data = data[step]
    return data


def _steps_into(data: Any, step: Any) -> bool:
    if type(data) is dict:
        return type(step) is str
    return type(data) is list and type(step) is int and step >= 0


def _date_at(data: Any, path: JsonPath) -> None:
    """Read the text at `path` back as the date it was."""
    container, last = _at(data, path[:-1]), path[-1]
    if not _steps_into(container, last):
        raise TypeError("no such path")
    container[last] = dt.date.fromisoformat(_text(container[last]))
