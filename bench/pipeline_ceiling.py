"""Benchmark: the ceiling of the bare command pipeline (Kafka -> PostgreSQL -> Kafka) on this machine.

    .venv/bin/python bench/pipeline_ceiling.py [--quick] [--with-relay] [--json PATH]

Why: bench/commands.py measures the order-draft service end to end (~1,100-1,600 commands/s, p99 ~50 ms at
500/s on 2 cores) against a target of >= 3,000 commands/s and p99 <= 25 ms at 500/s. This measures what is
left when the service does no domain work at all: an "echo service" with the same libraries, the same
Kafka client settings and the same guarantees, so the figures say whether the target is reachable on this
machine with this pipeline, whatever the domain costs.

The echo service (`--serve`, its own process, so its CPU is counted apart from the load generator's) does
per batch what the real command processor (order_draft/handlers/processor.py) does, minus the decision:

* aiokafka consumer in a group, manual commits, `getmany` of up to 500 records, fetch_min_bytes 64 KB /
  fetch_max_wait_ms 4 (the service's); commands are parsed with orjson (the service validates them with
  pydantic: that cost is not in here);
* one PostgreSQL transaction per batch (asyncpg, BEGIN / one INSERT statement / COMMIT, like the service's
  three round trips): per command one `events` row (a ~0.5 KB jsonb payload and its metadata) and one
  `commands` row (the stored result: the reply without its draft, ~0.5 KB, as the service stores an
  acceptance), in tables with the service's columns and indexes; fsync and synchronous_commit as the
  server has them (never changed here; reported);
* one reply per command (~4.5 KB JSON with a 10-line draft, shaped like the service's `Accepted`) to the
  command's `reply_to` with its correlation id as key and header, by an idempotent producer with
  acks=all, linger_ms 0; the next batch is fetched while they are in flight (at most 8 batches), and a
  batch's offsets are committed, explicitly, only once its replies and every earlier batch's are
  acknowledged (one commit at a time, at most every 100 ms), exactly as the service does.

`--with-relay` adds a second process that follows the `events` rows in the service's global order
((transaction_id, global_position) below the oldest running transaction), publishes each to an events
topic (idempotent, acks=all, the service relay's producer settings), and saves its checkpoint after the
acknowledgements, stepping at most every 50 ms when it is live (the service's read side does this for
every event, plus a projection and a second relay that this leaves out).

The load generator is bench/commands.py's, imported: the same pydantic command envelopes (AddLine,
SetProductQuantity, SetNotes of 1,000 customers' drafts, keyed site|customer over 6 partitions), built
and sent the same way (idempotent producer, acks=all, linger_ms 1), replies read from a 3-partition reply
topic and parsed with orjson, so its CPU per command is the real bench's. Phases: a warm-up of 10,000
commands (not reported), `throughput` (closed loop, 1,000 outstanding, 60,000 commands; --quick 5,000)
and `at_500` (open loop, 500/s for 20 s; --quick 5 s). CPU per part from /proc as in bench/commands.py.

Before the latency phase the bench syncs (os.sync) the throughput burst's dirty pages (~0.5 GB, mostly
Kafka's segments): left to the kernel they are written back ~30 s after the burst, during the latency
phase, and PostgreSQL's commit fsyncs then wait 0.5-0.8 s behind them (`--no-sync` shows it). The echo
service logs every commit and every acknowledgement slower than 20 ms into its log (named at start).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import datetime as dt
import gc
import json
import logging
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.structs import OffsetAndMetadata

sys.path.insert(0, str(Path(__file__).resolve().parent))
import commands as real  # bench/commands.py: its load generator, CPU watch and helpers
from common.machine import server_facts

from contracts.envelope import Actor
from infra import provide
from infra.endpoints import run_root
from order_draft.kafka.topics import ensure_topics

log = logging.getLogger("pipeline_ceiling")

DATABASE = "bench_pipeline_ceiling"
COMMAND_PARTITIONS = 6
WARM_UP = 10_000  # commands before the measured phases (the real bench's fill: 1,000 drafts x 10 lines)
READY_TIMEOUT_S = 60.0
# The command processor's settings (services/order-draft/src/order_draft/handlers/processor.py).
MAX_BATCH = 500
FETCH_MIN_BYTES = 64 * 1024
FETCH_MAX_WAIT_MS = 4
SESSION_TIMEOUT_MS = 10_000
MAX_IN_FLIGHT = 8
COMMIT_EVERY_S = 0.1
# The outbox relay's (store/relay.py, service.py).
RELAY_PAGE = 2000
RELAY_SETTLE_S = 0.05
CHECKPOINT = "relay:events"
SLOW_S = 0.02  # the echo service logs a commit or an acknowledgement slower than this
ACCEPTED = ("type", b"Accepted")  # the reply header clients match the outcome on, with correlation_id

SCHEMA = """
CREATE TABLE events (
    global_position bigint GENERATED ALWAYS AS IDENTITY,
    transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
    stream_id       text        NOT NULL,
    stream_version  bigint      NOT NULL,
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL,
    schema_version  int         NOT NULL,
    payload         jsonb       NOT NULL,
    metadata        jsonb       NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_id, stream_version)
);
CREATE UNIQUE INDEX events_in_global_order ON events (transaction_id, global_position);
CREATE TABLE commands (
    command_id      text        PRIMARY KEY,
    stream_id       text        NOT NULL,
    stream_version  bigint      NOT NULL,
    result          jsonb       NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE subscription_checkpoints (
    name            text        PRIMARY KEY,
    transaction_id  bigint      NOT NULL,
    global_position bigint      NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
"""
# One statement for a whole batch: its events and its command rows (the stream version is the command's
# Kafka offset: a draft's commands share a partition, so (stream, version) is unique).
INSERT = """
WITH appended AS (
    INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata)
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::int[], $6::jsonb[],
                         $7::jsonb[])
)
INSERT INTO commands (command_id, stream_id, stream_version, result)
SELECT * FROM unnest($8::text[], $1::text[], $2::bigint[], $9::jsonb[])
"""
PAGE = """
SELECT transaction_id::text::bigint, global_position, event_id, stream_id, stream_version, event_type,
       schema_version, payload, metadata, recorded_at
  FROM events
 WHERE (transaction_id, global_position) > ($1::bigint::text::xid8, $2)
   AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
 ORDER BY transaction_id, global_position
 LIMIT $3
