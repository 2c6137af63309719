"""Command forms: an action typed without its arguments opens a modal built from the command's
declared arguments; a submission is checked field by field with the parser's own types, then
runs the normal path (confirmation, approval). Signed requests against the fake Slack."""

from __future__ import annotations

import json
from typing import Any, Literal

from hypothesis import given, settings
from hypothesis import strategies as st

from supportbot import Amount, Context, Reply, Rest, TransactionId, command
from supportbot.core.parsing import ConvertContext, parse_command
from supportbot.core.registry import CommandSpec, spec_of
from supportbot.slack import SlackAdapter
from supportbot.slack._modal_form import (
    BLOCK_PREFIX,
    FIELD_ACTION,
    command_view,
    missing_arguments,
    prefill_of,
    read_submission,
)
from supportbot.slack.testing import (
    FakeSlack,
    SentRequest,
    SlackSender,
    text_value,
    view_problem,
    view_submission,
)
from supportbot.testing import BotTester

from .conftest import AGENT, OTHER
from .test_slack_approvals import LEAD, _add_leads
from .test_slack_interactivity import button, click, text_of


@command("refund", confirm="Refund {amount} of {tx}?")
async def refund_like(
    ctx: Context,
    tx: TransactionId,
    amount: Amount,
    reason: Rest,
    *,
    channel: Literal["sms", "email"] = "sms",
    force: bool = False,
) -> Reply:
    """A refund's arguments, with a menu and a switch too."""
    return Reply()


REFUND = spec_of(refund_like)
assert REFUND is not None


def spec(tester: BotTester, name: str) -> CommandSpec:
    found = tester.bot.registry.get(name)
    assert found is not None
    return found


async def open_form(
    slack: FakeSlack,
    sender: SlackSender,
    adapter: SlackAdapter,
    command: str,
    text: str = "",
    *,
    user_id: str = AGENT,
) -> tuple[str, SentRequest]:
    url = slack.new_response_url()
    ack = await sender.command(command, text, response_url=url, user_id=user_id)
    await adapter.drain(10)
    return url, ack


