"""Structured logs: one JSON object per line in production, readable lines in a terminal.

Every record carries the request id of the command it belongs to (the id users see as the error
reference), so one command's service calls, retries and breaker changes can be found together::

    {"ts": "2026-09-01T08:00:00.123Z", "level": "WARNING", "logger": "supportbot.services",
     "message": "GET call failed after 3001.2 ms (timeout): billing: no answer within 3 s",
     "request_id": "4f2a9c1b7e10", "command": "merchant", "service": "billing"}

Phone numbers and email addresses are masked in every message and traceback (`mask_text`),
whatever the code that logged them wrote. The id is carried by a context variable that
`log_context` sets (the metrics middleware does, for each command run); asyncio tasks copy it,
so calls run by `ctx.gather` log under their command's id.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any
from urllib.parse import unquote

from .config_paths import create_private_file
from .masking import mask_text, style_of, use_mask_style
from .settings import Settings

__all__ = [
    "JsonFormatter",
    "RequestContextFilter",
    "TextFormatter",
    "configure_logging",
    "current_command",
    "current_request_id",
    "log_context",
]

_REQUEST_ID: ContextVar[str | None] = ContextVar("supportbot_request_id", default=None)
# The command's name, or a function giving it once it is known (the name is parsed later).
CommandName = str | Callable[[], str | None] | None
_COMMAND: ContextVar[CommandName] = ContextVar("supportbot_command", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
_FIELDS_FIRST = ("request_id", "command", "service")


def current_request_id() -> str | None:
    """The request id of the command being run in this context, if any."""
    return _REQUEST_ID.get()


@contextlib.contextmanager
def log_context(request_id: str, command: CommandName = None) -> Iterator[None]:
    """Tag every record logged inside the block (and by tasks started in it) with the request
    id and the command (a name, or a function returning it, read when a record is logged)."""
    tokens = (_REQUEST_ID.set(request_id), _COMMAND.set(command))
    try:
        yield
    finally:
        _COMMAND.reset(tokens[1])
        _REQUEST_ID.reset(tokens[0])


def current_command() -> str | None:
    """The name of the command being run in this context, if known yet."""
    command = _COMMAND.get()
    return command() if callable(command) else command


class RequestContextFilter(logging.Filter):
    """Copies the context's request id and command onto each record (unless already there)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = _REQUEST_ID.get()
        if getattr(record, "command", None) is None:
            record.command = current_command()
        return True


def _masked(text: str, region: str) -> str:
    # A URL carries "+62812..." as "%2B62812...": decode first, or the number slips through.
    if "%" in text:
        text = unquote(text)
    # Masking parses phone numbers; text without a digit or an @ cannot hold one.
    if "@" in text or any(c.isdigit() for c in text):
        return mask_text(text, region)
    return text


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _STANDARD and not key.startswith("_") and value is not None
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, the request fields, extras, exc."""

    def __init__(self, region: str = "ID") -> None:
        super().__init__()
        self.region = region

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _masked(record.getMessage(), self.region),
        }
        extras = _extras(record)
        for key in _FIELDS_FIRST:
            if key in extras:
                entry[key] = extras.pop(key)
        for key, value in extras.items():
            if isinstance(value, str):
                value = _masked(value, self.region)
            elif not isinstance(value, int | float | bool):
                value = _masked(repr(value), self.region)
            entry.setdefault(key, value)
        if record.exc_info:
            entry["exc"] = _masked(self.formatException(record.exc_info), self.region)
        if record.stack_info:
            entry["stack"] = _masked(self.formatStack(record.stack_info), self.region)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Readable lines: time, level, logger, [request id command], message, key=value extras."""

    def __init__(self, region: str = "ID") -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.region = region

    def format(self, record: logging.LogRecord) -> str:
        extras = _extras(record)
        request_id, command = extras.pop("request_id", None), extras.pop("command", None)
        tag = ""
        if request_id:
            tag = f"[{request_id}{' /' + str(command) if command else ''}] "
        fields = " ".join(f"{key}={value}" for key, value in extras.items())
        record.asctime = self.formatTime(record)
        text = f"{record.asctime} {record.levelname} {record.name}: {tag}{record.getMessage()}"
        if fields:
            text += f" ({fields})"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            text += "\n" + self.formatStack(record.stack_info)
        return _masked(text, self.region)


def _stream_is_terminal(stream: IO[str] | None) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed
        return False


def formatter_for(settings: Settings, stream: IO[str] | None) -> logging.Formatter:
    """JSON or text, as `log_format` says; "auto" is text on a terminal and JSON elsewhere."""
    choice = settings.log_format
    if choice == "auto":
        choice = "text" if _stream_is_terminal(stream) else "json"
    region = settings.phone_region
    return TextFormatter(region) if choice == "text" else JsonFormatter(region)


def configure_logging(
    settings: Settings, *, handler: logging.Handler | None = None
) -> logging.Handler:
    """Send the root logger to `handler` (default: `log_file`, else <data_dir>/supportbot.log,
    else stderr), formatted per `log_format`, with request ids and masking. Returns the handler.
    """
    use_mask_style(style_of(settings))
    if handler is None:
        log_file = settings.log_file or settings.data_dir / "supportbot.log"
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            create_private_file(log_file)  # log lines are masked, but stay private all the same
            handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError:
            handler = logging.StreamHandler(sys.stderr)
    stream = getattr(handler, "stream", None)
    handler.setFormatter(formatter_for(settings, stream))
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, settings.log_level.upper(), logging.WARNING))
    logging.getLogger("supportbot").setLevel(min(root.level, logging.INFO))
    # httpx logs every request at INFO: our service calls log their own, better, lines.
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(max(root.level, logging.WARNING))
    return handler
