"""One validated configuration: `SUPPORTBOT_*` environment variables over a TOML file.

The file is `config/supportbot.toml` unless `SUPPORTBOT_CONFIG` (or the CLI's `--config`) names
another. Nested keys take `__` in the environment: `SUPPORTBOT_SERVICES__BILLING__TIMEOUT_S=5`.
Secrets never live in the file: a service names the environment variable that holds its token.

An adapter's settings are a table of their own (`[slack]`, `SUPPORTBOT_SLACK__<KEY>`) that the
core carries without knowing it: the adapter declares it as a `SettingsTable` with its model, the
application hands the declared tables to `load_settings` (which validates them with the rest),
and the adapter reads its own with `table.read(settings)`.
"""

from __future__ import annotations

import copy
import difflib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar, cast

import phonenumbers
from pydantic import (
    BaseModel,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from . import wording as messages
from .config_paths import anchor_file_paths, bundled_commands_folder, default_data_dir
from .errors import ConfigError
from .knowledge_settings import KnowledgeSettings
from .kpi_settings import KpiSettings
from .settings_models import RoleSettings, ServiceSettings
from .settings_sources import (
    ENV_PREFIX,
    dotted,
    env_overrides,
    invalid_configuration,
    merge,
    problems,
    read_toml,
    where,
)
from .stats_settings import StatsSettings

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "CORE_TABLES",
    "KNOWLEDGE_TABLE",
    "STATS_TABLE",
    "KnowledgeSettings",
    "RoleSettings",
    "ServiceSettings",
    "Settings",
    "SettingsTable",
    "StatsSettings",
    "knowledge_settings",
    "load_settings",
    "stats_settings",
    "kpi_settings",
    "KPI_TABLE",
    "KpiSettings",
]

