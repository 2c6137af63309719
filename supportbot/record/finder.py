"""A merchant reference (phone, email or id) -> one merchant, or the reply that says why not.

Every command that takes a `MerchantRef` needs the same steps: search the merchants service by
phone or email, count a number the team saved for a merchant (`/alias`) as a match, and answer
"no merchant found with ..." or a pick-list when it is not exactly one. `ctx.find_merchant(who)`
does them once per run (a second call with the same reference costs nothing).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from supportbot.core.argtypes import MerchantRef
from supportbot.core.formatting import format_status
from supportbot.core.reply import Button, Choice, Outcome, Reply
from supportbot.services.answers import Merchant, MerchantSearch
from supportbot.services.clients import ServiceResult, Services

from . import wording as messages

__all__ = ["PICK_LIST_LIMIT", "MerchantFinder", "MerchantMatch", "SavedNumber"]

#: At most this many merchants are offered in a pick-list; the rest are counted.
PICK_LIST_LIMIT = 20

Gather = Callable[..., Awaitable[Any]]
SavedLookup = Callable[[str], Awaitable["SavedNumber | None"]]


@dataclass(frozen=True)
class SavedNumber:
    """A number the team saved for a merchant; `via` says so ("via a number saved by ...")."""

    merchant_id: str
    via: str


@dataclass(frozen=True)
class MerchantMatch:
    """What a reference came to: one merchant (`merchant_id`), or `answer`, the reply to give
    instead (a pick-list, "no merchant found with ...", or "could not search")."""

    who: MerchantRef
    merchant_id: str | None = None
    #: The merchant's profile, when the search already fetched it (None for a merchant id: the
    #: command fetches it together with everything else, in one round trip).
    profile: Merchant | None = None
    #: How it was found, when that is worth saying ("via a number saved by @ani on 3 Nov").
    via: str | None = None
    answer: Reply | None = None

    def not_found(self, *, unconfirmed: bool = False) -> Reply:
        """ "No merchant found with the phone number 0812-...": for a command that learns it
        later (the merchants service answers 404 for the id). `unconfirmed`: the merchants
        service failed, and every other service has no record of it."""
        return not_found_reply(self.who, unconfirmed=unconfirmed)


class MerchantFinder:
    """Resolves merchant references for one run: `ctx.find_merchant` uses it."""

    def __init__(
        self,
        services: Services,
        gather: Gather,
        saved_number: SavedLookup | None,
        about: Callable[[str], None],
    ) -> None:
        self._services = services
        self._gather = gather
        self._saved_number = saved_number
        self._about = about
        self._found: dict[tuple[str, str, str], MerchantMatch] = {}

    async def find(self, who: MerchantRef, *, pick: str = "/merchant {id}") -> MerchantMatch:
        """One merchant for `who`, or the reply to give instead. `pick` is the command each
        pick-list line runs, with `{id}` for the merchant id."""
        key = (who.kind, who.value, pick)
        if key not in self._found:
            self._found[key] = await self._find(who, pick)
        match = self._found[key]
        if match.merchant_id is not None:
            self._about(match.merchant_id)  # the audit record and the timeline are about it
        return match

    async def _find(self, who: MerchantRef, pick: str) -> MerchantMatch:
        if who.kind == "merchant_id":
            return MerchantMatch(who, merchant_id=who.value)
        search_call = self._services.merchants.get("/merchants", params={who.kind: who.value})
        searched, saved = await asyncio.gather(
            self._gather(search_call.expect(MerchantSearch)), self._saved(who)
        )
        (search,) = searched
        if not search.ok and saved is None:
            return MerchantMatch(
                who, answer=Reply(outcome=Outcome.ERROR, text=messages.search_failed(kind(who)))
            )
        matches: list[Merchant] = _matches(search)
        if saved is not None and all(m.id == saved.merchant_id for m in matches):
            profile = matches[0] if matches else None
            return MerchantMatch(who, saved.merchant_id, profile, via=saved.via)
        if not matches:
            return MerchantMatch(who, answer=not_found_reply(who))
        if len(matches) > 1 or saved is not None:
            return MerchantMatch(who, answer=pick_list(who, matches, saved, pick))
        return MerchantMatch(who, matches[0].id, matches[0])

    async def _saved(self, who: MerchantRef) -> SavedNumber | None:
        if who.phone is None or self._saved_number is None:
            return None
        return await self._saved_number(who.value)


def _matches(search: ServiceResult[MerchantSearch]) -> list[Merchant]:
    return search.data.merchants if search.ok else []


def kind(who: MerchantRef) -> str:
    """How `who` is searched, in words: "phone number", "email" or "merchant id"."""
    return {"phone": "phone number", "email": "email", "merchant_id": "merchant id"}[who.kind]


def shown(who: MerchantRef) -> str:
    """`who` as the agent reads it back: a phone number in national form."""
    return who.phone.national if who.phone is not None else who.value


def not_found_reply(who: MerchantRef, *, unconfirmed: bool = False) -> Reply:
    """No merchant has `who`: what was searched, and what to try instead."""
    searched = who.value if who.kind == "phone" else None
    reply = Reply(
        outcome=Outcome.NOT_FOUND,
        text=messages.merchant_not_found(kind(who), who.kind, shown(who), searched, unconfirmed),
    )
    if who.phone is not None:  # offer to save it: the button in Slack, the command anywhere
        reply.footer = messages.save_unknown_number(shown(who))
        # The number stays on the server: Slack's button value is only the stored state's id.
        reply.buttons.append(
            Button(
                label=messages.save_number_label(),
                action="form:alias",
                value=who.phone.e164,
                requester_only=False,
            )
        )
    return reply


def pick_list(
    who: MerchantRef, matches: list[Merchant], saved: SavedNumber | None, pick: str
) -> Reply:
    """Several merchants match `who` (or the team saved the number for another one): pick one."""
    hidden = len(matches) - PICK_LIST_LIMIT
    choices = [
        Choice(
            label=f"{m.name or '?'} ({m.id})",
            description=", ".join(filter(None, [m.city, format_status(m.status)])),
            command=pick.format(id=m.id),
        )
        for m in matches[:PICK_LIST_LIMIT]
    ]
    if saved is not None:  # the team's saved number first: someone checked it by hand
        choices.insert(
            0,
            Choice(
                label=messages.saved_number_label(saved.merchant_id),
                description=saved.via,
                command=pick.format(id=saved.merchant_id),
            ),
        )
    return Reply(
        title=messages.merchants_match(len(matches) + (saved is not None), shown(who)),
        text=messages.pick_one(),
        choices=choices,
        footer=messages.more_matches(hidden) if hidden > 0 else None,
    )
