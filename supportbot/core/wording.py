"""Every sentence of the core a user can read, as small functions, so wording stays consistent:
commands and their arguments, running them, plugins, and settings.

Each layer keeps its own sentences in its own `wording` module (`supportbot.services.wording`,
`supportbot.actions.wording`, `supportbot.slack.wording`, ...), imported as `messages`. Add new
wording to the lowest layer whose code uses it, as a new function; keep each one short, concrete,
and saying what to do next.
"""

from __future__ import annotations

from collections.abc import Sequence


def seconds(value: float) -> str:
    """3 -> '3 s', 0.25 -> '0.25 s'."""
    return f"{value:g} s"


# --- commands and arguments ------------------------------------------------------------------


#: Answers to a question, typed when no question waits for one.
_ANSWERS = frozenset({"y", "yes", "n", "no", "ok", "okay", "confirm", "cancel"})


def unknown_command(name: str, suggestions: Sequence[str]) -> str:
    """No command has this name."""
    if name.lower() in _ANSWERS:
        return (
            f"Nothing is waiting for a {name[:8]!r} now: the question was answered, cancelled or "
            "has expired. Type the command again to be asked again, or /help for the list."
        )
    shown = name if len(name) <= 40 else name[:40] + "…"
    if suggestions:
        options = " or ".join(f"/{s}" for s in suggestions[:3])
        return f"There is no command /{shown}. Did you mean {options}? Type /help for the list."
    return f"There is no command /{shown}. Type /help for the list of commands."


def empty_input() -> str:
    """The user sent nothing to run."""
    return "Type a command, for example /merchant 0812-3456-7890, or /help for the list."


def input_too_long(limit: int) -> str:
    """The text is longer than we accept."""
    return f"That is too long to be a command (more than {limit} characters)."


def unbalanced_quote() -> str:
    """A quote was opened and never closed."""
    return 'A quote is not closed. Put a closing " after the quoted words.'


def missing_argument(param: str) -> str:
    """A required argument was not given."""
    return f"<{param}> is missing."


def extra_arguments(extra: Sequence[str]) -> str:
    """More words than the command takes."""
    shown = " ".join(extra)
    if len(shown) > 60:
        shown = shown[:60] + "…"
    return f"Too many arguments: {shown!r} is more than this command takes."


def _typed(value: str) -> str:
    shown = " ".join(value.split())
    return shown if len(shown) <= 40 else shown[:40] + "…"


def invalid_argument(param: str, reason: str, typed: str = "") -> str:
    """An argument was given but is not valid: `"0812" is not a valid phone number: too short`.

    What was typed leads, so the user sees which word is wrong; an empty value is named by its
    argument (`<who> is empty`).
    """
    if not typed.strip():
        return f"<{param}> {reason}"
    return f'"{_typed(typed)}" {reason}'


def unknown_option(option: str, known: Sequence[str]) -> str:
    """An --option the command does not have."""
    shown = option if len(option) <= 40 else option[:40] + "…"
    if known:
        return f"Unknown option {shown}. This command takes " + ", ".join(known) + "."
    return f"Unknown option {shown}. This command takes no options."


def usage_hint(usage: str | None, example: str | None) -> str:
    """The usage line and example shown under every usage error."""
    parts = []
    if usage:
        parts.append(f"Usage: {usage}")
    if example:
        parts.append(f"Example: {example}")
    return "\n".join(parts)


# --- running commands ------------------------------------------------------------------------


def handler_failed(command: str, error_ref: str) -> str:
    """A command crashed; the reference finds the traceback in the log and audit."""
    return (
        f"/{command} failed because of a problem on our side, not with what you typed. "
        f"Nothing was changed. Run /escalate {error_ref} to send the details to engineering "
        "(the reference finds them)."
    )


def command_timed_out(command: str, timeout_s: float, error_ref: str) -> str:
    """A command passed its deadline."""
    return (
        f"/{command} did not finish within {seconds(timeout_s)} and was stopped. "
        f"Try again; if it keeps happening, give engineering the reference {error_ref}."
    )


def not_allowed(command: str, roles: Sequence[str], how: str) -> str:
    """The user's roles do not allow the command: who may run it, and how to get access."""
    if not roles:
        return f"No one can run /{command} at the moment: no role is given it. {how}".strip()
    return (
        f"You cannot run /{command}: only people with the {either(roles)} role can. "
        f"Nothing was done. {how}"
    ).strip()


# --- argument values and options ------------------------------------------------------------
# A reason follows the argument's name: "<who> is not a valid phone number: too short".


_PHONE_PROBLEMS = {
    "too_short": "too short",
    "too_long": "too long",
    "length": "wrong number of digits",
    "characters": "use only digits, spaces, +, - and brackets",
    "country": "unknown country code",
    "not_in_use": "no such number (check the digits)",
    "start": "a number starts with 0, or with + and its country code (0812-3456-7890)",
}


_EMAIL_PROBLEMS = {
    "too_long": "longer than 254 characters",
    "spaces": "it contains spaces",
    "at": "it needs exactly one @",
    "local": "nothing before the @",
    "domain": "after the @ comes a domain like example.id",
}


