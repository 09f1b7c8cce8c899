"""Creating the catalog's topics: compacted (the latest value per key is kept forever, a tombstone deletes).

FastStream declares partitions only; cleanup.policy needs the admin client. Creating an existing topic is
fine (several instances start at once); its config is then checked, not changed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from contracts.catalog import KINDS

VIEW_TOPICS: Mapping[str, str] = {name: kind.topic for name, kind in KINDS.items()}
PARTITIONS = 3  # keyed, so one key stays on one partition; 3 lets consumers share the load
COMPACTED = {"cleanup.policy": "compact", "min.cleanable.dirty.ratio": "0.1"}


def suffixed(suffix: str) -> dict[str, str]:
    """The view topics with a suffix: each test (or benchmark) run gets its own."""
    return {kind: f"{topic}-{suffix}" for kind, topic in VIEW_TOPICS.items()}


async def create_compacted_topics(
    bootstrap_servers: str, topics: Iterable[str], partitions: int = PARTITIONS, replication: int = 1
) -> None:
    await create_topics(bootstrap_servers, topics, partitions, replication, COMPACTED)


async def create_topics(
    bootstrap_servers: str,
    topics: Iterable[str],
    partitions: int = PARTITIONS,
    replication: int = 1,
    configs: Mapping[str, str] | None = None,
) -> None:
    """Create the missing topics (with `configs`) and wait until every partition has a leader."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        wanted = sorted(set(topics))
        existing = set(await admin.list_topics())
        missing = [t for t in wanted if t not in existing]
        if missing:
            new = [NewTopic(t, partitions, replication, topic_configs=dict(configs or {})) for t in missing]
            response = await admin.create_topics(new)
            for topic, error_code, *message in response.topic_errors:
                # another instance may have created it meanwhile
                if error_code not in (0, TopicAlreadyExistsError.errno):
                    raise RuntimeError(f"creating topic {topic} failed: error {error_code} {message}")
        await _leaders_elected(admin, wanted)
    finally:
        await admin.close()


async def _leaders_elected(admin: AIOKafkaAdminClient, topics: list[str], timeout: float = 30.0) -> None:
    """Wait until every partition has a leader, so the first sends do not bounce (NotLeaderForPartition)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        described = await admin.describe_topics(topics)
        if all(
            t["error_code"] == 0 and t["partitions"] and all(p["leader"] >= 0 for p in t["partitions"])
            for t in described
        ):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"topics without leaders after {timeout:.0f} s: {topics}")
        await asyncio.sleep(0.1)


async def cleanup_policies(bootstrap_servers: str, topics: Iterable[str]) -> dict[str, str]:
    """Each topic's cleanup.policy, as the broker reports it."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        resources = [ConfigResource(ConfigResourceType.TOPIC, t) for t in topics]
        policies = {}
        for response in await admin.describe_configs(resources):
            for error_code, _message, _type, name, entries in response.resources:
                if error_code == 0:
                    policies[name] = next(e[1] for e in entries if e[0] == "cleanup.policy")
        return policies
    finally:
        await admin.close()
