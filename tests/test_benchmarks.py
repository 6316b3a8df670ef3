"""The synthetic marketplace and the benchmark command: deterministic, valid, complete.

No timing here: the benchmark's figures are measurements (docs/performance.md), never
assertions.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, SAMPLE, TODAY, mkdocs_build

from benchmarks import report
from benchmarks.naive import naive_partners
from benchmarks.synth import STATUSES, SynthError, write_site
from benchmarks.synth import main as synth_main
from generator.cli import main as tandem
from generator.data.load import load_file
from generator.data.model import FORMATS, PHASES
from generator.matching.match import Matcher, suggest_partners
from generator.matching.skills import load_taxonomy
from generator.pipeline import gather

DAY = dt.date.fromisoformat(TODAY)
ADS, LOGS = 60, 12


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "root"
    write_site(root, ads=ADS, logs=LOGS, today=DAY)
    return root


def data_files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for folder in ("ads", "partnerships")
        for path in sorted((root / folder).iterdir())
    }


def records(root: Path, folder: str) -> list[dict[str, object]]:
    return [load_file(path).data for path in sorted((root / folder).glob("*.yml"))]


def test_the_same_arguments_give_the_same_bytes(synthetic: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    write_site(again, ads=ADS, logs=LOGS, today=DAY)
    assert data_files(again) == data_files(synthetic)
    other = tmp_path / "other-seed"
    write_site(other, ads=ADS, logs=LOGS, today=DAY, seed=14)
    assert data_files(other) != data_files(synthetic)


def test_it_writes_a_complete_site_root(synthetic: Path) -> None:
    for name in ("mkdocs.yml", "skills.yml", "docs/performance.md", "theme/main.html"):
        assert (synthetic / name).is_file(), name
    assert len(list((synthetic / "ads").glob("*.yml"))) == ADS
    assert len(list((synthetic / "partnerships").glob("*.yml"))) == LOGS


def test_every_file_is_valid(synthetic: Path) -> None:
    result = CliRunner().invoke(
        tandem, ["validate", "--root", str(synthetic), "--today", TODAY, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert '"severity": "error"' not in result.output


def test_every_status_format_and_phase_occurs(synthetic: Path) -> None:
    ads, logs = records(synthetic, "ads"), records(synthetic, "partnerships")
    assert {ad["status"] for ad in ads} == set(STATUSES)
    assert {f for ad in ads for f in ad.get("formats", ["tandem"])} == set(FORMATS)  # type: ignore[attr-defined]
    assert {log["format"] for log in logs} == set(FORMATS)
    assert {log["phase"] for log in logs} == set(PHASES)
    for log in logs:
        if log["phase"] == "closed":
            assert {"goals", "packages", "closing"} <= set(log)
    assert any("journal" in log for log in logs)


def test_the_vocabulary_is_varied(synthetic: Path) -> None:
    ads = records(synthetic, "ads")
    texts = [e["skill"] for ad in ads for key in ("offers", "seeks") for e in ad[key]]  # type: ignore[attr-defined]
    taxonomy = load_taxonomy(synthetic)
    resolved = taxonomy.resolver.resolve_all(texts)
    kinds = Counter(r.closeness for r in resolved.values())
    assert {"exact", "fuzzy", "unknown"} <= set(kinds), kinds  # typos and unlisted skills
    listed = {term for skill in taxonomy.skills for term in skill.terms}
    assert sum(text not in listed for text in texts) > len(texts) / 10  # written otherwise
    assert len({r.key for r in resolved.values()}) > 100
    languages = {code for ad in ads for code in ad["languages"]}  # type: ignore[attr-defined]
    assert {"de", "en"} < languages and len(languages) >= 6
    names = "".join(str(ad["name"]) for ad in ads)
    assert any(ord(char) > 127 for char in names)


def test_the_site_builds_strictly(synthetic: Path, tmp_path: Path) -> None:
    result = mkdocs_build(synthetic, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "ads" / "index.html").is_file()


@pytest.mark.parametrize("which", ["synthetic", "sample"])
def test_the_naive_loop_finds_the_matchers_suggestions(which: str, synthetic: Path) -> None:
    root = synthetic if which == "synthetic" else SAMPLE
    data = gather(root, DAY)
    indexed = suggest_partners(
        data.ads, data.partnerships, today=DAY, taxonomy=load_taxonomy(root), top=5
    )
    matcher = Matcher.for_ads(data.ads, data.partnerships, today=DAY, taxonomy=load_taxonomy(root))
    naive = naive_partners(matcher, top=5, capacity=3)
    assert any(indexed.values())
    assert {k: v for k, v in naive.items() if v} == {k: v for k, v in indexed.items() if v}


def test_a_folder_with_files_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(SynthError, match="not empty"):
        write_site(tmp_path, ads=10)
    assert synth_main([str(tmp_path), "--ads", "10"]) == 2
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_the_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    page = tmp_path / "performance.md"
    original = (REPO / "docs" / "performance.md").read_text("utf-8")
    page.write_text(original, "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--work", str(tmp_path / "work"),
         "--output", str(page)],
        cwd=REPO, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "| `tandem validate` |" in result.stdout
    written = page.read_text("utf-8")
    assert written.split(report.BEGIN)[0] == original.split(report.BEGIN)[0]
    assert written.split(report.END)[1] == original.split(report.END)[1]
    results = written.split(report.BEGIN)[1].split(report.END)[0]
    assert "40 ads, 8 logs" in results and "same suggestions" in results
    assert (tmp_path / "work" / "n40" / "site" / "ads" / "index.html").is_file()
