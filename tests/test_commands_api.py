"""The @command decorator and the registry."""

from __future__ import annotations

from typing import Literal

import pytest

from supportbot import CommandRegistry, Context, DuplicateCommandError, MerchantRef, Rest, command
from supportbot.core.registry import spec_of


@command("lookup", examples=("/lookup M-10001",))
async def lookup(ctx: Context, who: MerchantRef, *, limit: int = 5, verbose: bool = False) -> str:
    """Find a merchant.

    who: phone, email or merchant id
    """
    return "ok"


def test_decorator_returns_the_function_unchanged_with_one_spec() -> None:
    spec = spec_of(lookup)
    assert spec is not None and spec.handler is lookup
    assert spec.name == "lookup"
    assert spec.help == "Find a merchant."
    assert [p.name for p in spec.params] == ["who", "limit", "verbose"]
    assert spec.example == "/lookup M-10001"


def test_usage_line_comes_from_the_signature() -> None:
    spec = spec_of(lookup)
    assert spec is not None
    assert spec.usage.startswith("/lookup <")
    assert "--limit" in spec.usage and "--verbose" in spec.usage


def test_name_defaults_to_the_function_name_with_dashes() -> None:
    @command()
    async def reset_pin(ctx: Context, who: MerchantRef) -> str:
        return ""

    spec = spec_of(reset_pin)
    assert spec is not None and spec.name == "reset-pin" and not spec.action


def test_confirm_makes_an_action() -> None:
    @command(confirm="Really {reason}?")
    async def wipe(ctx: Context, mode: Literal["soft", "hard"], reason: Rest) -> str:
        return ""

    spec = spec_of(wipe)
    assert spec is not None and spec.action and spec.confirm == "Really {reason}?"


def test_handlers_must_be_async() -> None:
    with pytest.raises(TypeError, match="async def"):

        @command()
        def sync_handler(ctx: Context) -> str:  # type: ignore[type-var]
            return ""


@pytest.mark.parametrize("bad", ["", "with space", "semi;colon", "ü"])
def test_bad_command_names_are_refused(bad: str) -> None:
    with pytest.raises(TypeError):

        @command(bad)
        async def handler(ctx: Context) -> str:
            return ""


def test_unsupported_annotation_fails_at_import() -> None:
    with pytest.raises(TypeError):

        @command()
        async def odd(ctx: Context, value: dict) -> str:  # type: ignore[type-arg]
            return ""


def test_registry_suggests_close_names_and_resolves_aliases() -> None:
    @command("merchant", aliases=("m",))
    async def merchant(ctx: Context, who: MerchantRef) -> str:
        return ""

    registry = CommandRegistry()
    registry.add(spec_of(merchant))  # type: ignore[arg-type]
    assert registry.get("M") is registry.get("merchant")
    assert registry.suggest("merchnat") == ["merchant"]
    assert registry.suggest("merc") == ["merchant"]
    assert registry.suggest("zzzz") == []
    assert registry.suggest("x" * 100_000) == []


def test_registry_refuses_a_second_command_with_the_same_name() -> None:
    @command("dup")
    async def one(ctx: Context) -> str:
        return ""

    @command("dup")
    async def two(ctx: Context) -> str:
        return ""

    registry = CommandRegistry()
    registry.add(spec_of(one))  # type: ignore[arg-type]
    with pytest.raises(DuplicateCommandError, match="/dup"):
        registry.add(spec_of(two))  # type: ignore[arg-type]


def test_suggestions_rank_by_likeness_and_leave_out_what_the_reader_may_not_see() -> None:
    registry = CommandRegistry()
    for name in ("reset-pin", "refund", "resend-receipt"):

        @command(name)
        async def handler(ctx: Context) -> str:
            return ""

        registry.add(spec_of(handler))  # type: ignore[arg-type]
    assert registry.suggest("resend")[0] == "resend-receipt"
    assert registry.suggest("refnd")[0] == "refund"
    hidden = registry.suggest("refnd", visible=lambda spec: spec.name != "refund")
    assert "refund" not in hidden
