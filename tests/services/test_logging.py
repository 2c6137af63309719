"""Structured logs: JSON lines or readable text, a request id per command, personal data masked."""

from __future__ import annotations

import io
import json
import logging
import sys
from pathlib import Path

import pytest

from supportbot.core.logs import (
    JsonFormatter,
    RequestContextFilter,
    TextFormatter,
    configure_logging,
    formatter_for,
    log_context,
)
from supportbot.core.settings import load_settings

from .conftest import sample_bot

log = logging.getLogger("supportbot.test")


def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    made = log.makeRecord(log.name, logging.WARNING, __file__, 1, message, args, None, extra=extra)
    RequestContextFilter().filter(made)
    return made


def test_json_lines_carry_the_request_fields_and_mask_personal_data() -> None:
    with log_context("4f2a9c1b7e10", "merchant"):
        line = JsonFormatter().format(
            record("lookup for %s failed", "0812-3456-7890 / sinar@example.id", service="billing")
        )
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "supportbot.test"
    assert entry["request_id"] == "4f2a9c1b7e10" and entry["command"] == "merchant"
    assert entry["service"] == "billing"
    assert "3456" not in entry["message"] and "sinar@" not in entry["message"]
    assert "s•••@example.id" in entry["message"] and "7890" in entry["message"]
    assert entry["ts"].endswith("+00:00")


def test_tracebacks_are_masked_too() -> None:
    try:
        raise ValueError("customer +62 812 3456 7890 broke it")
    except ValueError:
        made = log.makeRecord(log.name, logging.ERROR, __file__, 1, "crash", (), sys.exc_info())
    entry = json.loads(JsonFormatter().format(made))
    assert "ValueError" in entry["exc"] and "3456" not in entry["exc"]


def test_text_lines_are_readable_and_masked() -> None:
    with log_context("4f2a9c1b7e10", lambda: "merchant"):
        line = TextFormatter().format(
            record("no answer for %s", "rina@example.id", service="billing")
        )
    assert " WARNING supportbot.test: [4f2a9c1b7e10 /merchant] no answer for r•••@example.id" in (
        line
    )
    assert line.endswith("(service=billing)")


def test_outside_a_command_there_is_no_request_id() -> None:
    entry = json.loads(JsonFormatter().format(record("starting")))
    assert "request_id" not in entry and "command" not in entry


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    "log_format,stream,expected",
    [
        ("auto", Terminal(), TextFormatter),
        ("auto", io.StringIO(), JsonFormatter),
        ("json", Terminal(), JsonFormatter),
        ("text", io.StringIO(), TextFormatter),
    ],
)
def test_auto_is_text_on_a_terminal_and_json_elsewhere(
    tmp_path: Path, log_format: str, stream: io.StringIO, expected: type
) -> None:
    settings = load_settings(None, data_dir=str(tmp_path), log_format=log_format)
    assert type(formatter_for(settings, stream)) is expected


def test_configure_logging_writes_json_lines_to_the_log_file(tmp_path: Path) -> None:
    settings = load_settings(None, data_dir=str(tmp_path), log_level="INFO")
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        handler = configure_logging(settings)
        with log_context("abc123abc123"):
            logging.getLogger("supportbot.x").info("hello %s", "budi@example.id")
        handler.close()
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    [line] = (tmp_path / "supportbot.log").read_text(encoding="utf-8").splitlines()
    entry = json.loads(line)
    assert entry["message"] == "hello b•••@example.id" and entry["request_id"] == "abc123abc123"


async def test_a_commands_service_calls_log_under_its_request_id(tmp_path: Path) -> None:
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    handler = Keep(level=logging.DEBUG)
    handler.addFilter(RequestContextFilter())
    services_log = logging.getLogger("supportbot.services")
    services_log.addHandler(handler)
    try:
        async with sample_bot(tmp_path, policy={"retries": 0}) as (bot, sample):
            await sample.stop_service("billing")
            await bot.run("/merchant 0812-3456-7890")
            assert bot.bot.store is not None
            [audit] = await bot.bot.store.audit.query()
    finally:
        services_log.removeHandler(handler)
    failed = [r for r in seen if r.levelno == logging.WARNING]
    assert failed, "the refused billing call was logged"
    assert {r.request_id for r in failed} == {audit.request_id}  # type: ignore[attr-defined]
    assert {r.command for r in failed} == {"merchant"}  # type: ignore[attr-defined]
