"""The dashboard's data: panels of headline figures, a table and a chart each, and how a panel
is masked before anyone sees it (no phone number or email on the page, whoever looks at it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from supportbot.core.chart import Chart
from supportbot.core.masking import mask_text

__all__ = ["Figure", "Panel", "Table", "masked_panel"]


@dataclass(frozen=True)
class Figure:
    """One headline number: `key` (stable, for tests and scripts), label, value, a note."""

    key: str
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Table:
    """A table of a panel, exported as `<panel id>.csv`."""

    caption: str
    header: Sequence[str]
    rows: Sequence[Sequence[str | int | float]]


@dataclass(frozen=True)
class Panel:
    """One part of the page."""

    id: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    text: str = ""
    table: Table | None = None
    chart: Chart | None = None


def _masked(value: str | int | float, region: str) -> str | int | float:
    return mask_text(value, region) if isinstance(value, str) else value


def masked_panel(panel: Panel, region: str) -> Panel:
    """`panel` with every text masked (figures, table cells, chart labels and alt text)."""
    table = panel.table
    if table is not None:
        table = Table(
            mask_text(table.caption, region),
            [mask_text(name, region) for name in table.header],
            [[_masked(value, region) for value in row] for row in table.rows],
        )
    chart = panel.chart
    if chart is not None:
        chart = chart.model_copy(
            update={
                "title": mask_text(chart.title, region),
                "description": mask_text(chart.description, region),
                "labels": [mask_text(label, region) for label in chart.labels],
                "rows": [mask_text(row, region) for row in chart.rows],
            }
        )
    return Panel(
        id=panel.id,
        title=mask_text(panel.title, region),
        figures=[
            Figure(
                f.key,
                mask_text(f.label, region),
                mask_text(f.value, region),
                mask_text(f.note, region),
            )
            for f in panel.figures
        ],
        text=mask_text(panel.text, region),
        table=table,
        chart=chart,
    )
