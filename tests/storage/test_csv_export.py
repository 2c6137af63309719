"""CSV export of audit records: a header, unicode kept, formulas defused."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from supportbot.storage import AuditEntry, spreadsheet_safe, write_csv
from supportbot.storage._csv import CSV_COLUMNS

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def entry(**changes: object) -> AuditEntry:
    values: dict[str, object] = {
        "request_id": "r1",
        "user_id": "U1",
        "adapter": "slack",
        "outcome": "ok",
        "duration_ms": 12.5,
        "at": AT,
    }
    values.update(changes)
    return AuditEntry(**values)  # type: ignore[arg-type]


def export(*entries: AuditEntry) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    assert write_csv(entries, out) == len(entries)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def test_the_header_names_every_column_and_an_empty_export_is_just_the_header() -> None:
    out = io.StringIO()
    assert write_csv([], out) == 0
    assert out.getvalue().strip() == ",".join(CSV_COLUMNS)


def test_values_that_a_spreadsheet_would_run_get_a_leading_quote() -> None:
    [row] = export(
        entry(
            arguments='=HYPERLINK("http://evil.example","click")',
            user_name="+cmd|' /C calc'!A0",
            target="@SUM(1+1)",
            command="-2+3",
            channel="\t=1",
            error="\r=1",
        )
    )
    assert row["arguments"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["user_name"] == "'+cmd|' /C calc'!A0"
    assert row["target"] == "'@SUM(1+1)"
    assert row["command"] == "'-2+3"
    assert row["channel"] == "'\t=1"
    assert row["error"] == "'\r=1"


def test_a_signed_number_stays_a_number_and_anything_more_is_quoted() -> None:
    # A change as the dashboard writes it: a ' would make a spreadsheet keep it as text.
    for number in ("-12%", "+3", "-0.5", "+1,204", "-7"):
        assert spreadsheet_safe(number) == number
    # A phone number in international form stays text, not a number without its +.
    assert spreadsheet_safe("+6281234567890") == "'+6281234567890"
    for formula in ("-2+3", "-12%+1", "+3)", "-1e3", "-", "+", "-12 %", "-.5", "--1", "-1\n=2"):
        assert spreadsheet_safe(formula) == "'" + formula, formula


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SIGNED_NUMBER = re.compile(r"[+-][0-9]{1,3}(,[0-9]{3})*(\.[0-9]+)?%?")


@given(st.text(alphabet=st.sampled_from("=+-@\t\r0123456789.,%()!|' aA:"), max_size=12) | st.text())
def test_no_cell_starts_a_formula_and_the_text_is_kept(text: str) -> None:
    cell = spreadsheet_safe(text)
    assert cell in (text, "'" + text)  # the value itself stays readable
    if cell.startswith(FORMULA_START):  # only a plain signed number may start like a formula
        assert SIGNED_NUMBER.fullmatch(cell), cell


def test_ordinary_values_unicode_and_structure_are_kept() -> None:
    [row] = export(
        entry(
            arguments='who=0812-••••-7890 note="Toko Emas 金龙, lantai 2"\nline two',
            user_name="Ñam ☕",
            service_errors=[
                {"service": "billing", "kind": "timeout"},
                {"service": "devices", "kind": "unavailable"},
            ],
        )
    )
    assert row["arguments"] == 'who=0812-••••-7890 note="Toko Emas 金龙, lantai 2"\nline two'
    assert row["user_name"] == "Ñam ☕"
    assert row["service_errors"] == "billing:timeout devices:unavailable"
    assert row["at"] == "2026-11-20T09:00:00+00:00"
    assert row["duration_ms"] == "12.5"
    assert row["channel"] == "" and row["command"] == ""
