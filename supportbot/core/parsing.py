"""From chat text to a command name and validated arguments.

::

    parsed = parse_command("/refund TX-1042 1000 charged twice --force")
    parsed.name, parsed.raw_args        # "refund", "TX-1042 1000 charged twice --force"
    bind("refund", params_from_signature(refund), parsed, ConvertContext())
    # {"tx": TransactionId("TX-1042"), "amount": 1000, "reason": Rest("charged twice"),
    #  "channel": "email", "force": True}

Words are split by `shlex` (POSIX quoting) after Slack's smart quotes become ASCII ones; each
token keeps its offsets in `raw_args`, so a `Rest` argument is the text exactly as typed.
Whatever the text, `parse_command`, `split_command` and `bind` raise nothing but `UsageError`
subclasses (with the built-in argument types), each carrying the usage line and an example.
"""

from __future__ import annotations

import inspect
import io
import re
import shlex
import typing
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, NoReturn

from . import wording as messages
from .argtypes import ArgType, ConvertContext, Rest, arg_type_for, unwrap_annotation
from .errors import ArgumentError, ParseError, UsageError
from .masking import mask_text

__all__ = [
    "MAX_INPUT",
    "ConvertContext",
    "HelpRequested",
    "Param",
    "ParamKind",
    "ParsedCommand",
    "Token",
    "bind",
    "example_line",
    "params_from_signature",
    "parse_command",
    "split_command",
    "tokenize",
    "usage_line",
]

MAX_INPUT = 4000
ParamKind = Literal["positional", "rest", "option", "flag"]

