"""supportbot: support lookups and safe actions from one chat command.

This module is the whole public face for command plugins: the `@command` decorator, the
argument types, the `Context`, the `Reply` model and the errors. Everything else is private.

The names load on first use (PEP 562), so that `supportbot --help`, which imports this package
as the parent of `supportbot.app`, does not pay for pydantic, httpx and the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .core.version import __version__ as __version__

if TYPE_CHECKING:
    from .actions.replies import (
        action_failed as action_failed,
    )
    from .core.argtypes import (
        Amount as Amount,
    )
    from .core.argtypes import (
        ArgType as ArgType,
    )
    from .core.argtypes import (
        ConvertContext as ConvertContext,
    )
    from .core.argtypes import (
        Email as Email,
    )
    from .core.argtypes import (
        MerchantId as MerchantId,
    )
    from .core.argtypes import (
        MerchantRef as MerchantRef,
    )
    from .core.argtypes import (
        PhoneNumber as PhoneNumber,
    )
    from .core.argtypes import (
        Rest as Rest,
    )
    from .core.argtypes import (
        TransactionId as TransactionId,
    )
    from .core.argtypes import (
        register_arg_type as register_arg_type,
    )
    from .core.chart import (
        Chart as Chart,
    )
    from .core.errors import (
        ArgumentError as ArgumentError,
    )
    from .core.errors import (
        ConfigError as ConfigError,
    )
    from .core.errors import (
        DuplicateCommandError as DuplicateCommandError,
    )
    from .core.errors import (
        NotAllowed as NotAllowed,
    )
    from .core.errors import (
        ParseError as ParseError,
    )
    from .core.errors import (
        PluginError as PluginError,
    )
    from .core.errors import (
        ServiceBadResponse as ServiceBadResponse,
    )
    from .core.errors import (
        ServiceError as ServiceError,
    )
    from .core.errors import (
        ServiceHTTPError as ServiceHTTPError,
    )
    from .core.errors import (
        ServiceNotFound as ServiceNotFound,
    )
    from .core.errors import (
        ServiceTimeout as ServiceTimeout,
    )
    from .core.errors import (
        ServiceUnavailable as ServiceUnavailable,
    )
    from .core.errors import (
        SupportbotError as SupportbotError,
    )
    from .core.errors import (
        UnknownCommandError as UnknownCommandError,
    )
    from .core.errors import (
        UsageError as UsageError,
    )
    from .core.formatting import (
        format_duration as format_duration,
    )
    from .core.formatting import (
        format_money as format_money,
    )
    from .core.formatting import (
        format_phone as format_phone,
    )
    from .core.formatting import (
        format_status as format_status,
    )
    from .core.formatting import (
        format_when as format_when,
    )
    from .core.masking import (
        mask_email as mask_email,
    )
    from .core.masking import (
        mask_phone as mask_phone,
    )
    from .core.masking import (
        mask_text as mask_text,
    )
    from .core.message import (
        Message as Message,
    )
    from .core.message import (
        User as User,
    )
    from .core.periods import (
        Period as Period,
    )
    from .core.registry import (
        CommandRegistry as CommandRegistry,
    )
    from .core.registry import (
        CommandSpec as CommandSpec,
    )
    from .core.registry import (
        Preview as Preview,
    )
    from .core.registry import (
        command as command,
    )
    from .core.reply import (
        Button as Button,
    )
    from .core.reply import (
        Choice as Choice,
    )
    from .core.reply import (
        Confirmation as Confirmation,
    )
    from .core.reply import (
        Field as Field,
    )
    from .core.reply import (
        Outcome as Outcome,
    )
    from .core.reply import (
        Reply as Reply,
    )
    from .core.reply import (
        Section as Section,
    )
    from .core.reply import (
        ServiceWarning as ServiceWarning,
    )
    from .core.settings import (
        ServiceSettings as ServiceSettings,
    )
    from .core.settings import (
        Settings as Settings,
    )
    from .core.settings import (
        load_settings as load_settings,
    )
    from .dispatch.context import (
        Context as Context,
    )
    from .dispatch.help import (
        describe_command as describe_command,
    )
    from .dispatch.help import (
        describe_commands as describe_commands,
    )
    from .dispatch.insight import (
        insight_of as insight_of,
    )
    from .dispatch.insight import (
        qa_of as qa_of,
    )
    from .record.card import (
        card_buttons as card_buttons,
    )
    from .record.desk import (
        RecordDesk as RecordDesk,
    )
    from .record.desk import (
        SavedNumber as SavedNumber,
    )
    from .record.finder import (
        MerchantMatch as MerchantMatch,
    )
    from .record.insight import (
        Insight as Insight,
    )
    from .services.answers import (
        BillingAccount as BillingAccount,
    )
    from .services.answers import (
        Device as Device,
    )
    from .services.answers import (
        DeviceList as DeviceList,
    )
    from .services.answers import (
        Merchant as Merchant,
    )
    from .services.answers import (
        MerchantSearch as MerchantSearch,
    )
    from .services.answers import (
        Receipt as Receipt,
    )
    from .services.answers import (
        Resend as Resend,
    )
    from .services.answers import (
        ResendList as ResendList,
    )
    from .services.answers import (
        SubscriptionPayment as SubscriptionPayment,
    )
    from .services.answers import (
        Transaction as Transaction,
    )
    from .services.answers import (
        TransactionList as TransactionList,
    )
    from .services.clients import (
        ServiceCall as ServiceCall,
    )
    from .services.clients import (
        ServiceResult as ServiceResult,
    )
    from .services.clients import (
        Services as Services,
    )

#: Where each public name lives (a module under `supportbot`).
_PUBLIC: dict[str, str] = {
    "BillingAccount": "services.answers",
    "Device": "services.answers",
    "DeviceList": "services.answers",
    "Merchant": "services.answers",
    "MerchantSearch": "services.answers",
    "Receipt": "services.answers",
    "Resend": "services.answers",
    "ResendList": "services.answers",
    "SubscriptionPayment": "services.answers",
    "Transaction": "services.answers",
    "TransactionList": "services.answers",
    "MerchantMatch": "record.finder",
    "card_buttons": "record.card",
    "Amount": "core.argtypes",
    "ArgType": "core.argtypes",
    "ArgumentError": "core.errors",
    "Button": "core.reply",
    "Chart": "core.chart",
    "Choice": "core.reply",
    "CommandRegistry": "core.registry",
    "CommandSpec": "core.registry",
    "ConfigError": "core.errors",
    "Confirmation": "core.reply",
    "Context": "dispatch.context",
    "ConvertContext": "core.argtypes",
    "DuplicateCommandError": "core.errors",
    "Email": "core.argtypes",
    "Field": "core.reply",
    "MerchantId": "core.argtypes",
    "MerchantRef": "core.argtypes",
    "Message": "core.message",
    "NotAllowed": "core.errors",
    "Outcome": "core.reply",
    "ParseError": "core.errors",
    "Period": "core.periods",
    "PhoneNumber": "core.argtypes",
    "PluginError": "core.errors",
    "Preview": "core.registry",
    "RecordDesk": "record.desk",
    "Reply": "core.reply",
    "Rest": "core.argtypes",
    "SavedNumber": "record.desk",
    "Section": "core.reply",
    "ServiceBadResponse": "core.errors",
    "ServiceCall": "services.clients",
    "ServiceError": "core.errors",
    "ServiceHTTPError": "core.errors",
    "ServiceNotFound": "core.errors",
    "ServiceResult": "services.clients",
    "ServiceSettings": "core.settings",
    "ServiceTimeout": "core.errors",
    "ServiceUnavailable": "core.errors",
    "ServiceWarning": "core.reply",
    "Services": "services.clients",
    "Settings": "core.settings",
    "SupportbotError": "core.errors",
    "TransactionId": "core.argtypes",
    "UnknownCommandError": "core.errors",
    "UsageError": "core.errors",
    "User": "core.message",
    "action_failed": "actions.replies",
    "command": "core.registry",
    "describe_command": "dispatch.help",
    "describe_commands": "dispatch.help",
    "format_duration": "core.formatting",
    "format_money": "core.formatting",
    "format_phone": "core.formatting",
    "format_status": "core.formatting",
    "Insight": "record.insight",
    "format_when": "core.formatting",
    "insight_of": "dispatch.insight",
    "qa_of": "dispatch.insight",
    "load_settings": "core.settings",
    "mask_email": "core.masking",
    "mask_phone": "core.masking",
    "mask_text": "core.masking",
    "register_arg_type": "core.argtypes",
}

__all__ = [
    "BillingAccount",
    "Device",
    "DeviceList",
    "Merchant",
    "MerchantSearch",
    "Receipt",
    "Resend",
    "ResendList",
    "SubscriptionPayment",
    "Transaction",
    "TransactionList",
    "MerchantMatch",
    "card_buttons",
    "Amount",
    "ArgType",
    "ArgumentError",
    "Button",
    "Chart",
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
    "Period",
    "PhoneNumber",
    "PluginError",
    "Preview",
    "RecordDesk",
    "Reply",
    "Rest",
    "SavedNumber",
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
    "format_duration",
    "format_money",
    "format_phone",
    "format_status",
    "Insight",
    "format_when",
    "insight_of",
    "qa_of",
    "load_settings",
    "mask_email",
    "mask_phone",
    "mask_text",
    "register_arg_type",
]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'supportbot' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
