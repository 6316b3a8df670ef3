"""What a preview (`mkdocs serve`) keeps from one rebuild to the next.

A rebuild after an edit reads every data file again, but loads and checks only the files
whose bytes changed; it matches, forms circles and plans pairings again only when the
modelled data changed; and it renders again only the pages whose context changed. Whatever
is kept is reused only where what it was made from is the same as what the new build has, so a
rebuild gives what a fresh build of the same tree gives (tests/test_preview.py holds the two
together after every kind of edit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache

from generator.data.kept import KeptFiles as KeptFiles  # its home, beside the checks on disk
from generator.site.render import RenderCache

T = TypeVar("T")


class KeptTemplates(BytecodeCache):
    """Compiled templates kept in memory: every rebuild of a preview makes a new Jinja
    environment for the theme, which would compile each of its templates again. A template
    is compiled again when its source changed (Jinja compares a checksum of it) or when the
    environment would compile it differently (other extensions or syntax)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        made = (name, filename, _compiles_as(environment, name))
        bucket = Bucket(environment, repr(made), self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def _compiles_as(env: Environment, name: str) -> tuple[Any, ...]:
    """What, besides a template's source, decides the code Jinja compiles it to."""
    autoescape = env.autoescape(name) if callable(env.autoescape) else env.autoescape
    return (
        tuple(sorted(env.extensions)),
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        autoescape,
        env.finalize,
        env.is_async,
    )


@dataclass
class Preview:
    """Everything a preview keeps between rebuilds; `build` is given the same one each time."""

    files: KeptFiles = field(default_factory=KeptFiles)
    render: RenderCache = field(default_factory=RenderCache)
    templates: KeptTemplates = field(default_factory=KeptTemplates)
    made: dict[str, tuple[str, Any]] = field(default_factory=dict)
    """What `made_from` made, by name, with the `repr` of what it was made from."""

    def __post_init__(self) -> None:
        self.render.compiled = self.templates  # Tandem's own templates too

    def start(self) -> None:
        self.files.start()

    def made_from(self, name: str, inputs: object, make: Callable[[], T]) -> T:
        """`make()`, or what it gave last time when `inputs` are the same as last time's.

        Compared by their `repr`, not `==`: `2 == 2.0`, but an ad's page may show either, so
        only values of the same types and the same digits count as the same (the inputs are
        frozen dataclasses of plain values, whose `repr` shows every field)."""
        shown = repr(inputs)
        kept = self.made.get(name)
        if kept is not None and kept[0] == shown:
            return cast(T, kept[1])
        made = make()
        self.made[name] = (shown, made)
        return made

    def same(self, name: str, value: T) -> T:
        """The value kept under `name` when it is the same as `value` (its caches are warm),
        else `value`, kept from now on."""
        return self.made_from(name, value, lambda: value)
