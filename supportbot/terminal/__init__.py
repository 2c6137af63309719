"""The terminal adapter: `supportbot shell` and `supportbot exec`. Imports `dispatch` and below."""
