"""The `tandem` command as contributors and CI run it: real processes, real files.

"The sample" here is a copy of the suite's own sample (tests/data/sample/) in tmp_path.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLE, TODAY, build_env, copy_site

TANDEM = str(Path(sys.executable).parent / "tandem")


def tandem(
    *args: str, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `tandem` in `cwd`, by default in the folder given as `--root`: never in the
    repository, whose ads are live (use the `sample` fixture for a copy of the sample)."""
    if cwd is None:
        assert "--root" in args, "say where to run: cwd=sample, or --root"
        cwd = Path(args[args.index("--root") + 1])
    return subprocess.run(
        [TANDEM, *args],
        cwd=cwd,
        env=build_env(),
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture()
def sample(tmp_path: Path) -> Path:
    """A copy of the suite's sample, with the site's configuration, to run commands in."""
    return copy_site(tmp_path / "sample")


def test_the_sample_validates(sample: Path) -> None:
    result = tandem("validate", cwd=sample)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stderr


def test_validate_reports_every_problem_in_every_format(tmp_path: Path) -> None:
    (tmp_path / "ads").mkdir()
    shutil.copy(SAMPLE / "ads" / "jana-schulz.yml", tmp_path / "ads" / "a.yml")
    text = (SAMPLE / "ads" / "jana-schulz.yml").read_text("utf-8")
    (tmp_path / "ads" / "b.yml").write_text(
        text.replace("level: expert", "level: guru", 1).replace("status: open", "stauts: open")
    )
    (tmp_path / "ads" / "c.yml").write_text("a: &x 1\nb: *x\n")
    result = tandem("validate", "--root", str(tmp_path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("ads/b.yml:") and "'guru' is not one of" in line for line in lines)
    assert any("unknown field 'stauts'; did you mean 'status'?" in line for line in lines)
    assert any(line.startswith("ads/c.yml:1:4: error: anchors") for line in lines)
    github = tandem("validate", "--root", str(tmp_path), "--format", "github").stdout
    assert "::error file=ads/b.yml,line=" in github
    rows = json.loads(tandem("validate", "--root", str(tmp_path), "--format", "json").stdout)
    assert {row["path"] for row in rows} == {"ads/b.yml", "ads/c.yml"}
    gitlab = json.loads(tandem("validate", "--root", str(tmp_path), "--format", "gitlab").stdout)
    assert gitlab[0]["location"]["path"] and gitlab[0]["fingerprint"]
    only = tandem("validate", "--root", str(tmp_path), str(tmp_path / "ads" / "c.yml"))
    assert "ads/b.yml" not in only.stdout and "ads/c.yml" in only.stdout


def test_wrong_usage_exits_2(sample: Path) -> None:
    assert tandem("validate", "--format", "xml", cwd=sample).returncode == 2
    assert tandem("validate", "--root", "/no/such/folder", cwd=sample).returncode == 2
    assert tandem("validate", "--today", "tomorrow", cwd=sample).returncode == 2
    assert tandem("no-such-command", cwd=sample).returncode == 2


def test_match_json_has_the_contract_shape(sample: Path) -> None:
    result = tandem("match", "--format", "json", cwd=sample)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "jana-schulz" in data and "moritz-wolf" not in data
    for suggestions in data.values():
        assert len(suggestions) <= 5
        for s in suggestions:
            assert set(s) == {"partner", "score", "mutual", "reasons"}
            assert 0 <= s["score"] <= 100 and isinstance(s["mutual"], bool)
            assert s["reasons"] and all(isinstance(r, str) for r in s["reasons"])


def test_match_one_ad_as_text(sample: Path) -> None:
    result = tandem("match", "jana-schulz", "--top", "3", cwd=sample)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Jana Schulz (jana-schulz)")
    assert tandem("match", "nobody-here", cwd=sample).returncode == 2


def test_new_ad_writes_a_valid_ad_named_after_the_person(tmp_path: Path) -> None:
    result = tandem(
        "new-ad",
        "--root",
        str(tmp_path),
        "--name",
        "Jürgen Müller",
        "--owner",
        "jmueller",
        "--location",
        "NO",
        "--languages",
        "de,en",
        "--offer",
        "Excel:expert",
        "--offer",
        "SQL",
        "--seek",
        "Public speaking:Give a talk at the all-hands",
        "--hours",
        "2",
        "--weeks",
        "12",
        "--contact",
        "@jmueller",
    )
    assert result.returncode == 0, result.stderr
    path = tmp_path / "ads" / "juergen-mueller.yml"
    text = path.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../generator/schemas/ad.schema.json")
    data = yaml.safe_load(text)
    assert data["location"] == "NO" and data["status"] == "open"
    assert data["offers"] == [
        {"skill": "Excel", "level": "expert"},
        {"skill": "SQL", "level": "advanced"},
    ]
    assert data["seeks"][0]["goal"] == "Give a talk at the all-hands"
    assert str(data["posted"]) == TODAY
    assert tandem("validate", "--root", str(tmp_path)).returncode == 0
    again = tandem(
        "new-ad",
        "--root",
        str(tmp_path),
        "--name",
        "Jürgen Müller",
        "--owner",
        "jm",
        "--location",
        "Köln",
        "--languages",
        "de",
        "--offer",
        "Excel",
        "--seek",
        "SQL",
        "--hours",
        "1",
        "--weeks",
        "4",
        "--contact",
        "x",
    )
    assert again.returncode == 1 and "exists already" in again.stderr


def test_new_ad_without_a_terminal_names_what_is_missing(tmp_path: Path) -> None:
    result = tandem("new-ad", "--root", str(tmp_path), "--name", "Ann", stdin="")
    assert result.returncode == 2 and "missing --owner" in result.stderr
    assert not (tmp_path / "ads").exists()


def test_new_partnership_needs_existing_ads(tmp_path: Path) -> None:
    (tmp_path / "ads").mkdir()
    for ident in ("jana-schulz", "priya-raman"):
        shutil.copy(SAMPLE / "ads" / f"{ident}.yml", tmp_path / "ads")
    ok = tandem(
        "new-partnership",
        "--root",
        str(tmp_path),
        "--title",
        "Python and talks",
        "--partner",
        "jana-schulz",
        "--partner",
        "priya-raman",
    )
    assert ok.returncode == 0, ok.stderr
    data = yaml.safe_load((tmp_path / "partnerships" / "jana-schulz-priya-raman.yml").read_text())
    assert data["phase"] == "preparation" and data["partners"] == ["jana-schulz", "priya-raman"]
    missing = tandem(
        "new-partnership",
        "--root",
        str(tmp_path),
        "--title",
        "x",
        "--partner",
        "jana-schulz",
        "--partner",
        "ghost",
    )
    assert missing.returncode == 2 and "ghost" in missing.stderr


def git(root: Path, *args: str) -> str:
    env = {
        **build_env(),
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    done = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def repo_with_sample(tmp_path: Path) -> tuple[Path, str]:
    root = tmp_path / "repo"
    for name in ("ads", "partnerships", "skills.yml"):
        copy = shutil.copytree if (SAMPLE / name).is_dir() else shutil.copy
        copy(SAMPLE / name, root / name)
    (root / "maintainers.yml").write_text("maintainers: [tandem-admin]\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root, git(root, "rev-parse", "HEAD")


def test_check_owner_and_report_on_a_real_pull_request(tmp_path: Path) -> None:
    root, base = repo_with_sample(tmp_path)
    ad = root / "ads" / "jana-schulz.yml"
    ad.write_text(ad.read_text("utf-8").replace("weeks: 12", "weeks: 10"), "utf-8")
    git(root, "commit", "-qam", "jana edits her ad")
    own = tandem("check-owner", "--root", str(root), "--base", base, "--actor", "jschulz")
    assert own.returncode == 0, own.stdout + own.stderr
    foreign = tandem("check-owner", "--root", str(root), "--base", base, "--actor", "mallory")
    assert foreign.returncode == 1
    assert "ads/jana-schulz.yml:1:1: error: only jschulz" in foreign.stdout
    assert (
        tandem(
            "check-owner", "--root", str(root), "--base", base, "--actor", "tandem-admin"
        ).returncode
        == 0
    )
    summary = tandem("report", "--root", str(root), "--base", base)
    assert summary.returncode == 0, summary.stderr
    assert "## Tandem check" in summary.stdout
    assert "**Jana Schulz** (`jana-schulz`)" in summary.stdout
    assert "Priya Raman" in summary.stdout and "mutual" in summary.stdout


def test_expire_lists_and_closes(tmp_path: Path) -> None:
    root, _ = repo_with_sample(tmp_path)
    listing = tandem("expire", "--root", str(root), "--within", "14")
    assert listing.returncode == 0, listing.stderr
    assert "ralf-kaiser" in listing.stdout and "claudia-neumann" in listing.stdout
    closed = tandem("expire", "--root", str(root), "--close")
    assert closed.returncode == 0
    text = (root / "ads" / "ralf-kaiser.yml").read_text("utf-8")
    assert "\nstatus: closed\n" in text
    assert "status: open" in (root / "ads" / "claudia-neumann.yml").read_text("utf-8")
    assert tandem("validate", "--root", str(root)).returncode == 0


def answer_prompts(argv: list[str], prompts: list[tuple[str, str]]) -> str:
    """Run a command in a pseudo-terminal; answer each prompt once it has been shown."""
    import os
    import pty
    import select

    fd, terminal = pty.openpty()
    process = subprocess.Popen(
        argv, stdin=terminal, stdout=terminal, stderr=terminal, env=build_env(), close_fds=True
    )
    os.close(terminal)
    output = b""

    def read_until(marker: bytes, start: int) -> bool:
        nonlocal output
        while marker not in output[start:]:
            ready, _, _ = select.select([fd], [], [], 10)
            if not ready:
                return False
            try:
                output += os.read(fd, 4096)
            except OSError:  # the command has ended
                return False
        return True

    try:
        for prompt, answer in prompts:
            seen = len(output)
            assert read_until(prompt.encode(), seen), output.decode(errors="replace")
            os.write(fd, answer.encode() + b"\n")
        read_until(b"pull request", 0)
        assert process.wait(timeout=30) == 0, output.decode(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(fd)
    return output.decode(errors="replace")


def test_new_ad_asks_for_what_is_missing_in_a_terminal(tmp_path: Path) -> None:
    prompts = [
        ("Your name", "Ayşe Yılmaz"),
        ("Your GitHub or GitLab login", "ayilmaz"),
        ("Location", "Wien"),
        ("Languages", "tr,de"),
        ("You offer", "GDPR:expert;Moderation"),
        ("You seek", "Python:Automate reports"),
        ("Hours per week", "2"),
        ("Weeks", "12"),
        ("Contact", "@ayilmaz"),
    ]
    screen = answer_prompts([TANDEM, "new-ad", "--root", str(tmp_path)], prompts)
    assert "(basic/advanced/expert)" in screen  # the allowed values are shown
    data = yaml.safe_load((tmp_path / "ads" / "ayse-yilmaz.yml").read_text("utf-8"))
    assert data["offers"] == [
        {"skill": "GDPR", "level": "expert"},
        {"skill": "Moderation", "level": "advanced"},
    ]
    assert data["commitment"] == {"hours_per_week": 2, "weeks": 12}
    assert data["contact"] == "@ayilmaz"


NEW_AD_OPTIONS = [
    "new-ad",
    "--name",
    "Ben Okafor",
    "--owner",
    "bokafor",
    "--location",
    "Hamburg",
    "--languages",
    "en",
    "--offer",
    "Negotiation:expert",
    "--seek",
    "Excel",
    "--weeks",
    "8",
    "--contact",
    "@ben",
]


def test_new_ad_in_a_terminal_asks_again_for_a_wrong_option(tmp_path: Path) -> None:
    argv = [TANDEM, *NEW_AD_OPTIONS, "--hours", "2h", "--root", str(tmp_path)]
    screen = answer_prompts(argv, [("Hours per week", "2")])
    assert "--hours: commitment.hours_per_week: '2h' is not a number" in screen
    data = yaml.safe_load((tmp_path / "ads" / "ben-okafor.yml").read_text("utf-8"))
    assert data["commitment"] == {"hours_per_week": 2, "weeks": 8}


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--hours", "1e3", "'1e3' is not a number (write a number such as 1.5)"),
        ("--hours", "25", "25 is more than the maximum 20"),
        ("--offer", "Excel:Intermediate", "'Intermediate' is not a level"),
        ("--owner", "-x", "has the wrong form (write your GitHub or GitLab login"),
    ],
)
def test_new_ad_without_a_terminal_refuses_a_wrong_option(
    tmp_path: Path, option: str, value: str, said: str
) -> None:
    result = tandem(
        *NEW_AD_OPTIONS, "--hours", "2", option, value, "--root", str(tmp_path), stdin=""
    )
    assert result.returncode == 2 and said in result.stderr, result.stderr
    assert not (tmp_path / "ads").exists()
