"""Rebuilds as `mkdocs serve` makes them, without the server: what tests/test_preview.py and
the rebuild benchmark (`benchmarks.serve`) share.

    python -m tools.preview ROOT OUT [STEPS.json]

builds ROOT once as `mkdocs serve` does on start-up (the plugin told it serves, the served
address as `site_url`, a temporary site folder), then for each step writes or deletes the
files it names (a JSON list of {path below ROOT: new text, or null to delete}) and rebuilds
as serve's builder does after a change: the configuration loaded again, the same plugin
objects. The site after build N is copied to OUT/N (OUT `-`: not kept). Prints one JSON
line per build: its CPU seconds (`time.process_time`, the whole rebuild), the seconds
MkDocs reports, how many pages it took unrendered from the last builds (`kept`), how many
contexts Tandem's views made (`viewed`) and bodies it rendered (`rendered`; the others were
kept) and whether it showed the data's errors instead (`problems`).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from generator.plugin import TandemPlugin

SERVED_AT = "http://127.0.0.1:8000/"
Step = dict[str, str | None]
"""Files to write (path below the root: new text) or delete (None) before a rebuild."""
_REPORTED = re.compile(r"Documentation built in ([0-9.]+) seconds")


class _Reported(logging.Handler):
    """The seconds of MkDocs' own "Documentation built in …" line."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seconds = 0.0

    def emit(self, record: logging.LogRecord) -> None:
        found = _REPORTED.search(record.getMessage())
        if found:
            self.seconds = float(found[1])


def _config(root: Path, site_dir: str) -> MkDocsConfig:
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=site_dir)
    config.site_url = SERVED_AT
    return config


def _apply(root: Path, step: Step) -> None:
    for name, text in step.items():
        path = root / name
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")


def _reuse(config: MkDocsConfig) -> dict[str, int | bool]:
    """How many pages the last build took unrendered from a preview's kept outputs, how many
    contexts and bodies Tandem made (the rest it kept), and whether it showed the data's
    errors."""
    plugin = config.plugins.get("tandem")
    if not isinstance(plugin, TandemPlugin):
        return {}
    return {
        "kept": plugin.cache.outputs.reused,
        "rendered": plugin.cache.render.rendered,
        "viewed": plugin.cache.render.viewed,
        "problems": bool(plugin.notice),
    }


def rebuild_all(root: Path, out: Path | None, steps: list[Step]) -> list[dict[str, Any]]:
    """The first build and one rebuild per step; each site copied to out/<number>."""
    reported = _Reported()
    logging.getLogger("mkdocs").addHandler(reported)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    site_dir = tempfile.mkdtemp(prefix="mkdocs_")
    times = []
    try:
        config = _config(root, site_dir)
        config.plugins.on_startup(command="serve", dirty=False)
        for number, step in enumerate([{}, *steps]):
            _apply(root, step)
            started = time.process_time()
            build(config if number == 0 else _config(root, site_dir), serve_url=SERVED_AT)
            cpu = time.process_time() - started
            took = {"build": number, "cpu": round(cpu, 3), "mkdocs": reported.seconds}
            times.append(took | _reuse(config))
            if out is not None:
                shutil.copytree(site_dir, out / str(number))
        config.plugins.on_shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
    return times


def main(argv: list[str]) -> None:
    root, out = Path(argv[0]).resolve(), None if argv[1] == "-" else Path(argv[1])
    steps = json.loads(Path(argv[2]).read_text("utf-8")) if len(argv) > 2 else []
    for line in rebuild_all(root, out, steps):
        print(json.dumps(line))


if __name__ == "__main__":
    main(sys.argv[1:])
