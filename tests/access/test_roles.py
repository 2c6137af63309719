"""Roles: who has which, who may run what, refusals in the chain, and where actions may run."""

from __future__ import annotations

from typing import Any

import pytest

from supportbot import Context, Message, Outcome, Reply, Settings, User, command
from supportbot.access.roles import (
    action_channels_for,
    allowed_roles,
    channel_allowed,
    check_channels,
    check_command_roles,
    check_role_members,
    check_roles,
    may_run,
    member_matches,
    roles_of,
)
from supportbot.core.registry import CommandRegistry, spec_of
from supportbot.terminal.session import terminal_user
from supportbot.testing import BotTester

CALLS: list[str] = []

LINA = User(
    id="U0LEAD001",
    name="Lina",
    email="Lina.Putri@Example.ID",
    groups=frozenset({"S0GROUP01", "support-leads"}),
)
AGENT = User(id="U0AGENT01", name="Ani", email="ani@example.id")


def settings(**values: Any) -> Settings:
    """Settings with only what a test gives (no file, no environment)."""
    return Settings.model_validate(values)


@command("lookup", help="Anyone may run it")
async def lookup(ctx: Context) -> str:
    CALLS.append("lookup")
    return "looked up"


@command("refund", help="Refund a payment", roles={"lead"})
async def refund(ctx: Context) -> str:
    CALLS.append("refund")
    return "refunded"


@command("wipe", help="Change something", action=True, confirm="Wipe it?")
async def wipe(ctx: Context) -> Reply:
    CALLS.append("wipe")
    return Reply(text="wiped")


@command("wipe-here", action=True, confirm="Wipe it here?", channels=("C0ACTIONS1",))
async def wipe_here(ctx: Context) -> Reply:
    CALLS.append("wipe-here")
    return Reply(text="wiped here")


@command("whoami")
async def whoami(ctx: Context) -> str:
    return ",".join(sorted(ctx.roles))


COMMANDS = [lookup, refund, wipe, wipe_here, whoami]


def spec(func: Any) -> Any:
    found = spec_of(func)
    assert found is not None
    return found


def registry(*funcs: Any) -> CommandRegistry:
    made = CommandRegistry()
    for func in funcs:
        made.add(spec(func))
    return made


# --- who has which role -------------------------------------------------------------------


@pytest.mark.parametrize(
    "member",
    [
        "slack:U0LEAD001",  # Slack user id
        "U0LEAD001",  # ... without its kind, for one release
        "email:lina.putri@example.id",  # email, any ASCII case
        "EMAIL:LINA.PUTRI@EXAMPLE.ID",
        "lina.putri@example.id",  # ... without its kind, for one release
        "group:support-leads",  # user group handle
        "group:@support-leads",  # ... written as Slack shows it
        "group:@Support-Leads",  # ... in any ASCII case
        "group:S0GROUP01",  # user group id
        "group:s0group01",
        "  group:support-leads  ",
    ],
)
def test_a_member_names_a_slack_user_by_id_email_or_group(member: str) -> None:
    config = settings(roles={"lead": {"members": [member]}})
    assert roles_of(LINA, config) == {"agent", "lead"}


@pytest.mark.parametrize("member", ["login:lina", "lina", "Lina", "terminal:lina", "LINA"])
def test_a_terminal_user_is_named_by_login_name(member: str) -> None:
    config = settings(roles={"lead": {"members": [member]}})
    assert "lead" in roles_of(terminal_user("lina"), config)
    assert "lead" not in roles_of(terminal_user("linda"), config)


def test_a_non_slack_user_is_named_by_name() -> None:
    config = settings(roles={"lead": {"members": ["Agent Smith"]}})
    tester = User(id="test:smith", name="agent smith")
    assert "lead" in roles_of(tester, config)


def test_a_slack_display_name_grants_nothing_because_anyone_can_choose_it() -> None:
    config = settings(roles={"lead": {"members": ["lina"]}})
    impostor = User(id="U0EVIL0001", name="lina")
    assert roles_of(impostor, config) == {"agent"}


@pytest.mark.parametrize("member", ["lina", "@lina", "login:lina", "S0LINA001"])
def test_a_group_whose_handle_is_a_plain_name_member_grants_nothing(member: str) -> None:
    config = settings(roles={"lead": {"members": [member]}})
    in_group = User(id="U0EVIL0001", name="evil", groups=frozenset({"lina", "S0LINA001"}))
    assert roles_of(in_group, config) == {"agent"}
    assert "lead" in roles_of(in_group, settings(roles={"lead": {"members": ["group:lina"]}}))


