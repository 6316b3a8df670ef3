"""The benchmark: synthetic marketplaces of N ads, every stage timed as its own process.

    .venv/bin/python -m benchmarks.run [--sizes 1000,5000,10000] [--quick] [--output FILE]

For each N (with N/5 partnership logs) it writes a site root with `benchmarks.synth`, then
runs each stage as a child process and records its wall time, CPU time and peak memory
(`os.wait4`, so each process is measured alone): load, `tandem validate`,
`tandem match --format json`, `tandem circles` and `tandem pairings` where this checkout
has them, render, the naive pair-by-pair matcher, `tandem validate`, `match` and `pairings`
as a second run finds them (with what the first kept in `.cache/tandem/`), the full
`mkdocs build --strict`,
and a plain MkDocs build of as many ordinary Markdown pages. Every other stage starts with no
checks kept, as in a fresh clone (CI). It prints the table and rewrites the
results part of docs/performance.md (between its two markers); `--quick` is a smoke run on
a tiny marketplace that writes only where `--output` says.

Not a test: figures depend on the machine and on whatever else runs on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from benchmarks import report
from benchmarks.synth import DEFAULT_TODAY, REPO, write_site

DEFAULT_SIZES = (1_000, 5_000, 10_000)
QUICK_SIZES = (40,)
NAIVE_SAMPLE = 200
OPTIONAL_COMMANDS = ("circles", "pairings")
STAGE_LIMIT = 600.0
"""Seconds a command stage may run (the pairing plan at 10,000 ads takes far longer today);
past it the stage is stopped and the table says so."""
PACKAGES = (
    "mkdocs",
    "mkdocs-material",
    "pyyaml",
    "jinja2",
    "jsonschema",
    "jsonschema-rs",
    "rapidfuzz",
    "markdown",
    "nh3",
)


class BenchmarkError(Exception):
    """A stage failed: the benchmark stops and says which, with the end of its output."""


@dataclass(frozen=True)
class Measurement:
    """One child process: wall and CPU seconds, peak resident memory, what it printed."""

    seconds: float
    cpu_seconds: float
    peak_mb: float
    load_before: float
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class SizeResult:
    ads: int
    logs: int
    stages: dict[str, Measurement | None] = field(default_factory=dict)
    figures: dict[str, float | int | bool] = field(default_factory=dict)


# --- measuring one process ------------------------------------------------------------------


class StageTimeout(BenchmarkError):
    """A stage ran past its time bound and was stopped; the table says so."""


def measure(
    cmd: Sequence[str],
    *,
    log: Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    limit: float | None = None,
) -> Measurement:
    """Run `cmd` to the end, or stop it after `limit` seconds; output goes to `log`, `log`.err."""
    load_before = os.getloadavg()[0]
    with log.open("wb") as out, log.with_suffix(".err").open("wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)  # noqa: S603 - our own commands
        timer = threading.Timer(limit, process.kill) if limit else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        if timer:
            timer.cancel()
    if limit and seconds >= limit:
        raise StageTimeout(f"{' '.join(cmd)} was stopped after {limit:.0f} s")
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.with_suffix(".err").read_text("utf-8", "replace")[-2000:]
        raise BenchmarkError(f"{' '.join(cmd)} exited with {process.returncode}:\n{tail}")
    return Measurement(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_mb=_megabytes(usage.ru_maxrss),
        load_before=load_before,
    )


def _megabytes(maxrss: int) -> float:
    """ru_maxrss is in kilobytes on Linux and in bytes on macOS."""
    return maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _with_detail(measurement: Measurement, log: Path) -> Measurement:
    """The stage's own JSON line (its in-process seconds and counts) attached."""
    detail = json.loads(log.read_text("utf-8").strip().splitlines()[-1])
    return Measurement(**{**asdict(measurement), "detail": detail})


# --- the stages -----------------------------------------------------------------------------


def tandem_command() -> list[str]:
    """`tandem` as installed beside this Python (the venv), else on PATH."""
    beside = Path(sys.executable).with_name("tandem")
    found = str(beside) if beside.is_file() else shutil.which("tandem")
    if found is None:
        raise BenchmarkError("no `tandem` command: install Tandem first (pip install -e .)")
    return [found]


def has_command(name: str) -> bool:
    """Whether this checkout's `tandem` has the subcommand (circles and pairings are new)."""
    result = subprocess.run(  # noqa: S603 - our own command
        [*tandem_command(), name, "--help"], capture_output=True, check=False
    )
    return result.returncode == 0


def build_env(today: dt.date) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env.update({"TANDEM_TODAY": today.isoformat(), "NO_MKDOCS_2_WARNING": "1"})
    return env


