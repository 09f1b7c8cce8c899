"""Kafka and PostgreSQL in containers, for machines where a Docker engine answers."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from infra.endpoints import Endpoints

KAFKA_IMAGE = "apache/kafka:4.1.1"
POSTGRES_IMAGE = "postgres:17"


def docker_answers() -> bool:
    """True when a Docker engine answers a ping; quick when there is none (no socket, no DOCKER_HOST)."""
    if os.environ.get("ORDER_DRAFT_NO_DOCKER"):
        return False
    if not os.environ.get("DOCKER_HOST") and not Path("/var/run/docker.sock").exists():
        return False
    try:
        import docker

        client = docker.from_env(timeout=3)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # no engine, no permission, wrong host: all mean "not available"
        return False


@contextlib.contextmanager
def containers() -> Iterator[Endpoints]:
    import time

    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    started = time.monotonic()
    with (
        PostgresContainer(POSTGRES_IMAGE, username="postgres", password="postgres", dbname="postgres") as pg,
        KafkaContainer(KAFKA_IMAGE).with_kraft() as kafka,
    ):
        dsn = pg.get_connection_url(driver=None)
        yield Endpoints(
            kafka_bootstrap_servers=kafka.get_bootstrap_server(),
            postgres_dsn=dsn,
            source="docker",
            timings={"infra_start_s": time.monotonic() - started},
        )