def empty_value() -> str:
    """An argument was given as empty quotes."""
    return "is empty"


def invalid_phone(problem: str) -> str:
    """Not a phone number; `problem` is a key of _PHONE_PROBLEMS ("too_short", ...)."""
    return f"is not a valid phone number: {_PHONE_PROBLEMS.get(problem, 'check the digits')}"


def invalid_email(problem: str) -> str:
    """Not an email address; `problem` is a key of _EMAIL_PROBLEMS ("at", "domain", ...)."""
    return f"is not a valid email address: {_EMAIL_PROBLEMS.get(problem, 'check it')}"


def invalid_merchant_id() -> str:
    """Not a merchant id."""
    return "is not a merchant id: write M- and 4 to 9 digits, e.g. M-10001"


def invalid_amount() -> str:
    """An amount of money that cannot be read."""
    return (
        "is not an amount in rupiah: type it like 150000, 150.000, Rp 150.000, 150rb or 1,5jt "
        "(more than 0, whole rupiah)"
    )


def invalid_transaction_id() -> str:
    """Not a transaction id."""
    return "is not a transaction id: write TX- and up to 12 digits, e.g. TX-1042"


def invalid_merchant_ref(suggestion: str | None = None) -> str:
    """Neither a phone number, an email nor a merchant id; `suggestion` is what it may mean."""
    if suggestion:
        return f"is not a phone number, email or merchant id: did you mean {suggestion}?"
    return "is not a phone number, email or merchant id (M-10001)"


def transaction_not_merchant(transaction_id: str) -> str:
    """A transaction id given where a merchant is wanted."""
    return f"is a transaction id: /transaction {transaction_id}"


def invalid_whole_number() -> str:
    """Not a whole number (Indonesian agents often type 1.000 for a thousand)."""
    return "is not a whole number: type digits only, without dots or commas (e.g. 1000)"


def number_too_large(max_digits: int) -> str:
    """A number with more digits than any real amount."""
    return f"is too large (more than {max_digits} digits)"


def invalid_choice(choices: Sequence[str]) -> str:
    """A value outside a fixed list."""
    return "must be one of: " + ", ".join(choices)


def invalid_period() -> str:
    """A stats period that is not a count and a unit."""
    return "is not a period: give a number and h, d or w, such as 24h, 7d, 30d or 2w"


def period_out_of_range(max_days: int) -> str:
    """A stats period of zero, or longer than the stats keep."""
    return f"must be at least 1 hour and at most {max_days} days"


def invalid_option_value(option: str, reason: str, typed: str = "") -> str:
    """An --option was given a value that is not valid: `--to "x@y" is not a valid email...`."""
    if not typed.strip():
        return f"{option} {reason}"
    return f'{option} "{_typed(typed)}" {reason}'


def missing_option(option: str) -> str:
    """A required --option was not given."""
    return f"{option} is required."


def option_needs_value(option: str, example: str) -> str:
    """An --option was given without its value."""
    return f"{option} needs a value, e.g. {option} {example}"


def option_takes_no_value(option: str) -> str:
    """A --switch was given a value."""
    return f"{option} is a switch and takes no value: write just {option}"


def option_repeated(option: str) -> str:
    """The same --option was given twice."""
    return f"{option} is given more than once; give it once."


def command_help_hint(command: str) -> str:
    """Shown if --help reaches the user as an error (the dispatcher normally shows the help)."""
    return f"Type /help {command} to see how /{command} is used."


# --- lists in sentences ---------------------------------------------------------------------------


def either(names: Sequence[str]) -> str:
    """['lead'] -> 'lead'; ['lead', 'weekend'] -> 'lead or weekend'; three -> 'a, b or c'."""
    shown = [name if len(name) <= 40 else name[:40] + "…" for name in names]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " or " + shown[-1]


# --- plugins ---------------------------------------------------------------------------------


def command_folder_missing(started_in: str, *, is_file: bool = False) -> str:
    """A configured command folder is not there; the source shown before it is its full path."""
    what = "is a file, not a folder" if is_file else "does not exist"
    return (
        f"command folder {what}, so no commands were loaded from it. command_folders are "
        f"relative to where the bot starts (here: {started_in}); start it from the checkout, "
        "or give the folder as an absolute path (SUPPORTBOT_COMMAND_FOLDERS or the config)."
    )


# --- settings --------------------------------------------------------------------------------


def unknown_setting(suggestion: str | None = None) -> str:
    """A key of the configuration that no setting has (after its file or variable and name)."""
    if suggestion:
        return f"unknown key: did you mean {suggestion}?"
    return "unknown key (check the spelling; see the README's configuration reference)"


def setting_renamed(old: str, new: str, *, ignored: bool) -> str:
    """An old key, still read for one release under its new name: logged once at start."""
    if ignored:
        return f"{old} is deprecated and ignored, because {new} is set too: remove {old}."
    return (
        f"{old} is deprecated: use {new} instead. It is still read in this release; the next "
        "one drops it."
    )