_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
# Invisible characters that change how text reads or splits: zero-width space, BOM, bidi marks.
_INVISIBLE = frozenset(
    "\u200b\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_DIGIT_GROUP = re.compile(r"[+(]?[0-9()\-.]+", re.ASCII)


class HelpRequested(UsageError):
    """The user asked for a command's help (`--help` or `-h`); the dispatcher shows the help."""

    def __init__(self, command: str, *, usage: str, example: str | None) -> None:
        super().__init__(
            f"help requested for /{command}",
            usage=usage,
            example=example,
            user_message=messages.command_help_hint(command),
        )
        self.command = command


@dataclass(frozen=True)
class Param:
    """One argument of a command, built from the handler's signature."""

    name: str
    argtype: ArgType
    kind: ParamKind
    required: bool
    default: object = None
    help: str | None = None

    @property
    def option(self) -> str:
        """The option as typed: `dry_run` -> `--dry-run` (a trailing `_`, as in `from_`, drops)."""
        return "--" + self.name.strip("_").replace("_", "-")


@dataclass(frozen=True)
class Token:
    """One word of the arguments; `start:end` is where it was in `raw_args`, quotes included."""

    text: str
    start: int
    end: int
    #: It began with a quote or backslash: `"--force"` is a word, not an option.
    quoted: bool = False


@dataclass(frozen=True)
class ParsedCommand:
    """The command name (lower-cased, without /), the argument text as typed, and its words."""

    name: str
    raw_args: str
    tokens: tuple[Token, ...]

    @property
    def words(self) -> list[str]:
        """The argument words, quotes removed."""
        return [token.text for token in self.tokens]


def _clean(text: str) -> str:
    kept = []
    for char in text:
        if char in " \t\n\r":
            kept.append(char)
        elif char.isspace():
            kept.append(" ")  # no-break and other odd spaces still separate words
        elif char not in _INVISIBLE and unicodedata.category(char) not in ("Cc", "Cs"):
            kept.append(char)
    return "".join(kept).translate(_SMART_QUOTES)


def _shlex_tokens(text: str, quotes: str, escape: str) -> tuple[Token, ...]:
    stream = io.StringIO(text)
    lexer = shlex.shlex(stream, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""  # "#1" is a word, not a comment
    lexer.quotes = quotes
    lexer.escape = escape
    tokens: list[Token] = []
    position = 0
    while True:
        while position < len(text) and text[position] in lexer.whitespace:
            position += 1
        start = position
        word = lexer.get_token()
        if word is None:
            return tuple(tokens)
        # shlex reads one character at a time and consumes the space that ends a word.
        position = stream.tell()
        end = position if position >= len(text) else position - 1
        quoted = text[start] in quotes or text[start] in escape
        tokens.append(Token(word, start, end, quoted=quoted))


def tokenize(text: str) -> tuple[Token, ...]:
    """Split argument text into words with POSIX quoting, forgiving where chat needs it.

    An apostrophe inside a word (`Toko Jaya's`) is a letter when it opens no closed quote; a
    lone trailing backslash is a backslash. An unclosed double quote is a ParseError.
    """
    # Strict first, then with ' as a letter, then also without backslash escapes.
    for quotes, escape in (("'\"", "\\"), ('"', "\\"), ("'\"", ""), ('"', "")):
        try:
            return _shlex_tokens(text, quotes, escape)
        except ValueError:
            continue
    raise ParseError(messages.unbalanced_quote())


def parse_command(text: str) -> ParsedCommand:
    """Split `/name arguments...`; the leading / is optional. Raises ParseError only.

    Control and invisible characters are dropped, Slack's smart quotes become ASCII quotes,
    text longer than MAX_INPUT characters and empty text are refused.
    """
    if len(text) > MAX_INPUT:
        raise ParseError(messages.input_too_long(MAX_INPUT))
    cleaned = _clean(text).strip()
    if cleaned.startswith("/"):
        cleaned = cleaned[1:].lstrip()
    if not cleaned:
        raise ParseError(messages.empty_input())
    first = re.match(r"\S+", cleaned)
    assert first is not None
    name, arguments = first.group(), cleaned[first.end() :].strip()
    return ParsedCommand(name.lower(), arguments, tokenize(arguments))


def split_command(text: str) -> tuple[str, list[str]]:
    """(command name, argument words): `parse_command` without the offsets."""
    parsed = parse_command(text)
    return parsed.name, parsed.words


def params_from_signature(func: Callable[..., object]) -> list[Param]:
    """The Params of a command handler; its first parameter (the Context) is skipped.

    Positional parameters are positional arguments, a `Rest` one must be the last of them;
    keyword-only parameters are `--options`, a `bool` one a `--switch` defaulting to False.
    `Annotated[X, "help"]` gives an argument its help. Raises TypeError naming the problem.
    """
    owner = getattr(func, "__qualname__", repr(func))
    try:
        hints = typing.get_type_hints(func, include_extras=True)
        parameters = list(inspect.signature(func).parameters.values())
    except Exception as exc:
        raise TypeError(f"{owner}: cannot read the signature: {exc}") from exc
    if not parameters or parameters[0].kind not in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    ):
        raise TypeError(f"{owner}: the first parameter must receive the Context (ctx)")
    params = [_param(owner, parameter, hints) for parameter in parameters[1:]]
    positional = [p for p in params if p.kind in ("positional", "rest")]
    for index, param in enumerate(positional):
        if param.kind == "rest" and index != len(positional) - 1:
            raise TypeError(f"{owner}: {param.name}: Rest must be the last positional argument")
        if param.required and any(not p.required for p in positional[:index]):
            raise TypeError(f"{owner}: {param.name}: a required argument follows an optional one")
    options = [p.option for p in params if p.kind in ("option", "flag")]
    if len(set(options)) != len(options) or "--help" in options:
        raise TypeError(f"{owner}: options must have distinct names other than --help")
    return params


def _param(owner: str, parameter: inspect.Parameter, hints: dict[str, object]) -> Param:
    where = f"{owner}: argument {parameter.name!r}"
    if parameter.kind not in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY):
        raise TypeError(f"{where}: use a plain or keyword-only parameter (not /, *args, **kw)")
    if parameter.name not in hints:
        raise TypeError(f"{where} needs a type annotation, e.g. `who: MerchantRef`")
    try:
        inner, _, help_text = unwrap_annotation(hints[parameter.name])
        argtype = arg_type_for(hints[parameter.name])
    except TypeError as exc:
        raise TypeError(f"{where}: {exc}") from None
    has_default = parameter.default is not parameter.empty
    default = parameter.default if has_default else None
    kind: ParamKind
    if inner is bool:
        if parameter.kind is not parameter.KEYWORD_ONLY or default is not False:
            raise TypeError(f"{where}: a bool is a --switch: make it keyword-only with `= False`")
        kind = "flag"
    elif inner is Rest:
        if parameter.kind is parameter.KEYWORD_ONLY:
            raise TypeError(f"{where}: Rest must be the last positional argument, not an option")
        kind = "rest"
    else:
        kind = "option" if parameter.kind is parameter.KEYWORD_ONLY else "positional"
    return Param(parameter.name, argtype, kind, not has_default, default, help_text)


def _label(param: Param, params: Sequence[Param]) -> str:
    """How a positional is named in usage and errors: `phone|email|merchant id`, `amount`."""
    name = param.name.strip("_")
    if param.kind == "rest":
        return name + "..."
    if param.argtype.generic:
        return name
    same = [p for p in params if p.kind == "positional" and p.argtype.name == param.argtype.name]
    return f"{name}: {param.argtype.name}" if len(same) > 1 else param.argtype.name


def usage_line(name: str, params: Sequence[Param]) -> str:
    """`/refund <transaction id> <amount> <reason...> [--channel sms|email] [--force]`."""
    parts = [f"/{name}"]
    for param in params:
        if param.kind == "flag":
            parts.append(f"[{param.option}]")
            continue
        if param.kind == "option":
            # A generic type says nothing (`<word>`): the option is named by what it holds.
            shown = param.name.strip("_") if param.argtype.generic else param.argtype.name
            value = param.argtype.name if param.argtype.choices else f"<{shown}>"
            part = f"{param.option} {value}"
        else:
            part = _label(param, params)
            part = f"<{part}>" if param.required else part
        parts.append(part if param.required else f"[{part}]")
    return " ".join(parts)


def _example_value(param: Param) -> str:
    example = param.argtype.example
    return f'"{example}"' if " " in example and param.kind != "rest" else example


def example_line(name: str, params: Sequence[Param]) -> str | None:
    """`/merchant 0812-3456-7890`: every positional and required option, from type examples.

    None when a required argument's type has no real example (a plain word or free text: any
    value made up for it would read as a placeholder); declare `examples=` for such commands.
    """
    parts = [f"/{name}"]
    for param in params:
        wanted = param.kind in ("positional", "rest") or (param.kind == "option" and param.required)
        if not wanted:
            continue
        if not param.argtype.example:
            if param.required:
                return None
            continue
        value = _example_value(param)
        parts.append(value if param.kind != "option" else f"{param.option} {value}")
    return " ".join(parts)


def _as_option(token: Token) -> str | None:
    """The option a token spells, or None; Mac and Slack turn -- into an em dash."""
    if token.quoted:
        return None
    text = token.text
    if text[:1] in ("—", "–"):
        text = "--" + text[1:]
    return text if text.startswith("--") else None


def _asks_for_help(tokens: Sequence[Token]) -> bool:
    for token in tokens:
        option = "-h" if token.text == "-h" and not token.quoted else _as_option(token)
        if option == "--":
            return False
        if option == "-h" or (option and option.partition("=")[0].lower() == "--help"):
            return True
    return False


class _Binder:
    def __init__(self, command: str, params: Sequence[Param], ctx: ConvertContext) -> None:
        self.params = params
        self.ctx = ctx
        self.usage = usage_line(command, params)
        self.example = example_line(command, params)
        self.command = command

    def fail(self, message: str, param: Param | None = None) -> NoReturn:
        name = param.name if param else None
        raise ArgumentError(message, param=name, usage=self.usage, example=self.example)

    def convert(self, param: Param, raw: str, label: str) -> object:
        try:
            return param.argtype.convert(raw, self.ctx)
        except ValueError as exc:
            reason = str(exc) or "is not valid"
            typed = mask_text(raw, self.ctx.phone_region)  # errors are logged and audited
            if param.kind == "option":
                self.fail(messages.invalid_option_value(label, reason, typed), param)
            self.fail(messages.invalid_argument(label, reason, typed), param)

    def bind(self, tokens: Sequence[Token], raw: str | None) -> dict[str, object]:
        if _asks_for_help(tokens):
            raise HelpRequested(self.command, usage=self.usage, example=self.example)
        values: dict[str, object] = {}
        words, breaks = self._scan(tokens, values)
        self._bind_positionals(words, breaks, raw, values)
        for param in self.params:
            if param.kind in ("option", "flag") and param.name not in values:
                if param.required:
                    self.fail(messages.missing_option(param.option), param)
                values[param.name] = param.default
        return {param.name: values[param.name] for param in self.params}

    def _scan(
        self, tokens: Sequence[Token], values: dict[str, object]
    ) -> tuple[list[Token], set[int]]:
        """Take the options out; return the positional words and where options broke them."""
        options = {p.option: p for p in self.params if p.kind in ("option", "flag")}
        positional = [p for p in self.params if p.kind in ("positional", "rest")]
        rest_at = len(positional) - 1 if positional and positional[-1].kind == "rest" else None
        words: list[Token] = []
        breaks: set[int] = set()
        options_done = False
        index = 0
        while index < len(tokens):
            token = tokens[index]
            index += 1
            option = None if options_done else _as_option(token)
            if option == "--":
                options_done = True
                if rest_at is not None and len(words) > rest_at:
                    words.append(token)  # inside the rest of the line, -- is text as typed
                continue
            if option is None:
                words.append(token)
                continue
            name, has_value, value = option.partition("=")
            param = options.get(name.lower().replace("_", "-"))
            if param is None:
                self.fail(messages.unknown_option(name, sorted(options)))
            if param.name in values:
                self.fail(messages.option_repeated(param.option), param)
            if param.kind == "flag":
                if has_value:
                    self.fail(messages.option_takes_no_value(param.option), param)
                values[param.name] = True
            else:
                if not has_value:
                    if index >= len(tokens) or _as_option(tokens[index]) is not None:
                        example = param.argtype.example
                        self.fail(messages.option_needs_value(param.option, example), param)
                    value = tokens[index].text
                    index += 1
                values[param.name] = self.convert(param, value, param.option)
            breaks.add(len(words))
        return words, breaks

    def _bind_positionals(
        self, words: list[Token], breaks: set[int], raw: str | None, values: dict[str, object]
    ) -> None:
        positional = [p for p in self.params if p.kind in ("positional", "rest")]
        cursor = 0
        for param in positional:
            label = _label(param, self.params)
            if param.kind == "rest":
                if cursor < len(words):
                    text = _rest_text(words, cursor, breaks, raw)
                    values[param.name] = self.convert(param, text, label)
                    cursor = len(words)
                    continue
            elif cursor < len(words):
                values[param.name], used = self._positional(param, words, cursor, label)
                cursor += used
                continue
            if param.required:
                self.fail(messages.missing_argument(label), param)
            values[param.name] = param.default
        if cursor < len(words):
            self.fail(messages.extra_arguments([word.text for word in words[cursor:]]))

    def _positional(
        self, param: Param, words: list[Token], cursor: int, label: str
    ) -> tuple[object, int]:
        """Convert one word; for spaced types also try it joined with the digit groups after it
        (`+62 812 3456 7890`, `Rp 150.000`)."""
        try:
            return param.argtype.convert(words[cursor].text, self.ctx), 1
        except ValueError:
            longest: str | None = None
            if param.argtype.spaced:
                for count in range(min(5, len(words) - cursor), 1, -1):
                    group = [word.text for word in words[cursor : cursor + count]]
                    if all(_DIGIT_GROUP.fullmatch(text) for text in group[1:]):
                        longest = longest or " ".join(group)
                        try:
                            return param.argtype.convert(" ".join(group), self.ctx), count
                        except ValueError:
                            continue
        # Say what is wrong with all the digit groups typed (`0812 3456`), not with the first.
        return self.convert(param, longest or words[cursor].text, label), 1


def _rest_text(words: list[Token], first: int, breaks: set[int], raw: str | None) -> str:
    """The words from `first` on as typed; runs cut by an option are joined with one space."""
    if raw is None:
        return " ".join(word.text for word in words[first:])
    runs: list[str] = []
    run_start = first
    for index in range(first + 1, len(words) + 1):
        if index == len(words) or index in breaks:
            runs.append(raw[words[run_start].start : words[index - 1].end])
            run_start = index
    return " ".join(runs)


def bind(
    command_name: str,
    params: Sequence[Param],
    arguments: ParsedCommand | str | Sequence[str],
    ctx: ConvertContext | None = None,
) -> dict[str, object]:
    """Convert and check the arguments; a value (or default) for every param, by name.

    `arguments` is a ParsedCommand, the argument text (without the command name) or a list of
    words (then a `Rest` is the words joined by spaces). `--opt value`, `--opt=value`, `--flag`
    and `--` (ends options) are understood anywhere. Raises ArgumentError with the usage line
    and an example, or HelpRequested for `--help`/`-h`.
    """
    if isinstance(arguments, ParsedCommand):
        tokens, raw = arguments.tokens, arguments.raw_args
    elif isinstance(arguments, str):
        if len(arguments) > MAX_INPUT:
            raise ParseError(messages.input_too_long(MAX_INPUT))
        raw = _clean(arguments).strip()
        tokens = tokenize(raw)
    else:
        tokens, raw = tuple(Token(word, -1, -1) for word in arguments), None
    return _Binder(command_name, params, ctx or ConvertContext()).bind(tokens, raw)
