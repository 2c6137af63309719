"""No raw phone number or email in the audit trail, the action ledger or the logs, whatever the
bundled commands were given or found."""

from __future__ import annotations

import io
import logging

from sqlalchemy import select

from supportbot import User
from supportbot.core.logs import configure_logging
from supportbot.storage import ActionRun, AuditRecord, PendingActionRow
from supportbot.testing import BotTester

AGENT = User(id="terminal:agent", name="agent", email="agent@example.id")
LINA = User(id="terminal:lina", name="lina")
DEWI = User(id="terminal:dewi", name="dewi")

RAW = [
    "0812-3456-7890",
    "081234567890",
    "6281234567890",
    "812 3456 7890",
    "sinar@example.id",
    "rina.customer@example.id",
    "6281377788899",
    "0813-7778-8899",
    "new.address@example.id",
]


async def test_no_raw_personal_data_is_stored_or_logged() -> None:
    stream = io.StringIO()
    async with BotTester.demo(user=AGENT) as bot:
        configure_logging(bot.bot.settings, handler=logging.StreamHandler(stream))
        logging.getLogger().setLevel(logging.DEBUG)
        # httpx's own request lines (URLs with ?phone=%2B62...) must be masked too when on.
        logging.getLogger("httpx").setLevel(logging.INFO)
        try:
            for text in (
                "/merchant 0812-3456-7890",
                "/merchant +62 812 3456 7890",
                "/merchant sinar@example.id",
                "/merchant 6281234567890",
                "/transaction TX-1042",
                "/merchnt 0812 3456 7890",
                "/merchant 0812",
            ):
                await bot.run(text)
            await bot.run("/resend-receipt TX-1042 --to new.address@example.id", confirm=True)
            await bot.run("/resend-receipt TX-1042", confirm=True)
            reset = await bot.run("/reset-pin M-10001", user=LINA, confirm=True)
            assert reset.confirmation is None and "approval" in (reset.text or "")
            [waiting] = await bot.bot.actions.waiting_for_approval()
            await bot.bot.actions.approve(waiting.token, DEWI)
            refund = await bot.run("/refund TX-1042 50rb call 0812-3456-7890", user=LINA)
            assert refund.confirmation is not None
        finally:
            logging.getLogger().handlers.clear()
            logging.getLogger("httpx").setLevel(logging.WARNING)
        assert bot.bot.store is not None
        async with bot.bot.store.sessions() as session:
            audits = (await session.scalars(select(AuditRecord))).all()
            runs = (await session.scalars(select(ActionRun))).all()
            questions = (await session.scalars(select(PendingActionRow))).all()
    assert len(runs) == 3 and len(audits) >= 12
    stored = [f"{a.arguments} {a.target} {a.error}" for a in audits]
    stored += [f"{r.arguments} {r.target}" for r in runs]
    stored += [q.prompt for q in questions]  # what an approver's channel sees
    logged = stream.getvalue()
    # The log did get the traffic: every command's audit line (httpx writes no "HTTP Request"
    # line on the service clients' send path, and a call that succeeds logs nothing of its own).
    assert "merchant" in logged and '"logger": "supportbot.audit"' in logged
    for raw in RAW:
        for text in stored:
            assert raw not in text, (raw, text)
        assert raw not in logged, raw


# Every way of writing the demo number that the parser reads (tests/core/test_phones.py).
PASTED = [
    "0812–3456–7890",  # en-dashes
    "0812‑3456‑7890",  # non-breaking hyphens
    "０８１２３４５６７８９０",  # full-width digits
    "0812+3456+7890",  # spaces URL-encoded
    "0062 812 3456 7890",
]


def _digits(text: str) -> str:
    from supportbot.core.phones import fold

    return "".join(c for c in fold(text) if c.isdigit())


async def test_a_number_pasted_in_any_format_is_masked_in_audit_prompts_approvals_and_logs() -> (
    None
):
    stream = io.StringIO()
    async with BotTester.demo(user=AGENT) as bot:
        configure_logging(bot.bot.settings, handler=logging.StreamHandler(stream))
        logging.getLogger().setLevel(logging.DEBUG)
        shown: list[str] = []
        try:
            for typed in PASTED:
                found = await bot.run(f"/merchant {typed}")
                assert found.title and "M-10001" in found.title, typed
                await bot.run(f"/merchnt {typed}")  # rejected: the raw text is what is stored
                await bot.run(f"/refund TX-1042 1rb customer {typed} called", user=LINA)
            waiting = await bot.run("/approvals", user=DEWI)
            shown.append(str(waiting.model_dump()))
        finally:
            logging.getLogger().handlers.clear()
        assert bot.bot.store is not None
        async with bot.bot.store.sessions() as session:
            audits = (await session.scalars(select(AuditRecord))).all()
            questions = (await session.scalars(select(PendingActionRow))).all()
    assert len(questions) == len(PASTED)
    stored = [f"{a.arguments} {a.target} {a.error}" for a in audits]
    stored += [q.prompt for q in questions]
    for text in [*stored, *shown, stream.getvalue()]:
        assert "81234567890" not in _digits(text), text
