"""`check_owner` on real git repositories: a base commit, then the contributor's change."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from generator.ownership import check_owner

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
MAINTAINERS = "maintainers:\n  - boss\n"


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
    assert len(messages(repo, base, "mallory")) == 1


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
    [message] = messages(repo, base, "mallory")
    assert message.startswith("ads/jana-schulz.yml:1:1: error: only jschulz")


def test_other_files_are_not_checked(repo: Repo, base: str) -> None:
    repo.write("README.md", "changed\n")
    repo.write("ads/README.md", "About ads\n")
    repo.commit("docs")
    assert messages(repo, base, "mallory") == []


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
    [message] = messages(repo, base, "mallory")
    assert "no readable `owner:`" in message
