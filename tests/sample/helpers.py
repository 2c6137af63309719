"""Small helpers the sample-service tests share: URLs, JSON errors, raw requests."""

from __future__ import annotations

import asyncio

import httpx

from supportbot.sample import SampleServices


def url(sample: SampleServices, service: str, path: str) -> str:
    return sample.urls[service] + path


def assert_error(response: httpx.Response, status: int) -> str:
    """The JSON error message of `response`, which must have `status`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    message = response.json()["error"]
    assert isinstance(message, str) and message
    return message


async def raw_status(base_url: str, request: bytes) -> int:
    """Send bytes httpx would refuse to send (a 100 kB URL) and read the status code."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(request)
        await writer.drain()
        status_line = await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()
    return int(status_line.split()[1].decode())