"""
SAVE = """
INSERT INTO subscription_checkpoints (name, transaction_id, global_position) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET transaction_id = $2, global_position = $3, updated_at = now()
"""
GUARANTEES = (
    "PostgreSQL fsync={fsync} synchronous_commit={synchronous_commit} (the server's, not changed): a "
    "batch's rows (an event and a command row per command) are one durable transaction before any of its "
    "replies is sent; replies are published with acks=all (idempotent producer), and the next batch is "
    "fetched while they are in flight; a batch's command offsets are committed, explicitly, only once its "
    "replies and every earlier batch's are acknowledged (one commit at a time, at most every 100 ms); "
    "the load generator's producer is idempotent with acks=all. Kafka: one broker, replication factor 1, "
    "its default flush policy (the page cache, no fsync per write)"
)
RELAY_GUARANTEE = (
    "; --with-relay: every event row is published (acks=all) before the relay's checkpoint moves"
)


# --------------------------------------------------------------------------------------------- messages


def draft_json(lines: int = 10) -> bytes:
    """A draft as the service's replies carry it (contracts.order_draft.drafts.Draft), priced, L30."""
    line = {
        "product_name": "Product 123",
        "unit": "PCS",
        "quantity": "4",
        "price_state": "priced",
        "unit_price": "41.37",
        "discount_percent": "0.10",
        "amount": "148.93",
        "currency": "EUR",
        "price": {
            "price_entry_id": "L-X0123",
            "discount_entry_ids": {"1": "D-G01", "2": "D-WHOLESALE"},
            "catalog_revision": 1,
        },
        "package_id": None,
        "availability": None,
    }
    return orjson.dumps(
        {
            "draft_id": str(uuid.uuid4()),
            "version": 11,
            "status": "New",
            "site": "S1",
            "customer": "C0001",
            "supplier": "EC",
            "channel": "WEB",
            "store": "ST1",
            "document_type": "SO",
            "document_number": "SO-000001",
            "document_date": "2026-01-01",
            "required_delivery_date": None,
            "order_date": None,
            "notes": "Gate 3, deliver before noon",
            "lines": [
                {"line_id": f"{uuid.uuid4()}", "product_code": f"X{i:04d}", **line} for i in range(lines)
            ],
            "packages": [],
            "total_amount": "1489.30",
            "currency": "EUR",
        }
    )


