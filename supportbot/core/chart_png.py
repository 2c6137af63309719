"""A chart drawn as a PNG by matplotlib, on the server (Slack uploads it; the dashboard shows it).

matplotlib is imported on the first drawing only (it costs ~0.3 s to import), never at start,
and through its object API with the Agg canvas: no pyplot, no GUI backend, no global figure
state, so drawing needs no display. Drawing is CPU work of tens of milliseconds: async callers
run `render_png` in a thread (`asyncio.to_thread`); a lock keeps one drawing at a time, because
matplotlib's font cache is not safe to fill from two threads at once.
"""

from __future__ import annotations

import io
import threading

from .chart import Chart

__all__ = ["render_png"]

_LOCK = threading.Lock()
#: Colours that stay apart for the common colour-vision deficiencies (matplotlib's cividis
#: map for heatmaps; a dark blue for bars, 7:1 against white).
BAR_COLOUR = "#1f4e79"
HEATMAP = "cividis"


def render_png(
    chart: Chart, *, width_in: float = 8.0, height_in: float = 3.6, dpi: int = 100
) -> bytes:
    """The chart as PNG bytes, its title and axis labels written in."""
    with _LOCK:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        figure = Figure(figsize=(width_in, height_in), dpi=dpi, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        axes.set_title(chart.title)
        if chart.kind == "bar":
            positions = list(range(len(chart.labels)))
            axes.bar(positions, chart.values, color=BAR_COLOUR)
            crowded = sum(len(label) + 2 for label in chart.labels) > 70
            axes.set_xticks(
                positions,
                chart.labels,
                rotation=30 if crowded else 0,
                ha="right" if crowded else "center",
            )
            axes.set_ylabel(chart.unit)
            if all(value.is_integer() for value in chart.values):  # counts: no 0.2 of a run
                axes.yaxis.set_major_locator(MaxNLocator(integer=True))
            axes.spines[["top", "right"]].set_visible(False)
        else:
            image = axes.imshow(chart.grid or [[0.0]], aspect="auto", cmap=HEATMAP)
            axes.set_xticks(range(len(chart.labels)), chart.labels, fontsize=8)
            axes.set_yticks(range(len(chart.rows)), chart.rows)
            figure.colorbar(image, ax=axes, label=chart.unit)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Title": chart.title})
        return buffer.getvalue()
