"""The storage layer's error: the database cannot take a write that needs its answer.

::

    SupportbotError (supportbot.core.errors)
    └── StorageUnavailable    a claim, a decision or an intent could not be committed in time;
                              nothing was done. `problem` names what is wrong with the database.

A write that needs no answer (an audit row, an outcome) never raises it: such rows go to the
spool instead. Callers turn StorageUnavailable into its `user_message`: "could not record this,
nothing was done, try again".
"""

from __future__ import annotations

from supportbot.core.errors import SupportbotError

from . import wording as messages

__all__ = ["StorageUnavailable"]


class StorageUnavailable(SupportbotError):
    """The database could not commit (or answer) in time; nothing was recorded."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            f"the database is unavailable: {problem}", user_message=messages.could_not_record()
        )
        #: What is wrong with the database, as `store.health()` says it.
        self.problem = problem
