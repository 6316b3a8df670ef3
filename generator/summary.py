"""The Markdown summary of a pull request: its problems, and partners for the ads it touches."""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PurePosixPath

from generator.i18n import Locale
from generator.match import reason_text
from generator.ownership import GitError, changed_files, merge_base
from generator.pipeline import check, gather
from generator.problems import Problem, TandemError, has_errors
from generator.report import summary_line


def changed_ad_ids(root: Path, base: str) -> list[str]:
    """Ids of the ads added or changed since `base` (deleted ones have nobody to suggest)."""
    changes = changed_files(root, merge_base(root, base))
    paths = [PurePosixPath(c.new) for c in changes if c.new]
    return sorted({p.stem for p in paths if p.parts[0] == "ads"})


def pull_request_summary(root: Path, base: str, today: dt.date) -> str:
    """Problems first (what to fix), then suggested partners for each changed ad."""
    _, _, problems = check(root, today)
    lines = ["## Tandem check", "", f"**{summary_line(problems)}**", ""]
    lines += _problem_table(problems)
    try:
        ids = changed_ad_ids(root, base)
    except GitError as exc:
        return "\n".join([*lines, f"_Could not list the changed ads: {exc}_", ""])
    if not ids or has_errors(problems):
        return "\n".join(lines)
    lines += _suggestions(root, today, ids)
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _problem_table(problems: list[Problem]) -> list[str]:
    if not problems:
        return ["Every ad and partnership log is valid.", ""]
    rows = ["| file | line | severity | message |", "|---|---|---|---|"]
    rows += [
        f"| `{_cell(p.path)}` | {p.line} | {p.severity} | {_cell(p.message)} |" for p in problems
    ]
    return [*rows, ""]


def _suggestions(root: Path, today: dt.date, ids: list[str]) -> list[str]:
    try:
        data = gather(root, today)
    except TandemError:
        return []
    names = {ad.id: ad.name for ad in data.ads}
    locale = Locale("en")
    lines = ["### Suggested partners for the ads in this pull request", ""]
    for ident in ids:
        if ident not in names:
            continue
        lines.append(f"**{_cell(names[ident])}** (`{ident}`)")
        suggestions = data.suggestions.get(ident, [])
        if not suggestions:
            lines.append("- no suggestions yet (the ad is not open, or nobody fits yet)")
        for s in suggestions:
            kind = "mutual" if s.mutual else "one-way"
            reasons = "; ".join(_cell(reason_text(r, locale)) for r in s.reasons)
            lines.append(
                f"- {_cell(names[s.partner])} (`{s.partner}`), {kind}, {s.score}/100: {reasons}"
            )
        lines.append("")
    return lines