def test_members_without_a_kind_are_named_at_start_with_how_to_write_them() -> None:
    config = settings(
        roles={"lead": {"members": ["lina", "U0LEAD001", "a@b.id", "group:x", "slack:U0X1"]}}
    )
    warnings = check_role_members(config)
    assert len(warnings) == 3
    assert "roles.lead.members: 'lina' has no kind; it is read as login:lina" in warnings[0]
    assert "group:lina" in warnings[0]
    assert "slack:U0LEAD001" in warnings[1] and "email:a@b.id" in warnings[2]


@pytest.mark.parametrize("role", [None, "visitor"])
def test_a_guest_has_the_guest_role_only_even_when_listed(role: str | None) -> None:
    config = settings(guest_role=role, roles={"lead": {"members": ["slack:U0LEAD001"]}})
    guest = User(id="U0LEAD001", guest=True)
    assert roles_of(guest, config) == ({role} if role else set())


def test_a_group_handle_spelling_someones_id_does_not_borrow_their_roles() -> None:
    config = settings(roles={"lead": {"members": ["U0LEAD001"]}})
    member_of_lookalike = User(id="U0EVIL0001", groups=frozenset({"u0lead001"}))
    assert roles_of(member_of_lookalike, config) == {"agent"}


def test_everyone_has_the_default_role_and_it_can_be_renamed() -> None:
    assert roles_of(AGENT, settings()) == {"agent"}
    assert roles_of(AGENT, settings(default_role="staff")) == {"staff"}


def test_a_user_can_have_several_roles() -> None:
    config = settings(
        roles={
            "lead": {"members": ["group:support-leads"]},
            "weekend": {"members": ["lina.putri@example.id"]},
            "finance": {"members": ["U0OTHER001"]},
        }
    )
    assert roles_of(LINA, config) == {"agent", "lead", "weekend"}


@pytest.mark.parametrize(
    ("member", "user"),
    [
        ("", User(id="U0AGENT01")),
        ("@", User(id="U0AGENT01")),
        ("   ", User(id="test:x", name="")),
        ("", User(id="test:x", name="", email="")),
        ("kate", User(id="test:k", name="\u212aate")),  # Kelvin sign, not K
        ("lina", User(id="test:l", name="ｌｉｎａ")),  # full-width letters
        ("lína", User(id="test:l", name="lina")),
        ("lina\x00", User(id="test:l", name="lina")),
        ("*", User(id="test:l", name="lina")),
        ("%", User(id="test:l", name="lina")),
        ("lina@example.id", User(id="test:l", name="lina@example.id")),  # an email is no name
        ("x" * 100_000, User(id="test:l", name="x" * 99_999)),
        ("🙂", User(id="test:l", name="🙂🙂")),
        ("straße@example.id", User(id="test:l", email="strasse@example.id")),
    ],
)
def test_hostile_or_lookalike_members_match_nobody(member: str, user: User) -> None:
    assert not member_matches(member, user)
    assert roles_of(user, settings(roles={"lead": {"members": [member]}})) == {"agent"}


def test_unicode_members_match_only_exactly() -> None:
    user = User(id="test:ö", name="Ömer 🙂")
    assert member_matches("Ömer 🙂", user)
    assert not member_matches("ömer 🙂", user)  # only ASCII letters are folded
    assert member_matches("ÖMER 🙂", user)


# --- who may run what ----------------------------------------------------------------------


def test_a_command_without_roles_is_for_everyone() -> None:
    assert allowed_roles(spec(lookup), settings()) is None
    assert may_run(spec(lookup), AGENT, settings())


def test_a_command_with_roles_is_for_those_roles_only() -> None:
    config = settings(roles={"lead": {"members": ["group:support-leads"]}})
    assert allowed_roles(spec(refund), config) == {"lead"}
    assert may_run(spec(refund), LINA, config)
    assert not may_run(spec(refund), AGENT, config)


def test_command_roles_in_the_configuration_win_over_the_decorator() -> None:
    opened = settings(command_roles={"refund": ["agent"]})
    assert allowed_roles(spec(refund), opened) == {"agent"}
    assert may_run(spec(refund), AGENT, opened)
    closed = settings(roles={"lead": {"members": []}}, command_roles={"lookup": ["lead"]})
    assert not may_run(spec(lookup), AGENT, closed)
    nobody = settings(command_roles={"lookup": []})
    assert not may_run(spec(lookup), AGENT, nobody)


# --- checked at start ----------------------------------------------------------------------


def test_a_consistent_configuration_has_no_problems() -> None:
    config = settings(roles={"lead": {"members": ["U0LEAD001"]}}, command_roles={"wipe": ["lead"]})
    assert check_roles(registry(*COMMANDS), config) == []
    assert check_command_roles(registry(*COMMANDS), config) == []


