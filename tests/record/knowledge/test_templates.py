"""Snippet templates: strict, sandboxed, and unable to read anything they were not given."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportbot.record.knowledge.templates import (
    MAX_BODY,
    MAX_OUTPUT,
    TemplateRefused,
    compile_snippet,
)

VALUES = {"merchant_name": "Toko Sinar Jaya", "owner_first_name": "Budi", "plan": ""}


def render(body: str, values: dict[str, str | None] | None = None) -> str:
    return compile_snippet(body).render(VALUES if values is None else values)


def test_a_body_is_checked_and_compiled_once_however_often_it_is_rendered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from supportbot.record.knowledge import templates

    body = "Hi {{ owner_first_name }}, compiled once " + str(time.time_ns())
    parsed: list[str] = []
    compiled: list[str] = []
    parse, from_string = templates._ENV.parse, templates._ENV.from_string
    monkeypatch.setattr(templates._ENV, "parse", lambda s: parsed.append(s) or parse(s))
    monkeypatch.setattr(
        templates._ENV, "from_string", lambda s: compiled.append(s) or from_string(s)
    )
    assert compile_snippet(body) is compile_snippet(body)
    texts = {compile_snippet(body).render(VALUES) for _ in range(3)}
    assert texts == {body.replace("{{ owner_first_name }}", "Budi")}
    assert (parsed, compiled) == ([body], [body])
    with pytest.raises(TemplateRefused):  # a refused body is refused every time
        compile_snippet("{{ x.__class__ }}")
    with pytest.raises(TemplateRefused):
        compile_snippet("{{ x.__class__ }}")


def test_placeholders_are_filled_and_fallbacks_cover_empty_values() -> None:
    text = render(
        'Hi {{ owner_first_name }}, {{ merchant_name }} is on {{ plan | default("no plan") }}.'
    )
    assert text == "Hi Budi, Toko Sinar Jaya is on no plan."


def test_an_empty_placeholder_without_a_fallback_is_refused_and_named() -> None:
    with pytest.raises(TemplateRefused, match=r"\{\{ plan \}\} is empty"):
        render("You are on {{ plan }}.")


def test_an_unknown_placeholder_is_refused_and_named_with_a_suggestion() -> None:
    with pytest.raises(
        TemplateRefused, match=r"Unknown placeholder \{\{ merchnt_name \}\}.*merchant_name"
    ):
        render("Hi {{ merchnt_name }}")


def test_if_on_an_empty_value_is_allowed() -> None:
    body = "Hi{% if plan %} on {{ plan }}{% else %} there{% endif %}."
    assert render(body) == "Hi there."
    assert render(body, {**VALUES, "plan": "Pro"}) == "Hi on Pro."


ESCAPES = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ merchant_name.__class__ }}",
    "{{ merchant_name['__class__'] }}",
    "{{ merchant_name|attr('__class__') }}",
    "{{ self }}",
    "{{ self.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ lipsum.__globals__ }}",
    "{{ range(10) }}",
    "{{ config }}",
    "{{ request }}",
    "{{ _private }}",
    "{{ namespace() }}",
    "{% set x = 1 %}{{ x }}",
    "{% for i in range(1000000000) %}x{% endfor %}",
    "{% for a in merchant_name %}{% for b in merchant_name %}x{% endfor %}{% endfor %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{% include 'x' %}",
    "{% import 'x' as y %}",
    "{% extends 'base' %}",
    "{% with a = 1 %}{{ a }}{% endwith %}",
    "{% filter upper %}x{% endfilter %}",
    "{{ merchant_name * 100000 }}",
    "{{ merchant_name ~ merchant_name }}",
    "{{ 9 ** 9 ** 9 }}",
    "{{ merchant_name | default(merchant_name.__class__) }}",
    "{{ merchant_name | format('%s') }}",
    "{{ merchant_name | replace('a', 'b') }}",
    "{{ [1, 2] }}",
    "{{ {'a': 1} }}",
]


@pytest.mark.parametrize("body", ESCAPES)
def test_a_body_that_reaches_for_internals_or_loops_is_refused_fast(body: str) -> None:
    started = time.perf_counter()
    with pytest.raises(TemplateRefused):
        compile_snippet(body).render({**VALUES, "_private": "x", "self": "x"})
    assert time.perf_counter() - started < 0.5


def test_a_huge_body_is_refused_and_the_output_is_bounded() -> None:
    with pytest.raises(TemplateRefused, match="keep it under"):
        compile_snippet("x" * (MAX_BODY + 1))
    long_value = "y" * (MAX_OUTPUT + 1)
    with pytest.raises(TemplateRefused, match="over the limit"):
        compile_snippet("{{ merchant_name }}").render({"merchant_name": long_value})


def test_a_syntax_error_names_the_line() -> None:
    with pytest.raises(TemplateRefused, match="line 2"):
        compile_snippet("Hi\n{{ merchant_name ")


SECRET = "s3cr3t-value"
_fragments = st.sampled_from(
    [
        "Hi ",
        "{{ merchant_name }}",
        "{{ owner_first_name | default('there') }}",
        "{{ plan | upper }}",
        "{% if plan %}",
        "{% else %}",
        "{% endif %}",
        "{{ ",
        " }}",
        "{%",
        "%}",
        ".",
        "__class__",
        "__globals__",
        "[",
        "]",
        "(",
        ")",
        "'",
        '"',
        "|",
        "attr",
        "secret",
        "range",
        "for",
        "self",
        "x",
        " ",
        "\n",
    ]
)


@settings(deadline=None, max_examples=600)
@given(st.lists(_fragments, max_size=25).map("".join))
def test_no_body_reads_anything_it_was_not_given(body: str) -> None:
    # Whatever a body is, it is refused or renders only from the values it was handed: the
    # secret below is reachable only as a Python global of this module, never a value.
    given_values: dict[str, str | None] = {"merchant_name": "Toko", "plan": "", "x": "X"}
    try:
        template = compile_snippet(body)
        text = template.render(given_values)
    except TemplateRefused as refused:
        assert str(refused)  # always says why
        return
    assert SECRET not in text
    assert "class" not in text.replace(body, "") or "class" in body
    assert "<" not in text or "<" in body  # no object repr leaks out ("<class 'str'>")
    assert len(text) <= len(body) + 10 * sum(len(v or "") for v in given_values.values())


@settings(deadline=None, max_examples=300)
@given(st.text(max_size=300))
def test_any_text_is_refused_with_a_reason_or_rendered(body: str) -> None:
    try:
        compile_snippet(body).render({"merchant_name": "Toko"})
    except TemplateRefused as refused:
        assert str(refused)
