"""The chat parser: splitting text, reading handler signatures, binding arguments."""

from __future__ import annotations

import inspect
import shlex
import unicodedata
from typing import Annotated, Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportbot.core.argtypes import ConvertContext, Email, MerchantRef, Rest, TransactionId
from supportbot.core.errors import ArgumentError, ParseError, UsageError
from supportbot.core.parsing import (
    MAX_INPUT,
    HelpRequested,
    ParsedCommand,
    bind,
    example_line,
    params_from_signature,
    parse_command,
    split_command,
    tokenize,
    usage_line,
)

CTX = ConvertContext()


async def merchant(ctx: Any, who: MerchantRef) -> None: ...


async def refund(
    ctx: Any,
    tx: TransactionId,
    amount: int,
    reason: Rest,
    *,
    channel: Literal["sms", "email"] = "email",
    force: bool = False,
) -> None: ...


async def notes(ctx: Any, who: MerchantRef | None = None) -> None: ...


async def resend(
    ctx: Any, tx: TransactionId, *, to: Email | None = None, dry_run: bool = False
) -> None: ...


MERCHANT = params_from_signature(merchant)
REFUND = params_from_signature(refund)
NOTES = params_from_signature(notes)
RESEND = params_from_signature(resend)


def run(params: list[Any], text: str, name: str = "cmd") -> dict[str, object]:
    return bind(name, params, parse_command(f"/{name} {text}"), CTX)


def refused(params: list[Any], text: str) -> ArgumentError:
    with pytest.raises(ArgumentError) as caught:
        run(params, text)
    assert caught.value.usage
    return caught.value


# --- splitting -------------------------------------------------------------------------------


def test_command_name_is_lower_cased_and_the_slash_is_optional() -> None:
    assert split_command("  /Merchant  M-10001 ") == ("merchant", ["M-10001"])
    assert split_command("merchant M-10001") == ("merchant", ["M-10001"])
    assert split_command("/ merchant") == ("merchant", [])


def test_quotes_group_words_and_smart_quotes_count_as_quotes() -> None:
    assert split_command('/note M-1 "Toko Jaya" x')[1] == ["M-1", "Toko Jaya", "x"]
    assert split_command("/note M-1 “Toko Jaya” ‘Bu Siti’")[1] == ["M-1", "Toko Jaya", "Bu Siti"]


def test_an_apostrophe_inside_a_word_is_a_letter() -> None:
    assert split_command("/note Toko Jaya's shop")[1] == ["Toko", "Jaya's", "shop"]
    assert split_command("/note Jaya’s “big shop”")[1] == ["Jaya's", "big shop"]
    assert split_command('/note Jaya\'s \\"hi\\"')[1] == ["Jaya's", '"hi"']  # escapes still work


def test_an_unclosed_double_quote_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="quote is not closed"):
        parse_command('/note "Toko Jaya')


def test_a_trailing_backslash_is_kept() -> None:
    assert split_command("/note C:\\")[1] == ["C:\\"]


def test_hash_is_a_word_not_a_comment() -> None:
    assert split_command("/note #1 customer")[1] == ["#1", "customer"]


def test_control_and_invisible_characters_are_dropped_and_odd_spaces_split() -> None:
    assert split_command("/note \x00a\x1b[31mb\u200bc\u202e d\u00a0e\u3000f")[1] == [
        "a[31mbc",
        "d",
        "e",
        "f",
    ]


@pytest.mark.parametrize("text", ["", "   ", "/", "/  ", "\x00\x01", "\u200b"])
def test_empty_input_is_a_parse_error_saying_what_to_type(text: str) -> None:
    with pytest.raises(ParseError, match="Type a command"):
        parse_command(text)


def test_text_over_the_limit_is_refused_and_the_limit_itself_is_fine() -> None:
    with pytest.raises(ParseError, match="too long"):
        parse_command("/note " + "x" * 100_000)
    assert parse_command("/n " + "x" * (MAX_INPUT - 3)).words == ["x" * (MAX_INPUT - 3)]


def test_tokens_remember_where_they_were_typed() -> None:
    parsed = parse_command('/note  M-1   "Toko  Jaya"  it\'s')
    assert parsed.raw_args == 'M-1   "Toko  Jaya"  it\'s'
    spans = [parsed.raw_args[t.start : t.end] for t in parsed.tokens]
    assert spans == ["M-1", '"Toko  Jaya"', "it's"]
    assert [t.quoted for t in parsed.tokens] == [False, True, False]


