"""Who may change what, on real git repositories with a base commit and a change.

Part one calls `check_owner` on scratch repositories, one rule at a time. Part two is a suite
of hostile pull requests run the way CI runs them: the owners job of
.github/workflows/pr.yml, read from that file, checks out the base and the pull request,
"installs" Tandem from the folder the job installs it from, and runs the job's own
`tandem check-owner` command line. A pull request that rewrites the checker is only
refused when that folder holds the base.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from generator.workflow.ownership import check_owner, place_of

ROOT = Path(__file__).resolve().parent.parent

JANA = """\
# yaml-language-server: $schema=../generator/schemas/ad.schema.json
name: Jana Schulz
owner: jschulz
location: Berlin
status: open
"""
PETER = JANA.replace("Jana Schulz", "Peter Meyer").replace("jschulz", "pmeyer")
LOG = """\
title: Python for data people
format: tandem
partners: [jana-schulz, peter-meyer]
phase: learning
"""
MAINTAINERS = "maintainers:\n  - boss\ncurators: [cora]\n"


class Repo:
    """A throwaway git repository with a committed base revision."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.git("init", "-q")
        self.git("config", "user.name", "Test")
        self.git("config", "user.email", "test@example.org")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str) -> str:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
        result = subprocess.run(
            ["git", *args],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path)


@pytest.fixture
def base(repo: Repo) -> str:
    repo.write("ads/jana-schulz.yml", JANA)
    repo.write("ads/peter-meyer.yml", PETER)
    repo.write("partnerships/python-tandem.yml", LOG)
    repo.write("maintainers.yml", MAINTAINERS)
    repo.write("README.md", "Tandem\n")
    return repo.commit("base")


def messages(repo: Repo, base: str, actor: str) -> list[str]:
    return [str(problem) for problem in check_owner(repo.root, base, actor)]


def test_owner_edits_own_ad(repo: Repo, base: str) -> None:
    repo.write("ads/jana-schulz.yml", JANA.replace("Berlin", "Hamburg"))
    repo.commit("move to Hamburg")
    assert messages(repo, base, "jschulz") == []


def test_login_compares_without_case_or_at(repo: Repo, base: str) -> None:
    repo.write("ads/jana-schulz.yml", JANA.replace("Berlin", "Hamburg"))
    repo.commit("move to Hamburg")
    assert messages(repo, base, "@JSchulz") == []


def test_foreign_edit_is_refused(repo: Repo, base: str) -> None:
    repo.write("ads/jana-schulz.yml", JANA.replace("Berlin", "Hamburg"))
    repo.commit("edit someone else's ad")
    assert messages(repo, base, "mallory") == [
        "ads/jana-schulz.yml:1:1: error: only jschulz (the ad's owner) or a maintainer "
        "may change this ad; you are mallory"
    ]


def test_owner_take_over_is_refused(repo: Repo, base: str) -> None:
    repo.write("ads/jana-schulz.yml", JANA.replace("owner: jschulz", "owner: mallory"))
    repo.commit("take over")
    [message] = messages(repo, base, "mallory")
    assert "only jschulz (the ad's owner) or a maintainer may change this ad" in message
    assert "editing `owner:` does not hand an ad over" in message


def test_owner_may_hand_over_own_ad(repo: Repo, base: str) -> None:
    repo.write("ads/jana-schulz.yml", JANA.replace("owner: jschulz", "owner: jana2"))
    repo.commit("new login")
    assert messages(repo, base, "jschulz") == []


def test_own_new_ad_is_accepted(repo: Repo, base: str) -> None:
    repo.write("ads/mallory-m.yml", JANA.replace("jschulz", "mallory"))
    repo.commit("my ad")
    assert messages(repo, base, "mallory") == []


def test_new_ad_for_someone_else_is_refused(repo: Repo, base: str) -> None:
    repo.write("ads/fake-ad.yml", JANA.replace("jschulz", "victim"))
    repo.commit("an ad in someone else's name")
    assert messages(repo, base, "mallory") == [
        "ads/fake-ad.yml:3:1: error: a new ad must name you as its owner: write "
        "`owner: mallory` (it says `owner: victim`); an ad for someone else is added by "
        "that person or a maintainer"
    ]


def test_new_ad_without_readable_owner_is_refused(repo: Repo, base: str) -> None:
    repo.write("ads/broken.yaml", "name: [unclosed\n")
    repo.commit("broken")
    [message] = messages(repo, base, "mallory")
    assert message.startswith("ads/broken.yaml:1:1: error: a new ad must name you as its owner")
    assert "no readable `owner:`" in message


def test_uncommitted_and_untracked_files_count(repo: Repo, base: str) -> None:
    repo.write("ads/jana-schulz.yml", JANA.replace("Berlin", "Hamburg"))
    repo.write("ads/fake-ad.yml", JANA.replace("jschulz", "victim"))
    problems = check_owner(repo.root, base, "mallory")
    assert [p.path for p in problems] == ["ads/fake-ad.yml", "ads/jana-schulz.yml"]


