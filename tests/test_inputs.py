"""Hostile and careless input through the real `tandem` command: every case ends with a clear
message naming file and line, or does the right thing, and never with a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import TODAY, build_env

from generator.data.validate import longest_list

TANDEM = str(Path(sys.executable).parent / "tandem")
AD = """\
name: Jo Doe
owner: jodoe
location: Berlin
languages: [de, en]
offers:
  - {skill: Scrum, level: advanced}
seeks:
  - skill: Negotiation
commitment: {hours_per_week: 1, weeks: 12}
posted: 2026-11-01
expires: 2027-05-01
status: open
contact: jo@example.com
"""


def tandem(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [TANDEM, *args],
        env=build_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,  # a hang fails the test instead of stopping the suite
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def expired(text: str) -> str:
    return text.replace("expires: 2027-05-01", "expires: 2026-11-20")


# --- tandem expire --close ------------------------------------------------------------------


def test_expire_closes_every_ad_it_lists_or_says_why_not(tmp_path: Path) -> None:
    ads = tmp_path / "ads"
    ads.mkdir()
    text = expired(AD)
    assert "status: open\n" in text
    (ads / "bom.yml").write_bytes(b"\xef\xbb\xbf" + text.encode())
    (ads / "next-line.yml").write_text(text.replace("status: open", "status:\n  open"), "utf-8")
    (ads / "nested.yml").write_text(text.replace("status: open", "status: [open]"), "utf-8")
    listing = tandem("expire", "--root", str(tmp_path), "--today", TODAY)
    assert listing.returncode == 0, listing.stderr
    listed = {line.split(":")[0] for line in listing.stdout.splitlines()}
    assert listed == {"ads/bom.yml", "ads/next-line.yml", "ads/nested.yml"}
    closing = tandem("expire", "--root", str(tmp_path), "--today", TODAY, "--close")
    assert closing.returncode == 1
    assert "closed ads/bom.yml (status: closed)" in closing.stdout
    assert "closed ads/next-line.yml (status: closed)" in closing.stdout
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith("status"))
    assert closing.stderr == (
        f"ads/nested.yml:{line}:9: error: not closed: its top-level 'status' is not a plain "
        "value; write 'status: closed'\n"
    )
    assert (ads / "bom.yml").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "status:\n  closed\n" in (ads / "next-line.yml").read_text("utf-8")
    again = tandem("expire", "--root", str(tmp_path), "--today", TODAY, "--within", "0")
    assert [line.split(":")[0] for line in again.stdout.splitlines()] == ["ads/nested.yml"]


# --- at most 50 problems per file -----------------------------------------------------------

LOG = """\
title: Numbers and words
format: tandem
partners: [jo-doe, ann-lee]
phase: learning
started: 2026-10-01
planned_end: 2027-02-01
goals:
  - {partner: jo-doe, goal: Read a balance sheet}
packages:
  - {title: Basics, teacher: jo-doe, learners: [ann-lee], due: 2026-12-01, status: planned}
