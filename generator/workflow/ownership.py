"""Who may change which file (`tandem check-owner`).

- An ad: its owner; a new ad: whoever it names in `owner:`.
- A partnership log: the owner of one of its partner ads.
- `skills.yml` and `places.yml`: a curator.
- Everything else (the generator, the CI files, `maintainers.yml`, docs, tests, and every
  file in `ads/` or `partnerships/` that is not read as data): a maintainer only.
- Maintainers may change anything.

Owners, partners, maintainers and curators are read from the base revision, never from the
change itself: editing `owner:`, `partners:` or `maintainers.yml` in a pull request hands
nobody a file. The change is what the working tree holds (commits and uncommitted edits
alike) compared with the merge base of the base revision and HEAD, so a base branch that
moved on after the branch was cut does not count against the contributor. Every file in
the repository counts, also outside `root` when the project lives in a subfolder.

The rules only hold when this code comes from the base too: CI installs Tandem from a
checkout of the base revision and points `--root` at the pull request's checkout.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from generator.data.ids import ADS, PARTNERSHIPS, SUFFIXES, classify, id_problem, refusal
from generator.data.load import MAX_BYTES, Document, LoadError, load_bytes
from generator.data.problems import Problem

MAINTAINERS_FILE = "maintainers.yml"
TAXONOMY_FILES = ("skills.yml", "places.yml")
"""Curated vocabularies: curators (and maintainers) change them."""

_REGULAR_MODES = ("100644", "100755")
_ABSENT_MODE = "000000"
_FETCH_HINT = (
    'fetch the full history (GitHub: actions/checkout with fetch-depth: 0; GitLab: GIT_DEPTH: "0")'
)
_ASK_A_MAINTAINER = (
    "leave it out of this pull request, or ask a maintainer (listed in maintainers.yml) "
    "to make the change"
)


class GitError(Exception):
    """git could not answer; the message says what to do about it."""


@dataclass(frozen=True)
class Change:
    """One file changed since the base: `old` is its path there, `new` in the working tree.

    Paths are relative to the project root (`../` for files outside it). A side that is not
    a regular file (a symbolic link, a submodule) has `*_regular` False.
    """

    old: str | None
    new: str | None
    old_regular: bool = True
    new_regular: bool = True


@dataclass(frozen=True)
class Roles:
    """Who may do more than change their own ads, as listed in maintainers.yml at the base."""

    maintainers: frozenset[str]
    curators: frozenset[str]


def check_owner(root: Path, base: str, actor: str) -> list[Problem]:
    """Every change that `actor` may not make, one Problem per file."""
    if not login_key(actor):
        return [Problem(".", 1, 1, "no actor given: pass the login of the pull request's author")]
    try:
        revision = merge_base(root, base)
        changes = changed_files(root, revision)
    except GitError as error:
        return [Problem(".", 1, 1, str(error))]
    roles, problems = roles_at(root, revision)
    if login_key(actor) in roles.maintainers:
        return problems
    lookup = _Lookup(root, revision)
    lookup.prefetch(_read_at_base(changes))
    for change in changes:
        problems.extend(_check_change(lookup, roles, change, actor))
    return sorted(problems)


def login_key(login: str) -> str:
    """Forge logins compare without case and without a leading `@`."""
    return login.strip().removeprefix("@").casefold()


# --- git -------------------------------------------------------------------------------


def _git(root: Path, *args: str, stdin: bytes = b"") -> bytes:
    try:
        result = subprocess.run(  # noqa: S603 - fixed executable, arguments are not a shell line
            ["git", *args],  # noqa: S607 - git is found on PATH like any developer tool
            cwd=root,
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError as error:
        raise GitError("git is not installed or not on PATH") from error
    except NotADirectoryError as error:
        raise GitError(f"{root} is not a folder") from error
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {detail[-1] if detail else result.returncode}")
    return result.stdout


def project_prefix(root: Path) -> str:
    """Where `root` lies inside its repository, as git writes it (`""` or `site/`)."""
    if not root.is_dir():
        raise GitError(f"{root} is not a folder")
    try:
        return _git(root, "rev-parse", "--show-prefix").decode("utf-8", "surrogateescape").strip()
    except GitError as error:
        raise GitError(f"{root} is not inside a git repository; check out the project") from error


def resolve(root: Path, rev: str) -> str:
    """The full commit id of `rev`, or GitError with a hint to fetch more history."""
    if not rev or rev.startswith("-"):
        raise GitError(f"not a revision: {rev!r}")
    project_prefix(root)
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
    """Every file of the repository added, changed, deleted or renamed since `revision`.

    Untracked files count (they are what the contributor is about to commit); files that
    git ignores do not.
    """
    prefix = project_prefix(root)
    diff = _git(
        root, "diff", "--raw", "-z", "-M", "--no-ext-diff", "--no-textconv", revision, "--", ":/"
    )
    untracked = _git(
        root, "ls-files", "-z", "--others", "--exclude-standard", "--full-name", "--", ":/"
    )
    changes = _parse_raw(_split_z(diff), prefix)
    for path in _split_z(untracked):
        shown = _relative(path, prefix)
        changes.append(Change(None, shown, new_regular=_is_regular(root / shown)))
    return changes


def _split_z(output: bytes) -> list[str]:
    return [part.decode("utf-8", "surrogateescape") for part in output.split(b"\0") if part]


def _relative(top_path: str, prefix: str) -> str:
    """A repository path as seen from the project root (`prefix`, e.g. `site/`)."""
    if top_path.startswith(prefix):
        return top_path[len(prefix) :]
    return "../" * prefix.count("/") + top_path


def _is_regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _parse_raw(fields: list[str], prefix: str) -> list[Change]:
    """`git diff --raw -z` records: `:old_mode new_mode old_sha new_sha STATUS`, then paths."""
    changes: list[Change] = []
    items = iter(fields)
    for header in items:
        old_mode, new_mode, _, _, status = header.lstrip(":").split(" ")
        first = _relative(next(items), prefix)
        second = _relative(next(items), prefix) if status[0] in "RC" else first
        old = None if status[0] in "AC" else first
        new = None if status[0] == "D" else second
        changes.append(Change(old, new, old_mode in _REGULAR_MODES, new_mode in _REGULAR_MODES))
    return changes


def show(root: Path, revision: str, path: str) -> str | None:
    """The text of `path` (relative to `root`) at `revision`, or None where it did not exist.

    `cat-file` prints the blob as stored: no filter or text conversion of the checkout runs.
    """
    try:
        return _git(root, "cat-file", "blob", f"{revision}:./{path}").decode("utf-8", "replace")
    except GitError:
        return None


def show_many(root: Path, revision: str, paths: list[str]) -> dict[str, str | None]:
    """`show` for many paths with one `git cat-file --batch`, so a large change stays fast.

    The batch protocol is one name a line: paths must not hold a line break (ids cannot).
    """
    request = "".join(f"{revision}:./{path}\n" for path in paths).encode("utf-8")
    output = _git(root, "cat-file", "--batch", stdin=request)
    texts: dict[str, str | None] = {}
    offset = 0
    for path in paths:
        end = output.index(b"\n", offset)
        header = output[offset:end].split(b" ")
        offset = end + 1
        texts[path] = None
        if header[-1] in (b"missing", b"ambiguous"):
            continue
        size = int(header[2])
        if header[1] == b"blob":
            texts[path] = output[offset : offset + size].decode("utf-8", "replace")
        offset += size + 1
    return texts


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
    if not isinstance(doc.data, dict):
        return None
    return {key: _as_written(doc, (key,), value) for key, value in doc.data.items()}


def _as_written(doc: Document, path: tuple[str | int, ...], value: Any) -> Any:
    if isinstance(value, list):
        return [_as_written(doc, (*path, i), item) for i, item in enumerate(value)]
    return doc.raw.get(path, value)


def roles_at(root: Path, revision: str) -> tuple[Roles, list[Problem]]:
    """Maintainers and curators as listed in maintainers.yml at `revision`.

    A list that cannot be read counts as empty (nobody gains a right by breaking the file),
    with a warning that says so.
    """
    text = show(root, revision, MAINTAINERS_FILE)
    if text is None:
        message = f"there is no {MAINTAINERS_FILE} at {revision[:12]}: nobody is a maintainer"
        return Roles(frozenset(), frozenset()), [
            Problem(MAINTAINERS_FILE, 1, 1, message, "warning")
        ]
    data = load_mapping(text) or {}
    maintainers, problems = _logins(data, "maintainers", revision, required=True)
    curators, more = _logins(data, "curators", revision, required=False)
    return Roles(maintainers, curators), problems + more


def maintainers_at(root: Path, revision: str) -> tuple[set[str], list[Problem]]:
    """The maintainers' login keys as listed in maintainers.yml at `revision`."""
    roles, problems = roles_at(root, revision)
    return set(roles.maintainers), problems