def test_partner_edits_log(repo: Repo, base: str) -> None:
    repo.write("partnerships/python-tandem.yml", LOG + "journal: []\n")
    repo.commit("journal")
    assert messages(repo, base, "pmeyer") == []


def test_outsider_edits_log_is_refused(repo: Repo, base: str) -> None:
    repo.write("partnerships/python-tandem.yml", LOG.replace("learning", "closed"))
    repo.commit("meddle")
    assert messages(repo, base, "mallory") == [
        "partnerships/python-tandem.yml:1:1: error: only the owner of one of its partner ads "
        "(jschulz for jana-schulz, pmeyer for peter-meyer) or a maintainer may change this "
        "partnership log; you are mallory"
    ]


def test_outsider_cannot_join_log_by_adding_own_ad(repo: Repo, base: str) -> None:
    repo.write("ads/mallory-m.yml", JANA.replace("jschulz", "mallory"))
    repo.write("partnerships/python-tandem.yml", LOG.replace("peter-meyer", "mallory-m"))
    repo.commit("join")
    [message] = messages(repo, base, "mallory")
    assert message.startswith("partnerships/python-tandem.yml:1:1: error: only the owner")


def test_new_log_by_partner_with_ad_added_in_same_change(repo: Repo, base: str) -> None:
    repo.write("ads/mallory-m.yml", JANA.replace("jschulz", "mallory"))
    repo.write("partnerships/new-one.yml", LOG.replace("peter-meyer", "mallory-m"))
    repo.commit("my ad and our log")
    assert messages(repo, base, "mallory") == []


def test_new_log_between_others_is_refused(repo: Repo, base: str) -> None:
    repo.write("partnerships/new-one.yml", LOG)
    repo.commit("a log for others")
    [message] = messages(repo, base, "mallory")
    assert message.startswith("partnerships/new-one.yml:3:1: error: only the owner")
    assert "may add this partnership log" in message


def test_new_log_uses_base_owner_not_edited_owner(repo: Repo, base: str) -> None:
    repo.write("ads/peter-meyer.yml", PETER.replace("pmeyer", "mallory"))
    repo.write("partnerships/new-one.yml", LOG)
    repo.commit("take over and log")
    assert len(messages(repo, base, "mallory")) == 2


def test_deleting_someone_elses_ad_is_refused(repo: Repo, base: str) -> None:
    (repo.root / "ads/jana-schulz.yml").unlink()
    repo.commit("delete")
    assert messages(repo, base, "mallory") == [
        "ads/jana-schulz.yml:1:1: error: only jschulz (the ad's owner) or a maintainer "
        "may delete this ad; you are mallory"
    ]


def test_owner_may_delete_own_ad(repo: Repo, base: str) -> None:
    (repo.root / "ads/jana-schulz.yml").unlink()
    repo.commit("delete")
    assert messages(repo, base, "jschulz") == []


def test_deleting_log_needs_a_partner(repo: Repo, base: str) -> None:
    (repo.root / "partnerships/python-tandem.yml").unlink()
    repo.commit("delete log")
    assert messages(repo, base, "jschulz") == []
    assert "may delete this partnership log" in messages(repo, base, "mallory")[0]


def test_maintainer_may_change_anything(repo: Repo, base: str) -> None:
    repo.write("ads/jana-schulz.yml", JANA.replace("jschulz", "someone"))
    repo.write("ads/new-ad.yml", PETER)
    repo.write("partnerships/python-tandem.yml", LOG.replace("learning", "closed"))
    (repo.root / "ads/peter-meyer.yml").unlink()
    repo.commit("curate")
    assert messages(repo, base, "Boss") == []


def test_maintainers_come_from_the_base(repo: Repo, base: str) -> None:
    repo.write("maintainers.yml", "maintainers: [boss, mallory]\n")
    repo.write("ads/jana-schulz.yml", JANA.replace("Berlin", "Hamburg"))
    repo.commit("promote myself")
    problems = check_owner(repo.root, base, "mallory")
    assert [p.path for p in problems] == ["ads/jana-schulz.yml", "maintainers.yml"]
    assert problems[1].message == (
        "only a maintainer may change this file: it says who may change what, and is read "
        "from the base of each pull request; you are mallory: ask a maintainer to add you in "
        "a pull request of its own"
    )


def test_unreadable_maintainers_file_is_a_warning(repo: Repo) -> None:
    repo.write("maintainers.yml", "maintainers: [unclosed\n")
    repo.write("ads/jana-schulz.yml", JANA)
    base = repo.commit("base")
    repo.write("ads/jana-schulz.yml", JANA.replace("Berlin", "Hamburg"))
    repo.commit("edit")
    problems = check_owner(repo.root, base, "jschulz")
    assert [(p.path, p.severity) for p in problems] == [("maintainers.yml", "warning")]