@dataclass(frozen=True, slots=True)
class Echo:
    """What the echo service writes and sends for one command."""

    stream: str
    version: int
    command_id: str
    payload: bytes
    metadata: bytes
    result: bytes
    topic: str
    key: bytes
    reply: bytes


def echo(record: ConsumerRecord[bytes, bytes], draft: orjson.Fragment, now: str) -> Echo:
    """Parse a command (orjson, no validation) and build its event, stored result and reply."""
    command = orjson.loads(record.value or b"{}")
    correlation = command["correlation_id"]
    head = {
        "message_id": str(uuid.uuid4()),
        "type": "Accepted",
        "schema_version": 1,
        "correlation_id": correlation,
        "causation_id": command["message_id"],
        "actor": command["actor"],
        "occurred_at": now,
        "command_id": command["command_id"],
        "draft_id": command.get("draft_id") or str(uuid.uuid4()),
        "version": record.offset + 1,
    }
    metadata = {
        "command_id": command["command_id"],
        "correlation_id": correlation,
        "causation_id": command["message_id"],
        "user_id": command["actor"].get("user_id"),
        "customer_id": command["actor"].get("customer_id"),
    }
    payload = {
        "draft_id": head["draft_id"],
        "command": command.get("type"),
        "product_code": command.get("product_code"),
        "quantity": command.get("quantity"),
        "notes": command.get("notes"),
        "line_id": str(uuid.uuid4()),
        "product_name": "Product 123",
        "unit": "PCS",
        "price_state": "priced",
        "package_id": None,
        "source": command.get("source"),
        "unit_price": "41.37",
        "discount_percent": "0.10",
        "amount": "148.93",
        "currency": "EUR",
        "price_entry_id": "L-X0123",
        "discount_entry_ids": {"1": "D-G01", "2": "D-WHOLESALE"},
        "catalog_revision": 1,
        "at": now,
    }
    return Echo(
        stream=f"draft-{head['draft_id']}",
        version=record.offset + 1,
        command_id=command["command_id"],
        payload=orjson.dumps(payload),
        metadata=orjson.dumps(metadata),
        result=orjson.dumps({"money": True, "reply": head}),
        topic=command.get("reply_to") or "replies",
        key=correlation.encode(),
        reply=orjson.dumps({**head, "draft": draft}),
    )


# --------------------------------------------------------------------------------------------- echo service


