"""The command line and start-up wiring: the one place that imports every layer. Nothing imports
`app`."""
