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
    assert {path.name for path in WORKFLOWS} >= {
        "pr.yml",
        "publish.yml",
        "expire.yml",
        "lock.yml",
        "newest.yml",
    }


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
        'tandem check-owner --root ../pr --base "$BASE_SHA" --actor "$AUTHOR"',
        'tandem report --base "$BASE_SHA" >> "$GITHUB_STEP_SUMMARY"',
        "python -m pytest",
        "mkdocs build --strict",
        "ruff check .",
        "ruff format --check .",
        "mypy --strict",
    ):
        assert command in runs
    uploads = [s for j in jobs(wf).values() for s in steps(j) if "upload-artifact" in action(s)]
    assert [step["with"]["path"] for step in uploads] == ["site/"]


def checkouts(job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The job's checkouts by folder (`.` for the workspace itself)."""
    found = [s.get("with") or {} for s in steps(job) if action(s) == "actions/checkout"]
    return {str(with_.get("path", ".")): with_ for with_ in found}


BASE_SHA = "${{ github.event.pull_request.base.sha }}"


def test_owners_job_runs_the_checker_from_the_base() -> None:
    """The pull request's files are read, never run: Tandem is installed from the base."""
    owners = jobs(workflow("pr.yml"))["owners"]
    folders = checkouts(owners)
    assert set(folders) == {"base", "pr"}
    assert folders["base"]["ref"] == BASE_SHA
    assert "ref" not in folders["pr"]  # the pull request's merge commit
    assert folders["pr"]["fetch-depth"] == 0  # the base commit is in its history
    [install] = [s for s in steps(owners) if "pip install" in str(s.get("run", ""))]
    assert install["working-directory"] == "base"
    [check] = [s for s in steps(owners) if "check-owner" in str(s.get("run", ""))]
    assert check["working-directory"] == "base"
    assert "--root ../pr " in check["run"]


def test_jobs_that_read_the_base_fetch_full_history() -> None:
    for job in jobs(workflow("pr.yml")).values():
        runs = "\n".join(str(step.get("run", "")) for step in steps(job))
        if "--base" in runs:
            [changes] = [w for w in checkouts(job).values() if w.get("ref") != BASE_SHA]
            assert changes["fetch-depth"] == 0


def test_event_values_reach_the_shell_through_env() -> None:
    owners = jobs(workflow("pr.yml"))["owners"]
    [check] = [s for s in steps(owners) if "check-owner" in str(s.get("run", ""))]
    assert check["env"] == {
        "BASE_SHA": BASE_SHA,
        "AUTHOR": "${{ github.event.pull_request.user.login }}",
    }


def installs(wf: Workflow) -> list[str]:
    return [line for line in all_runs(wf).splitlines() if "pip install" in line]


@pytest.mark.parametrize(
    "path", [p for p in WORKFLOWS if p.name != "newest.yml"], ids=lambda path: path.name
)
def test_installs_use_the_locked_versions(path: Path) -> None:
    wf = load(path.read_text(encoding="utf-8"))
    assert all("python -m pip install -c constraints.txt " in line for line in installs(wf))


def test_newest_runs_the_tests_with_the_newest_allowed_versions() -> None:
    wf = workflow("newest.yml")
    assert set(triggers(wf)) == {"schedule", "workflow_dispatch"}
    [line] = installs(wf)
    assert "constraints" not in line and "--upgrade" in line
    [job] = jobs(wf).values()
    assert job["permissions"] == {"contents": "read"}
    assert "3.11" in job["strategy"]["matrix"]["python"]  # the oldest Python pyproject allows
    assert "python -m pytest" in all_runs(wf)
    assert "mkdocs build --strict" in all_runs(wf)


def test_publish_deploys_from_main_in_its_own_job() -> None:
    wf = workflow("publish.yml")
    assert triggers(wf)["push"] == {"branches": ["main"]}
    deploy = jobs(wf)["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs(wf)["build"]["permissions"] == {"contents": "read"}


APP_ACTION = "actions/create-github-app-token"


@pytest.mark.parametrize(
    ("name", "command", "paths"),
    [
        ("expire.yml", "tandem expire --close", "ads"),
        ("lock.yml", "bash .ci/lock", "constraints.txt"),
    ],
)
def test_scheduled_pull_requests_get_their_checks(name: str, command: str, paths: str) -> None:
    """Opened with the Tandem app's token when there is one: GitHub runs their checks."""
    wf = workflow(name)
    assert set(triggers(wf)) == {"schedule", "workflow_dispatch"}
    [job] = jobs(wf).values()
    assert job["if"] == "github.ref == 'refs/heads/main'"
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    runs = all_runs(wf)
    assert command in runs
    [app] = [s for s in steps(job) if action(s) == APP_ACTION]
    assert app["if"] == "vars.TANDEM_APP_CLIENT_ID != ''"
    assert app["with"]["private-key"] == "${{ secrets.TANDEM_APP_PRIVATE_KEY }}"
    [opener] = [s for s in steps(job) if "open-pull-request" in str(s.get("run", ""))]
    assert 'bash .ci/open-pull-request "$BRANCH" ' in opener["run"]
    assert opener["run"].rstrip().endswith(paths)
    assert opener["env"] == {
        "GH_TOKEN": "${{ steps.app.outputs.token || github.token }}",
        "APP_SLUG": "${{ steps.app.outputs.app-slug }}",
    }


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
        [exe, "--offline", "--no-progress", "--persona", "auditor", ".github/workflows"],
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


def test_gitlab_check_owner_runs_the_base_checker_for_the_author() -> None:
    """Not $GITLAB_USER_LOGIN (whoever started the pipeline), and nothing of the MR runs."""
    job = gitlab_jobs()["check-owner"]
    assert job["before_script"] == []  # the default one installs the merge request's code
    assert job["cache"] == []
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert not job["variables"]["PIP_CACHE_DIR"].startswith("$CI_PROJECT_DIR")
    assert job["script"] == [
        'git worktree add --detach "$TANDEM_BASE" "$CI_MERGE_REQUEST_DIFF_BASE_SHA"',
        'python -m pip install -c "$TANDEM_BASE/constraints.txt" -e "$TANDEM_BASE"',
        'AUTHOR="$(python "$TANDEM_BASE/.ci/gitlab-mr-author.py")"',
        'cd "$TANDEM_BASE"',
        'tandem check-owner --root "$CI_PROJECT_DIR" --base "$CI_MERGE_REQUEST_DIFF_BASE_SHA"'
        ' --actor "$AUTHOR"',
    ]
    assert "GITLAB_USER_LOGIN" not in GITLAB_CI.read_text(encoding="utf-8").split("default:")[1]


def test_gitlab_installs_use_the_locked_versions() -> None:
    data = gitlab()
    lines = [*data["default"]["before_script"]]
    for job in gitlab_jobs().values():
        lines += [*job.get("before_script", []), *job["script"]]
    installs = [line for line in lines if "pip install" in line]
    assert len(installs) >= 3
    assert all(re.search(r"pip install -c \S*constraints\.txt\"? ", line) for line in installs)


def test_gitlab_lint() -> None:
    assert gitlab_jobs()["lint"]["script"] == [
        "ruff check .",
        "ruff format --check .",
        "mypy --strict",
    ]


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
    """Consistent with check-owner: only data files go to the moderators."""
    owners = codeowners()
    maintainers = "@your-org/tandem-maintainers"
    for folder in ("ads", "partnerships"):
        assert owners[f"/{folder}/*"] == maintainers
        assert owners[f"/{folder}/*.yml"] == owners[f"/{folder}/*.yaml"]
        assert owners[f"/{folder}/*.yml"] == "@your-org/tandem-moderators"
    for path in ("/skills.yml", "/places.yml"):
        assert owners[path] == "@your-org/tandem-curators"
    for path in ("/generator/", "/theme/", "/mkdocs.yml", "/.github/", "/maintainers.yml"):
        assert owners[path] == maintainers
    for path in ("/.ci/", "/constraints.txt", "/pyproject.toml", "/.gitlab-ci.yml", "*"):
        assert owners[path] == maintainers
    assert next(iter(owners)) == "*"  # first, so every specific line overrides it


def test_maintainers_file_lists_logins() -> None:
    data = yaml.safe_load((ROOT / "maintainers.yml").read_text(encoding="utf-8"))
    assert data["maintainers"]
    for role in ("maintainers", "curators"):
        assert all(isinstance(login, str) and login for login in data[role])


# --- the scripts the workflows run ---------------------------------------------------------


def git_env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }


FAKE_GH = """\
#!/bin/sh
echo "$@" >> "{log}"
if [ "$1 $2" = "pr view" ]; then
  [ -n "{state}" ] && echo "{state}" && exit 0
  exit 1
fi
exit 0
"""


def scheduled_checkout(tmp_path: Path, *, pr_state: str = "") -> tuple[Path, dict[str, str]]:
    """A clone of `main` as the scheduled workflows have it, with a remote and a fake `gh`."""
    env = git_env(tmp_path)
    (tmp_path / "gitconfig").write_text("[user]\n\tname = t\n\temail = t@example.org\n")
    (tmp_path / "bin").mkdir()
    gh = tmp_path / "bin" / "gh"
    gh.write_text(FAKE_GH.format(log=tmp_path / "gh.log", state=pr_state), encoding="utf-8")
    gh.chmod(0o755)
    remote, work = tmp_path / "remote.git", tmp_path / "work"
    run = {"env": env, "check": True, "capture_output": True}
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], **run)  # type: ignore[call-overload]
    subprocess.run(["git", "clone", "-q", str(remote), str(work)], **run)  # type: ignore[call-overload]
    (work / "ads").mkdir()
    (work / "ads" / "jana.yml").write_text("status: open\n", encoding="utf-8")
    for args in (["add", "-A"], ["commit", "-qm", "base"], ["push", "-q", "origin", "HEAD:main"]):
        subprocess.run(["git", *args], cwd=work, **run)  # type: ignore[call-overload]
    (work / "body.md").write_text("Closed ads\n", encoding="utf-8")
    return work, {**env, "GH_TOKEN": "token", "GITHUB_STEP_SUMMARY": str(tmp_path / "summary")}