class EchoService:
    """The command processor's I/O without its decision: fetch, one transaction, replies, offsets."""

    def __init__(self, bootstrap: str, dsn: str, topic: str, group: str, ready_file: Path) -> None:
        self.bootstrap, self.dsn, self.topic, self.group = bootstrap, dsn, topic, group
        self.ready_file = ready_file
        self.stopping = asyncio.Event()
        self.draft = orjson.Fragment(draft_json())
        self.settling: collections.deque[asyncio.Task[None]] = collections.deque()
        self.acknowledged: dict[TopicPartition, OffsetAndMetadata] = {}
        self.committing: asyncio.Task[None] | None = None
        self.hurry = asyncio.Event()
        self.failed: BaseException | None = None

    async def run(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=self.bootstrap,
            group_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=MAX_BATCH,
            fetch_min_bytes=FETCH_MIN_BYTES,
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
            session_timeout_ms=SESSION_TIMEOUT_MS,
            heartbeat_interval_ms=SESSION_TIMEOUT_MS // 4,
        )
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap,
            enable_idempotence=True,
            acks="all",
            linger_ms=0,
            max_batch_size=1024 * 1024,
        )
        await producer.start()
        await consumer.start()
        try:
            await self._loop(conn, consumer, producer)
        finally:
            await self.flush()
            await consumer.stop()
            await producer.stop()
            await conn.close()
        if self.failed is not None:
            raise self.failed

    async def _loop(
        self, conn: asyncpg.Connection, consumer: AIOKafkaConsumer, producer: AIOKafkaProducer
    ) -> None:
        while not self.stopping.is_set() and self.failed is None:
            pages = await consumer.getmany(timeout_ms=100, max_records=MAX_BATCH)
            if consumer.assignment() and not self.ready_file.exists():
                self.ready_file.write_text(str(os.getpid()))
            if pages:
                await self._process(conn, consumer, producer, pages)

    async def _process(
        self,
        conn: asyncpg.Connection,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        pages: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]],
    ) -> None:
        now = dt.datetime.now(dt.UTC).isoformat()
        echoes = [echo(record, self.draft, now) for records in pages.values() for record in records]
        started = time.perf_counter()
        await store(conn, echoes)  # durable on return
        slow("commit", started, len(echoes))
        sent = [
            await producer.send(e.topic, e.reply, key=e.key, headers=[("correlation_id", e.key), ACCEPTED])
            for e in echoes
        ]
        offsets = {tp: OffsetAndMetadata(records[-1].offset + 1, "") for tp, records in pages.items()}
        previous = self.settling[-1] if self.settling else None
        self.settling.append(asyncio.create_task(self._settle(consumer, sent, offsets, previous)))
        while self.settling and self.settling[0].done():
            self.settling.popleft()
        if len(self.settling) > MAX_IN_FLIGHT:
            await asyncio.wait([self.settling[0]])

    async def _settle(
        self,
        consumer: AIOKafkaConsumer,
        sent: list[asyncio.Future[Any]],
        offsets: dict[TopicPartition, OffsetAndMetadata],
        previous: asyncio.Task[None] | None,
    ) -> None:
        """Offsets move once this batch's replies and every earlier batch's are acknowledged."""
        started = time.perf_counter()
        acknowledged = await asyncio.gather(*sent, return_exceptions=True)
        slow("replies acknowledged", started, len(sent))
        if previous is not None:
            await asyncio.wait([previous])
        failures = [a for a in acknowledged if isinstance(a, BaseException)]
        if self.failed is not None or failures:
            self.failed = self.failed or failures[0]
            return
        self.acknowledged.update(offsets)
        if self.committing is None or self.committing.done():
            self.committing = asyncio.create_task(self._commit(consumer))

    async def _commit(self, consumer: AIOKafkaConsumer) -> None:
        while self.acknowledged:
            offsets, self.acknowledged = self.acknowledged, {}
            await consumer.commit(offsets)
            if not self.hurry.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.hurry.wait(), COMMIT_EVERY_S)

    async def flush(self) -> None:
        self.hurry.set()
        if self.settling:
            await asyncio.wait([self.settling[-1]])
        if self.committing is not None:
            await asyncio.wait([self.committing])


def slow(step: str, started: float, size: int) -> None:
    """Log a step that took longer than SLOW_S (in the child's log: where a latency spike came from)."""
    took = time.perf_counter() - started
    if took > SLOW_S:
        log.warning("slow %s: %.1f ms for %d commands at %s", step, took * 1e3, size, time.strftime("%X"))


async def store(conn: asyncpg.Connection, echoes: list[Echo]) -> None:
    """One transaction: every command's event row and command row."""
    async with conn.transaction():
        await conn.execute(
            INSERT,
            [e.stream for e in echoes],
            [e.version for e in echoes],
            [uuid.uuid4() for _ in echoes],
            ["LineChanged"] * len(echoes),
            [1] * len(echoes),
            [e.payload.decode() for e in echoes],
            [e.metadata.decode() for e in echoes],
            [e.command_id for e in echoes],
            [e.result.decode() for e in echoes],
        )


# --------------------------------------------------------------------------------------------- relay


