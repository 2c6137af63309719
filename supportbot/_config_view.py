"""`supportbot config`: the effective configuration, with secrets masked."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

from ._settings import DEFAULT_CONFIG_PATH, Settings

__all__ = ["effective_config", "mask_database_url", "mask_url", "render_config"]


MASK = "***"

# A query parameter is secret when its name, lower-cased without separators, contains one of
# these (`api_key`, `X-Amz-Signature`, `access_token`, `sessionid`...). Masking a harmless value
# by mistake costs nothing; showing a secret cannot be undone.
_SECRET_PARTS = (
    "token",
    "key",
    "secret",
    "pass",
    "pwd",
    "auth",
    "sig",
    "credential",
    "session",
    "cookie",
    "jwt",
    "bearer",
    "private",
)


def _secret_name(name: str) -> bool:
    flat = re.sub(r"[^a-z0-9]", "", unquote_plus(name).lower())
    return any(part in flat for part in _SECRET_PARTS)


def _mask_pairs(text: str) -> str:
    """`a=1&token=x` -> `a=1&token=***`, keeping every other character as it was written."""
    pairs = []
    for pair in text.split("&"):
        name, equals, value = pair.partition("=")
        if equals and value and _secret_name(name):
            value = MASK
        pairs.append(f"{name}{equals}{value}")
    return "&".join(pairs)


def _mask_userinfo(authority: str) -> str:
    userinfo, at, hostport = authority.rpartition("@")
    if not at:
        return authority
    user, colon, password = userinfo.partition(":")
    if colon and password:
        return f"{user}:{MASK}@{hostport}"
    if colon:  # `key:@host`: an API key given as the user name, with an empty password
        return f"{MASK}:@{hostport}"
    return authority


def mask_url(url: str) -> str:
    """A URL with the password of its userinfo (`user:***@host`) and the values of query and
    fragment parameters whose names look secret (`?token=***`) replaced by ***.

    Split by hand rather than with urllib, so that nothing else changes (host, IPv6 brackets,
    port, path, other values) and a malformed URL is masked too instead of raising.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    authority_end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:authority_end], rest[authority_end:]
    if sep:
        authority = _mask_userinfo(authority)
    tail, hash_, fragment = tail.partition("#")
    path, question, query = tail.partition("?")
    if "=" in fragment:
        fragment = _mask_pairs(fragment)
    return f"{scheme}{sep}{authority}{path}{question}{_mask_pairs(query)}{hash_}{fragment}"


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


def effective_config(settings: Settings, config_path: Path | None) -> dict[str, Any]:
    """Every setting with its value in force; credentials shown only as set / not set, and
    passwords and secret-looking query parameters in URLs as ***."""
    path = config_path or Path(os.environ.get("SUPPORTBOT_CONFIG") or DEFAULT_CONFIG_PATH)
    view: dict[str, Any] = {"config_file": f"{path}" + ("" if path.is_file() else " (not found)")}
    values = settings.model_dump(mode="json")
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
