"""The sentences of the service layer: a service's failures as a person reads them, the
service clients' configuration errors, health checks and early-warning alerts.
"""

from __future__ import annotations

from collections.abc import Sequence

from supportbot.core.wording import seconds

# --- services --------------------------------------------------------------------------------


def service_timeout(service: str, timeout_s: float) -> str:
    """A service did not answer in time."""
    return f"{service} did not answer in {seconds(timeout_s)}"


def service_timeout_after_tries(service: str, waited_s: float, tries: int) -> str:
    """A service did not answer in time, again and again: the whole wait and the tries."""
    return f"{service} did not answer in {seconds(waited_s)} ({tries} tries)"


def service_unreachable(service: str) -> str:
    """A service could not be reached at all."""
    return f"{service} could not be reached"


def service_not_found(service: str) -> str:
    """A service says the thing does not exist."""
    return f"{service} has no record of it"


def service_bad_response(service: str) -> str:
    """A service answered with something we cannot read."""
    return f"{service} answered in an unexpected shape"


def service_http_error(service: str, status: int) -> str:
    """A service answered with an error status."""
    if status in (401, 403):
        return (
            f"{service} refused our credentials (HTTP {status}); "
            "engineering must fix the bot's access"
        )
    if status == 429:
        return f"{service} is rate limiting us (HTTP 429); try again in a minute"
    if status >= 500:
        return f"{service} failed (HTTP {status})"
    return f"{service} answered HTTP {status}"


# --- service clients -------------------------------------------------------------------------


def service_request_invalid(service: str) -> str:
    """A request could not even be sent (e.g. a control character in a header): our fault."""
    return f"{service} could not be asked: the bot built an invalid request (a problem on our side)"


def unknown_service(name: str, configured: Sequence[str]) -> str:
    """A command asked for a service that the configuration does not name."""
    known = ", ".join(configured) if configured else "none"
    return (
        f"No service named {name!r} is configured (configured: {known}). "
        f"Add it as [services.{name}] with a base_url in config/supportbot.toml."
    )


# --- resilience: service failures, health, alerts --------------------------------------------


def service_refused(service: str) -> str:
    """Nothing accepts connections at the service's address."""
    return f"{service} could not be reached (connection refused: it may be down or restarting)"


def service_bad_json(service: str) -> str:
    """A success status, but the body is not JSON."""
    return f"{service} answered in an unexpected shape (not JSON)"


def service_rate_limited(service: str, retry_after_s: float | None) -> str:
    """A 429, or a call not sent because the service asked us to wait."""
    wait = f"{retry_after_s:.0f} s" if retry_after_s else "a minute"
    return f"{service} is rate limiting us (HTTP 429); try again in {wait}"


def service_circuit_open(service: str) -> str:
    """The breaker is open: the call was not sent at all."""
    return f"{service} is failing, not tried"


def service_busy(service: str) -> str:
    """Every connection slot stayed taken: the call was not sent."""
    return f"{service} is busy (too many requests waiting), not tried; try again in a moment"


def window_text(seconds_: float) -> str:
    """300 -> '5 min', 45 -> '45 s', 7200 -> '2 h'."""
    if seconds_ >= 3600 and seconds_ % 3600 == 0:
        return f"{seconds_ / 3600:g} h"
    if seconds_ >= 60 and seconds_ % 60 == 0:
        return f"{seconds_ / 60:g} min"
    return seconds(seconds_)


def alert_failing(service: str, failed: int, calls: int, window_s: float, kind: str) -> str:
    """The early warning posted to the ops channel (or the log) when a service keeps failing."""
    return (
        f":warning: {service} is failing: {failed} of {calls} calls in the last "
        f"{window_text(window_s)} failed (mostly {kind}). Commands still answer without it. "
        f"Check {service}, its recent deploys and its dashboards."
    )


def alert_recovered(service: str, failed: int, calls: int, window_s: float) -> str:
    """The one message that follows an alert once the service is healthy again."""
    return (
        f":white_check_mark: {service} has recovered: {failed} of {calls} calls in the last "
        f"{window_text(window_s)} failed."
    )


def health_ok(latency_ms: float) -> str:
    """A service answered its health check."""
    return f"answers in {latency_ms:.0f} ms"


def health_no_endpoint(path: str, status: int) -> str:
    """The service answers but has no health endpoint at the configured path."""
    return f"answers, but not at {path} (HTTP {status}); set health_path"


def health_credential_missing(variable: str) -> str:
    """The variable that should hold a service's credential is not set."""
    return f"{variable} is not set, so no credential is sent"


def health_breaker_open(retry_in_s: float) -> str:
    """The breaker is open: commands do not call the service for now."""
    return f"circuit open: commands do not call it; next try in {retry_in_s:.0f} s"


def health_recent_errors(failed: int, calls: int, window_s: float) -> str:
    """Recent calls from commands, as the early warning counts them."""
    return f"{failed} of {calls} calls failed in the last {window_text(window_s)}"


def status_title() -> str:
    """Heading of /status."""
    return "Service health"


def status_summary(problems: list[str], total: int) -> str:
    """First line of /status and the last line of `supportbot doctor`."""
    if not problems:
        return f"All {total} checks pass."
    return f"{len(problems)} of {total} checks have problems: {', '.join(problems)}."


def metrics_serving(url: str) -> str:
    """Printed when the optional metrics port listens."""
    return f"Prometheus metrics at {url}"
