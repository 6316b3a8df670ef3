"""Chart geometry: every coordinate of the site's SVG charts, so templates hold no numbers.

The package timeline is drawn on a viewBox `WIDTH` units wide: labels on the left, the track
from `LEFT` to `RIGHT`. The statistics' bars are percentages of a small stretched viewBox.
Templates place what these functions return and add only class names and text.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from generator.data.model import Package, Partnership

WIDTH = 1000
LEFT = 340  # where the track starts; the labels take the space before it
TRACK = 640
RIGHT = LEFT + TRACK
RADIUS = 3  # rounded corners of every bar


# --- bar charts (statistics) -------------------------------------------------------------------
# Drawn as rows of HTML (label, bar, count), so labels are text at the page's own size on every
# screen; only the bar is an SVG, stretched across its row like the supply bars below.

BAR_SCALE = 100  # a bar's viewBox is this wide: lengths are percentages of the largest count
BAR_MIN_LENGTH = 1  # an empty row still shows a sliver


@dataclass(frozen=True)
class Bar:
    key: str
    count: int
    length: float  # percent of the largest count, at least BAR_MIN_LENGTH


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    width: int = BAR_SCALE
    height: int = 10


def bar_chart(counts: Counter[str], order: Iterable[str]) -> BarChart:
    """One bar per key in a fixed order, each as long as its share of the largest count."""
    largest = max(counts.values(), default=0) or 1
    return BarChart(
        tuple(
            Bar(
                key=key,
                count=counts.get(key, 0),
                length=max(round(BAR_SCALE * counts.get(key, 0) / largest, 1), BAR_MIN_LENGTH),
            )
            for key in order
        )
    )


# --- supply and demand, one small stacked bar per skill ----------------------------------------

SUPPLY_SCALE = 100  # the small bar's viewBox is this wide: widths are percentages


@dataclass(frozen=True)
class SupplyBar:
    offered: float  # width of the offers part, which the sought part follows
    sought: float
    width: int = SUPPLY_SCALE
    height: int = 10
    shown_width: int = 160  # on the page, stretched to this size
    shown_height: int = 12


def supply_bar(offered: int, sought: int, *, largest: int) -> SupplyBar:
    """Offers and seeks of one skill, stacked, against the skill with the most of both."""
    return SupplyBar(
        offered=round(SUPPLY_SCALE * offered / largest, 1),
        sought=round(SUPPLY_SCALE * sought / largest, 1),
    )


# --- the package timeline of a partnership ------------------------------------------------------

TIMELINE_ROW, TIMELINE_BAR = 30, 16
TIMELINE_MIN_WIDTH = 8.0  # a package due on its first day still shows
AXIS_SPACE = 24  # below the last bar, for the start and end dates


@dataclass(frozen=True)
class TimelineBar:
    package: Package
    x: float
    w: float
    bar_y: int
    label_y: int


@dataclass(frozen=True)
class Timeline:
    bars: tuple[TimelineBar, ...]
    start: dt.date
    end: dt.date
    today_x: float | None
    height: int
    axis_y: int
    today_bottom: int
    width: int = WIDTH
    left: int = LEFT
    right: int = RIGHT
    track: int = TRACK
    bar_height: int = TIMELINE_BAR
    radius: int = RADIUS


def package_timeline(p: Partnership, *, today: dt.date) -> Timeline | None:
    """A Gantt-like timeline: each package from the teacher's previous due date (or
    `started`) to its own due date; None without packages."""
    if not p.packages:
        return None
    end = max([pk.due for pk in p.packages] + [p.planned_end or p.started])
    span = max((end - p.started).days, 1)

    def x(day: dt.date) -> float:
        return round(LEFT + TRACK * (day - p.started).days / span, 1)

    bars = []
    previous: dict[str, dt.date] = {}
    for index, pk in enumerate(sorted(p.packages, key=lambda k: (k.due, k.title))):
        start = min(previous.get(pk.teacher, p.started), pk.due)
        previous[pk.teacher] = pk.due
        y = TIMELINE_ROW * index + 4
        bars.append(
            TimelineBar(
                package=pk,
                x=x(start),
                w=max(x(pk.due) - x(start), TIMELINE_MIN_WIDTH),
                bar_y=y + 3,
                label_y=y + 16,
            )
        )
    height = TIMELINE_ROW * len(bars) + AXIS_SPACE
    return Timeline(
        bars=tuple(bars),
        start=p.started,
        end=end,
        today_x=x(today) if p.started <= today <= end else None,
        height=height,
        axis_y=height - 4,
        today_bottom=height - 18,
    )
