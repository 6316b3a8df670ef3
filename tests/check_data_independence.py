"""Proof that valid changes to the live data change no test's outcome.

Copies this working tree twice into a scratch folder and changes the live data of one copy as
contributors do: a new ad written by `tandem new-ad`, an edited ad, a deleted ad, a new
partnership log written by `tandem new-partnership`, a deleted log. `tandem validate` must
accept the changed copy (else the proof would prove nothing); then the whole suite runs in
both copies and every test's outcome is compared. Exit status 0 when none changed.

    .venv/bin/python tests/check_data_independence.py [extra pytest arguments]

It runs the suite twice, so it is a script for maintainers, not a test. The copies are removed
afterwards unless --keep is the first argument.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.etree import ElementTree

import yaml

REPO = Path(__file__).resolve().parent.parent
TANDEM = str(Path(sys.executable).parent / "tandem")
NEW_AD = "proof-newcomer"


def copy_worktree(dest: Path) -> Path:
    """Tracked and untracked files that git does not ignore: no venv, caches or site/."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file() or source.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name, follow_symlinks=False)
    return dest


def published_env(root: Path) -> dict[str, str]:
    """Today's date, as the publish workflow has it, and the copy's own generator/."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("TANDEM_") and name != "SOURCE_DATE_EPOCH"
    }
    return {**env, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1", "TANDEM_CACHE": "off"}


def tandem(root: Path, *args: str) -> str:
    done = subprocess.run(
        [TANDEM, *args, "--root", str(root)],
        cwd=root,
        env=published_env(root),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"tandem {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def partner_ids(root: Path) -> set[str]:
    return {
        str(partner)
        for log in (root / "partnerships").glob("*.y*ml")
        for partner in (yaml.safe_load(log.read_text("utf-8")) or {}).get("partners", [])
    }


def change_live_data(root: Path) -> list[str]:
    """Add, edit and delete ads and logs in `root` as valid pull requests would."""
    ads = sorted((root / "ads").glob("*.y*ml"))
    edited = next(p for p in ads if re.search(r"^location: ", p.read_text("utf-8"), re.M))
    text = edited.read_text("utf-8")
    text = re.sub(r"^location: .*$", "location: Reykjavík", text, count=1, flags=re.M)
    text = re.sub(r"^(\s*- skill:) .*$", r"\1 Origami", text, count=1, flags=re.M)
    edited.write_text(text, "utf-8")
    partners = partner_ids(root)
    deleted = next(p for p in ads if p.stem not in partners and p != edited)
    deleted.unlink()
    old_log = sorted((root / "partnerships").glob("*.y*ml"))[-1]
    old_log.unlink()
    tandem(
        root,
        "new-ad",
        *("--name", "Proof Newcomer", "--owner", NEW_AD, "--location", "Berlin"),
        *("--languages", "de,en", "--offer", "Python:expert", "--offer", "Kubernetes"),
        *("--seek", "Public speaking:Give a talk at the all-hands", "--seek", "SQL"),
        *("--hours", "2", "--weeks", "12", "--contact", "@proof-newcomer"),
    )
    tandem(
        root,
        "new-partnership",
        *("--title", "Proof tandem", "--partner", NEW_AD, "--partner", edited.stem),
    )
    return [
        f"added ads/{NEW_AD}.yml (tandem new-ad)",
        f"edited {edited.relative_to(root)} (location, first skill)",
        f"deleted {deleted.relative_to(root)}",
        f"added partnerships/{NEW_AD}-{edited.stem}.yml (tandem new-partnership)",
        f"deleted {old_log.relative_to(root)}",
    ]


def outcomes(root: Path, report: Path, pytest_args: list[str]) -> dict[str, str]:
    """Run the whole suite in `root`; every test's id and outcome."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [*command, f"--junitxml={report}", *pytest_args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if not report.is_file():
        sys.exit(f"the suite did not run in {root}:\n{done.stdout}{done.stderr}")
    print(f"  {root.name}: {done.stdout.strip().splitlines()[-1]}")
    result = {}
    for case in ElementTree.parse(report).iter("testcase"):
        kinds = {child.tag for child in case} & {"failure", "error", "skipped"}
        result[f"{case.get('classname')}::{case.get('name')}"] = min(kinds, default="passed")
    return result


def main(argv: list[str]) -> int:
    keep = argv[:1] == ["--keep"]
    pytest_args = argv[1:] if keep else argv
    scratch = Path(tempfile.mkdtemp(prefix="tandem-independence-"))
    try:
        base = copy_worktree(scratch / "unchanged")
        changed = copy_worktree(scratch / "changed")
        print("changed the live data of the copy:")
        for line in change_live_data(changed):
            print(f"  {line}")
        print(f"  tandem validate: {tandem(changed, 'validate').strip().splitlines()[-1]}")
        print("running the whole suite in both copies:")
        before = outcomes(base, scratch / "unchanged.xml", pytest_args)
        after = outcomes(changed, scratch / "changed.xml", pytest_args)
    finally:
        if keep:
            print(f"copies kept in {scratch}")
        else:
            shutil.rmtree(scratch)
    moved = sorted(
        f"{test}: {before.get(test, 'absent')} -> {after.get(test, 'absent')}"
        for test in before.keys() | after.keys()
        if before.get(test) != after.get(test)
    )
    for line in moved:
        print(f"  changed: {line}")
    print(f"{len(before)} tests, {len(moved)} outcomes changed")
    return 1 if moved or not before else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