DEFAULT_CONFIG_PATH = Path("config/supportbot.toml")


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Settings(BaseSettings):
    """Everything supportbot can be told. See the README's configuration reference."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Folder for the SQLite database, logs and history; default "
        "$XDG_DATA_HOME/supportbot (~/.local/share/supportbot)",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL; default: SQLite file <data_dir>/supportbot.db. "
        "postgresql://user:pass@host/db selects PostgreSQL",
    )
    command_folders: list[Path] = Field(
        default_factory=list,
        description="Your own folders whose *.py files are loaded as command plugins "
        "(relative to the config file)",
    )
    bundled_commands: bool = Field(
        True, description="Load the commands shipped with supportbot (/merchant, /help, ...)"
    )
    load_entry_points: bool = Field(
        True, description="Also load plugins from installed packages' `supportbot.commands`"
    )
    phone_region: str = Field(
        "ID", min_length=2, max_length=2, description="Region for numbers typed without +country"
    )
    command_timeout_s: float = Field(
        10.0, gt=0, le=600, description="Deadline for one command, service calls included"
    )
    services: dict[str, ServiceSettings] = Field(
        default_factory=dict, description="Internal HTTP services by name"
    )
    demo_latency_ms: int = Field(
        0, ge=0, le=120_000, description="Artificial latency of every sample-service endpoint"
    )
    log_level: str = Field("WARNING", description="Python logging level name")
    log_file: Path | None = Field(
        None, description="Where logs go; default <data_dir>/supportbot.log in the terminal"
    )
    log_format: Literal["auto", "json", "text"] = Field(
        "auto",
        description="json: one JSON object per line; text: readable lines; auto: text on a "
        "terminal, json otherwise",
    )
    metrics_port: int | None = Field(
        None, ge=1, le=65535, description="Serve Prometheus /metrics on this port (off if unset)"
    )
    metrics_host: str = Field("127.0.0.1", description="Address the metrics_port listens on")
    record: dict[str, Any] = Field(
        default_factory=dict,
        description="The support record's [record] table (taxonomy, limits, the incoming-calls "
        "webhook), validated by supportbot.record at start",
    )
    ops_channel: str | None = Field(
        None,
        description="Slack channel (id or #name) for early-warning alerts about failing "
        "services; without it, or without Slack, alerts go to the log",
    )
    alert_error_rate: float = Field(
        0.5, gt=0, le=1, description="A service failing this share of calls raises an alert"
    )
    alert_window_s: float = Field(
        300.0, ge=1, le=86_400, description="Sliding window of the alert's error rate"
    )
    alert_min_calls: int = Field(
        10, ge=1, le=100_000, description="Calls in the window before an alert can fire"
    )

    roles: dict[str, RoleSettings] = Field(
        default_factory=dict, description="Roles by name, each with its members"
    )
    default_role: str = Field(
        "agent", min_length=1, description="The role everyone has, listed or not"
    )
    guest_role: str | None = Field(
        None,
        min_length=1,
        description="The only role of guests and outsiders (Slack guests, users of another "
        "team, users that cannot be looked up); none by default. They never see personal data",
    )
    access_help: str = Field(
        "Ask a support lead to add you to the role in config/supportbot.toml.",
        description="How to get access, told to someone whose role does not allow a command",
    )
    command_roles: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Roles allowed per command name, over the command's own `roles`",
    )
    action_channels: list[str] = Field(
        default_factory=list,
        description="Slack channel ids (C0123ABCD) where actions may run; empty: any",
    )
    confirm_ttl_s: float = Field(
        300.0, ge=10, le=86_400, description="Seconds a confirmation or approval stays open"
    )
    personal_data_roles: list[str] = Field(
        default_factory=list,
        description="Roles that see full phone numbers and emails in private replies; empty: "
        "everyone who may run the command. Channel-visible output is always masked",
    )
    mask_symbol: str = Field(
        "•", min_length=1, max_length=1, description="The character masked values are made of"
    )
    mask_phone_digits: int = Field(
        4, ge=0, le=4, description="Digits of a phone number shown at each end when masked"
    )
    mask_email_chars: int = Field(
        1, ge=0, le=3, description="Characters of an email's local part shown when masked"
    )
    rate_limits: dict[str, str] = Field(
        default_factory=dict,
        description='Per command name, at most this many runs per user, e.g. {refund = "5/hour"}',
    )

    # Not a field: the tables of adapters ([slack], ...), as written; see SettingsTable.
    _tables: dict[str, dict[str, Any]] = PrivateAttr(default_factory=dict)
    _deprecations: tuple[str, ...] = PrivateAttr(default=())
    # Tables already validated, by (name, model): commands read theirs on every run, and the
    # models are frozen. A copy with another table starts without them (`with_table`).
    _validated: dict[tuple[str, type[BaseModel]], BaseModel] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_adapter_tables(
        cls, data: Any, handler: ModelWrapValidatorHandler[Settings]
    ) -> Settings:
        # A table under a name the core does not know belongs to an adapter: kept as written,
        # validated by its SettingsTable. Unknown plain keys are still refused as misspelt.
        if not isinstance(data, dict):
            return handler(data)
        tables = {
            key: value
            for key, value in data.items()
            if key not in cls.model_fields and isinstance(value, dict)
        }
        settings = handler({key: value for key, value in data.items() if key not in tables})
        settings._tables = copy.deepcopy(tables)
        return settings

    def table(self, name: str) -> dict[str, Any]:
        """An adapter's table as written (a copy; empty when it is not there). Adapters read
        theirs validated, with `SettingsTable.read`."""
        return copy.deepcopy(self._tables.get(name, {}))

    def with_table(self, name: str, values: Mapping[str, Any]) -> Settings:
        """A copy of these settings whose table `name` has `values` over what it had."""
        changed = self.model_copy()
        changed._tables = {**self._tables, name: {**self.table(name), **copy.deepcopy(values)}}
        changed._validated = {}
        return changed

    @property
    def deprecations(self) -> tuple[str, ...]:
        """One line per old key that `load_settings` read under its new name, for the start-up
        log ("slack_api_url is deprecated: use api_url in a [slack] table ...")."""
        return self._deprecations

    @field_validator("phone_region")
    @classmethod
    def _upper_region(cls, value: str) -> str:
        region = value.upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(
                f"{value!r} is not a region phonenumbers knows; use a two-letter country code "
                "such as ID, SG or MY"
            )
        return region

    @field_validator("mask_symbol")
    @classmethod
    def _mask_symbol(cls, value: str) -> str:
        from .masking import MaskStyle

        MaskStyle(symbol=value)  # raises ValueError with the reason
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not a log level; use one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("services")
    @classmethod
    def _service_names(cls, value: dict[str, ServiceSettings]) -> dict[str, ServiceSettings]:
        for name in value:
            if not name.isidentifier():
                raise ValueError(f"service name {name!r} must be a Python identifier")
        return value

    @property
    def effective_command_folders(self) -> list[Path]:
        """The folders plugins are loaded from: the bundled commands' first (when on and
        installed), then `command_folders`, each folder once."""
        bundled = bundled_commands_folder() if self.bundled_commands else None
        folders: list[Path] = [bundled] if bundled is not None else []
        seen = {_same_file_key(folder) for folder in folders}
        for folder in self.command_folders:
            if _same_file_key(folder) not in seen:
                seen.add(_same_file_key(folder))
                folders.append(folder)
        return folders

    @property
    def effective_database_url(self) -> str:
        """The database URL in use, with the default SQLite file filled in."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'supportbot.db'}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file is read by load_settings() and passed as init values of lowest rank
        # (see _FileValues), so that the file path can be chosen at run time.
        return (init_settings, env_settings)


