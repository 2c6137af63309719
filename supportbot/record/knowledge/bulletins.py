"""What `ctx.knowledge` offers about early warnings, the daily share and suggested links.

A part of `Knowledge` (its base class), kept in its own module so that each stays small; it
uses the run's store, poster, settings and user that `Knowledge` holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from supportbot.core.errors import UsageError
from supportbot.core.knowledge_settings import KnowledgeSettings
from supportbot.core.message import User
from supportbot.core.posting import ChannelPoster
from supportbot.core.reply import Reply
from supportbot.core.settings import Settings, stats_settings
from supportbot.storage import DailyShare, Store

from . import wording as messages
from .links import link_suggestions
from .share import ShareOutcome, share_day, share_reply
from .warnings import TEXT_LIMIT, WarningOutcome, raise_warning

__all__ = ["Bulletins"]


class Bulletins:
    """Early warnings (`warn`), the daily share (`share_today`) and link suggestions."""

    _store: Store | None
    _poster: ChannelPoster | None
    _settings: Settings
    _user: User
    _request_id: str
    _about: Callable[[str], None]

    @property
    def store(self) -> Store:  # pragma: no cover - Knowledge's, with the sentence to show
        raise NotImplementedError

    @property
    def settings(self) -> KnowledgeSettings:  # pragma: no cover - Knowledge's
        raise NotImplementedError

    def about(self, subject: str) -> None:
        """Tell the run what it turned out to be about (its audit record says so)."""
        self._about(subject)

    async def warn(self, text: str, tag: str | None) -> WarningOutcome:
        """Report what the user sees (`tag` already checked against the taxonomy): a new warning
        posted to the warning channel, or one more report on the tag's open warning, its
        message edited. UsageError for an empty or too long text."""
        text = " ".join(text.split())
        if not text:
            raise UsageError(messages.warning_empty())
        if len(text) > TEXT_LIMIT:
            raise UsageError(messages.warning_too_long(len(text), TEXT_LIMIT))
        outcome = await raise_warning(
            self.store,
            self._poster,
            self.settings,
            text=text,
            tag=tag,
            by=self._user.display,
            request_id=self._request_id,
            now=datetime.now(UTC),
        )
        self._about(outcome.warning.ref)
        return outcome

    async def share_today(self) -> ShareOutcome:
        """Run today's share now (once a day: a second run shows the day's share)."""
        zone = stats_settings(self._settings).zone
        outcome = await share_day(
            self.store,
            self._poster,
            self.settings,
            today=datetime.now(zone).date(),
            zone=zone,
            region=self._settings.phone_region,
            by=self._user.display,
        )
        if outcome.share is not None:
            self._about(outcome.share.interaction_ref)
        return outcome

    async def link_suggestions(self, tags: Sequence[str], target: str) -> list[str]:
        """`/incident link` lines for the active issues whose tags meet `tags`, not yet linked
        to `target` (an interaction id or a merchant id); empty when the database cannot say."""
        if self._store is None or not tags:
            return []
        return await link_suggestions(self._store, tags, target)

    def warning_summary(self, done: WarningOutcome) -> str:
        """What `/warn` answers: posted, or added to the warning posted at ..., and why it did
        not reach the channel when it did not."""
        warning = done.warning
        if done.opened and done.delivered and done.channel:
            text = messages.warning_posted(warning.ref, done.channel, self.settings.warning_mention)
        elif done.opened:
            text = messages.warning_recorded(warning.ref)
        else:
            posted_at = warning.opened_at.astimezone(stats_settings(self._settings).zone)
            text = messages.warning_added(warning.ref, posted_at, warning.reports, done.delivered)
        if not done.delivered:
            text += " " + messages.warning_not_posted(done.channel)
        return text

    def share_message(self, share: DailyShare) -> Reply:
        """The message of a day's share, as the channel gets it."""
        return share_reply(share, stats_settings(self._settings).zone)

    def share_summary(self, done: ShareOutcome) -> str:
        """What `/share-today` says about the run: shared, shared before, or not posted."""
        share = done.share
        assert share is not None
        zone = stats_settings(self._settings).zone
        text = messages.share_posted(share.interaction_ref, done.channel or "")
        if not done.picked_now:
            text = messages.share_already(share.interaction_ref, share.claimed_at.astimezone(zone))
        if not done.delivered:
            text += " " + messages.share_not_posted(done.channel)
        return text

    def share_nothing(self) -> str:
        """Why nothing was shared today."""
        zone = stats_settings(self._settings).zone
        yesterday = datetime.now(zone).date() - timedelta(days=1)
        return messages.share_nothing(yesterday.isoformat(), self.settings.share_repeat_days)
