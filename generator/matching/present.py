"""Suggestions as people and tools read them: reason texts, JSON, terminal text, Markdown.

The matcher, the circle finder and the pairing plan decide and give reasons as codes with
parameters; this module is the one place that turns them into words. The command line, the
pull-request report and the site all use it, so a reason reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from generator.matching.circles import Circle
from generator.matching.match import ParamValue, Reason, Suggestion
from generator.matching.pairings import Proposal
from generator.site.i18n import Locale

ENGLISH = Locale("en")
"""The commands' language: JSON and terminal text are for tools and maintainers."""


def reason_text(reason: Reason, locale: Locale) -> str:
    """The reason in the locale's language, e.g. `offers Kubernetes (expert), which you seek`."""
    params = dict(reason.params)
    shown = {
        name: _show(name, params.get(f"{name}_{locale.lang}", value), locale)
        for name, value in params.items()
    }
    return locale.t(f"reason.{reason.code}", **shown)


def reason_texts(reasons: Iterable[Reason], locale: Locale = ENGLISH) -> list[str]:
    return [_worded(reason, locale) for reason in reasons]


_WORDED: dict[tuple[Reason, Locale, tuple[type, ...]], str] = {}
"""Reasons already worded: at 10,000 ads the suggestions give 313,000 reasons, 32,000 of
them different. Keyed with the parameters' types too, as `1 == 1.0 == True` would otherwise
share a text that `_show` words differently."""


def _worded(reason: Reason, locale: Locale) -> str:
    key = (reason, locale, tuple(type(value) for _, value in reason.params))
    text = _WORDED.get(key)
    if text is None:
        if len(_WORDED) >= 1 << 17:  # a long-running process (mkdocs serve) stays bounded
            _WORDED.clear()
        text = _WORDED[key] = reason_text(reason, locale)
    return text


def word_ahead(plan: Iterable[Proposal]) -> None:
    """Word these proposals' reasons now, kept for this process: `tandem pairings` does this
    while the plan's last matching runs beside (`plan_pairings`'s `meanwhile`), so printing
    the plan afterwards mostly looks its words up."""
    for proposal in plan:
        for reason in proposal.reasons:
            _worded(reason, ENGLISH)


def write_ahead(plan: Iterable[Proposal]) -> None:
    """`word_ahead` for `pairings_json_text`: each proposal's JSON written now, kept for this
    process, so writing the plan afterwards mostly joins them."""
    words = encoded_words()
    for proposal in plan:
        _proposal_json(proposal, words)


_WRITTEN: dict[int, tuple[Proposal, str]] = {}
"""Proposals whose JSON is written (`write_ahead`), by identity: each is kept beside its
text, so no id is reused for another while it is here."""


def _proposal_json(proposal: Proposal, words: Words) -> str:
    """One proposal of `pairings_json_text`, written where it goes (one level in)."""
    known = _WRITTEN.get(id(proposal))
    if known is not None:
        return known[1]
    if len(_WRITTEN) >= 1 << 16:  # a long-running process stays bounded
        _WRITTEN.clear()
    text = json_text(pairings_json([proposal], words=words)[0], depth=1)
    _WRITTEN[id(proposal)] = (proposal, text)
    return text


def _show(name: str, value: ParamValue, locale: Locale) -> str:
    if name in ("level", "wanted"):
        return locale.t(f"level.{value}")
    if name in ("date", "my_date") and isinstance(value, str):
        return locale.date(dt.date.fromisoformat(value))
    if isinstance(value, tuple):
        if name.endswith("formats"):
            return ", ".join(locale.t(f"format.{f}") for f in value)
        if name.endswith("names"):
            return ", ".join(value)
        return ", ".join(code.upper() for code in value)
    if isinstance(value, float):
        return locale.number(value)
    return str(value)


# --- the few reasons a page shows -----------------------------------------------------------

CAUTIONS = frozenset(
    {
        "hours_gap",
        "engagement_gap",
        "start_gap",
        "they_teach_below",
        "i_teach_below",
        "circle_short",
    }
)
"""Mismatches in time, engagement or level: where partnerships fail, so pages show them first."""

