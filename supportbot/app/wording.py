"""The sentences of the command line itself: what it says about a bot it is starting."""

from __future__ import annotations

from supportbot.core.plugins import PluginFailure


def no_services_configured() -> str:
    """A bot started without services and without the sample ones."""
    return (
        "no services are configured; commands that look things up will fail. Add [services.*] "
        "to the config, or use --demo for the sample services."
    )


def no_services_to_check() -> str:
    """`supportbot doctor` without services and without --demo."""
    return (
        "no services are configured; add [services.*] to the config, or use --demo to check "
        "the sample services."
    )


def plugin_not_loaded(failure: PluginFailure) -> str:
    """A command plugin that failed to load (where, and why); the bot starts without it."""
    return f"plugin not loaded: {failure}"


def startup_warning(warning: str) -> str:
    """Something the bot noticed at start that works, but should be fixed."""
    return f"warning: {warning}"


def csv_written(count: int, path: object) -> str:
    """`audit --csv FILE`: where the records went."""
    return f"wrote {count} record{'s' if count != 1 else ''} to {path}"


def no_record_for_ref(ref: str) -> str:
    """`audit --ref REF` found nothing."""
    shown = ref if len(ref) <= 40 else ref[:40] + "…"
    return (
        f"no audit record has the reference {shown}. References are the 12 characters shown "
        "under an error, e.g. 4f2a9c1b7e10; `supportbot audit` lists recent ones (column ref)."
    )
