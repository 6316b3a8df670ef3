"""Drop-a-file acceptance tests: every folder under tests/examples/ is one case.

`valid/` is a small consistent tree that must load without a single problem. Each
`invalid/<case>/` is a small tree whose files state what they must produce, in leading
comment lines or, for files that cannot carry a comment, in a sidecar `<file>.expect`:

    # expect: 7:5 error: commitment.hours_per_week: 'lots' is not a number

that is `line[:col] severity: part of the message`. Every expected problem must appear at
that place, no other error may, and files that expect nothing must still be read. A case
without an expected error must pass (exit status 0). A case holding an `XFAIL` file is a
known bug, described in that file: delete it with the fix. Files too large or too deep to
commit are made at run time (GENERATED).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.data import load
from generator.data.ids import DATA_FOLDERS
from generator.data.problems import Problem
from generator.data.validate import check_tree, iter_data_files
from generator.pipeline import check

EXAMPLES = Path(__file__).parent / "examples"
TODAY = "2026-11-23"
TANDEM = str(Path(sys.executable).parent / "tandem")
EXPECT = re.compile(r"# expect: (\d+)(?::(\d+))? (error|warning): (.+)")
TEXT_LINE = re.compile(r"(\S+):(\d+):(\d+): (error|warning): (\S.*)")
VALID_AD = EXAMPLES / "valid" / "ads" / "jana-schulz.yml"  # added to every generated case

_WIDE_AD = (
    b"name: Wide\nowner: wide\nlocation: Berlin\nlanguages: [en]\nseeks: [{skill: SQL}]\n"
    b"commitment: {hours_per_week: 1, weeks: 4}\nposted: 2026-11-01\n"
    b"expires: 2027-05-01\nstatus: open\ncontact: wide@example.com\n"
)
_MAPPINGS = b"[" + b", ".join(b"{k%d: %d}" % (i, i) for i in range(5_000)) + b"]"
GENERATED: dict[str, tuple[str, bytes, str]] = {  # case: (file, content, expectation)
    "oversized": (
        "ads/huge.yml",
        b"name: Huge\nabout: |\n" + b"  lorem ipsum dolor\n" * 15_000,
        "1:1 error: file is larger than 256 KiB",
    ),
    # Nesting (`deep-<style>-<n>`: n nested collections below the top mapping): the 17th
    # level is refused where it starts, however deep the file goes on and whichever libyaml
    # is installed (0.2.6 stops 1,000 flow levels itself, reading ahead of the parser).
    **{
        f"deep-flow-{levels}": (
            "ads/deep.yml",
            b"name: " + b"[" * levels + b"]" * levels,
            "1:22 error: nesting deeper than 16 levels is not allowed",
        )
        for levels in (17, 1_000)
    },
    "deep-flow-100000": (
        "ads/deep.yml",
        b"name: " + b"[" * 100_000,
        "1:22 error: nesting deeper than 16 levels is not allowed",
    ),
    "deep-flow-mappings-1000": (
        "ads/deep.yml",
        b"name: " + b"{a: " * 1_000 + b"}" * 1_000,
        "1:67 error: nesting deeper than 16 levels is not allowed",
    ),
    "deep-block-17": (
        "ads/deep.yml",
        "".join(f"{'  ' * i}a:\n" for i in range(18)).encode(),
        "17:33 error: nesting deeper than 16 levels is not allowed",
    ),
    **{
        f"deep-block-{levels}": (
            "ads/deep.yml",
            b"name:\n" + b"- " * levels + b"x\n",
            "2:31 error: nesting deeper than 16 levels is not allowed",
        )
        for levels in (1_000, 100_000)
    },
    "deep-block-then-flow": (
        "ads/deep.yml",
        "".join(f"{'  ' * i}a:\n" for i in range(10)).encode()
        + b"  " * 10
        + b"a: "
        + b"[" * 100_000,
        "11:29 error: nesting deeper than 16 levels is not allowed",
    ),
    # An implicit key ends within 1,024 characters (YAML 1.1), before the 17th level shows.
    "deep-flow-as-key": (
        "ads/deep.yml",
        b"name: x\n" + b"[" * 100_000,
        "2:1026 error: not valid YAML: could not find expected ':'",
    ),
    "long-list": (
        "ads/wide.yml",
        _WIDE_AD + b"offers: [" + b"{}, " * 10_000 + b"{}]\n",
        "11:1 error: offers: has 10001 entries; at most 8 allowed",
    ),
    # Thousands of distinct mappings made jsonschema's uniqueItems check quadratic.
    "long-languages": (
        "ads/wide.yml",
        _WIDE_AD.replace(b"languages: [en]\n", b"offers: [{skill: SQL, level: basic}]\n")
        + b"languages: "
        + _MAPPINGS
        + b"\n",
        "11:1 error: languages: has 5000 entries; at most 10 allowed",
    ),
    "long-formats": (
        "ads/wide.yml",
        _WIDE_AD + b"offers: [{skill: SQL, level: basic}]\nformats: " + _MAPPINGS + b"\n",
        "12:1 error: formats: has 5000 entries; at most 3 allowed",
    ),
    "long-partners": (
        "partnerships/wide.yml",
        b"title: T\nformat: tandem\nphase: preparation\nstarted: 2026-11-20\n"
        b"partners: " + _MAPPINGS + b"\n",
        "5:1 error: partners: has 5000 entries; at most 5 allowed",
    ),
}
GENERATED_BUGS: dict[str, str] = {}


@dataclass(frozen=True)
class Expected:
    path: str
    line: int
    col: int | None
    severity: str
    text: str

    def matches(self, problem: Problem) -> bool:
        place = (problem.path, problem.line, problem.col if self.col else None, problem.severity)
        return (
            place == (self.path, self.line, self.col, self.severity)
            and self.text in problem.message
        )


def expectations(root: Path) -> list[Expected]:
    """Every `# expect:` line: in a data file's leading comments, or in its sidecar."""
    found = []
    for file in sorted(root.rglob("*")):
        if file.suffix == ".expect":
            target, lines = file.with_suffix(""), file.read_text("utf-8").splitlines()
        elif file.suffix in (".yml", ".yaml"):
            target, lines = file, leading_comments(file)
        else:
            continue
        for line in (ln for ln in lines if "expect:" in ln):
            match = EXPECT.fullmatch(line.strip())
            assert match, f"{file}: cannot read {line!r}"
            found.append(
                Expected(
                    target.relative_to(root).as_posix(),
                    int(match[1]),
                    int(match[2]) if match[2] else None,
                    match[3],
                    match[4],
                )
            )
    return found


