"""The sample services, started fresh for each test, and an HTTP client to call them with."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from supportbot.sample import SampleServices, run_sample_services
from tests.loopback import loopback_client


@pytest.fixture
async def sample() -> AsyncIterator[SampleServices]:
    async with run_sample_services() as services:
        yield services


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with loopback_client(timeout=5) as http:
        yield http
