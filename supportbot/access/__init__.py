"""Who may see and do what: roles, action channels, rate limits. Imports `core`, `services` and
`storage`."""