class Relay:
    """Follows the events rows in the global order and publishes each; checkpoint after the acks."""

    def __init__(self, bootstrap: str, dsn: str, topic: str, ready_file: Path) -> None:
        self.bootstrap, self.dsn, self.topic, self.ready_file = bootstrap, dsn, topic, ready_file
        self.stopping = asyncio.Event()

    async def run(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap,
            enable_idempotence=True,
            acks="all",
            linger_ms=2,
            max_batch_size=256 * 1024,
            request_timeout_ms=10000,
        )
        await producer.start()
        at = (0, 0)
        await conn.execute(SAVE, CHECKPOINT, *at)
        self.ready_file.write_text(str(os.getpid()))
        try:
            while not self.stopping.is_set():
                rows = await conn.fetch(PAGE, *at, RELAY_PAGE)
                if rows:
                    at = await self._publish(producer, rows)
                    await conn.execute(SAVE, CHECKPOINT, *at)
                if len(rows) < RELAY_PAGE:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.stopping.wait(), RELAY_SETTLE_S)
        finally:
            await producer.stop()
            await conn.close()

    async def _publish(self, producer: AIOKafkaProducer, rows: list[asyncpg.Record]) -> tuple[int, int]:
        sent = []
        for row in rows:
            key, value, headers = relay_message(row)
            sent.append(await producer.send(self.topic, value, key=key, headers=headers))
        await asyncio.gather(*sent)
        return int(rows[-1][0]), int(rows[-1][1])


def relay_message(row: asyncpg.Record) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """As store/relay.py's to_message: the event with its position, decoded and encoded again."""
    xid, position, event_id, stream, version, kind, schema, payload, metadata, recorded = row
    meta = orjson.loads(metadata)
    value = orjson.dumps(
        {
            "event_id": str(event_id),
            "stream_id": stream,
            "stream_version": version,
            "type": kind,
            "schema_version": schema,
            "payload": orjson.loads(payload),
            "metadata": meta,
            "recorded_at": recorded.isoformat(),
            "global_position": position,
            "transaction_id": xid,
        }
    )
    headers = [
        ("type", kind.encode()),
        ("schema_version", str(schema).encode()),
        ("event_id", str(event_id).encode()),
        ("stream_version", str(version).encode()),
        *((k, str(meta[k]).encode()) for k in ("correlation_id", "causation_id", "command_id") if k in meta),
    ]
    return stream.encode(), value, headers


def serve(args: argparse.Namespace) -> int:
    """The child process: the echo service, or (--relay) the relay, until SIGTERM."""
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("aiokafka").setLevel(logging.ERROR)
    ready = Path(args.ready_file)
    if args.relay:
        part: EchoService | Relay = Relay(args.bootstrap, args.dsn, args.topic, ready)
    else:
        part = EchoService(args.bootstrap, args.dsn, args.topic, args.group, ready)

    async def main() -> None:
        gc.collect()  # the service's collector settings (service.py, _freeze_startup_objects)
        gc.freeze()
        gc.set_threshold(10_000, 5, 100)
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, part.stopping.set)
        await part.run()

    asyncio.run(main())
    return 0


# --------------------------------------------------------------------------------------------- running


@dataclass
class Child:
    """A --serve process of this file, its log, and the file it writes once it is consuming."""

    argv: list[str]
    name: str
    process: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.log_path = run_root() / "logs" / f"bench-pipeline-ceiling-{self.name}-{stamp}.log"
        self.ready_file = run_root() / f"pipeline-ceiling-{self.name}-{uuid.uuid4().hex[:8]}.ready"

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, __file__, "--serve", *self.argv, "--ready-file", str(self.ready_file)]
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )

    async def ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not self.ready_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{self.name} did not start (exit {self.process.returncode}):\n{tail}")
            await asyncio.sleep(0.1)

    def stop(self) -> int | None:
        self.ready_file.unlink(missing_ok=True)
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(10)


async def fresh_database(admin_dsn: str, dsn: str) -> dict[str, Any]:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        await conn.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        await conn.close()
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(SCHEMA)
    finally:
        await conn.close()
    return await server_facts(admin_dsn)


async def drop_database(admin_dsn: str) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    finally:
        await conn.close()


def slots_of(sizes: real.Sizes) -> list[real.Slot]:
    """bench/commands.py's drafts, one per customer, with an id each (no OpenDraft: the echo needs none)."""
    rng = random.Random(11)
    return [
        real.Slot(
            index=i,
            actor=Actor(user_id=real.user_code(i), customer_id=real.customer_code(i)),
            products=[real.product_code(p) for p in rng.sample(range(1, sizes.products + 1), sizes.lines)],
            draft_id=uuid.uuid4(),
        )
        for i in range(1, sizes.customers + 1)
    ]