def test_rename_of_own_ad_is_accepted(repo: Repo, base: str) -> None:
    repo.git("mv", "ads/jana-schulz.yml", "ads/jana-schulz-berlin.yml")
    repo.commit("rename")
    assert messages(repo, base, "jschulz") == []


def test_rename_of_someone_elses_ad_is_refused(repo: Repo, base: str) -> None:
    repo.git("mv", "ads/jana-schulz.yml", "ads/jana.yml")
    repo.commit("rename")
    problems = check_owner(repo.root, base, "mallory")
    assert [p.path for p in problems] == ["ads/jana-schulz.yml", "ads/jana.yml"]
    assert "may rename this ad" in problems[0].message
    assert "a new ad must name you as its owner" in problems[1].message


def test_moving_an_ad_out_of_ads_counts_as_deleting(repo: Repo, base: str) -> None:
    repo.git("mv", "ads/jana-schulz.yml", "jana.yml")
    repo.commit("move away")
    removed, added = messages(repo, base, "mallory")
    assert removed.startswith("ads/jana-schulz.yml:1:1: error: only jschulz")
    assert added.startswith("jana.yml:1:1: error: only a maintainer may add this file")


def test_other_files_are_the_maintainers(repo: Repo, base: str) -> None:
    repo.write("README.md", "changed\n")
    repo.write("ads/README.md", "About ads\n")
    repo.commit("docs")
    assert messages(repo, base, "mallory") == [
        "README.md:1:1: error: only a maintainer may change this file: it is not an ad or a "
        "partnership log; you are mallory: leave it out of this pull request, or ask a "
        "maintainer (listed in maintainers.yml) to make the change",
        "ads/README.md:1:1: error: only a maintainer may add this file: only ads (`<id>.yml`) "
        "in ads/ are yours to change; you are mallory: leave it out of this pull request, or "
        "ask a maintainer (listed in maintainers.yml) to make the change",
    ]
    assert messages(repo, base, "boss") == []


def test_base_that_moved_on_is_measured_from_the_merge_base(repo: Repo, base: str) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("ads/mallory-m.yml", JANA.replace("jschulz", "mallory"))
    repo.commit("my ad")
    repo.git("checkout", "-q", "-")
    repo.write("ads/jana-schulz.yml", JANA.replace("Berlin", "Hamburg"))
    main = repo.commit("jana moves")
    repo.git("checkout", "-q", "feature")
    assert messages(repo, main, "mallory") == []


def test_project_in_a_subfolder(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.write("site/ads/jana-schulz.yml", JANA)
    repo.write("site/maintainers.yml", MAINTAINERS)
    base = repo.commit("base")
    repo.write("site/ads/jana-schulz.yml", JANA.replace("Berlin", "Hamburg"))
    repo.commit("edit")
    problems = check_owner(tmp_path / "site", base, "mallory")
    assert [p.path for p in problems] == ["ads/jana-schulz.yml"]
    assert check_owner(tmp_path / "site", base, "boss") == []


def test_unknown_base_is_a_problem_not_a_traceback(repo: Repo, base: str) -> None:
    [problem] = check_owner(repo.root, "0" * 40, "jschulz")
    assert "cannot find revision" in problem.message
    assert "fetch-depth: 0" in problem.message


def test_option_like_base_is_refused(repo: Repo, base: str) -> None:
    [problem] = check_owner(repo.root, "--output=/tmp/x", "jschulz")
    assert "not a revision" in problem.message


def test_missing_actor_is_a_problem(repo: Repo, base: str) -> None:
    [problem] = check_owner(repo.root, base, " ")
    assert "no actor given" in problem.message


def test_partner_ids_that_are_not_ids_are_ignored(repo: Repo, base: str) -> None:
    repo.write("partnerships/evil.yml", "owner: mallory\n")
    repo.write("partnerships/new-one.yml", "partners: [jana-schulz, ../partnerships/evil]\n")
    repo.commit("log with a path as partner")
    problems = check_owner(repo.root, base, "mallory")
    assert [p.path for p in problems] == ["partnerships/evil.yml", "partnerships/new-one.yml"]


def test_symlinked_new_ad_is_not_followed(repo: Repo, base: str) -> None:
    outside = repo.root.parent / f"{repo.root.name}-outside.yml"
    outside.write_text("owner: mallory\n", encoding="utf-8")
    (repo.root / "ads/linked.yml").symlink_to(outside)
    repo.commit("a link")
    assert messages(repo, base, "mallory") == [
        "ads/linked.yml:1:1: error: only a maintainer may add this file: a symbolic link or "
        "submodule is not read as data; you are mallory: commit the file itself"
    ]


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("ads/jana-schulz.yml", "ad"),
        ("ads/jana-schulz.yaml", "ad"),
        ("partnerships/python-tandem.yml", "log"),
        ("skills.yml", "taxonomy"),
        ("places.yml", "taxonomy"),
        ("ads/ana-fake.YML", "maintained"),
        ("ads/ana-fake.Yaml", "maintained"),
        ("ads/Ana.yml", "maintained"),
        ("ads/index.yml", "maintained"),
        ("partnerships/index.yml", "maintained"),
        ("ads/team/ana.yml", "maintained"),
        ("ads/README.md", "maintained"),
        ("ads/.gitkeep", "maintained"),
        ("ads", "maintained"),
        ("maintainers.yml", "maintained"),
        (".github/workflows/pr.yml", "maintained"),
        ("generator/workflow/ownership.py", "maintained"),
        ("mkdocs.yml", "maintained"),
        ("pyproject.toml", "maintained"),
        ("constraints.txt", "maintained"),
        ("docs/skills.yml", "maintained"),
        ("../.github/workflows/pr.yml", "maintained"),
    ],
)
def test_where_each_file_stands(path: str, rule: str) -> None:
    assert place_of(path).rule == rule


