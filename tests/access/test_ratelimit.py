"""Rate limits: reading "20/hour", counting runs from the audit trail, and refusing the next."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from supportbot import Context, Outcome, Settings, User, command
from supportbot.access.ratelimit import (
    RateLimit,
    again_at_text,
    check_rate_limits,
    effective_limit,
    parse_rate_limit,
)
from supportbot.core.registry import CommandRegistry, spec_of
from supportbot.storage import AuditEntry, Store
from supportbot.testing import BotTester

CALLS: list[str] = []
ANI = User(id="U0ANI00001", name="Ani")
BUDI = User(id="U0BUDI0001", name="Budi")


@command("resend", rate_limit="3/hour")
async def resend(ctx: Context) -> str:
    CALLS.append(f"resend {ctx.user.id}")
    return "resent"


@command("lookup")
async def lookup(ctx: Context) -> str:
    CALLS.append("lookup")
    return "found"


@command("ping", rate_limit="2/minute")
async def ping(ctx: Context) -> str:
    CALLS.append("ping")
    return "pong"


def spec(func: Any) -> Any:
    found = spec_of(func)
    assert found is not None
    return found


def settings(**values: Any) -> Settings:
    return Settings.model_validate(values)


# --- reading limits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "runs", "window_s"),
    [
        ("20/hour", 20, 3600),
        ("5/minute", 5, 60),
        ("100/day", 100, 86_400),
        ("10/second", 10, 1),
        ("3/30m", 3, 1800),
        ("50/2 hours", 50, 7200),
        (" 20 / HOUR ", 20, 3600),
        ("1/s", 1, 1),
        ("7/h", 7, 3600),
        ("7/hr", 7, 3600),
        ("2/d", 2, 86_400),
        ("9/31d", 9, 31 * 86_400),
        ("1000000/day", 1_000_000, 86_400),
        ("020/hours", 20, 3600),
    ],
)
def test_limits_are_read_in_every_documented_form(text: str, runs: int, window_s: int) -> None:
    assert parse_rate_limit(text) == RateLimit(runs=runs, window_s=window_s)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "20",
        "20/",
        "/hour",
        "hour",
        "0/hour",
        "-1/hour",
        "20/0h",
        "20/fortnight",
        "20/hours!",
        "1e3/hour",
        "2.5/hour",
        "20 per hour",
        "1000001/hour",
        "5/32d",
        "5/99999999h",
        "٣/hour",  # Arabic-Indic digit three, which int() would read
        "２０/hour",  # full-width digits
        "20/ｈour",
        "20/hour; DROP TABLE audit_records",
        "20/hour\x00",
        "20/\u212aour",  # Kelvin sign
        "9" * 100_000 + "/hour",
        "20/" + "h" * 100_000,
        "🙂/hour",
        "off-ish",
    ],
)
def test_anything_else_is_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_rate_limit(text)
    message = str(raised.value)
    assert "20/hour" in message and len(message) < 300


@pytest.mark.parametrize("value", [None, 20, 20.0, b"20/hour"])
def test_a_limit_that_is_not_text_is_refused(value: Any) -> None:
    with pytest.raises(ValueError):
        parse_rate_limit(value)


@pytest.mark.parametrize(
    ("window_s", "text"),
    [(3600, "hour"), (1800, "30 minutes"), (7200, "2 hours"), (86_400, "day"), (1, "second")],
)
def test_the_period_reads_naturally(window_s: int, text: str) -> None:
    assert RateLimit(runs=1, window_s=window_s).window_text == text


def test_the_configuration_wins_over_the_command_and_can_switch_it_off() -> None:
    assert effective_limit(spec(resend), settings()) == RateLimit(3, 3600)
    assert effective_limit(spec(resend), settings(rate_limits={"resend": "1/day"})) == RateLimit(
        1, 86_400
    )
    assert effective_limit(spec(resend), settings(rate_limits={"resend": "off"})) is None
    assert effective_limit(spec(lookup), settings()) is None
    assert effective_limit(spec(lookup), settings(rate_limits={"lookup": "9/m"})) == RateLimit(
        9, 60
    )


def test_bad_limits_are_reported_at_start_naming_the_command() -> None:
    @command("broken", rate_limit="lots")
    async def broken(ctx: Context) -> str:
        return "ok"

    registry = CommandRegistry()
    for func in (resend, lookup, broken):
        registry.add(spec(func))
    config = settings(rate_limits={"lookup": "twice", "nope": "1/hour", "resend": "OFF"})
    problems = check_rate_limits(registry, config)
    assert len(problems) == 2
    assert any(p.startswith("/broken (") and "'lots'" in p for p in problems)
    assert any(p.startswith("rate_limits.lookup:") and "'twice'" in p for p in problems)
    # An entry for a command this bot does not have is only a warning (another replica may).
    assert not any(p.startswith("rate_limits.nope:") for p in problems)
    assert check_rate_limits(registry, settings(rate_limits={"lookup": "5/hour"}))[0].startswith(
        "/broken"
    )


def test_the_time_to_try_again_is_rounded_up_and_dated_when_not_today() -> None:
    now = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    assert again_at_text(datetime(2026, 11, 23, 15, 3, 1, tzinfo=UTC), now, 3600) == "15:04 UTC"
    assert again_at_text(datetime(2026, 11, 23, 15, 4, tzinfo=UTC), now, 3600) == "15:04 UTC"
    assert (
        again_at_text(datetime(2026, 11, 23, 14, 0, 5, 300, tzinfo=UTC), now, 60) == "14:00:06 UTC"
    )
    assert (
        again_at_text(datetime(2026, 11, 24, 9, 30, tzinfo=UTC), now, 86_400)
        == "2026-11-24 09:30 UTC"
    )


# --- counting in the audit trail ----------------------------------------------------------


def entry(user_id: str, command: str, outcome: str, at: datetime) -> AuditEntry:
    return AuditEntry(
        request_id=uuid.uuid4().hex[:12],
        user_id=user_id,
        adapter="test",
        command=command,
        outcome=outcome,
        duration_ms=1.0,
        at=at,
    )


async def test_the_audit_trail_counts_and_dates_a_users_runs(store: Store) -> None:
    now = datetime.now(UTC)
    for minutes, outcome in [(90, "ok"), (50, "ok"), (40, "error"), (30, "denied"), (10, "ok")]:
        await store.audit.record(entry("U1", "resend", outcome, now - timedelta(minutes=minutes)))
    await store.audit.record(entry("U2", "resend", "ok", now))
    await store.audit.record(entry("U1", "lookup", "ok", now))
    since = now - timedelta(hours=1)
    ran = ["ok", "error"]
    assert await store.audit.count(user_id="U1", command="resend", since=since, outcomes=ran) == 3
    assert await store.audit.count(user_id="U1", command="resend", since=since) == 4
    assert await store.audit.count(user_id="U1", command="resend", outcomes=[]) == 0
    assert await store.audit.count() == 7
    third = await store.audit.nth_newest_at(
        3, user_id="U1", command="resend", since=since, outcomes=ran
    )
    assert third is not None and abs(third - (now - timedelta(minutes=50))) < timedelta(seconds=1)
    assert (
        await store.audit.nth_newest_at(
            4, user_id="U1", command="resend", since=since, outcomes=ran
        )
        is None
    )
    with pytest.raises(ValueError):
        await store.audit.nth_newest_at(0)


# --- in the chain ------------------------------------------------------------------------


@pytest.fixture
async def bot() -> Any:
    CALLS.clear()
    async with BotTester.fake({}, commands=[resend, lookup, ping]) as tester:
        yield tester


async def record(bot: BotTester, user: User, command: str, outcome: str, ago: timedelta) -> None:
    assert bot.bot.store is not None
    await bot.bot.store.audit.record(entry(user.id, command, outcome, datetime.now(UTC) - ago))


async def test_runs_up_to_the_limit_pass_and_the_next_is_refused_and_audited(
    bot: BotTester,
) -> None:
    for _ in range(3):
        assert (await bot.run("/resend", user=ANI)).outcome is Outcome.OK
    refused = await bot.run("/resend", user=ANI)
    assert refused.outcome is Outcome.RATE_LIMITED and refused.outcome.exit_code == 1
    text = refused.text or ""
    assert text.startswith("You have run /resend 3 times in the last hour, its limit. ")
    assert "You can run it again at " in text and " UTC; ask a lead" in text
    assert CALLS == [f"resend {ANI.id}"] * 3
    assert bot.bot.store is not None
    newest = (await bot.bot.store.audit.query(limit=1))[0]
    assert (newest.outcome, newest.command, newest.user_id) == ("rate_limited", "resend", ANI.id)
    # A refused attempt does not count as a run, and the limit still holds.
    assert (await bot.run("/resend", user=ANI)).outcome is Outcome.RATE_LIMITED
    assert len(CALLS) == 3


async def test_another_user_and_another_command_are_not_affected(bot: BotTester) -> None:
    for _ in range(3):
        await bot.run("/resend", user=ANI)
    assert (await bot.run("/resend", user=ANI)).outcome is Outcome.RATE_LIMITED
    assert (await bot.run("/resend", user=BUDI)).outcome is Outcome.OK
    assert (await bot.run("/lookup", user=ANI)).outcome is Outcome.OK
    assert (await bot.run("/ping", user=ANI)).outcome is Outcome.OK


async def test_runs_older_than_the_period_no_longer_count(bot: BotTester) -> None:
    for minutes in (180, 90, 61):
        await record(bot, ANI, "resend", "ok", timedelta(minutes=minutes))
    assert (await bot.run("/resend", user=ANI)).outcome is Outcome.OK


async def test_the_refusal_says_when_the_oldest_counted_run_leaves_the_period(
    bot: BotTester,
) -> None:
    before = datetime.now(UTC)
    for minutes in (50, 40, 10):
        await record(bot, ANI, "resend", "ok", timedelta(minutes=minutes))
    refused = await bot.run("/resend", user=ANI)
    after = datetime.now(UTC)
    assert refused.outcome is Outcome.RATE_LIMITED
    # The run recorded 50 minutes ago leaves the hour 10 minutes from when it was recorded,
    # some moment between `before` and `after` (however slowly this machine ran meanwhile).
    moments = [before + (after - before) * step / 10 for step in range(11)]
    shown = {again_at_text(at + timedelta(minutes=10), at, 3600) for at in moments}
    assert any(f"again at {t}" in (refused.text or "") for t in shown)


async def test_every_run_that_ran_counts_whatever_its_outcome(bot: BotTester) -> None:
    for outcome in ("not_found", "error", "timeout"):
        await record(bot, ANI, "resend", outcome, timedelta(minutes=5))
    assert (await bot.run("/resend", user=ANI)).outcome is Outcome.RATE_LIMITED


async def test_attempts_that_did_not_run_do_not_count(bot: BotTester) -> None:
    for outcome in ("pending", "rejected", "denied", "cancelled", "rate_limited"):
        for _ in range(3):
            await record(bot, ANI, "resend", outcome, timedelta(minutes=5))
    assert (await bot.run("/resend", user=ANI)).outcome is Outcome.OK


async def test_a_usage_error_is_not_counted_and_not_limited(bot: BotTester) -> None:
    for _ in range(3):
        await bot.run("/resend", user=ANI)
    assert (await bot.run("/resend extra", user=ANI)).outcome is Outcome.REJECTED


async def test_the_configured_limit_wins_over_the_commands(bot: BotTester) -> None:
    base = bot.bot.settings.model_dump()
    bot.bot = bot.bot.with_settings(
        Settings.model_validate({**base, "rate_limits": {"resend": "1/hour"}})
    )
    assert (await bot.run("/resend", user=ANI)).outcome is Outcome.OK
    refused = await bot.run("/resend", user=ANI)
    assert refused.outcome is Outcome.RATE_LIMITED
    assert "/resend once in the last hour" in (refused.text or "")
    bot.bot = bot.bot.with_settings(
        Settings.model_validate({**base, "rate_limits": {"resend": "off"}})
    )
    assert (await bot.run("/resend", user=ANI)).outcome is Outcome.OK


async def test_a_lowered_limit_says_the_user_is_over_it(bot: BotTester) -> None:
    for minutes in (30, 20, 10):
        await record(bot, ANI, "resend", "ok", timedelta(minutes=minutes))
    base = bot.bot.settings.model_dump()
    bot.bot = bot.bot.with_settings(
        Settings.model_validate({**base, "rate_limits": {"resend": "2/hour"}})
    )
    refused = await bot.run("/resend", user=ANI)
    assert "3 times in the last hour, over its limit of 2" in (refused.text or "")


async def test_without_a_store_limits_are_not_enforced() -> None:
    CALLS.clear()
    async with BotTester.fake({}, commands=[resend], with_store=False) as tester:
        for _ in range(5):
            assert (await tester.run("/resend", user=ANI)).outcome is Outcome.OK
    assert len(CALLS) == 5