def fields(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


async def submit(
    sender: SlackSender,
    adapter: SlackAdapter,
    view: dict[str, Any],
    values: dict[str, str],
    *,
    user_id: str = AGENT,
) -> SentRequest:
    state = {BLOCK_PREFIX + name: {FIELD_ACTION: text_value(v)} for name, v in values.items()}
    sent = await sender.click(view_submission(view, state, user_id=user_id))
    assert sent.status == 200 and sent.elapsed_s < 3
    await adapter.drain(10)
    return sent


def errors_of(sent: SentRequest) -> dict[str, str]:
    if not sent.text:
        return {}
    body = sent.json()
    assert body["response_action"] == "errors"
    errors: dict[str, str] = body["errors"]
    return errors


async def test_reset_pin_without_arguments_opens_a_form_of_its_arguments(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    url, ack = await open_form(slack, sender, adapter, "/reset-pin")
    assert ack.status == 200 and ack.text == ""  # no "Looking up", no usage line
    [call] = slack.calls_to("views.open")
    assert call.args["trigger_id"]
    assert slack.problems == []
    [view] = slack.opened_views
    assert view["title"]["text"] == "/reset-pin" and view["submit"]["text"] == "Continue"
    inputs = fields(view)
    assert list(inputs) == ["arg.merchant", "arg.device"]
    assert inputs["arg.merchant"]["optional"] is False and inputs["arg.device"]["optional"] is True
    assert "M-10001" in inputs["arg.merchant"]["element"]["placeholder"]["text"]
    assert "M-10001" not in view["private_metadata"]  # only the id of the server-side state
    assert slack.responses_to(url) == []


async def test_a_good_submission_asks_the_usual_confirmation_and_approval_follows(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    _add_leads(slack)
    url, _ = await open_form(slack, sender, adapter, "/reset-pin")
    [view] = slack.opened_views
    sent = await submit(sender, adapter, view, {"merchant": "m-10001", "device": ""})
    assert errors_of(sent) == {}
    [question] = [post.body for post in slack.responses_to(url)]
    assert question["replace_original"] is False and question["response_type"] == "ephemeral"
    assert "Reset the PIN of M-10001 (Toko Sinar Jaya), all devices" in text_of(question)
    # The requester reads the number back to the customer: whole (no personal_data_roles set).
    assert "0812-3456-7890" in text_of(question)
    _, [sent_on] = await click(
        slack, sender, adapter, button(question, "supportbot.button", "Confirm")
    )
    assert "approv" in text_of(sent_on).lower()
    # The approvers got the request, as from a typed command, with the number masked.
    requests = [
        text_of(c.args)
        for c in slack.calls_to("chat.postMessage")
        if "Approval needed" in text_of(c.args)
    ]
    assert requests and all("3456" not in text for text in requests)


async def test_wrong_fields_are_named_under_each_field_and_nothing_runs(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    _add_leads(slack)
    url, _ = await open_form(slack, sender, adapter, "/refund", user_id=LEAD)
    [view] = slack.opened_views
    sent = await submit(
        sender, adapter, view, {"tx": "TX-abc", "amount": "lots", "reason": ""}, user_id=LEAD
    )
    errors = errors_of(sent)
    assert set(errors) == {"arg.tx", "arg.amount", "arg.reason"}
    assert "TX-abc" in errors["arg.tx"] and "lots" in errors["arg.amount"]
    assert "Reason is needed" in errors["arg.reason"]
    assert slack.responses_to(url) == []
    store = tester.bot.store
    assert store is not None and await store.audit.query(limit=10) == []


async def test_a_half_typed_command_prefills_the_form(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    _add_leads(slack)
    await open_form(slack, sender, adapter, "/refund", "TX-1042", user_id=LEAD)
    [view] = slack.opened_views
    assert fields(view)["arg.tx"]["element"]["initial_value"] == "TX-1042"
    assert "initial_value" not in fields(view)["arg.amount"]["element"]


async def test_someone_who_may_not_run_it_gets_the_refusal_not_a_form(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    url, _ = await open_form(slack, sender, adapter, "/refund")  # an agent: leads only
    assert slack.calls_to("views.open") == []
    [answer] = [post.body for post in slack.responses_to(url)]
    assert "lead" in text_of(answer)


async def test_a_lookup_or_a_complete_command_opens_no_form(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    await open_form(slack, sender, adapter, "/merchant")
    await open_form(slack, sender, adapter, "/reset-pin", "M-10001")
    await open_form(slack, sender, adapter, "/reset-pin", "--help")
    assert slack.calls_to("views.open") == []


async def test_someone_elses_form_and_an_unknown_form_are_refused(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    url, _ = await open_form(slack, sender, adapter, "/reset-pin")
    [view] = slack.opened_views
    other = errors_of(await submit(sender, adapter, view, {"merchant": "M-10001"}, user_id=OTHER))
    assert "opened for rina" in other["arg.merchant"]
    forged = {**view, "private_metadata": "not-a-stored-form-id"}
    expired = errors_of(await submit(sender, adapter, forged, {"merchant": "M-10001"}))
    assert "expired" in expired["arg.merchant"]
    tampered = {**view, "private_metadata": "iid.²\x00"}
    assert "expired" in errors_of(await submit(sender, adapter, tampered, {}))["arg.merchant"]
    assert slack.responses_to(url) == []


async def test_when_slack_will_not_open_the_form_the_usage_is_answered(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    slack.fail_next("views.open", status=200)  # {"ok": false}: an expired trigger
    url, _ = await open_form(slack, sender, adapter, "/reset-pin")
    [answer] = [post.body for post in slack.responses_to(url)]
    assert "is missing" in text_of(answer) and "Example: `/reset-pin M-10001`" in text_of(answer)


async def test_hostile_values_are_refused_in_words_or_kept_as_text(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    _add_leads(slack)
    url, _ = await open_form(slack, sender, adapter, "/refund", user_id=LEAD)
    [view] = slack.opened_views
    huge = errors_of(
        await submit(sender, adapter, view, {"tx": "TX-1" * 100, "amount": "1"}, user_id=LEAD)
    )
    assert "characters" in huge["arg.tx"]
    injected = errors_of(
        await submit(
            sender,
            adapter,
            view,
            {"tx": "TX-1042'; DROP TABLE audit;--", "amount": "١٠٠", "reason": "\u202e x"},
            user_id=LEAD,
        )
    )
    assert set(injected) >= {"arg.tx", "arg.amount"}
    # A reason with quotes, an option-like word and unicode is kept as typed text.
    reason = 'dobel "charge" --force ✓ tökö'
    sent = await submit(
        sender,
        adapter,
        view,
        {"tx": "TX-1042", "amount": "Rp 50.000", "reason": reason},
        user_id=LEAD,
    )
    assert errors_of(sent) == {}
    [question] = [post.body for post in slack.responses_to(url)]
    assert "Refund Rp 50.000 of TX-1042" in text_of(question)
    assert "--force ✓ tökö" in text_of(question)
    assert slack.problems == []


def test_the_form_of_every_bundled_action_is_one_slack_takes(tester: BotTester) -> None:
    for each in tester.bot.registry:
        if each.action and each.params:
            view = command_view(each, title=f"/{each.name}", state_id="a" * 16)
            assert view_problem(view, "modal") is None, each.name


def test_the_fake_refuses_views_slack_refuses() -> None:
    good = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "ok"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
    }
    assert view_problem(good, "modal") is None
    assert view_problem(good, "home") is not None
    assert view_problem({**good, "title": {"type": "plain_text", "text": "x" * 25}}, "modal")
    assert view_problem({**good, "blocks": good["blocks"] * 101}, "modal")
    assert view_problem({**good, "private_metadata": "x" * 3001}, "modal")
    twice = {"type": "section", "block_id": "a", "text": {"type": "mrkdwn", "text": "hi"}}
    assert view_problem({**good, "blocks": [twice, twice]}, "modal")


@settings(max_examples=150, deadline=None)
@given(
    tx=st.text(max_size=300),
    amount=st.text(max_size=60),
    reason=st.text(max_size=600),
    typed=st.text(max_size=200),
)
def test_any_submission_is_a_command_the_parser_takes_or_named_field_errors(
    tx: str, amount: str, reason: str, typed: str
) -> None:
    state = {
        "arg.tx": {FIELD_ACTION: text_value(tx)},
        "arg.amount": {FIELD_ACTION: text_value(amount)},
        "arg.reason": {FIELD_ACTION: text_value(reason)},
        "arg.channel": {FIELD_ACTION: {"type": "static_select", "selected_option": None}},
        "arg.force": {
            FIELD_ACTION: {"type": "checkboxes", "selected_options": [{"value": "true"}]}
        },
    }
    text, errors = read_submission(REFUND, state, ConvertContext())
    if errors:
        assert text == "" and set(errors) <= {"arg.tx", "arg.amount", "arg.reason"}
        assert all(message.strip() for message in errors.values())
    else:
        assert parse_command(text).name == "refund" and "--force" in text
    try:
        parsed = parse_command("/refund " + typed)
    except Exception:
        return
    prefill_of(REFUND, parsed)
    missing_arguments(REFUND, parsed)


def test_json_of_a_view_is_plain(tester: BotTester) -> None:
    view = command_view(spec(tester, "refund"), title="/refund", state_id="abcdefgh")
    assert json.loads(json.dumps(view)) == view


def test_a_menu_and_a_switch_become_an_option_and_a_flag() -> None:
    view = command_view(REFUND, title="/refund", state_id="abcdefgh")
    inputs = fields(view)
    assert inputs["arg.channel"]["element"]["type"] == "static_select"
    assert inputs["arg.force"]["element"]["type"] == "checkboxes"
    state = {
        "arg.tx": {FIELD_ACTION: text_value("tx-7")},
        "arg.amount": {FIELD_ACTION: text_value("150rb")},
        "arg.reason": {FIELD_ACTION: text_value("late")},
        "arg.channel": {FIELD_ACTION: {"selected_option": {"value": "email"}}},
        "arg.force": {FIELD_ACTION: {"selected_options": [{"value": "true"}]}},
    }
    text, errors = read_submission(REFUND, state, ConvertContext())
    assert errors == {} and text == "/refund --channel=email --force tx-7 150rb late"