@pytest.mark.parametrize(
    "text",
    ["/echo ; rm -rf /", "/echo $(reboot) `id` | cat && echo", "/echo > /etc/passwd", "/echo *"],
)
def test_shell_metacharacters_are_plain_words(text: str) -> None:
    name, words = split_command(text)
    assert name == "echo" and " ".join(words) == text.removeprefix("/echo ")


# --- signatures ------------------------------------------------------------------------------


def test_signature_gives_positional_rest_option_and_flag_params() -> None:
    assert [(p.name, p.kind, p.required, p.default) for p in REFUND] == [
        ("tx", "positional", True, None),
        ("amount", "positional", True, None),
        ("reason", "rest", True, None),
        ("channel", "option", False, "email"),
        ("force", "flag", False, False),
    ]
    assert NOTES[0].required is False and RESEND[2].option == "--dry-run"


def test_annotated_help_becomes_the_param_help() -> None:
    async def count(ctx: Any, n: Annotated[int, "how many to show"] = 5) -> None: ...

    [param] = params_from_signature(count)
    assert (param.help, param.default, param.argtype.name) == ("how many to show", 5, "number")


async def no_annotation(ctx, who): ...  # type: ignore[no-untyped-def]
async def rest_first(ctx: Any, reason: Rest, who: MerchantRef) -> None: ...
async def rest_option(ctx: Any, *, reason: Rest) -> None: ...
async def bool_positional(ctx: Any, force: bool = False) -> None: ...
async def flag_on(ctx: Any, *, force: bool = True) -> None: ...
async def star_args(ctx: Any, *words: str) -> None: ...
async def star_kwargs(ctx: Any, **options: str) -> None: ...
async def positional_only(ctx: Any, who: MerchantRef, /) -> None: ...
async def no_context() -> None: ...
async def help_option(ctx: Any, *, help: str = "") -> None: ...
async def clashing(ctx: Any, *, to: str = "", to_: str = "") -> None: ...
async def unsupported(ctx: Any, data: dict[str, int]) -> None: ...
async def unresolved(ctx: Any, who: NoSuchType) -> None: ...  # type: ignore[name-defined]  # noqa: F821


@pytest.mark.parametrize(
    ("handler", "problem"),
    [
        (no_annotation, "needs a type annotation"),
        (rest_first, "Rest must be the last positional"),
        (rest_option, "Rest must be the last positional"),
        (bool_positional, "keyword-only"),
        (flag_on, "= False"),
        (star_args, "*args"),
        (star_kwargs, "*args"),
        (positional_only, "plain or keyword-only"),
        (no_context, "Context"),
        (help_option, "--help"),
        (clashing, "distinct names"),
        (unsupported, "dict[str, int]"),
        (unresolved, "NoSuchType"),
    ],
)
def test_bad_signatures_fail_at_start_up_naming_the_problem(handler: Any, problem: str) -> None:
    with pytest.raises(TypeError) as caught:
        params_from_signature(handler)
    assert problem in str(caught.value) and handler.__name__ in str(caught.value)


def test_a_required_argument_after_an_optional_one_is_refused() -> None:
    async def handler(ctx: Any, who: Any, tx: Any) -> None: ...

    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    handler.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("ctx", kind),
            inspect.Parameter("who", kind, default=None, annotation=MerchantRef),
            inspect.Parameter("tx", kind, annotation=TransactionId),
        ],
        __validate_parameters__=False,
    )
    handler.__annotations__ = {"who": MerchantRef, "tx": TransactionId}
    with pytest.raises(TypeError, match="required argument follows an optional"):
        params_from_signature(handler)


# --- usage and examples ----------------------------------------------------------------------


def test_usage_and_example_lines_come_from_the_types() -> None:
    assert usage_line("merchant", MERCHANT) == "/merchant <phone|email|merchant id>"
    assert example_line("merchant", MERCHANT) == "/merchant 0812-3456-7890"
    assert usage_line("refund", REFUND) == (
        "/refund <transaction id> <amount> <reason...> [--channel sms|email] [--force]"
    )
    # A plain word or free text has no example that would not read as a placeholder.
    assert example_line("refund", REFUND) is None
    assert usage_line("notes", NOTES) == "/notes [phone|email|merchant id]"
    assert usage_line("resend", RESEND) == "/resend <transaction id> [--to <email>] [--dry-run]"


def test_usage_names_arguments_of_the_same_type_apart() -> None:
    async def move(ctx: Any, from_: MerchantRef, to: MerchantRef, *, note: str) -> None: ...

    params = params_from_signature(move)
    assert usage_line("move", params) == (
        "/move <from: phone|email|merchant id> <to: phone|email|merchant id> --note <note>"
    )
    assert example_line("move", params) is None


