"""Chart geometry for the analytics pages, drawn as inline SVG by the templates (no script,
nothing for the Content-Security-Policy to allow). Pure functions, no database access.

In a right-to-left language the horizontal axis runs from the right, as the text does: every
x position goes through `Frame.x`, which mirrors it."""

from __future__ import annotations

from dataclasses import dataclass

from clientbase.analytics.cost_to_serve import SegmentCost

WIDTH, HEIGHT = 480, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40  # the plot's margins (left/right swap in RTL)


@dataclass(frozen=True)
class Frame:
    rtl: bool
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def start(self) -> float:
        return float(RIGHT if self.rtl else LEFT)

    @property
    def plot_width(self) -> float:
        return float(self.width - LEFT - RIGHT)

    @property
    def plot_height(self) -> float:
        return float(self.height - TOP - BOTTOM)

    def x(self, share: float) -> float:
        """A 0..1 share along the horizontal axis, as a position (mirrored in RTL)."""
        share = min(max(share, 0.0), 1.0)
        if self.rtl:
            return round(self.width - LEFT - share * self.plot_width, 1)
        return round(LEFT + share * self.plot_width, 1)

    def y(self, share: float) -> float:
        share = min(max(share, 0.0), 1.0)
        return round(TOP + (1 - share) * self.plot_height, 1)

    @property
    def axis_x(self) -> float:
        """Where the vertical axis stands (the start side)."""
        return self.x(0.0)

    @property
    def base_y(self) -> float:
        return self.y(0.0)

    @property
    def label_anchor(self) -> str:
        """text-anchor for the vertical axis' labels, which sit outside the plot."""
        return "start" if self.rtl else "end"

    @property
    def label_x(self) -> float:
        return self.axis_x + 6 if self.rtl else self.axis_x - 6


@dataclass(frozen=True)
class Tick:
    share: float
    x: float
    y: float


def ticks(frame: Frame, count: int = 5) -> list[Tick]:
    return [Tick(k / count, frame.x(k / count), frame.y(k / count)) for k in range(count + 1)]


@dataclass(frozen=True)
class ParetoChart:
    frame: Frame
    line: str  # the polyline's points
    ticks: list[Tick]
    mark_x: float | None  # where 80% of revenue is reached
    mark_y: float


def pareto_chart(
    points: list[tuple[float, float]], top80: float | None, *, rtl: bool
) -> ParetoChart:
    frame = Frame(rtl)
    line = " ".join(f"{frame.x(a)},{frame.y(r)}" for a, r in points)
    return ParetoChart(
        frame=frame,
        line=line,
        ticks=ticks(frame),
        mark_x=frame.x(top80) if top80 is not None else None,
        mark_y=frame.y(0.8),
    )


@dataclass(frozen=True)
class Bar:
    measure: str
    share: float
    x: float
    y: float
    width: float


@dataclass(frozen=True)
class BarGroup:
    cost: SegmentCost
    label_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class CostChart:
    frame: Frame
    groups: list[BarGroup]
    ticks: list[Tick]


MEASURES = ("account_share", "revenue_share", "margin_share", "workload_share")
BAR, GAP = 9, 14


def cost_chart(
    costs: list[SegmentCost], *, rtl: bool, measures: tuple[str, ...] = MEASURES
) -> CostChart:
    """Horizontal bars: per class, its share of accounts, revenue, margin and workload (the
    margin only in `measures` for a reader who may see margin figures)."""
    group_height = len(measures) * BAR + GAP
    frame = Frame(rtl, height=TOP + BOTTOM + max(1, len(costs)) * group_height)
    groups = []
    for index, cost in enumerate(costs):
        top = TOP + index * group_height
        bars = []
        for k, measure in enumerate(measures):
            share = float(getattr(cost, measure))
            start, end = frame.x(0.0), frame.x(share)
            bars.append(
                Bar(measure, share, min(start, end), top + k * BAR, round(abs(end - start), 1))
            )
        groups.append(BarGroup(cost, top + len(measures) * BAR / 2 + 4, bars))
    return CostChart(frame, groups, ticks(frame))


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    quadrant: str


@dataclass(frozen=True)
class QuadrantLabel:
    quadrant: str
    x: float
    y: float


@dataclass(frozen=True)
class ScatterChart:
    frame: Frame
    dots: list[Dot]
    mid_x: float
    mid_y: float
    labels: list[QuadrantLabel]
    ticks: list[Tick]


def quadrant_chart(points: list[tuple[float, float, str]], *, rtl: bool) -> ScatterChart:
    """Loyalty along the horizontal axis, profitability up; the cuts at the median."""
    frame = Frame(rtl, height=WIDTH - 60)
    labels = [
        QuadrantLabel("I", frame.x(0.25), frame.y(0.03)),
        QuadrantLabel("II", frame.x(0.75), frame.y(0.03)),
        QuadrantLabel("III", frame.x(0.75), frame.y(0.93)),
        QuadrantLabel("IV", frame.x(0.25), frame.y(0.93)),
    ]
    return ScatterChart(
        frame=frame,
        dots=[Dot(frame.x(lo), frame.y(pr), q) for lo, pr, q in points],
        mid_x=frame.x(0.5),
        mid_y=frame.y(0.5),
        labels=labels,
        ticks=ticks(frame, 4),
    )


def heat_level(count: int, highest: int) -> int:
    """0..5, for the ABC–XYZ matrix cells' shading classes (no inline styles under the CSP)."""
    if count <= 0 or highest <= 0:
        return 0
    return max(1, min(5, round(5 * count / highest)))
