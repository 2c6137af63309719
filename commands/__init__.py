"""The commands bundled with supportbot: ordinary plugins, loaded from this folder.

Each module is a plugin like any other (`from supportbot import command, ...`); the bot loads
every `*.py` here whose name does not start with `_`. Installed as `supportbot_commands`.
"""
