"""A reply's charts in Slack: drawn as PNGs and uploaded with the Web API's external upload
(files.getUploadURLExternal, the upload, files.completeUploadExternal: `files_upload_v2`).

A public answer's charts go to its channel (its thread, if any). A file cannot be ephemeral, so
a private answer's charts go to the requester's direct messages with the bot. Drawing happens
in a thread, off the event loop; a failed upload is logged, and the text answer stands alone.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence

from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from supportbot.core.chart import Chart

__all__ = ["ChartPoster", "chart_filename"]

log = logging.getLogger("supportbot.slack.charts")

MAX_ALT_TEXT = 1000


def chart_filename(chart: Chart) -> str:
    """`runs-by-command-last-7-days.png`."""
    slug = re.sub(r"[^a-z0-9]+", "-", chart.title.lower()).strip("-")[:60]
    return f"{slug or 'chart'}.png"


class ChartPoster:
    """Uploads charts through one Web API client."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def post(
        self,
        charts: Sequence[Chart],
        *,
        user_id: str,
        channel: str | None,
        public: bool,
        thread_ts: str | None = None,
    ) -> list[str]:
        """Upload each chart where the requester sees it; the file ids uploaded."""
        from supportbot.core.chart_png import render_png

        try:
            where = channel if public and channel else await self._direct_channel(user_id)
        except (SlackApiError, SlackRequestError, OSError) as exc:
            log.error("could not open a direct message for the charts: %r", exc)
            return []
        uploaded = []
        for chart in charts:
            png = await asyncio.to_thread(render_png, chart)
            try:
                response = await self.client.files_upload_v2(
                    file=png,
                    filename=chart_filename(chart),
                    title=chart.title,
                    alt_txt=chart.description[:MAX_ALT_TEXT],
                    channel=where,
                    thread_ts=thread_ts if public else None,
                )
            except (SlackApiError, SlackRequestError, OSError) as exc:
                log.error("could not upload the chart %r: %r", chart.title, exc)
                continue
            file = response.get("file") or {}
            uploaded.append(str(file.get("id", "")))
        return uploaded

    async def send(
        self,
        charts: Sequence[Chart],
        user_id: str,
        channel: str | None,
        public: bool,
        thread_ts: str | None = None,
    ) -> None:
        """`post`, for the adapter's background work (which keeps no result)."""
        await self.post(
            charts, user_id=user_id, channel=channel, public=public, thread_ts=thread_ts
        )

    async def _direct_channel(self, user_id: str) -> str:
        response = await self.client.conversations_open(users=user_id)
        channel = response.get("channel") or {}
        return str(channel["id"])