async def measured(phase: real.Phase, body: Any, pids: dict[str, int | None]) -> real.Phase:
    watch = real.CpuWatch(pids)
    since = dt.datetime.now(dt.UTC)
    watch.start()
    await body
    phase.cpu = watch.stop()
    phase.wall = (since, dt.datetime.now(dt.UTC))
    summary = f"{phase.commands:,} commands, {phase.rate:,.0f}/s"
    if phase.latencies:
        summary += f", p50 {real.quantile(phase.latencies, 0.5) * 1e3:.1f} ms"
        summary += f", p99 {real.quantile(phase.latencies, 0.99) * 1e3:.1f} ms"
    cpu = ", ".join(f"{k} {v:.2f}" for k, v in phase.cpu.items())
    real.log(f"  {phase.name:<11} {summary}; cpu {cpu}")
    return phase


async def written_back() -> float:
    """Write the throughput burst's dirty pages (mostly Kafka's segments, ~0.5 GB) to disk now: left to the
    kernel, they are written back 30 s later (vm.dirty_expire_centisecs), in the middle of the latency
    phase, and every PostgreSQL commit's fsync waits behind them for 0.5-0.8 s (seen in /proc/meminfo)."""
    started = time.perf_counter()
    await asyncio.to_thread(os.sync)
    seconds = time.perf_counter() - started
    real.log(f"  sync        the burst's dirty pages written back in {seconds:.1f} s")
    return seconds


async def phases_of(
    client: real.Client,
    sizes: real.Sizes,
    pids: dict[str, int | None],
    dsn: str,
    read_side: dict[str, float],
    flush: bool,
) -> list[real.Phase]:
    load = real.Load(client, slots_of(sizes))
    warm = real.Phase("warm_up")
    await measured(warm, load.closed_loop(warm, WARM_UP, sizes.throughput_deadline_s), pids)
    await real.drained(dsn, read_side)
    saturated = real.Phase("throughput")
    await measured(
        saturated, load.closed_loop(saturated, sizes.throughput, sizes.throughput_deadline_s), pids
    )
    read_side["lag_after_throughput"], read_side["drain_after_throughput"] = await real.drained(
        dsn, read_side
    )
    if flush:
        read_side["sync_after_throughput"] = await written_back()
    paced = real.Phase(f"at_{sizes.rate:.0f}")
    await measured(paced, load.open_loop(paced, sizes.rate, sizes.rate_seconds), pids)
    lost = warm.timeouts + saturated.timeouts + paced.timeouts
    if lost or client.send_errors:
        raise RuntimeError(f"{lost} commands had no reply, {client.send_errors} could not be sent")
    return [saturated, paced]


async def run(
    sizes: real.Sizes, endpoints: Any, with_relay: bool, flush: bool = True
) -> tuple[dict[str, Any], list[real.Phase]]:
    bootstrap = endpoints.kafka_bootstrap_servers
    dsn = endpoints.postgres_dsn_for(DATABASE)
    server = await fresh_database(endpoints.postgres_dsn, dsn)
    prefix = f"bench-{uuid.uuid4().hex[:8]}."
    commands_topic, events_topic = prefix + "echo.commands", prefix + "echo.events"
    await ensure_topics(bootstrap, [commands_topic], partitions=COMMAND_PARTITIONS)
    await ensure_topics(bootstrap, [events_topic])
    common = ["--bootstrap", bootstrap, "--dsn", dsn]
    service = Child([*common, "--topic", commands_topic, "--group", prefix + "echo"], "service")
    relay = Child([*common, "--topic", events_topic, "--relay"], "relay") if with_relay else None
    read_side: dict[str, float] = {}
    try:
        for child in (c for c in (relay, service) if c is not None):
            child.start()
            await child.ready()
        assert service.process is not None
        real.log(f"echo service ready (pid {service.process.pid}, log {service.log_path}); prefix {prefix}")
        pids: dict[str, int | None] = {
            "service": service.process.pid,
            **({"relay": relay.process.pid} if relay is not None and relay.process is not None else {}),
            "kafka": real.listening_pid(int(bootstrap.split(",")[0].rsplit(":", 1)[1])),
            "postgres": real.listening_pid(real.asyncpg_port(endpoints.postgres_dsn)),
        }
        async with real.Client(bootstrap, commands_topic, prefix + "bench.replies") as client:
            phases = await phases_of(client, sizes, pids, dsn, read_side, flush)
    finally:
        for child in (c for c in (service, relay) if c is not None):
            real.log(f"{child.name} stopped (exit code {child.stop()})")
    await real.batch_sizes(dsn, phases)
    await real.delete_topics(bootstrap, prefix)
    await drop_database(endpoints.postgres_dsn)
    info = {
        "variant": "echo service + relay" if with_relay else "echo service",
        "machine": real.machine_of(server, endpoints.source).replace("the service", "the echo service"),
        "guarantees": GUARANTEES.format(**server) + (RELAY_GUARANTEE if with_relay else ""),
        "revision": real.code_revision(),
        "latency_phase": "after a sync of the burst's dirty pages" if flush else "right after the burst",
        "read_side": read_side,
    }
    return info, phases


