"""Starting and stopping the sample services: in a test, in a background thread, or for good.

Each service is its own aiohttp app on its own port, so one can be stopped (connection refused)
while the others answer. Ports are bound by us, not by aiohttp, so we know them before anyone
asks and can bind the same port again when a stopped service starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from ._apps import SERVICE_NAMES, build_app
from ._control import FailureMode, ServiceControl
from ._data import sample_data
from ._ledger import Ledger, Notification, PinReset, Refund, Resend, Restart
from ._records import SampleData

__all__ = ["SampleServices", "SampleServicesThread", "run_sample_services", "serve_forever"]

T = TypeVar("T")

# How long stopping a service lets requests in flight finish before it drops them. Short: a
# stopped service is meant to look like one that went away, and a hanging request never finishes.
SHUTDOWN_TIMEOUT_S = 0.1

logger = logging.getLogger("supportbot.sample")


class _DropClientErrors(logging.Filter):
    """Drops aiohttp's tracebacks for malformed requests (a 100 kB URL, a broken header).

    The client got its 400, which is the whole story; a demo terminal should not get a traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (isinstance(exc, HttpProcessingError) and 400 <= exc.code < 500)


_server_logger = logging.getLogger("supportbot.sample.server")
_server_logger.addFilter(_DropClientErrors())


