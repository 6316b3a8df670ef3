"""A real `mkdocs serve`: while the data has errors every request is answered, with the errors.

MkDocs 1.6 holds every request while a rebuild has failed; these tests would wait forever
there, so every request has a deadline. Rebuilds are awaited through livereload's own
long poll (`/livereload/<epoch>/<id>` answers when a newer build is visible), not by sleeping.
"""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import build_env

VALID = Path(__file__).parent / "examples" / "valid"
STARTUP = 120  # seconds for the first build on a busy machine
ANSWER = 60  # seconds for any one request, rebuild included
GOOD = "hours_per_week: 1.5"
BROKEN = "hours_per_week: lots\n  <b>bold</b>: 1"


def place_of_hours(ad: str) -> str:
    """Where validation reports the broken `hours_per_week` value of `ad`."""
    assert GOOD in ad, "the example ad no longer says " + GOOD
    before = ad[: ad.index(GOOD)]
    line, col = before.count("\n") + 1, len(before) - before.rfind("\n") + len("hours_per_week: ")
    return f"ads/jana-schulz.yml:{line}:{col}"


PROBLEM = place_of_hours((VALID / "ads" / "jana-schulz.yml").read_text("utf-8"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Preview:
    """A running `mkdocs serve` and the requests made to it."""

    def __init__(self, root: Path, port: int, log: Path) -> None:
        self.root, self.url, self.log = root, f"http://127.0.0.1:{port}", log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                cwd=root,
                env=build_env(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def get(self, path: str, *, timeout: float = ANSWER) -> str:
        """The page's HTML; fails when no answer comes within `timeout` seconds."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:  # noqa: S310
                return str(response.read().decode("utf-8"))
        except (TimeoutError, urllib.error.URLError) as exc:
            if isinstance(exc, TimeoutError) or isinstance(exc.reason, TimeoutError):
                pytest.fail(f"GET {path}: no answer in {timeout:.0f} s\n{self.output()}")
            raise

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline:
            try:
                self.get("/", timeout=ANSWER)
                return
            except urllib.error.URLError:  # not listening yet
                self.wait_for_exit(0.2)
        pytest.fail(f"mkdocs serve did not answer in {STARTUP} s\n{self.output()}")

    def wait_for_exit(self, seconds: float) -> None:
        """Wait up to `seconds`, and fail at once if the server has exited."""
        try:
            code = self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return
        pytest.fail(f"mkdocs serve exited with {code}\n{self.output()}")

    def page_when(self, path: str, ready: Callable[[str], bool]) -> str:
        """The page once `ready` holds for it; each rebuild is awaited by livereload's poll."""
        deadline = time.monotonic() + ANSWER
        page = self.get(path)
        while not ready(page):
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"GET {path}: never ready in {ANSWER} s\n{page}\n{self.output()}")
            epoch = re.search(r"livereload\((\d+), \d+\)", page)
            assert epoch, "livereload's script is missing from the page"
            self.get(f"/livereload/{epoch[1]}/1", timeout=left)
            page = self.get(path)
        return page

    def output(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def write(path: Path, text: str) -> None:
    """Replace a file in one step, so the watcher never sees it half-written."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, "utf-8")
    os.replace(temporary, path)


@pytest.fixture()
def serve(site_root: Callable[..., Path], tmp_path: Path) -> Iterator[Callable[[str], Preview]]:
    """Start `mkdocs serve` on the valid example tree with Jana's ad as given."""
    previews: list[Preview] = []
    files = {
        f"{folder}/{f.name}": f.read_bytes()
        for folder in ("ads", "partnerships")
        for f in (VALID / folder).glob("*.y*ml")
    }

    def start(commitment: str) -> Preview:
        jana = files["ads/jana-schulz.yml"].decode().replace(GOOD, commitment)
        root = site_root({**files, "ads/jana-schulz.yml": jana})
        previews.append(Preview(root, free_port(), tmp_path / "serve.log"))
        previews[-1].wait_until_up()
        return previews[-1]

    try:
        yield start
    finally:
        for preview in previews:
            preview.stop()


def lists_the_problem(page: str) -> bool:
    return PROBLEM in page and "hours_per_week: 'lots' is not a number" in html.unescape(page)


def test_a_rebuild_with_errors_keeps_the_last_good_page_and_shows_them(serve) -> None:
    preview = serve(GOOD)
    assert "Jana Schulz" in preview.get("/ads/jana-schulz/")
    ad = preview.root / "ads" / "jana-schulz.yml"
    good = ad.read_text("utf-8")

    write(ad, good.replace(GOOD, BROKEN))
    page = preview.page_when("/ads/jana-schulz/", lists_the_problem)
    assert "Jana Schulz" in page  # the last good page, under the notice
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert lists_the_problem(preview.get("/"))  # every page carries the notice
    assert f"{PROBLEM}: error:" in preview.output()

    write(ad, good)
    page = preview.page_when("/ads/jana-schulz/", lambda p: PROBLEM not in p)
    assert "Jana Schulz" in page and "tandem-problems" not in page


def test_a_preview_started_with_errors_answers_with_them_and_comes_back(serve) -> None:
    preview = serve(BROKEN)
    home = preview.get("/")
    assert lists_the_problem(home)
    assert lists_the_problem(preview.get("/ads/"))  # nav entries answer, with the notice

    ad = preview.root / "ads" / "jana-schulz.yml"
    write(ad, ad.read_text("utf-8").replace(BROKEN, GOOD))
    page = preview.page_when("/ads/", lambda p: PROBLEM not in p)
    assert "Jana Schulz" in page and "tandem-problems" not in page
    assert "Jana Schulz" in preview.get("/ads/jana-schulz/")
