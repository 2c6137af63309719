"""Early warning: one alert when a service starts failing, one when it recovers, no storms."""

from __future__ import annotations

import logging

import pytest

from supportbot.core.settings import ServiceSettings, load_settings
from supportbot.services.alerts import Alert, ErrorRateMonitor, LogNotifier
from supportbot.services.clients import Services
from supportbot.services.metrics import Metrics

from .conftest import Backend, ManualClock, sample_value


class Inbox:
    """A notifier that keeps what it was sent, like a Slack channel would."""

    def __init__(self) -> None:
        self.alerts: list[Alert] = []

    async def send(self, alert: Alert) -> None:
        self.alerts.append(alert)


def monitor(inbox: Inbox, clock: ManualClock, metrics: Metrics | None = None) -> ErrorRateMonitor:
    return ErrorRateMonitor(
        threshold=0.5, window_s=60, min_calls=10, notifier=inbox, metrics=metrics, clock=clock
    )


async def test_one_alert_when_the_rate_crosses_and_none_while_it_stays_high() -> None:
    inbox, clock = Inbox(), ManualClock()
    watch = monitor(inbox, clock)
    for _ in range(9):
        watch.record("billing", failed=True, kind="timeout")
    await watch.drain()
    assert inbox.alerts == []  # fewer calls than min_calls: no verdict yet
    for _ in range(200):
        watch.record("billing", failed=True, kind="timeout")
        watch.record("billing", failed=False)
        clock.now += 0.1
    await watch.drain()
    assert [a.state for a in inbox.alerts] == ["failing"]
    alert = inbox.alerts[0]
    assert alert.service == "billing" and alert.kind == "timeout" and alert.calls == 10
    assert alert.text.startswith(":warning: billing is failing: 10 of 10 calls in the last 1 min")
    assert "mostly timeout" in alert.text
    assert watch.is_alerting("billing")


async def test_one_recovered_message_once_the_rate_falls_well_below() -> None:
    inbox, clock = Inbox(), ManualClock()
    watch = monitor(inbox, clock)
    for _ in range(10):
        watch.record("billing", failed=True, kind="server_error")
    for _ in range(9):  # 19 calls, 10 failed: still over a quarter
        watch.record("billing", failed=False)
    await watch.drain()
    assert [a.state for a in inbox.alerts] == ["failing"]
    clock.now += 61  # the failures leave the window
    for _ in range(50):
        watch.record("billing", failed=False)
    await watch.drain()
    assert [a.state for a in inbox.alerts] == ["failing", "recovered"]
    assert inbox.alerts[1].text.startswith(":white_check_mark: billing has recovered")
    assert not watch.is_alerting("billing")


async def test_a_flapping_service_cannot_flood_the_channel() -> None:
    inbox, clock = Inbox(), ManualClock()
    watch = monitor(inbox, clock)
    for minute in range(30):  # fails for a minute, works for a minute, for half an hour
        for _ in range(60):
            watch.record("billing", failed=minute % 2 == 0, kind="refused")
            clock.now += 1
    await watch.drain()
    states = [a.state for a in inbox.alerts]
    # After each relapse the quiet time doubles: 1, 2, 4, 8... minutes, not a pair a minute.
    assert states[:2] == ["failing", "recovered"]
    assert len(states) <= 10
    assert all(a != b for a, b in zip(states, states[1:], strict=False))  # strictly alternating


async def test_each_service_is_watched_on_its_own() -> None:
    inbox, clock = Inbox(), ManualClock()
    watch = monitor(inbox, clock)
    for _ in range(20):
        watch.record("billing", failed=True, kind="timeout")
        watch.record("devices", failed=False)
    await watch.drain()
    assert [a.service for a in inbox.alerts] == ["billing"]
    assert watch.counts("devices").failed == 0 and watch.counts("nothing").calls == 0


async def test_alerts_are_counted_in_the_metrics(metrics: Metrics) -> None:
    inbox, clock = Inbox(), ManualClock()
    watch = monitor(inbox, clock, metrics)
    for _ in range(10):
        watch.record("billing", failed=True, kind="timeout")
    await watch.drain()
    assert (
        sample_value(
            metrics.registry, "supportbot_alerts_total", service="billing", state="failing"
        )
        == 1
    )


async def test_without_slack_alerts_go_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    watch = ErrorRateMonitor(threshold=0.5, window_s=60, min_calls=2)  # LogNotifier by default
    assert isinstance(watch.notifier, LogNotifier)
    with caplog.at_level(logging.WARNING, logger="supportbot.alerts"):
        watch.record("billing", failed=True, kind="timeout")
        watch.record("billing", failed=True, kind="timeout")
        await watch.drain()
    [record] = caplog.records
    assert record.levelno == logging.ERROR and "billing is failing" in record.getMessage()
    assert record.service == "billing" and record.alert == "failing"  # type: ignore[attr-defined]


async def test_a_notifier_that_fails_leaves_the_alert_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Broken:
        async def send(self, alert: Alert) -> None:
            raise ConnectionError("slack is down too")

    watch = ErrorRateMonitor(threshold=0.5, window_s=60, min_calls=1, notifier=Broken())
    with caplog.at_level(logging.ERROR, logger="supportbot.alerts"):
        watch.record("billing", failed=True, kind="timeout")
        await watch.drain()
    assert "billing is failing" in caplog.text and "slack is down too" in caplog.text


async def test_the_notifier_can_be_set_once_slack_is_connected() -> None:
    inbox = Inbox()
    watch = ErrorRateMonitor(threshold=0.5, window_s=60, min_calls=1)
    watch.set_notifier(inbox)
    watch.record("billing", failed=True, kind="timeout")
    await watch.drain()
    assert len(inbox.alerts) == 1


def test_the_thresholds_come_from_the_settings(tmp_path) -> None:
    settings = load_settings(
        None, data_dir=str(tmp_path), alert_error_rate=0.2, alert_window_s=120, alert_min_calls=3
    )
    watch = ErrorRateMonitor.from_settings(settings)
    assert (watch.threshold, watch.window_s, watch.min_calls) == (0.2, 120, 3)


async def test_a_failing_service_raises_exactly_one_alert_through_real_calls(
    backend: Backend, metrics: Metrics
) -> None:
    inbox = Inbox()
    backend.answer("GET /accounts/M-1", 500)
    watch = ErrorRateMonitor(threshold=0.5, window_s=60, min_calls=5, notifier=inbox)
    configured = {"billing": ServiceSettings(base_url=backend.url, retries=0, breaker=False)}
    async with Services(configured, metrics=metrics, monitor=watch) as s:
        for _ in range(30):
            await s.billing.get("/accounts/M-1")
        backend.answer("GET /accounts/M-1", 200)
        for _ in range(100):  # 30 of 130 failed: under a quarter, half the threshold
            await s.billing.get("/accounts/M-1")
    # Closing the services delivered what was pending.
    assert [(a.service, a.state) for a in inbox.alerts] == [
        ("billing", "failing"),
        ("billing", "recovered"),
    ]
