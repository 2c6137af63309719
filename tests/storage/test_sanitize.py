"""Hostile values in every table, on both databases: NUL, huge, unicode and undecodable text are
stored (cleaned and cut the same way everywhere), so an action takes whatever the audit trail
takes. Before, on PostgreSQL, a NUL in the command text or a 201-character user name made an
action fail."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Column, MetaData, String, Table

from supportbot.storage import EscalationEntry, PendingAction, RunRecord, Store, sanitized_row
from tests.storage.conftest import OpenStore, audit_entry

NUL = "a\x00b"
HUGE = "☕" * 300  # longer than every bounded column
UNDECODABLE = b"caf\xe9".decode("utf-8", "surrogateescape")
HOSTILE = '\'; DROP TABLE action_runs; -- "Toko Emas 金龙" 🇮🇩 %s %(x)s ?'


def pending(token: str) -> PendingAction:
    now = datetime.now(UTC)
    return PendingAction(
        token=token,
        idempotency_key="key-" + token,
        fingerprint="f" * 64,
        command="resend-receipt",
        text="/resend-receipt TX-1042 " + NUL + HOSTILE + "x" * 50_000,
        prompt="Resend? " + UNDECODABLE,
        user_id="U" + HUGE,
        user_name=HUGE,
        user_email=HUGE * 2,
        user_groups=[NUL, HUGE],
        adapter="slack" + HUGE,
        channel="C" + HUGE,
        created_at=now,
        expires_at=now + timedelta(minutes=5),
    )


def run(key: str) -> RunRecord:
    now = datetime.now(UTC)
    return RunRecord(
        idempotency_key=key,
        fingerprint="f" * 64,
        command="resend-receipt" + NUL,
        user_id="U" + HUGE,
        user_name=HUGE + NUL,
        approved_by=HUGE,
        arguments="tx=" + NUL + HOSTILE,
        target=HUGE,
        adapter="slack" + HUGE,
        channel="C" + HUGE,
        request_id="r-" + key,
        started_at=now,
        lease_until=now + timedelta(seconds=30),
    )


async def test_a_question_with_hostile_text_is_stored_and_decided(store: Store) -> None:
    await store.actions.add_pending(pending("t1"))
    found = await store.actions.get_pending("t1")
    assert found is not None
    assert "\x00" not in found.text and found.text.startswith("/resend-receipt TX-1042 ab")
    assert len(found.text) > 50_000  # text columns keep everything
    assert found.user_name == HUGE[:200] and found.channel == ("C" + HUGE)[:200]
    assert found.prompt == "Resend? caf\ufffd" and found.user_groups == ["ab", HUGE]
    # The requester's id is compared the way it was stored.
    assert await store.actions.decide(
        "t1", from_state="pending", to_state="confirmed", decided_by=HUGE, user_id="U" + HUGE
    )


async def test_a_run_with_hostile_text_is_claimed_finished_and_found(store: Store) -> None:
    claim = await store.actions.claim_run(run("k1"))
    assert claim.won
    assert claim.run.command == "resend-receiptab"  # the intent as it was written
    await store.actions.finish_run(
        "k1",
        request_id="r-k1",
        state="done",
        outcome="ok",
        result={"text": NUL + HOSTILE, NUL: [UNDECODABLE]},
        target=HUGE,
    )
    found = await store.actions.get_run("k1")
    assert found is not None and found.state == "done"
    assert found.result == {"text": "ab" + HOSTILE, "ab": ["caf\ufffd"]}
    assert found.user_name == (HUGE + NUL)[:200] and found.approved_by == HUGE[:200]
    assert [r.idempotency_key for r in await store.actions.runs(user="U" + HUGE)] == ["k1"]
    assert (
        await store.actions.count_runs(
            user_id="U" + HUGE, command="resend-receipt" + NUL, since=found.started_at
        )
        == 1
    )


async def test_an_escalation_with_hostile_text_is_kept(store: Store) -> None:
    entry = EscalationEntry(
        request_id="r1",
        command="resend" + NUL,
        escalated_by=HUGE,
        destination="#eng" + HUGE,
        delivered=False,
        summary=HOSTILE + NUL + "x" * 100_000,
        at=datetime.now(UTC),
    )
    await store.actions.record_escalation(entry)
    [found] = await store.actions.escalations("r1")
    assert found.escalated_by == HUGE[:200] and found.command == "resendab"
    assert found.summary.startswith(HOSTILE + "ab") and len(found.summary) > 100_000


async def test_delivery_keys_and_button_states_with_hostile_text_are_kept(store: Store) -> None:
    assert await store.events.claim("event:" + NUL + HOSTILE, keep_for=timedelta(days=1))
    assert not await store.events.claim("event:" + NUL + HOSTILE, keep_for=timedelta(days=1))
    state = '{"title": "Tökö 😀 ' + HOSTILE.replace('"', "'") + '"}'
    await store.button_states.put("b" + NUL, requester=HUGE, state=state, keep_for=timedelta(1))
    assert await store.button_states.get("b" + NUL) == state


async def test_the_audit_trail_and_the_action_tables_take_the_same_values(
    database_url: str, open_store: OpenStore
) -> None:
    store = open_store(database_url)
    hostile = {"user_name": HUGE + NUL, "channel": "C" + HUGE, "arguments": NUL + HOSTILE}
    await store.audit.record(audit_entry("r-k2", **hostile))
    claim = await store.actions.claim_run(
        replace(run("k2"), user_name=hostile["user_name"], channel=hostile["channel"])
    )
    audited = await store.audit.get("req-r-k2")
    assert audited is not None and claim.won
    assert (audited.user_name, audited.channel) == (claim.run.user_name, claim.run.channel)


def test_keys_are_never_cut_and_text_always_is() -> None:
    table = Table("t", MetaData(), Column("key", String(8)), Column("name", String(4)))
    assert sanitized_row(table, {"key": "k\x00ey", "name": "abcdef"}, keys=("key",)) == {
        "key": "key",
        "name": "abcd",
    }
    with pytest.raises(ValueError, match="key must have 1 to 8 characters"):
        sanitized_row(table, {"key": "k" * 9}, keys=("key",))
    with pytest.raises(ValueError, match="key must have 1 to 8 characters"):
        sanitized_row(table, {"key": "\x00"}, keys=("key",))
