"""The sample services as aiohttp web apps: merchants, billing, devices, transactions, receipts.

Every app answers JSON only, errors included (``{"error": "..."}`` with a 4xx/5xx status, even
for unknown paths and wrong methods), and runs every request through its `ServiceControl` first
(latency, injected failures). The read-only routes are here; the ones with side effects, which
take an ``Idempotency-Key``, have a module each (`_pin_resets`, `_refunds`, `_resends`).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from aiohttp import web

from ._audiences import add_account_audience, add_device_audience, add_merchant_audience
from ._control import InjectedFailure, ServiceControl
from ._http import Refused, error, has_control_chars, json_response, shown
from ._ledger import Ledger
from ._notifications import add_notification_routes
from ._pin_resets import add_pin_reset_routes
from ._records import SampleData
from ._refunds import add_refund_routes
from ._resends import EMAIL, add_resend_routes
from ._restarts import add_restart_routes

if TYPE_CHECKING:  # aiohttp >= 3.9 has these; only the type checker needs them
    from aiohttp.typedefs import Handler, Middleware

__all__ = ["SERVICE_NAMES", "build_app"]

# The order also fixes the ports of `serve_forever`: base_port + index.
SERVICE_NAMES = ("merchants", "billing", "devices", "transactions", "receipts", "notifications")

SEARCH_LIMIT = 20
DEFAULT_TX_LIMIT = 5
MAX_TX_LIMIT = 50
MAX_BODY_BYTES = 64 * 1024

logger = logging.getLogger("supportbot.sample")

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_LIMIT = re.compile(r"[0-9]{1,4}")


def build_app(
    name: str, data: SampleData, control: ServiceControl, ledger: Ledger
) -> web.Application:
    """A fresh web app for the service `name`, reading `data`, obeying `control`.

    The app holds no state of its own (`ledger` keeps every service's side effects), so a
    service stopped and started again gets a new app and carries on where it was.
    """
    app = web.Application(
        middlewares=[_json_errors, _obey(control)], client_max_size=MAX_BODY_BYTES
    )

    async def health(request: web.Request) -> web.Response:
        return json_response({"status": "ok", "service": name})

    app.router.add_get("/health", health)
    routes = {
        "merchants": (_merchant_routes, add_pin_reset_routes, add_merchant_audience),
        "billing": (_billing_routes, add_account_audience),
        "devices": (_device_routes, add_restart_routes, add_device_audience),
        "transactions": (_transaction_routes, add_refund_routes),
        "receipts": (add_resend_routes,),
        "notifications": (add_notification_routes,),
    }
    for add_routes in routes[name]:
        add_routes(app.router, data, ledger)
    return app


# --- cross-cutting -------------------------------------------------------------------------


@web.middleware
async def _json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Refused as exc:
        return error(exc.status, exc.message)
    except InjectedFailure as exc:
        return error(exc.status, str(exc))
    except web.HTTPException as exc:  # the router's 404 and 405, the body limit's 413
        if exc.status < 400:
            raise
        response = error(exc.status, exc.reason.lower())
        if "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except Exception:
        logger.exception("sample service failed on %s %s", request.method, request.path)
        return error(500, "internal error")


def _obey(control: ServiceControl) -> Middleware:
    @web.middleware
    async def obey(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.can_read_body:
            # Like a real service: take the whole request in, then be slow. A client that goes
            # away meanwhile (a bot killed mid-action) does not stop what it asked for.
            await request.read()
        await control.before_request(health=request.path == "/health")
        return await handler(request)

    return obey


# --- merchants -------------------------------------------------------------------------------


def _merchant_routes(router: web.UrlDispatcher, data: SampleData, ledger: Ledger) -> None:
    async def get_merchant(request: web.Request) -> web.Response:
        merchant_id = request.match_info["merchant_id"]
        merchant = data.merchants.get(merchant_id)
        if merchant is None:
            return error(404, f"no merchant {shown(merchant_id)}")
        return json_response(merchant)

    async def search(request: web.Request) -> web.Response:
        given = [key for key in ("phone", "email", "q") if key in request.query]
        if len(given) != 1:
            return error(400, "search with exactly one of ?phone=, ?email= or ?q=")
        key = given[0]
        value = request.query[key].strip()
        if key == "phone":
            # An unencoded "+" arrives as a space and then is stripped: put it back.
            phone = value if value.startswith("+") else f"+{value}"
            if not _E164.fullmatch(phone):
                return error(400, f"phone must be E.164, like +6281234567890, not {shown(value)}")
            found = data.merchants_by_phone(phone)
        elif key == "email":
            if len(value) > 254 or not EMAIL.fullmatch(value) or has_control_chars(value):
                return error(400, f"not an email address: {shown(value)}")
            found = data.merchants_by_email(value)
        else:
            if not value or len(value) > 100 or has_control_chars(value):
                return error(400, "q must be 1 to 100 printable characters of a merchant's name")
            found = data.merchants_by_name(value, SEARCH_LIMIT)
        return json_response({"merchants": found})

    router.add_get("/merchants", search)
    router.add_get("/merchants/{merchant_id}", get_merchant)


# --- billing, devices ------------------------------------------------------------------------


def _billing_routes(router: web.UrlDispatcher, data: SampleData, ledger: Ledger) -> None:
    async def get_account(request: web.Request) -> web.Response:
        merchant_id = request.match_info["merchant_id"]
        account = data.accounts.get(merchant_id)
        if account is None:
            return error(404, f"no billing account for {shown(merchant_id)}")
        return json_response(account)

    router.add_get("/accounts/{merchant_id}", get_account)


def _device_routes(router: web.UrlDispatcher, data: SampleData, ledger: Ledger) -> None:
    async def list_devices(request: web.Request) -> web.Response:
        merchant_id = request.match_info["merchant_id"]
        devices = data.devices.get(merchant_id)
        if devices is None:
            return error(404, f"no merchant {shown(merchant_id)}")
        return json_response({"merchant_id": merchant_id, "devices": devices})

    router.add_get("/merchants/{merchant_id}/devices", list_devices)


# --- transactions ----------------------------------------------------------------------------


def _transaction_routes(router: web.UrlDispatcher, data: SampleData, ledger: Ledger) -> None:
    # Transactions are served as they stand now: refunds made in this run count (`current`).
    async def get_transaction(request: web.Request) -> web.Response:
        tx_id = request.match_info["tx_id"]
        tx = data.transactions.get(tx_id)
        if tx is None:
            return error(404, f"no transaction {shown(tx_id)}")
        return json_response(ledger.current(tx))

    async def recent(request: web.Request) -> web.Response:
        merchant_id = request.match_info["merchant_id"]
        raw = request.query.get("limit", str(DEFAULT_TX_LIMIT))
        if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) <= MAX_TX_LIMIT:
            return error(400, f"limit must be a whole number from 1 to {MAX_TX_LIMIT}")
        if merchant_id not in data.merchants:
            return error(404, f"no merchant {shown(merchant_id)}")
        found = [ledger.current(tx) for tx in data.transactions_of(merchant_id, int(raw))]
        return json_response({"merchant_id": merchant_id, "transactions": found})

    router.add_get("/transactions/{tx_id}", get_transaction)
    router.add_get("/merchants/{merchant_id}/transactions", recent)
