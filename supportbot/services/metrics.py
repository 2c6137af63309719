"""Prometheus metrics: commands, service calls, circuit breakers and alerts.

Every metric lives on one `Metrics` object. The bot uses the process-wide one (`default_metrics`,
on prometheus-client's default registry, next to its process_* metrics); tests give their own
`Metrics(CollectorRegistry())` to count from zero. `/metrics` is served by `metrics_handler`,
which the Slack HTTP server mounts, and, when `metrics_port` is set, by `serve_metrics` on a
port of its own (terminal and Socket Mode, which have no HTTP server).

Label values are bounded: command names come from the registry ("unknown" for anything else),
service names from the configuration, outcomes and kinds from fixed lists. Never a user's text.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

if TYPE_CHECKING:
    pass

__all__ = [
    "CONTENT_TYPE",
    "Metrics",
    "default_metrics",
]

log = logging.getLogger("supportbot.metrics")

# Command latency: from a cache hit to a command stopped at its deadline (10 s by default).
COMMAND_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
SERVICE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The bot's Prometheus metrics, registered on `registry`."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.registry = registry
        self.commands = Counter(
            "supportbot_commands",
            "Command runs by command name and outcome (ok, not_found, error, timeout, ...)",
            ["command", "outcome"],
            registry=registry,
        )
        self.command_seconds = Histogram(
            "supportbot_command_duration_seconds",
            "Time from receiving a command to its answer",
            ["command"],
            buckets=COMMAND_BUCKETS,
            registry=registry,
        )
        self.service_calls = Counter(
            "supportbot_service_calls",
            "Service call attempts by service and outcome (ok, not_found or the error kind); "
            "calls not sent (circuit_open, busy, rate_limited) included",
            ["service", "outcome"],
            registry=registry,
        )
        self.service_errors = Counter(
            "supportbot_service_errors",
            "Failed service call attempts by service and kind (a 404 is not an error)",
            ["service", "kind"],
            registry=registry,
        )
        self.service_seconds = Histogram(
            "supportbot_service_call_duration_seconds",
            "Duration of service call attempts that were sent",
            ["service"],
            buckets=SERVICE_BUCKETS,
            registry=registry,
        )
        self.service_retries = Counter(
            "supportbot_service_retries",
            "Retries of idempotent service calls",
            ["service"],
            registry=registry,
        )
        self.service_in_flight = Gauge(
            "supportbot_service_requests_in_flight",
            "Service requests being sent now",
            ["service"],
            registry=registry,
        )
        self.breaker_state = Gauge(
            "supportbot_circuit_breaker_state",
            "Circuit breaker state by service: 0 closed, 1 half-open, 2 open",
            ["service"],
            registry=registry,
        )
        self.breaker_opened = Counter(
            "supportbot_circuit_breaker_opened",
            "Times a service's circuit breaker opened",
            ["service"],
            registry=registry,
        )
        self.alerts = Counter(
            "supportbot_alerts",
            "Early-warning messages by service and state (failing, recovered)",
            ["service", "state"],
            registry=registry,
        )

    def watch_breaker(self, service: str, owner: Any, read_state: Callable[[Any], int]) -> None:
        """Report `read_state(owner)` as the breaker gauge of `service`, read at each scrape.

        Only a weak reference to `owner` is kept, so a closed client can be collected.
        """
        ref = weakref.ref(owner)

        def current() -> float:
            alive = ref()
            return float(read_state(alive)) if alive is not None else 0.0

        self.breaker_state.labels(service).set_function(current)

    def render(self) -> bytes:
        """The text exposition of every metric of this registry."""
        return generate_latest(self.registry)


#: The media type of `Metrics.render()` (Prometheus' text format).
CONTENT_TYPE = CONTENT_TYPE_LATEST

_default: Metrics | None = None


def default_metrics() -> Metrics:
    """The process-wide metrics, on prometheus-client's default registry (created once)."""
    global _default
    if _default is None:
        _default = Metrics(REGISTRY)
    return _default
