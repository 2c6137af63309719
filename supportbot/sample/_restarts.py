"""The devices service's remote restart of a card reader, exactly once per idempotency key.

``POST /merchants/{merchant_id}/devices/{serial}/restart`` with a required ``Idempotency-Key`` →
200 ``{"restart_id", "merchant_id", "serial", "at", "replayed"}``. 400 without a key; 404 for an
unknown merchant or a device that is not the merchant's; 409 for an offline device (a restart
reaches only a reader that is online); 422 for the key reused for another request.
``GET /merchants/{merchant_id}/restarts`` → every restart performed.

The README's action tutorial (`/restart-device`) is written against it.
"""

from __future__ import annotations

from aiohttp import web

from ._http import Refused, answer_once, idempotency_key, json_response, shown
from ._ledger import Answer, Fingerprint, Ledger
from ._records import SampleData

__all__ = ["add_restart_routes"]


def add_restart_routes(router: web.UrlDispatcher, data: SampleData, ledger: Ledger) -> None:
    """``POST /merchants/{merchant_id}/devices/{serial}/restart`` and ``GET .../restarts``."""

    async def restart(request: web.Request) -> web.Response:
        merchant_id = request.match_info["merchant_id"]
        serial = request.match_info["serial"].strip().upper()
        key = idempotency_key(request, required=True, action="each restart")
        fingerprint = Fingerprint(merchant_id, (("serial", serial),))

        def perform() -> Answer:
            devices = data.devices.get(merchant_id)
            if devices is None:
                raise Refused(404, f"no merchant {shown(merchant_id)}")
            device = next((d for d in devices if d["serial"] == serial), None)
            if device is None:
                raise Refused(404, f"{shown(serial)} is not a device of {merchant_id}")
            if device["status"] != "online":
                raise Refused(
                    409, f"{serial} is {device['status']}; only an online device restarts"
                )
            done = ledger.add_restart(merchant_id, serial, key)
            return {
                "restart_id": done["restart_id"],
                "merchant_id": done["merchant_id"],
                "serial": done["serial"],
                "at": done["at"],
            }

        return answer_once(
            ledger, "restart", key, fingerprint, perform, status=200, conflict_status=422
        )

    async def list_restarts(request: web.Request) -> web.Response:
        merchant_id = request.match_info["merchant_id"]
        if merchant_id not in data.devices:
            raise Refused(404, f"no merchant {shown(merchant_id)}")
        restarts = ledger.restarts(merchant_id)
        return json_response({"merchant_id": merchant_id, "restarts": restarts})

    router.add_post("/merchants/{merchant_id}/devices/{serial}/restart", restart)
    router.add_get("/merchants/{merchant_id}/restarts", list_restarts)