SHOWN_ELSEWHERE = frozenset(
    {
        *(
            f"{side}{kind}"
            for side in ("they_teach", "i_teach")
            for kind in ("", "_as", "_via", "_differs")
        ),
        "one_way_learn",
        "one_way_teach",
        "circle_theme",
        "circle_theme_one",
        "circle_theme_teach",
        "circle_theme_teach_one",
        "circle_theme_all",
        "circle_theme_all_one",
        "circle_teacher",
    }
)
"""Said by the page around the reasons: who teaches whom which skill (with the note and the
goal), the one-way badge, a circle's theme and who in it teaches the theme."""

NEARLY_ALL = 0.8
"""A reason given to at least this share of all suggestions tells nobody anything."""
MIN_TO_COMPARE = 10
"""With fewer suggestions than this there is no norm to differ from: nothing counts as common."""
REASONS_SHOWN = 3


@dataclass(frozen=True)
class ShownReasons:
    """One suggestion's reasons as a page shows them."""

    cautions: tuple[str, ...]  # every mismatch, first
    distinctive: tuple[str, ...]  # at most REASONS_SHOWN of the rest, the rarest, in order
    every: tuple[str, ...]  # all of them, as `tandem match` gives them


def reason_shares(reason_lists: Iterable[Iterable[Reason]]) -> dict[str, float]:
    """For each reason code, the share of the lists (suggestions) that give it."""
    counts: Counter[str] = Counter()
    lists = 0
    for reasons in reason_lists:
        lists += 1
        counts.update({reason.code for reason in reasons})
    if lists < MIN_TO_COMPARE:
        return {}
    return {code: count / lists for code, count in counts.items()}


def reason_ranks(
    reasons: Iterable[Reason], shares: Mapping[str, float]
) -> tuple[tuple[str, ...], ...]:
    """All that `shares` decides of the reasons a page shows from these: the codes it may
    pick as distinctive (not cautions, not said elsewhere, not given by nearly all), rarest
    first, those of the same share together. A preview keeps a page while this is the same,
    though every share moves a little with each edit."""
    by_share: dict[float, list[str]] = {}
    for code in {r.code for r in reasons} - CAUTIONS - SHOWN_ELSEWHERE:
        share = shares.get(code, 0.0)
        if share < NEARLY_ALL:
            by_share.setdefault(share, []).append(code)
    return tuple(tuple(sorted(by_share[share])) for share in sorted(by_share))


def shown_reasons(
    reasons: Sequence[Reason], locale: Locale, *, shares: Mapping[str, float]
) -> ShownReasons:
    """Cautions first; then the reasons that differ most from the norm (`shares`), leaving
    out those nearly every suggestion gives and those the page says otherwise."""
    cautions = [r for r in reasons if r.code in CAUTIONS]
    rank = {code: n for n, codes in enumerate(reason_ranks(reasons, shares)) for code in codes}
    candidates = [(rank[r.code], i) for i, r in enumerate(reasons) if r.code in rank]
    chosen = sorted(i for _, i in sorted(candidates)[:REASONS_SHOWN])
    return ShownReasons(
        cautions=tuple(reason_texts(cautions, locale)),
        distinctive=tuple(reason_text(reasons[i], locale) for i in chosen),
        every=tuple(reason_texts(reasons, locale)),
    )


def direction(suggestion: Suggestion) -> str:
    return "mutual" if suggestion.mutual else "one-way"


# --- JSON (the contract's shapes) -----------------------------------------------------------

Words = Callable[[Iterable[Reason]], list[Any]]
"""How a shape gives its reasons: as texts (`reason_texts`), or already encoded (`_encoded`)."""


def suggestions_json(
    result: Mapping[str, Sequence[Suggestion]], *, words: Words = reason_texts
) -> dict[str, Any]:
    """`{"<ad id>": [{"partner", "score", "mutual", "reasons"}, …]}`."""
    return {ident: _suggestion_list(suggestions, words) for ident, suggestions in result.items()}


def _suggestion_list(suggestions: Sequence[Suggestion], words: Words) -> list[dict[str, Any]]:
    return [
        {"partner": s.partner, "score": s.score, "mutual": s.mutual, "reasons": words(s.reasons)}
        for s in suggestions
    ]


def circles_json(
    result: Mapping[str, Sequence[Circle]], *, words: Words = reason_texts
) -> dict[str, Any]:
    """`{"<ad id>": [{"members", "theme", "score", "reasons"}, …]}`."""
    return {ident: _circle_list(circles, words) for ident, circles in result.items()}


