"""Golden pages: the suite's sample (tests/data/sample/) rendered and compared with stored
HTML bodies. The live ads/ and partnerships/ never reach this test.

After an intended change, regenerate them with:

    TANDEM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

and review the diff like any other change.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from conftest import SAMPLE, TODAY

from generator.pipeline import build

GOLDEN = Path(__file__).parent / "golden"
PAGES = (
    "index.md",
    "ads/index.md",
    "ads/jana-schulz.md",
    "ads/ben-taylor.md",
    "partnerships/negotiation-and-numbers.md",
    "partnerships/excel-meets-python.md",
    "stories/index.md",
    "stats/index.md",
    "skills/kubernetes.md",
    "pairings/index.md",
    "post/index.md",
    "post/partnership/index.md",
)


@pytest.fixture(scope="module", params=["en", "de"])
def rendered(request: pytest.FixtureRequest) -> tuple[str, dict[str, str]]:
    site = build(SAMPLE, dt.date.fromisoformat(TODAY), language=request.param)
    bodies = {page.src_uri: page.body for page in site.pages}
    bodies.update(site.files)
    return request.param, bodies


FILES = (
    "stories/feed.xml",
    "skills/kubernetes/feed.xml",
    "partnerships/excel-meets-python/calendar.ics",
    "ads/index.json",
)


@pytest.mark.parametrize("src_uri", [*PAGES, *FILES])
def test_page_matches_golden(rendered: tuple[str, dict[str, str]], src_uri: str) -> None:
    lang, bodies = rendered
    name = src_uri.replace("/", "__").replace(".md", ".html")
    golden = GOLDEN / lang / name
    if os.environ.get("TANDEM_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(bodies[src_uri].encode("utf-8"))
    # Bytes: a calendar's lines end with CRLF, which reading as text would turn into LF.
    assert bodies[src_uri] == golden.read_bytes().decode("utf-8"), (
        f"{src_uri} ({lang}) differs from {golden}; if intended, regenerate (see module doc)"
    )
