"""Thin MkDocs adapter: Site pages -> File.generated(...), bodies after Markdown, watch paths.

Everything MkDocs-specific lives here, so that moving off MkDocs 1.x means rewriting this
file only.

`mkdocs build` fails on any error in the data. `mkdocs serve` must not: MkDocs 1.6 answers
no request while a rebuild has failed (its livereload server waits for a build that never
finishes), so a preview whose data has errors keeps the last good pages, or placeholders
for the pages in the nav when there never were any, and shows the errors on every page.
The next good rebuild replaces them, and livereload brings the browser along.
"""

from __future__ import annotations

import contextlib
import copy
import logging
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment
from mkdocs import utils
from mkdocs.commands.build import _build_page, get_context
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page as MkDocsPage

from generator.cycles import no_last_pass_at_exit, paused_cycle_collection
from generator.data.ids import DATA_FOLDERS
from generator.data.problems import Problem, TandemError
from generator.forks import Claims, Forked, can_fork
from generator.pipeline import Site, build, resolve_today
from generator.preview import KeptOutputs, Preview, Shown, shown
from generator.site.forge import FORGE_KINDS, forge_from_config
from generator.site.i18n import DEFAULT_LANGUAGE, SUPPORTED, Locale, locale_for
from generator.site.render import Page, render_problems
from generator.site.search import SearchEntry, entries_text, merged_search_index

log = logging.getLogger("mkdocs.plugins.tandem")


class TandemConfig(Config):
    language = c.Optional(c.Type(str))
    """The site's language; defaults to `theme.language`."""
    branch = c.Type(str, default="main")
    """The branch the site is built from: where edits and new files are proposed."""
    forge = c.Optional(c.Choice(FORGE_KINDS))
    """`github` or `gitlab`, when `repo_url`'s host does not say (a self-hosted GitLab)."""


