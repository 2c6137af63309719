"""supportbot: support lookups and safe actions from one chat command.

This module is the whole public face for command plugins: the `@command` decorator, the
argument types, the `Context`, the `Reply` model and the errors. Everything else is private.
"""

from __future__ import annotations

from .actions.replies import action_failed
from .core.argtypes import (
    Amount,
    ArgType,
    ConvertContext,
    Email,
    MerchantId,
    MerchantRef,
    PhoneNumber,
    Rest,
    TransactionId,
    register_arg_type,
)
from .core.errors import (
    ArgumentError,
    ConfigError,
    DuplicateCommandError,
    NotAllowed,
    ParseError,
    PluginError,
    ServiceBadResponse,
    ServiceError,
    ServiceHTTPError,
    ServiceNotFound,
    ServiceTimeout,
    ServiceUnavailable,
    SupportbotError,
    UnknownCommandError,
    UsageError,
)
from .core.formatting import format_money, format_phone, format_status, format_when
from .core.masking import mask_email, mask_phone, mask_text
from .core.message import Message, User
from .core.registry import CommandRegistry, CommandSpec, command
from .core.reply import Button, Choice, Confirmation, Field, Outcome, Reply, Section, ServiceWarning
from .core.settings import ServiceSettings, Settings, load_settings
from .core.version import __version__ as __version__
from .dispatch.context import Context
from .dispatch.help import describe_command, describe_commands
from .services.clients import ServiceCall, ServiceResult, Services

__all__ = [
    "Amount",
    "ArgType",
    "ArgumentError",
    "Button",
    "Choice",
    "CommandRegistry",
    "CommandSpec",
    "ConfigError",
    "Confirmation",
    "Context",
    "ConvertContext",
    "DuplicateCommandError",
    "Email",
    "Field",
    "MerchantId",
    "MerchantRef",
    "Message",
    "NotAllowed",
    "Outcome",
    "ParseError",
    "PhoneNumber",
    "PluginError",
    "Reply",
    "Rest",
    "Section",
    "ServiceBadResponse",
    "ServiceCall",
    "ServiceError",
    "ServiceHTTPError",
    "ServiceNotFound",
    "ServiceResult",
    "ServiceSettings",
    "ServiceTimeout",
    "ServiceUnavailable",
    "ServiceWarning",
    "Services",
    "Settings",
    "SupportbotError",
    "TransactionId",
    "UnknownCommandError",
    "UsageError",
    "User",
    "action_failed",
    "command",
    "describe_command",
    "describe_commands",
    "format_money",
    "format_phone",
    "format_status",
    "format_when",
    "load_settings",
    "mask_email",
    "mask_phone",
    "mask_text",
    "register_arg_type",
]
