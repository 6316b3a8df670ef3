"""The marketplace in headless Chromium: what a visitor downloads, how still the page holds,
and how fast the filters answer.

    python -m benchmarks.marketplace SITE [--runs 5] [--json]

SITE is a built site (`mkdocs build -d SITE`, e.g. of `python -m benchmarks.synth`). Served on
127.0.0.1, it measures:

- first view: the bytes of `ads/index.html` (and gzipped, as a server would send it), and
  how many cards it holds;
- data: the bytes of `ads/index.json`, fetched once when someone filters or asks for more;
- layout shift: the cumulative layout shift of loading `/ads/` (PerformanceObserver,
  `layout-shift` entries without recent input), desktop 1280 px and phone 390 px;
- keystrokes: in the page, `performance.now()` from setting the search box and dispatching
  its `input` event until the page is laid out again (the filter pass, the cards written,
  style and layout), for each letter of a few words typed one by one once the data is in;
  median, 95th percentile and worst; and, apart, until the next frame; and the main
  thread's CPU time per keystroke (Chrome's `ThreadTime`), which a busy machine does not
  inflate. Also the time from the first focus to the data being fetched and indexed.

Figures, not tests: the machine is shared, so read medians. Needs selenium, /usr/bin/chromium
and /usr/bin/chromedriver.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tools.browser import serve, start_chromium

WORDS = ("kubernetes", "python", "zürich", "mueller", "kuberntes")
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}

# Layout shifts of the page so far; `buffered` includes those before the observer existed.
CLS_SCRIPT = """
const done = arguments[arguments.length - 1];
let total = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
}).observe({type: "layout-shift", buffered: true});
requestAnimationFrame(() => setTimeout(() => done(total), 500));
"""

# Focus the search box (which fetches the data) and wait until a filter answers from it.
LOADING_SCRIPT = """
const done = arguments[arguments.length - 1];
const box = document.querySelector("#tandem-filters input[name=q]");
const results = document.getElementById("tandem-results");
const start = performance.now();
box.focus();
box.value = "a";
box.dispatchEvent(new Event("input", {bubbles: true}));
(async () => {
  while (results.hidden) await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  done(performance.now() - start);
})();
"""

# Type each word letter by letter. Each keystroke is timed from dispatching its `input` event
# until the page is laid out again (reading `offsetHeight` forces style and layout at once):
# the work the keystroke causes before the browser can paint. The wait for the next frame is
# measured apart, because on a loaded machine the compositor's schedule, not the page, decides
# it.
TYPING_SCRIPT = """
const [words, done] = [arguments[0], arguments[arguments.length - 1]];
const box = document.querySelector("#tandem-filters input[name=q]");
const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
const type = text => {
  box.value = text;
  box.dispatchEvent(new Event("input", {bubbles: true}));
  return document.body.offsetHeight;
};
(async () => {
  const times = [], frames = [];
  for (const word of words) {
    type("");
    await frame();
    for (let i = 1; i <= word.length; i++) {
      const t0 = performance.now();
      type(word.slice(0, i));
      const t1 = performance.now();
      await frame();
      times.push(t1 - t0);
      frames.push(performance.now() - t0);
    }
  }
  done({times, frames, keystrokes: times.length + words.length});
})();
"""


def chromium() -> Any:
    return start_chromium()


def sizes(site: Path) -> dict[str, int]:
    page = (site / "ads" / "index.html").read_bytes()
    data = (site / "ads" / "index.json").read_bytes()
    return {
        "first_view_bytes": len(page),
        "first_view_gzip_bytes": len(gzip.compress(page)),
        "first_view_cards": page.count(b'<article class="tandem-card"'),
        "data_bytes": len(data),
        "data_gzip_bytes": len(gzip.compress(data)),
        "data_ads": len(json.loads(data)["ads"]),
    }


def layout_shift(driver: Any, url: str, *, phone: bool) -> float:
    if phone:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        driver.get("about:blank")
        driver.get(url)
        return float(driver.execute_async_script(CLS_SCRIPT))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def keystrokes(driver: Any, url: str) -> dict[str, Any]:
    """The keystrokes' times, and the main thread's CPU time per keystroke (the cards
    written after the frame included), which a busy machine does not inflate."""
    driver.get("about:blank")
    driver.get(url)
    driver.set_script_timeout(120)
    loaded = driver.execute_async_script(LOADING_SCRIPT)
    driver.execute_cdp_cmd("Performance.enable", {"timeDomain": "threadTicks"})
    before = _thread_time(driver)
    found: dict[str, Any] = driver.execute_async_script(TYPING_SCRIPT, list(WORDS))
    cpu = _thread_time(driver) - before
    driver.execute_cdp_cmd("Performance.disable", {})
    return {**found, "loaded": loaded, "cpu_ms": 1000 * cpu / found["keystrokes"]}


def _thread_time(driver: Any) -> float:
    metrics = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    return float(next(m["value"] for m in metrics if m["name"] == "ThreadTime"))


def measure(site: Path, *, runs: int) -> dict[str, Any]:
    figures: dict[str, Any] = sizes(site)
    driver = chromium()
    try:
        with serve(site) as root:
            url = root + "ads/"
            figures["cls_desktop"] = max(
                layout_shift(driver, url, phone=False) for _ in range(runs)
            )
            figures["cls_phone"] = max(layout_shift(driver, url, phone=True) for _ in range(runs))
            times: list[float] = []
            frames: list[float] = []
            loads: list[float] = []
            cpu: list[float] = []
            for _ in range(runs):
                found = keystrokes(driver, url)
                times += found["times"]
                frames += found["frames"]
                loads.append(found["loaded"])
                cpu.append(found["cpu_ms"])
    finally:
        driver.quit()
    figures["keystroke_ms_median"] = round(statistics.median(times), 1)
    figures["keystroke_ms_p95"] = round(sorted(times)[int(0.95 * (len(times) - 1))], 1)
    figures["keystroke_ms_max"] = round(max(times), 1)
    figures["keystrokes"] = len(times)
    figures["keystroke_to_frame_ms_median"] = round(statistics.median(frames), 1)
    figures["keystroke_cpu_ms"] = round(statistics.median(cpu), 1)
    figures["data_load_ms_median"] = round(statistics.median(loads), 1)
    return figures


def describe(figures: dict[str, Any]) -> str:
    kb = 1024
    return "\n".join(
        (
            f"first view (ads/index.html): {figures['first_view_bytes'] / kb:.0f} KB, "
            f"{figures['first_view_gzip_bytes'] / kb:.0f} KB gzipped, "
            f"{figures['first_view_cards']} cards",
            f"data (ads/index.json): {figures['data_bytes'] / kb:.0f} KB, "
            f"{figures['data_gzip_bytes'] / kb:.0f} KB gzipped, {figures['data_ads']} ads",
            f"layout shift on /ads/: {figures['cls_desktop']:.3f} desktop, "
            f"{figures['cls_phone']:.3f} phone (worst of the runs)",
            f"keystroke to a laid-out page: median {figures['keystroke_ms_median']} ms, "
            f"95th percentile {figures['keystroke_ms_p95']} ms, "
            f"worst {figures['keystroke_ms_max']} ms ({figures['keystrokes']} keystrokes); "
            f"to the next frame: median {figures['keystroke_to_frame_ms_median']} ms",
            f"main-thread CPU per keystroke, the cards written after the frame included: "
            f"{figures['keystroke_cpu_ms']} ms (median of the runs)",
            f"first focus to data fetched and indexed: {figures['data_load_ms_median']} ms "
            "(median)",
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.marketplace", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("site", type=Path, help="a built site (mkdocs build -d SITE)")
    parser.add_argument("--runs", type=int, default=5, help="page loads per figure")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (args.site / "ads" / "index.json").is_file():
        parser.error(f"{args.site}: no ads/index.json; give a site built with this checkout")
    figures = measure(args.site, runs=max(1, args.runs))
    print(json.dumps(figures, indent=2) if args.json else describe(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
