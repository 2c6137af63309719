"""Clients of internal HTTP services: results, the call policy (timeouts, retries, breaker, caps),
failure classification, health, error-rate alerts and metrics. Imports only `core`."""