def run_size(ads: int, *, work: Path, today: dt.date, naive_sample: int, say: Any) -> SizeResult:
    """Every measurement for one marketplace size."""
    folder = work / f"n{ads}"
    root, logs = folder / "root", folder / "logs"
    logs.mkdir(parents=True)
    start = time.perf_counter()
    written = write_site(root, ads=ads, today=today)
    result = SizeResult(written.ads, written.logs)
    result.figures["synth_seconds"] = time.perf_counter() - start
    say(f"{ads:,} ads: synthetic data written in {result.figures['synth_seconds']:.1f} s")
    python, tandem, day = sys.executable, tandem_command(), ["--today", today.isoformat()]
    common = ["--root", str(root), *day]
    commands: dict[str, list[str] | None] = {
        "load": [python, "-m", "benchmarks.stages", "load", str(root)],
        "validate": [*tandem, "validate", *common],
        "match": [*tandem, "match", "--format", "json", *common],
        **{
            name: ([*tandem, name, "--format", "json", *common] if has_command(name) else None)
            for name in OPTIONAL_COMMANDS
        },
        "render": [python, "-m", "benchmarks.stages", "render", str(root), *day],
        "naive": [
            python, "-m", "benchmarks.stages", "naive", str(root), *day,
            "--sample", str(naive_sample),
        ],
    }  # fmt: skip
    env = build_env(today)
    for name, cmd in commands.items():
        _forget_checks(root)  # each stage as a fresh clone runs it (CI): no checks kept yet
        if cmd is None:
            result.stages[name] = None
            say(f"  {name}: not available in this checkout")
            continue
        try:
            measured = measure(cmd, log=logs / f"{name}.out", cwd=REPO, env=env, limit=STAGE_LIMIT)
        except StageTimeout:
            result.stages[name] = None
            result.figures[f"{name}_stopped_after_seconds"] = STAGE_LIMIT
            say(f"  {name}: stopped after {STAGE_LIMIT:.0f} s")
            continue
        if name in ("load", "render", "naive"):
            measured = _with_detail(measured, logs / f"{name}.out")
        result.stages[name] = measured
        say(f"  {name}: {measured.seconds:.1f} s, {measured.peak_mb:.0f} MB")
    _kept_checks(result, root, logs, env, commands, say)
    _forget_checks(root)
    _full_build(result, root, folder, env, say)
    _plain_build(result, folder, env, say)
    return result


WARM = ("validate", "match", "pairings")
"""Stages measured again as a second run of the same command finds them: with the checks
(and the plan's matchings) that its first run kept in `.cache/tandem/`."""


def _forget_checks(root: Path) -> None:
    """No checks kept from an earlier run (`generator.data.kept`): the stage runs cold."""
    shutil.rmtree(root / ".cache", ignore_errors=True)


def _kept_checks(
    result: SizeResult,
    root: Path,
    logs: Path,
    env: dict[str, str],
    commands: dict[str, list[str] | None],
    say: Any,
) -> None:
    """The `WARM` stages as a contributor's second run finds them: each command runs once
    to keep what it keeps (not measured), then again, measured."""
    for name in WARM:
        cmd = commands[name]
        if cmd is None:
            result.stages[f"{name}_warm"] = None
            continue
        measure(cmd, log=logs / f"{name}_first.out", cwd=REPO, env=env)
        measured = measure(cmd, log=logs / f"{name}_warm.out", cwd=REPO, env=env)
        result.stages[f"{name}_warm"] = measured
        say(f"  {name}, second run: {measured.seconds:.1f} s, {measured.peak_mb:.0f} MB")


def _full_build(
    result: SizeResult, root: Path, folder: Path, env: dict[str, str], say: Any
) -> None:
    out = folder / "site"
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)]
    measured = measure(cmd, log=folder / "logs" / "build.out", cwd=root, env=env)
    result.stages["build"] = measured
    result.figures.update(site_figures(out))
    say(f"  full build: {measured.seconds:.1f} s, {measured.peak_mb:.0f} MB")


def site_figures(site: Path) -> dict[str, int]:
    """Pages built, the search index, the marketplace's first page and its data (fetched
    when someone filters; 0 where a checkout has none) in bytes, the site on disk."""
    files = [p for p in site.rglob("*") if p.is_file()]
    data = site / "ads" / "index.json"
    return {
        "pages": sum(1 for p in files if p.name == "index.html"),
        "search_index_bytes": (site / "search" / "search_index.json").stat().st_size,
        "marketplace_bytes": (site / "ads" / "index.html").stat().st_size,
        "marketplace_data_bytes": data.stat().st_size if data.is_file() else 0,
        "site_bytes": sum(p.stat().st_size for p in files),
    }


def _plain_build(result: SizeResult, folder: Path, env: dict[str, str], say: Any) -> None:
    root = plain_site(folder / "plain", pages=int(result.figures["pages"]))
    cmd = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "-q",
        "-d",
        str(folder / "plain-site"),
    ]
    measured = measure(cmd, log=folder / "logs" / "plain.out", cwd=root, env=env)
    result.stages["plain"] = measured
    say(f"  plain MkDocs, {result.figures['pages']:,} pages: {measured.seconds:.1f} s")


