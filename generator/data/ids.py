"""Ids and data files: the one place that says what an id is and which files hold data.

Every command (validate, check-owner, expire, new-ad, the site) finds data files through
`discover` and checks ids through `id_problem`, so they cannot disagree about which file is
read: `ads/ana.YML` is not an ad that one command reads and another ignores, it is an error
for all of them.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

ADS = "ads"
PARTNERSHIPS = "partnerships"
DATA_FOLDERS = (ADS, PARTNERSHIPS)
"""The data folders, relative to the root; each file in them is one record."""

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ID_MAX = 64
SUFFIXES = (".yml", ".yaml")
"""Data file suffixes, exactly as written: `.YML` is refused, not read or skipped."""

RESERVED = frozenset({"index", "page", "feed", "calendar"})
"""Names the site keeps for its own pages under /ads/, /partnerships/ and /skills/.

An ad id, a partnership id or a skill slug equal to one of them would land on (or beside) a
listing page, so validation refuses it. `index` is taken today; the others are kept free for
pagination, feeds and calendars, so adding those pages never moves a person's URL. The list
stays short on purpose: every name here is a skill (say "Data") nobody can have a page for.
"""

Verdict = Literal["data", "ignored", "refused"]
"""What `classify` says of a file name in a data folder."""


def id_problem(ident: str) -> str | None:
    """Why `ident` cannot be an id, in words a contributor can act on; None when it can."""
    if not ID_PATTERN.match(ident) or len(ident) > ID_MAX:
        example = slugify(ident) or "jana-schulz"
        if example in RESERVED or not ID_PATTERN.match(example):
            example = "jana-schulz"
        return (
            f"'{ident}' is not a valid id: use lowercase letters, digits and single hyphens, "
            f"at most {ID_MAX} characters (e.g. '{example}')"
        )
    if ident in RESERVED:
        return (
            f"'{ident}' is a name the site keeps for its own pages; choose another, "
            f"e.g. '{ident}-1' or your own name"
        )
    return None


def joined_id(idents: Sequence[str]) -> str:
    """The id of a partnership log named after its partners, within the id's length."""
    return "-".join(idents)[:ID_MAX].strip("-")


TRANSLITERATION = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "Ä": "Ae",
        "Ö": "Oe",
        "Ü": "Ue",
        "ß": "ss",
        "ı": "i",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "Ae",
        "đ": "d",
        "'": None,
        "’": None,
    }
)


def slugify(text: str) -> str:
    """`Jürgen Müller` -> `juergen-mueller`: the id a person's name gives (may be reserved)."""
    text = text.translate(TRANSLITERATION)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:ID_MAX].strip("-")


def classify(name: str) -> Verdict:
    """What a file name inside a data folder is: read as data, ignored, or refused.

    Data is `<stem>.yml` or `<stem>.yaml` exactly (the stem is checked as an id separately).
    A name that looks like data but would not be read (`.YML`, `.Yaml`, `ana.yml.yml` is fine
    as data with a bad id) is refused, never silently skipped. Notes such as `README.md` and
    hidden files such as `.gitkeep` are ignored.
    """
    if name.endswith(SUFFIXES) and name not in SUFFIXES and "/" not in name:  # most names
        return "data"
    suffix = PurePosixPath(name).suffix
    if suffix in SUFFIXES:
        return "data"
    if suffix.lower() in SUFFIXES:
        return "refused"
    return "ignored"


def refusal(name: str) -> str:
    """The message for a name `classify` refuses."""
    stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
    return (
        f"'{name}' is not read: the suffix must be written '{suffix.lower()}' "
        f"(rename it to '{stem}{suffix.lower()}')"
    )


@dataclass(frozen=True)
class Found:
    """What one data folder holds: files to read, and names refused with their message."""

    files: tuple[Path, ...]
    refused: tuple[tuple[Path, str], ...]


def discover(root: Path, folder: str) -> Found:
    """The files of one data folder, sorted so output never depends on the file system.

    Folders inside a data folder are refused: nothing in them would be read. A data folder
    that is a symbolic link is refused whole, and nothing in it is read.
    """
    directory = root / folder
    if directory.is_symlink():  # it could point anywhere, outside the repository too
        return Found((), ((directory, f"{folder}/ is a symbolic link; commit the folder itself"),))
    if not directory.is_dir():
        return Found((), ())
    files: list[Path] = []
    refused: list[tuple[Path, str]] = []
    with os.scandir(directory) as listing:  # each entry knows its type: no stat per file
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = directory / entry.name
        if entry.is_dir(follow_symlinks=False):
            message = f"folders inside {folder}/ are not read; move the files up into {folder}/"
            refused.append((path, message))
            continue
        verdict = classify(entry.name)
        if verdict == "data":
            files.append(path)
        elif verdict == "refused":
            refused.append((path, refusal(path.name)))
    return Found(tuple(files), tuple(refused))


def data_folder_of(path: str) -> str | None:
    """The data folder (`ads` or `partnerships`) of a repository path that names a data file."""
    pure = PurePosixPath(path)
    if len(pure.parts) == 2 and pure.parts[0] in DATA_FOLDERS and classify(pure.name) == "data":
        return pure.parts[0]
    return None
