"""The sample services as aiohttp web apps: merchants, billing, devices, transactions, receipts.

Every app answers JSON only, errors included (``{"error": "..."}`` with a 4xx/5xx status, even
for unknown paths and wrong methods), and runs every request through its `ServiceControl` first
(latency, injected failures). Input is never trusted: ids are looked up, not parsed, and whatever
a client sent is echoed back shortened and with control characters replaced.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._control import (
    IdempotencyConflict,
    InjectedFailure,
    Resend,
    ResendLedger,
    ServiceControl,
)
from ._records import SampleData

if TYPE_CHECKING:  # aiohttp >= 3.9 has these; only the type checker needs them
    from aiohttp.typedefs import Handler, Middleware

__all__ = ["SERVICE_NAMES", "build_app"]

# The order also fixes the ports of `serve_forever`: base_port + index.
SERVICE_NAMES = ("merchants", "billing", "devices", "transactions", "receipts")

SEARCH_LIMIT = 20
DEFAULT_TX_LIMIT = 5
MAX_TX_LIMIT = 50
MAX_BODY_BYTES = 64 * 1024

logger = logging.getLogger("supportbot.sample")

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}")
_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as HTTP headers carry
_LIMIT = re.compile(r"[0-9]{1,4}")


def build_app(
    name: str, data: SampleData, control: ServiceControl, ledger: ResendLedger
) -> web.Application:
    """A fresh web app for the service `name`, reading `data`, obeying `control`.

    The app holds no state of its own (`ledger` keeps the receipts' side effects), so a service
    stopped and started again gets a new app and carries on where it was.
    """
    app = web.Application(
        middlewares=[_json_errors, _obey(control)], client_max_size=MAX_BODY_BYTES
    )

    async def health(request: web.Request) -> web.Response:
        return _json({"status": "ok", "service": name})

    app.router.add_get("/health", health)
    routes = {
        "merchants": _merchant_routes,
        "billing": _billing_routes,
        "devices": _device_routes,
        "transactions": _transaction_routes,
        "receipts": _receipt_routes,
    }
    routes[name](app.router, data, ledger)
    return app


# --- cross-cutting -------------------------------------------------------------------------


@web.middleware
async def _json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except InjectedFailure as exc:
        return _error(exc.status, str(exc))
    except web.HTTPException as exc:  # the router's 404 and 405, the body limit's 413
        if exc.status < 400:
            raise
        response = _error(exc.status, exc.reason.lower())
        if "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except Exception:
        logger.exception("sample service failed on %s %s", request.method, request.path)
        return _error(500, "internal error")


def _obey(control: ServiceControl) -> Middleware:
    @web.middleware
    async def obey(request: web.Request, handler: Handler) -> web.StreamResponse:
        await control.before_request(health=request.path == "/health")
        return await handler(request)

    return obey


def _json(payload: Any, status: int = 200) -> web.Response:
    # Readable UTF-8 for names like "Toko Emas 金龙"; a lone surrogate smuggled in through a
    # percent-encoded URL cannot be UTF-8, so it goes out as a JSON \\u escape instead of a 500.
    text = json.dumps(payload, ensure_ascii=False)
    return web.Response(
        body=text.encode("utf-8", "backslashreplace"),
        status=status,
        content_type="application/json",
        charset="utf-8",
    )


def _error(status: int, message: str) -> web.Response:
    return _json({"error": message}, status)


def _shown(value: str, limit: int = 60) -> str:
    """Client input as it may appear in an error: short, printable."""
    cleaned = "".join(c if unicodedata.category(c)[0] != "C" else "?" for c in value[: limit + 1])
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + "…"


def _has_control_chars(value: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cs") for c in value)


# --- merchants -------------------------------------------------------------------------------


def _merchant_routes(router: web.UrlDispatcher, data: SampleData, ledger: ResendLedger) -> None:
    async def get_merchant(request: web.Request) -> web.Response:
        merchant_id = request.match_info["merchant_id"]
        merchant = data.merchants.get(merchant_id)
        if merchant is None:
            return _error(404, f"no merchant {_shown(merchant_id)}")
        return _json(merchant)

    async def search(request: web.Request) -> web.Response:
        given = [key for key in ("phone", "email", "q") if key in request.query]
        if len(given) != 1:
            return _error(400, "search with exactly one of ?phone=, ?email= or ?q=")
        key = given[0]
        value = request.query[key].strip()
        if key == "phone":
            # An unencoded "+" arrives as a space and then is stripped: put it back.
            phone = value if value.startswith("+") else f"+{value}"
            if not _E164.fullmatch(phone):
                return _error(400, f"phone must be E.164, like +6281234567890, not {_shown(value)}")
            found = data.merchants_by_phone(phone)
        elif key == "email":
            if len(value) > 254 or not _EMAIL.fullmatch(value) or _has_control_chars(value):
                return _error(400, f"not an email address: {_shown(value)}")
            found = data.merchants_by_email(value)
        else:
            if not value or len(value) > 100 or _has_control_chars(value):
                return _error(400, "q must be 1 to 100 printable characters of a merchant's name")
            found = data.merchants_by_name(value, SEARCH_LIMIT)
        return _json({"merchants": found})

    router.add_get("/merchants", search)
    router.add_get("/merchants/{merchant_id}", get_merchant)


# --- billing, devices ------------------------------------------------------------------------


def _billing_routes(router: web.UrlDispatcher, data: SampleData, ledger: ResendLedger) -> None:
    async def get_account(request: web.Request) -> web.Response:
        merchant_id = request.match_info["merchant_id"]
        account = data.accounts.get(merchant_id)
        if account is None:
            return _error(404, f"no billing account for {_shown(merchant_id)}")
        return _json(account)

    router.add_get("/accounts/{merchant_id}", get_account)


def _device_routes(router: web.UrlDispatcher, data: SampleData, ledger: ResendLedger) -> None:
    async def list_devices(request: web.Request) -> web.Response:
        merchant_id = request.match_info["merchant_id"]
        devices = data.devices.get(merchant_id)
        if devices is None:
            return _error(404, f"no merchant {_shown(merchant_id)}")
        return _json({"merchant_id": merchant_id, "devices": devices})

    router.add_get("/merchants/{merchant_id}/devices", list_devices)


# --- transactions ----------------------------------------------------------------------------


def _transaction_routes(router: web.UrlDispatcher, data: SampleData, ledger: ResendLedger) -> None:
    async def get_transaction(request: web.Request) -> web.Response:
        tx_id = request.match_info["tx_id"]
        tx = data.transactions.get(tx_id)
        if tx is None:
            return _error(404, f"no transaction {_shown(tx_id)}")
        return _json(tx)

    async def recent(request: web.Request) -> web.Response:
        merchant_id = request.match_info["merchant_id"]
        raw = request.query.get("limit", str(DEFAULT_TX_LIMIT))
        if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) <= MAX_TX_LIMIT:
            return _error(400, f"limit must be a whole number from 1 to {MAX_TX_LIMIT}")
        if merchant_id not in data.merchants:
            return _error(404, f"no merchant {_shown(merchant_id)}")
        found = data.transactions_of(merchant_id, int(raw))
        return _json({"merchant_id": merchant_id, "transactions": found})

    router.add_get("/transactions/{tx_id}", get_transaction)
    router.add_get("/merchants/{merchant_id}/transactions", recent)


# --- receipts --------------------------------------------------------------------------------


def _receipt_routes(router: web.UrlDispatcher, data: SampleData, ledger: ResendLedger) -> None:
    async def resend(request: web.Request) -> web.Response:
        tx_id = request.match_info["tx_id"]
        key = request.headers.get("Idempotency-Key")
        if key is not None and not _IDEMPOTENCY_KEY.fullmatch(key):
            return _error(400, "Idempotency-Key must be 1 to 255 visible ASCII characters")
        body = await request.read()
        try:
            payload = json.loads(body) if body.strip() else {}
        except ValueError:
            return _error(400, 'the body must be JSON, like {"to": "customer@example.id"}')
        if not isinstance(payload, dict):
            return _error(400, 'the body must be a JSON object, like {"to": "customer@example.id"}')
        requested_to = payload.get("to")
        if requested_to is not None:
            if not isinstance(requested_to, str):
                return _error(422, '"to" must be an email address')
            requested_to = requested_to.strip()
            if len(requested_to) > 254 or not _EMAIL.fullmatch(requested_to):
                return _error(422, f'"to" is not an email address: {_shown(requested_to)}')

        if key is not None:
            # The key is checked before anything else: it decides whether this is a new request.
            try:
                done = ledger.replay(key, tx_id, requested_to)
            except IdempotencyConflict as exc:
                return _error(409, str(exc))
            if done is not None:
                return _accepted(done, replayed=True)

        tx = data.transactions.get(tx_id)
        if tx is None:
            return _error(404, f"no transaction {_shown(tx_id)}")
        if tx["status"] in ("failed", "pending"):
            return _error(422, f"{tx_id} is {tx['status']}: there is no receipt to send")
        destination = requested_to or tx["customer_email"]
        if not destination:
            return _error(
                422, f'{tx_id} has no customer email on file; give one as {{"to": "..."}}'
            )
        # No await between the replay check and this: two requests with one key cannot both
        # get here.
        return _accepted(ledger.record(tx_id, destination, requested_to, key), replayed=False)

    async def list_resends(request: web.Request) -> web.Response:
        tx_id = request.match_info["tx_id"]
        if tx_id not in data.transactions:
            return _error(404, f"no transaction {_shown(tx_id)}")
        return _json({"transaction_id": tx_id, "resends": ledger.of(tx_id)})

    router.add_post("/receipts/{tx_id}/resend", resend)
    router.add_get("/receipts/{tx_id}", list_resends)


def _accepted(resend: Resend, *, replayed: bool) -> web.Response:
    payload = {
        "resend_id": resend["resend_id"],
        "transaction_id": resend["transaction_id"],
        "sent_to": resend["sent_to"],
        "at": resend["at"],
        "replayed": replayed,
    }
    return _json(payload, 202)
