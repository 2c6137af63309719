"""A stat's chart reaches Slack as a PNG through the external file upload (files.getUploadURL
External, the upload, files.completeUploadExternal), where the requester sees it."""

from __future__ import annotations

from supportbot.slack import SlackAdapter
from supportbot.slack.testing import FakeSlack, SlackSender

from .conftest import AGENT


async def test_a_private_stats_answer_sends_its_chart_to_the_requesters_dm(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    await sender.command("/help", response_url=slack.new_response_url())
    await adapter.drain(10)
    url = slack.new_response_url()
    await sender.command("/stats", "commands 7d", response_url=url)
    await slack.wait_for(lambda: bool(slack.shared_files()), timeout=30)
    await adapter.drain(30)
    (upload,) = slack.shared_files()
    assert upload.data is not None and upload.data.startswith(b"\x89PNG")
    assert upload.length == len(upload.data)
    assert upload.filename == "runs-by-command-last-7-days.png"
    assert upload.title == "Runs by command, last 7 days"
    assert upload.alt_txt and "/help" in upload.alt_txt
    # ephemeral answers cannot carry a file: the chart goes to the DM with the requester
    assert upload.channel == "D" + AGENT.lstrip("U")
    methods = [call.method for call in slack.calls]
    assert methods.index("files.getUploadURLExternal") < methods.index(
        "files.completeUploadExternal"
    )
    assert slack.problems == []


async def test_a_reply_without_charts_uploads_nothing(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    url = slack.new_response_url()
    await sender.command("/merchant", "M-10001", response_url=url)
    await slack.wait_for(lambda: bool(slack.responses_to(url)))
    await adapter.drain(10)
    assert slack.calls_to("files.getUploadURLExternal") == []
