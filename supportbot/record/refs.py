"""The short ids agents type for interactions (`I-7K3QX2`) and notes (`N-4K2P9Q`).

Made by the bot, not the database, so that a row can wait in the spool with its id already
known. Six characters of Crockford's base32 (no I, L, O, U: nothing to misread on a call) give a
billion ids; a team logs a few hundred thousand contacts a year.
"""

from __future__ import annotations

import re
import secrets

__all__ = ["INTERACTION", "NOTE", "looks_like", "new_ref", "normalized_ref"]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
INTERACTION = "I"
NOTE = "N"
_REF = re.compile(r"([IN])-?([0-9A-HJKMNP-TV-Z]{6})", re.IGNORECASE)
_MISREAD = str.maketrans({"O": "0", "L": "1", "I": "1"})


def new_ref(prefix: str) -> str:
    """A new id: `I-` or `N-` and six random characters."""
    return f"{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(6))


def normalized_ref(text: str) -> str | None:
    """`i-7k3qx2`, `I7K3QX2` -> `I-7K3QX2`; None when `text` is not an id."""
    text = text.strip()
    if len(text) > 16:
        return None
    head, body = text[:1].upper(), text[1:].lstrip("-").upper().translate(_MISREAD)
    match = _REF.fullmatch(f"{head}-{body}")
    return f"{match.group(1).upper()}-{match.group(2).upper()}" if match else None


def looks_like(text: str, prefix: str) -> bool:
    """Whether `text` is an id of this kind (`I` or `N`)."""
    found = normalized_ref(text)
    return found is not None and found.startswith(prefix + "-")