class SampleServices:
    """The five sample services, each on its own port: start, stop, slow down, break them.

    Use `run_sample_services()` (or ``async with SampleServices() as services``). All methods
    run on the event loop that started the services; from another thread, use
    `SampleServicesThread`.
    """

    def __init__(
        self,
        *,
        latency_ms: int = 0,
        host: str = "127.0.0.1",
        ports: Mapping[str, int] | None = None,
        data: SampleData | None = None,
    ) -> None:
        for name in ports or {}:
            _check_name(name)
        self.host = host
        #: The records the services answer from (shared, read-only).
        self.data = data if data is not None else sample_data()
        self._ledger = Ledger()
        self._controls = {name: ServiceControl(name) for name in SERVICE_NAMES}
        self.set_latency(latency_ms)
        self._fixed_ports = dict(ports or {})
        self._ports: dict[str, int] = {}
        self._runners: dict[str, web.AppRunner] = {}

    @property
    def urls(self) -> dict[str, str]:
        """Service name → base URL (``http://127.0.0.1:PORT``), stopped services included."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return {name: f"http://{host}:{port}" for name, port in self._ports.items()}

    def is_running(self, service: str) -> bool:
        """Whether `service` is listening now."""
        return _check_name(service) in self._runners

    async def start(self) -> None:
        """Start every service that is not running (all five take a few milliseconds)."""
        try:
            for name in SERVICE_NAMES:
                await self.start_service(name)
        except BaseException:
            await self.aclose()
            raise

    async def start_service(self, service: str) -> str:
        """Start one service, on its previous port if it had one and it is free; its URL.

        If another process took the old port meanwhile, a new free port is used (see `urls`),
        unless the port was fixed by `ports`: then the OSError is raised.
        """
        name = _check_name(service)
        if name in self._runners:
            return self.urls[name]
        port = self._ports.get(name, self._fixed_ports.get(name, 0))
        try:
            sock = _listen(self.host, port)
        except OSError:
            if port == 0 or name in self._fixed_ports:
                raise
            sock = _listen(self.host, 0)
        app = build_app(name, self.data, self._controls[name], self._ledger)
        runner = web.AppRunner(
            app, access_log=None, logger=_server_logger, shutdown_timeout=SHUTDOWN_TIMEOUT_S
        )
        try:
            await runner.setup()
            await web.SockSite(runner, sock).start()
        except BaseException:
            await runner.cleanup()
            sock.close()
            raise
        self._ports[name] = sock.getsockname()[1]
        self._runners[name] = runner
        return self.urls[name]

    async def stop_service(self, service: str) -> None:
        """Stop one service: its port is closed (connection refused), open connections dropped.

        Requests in flight get `SHUTDOWN_TIMEOUT_S` to finish, then are dropped unanswered.
        """
        runner = self._runners.pop(_check_name(service), None)
        if runner is not None:
            await runner.cleanup()

    async def aclose(self) -> None:
        """Stop every service."""
        await asyncio.gather(*(self.stop_service(name) for name in list(self._runners)))

    def set_latency(self, ms: int, service: str | None = None) -> None:
        """Delay every request of every service (or of `service`) by `ms` milliseconds."""
        for name in (_check_name(service),) if service is not None else SERVICE_NAMES:
            self._controls[name].set_latency(ms)

    def set_failure(
        self, service: str, mode: FailureMode, *, rate: float = 0.5, status: int | None = None
    ) -> None:
        """Make `service` fail: "ok", "error" (every request gets `status`, default 500),
        "hang" (never answer until stopped) or "flaky" (a `rate` fraction of requests gets
        `status`, default 503, chosen by a seeded RNG: the same sequence on every run).
        """
        self._controls[_check_name(service)].set_failure(mode, rate=rate, status=status)

    def received(self, service: str) -> int:
        """How many requests `service` has taken in so far, /health aside: answered, failed,
        or still waiting out its latency (to act on a request the moment it has arrived)."""
        return self._controls[_check_name(service)].received

    def resends(self, tx_id: str | None = None) -> list[Resend]:
        """The receipt resends performed so far (of one transaction, or all), oldest first."""
        return self._ledger.resends(tx_id)

    def pin_resets(self, merchant_id: str | None = None) -> list[PinReset]:
        """The PIN resets performed so far (of one merchant, or all), oldest first.

        Only real resets: a replayed answer (the same Idempotency-Key again) adds nothing.
        """
        return self._ledger.pin_resets(merchant_id)

    def restarts(self, merchant_id: str | None = None) -> list[Restart]:
        """The remote device restarts performed so far (of one merchant, or all), oldest first;
        a replayed answer adds nothing."""
        return self._ledger.restarts(merchant_id)

    def notifications(self, merchant_id: str | None = None) -> list[Notification]:
        """The notifications sent so far (to one merchant, or to all), oldest first; a replayed
        answer (the same Idempotency-Key again) adds nothing."""
        return self._ledger.notifications.of(merchant_id)

    def refunds(self, tx_id: str | None = None) -> list[Refund]:
        """The refunds performed so far (of one transaction, or all), oldest first.

        Only real refunds: a replayed answer (the same Idempotency-Key again) adds nothing.
        """
        return self._ledger.refunds(tx_id)

    async def __aenter__(self) -> SampleServices:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


@contextlib.asynccontextmanager
async def run_sample_services(
    *, latency_ms: int = 0, host: str = "127.0.0.1", ports: Mapping[str, int] | None = None
) -> AsyncIterator[SampleServices]:
    """The five sample services on free ports of `host` (or on `ports`), stopped on exit.

    `latency_ms` delays every request but /health (the demo's ``SUPPORTBOT_DEMO_LATENCY_MS``).
    """
    async with SampleServices(latency_ms=latency_ms, host=host, ports=ports) as services:
        yield services


async def serve_forever(
    host: str = "127.0.0.1",
    base_port: int = 8101,
    *,
    latency_ms: int = 0,
    on_ready: Callable[[dict[str, str]], None] | None = None,
) -> None:
    """Serve the sample services on ports base_port..base_port+5 until cancelled or SIGTERM.

    The order is merchants, billing, devices, transactions, receipts, notifications. `on_ready`
    gets the URLs once all six listen (default: log them). Raises OSError if a port is taken.
    """
    ports = {name: base_port + index for index, name in enumerate(SERVICE_NAMES)}
    async with run_sample_services(latency_ms=latency_ms, host=host, ports=ports) as services:
        if on_ready is not None:
            on_ready(services.urls)
        else:
            for name, url in services.urls.items():
                logger.info("sample %s service at %s", name, url)
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGTERM, stopped.set)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread, or Windows: cancellation (Ctrl-C) still stops us
        try:
            await stopped.wait()
        finally:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signal.SIGTERM)


class SampleServicesThread:
    """The sample services on their own event loop in a daemon thread, driven from any thread.

    For callers without a running loop (a terminal REPL, synchronous tests)::

        with SampleServicesThread(latency_ms=50) as services:
            httpx.get(services.urls["merchants"] + "/merchants/M-10001")
    """

    def __init__(
        self,
        *,
        latency_ms: int = 0,
        host: str = "127.0.0.1",
        ports: Mapping[str, int] | None = None,
    ) -> None:
        #: The services themselves; call their coroutines only through this object's methods.
        self.services = SampleServices(latency_ms=latency_ms, host=host, ports=ports)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run_loop, name="supportbot-sample-services", daemon=True
        )

    @property
    def urls(self) -> dict[str, str]:
        """Service name → base URL."""
        return self.services.urls

    def start(self) -> dict[str, str]:
        """Start the thread and the five services; their URLs. Raises what starting raised."""
        self._thread.start()
        try:
            self._call(self.services.start())
        except BaseException:
            self._stop_loop()
            raise
        return self.urls

    def stop(self) -> None:
        """Stop the services, then the loop and the thread. Safe to call twice."""
        if self._thread.is_alive():
            try:
                self._call(self.services.aclose())
            finally:
                self._stop_loop()

    def stop_service(self, service: str) -> None:
        """Stop one service (see `SampleServices.stop_service`)."""
        self._call(self.services.stop_service(service))

    def start_service(self, service: str) -> str:
        """Start one service again; its URL."""
        return self._call(self.services.start_service(service))

    def set_latency(self, ms: int, service: str | None = None) -> None:
        """See `SampleServices.set_latency`."""
        self._call(_now(self.services.set_latency, ms, service))

    def set_failure(
        self, service: str, mode: FailureMode, *, rate: float = 0.5, status: int | None = None
    ) -> None:
        """See `SampleServices.set_failure`."""
        self._call(_now(lambda: self.services.set_failure(service, mode, rate=rate, status=status)))

    def resends(self, tx_id: str | None = None) -> list[Resend]:
        """See `SampleServices.resends`."""
        return self._call(_now(self.services.resends, tx_id))

    def pin_resets(self, merchant_id: str | None = None) -> list[PinReset]:
        """See `SampleServices.pin_resets`."""
        return self._call(_now(self.services.pin_resets, merchant_id))

    def restarts(self, merchant_id: str | None = None) -> list[Restart]:
        """See `SampleServices.restarts`."""
        return self._call(_now(self.services.restarts, merchant_id))

    def refunds(self, tx_id: str | None = None) -> list[Refund]:
        """See `SampleServices.refunds`."""
        return self._call(_now(self.services.refunds, tx_id))

    def __enter__(self) -> SampleServicesThread:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run_loop(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
        finally:
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        if not self._thread.is_alive():
            coro.close()
            raise RuntimeError("the sample services thread is not running; call start() first")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


async def _now(function: Callable[..., T], *args: Any) -> T:
    # Runs a plain call on the services' loop, so it never races a request being handled.
    return function(*args)


def _check_name(service: str) -> str:
    if service not in SERVICE_NAMES:
        raise ValueError(f"no sample service {service!r}; they are {', '.join(SERVICE_NAMES)}")
    return service


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (0: a free port the OS picks)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        if os.name == "posix":
            # Rebind a just-stopped service's port despite connections in TIME_WAIT. (On
            # Windows this option would let two sockets share a port, so it stays off there.)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock
