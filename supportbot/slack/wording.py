"""Every sentence the Slack adapter shows: acknowledgements, buttons, escalation posts, start-up
errors about credentials and the Web API, the doctor's Slack check, and the manifest (the App
Home tab's own sentences: `home_wording.py`).
"""

from __future__ import annotations

from collections.abc import Sequence

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


def slack_escalation_failed(channel: str) -> str:
    """The escalation could not be posted."""
    return (
        f"Could not post to {channel}. Invite the bot to that channel (or fix "
        "`engineering_channel` in the [slack] table), then click again, or tell engineering "
        "yourself."
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


def slack_tokens_swapped(variable: str, belongs_in: str) -> str:
    """A Slack credential that is the one another variable wants (xapp- in the bot token)."""
    return (
        f"{variable} holds what belongs in {belongs_in}: the two are swapped. Put the xoxb- "
        "token in SLACK_BOT_TOKEN and the xapp- token in SLACK_APP_TOKEN."
    )


def manifest_http_url_not_https(url: str) -> str:
    """`manifest --http-url http://…`: Slack sends its requests to https URLs only."""
    return (
        f"--http-url {url} must start with https://: Slack sends slash commands, events and "
        "clicks only to a public https URL (put the bot behind a TLS proxy or load balancer)."
    )


def slack_token_refused(variable: str, error: str) -> str:
    """Slack refused a credential at start."""
    return f"Slack refused {variable} ({error}). {slack_how_to_get(variable)}"


def slack_connected(bot: str, team: str, mode: str) -> str:
    """Printed when the bot is up."""
    return f"Connected to Slack as @{bot} in {team} ({mode}). Press Ctrl-C to stop."


def slack_serving(url: str) -> str:
    """Printed when HTTP mode listens."""
    return (
        f"Serving Slack requests at {url} (set it as the Request URL; health at /healthz, /readyz)."
    )


# --- Slack in `supportbot doctor` -----------------------------------------------------------------


def slack_auth_ok(bot: str, team: str) -> str:
    """Slack accepted the bot token."""
    return f"token accepted: @{bot} in {team}"


def slack_not_configured() -> str:
    """No Slack token: Slack is not checked."""
    return "SLACK_BOT_TOKEN is not set; not checked"


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
    setting = "SUPPORTBOT_SLACK__API_URL (api_url in the config's [slack] table)"
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


# --- approvals -------------------------------------------------------------------------------


def slack_approval_request(command: str, requester: str, role: str, expires: str) -> str:
    """The post approvers see: what is to be approved (personal data masked), by whom, until
    when."""
    return (
        f"*Approval needed* (role {role}): {requester} asks to run `{command}`. "
        f"It runs once when a member of the {role} role approves; the request expires at "
        f"{expires}. The requester cannot approve it themselves."
    )


def slack_approval_not_delivered(where: str, error: str) -> str:
    """To the requester: no approver could be reached, so the request was withdrawn."""
    return (
        f"The approval request could not be posted to {where} ({error}), so no approver would "
        "see it: it was withdrawn and nothing was changed. Ask an admin to invite the bot to "
        "the approvals channel (`/invite @supportbot`) or to set `[slack] approvals_channel`, "
        "then run the command again."
    )


def slack_approvals_channel_problem(channel: str, error: str) -> str:
    """At start and in the doctor: the approvals channel cannot take the bot's posts."""
    return (
        f"[slack] approvals_channel {channel!r}: the bot cannot post there ({error}). Invite "
        f"the bot to the channel (`/invite @supportbot` in it), or fix the channel id (the "
        "channel's details show it, at the bottom). Until then approval requests are withdrawn."
    )


def slack_no_approvers(role: str) -> str:
    """Why an approval request reached nobody without an approvals channel."""
    return (
        f"no member of the {role} role could be found in Slack (members are written "
        "slack:U…, email:… or group:…)"
    )


def slack_lookup_shortcut_name() -> str:
    """The message shortcut's name in Slack's message menu."""
    return "Look up this customer"


def slack_no_customer_in_message() -> str:
    """The shortcut found nothing to look up."""
    return (
        "That message has no phone number, email or merchant id (M-12345) to look up. "
        "Type /merchant with one instead."
    )


# --- modals (a command's arguments as a form) ------------------------------------------------


def slack_field_placeholder(example: str) -> str:
    """The grey text of an empty field: one value that would do."""
    return f"e.g. {example}"


def slack_modal_submit(action: bool) -> str:
    """The submit button of a command's form (an action is confirmed after it)."""
    return "Continue" if action else "Run"


def slack_modal_close() -> str:
    """The close button of a form."""
    return "Cancel"


def slack_field_missing(label: str) -> str:
    """A required field was left empty."""
    return f"{label} is needed: fill it in, or close the form to change nothing."


def slack_field_too_long(length: int, limit: int) -> str:
    """A field (or the whole command built from the form) is too long."""
    return f"This is {length:,} characters; keep it under {limit:,}."


def slack_form_expired() -> str:
    """A form submitted after its state expired (a day), or one the bot did not open."""
    return "This form has expired, so nothing was done. Type the command again to open a fresh one."


def slack_form_not_yours(requester: str) -> str:
    """Someone submitted a form opened for another person."""
    return f"This form was opened for {requester}; type the command yourself. Nothing was done."


def slack_form_not_opened(command: str, error: str) -> str:
    """Slack refused to open the form (the trigger expired: it lasts 3 s)."""
    return (
        f"Slack did not open the form for {command}: {error}. Type the command again, or give "
        "its arguments on the line, e.g. the example below."
    )


# --- the support record in Slack --------------------------------------------------------------


def slack_log_shortcut_name() -> str:
    """The message shortcut's name in Slack's menu (at most 24 characters)."""
    return "Log this conversation"


def slack_log_modal_title() -> str:
    """The title of the "Log this conversation" form."""
    return "Log this conversation"


def slack_log_customer_label() -> str:
    """The customer field of the log form."""
    return "Customer"


def slack_log_customer_hint(found: int) -> str:
    """Under the customer field: where the value came from."""
    if found:
        return "Found in the message: a phone number, email or merchant id (change it if wrong)."
    return "Nothing found in the message: type the phone number, email or merchant id."


def slack_log_tags_label() -> str:
    """The tags field of the log form."""
    return "Tags"


def slack_log_note_label() -> str:
    """The note field of the log form."""
    return "Note"


def slack_log_submit() -> str:
    """The submit button of the log form."""
    return "Log it"


def slack_thread_has_no_customer() -> str:
    """`@supportbot log` in a thread whose messages name no customer."""
    return (
        "I found no phone number, email or merchant id in this thread to log. Mention me with "
        "one: @supportbot log 0812-3456-7890 #tag note."
    )


def slack_thread_unreadable(error: str) -> str:
    """The thread could not be read (the bot is not in the channel, or Slack refused)."""
    return (
        f"I could not read this thread ({error}), so nothing was logged. Invite me to the "
        "channel (/invite @supportbot), or mention me with the customer: @supportbot log "
        "0812-3456-7890."
    )


def slack_log_mood_label() -> str:
    """The mood field of the log form."""
    return "Mood"


def slack_log_link_label() -> str:
    """The link field of the log form."""
    return "Link"


def slack_log_too_many_tags(limit: int, picked: int) -> str:
    """More tags picked than an interaction may have."""
    return f"Pick at most {limit} tags; you picked {picked}."


def slack_log_tag_gone(tag: str) -> str:
    """A picked tag is not in the taxonomy (any more)."""
    return f"{tag} is not a tag any more; pick again (/tags lists them)."


def slack_log_note_starts_with_tag() -> str:
    """A note beginning with # would be read as tags."""
    return "A note cannot start with #: put tags in the Tags field above."


def slack_log_link_invalid() -> str:
    """The link field holds something that is not one web address."""
    return "The link must be one web address (https://…), or left empty."


# --- the card's forms: Add note, Tag, Save this number ----------------------------------------


def card_note_title() -> str:
    """The title of the Add note form (24 characters at most)."""
    return "Add a note"


def card_tag_title() -> str:
    """The title of the Tag form."""
    return "Tags"


def card_alias_title() -> str:
    """The title of the Save this number form."""
    return "Save this number"


def card_note_about(subject: str, closed: bool) -> str:
    """What the note goes on (`subject`: M-10001, or I-7K3QX2 and its merchant)."""
    still = " It is closed; the note still goes on it." if closed else ""
    return f"A note on {subject}, on its timeline for the next agent to read.{still}"


def card_note_hint(limit: int) -> str:
    """Under the note field."""
    return (
        f"At most {limit:,} characters. Phone numbers and emails in it are masked wherever "
        "the privacy rules mask them."
    )


def card_tags_about(subject: str, shown: int, others: Sequence[str]) -> str:
    """What the Tag form changes, and the tags it cannot show."""
    text = f"The tags of {subject}: pick the ones it should carry (at most {shown})."
    if others:
        text += " Also on it, and left as they are: " + ", ".join(others) + "."
    return text


def card_tags_unchanged() -> str:
    """The Tag form was submitted as it was opened."""
    return "These are the tags it has already. Pick or unpick one, or close the form."


def card_alias_about(number: str) -> str:
    """What the Save this number form does; the confirmation names the merchant next."""
    return (
        f"Save *{number}* for a merchant, so the next call from it finds them. You confirm "
        "once the merchant's name is shown."
    )


def card_merchant_label() -> str:
    """The merchant id field."""
    return "Merchant id"


def card_note_label() -> str:
    """The note field."""
    return "Note"


def card_submit(kind: str) -> str:
    """The submit label of a card form."""
    return {"note": "Add note", "tag": "Save tags"}.get(kind, "Continue")


def card_gone(subject: str) -> str:
    """The card's merchant or interaction is no longer known."""
    return (
        f"{subject} is not known any more (the merchants service has no such merchant), so "
        "there is nothing to add to. Look the customer up again. Nothing was done."
    )


def card_number_saved_meanwhile(number: str, merchant_id: str) -> str:
    """The number was saved since the card was posted."""
    return (
        f"{number} was saved for {merchant_id} since this card was posted: /merchant {number} "
        "finds it. To change whose number it is, /alias remove it first. Nothing was done."
    )


def card_form_not_opened(error: str, command: str) -> str:
    """Slack would not open a card's form: the command to type instead."""
    return f"Slack did not open the form: {error}. Type it instead: `{command}`"
