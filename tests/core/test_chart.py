"""Charts: block characters in the terminal, a PNG from the plotting library, shapes checked."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from supportbot import Chart
from supportbot.core.chart import chart_lines
from supportbot.core.chart_png import render_png

HOURS = [f"{h:02d}" for h in range(24)]


def test_bars_are_as_long_as_their_share_of_the_largest() -> None:
    chart = Chart(title="t", description="d", labels=["a", "b", "c"], values=[10, 5, 0])
    lines = chart_lines(chart, width=20)
    assert lines[1].count("█") == 20 and lines[2].count("█") == 10 and "█" not in lines[3]
    assert lines[1].endswith(" 10") and lines[3].endswith(" 0")


def test_a_heatmap_shades_each_cell_and_labels_the_hours() -> None:
    grid = [[0.0] * 24 for _ in range(2)]
    grid[1][13] = 8
    chart = Chart(
        kind="heatmap",
        title="t",
        description="d",
        labels=HOURS,
        rows=["Mon", "Tue"],
        grid=grid,
        unit="contacts",
    )
    lines = chart_lines(chart)
    assert lines[1].strip().startswith("0000000000") and lines[2].strip().startswith("0123")
    mon, tue = lines[3], lines[4]
    assert "█" not in mon and tue.split("│")[1][13] == "█"


def test_a_chart_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(ValidationError, match="one value per label"):
        Chart(title="t", description="d", labels=["a"], values=[])
    with pytest.raises(ValidationError, match="one grid row"):
        Chart(kind="heatmap", title="t", description="d", labels=HOURS, rows=["Mon"], grid=[])


def test_the_png_is_a_png_drawn_by_matplotlib() -> None:
    png = render_png(
        Chart(
            title="Contacts by hour",
            description="d",
            labels=HOURS,
            values=[float(h) for h in range(24)],
            unit="contacts",
        )
    )
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    assert b"Contacts by hour" in png  # the title is in the PNG's metadata


def test_the_public_face_does_not_load_matplotlib() -> None:
    import subprocess
    import sys

    code = (
        "import supportbot, sys; supportbot.Chart; supportbot.Reply; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