def _circle_list(circles: Sequence[Circle], words: Words) -> list[dict[str, Any]]:
    return [
        {
            "members": list(c.members),
            "theme": c.theme,
            "score": c.score,
            "reasons": words(c.reasons),
        }
        for c in circles
    ]


def pairings_json(plan: Sequence[Proposal], *, words: Words = reason_texts) -> list[dict[str, Any]]:
    """`[{"members", "score", "reasons"}, …]`."""
    return [
        {"members": list(p.members), "score": p.score, "reasons": words(p.reasons)} for p in plan
    ]


def suggestions_json_text(result: Mapping[str, Sequence[Suggestion]]) -> str:
    """`suggestions_json` as the commands print it (`json_text`), each reason encoded once."""
    words = encoded_words()
    return lists_json_text(
        {ident: suggestion_list_json(found, words=words) for ident, found in result.items()}
    )


def suggestion_list_json(suggestions: Sequence[Suggestion], *, words: Words) -> str:
    """One ad's list in `suggestions_json_text`, written where it goes (one level in): what
    `json_text(_suggestion_list(suggestions, words), depth=1)` writes, each suggestion from
    one template (35,751 at 10,000 ads: the general writer took three times as long)."""
    if not suggestions:
        return "[]"
    written = [
        _SUGGESTION_JSON
        % (
            encode_basestring(s.partner),
            int.__repr__(s.score),
            _CONSTANTS[s.mutual],
            _texts_json(words(s.reasons), depth=3),
        )
        for s in suggestions
    ]
    return "[\n    " + ",\n    ".join(written) + "\n  ]"


_SUGGESTION_JSON = """{
      "partner": %s,
      "score": %s,
      "mutual": %s,
      "reasons": %s
    }"""
"""A suggestion of `_suggestion_list` as `json_text` writes it two levels in."""


def _texts_json(texts: list[Any], *, depth: int) -> str:
    """`json_text(texts, depth=depth)`, joined at once when all are `Encoded` (reasons)."""
    if not texts or not all(type(text) is Encoded for text in texts):
        return json_text(texts, depth=depth)
    inner = "\n" + "  " * (depth + 1)
    return "[" + inner + ("," + inner).join(texts) + "\n" + "  " * depth + "]"


def lists_json_text(lists: Mapping[str, str | Sequence[Any]]) -> str:
    """`{"<ad id>": list, …}` of lists already written one level in (`suggestion_list_json`,
    `circle_list_json`) or still to be written (an empty list for an ad with none)."""
    return json_text({k: Encoded(v) if isinstance(v, str) else v for k, v in lists.items()})


def circles_json_text(result: Mapping[str, Sequence[Circle]]) -> str:
    words = encoded_words()
    return lists_json_text(
        {ident: circle_list_json(found, words=words) for ident, found in result.items()}
    )


def circle_list_json(circles: Sequence[Circle], *, words: Words) -> str:
    """One ad's circles in `circles_json_text`, written where they go (one level in)."""
    return json_text(_circle_list(circles, words), depth=1)


def pairings_json_text(plan: Sequence[Proposal]) -> str:
    """`json_text(pairings_json(plan))`, each proposal's part written once (`write_ahead`)."""
    if not plan:
        return "[]"
    words = encoded_words()
    return "[\n  " + ",\n  ".join(_proposal_json(p, words) for p in plan) + "\n]"


class Encoded(str):
    """A value already written as JSON (a quoted string): `json_text` copies it as it is."""


def encoded_words() -> Words:
    """`reason_texts` as JSON strings, each reason object encoded once: the matcher gives one
    object for all equal reasons (`match.Remembered`), 313,000 reasons at 10,000 ads. Keyed
    by identity (each reason is kept with its text, so no id is reused): for one command."""
    done: dict[int, tuple[Reason, Encoded]] = {}

    def words(reasons: Iterable[Reason]) -> list[Any]:
        found = []
        for reason in reasons:
            known = done.get(id(reason))
            if known is None:
                # the reason is kept beside its text, so its id is not reused for another
                text = Encoded(encode_basestring(_worded(reason, ENGLISH)))
                known = done[id(reason)] = (reason, text)
            found.append(known[1])
        return found

    return words


