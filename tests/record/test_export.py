"""The export round-trips: one CSV row per interaction, its tags and times, masked unless asked."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from supportbot.record.export import (
    INTERACTION_COLUMNS,
    export_interactions,
    export_timeline,
    render,
)
from supportbot.record.history import SampleHistory, sample_history, seed_history
from supportbot.storage import Interaction, Store

END = datetime(2026, 12, 2, tzinfo=UTC)


async def test_the_csv_has_one_row_per_interaction(store: Store) -> None:
    history = sample_history(["M-10001", "M-10002", "M-10003"], end=END, days=10)
    assert await seed_history(store, history) == len(history.interactions)
    assert await seed_history(store, history) == 0  # once only

    def drawn_again() -> SampleHistory:
        raise AssertionError("a month is drawn only for an empty record")

    assert await seed_history(store, drawn_again) == 0
    rows = await export_interactions(store, since=END - timedelta(days=30))
    text = render(rows, INTERACTION_COLUMNS, "csv")
    read = list(csv.DictReader(io.StringIO(text)))
    assert len(read) == len(history.interactions)
    assert {r["ref"] for r in read} == {i.ref for i in history.interactions}
    row = read[0]
    assert len(row["tags"].split()) == 2 and float(row["handle_s"]) > 0
    assert json.loads(render(rows, INTERACTION_COLUMNS, "json"))[0]["ref"] == row["ref"]
    timeline = await export_timeline(store, "M-10001", since=END - timedelta(days=30))
    assert timeline and timeline[0]["at"] >= timeline[-1]["at"]


async def test_contacts_are_masked_unless_unmasked(store: Store) -> None:
    await store.record.open_interaction(
        Interaction(
            ref="I-AAAAAA",
            channel="call",
            agent_id="U1",
            opened_at=END,
            contact="+6281234567890",
            contact_kind="phone",
        )
    )
    since = END - timedelta(days=1)
    (masked,) = await export_interactions(store, since=since)
    assert "3456" not in masked["contact"]
    (full,) = await export_interactions(store, since=since, unmasked=True)
    assert full["contact"] == "+6281234567890"


def test_a_cell_that_looks_like_a_formula_is_quoted() -> None:
    text = render([{"ref": "=HYPERLINK(1)", "tags": "+x"}], ("ref", "tags"), "csv")
    assert "'=HYPERLINK" in text and "'+x" in text
