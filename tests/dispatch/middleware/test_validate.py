"""validate: arguments bound and normalised with a context, a UsageError, or `--help`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from supportbot import Context, MerchantRef, UsageError, command
from supportbot.dispatch.chain import ResolvedRequest, ValidRequest
from supportbot.dispatch.middleware import validate_link

from .conftest import StubNext, resolved, settings_for, spec, valid


@command("merchant", examples=("/merchant M-10001",))
async def merchant(ctx: Context, who: MerchantRef) -> str:
    """Looks a merchant up.

    who: phone, email or merchant id
    """
    return str(who)


def contexts(
    tmp_path: Path,
) -> tuple[list[ResolvedRequest], Callable[[ResolvedRequest], Context]]:
    """The requests contexts were made for, and the maker the link is built with."""
    made: list[ResolvedRequest] = []
    settings = settings_for(tmp_path)

    def new_context(request: ResolvedRequest) -> Context:
        made.append(request)
        return valid(request.spec, request.message.text, settings).context

    return made, new_context


async def test_valid_arguments_go_on_normalised_with_the_commands_context(tmp_path: Path) -> None:
    made, new_context = contexts(tmp_path)
    validate = validate_link(settings_for(tmp_path), new_context)
    rest = StubNext()
    found = resolved(spec(merchant), "/merchant m10001")
    await validate(found, rest)
    [passed] = rest.calls
    assert isinstance(passed, ValidRequest)
    assert str(passed.arguments["who"]) == "M-10001"
    assert made == [found] and passed.context.spec is found.spec
    assert found.notes.arguments == passed.arguments  # for the audit record


async def test_a_bad_argument_is_a_usage_error_and_nothing_runs(tmp_path: Path) -> None:
    made, new_context = contexts(tmp_path)
    validate = validate_link(settings_for(tmp_path), new_context)
    rest = StubNext()
    found = resolved(spec(merchant), "/merchant")
    with pytest.raises(UsageError) as refused:
        await validate(found, rest)
    assert refused.value.user_message == "<phone|email|merchant id> is missing."
    assert rest.calls == [] and made == [] and not found.notes.arguments


async def test_help_is_answered_with_the_commands_description(tmp_path: Path) -> None:
    made, new_context = contexts(tmp_path)
    validate = validate_link(settings_for(tmp_path), new_context)
    rest = StubNext()
    reply = await validate(resolved(spec(merchant), "/merchant --help"), rest)
    assert rest.calls == [] and made == []
    assert "/merchant" in (reply.title or "") + (reply.text or "")
    assert "/merchant M-10001" in str(reply.model_dump())