def _logins(
    data: dict[str, Any], key: str, revision: str, *, required: bool
) -> tuple[frozenset[str], list[Problem]]:
    logins = data.get(key)
    if logins is None and not required:
        return frozenset(), []
    if not isinstance(logins, list) or not all(isinstance(x, str) for x in logins):
        message = (
            f"cannot read the list `{key}: [login, ...]` at {revision[:12]}; "
            f"nobody is treated as one of the {key} until it is fixed"
        )
        return frozenset(), [Problem(MAINTAINERS_FILE, 1, 1, message, "warning")]
    return frozenset(login_key(x) for x in logins if login_key(x)), []


def owner_of(data: dict[str, Any] | None) -> str | None:
    owner = data.get("owner") if data else None
    return owner.strip() if isinstance(owner, str) and owner.strip() else None


def partners_of(data: dict[str, Any] | None) -> list[str]:
    partners = data.get("partners") if data else None
    if not isinstance(partners, list):
        return []
    return [p for p in partners if isinstance(p, str) and id_problem(p) is None]


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

    def prefetch(self, paths: list[str]) -> None:
        """Read these base files in one go; `base_text` then answers from memory."""
        wanted = sorted({path for path in paths if path not in self._base})
        if wanted:
            self._base.update(show_many(self.root, self.revision, wanted))

    def tree_text(self, path: str) -> str | None:
        """The file as the change has it; never through a link, never more than a data file."""
        file = self.root / path
        if not _is_regular(file) or not file.resolve().is_relative_to(self.root.resolve()):
            return None  # a link could point anywhere on the machine running the check
        try:
            with file.open("rb") as handle:
                return handle.read(MAX_BYTES + 1).decode("utf-8", "replace")
        except OSError:
            return None

    def base_ad(self, ad_id: str) -> tuple[str, str] | None:
        """The path and text of the ad `ad_id` at the base, under either suffix."""
        for path in _ad_paths(ad_id):
            text = self.base_text(path)
            if text is not None:
                return path, text
        return None

    def ad_owner(self, ad_id: str) -> str | None:
        """The owner recorded at the base; for an ad new in this change, the one in the tree.

        A new ad's own check makes sure it names the actor, so the tree is only trusted for
        ads that this change adds.
        """
        found = self.base_ad(ad_id)
        if found is not None:
            return owner_of(load_mapping(found[1]))
        for path in _ad_paths(ad_id):
            text = self.tree_text(path)
            if text is not None:
                return owner_of(load_mapping(text))
        return None


