"""The App Home tab: the day's headline numbers, what waits for this person's approval, their
open interaction and the active known issues, published (`views.publish`) each time they open
the tab (`app_home_opened`).

The numbers come from `supportbot.record.insight`, the reports `/stats` and the dashboard use,
so no place disagrees. Each part is read on its own and at once with the others; a part that
cannot be read says so, the rest is shown. Every text is masked: the tab is the person's own,
but it is glanced at on shared screens. A guest sees no part at all, only how to get access.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError

from supportbot.core.masking import mask_text
from supportbot.core.message import User
from supportbot.core.periods import Period
from supportbot.record.insight import Insight
from supportbot.record.wording import percent
from supportbot.storage import Store

from . import home_wording as messages
from ._background import CLAIM_CONTEXT_KEY
from ._modals import api_error
from ._text import escape, shorten

if TYPE_CHECKING:
    from ._app import SlackAdapter

__all__ = ["HomeTab"]

log = logging.getLogger("supportbot.slack.home")

#: At most this many lines per part (the rest is counted); Slack allows 100 blocks a view.
PART_LINES = 10
SECTION_TEXT = 3000
TODAY, WEEK = Period.days(1), Period.days(7)

Block = dict[str, Any]


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_TEXT] or " "}}


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:150], "emoji": True}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:2000]}]}


def _lines(lines: list[str], empty: str) -> Block:
    if not lines:
        return _section(escape(empty))
    shown = [f"• {escape(shorten(line, 280))}" for line in lines[:PART_LINES]]
    if len(lines) > PART_LINES:
        shown.append(f"… and {len(lines) - PART_LINES} more")
    return _section("\n".join(shown))


def _when(at: datetime) -> str:
    return f"{at:%d %b %H:%M} UTC"


class HomeTab:
    """Publishes the Home tab for a `SlackAdapter`."""

    def __init__(self, adapter: SlackAdapter) -> None:
        self._adapter = adapter

    def listen(self, app: AsyncApp) -> None:
        """Publish the tab on `app` whenever someone opens it."""

        async def opened(ack: AsyncAck, event: dict[str, Any], context: AsyncBoltContext) -> None:
            await ack()
            user = event.get("user")
            if event.get("tab", "home") == "home" and isinstance(user, str) and user:
                self._adapter.spawn(self.publish(user), claim=context.get(CLAIM_CONTEXT_KEY))

        app.event("app_home_opened")(opened)

    async def publish(self, user_id: str) -> None:
        """Read every part for `user_id` and publish the tab (a refusal is logged)."""
        adapter = self._adapter
        user = await adapter.users.resolve(user_id)
        view = {"type": "home", "blocks": await self.blocks(user)}
        try:
            await adapter.client.views_publish(user_id=user_id, view=view)
        except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning("views.publish for %s failed: %s", user_id, api_error(exc))

    async def blocks(self, user: User) -> list[Block]:
        """The tab's blocks for `user`."""
        adapter = self._adapter
        store = adapter.bot.store
        region = adapter.settings.phone_region
        now = datetime.now().astimezone()
        top = [_header(messages.home_title()), _context(escape(messages.home_updated(_when(now))))]
        if user.guest:
            return [*top, _section(escape(adapter.settings.access_help or ""))]
        if store is None:
            return [*top, _section(escape(messages.home_no_database()))]
        parts = await asyncio.gather(
            self._part(self._headline(store), "the numbers"),
            self._part(self._approvals(user), "the approvals"),
            self._part(self._interaction(store, user), "your interaction"),
            self._part(self._issues(store), "the known issues"),
        )
        blocks = top
        for part in parts:
            blocks += [{"type": "divider"}, *part]
        return [_masked(block, region) for block in blocks]

    async def _part(self, reading: Awaitable[list[Block]], name: str) -> list[Block]:
        try:
            return await reading
        except Exception:
            log.exception("the Home tab could not read %s", name)
            return [_section(escape(messages.home_part_failed(name)))]

    async def _headline(self, store: Store) -> list[Block]:
        adapter = self._adapter
        insight = Insight(store, adapter.settings, adapter.bot.registry)
        today, week, services, contacts, kpis = await asyncio.gather(
            insight.commands(TODAY, window=insight.today()),
            insight.commands(WEEK),
            insight.services(TODAY),
            insight.kpis(TODAY, window=insight.today()),
            insight.kpis(WEEK),
        )
        calls = sum(row.calls for row in services.rows)
        errors = sum(row.errors for row in services.rows)
        csat = kpis.csat
        figures = [
            ("Contacts today", f"{contacts.contacts:,} ({kpis.contacts:,} this week)"),
            ("First response SLA this week", percent(kpis.first_response_sla.percent)),
            ("CSAT this week", f"{percent(csat.percent)} ({csat.rated:,} ratings)"),
            ("Lookups and actions today", f"{today.runs:,}"),
            ("This week", f"{week.runs:,}"),
            (
                "Hours saved this week",
                f"about {week.saved.hours:,.{1 if week.saved.hours < 10 else 0}f}",
            ),
            ("Service calls today", f"{calls:,} ({errors:,} failed)"),
        ]
        busiest = ", ".join(f"{name} {count:,}" for name, count in week.runs_by_command()[:3])
        fields = [
            {"type": "mrkdwn", "text": messages.home_headline(escape(label), escape(value))}
            for label, value in figures
        ]
        blocks: list[Block] = [{"type": "section", "fields": fields}]
        notes = [week.saved.method] + ([f"Busiest this week: {busiest}"] if busiest else [])
        blocks.append(_context(escape(adapter.names.rewrite(" · ".join(notes)))))
        return blocks

    async def _approvals(self, user: User) -> list[Block]:
        adapter = self._adapter
        roles = adapter.bot.roles_of(user)
        waiting = [
            pending
            for pending in await adapter.bot.actions.waiting_for_approval()
            if pending.approval_role in roles and pending.user_id != user.id
        ]
        lines = [
            f"{pending.token}  "
            + messages.home_approval_line(
                adapter.names.rewrite(f"/{pending.command}"),
                pending.user_name or pending.user_id,
                _when(pending.expires_at),
                pending.prompt,
            )
            for pending in waiting
        ]
        how = messages.home_approvals_how(
            adapter.names.rewrite("/approve"), adapter.names.rewrite("/reject")
        )
        blocks = [
            _header(messages.home_approvals_title(len(lines))),
            _lines(lines, messages.home_no_approvals()),
        ]
        return blocks + ([_context(escape(how))] if lines else [])

    async def _interaction(self, store: Store, user: User) -> list[Block]:
        names = self._adapter.names
        opened = await store.record.open_interaction_of(user.id)
        if opened is None:
            text = messages.home_no_interaction(names.rewrite("/log"))
        else:
            text = messages.home_interaction_line(
                opened.ref,
                opened.merchant_id or opened.contact or "unknown contact",
                opened.channel,
                _when(opened.opened_at),
                names.rewrite("/done"),
            )
        return [_header(messages.home_interaction_title()), _section(escape(text))]

    async def _issues(self, store: Store) -> list[Block]:
        active = await store.incidents.active()
        lines = [f"{issue.ref} {issue.title} ({issue.status})" for issue in active]
        return [
            _header(messages.home_issues_title(len(lines))),
            _lines(lines, messages.home_no_issues()),
        ]


def _masked(value: Any, region: str) -> Any:
    """Every text of a block masked (phone numbers, emails)."""
    if isinstance(value, str):
        return mask_text(value, region)
    if isinstance(value, Mapping):
        return {
            key: _masked(item, region) if key == "text" or not isinstance(item, str) else item
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_masked(item, region) for item in value]
    return value
