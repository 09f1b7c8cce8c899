from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path


class InfrastructureUnavailable(RuntimeError):
    """Kafka or PostgreSQL could not be provided; the message says what is missing and how to fix it."""


@dataclass(frozen=True)
class Endpoints:
    kafka_bootstrap_servers: str
    postgres_dsn: str
    source: str  # "env", "docker" or "local"
    timings: dict[str, float] = field(default_factory=dict)
    log_dir: Path | None = None

    def postgres_dsn_for(self, database: str) -> str:
        """The same server, another database (tests and services each get their own)."""
        base, _, _ = self.postgres_dsn.rpartition("/")
        query = ""
        if "?" in self.postgres_dsn.rsplit("/", 1)[1]:
            query = "?" + self.postgres_dsn.split("?", 1)[1]
        return f"{base}/{database}{query}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_root() -> Path:
    """Where local processes keep their data and logs: $ORDER_DRAFT_RUN_DIR or .run/ in the repository."""
    import os

    configured = os.environ.get("ORDER_DRAFT_RUN_DIR")
    if configured:
        return Path(configured).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / ".git").exists() or (parent / "Makefile").exists():
            return parent / ".run"
    return Path.cwd() / ".run"


def cache_root() -> Path:
    import os

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "order-draft"
