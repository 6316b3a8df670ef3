"""Same input, byte-identical site: whatever the file order, mtimes or hash seed."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

from conftest import SAMPLE, copy_site, mkdocs_build


def copy_shuffled(dest: Path, seed: int) -> Path:
    """The sample, its data files written in a shuffled order with scrambled mtimes."""
    root = copy_site(dest, data=False)
    rng = random.Random(seed)
    files = [p for folder in ("ads", "partnerships") for p in (SAMPLE / folder).iterdir()]
    rng.shuffle(files)
    for source in files:
        target = root / source.parent.name / source.name
        shutil.copyfile(source, target)
        stamp = rng.randint(1_000_000_000, 1_900_000_000)
        os.utime(target, (stamp, stamp))
    return root


def tree(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_two_builds_are_identical(tmp_path: Path) -> None:
    first = copy_shuffled(tmp_path / "a", seed=1)
    second = copy_shuffled(tmp_path / "b", seed=2)
    assert mkdocs_build(first, tmp_path / "out-a", PYTHONHASHSEED="1").returncode == 0
    assert mkdocs_build(second, tmp_path / "out-b", PYTHONHASHSEED="2").returncode == 0
    a, b = tree(tmp_path / "out-a"), tree(tmp_path / "out-b")
    assert sorted(a) == sorted(b)
    different = [name for name in a if a[name] != b[name]]
    assert different == []
