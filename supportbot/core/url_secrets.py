"""Secrets in URLs masked for logs and displays: `user:***@host`, `?token=***`."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

__all__ = ["MASK", "mask_url"]


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
