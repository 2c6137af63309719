"""The receipts service: resend a payment's receipt by email, at most once per idempotency key.

``POST /receipts/{tx_id}/resend`` with an optional ``{"to": email}`` and an optional
``Idempotency-Key`` → 202 ``{"resend_id", "transaction_id", "sent_to", "at", "replayed"}``. The
key is optional here (unlike a PIN reset or a refund: a duplicate receipt email is harmless), and
reusing it for another transaction or address is 409, as this service has always answered.
"""

from __future__ import annotations

import re

from aiohttp import web

from ._http import Refused, answer_once, idempotency_key, json_response, read_json_object, shown
from ._ledger import Answer, Fingerprint, Ledger
from ._records import SampleData

__all__ = ["EMAIL", "add_resend_routes"]

EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}")
_EXAMPLE = '{"to": "customer@example.id"}'


def add_resend_routes(router: web.UrlDispatcher, data: SampleData, ledger: Ledger) -> None:
    """``POST /receipts/{tx_id}/resend`` and ``GET /receipts/{tx_id}`` (every resend)."""

    async def resend(request: web.Request) -> web.Response:
        tx_id = request.match_info["tx_id"]
        key = idempotency_key(request, required=False, action="each resend")
        payload = await read_json_object(request, example=_EXAMPLE, optional=True)
        requested_to = _requested_address(payload.get("to"))
        fingerprint = Fingerprint(
            tx_id, (("to", requested_to.casefold() if requested_to else None),)
        )

        def perform() -> Answer:
            tx = data.transactions.get(tx_id)
            if tx is None:
                raise Refused(404, f"no transaction {shown(tx_id)}")
            if tx["status"] in ("failed", "pending"):
                raise Refused(422, f"{tx_id} is {tx['status']}: there is no receipt to send")
            destination = requested_to or tx["customer_email"]
            if not destination:
                raise Refused(
                    422, f'{tx_id} has no customer email on file; give one as {{"to": "..."}}'
                )
            done = ledger.add_resend(tx_id, destination, key)
            return {
                "resend_id": done["resend_id"],
                "transaction_id": done["transaction_id"],
                "sent_to": done["sent_to"],
                "at": done["at"],
            }

        return answer_once(
            ledger, "resend", key, fingerprint, perform, status=202, conflict_status=409
        )

    async def list_resends(request: web.Request) -> web.Response:
        tx_id = request.match_info["tx_id"]
        if tx_id not in data.transactions:
            raise Refused(404, f"no transaction {shown(tx_id)}")
        return json_response({"transaction_id": tx_id, "resends": ledger.resends(tx_id)})

    router.add_post("/receipts/{tx_id}/resend", resend)
    router.add_get("/receipts/{tx_id}", list_resends)


def _requested_address(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Refused(422, '"to" must be an email address')
    address = value.strip()
    if len(address) > 254 or not EMAIL.fullmatch(address):
        raise Refused(422, f'"to" is not an email address: {shown(address)}')
    return address