def _same_file_key(folder: Path) -> str:
    try:
        return str(folder.resolve())
    except OSError:
        return str(folder)


M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class SettingsTable(Generic[M]):
    """A table of the configuration that an adapter owns: `[slack]` in the file,
    `SUPPORTBOT_SLACK__<KEY>` in the environment, validated by the adapter's `model`.

    `renamed` maps keys of the release before, written at the top level (`slack_api_url`), to
    their key in this table (`api_url`). For one release `load_settings` still reads them there,
    and says so in `Settings.deprecations`.
    """

    name: str
    model: type[M]
    renamed: Mapping[str, str] = field(default_factory=dict)

    def read(self, settings: Settings) -> M:
        """This table of `settings`, validated; ConfigError naming the key and value when wrong.
        A frozen model is validated once per settings object, and the same one comes back."""
        known = settings._validated.get((self.name, self.model))
        if known is not None:
            return cast(M, known)
        try:
            table = self.model.model_validate(settings.table(self.name))
        except ValidationError as exc:
            found = problems(exc, (self.name,), lambda loc: ("settings", dotted(loc)), self.model)
            raise ConfigError(invalid_configuration(found)) from None
        if self.model.model_config.get("frozen"):
            settings._validated[(self.name, self.model)] = table
        return table


#: The support record's own table, `[knowledge]` (snippets, known issues, notices): declared
#: here so that every load of the settings knows and validates it.
KNOWLEDGE_TABLE = SettingsTable(name="knowledge", model=KnowledgeSettings)


def knowledge_settings(settings: Settings) -> KnowledgeSettings:
    """The `[knowledge]` table of `settings`, validated (ConfigError naming the key when wrong)."""
    return KNOWLEDGE_TABLE.read(settings)


#: The stats' own table, `[stats]` (time-saved baseline, the team's time zone, sharp rises):
#: declared here for the same reason.
STATS_TABLE = SettingsTable(name="stats", model=StatsSettings)


def stats_settings(settings: Settings) -> StatsSettings:
    """The `[stats]` table of `settings`, validated (ConfigError naming the key and value)."""
    return STATS_TABLE.read(settings)


#: The KPIs' own table, `[kpi]` (business hours, SLA targets, CSAT alerts, the QA review).
KPI_TABLE = SettingsTable(name="kpi", model=KpiSettings)


def kpi_settings(settings: Settings) -> KpiSettings:
    """The `[kpi]` table of `settings`, validated (ConfigError naming the key and value)."""
    return KPI_TABLE.read(settings)


#: The tables of the core's own layers: every load of the settings that is given tables knows
#: these too.
CORE_TABLES = (KNOWLEDGE_TABLE, STATS_TABLE, KPI_TABLE)


#: (table, key) of a value read from an old key -> where it was written, and that old key.
_Moved = dict[tuple[str, str], tuple[str, str]]


