"""Service clients and concurrent calls, against real HTTP servers on loopback."""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from aiohttp import web

from supportbot.core.errors import (
    ServiceAuthError,
    ServiceBadJSON,
    ServiceBadResponse,
    ServiceError,
    ServiceHTTPError,
    ServiceNotFound,
    ServiceRateLimited,
    ServiceRefused,
    ServiceServerError,
    ServiceTimeout,
    ServiceUnavailable,
)
from supportbot.core.settings import ServiceSettings
from supportbot.services.clients import (
    MAX_RESPONSE_BYTES,
    ServiceCall,
    ServiceResult,
    Services,
    gather,
)
from tests.loopback import Silent, serve_app

TIMEOUT = 0.3  # the services' timeout in these tests; the slow endpoint sleeps longer


# --- servers -----------------------------------------------------------------------------------


@dataclass
class Backend:
    """An aiohttp app with every kind of answer; it records what it saw."""

    url: str = ""
    #: The client port of each request: one port per connection.
    peers: list[int] = field(default_factory=list)
    #: Server-side (start, end) of each /slow request.
    spans: list[tuple[float, float]] = field(default_factory=list)
    streamed_bytes: int = 0


def _app(backend: Backend) -> web.Application:
    async def record(request: web.Request, handler: Any) -> web.StreamResponse:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        backend.peers.append(peer[1] if peer else -1)
        response: web.StreamResponse = await handler(request)
        return response

    async def fast(request: web.Request) -> web.Response:
        return web.json_response({"name": "Toko Sinar Jaya", "n": request.query.get("n")})

    async def slow(request: web.Request) -> web.Response:
        start = time.perf_counter()
        await asyncio.sleep(int(request.query.get("ms", "1000")) / 1000)
        backend.spans.append((start, time.perf_counter()))
        return web.json_response({"slow": True})

    async def status(request: web.Request) -> web.Response:
        code = int(request.match_info["code"])
        return web.json_response({"error": f"status {code}"}, status=code)

    async def text(request: web.Request) -> web.Response:
        return web.Response(text="<html>oops</html>", content_type="text/html")

    async def empty(request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["code"]))

    async def huge(request: web.Request) -> web.Response:
        return web.Response(body=b"[" + b"1," * (MAX_RESPONSE_BYTES // 2 + 10) + b"1]")

    async def huge_stream(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b" " * 65536
        try:
            while backend.streamed_bytes < 50 * MAX_RESPONSE_BYTES:
                await response.write(chunk)
                backend.streamed_bytes += len(chunk)
        except (ConnectionError, RuntimeError):
            pass  # the client hung up, as it should
        return response

    async def echo(request: web.Request) -> web.Response:
        body = await request.text()
        return web.json_response(
            {
                "method": request.method,
                "raw_path": request.raw_path,
                "query": {k: request.query.getall(k) for k in request.query},
                "headers": {
                    k.title(): v for k, v in request.headers.items()
                },  # names are case-blind
                "body": json.loads(body) if body else None,
            }
        )

    app = web.Application(middlewares=[web.middleware(record)])
    app.router.add_get("/fast", fast)
    app.router.add_get("/slow", slow)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/text", text)
    app.router.add_get("/empty/{code}", empty)
    app.router.add_get("/huge", huge)
    app.router.add_get("/huge-stream", huge_stream)
    app.router.add_route("*", r"/echo{tail:[\s\S]*}", echo)
    return app


@pytest.fixture
async def backend() -> AsyncIterator[Backend]:
    state = Backend()
    async with serve_app(_app(state)) as url:
        state.url = url
        yield state


def settings(url: str, timeout: float = TIMEOUT, **extra: Any) -> ServiceSettings:
    # One attempt per call here: retries have their own tests (tests/resilience/).
    return ServiceSettings(base_url=url, timeout_s=timeout, **{"retries": 0, **extra})


@pytest.fixture
async def services(backend: Backend) -> AsyncIterator[Services]:
    names = ("merchants", "billing", "devices")
    async with Services({name: settings(backend.url) for name in names}) as opened:
        yield opened


# --- success ------------------------------------------------------------------------------------


async def test_a_call_returns_the_parsed_json_with_status_and_timing(services: Services) -> None:
    result = await services.merchants.get("/fast", params={"n": 7})
    assert result.ok and not result.not_found and result.error is None
    assert result.data == {"name": "Toko Sinar Jaya", "n": "7"}
    assert result.service == "merchants" and result.status == 200
    assert result.method == "GET" and result.path == "/fast"
    assert result.elapsed_ms > 0
    assert result.unwrap() == result.data
    assert "Toko" not in repr(result)  # data (possibly personal) stays out of logs


@pytest.mark.parametrize("code", [204, 200, 202])
async def test_no_content_or_an_empty_body_is_ok_with_no_data(
    services: Services, code: int
) -> None:
    result = await services.billing.get(f"/empty/{code}")
    assert result.ok and result.data is None and result.status == code


async def test_post_put_delete_send_method_json_and_headers(services: Services) -> None:
    client = services.billing
    for call, method in [
        (client.post("/echo/x", json={"to": "rina@example.id"}), "POST"),
        (client.put("/echo/x", json={"to": "rina@example.id"}), "PUT"),
        (client.delete("/echo/x", json={"to": "rina@example.id"}), "DELETE"),
    ]:
        result = await call
        assert result.data["method"] == method
        assert result.data["body"] == {"to": "rina@example.id"}
    result = await client.post("/echo/x", headers={"Idempotency-Key": "k-1"})
    assert result.data["headers"]["Idempotency-Key"] == "k-1"


async def test_a_call_is_lazy_until_awaited(services: Services, backend: Backend) -> None:
    call = services.billing.get("/fast")
    assert isinstance(call, ServiceCall) and call.service == "billing"
    assert repr(call) == "<ServiceCall billing GET /fast>"
    del call
    gc.collect()  # no "never awaited" warning: nothing was started
    assert backend.peers == []


async def test_user_agent_names_supportbot(services: Services) -> None:
    result = await services.billing.get("/echo/ua")
    assert result.data["headers"]["User-Agent"].startswith("supportbot/")


# --- concurrency and deadlines ------------------------------------------------------------------


async def test_gather_runs_calls_concurrently(services: Services, backend: Backend) -> None:
    started = time.perf_counter()
    results = await gather(
        services.merchants.get("/slow", params={"ms": 200}),
        services.billing.get("/slow", params={"ms": 200}),
        services.devices.get("/slow", params={"ms": 200}),
    )
    assert time.perf_counter() - started < 0.45  # one after the other would take 0.6 s
    assert [r.ok for r in results] == [True, True, True]
    # Server side: all three were running at the same time.
    assert max(start for start, _ in backend.spans) < min(end for _, end in backend.spans)


async def test_a_slow_service_costs_only_its_own_part(services: Services) -> None:
    started = time.perf_counter()
    profile, billing, devices = await gather(
        services.merchants.get("/fast", params={"n": 1}),
        services.billing.get("/slow", params={"ms": 2000}),
        services.devices.get("/slow", params={"ms": 2000}),
    )
    assert time.perf_counter() - started < 2 * TIMEOUT  # each timed out by itself, at once
    assert profile.ok and profile.data["n"] == "1"
    for slow in (billing, devices):
        assert isinstance(slow.error, ServiceTimeout) and slow.error.kind == "timeout"
        assert slow.status is None and slow.data is None
    assert billing.error is not None
    assert billing.error.user_message == "billing did not answer in 0.3 s"


async def test_the_deadline_stops_running_calls_and_keeps_finished_ones(backend: Backend) -> None:
    async with Services(
        {"merchants": settings(backend.url, 10), "billing": settings(backend.url, 10)}
    ) as s:
        started = time.perf_counter()
        profile, billing = await gather(
            s.merchants.get("/fast"), s.billing.get("/slow", params={"ms": 5000}), timeout=0.25
        )
        assert time.perf_counter() - started < 1.0
    assert profile.ok and profile.data["name"] == "Toko Sinar Jaya"
    assert isinstance(billing.error, ServiceTimeout)
    assert billing.error.user_message == "billing did not answer in 0.25 s"
    assert billing.method == "GET" and billing.path == "/slow"
    # it ran until the deadline (the call itself starts a little after the gather's clock,
    # so its own share is a hair under 0.25 s), not abandoned early and not past it
    assert 240 <= billing.elapsed_ms < 1000


async def test_cancelling_the_caller_cancels_every_request(silent: Silent) -> None:
    async with Services({"billing": settings(silent.url, 30)}) as s:
        before = asyncio.all_tasks()
        waiting = asyncio.create_task(gather(s.billing.get("/a"), s.billing.get("/b")))
        for _ in range(200):
            if silent.accepted == 2:
                break
            await asyncio.sleep(0.01)
        assert silent.accepted == 2
        waiting.cancel()
        await asyncio.wait({waiting}, timeout=1)  # not the services' 30 s
        assert waiting.cancelled()
        # The client hung up both connections, and no task is left running.
        await asyncio.wait_for(asyncio.gather(*silent.handlers), 2)
        assert asyncio.all_tasks() <= before


async def test_a_deadline_already_passed_gives_timeouts_without_warnings(
    services: Services,
) -> None:
    async def plain() -> ServiceResult[Any]:
        return ServiceResult.success("cache", {"hit": True})

    results = await gather(services.billing.get("/fast"), plain(), timeout=0)
    gc.collect()  # an unstarted coroutine left unclosed would warn here
    assert [type(r.error) for r in results] == [ServiceTimeout, ServiceTimeout]
    assert results[1].service == "a service"


async def test_gather_accepts_plain_awaitables_and_service_errors(services: Services) -> None:
    async def cached() -> ServiceResult[Any]:
        return ServiceResult.success("cache", {"hit": True})

    async def refused() -> ServiceResult[Any]:
        raise ServiceUnavailable("ledger", "down", user_message="ledger could not be reached")

    fast, hit, down = await gather(services.billing.get("/fast"), cached(), refused())
    assert fast.ok and hit.data == {"hit": True}
    assert down.service == "ledger" and isinstance(down.error, ServiceUnavailable)
    assert await gather() == []


async def test_a_bug_in_one_awaitable_is_raised_and_stops_the_others(services: Services) -> None:
    async def broken() -> ServiceResult[Any]:
        raise KeyError("oops")

    started = time.perf_counter()
    with pytest.raises(KeyError):
        await gather(services.billing.get("/slow", params={"ms": 2000}), broken())
    assert time.perf_counter() - started < TIMEOUT


# --- failures -----------------------------------------------------------------------------------


FAILURES = [
    # (where, path, error class, kind, status, wording)
    (
        "backend",
        "/status/500",
        ServiceServerError,
        "server_error",
        500,
        "billing failed (HTTP 500)",
    ),
    (
        "backend",
        "/status/503",
        ServiceServerError,
        "server_error",
        503,
        "billing failed (HTTP 503)",
    ),
    ("backend", "/status/401", ServiceAuthError, "auth", 401, "refused our credentials"),
    ("backend", "/status/403", ServiceAuthError, "auth", 403, "refused our credentials"),
    ("backend", "/status/429", ServiceRateLimited, "rate_limited", 429, "is rate limiting us"),
    ("backend", "/status/418", ServiceHTTPError, "http_error", 418, "billing answered HTTP 418"),
    ("backend", "/status/404", ServiceNotFound, "not_found", 404, "billing has no record of it"),
    ("backend", "/text", ServiceBadJSON, "bad_json", 200, "unexpected shape (not JSON)"),
    ("backend", "/huge", ServiceBadResponse, "bad_response", 200, "unexpected shape"),
    ("backend", "/huge-stream", ServiceBadResponse, "bad_response", 200, "unexpected shape"),
    ("silent", "/x", ServiceTimeout, "timeout", None, "billing did not answer in 0.3 s"),
    ("closed", "/x", ServiceRefused, "refused", None, "billing could not be reached"),
]


@pytest.mark.parametrize(
    "where,path,cls,kind,status,wording", FAILURES, ids=[f"{w}{p}" for w, p, *_ in FAILURES]
)
async def test_each_failure_has_its_class_kind_and_wording(
    backend: Backend,
    silent: Silent,
    closed_url: str,
    where: str,
    path: str,
    cls: type[ServiceError],
    kind: str,
    status: int | None,
    wording: str,
) -> None:
    url = {"backend": backend.url, "silent": silent.url, "closed": closed_url}[where]
    async with Services({"billing": settings(url)}) as s:
        result = await s.billing.get(path)
    assert not result.ok and result.data is None
    assert type(result.error) is cls and result.error.kind == kind
    assert result.status == status
    assert wording in result.error.user_message
    assert result.not_found == (cls is ServiceNotFound)
    assert result.error.service == "billing"
    with pytest.raises(cls):
        result.unwrap()


async def test_a_huge_answer_is_not_read_to_the_end(services: Services, backend: Backend) -> None:
    result = await services.billing.get("/huge-stream")
    assert isinstance(result.error, ServiceBadResponse)
    assert "bytes" in str(result.error)
    await asyncio.sleep(0.05)
    assert backend.streamed_bytes < 10 * MAX_RESPONSE_BYTES  # it was asked for 50 times the cap


# --- auth, connections, transport seam ----------------------------------------------------------


async def test_auth_header_comes_from_the_environment_at_call_time(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_BILLING_TOKEN", "s3cret")
    plain = settings(backend.url, auth_env="TEST_BILLING_TOKEN")
    custom = settings(
        backend.url, auth_env="TEST_BILLING_TOKEN", auth_header="X-Api-Key", auth_scheme=None
    )
    async with Services({"billing": plain, "ledger": custom}) as s:
        first = await s.billing.get("/echo/a")
        assert first.data["headers"]["Authorization"] == "Bearer s3cret"
        assert (await s.ledger.get("/echo/a")).data["headers"]["X-Api-Key"] == "s3cret"

        monkeypatch.setenv("TEST_BILLING_TOKEN", "rotated")  # the same client picks it up
        rotated = await s.billing.get("/echo/a")
        assert rotated.data["headers"]["Authorization"] == "Bearer rotated"

        monkeypatch.delenv("TEST_BILLING_TOKEN")
        unset = await s.billing.get("/echo/a")
        assert "Authorization" not in unset.data["headers"]
        assert "X-Api-Key" not in (await s.ledger.get("/echo/a")).data["headers"]


async def test_one_client_per_service_reuses_its_connection(
    services: Services, backend: Backend
) -> None:
    assert services.billing is services["billing"]
    for n in range(5):
        assert (await services.billing.get("/fast", params={"n": n})).ok
    assert len(backend.peers) == 5 and len(set(backend.peers)) == 1


async def test_mock_transport_fakes_every_service() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url.host} {request.method} {request.url.raw_path.decode()}")
        if request.url.host == "devices":
            raise httpx.ConnectError("refused", request=request)
        if request.url.host == "billing":
            return httpx.Response(503)
        return httpx.Response(200, json={"name": "Toko Fake"})

    configured = {
        n: ServiceSettings(base_url=f"http://{n}", retries=0)
        for n in ("merchants", "billing", "devices")
    }
    async with Services(configured, transport=httpx.MockTransport(answer)) as s:
        profile, billing, devices = await gather(
            s.merchants.get("/merchants/M-1"),
            s.billing.get("/accounts/M-1"),
            s.devices.get("/merchants/M-1/devices", params={"limit": 5}),
        )
    assert profile.data == {"name": "Toko Fake"}
    assert isinstance(billing.error, ServiceHTTPError) and billing.error.status == 503
    assert isinstance(devices.error, ServiceUnavailable)
    assert sorted(seen) == [
        "billing GET /accounts/M-1",
        "devices GET /merchants/M-1/devices?limit=5",
        "merchants GET /merchants/M-1",
    ]


async def test_unknown_service_names_the_configured_ones(services: Services) -> None:
    with pytest.raises(AttributeError) as caught:
        services.ledger  # noqa: B018
    message = str(caught.value)
    assert "'ledger'" in message and "merchants, billing, devices" in message
    assert "[services.ledger]" in message and "config/supportbot.toml" in message
    with pytest.raises(KeyError):
        services["ledger"]
    assert not hasattr(services, "ledger")
    assert "billing" in services and "ledger" not in services
    assert services.names == ["merchants", "billing", "devices"] and len(services) == 3
    assert "billing" in dir(services)


async def test_close_closes_every_client_and_is_safe_twice(backend: Backend) -> None:
    s = Services({"billing": settings(backend.url), "devices": settings(backend.url)})
    assert (await s.billing.get("/fast")).ok
    await s.close()
    await s.close()
    assert all(s[name].closed for name in s)
    with pytest.raises(RuntimeError, match="closed"):  # no pool quietly opened again
        await s.billing.get("/fast")


# --- hostile input ------------------------------------------------------------------------------


HOSTILE_VALUES = [
    "M-1?admin=true",
    "M-1#fragment",
    "100%",
    "%2e%2e",
    "é中文🙂",
    " spaced out ",
    "a/b",
    "a..b",
    "semi;colon,comma=eq&amp@at:colon",
    "\x00\r\nX-Injected: yes",
]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
async def test_hostile_path_values_stay_inside_the_path(services: Services, value: str) -> None:
    result = await services.billing.get(f"/echo/{value}")
    assert result.ok, result.error
    raw_path = result.data["raw_path"]
    assert "?" not in raw_path and "#" not in raw_path and " " not in raw_path
    assert unquote(raw_path) == f"/echo/{value}"  # exactly what the command wrote
    assert result.data["query"] == {}


@pytest.mark.parametrize("value", ["..", ".", "../admin", "M-1/../../admin", "./x"])
async def test_dot_segments_are_never_sent(
    services: Services, backend: Backend, value: str
) -> None:
    result = await services.billing.get(f"/echo/{value}")
    assert result.error is not None and result.error.kind == "error"
    assert "invalid request" in result.error.user_message
    assert backend.peers == []


async def test_hostile_params_are_encoded(services: Services) -> None:
    params = {"q": "a&b=c#d?é %", "many": ["x", "y"], "empty": "", "n": 5}
    result = await services.billing.get("/echo/q", params=params)
    assert result.data["query"] == {
        "q": ["a&b=c#d?é %"],
        "many": ["x", "y"],
        "empty": [""],
        "n": ["5"],
    }


@pytest.mark.parametrize(
    "path,params,headers",
    [
        ("/echo/\ud800", None, None),  # a lone surrogate is not text
        ("/echo/x", {"q": "\udfff"}, None),
        ("/echo/x", None, {"X-Note": "a\r\nX-Injected: yes"}),
        ("/echo/x", None, {"X-Note": "é"}),
    ],
)
async def test_unsendable_requests_fail_without_raising(
    services: Services, backend: Backend, path: str, params: Any, headers: Any
) -> None:
    result = await services.billing.get(path, params=params, headers=headers)
    assert not result.ok and result.error is not None and result.error.kind == "error"
    assert backend.peers == []


async def test_huge_paths_and_queries_never_crash(services: Services) -> None:
    # Too long for httpx: refused before sending.
    for call in (
        services.billing.get("/echo/" + "x" * 200_000),
        services.billing.get("/echo/x", params={"q": "é" * 100_000}),
    ):
        result = await call
        assert result.error is not None and result.error.kind == "error"
    # Sendable, but longer than the server's request line limit: the server's refusal is reported.
    result = await services.billing.get("/echo/" + "x" * 20_000)
    assert isinstance(result.error, ServiceHTTPError | ServiceUnavailable)
