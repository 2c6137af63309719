"""What a command is: messages, replies, the registry, argument types, parsing, errors, wording,
settings, logging and masking. The bottom layer: it imports no other supportbot package."""
