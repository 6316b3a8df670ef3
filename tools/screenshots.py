"""The README's screenshots: every page type, desktop (1280 px) and phone (390 px), English
and German, taken in Debian's headless Chromium from real `mkdocs build`s of this repository.

    python -m tools.screenshots [--out docs/screenshots] [--today YYYY-MM-DD]

Writes `<page>-<lang>-<screen>.png` (the first screen of each page) into --out, replacing
what was there. Needs /usr/bin/chromium and /usr/bin/chromedriver, and selenium from
`pip install -e '.[test]'`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tools.browser import CHROMEDRIVER, CHROMIUM, have_chromium, serve, start_chromium

REPO = Path(__file__).resolve().parent.parent
SITE_FILES = ("mkdocs.yml", "docs", "theme", "skills.yml", "places.yml", "ads", "partnerships")
LANGUAGES = ("en", "de")
SCREENS = {"desktop": (1280, 800, False), "phone": (390, 844, True)}
PAGE_TYPES = ("home", "marketplace", "ad", "skill", "skills", "partnership", "partnerships",
              "stories", "stats", "guide", "post", "post-partnership")  # fmt: skip


def build_site(work: Path, *, language: str, today: str | None) -> Path:
    """A copy of the repository's site built in `work` with `theme.language: <language>`."""
    root = work / language
    root.mkdir(parents=True)
    for name in SITE_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.is_file():
            shutil.copy2(source, root / name)
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("\n  language: en", f"\n  language: {language}", 1), "utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **({"TANDEM_TODAY": today} if today else {}))
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", "site"]
    # A fixed command: this interpreter's mkdocs on a copy of the repository.
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise SystemExit(f"error: the {language} build failed:\n{result.stderr}")
    return root / "site"


def first_of(site: Path, folder: str) -> str:
    """The address of the first generated page in `folder` (an ad, a skill, a partnership)."""
    pages = sorted(p.parent.name for p in (site / folder).glob("*/index.html"))
    if not pages:
        raise SystemExit(f"error: the site has no page in {folder}/ to show")
    return f"{folder}/{pages[0]}/"


def page_paths(site: Path) -> dict[str, str]:
    return {
        "home": "",
        "marketplace": "ads/",
        "ad": first_of(site, "ads"),
        "skill": first_of(site, "skills"),
        "skills": "skills/",
        "partnership": first_of(site, "partnerships"),
        "partnerships": "partnerships/",
        "stories": "stories/",
        "stats": "stats/",
        "guide": "write-an-ad/",
        "post": "post/",
        "post-partnership": "post/partnership/",
    }


def start_browser() -> Any:
    return start_chromium("--hide-scrollbars")


def take(driver: Any, url: str, path: Path, *, screen: str) -> None:
    width, height, mobile = SCREENS[screen]
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )
    driver.get(url)
    driver.execute_async_script("requestAnimationFrame(() => requestAnimationFrame(arguments[0]))")
    driver.save_screenshot(str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--today", help="the build's day, YYYY-MM-DD (default: today)")
    args = parser.parse_args(argv)
    if not have_chromium():
        parser.error(
            f"needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.png"):
        old.unlink()
    driver = start_browser()
    try:
        with tempfile.TemporaryDirectory() as work:
            for language in LANGUAGES:
                site = build_site(Path(work), language=language, today=args.today)
                with serve(site) as base:
                    for page, path in page_paths(site).items():
                        for screen in SCREENS:
                            target = args.out / f"{page}-{language}-{screen}.png"
                            take(driver, base + path, target, screen=screen)
                            print(
                                target.relative_to(Path.cwd())
                                if target.is_relative_to(Path.cwd())
                                else target
                            )
    finally:
        driver.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
