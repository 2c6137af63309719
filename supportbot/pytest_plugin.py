"""The pytest side of `supportbot.testing`: a plugin's tests run from any folder, with no setup.

Installed with supportbot and registered as the pytest plugin ``supportbot`` (entry point group
``pytest11``), so nothing needs configuring:

- ``async def test_...`` runs as it is. With pytest-asyncio installed and no ``asyncio_mode``
  chosen (in the ini file or with ``--asyncio-mode``), the mode becomes ``auto``; a project
  that chose a mode keeps it. Without pytest-asyncio, each async test runs in an event loop of
  its own (plain fixtures only; async fixtures need pytest-asyncio).
- ``BotTester.demo()`` and ``BotTester.fake()`` find the project's ``commands/`` folder from
  wherever pytest starts (``tests/`` included), and never load test files as commands.

It imports nothing of supportbot until a test uses it, so it costs other projects' test runs
nothing.
"""

from __future__ import annotations

import asyncio
import configparser
import inspect
import tomllib
from typing import Any

import pytest

__all__ = ["pytest_configure", "pytest_pyfunc_call"]


def _asyncio_plugin(config: pytest.Config) -> bool:
    return config.pluginmanager.hasplugin("asyncio")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Make pytest-asyncio run async tests without markers, unless the project chose a mode."""
    if not _asyncio_plugin(config):
        return
    if getattr(config.option, "asyncio_mode", None) is None and not _mode_in_ini(config):
        config.option.asyncio_mode = "auto"


def _mode_in_ini(config: pytest.Config) -> bool:
    """Whether the project's ini file (or `-o`) sets `asyncio_mode`; unreadable counts as set."""
    overrides = getattr(config.option, "override_ini", None) or []
    if any(item.partition("=")[0].strip() == "asyncio_mode" for item in overrides):
        return True
    path = config.inipath
    if path is None:
        return False
    try:
        if path.suffix == ".toml":
            table = (
                tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("pytest", {})
            )
            return "asyncio_mode" in table or "asyncio_mode" in table.get("ini_options", {})
        parser = configparser.ConfigParser()
        parser.read(path, encoding="utf-8")
    except (OSError, ValueError, configparser.Error):
        return True  # leave a project we cannot read as it is
    return any(parser.has_option(s, "asyncio_mode") for s in ("pytest", "tool:pytest"))


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Without pytest-asyncio, run an ``async def`` test in a fresh event loop."""
    function = pyfuncitem.obj
    if not inspect.iscoroutinefunction(function) or _asyncio_plugin(pyfuncitem.config):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    arguments: dict[str, Any] = {name: pyfuncitem.funcargs[name] for name in names}
    asyncio.run(function(**arguments))
    return True