def test_a_link_is_never_data(repo: Repo) -> None:
    assert place_of("ads/jana-schulz.yml", regular=False).rule == "maintained"
    assert place_of("skills.yml", regular=False).rule == "maintained"


def test_owner_may_not_swap_own_ad_for_a_link(repo: Repo, base: str) -> None:
    (repo.root / "ads/jana-schulz.yml").unlink()
    (repo.root / "ads/jana-schulz.yml").symlink_to("/etc/hostname")
    repo.commit("link")
    [message] = messages(repo, base, "jschulz")
    assert message.startswith("ads/jana-schulz.yml:1:1: error: only a maintainer may replace")
    assert "symbolic link" in message


def test_an_id_taken_under_the_other_suffix(repo: Repo, base: str) -> None:
    repo.write("ads/jana-schulz.yaml", JANA.replace("jschulz", "mallory"))
    repo.commit("same id")
    assert messages(repo, base, "mallory") == [
        "ads/jana-schulz.yaml:1:1: error: the id 'jana-schulz' belongs to jschulz's ad "
        "(ads/jana-schulz.yml); only its owner or a maintainer may add a file with it; "
        "you are mallory: choose another file name"
    ]


def test_owner_may_change_the_suffix_of_own_ad(repo: Repo, base: str) -> None:
    repo.git("mv", "ads/jana-schulz.yml", "ads/jana-schulz.yaml")
    repo.commit("yaml")
    assert messages(repo, base, "jschulz") == []


def test_curators_change_the_taxonomies(repo: Repo, base: str) -> None:
    repo.write("skills.yml", "skills: []\n")
    repo.write("places.yml", "places: []\n")
    repo.commit("taxonomy")
    assert messages(repo, base, "Cora") == []
    assert [p.path for p in check_owner(repo.root, base, "mallory")] == [
        "places.yml",
        "skills.yml",
    ]


def test_an_unreadable_curators_list_is_a_warning(repo: Repo) -> None:
    repo.write("maintainers.yml", "maintainers: [boss]\ncurators: cora\n")
    base = repo.commit("base")
    repo.write("skills.yml", "skills: []\n")
    repo.commit("taxonomy")
    problems = check_owner(repo.root, base, "cora")
    assert [(p.path, p.severity) for p in problems] == [
        ("maintainers.yml", "warning"),
        ("skills.yml", "error"),
    ]


def test_without_maintainers_file_nobody_is_a_maintainer(repo: Repo) -> None:
    repo.write("ads/jana-schulz.yml", JANA)
    base = repo.commit("base")
    repo.write("mkdocs.yml", "site_name: x\n")
    repo.commit("config")
    problems = check_owner(repo.root, base, "boss")
    assert [(p.path, p.severity) for p in problems] == [
        ("maintainers.yml", "warning"),
        ("mkdocs.yml", "error"),
    ]
    assert "there is no maintainers.yml" in problems[0].message


def test_untracked_files_anywhere_count(repo: Repo, base: str) -> None:
    repo.write("generator/evil.py", "print('hi')\n")
    [problem] = check_owner(repo.root, base, "mallory")
    assert problem.path == "generator/evil.py"
    assert "may add this file" in problem.message