def _ad_paths(ad_id: str) -> list[str]:
    return [f"{ADS}/{ad_id}{suffix}" for suffix in SUFFIXES]


# --- where a file stands ---------------------------------------------------------------

Rule = Literal["ad", "log", "taxonomy", "maintained"]
"""Who may change a file: an ad's owner, a partner's owner, a curator, a maintainer."""


@dataclass(frozen=True)
class Place:
    """What a path is for the rules; for a maintainer's file, why and what to do instead."""

    rule: Rule
    why: str = ""
    fix: str = _ASK_A_MAINTAINER


def place_of(path: str, *, regular: bool = True) -> Place:
    """The rule that governs `path` (relative to the project root)."""
    pure = PurePosixPath(path)
    folder = pure.parts[0]
    if folder in (ADS, PARTNERSHIPS):
        return _data_place(pure, folder, regular=regular)
    if path in TAXONOMY_FILES and regular:
        return Place("taxonomy")
    if path == MAINTAINERS_FILE:
        why = "it says who may change what, and is read from the base of each pull request"
        return Place("maintained", why, "ask a maintainer to add you in a pull request of its own")
    if folder == "..":
        return Place("maintained", "it lies outside the Tandem project")
    return Place("maintained", "it is not an ad or a partnership log")


def _data_place(pure: PurePosixPath, folder: str, *, regular: bool) -> Place:
    if len(pure.parts) > 2:
        why = f"folders inside {folder}/ are not read"
        return Place("maintained", why, f"move the file up into {folder}/")
    if not regular:
        why = "a symbolic link or submodule is not read as data"
        return Place("maintained", why, "commit the file itself")
    verdict = classify(pure.name)
    if verdict == "refused":
        return Place("maintained", refusal(pure.name), "")
    if verdict == "ignored":
        what = "ads" if folder == ADS else "partnership logs"
        return Place("maintained", f"only {what} (`<id>.yml`) in {folder}/ are yours to change")
    if problem := id_problem(pure.stem):
        return Place("maintained", problem, "")
    return Place("ad" if folder == ADS else "log")