def open_pull_request(work: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = ROOT / ".ci" / "open-pull-request"
    args = ["bash", str(script), "tandem/close-expired-ads", "Close expired ads", "body.md", "ads"]
    return subprocess.run(args, cwd=work, env=env, capture_output=True, text=True, check=False)


def remote_author(work: Path, env: dict[str, str]) -> str:
    args = ["git", "log", "-1", "--format=%an", "origin/tandem/close-expired-ads"]
    return subprocess.run(args, cwd=work, env=env, capture_output=True, text=True).stdout.strip()


def test_open_pull_request_with_the_app_token(tmp_path: Path) -> None:
    work, env = scheduled_checkout(tmp_path)
    (work / "ads" / "jana.yml").write_text("status: closed\n", encoding="utf-8")
    done = open_pull_request(work, {**env, "APP_SLUG": "tandem-bot"})
    assert done.returncode == 0, done.stderr
    assert remote_author(work, env) == "tandem-bot[bot]"
    log = (tmp_path / "gh.log").read_text(encoding="utf-8")
    assert "pr create --base main --head tandem/close-expired-ads --title Close expired ads" in log
    assert "WARNING" not in (work / "body.md").read_text(encoding="utf-8")


def test_open_pull_request_without_the_app_says_how_to_run_the_checks(tmp_path: Path) -> None:
    work, env = scheduled_checkout(tmp_path, pr_state="OPEN")
    (work / "ads" / "jana.yml").write_text("status: closed\n", encoding="utf-8")
    done = open_pull_request(work, env)
    assert done.returncode == 0, done.stderr
    assert remote_author(work, env) == "github-actions[bot]"
    body = (work / "body.md").read_text(encoding="utf-8")
    assert "gh pr create --head tandem/close-expired-ads" in body
    assert "::warning title=No checks on the pull request::" in done.stdout
    log = (tmp_path / "gh.log").read_text(encoding="utf-8")
    assert "pr edit tandem/close-expired-ads --body-file body.md" in log


def test_open_pull_request_does_nothing_without_a_change(tmp_path: Path) -> None:
    work, env = scheduled_checkout(tmp_path)
    done = open_pull_request(work, env)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "gh.log").exists()
    assert remote_author(work, env) == ""