def _read_renamed(
    values: dict[str, Any],
    tables: Sequence[SettingsTable[Any]],
    kind: Literal["file", "env", "code"],
    path: Path | None,
) -> tuple[list[str], _Moved]:
    """In one source's values (the file's, the environment's or the caller's), move the old
    top-level keys of `tables` into their tables, the new key winning where this source has
    both. Return the deprecation lines, and where each moved value was written."""
    lines: list[str] = []
    moved: _Moved = {}
    for table in tables:
        for old, new in table.renamed.items():
            current = values.get(table.name, {})
            if old not in values or not isinstance(current, dict):
                continue
            value = values.pop(old)
            if kind == "env":
                origin = was = ENV_PREFIX + old.upper()
                now = f"{ENV_PREFIX}{table.name.upper()}__{new.upper()}"
            else:
                origin = str(path) if kind == "file" and path else "settings"
                was = f"{origin}: {old}" if origin != "settings" else old
                now = f"{new} in a [{table.name}] table"
            ignored = new in current
            if not ignored:
                values[table.name] = {**current, new: value}
                moved[(table.name, new)] = (origin, old)
            lines.append(messages.setting_renamed(was, now, ignored=ignored))
    return lines, moved


def load_settings(
    config_path: Path | str | None = None,
    *,
    tables: Sequence[SettingsTable[Any]] | None = None,
    **overrides: Any,
) -> Settings:
    """Build the Settings: keyword overrides, then environment, then the TOML file, then defaults.

    `tables` are the adapters' tables the application knows. Given, they are validated here with
    the rest, their old top-level keys are read under the new names (`Settings.deprecations`
    says which), and any other table is an unknown key. Without them, every table the core does
    not know is kept as written, for its adapter to read.

    Raises ConfigError naming the file (or variable), the key, the reason and the value.
    """
    explicit = config_path or os.environ.get("SUPPORTBOT_CONFIG")
    path = Path(explicit) if explicit else DEFAULT_CONFIG_PATH
    if explicit and not path.is_file():
        raise ConfigError(f"{path}: no such configuration file (set by --config/SUPPORTBOT_CONFIG)")
    source = path if path.is_file() else None
    file_values = anchor_file_paths(read_toml(path), path.resolve().parent) if source else {}
    env_values = env_overrides()
    code_values = dict(overrides)
    deprecations: list[str] = []
    moved: _Moved = {}
    sources: list[tuple[Literal["file", "env", "code"], dict[str, Any]]] = [
        ("file", file_values),
        ("env", env_values),
        ("code", code_values),
    ]
    for kind, written in sources:  # weakest first: a stronger source's key replaces its origin
        lines, moved_here = _read_renamed(written, tables or (), kind, source)
        deprecations += lines
        for table in tables or ():
            for key in written.get(table.name) or {}:
                moved.pop((table.name, key), None)
        moved.update(moved_here)
    values = merge(merge(file_values, env_values), code_values)

    def locate(loc: tuple[str | int, ...]) -> tuple[str, str]:
        first = (str(loc[0]), str(loc[1])) if len(loc) >= 2 else None
        if first in moved:
            origin, old = moved[first]
            return origin, dotted((old, *loc[2:]))
        return where(loc, env_values, source), dotted(loc)

    found: list[str] = []
    settings: Settings | None = None
    try:
        # Environment already merged above; init values are the only source here.
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        found += problems(exc, (), locate, Settings)
    if tables is not None:
        tables = [*tables, *(table for table in CORE_TABLES if table not in tables)]
    declared = {table.name: table for table in tables or ()}
    if tables is not None:
        for key, value in values.items():
            if key not in Settings.model_fields and isinstance(value, dict) and key not in declared:
                origin = where((key,), env_values, source)
                keys = [*Settings.model_fields, *declared]
                close = difflib.get_close_matches(key, keys, n=1)
                found.append(f"{origin}: {key}: {messages.unknown_setting(*close[:1])}")
    for table in declared.values():
        written = values.get(table.name, {})
        if isinstance(written, dict):
            try:
                table.model.model_validate(written)
            except ValidationError as exc:
                found += problems(exc, (table.name,), locate, table.model)
    if found or settings is None:
        raise ConfigError(invalid_configuration(found)) from None
    settings._deprecations = tuple(deprecations)
    return settings
