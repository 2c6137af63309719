"""The links of the dispatcher chain, each built with what it uses. See `supportbot.dispatch.chain`.

`default_links` puts them in order, outermost first:

- on every request: `metrics` counts and times every run and tags its log lines; `audit` sees
  every outcome; `record` puts runs about a merchant on its timeline; `recover` turns errors
  into replies; `privacy` masks personal data for users whose roles may not see it;
- `resolve` finds the command;
- on a resolved request: `authorize` refuses what the user's roles (or, for an action, the
  channel) do not allow;
- `validate` checks the arguments and builds the context;
- on a valid request: `deadline` bounds every database call by the run's deadline;
  `ratelimit` stops a user at a command's limit (with a database);
  `confirm` holds actions until their requester says yes; `execute` runs a confirmed action
  exactly once. The handler runs at the end.
"""

from __future__ import annotations

from collections.abc import Callable

from supportbot.actions.desk import ActionDesk
from supportbot.core.registry import CommandRegistry
from supportbot.core.settings import Settings, kpi_settings
from supportbot.dispatch.chain import Links, ResolvedRequest
from supportbot.dispatch.context import Context
from supportbot.record.sla import SlaClock
from supportbot.services.metrics import Metrics
from supportbot.storage import Store

from .audit import audit_link
from .authorize import authorize_link
from .confirm import confirm_link
from .deadline import deadline_link
from .execute import execute_link
from .metrics import metrics_link
from .privacy import privacy_link
from .ratelimit import ratelimit_link
from .record import record_link
from .recover import recover_link
from .resolve import resolve_link
from .validate import validate_link

__all__ = [
    "audit_link",
    "authorize_link",
    "confirm_link",
    "deadline_link",
    "default_links",
    "execute_link",
    "metrics_link",
    "privacy_link",
    "ratelimit_link",
    "record_link",
    "recover_link",
    "resolve_link",
    "validate_link",
]


def default_links(
    *,
    settings: Settings,
    registry: CommandRegistry,
    metrics: Metrics,
    store: Store | None,
    desk: ActionDesk,
    new_context: Callable[[ResolvedRequest], Context],
) -> Links:
    """The bot's chain: every link, built with its share of these collaborators."""
    region = settings.phone_region
    return Links(
        outer=(
            metrics_link(metrics),
            audit_link(
                store.audit if store is not None else None,
                region,
                command_timeout_s=settings.command_timeout_s,
            ),
            record_link(store, region, SlaClock.of(kpi_settings(settings))),
            recover_link(settings.command_timeout_s),
            privacy_link(settings.personal_data_roles, region),
        ),
        resolve=resolve_link(registry, settings),
        resolved=(authorize_link(settings),),
        validate=validate_link(settings, new_context),
        valid=(
            deadline_link(),
            *([ratelimit_link(store.audit, settings)] if store is not None else []),
            confirm_link(desk, region, settings.personal_data_roles),
            execute_link(desk, region),
        ),
    )
