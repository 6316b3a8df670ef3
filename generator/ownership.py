"""Who may change which ad and partnership log (`tandem check-owner`).

Owners, partners and maintainers are read from the base revision, never from the change
itself: editing `owner:`, `partners:` or `maintainers.yml` in a pull request hands nobody
a file. The change is what the working tree holds (commits and uncommitted edits alike)
compared with the merge base of the base revision and HEAD, so a base branch that moved
on after the branch was cut does not count against the contributor.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from generator.load import Document, LoadError, load_bytes
from generator.problems import Problem

ADS_DIR = "ads"
PARTNERSHIPS_DIR = "partnerships"
MAINTAINERS_FILE = "maintainers.yml"
_SUFFIXES = (".yml", ".yaml")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_FETCH_HINT = (
    'fetch the full history (GitHub: actions/checkout with fetch-depth: 0; GitLab: GIT_DEPTH: "0")'
)


class GitError(Exception):
    """git could not answer; the message says what to do about it."""


@dataclass(frozen=True)
class Change:
    """One file changed since the base: `old` is its path there, `new` in the working tree."""

    old: str | None
    new: str | None


def check_owner(root: Path, base: str, actor: str) -> list[Problem]:
    """Every change under ads/ and partnerships/ that `actor` may not make, as Problems."""
    if not login_key(actor):
        return [Problem(".", 1, 1, "no actor given: pass the login of the pull request's author")]
    try:
        revision = merge_base(root, base)
        changes = changed_files(root, revision)
    except GitError as error:
        return [Problem(".", 1, 1, str(error))]
    maintainers, problems = maintainers_at(root, revision)
    if login_key(actor) in maintainers:
        return problems
    lookup = _Lookup(root, revision)
    for change in changes:
        problems.extend(_check_change(lookup, change, actor))
    return sorted(problems)


def login_key(login: str) -> str:
    """Forge logins compare without case and without a leading `@`."""
    return login.strip().removeprefix("@").casefold()


# --- git -------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> bytes:
    try:
        result = subprocess.run(  # noqa: S603 - fixed executable, arguments are not a shell line
            ["git", *args],  # noqa: S607 - git is found on PATH like any developer tool
            cwd=root,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError as error:
        raise GitError("git is not installed or not on PATH") from error
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {detail[-1] if detail else result.returncode}")
    return result.stdout


def resolve(root: Path, rev: str) -> str:
    """The full commit id of `rev`, or GitError with a hint to fetch more history."""
    if not rev or rev.startswith("-"):
        raise GitError(f"not a revision: {rev!r}")
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except GitError as error:
        raise GitError(f"cannot find revision {rev!r} in {root}; {_FETCH_HINT}") from error


def merge_base(root: Path, rev: str) -> str:
    """The commit where HEAD's history left `rev`: what the change is measured against."""
    commit = resolve(root, rev)
    try:
        return _git(root, "merge-base", commit, "HEAD").decode().strip()
    except GitError as error:
        raise GitError(f"{rev!r} and HEAD share no history here; {_FETCH_HINT}") from error


def changed_files(root: Path, revision: str) -> list[Change]:
    """Files under ads/ and partnerships/ added, changed, deleted or renamed since `revision`."""
    dirs = (ADS_DIR, PARTNERSHIPS_DIR)
    diff = _git(root, "diff", "--name-status", "-z", "-M", "--relative", revision, "--", *dirs)
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", *dirs)
    changes = _parse_name_status(_split_z(diff))
    changes += [Change(None, path) for path in _split_z(untracked)]
    return changes


def _split_z(output: bytes) -> list[str]:
    return [part.decode("utf-8", "surrogateescape") for part in output.split(b"\0") if part]


