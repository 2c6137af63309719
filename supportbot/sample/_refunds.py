"""The transactions service's refunds: money back on a settled payment, once per idempotency key.

``POST /transactions/{tx_id}/refunds`` with ``{"amount": rupiah, "reason": text}`` and a required
``Idempotency-Key`` → 200 ``{"refund_id", "transaction_id", "amount", "currency", "reason",
"refunded_total", "remaining", "at", "replayed"}``. Several partial refunds may add up to the
payment's amount; then the payment's status is ``refunded`` (`Ledger.current`).

400 without a key (or with a malformed one) or without a JSON object body; 404 for an unknown
transaction; 409 for one that is not settled (failed, pending, already fully refunded); 422 for an
amount that is not a whole number above 0 or is more than is left to refund, a missing, empty,
too long or unprintable reason, or the key reused for another request.
``GET /transactions/{tx_id}/refunds`` → every refund performed.
"""

from __future__ import annotations

from aiohttp import web

from ._http import (
    Refused,
    answer_once,
    has_control_chars,
    idempotency_key,
    json_response,
    read_json_object,
    rupiah,
    shown,
)
from ._ledger import Answer, Fingerprint, Ledger
from ._records import SampleData

__all__ = ["MAX_REASON_LENGTH", "add_refund_routes"]

MAX_REASON_LENGTH = 500
_EXAMPLE = '{"amount": 50000, "reason": "charged twice"}'
_JSON_KINDS = {
    bool: "true or false",
    str: "text",
    float: "a number with a fraction or exponent",
    list: "a list",
    dict: "an object",
}
_NOT_REFUNDABLE = {
    "failed": "{} failed: no money was taken, so there is nothing to refund",
    "pending": "{} is still pending: it can be refunded once it settles",
    "refunded": "{} is already fully refunded",
}


def add_refund_routes(router: web.UrlDispatcher, data: SampleData, ledger: Ledger) -> None:
    """``POST /transactions/{tx_id}/refunds`` and ``GET /transactions/{tx_id}/refunds``."""

    async def refund(request: web.Request) -> web.Response:
        tx_id = request.match_info["tx_id"]
        key = idempotency_key(request, required=True, action="each refund")
        payload = await read_json_object(request, example=_EXAMPLE, optional=False)
        amount = _requested_amount(payload.get("amount"))
        reason = _requested_reason(payload.get("reason"))
        fingerprint = Fingerprint(tx_id, (("amount", amount), ("reason", reason)))

        def perform() -> Answer:
            tx = data.transactions.get(tx_id)
            if tx is None:
                raise Refused(404, f"no transaction {shown(tx_id)}")
            now = ledger.current(tx)
            if now["status"] != "settled":
                raise Refused(409, _NOT_REFUNDABLE[now["status"]].format(tx_id))
            remaining = tx["amount"] - now["refunded_amount"]
            if amount > remaining:
                already = now["refunded_amount"]
                raise Refused(
                    422,
                    f"a refund of {shown(rupiah(amount), 40)} is more than the {rupiah(remaining)}"
                    f" left to refund on {tx_id} (paid {rupiah(tx['amount'])}"
                    + (f", {rupiah(already)} refunded already)" if already else ")"),
                )
            done = ledger.add_refund(tx, amount, reason, key)
            return {
                "refund_id": done["refund_id"],
                "transaction_id": done["transaction_id"],
                "amount": done["amount"],
                "currency": done["currency"],
                "reason": done["reason"],
                "refunded_total": done["refunded_total"],
                "remaining": done["remaining"],
                "at": done["at"],
            }

        return answer_once(
            ledger, "refund", key, fingerprint, perform, status=200, conflict_status=422
        )

    async def list_refunds(request: web.Request) -> web.Response:
        tx_id = request.match_info["tx_id"]
        if tx_id not in data.transactions:
            raise Refused(404, f"no transaction {shown(tx_id)}")
        return json_response({"transaction_id": tx_id, "refunds": ledger.refunds(tx_id)})

    router.add_post("/transactions/{tx_id}/refunds", refund)
    router.add_get("/transactions/{tx_id}/refunds", list_refunds)


def _requested_amount(value: object) -> int:
    """A whole number of rupiah above 0 (JSON true is a bool, 10000.0 a float: both refused)."""
    if value is None:
        raise Refused(422, '"amount" is required: a whole number of rupiah, like 50000')
    if isinstance(value, bool) or not isinstance(value, int):
        kind = _JSON_KINDS.get(type(value), "that")
        raise Refused(422, f'"amount" must be a whole number of rupiah, like 50000, not {kind}')
    if value <= 0:
        raise Refused(422, f'"amount" must be more than 0, not {shown(str(value), 40)}')
    return value


def _requested_reason(value: object) -> str:
    """Why the money goes back: 1 to `MAX_REASON_LENGTH` printable characters, trimmed."""
    wanted = f"say why in 1 to {MAX_REASON_LENGTH} characters"
    if value is None:
        raise Refused(422, f'"reason" is required: {wanted}')
    if not isinstance(value, str):
        raise Refused(422, f'"reason" must be text: {wanted}')
    reason = value.strip()
    if not reason:
        raise Refused(422, f'"reason" is empty: {wanted}')
    if len(reason) > MAX_REASON_LENGTH:
        raise Refused(422, f'"reason" is {len(reason)} characters long: {wanted}')
    if has_control_chars(reason):
        raise Refused(422, '"reason" must be printable text, on one line (no control characters)')
    return reason
