"""What the forms at /post/ and /post/partnership/ check and write, as data for their script.

The script (theme/assets/javascripts/post.js) holds no rule of its own: the schema, the id
rule and the reserved ids, the date limits, the layout of the file and the forge's address
come from here, taken from the modules that `tandem validate` and `tandem new-ad` use, so
the form and the commands cannot drift apart. Everything here is plain JSON data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from generator.data.ids import ADS, ID_MAX, ID_PATTERN, PARTNERSHIPS, RESERVED, TRANSLITERATION
from generator.data.load import NON_PRINTABLE_VALUE
from generator.data.model import Ad
from generator.data.validate import (
    MAX_MONTHS,
    PARTNERS_PER_FORMAT,
    POSTED_AHEAD_DAYS,
    schema_validator,
)
from generator.site.forge import MAX_URL_LENGTH, Forge
from generator.site.i18n import Locale
from generator.workflow.layout import STYLE
from generator.workflow.scaffold import DEFAULT_LEVEL, DEFAULT_MONTHS, NUMBER

WORDS = (
    "required",
    "not_number",
    "not_whole",
    "not_date",
    "one_of",
    "minimum",
    "maximum",
    "min_items",
    "max_items",
    "too_long",
    "twice",
    "wrong_form",
    "unprintable",
    "id_form",
    "id_reserved",
    "id_taken",
    "expires_order",
    "expires_late",
    "posted_ahead",
    "partner_unknown",
    "partners_count",
    "before_started",
    "needs_planned_end",
    "summary_one",
    "summary_many",
    "summary_none",
    "copied",
    "copy_failed",
    "downloaded",
    "forge_none",
    "forge_too_long",
    "forge_fix_first",
    "learn",
    "remove_offer",
    "remove_seek",
    "remove_partner",
    "offer_n",
    "seek_n",
    "partner_n",
    "goal_of",
)
"""The texts the script shows, each `post.<word>` in the locale tables."""


def _common(schema: str, folder: str, forge: Forge | None, locale: Locale) -> dict[str, Any]:
    return {
        "kind": schema,
        "folder": folder,
        "schema": schema_validator(schema).schema,
        "style": STYLE,
        "id": {
            "pattern": ID_PATTERN.pattern,
            "max": ID_MAX,
            "reserved": sorted(RESERVED),
            "transliteration": {chr(k): v or "" for k, v in TRANSLITERATION.items()},
        },
        "unprintable": NON_PRINTABLE_VALUE.pattern,
        "forge": _forge(forge, folder),
        "words": {word: locale.t(f"post.{word}") for word in WORDS},
    }


def _forge(forge: Forge | None, folder: str) -> dict[str, Any] | None:
    if forge is None:
        return None
    return {
        "label": forge.label,
        "base": forge.new_file_base(folder),
        "name": forge.name_parameter,
        "content": forge.content_parameter,
        "max": MAX_URL_LENGTH,
    }


def ad_form(forge: Forge | None, locale: Locale, *, taken: Iterable[str]) -> dict[str, Any]:
    """The rules of /post/; `taken`: every ad id in the repository, so none is used twice."""
    return _common("ad", ADS, forge, locale) | {
        "taken": sorted(taken),
        "number": NUMBER,
        "months": {"default": DEFAULT_MONTHS, "max": MAX_MONTHS},
        "posted_ahead": POSTED_AHEAD_DAYS,
        "level": DEFAULT_LEVEL,
    }


def partnership_form(
    open_ads: Iterable[Ad],
    forge: Forge | None,
    locale: Locale,
    *,
    taken: Iterable[str],
) -> dict[str, Any]:
    """The rules of /post/partnership/, with the open ads people can start one with: their
    ids, names, and what they seek with their goals (to fill in the partners' goals)."""
    return _common("partnership", PARTNERSHIPS, forge, locale) | {
        "taken": sorted(taken),
        "partners_per_format": {k: list(v) for k, v in PARTNERS_PER_FORMAT.items()},
        "ads": {ad.id: [ad.name, [[s.skill, s.goal or ""] for s in ad.seeks]] for ad in open_ads},
    }
