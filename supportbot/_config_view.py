"""`supportbot config`: the effective configuration, with secrets masked."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ._settings import DEFAULT_CONFIG_PATH, Settings

__all__ = ["effective_config", "mask_url", "render_config"]


def mask_url(url: str) -> str:
    """A URL with any password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def effective_config(settings: Settings, config_path: Path | None) -> dict[str, Any]:
    """Every setting with its value in force; credentials shown only as set / not set."""
    path = config_path or Path(os.environ.get("SUPPORTBOT_CONFIG") or DEFAULT_CONFIG_PATH)
    view: dict[str, Any] = {"config_file": f"{path}" + ("" if path.is_file() else " (not found)")}
    values = settings.model_dump(mode="json")
    values["database_url"] = mask_url(settings.effective_database_url)
    for name, service in settings.services.items():
        entry = values["services"][name]
        if service.auth_env:
            state = "set" if os.environ.get(service.auth_env) else "NOT SET"
            entry["auth_env"] = f"{service.auth_env} ({state})"
    view.update(values)
    return view


def _lines(value: Any, prefix: str) -> list[str]:
    if isinstance(value, dict) and value:
        lines = []
        for key, inner in value.items():
            lines += _lines(inner, f"{prefix}.{key}" if prefix else str(key))
        return lines
    return [f"{prefix} = {value!r}" if isinstance(value, str) else f"{prefix} = {value}"]


def render_config(view: dict[str, Any]) -> str:
    """One `key = value` line per setting, nested keys dotted."""
    return "\n".join(_lines(view, ""))
