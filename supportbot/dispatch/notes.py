"""What the inner links of one run learn and the outer ones report: the run's notes.

The outer links (metrics, audit, recover) run before the command is known and see only a
`Request`; what they report afterwards (the command's name, the bound arguments, the customer
the command was about, the service calls that failed, the error that ended the run) is written
here by the link or the command that learns it, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from supportbot.core.registry import CommandSpec
    from supportbot.services.clients import ServiceResult

__all__ = ["RunNotes"]


@dataclass
class RunNotes:
    """One run's findings, for its audit record, its metrics and its error reply."""

    #: The command name as typed, also for unknown commands (by `resolve`).
    typed_name: str | None = None
    #: The text after the command name, as typed (by `resolve`).
    raw_arguments: str = ""
    #: The command, once `resolve` found it.
    spec: CommandSpec | None = None
    #: The bound, normalised arguments, once `validate` accepted them.
    arguments: Mapping[str, Any] = field(default_factory=dict)
    #: The customer the command was about (masked), when the command said so.
    audit_target: str | None = None
    #: Every service result that failed (404 excepted), in call order.
    service_failures: list[ServiceResult[Any]] = field(default_factory=list)
    #: The exception that ended the run, if any (for the log and the audit record).
    error: BaseException | None = None
    #: The command wrote its own lines on the support record (or read the timeline), so the
    #: record link adds no generic "command" line for it.
    record_handled: bool = False

    @property
    def command_name(self) -> str | None:
        """The registered name once resolved, else the name as typed (None for empty text)."""
        return self.spec.name if self.spec is not None else (self.typed_name or None)
