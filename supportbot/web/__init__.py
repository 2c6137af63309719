"""HTTP pages that are not Slack: /metrics (and later the dashboard and health). Imports
`dispatch` and below."""
