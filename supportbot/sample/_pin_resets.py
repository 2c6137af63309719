"""The merchants service's PIN resets: a new PIN sent by SMS, exactly once per idempotency key.

``POST /merchants/{merchant_id}/pin-reset`` with an optional ``{"device": serial}`` (the terminal
whose PIN it is; none: the PIN of all its terminals) and a required ``Idempotency-Key`` → 200
``{"reset_id", "merchant_id", "device", "sent_to", "channel": "sms", "at", "replayed"}``. A new
PIN goes to the merchant's first phone as the data holds it. 400 without a key (or with a
malformed one) or with a body that is not a JSON object; 404 for an unknown merchant; 409 for a
suspended or closed one; 422 for a device that is not the merchant's, or the key reused for
another request. ``GET /merchants/{merchant_id}/pin-resets`` → every reset performed.
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
    shown,
)
from ._ledger import Answer, Fingerprint, Ledger
from ._records import SampleData

__all__ = ["add_pin_reset_routes"]

MAX_SERIAL_LENGTH = 64
_EXAMPLE = '{"device": "EDC-A920-104233"} (or {} for all its terminals)'


def add_pin_reset_routes(router: web.UrlDispatcher, data: SampleData, ledger: Ledger) -> None:
    """``POST /merchants/{merchant_id}/pin-reset`` and ``GET .../pin-resets``."""

    async def pin_reset(request: web.Request) -> web.Response:
        merchant_id = request.match_info["merchant_id"]
        key = idempotency_key(request, required=True, action="each PIN reset")
        payload = await read_json_object(request, example=_EXAMPLE, optional=True)
        device = _requested_device(payload.get("device"))
        fingerprint = Fingerprint(merchant_id, (("device", device),))

        def perform() -> Answer:
            merchant = data.merchants.get(merchant_id)
            if merchant is None:
                raise Refused(404, f"no merchant {shown(merchant_id)}")
            if merchant["status"] != "active":
                raise Refused(409, f"merchant is {merchant['status']}; PIN resets are blocked")
            serials = {d["serial"] for d in data.devices.get(merchant_id, ())}
            if device is not None and device not in serials:
                known = f"its devices: {', '.join(sorted(serials))}" if serials else "it has none"
                raise Refused(422, f"{shown(device)} is not a device of {merchant_id}; {known}")
            if not merchant["phones"]:
                raise Refused(422, f"{merchant_id} has no phone number to send a new PIN to")
            done = ledger.add_pin_reset(merchant_id, device, merchant["phones"][0], key)
            return {
                "reset_id": done["reset_id"],
                "merchant_id": done["merchant_id"],
                "device": done["device"],
                "sent_to": done["sent_to"],
                "channel": done["channel"],
                "at": done["at"],
            }

        return answer_once(
            ledger, "PIN reset", key, fingerprint, perform, status=200, conflict_status=422
        )

    async def list_pin_resets(request: web.Request) -> web.Response:
        merchant_id = request.match_info["merchant_id"]
        if merchant_id not in data.merchants:
            raise Refused(404, f"no merchant {shown(merchant_id)}")
        resets = ledger.pin_resets(merchant_id)
        return json_response({"merchant_id": merchant_id, "pin_resets": resets})

    router.add_post("/merchants/{merchant_id}/pin-reset", pin_reset)
    router.add_get("/merchants/{merchant_id}/pin-resets", list_pin_resets)


def _requested_device(value: object) -> str | None:
    """The serial asked for, as the data spells it (upper case), or None for all terminals."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise Refused(422, '"device" must be a device serial, like "EDC-A920-104233"')
    serial = value.strip().upper()
    if not serial or len(serial) > MAX_SERIAL_LENGTH or has_control_chars(serial):
        raise Refused(422, f'"device" is not a device serial: {shown(serial)}')
    return serial
