"""Every string the generator writes comes from a locale table.

Tables live in `generator/locales/<lang>/*.yml`, one flat mapping of dotted keys each; the
files of one language are merged, so each stage keeps its own strings. A key missing from a
language falls back to English, so a half-translated site still builds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

DEFAULT_LANGUAGE = "en"
SUPPORTED = ("en", "de")


@cache
def _table(lang: str) -> dict[str, str]:
    folder = resources.files("generator").joinpath(f"locales/{lang}")
    table: dict[str, str] = {}
    if not folder.is_dir():
        return table
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yml"):
            data = yaml.safe_load(entry.read_text("utf-8")) or {}
            table.update({str(k): str(v) for k, v in data.items()})
    return table


@dataclass(frozen=True)
class Locale:
    """A language's strings and date format."""

    lang: str = DEFAULT_LANGUAGE

    def t(self, key: str, /, **params: Any) -> str:
        """The string for `key` in this language (English when missing), filled in."""
        text = _table(self.lang).get(key) or _table(DEFAULT_LANGUAGE).get(key)
        if text is None:
            raise KeyError(f"no string '{key}' in the locale tables")
        return text.format(**params) if params else text

    def number(self, value: float) -> str:
        """`1.5` as this language writes it: `1.5` in English, `1,5` in German."""
        return f"{value:g}".replace(".", self.t("number.decimal"))

    def date(self, day: dt.date) -> str:
        """A date as people of this language write it: `23 Nov 2026`, `23.11.2026`."""
        months = self.t("date.months").split()
        pattern = self.t("date.format")
        return pattern.format(
            day=day.day,
            month=day.month,
            month_name=months[day.month - 1],
            year=day.year,
            dd=f"{day.day:02d}",
            mm=f"{day.month:02d}",
        )


def locale_for(language: str | None) -> Locale:
    """The Locale for a theme language such as `de` or `en`; English when unsupported."""
    lang = (language or DEFAULT_LANGUAGE).split("-")[0].lower()
    return Locale(lang if lang in SUPPORTED else DEFAULT_LANGUAGE)
