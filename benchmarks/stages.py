"""Stages the command line has no command for, each run as its own process by `run.py`.

    python -m benchmarks.stages load ROOT
    python -m benchmarks.stages render ROOT --today YYYY-MM-DD
    python -m benchmarks.stages naive ROOT --today YYYY-MM-DD [--sample N]

Each prints one JSON object: the CPU seconds its own work took inside the process (without
starting Python and importing; CPU time, because the machine it runs on may be busy), and
what it counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from benchmarks.naive import naive_partners
from generator import pipeline
from generator.data.ids import DATA_FOLDERS, discover
from generator.data.load import load_file
from generator.matching.match import Matcher, suggest_partners
from generator.matching.skills import load_taxonomy
from generator.site import render as render_module

F = TypeVar("F", bound=Callable[..., Any])


def load(root: Path) -> dict[str, Any]:
    """Read every data file with Tandem's loader: the floor under every other stage."""
    start = time.process_time()
    files = [path for folder in DATA_FOLDERS for path in discover(root, folder).files]
    for path in files:
        load_file(path, display=path.relative_to(root).as_posix())
    load_taxonomy(root)
    return {"seconds": time.process_time() - start, "files": len(files)}


def render(root: Path, today: dt.date) -> dict[str, Any]:
    """The pipeline's `build`, with its two halves timed: gathering data (everything before
    the rendering: its stages overlap), rendering pages."""
    spent: dict[str, float] = {}
    # `build` imports it from its module on each call, so wrapping it there times it.
    timed = _timed(render_module.render_site, spent, "render_seconds")
    setattr(render_module, "render_site", timed)  # noqa: B010
    start = time.process_time()
    site = pipeline.build(root, today)
    seconds = time.process_time() - start
    return {
        "seconds": seconds,
        "gather_seconds": seconds - spent["render_seconds"],
        **spent,
        "pages": len(site.pages),
        "html_bytes": sum(len(page.body.encode()) for page in site.pages),
    }


def _timed(func: F, spent: dict[str, float], name: str) -> F:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - start

    return wrapper  # type: ignore[return-value]


def naive(root: Path, today: dt.date, *, sample: int) -> dict[str, Any]:
    """The matcher and the pair-by-pair loop on the same data, and whether they agree.

    The loop runs for `sample` ads spread over the id order, each against every open ad;
    its time for all ads is extrapolated from that (the work per ad grows with the number
    of ads, so the total grows with its square).
    """
    data = pipeline.gather(root, today)
    taxonomy = load_taxonomy(root)  # fresh: nothing resolved yet, as for a real run
    start = time.process_time()
    # Without crowding on both sides: crowding needs a full first pass, which a sample cannot
    # extrapolate; the search that the indexes replace is the same either way.
    indexed = suggest_partners(
        data.ads, data.partnerships, today=today, taxonomy=taxonomy, capacity=None
    )
    matcher_seconds = time.process_time() - start

    taxonomy = load_taxonomy(root)
    start = time.process_time()
    matcher = Matcher.for_ads(data.ads, data.partnerships, today=today, taxonomy=taxonomy)
    profiles = matcher.profiles
    setup_seconds = time.process_time() - start
    chosen = [p.ad.id for p in profiles[:: max(1, len(profiles) // max(1, sample))]][:sample]
    start = time.process_time()
    pairwise = naive_partners(matcher, top=5, capacity=None, only=set(chosen))
    sample_seconds = time.process_time() - start
    per_ad = sample_seconds / max(1, len(chosen))
    agree = all(pairwise[ident] == indexed.get(ident, []) for ident in chosen)
    return {
        "seconds": setup_seconds + per_ad * len(profiles),
        "matcher_seconds": matcher_seconds,
        "open_ads": len(profiles),
        "sampled": len(chosen),
        "extrapolated": len(chosen) < len(profiles),
        "agree": agree,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stages")
    parser.add_argument("stage", choices=("load", "render", "naive"))
    parser.add_argument("root", type=Path)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args(argv)
    if args.stage == "load":
        result = load(args.root)
    elif args.stage == "render":
        result = render(args.root, args.today)
    else:
        result = naive(args.root, args.today, sample=args.sample)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