# --- the plain MkDocs baseline --------------------------------------------------------------


def plain_site(root: Path, *, pages: int) -> Path:
    """Tandem's mkdocs.yml and theme without the tandem plugin, and `pages` Markdown pages.

    One page is the home page in the navigation; the others stay out of it, as Tandem's
    generated pages do. Each is ordinary Markdown: headings, paragraphs, a list, a table.
    """
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    config["plugins"] = [p for p in config["plugins"] if p != "tandem" and "tandem" not in p]
    config["nav"] = ["index.md"]
    config["not_in_nav"] = "/pages/\n"
    config.pop("exclude_docs", None)
    root.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    shutil.copytree(REPO / "theme", root / "theme")
    docs = root / "docs" / "pages"
    docs.mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Plain pages\n\nA baseline.\n", "utf-8")
    for number in range(1, pages):
        (docs / f"page-{number:05d}.md").write_text(plain_page(number), "utf-8")
    return root


def plain_page(number: int) -> str:
    return f"""# Page {number}

Colleagues who learn together remember more. This is page {number}, one of many ordinary
pages: some **bold** text, some *emphasis*, and a [link to the home page](../index.md).

## What it covers

- learning goals, written in one sentence
- learning packages with a due date
- a journal entry after every session

| week | topic | hours |
|---|---|---|
| 1 | getting started | 2 |
| 2 | first real task | 2 |
| 3 | review | 1 |

## Notes

Partners meet once a week and write down what they learned. At the end they tell the story
and celebrate. Page {number} ends here.
"""


# --- the machine ----------------------------------------------------------------------------


def machine() -> dict[str, str]:
    return {
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count() or "?"),
        "memory": _memory(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "libyaml": "yes" if getattr(yaml, "__with_libyaml__", False) else "no",
        "packages": ", ".join(f"{name} {_version(name)}" for name in PACKAGES),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    except OSError:
        pass
    return "?"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


# --- the command ----------------------------------------------------------------------------


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part.replace("_", "")) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("write sizes as numbers, e.g. 1000,5000,10000") from None
    if not sizes or min(sizes) < 10:
        raise argparse.ArgumentTypeError("each size must be at least 10 ads")
    return sizes


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("give a whole number of at least 1")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description="Measure Tandem on synthetic marketplaces."
    )
    parser.add_argument("--sizes", type=_sizes, help="numbers of ads (default 1000,5000,10000)")
    parser.add_argument("--quick", action="store_true", help="a smoke run on 40 ads")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=DEFAULT_TODAY)
    parser.add_argument("--naive-sample", type=_positive, default=NAIVE_SAMPLE, metavar="N")
    parser.add_argument("--work", type=Path, help="keep data, sites and logs here (a new folder)")
    parser.add_argument(
        "--from-results",
        type=Path,
        metavar="FILE",
        help="measure nothing: write the table from a results.json that --work kept",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="the page whose results part is rewritten (default docs/performance.md; "
        "--quick writes nothing unless given)",
    )
    args = parser.parse_args(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES)
    output = args.output or (None if args.quick else REPO / "docs" / "performance.md")
    if args.work is not None and args.work.exists() and any(args.work.iterdir()):
        parser.error(f"--work: {args.work} is not empty; give a new or empty folder")
    if output is not None and not report.has_markers(output):
        parser.error(f"--output: {output} has no results markers ({report.BEGIN!r})")
    try:
        if args.from_results:
            results, about = load_results(args.from_results)
        else:
            results, about = _run_all(sizes, args), machine()
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report.table(results, about))
    if args.work is not None and not args.from_results:
        raw = {"machine": about, "results": [asdict(r) for r in results]}
        (args.work / "results.json").write_text(json.dumps(raw, indent=2), "utf-8")
    if output is not None:
        report.write(output, results, about)
        print(f"wrote the results into {output}")
    return 0


def load_results(path: Path) -> tuple[list[SizeResult], dict[str, str]]:
    """The results and machine a former run kept in `--work`/results.json."""
    try:
        raw = json.loads(path.read_text("utf-8"))
        results = [
            SizeResult(
                r["ads"],
                r["logs"],
                {k: None if m is None else Measurement(**m) for k, m in r["stages"].items()},
                r["figures"],
            )
            for r in raw["results"]
        ]
        return results, raw["machine"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BenchmarkError(f"{path} is not a results.json of this benchmark ({exc})") from None


def _run_all(sizes: Sequence[int], args: argparse.Namespace) -> list[SizeResult]:
    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="tandem-bench-") as scratch:
        work = args.work or Path(scratch)
        return [
            run_size(n, work=work, today=args.today, naive_sample=args.naive_sample, say=say)
            for n in sizes
        ]


if __name__ == "__main__":
    sys.exit(main())