journal:
"""


def flood(root: Path) -> Path:
    """Three files with far more than 50 problems each, from three different stages."""
    ads = root / "ads"
    ads.mkdir()
    (ads / "jo-doe.yml").write_text(AD, "utf-8")
    (ads / "ann-lee.yml").write_text(AD.replace("Jo Doe", "Ann Lee"), "utf-8")
    unknown = "".join(f"k{i}: 1\n" for i in range(25_000))
    (ads / "keys.yml").write_text(AD + unknown, "utf-8")  # schema: unknown keys
    entry = "  - {date: 2026-10-02, author: ghost, text: Hello}\n"
    (root / "partnerships").mkdir()
    (root / "partnerships" / "log.yml").write_text(LOG + entry * 200, "utf-8")  # across files
    skills = "".join(f"  - {{name: {i}, color: red}}\n" for i in range(3_000))
    (root / "skills.yml").write_text("skills:\n" + skills, "utf-8")  # the taxonomy
    return root


def test_at_most_50_problems_per_file_then_a_count_of_the_rest(tmp_path: Path) -> None:
    root = flood(tmp_path)
    result = tandem("validate", "--root", str(root), "--today", TODAY)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    rest = {"ads/keys.yml": 24_950, "partnerships/log.yml": 150, "skills.yml": 2_950}
    for path, more in rest.items():
        mine = [line for line in lines if line.startswith(f"{path}:")]
        assert len(mine) == 51, path
        assert mine[-1].endswith(
            f": error: … and {more} more problems in this file; "
            "fix these first, then run tandem validate again"
        ), mine[-1]
    assert len(lines) == 3 * 51
    assert "did you mean" in lines[0] or "known fields" in lines[0]


def test_every_format_shows_the_same_capped_problems(tmp_path: Path) -> None:
    root = flood(tmp_path)
    as_json = json.loads(tandem("validate", "--root", str(root), "--format", "json").stdout)
    github = tandem("validate", "--root", str(root), "--format", "github").stdout
    gitlab = json.loads(tandem("validate", "--root", str(root), "--format", "gitlab").stdout)
    assert len(as_json) == len(github.splitlines()) == len(gitlab) == 3 * 51
    assert as_json[50]["message"].startswith("… and 24950 more problems")


def test_every_list_in_the_schemas_has_a_limit() -> None:
    """The schema sees lists cut after the longest limit; a list without one would hide
    entries beyond the cut, so longest_list refuses a schema that has one."""
    assert longest_list() == 200  # a partnership's journal


# --- a reader that goes away ----------------------------------------------------------------


def into_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    """Run with stdout a pipe nobody reads any more, as in `tandem match | head -0`."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [TANDEM, *args],
            env=build_env(),
            stdin=subprocess.DEVNULL,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write)


def test_a_closed_pipe_ends_every_command_quietly(tmp_path: Path) -> None:
    ads = tmp_path / "ads"
    ads.mkdir()
    (ads / "jo-doe.yml").write_text(AD, "utf-8")
    swapped = AD.replace("Scrum", "X").replace("Negotiation", "Scrum").replace("X", "Negotiation")
    (ads / "ann-lee.yml").write_text(swapped.replace("Jo Doe", "Ann Lee"), "utf-8")
    (ads / "bad.yml").write_text("name: [\n", "utf-8")
    root = ["--root", str(tmp_path), "--today", TODAY]
    for command in (["validate"], ["expire", "--within", "365"]):
        result = into_closed_pipe(*command, *root)
        assert (result.returncode, result.stderr) == (141, ""), command
    (ads / "bad.yml").unlink()
    result = into_closed_pipe("match", *root)
    assert (result.returncode, result.stderr) == (141, "")


# --- tandem new-ad --------------------------------------------------------------------------

ANSWERS = {
    "--owner": "jodoe",
    "--location": "Berlin",
    "--languages": "de,en",
    "--offer": "Excel",
    "--seek": "SQL",
    "--hours": "2",
    "--weeks": "12",
    "--contact": "jo@example.com",
}


def new_ad(root: Path, *extra: str, name: str = "Jo Doe") -> subprocess.CompletedProcess[str]:
    """`tandem new-ad` with every answer given; `extra` options come last and add to them."""
    given = [part for option, value in ANSWERS.items() for part in (option, value)]
    return tandem("new-ad", "--root", str(root), "--today", TODAY, "--name", name, *given, *extra)


def test_new_ad_refuses_a_name_the_site_keeps(tmp_path: Path) -> None:
    result = new_ad(tmp_path, name="Index")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "ads/index.yml:1:1: error: 'index' is a name the site keeps for its own pages; "
        "choose another"
    )
    assert not (tmp_path / "ads" / "index.yml").exists()
    assert new_ad(tmp_path, "--id", "index-tools", name="Index").returncode == 0


def test_new_ad_refuses_an_invalid_or_long_id(tmp_path: Path) -> None:
    for ident in ("a" * 65, "Jo_Doe", "../outside", "-jo"):
        result = new_ad(tmp_path, "--id", ident)
        assert result.returncode == 1, ident
        assert f"'{ident}' is not a valid id" in result.stderr, ident
        assert "at most 64 characters" in result.stderr
    assert new_ad(tmp_path, "--id", "a" * 64).returncode == 0
    assert [p.name for p in (tmp_path / "ads").iterdir()] == ["a" * 64 + ".yml"]


