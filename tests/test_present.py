"""One presentation layer: a suggestion's reasons read the same in the terminal, in the
pull-request report and on the site, because all three word them through `present`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner
from conftest import SAMPLE, TODAY
from markupsafe import escape

from generator.cli import main
from generator.matching.present import markdown_cell, reason_texts, suggestions_markdown
from generator.pipeline import gather
from generator.site.i18n import Locale

DAY = dt.date.fromisoformat(TODAY)


def first_with_suggestions() -> tuple[str, list[str]]:
    data = gather(SAMPLE, DAY)
    ident = next(i for i, found in sorted(data.suggestions.items()) if found)
    return ident, reason_texts(data.suggestions[ident][0].reasons)


def test_the_terminal_and_json_word_reasons_as_present_does() -> None:
    ident, reasons = first_with_suggestions()
    root = ["--root", str(SAMPLE), "--today", TODAY]
    text = CliRunner().invoke(main, ["match", ident, *root]).output
    assert all(f"       - {reason}" in text for reason in reasons)
    raw = CliRunner().invoke(main, ["match", ident, "--format", "json", *root]).output
    assert json.loads(raw)[ident][0]["reasons"] == reasons


def test_the_report_words_reasons_as_present_does() -> None:
    ident, reasons = first_with_suggestions()
    data = gather(SAMPLE, DAY)
    names = {ad.id: ad.name for ad in data.ads}
    lines = "\n".join(suggestions_markdown(ident, data.suggestions[ident], names))
    assert all(markdown_cell(reason) in lines for reason in reasons)


def test_the_site_words_reasons_as_present_does(sample_site: Path) -> None:
    ident, _ = first_with_suggestions()
    data = gather(SAMPLE, DAY)
    page = (sample_site / "ads" / ident / "index.html").read_text("utf-8")
    shown = reason_texts(data.suggestions[ident][0].reasons, Locale("en"))  # an English site
    assert all(str(escape(reason)) in page for reason in shown)


def test_markdown_cells_cannot_break_the_table() -> None:
    assert markdown_cell("a | b\n<script>") == "a \\| b &lt;script>"
