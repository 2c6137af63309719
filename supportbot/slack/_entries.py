"""Slack's subcommands as `supportbot --help` lists them: names, one-line help, import paths.

Cheap on purpose (click and `supportbot.core.console` only): the app lists these at start and
imports `_cli` (and with it the settings, and slack-bolt when a command connects) only when one
of them runs. A test keeps each help line equal to its command's docstring.
"""

from __future__ import annotations

from supportbot.core.console import CommandEntry

__all__ = ["SLACK_ENTRIES"]

#: `supportbot run`, `supportbot serve`, `supportbot manifest`, for the app's command line.
SLACK_ENTRIES: tuple[CommandEntry, ...] = (
    CommandEntry(
        "run",
        "supportbot.slack._cli:run",
        "Connect to Slack over Socket Mode (SLACK_BOT_TOKEN, SLACK_APP_TOKEN); no public URL.",
    ),
    CommandEntry(
        "serve",
        "supportbot.slack._cli:serve",
        "Serve Slack's HTTP mode at /slack/events (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET).",
    ),
    CommandEntry(
        "manifest",
        "supportbot.slack._cli:manifest",
        "Print the Slack app manifest for the registered commands (create the app from it).",
    ),
)
