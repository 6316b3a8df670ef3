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
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page as MkDocsPage

from generator.data.ids import DATA_FOLDERS
from generator.data.problems import Problem, TandemError
from generator.pipeline import Site, build, resolve_today
from generator.site.forge import FORGE_KINDS, forge_from_config
from generator.site.i18n import DEFAULT_LANGUAGE, SUPPORTED, Locale, locale_for
from generator.site.render import render_problems

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
        self.bodies: dict[str, str] = {}
        self.serving = False
        self.last_good: Site | None = None
        self.notice = ""  # the errors, shown on every page of a preview while they last
        self.listing: MkDocsPage | None = None  # marked active while a page of its folder renders
        self.untranslated: set[str] = set()  # hand-written pages left in English

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # Having this hook also keeps this one object across the rebuilds of `mkdocs serve`,
        # which is what lets a rebuild fall back to the last good site.
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not config.use_directory_urls:
            raise PluginError("tandem: set use_directory_urls: true (pages link as /ads/<id>/)")
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        return config

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
            )
        except ValueError as exc:  # a malformed $TANDEM_TODAY or $SOURCE_DATE_EPOCH
            raise PluginError(f"tandem: {exc}") from None
        taken = sorted(p.src_uri for p in site.pages if files.get_file_from_path(p.src_uri))
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
        self.bodies = {}
        # Only a preview's last good site can meet a hand-written page of the same name
        # (the error it shows); the hand-written page stays.
        for page in (p for p in site.pages if not files.get_file_from_path(p.src_uri)):
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(
                File.generated(config, page.src_uri, content=page.markdown, inclusion=inclusion)
            )
            self.bodies[page.src_uri] = page.body
        for src_uri, content in site.files.items():
            files.append(File.generated(config, src_uri, content=content))
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
        self.bodies = {}
        for title, src_uri in _nav_entries(config.nav or []):
            if not files.get_file_from_path(src_uri):
                heading = title or _title_of(src_uri, site_name=config.site_name)
                files.append(File.generated(config, src_uri, content=f"# {heading}\n"))
        return files

    def on_page_content(
        self, html: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str | None:
        if page.file.src_uri in self.untranslated:
            html = f'<div lang="{DEFAULT_LANGUAGE}">{html}</div>'
        return self.notice + self.bodies.get(page.file.src_uri, html)

    def on_page_context(
        self, context: Any, *, page: MkDocsPage, config: MkDocsConfig, nav: Navigation
    ) -> Any:
        # A page outside the nav (an ad, a skill, a log) belongs under the listing of its
        # folder: marking that listing active makes Material highlight its tab and nav entry.
        self.listing = _listing_of(page, nav)
        if self.listing is not None:
            self.listing.active = True
        return context

    def on_post_page(self, output: str, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        if self.listing is not None:
            self.listing.active = False
            self.listing = None
        return output

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        _translate_sections(nav.items, self._locale(config))
        return nav

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        self.serving = True  # `mkdocs serve --clean` starts up as a build
        for name in (*DATA_FOLDERS, "skills.yml", "places.yml"):
            path = self.root / name
            if path.exists():
                server.watch(str(path))
        return server


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
