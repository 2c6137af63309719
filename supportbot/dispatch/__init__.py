"""The Bot, the Context a command receives, and the chain of middleware around the handler.
Composes every layer below it; imports no adapter."""
