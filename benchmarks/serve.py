"""How long `mkdocs serve` takes to rebuild after an ad is edited.

    python -m benchmarks.serve ROOT [--rounds N] [--today YYYY-MM-DD]

ROOT is a site tree (`python -m benchmarks.synth ROOT --ads 1000`); it is copied for each
round and never changed. Each round starts a fresh process (tools/preview.py) that builds the
copy once as `mkdocs serve` starts, then rebuilds after each of six edits: a skill changed,
hours changed, a goal reworded, an ad added, that ad deleted, a comment added. Prints each
rebuild's CPU seconds and the seconds MkDocs reports, and their medians. A tree with errors
on the day given is refused (the preview would show the errors instead of building): give
the --today it was made for. Set PYTHONPATH to another checkout to time its code with this
tree and these edits (tools/preview.py is run by its path, so the checkout named first is
the one imported).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.run import build_env
from benchmarks.synth import DEFAULT_TODAY

Step = dict[str, str | None]
NEW_AD = "ads/zz-benchmark-new-ad.yml"
PREVIEW = Path(__file__).resolve().parent.parent / "tools" / "preview.py"


def edits(root: Path) -> list[Step]:
    """Six edits of ads spread over the tree; each changes what it names."""
    ads = sorted((root / "ads").glob("*.yml"))
    picked = [ads[len(ads) * k // 6] for k in range(6)]
    text = {p: p.read_text("utf-8") for p in picked}
    first, second, third, fourth, _, sixth = picked
    skill = re.search(r"skill: (.+)", text[first])
    name = re.search(r"name: (.+)", text[fourth])
    assert skill and name, "the synthetic ads no longer name a skill or a person"
    steps: list[Step] = [
        {_name(first): text[first].replace(skill[0], "skill: Kubernetes", 1)},
        {_name(second): re.sub(r"hours_per_week: \S+", "hours_per_week: 3", text[second], count=1)},
        {_name(third): text[third].replace("goal: ", "goal: Really ", 1)},
        {NEW_AD: text[fourth].replace(name[1], "Zora Benchmark", 1)},
        {NEW_AD: None},
        {_name(sixth): text[sixth] + "# a comment\n"},
    ]
    for step in steps[:3]:
        ((name_, new),) = step.items()
        assert new != (root / name_).read_text("utf-8"), f"the edit of {name_} changes nothing"
    return steps


def _name(path: Path) -> str:
    return f"ads/{path.name}"


def one_round(root: Path, *, today: dt.date) -> list[dict[str, float]]:
    """The rebuilds of one fresh process on a copy of `root`."""
    with tempfile.TemporaryDirectory(prefix="tandem-serve-") as work:
        tree = Path(work) / "tree"
        shutil.copytree(root, tree, ignore=shutil.ignore_patterns("site"))
        steps_file = Path(work) / "steps.json"
        steps_file.write_text(json.dumps(edits(tree)), "utf-8")
        result = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, str(PREVIEW), str(tree), "-", str(steps_file)],
            env=build_env(today),
            capture_output=True,
            text=True,
            check=True,
        )
    builds = [json.loads(line) for line in result.stdout.splitlines()]
    if any(b.get("problems") for b in builds):
        raise SystemExit(
            f"{root} has errors on {today}: a preview then shows them and renders nothing, which "
            "says nothing of a rebuild's time; pass the --today the tree was made for"
        )
    return [b for b in builds if b["build"] > 0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=DEFAULT_TODAY)
    args = parser.parse_args(argv)
    rebuilds = []
    for _ in range(args.rounds):
        for build in one_round(args.root, today=args.today):
            cpu, reported = build["cpu"], build["mkdocs"]
            print(f"rebuild {build['build']}: {cpu:.2f} s CPU, {reported:.2f} s as MkDocs reports")
            rebuilds.append(build)
    cpu = statistics.median(b["cpu"] for b in rebuilds)
    reported = statistics.median(b["mkdocs"] for b in rebuilds)
    print(f"median of {len(rebuilds)} rebuilds: {cpu:.2f} s CPU, {reported:.2f} s MkDocs")


if __name__ == "__main__":
    main()