# --- the rules -------------------------------------------------------------------------


def _check_change(lookup: _Lookup, roles: Roles, change: Change, actor: str) -> list[Problem]:
    if change.old is not None and change.old == change.new:
        verb = "change" if change.old_regular == change.new_regular else "replace"
        regular = change.old_regular and change.new_regular
        return _check_path(lookup, roles, change.old, verb, actor, regular=regular)
    problems: list[Problem] = []
    if change.old is not None:
        verb = "delete" if change.new is None else "rename"
        problems += _check_path(lookup, roles, change.old, verb, actor, regular=change.old_regular)
    if change.new is not None:
        problems += _check_path(lookup, roles, change.new, "add", actor, regular=change.new_regular)
    return problems


def _check_path(
    lookup: _Lookup, roles: Roles, path: str, verb: str, actor: str, *, regular: bool
) -> list[Problem]:
    place = place_of(path, regular=regular)
    if place.rule == "maintained":
        return [_maintainer_only(path, verb, actor, place)]
    if place.rule == "taxonomy":
        return [] if login_key(actor) in roles.curators else [_curator_only(path, verb, actor)]
    if place.rule == "ad":
        return _check_ad(lookup, path, verb, actor)
    return _check_log(lookup, path, verb, actor)


def _shown(path: str) -> str:
    """A path fit for one output line: control characters and odd bytes escaped."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in path)


def _maintainer_only(path: str, verb: str, actor: str, place: Place) -> Problem:
    message = f"only a maintainer may {verb} this file: {place.why}; you are {actor}"
    if place.fix:
        message += f": {place.fix}"
    return Problem(_shown(path), 1, 1, message)


def _curator_only(path: str, verb: str, actor: str) -> Problem:
    message = (
        f"only a curator or a maintainer (both listed in maintainers.yml) may {verb} {path}; "
        f"you are {actor}: ask a curator to make the change, or to take over this pull request"
    )
    return Problem(path, 1, 1, message)


def _check_ad(lookup: _Lookup, path: str, verb: str, actor: str) -> list[Problem]:
    if verb != "add":
        return _check_ad_owner(lookup, path, verb, actor)
    problems = _check_new_ad(path, lookup.tree_text(path), actor)
    found = lookup.base_ad(PurePosixPath(path).stem)
    if found is not None:
        problems += _check_taken_id(lookup, path, found, actor)
    return problems[:1]


def _check_ad_owner(lookup: _Lookup, path: str, verb: str, actor: str) -> list[Problem]:
    owner = owner_of(load_mapping(lookup.base_text(path)))
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


def _check_taken_id(
    lookup: _Lookup, path: str, found: tuple[str, str], actor: str
) -> list[Problem]:
    """A new file for an id that the base already has under the other suffix."""
    base_path, text = found
    owner = owner_of(load_mapping(text))
    if owner is not None and login_key(owner) == login_key(actor):
        return []
    whose = f"{owner}'s ad" if owner else "an ad whose owner cannot be read"
    message = (
        f"the id '{PurePosixPath(path).stem}' belongs to {whose} ({base_path}); only its owner "
        f"or a maintainer may add a file with it; you are {actor}: choose another file name"
    )
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


def _check_log(lookup: _Lookup, path: str, verb: str, actor: str) -> list[Problem]:
    if verb == "add":
        text = lookup.tree_text(path)
        line = key_line(text, "partners")
    else:
        text, line = lookup.base_text(path), 1
    owners = _partner_owners(lookup, partners_of(load_mapping(text)))
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


def _read_at_base(changes: list[Change]) -> list[str]:
    """The base files that the rules for these changes read: ads and logs, old and new."""
    paths: list[str] = []
    for change in changes:
        for path in {change.old, change.new} - {None}:
            rule = place_of(str(path)).rule
            if rule == "ad":
                paths += _ad_paths(PurePosixPath(str(path)).stem)
            elif rule == "log":
                paths.append(str(path))
    return paths


def _partner_owners(lookup: _Lookup, partners: list[str]) -> dict[str, str]:
    lookup.prefetch([path for ad_id in partners for path in _ad_paths(ad_id)])
    owners = {ad_id: lookup.ad_owner(ad_id) for ad_id in partners}
    return {ad_id: owner for ad_id, owner in owners.items() if owner is not None}
