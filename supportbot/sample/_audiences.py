"""Who has what: the merchant ids behind one field value, for a known issue's notices.

- merchants: ``GET /merchant-ids?city=Bandung`` (or ``?category=``, ``?status=``)
- billing: ``GET /accounts?plan=Pro``
- devices: ``GET /devices?model=PAX A920``

Each answers ``{"merchant_ids": [...]}`` in id order (case-insensitive match, at most 10,000);
no or several filters → 400.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from aiohttp import web

from ._http import Refused, has_control_chars, json_response
from ._ledger import Ledger
from ._records import SampleData

__all__ = ["add_account_audience", "add_device_audience", "add_merchant_audience"]

MAX_IDS = 10_000


def _value(request: web.Request, names: tuple[str, ...]) -> tuple[str, str]:
    given = [name for name in names if name in request.query]
    if len(given) != 1:
        raise Refused(400, "filter with exactly one of " + ", ".join(f"?{n}=" for n in names))
    value = request.query[given[0]].strip()
    if not value or len(value) > 100 or has_control_chars(value):
        raise Refused(400, f"{given[0]} must be 1 to 100 printable characters")
    return given[0], value.casefold()


def _answer(ids: Iterable[str]) -> web.Response:
    return json_response({"merchant_ids": sorted(set(ids))[:MAX_IDS]})


def _route(
    router: web.UrlDispatcher,
    path: str,
    names: tuple[str, ...],
    find: Callable[[str, str], Iterable[str]],
) -> None:
    async def audience(request: web.Request) -> web.Response:
        name, value = _value(request, names)
        return _answer(find(name, value))

    router.add_get(path, audience)


def add_merchant_audience(router: web.UrlDispatcher, data: SampleData, ledger: Ledger) -> None:
    """``GET /merchant-ids?city=|category=|status=``."""

    def find(name: str, value: str) -> Iterable[str]:
        for merchant_id, merchant in data.merchants.items():
            if str(merchant.get(name) or "").casefold() == value:
                yield merchant_id

    _route(router, "/merchant-ids", ("city", "category", "status"), find)


def add_account_audience(router: web.UrlDispatcher, data: SampleData, ledger: Ledger) -> None:
    """``GET /accounts?plan=``."""

    def find(name: str, value: str) -> Iterable[str]:
        for merchant_id, account in data.accounts.items():
            if str(account.get(name) or "").casefold() == value:
                yield merchant_id

    _route(router, "/accounts", ("plan",), find)


def add_device_audience(router: web.UrlDispatcher, data: SampleData, ledger: Ledger) -> None:
    """``GET /devices?model=``."""

    def find(name: str, value: str) -> Iterable[str]:
        for merchant_id, devices in data.devices.items():
            if any(str(d.get(name) or "").casefold() == value for d in devices):
                yield merchant_id

    _route(router, "/devices", ("model",), find)
