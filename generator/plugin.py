"""Thin MkDocs adapter: Site pages -> File.generated(...), bodies after Markdown, watch paths.

Everything MkDocs-specific lives here, so that moving off MkDocs 1.x means rewriting this
file only.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage

from generator.ids import KINDS
from generator.pipeline import build, resolve_today
from generator.problems import TandemError

log = logging.getLogger("mkdocs.plugins.tandem")


class TandemConfig(Config):
    language = c.Optional(c.Type(str))
    """The site's language; defaults to `theme.language`."""


class TandemPlugin(BasePlugin[TandemConfig]):
    """Builds Tandem's pages in memory and hands them to MkDocs."""

    def __init__(self) -> None:
        self.root = Path.cwd()
        self.bodies: dict[str, str] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not config.use_directory_urls:
            raise PluginError("tandem: set use_directory_urls: true (pages link as /ads/<id>/)")
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        language = self.config.language or config.theme.get("language")
        try:
            site = build(
                self.root, resolve_today(), language=language, site_url=config.site_url or ""
            )
        except TandemError as exc:
            raise PluginError(f"tandem: the data has problems:\n{exc}") from None
        except ValueError as exc:  # a malformed $TANDEM_TODAY or $SOURCE_DATE_EPOCH
            raise PluginError(f"tandem: {exc}") from None
        for warning in site.warnings:
            log.info("%s", warning)
        self.bodies = {}
        taken = sorted(p.src_uri for p in site.pages if files.get_file_from_path(p.src_uri))
        if taken:
            raise PluginError(
                f"tandem: docs/{taken[0]} would hide the generated page of the "
                "same name; rename or remove it"
            )
        for page in site.pages:
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(
                File.generated(config, page.src_uri, content=page.markdown, inclusion=inclusion)
            )
            self.bodies[page.src_uri] = page.body
        for src_uri, content in site.files.items():
            files.append(File.generated(config, src_uri, content=content))
        return files

    def on_page_content(
        self, html: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str | None:
        return self.bodies.get(page.file.src_uri, html)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        for name in (*KINDS, "skills.yml"):
            path = self.root / name
            if path.exists():
                server.watch(str(path))
        return server