class TandemPlugin(BasePlugin[TandemConfig]):
    """Builds Tandem's pages in memory and hands them to MkDocs."""

    def __init__(self) -> None:
        self.root = Path.cwd()
        self.entries: list[SearchEntry] = []
        self.search_text = ""  # the entries as the search index holds them
        self.serving = False
        self.last_good: Site | None = None
        self.cache = Preview()  # a preview redoes only what an edit changed
        self.notice = ""  # the errors, shown on every page of a preview while they last
        self.listing: MkDocsPage | None = None  # marked active while a page of its folder renders
        self.untranslated: set[str] = set()  # hand-written pages left in English
        self.dirty = False
        self.nav: Navigation | None = None
        self.handoff: PageHandoff | None = None  # pages a second process builds
        self.kept: KeptPages | None = None  # a preview's pages not rendered again
        self.page_loop = contextlib.ExitStack()  # the cycle collector paused through a build

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # Having this hook also keeps this one object across the rebuilds of `mkdocs serve`,
        # which is what lets a rebuild fall back to the last good site.
        self.serving = command == "serve"
        self.dirty = dirty

    def on_shutdown(self) -> None:
        # The command has done its work (a build, or a preview stopped): the process's exit
        # need not walk and free the site's objects one by one.
        no_last_pass_at_exit()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not config.use_directory_urls:
            raise PluginError("tandem: set use_directory_urls: true (pages link as /ads/<id>/)")
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # The build's objects (files, pages, the navigation) die with it, and the collector
        # would rescan the site's data and what a preview keeps (and, after the hand-off's
        # fork, copy the memory it shares) for nothing; see generator/cycles.py. Back on in
        # on_post_build or on_build_error.
        self.page_loop.enter_context(paused_cycle_collection(age=not self.serving))

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.untranslated, strays = _use_translations(files, config, lang=self._locale(config).lang)
        for stray in strays:
            message = (
                f"tandem: docs/{stray} translates no page: docs/{stray.partition('/')[2]} "
                "does not exist; rename it after the page it translates, or remove it"
            )
            if not self.serving:
                raise PluginError(message)
            log.warning("%s", message)
        try:
            site = self._build_site(files, config)
        except TandemError as exc:
            if not self.serving:
                raise PluginError(f"tandem: the data has problems:\n{exc}") from None
            self._show_problems(exc.problems, config)
            if self.last_good is None:
                return self._add_placeholders(files, config)
            return self._add_site(self.last_good, files, config)
        self.last_good, self.notice = site, ""
        return self._add_site(site, files, config)

    def _language(self, config: MkDocsConfig) -> str | None:
        return self.config.language or config.theme.get("language")

    def _locale(self, config: MkDocsConfig) -> Locale:
        return locale_for(self._language(config))

    def _build_site(self, files: Files, config: MkDocsConfig) -> Site:
        try:
            site = build(
                self.root,
                resolve_today(),
                language=self._language(config),
                site_url=config.site_url or "",
                forge=forge_from_config(
                    config.repo_url,
                    branch=self.config.branch,
                    kind=self.config.forge,
                    source=_config_name(config),
                ),
                cache=self.cache if self.serving else None,
            )
        except ValueError as exc:  # a malformed $TANDEM_TODAY or $SOURCE_DATE_EPOCH
            raise PluginError(f"tandem: {exc}") from None
        # A generated page's src_uri is already as MkDocs keys files (`get_file_from_path`
        # would make a path of each of 10,000 first).
        taken = sorted(p.src_uri for p in site.pages if p.src_uri in files.src_uris)
        if taken:
            raise TandemError(
                [
                    Problem(
                        f"docs/{taken[0]}",
                        1,
                        1,
                        f"docs/{taken[0]} would hide the generated page of the same name; "
                        "rename or remove it",
                    )
                ]
            )
        for warning in site.warnings:
            log.info("%s", warning)
        return site

    def _add_site(self, site: Site, files: Files, config: MkDocsConfig) -> Files:
        # Only a preview's last good site can meet a hand-written page of the same name
        # (the error it shows); the hand-written page stays.
        pages = [p for p in site.pages if p.src_uri not in files.src_uris]
        for page in pages:
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, page.src_uri, content="", inclusion=inclusion)
            FinishedPage(page, file, config)
            files.append(file)
        for src_uri, content in site.files.items():
            files.append(File.generated(config, src_uri, content=content))
        self.entries = [page.search for page in pages if page.search]
        return files

    def _show_problems(self, problems: list[Problem], config: MkDocsConfig) -> None:
        locale = locale_for(self._language(config))
        self.notice = render_problems(problems, locale, last_good=self.last_good is not None)
        shown = "the last good pages" if self.last_good else "placeholders"
        # Not a warning: under `mkdocs serve --strict` a warning aborts the rebuild, and an
        # aborted rebuild is what leaves every request waiting.
        log.info(
            "tandem: the data has problems; the preview shows %s and the errors until they "
            "are fixed:\n%s",
            shown,
            "\n".join(map(str, problems)),
        )

    def _add_placeholders(self, files: Files, config: MkDocsConfig) -> Files:
        """A page for each entry of the nav that the data would make, so the nav holds."""
        self.entries = []
        for title, src_uri in _nav_entries(config.nav or []):
            if not files.get_file_from_path(src_uri):
                heading = title or _title_of(src_uri, site_name=config.site_name)
                files.append(File.generated(config, src_uri, content=f"# {heading}\n"))
        return files

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        """What theme/main.html needs to render the blocks shared by generated pages once;
        then, in a build of a large site, some generated pages to a second process."""
        env.globals.update(tandem_blocks=SharedBlocks(), tandem_block_key=shared_block_key)
        if self.serving:  # each rebuild has a new environment: keep its compiled templates
            env.bytecode_cache = self.cache.templates
        if self._may_hand_off(config) and self.nav is not None:
            self.handoff = PageHandoff.start(files, config=config, nav=self.nav, env=env)
        self.kept = self._keep_pages(files, config=config, env=env)
        return env

    def _keep_pages(
        self, files: Files, *, config: MkDocsConfig, env: Environment
    ) -> KeptPages | None:
        """In a preview, the generated pages whose output is kept from an earlier rebuild
        leave `files` (see `KeptPages`); not beside other plugins, which might change a
        page's output or keep something of the pages they see."""
        if not self.serving or self.dirty or not set(config.plugins) <= PLUGINS_BESIDE_HANDOFF:
            self.cache.outputs.drop()
            return None
        assert self.nav is not None
        return KeptPages.start(self.cache.outputs, files, config=config, nav=self.nav, env=env)

    def _may_hand_off(self, config: MkDocsConfig) -> bool:
        """Not in a preview (`--dirty` and `mkdocs serve` build pages of their own choice),
        and only beside plugins known to keep nothing of a page they see: another plugin
        might, and would miss what the second process shows it."""
        return (
            not self.serving
            and not self.dirty
            and set(config.plugins) <= PLUGINS_BESIDE_HANDOFF
            and can_fork()
        )

    def on_template_context(self, context: Any, *, template_name: str, config: MkDocsConfig) -> Any:
        if self.handoff is not None:  # the sitemap lists every page, also those handed off
            context["pages"] = self.handoff.pages
        if self.kept is not None:  # … and those kept
            context["pages"] = self.kept.pages
        return context

    @event_priority(100)
    def _search_entries_as_text(self, *, config: MkDocsConfig) -> None:
        # Before waiting for the hand-off's second process, which meanwhile builds pages that
        # this one would otherwise take back: at the end, the index is only joined.
        self.search_text = entries_text(self.entries)

    @event_priority(100)  # before any other plugin looks at the built site
    def _wait_for_handoff(self, *, config: MkDocsConfig) -> None:
        handoff, self.handoff = self.handoff, None
        if handoff is not None:
            handoff.finish()

    @event_priority(100)
    def _write_kept_pages(self, *, config: MkDocsConfig) -> None:
        kept, self.kept = self.kept, None
        if kept is not None:
            kept.write()

    def on_build_error(self, *, error: Exception) -> None:
        self.page_loop.close()
        self.kept = None
        handoff, self.handoff = self.handoff, None
        if handoff is not None:
            handoff.stop()

    def on_page_content(
        self, html: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str | None:
        if page.file.src_uri in self.untranslated:
            html = f'<div lang="{DEFAULT_LANGUAGE}">{html}</div>'
        return self.notice + html

    @event_priority(-100)  # after the search plugin has written its index
    def _merge_search_index(self, *, config: MkDocsConfig) -> None:
        index = Path(config.site_dir) / "search" / "search_index.json"
        if not index.is_file():  # no search plugin
            return
        locale = locale_for(self._language(config))
        merged = merged_search_index(index.read_text("utf-8"), self.search_text, locale)
        index.write_text(merged, "utf-8")

    @event_priority(-100)
    def _collect_cycles_again(self, *, config: MkDocsConfig) -> None:
        self.page_loop.close()

    on_post_build = CombinedEvent(
        _search_entries_as_text,
        _wait_for_handoff,
        _write_kept_pages,
        _merge_search_index,
        _collect_cycles_again,
    )

    def on_page_context(
        self, context: Any, *, page: MkDocsPage, config: MkDocsConfig, nav: Navigation
    ) -> Any:
        # A page outside the nav (an ad, a skill, a log) belongs under the listing of its
        # folder: marking that listing active makes Material highlight its tab and nav entry.
        self.listing = _listing_of(page, nav)
        if self.listing is not None:
            self.listing.active = True
        if self.handoff is not None:
            context["pages"] = self.handoff.pages
        if self.kept is not None:
            context["pages"] = self.kept.pages
        return context

    def on_post_page(self, output: str, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        if self.listing is not None:
            self.listing.active = False
            self.listing = None
        if self.kept is not None:
            self.kept.keep(page, output)
        return output

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        _translate_sections(nav.items, self._locale(config))
        self.nav = nav
        return nav

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        self.serving = True  # `mkdocs serve --clean` starts up as a build
        for name in (*DATA_FOLDERS, "skills.yml", "places.yml"):
            path = self.root / name
            if path.exists():
                server.watch(str(path))
        return server


HANDOFF_FROM = 1000
"""Generated pages outside the navigation from which a second process builds some of them:
below, starting it costs more than it saves."""
HANDOFF_SHARE = 0.7
"""The part of them it starts with: this process takes some back from the end once it has
built its own (`Claims`), so the two end together however long each page takes. More than
half, as this process also copies the theme's files, writes the sitemap and builds the
hand-written pages first."""
PLUGINS_BESIDE_HANDOFF = {"material/search", "search", "tandem"}
"""Plugins that keep nothing of the generated pages they see: the search plugin skips them
(Tandem writes their entries)."""


class PageHandoff:
    """Some of the generated pages outside the navigation (`HANDOFF_SHARE`), built by a forked
    process through MkDocs' own `_build_page` and written while this process builds the rest;
    the second process builds them from the first, this one takes the last ones back once it
    has built its own.

    MkDocs 1.6 builds every page left in `files`, and offers no way to skip one: after
    `on_env` (every page is read by then, the theme's environment ready) the handed-off pages
    leave `files`, and whatever lists pages (the sitemap's template, `pages` in a page's
    context) gets the whole list back. The second process's log records are handled here, in
    order, when it is done: `--strict` counts its warnings as its own."""

    def __init__(
        self,
        pages: Sequence[File],
        handed: Sequence[File],
        *,
        build: Callable[[File], None],
        claims: Claims,
    ) -> None:
        self.pages = pages  # every page, as MkDocs lists them
        self.handed = handed  # the pages the second process builds, but for those taken back
        self.build = build
        self.claims = claims
        self.work = Forked(partial(_build_claimed, handed, build=build, claims=claims))

    @classmethod
    def start(
        cls, files: Files, *, config: MkDocsConfig, nav: Navigation, env: Environment
    ) -> PageHandoff | None:
        pages = files.documentation_pages()
        generated = [f for f in pages if _generated_outside_nav(f)]
        if len(generated) < HANDOFF_FROM:
            return None
        theirs = _spread(generated, HANDOFF_SHARE)
        for file in theirs:
            files.remove(file)
        build = partial(_build_one, pages=pages, config=config, nav=nav, env=env)
        return cls(pages, theirs, build=build, claims=Claims(len(theirs)))

    def finish(self) -> None:
        """Build the pages the second process has not taken yet, from the last, then wait for
        it; raise what failed there (the pages of a second process that could not start, or
        ended without answering, are built here, and those it left)."""
        try:
            self._build_taken_back()
        except BaseException:
            self.stop()
            raise
        records, error = self.work.result()
        for record in records:
            logging.getLogger(record.name).handle(record)
        if error is not None:
            raise error
        self.claims.alone()
        self._build_taken_back()

    def _build_taken_back(self) -> None:
        while (taken := self.claims.back()) is not None:
            self.build(self.handed[taken])

    def stop(self) -> None:
        self.work.stop()


Built = tuple[list[logging.LogRecord], Exception | None]
"""What building pages logged, and the error that stopped it."""


def _spread(files: Sequence[File], share: float) -> list[File]:
    """`share` of the files, spread evenly over them (every page type gets its part)."""
    return [f for i, f in enumerate(files) if int((i + 1) * share) > int(i * share)]


def _generated_outside_nav(file: File) -> bool:
    return isinstance(file.page, FinishedPage) and not file.page.tandem.in_nav


def _build_one(
    file: File,
    *,
    pages: Sequence[File],
    config: MkDocsConfig,
    nav: Navigation,
    env: Environment,
) -> None:
    """Build and write the page as MkDocs' own loop does (`pages`: every page)."""
    assert file.page is not None
    _build_page(file.page, config, pages, nav, env, excluded=file.inclusion.is_excluded())


def _build_claimed(
    files: Sequence[File], *, build: Callable[[File], None], claims: Claims
) -> Built:
    """Build the pages claimed from the front, until none is left."""
    claims.start_front()
    with _kept_logs() as records:
        try:
            while (taken := claims.front()) is not None:
                build(files[taken])
        except Exception as exc:  # raised again where the build waits for it
            return records, exc
    return records, None


@contextlib.contextmanager
def _kept_logs() -> Iterator[list[logging.LogRecord]]:
    """The log records made meanwhile, kept in order instead of handled."""
    keeper = _Keeper()
    mkdocs, root = logging.getLogger("mkdocs"), logging.getLogger()
    saved = mkdocs.handlers, mkdocs.propagate, root.handlers
    mkdocs.handlers, mkdocs.propagate, root.handlers = [keeper], False, [keeper]
    try:
        yield keeper.records
    finally:
        mkdocs.handlers, mkdocs.propagate, root.handlers = saved


class _Keeper(logging.Handler):
    """Keeps log records as another process can take them: the message filled in, the
    exception as text."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        kept = copy.copy(record)
        kept.msg, kept.args = record.getMessage(), None
        if record.exc_info and not record.exc_text:
            kept.exc_text = logging.Formatter().formatException(record.exc_info)
        kept.exc_info = None
        self.records.append(kept)


class KeptPages:
    """One preview rebuild's use of `KeptOutputs`: a generated page outside the navigation
    whose key (address, title, front matter, body after every plugin's `on_page_content`) and
    site-wide inputs are those of an earlier rebuild is not rendered again. Like the build's
    hand-off, it leaves `files` after `on_env`, whatever lists pages gets the whole list
    back, and its kept bytes are written into the folder serve has just emptied, after the
    static files, where MkDocs would have written it. The search plugin skips these pages
    either way (Tandem writes their entries)."""

    def __init__(self, outputs: KeptOutputs, pages: Sequence[File]) -> None:
        self.outputs = outputs
        self.pages = pages  # every page, as MkDocs lists them
        self.keys: dict[str, Any] = {}  # the pages rendered in this build, by source
        self.reused: list[tuple[File, bytes]] = []

    @classmethod
    def start(
        cls,
        outputs: KeptOutputs,
        files: Files,
        *,
        config: MkDocsConfig,
        nav: Navigation,
        env: Environment,
    ) -> KeptPages:
        pages = files.documentation_pages()
        context, fixed = _site_inputs(files, config=config, nav=nav, env=env)
        outputs.start(env, context=context, fixed=fixed)
        kept = cls(outputs, pages)
        for file in pages:
            if not _generated_outside_nav(file) or file.inclusion.is_excluded():
                continue
            assert file.page is not None
            key = _page_key(file.page)
            output = outputs.reuse(file.src_uri, key)
            if output is None:
                kept.keys[file.src_uri] = key
            else:
                files.remove(file)
                kept.reused.append((file, output))
        return kept

    def keep(self, page: MkDocsPage, output: str) -> None:
        key = self.keys.pop(page.file.src_uri, None)
        if key is not None and output.strip():  # MkDocs writes no empty page
            encoded = output.encode("utf-8", errors="xmlcharrefreplace")
            self.outputs.keep(page.file.src_uri, key, encoded)

    def write(self) -> None:
        for file, output in self.reused:
            utils.write_file(output, file.abs_dest_path)
        self.outputs.finish()


PAGE_OWN = frozenset({"page", "base_url", "extra_css", "extra_javascript"})
"""The names of a page's template context that are its own (made from its address and the
configuration): the page's key and the configuration stand for them."""


def _page_key(page: MkDocsPage) -> tuple[str, str, str, str, str | None]:
    """What a generated page brings to its output, beside the site-wide inputs."""
    return (page.url, page.file.dest_uri, repr(page.title), repr(page.meta), page.content)


def _site_inputs(
    files: Files, *, config: MkDocsConfig, nav: Navigation, env: Environment
) -> tuple[dict[str, Shown], dict[str, Shown]]:
    """What every page's render may read: the values of the template context's site-wide
    names (compared where a render looked one up), and what is always compared: the build's
    day (`page.update_date`) and the theme's compiled translations."""
    values = get_context(nav, files, config)
    context = {name: shown(v) for name, v in values.items() if name not in PAGE_OWN}
    context |= {
        "nav": shown(_nav_shown(nav.items)),
        "config": _config_shown(config),
        "pages": shown([(f.src_uri, f.url) for f in files.documentation_pages()]),
    }
    fixed = {"build date": utils.get_build_date(), "translations": _translations_shown(config)}
    return context, fixed


def _nav_shown(items: Sequence[Any]) -> list[Any]:
    """The navigation as a theme shows it on every page: each entry's kind, title, address,
    front matter and table of contents, and its children."""
    return [
        (
            type(item).__name__,
            item.title,
            getattr(item, "url", None),
            getattr(item, "meta", None),
            _toc_shown(getattr(item, "toc", None) or []),
            _nav_shown(item.children or []),
        )
        for item in items
    ]


def _toc_shown(items: Any) -> list[Any]:
    return [(i.title, i.url, i.level, _toc_shown(i.children)) for i in items]


def _config_shown(config: MkDocsConfig) -> Shown:
    """Every setting, each plugin's too (the plugin objects themselves show their address)."""
    settings = [(k, v) for k, v in config.items() if k != "plugins"]
    plugins = [(n, type(p).__qualname__, dict(p.config)) for n, p in config.plugins.items()]
    return shown((settings, plugins))


def _translations_shown(config: MkDocsConfig) -> Shown:
    """The theme's compiled translations (`locales/**/*.mo` of each theme folder)."""
    found = [
        (str(path), path.read_bytes())
        for folder in config.theme.dirs
        for path in sorted(Path(folder, "locales").rglob("*.mo"))
    ]
    return shown(found)


def _listing_of(page: MkDocsPage, nav: Navigation) -> MkDocsPage | None:
    """`skills/index.md` for `skills/kubernetes.md` when the page is not in the nav itself."""
    if page in nav.pages:
        return None
    folder = page.file.src_uri.rpartition("/")[0]
    listing = f"{folder}/index.md" if folder else None
    return next((p for p in nav.pages if p.file.src_uri == listing), None)


def _use_translations(
    files: Files, config: MkDocsConfig, *, lang: str
) -> tuple[set[str], list[str]]:
    """Hand-written pages in the site's language: `docs/<lang>/<page>.md`, where it exists,
    is published as `<page>.md` (same address, same nav entry, so links stay). The language
    folders are never published themselves. Returns the pages left in English, and the
    translations of pages that do not exist."""
    folders = tuple(f"{other}/" for other in SUPPORTED if other != DEFAULT_LANGUAGE)
    strays = []
    for file in [f for f in files if f.src_uri.startswith(folders) and not f.generated_by]:
        files.remove(file)
        original = file.src_uri.partition("/")[2]
        if file.is_documentation_page() and not files.get_file_from_path(original):
            strays.append(file.src_uri)
    if lang == DEFAULT_LANGUAGE:
        return set(), strays
    translations = Path(config.docs_dir) / lang
    untranslated = set()
    for file in files.documentation_pages():
        translated = translations / file.src_uri
        if file.generated_by:
            continue
        if translated.is_file():
            file.abs_src_path = str(translated)
        else:
            untranslated.add(file.src_uri)
    return untranslated, strays


def _translate_sections(items: list[Any], locale: Locale) -> None:
    """Section titles of mkdocs.yml's nav (`Guides`) in the site's language, from the locale
    key `nav.<title in lower case>` where there is one."""
    for item in items:
        if isinstance(item, Section):
            with contextlib.suppress(KeyError):
                item.title = locale.t(f"nav.{item.title.lower()}")
            _translate_sections(item.children, locale)


class FinishedPage(MkDocsPage):
    """A generated page that MkDocs takes as it is: its front matter and finished HTML come
    from Tandem, so no Markdown is read or converted, and the search plugin skips it."""

    def __init__(self, page: Page, file: File, config: MkDocsConfig) -> None:
        super().__init__(None, file, config)
        self.tandem = page

    def read_source(self, config: MkDocsConfig) -> None:
        self.meta = self.tandem.meta
        self.markdown = ""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = self.tandem.body
        self.toc = []  # type: ignore[assignment]
        self.present_anchor_ids = set()


class SharedBlocks:
    """Blocks of the page template rendered once per key (see `shared_block_key`) and reused.
    The header names the page: it is kept with the title cut out, and each page's own title
    is put back; a header whose title cannot be found is never kept."""

    HEADER_TOPIC = 'data-md-component="header-topic"'
    TITLE_START, TITLE_END = '<span class="md-ellipsis">', "</span>"

    def __init__(self) -> None:
        self.kept: dict[str, tuple[str, str, bool]] = {}  # key -> (before, after, titled)

    def get(self, key: str, page: Any) -> str | None:
        kept = self.kept.get(key)
        if kept is None:
            return None
        before, after, titled = kept
        return before + (str(page.meta["title"]) if titled else "") + after

    def keep(self, key: str, page: Any, rendered: str) -> str:
        if not key.startswith("header|"):
            self.kept[key] = (rendered, "", False)
        elif (place := self._title_place(rendered, str(page.meta["title"]))) is not None:
            self.kept[key] = (rendered[:place], rendered[place + len(page.meta["title"]) :], True)
        return rendered

    def _title_place(self, header: str, title: str) -> int | None:
        topic = header.find(self.HEADER_TOPIC)
        start = header.find(self.TITLE_START, topic) + len(self.TITLE_START)
        end = header.find(self.TITLE_END, start)
        if topic < 0 or start < len(self.TITLE_START) or end < 0:
            return None
        inner = header[start:end]
        if inner.strip() != title or not title:
            return None
        return start + inner.index(title)


def shared_block_key(name: str, page: Any, nav: Any) -> str:
    """The key under which a block of the page template is the same for every page that has
    it (empty: render it for this page alone). A generated page outside the navigation shares
    its tabs, sidebars, footer, scripts' configuration and links to styles and scripts with
    every such page in its folder (links are relative to it: `../` leads to `/ads/` from
    `/ads/x/` only), as long as the same entries of the navigation are active and the same
    parts are hidden."""
    if not isinstance(page, FinishedPage) or page.tandem.in_nav:
        return ""
    active = "".join("1" if item.active else "0" for item in _walk(nav or []))
    folder = page.url.rstrip("/").rpartition("/")[0]
    return f"{name}|{folder}|{','.join(page.tandem.hide)}|{active}"


def _walk(items: Any) -> Iterator[Any]:
    for item in items:
        yield item
        yield from _walk(item.children or [])


def _nav_entries(nav: Any, title: str | None = None) -> Iterator[tuple[str | None, str]]:
    """Every Markdown file named in MkDocs' `nav` setting, with its title where given."""
    if isinstance(nav, str):
        if nav.endswith(".md") and "://" not in nav:
            yield title, nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_entries(item)
    elif isinstance(nav, dict):
        for key, value in nav.items():
            yield from _nav_entries(value, str(key))


def _title_of(src_uri: str, *, site_name: str) -> str:
    """`ads/index.md` -> `Ads`, `index.md` -> the site's name."""
    folder, _, name = src_uri.removesuffix(".md").rpartition("/")
    if name != "index":
        word = name
    elif folder:
        word = folder.rpartition("/")[2]
    else:
        return site_name
    return word.replace("-", " ").capitalize()


def _config_name(config: MkDocsConfig) -> str:
    return Path(config.config_file_path or "mkdocs.yml").name