def test_a_command_naming_an_unknown_role_is_reported_with_the_command_and_role() -> None:
    # A warning, not a stop: the command is refused to everyone until the role is configured.
    [problem] = check_command_roles(registry(lookup, refund), settings())
    assert "/refund" in problem and "'lead'" in problem and "test_roles.py" in problem
    assert "[roles.lead]" in problem
    assert check_roles(registry(lookup, refund), settings()) == []
    assert not may_run(spec(refund), AGENT, settings())


def test_a_missing_role_is_one_warning_naming_every_command_that_names_it() -> None:
    # A start without [roles.*] used to print one line per command and per key.
    @command("approve-refund", roles={"lead", "finance"}, approval="lead")
    async def approve_refund(ctx: Context) -> str:
        return "ok"

    finance, lead = check_command_roles(registry(lookup, refund, approve_refund), settings())
    assert "'lead'" in lead and "'finance'" not in lead
    assert "/refund (" in lead and "@command(roles=...)" in lead
    assert "/approve-refund (" in lead and "@command(roles=..., approval=...)" in lead
    assert lead.count("[roles.lead]") == 1 and "configured: none" in lead
    assert "/approve-refund" in finance and "/refund" not in finance and "names the role" in finance


def test_an_unknown_role_in_command_roles_or_approval_is_reported() -> None:
    @command("approve-me", approval="finance")
    async def approve_me(ctx: Context) -> str:
        return "ok"

    config = settings(
        roles={"lead": {"members": []}},
        command_roles={"lookup": ["leads"], "nope": ["lead"]},
    )
    problems = check_roles(registry(lookup, refund, approve_me), config)
    assert len(problems) == 1
    assert any("command_roles.lookup" in p and "'leads'" in p for p in problems)
    [warning] = check_command_roles(registry(lookup, refund, approve_me), config)
    assert "/approve-me" in warning and "approval" in warning and "'finance'" in warning
    # An entry for a command this bot does not have is only a warning (another replica may).
    assert not any("command_roles.nope" in p for p in problems)


def test_command_roles_must_use_the_command_name_not_an_alias() -> None:
    @command("merchant-x", aliases=("mx",))
    async def merchant_x(ctx: Context) -> str:
        return "ok"

    [problem] = check_roles(registry(merchant_x), settings(command_roles={"mx": ["agent"]}))
    assert "command_roles.mx" in problem and "command_roles.merchant-x" in problem


# --- refusals in the chain -----------------------------------------------------------------


@pytest.fixture
async def bot() -> Any:
    CALLS.clear()
    async with BotTester.fake({}, commands=COMMANDS) as tester:
        yield tester


def configure(tester: BotTester, **values: Any) -> None:
    """Give the running bot these settings (validated), keeping its database and services."""
    base = tester.bot.settings.model_dump()
    tester.bot = tester.bot.with_settings(Settings.model_validate({**base, **values}))


LEADS = {"lead": {"members": ["group:support-leads", "login:lina"], "description": "Support leads"}}


async def test_a_user_without_the_role_is_denied_and_told_who_may_and_how(
    bot: BotTester,
) -> None:
    configure(bot, roles=LEADS, access_help="Ask #support-leads for the lead role.")
    reply = await bot.run("/refund", user=AGENT)
    assert reply.outcome is Outcome.DENIED
    assert reply.text == (
        "You cannot run /refund: only people with the lead role can. Nothing was done. "
        "Ask #support-leads for the lead role."
    )
    assert CALLS == []
    assert reply.outcome.exit_code == 1
    assert bot.bot.store is not None
    [record] = await bot.bot.store.audit.query()
    assert (record.outcome, record.command, record.user_id) == ("denied", "refund", AGENT.id)


async def test_a_user_with_the_role_runs_it(bot: BotTester) -> None:
    configure(bot, roles=LEADS)
    assert (await bot.run("/refund", user=LINA)).text == "refunded"
    assert (await bot.run("/refund", user=terminal_user("lina"))).text == "refunded"
    assert CALLS == ["refund", "refund"]


async def test_several_allowed_roles_are_all_named(bot: BotTester) -> None:
    configure(bot, roles=LEADS, command_roles={"refund": ["lead", "weekend", "finance"]})
    reply = await bot.run("/refund", user=AGENT)
    assert "only people with the finance, lead or weekend role can" in (reply.text or "")


async def test_command_roles_override_opens_and_closes_commands(bot: BotTester) -> None:
    configure(bot, roles=LEADS, command_roles={"refund": ["agent"], "lookup": ["lead"]})
    assert (await bot.run("/refund", user=AGENT)).outcome is Outcome.OK
    denied = await bot.run("/lookup", user=AGENT)
    assert denied.outcome is Outcome.DENIED and "lead" in (denied.text or "")
    assert (await bot.run("/lookup", user=LINA)).outcome is Outcome.OK
    assert CALLS == ["refund", "lookup"]


