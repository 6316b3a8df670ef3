"""The live marketplace: the repository's own ads/, partnerships/ and skills.yml.

Contributors change these files every day, so this is the one module that reads them, and it
checks them only as the publish workflow does: `tandem validate` and one real
`mkdocs build --strict`, dated the day the tests run (no $TANDEM_TODAY, no $SOURCE_DATE_EPOCH).
It never compares pages with golden files and never names an ad: a valid ad added, edited,
deleted or past its `expires` date leaves it green. Every other test uses the suite's frozen
sample in tests/data/sample/.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from test_skills import PRECISION_FLOOR, RECALL_FLOOR, TRAPS, labelled_quality

from generator.matching.skills import Taxonomy, load_taxonomy


def published_env() -> dict[str, str]:
    """The environment of a published build: today's date, whatever the tests pin elsewhere."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("TANDEM_") and name != "SOURCE_DATE_EPOCH"
    }
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["TANDEM_CACHE"] = "off"  # no .cache/ left in the repository by the suite
    return env


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=REPO, env=published_env(), capture_output=True, text=True, check=False
    )


def test_the_live_data_validates() -> None:
    result = run(str(Path(sys.executable).parent / "tandem"), "validate", "--root", str(REPO))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_repository_builds_strictly(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run(sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "ads" / "index.html").is_file()


# --- the curated taxonomy ---------------------------------------------------------------------
# skills.yml is curated by pull request, like the ads; tandem validate refuses a broken or
# clashing file, and these measure what validation cannot: that the curated names still keep
# the labelled pairs (tests/data/skill_pairs.yml) together and the traps apart.


@pytest.fixture(scope="module")
def live_taxonomy() -> Taxonomy:
    return load_taxonomy(REPO)


def test_the_live_taxonomy_meets_the_labelled_floors(live_taxonomy: Taxonomy) -> None:
    quality = labelled_quality(live_taxonomy)
    assert quality.precision >= PRECISION_FLOOR, quality.false_pos
    assert quality.recall >= RECALL_FLOOR, quality.false_neg


def test_the_live_taxonomy_keeps_the_traps_apart(live_taxonomy: Taxonomy) -> None:
    merged = [(a, b) for a, b in TRAPS if live_taxonomy.key_of(a) == live_taxonomy.key_of(b)]
    assert merged == []


# --- the boundary -----------------------------------------------------------------------------

LIVE_NAMES = {"ads", "partnerships", "skills.yml", "places.yml"}
REPOSITORY_NAMES = {"REPO", "ROOT"}


def reaches_live_data(node: ast.AST) -> bool:
    """The ways tests have read the live data: `REPO / "ads"`, `REPO / name` (whatever name
    holds), the repository handed to a call (`build(REPO, …)`, `str(ROOT)`, `root=REPO`) or
    made a parameter's default. This module alone may; the site's configuration is reached
    with a constant name (`REPO / "docs"`)."""

    def is_repository(value: ast.AST | None) -> bool:
        return isinstance(value, ast.Name) and value.id in REPOSITORY_NAMES

    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and is_repository(node.left):
        named = isinstance(node.right, ast.Constant)
        return not named or node.right.value in LIVE_NAMES
    if isinstance(node, ast.Call):
        keywords = [k.value for k in node.keywords if k.arg == "root"]
        return any(is_repository(arg) for arg in [*node.args, *keywords])
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        defaults = [*node.args.defaults, *node.args.kw_defaults]
        return any(is_repository(default) for default in defaults)
    return False


def test_no_other_test_reads_the_live_data() -> None:
    found = [
        f"{path.name}:{getattr(node, 'lineno', 0)}"
        for path in sorted(Path(__file__).parent.glob("*.py"))
        if path.name not in (Path(__file__).name, "check_data_independence.py")
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if reaches_live_data(node)
    ]
    assert found == [], "use the suite's sample (conftest.SAMPLE, copy_site) instead"
