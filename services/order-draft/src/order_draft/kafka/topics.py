"""Creating topics with the configs FastStream cannot set (cleanup.policy=compact needs the admin API)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError


async def ensure_topics(
    bootstrap_servers: str, names: Iterable[str], *, compact: bool = False, partitions: int = 3
) -> None:
    """Create the topics that do not exist yet; existing ones are left as they are."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        configs = {"cleanup.policy": "compact"} if compact else {}
        missing = [
            NewTopic(name, num_partitions=partitions, replication_factor=1, topic_configs=configs)
            for name in names
            if name not in existing
        ]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another instance made them meanwhile
                await admin.create_topics(missing)
    finally:
        await admin.close()
