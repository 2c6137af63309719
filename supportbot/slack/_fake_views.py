"""The views of the fake Slack: `views.open` (modals) and `views.publish` (the App Home tab),
checked as Slack checks them.

- `views.open` needs a `trigger_id` Slack gave out, used once (`invalid_trigger_id`,
  `expired_trigger_id` when used again);
- a view's `type` must fit the method (`modal` for `views.open`, `home` for `views.publish`),
  a modal needs a title; titles, submit and close labels are at most 24 characters,
  `private_metadata` 3000, `callback_id` 255, and a view holds at most 100 blocks;
- every block passes the same checks as a message's, block ids are unique, and an `input`
  block has one.

Refusals answer `invalid_arguments` with the reason in `response_metadata.messages`, as Slack
does, and are recorded in `problems`. Mixed into `FakeSlack`: `opened_views` are the modals in
the order opened, `home_views` the Home tab last published for each user.
"""

from __future__ import annotations

import json
import uuid
import warnings
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.views import View

from ._fake_checks import blocks_problem

__all__ = ["MAX_VIEW_BLOCKS", "FakeViews", "view_problem"]

MAX_VIEW_BLOCKS = 100


def view_problem(view: Any, kind: str) -> str | None:
    """Why Slack would refuse `view` as a `kind` view ("modal" or "home"), or None."""
    if isinstance(view, str):
        try:
            view = json.loads(view)
        except ValueError:
            return "view is not JSON"
    if not isinstance(view, dict):
        return "view must be an object"
    if view.get("type") != kind:
        return f"view type must be {kind!r}"
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or not 0 < len(blocks) <= MAX_VIEW_BLOCKS:
        return f"a view holds 1 to {MAX_VIEW_BLOCKS} blocks"
    if kind == "modal" and not view.get("title"):
        return "a modal needs a title"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            View(**view).validate_json()
    except (SlackObjectFormationError, UserWarning, TypeError) as exc:
        return str(exc) or "invalid view"
    ids = [block.get("block_id") for block in blocks if isinstance(block, dict)]
    if any(block.get("type") == "input" and not block.get("block_id") for block in blocks):
        return "an input block needs a block_id"
    named = [block_id for block_id in ids if block_id]
    if len(set(named)) != len(named):
        return "block ids must be unique"
    return blocks_problem(blocks)


class FakeViews:
    """Slack's view methods, for FakeSlack (which provides `problems` and `users`)."""

    problems: list[tuple[str, str]]
    users: dict[str, dict[str, Any]]

    @property
    def opened_views(self) -> list[dict[str, Any]]:
        """Every modal opened, in order, each with the `id` and `hash` Slack gave it."""
        found: list[dict[str, Any]] = self.__dict__.setdefault("_views_opened", [])
        return found

    @property
    def home_views(self) -> dict[str, dict[str, Any]]:
        """The Home tab last published for each user id."""
        found: dict[str, dict[str, Any]] = self.__dict__.setdefault("_views_home", {})
        return found

    def _used_triggers(self) -> set[str]:
        found: set[str] = self.__dict__.setdefault("_views_used_triggers", set())
        return found

    def _refused_view(self, method: str, problem: str) -> dict[str, Any]:
        self.problems.append((method, problem))
        return {
            "ok": False,
            "error": "invalid_arguments",
            "response_metadata": {"messages": [f"[ERROR] {problem}"]},
        }

    @staticmethod
    def _view_of(args: dict[str, Any]) -> Any:
        raw = args.get("view")
        if isinstance(raw, str):
            try:
                return json.loads(raw)
            except ValueError:
                return raw
        return raw

    def _api_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        trigger = str(args.get("trigger_id") or "")
        if not trigger:
            return {"ok": False, "error": "invalid_trigger_id"}
        if trigger in self._used_triggers():
            return {"ok": False, "error": "expired_trigger_id"}
        view = self._view_of(args)
        problem = view_problem(view, "modal")
        if problem is not None:
            return self._refused_view("views.open", problem)
        self._used_triggers().add(trigger)
        opened = {**view, "id": "V" + uuid.uuid4().hex[:10].upper(), "hash": uuid.uuid4().hex}
        self.opened_views.append(opened)
        return {"ok": True, "view": opened}

    def _api_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user_id") or "")
        if user not in self.users:
            return {"ok": False, "error": "user_not_found"}
        view = self._view_of(args)
        problem = view_problem(view, "home")
        if problem is not None:
            return self._refused_view("views.publish", problem)
        published = {**view, "id": "V" + uuid.uuid4().hex[:10].upper()}
        self.home_views[user] = published
        return {"ok": True, "view": published}