MR_AUTHOR = ROOT / ".ci" / "gitlab-mr-author.py"


def mr_author(tmp_path: Path, answer: str, **overrides: str) -> subprocess.CompletedProcess[str]:
    """The script against an API served from files (file://), as GitLab's would answer."""
    api = tmp_path / "api"
    (api / "projects" / "42" / "merge_requests").mkdir(parents=True)
    (api / "projects" / "42" / "merge_requests" / "7").write_text(answer, encoding="utf-8")
    env = {
        "CI_API_V4_URL": api.as_uri(),
        "CI_MERGE_REQUEST_PROJECT_ID": "42",
        "CI_MERGE_REQUEST_IID": "7",
        "TANDEM_API_TOKEN": "glpat-test",
        "GITLAB_USER_LOGIN": "maintainer-who-reran-the-pipeline",
        **overrides,
    }
    env = {key: value for key, value in env.items() if value}
    args = [sys.executable, str(MR_AUTHOR)]
    return subprocess.run(args, env=env, capture_output=True, text=True, check=False)


def test_gitlab_author_is_the_merge_requests_not_the_pipelines(tmp_path: Path) -> None:
    done = mr_author(tmp_path, '{"iid": 7, "author": {"username": "jschulz"}}')
    assert (done.returncode, done.stdout, done.stderr) == (0, "jschulz\n", "")


@pytest.mark.parametrize(
    ("answer", "overrides", "reason"),
    [
        ('{"author": {"username": "jschulz"}}', {"TANDEM_API_TOKEN": ""}, "TANDEM_API_TOKEN"),
        ('{"author": {"username": "jschulz"}}', {"CI_MERGE_REQUEST_IID": ""}, "not set"),
        ('{"author": null}', {}, "names no author"),
        ('{"author": {"username": " "}}', {}, "names no author"),
        ("<html>sign in</html>", {}, "did not answer"),
        ("[]", {}, "names no author"),
        ('{"author": {"username": "x"}}', {"CI_MERGE_REQUEST_IID": "8"}, "did not answer"),
    ],
)
def test_gitlab_author_fails_closed(
    tmp_path: Path, answer: str, overrides: dict[str, str], reason: str
) -> None:
    done = mr_author(tmp_path, answer, **overrides)
    assert done.returncode == 1
    assert done.stdout == ""
    assert reason in done.stderr and "docs/maintainers.md" in done.stderr