async def test_a_denied_action_is_never_asked_to_be_confirmed(bot: BotTester) -> None:
    configure(bot, roles=LEADS, command_roles={"wipe": ["lead"]})
    reply = await bot.run("/wipe", user=AGENT, confirm=True)
    assert reply.outcome is Outcome.DENIED and reply.confirmation is None
    assert CALLS == []


async def test_the_context_carries_the_users_roles(bot: BotTester) -> None:
    configure(bot, roles=LEADS)
    assert (await bot.run("/whoami", user=LINA)).text == "agent,lead"
    assert (await bot.run("/whoami", user=AGENT)).text == "agent"


# --- where actions may run -----------------------------------------------------------------


def slack(text: str, user: User, channel: str | None) -> Message:
    return Message(text=text, user=user, adapter="slack", channel=channel, channel_limited=True)


async def test_an_action_in_slack_outside_the_action_channels_is_refused(bot: BotTester) -> None:
    configure(bot, action_channels=["C0ACTIONS1", "C0ACTIONS2"])
    reply = await bot.bot.handle(slack("/wipe", AGENT, "C0RANDOM01"))
    assert reply.outcome is Outcome.DENIED and reply.confirmation is None
    assert reply.text == (
        "/wipe can only be run in C0ACTIONS1 or C0ACTIONS2, not here. Nothing was done; "
        "run it again there."
    )
    assert bot.bot.store is not None
    [record] = await bot.bot.store.audit.query()
    assert (record.outcome, record.channel) == ("denied", "C0RANDOM01")
    direct = await bot.bot.handle(slack("/wipe", AGENT, None))
    assert direct.outcome is Outcome.DENIED
    assert CALLS == []


async def test_an_action_in_a_listed_channel_goes_on_to_its_confirmation(bot: BotTester) -> None:
    configure(bot, action_channels=["C0ACTIONS1"])
    reply = await bot.bot.handle(slack("/wipe", AGENT, "C0ACTIONS1"))
    assert reply.outcome is Outcome.PENDING and reply.text == "Wipe it?"


async def test_lookups_are_not_channel_limited(bot: BotTester) -> None:
    configure(bot, action_channels=["C0ACTIONS1"])
    reply = await bot.bot.handle(slack("/lookup", AGENT, "C0RANDOM01"))
    assert reply.outcome is Outcome.OK


async def test_the_terminal_and_tests_are_not_channel_limited(bot: BotTester) -> None:
    configure(bot, action_channels=["C0ACTIONS1"])
    terminal = await bot.bot.handle(Message(text="/wipe", user=terminal_user("ani")))
    assert terminal.outcome is Outcome.PENDING
    assert (await bot.run("/wipe", channel="C0RANDOM01")).outcome is Outcome.PENDING


async def test_a_commands_own_channels_win_over_action_channels(bot: BotTester) -> None:
    configure(bot, action_channels=["C0ELSEWHERE"])
    refused = await bot.bot.handle(slack("/wipe-here", AGENT, "C0ELSEWHERE"))
    assert refused.outcome is Outcome.DENIED and "C0ACTIONS1" in (refused.text or "")
    allowed = await bot.bot.handle(slack("/wipe-here", AGENT, "C0ACTIONS1"))
    assert allowed.outcome is Outcome.PENDING


async def test_without_action_channels_actions_run_anywhere(bot: BotTester) -> None:
    reply = await bot.bot.handle(slack("/wipe", AGENT, "C0RANDOM01"))
    assert reply.outcome is Outcome.PENDING


def test_channel_ids_match_exactly_and_names_never() -> None:
    assert channel_allowed("C0ACTIONS1", ("c0actions1",))
    assert channel_allowed("C0ANY", ())
    assert not channel_allowed("C0ACTIONS1", ("#support-actions",))
    assert not channel_allowed("C0ACTIONS1", ("C0ACTIONS",))
    assert not channel_allowed(None, ("C0ACTIONS1",))
    assert not channel_allowed("", ("", "  "))
    assert action_channels_for(spec(lookup), settings(action_channels=["C1"])) == ()


def test_channel_names_are_reported_at_start_since_they_cannot_match() -> None:
    @command("tidy", action=True, channels=["#ops"])
    async def tidy(ctx: Context) -> str:
        return "ok"

    config = settings(action_channels=["C0ACTIONS1", "#support-actions"])
    problems = check_channels(registry(lookup, tidy), config)
    assert len(problems) == 2
    assert "action_channels" in problems[0] and "'#support-actions'" in problems[0]
    assert "/tidy" in problems[1] and "'#ops'" in problems[1]
    assert check_channels(registry(lookup), settings(action_channels=["C0ACTIONS1"])) == []
