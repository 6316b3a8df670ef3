"""The benchmark's results as Markdown: the table, a bar chart, the machine, the targets.

`write` replaces only what lies between the two markers of docs/performance.md, so the
hand-written sections around them stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.run import SizeResult

BEGIN = (
    "<!-- benchmark results: written by `python -m benchmarks.run`; edit outside the markers -->"
)
END = "<!-- end of benchmark results -->"
TARGET_SIZE = 10_000
CHART_WIDTH = 44
CHART_LABELS = {
    "load": "load",
    "validate_warm": "validate, kept",
    "match_warm": "match, kept",
    "pairings_warm": "pairings, kept",
    "render": "gather + render",
    "build": "full strict build",
    "plain": "plain MkDocs build",
}


@dataclass(frozen=True)
class Row:
    label: str
    cell: Callable[[SizeResult], str]
    target: str = ""
    met: Callable[[SizeResult], bool | None] = lambda _: None


def _stage(name: str) -> Callable[[SizeResult], str]:
    def cell(result: SizeResult) -> str:
        m = result.stages.get(name)
        stopped = result.figures.get(f"{name}_stopped_after_seconds")
        if m is None:
            return f"stopped after {stopped:.0f} s" if stopped else "not available"
        return f"{m.seconds:.1f} s (CPU {m.cpu_seconds:.1f} s) · {m.peak_mb:,.0f} MB"

    return cell


def _seconds(result: SizeResult, name: str) -> float | None:
    """The stage's time alone: the lesser of its wall and CPU time (see `section`)."""
    m = result.stages.get(name)
    return None if m is None else min(m.seconds, m.cpu_seconds)


def _at_most(
    name: str, limit: float, *, more_than: str | None = None
) -> Callable[[SizeResult], bool | None]:
    def met(result: SizeResult) -> bool | None:
        seconds = _seconds(result, name)
        base = _seconds(result, more_than) if more_than else 0.0
        return None if seconds is None or base is None else seconds <= base + limit

    return met


def _render(result: SizeResult) -> str:
    m = result.stages["render"]
    assert m is not None
    rendering, gathering = m.detail.get("render_seconds", 0), m.detail.get("gather_seconds", 0)
    return f"{rendering:.1f} s rendering after {gathering:.1f} s gathering · {m.peak_mb:,.0f} MB"


def _build_met(result: SizeResult) -> bool:
    build, seconds = result.stages["build"], _seconds(result, "build")
    return build is not None and seconds is not None and seconds <= 40 and build.peak_mb <= 1024


def _build_ratio(result: SizeResult) -> float:
    full, plain = _seconds(result, "build"), _seconds(result, "plain")
    assert full is not None and plain is not None
    return full / plain


def _naive(result: SizeResult) -> str:
    m = result.stages["naive"]
    assert m is not None
    how = (
        f"extrapolated from {m.detail['sampled']:,} ads" if m.detail["extrapolated"] else "every ad"
    )
    return f"{m.detail['seconds']:.1f} s CPU ({how})"


def _naive_ratio(result: SizeResult) -> str:
    m = result.stages["naive"]
    assert m is not None
    agree = "same suggestions" if m.detail["agree"] else "**different suggestions**"
    speedup = m.detail["seconds"] / max(m.detail["matcher_seconds"], 1e-9)
    return f"{speedup:,.0f}× ({m.detail['matcher_seconds']:.1f} s CPU indexed; {agree})"


def _size(key: str) -> Callable[[SizeResult], str]:
    return lambda result: human_bytes(int(result.figures[key]))


def human_bytes(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:.1f} MB"
    return f"{count / 1024:.0f} KB"


def _data_size(result: SizeResult) -> str:
    count = int(result.figures.get("marketplace_data_bytes", 0))
    return human_bytes(count) if count else "none"


def _bytes_at_most(key: str, limit: int) -> Callable[[SizeResult], bool | None]:
    return lambda result: int(result.figures[key]) <= limit


