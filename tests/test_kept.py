"""Checks kept on disk between runs (`generator.data.kept`): the same output as without them,
whatever the pack holds, and never a pack that came with a pull request.

Every tree here is a copy in tmp_path (the suite runs with TANDEM_CACHE=off: conftest.py);
each test switches the pack on for its own tree only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE, TODAY, build_env, copy_site

from generator import pipeline
from generator.data import kept, load
from generator.data.kept import CACHE_DIR, PACK, PLACES, StoredChecks, decoded, encoded
from generator.data.load import read_capped
from generator.data.validate import check_bytes, check_tree
from generator.forks import can_fork
from generator.matching import pairings
from generator.matching.skills import kept_resolutions, load_taxonomy

EXAMPLES = Path(__file__).parent / "examples"
DAY = dt.date.fromisoformat(TODAY)
TANDEM = str(Path(sys.executable).parent / "tandem")


def with_invalid_examples(root: Path) -> Path:
    """`root` with every data file of tests/examples/invalid/ beside the sample's."""
    for case in sorted((EXAMPLES / "invalid").iterdir()):
        for source in sorted(case.glob("*/*")):
            shutil.copy2(source, root / source.parent.name / f"{case.name}-{source.name}")
    return root


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    return with_invalid_examples(copy_site(tmp_path / "tree"))


@pytest.fixture()
def cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TANDEM_CACHE")


def outcome(root: Path) -> tuple[Any, ...]:
    """Everything a check gives that a command can show."""
    checked = pipeline.check(root, DAY)
    return checked.problems, checked.tree.ads, checked.tree.partnerships, checked.tree.ad_ids


