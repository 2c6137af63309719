"""The file upload of the fake Slack: files.getUploadURLExternal, the upload URL itself, and
files.completeUploadExternal, checked as Slack checks them (conversations.open, for a private
answer's charts in a DM, is FakeSlack's own).

Mixed into `FakeSlack`; `uploads` records every file, `shared_files()` those completed into a
channel.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = ["FakeFiles", "FakeUpload"]

#: Slack refuses alt text longer than this.
MAX_ALT_TEXT = 1000


@dataclass
class FakeUpload:
    """One file: announced, then uploaded, then completed (shared) into a channel."""

    file_id: str
    filename: str
    length: int
    alt_txt: str | None
    data: bytes | None = None
    title: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    completed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class FakeFiles:
    """Slack's external file upload, for FakeSlack (which provides `base_url`, `_record`)."""

    base_url: str

    def _record(self) -> None:  # replaced by FakeSlack's
        raise NotImplementedError

    @property
    def uploads(self) -> dict[str, FakeUpload]:
        """Every file announced, by file id."""
        found: dict[str, FakeUpload] = self.__dict__.setdefault("_uploads", {})
        return found

    def shared_files(self) -> list[FakeUpload]:
        """The files completed into a channel, in order."""
        return [upload for upload in self.uploads.values() if upload.completed]

    def _api_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        filename = str(args.get("filename") or "")
        try:
            length = int(args.get("length", ""))
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if not filename or length <= 0:
            return {"ok": False, "error": "invalid_arguments"}
        alt = args.get("alt_txt")
        if alt is not None and len(str(alt)) > MAX_ALT_TEXT:
            return {"ok": False, "error": "invalid_arguments"}
        file_id = "F" + uuid.uuid4().hex[:10].upper()
        self.uploads[file_id] = FakeUpload(file_id, filename, length, alt)
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    async def _upload_file(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(request.match_info["file_id"])
        body = await request.read()
        if upload is None:
            return web.Response(status=404, text="unknown upload")
        if len(body) != upload.length:
            return web.Response(status=400, text="length mismatch")
        upload.data = body
        self._record()
        return web.Response(text=f"OK - {len(body)}")

    def _api_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        raw = args.get("files")
        try:
            files = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        done = []
        for item in files:
            upload = self.uploads.get(str(item.get("id")))
            if upload is None or upload.data is None:
                return {"ok": False, "error": "file_not_found"}
            upload.title = item.get("title")
            upload.channel = args.get("channel_id")
            upload.thread_ts = args.get("thread_ts")
            upload.completed = upload.channel is not None
            done.append({"id": upload.file_id, "title": upload.title, "name": upload.filename})
        self._record()
        return {"ok": True, "files": done}