# --- binding ---------------------------------------------------------------------------------


def test_binding_converts_every_argument_and_fills_defaults() -> None:
    values = run(REFUND, "tx1042 1000 charged twice")
    assert values == {
        "tx": TransactionId("TX-1042"),
        "amount": 1000,
        "reason": "charged twice",
        "channel": "email",
        "force": False,
    }
    assert isinstance(values["reason"], Rest)
    assert run(NOTES, "") == {"who": None}


def test_options_in_every_spelling_and_anywhere() -> None:
    expected = {"channel": "sms", "force": True}
    for text in [
        "TX-1 5 late --channel sms --force",
        "--force TX-1 --channel=SMS 5 late",
        "TX-1 5 late —force —channel sms",
        "TX-1 5 --Channel sms late --FORCE",
    ]:
        values = run(REFUND, text)
        assert {k: values[k] for k in expected} == expected, text
        assert values["reason"] == "late"
    assert run(RESEND, "TX-1 --dry_run --to a@Example.id")["dry_run"] is True


def test_rest_of_line_keeps_the_text_exactly_as_typed() -> None:
    values = run(REFUND, """TX-1 5 Toko  Jaya's "big"   shop; $(x) 🙂 مرحبا""")
    assert values["reason"] == """Toko  Jaya's "big"   shop; $(x) 🙂 مرحبا"""


def test_rest_of_line_around_an_option_is_joined_by_one_space() -> None:
    assert run(REFUND, "TX-1 5 charged  twice --force by  mistake")["reason"] == (
        "charged  twice by  mistake"
    )


def test_double_dash_ends_options_and_inside_the_text_is_kept() -> None:
    values = run(REFUND, "TX-1 5 -- --force is a word")
    assert values["reason"] == "--force is a word" and values["force"] is False
    assert run(REFUND, "TX-1 5 wrong -- --help")["reason"] == "wrong -- --help"


def test_a_quoted_option_is_a_word() -> None:
    values = run(REFUND, 'TX-1 5 "--force"')
    assert values["reason"] == '"--force"' and values["force"] is False


def test_a_phone_typed_with_spaces_is_one_argument() -> None:
    for text in ["+62 812 3456 7890", "0812 3456 7890", "(0812) 3456 7890"]:
        assert run(MERCHANT, text)["who"] == MerchantRef.parse("0812-3456-7890")

    async def note(ctx: Any, who: MerchantRef, text: Rest) -> None: ...

    values = run(params_from_signature(note), "0812 3456 7890 called 2 times")
    assert values["who"] == MerchantRef.parse("0812-3456-7890")
    assert values["text"] == "called 2 times"


def test_bind_accepts_argument_text_or_a_list_of_words() -> None:
    assert bind("refund", REFUND, 'TX-1 5 "as typed"  here')["reason"] == '"as typed"  here'
    assert bind("refund", REFUND, ["TX-1", "5", "as typed", "here"])["reason"] == "as typed here"


@pytest.mark.parametrize(
    ("params", "text", "message", "param"),
    [
        (MERCHANT, "", "<phone|email|merchant id> is missing.", "who"),
        (REFUND, "TX-1 5", "<reason...> is missing.", "reason"),
        (MERCHANT, "M-10001 M-10002", "Too many arguments: 'M-10002'", None),
        (
            MERCHANT,
            "0812",
            '"0812" is not a valid phone number: too short',
            "who",
        ),
        (REFUND, "TX-1 1.000 x", '"1.000" is not a whole number', "amount"),
        (
            REFUND,
            "TX-1 5 x --nope",
            "Unknown option --nope. This command takes --channel, --force.",
            None,
        ),
        (MERCHANT, "M-10001 --force", "This command takes no options.", None),
        (REFUND, "TX-1 5 x --channel", "--channel needs a value, e.g. --channel sms", "channel"),
        (REFUND, "TX-1 5 x --channel --force", "--channel needs a value", "channel"),
        (REFUND, "TX-1 5 x --channel fax", '--channel "fax" must be one of: sms, email', "channel"),
        (REFUND, "TX-1 5 x --force=yes", "--force is a switch and takes no value", "force"),
        (REFUND, "TX-1 5 x --force --force", "--force is given more than once", "force"),
        (REFUND, 'TX-1 5 x --channel=""', "--channel must be one of", "channel"),
    ],
)
def test_wrong_arguments_say_what_is_wrong_with_usage_and_example(
    params: list[Any], text: str, message: str, param: str | None
) -> None:
    error = refused(params, text)
    assert message in error.user_message
    assert error.param == param