def outcome_without_pack(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    with monkeypatch.context() as patch:
        patch.setenv("TANDEM_CACHE", "off")
        return outcome(root)


def count_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files checked from now on (the trees here are small: one process checks them)."""
    checked: list[str] = []

    def counting(job: tuple[bytes, str, str]) -> Any:
        checked.append(job[1])
        return check_bytes(*job)

    monkeypatch.setattr(kept, "_check_job", counting)
    return checked


def pack_of(root: Path, name: str = PACK) -> Path:
    return root.joinpath(*CACHE_DIR, name)


def forged(root: Path, edit: Any, name: str = PACK) -> None:
    """Rewrite the pack's entries with `edit(entries)` and a digest that matches: a pack
    whose every byte was chosen by someone else."""
    body = pack_of(root, name).read_bytes().partition(b"\n")[2]
    packed(root, json.dumps(edit(json.loads(body))).encode(), name)


def packed(root: Path, body: bytes, name: str = PACK) -> None:
    """`body` as the pack, with the digest Tandem would write for it."""
    digest = hashlib.sha256(kept.code_version().encode() + b"\0" + body).hexdigest()
    header = {"tandem-cache": kept.PACK_FORMAT, "sha256": digest}
    pack_of(root, name).write_bytes(json.dumps(header).encode() + b"\n" + body)


# --- the same outcome, cold, warm, after edits --------------------------------------------


@pytest.mark.usefixtures("cache_on")
def test_cold_warm_and_edited_runs_give_what_a_run_without_the_pack_gives(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = outcome_without_pack(tree, monkeypatch)
    assert not pack_of(tree).exists()
    checked = count_checks(monkeypatch)
    assert outcome(tree) == reference  # cold: writes the pack
    files = len(checked)
    assert pack_of(tree).is_file() and files > 100
    checked.clear()
    assert outcome(tree) == reference  # warm: nothing loaded again
    assert checked == []
    ad = tree / "ads" / "jana-schulz.yml"
    ad.write_text(ad.read_text("utf-8").replace("status: open", "status: paused"), "utf-8")
    assert outcome(tree) == outcome_without_pack(tree, monkeypatch)
    assert checked == ["ads/jana-schulz.yml"]


@pytest.mark.usefixtures("cache_on")
def test_a_file_renamed_is_checked_again_under_its_new_name(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome(tree)
    checked = count_checks(monkeypatch)
    (tree / "ads" / "bad-enum-guru.yml").rename(tree / "ads" / "renamed.yml")
    assert outcome(tree) == outcome_without_pack(tree, monkeypatch)
    assert checked == ["ads/renamed.yml"]


def test_every_example_comes_back_from_its_entry_as_it_was_checked() -> None:
    files = [p for p in sorted(EXAMPLES.rglob("*.y*ml")) if p.is_file() and not p.is_symlink()]
    files += sorted(SAMPLE.glob("*/*.yml"))
    assert len(files) > 100
    for path in files:
        data = read_capped(path)
        schema = "partnership" if path.parent.name == "partnerships" else "ad"
        display = f"{path.parent.name}/{path.name}"
        checked = check_bytes(data, display, schema)
        entry = encoded(checked)
        assert entry is not None, path
        stored = json.loads(json.dumps(entry, default=kept._date_text))
        assert decoded(stored, data, display) == checked, path


def test_a_record_from_the_pack_places_messages_as_the_loaded_one_does() -> None:
    data = read_capped(SAMPLE / "ads" / "jana-schulz.yml")
    loaded = check_bytes(data, "ads/jana-schulz.yml", "ad")
    entry = json.loads(json.dumps(encoded(loaded), default=kept._date_text))
    again = decoded(entry, data, "ads/jana-schulz.yml")
    assert loaded.record is not None and again is not None and again.record is not None
    for path in [("offers", 0, "skill"), ("seeks", 1), ("commitment", "weeks"), ("nope",)]:
        assert again.record.position(path) == loaded.record.position(path)
        assert again.record.position(path, key=True) == loaded.record.position(path, key=True)


# --- what the pack holds cannot break a run -------------------------------------------------


HOSTILE_ENTRIES: list[Any] = [
    None,
    [],
    "ads/jana-schulz.yml",
    {"problems": []},
    {"problems": [["ads/other.yml", 1, 1, "moved", "error"]]},
    {"problems": [["ads/x.yml", 10**30, 1, "huge", "error"]]},
    {"problems": [["ads/x.yml", True, 1, "a flag", "error"]]},
    {"problems": [["ads/x.yml", 1, 1, "odd", "fatal"]]},
    {"problems": ["abcde"]},
    {"data": {}, "dates": [], "raw": [], "changes": [], "extra": 1},
    {"data": [], "dates": [], "raw": [], "changes": []},
    {"data": {"posted": "not a date"}, "dates": [["posted"]], "raw": [], "changes": []},
    {"data": {"a": [1]}, "dates": [["a", -1]], "raw": [], "changes": []},
    {"data": {"a": 1}, "dates": [["..", "..", "etc", "passwd"]], "raw": [], "changes": []},
    {"data": {"a": 1}, "dates": [], "raw": [[["a"], 5]], "changes": []},
    {"data": {"a": 1}, "dates": [], "raw": [], "changes": [[["b"], "x", False]]},
    {"data": {"a": 1}, "dates": [], "raw": [], "changes": [[[], "x", False]]},
    {"data": {"a": 1}, "dates": "all", "raw": [], "changes": []},
    {"data": {"a": 1}, "dates": [[{"k": 1}]], "raw": [], "changes": []},
]


@pytest.mark.parametrize("entry", HOSTILE_ENTRIES, ids=range(len(HOSTILE_ENTRIES)))
def test_an_entry_not_as_tandem_writes_it_is_a_miss(entry: Any) -> None:
    assert decoded(entry, b"name: x\n", "ads/x.yml") is None


@pytest.mark.usefixtures("cache_on")
@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{not json",
        b'{"tandem-cache": 1, "sha256": "00"}\n{}',
        b'{"tandem-cache": 1}\n' + b"[" * 100_000,
        b"\xff\xfe\x00garbage",
    ],
    ids=["empty", "bad JSON", "wrong digest", "deep", "not text"],
)
def test_a_damaged_pack_is_not_read(
    tree: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    reference = outcome(tree)
    pack_of(tree).write_bytes(damage)
    checked = count_checks(monkeypatch)
    assert outcome(tree) == reference
    assert len(checked) > 100
    checked.clear()
    assert outcome(tree) == reference  # and the damaged pack was replaced
    assert checked == []


@pytest.mark.usefixtures("cache_on")
def test_forged_entries_with_a_matching_digest_are_misses(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = outcome(tree)

    def spoil(entries: dict[str, Any]) -> dict[str, Any]:
        spoiled = {key: HOSTILE_ENTRIES[i % len(HOSTILE_ENTRIES)] for i, key in enumerate(entries)}
        spoiled["../../outside"] = {"problems": [["../../outside", 1, 1, "x", "error"]]}
        spoiled["9" * 5000] = 10**400
        return spoiled

    forged(tree, spoil)
    assert outcome(tree) == reference
    for body in [b"[" * 100_000, b'{"k": ' + b"9" * 5000 + b"}", b'{"k": 1e999}', b"NaN", b"[]"]:
        packed(tree, body)
        assert outcome(tree) == reference
    assert not (tree.parent / "outside").exists()


@pytest.mark.usefixtures("cache_on")
def test_kept_resolutions_not_as_written_are_resolved_again(tree: Path) -> None:
    reference = outcome(tree)
    hostile = {"SQL": ["sql", 900, "exact", 1, 2]}
    taxonomy = load_taxonomy(tree)
    kept_as = pipeline._kept_resolutions(StoredChecks(tree.joinpath(*CACHE_DIR)), tree, taxonomy)
    assert kept_resolutions([1, 2]) == {} and kept_resolutions({"SQL": hostile["SQL"]}) == {}
    StoredChecks(tree.joinpath(*CACHE_DIR)).write("skills.json", kept_as, {"SQL": "x", "R": []})
    assert outcome(tree) == reference


# --- where the pack may be, and when it is not used -----------------------------------------


def git(root: Path, *args: str) -> None:
    env = {**build_env(), "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        check=True,
        capture_output=True,
        env=env,
    )


def tandem(root: Path, *args: str, cache: bool = True) -> subprocess.CompletedProcess[str]:
    env = build_env() if not cache else {**build_env(), "TANDEM_CACHE": "on"}
    return subprocess.run(
        [TANDEM, *args], cwd=root, env=env, capture_output=True, text=True, check=False
    )


def test_a_committed_pack_is_never_read_and_validate_says_to_remove_it(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "repo")
    git(root, "init", "-q")
    assert tandem(root, "validate").returncode == 0  # writes a pack that is not committed
    assert pack_of(root).is_file()
    forged(
        root, lambda entries: {key: {"problems": [[".", 1, 1, "x", "error"]]} for key in entries}
    )
    # the pack as it is would now be read (its entries are misses: the output is the same)
    assert tandem(root, "validate").returncode == 0
    assert pack_of(root).read_bytes().count(b'"problems"') < 5  # rewritten
    # a pull request that commits a pack whose entries claim every ad is broken
    forged(
        root,
        lambda entries: {
            key: {"problems": [[f"ads/{name.name}", 1, 1, "forged", "error"]]}
            for key, name in zip(entries, sorted((root / "ads").iterdir()), strict=False)
        },
    )
    git(root, "add", "-f", ".cache")
    git(root, "commit", "-qm", "a pull request")
    result = tandem(root, "validate")
    assert result.returncode == 1
    assert "forged" not in result.stdout + result.stderr
    assert result.stdout.splitlines()[0] == (
        ".cache:1:1: error: 3 files under .cache/ are committed; Tandem's cache is kept on each "
        "machine, never in the repository: remove .cache/ from the pull request "
        "(git rm -r --cached .cache)"
    )
    match = tandem(root, "match", "--format", "json")
    assert match.returncode == 1 and match.stdout == "" and ".cache:1:1: error" in match.stderr
    git(root, "rm", "-rq", ".cache")
    assert tandem(root, "validate").returncode == 0


@pytest.mark.usefixtures("cache_on")
def test_a_pack_is_never_written_through_a_link_or_into_a_read_only_tree(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = outcome_without_pack(tree, monkeypatch)
    outside = tmp_path / "outside"
    outside.mkdir()
    (tree / ".cache").symlink_to(outside, target_is_directory=True)
    assert outcome(tree) == reference
    assert list(outside.iterdir()) == []
    (tree / ".cache").unlink()
    (tree / ".cache").write_text("a file, not a folder")
    assert outcome(tree) == reference
    (tree / ".cache").unlink()
    tree.chmod(0o555)
    try:
        assert outcome(tree) == reference
        assert not (tree / ".cache").exists() or os.geteuid() == 0
    finally:
        tree.chmod(0o755)


@pytest.mark.usefixtures("cache_on")
def test_the_pack_holds_the_files_of_the_last_run_only(tree: Path) -> None:
    outcome(tree)
    first = json.loads(pack_of(tree).read_bytes().partition(b"\n")[2])
    for path in sorted((tree / "ads").iterdir())[:10]:
        path.unlink()
    outcome(tree)
    second = json.loads(pack_of(tree).read_bytes().partition(b"\n")[2])
    assert len(second) == len(first) - 10 and set(second) < set(first)


def test_the_commands_print_the_same_with_and_without_the_pack(tmp_path: Path) -> None:
    valid = copy_site(tmp_path / "valid")
    broken = with_invalid_examples(copy_site(tmp_path / "broken"))
    runs = [
        (valid, ("validate",)),
        (valid, ("match", "--format", "json")),
        (valid, ("match",)),
        (valid, ("circles", "--format", "json")),
        (valid, ("pairings", "--format", "json")),
        (broken, ("validate", "--format", "json")),
        (broken, ("validate",)),
        (broken, ("match", "--format", "json")),
    ]
    for root, args in runs:
        without = tandem(root, *args, "--today", TODAY, cache=False)
        for _ in ("cold", "warm"):
            run = tandem(root, *args, "--today", TODAY)
            assert (run.returncode, run.stdout, run.stderr) == (
                without.returncode,
                without.stdout,
                without.stderr,
            ), args
        assert pack_of(root).is_file()


def test_kept_matchings_not_as_solved_give_the_plan_that_solving_gives(tmp_path: Path) -> None:
    """The pairing plan's matchings are kept beside the checks (`pipeline.plan_kept`); forged
    entries with a digest that matches are solved again, and the plan is the same."""
    root = copy_site(tmp_path / "valid")
    args = ("pairings", "--format", "json", "--today", TODAY)
    without = tandem(root, *args, cache=False)
    assert tandem(root, *args).stdout == without.stdout
    pack = root.joinpath(*CACHE_DIR, pipeline.MATCHINGS_PACK)
    entries = json.loads(pack.read_bytes().partition(b"\n")[2])
    assert entries and all(isinstance(entry, list) for entry in entries.values())
    for spoiled in ([], [[0, 0]], "x", [[1, 2, 3]]):
        body = json.dumps({key: spoiled for key in entries}).encode()
        version = pipeline.matchings_version()
        digest = hashlib.sha256(version.encode() + b"\0" + body).hexdigest()
        header = json.dumps({"tandem-cache": kept.PACK_FORMAT, "sha256": digest}).encode()
        pack.write_bytes(header + b"\n" + body)
        assert tandem(root, *args).stdout == without.stdout, spoiled
        assert json.loads(pack.read_bytes().partition(b"\n")[2]).keys() == entries.keys()


@pytest.mark.usefixtures("cache_on")
def test_the_build_takes_the_plans_matchings_from_the_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build keeps the plan's matchings as `tandem pairings` does, and the next build
    takes them from there (`pipeline.matched_for_site` with `root`): the same site."""
    root = copy_site(tmp_path / "valid")
    solved: list[tuple[int, ...]] = []
    exact = pairings._exact_matching

    def solving(ads: tuple[int, ...], edges: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
        solved.append(ads)
        return exact(ads, edges)

    monkeypatch.setattr(pairings, "_exact_matching", solving)
    first = pipeline.build(root, DAY)
    assert solved and pack_of(root, pipeline.MATCHINGS_PACK).is_file()
    solved.clear()
    assert pipeline.build(root, DAY) == first
    assert solved == []


@pytest.mark.usefixtures("cache_on")
def test_places_found_for_messages_are_kept_with_the_checks(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = outcome_without_pack(tree, monkeypatch)
    looked: list[object] = []
    place_in = load._place_in

    def looking(*args: Any, **kwargs: Any) -> Any:
        looked.append(args)
        return place_in(*args, **kwargs)

    monkeypatch.setattr(load, "_place_in", looking)
    assert outcome(tree) == reference
    assert looked  # the warnings about skills needed places
    looked.clear()
    assert outcome(tree) == reference
    assert looked == []


@pytest.mark.usefixtures("cache_on")
def test_places_are_kept_in_their_own_pack_and_found_later_ones_rewrite_it_alone(
    tmp_path: Path,
) -> None:
    root = copy_site(tmp_path / "valid")
    pipeline.check(root, DAY, warnings=False)  # as `tandem match`: no warning needs a place
    checks = os.stat(pack_of(root))
    held = json.loads(pack_of(root, PLACES).read_bytes().partition(b"\n")[2])
    assert pipeline.check(root, DAY).problems  # `tandem validate`: the warnings need places
    assert os.stat(pack_of(root)).st_ino == checks.st_ino  # the checks were not written again
    now = json.loads(pack_of(root, PLACES).read_bytes().partition(b"\n")[2])
    assert sum(map(len, now.values())) > sum(map(len, held.values()))


HOSTILE_PLACES: list[Any] = [
    "x",
    5,
    [["a"], True, 1, 1],
    [[["a"], "yes", 1, 1]],
    [[["a"], True, 0, 1]],
    [[["a"], True, 1, 10**30]],
    [[[{"k": 1}], True, 1, 1]],
    [[1, 2, 3]],
    [[["offers", 0, "skill"], False, 1]],
]


@pytest.mark.usefixtures("cache_on")
def test_places_not_as_tandem_writes_them_are_found_again(tree: Path) -> None:
    reference = outcome(tree)
    for hostile in HOSTILE_PLACES:
        forged(tree, lambda places, bad=hostile: dict.fromkeys(places, bad), PLACES)
        assert outcome(tree) == reference
    for body in [b"[]", b"[" * 100_000, b'{"k": 1e999}', b"NaN"]:
        packed(tree, body, PLACES)
        assert outcome(tree) == reference
    pack_of(tree, PLACES).write_bytes(b'{"tandem-cache": 2, "sha256": "00"}\n{}')
    assert outcome(tree) == reference


@pytest.mark.usefixtures("cache_on")
def test_a_pack_written_by_a_second_process_is_the_one_written_here(tree: Path) -> None:
    outcome(tree)  # a small tree: the pack is written in this process
    here = pack_of(tree).read_bytes()
    pack_of(tree).unlink()
    stored = StoredChecks.opened(tree, committed=[])
    assert stored is not None
    forks = can_fork()  # on a machine with one core, the same pack is written here
    check_tree(tree, DAY, check_files=partial(stored.checked, write_beside_from=0))
    assert stored.writing is not None and stored.writing.forked == forks
    stored.save()
    assert stored.writing is None
    assert pack_of(tree).read_bytes() == here