def test_new_ad_never_writes_beside_or_over_the_same_id(tmp_path: Path) -> None:
    ads = tmp_path / "ads"
    ads.mkdir()
    for name in ("jo-doe.YML", "jo-doe.yaml", "Jo-Doe.yml", "jo-doe.yml"):
        (ads / name).write_text("mine\n", "utf-8")
        result = new_ad(tmp_path)
        assert result.returncode == 1, name
        assert result.stderr == (
            f"ads/{name}:1:1: error: 'jo-doe' exists already; choose another id (--id) "
            "or edit that file\n"
        )
        assert [p.name for p in ads.iterdir()] == [name]
        assert (ads / name).read_text("utf-8") == "mine\n"
        (ads / name).unlink()


def test_new_ad_never_follows_a_link(tmp_path: Path) -> None:
    root, outside = tmp_path / "repo", tmp_path / "outside"
    (root / "ads").mkdir(parents=True)
    (root / "ads" / "jo-doe.yml").symlink_to(outside / "jo-doe.yml")  # dangling
    result = new_ad(root)
    assert result.returncode == 1 and "'jo-doe' exists already" in result.stderr
    (root / "ads" / "jo-doe.yml").unlink()
    (root / "ads").rmdir()
    outside.mkdir()
    (root / "ads").symlink_to(outside, target_is_directory=True)
    result = new_ad(root)
    assert result.returncode == 1
    assert result.stderr == (
        "ads:1:1: error: ads/ is not a folder of this repository; restore it\n"
    )
    assert not outside.exists() or not any(outside.iterdir())