ROWS = (
    Row("load: read every YAML file", _stage("load")),
    Row("`tandem validate`", _stage("validate"), "≤ 4 s", _at_most("validate", 4)),
    Row("`tandem match --format json`", _stage("match"), "≤ 3 s", _at_most("match", 3)),
    Row("`tandem validate`, checks kept from a run before", _stage("validate_warm")),
    Row(
        "`tandem match --format json`, second run (checks and suggestions kept)",
        _stage("match_warm"),
        "≤ 3 s from the second run",
        _at_most("match_warm", 3),
    ),
    Row(
        "`tandem circles --format json`",
        _stage("circles"),
        "≤ match + 3 s",
        _at_most("circles", 3, more_than="match"),
    ),
    Row(
        "`tandem pairings --format json`",
        _stage("pairings"),
        "≤ match + 3 s",
        _at_most("pairings", 3, more_than="match"),
    ),
    Row(
        "`tandem pairings --format json`, second run (checks and matchings kept)",
        _stage("pairings_warm"),
        "≤ match, second run + 3 s",
        _at_most("pairings_warm", 3, more_than="match_warm"),
    ),
    Row("render: `pipeline.build` in one process", _render),
    Row("full `mkdocs build --strict`", _stage("build"), "≤ 40 s, ≤ 1 GB", _build_met),
    Row("plain MkDocs build, as many Markdown pages", _stage("plain")),
    Row(
        "full build ÷ plain build",
        lambda r: f"{_build_ratio(r):.2f}",
        "≤ 0.80",
        lambda r: _build_ratio(r) <= 0.8,
    ),
    Row("naive pair-by-pair matcher", _naive),
    Row("naive ÷ indexed matcher", _naive_ratio),
    Row("pages built", lambda r: f"{int(r.figures['pages']):,}"),
    Row(
        "search index (`search/search_index.json`)",
        _size("search_index_bytes"),
        "≤ 4 MB",
        _bytes_at_most("search_index_bytes", 4 * 1024 * 1024),
    ),
    Row(
        "marketplace page (`ads/index.html`)",
        _size("marketplace_bytes"),
        "≤ 300 KB",
        _bytes_at_most("marketplace_bytes", 300 * 1024),
    ),
    Row("marketplace data (`ads/index.json`, fetched on the first filter)", _data_size),
    Row("site on disk", _size("site_bytes")),
)


def table(results: Sequence[SizeResult], about: dict[str, str]) -> str:
    """The results table; a target column when one of the sizes is the target's."""
    target = next((r for r in results if r.ads == TARGET_SIZE), None)
    head = ["what", *(f"{r.ads:,} ads, {r.logs:,} logs" for r in results)]
    if target is not None:
        head += [f"target at {TARGET_SIZE:,}", "met?"]
    lines = [_line(head), _line(["---"] * len(head))]
    for row in ROWS:
        cells = [row.label, *(row.cell(r) for r in results)]
        if target is not None:
            met = row.met(target)
            cells += [row.target, "" if met is None else ("yes" if met else "**no**")]
        lines.append(_line(cells))
    return "\n".join(lines) + "\n"


def _line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def chart(result: SizeResult) -> str:
    """A bar chart of the CPU times at one size, as text (it reads the same everywhere)."""
    bars = [
        (CHART_LABELS.get(name, name), m.cpu_seconds)
        for name, m in result.stages.items()
        if m is not None and name != "naive"
    ]
    longest = max(seconds for _, seconds in bars)
    lines = [
        f"{name:<21} {_bar(seconds / longest):<{CHART_WIDTH}} {seconds:6.1f} s"
        for name, seconds in bars
    ]
    return "```text\n" + "\n".join(lines) + "\n```\n"


def _bar(fraction: float) -> str:
    return "█" * max(1, round(CHART_WIDTH * fraction))


def noise(results: Sequence[SizeResult]) -> str:
    loads = [m.load_before for r in results for m in r.stages.values() if m is not None]
    return f"{min(loads):.1f}–{max(loads):.1f}"


def section(results: Sequence[SizeResult], about: dict[str, str]) -> str:
    """What goes between the markers."""
    largest = max(results, key=lambda r: r.ads)
    sizes = ",".join(str(r.ads) for r in results)
    return f"""{BEGIN}

## Results

Measured {about["date"]} by `python -m benchmarks.run --sizes {sizes}`, one run of
each stage, each its own process: wall time, the CPU time the process used, and its peak
resident memory. The machine is shared by several engineers: the 1-minute load average
before the stages was {noise(results)} on {about["cores"]} cores, so wall times are inflated
and vary from run to run. A process that uses one core needs its CPU time however long it
waits for the core, so the lesser of wall and CPU time is what it would take on a quiet
machine; the targets are judged on that (and in-process figures are CPU time).

{table(results, about)}
CPU time of each stage at {largest.ads:,} ads:

{chart(largest)}
### Machine

- CPU: {about["cpu"]}, {about["cores"]} cores; memory: {about["memory"]}; {about["system"]}
- Python {about["python"]} (libyaml: {about["libyaml"]})
- {about["packages"]}

{END}"""


def has_markers(path: Path) -> bool:
    if not path.is_file():
        return False
    text = path.read_text("utf-8")
    return BEGIN in text and END in text and text.index(BEGIN) < text.index(END)


def write(path: Path, results: Sequence[SizeResult], about: dict[str, str]) -> None:
    text = path.read_text("utf-8")
    before, rest = text.split(BEGIN, 1)
    _, after = rest.split(END, 1)
    path.write_text(before + section(results, about) + after, "utf-8")
