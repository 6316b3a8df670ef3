"""A preview's rebuild after an edit equals a fresh build of the edited tree, file for file.

`mkdocs serve` keeps the plugin, and with it what the last build checked, matched, compiled
and rendered (generator/preview.py). tools/preview.py rebuilds as serve's builder does,
after each kind of edit; each site is held to the first build of a fresh process on a copy
of the tree as it stood then.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, build_env
from jinja2 import DictLoader, Environment

from generator.preview import KeptOutputs, shown

Step = dict[str, str | None]


def run_preview(root: Path, out: Path, steps: list[Step]) -> list[dict[str, float]]:
    """tools.preview's builds of `root`, one per step after the first, copied to `out`."""
    steps_file = out.parent / f"{out.name}-steps.json"
    steps_file.write_text(json.dumps(steps), "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "tools.preview", str(root), str(out), str(steps_file)],
        cwd=REPO,
        env=build_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def assert_same_site(rebuilt: Path, fresh: Path) -> None:
    kept, made = site_files(rebuilt), site_files(fresh)
    assert sorted(kept) == sorted(made)
    differing = [name for name in kept if kept[name] != made[name]]
    assert differing == []


def edited(root: Path, name: str, old: str, new: str) -> str:
    text = (root / name).read_text("utf-8")
    assert old in text, f"{name} no longer says {old!r}"
    return text.replace(old, new, 1)


JANA = "ads/jana-schulz.yml"
LOG = "partnerships/negotiation-and-numbers.yml"
THEME = "theme/main.html"  # compiled templates are kept: an edit must still show
LINKED = "ads/priya-raman.yml"  # among other ads' suggested partners and circles, in no log
MEMBER = "ads/lucia-fernandez.yml"  # in circles of ads whose partner she is not
PARTNER = "ads/markus-schneider.yml"  # a partner in a log: named on its page
LEAVING = "ads/james-wilson.yml"  # a partner in a log: linked while live, named after
ENGLISH = "partials/languages/en.html"  # Material's English words, on every page


def edits(root: Path) -> list[tuple[str, Step]]:
    """Each kind of edit a preview sees, in order, each made on the tree the last one left."""
    jana = (root / JANA).read_text("utf-8")
    docker = edited(root, JANA, "skill: Kubernetes", "skill: Docker")
    nav = edited(root, "mkdocs.yml", "- stats/index.md", "- Numbers: stats/index.md")
    english = _material_words()
    priya = edited(root, LINKED, "Priya Raman", "Priya Raman-Ek")
    return [
        ("a skill changes", {JANA: docker}),
        ("an ad is added", {"ads/new-person.yml": jana.replace("Jana Schulz", "New Person")}),
        ("an ad is deleted", {"ads/new-person.yml": None}),
        (
            "a comment only",
            {JANA: edited(root, JANA, "skill: Kubernetes", "skill: Docker") + "#\n"},
        ),
        ("a log changes", {LOG: edited(root, LOG, "Negotiation", "Negotiating")}),
        ("skills.yml", {"skills.yml": edited(root, "skills.yml", "aliases: [py,", "aliases: [")}),
        (
            "a suggested partner in a circle changes name and contact",
            {LINKED: priya.replace("priya.raman@example.com", "https://example.org/priya")},
        ),
        (
            "a circle member is renamed",
            {MEMBER: edited(root, MEMBER, "Lucía Fernández", "Lucía Fernández-Ek")},
        ),
        ("a guide changes", {"docs/tips.md": edited(root, "docs/tips.md", "#", "# Edited:")}),
        (
            "a theme template changes",
            {THEME: edited(root, THEME, "nofollow", "nofollow, noarchive")},
        ),
        ("an ad that other pages link is deleted", {LINKED: None}),
        ("a person is renamed", {PARTNER: edited(root, PARTNER, "Schneider", "Schneider-Ek")}),
        (
            "an ad leaves the market",
            {LEAVING: edited(root, LEAVING, "status: open", "status: paused")},
        ),
        ("the nav changes", {"mkdocs.yml": nav}),
        ("the theme's words change", {f"theme/{ENGLISH}": english}),
        ("the edit is undone", {JANA: jana}),
        (
            "the site's language changes",
            {"mkdocs.yml": nav.replace("language: en", "language: de")},
        ),
    ]


KEPT_AFTER = {"a skill changes", "a comment only", "a log changes", "the edit is undone"}
KEPT_AFTER |= {"an ad that other pages link is deleted", "a person is renamed"}
KEPT_AFTER |= {"an ad leaves the market", "an ad is added", "an ad is deleted"}
KEPT_AFTER |= {
    "a suggested partner in a circle changes name and contact",
    "a circle member is renamed",
}
"""Edits after which the preview must take pages unrendered from the last build (so the
comparison with a fresh build holds that path to it)."""
RENDERS_FEW = {"an ad is added", "an ad is deleted", "an ad that other pages link is deleted"}
RENDERS_FEW |= {"a person is renamed", "an ad leaves the market"}
"""Edits after which Tandem renders again only the bodies that show or name the ad: each body
notes which names and live ids it looked up."""
VIEWS_FEW = RENDERS_FEW | {"a skill changes", "a comment only", "a log changes"}
VIEWS_FEW |= {"a suggested partner in a circle changes name and contact", "the edit is undone"}
VIEWS_FEW |= {"a circle member is renamed"}
"""Edits after which Tandem's views make again fewer than half the contexts: a page whose
view reads nothing that changed keeps its context (`views.Inputs`)."""


def _material_words() -> str:
    import material

    path = Path(material.__file__).parent / "templates" / ENGLISH
    return path.read_text("utf-8").replace("Skip to content", "Skip to the content")


@pytest.fixture()
def two_trees(site_root, tmp_path: Path) -> tuple[Path, Path]:
    """The sample twice: one for the preview, one for fresh builds of each state."""
    previewed = site_root(sample=True)
    fresh = tmp_path / "fresh-tree"
    shutil.copytree(previewed, fresh)
    return previewed, fresh


def test_every_rebuild_equals_a_fresh_build(two_trees, tmp_path: Path) -> None:
    previewed, fresh = two_trees
    steps = edits(previewed)
    times = run_preview(previewed, tmp_path / "kept", [step for _, step in steps])
    assert len(times) == len(steps) + 1
    kept = {what: times[number]["kept"] for number, (what, _) in enumerate(steps, start=1)}
    assert [what for what in KEPT_AFTER if kept[what] == 0] == []
    rendered = {what: times[number]["rendered"] for number, (what, _) in enumerate(steps, 1)}
    assert [what for what in RENDERS_FEW if rendered[what] * 2 > times[0]["rendered"]] == []
    viewed = {what: times[number]["viewed"] for number, (what, _) in enumerate(steps, 1)}
    assert [what for what in VIEWS_FEW if viewed[what] * 2 > times[0]["viewed"]] == []
    for number, (what, step) in enumerate(steps, start=1):
        for name, text in step.items():
            if text is None:
                (fresh / name).unlink()
            else:
                (fresh / name).parent.mkdir(parents=True, exist_ok=True)
                (fresh / name).write_text(text, "utf-8")
        run_preview(fresh, tmp_path / f"fresh-{number}", [])
        print(what)  # shown when the comparison below fails
        assert_same_site(tmp_path / "kept" / str(number), tmp_path / f"fresh-{number}" / "0")


def test_an_invalid_edit_shows_its_errors_and_the_fix_equals_a_fresh_build(
    two_trees, tmp_path: Path
) -> None:
    previewed, fresh = two_trees
    jana = (previewed / JANA).read_text("utf-8")
    broken = jana.replace("hours_per_week: 2", "hours_per_week: lots")
    place = f"{JANA}:{broken[: broken.index('lots')].count(chr(10)) + 1}"
    steps: list[Step] = [{JANA: broken}, {JANA: jana.replace("weeks: 12", "weeks: 10")}]
    run_preview(previewed, tmp_path / "kept", steps)

    page = (tmp_path / "kept" / "1" / "ads" / "jana-schulz" / "index.html").read_text("utf-8")
    assert "tandem-problems" in page and place in page
    assert "hours_per_week: &#39;lots&#39; is not a number" in page

    (fresh / JANA).write_text(steps[1][JANA] or "", "utf-8")
    run_preview(fresh, tmp_path / "fresh", [])
    assert_same_site(tmp_path / "kept" / "2", tmp_path / "fresh" / "0")


def test_the_rebuild_benchmark_runs_and_each_edit_changes_an_ad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks import serve
    from benchmarks.synth import DEFAULT_TODAY, write_site

    root = tmp_path / "tree"
    write_site(root, ads=30, logs=6, today=DEFAULT_TODAY, repo=REPO)
    for step in serve.edits(root):
        ((name, text),) = step.items()
        if (root / name).exists():
            assert text != (root / name).read_text("utf-8")
    serve.main([str(root), "--rounds", "1"])
    printed = capsys.readouterr().out
    assert printed.count("s as MkDocs reports") == 6
    assert "median of 6 rebuilds" in printed


def _env(templates: dict[str, str]) -> Environment:
    return Environment(loader=DictLoader(templates), autoescape=True)


MAIN = {"main.html": "{{ nav }} {{ page }}"}


def _kept_once(context: dict[str, str | None], fixed: dict[str, str | None]) -> KeptOutputs:
    """Outputs kept from one build whose page render read `nav` and `page`."""
    kept = KeptOutputs()
    env = _env(MAIN)
    kept.start(env, context=context, fixed=fixed)
    assert env.get_template("main.html").render(nav="a", page="p", pages="1") == "a p"
    kept.keep("x.md", ("x", "body"), b"a p")
    kept.finish()
    assert kept.read >= {"nav", "page"} and "pages" not in kept.read
    return kept


def test_kept_outputs_are_reused_while_the_page_and_what_its_render_read_are_the_same() -> None:
    kept = _kept_once({"nav": "a", "pages": "1"}, {"day": "d"})
    kept.start(_env(MAIN), context={"nav": "a", "pages": "2"}, fixed={"day": "d"})  # not read
    assert kept.reuse("x.md", ("x", "other body")) is None
    assert kept.reuse("x.md", ("x", "body")) == b"a p"


@pytest.mark.parametrize(
    ("context", "fixed"),
    [({"nav": "b", "pages": "1"}, {"day": "d"}), ({"nav": "a", "pages": "1"}, {"day": "e"})],
)
def test_kept_outputs_are_dropped_when_a_site_wide_input_changes(
    context: dict[str, str | None], fixed: dict[str, str | None]
) -> None:
    kept = _kept_once({"nav": "a", "pages": "1"}, {"day": "d"})
    kept.start(_env(MAIN), context=context, fixed=fixed)
    assert kept.reuse("x.md", ("x", "body")) is None


def test_kept_outputs_are_dropped_when_a_template_they_loaded_changes_or_moves() -> None:
    kept = KeptOutputs()
    env = _env({"main.html": "{% include 'part.html' %}", "part.html": "x"})
    kept.start(env, context={}, fixed={})
    env.get_template("main.html").render(page="p")
    kept.keep("x.md", "key", b"x")
    kept.finish()
    assert set(kept.templates) == {"main.html", "part.html"}
    same = {"main.html": "{% include 'part.html' %}", "part.html": "x"}
    kept.start(_env(same), context={}, fixed={})
    assert kept.reuse("x.md", "key") == b"x"
    kept.finish()
    for changed in [same | {"part.html": "y"}, {"main.html": same["main.html"]}]:
        kept.start(_env(changed), context={}, fixed={})
        assert kept.reuse("x.md", "key") is None


def test_a_value_shown_by_its_address_is_never_the_same() -> None:
    kept = KeptOutputs()
    marker = object()
    kept.start(_env({}), context={}, fixed={"odd": shown(marker)})
    kept.keep("x.md", "key", b"x")
    kept.finish()
    kept.start(_env({}), context={}, fixed={"odd": shown(marker)})
    assert kept.reuse("x.md", "key") is None


def test_the_rebuild_benchmark_refuses_a_tree_with_errors_on_its_day(tmp_path: Path) -> None:
    """A preview of a tree with errors shows them and renders nothing: timing it says
    nothing of a rebuild (the synthetic trees are valid only from the day they were made)."""
    from benchmarks import serve
    from benchmarks.synth import write_site

    root = tmp_path / "tree"
    write_site(root, ads=12, logs=2, today=dt.date(2026, 12, 1), repo=REPO)
    with pytest.raises(SystemExit, match="has errors on 2026-01-01"):
        serve.main([str(root), "--rounds", "1", "--today", "2026-01-01"])
