"""The snippet library's rules: keys, values typed by the agent, ranking, the seed file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportbot import ConfigError
from supportbot.core.knowledge_settings import BUNDLED_SNIPPETS
from supportbot.record.knowledge.facts import facts_from_answers
from supportbot.record.knowledge.snippets import (
    check_key,
    load_seed,
    parse_values,
    rank_snippets,
    render_snippet,
)
from supportbot.record.knowledge.templates import TemplateRefused
from supportbot.storage import Snippet

ROOT = Path(__file__).resolve().parents[3]


def snippet(key: str, body: str = "Hi", title: str = "", asks: dict[str, str] | None = None):
    return Snippet(
        key=key,
        version=1,
        title=title or key,
        body=body,
        owner="lina",
        asks=asks,
        created_by="lina",
        created_at=datetime.now(UTC),
    )


@pytest.mark.parametrize("key", ["billing::refund-delayed", "a::b::c", "x1::y-2"])
def test_keys_carry_their_categories(key: str) -> None:
    assert check_key(key.upper()) == key


@pytest.mark.parametrize(
    "key", ["billing", "billing::", "::x", "a::b::c::d::e", "bad key::x", "add", "a::b;drop", ""]
)
def test_a_key_that_is_not_category_name_is_refused(key: str) -> None:
    with pytest.raises(TemplateRefused):
        check_key(key)


def test_values_are_name_equals_value() -> None:
    assert parse_values(["days=3", "eta=17:00 today"]) == {"days": "3", "eta": "17:00 today"}
    with pytest.raises(ValueError, match="'days' is not name=value"):
        parse_values(["days"])


@settings(deadline=None, max_examples=300)
@given(st.lists(st.text(max_size=60), max_size=6))
def test_any_words_parse_or_are_refused_naming_the_word(words: list[str]) -> None:
    try:
        values = parse_values(words)
    except ValueError as error:
        assert "is not name=value" in str(error)
        return
    assert all(name.isidentifier() and len(value) <= 500 for name, value in values.items())


def test_prefix_matches_rank_over_substrings_over_bodies() -> None:
    library = [
        snippet("billing::past-due", body="a refund is late"),
        snippet("outage::refunds-stuck"),
        snippet("billing::refund-delayed"),
        snippet("device::restart", title="Refund of a terminal"),
    ]
    ranked = [s.key for s in rank_snippets(library, "refund", {"outage::refunds-stuck": 9})]
    assert ranked == [
        "outage::refunds-stuck",  # a part starts with it, most used first
        "billing::refund-delayed",
        "device::restart",  # the title has it
        "billing::past-due",  # only the body has it
    ]
    assert rank_snippets(library, "nothing-like-it", {}) == []


def test_rendering_asks_for_what_the_agent_must_type() -> None:
    facts = facts_from_answers("M-10001", {"owner": "Budi Santoso"}, None, None, None)
    refund = snippet(
        "billing::refund-delayed", "Hi {{ owner_first_name }}, {{ days }} days.", asks={"days": "d"}
    )
    with pytest.raises(TemplateRefused, match="asks you for days="):
        render_snippet(refund, facts, {}, agent_name="ani")
    done = render_snippet(refund, facts, {"days": "3"}, agent_name="ani")
    assert done.text == "Hi Budi, 3 days."
    with pytest.raises(TemplateRefused, match="Unknown placeholder"):
        render_snippet(refund, facts, {"days": "3", "bogus": "x"}, agent_name="ani")


def test_the_bundled_seed_has_a_dozen_valid_snippets() -> None:
    seeded = load_seed(BUNDLED_SNIPPETS)
    assert len(seeded) >= 12
    assert len({s.key for s in seeded}) == len(seeded)


def test_a_seed_entry_with_a_bad_body_names_the_entry(tmp_path: Path) -> None:
    seed = tmp_path / "snippets.toml"
    seed.write_text('[[snippet]]\nkey = "a::b"\nbody = "{{ \'\'.__class__ }}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"snippet 1 \(a::b\).*attribute access"):
        load_seed(seed)
