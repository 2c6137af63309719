"""`supportbot sample-services`: the sample services on fixed ports until Ctrl-C."""

from __future__ import annotations

import asyncio

import click

from supportbot.core.console import fail

__all__ = ["sample_services"]


@click.command(name="sample-services")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", "base_port", type=click.IntRange(1, 65530), default=8101, show_default=True)
@click.option("--latency-ms", type=click.IntRange(0, 120_000), default=0, show_default=True)
def sample_services(host: str, base_port: int, latency_ms: int) -> None:
    """Serve the sample services on fixed ports until Ctrl-C (for `shell` and your own tests)."""
    from supportbot.sample import serve_forever

    def ready(urls: dict[str, str]) -> None:
        for name, url in urls.items():
            click.echo(f"{name:<13} {url}")
        click.echo("Serving the sample services until Ctrl-C.")

    try:
        asyncio.run(serve_forever(host, base_port, latency_ms=latency_ms, on_ready=ready))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        fail(f"cannot listen on {host}:{base_port}..{base_port + 4}: {exc.strerror}")
