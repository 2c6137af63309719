"""The package version, in one place (the User-Agent of service calls names it)."""

__version__ = "0.1.0"
