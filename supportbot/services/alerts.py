"""Early warning: tell the ops channel once when a service starts failing, once when it recovers.

`ErrorRateMonitor` counts every service call attempt (fail-fast ones included) over a sliding
window of `alert_window_s`. When a service's error rate reaches `alert_error_rate` with at least
`alert_min_calls` calls in the window, it sends ONE "failing" alert; it sends ONE "recovered"
message when the rate over the window falls below half the threshold. In between it stays quiet
however many calls fail. After a recovery, a new alert for the same service waits at least one
window, and twice as long each time the service fails again soon after recovering (up to 64
windows), so a flapping service cannot flood the channel.

Alerts go to an `AlertNotifier`. `LogNotifier` (the default) writes them to the log; the Slack
adapter implements the same one-method protocol to post to `ops_channel`::

    class SlackNotifier:
        async def send(self, alert: Alert) -> None:
            await client.chat_postMessage(channel=ops_channel, text=alert.text)

    bot.services.monitor.set_notifier(SlackNotifier())
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal, Protocol

from . import wording as messages
from .sliding_window import Clock, SlidingWindow, WindowCounts

if TYPE_CHECKING:
    from supportbot.core.settings import Settings

    from .metrics import Metrics

__all__ = ["Alert", "AlertNotifier", "ErrorRateMonitor", "LogNotifier"]

log = logging.getLogger("supportbot.alerts")

AlertState = Literal["failing", "recovered"]
#: The quiet time after a recovery doubles with each relapse, up to 2**MAX_BACKOFF windows.
MAX_BACKOFF = 6
#: A relapse is a new alert within this many windows of the last recovery.
RELAPSE_WINDOWS = 4


@dataclass(frozen=True)
class Alert:
    """One early-warning message: a service started failing, or recovered."""

    service: str
    state: AlertState
    calls: int
    failed: int
    window_s: float
    #: The most common kind of failure in the window ("timeout", "server_error", ...).
    kind: str
    #: The message for people, ready to post.
    text: str
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


class AlertNotifier(Protocol):
    """Where alerts go. Implementations must not raise for a delivery problem they can log."""

    async def send(self, alert: Alert) -> None:
        """Deliver one alert."""


class LogNotifier:
    """Writes alerts to the `supportbot.alerts` log: ERROR when failing, WARNING on recovery."""

    async def send(self, alert: Alert) -> None:
        """Log the alert with its service and state as structured fields."""
        level = logging.ERROR if alert.state == "failing" else logging.WARNING
        log.log(
            level,
            "%s",
            alert.text,
            extra={"service": alert.service, "alert": alert.state, "error_kind": alert.kind},
        )


@dataclass
class _ServiceWatch:
    window: SlidingWindow
    alerting: bool = False
    recovered_at: float | None = None
    #: Alerts that followed a recovery closely; each doubles the next quiet time.
    relapses: int = 0


class ErrorRateMonitor:
    """Watches every service's error rate and sends alerts without storms. One event loop."""

    def __init__(
        self,
        *,
        threshold: float = 0.5,
        window_s: float = 300.0,
        min_calls: int = 10,
        notifier: AlertNotifier | None = None,
        metrics: Metrics | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.window_s = window_s
        self.min_calls = min_calls
        self.notifier: AlertNotifier = notifier or LogNotifier()
        self.metrics = metrics
        self._clock = clock
        self._watches: dict[str, _ServiceWatch] = {}
        self._sending: set[asyncio.Task[None]] = set()

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        notifier: AlertNotifier | None = None,
        metrics: Metrics | None = None,
    ) -> ErrorRateMonitor:
        """A monitor with the thresholds of `settings` (alert_error_rate, alert_window_s, ...)."""
        return cls(
            threshold=settings.alert_error_rate,
            window_s=settings.alert_window_s,
            min_calls=settings.alert_min_calls,
            notifier=notifier,
            metrics=metrics,
        )

    def set_notifier(self, notifier: AlertNotifier) -> None:
        """Send future alerts to `notifier` (the Slack adapter calls this once connected)."""
        self.notifier = notifier

    def counts(self, service: str) -> WindowCounts:
        """Calls and failures of `service` in the window."""
        watch = self._watches.get(service)
        return watch.window.counts() if watch else WindowCounts(calls=0, failed=0)

    def is_alerting(self, service: str) -> bool:
        """True between a "failing" alert and its "recovered" message."""
        watch = self._watches.get(service)
        return bool(watch and watch.alerting)

    def record(self, service: str, *, failed: bool, kind: str | None = None) -> None:
        """Count one call attempt of `service`; may send an alert (without waiting for it)."""
        watch = self._watches.get(service)
        if watch is None:
            watch = self._watches[service] = _ServiceWatch(
                SlidingWindow(self.window_s, clock=self._clock)
            )
        watch.window.record(failed, kind)
        counts = watch.window.counts()
        now = self._clock()
        if not watch.alerting:
            if counts.calls < self.min_calls or counts.error_rate < self.threshold:
                return
            since = None if watch.recovered_at is None else now - watch.recovered_at
            quiet = self.window_s * 2 ** min(watch.relapses, MAX_BACKOFF)
            if since is not None and since < quiet:
                return  # it recovered only just now: wait before saying it again
            relapse = since is not None and since < self.window_s * RELAPSE_WINDOWS * 2 ** min(
                watch.relapses, MAX_BACKOFF
            )
            watch.relapses = watch.relapses + 1 if relapse else 0
            watch.alerting = True
            self._send(self._alert(service, "failing", counts))
        elif not failed and counts.calls >= self.min_calls:
            if counts.error_rate < self.threshold / 2:
                watch.alerting = False
                watch.recovered_at = now
                self._send(self._alert(service, "recovered", counts))

    async def drain(self) -> None:
        """Wait until every alert sent so far was delivered (or failed and was logged)."""
        while self._sending:
            await asyncio.wait(set(self._sending))

    async def aclose(self) -> None:
        """Deliver what is pending; call before the event loop ends."""
        await self.drain()

    def _alert(self, service: str, state: AlertState, counts: WindowCounts) -> Alert:
        if state == "failing":
            text = messages.alert_failing(
                service, counts.failed, counts.calls, self.window_s, counts.top_kind
            )
        else:
            text = messages.alert_recovered(service, counts.failed, counts.calls, self.window_s)
        return Alert(
            service=service,
            state=state,
            calls=counts.calls,
            failed=counts.failed,
            window_s=self.window_s,
            kind=counts.top_kind,
            text=text,
        )

    def _send(self, alert: Alert) -> None:
        if self.metrics is not None:
            self.metrics.alerts.labels(alert.service, alert.state).inc()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a synchronous caller): the log is all we have
            log.error("%s", alert.text, extra={"service": alert.service, "alert": alert.state})
            return
        task = loop.create_task(self._deliver(alert), name=f"alert {alert.service}")
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _deliver(self, alert: Alert) -> None:
        try:
            await self.notifier.send(alert)
        except Exception:
            # The message must not be lost: it goes to the log instead.
            log.exception(
                "could not deliver an alert; it was: %s",
                alert.text,
                extra={"service": alert.service, "alert": alert.state},
            )
