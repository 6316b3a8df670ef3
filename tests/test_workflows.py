"""Offline lint of the CI files: GitHub workflows, GitLab CI, pre-commit hooks, CODEOWNERS.

The rules make the pull-request pipeline safe by construction (see docs/maintainers.md).
Each rule is a small function over the parsed workflow; `test_rule_catches` proves each
one fires on a bad example, so a rule that silently stopped working would be noticed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
GITLAB_CI = ROOT / ".gitlab-ci.yml"

_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
_WRITE_SCOPES_ALLOWED = {"pages", "id-token", "contents", "pull-requests"}
_ANY_EXPRESSION = re.compile(r"\$\{\{")

Workflow = dict[str, Any]
Rule = Callable[[Workflow, str], Iterator[str]]


# --- reading -------------------------------------------------------------------------------


def load(text: str) -> Workflow:
    data = yaml.safe_load(text)
    assert isinstance(data, dict), "a workflow is a mapping"
    return data


def triggers(workflow: Workflow) -> dict[str, Any]:
    """The `on:` block; PyYAML reads the bare key `on` as the boolean True."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return dict(on or {})


def jobs(workflow: Workflow) -> dict[str, dict[str, Any]]:
    return dict(workflow.get("jobs") or {})


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps") or [])


def action(step: dict[str, Any]) -> str:
    return str(step.get("uses", "")).split("@")[0]


def writes(permissions: Any) -> set[str]:
    if permissions == "write-all":
        return {"write-all"}
    if not isinstance(permissions, dict):
        return set()
    return {scope for scope, level in permissions.items() if level == "write"}


def deploys(job: dict[str, Any]) -> bool:
    return any(action(step) == "actions/deploy-pages" for step in steps(job))


# --- rules ---------------------------------------------------------------------------------


def no_pull_request_target(workflow: Workflow, text: str) -> Iterator[str]:
    outside_comments = re.search(r"^[^#\n]*pull_request_target", text, re.MULTILINE)
    if "pull_request_target" in triggers(workflow) or outside_comments:
        yield "uses pull_request_target"


def top_level_permissions_read_only(workflow: Workflow, text: str) -> Iterator[str]:
    permissions = workflow.get("permissions")
    if permissions is None:
        yield "no top-level permissions"
    elif not isinstance(permissions, dict):
        yield f"top-level permissions is {permissions!r}, not a mapping"
    elif writes(permissions):
        yield f"top-level permissions write {sorted(writes(permissions))}"


def every_job_sets_minimal_permissions(workflow: Workflow, text: str) -> Iterator[str]:
    for name, job in jobs(workflow).items():
        if "permissions" not in job:
            yield f"job {name} sets no permissions"
        elif extra := writes(job["permissions"]) - _WRITE_SCOPES_ALLOWED:
            yield f"job {name} writes {sorted(extra)}"


def pages_write_only_in_deploy_job(workflow: Workflow, text: str) -> Iterator[str]:
    for name, job in jobs(workflow).items():
        pages = writes(job.get("permissions")) & {"pages", "id-token"}
        if pages and not deploys(job):
            yield f"job {name} writes {sorted(pages)} but does not deploy"


def pull_requests_never_write(workflow: Workflow, text: str) -> Iterator[str]:
    if "pull_request" not in triggers(workflow):
        return
    for name, job in jobs(workflow).items():
        if writes(job.get("permissions")):
            yield f"job {name} writes on a pull request"
    if "secrets." in text:
        yield "a pull-request workflow reads secrets"


def actions_pinned_to_sha(workflow: Workflow, text: str) -> Iterator[str]:
    for line in text.splitlines():
        match = re.match(r"^\s*(?:-\s+)?uses:\s*(.+?)\s*$", line)
        if match and not match[1].startswith("./") and not _PINNED.match(match[1]):
            yield f"not pinned to a 40-hex SHA with a '# vX.Y.Z' comment: {match[1]}"


def checkout_drops_credentials(workflow: Workflow, text: str) -> Iterator[str]:
    for name, job in jobs(workflow).items():
        for step in steps(job):
            with_ = step.get("with") or {}
            if action(step) == "actions/checkout" and with_.get("persist-credentials") is not False:
                yield f"job {name}: actions/checkout without persist-credentials: false"


def no_expressions_in_run(workflow: Workflow, text: str) -> Iterator[str]:
    for name, job in jobs(workflow).items():
        for step in steps(job):
            if _ANY_EXPRESSION.search(str(step.get("run", ""))):
                yield f"job {name}: ${{{{ }}}} inside run: {step.get('name', step['run'])!r}"


def deploy_only_from_main(workflow: Workflow, text: str) -> Iterator[str]:
    for name, job in jobs(workflow).items():
        if not deploys(job):
            continue
        environment = job.get("environment")
        env_name = environment.get("name") if isinstance(environment, dict) else environment
        if env_name != "github-pages":
            yield f"job {name} deploys outside the github-pages environment"
        if job.get("if") != "github.ref == 'refs/heads/main'":
            yield f"job {name} deploys without if: github.ref == 'refs/heads/main'"
        if any(step.get("run") for step in steps(job)):
            yield f"job {name} runs commands next to the Pages token"
        if any(action(step) == "actions/checkout" for step in steps(job)):
            yield f"job {name} checks out code next to the Pages token"


RULES: list[Rule] = [
    no_pull_request_target,
    top_level_permissions_read_only,
    every_job_sets_minimal_permissions,
    pages_write_only_in_deploy_job,
    pull_requests_never_write,
    actions_pinned_to_sha,
    checkout_drops_credentials,
    no_expressions_in_run,
    deploy_only_from_main,
]


def lint(text: str) -> list[str]:
    workflow = load(text)
    return [finding for rule in RULES for finding in rule(workflow, text)]


# --- the repository's workflows ------------------------------------------------------------


def test_the_expected_workflows_exist() -> None:
    assert {path.name for path in WORKFLOWS} >= {"pr.yml", "publish.yml", "expire.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_is_safe_by_construction(path: Path) -> None:
    assert lint(path.read_text(encoding="utf-8")) == []


def workflow(name: str) -> Workflow:
    return load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def all_runs(wf: Workflow) -> str:
    return "\n".join(str(step.get("run", "")) for job in jobs(wf).values() for step in steps(job))


def test_pull_request_workflow_runs_every_check() -> None:
    wf = workflow("pr.yml")
    assert set(triggers(wf)) == {"pull_request"}
    runs = all_runs(wf)
    for command in (
        "tandem validate --format github",
        'tandem check-owner --base "$BASE_SHA" --actor "$AUTHOR"',
        'tandem report --base "$BASE_SHA" >> "$GITHUB_STEP_SUMMARY"',
        "python -m pytest",
        "mkdocs build --strict",
    ):
        assert command in runs
    uploads = [s for j in jobs(wf).values() for s in steps(j) if "upload-artifact" in action(s)]
    assert [step["with"]["path"] for step in uploads] == ["site/"]


def test_jobs_that_read_the_base_fetch_full_history() -> None:
    for job in jobs(workflow("pr.yml")).values():
        runs = "\n".join(str(step.get("run", "")) for step in steps(job))
        if "--base" in runs:
            [checkout] = [s for s in steps(job) if action(s) == "actions/checkout"]
            assert checkout["with"]["fetch-depth"] == 0


def test_event_values_reach_the_shell_through_env() -> None:
    owners = jobs(workflow("pr.yml"))["owners"]
    [check] = [s for s in steps(owners) if "check-owner" in str(s.get("run", ""))]
    assert check["env"] == {
        "BASE_SHA": "${{ github.event.pull_request.base.sha }}",
        "AUTHOR": "${{ github.event.pull_request.user.login }}",
    }


def test_publish_deploys_from_main_in_its_own_job() -> None:
    wf = workflow("publish.yml")
    assert triggers(wf)["push"] == {"branches": ["main"]}
    deploy = jobs(wf)["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs(wf)["build"]["permissions"] == {"contents": "read"}


def test_expire_runs_weekly_and_opens_a_pull_request() -> None:
    wf = workflow("expire.yml")
    assert set(triggers(wf)) == {"schedule", "workflow_dispatch"}
    [job] = jobs(wf).values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    runs = all_runs(wf)
    assert "tandem expire --close" in runs
    assert "gh pr create" in runs
    assert any(step.get("env", {}).get("GH_TOKEN") for step in steps(job))


# --- the rules fire on bad examples --------------------------------------------------------

GOOD = """\
on: {pull_request: {}}
permissions: {contents: read}
jobs:
  check:
    runs-on: ubuntu-latest
    permissions: {contents: read}
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with: {persist-credentials: false}
      - run: echo "$TITLE"
        env: {TITLE: "${{ github.event.pull_request.title }}"}
"""

DEPLOY = """\
on: {push: {branches: [main]}}
permissions: {contents: read}
jobs:
  deploy:
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    permissions: {pages: write, id-token: write}
    environment: {name: github-pages}
    steps:
      - uses: actions/deploy-pages@d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e # v4.0.5
"""


def test_good_examples_pass() -> None:
    assert lint(GOOD) == []
    assert lint(DEPLOY) == []


@pytest.mark.parametrize(
    ("old", "new", "finding"),
    [
        ("on: {pull_request: {}}", "on: {pull_request_target: {}}", "pull_request_target"),
        ("permissions: {contents: read}\njobs", "jobs", "no top-level permissions"),
        ("permissions: {contents: read}\njobs", "permissions: write-all\njobs", "write-all"),
        ("    permissions: {contents: read}\n", "", "sets no permissions"),
        ("{contents: read}\n    steps", "{contents: write}\n    steps", "writes on a pull"),
        ("{contents: read}\n    steps", "{actions: write}\n    steps", "writes ['actions']"),
        ("{contents: read}\n    steps", "{pages: write}\n    steps", "but does not deploy"),
        ("c9af683 # v4.2.2", "c9af683", "not pinned"),
        ("checkout@11bd71901bbe5b1630ceea73d27597364c9af683", "checkout@v4", "not pinned"),
        ("persist-credentials: false", "fetch-depth: 0", "persist-credentials"),
        ('echo "$TITLE"', "echo '${{ github.event.pull_request.title }}'", "inside run"),
        ("echo", "echo ${{ secrets.TOKEN }}", "reads secrets"),
    ],
)
def test_rule_catches(old: str, new: str, finding: str) -> None:
    assert old in GOOD
    findings = lint(GOOD.replace(old, new, 1))
    assert any(finding in f for f in findings), findings


@pytest.mark.parametrize(
    ("old", "new", "finding"),
    [
        ("    if: github.ref == 'refs/heads/main'\n", "", "without if"),
        ("{name: github-pages}", "{name: preview}", "outside the github-pages"),
        ("    steps:\n", "    steps:\n      - run: make\n", "runs commands"),
    ],
)
def test_deploy_rule_catches(old: str, new: str, finding: str) -> None:
    assert old in DEPLOY
    findings = lint(DEPLOY.replace(old, new, 1))
    assert any(finding in f for f in findings), findings


# --- zizmor, where installed ---------------------------------------------------------------


def zizmor() -> str | None:
    beside_python = Path(sys.executable).parent / "zizmor"
    return str(beside_python) if beside_python.exists() else shutil.which("zizmor")


def test_zizmor_offline_finds_nothing() -> None:
    exe = zizmor()
    if exe is None:
        pytest.skip("zizmor is not installed (pip install zizmor); the rules above still ran")
    result = subprocess.run(
        [exe, "--offline", "--no-progress", "--persona", "pedantic", ".github/workflows"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "", "ZIZMOR_OFFLINE": "true", "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- GitLab CI -----------------------------------------------------------------------------


def gitlab() -> dict[str, Any]:
    data = yaml.safe_load(GITLAB_CI.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


MERGE_REQUESTS = {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}
DEFAULT_BRANCH = {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}
NOT_JOBS = {"default", "variables", "workflow", "stages", "include", "image", "cache"}


def gitlab_jobs() -> dict[str, dict[str, Any]]:
    return {name: job for name, job in gitlab().items() if name not in NOT_JOBS}


def test_gitlab_checks_run_in_merge_request_pipelines() -> None:
    checks = {name: job for name, job in gitlab_jobs().items() if name != "pages"}
    assert set(checks) >= {"validate", "check-owner", "test", "build"}
    for name, job in checks.items():
        assert job["rules"] == [MERGE_REQUESTS], name
    scripts = "\n".join("\n".join(job["script"]) for job in checks.values())
    assert "tandem validate --format gitlab > gl-code-quality-report.json" in scripts
    assert "mkdocs build --strict" in scripts
    assert "python -m pytest" in scripts


def test_gitlab_code_quality_report() -> None:
    artifacts = gitlab_jobs()["validate"]["artifacts"]
    assert artifacts["reports"] == {"codequality": "gl-code-quality-report.json"}
    assert artifacts["when"] == "always"


def test_gitlab_check_owner_uses_the_merge_request_base() -> None:
    job = gitlab_jobs()["check-owner"]
    assert job["script"] == [
        'tandem check-owner --base "$CI_MERGE_REQUEST_DIFF_BASE_SHA" --actor "$GITLAB_USER_LOGIN"'
    ]
    assert job["variables"]["GIT_DEPTH"] == "0"


def test_gitlab_pages_only_from_the_default_branch() -> None:
    pages = gitlab_jobs()["pages"]
    assert pages["rules"] == [DEFAULT_BRANCH]
    assert "mkdocs build --strict -d public" in pages["script"]
    assert pages["artifacts"]["paths"] == ["public"]


# --- pre-commit and CODEOWNERS -------------------------------------------------------------


def test_pre_commit_hook_for_other_repositories() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"], hook["language"]) == (
        "tandem-validate",
        "tandem validate",
        "python",
    )
    files = re.compile(hook["files"])
    assert files.search("ads/jana-schulz.yml")
    assert files.search("partnerships/python-tandem.yaml")
    assert not files.search("docs/ads.md")
    assert not files.search("skills.yml")


def test_pre_commit_config_runs_the_installed_tools_and_validate() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [repo] = config["repos"]
    assert repo["repo"] == "local"
    assert [hook["entry"] for hook in repo["hooks"]] == [
        "ruff check --force-exclude",
        "ruff format --force-exclude",
        "mypy --strict",
        "tandem validate",
    ]
    assert {hook["language"] for hook in repo["hooks"]} == {"system"}  # the locked versions


def codeowners() -> dict[str, str]:
    text = (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    rules = [line.split() for line in text.splitlines() if line.strip() and line[0] != "#"]
    return {pattern: " ".join(owners) for pattern, *owners in rules}


def test_codeowners() -> None:
    owners = codeowners()
    for path in ("/ads/", "/partnerships/", "/skills.yml"):
        assert owners[path] == "@your-org/tandem-moderators"
    for path in ("/generator/", "/theme/", "/mkdocs.yml", "/.github/", "/maintainers.yml"):
        assert owners[path] == "@your-org/tandem-maintainers"


def test_maintainers_file_lists_logins() -> None:
    data = yaml.safe_load((ROOT / "maintainers.yml").read_text(encoding="utf-8"))
    assert data["maintainers"]
    assert all(isinstance(login, str) and login for login in data["maintainers"])
