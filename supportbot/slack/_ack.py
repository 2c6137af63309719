"""What a slash command's acknowledgement says, decided before anything is looked up.

Slack wants an ack within 3 s. A command the core takes is acked at once with what is being done
("Looking up …", "Preparing …" for an action); one the core turns down (an unknown command, bad
arguments, `--help`) is answered in the ack itself when that answer comes within
`ANSWER_IN_ACK_S`. Whatever is echoed is made safe first: one line, no control characters,
personal data masked, cut to `ECHO_LIMIT` characters.
"""

from __future__ import annotations

from supportbot.core.masking import mask_text
from supportbot.core.message import Message, User
from supportbot.core.registry import CommandSpec
from supportbot.core.reply import Reply
from supportbot.dispatch.bot import Bot
from supportbot.dispatch.chain import ValidRequest, then

from . import wording as messages
from ._text import printable, shorten

__all__ = ["ANSWER_IN_ACK_S", "ECHO_LIMIT", "accepted_command", "echo", "progress"]

#: How long a slash command's ack waits for an answer the core gives at once (a usage error):
#: well inside Slack's 3 s, leaving room for the network. Slower, it comes by response_url.
ANSWER_IN_ACK_S = 1.0
#: The command as echoed in an acknowledgement: at most this many characters of it.
ECHO_LIMIT = 120


async def accepted_command(bot: Bot, text: str) -> CommandSpec | None:
    """The command `text` runs when the core takes its arguments; None when the core turns it
    down at once (an unknown command, bad arguments, `--help`).

    Runs the bot's own resolve and validate links and stops there: nothing is looked up, only
    parsed and bound, in microseconds. Roles are not checked (the run does that).
    """
    accepted: list[CommandSpec] = []

    async def accept(request: ValidRequest) -> Reply:
        accepted.append(request.spec)
        return Reply()

    check = then(bot.links.resolve, then(bot.links.validate, accept))
    try:
        await check(bot.request(Message(text=text, user=User(id=""), adapter="slack")))
    except Exception:  # a UsageError, or a plugin's type failing: the run will answer it
        return None
    return accepted[0] if accepted else None


def echo(text: str, region: str) -> str:
    """`text` fit to echo back: one line, no control characters, masked, not too long."""
    # Cut before masking too, to bound its work, then to the limit once masked.
    line = printable(text[: ECHO_LIMIT * 8])
    return shorten(mask_text(shorten(line, ECHO_LIMIT * 4), region), ECHO_LIMIT)


def progress(text: str, spec: CommandSpec | None, region: str) -> str:
    """What the bot is doing about `text` (unescaped): looking it up, or preparing an action."""
    shown = echo(text, region)
    if spec is not None and spec.action:
        return messages.preparing(shown)
    return messages.looking_up(shown)
