"""privacy: replies masked for a role without `personal_data_roles`, whole for one with."""

from __future__ import annotations

from supportbot import Reply
from supportbot.dispatch.middleware import privacy_link

from .conftest import StubNext, request

CARD = Reply(text="Toko Sinar Jaya, 0812-3456-7890, sinar@example.id")


async def test_a_role_without_personal_data_roles_gets_the_reply_masked() -> None:
    privacy = privacy_link(["lead"], "ID")
    reply = await privacy(request("/merchant", roles=frozenset({"agent"})), StubNext(CARD))
    assert reply.text is not None
    assert "0812-••••-7890" in reply.text and "3456" not in reply.text
    assert "sinar@example.id" not in reply.text


async def test_a_personal_data_role_sees_everything() -> None:
    privacy = privacy_link(["lead"], "ID")
    reply = await privacy(request("/merchant", roles=frozenset({"lead"})), StubNext(CARD))
    assert reply.text == CARD.text


async def test_without_personal_data_roles_everyone_sees_everything() -> None:
    reply = await privacy_link([], "ID")(request("/merchant"), StubNext(CARD))
    assert reply.text == CARD.text
