"""The support record: interactions, timeline, notes, tags, phone aliases (filled by later
issues). Imports `core`, `services`, `storage` and `access`."""
