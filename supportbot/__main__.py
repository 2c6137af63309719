"""`python -m supportbot` is the `supportbot` command."""

from .app.cli import main

main()
