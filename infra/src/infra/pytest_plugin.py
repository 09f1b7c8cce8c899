"""Pytest fixtures: one real Kafka and one real PostgreSQL per test run, a fresh database per test.

A missing broker or database fails the run with the reason; nothing is ever skipped.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from infra.endpoints import Endpoints


@pytest.fixture(scope="session")
def endpoints() -> Iterator[Endpoints]:
    from infra.provide import provide

    with provide("test") as live:
        yield live


@pytest.fixture(scope="session")
def kafka_bootstrap(endpoints: Endpoints) -> str:
    return endpoints.kafka_bootstrap_servers


@pytest.fixture
async def database_dsn(endpoints: Endpoints) -> AsyncIterator[str]:
    """A new, empty database on the shared server, dropped after the test."""
    import asyncpg

    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(endpoints.postgres_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield endpoints.postgres_dsn_for(name)
    admin = await asyncpg.connect(endpoints.postgres_dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def unique(prefix: str) -> str:
    """Unique topic/group names so tests can share one broker."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"