# --------------------------------------------------------------------------------------------- report


def rows_of(phases: list[real.Phase], sizes: real.Sizes, read_side: dict[str, float]) -> list[dict[str, Any]]:
    saturated, paced = phases
    rate = f"{sizes.rate:.0f}"

    def ms(values: list[float], q: float) -> float:
        return round(real.quantile(values, q) * 1e3, 2)

    def mean(values: list[int]) -> float:
        return round(sum(values) / len(values), 1) if values else 0.0

    middle = saturated.per_second[1:-1] or saturated.per_second
    rows = [
        {"name": "throughput", "unit": "commands/s", "ours": round(saturated.rate)},
        {"name": f"p50_at_{rate}", "unit": "ms", "ours": ms(paced.latencies, 0.5)},
        {"name": f"p99_at_{rate}", "unit": "ms", "ours": ms(paced.latencies, 0.99)},
        {"name": f"max_at_{rate}", "unit": "ms", "ours": ms(paced.latencies, 1.0)},
        {"name": f"offered_at_{rate}", "unit": "commands/s", "ours": round(paced.offered)},
        {"name": "throughput_min_1s", "unit": "commands/s", "ours": min(middle) if middle else 0},
        {"name": "p50_at_throughput", "unit": "ms", "ours": ms(saturated.latencies, 0.5)},
        {"name": "p99_at_throughput", "unit": "ms", "ours": ms(saturated.latencies, 0.99)},
        {"name": "batch_mean_at_throughput", "unit": "commands/transaction", "ours": mean(saturated.batches)},
        {"name": f"batch_mean_at_{rate}", "unit": "commands/transaction", "ours": mean(paced.batches)},
        {
            "name": "reply_bytes_mean_at_throughput",
            "unit": "bytes",
            "ours": round(saturated.reply_bytes / saturated.commands, 1) if saturated.commands else 0.0,
        },
    ]
    if "lag_after_throughput" in read_side and read_side.get("lag_after_throughput"):
        rows.append(
            {
                "name": "relay_lag_after_throughput",
                "unit": "events",
                "ours": round(read_side["lag_after_throughput"]),
            }
        )
        rows.append(
            {
                "name": "relay_catch_up_after_throughput",
                "unit": "s",
                "ours": round(read_side["drain_after_throughput"], 1),
            }
        )
    if "sync_after_throughput" in read_side:
        rows.append(
            {
                "name": "sync_after_throughput",
                "unit": "s",
                "ours": round(read_side["sync_after_throughput"], 1),
            }
        )
    for phase, label in ((saturated, "throughput"), (paced, rate)):
        suffix = "at_throughput" if label == "throughput" else f"at_{label}"
        for part, cores in phase.cpu.items():
            rows.append({"name": f"cpu_{part}_{suffix}", "unit": "cores", "ours": round(cores, 2)})
    return rows


