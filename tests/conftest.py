"""Shared fixtures: the suite's own sample, copies of it, and real `mkdocs build`s.

The sample is tests/data/sample/ (ads, partnerships, skills.yml, places.yml), frozen; the site's
configuration (mkdocs.yml, docs/, theme/) comes from the repository. Nothing here reads the
live `ads/`, `partnerships/`, `skills.yml` or `places.yml`: only tests/test_live.py does.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).resolve().parent / "data" / "sample"
TODAY = "2026-11-23"
EPOCH = "1795392000"  # 2026-11-23T00:00:00Z
SITE_FILES = (REPO / "mkdocs.yml", REPO / "docs", REPO / "theme")
"""The site's configuration, owned by maintainers: taken from the repository."""

os.environ["TANDEM_CACHE"] = "off"
"""No checks kept on disk (`generator.data.kept`): the suite must leave no `.cache/` in its
data or the repository, and tests that count checks or compare runs need every run cold.
tests/test_kept.py switches it on, in trees of its own."""


def copy_site(dest: Path, *, data: bool = True) -> Path:
    """A copy of the site's configuration, the sample's skills and places and, unless told
    otherwise, the sample's ads and partnership logs."""
    dest.mkdir(parents=True, exist_ok=True)
    sources = [*SITE_FILES, SAMPLE / "skills.yml", SAMPLE / "places.yml"]
    if data:
        sources += [SAMPLE / "ads", SAMPLE / "partnerships"]
    for source in sources:
        if source.is_dir():
            shutil.copytree(source, dest / source.name)
        else:
            shutil.copy2(source, dest / source.name)
    (dest / "ads").mkdir(exist_ok=True)
    (dest / "partnerships").mkdir(exist_ok=True)
    return dest


def build_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env.update(
        {
            "TANDEM_TODAY": TODAY,
            "SOURCE_DATE_EPOCH": EPOCH,
            "NO_MKDOCS_2_WARNING": "1",
            "TANDEM_CACHE": "off",
        },
        **extra,
    )
    return env


def mkdocs_build(root: Path, out: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A real `mkdocs build --strict` of `root` into `out`."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-q", "-d", str(out)],
        cwd=root,
        env=build_env(**env),
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built once for the whole session; tests only read it."""
    root = copy_site(tmp_path_factory.mktemp("sample"))
    out = root / "site"
    result = mkdocs_build(root, out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture()
def site_root(tmp_path: Path) -> Callable[..., Path]:
    """Make a site folder in tmp_path: the sample's config with the given data files."""

    def make(files: dict[str, str | bytes] | None = None, *, sample: bool = False) -> Path:
        root = copy_site(tmp_path / "repo", data=sample)
        for rel, content in (files or {}).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return root

    return make


SYNTHETIC_ADS = 200
"""A few hundred ads: more open ones than one marketplace page holds."""


@pytest.fixture(scope="session")
def synthetic_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """benchmarks/synth.py's marketplace of SYNTHETIC_ADS ads, built once for the session
    with this checkout's configuration; tests only read it."""
    from benchmarks.synth import write_site

    root = tmp_path_factory.mktemp("synthetic") / "root"
    write_site(root, ads=SYNTHETIC_ADS, logs=10, today=dt.date.fromisoformat(TODAY), repo=REPO)
    out = root / "site"
    result = mkdocs_build(root, out)
    assert result.returncode == 0, result.stderr
    return out
