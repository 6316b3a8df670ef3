"""What `skills.yml` and `places.yml` list alike: an entry's names and its other spellings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Listed:
    """One entry of a curated list (`skills.yml`, `places.yml`): its name in English and in
    German, and the other spellings people use for it."""

    key: str
    name: str
    de: str
    aliases: tuple[str, ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        """Every spelling the list gives for this entry."""
        return tuple(dict.fromkeys((self.name, self.de, *self.aliases)))

    def display(self, lang: str = "en") -> str:
        return self.de if lang == "de" else self.name
