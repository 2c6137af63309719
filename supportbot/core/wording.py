"""Every sentence a user can read, as small functions, so wording stays consistent.

Add new wording here as a new function; keep each one short, concrete, and saying what to do next.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime


def seconds(value: float) -> str:
    """3 -> '3 s', 0.25 -> '0.25 s'."""
    return f"{value:g} s"


# --- commands and arguments ------------------------------------------------------------------


def unknown_command(name: str, suggestions: Sequence[str]) -> str:
    """No command has this name."""
    shown = name if len(name) <= 40 else name[:40] + "…"
    if suggestions:
        options = " or ".join(f"/{s}" for s in suggestions[:3])
        return f"There is no command /{shown}. Did you mean {options}? Type /help for the list."
    return f"There is no command /{shown}. Type /help for the list of commands."


def empty_input() -> str:
    """The user sent nothing to run."""
    return "Type a command, for example /merchant 0812-3456-7890, or /help for the list."


def input_too_long(limit: int) -> str:
    """The text is longer than we accept."""
    return f"That is too long to be a command (more than {limit} characters)."


def unbalanced_quote() -> str:
    """A quote was opened and never closed."""
    return 'A quote is not closed. Put a closing " after the quoted words.'


def missing_argument(param: str) -> str:
    """A required argument was not given."""
    return f"<{param}> is missing."


def extra_arguments(extra: Sequence[str]) -> str:
    """More words than the command takes."""
    shown = " ".join(extra)
    if len(shown) > 60:
        shown = shown[:60] + "…"
    return f"Too many arguments: {shown!r} is more than this command takes."


def invalid_argument(param: str, reason: str) -> str:
    """An argument was given but is not valid."""
    return f"<{param}> {reason}"


def unknown_option(option: str, known: Sequence[str]) -> str:
    """An --option the command does not have."""
    shown = option if len(option) <= 40 else option[:40] + "…"
    if known:
        return f"Unknown option {shown}. This command takes " + ", ".join(known) + "."
    return f"Unknown option {shown}. This command takes no options."


def usage_hint(usage: str | None, example: str | None) -> str:
    """The usage line and example shown under every usage error."""
    parts = []
    if usage:
        parts.append(f"Usage: {usage}")
    if example:
        parts.append(f"Example: {example}")
    return "\n".join(parts)


# --- running commands ------------------------------------------------------------------------


def handler_failed(command: str, error_ref: str) -> str:
    """A command crashed; the reference finds the traceback in the log and audit."""
    return (
        f"/{command} failed because of a problem on our side, not with what you typed. "
        f"Nothing was changed. Error reference {error_ref}: give it to engineering."
    )


def command_timed_out(command: str, timeout_s: float, error_ref: str) -> str:
    """A command passed its deadline."""
    return (
        f"/{command} did not finish within {seconds(timeout_s)} and was stopped. "
        f"Try again; if it keeps happening, give engineering the reference {error_ref}."
    )


def not_allowed(command: str, roles: Sequence[str], how: str) -> str:
    """The user's roles do not allow the command: who may run it, and how to get access."""
    if not roles:
        return f"No one can run /{command} at the moment: no role is given it. {how}".strip()
    return (
        f"You cannot run /{command}: only people with the {either(roles)} role can. "
        f"Nothing was done. {how}"
    ).strip()


# --- services --------------------------------------------------------------------------------


def service_timeout(service: str, timeout_s: float) -> str:
    """A service did not answer in time."""
    return f"{service} did not answer in {seconds(timeout_s)}"


def service_unreachable(service: str) -> str:
    """A service could not be reached at all."""
    return f"{service} could not be reached"


def service_not_found(service: str) -> str:
    """A service says the thing does not exist."""
    return f"{service} has no record of it"


def service_bad_response(service: str) -> str:
    """A service answered with something we cannot read."""
    return f"{service} answered in an unexpected shape"


def service_http_error(service: str, status: int) -> str:
    """A service answered with an error status."""
    if status in (401, 403):
        return (
            f"{service} refused our credentials (HTTP {status}); "
            "engineering must fix the bot's access"
        )
    if status == 429:
        return f"{service} is rate limiting us (HTTP 429); try again in a minute"
    if status >= 500:
        return f"{service} failed (HTTP {status})"
    return f"{service} answered HTTP {status}"


# --- confirmations ---------------------------------------------------------------------------


