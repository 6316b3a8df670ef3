"""iCalendar (RFC 5545) text: the escaping and line folding that keep a calendar valid and
contributor text inert.

A template writes one property per line; `ics_text` escapes every value that comes from a
contributor, so no value can end a line and start a property or a component of its own;
`content_lines` folds the lines at 75 octets and ends each with CRLF.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from markupsafe import Markup

LINE_OCTETS = 75  # without the CRLF (RFC 5545 3.1)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in TEXT, except HTAB
_NEWLINE = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what some parsers take for a line end


def ics_text(value: object) -> Markup:
    """A TEXT value (RFC 5545 3.3.11): backslash, `;`, `,` and newlines escaped, other
    control characters dropped. Markup, so that no HTML escaping touches it afterwards."""
    text = str(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = _NEWLINE.sub("\\\\n", text)
    return Markup(_CONTROL.sub("", text))  # noqa: S704 - iCalendar, not HTML


def content_lines(text: str) -> Markup:
    """The template's lines, blank ones dropped, folded and ended with CRLF."""
    lines = text.split("\n")  # not splitlines(): values keep no line end of any kind anyway
    folded = "".join(fold(line) + "\r\n" for line in lines if line.strip())
    return Markup(folded)  # noqa: S704 - iCalendar, not HTML


def fold(line: str) -> str:
    """`line` split into chunks of at most 75 octets (the later ones after a space), never
    inside a character's UTF-8 bytes."""
    chunks: list[str] = []
    chunk, size, limit = "", 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            chunks.append(chunk)
            chunk, size, limit = "", 0, LINE_OCTETS - 1
        chunk += char
        size += octets
    chunks.append(chunk)
    return "\r\n ".join(chunks)


def stable_uid(*parts: str) -> str:
    """A UID that depends only on `parts` (the partnership, the kind of date, what it is
    about), so that a calendar app recognises each event across rebuilds."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]
    return f"{parts[0]}-{parts[1]}-{digest}@tandem"


def ics_date(day: dt.date) -> str:
    """A DATE value (RFC 5545 3.3.4): `20270331`."""
    return day.strftime("%Y%m%d")
