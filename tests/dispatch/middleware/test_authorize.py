"""authorize: who may run a command (roles) and where an action may run (Slack channels)."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportbot import Context, NotAllowed, Outcome, command
from supportbot.dispatch.middleware import authorize_link

from .conftest import StubNext, resolved, settings_for, spec

LEADS = {"lead": {"members": ["lina"], "description": "Support leads"}}


@command("refund", roles={"lead", "finance"}, confirm="Refund?")
async def refund(ctx: Context) -> str:
    """Refunds."""
    return "refunded"


@command("resend", confirm="Resend?")
async def resend(ctx: Context) -> str:
    """Resends."""
    return "resent"


async def test_a_user_without_an_allowed_role_is_refused_naming_the_roles(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, roles=LEADS, access_help="Ask in #support-leads.")
    authorize, rest = authorize_link(settings), StubNext()
    with pytest.raises(NotAllowed) as refused:
        await authorize(resolved(spec(refund), "/refund", roles=frozenset({"agent"})), rest)
    assert refused.value.allowed_roles == ["finance", "lead"]
    assert refused.value.how_to_get_access == "Ask in #support-leads."
    assert rest.calls == []


async def test_a_user_with_an_allowed_role_goes_on(tmp_path: Path) -> None:
    authorize, rest = authorize_link(settings_for(tmp_path, roles=LEADS)), StubNext()
    reply = await authorize(resolved(spec(refund), "/refund", roles=frozenset({"lead"})), rest)
    assert reply.text == "ran" and len(rest.calls) == 1


async def test_an_action_in_the_wrong_slack_channel_is_denied_naming_the_right_ones(
    tmp_path: Path,
) -> None:
    settings = settings_for(tmp_path, action_channels=["C0ACTIONS1", "C0ACTIONS2"])
    authorize, rest = authorize_link(settings), StubNext()
    asked = resolved(spec(resend), "/resend", adapter="slack", channel="C0RANDOM")
    reply = await authorize(asked, rest)
    assert reply.outcome is Outcome.DENIED and rest.calls == []
    assert "/resend can only be run in C0ACTIONS1 or C0ACTIONS2, not here" in (reply.text or "")
    there = resolved(spec(resend), "/resend", adapter="slack", channel="C0ACTIONS2")
    assert (await authorize(there, rest)).text == "ran"