def _parse_name_status(fields: list[str]) -> list[Change]:
    changes: list[Change] = []
    items = iter(fields)
    for status in items:
        if status[0] in "RC":
            old, new = next(items), next(items)
            changes.append(Change(None if status[0] == "C" else old, new))
        elif status[0] == "A":
            changes.append(Change(None, next(items)))
        elif status[0] == "D":
            changes.append(Change(next(items), None))
        else:
            path = next(items)
            changes.append(Change(path, path))
    return changes


def show(root: Path, revision: str, path: str) -> str | None:
    """The text of `path` (relative to `root`) at `revision`, or None where it did not exist."""
    try:
        return _git(root, "show", f"{revision}:./{path}").decode("utf-8", "replace")
    except GitError:
        return None


# --- reading the files ---------------------------------------------------------------------


def load_mapping(text: str | None) -> dict[str, Any] | None:
    """A YAML mapping read as safely as `tandem validate` reads it, or None.

    Top-level values and list items come back as written where the author wrote a plain
    scalar, so a login such as `no` or `012` stays the string it looks like.
    """
    if text is None:
        return None
    try:
        doc = load_bytes(text.encode("utf-8"), "<revision>")
    except LoadError:
        return None
    return {key: _as_written(doc, (key,), value) for key, value in doc.data.items()}


def _as_written(doc: Document, path: tuple[str | int, ...], value: Any) -> Any:
    if isinstance(value, list):
        return [_as_written(doc, (*path, i), item) for i, item in enumerate(value)]
    return doc.raw.get(path, value)


def maintainers_at(root: Path, revision: str) -> tuple[set[str], list[Problem]]:
    """The maintainers' login keys as listed in maintainers.yml at `revision`."""
    text = show(root, revision, MAINTAINERS_FILE)
    if text is None:
        return set(), []
    data = load_mapping(text)
    logins = data.get("maintainers") if data else None
    if not isinstance(logins, list) or not all(isinstance(x, str) for x in logins):
        message = (
            f"cannot read the list `maintainers: [login, ...]` at {revision[:12]}; "
            "nobody is treated as a maintainer until it is fixed"
        )
        return set(), [Problem(MAINTAINERS_FILE, 1, 1, message, "warning")]
    return {login_key(login) for login in logins if login_key(login)}, []


def owner_of(data: dict[str, Any] | None) -> str | None:
    owner = data.get("owner") if data else None
    return owner.strip() if isinstance(owner, str) and owner.strip() else None


def partners_of(data: dict[str, Any] | None) -> list[str]:
    partners = data.get("partners") if data else None
    if not isinstance(partners, list):
        return []
    return [p for p in partners if isinstance(p, str) and _ID.match(p)]


def key_line(text: str | None, key: str) -> int:
    """The 1-based line of the top-level `key:`, or 1 when it is not there."""
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return 1


class _Lookup:
    """Reads files at the base revision and in the working tree, each at most once."""

    def __init__(self, root: Path, revision: str) -> None:
        self.root = root
        self.revision = revision
        self._base: dict[str, str | None] = {}

    def base_text(self, path: str) -> str | None:
        if path not in self._base:
            self._base[path] = show(self.root, self.revision, path)
        return self._base[path]

    def tree_text(self, path: str) -> str | None:
        file = self.root / path
        if file.is_symlink():  # a link could point anywhere on the machine running the check
            return None
        try:
            return file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def ad_owner(self, ad_id: str) -> str | None:
        """The owner recorded at the base; for an ad new in this change, the one in the tree."""
        paths = [f"{ADS_DIR}/{ad_id}{suffix}" for suffix in _SUFFIXES]
        for path in paths:
            text = self.base_text(path)
            if text is not None:
                return owner_of(load_mapping(text))
        for path in paths:
            text = self.tree_text(path)
            if text is not None:
                return owner_of(load_mapping(text))
        return None


# --- the rules -------------------------------------------------------------------------