def test_changes_outside_a_project_subfolder_count(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.write("site/ads/jana-schulz.yml", JANA)
    repo.write("site/maintainers.yml", MAINTAINERS)
    repo.write(".github/workflows/pr.yml", "on: pull_request\n")
    base = repo.commit("base")
    repo.write(".github/workflows/pr.yml", "on: push\n")
    repo.commit("edit the workflow")
    [problem] = check_owner(tmp_path / "site", base, "mallory")
    assert problem.path == "../.github/workflows/pr.yml"
    assert "it lies outside the Tandem project" in problem.message


def test_odd_file_names_stay_on_one_line(repo: Repo, base: str) -> None:
    repo.write("ads/x\nads/jana-schulz.yml:1:1: ok.yml", "owner: mallory\n")
    repo.commit("a name with a newline")
    [line] = messages(repo, base, "mallory")
    assert line.startswith("ads/x\\nads/jana-schulz.yml:1:1: ok.yml:1:1: error: only a maint")
    assert "\n" not in line


def test_a_shallow_checkout_is_refused_with_a_hint(repo: Repo, base: str, tmp_path: Path) -> None:
    repo.write("ads/jana-schulz.yml", JANA.replace("Berlin", "Hamburg"))
    repo.commit("edit")
    shallow = tmp_path / "shallow"
    repo.git("clone", "-q", "--depth", "1", repo.root.as_uri(), str(shallow))
    [problem] = check_owner(shallow, base, "jschulz")
    assert "cannot find revision" in problem.message and "fetch-depth: 0" in problem.message


def test_a_root_outside_any_repository_is_a_problem(tmp_path: Path) -> None:
    [problem] = check_owner(tmp_path, "HEAD", "jschulz")
    assert "is not inside a git repository" in problem.message
    [problem] = check_owner(tmp_path / "missing", "HEAD", "jschulz")
    assert "is not a folder" in problem.message


def test_many_changed_ads_each_get_their_owner(repo: Repo) -> None:
    for i in range(200):
        repo.write(f"ads/ad-{i}.yml", JANA.replace("jschulz", f"owner{i}"))
    repo.write("maintainers.yml", MAINTAINERS)
    base = repo.commit("base")
    for i in range(200):
        repo.write(f"ads/ad-{i}.yml", JANA.replace("jschulz", f"owner{i}") + "team: x\n")
    repo.commit("edit them all")
    problems = check_owner(repo.root, base, "mallory")
    assert len(problems) == 200
    assert all(f"only owner{p.path[7:-4]} (the ad's owner)" in p.message for p in problems)


def test_a_folder_where_an_ad_would_be_is_skipped_when_reading(repo: Repo) -> None:
    repo.write("ads/jana.yml/notes.txt", "a folder named like an ad\n")
    repo.write("ads/peter-meyer.yml", PETER)
    repo.write("maintainers.yml", MAINTAINERS)
    base = repo.commit("base")
    repo.write("ads/jana.yaml", JANA.replace("jschulz", "mallory"))
    repo.write("ads/peter-meyer.yml", PETER.replace("Berlin", "Bonn"))
    repo.commit("change")
    problems = check_owner(repo.root, base, "mallory")
    assert [p.path for p in problems] == ["ads/peter-meyer.yml"]
    assert "only pmeyer (the ad's owner)" in problems[0].message


# --- hostile pull requests, run as the owners job of pr.yml runs them ----------------------

PR_WORKFLOW = ROOT / ".github" / "workflows" / "pr.yml"
EXPRESSION = re.compile(r"^\$\{\{\s*(.+?)\s*\}\}$")
TANDEM_SHIM = """\
#!/bin/sh
exec "{python}" -c 'from generator.cli import main; main(prog_name="tandem")' "$@"
"""
BASE_FILES = {
    "maintainers.yml": MAINTAINERS,
    "ads/jana-schulz.yml": JANA,
    "ads/peter-meyer.yml": PETER,
    "partnerships/python-tandem.yml": LOG,
    "skills.yml": "skills:\n  - name: Python\n",
    "mkdocs.yml": "site_name: Tandem\n",
    ".github/workflows/pr.yml": "name: Pull request\n",
    ".gitlab-ci.yml": "stages: [check]\n",
    ".gitignore": "__pycache__/\n",
    "README.md": "Tandem\n",
    "docs/index.md": "# Tandem\n",
    "tests/test_site.py": "def test_site() -> None:\n    assert True\n",
}
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def expression(value: str) -> str:
    """`${{ github.event.x }}` -> `github.event.x`."""
    match = EXPRESSION.fullmatch(value)
    assert match, f"not a plain expression: {value}"
    return match[1]


@dataclass(frozen=True)
class Checkout:
    folder: str
    at_base: bool
    full_history: bool


@dataclass(frozen=True)
class OwnersJob:
    """What the owners job of pr.yml does, read from the workflow itself."""

    checkouts: tuple[Checkout, ...]
    installed_from: str
    workdir: str
    command: str
    env: dict[str, str]


def owners_job() -> OwnersJob:
    job = yaml.safe_load(PR_WORKFLOW.read_text(encoding="utf-8"))["jobs"]["owners"]
    checkouts: list[Checkout] = []
    install: dict[str, str] = {}
    check: dict[str, str] = {}
    for step in job["steps"]:
        with_ = step.get("with") or {}
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            at_base = "pull_request.base.sha" in str(with_.get("ref", ""))
            full = with_.get("fetch-depth") == 0
            checkouts.append(Checkout(str(with_.get("path", ".")), at_base, full))
        elif "pip install" in str(step.get("run", "")):
            install = step
        elif "check-owner" in str(step.get("run", "")):
            check = step
    package = install["run"].split()[-1].strip("'\"").split("[")[0]
    installed_from = os.path.normpath(Path(install.get("working-directory", ".")) / package)
    env = {name: str(value) for name, value in (check.get("env") or {}).items()}
    workdir = check.get("working-directory", ".")
    return OwnersJob(tuple(checkouts), installed_from, workdir, check["run"], env)


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str

    @property
    def errors(self) -> list[str]:
        return [line for line in self.stdout.splitlines() if ": error: " in line]

    def paths(self) -> list[str]:
        return [line.split(":1:1: error: ")[0] for line in self.errors]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base every hostile pull request starts from: Tandem's code under test and data."""
    root = tmp_path_factory.mktemp("template")
    git(root, "init", "-q", "-b", "main")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "generator", root / "generator", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", root)
    for path, text in BASE_FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root


class PullRequest:
    """The contributor's branch `pr` on top of `main`, in a scratch origin repository."""

    def __init__(self, template: Path, tmp_path: Path, base_files: dict[str, str]) -> None:
        self.tmp_path = tmp_path
        self.origin = tmp_path / "origin"
        git(tmp_path, "clone", "-q", str(template), str(self.origin))
        if base_files:  # a base that a maintainer changed before the pull request was opened
            for path, text in base_files.items():
                self.write(path, text)
            self.commit("maintainer's change")
        self.base = git(self.origin, "rev-parse", "HEAD")
        git(self.origin, "switch", "-q", "-c", "pr")
        self.runs = 0

    def write(self, path: str, text: str) -> None:
        target = self.origin / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def edit(self, path: str, old: str, new: str) -> None:
        text = (self.origin / path).read_text(encoding="utf-8")
        assert old in text
        self.write(path, text.replace(old, new))

    def delete(self, path: str) -> None:
        git(self.origin, "rm", "-q", path)

    def link(self, path: str, target: str) -> None:
        (self.origin / path).unlink(missing_ok=True)
        (self.origin / path).symlink_to(target)

    def commit(self, message: str = "change") -> None:
        git(self.origin, "add", "-A")
        git(self.origin, "commit", "-q", "--allow-empty", "-m", message)

    def merge_ref(self) -> str:
        """refs/pull/N/merge: the pull request merged into the base, as GitHub tests it."""
        self.commit()
        tree = git(self.origin, "rev-parse", "pr^{tree}")
        merge = git(self.origin, "commit-tree", tree, "-p", self.base, "-p", "pr", "-m", "merge")
        git(self.origin, "branch", "-f", "pull-merge", merge)
        return merge

    def check(self, actor: str) -> Outcome:
        """The owners job of pr.yml, run for `actor` as the pull request's author."""
        job = owners_job()
        self.merge_ref()
        self.runs += 1
        workspace = self.tmp_path / f"run{self.runs}" / "workspace"
        workspace.parent.mkdir()
        for checkout in sorted(job.checkouts, key=lambda c: c.folder != "."):
            self._check_out(checkout, workspace / checkout.folder)
        values = {
            "github.event.pull_request.base.sha": self.base,
            "github.event.pull_request.user.login": actor,
        }
        step_env = {name: values[expression(value)] for name, value in job.env.items()}
        code = workspace / job.installed_from
        return self._run(job.command, workspace, job.workdir, code, step_env)

    def _check_out(self, checkout: Checkout, dest: Path) -> None:
        depth = [] if checkout.full_history else ["--depth", "1"]
        branch = "main" if checkout.at_base else "pull-merge"
        # A shallow clone needs git's transport; a full one may hard-link the objects.
        source = str(self.origin) if checkout.full_history else self.origin.as_uri()
        git(self.tmp_path, "clone", "-q", *depth, "--branch", branch, source, str(dest))
        if checkout.at_base:
            git(dest, "checkout", "-q", "--detach", self.base)

    def _run(
        self, command: str, workspace: Path, workdir: str, code: Path, step_env: dict[str, str]
    ) -> Outcome:
        bin_dir = workspace.parent / "bin"
        bin_dir.mkdir()
        shim = bin_dir / "tandem"
        shim.write_text(TANDEM_SHIM.format(python=sys.executable), encoding="utf-8")
        shim.chmod(0o755)
        env = {
            **os.environ,
            **GIT_ENV,
            **step_env,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "PYTHONPATH": str(code),  # what `pip install -e` in that folder would import
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        done = subprocess.run(
            ["bash", "-e", "-c", command],
            cwd=workspace / workdir,
            env=env,
            capture_output=True,
            text=True,
        )
        assert "Traceback" not in done.stderr, done.stderr
        return Outcome(done.returncode, done.stdout)

    def run_own_code(self, actor: str) -> Outcome:
        """What the old workflow did: the pull request's own checker on its own checkout."""
        self.merge_ref()
        self.runs += 1
        workspace = self.tmp_path / f"run{self.runs}" / "workspace"
        workspace.parent.mkdir()
        self._check_out(Checkout(".", False, True), workspace)
        command = 'tandem check-owner --base "$BASE_SHA" --actor "$AUTHOR"'
        step_env = {"BASE_SHA": self.base, "AUTHOR": actor}
        return self._run(command, workspace, ".", workspace, step_env)


@pytest.fixture
def make_pr(template: Path, tmp_path: Path) -> Callable[..., PullRequest]:
    def make(base_files: dict[str, str] | None = None) -> PullRequest:
        return PullRequest(template, tmp_path, base_files or {})

    return make


@pytest.fixture
def pr(make_pr: Callable[..., PullRequest]) -> PullRequest:
    return make_pr()


ANA = JANA.replace("Jana Schulz", "Ana Fake").replace("jschulz", "ana")
ASK = (
    "leave it out of this pull request, or ask a maintainer (listed in maintainers.yml) "
    "to make the change"
)


def refused(outcome: Outcome, *paths: str) -> list[str]:
    """The errors, after checking that exactly `paths` were refused and the job failed."""
    assert outcome.returncode == 1, outcome.stdout
    assert outcome.paths() == sorted(paths), outcome.stdout
    return outcome.errors


def accepted(outcome: Outcome, actor: str) -> None:
    assert outcome.returncode == 0, outcome.stdout
    assert outcome.stdout.splitlines()[-1] == f"ok: every change is {actor}'s to make"


# Tricks: each must be refused.


def test_upper_case_suffix_ad_in_someone_elses_name(pr: PullRequest) -> None:
    pr.write("ads/ana-fake.YML", JANA.replace("jschulz", "victim"))
    assert refused(pr.check("mallory"), "ads/ana-fake.YML") == [
        "ads/ana-fake.YML:1:1: error: only a maintainer may add this file: 'ana-fake.YML' is "
        "not read: the suffix must be written '.yml' (rename it to 'ana-fake.yml'); you are mallory"
    ]


@pytest.mark.parametrize("actor", ["mallory", "ana"])
def test_editing_an_existing_upper_case_suffix_ad(
    make_pr: Callable[..., PullRequest], actor: str
) -> None:
    pr = make_pr({"ads/ana.YML": ANA})
    pr.edit("ads/ana.YML", "Berlin", "Hamburg")
    [error] = refused(pr.check(actor), "ads/ana.YML")
    assert "only a maintainer may change this file: 'ana.YML' is not read" in error


def test_deleting_an_existing_upper_case_suffix_ad(make_pr: Callable[..., PullRequest]) -> None:
    pr = make_pr({"ads/ana.YML": ANA})
    pr.delete("ads/ana.YML")
    [error] = refused(pr.check("ana"), "ads/ana.YML")
    assert "only a maintainer may delete this file" in error


def test_renaming_an_existing_upper_case_suffix_ad(make_pr: Callable[..., PullRequest]) -> None:
    pr = make_pr({"ads/ana.YML": ANA})
    git(pr.origin, "mv", "ads/ana.YML", "ads/ana.yml")
    [error] = refused(pr.check("ana"), "ads/ana.YML")
    assert "only a maintainer may rename this file" in error


@pytest.mark.parametrize(
    "path",
    [
        "maintainers.yml",
        ".github/workflows/pr.yml",
        "generator/cli.py",
        "mkdocs.yml",
        "pyproject.toml",
        ".gitlab-ci.yml",
        ".gitignore",
        "README.md",
        "docs/index.md",
        "tests/test_site.py",
    ],
)
def test_a_non_maintainer_changes_the_machinery(pr: PullRequest, path: str) -> None:
    pr.write(path, (pr.origin / path).read_text(encoding="utf-8") + "# mine now\n")
    [error] = refused(pr.check("mallory"), path)
    assert error.startswith(f"{path}:1:1: error: only a maintainer may change this file: ")


@pytest.mark.parametrize(
    "path",
    [
        ".github/workflows/evil.yml",
        "generator/evil.py",
        "ads/README.md",
        "partnerships/notes.txt",
        "constraints.txt",
    ],
)
def test_a_non_maintainer_adds_a_file_beside_the_data(pr: PullRequest, path: str) -> None:
    pr.write(path, "on: push\n")
    [error] = refused(pr.check("mallory"), path)
    assert "may add this file: " in error and error.endswith(ASK)


@pytest.mark.parametrize("actor", ["mallory", "jschulz"])
def test_skills_yml_by_someone_who_is_not_a_curator(pr: PullRequest, actor: str) -> None:
    pr.edit("skills.yml", "Python", "Python, obviously")
    assert refused(pr.check(actor), "skills.yml") == [
        "skills.yml:1:1: error: only a curator or a maintainer (both listed in maintainers.yml) "
        f"may change skills.yml; you are {actor}: ask a curator to make the change, or to take "
        "over this pull request"
    ]


def test_making_oneself_a_maintainer_and_editing_an_ad(pr: PullRequest) -> None:
    pr.edit("maintainers.yml", "- boss", "- boss\n  - mallory")
    pr.edit("ads/jana-schulz.yml", "Berlin", "Hamburg")
    refused(pr.check("mallory"), "ads/jana-schulz.yml", "maintainers.yml")


def test_making_oneself_a_curator_and_editing_skills(pr: PullRequest) -> None:
    pr.edit("maintainers.yml", "curators: [cora]", "curators: [cora, mallory]")
    pr.edit("skills.yml", "Python", "Python, obviously")
    refused(pr.check("mallory"), "maintainers.yml", "skills.yml")


def test_a_checker_rewritten_by_the_pull_request_does_not_run(pr: PullRequest) -> None:
    pr.write(
        "generator/workflow/ownership.py",
        (pr.origin / "generator/workflow/ownership.py").read_text(encoding="utf-8")
        + "\n\ndef check_owner(root: Path, base: str, actor: str) -> list[Problem]:\n"
        "    return []\n",
    )
    pr.edit("ads/jana-schulz.yml", "Berlin", "Hamburg")
    # The trick is real: the pull request's own checker lets everything through.
    accepted(pr.run_own_code("mallory"), "mallory")
    # The owners job runs the base's checker, which refuses both changes.
    refused(pr.check("mallory"), "ads/jana-schulz.yml", "generator/workflow/ownership.py")


def test_a_symbolic_link_as_an_ad(pr: PullRequest) -> None:
    pr.write("outside.yml", JANA.replace("jschulz", "mallory"))
    pr.commit()
    git(pr.origin, "rm", "-q", "outside.yml")
    pr.link("ads/mallory.yml", "/etc/hostname")
    [error] = refused(pr.check("mallory"), "ads/mallory.yml")
    assert "a symbolic link or submodule is not read as data" in error


def test_an_ad_in_a_subfolder(pr: PullRequest) -> None:
    pr.write("ads/team/mallory.yml", JANA.replace("jschulz", "mallory"))
    [error] = refused(pr.check("mallory"), "ads/team/mallory.yml")
    assert "folders inside ads/ are not read; you are mallory: move the file up into ads/" in error


@pytest.mark.parametrize("path", ["ads/Mallory.yml", "ads/index.yml", "partnerships/index.yml"])
def test_a_name_that_is_not_a_valid_id(pr: PullRequest, path: str) -> None:
    pr.write(path, JANA.replace("jschulz", "mallory").replace("partners", "x"))
    [error] = refused(pr.check("mallory"), path)
    assert "only a maintainer may add this file" in error


def test_owner_take_over(pr: PullRequest) -> None:
    pr.edit("ads/jana-schulz.yml", "owner: jschulz", "owner: mallory")
    assert refused(pr.check("mallory"), "ads/jana-schulz.yml") == [
        "ads/jana-schulz.yml:1:1: error: only jschulz (the ad's owner) or a maintainer may "
        "change this ad; you are mallory; editing `owner:` does not hand an ad over: ask "
        "jschulz or a maintainer"
    ]


def test_an_ad_under_someone_elses_id_with_the_other_suffix(pr: PullRequest) -> None:
    pr.write("ads/jana-schulz.yaml", JANA.replace("jschulz", "mallory"))
    [error] = refused(pr.check("mallory"), "ads/jana-schulz.yaml")
    assert "the id 'jana-schulz' belongs to jschulz's ad" in error


def test_an_outsider_edits_a_partnership_log(pr: PullRequest) -> None:
    pr.edit("partnerships/python-tandem.yml", "learning", "closed")
    refused(pr.check("mallory"), "partnerships/python-tandem.yml")


# Honest changes: each must pass.


def test_the_owner_edits_their_ad(pr: PullRequest) -> None:
    pr.edit("ads/jana-schulz.yml", "Berlin", "Hamburg")
    accepted(pr.check("jschulz"), "jschulz")


def test_a_new_ad_of_ones_own(pr: PullRequest) -> None:
    pr.write("ads/mallory-m.yml", JANA.replace("jschulz", "mallory"))
    accepted(pr.check("mallory"), "mallory")


def test_a_partner_edits_the_log(pr: PullRequest) -> None:
    pr.edit("partnerships/python-tandem.yml", "learning", "closing")
    accepted(pr.check("pmeyer"), "pmeyer")


def test_a_curator_edits_skills_yml(pr: PullRequest) -> None:
    pr.edit("skills.yml", "Python", "Python\n    aliases: [python3]")
    pr.write("places.yml", "places: []\n")
    accepted(pr.check("cora"), "cora")


def test_a_maintainer_changes_anything(make_pr: Callable[..., PullRequest]) -> None:
    pr = make_pr({"ads/ana.YML": ANA})
    pr.edit("ads/jana-schulz.yml", "owner: jschulz", "owner: jana2")
    pr.delete("ads/ana.YML")
    pr.write("ads/README.md", "About ads\n")
    pr.edit("maintainers.yml", "- boss", "- boss\n  - kmeyer")
    pr.edit(
        "generator/cli.py",
        '"""',
        '"""\n',
    )
    pr.write(".github/workflows/pr.yml", "name: changed\n")
    pr.edit("skills.yml", "Python", "Python 3")
    accepted(pr.check("boss"), "boss")
