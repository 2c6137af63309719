"""Charts in replies: the data of a chart, and its block-character form for the terminal.

A command puts a `Chart` in `Reply.charts`; each adapter shows it its own way: the terminal as
block characters (`chart_lines`), Slack as a PNG it uploads, the dashboard as a PNG in the page
(`supportbot.core.chart_png`, which loads the plotting library only when it draws). A chart
always carries `description`, the sentence a screen reader reads in its place.

    Chart(kind="bar", title="Contacts by hour", description="...", labels=["08", "09"],
          values=[12, 30], unit="contacts")
    Chart(kind="heatmap", title="Day × hour", description="...", labels=["00", ..., "23"],
          rows=["Mon", ..., "Sun"], grid=[[...24 values...], ...])
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

__all__ = ["BLOCKS", "SHADES", "Chart", "chart_lines"]

#: Eighths of a block, for bars drawn to a fraction of a character.
BLOCKS = " ▏▎▍▌▋▊▉█"
#: Four shades and blank, for heatmap cells (darker is more).
SHADES = " ░▒▓█"
BAR_WIDTH = 40


class Chart(BaseModel):
    """The data of one chart: a bar per label, or a heatmap of rows × labels."""

    kind: Literal["bar", "heatmap"] = "bar"
    title: str
    #: What the chart shows, in one or two sentences (its alt text).
    description: str
    labels: list[str] = Field(default_factory=list)
    values: list[float] = Field(default_factory=list)
    rows: list[str] = Field(default_factory=list)
    grid: list[list[float]] = Field(default_factory=list)
    unit: str = ""

    @model_validator(mode="after")
    def _shape(self) -> Chart:
        if self.kind == "bar" and len(self.values) != len(self.labels):
            raise ValueError("a bar chart needs one value per label")
        if self.kind == "heatmap":
            if len(self.grid) != len(self.rows):
                raise ValueError("a heatmap needs one grid row per row label")
            if any(len(row) != len(self.labels) for row in self.grid):
                raise ValueError("every heatmap row needs one value per label")
        return self


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _bar(value: float, top: float, width: int) -> str:
    if top <= 0 or value <= 0:
        return ""
    eighths = round(value / top * width * 8)
    full, part = divmod(max(eighths, 1), 8)
    return "█" * full + (BLOCKS[part] if part else "")


def chart_lines(chart: Chart, *, width: int = BAR_WIDTH) -> list[str]:
    """The chart as lines of block characters (its title first)."""
    lines = [chart.title]
    if chart.kind == "bar":
        if not chart.labels:
            return [*lines, "  (nothing in this period)"]
        top = max(chart.values, default=0.0)
        label_width = min(max(len(label) for label in chart.labels), 24)
        for label, value in zip(chart.labels, chart.values, strict=True):
            bar = _bar(value, top, width)
            lines.append(f"  {label[:24]:>{label_width}} │{bar} {_number(value)}")
        return lines
    top = max((value for row in chart.grid for value in row), default=0.0)
    row_width = min(max((len(row) for row in chart.rows), default=0), 12)
    # one character per column: short labels (hours 00-23) are written downwards
    depth = max((len(label) for label in chart.labels), default=0)
    for place in range(min(depth, 2)):
        header = "".join(
            label.rjust(2)[place] if len(label) <= 2 else "·" for label in chart.labels
        )
        lines.append(f"  {'':>{row_width}}  {header}")
    for name, row in zip(chart.rows, chart.grid, strict=True):
        cells = "".join(
            SHADES[0] if value <= 0 or top <= 0 else SHADES[1 + min(3, int(value / top * 4))]
            for value in row
        )
        lines.append(f"  {name[:12]:>{row_width}} │{cells}│")
    lines.append(f"  {'':>{row_width}}  darker is more; darkest = {_number(top)} {chart.unit}")
    return lines
