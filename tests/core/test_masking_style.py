"""The look of masked values is configurable; masking stays idempotent in any style."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportbot import ConfigError, load_settings, mask_email, mask_phone, mask_text
from supportbot.core.masking import MaskStyle, use_mask_style
from supportbot.testing import BotTester


@pytest.fixture(autouse=True)
def default_style_afterwards() -> Iterator[None]:
    yield
    use_mask_style(MaskStyle())


def test_the_default_style() -> None:
    assert mask_phone("0812-3456-7890") == "0812-••••-7890"
    assert mask_email("sinar@example.id") == "s•••@example.id"


def test_another_symbol_and_fewer_digits() -> None:
    use_mask_style(MaskStyle(symbol="*", phone_digits=2, email_chars=0))
    assert mask_phone("0812-3456-7890") == "08-****-90"
    assert mask_email("Sinar@Example.ID") == "***@example.id"
    text = "call 0812 3456 7890 or +62 813 9876 5432, mail sinar@example.id"
    masked = mask_text(text)
    assert masked == "call 08-****-90 or 08-****-32, mail ***@example.id"
    assert mask_text(masked) == masked


def test_no_digit_shown_at_all() -> None:
    use_mask_style(MaskStyle(phone_digits=0))
    assert mask_phone("+62 812 3456 7890") == "••••"


@given(
    st.sampled_from(["•", "*", "#", "×"]),
    st.integers(0, 4),
    st.integers(0, 3),
    st.text(max_size=120),
)
def test_masking_twice_changes_nothing_in_any_style(
    symbol: str, digits: int, chars: int, text: str
) -> None:
    use_mask_style(MaskStyle(symbol, digits, chars))
    once = mask_text(text)
    assert mask_text(once) == once


@pytest.mark.parametrize("symbol", ["a", "7", "@", "-", " ", "", "**"])
def test_a_symbol_that_would_break_masking_is_refused(symbol: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="mask_symbol"):
        load_settings(None, data_dir=str(tmp_path), mask_symbol=symbol)


async def test_the_bot_masks_its_audit_trail_in_the_configured_style(tmp_path: Path) -> None:
    settings = load_settings(
        None,
        data_dir=str(tmp_path),
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        mask_symbol="*",
        mask_phone_digits=3,
    )
    async with BotTester.demo(settings=settings) as bot:
        await bot.run("/merchant 0812-3456-7890")
        assert bot.bot.store is not None
        [entry] = await bot.bot.store.audit.query(limit=1)
    assert entry.arguments == "who=081-****-890"
