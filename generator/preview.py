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

from jinja2 import BaseLoader, Environment, TemplateNotFound
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.runtime import Context

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


Shown = str | None
"""What a value shows (its `repr`), or None where that cannot tell it from another value (an
object shown by its address): then it never counts as the same."""


def shown(value: object) -> Shown:
    text = repr(value)
    return None if " at 0x" in text else text


class NotingLoader(BaseLoader):
    """Another loader, noting the source of each template it loads (name -> source, file)."""

    def __init__(self, loader: BaseLoader, noted: dict[str, tuple[str, str | None]]) -> None:
        self.loader, self.noted = loader, noted

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.loader.get_source(environment, template)
        self.noted[template] = (source, filename)
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return self.loader.list_templates()


def same_templates(noted: dict[str, tuple[str, str | None]], env: Environment) -> bool:
    """Whether `env` would load each noted template from the same file with the same source."""
    assert env.loader is not None
    for name, was in noted.items():
        try:
            source, filename, _ = env.loader.get_source(env, name)
        except TemplateNotFound:
            return False
        if (source, filename) != was:
            return False
    return True


def noting_context(noted: set[str]) -> type[Context]:
    """A template context that notes each name a page's render looks up (not a render
    without a page, such as the sitemap's)."""

    class NotingContext(Context):
        def resolve_or_missing(self, key: str) -> Any:
            if self.parent.get("page") is not None:
                noted.add(key)
            return super().resolve_or_missing(key)

    return NotingContext


@dataclass
class KeptOutputs:
    """What the theme made of each generated page (its final bytes), for a preview: a page is
    not rendered again while its own inputs (its key) and every site-wide input its render
    read are the same as when it was rendered.

    Site-wide inputs come in two kinds: the names a page's template context holds for every
    page (the navigation, the configuration, the page list, the build's time), compared only
    once a render has looked one up; and `fixed` ones, always compared. The templates the
    renders loaded are compared by source and file. Whatever differs drops every kept output.
    """

    context: dict[str, Shown] = field(default_factory=dict)  # of the last build
    fixed: dict[str, Shown] = field(default_factory=dict)
    read: set[str] = field(default_factory=set)  # names the kept outputs' renders looked up
    templates: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # they loaded
    last: dict[str, tuple[Any, bytes]] = field(default_factory=dict)  # page -> (key, output)
    now: dict[str, tuple[Any, bytes]] = field(default_factory=dict)
    reused: int = 0  # outputs the last build reused

    def start(
        self, env: Environment, *, context: dict[str, Shown], fixed: dict[str, Shown]
    ) -> None:
        """A new build with these site-wide inputs: notes what its renders read and load."""
        if not self._same_site(env, context=context, fixed=fixed):
            self.drop()
        self.context, self.fixed, self.now, self.reused = context, fixed, {}, 0
        assert env.loader is not None
        env.loader = NotingLoader(env.loader, self.templates)
        env.context_class = noting_context(self.read)

    def _same_site(
        self, env: Environment, *, context: dict[str, Shown], fixed: dict[str, Shown]
    ) -> bool:
        names = {n for n in self.read if n in context or n in self.context}
        return (
            all(_same(fixed.get(n), self.fixed.get(n)) for n in {*fixed, *self.fixed})
            and all(_same(context.get(n), self.context.get(n)) for n in names)
            and same_templates(self.templates, env)
        )

    def drop(self) -> None:
        self.context, self.fixed, self.read, self.templates = {}, {}, set(), {}
        self.last, self.now, self.reused = {}, {}, 0

    def reuse(self, page: str, key: Any) -> bytes | None:
        """The page's kept output when it was made from the same key."""
        kept = self.last.get(page)
        if kept is None or kept[0] != key:
            return None
        self.now[page] = kept
        self.reused += 1
        return kept[1]

    def keep(self, page: str, key: Any, output: bytes) -> None:
        self.now[page] = (key, output)

    def finish(self) -> None:
        """The build is done: what it rendered and reused is what the next one may reuse."""
        self.last, self.now = self.now, {}


def _same(one: Shown, other: Shown) -> bool:
    return one is not None and one == other


@dataclass
class Preview:
    """Everything a preview keeps between rebuilds; `build` is given the same one each time."""

    files: KeptFiles = field(default_factory=KeptFiles)
    render: RenderCache = field(default_factory=RenderCache)
    templates: KeptTemplates = field(default_factory=KeptTemplates)
    outputs: KeptOutputs = field(default_factory=KeptOutputs)
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
