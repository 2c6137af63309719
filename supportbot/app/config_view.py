"""`supportbot config`: the effective configuration, with secrets masked."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from supportbot.core.settings import DEFAULT_CONFIG_PATH, Settings, SettingsTable
from supportbot.core.url_secrets import mask_url

__all__ = ["effective_config", "mask_database_url", "mask_url", "render_config"]


def mask_database_url(url: str) -> str:
    """A SQLAlchemy URL masked as SQLAlchemy reads it (its passwords may hold a raw `/`)."""
    from sqlalchemy.engine import make_url  # only `supportbot config` needs it here
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # unreadable: mask_url still hides what it can
        pass
    return mask_url(url)


def _mask_urls(value: Any) -> Any:
    """Every URL anywhere in the configuration view, masked (webhooks, API URLs, services)."""
    if isinstance(value, dict):
        return {key: _mask_urls(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_mask_urls(inner) for inner in value]
    if isinstance(value, str) and "://" in value:
        return mask_url(value)
    return value


def effective_config(
    settings: Settings, config_path: Path | None, *, tables: Sequence[SettingsTable[Any]] = ()
) -> dict[str, Any]:
    """Every setting with its value in force, the adapters' `tables` included (`[slack]`, with
    their defaults); credentials shown only as set / not set, and passwords and secret-looking
    query parameters in URLs as ***."""
    path = config_path or Path(os.environ.get("SUPPORTBOT_CONFIG") or DEFAULT_CONFIG_PATH)
    view: dict[str, Any] = {"config_file": f"{path}" + ("" if path.is_file() else " (not found)")}
    values = settings.model_dump(mode="json")
    for table in tables:
        values[table.name] = table.read(settings).model_dump(mode="json")
    values = _mask_urls(values)
    values["database_url"] = mask_database_url(settings.effective_database_url)
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