def confirmation_unknown() -> str:
    """A confirm/cancel for something we have no record of (already used, or never existed)."""
    return (
        "That confirmation is no longer open (it was already used or cancelled). Nothing was done."
    )


def confirmation_not_yours(command: str) -> str:
    """Someone clicked another person's confirm button."""
    return f"Only the person who asked for /{command} can confirm or cancel it. Nothing was done."


def confirmation_expired(command: str) -> str:
    """The confirmation came too late."""
    return (
        f"This /{command} request expired before it was confirmed. Nothing was done; run it again."
    )


def cancelled(command: str) -> str:
    """The user said no."""
    return f"Cancelled /{command}. Nothing was changed."


# --- actions: approval, exactly once, retries, escalation ------------------------------------


def _at(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%H:%M UTC on %Y-%m-%d")


def actions_need_a_database(command: str) -> str:
    """An action on a bot started without its database."""
    return (
        f"/{command} changes something, and actions need the bot's database (for the "
        "confirmation, the exactly-once record and the audit trail). This bot runs without one, "
        "so nothing was done."
    )


def approval_needed_after_confirm(role: str) -> str:
    """Added to the question of an action that needs a second person."""
    return f"After you confirm, a member of the {role} role must approve it before it runs."


def sent_for_approval(command: str, role: str, token: str) -> str:
    """The requester confirmed an action that needs approval."""
    return (
        f"Sent /{command} for approval: a member of the {role} role must approve it before it "
        f"runs. Nothing has changed yet. They approve it with the button or `/approve {token}` "
        f"(or turn it down with `/reject {token}`)."
    )


def awaiting_approval(command: str, role: str, since: datetime) -> str:
    """A confirm or retry of an action that already waits for its approver."""
    return (
        f"/{command} is waiting for approval by the {role} role (asked at {_at(since)}). "
        "Nothing has changed yet."
    )


def approver_is_requester(command: str) -> str:
    """The two-person rule."""
    return (
        f"You asked for this /{command}, so you cannot approve it yourself: another member of "
        "the approving role must. Nothing was done."
    )


def approver_lacks_role(command: str, role: str) -> str:
    """Someone outside the approving role tried to approve or reject."""
    return (
        f"Only a member of the {role} role can approve or reject this /{command}. Nothing was done."
    )


def nothing_to_approve(command: str, state: str) -> str:
    """An approve or reject of a request that is not waiting for one."""
    words = {
        "pending": "has not been confirmed by its requester yet",
        "approved": "was already approved",
        "rejected": "was already rejected",
        "cancelled": "was cancelled by its requester",
        "confirmed": "did not need approval",
    }
    return f"This /{command} request {words.get(state, 'is not waiting for approval')}."


def rejected(command: str, requester: str, by: str) -> str:
    """An approver turned an action down."""
    return f"{by} turned down /{command} for {requester}. Nothing was changed."


def already_decided(command: str, state: str) -> str:
    """A confirmation that was cancelled or rejected before this click."""
    if state == "rejected":
        return f"This /{command} request was turned down by its approver. Nothing was done."
    return f"This /{command} request was cancelled. Nothing was done."


def already_done(command: str, when: datetime, by: str, approved_by: str | None) -> str:
    """A second click, a retry or a second replica: the action ran once already."""
    approval = f", approved by {approved_by}" if approved_by else ""
    return f"Already done at {_at(when)} by {by}{approval}; it was not done again. The result:"


def still_running(command: str, when: datetime, by: str) -> str:
    """The action is being carried out right now by another click or replica."""
    return (
        f"/{command} is already being carried out (started at {_at(when)} by {by}); it will "
        "not be done twice. Its answer follows there."
    )


def previous_run_failed(command: str, when: datetime, by: str) -> str:
    """A confirm for a key whose run failed: offer the retry."""
    return (
        f"This /{command} failed at {_at(when)} ({by}). Run it again to retry: the retry reuses "
        "the same request id, so it cannot happen twice."
    )


def retry_note_unknown(when: datetime, by: str) -> str:
    """The question of a retry after the bot stopped in the middle of the same action."""
    return (
        f"⚠ The same action was started at {_at(when)} by {by}, and its outcome is unknown: the "
        "bot stopped while it ran. Confirming retries it with the same request id, so if it did "
        "happen it will not happen twice."
    )


def retry_note_failed(when: datetime, by: str) -> str:
    """The question of a retry of an action that failed."""
    return (
        f"The same action failed at {_at(when)} ({by}). Confirming retries it with the same "
        "request id, so it cannot happen twice."
    )


def retry_note_running(when: datetime, by: str) -> str:
    """The question of an action that is running right now."""
    return (
        f"⚠ The same action is running right now (started at {_at(when)} by {by}); confirming "
        "will not do it a second time."
    )


def done_before_note(when: datetime, by: str) -> str:
    """The question of an action that was already done recently: a deliberate repeat?"""
    return f"Note: the same action was already done at {_at(when)} by {by}."


def action_failed_next_steps(request_id: str, *, retry: bool = True) -> str:
    """Under a failed action: what the person can do now."""
    if not retry:
        return f"If this looks wrong, escalate it to engineering (`/escalate {request_id}`)."
    return (
        "Retry uses the same request id, so it cannot happen twice. If it keeps failing, "
        f"escalate it to engineering (`/escalate {request_id}`)."
    )


def action_refused(service: str, what: str, reason: str, *, sent: bool) -> str:
    """An action's call that certainly did nothing: refused by the service, or never sent."""
    if sent:
        return f"The {service} service refused {what}: {reason}. Nothing was changed."
    return f"{what[:1].upper()}{what[1:]} did not happen: {reason}. Nothing was changed."


def action_unconfirmed(service: str, what: str, reason: str) -> str:
    """An action's call that may have done it: retry before telling the customer."""
    return (
        f"{what[:1].upper()}{what[1:]} may or may not have happened: the {service} service did "
        f"not confirm it ({reason}). Retry (it cannot happen twice) before telling the customer."
    )


def your_request_decided(command: str, approver: str, decision: str) -> str:
    """To the requester: their request was approved (and ran) or turned down."""
    if decision == "approved":
        return f"{approver} approved your /{command}. It ran once; the answer:"
    return f"{approver} turned down your /{command}. Nothing was changed."


def yes_not_allowed() -> str:
    """`exec --yes` on an action that insists on a typed answer."""
    return "This action must be confirmed by a person: --yes does not answer it. Type y to go on."


def escalation_unknown(request_id: str) -> str:
    """/escalate of a reference we have no record of."""
    return (
        f"There is no command run with the reference {request_id}. Copy the reference from the "
        "failed answer (12 letters and digits) and try again."
    )


def escalation_delivered(destination: str) -> str:
    """The escalation went out."""
    return f"Escalated to engineering in {destination}, with the command, its error and who ran it."


def escalation_logged() -> str:
    """No engineering channel: the escalation is recorded and logged."""
    return (
        "No engineering channel is set up (slack_engineering_channel), so this escalation went to "
        "the bot's log and the escalations table; it is printed below. Send it to engineering."
    )


def escalation_already_sent(destination: str, at: datetime, by: str) -> str:
    """An escalation of a run that reached engineering before: it is not sent twice."""
    return (
        f"This was escalated to engineering in {destination} already, at {_at(at)} by {by}; it "
        "is not sent again. Follow up there."
    )


# --- storage ---------------------------------------------------------------------------------


def database_not_migrated() -> str:
    """The production database is behind the code."""
    return (
        "The database schema is not up to date. Run `supportbot db upgrade` "
        "(the Procfile's release step does this on deploy), then start again."
    )


# --- service clients -------------------------------------------------------------------------


def service_request_invalid(service: str) -> str:
    """A request could not even be sent (e.g. a control character in a header): our fault."""
    return f"{service} could not be asked: the bot built an invalid request (a problem on our side)"


def unknown_service(name: str, configured: Sequence[str]) -> str:
    """A command asked for a service that the configuration does not name."""
    known = ", ".join(configured) if configured else "none"
    return (
        f"No service named {name!r} is configured (configured: {known}). "
        f"Add it as [services.{name}] with a base_url in config/supportbot.toml."
    )


# --- argument values and options ------------------------------------------------------------
# A reason follows the argument's name: "<who> is not a valid phone number: too short".

_PHONE_PROBLEMS = {
    "too_short": "too short",
    "too_long": "too long",
    "length": "wrong number of digits",
    "characters": "use only digits, spaces, +, - and brackets",
    "country": "unknown country code",
    "not_in_use": "no such number (check the digits)",
}
_EMAIL_PROBLEMS = {
    "too_long": "longer than 254 characters",
    "spaces": "it contains spaces",
    "at": "it needs exactly one @",
    "local": "nothing before the @",
    "domain": "after the @ comes a domain like example.id",
}


def empty_value() -> str:
    """An argument was given as empty quotes."""
    return "is empty"


def invalid_phone(problem: str) -> str:
    """Not a phone number; `problem` is a key of _PHONE_PROBLEMS ("too_short", ...)."""
    return f"is not a valid phone number: {_PHONE_PROBLEMS.get(problem, 'check the digits')}"


def invalid_email(problem: str) -> str:
    """Not an email address; `problem` is a key of _EMAIL_PROBLEMS ("at", "domain", ...)."""
    return f"is not a valid email address: {_EMAIL_PROBLEMS.get(problem, 'check it')}"


def invalid_merchant_id() -> str:
    """Not a merchant id."""
    return "is not a merchant id: write M- and 4 to 9 digits, e.g. M-10001"


def invalid_amount() -> str:
    """An amount of money that cannot be read."""
    return (
        "is not an amount in rupiah: type it like 150000, 150.000, Rp 150.000 or 150rb "
        "(more than 0, whole rupiah)"
    )


def invalid_transaction_id() -> str:
    """Not a transaction id."""
    return "is not a transaction id: write TX- and up to 12 digits, e.g. TX-1042"


def invalid_merchant_ref() -> str:
    """Neither a phone number, an email nor a merchant id."""
    return "is not a phone number, email or merchant id (M-12345)"


def invalid_whole_number() -> str:
    """Not a whole number (Indonesian agents often type 1.000 for a thousand)."""
    return "is not a whole number: type digits only, without dots or commas (e.g. 1000)"


def number_too_large(max_digits: int) -> str:
    """A number with more digits than any real amount."""
    return f"is too large (more than {max_digits} digits)"


def invalid_choice(choices: Sequence[str]) -> str:
    """A value outside a fixed list."""
    return "must be one of: " + ", ".join(choices)


def invalid_option_value(option: str, reason: str) -> str:
    """An --option was given a value that is not valid."""
    return f"{option} {reason}"


def missing_option(option: str) -> str:
    """A required --option was not given."""
    return f"{option} is required."


def option_needs_value(option: str, example: str) -> str:
    """An --option was given without its value."""
    return f"{option} needs a value, e.g. {option} {example}"


def option_takes_no_value(option: str) -> str:
    """A --switch was given a value."""
    return f"{option} is a switch and takes no value: write just {option}"


def option_repeated(option: str) -> str:
    """The same --option was given twice."""
    return f"{option} is given more than once; give it once."


def command_help_hint(command: str) -> str:
    """Shown if --help reaches the user as an error (the dispatcher normally shows the help)."""
    return f"Type /help {command} to see how /{command} is used."


# --- Slack -----------------------------------------------------------------------------------


def looking_up(command: str) -> str:
    """The instant acknowledgement of a Slack command, personal data already masked."""
    return f"Looking up {command}…"


def slack_truncated(count: int) -> str:
    """Part of an answer did not fit in one Slack message."""
    return (
        f"… and {count:,} more not shown: too long for one Slack message. "
        "Narrow the command to see the rest."
    )


def slack_empty_reply() -> str:
    """A command finished without saying anything."""
    return "Done. The command had nothing to show."


def slack_pick_label() -> str:
    """The button beside each entry of a pick-list."""
    return "Pick"


def slack_choose_placeholder() -> str:
    """The placeholder of a long pick-list's menu."""
    return "Pick one…"


def slack_share_label() -> str:
    """The button that posts a masked copy of a private answer to the channel."""
    return "Share in channel"


def slack_escalate_label() -> str:
    """The button that sends a failed command's context to engineering."""
    return "Escalate to engineering"


def slack_shared_by(name: str) -> str:
    """Footer of an answer shared to a channel."""
    return f"Shared by {name} · personal data masked"


def slack_not_your_button(requester: str) -> str:
    """Someone clicked a button meant for the person who ran the command."""
    return (
        f"Sorry, these buttons are for {requester}, who ran this command. "
        "Run it yourself to get your own answer. Nothing was done."
    )


def slack_button_expired() -> str:
    """A button whose state is gone (too old, or the bot lost it)."""
    return "This button has expired. Run the command again to get fresh buttons. Nothing was done."


def slack_button_used() -> str:
    """A second click on a button that acts once."""
    return "That button was already used. Nothing more was done."


def slack_escalation_title(command: str) -> str:
    """Heading of the post in the engineering channel."""
    return f"Escalation: {command}"


def slack_escalation_text(
    requester: str, channel: str | None, outcome: str, error_ref: str | None
) -> str:
    """What engineering needs to start: who, where, what happened, and the reference."""
    where = f" in {channel}" if channel else ""
    reference = (
        f" Error reference {error_ref} (in the log and `supportbot audit`)." if error_ref else ""
    )
    return f"Escalated by {requester}{where}. Outcome: {outcome}.{reference}"


def slack_escalated(channel: str) -> str:
    """The escalation was posted."""
    return f"Sent to {channel} with the full context. Engineering will follow up there."


def slack_escalation_failed(channel: str) -> str:
    """The escalation could not be posted."""
    return (
        f"Could not post to {channel}. Invite the bot to that channel (or fix "
        "`slack_engineering_channel`), then click again, or tell engineering yourself."
    )


def slack_how_to_get(variable: str) -> str:
    """Where a Slack credential comes from, for start-up errors."""
    where = {
        "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-…) under OAuth & Permissions, after "
        "installing the app to your workspace",
        "SLACK_APP_TOKEN": "an App-Level Token (xapp-…) with the connections:write scope, "
        "generated under Basic Information → App-Level Tokens",
        "SLACK_SIGNING_SECRET": "the Signing Secret under Basic Information → App Credentials",
    }.get(variable, "the app's settings")
    return (
        f"Copy {where} at https://api.slack.com/apps (your app). "
        "`supportbot manifest` creates the app."
    )


def slack_token_missing(variable: str) -> str:
    """A Slack credential is not set."""
    return f"{variable} is not set. {slack_how_to_get(variable)}"


def slack_token_malformed(variable: str, expected: str) -> str:
    """A Slack credential does not look like one."""
    return f"{variable} does not look right: expected {expected}. {slack_how_to_get(variable)}"


def slack_token_refused(variable: str, error: str) -> str:
    """Slack refused a credential at start."""
    return f"Slack refused {variable} ({error}). {slack_how_to_get(variable)}"


def slack_unreachable(url: str, reason: str) -> str:
    """The Slack Web API could not be reached at start."""
    return (
        f"Could not reach Slack at {url}: {reason}. Check the network, or SUPPORTBOT_SLACK_API_URL."
    )


def slack_connected(bot: str, team: str, mode: str) -> str:
    """Printed when the bot is up."""
    return f"Connected to Slack as @{bot} in {team} ({mode}). Press Ctrl-C to stop."


def slack_serving(url: str) -> str:
    """Printed when HTTP mode listens."""
    return (
        f"Serving Slack requests at {url} (set it as the Request URL; health at /healthz, /readyz)."
    )


# --- resilience: service failures, health, alerts --------------------------------------------


def service_refused(service: str) -> str:
    """Nothing accepts connections at the service's address."""
    return f"{service} could not be reached (connection refused: it may be down or restarting)"


def service_bad_json(service: str) -> str:
    """A success status, but the body is not JSON."""
    return f"{service} answered in an unexpected shape (not JSON)"


def service_rate_limited(service: str, retry_after_s: float | None) -> str:
    """A 429, or a call not sent because the service asked us to wait."""
    wait = f"{retry_after_s:.0f} s" if retry_after_s else "a minute"
    return f"{service} is rate limiting us (HTTP 429); try again in {wait}"


def service_circuit_open(service: str) -> str:
    """The breaker is open: the call was not sent at all."""
    return f"{service} is failing, not tried"


def service_busy(service: str) -> str:
    """Every connection slot stayed taken: the call was not sent."""
    return f"{service} is busy (too many requests waiting), not tried; try again in a moment"


def window_text(seconds_: float) -> str:
    """300 -> '5 min', 45 -> '45 s', 7200 -> '2 h'."""
    if seconds_ >= 3600 and seconds_ % 3600 == 0:
        return f"{seconds_ / 3600:g} h"
    if seconds_ >= 60 and seconds_ % 60 == 0:
        return f"{seconds_ / 60:g} min"
    return seconds(seconds_)


def alert_failing(service: str, failed: int, calls: int, window_s: float, kind: str) -> str:
    """The early warning posted to the ops channel (or the log) when a service keeps failing."""
    return (
        f":warning: {service} is failing: {failed} of {calls} calls in the last "
        f"{window_text(window_s)} failed (mostly {kind}). Commands still answer without it. "
        f"Check {service}, its recent deploys and its dashboards."
    )


def alert_recovered(service: str, failed: int, calls: int, window_s: float) -> str:
    """The one message that follows an alert once the service is healthy again."""
    return (
        f":white_check_mark: {service} has recovered: {failed} of {calls} calls in the last "
        f"{window_text(window_s)} failed."
    )


def health_ok(latency_ms: float) -> str:
    """A service answered its health check."""
    return f"answers in {latency_ms:.0f} ms"


def health_no_endpoint(path: str, status: int) -> str:
    """The service answers but has no health endpoint at the configured path."""
    return f"answers, but not at {path} (HTTP {status}); set health_path"


def health_credential_missing(variable: str) -> str:
    """The variable that should hold a service's credential is not set."""
    return f"{variable} is not set, so no credential is sent"


def health_breaker_open(retry_in_s: float) -> str:
    """The breaker is open: commands do not call the service for now."""
    return f"circuit open: commands do not call it; next try in {retry_in_s:.0f} s"


def health_recent_errors(failed: int, calls: int, window_s: float) -> str:
    """Recent calls from commands, as the early warning counts them."""
    return f"{failed} of {calls} calls failed in the last {window_text(window_s)}"


def status_title() -> str:
    """Heading of /status."""
    return "Service health"


def status_summary(problems: list[str], total: int) -> str:
    """First line of /status and the last line of `supportbot doctor`."""
    if not problems:
        return f"All {total} checks pass."
    return f"{len(problems)} of {total} checks have problems: {', '.join(problems)}."


def database_answers() -> str:
    """The database answered a query."""
    return "answers"


def database_failed(reason: str) -> str:
    """The database did not answer."""
    return f"does not answer: {reason}"


def database_at_head(revision: str | None) -> str:
    """The schema is current."""
    return f"connected; schema current (revision {revision})"


def database_behind(current: str | None, head: str | None) -> str:
    """The schema is older than the code."""
    return f"schema at {current or 'nothing'}, code needs {head}: run `supportbot db upgrade`"


def database_new_sqlite(path: str) -> str:
    """The embedded SQLite file does not exist yet; the first start creates it."""
    return f"{path} does not exist yet; the first start creates and migrates it"


def slack_auth_ok(bot: str, team: str) -> str:
    """Slack accepted the bot token."""
    return f"token accepted: @{bot} in {team}"


def slack_not_configured() -> str:
    """No Slack token: Slack is not checked."""
    return "SLACK_BOT_TOKEN is not set; not checked"


def metrics_serving(url: str) -> str:
    """Printed when the optional metrics port listens."""
    return f"Prometheus metrics at {url}"


# --- access: roles, channels, rate limits ----------------------------------------------------


def either(names: Sequence[str]) -> str:
    """['lead'] -> 'lead'; ['lead', 'weekend'] -> 'lead or weekend'; three -> 'a, b or c'."""
    shown = [name if len(name) <= 40 else name[:40] + "…" for name in names]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " or " + shown[-1]


def wrong_channel(command: str, places: Sequence[str]) -> str:
    """An action asked for in a Slack channel where it may not run."""
    return (
        f"/{command} can only be run in {either(places)}, not here. Nothing was done; "
        "run it again there."
    )


def times(count: int) -> str:
    """1 -> 'once', 2 -> 'twice', 20 -> '20 times'."""
    return {1: "once", 2: "twice"}.get(count, f"{count:,} times")


def rate_limited(command: str, count: int, limit: int, window: str, again_at: str) -> str:
    """A user reached a command's rate limit. `window` is 'hour', '30 minutes'; `again_at`
    is '15:04 UTC' (or a date and time when it is not today)."""
    reached = "its limit" if count <= limit else f"over its limit of {limit:,}"
    return (
        f"You have run /{command} {times(count)} in the last {window}, {reached}. "
        f"You can run it again at {again_at}; ask a lead if a customer cannot wait."
    )


def invalid_rate_limit(text: str) -> str:
    """A rate limit in the code or the configuration that cannot be read."""
    shown = text if len(text) <= 40 else text[:40] + "…"
    return (
        f"{shown!r} is not a rate limit: write runs/period, e.g. 20/hour, 5/minute, 100/day "
        "or 3/30m (a count from 1 to 1,000,000; periods up to 31 days), or off for none."
    )


def help_approval(role: str) -> str:
    """/help <command>: every run waits for an approver."""
    return f"each run waits until someone with the {role} role, other than you, approves it"


def help_channels(places: Sequence[str]) -> str:
    """/help <command>: the Slack channels where an action may run."""
    return f"in Slack only in {either(places)}"


def help_rate_limit(runs: int, window: str) -> str:
    """/help <command>: a rate limit, e.g. 'at most 20 runs per person per hour'."""
    return f"at most {runs:,} run{'s' if runs != 1 else ''} per person per {window}"


def help_not_allowed(command: str, roles: Sequence[str], how: str) -> str:
    """/help <command> for someone whose roles do not allow it: who may, and how to get access."""
    if not roles:
        return f"No one can run /{command} at the moment: no role is given it. {how}".strip()
    who = either(roles)
    return f"You cannot run /{command}: it is for people with the {who} role. {how}".strip()


# --- plugins ---------------------------------------------------------------------------------


def command_folder_missing(started_in: str, *, is_file: bool = False) -> str:
    """A configured command folder is not there; the source shown before it is its full path."""
    what = "is a file, not a folder" if is_file else "does not exist"
    return (
        f"command folder {what}, so no commands were loaded from it. command_folders are "
        f"relative to where the bot starts (here: {started_in}); start it from the checkout, "
        "or give the folder as an absolute path (SUPPORTBOT_COMMAND_FOLDERS or the config)."
    )


# --- Slack: acknowledgements, start-up, manifest ---------------------------------------------


def preparing(command: str) -> str:
    """The instant acknowledgement of an action (it asks before it changes anything), masked."""
    return f"Preparing {command}…"


def checking(command: str) -> str:
    """The acknowledgement of a command the bot is still checking (its answer comes next)."""
    return f"Checking {command}…"


def slack_unreachable_because(url: str, failure: str, where: str = "", detail: str = "") -> str:
    """Slack's Web API could not be reached at start: the URL, what failed in words, and what
    to check. `failure` is dns, refused, connect, tls, certificate, timeout, closed,
    invalid_url, http or other; `where` is host:port (or the host), `detail` the reason."""
    said = f" ({detail})" if detail else ""
    setting = "SUPPORTBOT_SLACK_API_URL (slack_api_url in the config)"
    network = f"Check the network, any firewall or proxy in between, and {setting}"
    what, check = {
        "dns": (
            f"the host name {where} was not found (DNS)",
            f"Check the host name in {setting}, and this machine's DNS or proxy settings",
        ),
        "refused": (
            f"nothing accepts connections at {where} (connection refused)",
            f"Check the host and port in {setting}, and that the server there is running",
        ),
        "connect": (f"could not connect to {where}{said}", network),
        "tls": (
            f"the secure (TLS) connection to {where} failed{said}",
            f"Check that the scheme in {setting} matches the server (Slack's is https://)",
        ),
        "certificate": (
            f"the TLS certificate of {where} was not accepted{said}",
            "Check the system's CA certificates, or a proxy that intercepts TLS",
        ),
        "timeout": (f"no answer within {detail}", network),
        "closed": (f"the connection to {where} closed before an answer came", network),
        "invalid_url": ("that is not a valid URL", f"Fix {setting}"),
        "http": (
            f"what answered there (HTTP {detail}) is not Slack's Web API",
            f"Check that {setting} points at Slack's Web API",
        ),
    }.get(failure, (detail or "the request failed", network))
    return (
        f"Could not reach Slack at {url}: {what}. {check}; Slack's own is https://slack.com/api/."
    )


def manifest_no_commands(folders: Sequence[tuple[str, bool]], entry_points: bool) -> str:
    """`supportbot manifest` found no command at all. `folders`: (absolute path, is a folder)."""
    shown = [path if there else f"{path} (not there)" for path, there in folders]
    looked = ", ".join(shown) if shown else "no folder (command_folders is empty)"
    also = ", and in installed packages' entry points" if entry_points else ""
    return (
        "no commands are registered, so the manifest would have no slash commands. Looked in "
        f"{looked}{also}. Run it from the checkout, or set SUPPORTBOT_COMMAND_FOLDERS (or "
        "command_folders in the config) to the folders that hold the commands."
    )


def manifest_alias_description(command: str, help_text: str) -> str:
    """The description of an alias's slash command in the Slack app manifest."""
    return f"Same as /{command}: {help_text}"
