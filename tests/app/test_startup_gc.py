"""The collector while the CLI starts: paused only by main(), frozen and back on once started."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from supportbot.app.startup_gc import pause_collection, resume_collection


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


def test_paused_until_started_then_what_lives_is_frozen_and_collection_is_back() -> None:
    pause_collection()
    assert not gc.isenabled()
    resume_collection()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_a_start_it_did_not_pause_is_left_alone() -> None:
    """Tests and plugins import the CLI and open bots without main(): nothing is frozen."""
    before = gc.get_freeze_count()
    resume_collection()
    assert gc.isenabled()
    assert gc.get_freeze_count() == before


def test_a_collector_switched_off_by_the_host_stays_off() -> None:
    gc.disable()
    pause_collection()
    resume_collection()
    assert not gc.isenabled()
