"""The core's nested tables of the configuration: one internal service (`[services.<name>]`)
and one role (`[roles.<name>]`). `supportbot.core.settings` gathers them into `Settings`."""

from __future__ import annotations

import base64
import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["RoleSettings", "ServiceSettings"]


class ServiceSettings(BaseModel):
    """One internal HTTP service that commands call through `ctx.services.<name>`."""

    model_config = ConfigDict(extra="forbid")

    base_url: str = Field(description="Where the service listens, e.g. https://billing.internal")
    timeout_s: float = Field(3.0, gt=0, le=300, description="Seconds to wait for an answer")
    auth_header: str = Field("Authorization", description="Header that carries the credential")
    auth_env: str | None = Field(
        None,
        description="Name of the environment variable holding the credential (never the value)",
    )
    auth_scheme: str | None = Field(
        "Bearer", description="Prefix put before the credential, e.g. Bearer; empty for none"
    )
    # --- resilience policy (see docs/resilience.md) ---
    auth_type: Literal["bearer", "header", "basic"] = Field(
        "bearer",
        description="bearer: `<auth_scheme> <secret>` in auth_header; header: the secret as it "
        "is in auth_header; basic: the variable holds user:password, sent as HTTP Basic",
    )
    connect_timeout_s: float = Field(
        1.0, gt=0, le=60, description="Seconds to wait for a connection (at most timeout_s)"
    )
    retries: int = Field(
        8,
        ge=0,
        le=10,
        description="Extra attempts for idempotent requests only (GET/HEAD, or with an "
        "Idempotency-Key header) after a timeout, a refused connection, a 429 or a 5xx",
    )
    retry_backoff_s: float = Field(
        0.05, gt=0, le=60, description="First wait before a retry; doubles each time, with jitter"
    )
    retry_backoff_max_s: float = Field(
        1.0, gt=0, le=300, description="Longest wait between two attempts (Retry-After aside)"
    )
    max_concurrency: int = Field(
        20, ge=1, le=1000, description="Requests in flight to this service at most; more wait"
    )
    breaker: bool = Field(True, description="Fail fast while the service keeps failing")
    breaker_failures: int = Field(
        20, ge=1, le=1000, description="Failed attempts in a row that open the circuit breaker"
    )
    breaker_error_rate: float = Field(
        0.8, gt=0, le=1, description="Failure ratio over breaker_window_s that opens it too"
    )
    breaker_window_s: float = Field(
        30.0, gt=0, le=3600, description="Sliding window of the breaker's failure ratio"
    )
    breaker_min_calls: int = Field(
        40, ge=1, le=100_000, description="Calls in the window before the ratio counts"
    )
    breaker_reset_s: float = Field(
        10.0, gt=0, le=3600, description="Seconds open before one probe request is let through"
    )
    health_path: str = Field(
        "/health", description="Path that `supportbot doctor` and /status probe (GET)"
    )

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("health_path")
    @classmethod
    def _absolute_path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with /")
        return value

    def auth_value(self) -> str | None:
        """The header value to send, read from the environment at call time; None without one."""
        if not self.auth_env:
            return None
        secret = os.environ.get(self.auth_env)
        if not secret:
            return None
        if self.auth_type == "basic":
            return "Basic " + base64.b64encode(secret.encode("utf-8")).decode("ascii")
        if self.auth_type == "header":
            return secret
        return f"{self.auth_scheme} {secret}" if self.auth_scheme else secret


class RoleSettings(BaseModel):
    """One role: who has it. A member is a Slack user id (U0123ABCD), an email address, a Slack
    user group (its handle or id, S0123ABCD), or a terminal login name."""

    model_config = ConfigDict(extra="forbid")

    members: list[str] = Field(default_factory=list, description="Who has this role")
    description: str = Field("", description="What the role is for, shown in /help and refusals")