def test_a_required_option_must_be_given() -> None:
    async def send(ctx: Any, *, to: Email) -> None: ...

    error = refused(params_from_signature(send), "")
    assert (
        error.user_message == "--to is required." and error.example == "/cmd --to sinar@example.id"
    )


def test_errors_do_not_repeat_the_personal_data_typed() -> None:
    error = refused(MERCHANT, "0812-3456-78901234")
    assert "3456" not in str(error) and "3456" not in error.user_message


@pytest.mark.parametrize(
    "text", ["--help", "TX-1 --help", "-h", "--HELP", "x y z --nope --help", "—help"]
)
def test_help_anywhere_asks_for_the_command_help(text: str) -> None:
    with pytest.raises(HelpRequested) as caught:
        run(REFUND, text, name="refund")
    assert isinstance(caught.value, UsageError) and caught.value.command == "refund"
    assert caught.value.usage == usage_line("refund", REFUND)
    assert "/help refund" in caught.value.user_message


def test_help_after_double_dash_is_text() -> None:
    assert run(REFUND, "TX-1 5 -- --help")["reason"] == "--help"


# --- properties: any input -------------------------------------------------------------------


@settings(deadline=None, max_examples=500)
@given(st.text())
def test_any_text_raises_nothing_but_usage_errors(text: str) -> None:
    for params in (MERCHANT, REFUND, NOTES, RESEND):
        try:
            parsed = parse_command(text)
            bind(parsed.name, params, parsed, CTX)
            bind(parsed.name, params, text, CTX)
        except UsageError as exc:
            assert exc.user_message


PIECES = [
    "/refund", "/merchant", "TX-1", "tx9", "M-10001", "0812", "3456", "7890", "+62", "--",
    "--force", "--channel", "--channel=sms", "=", "sms", "-h", "--help", "—", '"', "'", "“",
    "\\", " ", "  ", "\t", "\n", "\x00", "; rm -rf /", "$(id)", "`id`", "🙂", "مرحبا", "Jaya's",
    "sinar@example.id", "1.000", "-5", "#", "\u200b", "\u202e",
]  # fmt: skip


@settings(deadline=None, max_examples=500)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=25).map(" ".join))
def test_command_like_text_raises_nothing_but_usage_errors(text: str) -> None:
    for params in (MERCHANT, REFUND, NOTES, RESEND):
        try:
            bind("cmd", params, parse_command(text), CTX)
        except UsageError as exc:
            assert exc.user_message and (isinstance(exc, ParseError) or exc.usage)


def test_huge_and_binary_text_is_refused_cleanly() -> None:
    for text in ["/x " + "9" * 100_000, "\x00" * 5000, "/merchant " + "\ud800" * 10]:
        with pytest.raises(UsageError):
            bind("merchant", MERCHANT, parse_command(text), CTX)


def _plain(char: str) -> bool:
    # Characters the parser keeps as they are (it drops control ones and maps odd spaces).
    return unicodedata.category(char) not in ("Cc", "Cs", "Cf", "Zs", "Zl", "Zp") and (
        char not in "“”‘’"
    )


WORDS = st.lists(st.text(st.characters().filter(_plain) | st.sampled_from(" '\"\\"), max_size=12))


@settings(deadline=None, max_examples=300)
@given(WORDS)
def test_words_quoted_with_shlex_quote_come_back_unchanged(words: list[str]) -> None:
    words = [word.strip() for word in words]
    parsed = parse_command("/cmd " + shlex.join(words))
    assert parsed.words == words


@settings(deadline=None, max_examples=300)
@given(WORDS)
def test_tokens_agree_with_shlex_and_each_span_holds_its_token(words: list[str]) -> None:
    raw = " ".join(words).strip()
    try:
        expected = shlex.split(raw)
    except ValueError:
        return  # the forgiving modes are tested above
    tokens = tokenize(raw)
    assert [token.text for token in tokens] == expected
    for token in tokens:
        assert shlex.split(raw[token.start : token.end]) == [token.text]


def test_parsed_command_exposes_name_raw_arguments_and_words() -> None:
    parsed = parse_command("/Refund TX-1  5 'a  b'")
    assert isinstance(parsed, ParsedCommand)
    assert (parsed.name, parsed.raw_args, parsed.words) == (
        "refund",
        "TX-1  5 'a  b'",
        ["TX-1", "5", "a  b"],
    )
