"""Where the settings come from, and how a wrong one is reported.

The sources are the TOML file and the `SUPPORTBOT_*` environment variables (nested keys with
`__`, lists and tables as JSON), merged key by key. A wrong value is reported where it was
written (the file, or the variable), with its key, the reason and the value given.
"""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from . import wording as messages
from .errors import ConfigError
from .url_secrets import mask_url

__all__ = [
    "ENV_PREFIX",
    "Locate",
    "dotted",
    "env_overrides",
    "invalid_configuration",
    "merge",
    "problems",
    "read_toml",
    "where",
]

ENV_PREFIX = "SUPPORTBOT_"
#: Where a key was written and how the person wrote it: ("config/supportbot.toml", "slack.api_url").
Locate = Callable[[tuple[str | int, ...]], tuple[str, str]]


def read_toml(path: Path) -> dict[str, Any]:
    """The file's values; ConfigError naming the file when it is not TOML or cannot be read."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from exc


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` on `base`, table by table (a new dict; neither argument changes)."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


#: SUPPORTBOT_* variables that are not keys of the configuration: the file's path, and secrets
#: read where they are used (never from the file).
NOT_SETTINGS = frozenset({"SUPPORTBOT_CONFIG", "SUPPORTBOT_DASHBOARD_TOKEN"})


def env_overrides() -> dict[str, Any]:
    """SUPPORTBOT_* variables as a nested dict, so they can be merged key by key over the file."""
    values: dict[str, Any] = {}
    for name, raw in os.environ.items():
        if not name.startswith(ENV_PREFIX) or name in NOT_SETTINGS:
            continue
        if name.startswith("SUPPORTBOT_TEST_"):
            continue
        path = name[len(ENV_PREFIX) :].lower().split("__")
        node = values
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[path[-1]] = _env_value(raw)
    return values


def _env_value(raw: str) -> Any:
    # Lists and tables come as JSON (SUPPORTBOT_COMMAND_FOLDERS='["commands", "more"]').
    stripped = raw.strip()
    if stripped[:1] in "[{":
        try:
            return json.loads(stripped)
        except ValueError:
            return raw
    return raw


def where(loc: tuple[str | int, ...], env: dict[str, Any], path: Path | None) -> str:
    """The variable that set the key at `loc` (when the environment did), else the file."""
    node: Any = env
    for part in loc:
        if isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
        else:
            node = None
            break
    if node is not None:
        return ENV_PREFIX + "__".join(str(p).upper() for p in loc)
    return str(path) if path else "settings"


def dotted(loc: tuple[str | int, ...]) -> str:
    """A key as a person writes it: services.billing.base_url."""
    return ".".join(str(part) for part in loc) or "(top level)"


def _shown(value: Any) -> str | None:
    """A wrong value as an error shows it: scalars only, URLs' secrets masked, cut at 60."""
    if isinstance(value, bool | int | float):
        return repr(value)
    if not isinstance(value, str):
        return None
    text = mask_url(value) if "://" in value else value
    return repr(text if len(text) <= 60 else text[:60] + "…")


def known_keys(model: type[BaseModel] | None, loc: Sequence[str | int]) -> list[str]:
    """The keys a table at `loc` of `model` takes (`("services", "billing")` -> the service
    settings' keys); [] when the path leads to no table of a model."""
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            current = field.annotation if field is not None else None
        elif get_origin(current) is dict:
            current = get_args(current)[1]  # a table of tables: `part` is a name
        else:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def problems(
    exc: ValidationError,
    prefix: tuple[str, ...],
    locate: Locate,
    model: type[BaseModel] | None = None,
) -> list[str]:
    """One line per error: where it was written, the key, why it is wrong, and the value given
    ("config/supportbot.toml: slack.visibility: Input should be 'ephemeral' or 'in_channel',
    not 'everyone'"); an unknown key of `model` gets the known one it is likely a typo of."""
    lines = []
    for error in exc.errors():
        origin, key = locate((*prefix, *error["loc"]))
        if error["type"] == "extra_forbidden":
            *parent, typed = error["loc"]
            close = difflib.get_close_matches(str(typed), known_keys(model, parent), n=1)
            lines.append(
                f"{origin}: {key}: {messages.unknown_setting(close[0] if close else None)}"
            )
            continue
        shown = _shown(error.get("input")) if error["type"] != "missing" else None
        given = f", not {shown}" if shown is not None else ""
        lines.append(f"{origin}: {key}: {error['msg']}{given}")
    return lines


def invalid_configuration(lines: Sequence[str]) -> str:
    """The text of the ConfigError for these problems, one per line."""
    return "invalid configuration:\n  " + "\n  ".join(lines)
