"""How Tandem writes a new YAML file: one description that `tandem new-ad` and the site's
forms (theme/assets/javascripts/post.js) both follow, so that the same answers give the
same file, byte for byte.

- Fields come in the order of the schema's `properties` (the order people read them);
  list items and nested mappings likewise.
- Lists are written as block lists under their key (`- de`), as PyYAML writes them.
- A text is written plain unless it matches one of `STYLE["quote"]`: then in single quotes
  (`'NO'`, `'012'`, `'2026-01-01'`, `'@jschulz'`), so it stays the text it looks like.
- A text with a character from `STYLE["escape"]` is written in double quotes with escapes;
  a text of several lines (that starts with neither a space nor a line break) as a literal
  block (`|-`, `|`, `|+`), indented two spaces deeper than its key.
- Dates are written plain (`2027-03-31`): the schema's date fields are dates.

The patterns are written so that Python's `re` and JavaScript's `RegExp` (flag `u`) read
them the same way; tests/test_layout.py holds every text written plain to the text it was.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

Schema = Mapping[str, Any]
"""A JSON Schema, or the part of one that describes a field."""

MODELINE = "# yaml-language-server: $schema=../generator/schemas/{schema}.schema.json"
INDENT = 2

STYLE: dict[str, Any] = {
    "modeline": MODELINE,
    "indent": INDENT,
    "quote": [
        r"^$",
        r"^[ \t]|[ \t]$|\t",
        r"^[-?:,\[\]{}#&*!|>'" + '"' + r"%@`]",
        r": |:$| #",
        r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON"
        r"|off|Off|OFF|~|null|Null|NULL|<<|=)$",
        r"^[-+]?[0-9_]*\.?[0-9_]*(?:[eE][-+]?[0-9]+)?$",
        r"^[-+]?0[xXoObB]",
        r"^[-+]?[0-9][0-9_]*(?::[0-9_]+)+(?:\.[0-9_]*)?$",
        r"^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$",
        r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",
    ],
    "escape": r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]",
    "block": r"^[^ \n][\s\S]*\n",
}
"""The rules as data: also embedded, as JSON, in the pages with a form."""


@cache
def _quote_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in STYLE["quote"])


@cache
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(STYLE[name])


def yaml_text(data: dict[str, Any], schema: Schema, name: str) -> str:
    """The file for `data`: the modeline for schema `name`, then the fields in schema order."""
    lines = [MODELINE.format(schema=name), *_mapping(data, schema, schema, 0)]
    return "\n".join(lines) + "\n"


def _mapping(data: dict[str, Any], node: Schema, root: Schema, indent: int) -> list[str]:
    node = _resolved(node, root)
    known = list(node.get("properties", {}))
    keys = [k for k in known if k in data] + [k for k in data if k not in known]
    lines: list[str] = []
    for key in keys:
        child = _resolved(node.get("properties", {}).get(key, {}), root)
        lines += _field(f"{' ' * indent}{key}:", data[key], child, root, indent)
    return lines


def _field(head: str, value: Any, node: Schema, root: Schema, indent: int) -> list[str]:
    if isinstance(value, dict) and value:
        return [head, *_mapping(value, node, root, indent + INDENT)]
    if isinstance(value, list) and value:
        return [head, *_sequence(value, _resolved(node.get("items", {}), root), root, indent)]
    return [f"{head} {scalar(value, indent + INDENT)}"]


def _sequence(items: list[Any], node: Schema, root: Schema, indent: int) -> list[str]:
    lines: list[str] = []
    dash = f"{' ' * indent}- "
    for item in items:
        if isinstance(item, dict) and item:
            inner = _mapping(item, node, root, indent + INDENT)
            lines += [dash + inner[0][len(dash) :], *inner[1:]]
        else:
            lines.append(dash + scalar(item, indent + INDENT))
    return lines


def _resolved(node: Schema, root: Schema) -> Schema:
    ref = node.get("$ref", "")
    if ref.startswith("#/$defs/"):
        found: Schema = root["$defs"][ref.removeprefix("#/$defs/")]
        return found
    return node


def scalar(value: Any, indent: int) -> str:
    """One value as it follows `key: ` or `- `; a block's lines are indented by `indent`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[]"
    if isinstance(value, dict):
        return "{}"
    return text(str(value), indent)


def text(value: str, indent: int) -> str:
    if _pattern("escape").search(value):
        return _double_quoted(value)
    if "\n" in value:
        return _block(value, indent) if _pattern("block").match(value) else _double_quoted(value)
    if any(p.search(value) for p in _quote_patterns()):
        return "'" + value.replace("'", "''") + "'"
    return value


def _block(value: str, indent: int) -> str:
    body = value.rstrip("\n")
    trailing = len(value) - len(body)
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    pad = " " * indent
    lines = [pad + line if line else "" for line in body.split("\n")]
    return "\n".join([f"|{chomp}", *lines, *[""] * (trailing - 1 if trailing > 1 else 0)])


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}


def _double_quoted(value: str) -> str:
    return '"' + "".join(_escaped(ch) for ch in value) + '"'


def _escaped(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if _pattern("escape").match(ch):
        code = ord(ch)
        return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}"
    return ch