def kind_of(path: str | None) -> str | None:
    """`ad` or `log` for a YAML file directly inside ads/ or partnerships/, else None."""
    if path is None:
        return None
    pure = PurePosixPath(path)
    if pure.suffix not in _SUFFIXES or len(pure.parts) != 2:
        return None
    return {ADS_DIR: "ad", PARTNERSHIPS_DIR: "log"}.get(pure.parts[0])


def _check_change(lookup: _Lookup, change: Change, actor: str) -> list[Problem]:
    problems: list[Problem] = []
    if change.old is not None and change.old == change.new:
        problems += _check_existing(lookup, change.old, "change", actor)
        return problems
    if change.old is not None:
        verb = "delete" if change.new is None else "rename"
        problems += _check_existing(lookup, change.old, verb, actor)
    if change.new is not None:
        problems += _check_new(lookup, change.new, actor)
    return problems


def _check_existing(lookup: _Lookup, path: str, verb: str, actor: str) -> list[Problem]:
    kind = kind_of(path)
    data = load_mapping(lookup.base_text(path))
    if kind == "ad":
        return _check_ad_owner(lookup, path, data, verb, actor)
    if kind == "log":
        owners = _partner_owners(lookup, partners_of(data))
        return _check_log(path, owners, verb, actor, line=1)
    return []


def _check_new(lookup: _Lookup, path: str, actor: str) -> list[Problem]:
    kind = kind_of(path)
    text = lookup.tree_text(path)
    if kind == "ad":
        return _check_new_ad(path, text, actor)
    if kind == "log":
        owners = _partner_owners(lookup, partners_of(load_mapping(text)))
        return _check_log(path, owners, "add", actor, line=key_line(text, "partners"))
    return []


def _check_ad_owner(
    lookup: _Lookup, path: str, data: dict[str, Any] | None, verb: str, actor: str
) -> list[Problem]:
    owner = owner_of(data)
    if owner is not None and login_key(owner) == login_key(actor):
        return []
    if owner is None:
        why = f"its owner at {lookup.revision[:12]} cannot be read"
        message = f"only a maintainer may {verb} this ad: {why}; you are {actor}"
        return [Problem(path, 1, 1, message)]
    message = f"only {owner} (the ad's owner) or a maintainer may {verb} this ad; you are {actor}"
    new_owner = owner_of(load_mapping(lookup.tree_text(path))) if verb == "change" else None
    if new_owner is not None and login_key(new_owner) != login_key(owner):
        message += f"; editing `owner:` does not hand an ad over: ask {owner} or a maintainer"
    return [Problem(path, 1, 1, message)]


def _check_new_ad(path: str, text: str | None, actor: str) -> list[Problem]:
    owner = owner_of(load_mapping(text))
    if owner is not None and login_key(owner) == login_key(actor):
        return []
    found = f"it says `owner: {owner}`" if owner else "it has no readable `owner:`"
    message = (
        f"a new ad must name you as its owner: write `owner: {actor}` ({found}); "
        "an ad for someone else is added by that person or a maintainer"
    )
    return [Problem(path, key_line(text, "owner"), 1, message)]


def _partner_owners(lookup: _Lookup, partners: list[str]) -> dict[str, str]:
    owners = {ad_id: lookup.ad_owner(ad_id) for ad_id in partners}
    return {ad_id: owner for ad_id, owner in owners.items() if owner is not None}


def _check_log(
    path: str, owners: dict[str, str], verb: str, actor: str, *, line: int
) -> list[Problem]:
    if any(login_key(owner) == login_key(actor) for owner in owners.values()):
        return []
    if not owners:
        message = (
            f"only a maintainer may {verb} this partnership log: none of its partners "
            f"names an ad with a known owner; you are {actor}"
        )
        return [Problem(path, line, 1, message)]
    who = ", ".join(f"{owner} for {ad_id}" for ad_id, owner in sorted(owners.items()))
    message = (
        f"only the owner of one of its partner ads ({who}) or a maintainer may {verb} "
        f"this partnership log; you are {actor}"
    )
    return [Problem(path, line, 1, message)]
