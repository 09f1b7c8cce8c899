"""Settings of the order-draft service, read from the environment once, with defaults that work locally."""

from __future__ import annotations

import os
from dataclasses import dataclass

# Every variable the service reads; docker-compose.yml and the tests check that each one is set there.
ENV_VARS = (
    "KAFKA_BOOTSTRAP_SERVERS",
    "POSTGRES_DSN",
    "HTTP_HOST",
    "HTTP_PORT",
    "LOG_LEVEL",
    "KAFKA_TOPIC_PREFIX",
    "ORDER_DRAFT_ROLES",
)
ROLES = frozenset({"commands", "read"})


@dataclass(frozen=True)
class Settings:
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    postgres_dsn: str = "postgresql://postgres@127.0.0.1:5432/order_draft"
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    log_level: str = "INFO"
    # Prepended to every topic name this service reads or writes: two environments on one cluster.
    kafka_topic_prefix: str = ""
    # What this process runs: "commands" (the command consumer) and/or "read" (the outbox relay, the drafts
    # projection and its relay, the query consumer). Both by default; split them over two processes so
    # the command loop has a core of its own (docs/commands.md).
    roles: frozenset[str] = ROLES

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            kafka_bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS", cls.kafka_bootstrap_servers),
            postgres_dsn=env.get("POSTGRES_DSN", cls.postgres_dsn),
            http_host=env.get("HTTP_HOST", cls.http_host),
            http_port=int(env.get("HTTP_PORT", cls.http_port)),
            log_level=env.get("LOG_LEVEL", cls.log_level),
            kafka_topic_prefix=env.get("KAFKA_TOPIC_PREFIX", cls.kafka_topic_prefix),
            roles=parse_roles(env.get("ORDER_DRAFT_ROLES", ",".join(sorted(ROLES)))),
        )


def parse_roles(text: str) -> frozenset[str]:
    roles = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = roles - ROLES
    if unknown or not roles:
        raise ValueError(f"ORDER_DRAFT_ROLES={text!r}: give one or both of {', '.join(sorted(ROLES))}")
    return roles
