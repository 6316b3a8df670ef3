"""Debian's headless Chromium and a built site served on 127.0.0.1: what the browser tests,
the screenshots (`tools.screenshots`) and the marketplace benchmark (`benchmarks.marketplace`)
share, so that each starts the browser the same way.

Selenium is imported only when a browser is started: importing this module needs nothing.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROME_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--window-size=1280,900",
)
"""Nothing reaches out: no background networking, updates, sync or QUIC."""


def have_chromium() -> bool:
    return CHROMIUM.is_file() and CHROMEDRIVER.is_file()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser that closes a connection early is no news here


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """A built site on 127.0.0.1 at a free port, for the duration of the block."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def start_chromium(
    *extra_args: str,
    profile: Path | None = None,
    prefs: Mapping[str, object] | None = None,
    logs: bool = False,
) -> Any:
    """A headless Chromium driven by Selenium, with CHROME_ARGS and `extra_args`; a fresh
    `profile` folder when given, Chromium `prefs`, and the browser's console and performance
    logs kept when `logs`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (*CHROME_ARGS, *extra_args):
        options.add_argument(arg)
    if profile is not None:
        options.add_argument(f"--user-data-dir={profile}")
    if prefs:
        options.add_experimental_option("prefs", dict(prefs))
    if logs:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
