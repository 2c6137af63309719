"""The demo's people: the roles a demo has when the configuration names none.

The same leads and weekend staff as `config/supportbot.toml` (a test keeps them equal), so the
README's demo (`supportbot exec --demo --as lina "/approve ..."`) works from any folder, with no
configuration file, and starts without warnings about roles the bundled commands name.
"""

from __future__ import annotations

__all__ = ["DEMO_ROLES"]

#: Role name -> the `[roles.NAME]` table (`members`, `description`), as in the config file.
DEMO_ROLES: dict[str, dict[str, str | list[str]]] = {
    "lead": {
        "description": "Support leads: refunds, approvals, the audit trail",
        "members": ["login:lina", "login:dewi", "group:support-leads"],
    },
    "weekend": {
        "description": "Weekend and on-call staff",
        "members": ["login:ani", "group:support-weekend"],
    },
}