def test_sixteen_runs_at_once_write_one_ad(tmp_path: Path) -> None:
    given = [part for option, value in ANSWERS.items() for part in (option, value)]
    argv = [TANDEM, "new-ad", "--root", str(tmp_path), "--name", "Jo Doe", *given]
    runs = [
        subprocess.Popen(
            [*argv, "--contact", f"run-{n}@example.com"],
            env=build_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(16)
    ]
    results = [(run.communicate(timeout=120), run.returncode) for run in runs]
    wrote = [n for n, ((out, _), code) in enumerate(results) if out.startswith("wrote ")]
    assert len(wrote) == 1
    assert all(code == 1 for n, (_, code) in enumerate(results) if n not in wrote)
    assert all("'jo-doe' exists already" in err for (_, err), code in results if code)
    text = (tmp_path / "ads" / "jo-doe.yml").read_text("utf-8")
    assert f"contact: run-{wrote[0]}@example.com" in text
    assert [p.name for p in (tmp_path / "ads").iterdir()] == ["jo-doe.yml"]


def test_new_ad_refuses_an_unknown_level(tmp_path: Path) -> None:
    result = new_ad(tmp_path, "--offer", "Excel:intermediate")
    assert result.returncode == 2
    assert (
        "'Excel:intermediate': 'intermediate' is not a level; write one of basic, advanced, "
        "expert after ':' (e.g. 'Excel:advanced')" in result.stderr
    )
    assert not (tmp_path / "ads").exists()
    kept = new_ad(tmp_path, "--offer", "ISO 27001:2022", "--offer", "SAP:FI:Expert")
    assert kept.returncode == 0, kept.stderr
    text = (tmp_path / "ads" / "jo-doe.yml").read_text("utf-8")
    assert "- skill: ISO 27001:2022\n  level: advanced\n" in text
    assert "- skill: SAP:FI\n  level: expert\n" in text


def test_new_ad_names_a_bad_option_with_the_schema_s_words(tmp_path: Path) -> None:
    cases = {
        ("--languages", "Spanish, English"): "use two-letter ISO 639-1 codes such as de, en",
        ("--hours", "lots"): "'lots' is not a number (write a number such as 1.5)",
        ("--hours", "30"): "30 is more than the maximum 20",
        ("--weeks", "1.5"): "1.5 is not a whole number",
        ("--owner", "Jo Doe"): "write your GitHub or GitLab login",
        ("--expires", "2028-01-01"): "is more than 12 months after posted (2026-11-23)",
    }
    for (option, value), message in cases.items():
        result = new_ad(tmp_path, option, value)
        assert result.returncode == 2, option
        assert f"Invalid value for {option}: " in result.stderr and message in result.stderr
    assert not (tmp_path / "ads").exists()
    assert new_ad(tmp_path, "--hours", "1,5").returncode == 0
    assert "hours_per_week: 1.5\n" in (tmp_path / "ads" / "jo-doe.yml").read_text("utf-8")


def test_new_ad_at_the_end_of_the_calendar(tmp_path: Path) -> None:
    late = tandem("new-ad", "--root", str(tmp_path), "--name", "Jo Doe", "--today", "9999-07-01")
    assert late.returncode == 2
    assert (
        "Invalid value for --today: 6 months after 9999-07-01 is past the last date there "
        "is (9999-12-31)" in late.stderr
    )
    assert not (tmp_path / "ads").exists()


def test_new_ad_in_a_terminal_asks_again_and_keeps_every_answer(tmp_path: Path) -> None:
    from test_cli import answer_prompts

    prompts = [
        ("Your name", "Index"),
        ("Id for your ad", "index-fan"),
        ("Your GitHub or GitLab login", "J Schulz"),
        ("Your GitHub or GitLab login", "jschulz"),
        ("Location", "Wien"),
        ("Languages", "Spanish, English"),
        ("Languages", "es, EN"),
        ("You offer", "Excel:intermediate"),
        ("You offer", "Excel:expert; Moderation"),
        ("You seek", "Python:Automate reports"),
        ("Hours per week", "lots"),
        ("Hours per week", "1,5"),
        ("Weeks, a whole number such as 12", "12.5"),
        ("Weeks", "12"),
        ("Contact", "@jschulz"),
    ]
    screen = answer_prompts([TANDEM, "new-ad", "--root", str(tmp_path)], prompts)
    for hint in (
        "'index' is a name the site keeps for its own pages",
        "write your GitHub or GitLab login, e.g. jschulz); please try again",
        "use two-letter ISO 639-1 codes such as de, en, fr); please try again",
        "'intermediate' is not a level; write one of basic, advanced, expert",
        "'lots' is not a number (write a number such as 1.5); please try again",
        "12.5 is not a whole number (write a whole number such as 12); please try again",
    ):
        assert hint in screen
    data = yaml.safe_load((tmp_path / "ads" / "index-fan.yml").read_text("utf-8"))
    assert (data["name"], data["owner"], data["location"]) == ("Index", "jschulz", "Wien")
    assert data["languages"] == ["es", "en"]
    assert data["offers"] == [
        {"skill": "Excel", "level": "expert"},
        {"skill": "Moderation", "level": "advanced"},
    ]
    assert data["commitment"] == {"hours_per_week": 1.5, "weeks": 12}


def test_a_pipe_named_like_an_ad_is_refused_not_read(tmp_path: Path) -> None:
    """Reading a named pipe would wait for a writer forever."""
    (tmp_path / "ads").mkdir()
    os.mkfifo(tmp_path / "ads" / "pipe.yml")
    result = tandem("validate", "--root", str(tmp_path), "--today", TODAY)
    assert result.returncode == 1
    assert result.stdout == "ads/pipe.yml:1:1: error: not a regular file; commit a file\n"
    assert tandem("expire", "--root", str(tmp_path), "--close").returncode == 0


def test_a_data_folder_that_is_a_link_is_refused_not_read(tmp_path: Path) -> None:
    root, outside = tmp_path / "repo", tmp_path / "outside"
    outside.mkdir()
    (outside / "hosts.yml").write_text("github.com: {oauth_token: secret}\n", "utf-8")
    root.mkdir()
    (root / "partnerships").symlink_to(outside, target_is_directory=True)
    result = tandem("validate", "--root", str(root), "--today", TODAY)
    assert result.returncode == 1
    assert result.stdout == (
        "partnerships:1:1: error: partnerships/ is a symbolic link; commit the folder itself\n"
    )


def test_a_taxonomy_that_is_a_link_is_refused_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text("skills: [{name: Secret}]\n", "utf-8")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "skills.yml").symlink_to(outside)
    result = tandem("validate", "--root", str(tmp_path / "repo"), "--today", TODAY)
    assert result.returncode == 1
    assert result.stdout == (
        "skills.yml:1:1: error: not a regular file (a link?); commit the file itself\n"
    )


def test_a_bad_source_date_epoch_is_named(tmp_path: Path) -> None:
    env = {k: v for k, v in build_env().items() if k != "TANDEM_TODAY"}
    for epoch in ("99999999999999999", "soon"):
        result = subprocess.run(
            [TANDEM, "validate", "--root", str(tmp_path)],
            env={**env, "SOURCE_DATE_EPOCH": epoch},
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 2, result.stderr
        assert f"$SOURCE_DATE_EPOCH is '{epoch}', not seconds since 1970" in result.stderr
