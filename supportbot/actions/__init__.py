"""Declared actions: questions and approvals, exactly-once runs, escalation. Imports `core`,
`services`, `storage` and `access`; it is handed the dispatcher as a callable, never imports it."""