def json_text(value: Any, *, depth: int = 0) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, byte for byte, for dicts with text
    keys, lists, tuples, texts, whole numbers, booleans and None, and `Encoded` values as
    written. Faster: Python's JSON writer takes its slow path whenever it indents. With
    `depth`, written to be placed that many levels in."""
    out: list[str] = []
    _write(value, "\n" + "  " * depth, out)
    return "".join(out)


def _write(value: Any, newline: str, out: list[str]) -> None:
    """`value` into `out`, its inner lines indented two spaces more than `newline`."""
    if type(value) is Encoded:
        out.append(value)
    elif isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None or value is True or value is False:
        out.append(_CONSTANTS[value])
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, dict):
        _write_dict(value, newline, out)
    elif isinstance(value, list | tuple):
        _write_list(value, newline, out)
    else:
        raise TypeError(f"json_text writes no {type(value).__name__}")


_CONSTANTS = {None: "null", True: "true", False: "false"}


def _write_dict(value: dict[Any, Any], newline: str, out: list[str]) -> None:
    if not value:
        out.append("{}")
        return
    inner = newline + "  "
    separator = "{"
    for key, item in value.items():
        if not isinstance(key, str):
            raise TypeError(f"json_text writes text keys only, not {type(key).__name__}")
        out.append(f"{separator}{inner}{encode_basestring(key)}: ")
        separator = ","
        _write(item, inner, out)
    out.append(newline + "}")


def _write_list(value: list[Any] | tuple[Any, ...], newline: str, out: list[str]) -> None:
    if not value:
        out.append("[]")
        return
    inner = newline + "  "
    out.append("[" + inner)
    separator = "," + inner
    for n, item in enumerate(value):
        if n:
            out.append(separator)
        if type(item) is Encoded:  # most items: a reason's text
            out.append(item)
        else:
            _write(item, inner, out)
    out.append(newline + "]")


# --- terminal text --------------------------------------------------------------------------


def suggestions_text(
    result: Mapping[str, Sequence[Suggestion]], names: Mapping[str, str]
) -> Iterator[str]:
    """`tandem match`: each ad, then its partners with score, direction and reasons."""
    for ident, suggestions in result.items():
        yield f"{names[ident]} ({ident})"
        if not suggestions:
            yield "  no suggestions"
        for s in suggestions:
            yield f"  {s.score:3d}  {names[s.partner]} ({s.partner}), {direction(s)}"
            yield from _reason_lines(s.reasons)


def circles_text(result: Mapping[str, Sequence[Circle]], names: Mapping[str, str]) -> Iterator[str]:
    """`tandem circles`: each ad, then its circles with theme, members and reasons."""
    for ident, found in result.items():
        yield f"{names[ident]} ({ident})"
        if not found:
            yield "  no circle (open to wol-circle or lernos-circle, with others to meet?)"
        for circle in found:
            members = ", ".join(f"{names[m]} ({m})" for m in circle.members)
            yield f"  {circle.score:3d}  {circle.theme}: {members}"
            yield from _reason_lines(circle.reasons)


def pairings_text(plan: Sequence[Proposal], names: Mapping[str, str]) -> Iterator[str]:
    """`tandem pairings`: how many are placed, then each proposal with its reasons."""
    placed = sum(len(p.members) for p in plan if p.score)
    everyone = len({m for p in plan for m in p.members})
    yield f"{placed} of {everyone} open ads placed"
    for proposal in plan:
        members = ", ".join(f"{names[m]} ({m})" for m in proposal.members)
        yield f"  {proposal.score:3d}  {members}"
        yield from _reason_lines(proposal.reasons)


def _reason_lines(reasons: Iterable[Reason]) -> Iterator[str]:
    for text in reason_texts(reasons):
        yield f"       - {text}"


# --- Markdown (the pull-request report) -----------------------------------------------------


def markdown_cell(text: str) -> str:
    """Text made safe for one line of a Markdown list or table cell."""
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def suggestions_markdown(
    ident: str, suggestions: Sequence[Suggestion], names: Mapping[str, str]
) -> list[str]:
    """One ad's suggested partners as a Markdown paragraph and list."""
    lines = [f"**{markdown_cell(names[ident])}** (`{ident}`)"]
    if not suggestions:
        lines.append("- no suggestions yet (the ad is not open, or nobody fits yet)")
    for s in suggestions:
        reasons = "; ".join(markdown_cell(text) for text in reason_texts(s.reasons))
        partner = f"{markdown_cell(names[s.partner])} (`{s.partner}`)"
        lines.append(f"- {partner}, {direction(s)}, {s.score}/100: {reasons}")
    return [*lines, ""]