def leading_comments(file: Path) -> list[str]:
    text = file.read_bytes().decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    return lines[: next((i for i, ln in enumerate(lines) if not ln.startswith("#")), len(lines))]


def assert_as_expected(problems: list[Problem], expected: list[Expected]) -> None:
    missing = [e for e in expected if not any(e.matches(p) for p in problems)]
    unexpected = [
        str(p)
        for p in problems
        if p.severity == "error" and not any(e.matches(p) for e in expected)
    ]
    assert (missing, unexpected) == ([], [])
    assert len(set(problems)) == len(problems), "the same problem is reported twice"


def case_params() -> list[object]:
    names = [
        "valid",
        *(f"invalid/{p.name}" for p in sorted((EXAMPLES / "invalid").iterdir())),
        *(f"generated/{name}" for name in GENERATED),
    ]
    return [pytest.param(name, id=name, marks=known_bug(name)) for name in names]


def known_bug(name: str) -> list[pytest.MarkDecorator]:
    marker = EXAMPLES / name / "XFAIL"
    reason = (
        marker.read_text("utf-8").strip()
        if marker.exists()
        else GENERATED_BUGS.get(name.removeprefix("generated/"))
    )
    return [pytest.mark.xfail(reason=reason, strict=True)] if reason else []


@pytest.fixture(params=case_params())
def case(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The case's folder; a generated case is written to tmp_path with a valid ad beside it."""
    name: str = request.param
    if not name.startswith("generated/"):
        return EXAMPLES / name
    rel, content, expect = GENERATED[name.removeprefix("generated/")]
    (tmp_path / "ads").mkdir()
    shutil.copy(VALID_AD, tmp_path / "ads" / VALID_AD.name)
    (tmp_path / rel).parent.mkdir(exist_ok=True)
    (tmp_path / rel).write_bytes(content)
    (tmp_path / f"{rel}.expect").write_text(f"# expect: {expect}\n", "utf-8")
    return tmp_path


def test_check_tree(case: Path) -> None:
    expected = expectations(case)
    start = time.process_time()
    checked = check(case, dt.date.fromisoformat(TODAY))
    problems = list(checked.problems)
    # Not a speed test (figures go to docs/performance.md): a guard against the hostile
    # inputs that used to take minutes. CPU time, so a busy machine does not make it flaky;
    # the bound is the "within 10 s".
    assert time.process_time() - start < 10
    assert_as_expected(problems, expected)
    if case == EXAMPLES / "valid":
        assert problems == []
    # a file that expects no problem is kept, whatever its neighbours do
    for folder in DATA_FOLDERS:
        quiet = [
            f.stem
            for f in iter_data_files(case, folder)
            if f.relative_to(case).as_posix() not in {e.path for e in expected}
        ]
        records = checked.tree.ads if folder == "ads" else checked.tree.partnerships
        assert set(quiet) <= set(records), folder


@pytest.mark.skipif(
    load.FAST_LOADER is load.REFERENCE_LOADER, reason="PyYAML is built without libyaml"
)
def test_libyaml_changes_no_answer(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    today = dt.date.fromisoformat(TODAY)
    with_libyaml = check_tree(case, today).problems
    monkeypatch.setattr(load, "FAST_LOADER", load.REFERENCE_LOADER)
    assert check_tree(case, today).problems == with_libyaml


def tandem_validate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [TANDEM, "validate", "--root", str(root), "--today", TODAY, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def test_cli(case: Path) -> None:
    expected = expectations(case)
    result = tandem_validate(case)
    lines = result.stdout.splitlines()
    assert all(TEXT_LINE.fullmatch(line) for line in lines), result.stdout
    problems = [
        Problem(m[1], int(m[2]), int(m[3]), m[5], m[4])  # type: ignore[arg-type]
        for m in map(TEXT_LINE.fullmatch, lines)
        if m
    ]
    assert_as_expected(problems, expected)
    errors = any(e.severity == "error" for e in expected)
    assert result.returncode == (1 if errors else 0), result.stdout + result.stderr


def test_cli_json_and_github_formats() -> None:
    case = EXAMPLES / "invalid" / "wrong-types"
    errors = [
        p for p in check_tree(case, dt.date.fromisoformat(TODAY)).problems if p.severity == "error"
    ]
    assert len(errors) == len(expectations(case))
    as_json = tandem_validate(case, "--format", "json")
    rows = [row for row in json.loads(as_json.stdout) if row["severity"] == "error"]
    assert (as_json.returncode, rows) == (
        1,
        [
            {
                "path": p.path,
                "line": p.line,
                "col": p.col,
                "severity": "error",
                "message": p.message,
            }
            for p in errors
        ],
    )
    github = tandem_validate(case, "--format", "github")
    assert github.returncode == 1
    assert set(github.stdout.splitlines()) >= {
        f"::error file={p.path},line={p.line},col={p.col},title=tandem error::{p.message}"
        for p in errors
    }
