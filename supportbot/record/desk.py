"""The support record as one command run uses it (`ctx.record`): open and close interactions
(with their SLA clocks), notes, tags, learnt numbers and CSAT ratings, each written with its
timeline events and the run's request id.

A desk is bound to the person running the command, so every write says who did it, and to the
run's request id, so the audit trail and the record point at each other. What the user may do
(retract another's note, add a tag to the taxonomy) is checked here, saying who may.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from supportbot.core.argtypes import MerchantId
from supportbot.core.errors import UsageError
from supportbot.core.masking import mask_text
from supportbot.core.message import User
from supportbot.core.reply import Section
from supportbot.storage import (
    Alias,
    AliasConflict,
    Interaction,
    Note,
    Store,
    TagMark,
    TimelineCursor,
    TimelineEvent,
    TimelinePage,
)

from . import wording as messages
from .card import record_section
from .csat import Rating, rate_interaction
from .finder import SavedNumber
from .refs import INTERACTION, NOTE, new_ref, normalized_ref
from .reopen import reopen_interaction
from .settings import RecordSettings
from .sla import SlaClock
from .subject import Subject
from .taxonomy import TagChange, Taxonomy, parse_tag_changes
from .timeline import parse_window, timeline_line

__all__ = ["CHANNELS", "MOODS", "OUTCOMES", "RecordDesk", "SavedNumber", "Subject"]

CHANNELS = ("chat", "call", "email", "other")
MOODS = ("angry", "frustrated", "confused", "calm", "happy")
OUTCOMES = ("resolved", "follow_up", "escalated", "abandoned")


@dataclass
class RecordDesk:
    """The support record for one command run. Built by the dispatcher as `ctx.record`."""

    store: Store
    settings: RecordSettings
    user: User
    request_id: str
    roles: frozenset[str] = frozenset()
    region: str = "ID"
    #: Called on the first write: the run's own events replace the generic "command" line.
    on_write: Callable[[], None] = lambda: None
    #: Told the merchant each write is about (the run's audit record is then about it too).
    on_subject: Callable[[str], None] = lambda merchant_id: None
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    clock: SlaClock | None = None
    tell_leads: Callable[[str], Awaitable[None]] | None = None
    csat_alert_at: int = 2

    def event(
        self,
        subject: Subject,
        kind: str,
        summary: str,
        *,
        at: datetime,
        tag: str | None = None,
        interaction_ref: str | None = None,
    ) -> TimelineEvent:
        """A timeline event of this run, by this user, about `subject`; the summary masked."""
        self.on_write()
        if subject.merchant_id and subject.merchant_id != "?":  # "?": the store knows it
            self.on_subject(subject.merchant_id)
        return TimelineEvent(
            event_key=f"{kind}:{uuid.uuid4().hex}",
            merchant_id=subject.timeline_key,
            at=at,
            kind=kind,
            actor_id=self.user.id,
            actor_name=self.user.display,
            interaction_ref=interaction_ref or subject.interaction_ref,
            request_id=self.request_id,
            tag=tag,
            summary=mask_text(summary, self.region),
        )

    @property
    def is_lead(self) -> bool:
        """Whether the user may edit the taxonomy and see retracted notes."""
        return not self.roles.isdisjoint(self.settings.tag_editor_roles)

    async def taxonomy(self) -> Taxonomy:
        """The configured tags and the ones leads added."""
        return Taxonomy.of(self.settings, await self.store.record.custom_tags())

    def check_note(self, text: str) -> str:
        """The note as stored (trimmed), or UsageError when empty or too long."""
        text = text.strip()
        if not text:
            raise UsageError(messages.empty_note(), example="/note M-10001 asked about QRIS")
        limit = self.settings.note_max_chars
        if len(text) > limit:
            raise UsageError(messages.note_too_long(len(text), limit))
        return text

    async def open_interaction(self) -> Interaction | None:
        """The user's open interaction, if any."""
        return await self.store.record.open_interaction_of(self.user.id)

    async def subject(self, reference: str, example: str | None = None) -> Subject:
        """A merchant id (M-10001) or an interaction id (I-7K3QX2) as a Subject; UsageError
        when it is neither, or the interaction does not exist."""
        ref = normalized_ref(reference)
        if ref is not None and ref.startswith(INTERACTION + "-"):
            found = await self.store.record.interaction(ref)
            if found is None:
                raise UsageError(messages.no_such_interaction(ref))
            return Subject(found.merchant_id, found)
        try:
            return Subject(str(MerchantId.parse(reference)))
        except ValueError:
            raise UsageError(messages.not_a_subject(reference), example=example) from None

    def quiet(self) -> None:
        """This run only reads the record: no "command" line on a timeline for it."""
        self.on_write()

    @staticmethod
    def tag_changes(words: Sequence[str], taxonomy: Taxonomy) -> list[TagChange]:
        """`+group/tag` adds, `-group/tag` removes; each checked against the taxonomy."""
        return parse_tag_changes(list(words), taxonomy)

    async def open(
        self,
        *,
        channel: str = "chat",
        merchant_id: str | None,
        contact: str | None = None,
        contact_kind: str | None = None,
        tags: Sequence[str] = (),
        note: str | None = None,
        mood: str | None = None,
        link: str | None = None,
        source: str = "command",
        external_id: str | None = None,
        agent: User | None = None,
    ) -> Interaction:
        """Open an interaction for the user (or `agent`), with its first tags and note."""
        agent = agent or self.user
        checked = await self.check_open(
            tags=tags,
            note=note,
            channel=channel,
            mood=mood,
            agent=agent if source == "command" else None,
        )
        text = note.strip() if note else None
        at = self.now()
        interaction = Interaction(
            ref=new_ref(INTERACTION),
            channel=channel,
            agent_id=agent.id,
            agent_name=agent.display,
            opened_at=at,
            merchant_id=merchant_id,
            contact=contact,
            contact_kind=contact_kind,
            mood=mood,
            conversation_link=link,
            source=source,
            external_id=external_id,
            request_id=self.request_id,
            **(self.clock.on_open(channel, at) if self.clock else {}),
        )
        subject = Subject(merchant_id, interaction)
        shown = mask_text(contact or "", self.region) if contact_kind != "merchant_id" else ""
        events = [
            self.event(
                subject, "opened", messages.opened_summary(interaction, agent.display, shown), at=at
            )
        ]
        await self.store.record.open_interaction(interaction, *events)
        await self._tag(subject, [TagChange(tag, True) for tag in checked], at)
        if text:
            await self._note(subject, text, at)
        return interaction

    async def check_open(
        self,
        *,
        tags: Sequence[str] = (),
        note: str | None = None,
        channel: str = "chat",
        mood: str | None = None,
        agent: User | None = None,
    ) -> list[str]:
        """Check what opening would store, before anything is looked up: the tags (returned,
        as known), the note, the channel and mood, and that `agent` has nothing open yet."""
        if channel not in CHANNELS:
            raise UsageError(messages.unknown_choice("channel", channel, CHANNELS))
        if mood is not None and mood not in MOODS:
            raise UsageError(messages.unknown_choice("mood", mood, MOODS))
        taxonomy = await self.taxonomy()
        checked = list(dict.fromkeys(taxonomy.check(tag) for tag in tags))
        self._check_tag_count(len(checked))
        if note:
            self.check_note(note)
        if agent is not None:
            already = await self.store.record.open_interaction_of(agent.id)
            if already is not None:
                raise UsageError(messages.already_open(already.ref, already.merchant_id))
        return checked

    def minutes_open(self, interaction: Interaction) -> int:
        """How long the interaction was (or has been) open, in whole minutes."""
        end = interaction.closed_at or self.now()
        return max(0, round((end - interaction.opened_at).total_seconds() / 60))

    async def close(
        self,
        *,
        tags: Sequence[str] = (),
        note: str | None = None,
        outcome: str | None = None,
        mood: str | None = None,
        interaction: Interaction | None = None,
        duration_s: float | None = None,
    ) -> Interaction:
        """Close the user's open interaction (or `interaction`), with its last tags and note."""
        found = interaction or await self.open_interaction()
        if found is None:
            raise UsageError(messages.nothing_open(), example="/log 0812-3456-7890")
        if outcome is not None and outcome not in OUTCOMES:
            raise UsageError(messages.unknown_choice("outcome", outcome, OUTCOMES))
        if mood is not None and mood not in MOODS:
            raise UsageError(messages.unknown_choice("mood", mood, MOODS))
        taxonomy = await self.taxonomy()
        checked = list(dict.fromkeys(taxonomy.check(tag) for tag in tags))
        subject = Subject(found.merchant_id, found)
        on = await self.store.record.tags_on(interaction_ref=found.ref)
        new = [tag for tag in checked if tag not in {m.tag for m in on}]
        self._check_tag_count(len(on) + len(new))
        reason_group = self.settings.reason_group + "/"
        if self.settings.close_requires_reason and not any(
            tag.startswith(reason_group) for tag in [*new, *(m.tag for m in on)]
        ):
            reasons = [t for t in taxonomy.tags if t.startswith(reason_group)]
            raise UsageError(messages.reason_required(reasons), example=f"/done #{reasons[0]}")
        text = self.check_note(note) if note else None
        at = self.now()
        await self._tag(subject, [TagChange(tag, True) for tag in new], at)
        if text:
            await self._note(subject, text, at)
        values: dict[str, object] = {"closed_at": at, "closed_by": self.user.id}
        if outcome is not None:
            values["outcome"] = outcome
        if mood is not None:
            values["mood"] = mood
        if duration_s is not None:
            values["duration_s"] = duration_s
        values.update(self.clock.on_close(found, at) if self.clock else {})
        minutes = (at - found.opened_at).total_seconds() / 60
        event = self.event(subject, "closed", messages.closed_summary(found, minutes), at=at)
        await self.store.record.update_interaction(found.ref, event, **values)
        return replace(found, **values)  # type: ignore[arg-type]

    async def reopen(self, reference: str) -> Interaction:
        """Open the user's closed interaction again (see `record.reopen`)."""
        return await reopen_interaction(self, reference, await self.subject(reference))

    async def rate(self, reference: str, score: str) -> Rating:
        """Record the customer's 1-5 rating of a closed interaction (see `record.csat`)."""
        rating = await rate_interaction(self, reference, score)
        self.on_subject(rating.interaction.merchant_id or rating.interaction.ref)
        return rating

    async def set_merchant(self, interaction: Interaction, merchant_id: str) -> None:
        """Put an interaction opened for an unknown contact on the merchant it turned out to be."""
        await self.store.record.update_interaction(interaction.ref, merchant_id=merchant_id)

    async def note(self, subject: Subject, text: str) -> Note:
        """Add a note (checked: not empty, not too long)."""
        return await self._note(subject, self.check_note(text), self.now())

    async def _note(self, subject: Subject, text: str, at: datetime) -> Note:
        note = Note(
            ref=new_ref(NOTE),
            author_id=self.user.id,
            author_name=self.user.display,
            at=at,
            text=text,
            merchant_id=subject.merchant_id,
            interaction_ref=subject.interaction_ref,
        )
        event = self.event(subject, "note", f"{note.ref}: {text}", at=at)
        await self.store.record.add_note(note, event)
        return note

    async def retract(self, reference: str) -> Note:
        """Retract a note: its author or a lead may. The note stays, marked, for leads."""
        ref = normalized_ref(reference)
        note = await self.store.record.note(ref) if ref and ref.startswith(NOTE + "-") else None
        if note is None:
            raise UsageError(
                messages.no_such_note(reference[:40]), example="/note retract N-4K2P9Q"
            )
        if note.retracted_at is not None:
            raise UsageError(messages.note_already_retracted(note.ref))
        if note.author_id != self.user.id and not self.is_lead:
            raise UsageError(messages.not_your_note(note.ref, note.author_name or note.author_id))
        at = self.now()
        subject = Subject(note.merchant_id, None) if note.merchant_id else None
        events = []
        if subject is not None:
            summary = f"{note.ref} retracted"
            events.append(
                self.event(
                    subject, "note_retracted", summary, at=at, interaction_ref=note.interaction_ref
                )
            )
        await self.store.record.retract_note(note.ref, by=self.user.id, at=at, events=events)
        return replace(note, retracted_at=at, retracted_by=self.user.id)

    def _check_tag_count(self, count: int) -> None:
        limit = self.settings.max_tags_per_interaction
        if count > limit:
            raise UsageError(messages.too_many_tags(count, limit))

    async def tag(self, subject: Subject, changes: Sequence[TagChange]) -> tuple[int, int]:
        """Apply `+tag`/`-tag` changes; (added, removed). Already on or already off: no-op."""
        on = await self._tags_on(subject)
        added = {c.tag for c in changes if c.add} - {m.tag for m in on}
        removed = {c.tag for c in changes if not c.add}
        self._check_tag_count(len({m.tag for m in on} - removed) + len(added - removed))
        at = self.now()
        await self._tag(subject, [TagChange(t, True) for t in sorted(added - removed)], at)
        gone = [m for m in on if m.tag in removed]
        for mark in gone:
            event = self.event(subject, "untagged", f"-{mark.tag}", at=at, tag=mark.tag)
            await self.store.record.remove_tag(mark, by=self.user.id, at=at, events=[event])
        return len(added - removed), len(gone)

    async def _tags_on(self, subject: Subject) -> list[TagMark]:
        if subject.interaction is not None:
            return await self.store.record.tags_on(interaction_ref=subject.interaction.ref)
        return await self.store.record.tags_on(merchant_id=subject.merchant_id)

    async def _tag(self, subject: Subject, changes: Sequence[TagChange], at: datetime) -> None:
        for change in changes:
            mark = TagMark(
                key=uuid.uuid4().hex,
                tag=change.tag,
                added_at=at,
                added_by=self.user.id,
                merchant_id=subject.merchant_id,
                interaction_ref=subject.interaction_ref,
            )
            event = self.event(subject, "tagged", f"+{change.tag}", at=at, tag=change.tag)
            await self.store.record.add_tag(mark, event)

    async def add_to_taxonomy(self, tag: str, description: str) -> bool:
        """A lead adds `group/name` to the taxonomy; False when it is known already."""
        if not self.is_lead:
            raise UsageError(messages.only_leads_add_tags(self.settings.tag_editor_roles))
        name = tag.strip().lstrip("#+").lower()
        if not messages.TAG_SHAPE.fullmatch(name):
            raise UsageError(messages.bad_tag_shape(tag[:60]), example="/tags add payment/ewallet")
        if name in (await self.taxonomy()).tags:
            return False
        self.on_write()
        return await self.store.record.add_custom_tag(
            name, description.strip()[:500], by=self.user.id, at=self.now()
        )

    async def save_alias(self, phone: str, merchant_id: str, shown: str) -> bool:
        """Save the number (E.164) for the merchant; False when it was already. UsageError
        naming the owner when another merchant has it."""
        at = self.now()
        alias = Alias(
            phone=phone,
            merchant_id=merchant_id,
            saved_by=self.user.id,
            saved_by_name=self.user.display,
            saved_at=at,
            request_id=self.request_id,
        )
        event = self.event(Subject(merchant_id), "alias_saved", f"number {shown} saved", at=at)
        try:
            return await self.store.record.save_alias(alias, event)
        except AliasConflict as conflict:
            self.refuse_taken(shown, conflict.owner)

    @staticmethod
    def refuse_taken(shown: str, owner: Alias) -> NoReturn:
        """UsageError: the number is another merchant's (who saved it, when)."""
        raise UsageError(
            messages.alias_taken(
                shown, owner.merchant_id, owner.saved_by_name or owner.saved_by, owner.saved_at
            ),
            example=f"/alias remove {shown}",
        )

    async def remove_alias(self, phone: str, shown: str) -> Alias:
        """Forget the number; UsageError when it was not saved."""
        event = self.event(Subject("?"), "alias_removed", f"number {shown} removed", at=self.now())
        removed = await self.store.record.remove_alias(phone, event)
        if removed is None:
            raise UsageError(messages.alias_not_saved(shown))
        self.on_subject(removed.merchant_id)
        return removed

    async def alias(self, phone: str) -> Alias | None:
        """The saved owner of the number (E.164), if any."""
        return await self.store.record.alias(phone)

    async def timeline(
        self,
        merchant_id: str,
        *,
        before: TimelineCursor | None = None,
        since: datetime | None = None,
        tag: str | None = None,
        limit: int = 20,
    ) -> TimelinePage:
        """One page of the merchant's timeline, newest first."""
        self.on_write()  # reading the timeline is not itself a line on it
        return await self.store.record.timeline(
            merchant_id, before=before, since=since, tag=tag, limit=limit
        )

    async def card_section(self, merchant_id: str) -> Section:
        """The card's "Support record" section (run it concurrently with the service calls)."""
        return await record_section(
            self.store, merchant_id, self.now(), hide_group=self.settings.reason_group
        )

    async def saved_number(self, phone: str) -> SavedNumber | None:
        """The merchant a team member saved this number (E.164) for, and how to say so."""
        alias = await self.store.record.alias(phone)
        if alias is None:
            return None
        who = alias.saved_by_name or alias.saved_by
        return SavedNumber(alias.merchant_id, messages.via_saved_number(who, alias.saved_at))

    @staticmethod
    def split_tags(text: str) -> tuple[list[str], str]:
        """`"#settlement/delayed #device/offline asked twice"` -> the tags, then the note."""
        words = text.split()
        tags: list[str] = []
        while words and words[0].startswith("#"):
            tags.append(words.pop(0))
        return tags, " ".join(words)

    def since(self, days: float) -> datetime:
        """The moment `days` ago."""
        return self.now() - timedelta(days=days)

    def since_text(self, text: str) -> datetime:
        """`7d`, `24h`, `30m`, `2w` ago; UsageError naming what was typed otherwise."""
        return self.now() - parse_window(text)

    @staticmethod
    def cursor(token: str) -> TimelineCursor:
        """The page cursor an "older" link carries; UsageError when it is not one."""
        try:
            return TimelineCursor.parse(token[:80])
        except ValueError:
            raise UsageError(messages.bad_cursor(token)) from None

    def timeline_line(self, event: TimelineEvent) -> str:
        """One line of the timeline: when, who, what (already masked), and its interaction."""
        return timeline_line(event, self.region)
