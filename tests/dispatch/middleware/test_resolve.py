"""resolve: the text names a known command (by name or alias), or an UnknownCommandError."""

from __future__ import annotations

import pytest

from supportbot import Context, UnknownCommandError, command
from supportbot.dispatch.chain import ResolvedRequest
from supportbot.dispatch.middleware import resolve_link

from .conftest import StubNext, registry, request


@command("merchant", aliases=("m",))
async def merchant(ctx: Context, who: str) -> str:
    """Looks a merchant up."""
    return who


async def test_a_known_command_goes_on_resolved_with_its_spec() -> None:
    resolve, rest = resolve_link(registry(merchant)), StubNext()
    start = request("/m  M-10001")
    await resolve(start, rest)
    [passed] = rest.calls
    assert isinstance(passed, ResolvedRequest)
    assert passed.spec.name == "merchant" and passed.parsed.raw_args == "M-10001"
    assert passed.notes is start.notes and start.notes.spec is passed.spec
    assert start.notes.typed_name == "m"


async def test_an_unknown_command_is_refused_with_suggestions_and_nothing_runs() -> None:
    resolve, rest = resolve_link(registry(merchant)), StubNext()
    start = request("/merchnt 0812-3456-7890")
    with pytest.raises(UnknownCommandError) as refused:
        await resolve(start, rest)
    assert refused.value.name == "merchnt" and refused.value.suggestions == ["merchant"]
    assert rest.calls == []
    # The audit trail still learns what was typed.
    assert start.notes.typed_name == "merchnt" and start.notes.spec is None
    assert start.notes.raw_arguments == "0812-3456-7890"