def print_table(
    rows: list[dict[str, Any]], phases: list[real.Phase], sizes: real.Sizes, info: dict[str, Any]
) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"The bare pipeline's ceiling: {info['variant']} (Kafka -> PostgreSQL -> Kafka)")
    for column in ("name", "unit", "ours", "target", "met"):
        table.add_column(column, justify="left" if column in ("name", "unit") else "right")
    for row in rows:
        target, met = "", ""
        if row["name"] in real.TARGETS:
            op, value = real.TARGETS[row["name"]]
            target = f"{op} {value:,.0f}"
            met = "yes" if (row["ours"] >= value if op == ">=" else row["ours"] <= value) else "NO"
        value = row["ours"]
        table.add_row(
            row["name"],
            row["unit"],
            f"{value:,.2f}" if isinstance(value, float) else f"{value:,}",
            target,
            met,
        )
    console = Console(width=max(Console().width, 120))
    console.print(table)
    saturated, paced = phases
    console.print(
        f"Throughput: {saturated.commands:,} commands, {sizes.customers:,} outstanding, in "
        f"{saturated.seconds:.1f} s; replies per second {saturated.per_second}. Latency (open loop): "
        f"{paced.commands:,} commands at {sizes.rate:.0f}/s for {sizes.rate_seconds:.0f} s (largest send lag "
        f"{paced.send_lag_max * 1e3:.1f} ms).",
        highlight=False,
    )
    for key in ("machine", "guarantees", "revision", "latency_phase"):
        console.print(f"{key.capitalize()}: {info[key]}", highlight=False)
    busy = {
        p.name: round(p.cpu.get("other", 0.0), 2)
        for p in phases
        if p.cpu.get("other", 0.0) > real.NOISE_CORES
    }
    if busy:
        console.print(
            f"[bold red]Warning:[/] other processes used CPU during {busy} (cores): the machine was not "
            "quiet, these figures understate the ceiling; run again when it is."
        )


def write_json(path: Path, info: dict[str, Any], rows: list[dict[str, Any]], with_relay: bool) -> None:
    """The run's rows; a --with-relay run goes under "with_relay", next to the plain run's."""
    data: dict[str, Any] = {}
    if path.exists():
        with contextlib.suppress(ValueError):
            data = json.loads(path.read_text())
    entry = {**info, "rows": rows}
    if with_relay:
        data["with_relay"] = entry
    else:
        data = {**entry, **({"with_relay": data["with_relay"]} if "with_relay" in data else {})}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="The ceiling of the bare command pipeline on this machine: an echo service (its own "
        "process) consumes commands from Kafka, stores each in PostgreSQL (one transaction per batch) and "
        "replies on Kafka with the real service's settings and guarantees but no domain logic; the load "
        "generator is bench/commands.py's. Prints a table (throughput, p50/p99 at 500/s, CPU per part).",
    )
    parser.add_argument("--quick", action="store_true", help="5,000 commands for throughput, 5 s at 500/s")
    parser.add_argument("--with-relay", action="store_true", help="also a relay process publishing every row")
    parser.add_argument(
        "--no-sync",
        action="store_true",
        help="don't write the throughput burst's dirty pages back (sync) before the latency phase: the "
        "kernel then does it ~30 s after the burst, during the phase, stalling commits for ~0.5-0.8 s",
    )
    parser.add_argument("--json", metavar="PATH", type=Path, default=None, help="also write the rows as JSON")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the child processes
    parser.add_argument("--relay", action="store_true", help=argparse.SUPPRESS)
    for name in ("--bootstrap", "--dsn", "--topic", "--group", "--ready-file"):
        parser.add_argument(name, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve:
        return serve(args)
    sizes = real.QUICK if args.quick else real.DEFAULT
    logging.getLogger("aiokafka").setLevel(logging.ERROR)
    started = time.perf_counter()
    with provide("bench") as endpoints:
        real.log(f"Kafka and PostgreSQL from {endpoints.source}")
        info, phases = asyncio.run(run(sizes, endpoints, args.with_relay, not args.no_sync))
    read_side = info.pop("read_side")
    rows = rows_of(phases, sizes, read_side)
    print_table(rows, phases, sizes, info)
    real.log(f"took {time.perf_counter() - started:.0f} s")
    if args.json is not None:
        write_json(args.json, info, rows, args.with_relay)
        real.log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
