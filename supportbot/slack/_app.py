"""The Slack adapter: a slack-bolt `AsyncApp` in front of one `Bot`.

It only converts: a slash command, an @mention or a DM becomes a core `Message`; the `Reply`
becomes Block Kit. Every listener acknowledges at once (Slack wants it within 3 s) and does the
real work in a task of its own, so a slow lookup never delays any ack. Results go back through
the `response_url` or the Web API, whenever they are ready.

A slash command's arguments are checked by the core's own parser before the ack: one the core
would turn down (an unknown command, bad arguments, `--help`) gets the core's answer in the ack
itself, when it comes within `ANSWER_IN_ACK_S`; the others are acknowledged with what is being
done ("Looking up …", "Preparing …" for an action), personal data masked.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from contextlib import asynccontextmanager
from typing import Any, Literal

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from supportbot.core.message import Message, User
from supportbot.core.reply import Outcome, Reply
from supportbot.dispatch.bot import Bot
from supportbot.storage import StorageUnavailable

from . import wording as messages
from ._ack import ANSWER_IN_ACK_S, accepted_command, echo, progress
from ._actions import ActionRunner
from ._approvals import ApprovalRouter, approvals_channel_problem
from ._background import CLAIM_CONTEXT_KEY, Background
from ._blocks import ACTION_PREFIX, SlackMessage
from ._card_forms import CardForms
from ._charts import ChartPoster
from ._connection import SlackConnection
from ._dedupe import Dedupe, MemoryDedupe, delivery_key
from ._events import answer_event
from ._home import HomeTab
from ._interactions import (
    Interaction,
    InteractionStore,
    MemoryInteractions,
    new_interaction_id,
)
from ._log_form import ConversationLogger
from ._modals import FormRunner
from ._names import SlackNames
from ._payloads import (
    command_text,
    is_direct_message,
    is_person_speaking,
    text_or_none,
    typed_command_name,
    typed_slash,
)
from ._prepare import ReplyPreparer
from ._settings import slack_settings
from ._shortcut import LOOKUP_SHORTCUT, run_lookup_shortcut
from ._store import default_state
from ._text import escape
from ._users import UserDirectory, follow_changes

__all__ = ["SlackAdapter", "open_slack"]

log = logging.getLogger("supportbot.slack")

Visibility = Literal["ephemeral", "in_channel"]
#: Outcomes that only concern the requester, whatever the command's visibility.
PRIVATE_OUTCOMES = frozenset(
    {Outcome.REJECTED, Outcome.DENIED, Outcome.PENDING, Outcome.RATE_LIMITED}
)


class SlackAdapter:
    """Turns Slack payloads into Messages for `bot` and its Replies into Slack messages.

    Build it with `open_slack`. `app` is the Bolt app (HTTP mode hands it requests, Socket Mode
    envelopes); `dispatch` runs one request through it.
    """

    def __init__(
        self,
        bot: Bot,
        connection: SlackConnection,
        *,
        signing_secret: str | None = None,
        dedupe: Dedupe | None = None,
        interactions: InteractionStore | None = None,
        users: UserDirectory | None = None,
    ) -> None:
        self.bot = bot
        self.settings = bot.settings
        self.identity = connection.identity
        self.client = connection.client
        self.outbox = connection.outbox
        self.dedupe: Dedupe = dedupe or MemoryDedupe()
        self._seen = MemoryDedupe(ttl_s=3600.0)
        self.interactions: InteractionStore = interactions or MemoryInteractions()
        self.users = users or UserDirectory(
            connection.client,
            home_team=self.identity.team_id,
            home_enterprise=self.identity.enterprise_id,
        )
        self._background = Background()
        self._closing = False
        self.replies = ReplyPreparer(self.settings, self.names_for(bot), self.interactions)
        self.names = self.replies.names
        self.prefix = self.names.prefix
        self.actions = ActionRunner(self)
        self.approvals = ApprovalRouter(self)
        self.forms, self.conversations = FormRunner(self), ConversationLogger(self)
        self.card_forms = CardForms(self)
        self.home = HomeTab(self)
        self.charts = ChartPoster(connection.client)

        #: The secret requests are checked against (HTTP mode needs it; Socket Mode does not).
        self.signing_secret = signing_secret
        #: Whether requests are checked against the signing secret (HTTP mode must be).
        self.verifies_signatures = signing_secret is not None
        self.app = self._build_app(signing_secret)

    @staticmethod
    def names_for(bot: Bot) -> SlackNames:
        """The commands' names as typed in Slack (`[slack] prefix`, `/sb-status`)."""
        prefix = slack_settings(bot.settings).prefix
        names = (name for spec in bot.registry for name in (spec.name, *spec.aliases))
        return SlackNames(names, prefix)

    # --- the Bolt app ---------------------------------------------------------------------

    def _build_app(self, signing_secret: str | None) -> AsyncApp:
        identity, token = self.identity, self.client.token

        async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
            # Bolt reads the argument names; a bound method would offer it `self`.
            return AuthorizeResult(
                enterprise_id=identity.enterprise_id,
                team_id=identity.team_id,
                team=identity.team,
                url=identity.url,
                bot_user_id=identity.bot_user_id,
                bot_id=identity.bot_id,
                bot_token=token,
            )

        app = AsyncApp(
            name="supportbot",
            logger=logging.getLogger("supportbot.slack.bolt"),
            # A client without a token: `authorize` hands Bolt the token and the identity that
            # auth.test gave at start, so no request waits for an auth.test of its own.
            client=AsyncWebClient(
                base_url=self.client.base_url,
                session=self.client.session,
                timeout=self.client.timeout,
            ),
            authorize=authorize,
            signing_secret=signing_secret or "",
            request_verification_enabled=signing_secret is not None,
            # Unmatched requests must still be acknowledged, or Slack redelivers them.
            raise_error_for_unhandled_request=True,
            # Our listeners only ack and hand the work to a task of their own, so they can run
            # inline: otherwise Bolt runs them in a task and polls for the ack every 10 ms.
            process_before_response=True,
        )
        app.middleware(self._skip_duplicates)
        app.command(re.compile(r"^/"))(self._on_command)
        app.event("app_mention")(self._on_mention)
        app.event("message")(self._on_message)
        follow_changes(app, self.users)
        # The forms and the Home tab listen in modules of their own.
        for feature in (self.forms, self.conversations, self.card_forms, self.home):
            feature.listen(app)
        app.action(re.compile("^" + re.escape(ACTION_PREFIX)))(self._on_action)
        app.shortcut(LOOKUP_SHORTCUT)(self._on_shortcut)
        app.error(self._on_error)
        return app

    async def dispatch(self, request: AsyncBoltRequest) -> BoltResponse:
        """Run one request through the Bolt app and return the response to send to Slack."""
        return await self.app.async_dispatch(request)

    async def _skip_duplicates(
        self,
        body: dict[str, Any],
        context: AsyncBoltContext,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse:
        key = delivery_key(body)
        if key is not None:
            # This process's memory answers at once, so a repeat it has seen gets an empty
            # ack. The database (shared by replicas, kept across restarts) has the last word,
            # but the ack does not wait for it: the work does.
            if not await self._seen.claim(key):
                log.info("skipped a repeated delivery %s", key)
                # Still a 200: anything else makes Slack deliver it yet again.
                return BoltResponse(status=200, body="")
            context[CLAIM_CONTEXT_KEY] = self._background.claim(self._claim(key))
        return await next()

    async def _claim(self, key: str) -> bool:
        try:
            return await self.dedupe.claim(key)
        except StorageUnavailable as exc:
            # A lookup still answers while the database is away; an action is refused by the
            # desk in its own words ("could not record this, nothing was done").
            log.warning("could not record the delivery %s (%s); running it anyway", key, exc)
            return True
        except Exception:
            # Better a rare double lookup than a lost command; actions are protected by their
            # single-use confirmation tokens anyway.
            log.exception("could not record the delivery %s; running it anyway", key)
            return True

    async def _on_error(self, error: Exception) -> BoltResponse | None:
        if isinstance(error, BoltUnhandledRequestError):
            return BoltResponse(status=200, body="")
        log.error("Slack request failed: %r", error)
        return None

    # --- the three ways in ----------------------------------------------------------------

    async def _on_command(
        self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        text = command_text(body, self.prefix)
        typed = typed_slash(body)  # echoed as typed: `/sb-status`, not the core's `/status`
        claim = context.get(CLAIM_CONTEXT_KEY)
        form = self.forms.wanted(text) if body.get("trigger_id") else None
        if form is not None:  # an action without its arguments: they are asked for in a form
            await ack()
            self.spawn(self.forms.open(body, text, form, self._run_command), claim=claim)
            return
        spec = await accepted_command(self.bot, text)
        if spec is not None:
            await ack(
                response_type="ephemeral",
                text=escape(progress(typed, spec, self.settings.phone_region)),
            )
            self.spawn(self._run_command(body, text), claim=claim)
            return
        # The core turns this down at once: answer in the ack rather than promise a lookup. A
        # usage error runs nothing, so it does not wait for the dedupe claim either.
        answering = asyncio.ensure_future(self._answer_command(body, text))
        done, _ = await asyncio.wait({answering}, timeout=ANSWER_IN_ACK_S)
        if done and not answering.cancelled() and answering.exception() is None:
            _, message, public = answering.result()
            await ack(
                response_type="in_channel" if public else "ephemeral",
                text=message.text,
                blocks=message.blocks or None,
            )
            return
        await ack(
            response_type="ephemeral",
            text=escape(messages.checking(echo(typed, self.settings.phone_region))),
        )
        self.spawn(self._run_command(body, text, answering=answering), claim=claim)

    async def _on_mention(
        self, ack: AsyncAck, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        # An edited mention comes again under a new event id, and another bot's (or this
        # bot's own) text is no request: neither runs anything.
        if not is_person_speaking(event, self.identity.bot_user_id):
            return
        self.spawn(
            answer_event(self, body, event, direct=False), claim=context.get(CLAIM_CONTEXT_KEY)
        )

    async def _on_message(
        self, ack: AsyncAck, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        if is_direct_message(event) and is_person_speaking(event, self.identity.bot_user_id):
            self.spawn(
                answer_event(self, body, event, direct=True), claim=context.get(CLAIM_CONTEXT_KEY)
            )

    async def _on_shortcut(
        self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        self.spawn(run_lookup_shortcut(self, body), claim=context.get(CLAIM_CONTEXT_KEY))

    async def _on_action(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        self.spawn(self.actions.run(body, action), claim=context.get(CLAIM_CONTEXT_KEY))

    # --- running and answering ------------------------------------------------------------

    async def _answer_command(
        self, body: Mapping[str, Any], text: str
    ) -> tuple[User, SlackMessage, bool]:
        """Run a slash command: who asked, the rendered answer, and whether it is public."""
        user = await self.users.resolve(
            str(body.get("user_id")),
            fallback_name=str(body.get("user_name") or ""),
            team=text_or_none(body.get("user_team")),
        )
        channel = body.get("channel_id")
        reply = await self.bot.handle(
            Message(
                text=text,
                user=user,
                adapter="slack",
                channel=channel,
                channel_limited=True,
                id=str(body.get("trigger_id") or new_interaction_id()),
            )
        )
        public = self.is_public(text, reply)
        message = await self.prepare(reply, user=user, channel=channel, command=text, public=public)
        return user, message, public

    async def _run_command(
        self,
        body: Mapping[str, Any],
        text: str,
        *,
        answering: Awaitable[tuple[User, SlackMessage, bool]] | None = None,
    ) -> None:
        """Answer at the response_url; `answering` is the run already under way, if any."""
        user, message, public = await (answering or self._answer_command(body, text))
        channel = body.get("channel_id")
        delivered = await self.outbox.respond(
            str(body["response_url"]),
            message,
            response_type="in_channel" if public else "ephemeral",
            # Its own message, under the ephemeral "Looking up …": Slack does not let a slash
            # command's response_url replace the ack.
            replace_original=False,
        )
        if not delivered and channel:
            # A response_url lasts 30 minutes and 5 uses; the Web API is the way left.
            if public:
                await self.outbox.post(str(channel), message)
            else:
                await self.outbox.post_ephemeral(str(channel), user.id, message)

    def is_public(self, text: str, reply: Reply | None) -> bool:
        """Whether the answer to `text` is shown to the channel (configured per command)."""
        if reply is not None and reply.outcome in PRIVATE_OUTCOMES:
            return False
        name = typed_command_name(text)
        spec = self.bot.registry.get(name) if name else None
        key = spec.name if spec is not None else name
        visibility = slack_settings(self.settings).visibility_of(key)
        return visibility == "in_channel"

    async def prepare(
        self,
        reply: Reply,
        *,
        user: User,
        channel: str | None,
        command: str,
        public: bool,
        shareable_: bool = True,
        thread_ts: str | None = None,
    ) -> SlackMessage:
        """Render `reply` for Slack (see `ReplyPreparer.prepare`): masked for a channel or a
        guest, its buttons' state stored; its charts uploaded beside it, in the background."""
        if reply.charts:
            self.spawn(self.charts.send(reply.charts, user.id, channel, public, thread_ts))
        return await self.replies.prepare(
            reply,
            user=user,
            channel=channel,
            command=command,
            public=public,
            shareable_=shareable_,
            thread_ts=thread_ts,
        )

    async def load_interaction(self, interaction_id: str) -> Interaction | None:
        """The stored interaction, or None when it is unknown, expired or unreadable."""
        return await self.replies.load_interaction(interaction_id)

    # --- background work ------------------------------------------------------------------

    def spawn(
        self, work: Coroutine[Any, Any, None], *, claim: asyncio.Future[bool] | None = None
    ) -> None:
        """Run `work` after the ack, once `claim` (if any) says this is the first delivery."""
        self._background.spawn(work, claim=claim)

    @property
    def busy(self) -> int:
        """How many commands and clicks are being worked on."""
        return self._background.busy

    @property
    def ready(self) -> bool:
        """True while the adapter takes new work."""
        return not self._closing

    async def drain(self, timeout: float | None = None) -> bool:
        """Wait until all started work is done (for tests, and graceful stops). True if it is."""
        return await self._background.drain(timeout)

    async def aclose(self, grace_s: float = 10.0) -> None:
        """Stop taking work, let running work finish for `grace_s`, cancel the rest."""
        self._closing = True
        await self._background.aclose(grace_s)


@asynccontextmanager
async def open_slack(
    bot: Bot,
    connection: SlackConnection,
    *,
    signing_secret: str | None = None,
    dedupe: Dedupe | None = None,
    interactions: InteractionStore | None = None,
) -> AsyncIterator[SlackAdapter]:
    """An adapter for `bot` over `connection` (see `connect_slack`); closed (and drained) on
    exit.

    `signing_secret` turns on request signature checks (HTTP mode); Socket Mode needs none.
    Dedupe and button state default to the bot's database (memory when it has none).
    """
    default_dedupe, default_interactions = default_state(bot.store)
    adapter = SlackAdapter(
        bot,
        connection,
        signing_secret=signing_secret,
        dedupe=dedupe or default_dedupe,
        interactions=interactions or default_interactions,
    )
    channel = slack_settings(bot.settings).approvals_channel
    if channel:
        problem = await approvals_channel_problem(connection.client, channel)
        if problem is not None:
            log.warning("%s", messages.slack_approvals_channel_problem(channel, problem))
    try:
        yield adapter
    finally:
        await adapter.aclose()
