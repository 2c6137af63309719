"""Every sentence the terminal adapter itself prints (the bot's replies have their own)."""

from __future__ import annotations

from collections.abc import Sequence


def banner(count: int, user: str) -> str:
    """The shell's first line."""
    return (
        f"supportbot — {count} commands for you. You are {user}. "
        "Type /help, a command such as /merchant 0812-3456-7890, or exit."
    )


def pick_hint(count: int) -> str:
    """Under a pick-list: how to pick an entry (a merchant, the next page, a rating)."""
    if count == 1:
        return "Type 1 to pick it."
    return f"Type a number, 1 to {count}, to pick one." if count > 2 else "Type 1 or 2 to pick one."


def no_such_pick(typed: str, count: int) -> str:
    """A number that is not on the pick-list; the list stays."""
    choices = "1" if count == 1 else ("1 or 2" if count == 2 else f"1 to {count}")
    return f"There is no {typed} in the list: type {choices} (the list above still holds)."


def nothing_to_pick(typed: str) -> str:
    """A bare number typed before any pick-list was shown."""
    return (
        f"There is no list to pick {typed} from: a number picks from the list a command just "
        "showed. Type a command, e.g. /merchant 0812-3456-7890, or /help."
    )


def looking_up(command: str, services: Sequence[str], answered: Sequence[str]) -> str:
    """The line shown while a command waits for services; answered ones are ticked."""
    shown = ", ".join(f"{name} ✓" if name in answered else name for name in services)
    return f"Looking up {command} in {shown}…"


def service_answered(service: str, seconds: float, ok: bool) -> str:
    """One line per service when the output is not a terminal that can redraw a line."""
    return f"  {service} {'answered' if ok else 'failed'} after {seconds:.1f} s"


def services_unreachable(problems: Sequence[tuple[str, str]]) -> str:
    """At the start of `shell`: the configured services that do not answer, one line each."""
    lines = [f"⚠ {detail}" for _, detail in problems]
    they = "it" if len(problems) == 1 else "them"
    lines.append(
        f"Commands still run without {they}, answering with what the other services know. "
        "/status checks again."
    )
    return "\n".join(lines)
