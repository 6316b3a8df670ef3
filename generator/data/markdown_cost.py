"""Contributor Markdown that Python-Markdown cannot read in time, found in linear time.

Python-Markdown's link patterns scan from every '[' to its matching ']', or to the end of
the paragraph when there is none, and from every '](' to the matching ')', once per
pattern: 5,000 '[' take 15 seconds, a log full of them many minutes. Its HTML parser reads
from every '<a' to the next '>' of the whole text: 1,666 '<a ' take half a second. Block
parsing is quadratic in the lines of a block, and list markers on one line ('1. 1. 1. …')
open one nested list each until Python's recursion limit. Validation refuses such text;
the renderer shows it as plain text should it ever get that far.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_LINES = 300
"""Block parsing is quadratic in the lines of a block ('#', '-', '=' or '```' lines: 2,500
of them take up to a second); a 5,000-character text of ordinary lines has fewer than 100."""
MAX_NESTING = 20
"""List and quote markers at the start of one line; people nest three or four."""
SCAN_PER_CHARACTER = 2
SCAN_ALLOWANCE = 2_000
"""A text may cost its link patterns this many characters scanned, plus SCAN_PER_CHARACTER
for each of its own: a few stray '[' in any text, a link on every line, never a square."""

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_BRACKET = re.compile(r"\\.|[\[\]()]", re.DOTALL)
_TAG = re.compile(r"<[A-Za-z]")
_MARKER = re.compile(r"[ \t]*(?:>|(?:[*+-]|\d{1,9}[.)])(?=[ \t]))")


@dataclass(frozen=True)
class Hazard:
    """Why a text is refused, and where in it (1-based line and column of the text)."""

    line: int
    col: int
    message: str


def markdown_hazard(text: str) -> Hazard | None:
    """The first reason Python-Markdown would take too long on `text`, if any."""
    return _lines_hazard(text) or _nesting_hazard(text) or _scan_hazard(text)


def _lines_hazard(text: str) -> Hazard | None:
    lines = text.count("\n") + 1
    if lines <= MAX_LINES:
        return None
    return Hazard(
        MAX_LINES + 1,
        1,
        f"has {lines} lines; at most {MAX_LINES} allowed: write fewer, longer lines, "
        "or split the text into several entries",
    )


def _nesting_hazard(text: str) -> Hazard | None:
    for number, line in enumerate(text.split("\n"), start=1):
        depth, pos = 0, 0
        while depth <= MAX_NESTING and (marker := _MARKER.match(line, pos)):
            depth, pos = depth + 1, marker.end()
        if depth > MAX_NESTING:
            return Hazard(
                number,
                1,
                f"lists or quotes nested more than {MAX_NESTING} levels deep on one line; "
                "nest fewer, or write \\ before a marker that is text",
            )
    return None


def _scan_hazard(text: str) -> Hazard | None:
    scans = [
        (start + at, length) for start, para in _paragraphs(text) for at, length in _scans(para)
    ]
    scans += _tag_scans(text)
    cost = sum(length for _, length in scans)
    if cost <= SCAN_PER_CHARACTER * len(text) + SCAN_ALLOWANCE:
        return None
    worst = max(scans, key=lambda scan: (scan[1], -scan[0]))
    line, col = _line_col(text, worst[0])
    return Hazard(
        line,
        col,
        "too many brackets or tags left open, or nested too deep, for the page to be made "
        "in time (the longest-open one starts here); close each '[' with ']', each '](' "
        "with ')' and each '<' with '>' soon after, or write \\[ and \\< for text",
    )


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of each paragraph: inline patterns never look past a blank line."""
    start = 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        yield start, text[start : brk.start()]
        start = brk.end()
    yield start, text[start:]


def _scans(paragraph: str) -> list[tuple[int, int]]:
    """(opener, characters scanned from it) for every '[', and every '(' right after ']'."""
    scans: list[tuple[int, int]] = []
    squares: list[int] = []
    rounds: list[tuple[int, bool]] = []
    for found in _BRACKET.finditer(paragraph):
        char, at = found[0], found.start()
        if char == "[":
            squares.append(at)
        elif char == "(":
            rounds.append((at, paragraph[at - 1 : at] == "]"))
        elif char == "]" and squares:
            opener = squares.pop()
            scans.append((opener, at - opener))
        elif char == ")" and rounds:
            opener, after_link = rounds.pop()
            if after_link:
                scans.append((opener, at - opener))
    end = len(paragraph)
    scans += [(opener, end - opener) for opener in squares]
    scans += [(opener, end - opener) for opener, after_link in rounds if after_link]
    return scans


def _tag_scans(text: str) -> list[tuple[int, int]]:
    """(opener, characters scanned from it) for every '<' that starts a tag: Python's HTML
    parser reads its attributes up to the next '>', across paragraphs."""
    scans: list[tuple[int, int]] = []
    closer = -1
    for found in _TAG.finditer(text):
        at = found.start()
        if closer < at:
            closer = text.find(">", at)
            closer = len(text) if closer < 0 else closer
        scans.append((at, closer - at))
    return scans


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
