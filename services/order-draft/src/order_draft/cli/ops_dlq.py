"""The dead-letter topic, read from the start without a consumer group (nothing is committed, nothing is
taken from the service), and redriving chosen letters: their original bytes back to the commands topic."""

from __future__ import annotations

import base64
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pydantic import ValidationError

from contracts.dead_letter import DeadLetter
from order_draft.cli.ops_common import BadInput, OpsError


@dataclass(frozen=True, slots=True)
class Letter:
    """One record of the dead-letter topic; `letter` None when it is not a DeadLetter (then `problem`)."""

    partition: int
    offset: int
    timestamp: dt.datetime
    raw: bytes
    letter: DeadLetter | None
    problem: str | None = None

    @property
    def original(self) -> bytes:
        """The command's bytes as the service received them."""
        if self.letter is None or self.letter.value is None:
            return b""
        if self.letter.value_encoding == "base64":
            return base64.b64decode(self.letter.value)
        return self.letter.value.encode()

    def summary(self) -> dict[str, Any]:
        return {
            "partition": self.partition,
            "offset": self.offset,
            "time": self.timestamp.isoformat(),
            "reason": self.letter.reason if self.letter else self.problem,
            "key": self.letter.key if self.letter else None,
        }


async def partitions(bootstrap_servers: str, topic: str) -> list[TopicPartition] | None:
    """The topic's partitions, None when there is no such topic (asked without creating it)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        if topic not in await admin.list_topics():
            return None
        [described] = await admin.describe_topics([topic])
        return [TopicPartition(topic, p) for p in sorted(x["partition"] for x in described["partitions"])]
    finally:
        await admin.close()


def parse(partition: int, offset: int, timestamp_ms: int, raw: bytes) -> Letter:
    when = dt.datetime.fromtimestamp(timestamp_ms / 1000, dt.UTC)
    try:
        return Letter(partition, offset, when, raw, DeadLetter.model_validate_json(raw))
    except ValidationError as error:
        return Letter(partition, offset, when, raw, None, f"not a DeadLetter: {error.errors()[0]['msg']}")


async def read_letters(
    bootstrap_servers: str,
    topic: str,
    on_total: Callable[[int], None] = lambda n: None,
    on_read: Callable[[int], None] = lambda n: None,
    idle_seconds: float = 15.0,
) -> list[Letter]:
    """Every letter from the beginning up to the high watermark seen when reading started."""
    parts = await partitions(bootstrap_servers, topic)
    if parts is None:
        raise OpsError(f"no topic {topic!r}: nothing was dead-lettered yet, or set --topic-prefix")
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        consumer.assign(parts)
        start, end = await consumer.beginning_offsets(parts), await consumer.end_offsets(parts)
        on_total(sum(end[tp] - start[tp] for tp in parts))
        for tp in parts:  # explicit offsets: a lazy reset may race the first position() and say "at end"
            consumer.seek(tp, start[tp])
        letters: list[Letter] = []
        last_progress = time.monotonic()
        while any([await consumer.position(tp) < end[tp] for tp in parts]):
            batches = await consumer.getmany(*parts, timeout_ms=500)
            for tp, records in batches.items():
                kept = [r for r in records if r.offset < end[tp]]
                letters += [parse(tp.partition, r.offset, r.timestamp, r.value or b"") for r in kept]
                on_read(len(kept))
                last_progress = time.monotonic()
            if time.monotonic() - last_progress > idle_seconds:
                raise OpsError(f"reading {topic!r} stalled for {idle_seconds:.0f} s: is the broker healthy?")
        return sorted(letters, key=lambda x: (x.timestamp, x.partition, x.offset))
    finally:
        await consumer.stop()


def choose(letters: list[Letter], spec: str) -> Letter:
    """'PARTITION:OFFSET', or an OFFSET that is unique across partitions."""
    partition, colon, offset = spec.rpartition(":")
    if not offset.isdigit() or (colon and not partition.isdigit()):
        raise BadInput(f"{spec!r} is not an offset: give OFFSET or PARTITION:OFFSET as `dlq list` shows")
    found = [x for x in letters if x.offset == int(offset) and (not colon or x.partition == int(partition))]
    if not found:
        raise BadInput(f"no dead letter at {spec!r}: see `order-draft dlq list`")
    if len(found) > 1:
        where = ", ".join(f"{x.partition}:{x.offset}" for x in found)
        raise BadInput(f"offset {offset} is in several partitions ({where}): give PARTITION:OFFSET")
    return found[0]


async def redrive(
    bootstrap_servers: str, dlq_topic: str, chosen: list[Letter], topic: str | None = None
) -> list[dict[str, Any]]:
    """Send each letter's original key and bytes to `topic` (default: the topic it was read from)."""
    for x in chosen:
        if x.letter is None:
            raise BadInput(f"{x.partition}:{x.offset} is no DeadLetter ({x.problem}): it cannot be redriven")
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, enable_idempotence=True, acks="all")
    await producer.start()
    done = []
    try:
        for x in chosen:
            assert x.letter is not None
            target = topic or x.letter.topic
            key = x.letter.key.encode() if x.letter.key is not None else None
            origin = f"{dlq_topic}:{x.partition}:{x.offset}".encode()
            headers = [("redriven_from", origin)]
            sent = await producer.send_and_wait(target, x.original, key=key, headers=headers)
            where = {"topic": target, "partition": sent.partition, "offset": sent.offset}
            done.append({"from": f"{x.partition}:{x.offset}", **where})
    finally:
        await producer.stop()
    return done
