"""Benchmark: the order-draft service's command path end to end, over a real Kafka broker and PostgreSQL.

    .venv/bin/python bench/commands.py [--quick] [--json bench/results/commands.json] [--profile DIR]

What runs (infra.provide: KAFKA_BOOTSTRAP_SERVERS/POSTGRES_DSN when set, e.g. after
`export $(make -s infra-up)`, else local servers):

* setup:      a fresh database `bench_commands`; topics of a unique prefix (KAFKA_TOPIC_PREFIX); a generated
              catalog published as views on the prefix's compacted topics, as the catalog service does:
              site S1 (New Order on), N customers C0001.. (agreement, servicing location, default channel
              WEB, price list PL1 or PL2), for each a person P0001.. and user U0001.. with role L30 (sees
              money), P products X0001.. in 10 groups, all on channel WEB, 5 of them also My Products of
              each customer, a LIST price for every product, SPECIAL prices on PL1 for every third, and
              three line discounts (group, customer type, price list).
* service:    `order-draft serve` as its own process, as in production (LOG_LEVEL=WARNING), until
              GET /ready answers 200 (catalog copy caught up, command partitions assigned); SIGTERM at the
              end.
* load:       this process, one asyncio loop: an idempotent producer (acks=all, linger_ms=1) sends
              commands keyed site|customer to the prefix's command topic with `reply_to` = a reply topic
              of the bench's own, read without a consumer group; a reply is matched by its key (the
              correlation id). Latency = time the command was handed to the producer (open loop: the
              time it was due) to the time its reply came out of the reply consumer.
  1. open:        OpenDraft for every customer at once (N drafts; their ids are kept).
  2. fill:        AddLine of each draft's own L products (L = 10 by default: every draft then holds L
                  lines, and keeps them: the cost of a command grows with the lines, since every command
                  reprices the draft and its reply carries the whole draft, priced); also the warm-up, not
                  reported.
  3. throughput:  closed loop, N commands outstanding, one per draft (each draft's commands stay in
                  order): every reply releases that draft's next command, until the command count is
                  reached. Commands, on the draft's own L products: AddLine 45 % (1-5 more),
                  SetProductQuantity 45 % (1-20), SetNotes 10 %. Commands/s = replies / (last reply - first
                  send).
  4. latency:     open loop at a fixed rate, 250/s and then 500/s (the target's): commands are sent on a
                  clock, never waiting for replies, round robin over the drafts (one command per draft every
                  N/rate s); p50/p99 of the send-to-reply latency, counted from the time each was due.
  The service's read side (the drafts projection, the events and drafts relays) runs in its process and
  falls behind under load: before each phase the bench waits until every subscription has caught up with
  the log (from subscription_checkpoints), and reports the lag after the throughput phase.
  Per phase: CPU used by the service, Kafka, PostgreSQL (postmaster and backends), this load generator,
  kernel interrupts and anything else (from /proc), and the commands per PostgreSQL transaction (the
  group-commit batch, from the events' transaction ids).

The service, Kafka, PostgreSQL and this load generator share the machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import math
import os
import platform
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from common.machine import machine, server_facts

from contracts import catalog as c
from contracts import topics
from contracts.catalog.kinds import KINDS
from contracts.envelope import Actor
from contracts.order_draft import commands as cmd
from infra import provide
from infra.endpoints import free_port, run_root
from order_draft.kafka.topics import ensure_topics

DATABASE = "bench_commands"
SITE = "S1"
REVISION = 1
SINCE = dt.date(2020, 1, 1)
OWN_PRODUCTS = 5  # My Products rows per customer
REPLY_PARTITIONS = 3
REPLY_TIMEOUT_S = 60.0
CPU_PARTS = ("service", "kafka", "postgres", "bench", "kernel", "other", "idle")
NOISE_CORES = 0.15  # CPU used by processes that are none of the measured parts, above which we warn
READY_TIMEOUT_S = 180.0
GUARANTEES = (
    "PostgreSQL fsync={fsync} synchronous_commit={synchronous_commit}: "
    "a batch's events, command ids and replies (an acceptance without its draft) are one durable "
    "transaction (group commit); replies are published with acks=all (idempotent producer), and the next "
    "batch is decided while they are in flight; a batch's command offsets are committed, explicitly, only "
    "once its replies and every earlier batch's are acknowledged (one commit at a time, at most every "
    "100 ms, covering all of those); the outbox relay publishes every event (acks=all) from the log; "
    "the load generator's producer is idempotent with acks=all. Kafka: one broker, replication factor 1, "
    "its default flush policy (the page cache, no fsync per write)"
)


# --------------------------------------------------------------------------------------------- sizes


@dataclass(frozen=True)
class Sizes:
    customers: int
    products: int
    lines: int  # lines on every draft, from the fill on (the cost of a command grows with them)
    throughput: int  # commands, closed loop
    throughput_deadline_s: float
    rate: float  # commands/s offered in the latency phase (the target's)
    rate_seconds: float
    low_rate: float  # commands/s offered in a second latency phase, below the service's capacity
    low_rate_seconds: float


DEFAULT = Sizes(
    customers=1000,
    products=300,
    lines=10,
    throughput=60_000,
    throughput_deadline_s=180.0,
    rate=500.0,
    rate_seconds=20.0,
    low_rate=250.0,
    low_rate_seconds=10.0,
)
QUICK = Sizes(
    customers=1000,
    products=300,
    lines=10,
    throughput=5_000,
    throughput_deadline_s=60.0,
    rate=500.0,
    rate_seconds=5.0,
    low_rate=250.0,
    low_rate_seconds=4.0,
)


# --------------------------------------------------------------------------------------------- catalog


def customer_code(i: int) -> str:
    return f"C{i:04d}"


def user_code(i: int) -> str:
    return f"U{i:04d}"


def product_code(i: int) -> str:
    return f"X{i:04d}"


def catalog_records(customers: int, products: int) -> list[c.Record]:
    """The catalog the commands need, in KINDS order (referenced kinds first)."""
    groups = [f"G{g:02d}" for g in range(1, 11)]
    out: list[c.Record] = [
        c.EnterpriseCompany(code="EC", name="Supplier"),
        c.CompanyLocation(company="EC", code="LOC1", name="Main warehouse"),
        c.DocumentType(code="SO", name="Sales order", sales_order=True),
        c.Channel(code="CC", name="Client Center"),
        c.Channel(code="WEB", name="Online store"),
        c.Site(
            code=SITE,
            name="Portal",
            enterprise_company="EC",
            settings=c.SiteSettings(
                is_new_order_enabled=True,
                new_order_document_type="SO",
                time_zone="Europe/Sofia",
                default_store="ST1",
            ),
        ),
        c.PriceType(code="LIST", name="List", position=10),
        c.PriceType(code="SPECIAL", name="Special", position=5),
        c.PriceList(code="PL1", name="Agreement 1", from_date=SINCE),
        c.PriceList(code="PL2", name="Agreement 2", from_date=SINCE),
        c.ProductGroup(code="ALL", name="Everything"),
        *(c.ProductGroup(code=g, name=f"Group {g}", parent="ALL") for g in groups),
    ]
    for i in range(1, customers + 1):
        code = customer_code(i)
        out.append(
            c.Customer(
                code=code,
                name=f"Customer {code}",
                agreements=("EC",),
                servicing_company="EC",
                servicing_location="LOC1",
                default_channel="WEB",
                customer_type="RETAIL" if i % 2 else "WHOLESALE",
                target_groups=("VIP",) if i % 10 == 0 else (),
                price_list="PL1" if i % 2 else "PL2",
            )
        )
    for i in range(1, customers + 1):
        out.append(c.Person(code=f"P{i:04d}", name=f"Buyer {i}", parent_party=customer_code(i)))
    for i in range(1, customers + 1):
        out.append(c.User(code=user_code(i), name=f"buyer{i}", person=f"P{i:04d}"))
    for i in range(1, customers + 1):
        out.append(
            c.ExternalAccess(user=user_code(i), customer=customer_code(i), role="L30", days_back_access=30)
        )
    for p in range(1, products + 1):
        out.append(
            c.Product(code=product_code(p), name=f"Product {p}", unit="PCS", product_group=groups[p % 10])
        )
    for i in range(1, customers + 1):
        for k in range(OWN_PRODUCTS):
            p = 1 + (i * 7 + k * 13) % products
            out.append(
                c.CustomerProduct(customer=customer_code(i), product_code=product_code(p), from_date=SINCE)
            )
    for p in range(1, products + 1):
        out.append(c.ChannelProduct(channel="WEB", product_code=product_code(p), from_date=SINCE))
    for p in range(1, products + 1):
        amount = Decimal(100 + (p * 37) % 9900) / 100
        out.append(
            c.PriceEntry(
                id=f"L-{product_code(p)}",
                product_code=product_code(p),
                price_type="LIST",
                price=amount,
                currency="EUR",
                from_date=SINCE,
            )
        )
        if p % 3 == 0:
            out.append(
                c.PriceEntry(
                    id=f"S-{product_code(p)}",
                    product_code=product_code(p),
                    price_type="SPECIAL",
                    price=(amount * Decimal("0.9")).quantize(Decimal("0.01")),
                    currency="EUR",
                    from_date=SINCE,
                    price_list="PL1",
                )
            )
    out += [
        c.LineDiscount(id="D-G01", level=1, percent=Decimal("0.10"), from_date=SINCE, product_group="G01"),
        c.LineDiscount(
            id="D-WHOLESALE", level=2, percent=Decimal("0.03"), from_date=SINCE, customer_type="WHOLESALE"
        ),
        c.LineDiscount(id="D-PL2", level=1, percent=Decimal("0.05"), from_date=SINCE, price_list="PL2"),
    ]
    return out


async def publish_catalog(bootstrap: str, prefix: str, records: list[c.Record]) -> None:
    await ensure_topics(bootstrap, {prefix + kind.topic for kind in KINDS.values()}, compact=True)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        sent = []
        for record in records:
            kind = KINDS[record.kind]
            view = kind.view(catalog_revision=REVISION, record=record)
            value = view.model_dump_json().encode()
            sent.append(await producer.send(prefix + kind.topic, value, key=record.key().encode()))
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


# --------------------------------------------------------------------------------------------- CPU


def _stat(pid: int) -> tuple[int, int, int, int, int] | None:
    """(ppid, utime, stime, cutime, cstime) in clock ticks, or None if the process is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    rest = raw.rsplit(")", 1)[1].split()
    return int(rest[1]), int(rest[11]), int(rest[12]), int(rest[13]), int(rest[14])


def _all_stats() -> dict[int, tuple[int, int, int, int, int]]:
    out = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (found := _stat(int(entry.name))) is not None:
            out[int(entry.name)] = found
    return out


def tree_ticks(root: int | None, stats: dict[int, tuple[int, int, int, int, int]]) -> int:
    """CPU ticks of a process, its waited-for children (PostgreSQL's ended backends) and live descendants."""
    if root is None or root not in stats:
        return 0
    _, user, system, child_user, child_system = stats[root]
    total = user + system + child_user + child_system
    children: dict[int, list[int]] = {}
    for pid, (ppid, *_) in stats.items():
        children.setdefault(ppid, []).append(pid)
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        total += stats[pid][1] + stats[pid][2]
        todo += children.get(pid, [])
    return total


def listening_pid(port: int) -> int | None:
    """The process listening on a local TCP port (None if it is not ours to see, e.g. in a container)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{parts[9]}]")
    if not inodes:
        return None
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in os.scandir(f"/proc/{entry.name}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(fd.path) in inodes:
                        return int(entry.name)
    return None


def machine_ticks() -> tuple[int, int]:
    """(process time: user + nice + system, kernel time on no process' account: irq + softirq + steal)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return fields[0] + fields[1] + fields[2], fields[5] + fields[6] + fields[7]


@dataclass
class CpuWatch:
    """CPU used by each part between two snapshots, in cores (CPU seconds per wall second)."""

    pids: dict[str, int | None]
    started: tuple[float, dict[str, int], tuple[int, int], float] | None = None

    def _snapshot(self) -> tuple[float, dict[str, int], tuple[int, int], float]:
        stats = _all_stats()
        parts = {name: tree_ticks(pid, stats) for name, pid in self.pids.items()}
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return time.perf_counter(), parts, machine_ticks(), usage.ru_utime + usage.ru_stime

    def start(self) -> None:
        self.started = self._snapshot()

    def stop(self) -> dict[str, float]:
        """service, kafka, postgres, bench; other (processes that are none of these); kernel (interrupts,
        mostly the loopback network, and time stolen by the hypervisor); idle."""
        assert self.started is not None
        t0, parts0, (processes0, kernel0), bench0 = self.started
        t1, parts1, (processes1, kernel1), bench1 = self._snapshot()
        tick, wall = os.sysconf("SC_CLK_TCK"), t1 - t0
        out = {name: (parts1[name] - parts0[name]) / tick / wall for name in self.pids}
        out["bench"] = (bench1 - bench0) / wall
        processes, kernel = (processes1 - processes0) / tick / wall, (kernel1 - kernel0) / tick / wall
        out["other"] = max(0.0, processes - sum(out.values()))
        out["kernel"] = kernel
        out["idle"] = max(0.0, (os.cpu_count() or 1) - processes - kernel)
        return out


# --------------------------------------------------------------------------------------------- service


@dataclass
class ServiceProcess:
    env: dict[str, str]
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        script = Path(sys.executable).with_name("order-draft")
        argv = [str(script), "serve"] if script.exists() else [sys.executable, "-m", "order_draft", "serve"]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(
                argv,
                env={**os.environ, **self.env},
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    async def ready(self, timeout: float = READY_TIMEOUT_S) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}/ready"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the service exited with {self.process.returncode}:\n{self.log_tail()}")
            if await asyncio.to_thread(_status, url) == 200:
                return
            await asyncio.sleep(0.25)
        raise RuntimeError(f"the service was not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self, timeout: float = 30.0) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(10)

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return None


# --------------------------------------------------------------------------------------------- client


@dataclass(slots=True)
class Pending:
    sent: float
    future: asyncio.Future[tuple[float, bytes]]


@dataclass(frozen=True, slots=True)
class Prepared:
    reply_key: bytes
    key: bytes
    value: bytes


@dataclass
class Slot:
    """One customer's draft: who acts on it, and its products (one line each, once filled)."""

    index: int
    actor: Actor
    products: list[str]
    draft_id: uuid.UUID | None = None
    filled: int = 0  # lines added so far


class Client:
    """Sends commands on the command topic and matches replies by key (the correlation id)."""

    def __init__(self, bootstrap: str, commands_topic: str, reply_topic: str) -> None:
        self.bootstrap = bootstrap
        self.commands_topic = commands_topic
        self.reply_topic = reply_topic
        self.pending: dict[bytes, Pending] = {}
        self.replied: list[float] = []  # receive time of every reply, for the per-second timeline
        self.unmatched = 0
        self.send_errors = 0

    async def __aenter__(self) -> Client:
        await ensure_topics(self.bootstrap, [self.reply_topic], partitions=REPLY_PARTITIONS)
        self.producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap, enable_idempotence=True, acks="all", linger_ms=1
        )
        await self.producer.start()
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, enable_auto_commit=False, fetch_max_wait_ms=50
        )
        await self.consumer.start()
        partitions = [TopicPartition(self.reply_topic, p) for p in range(REPLY_PARTITIONS)]
        self.consumer.assign(partitions)
        await self.consumer.seek_to_end(*partitions)
        for tp in partitions:
            await self.consumer.position(tp)  # resolve the end now, before any command is sent
        self._reading = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reading
        await self.consumer.stop()
        await self.producer.stop()

    async def _read(self) -> None:
        while True:
            pages = await self.consumer.getmany(timeout_ms=100)
            now = time.perf_counter()
            for records in pages.values():
                for record in records:
                    waiting = self.pending.pop(record.key or b"", None)
                    if waiting is None:
                        self.unmatched += 1
                    elif not waiting.future.done():
                        waiting.future.set_result((now, record.value or b""))
                    self.replied.append(now)

    def prepare(self, command: Any) -> Prepared:
        """A command as it goes on the wire: its reply key (the correlation id), partition key, bytes."""
        command = command.model_copy(update={"reply_to": self.reply_topic})
        return Prepared(
            str(command.correlation_id).encode(),
            command.partition_key().encode(),
            command.model_dump_json().encode(),
        )

    async def send(self, command: Any | Prepared, sent: float | None = None) -> Pending:
        """Hand a command to the producer; the returned future resolves with (receive time, reply)."""
        prepared = command if isinstance(command, Prepared) else self.prepare(command)
        waiting = Pending(
            time.perf_counter() if sent is None else sent, asyncio.get_running_loop().create_future()
        )
        self.pending[prepared.reply_key] = waiting
        delivery = await self.producer.send(self.commands_topic, prepared.value, key=prepared.key)
        delivery.add_done_callback(self._delivered)
        return waiting

    def _delivered(self, delivery: asyncio.Future[Any]) -> None:
        if delivery.cancelled() or delivery.exception() is not None:
            self.send_errors += 1


@dataclass
class Phase:
    name: str
    commands: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds
    outcomes: Counter[str] = field(default_factory=Counter)
    timeouts: int = 0
    cpu: dict[str, float] = field(default_factory=dict)
    wall: tuple[dt.datetime, dt.datetime] | None = None  # for the per-transaction batch sizes
    batches: list[int] = field(default_factory=list)
    per_second: list[int] = field(default_factory=list)
    offered: float = 0.0  # open loop: the rate actually offered
    send_lag_max: float = 0.0  # open loop: the largest delay of a send behind its due time
    reply_bytes: int = 0
    lines: int = 0  # lines of the drafts in the replies, summed

    @property
    def rate(self) -> float:
        return self.commands / self.seconds if self.seconds else 0.0

    def record(self, latency: float, reply: bytes) -> None:
        parsed = orjson.loads(reply)
        accepted = parsed.get("type") == "Accepted"
        self.outcomes["Accepted" if accepted else f"{parsed.get('type')}:{parsed.get('code')}"] += 1
        self.latencies.append(latency)
        self.reply_bytes += len(reply)
        self.lines += len(parsed["draft"]["lines"]) if accepted else 0


class Load:
    def __init__(self, client: Client, slots: list[Slot], seed: int = 7) -> None:
        self.client = client
        self.slots = slots
        self.rng = random.Random(seed)

    def edit(self, slot: Slot) -> Any:
        """The draft's next product while it is being filled; then an edit that keeps its lines."""
        common: dict[str, Any] = {"actor": slot.actor, "site": SITE, "draft_id": slot.draft_id}
        rng = self.rng
        if slot.filled < len(slot.products):
            slot.filled += 1
            code = slot.products[slot.filled - 1]
            return cmd.AddLine(**common, product_code=code, quantity=Decimal(rng.randint(1, 5)))
        code = rng.choice(slot.products)
        roll = rng.random()
        if roll < 0.45:
            return cmd.AddLine(**common, product_code=code, quantity=Decimal(rng.randint(1, 5)))
        if roll < 0.90:
            return cmd.SetProductQuantity(
                **common, product_code=code, quantity=Decimal(rng.randint(1, 20)), source="default-channel"
            )
        return cmd.SetNotes(**common, notes=f"Gate {rng.randint(1, 9)}, deliver before noon")

    async def open_drafts(self, phase: Phase) -> None:
        started = time.perf_counter()
        sent = [
            (slot, await self.client.send(cmd.OpenDraft(actor=slot.actor, site=SITE))) for slot in self.slots
        ]
        for slot, waiting in sent:
            try:
                received, reply = await asyncio.wait_for(asyncio.shield(waiting.future), REPLY_TIMEOUT_S)
            except TimeoutError:
                phase.timeouts += 1
                continue
            parsed = orjson.loads(reply)
            if parsed.get("type") != "Accepted":
                raise RuntimeError(f"OpenDraft for {slot.actor.customer_id} was refused: {parsed}")
            slot.draft_id = uuid.UUID(parsed["draft_id"])
            phase.latencies.append(received - waiting.sent)
            phase.outcomes["Accepted"] += 1
        phase.commands = len(phase.latencies)
        phase.seconds = time.perf_counter() - started
        if phase.timeouts:
            raise RuntimeError(f"{phase.timeouts} OpenDraft commands had no reply in {REPLY_TIMEOUT_S:.0f} s")

    async def closed_loop(self, phase: Phase, total: int, deadline_s: float) -> None:
        """Every draft has one command outstanding; its reply releases the draft's next one."""
        issued = 0
        started = time.perf_counter()
        deadline = started + deadline_s
        last = started

        async def worker(slot: Slot) -> None:
            nonlocal issued, last
            while issued < total and time.perf_counter() < deadline:
                issued += 1
                waiting = await self.client.send(self.edit(slot))
                try:
                    received, reply = await asyncio.wait_for(waiting.future, REPLY_TIMEOUT_S)
                except TimeoutError:
                    phase.timeouts += 1
                    return
                phase.record(received - waiting.sent, reply)
                last = max(last, received)

        first_reply = len(self.client.replied)
        await asyncio.gather(*(worker(slot) for slot in self.slots))
        phase.commands = len(phase.latencies)
        phase.seconds = last - started
        phase.per_second = per_second(self.client.replied[first_reply:], started)

    async def open_loop(self, phase: Phase, rate: float, seconds: float) -> None:
        """Commands on a clock (rate/s), never waiting for replies; latency counts from the due time."""
        count = int(rate * seconds)
        order = list(self.slots)
        self.rng.shuffle(order)
        # Built and serialised before the clock starts: the load generator shares the cores with the
        # service, and what it spends on pydantic during the phase is CPU the service does not get.
        commands = [self.client.prepare(self.edit(order[i % len(order)])) for i in range(count)]
        sent: list[Pending] = []
        started = time.perf_counter() + 0.01
        for i, command in enumerate(commands):
            due = started + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                phase.send_lag_max = max(phase.send_lag_max, -delay)
            sent.append(await self.client.send(command, sent=due))
        phase.offered = count / (time.perf_counter() - started)
        deadline = time.perf_counter() + REPLY_TIMEOUT_S
        for waiting in sent:
            try:
                received, reply = await asyncio.wait_for(
                    asyncio.shield(waiting.future), max(0.0, deadline - time.perf_counter())
                )
            except TimeoutError:
                phase.timeouts += 1
                continue
            phase.record(received - waiting.sent, reply)
        phase.commands = len(phase.latencies)
        phase.seconds = seconds


def per_second(times: list[float], started: float) -> list[int]:
    if not times:
        return []
    buckets = [0] * (int(max(times) - started) + 1)
    for t in times:
        buckets[max(0, int(t - started))] += 1
    return buckets


def quantile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


# --------------------------------------------------------------------------------------------- running


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def fresh_database(admin_dsn: str) -> dict[str, Any]:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        await conn.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        await conn.close()
    return await server_facts(admin_dsn)


LAG = "SELECT count(*) FROM events WHERE (transaction_id, global_position) > ($1::bigint::text::xid8, $2)"


async def drained(dsn: str, read_side: dict[str, float], timeout: float = 180.0) -> tuple[float, float]:
    """Wait until every subscription (drafts projection, events relay, drafts relay) has caught up with the
    log: (the largest lag in events when called, seconds it took)."""
    conn = await asyncpg.connect(dsn)
    started, first = time.perf_counter(), None
    try:
        while True:
            rows = await conn.fetch("SELECT transaction_id, global_position FROM subscription_checkpoints")
            lag = max([int(await conn.fetchval(LAG, r[0], r[1])) for r in rows], default=0)
            first = lag if first is None else first
            if lag == 0 or time.perf_counter() - started > timeout:
                break
            await asyncio.sleep(0.5)
    finally:
        await conn.close()
    seconds = time.perf_counter() - started
    if first:
        log(f"  read side   {first:,} events behind, caught up in {seconds:.1f} s")
    read_side["drain_total_s"] = read_side.get("drain_total_s", 0.0) + seconds
    return float(first or 0), seconds


async def written_back(read_side: dict[str, float], sync: bool) -> None:
    """Write the page cache's dirty data to disk before a latency phase (`os.sync()`): the throughput
    burst leaves ~0.6 GB of it (Kafka's segments, mostly the 4.5 KB replies), which the kernel writes back
    30 s later (`vm.dirty_expire_centisecs`), and every commit's fsync then waits behind it for 0.5-0.8 s
    (bench/pipeline_ceiling.py found it; bench/disk_fsync.py measures the disk). Under steady load the
    write-back is a steady flow, not one burst: without this step the 250/s phase measured the previous
    phase's write-back, not its own rate (its p99 was above the one at 500/s)."""
    if not sync:
        return
    started = time.perf_counter()
    await asyncio.to_thread(os.sync)
    seconds = time.perf_counter() - started
    read_side["sync_before_latency_s"] = read_side.get("sync_before_latency_s", 0.0) + seconds
    log(f"  dirty pages written back in {seconds:.1f} s")


async def batch_sizes(dsn: str, phases: list[Phase]) -> None:
    """Commands per transaction (events carry their transaction's id; edits without events don't count)."""
    conn = await asyncpg.connect(dsn)
    try:
        for phase in phases:
            if phase.wall is None:
                continue
            rows = await conn.fetch(
                "SELECT count(DISTINCT metadata->>'command_id') FROM events "
                "WHERE recorded_at BETWEEN $1 AND $2 GROUP BY transaction_id",
                *phase.wall,
            )
            phase.batches = [int(r[0]) for r in rows]
    finally:
        await conn.close()


async def delete_topics(bootstrap: str, prefix: str) -> None:
    """The prefix's topics, and the service's consumer groups (commands, queries)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        ours = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if ours:
            await admin.delete_topics(ours)
        with contextlib.suppress(Exception):
            groups = [str(g[0]) for g in await admin.list_consumer_groups()]
            ours = [g for g in groups if g.startswith(prefix)]
            if ours:
                await admin.delete_consumer_groups(ours)
    finally:
        await admin.close()


def machine_of(server: dict[str, Any], source: str) -> str:
    return (
        f"{machine(server, source)}; Kafka from {source} on the same host; the cores are shared by the "
        f"service, Kafka, PostgreSQL and the load generator; Python {platform.python_version()}"
    )


class Profiler:
    """py-spy on the service's processes during one phase (when asked for and installed)."""

    def __init__(self, directory: Path | None, pids: dict[str, int]) -> None:
        self.directory, self.pids = directory, pids
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, name: str) -> None:
        if self.directory is None:
            return
        spy = os.environ.get("PY_SPY") or shutil.which("py-spy")
        if spy is None:
            log("--profile: py-spy not found (PATH or PY_SPY); no profile")
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        for part, pid in self.pids.items():
            target = self.directory / (f"{name}.txt" if part == "service" else f"{name}.{part}.txt")
            argv = [spy, "record", "--pid", str(pid), "--rate", "200", "--nonblocking"]
            self.processes.append(
                subprocess.Popen(
                    [*argv, "--format", "raw", "--output", str(target)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            log(f"  profiling the {part} into {target}")

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGINT)
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(30)
            if process.poll() is None:
                process.kill()
        self.processes = []


async def run(
    sizes: Sizes,
    endpoints: Any,
    profile: Path | None,
    keep: bool,
    log_level: str,
    split: bool = False,
    sync: bool = True,
) -> tuple[dict[str, Any], list[Phase]]:
    bootstrap = endpoints.kafka_bootstrap_servers
    server = await fresh_database(endpoints.postgres_dsn)
    dsn = endpoints.postgres_dsn_for(DATABASE)
    prefix = f"bench-{uuid.uuid4().hex[:8]}."
    records = catalog_records(sizes.customers, sizes.products)
    started = time.perf_counter()
    await publish_catalog(bootstrap, prefix, records)
    log(
        f"catalog: {len(records):,} records published in {time.perf_counter() - started:.1f} s "
        f"(prefix {prefix})"
    )

    def process(roles: str) -> ServiceProcess:
        port = free_port()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        return ServiceProcess(
            env={
                "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
                "POSTGRES_DSN": dsn,
                "HTTP_HOST": "127.0.0.1",
                "HTTP_PORT": str(port),
                "KAFKA_TOPIC_PREFIX": prefix,
                "LOG_LEVEL": log_level,
                "ORDER_DRAFT_ROLES": roles,
            },
            port=port,
            log_path=run_root() / "logs" / f"bench-commands-{roles.replace(',', '-')}-{stamp}.log",
        )

    # --split: the command loop in one process, the read side (relays, projection, queries) in another
    service = process("commands" if split else "commands,read")
    read_side_process = process("read") if split else None
    phases: list[Phase] = []
    read_side: dict[str, float] = {}
    try:
        started = time.perf_counter()
        service.start()
        if read_side_process is not None:
            read_side_process.start()
            await read_side_process.ready()
        await service.ready()
        assert service.process is not None
        log(
            f"service ready in {time.perf_counter() - started:.1f} s (pid {service.process.pid}, "
            f"log {service.log_path})"
        )
        pids = {
            "service": service.process.pid,
            **(
                {"read_process": read_side_process.process.pid}
                if read_side_process and read_side_process.process
                else {}
            ),
            "kafka": listening_pid(int(bootstrap.split(",")[0].rsplit(":", 1)[1])),
            "postgres": listening_pid(int(asyncpg_port(endpoints.postgres_dsn))),
        }
        profiled = {k: v for k, v in pids.items() if k in ("service", "read_process") and v}
        profiler = Profiler(profile, profiled)
        rng = random.Random(11)
        slots = [
            Slot(
                index=i,
                actor=Actor(user_id=user_code(i), customer_id=customer_code(i)),
                products=[product_code(p) for p in rng.sample(range(1, sizes.products + 1), sizes.lines)],
            )
            for i in range(1, sizes.customers + 1)
        ]
        reply_topic = prefix + "bench.replies"
        async with Client(bootstrap, prefix + topics.ORDER_DRAFT_COMMANDS, reply_topic) as client:
            load = Load(client, slots)

            async def measured(phase: Phase, body: Any) -> Phase:
                watch = CpuWatch(pids)
                since = dt.datetime.now(dt.UTC)
                watch.start()
                profiler.start(phase.name)
                try:
                    await body
                finally:
                    profiler.stop()
                phase.cpu = watch.stop()
                phase.wall = (since, dt.datetime.now(dt.UTC))
                phases.append(phase)
                summary = f"{phase.commands:,} commands, {phase.rate:,.0f}/s"
                if phase.latencies:
                    summary += f", p50 {quantile(phase.latencies, 0.5) * 1e3:.1f} ms"
                    summary += f", p99 {quantile(phase.latencies, 0.99) * 1e3:.1f} ms"
                log(f"  {phase.name:<11} {summary}; outcomes {dict(phase.outcomes)}")
                return phase

            opened = Phase("open")
            await measured(opened, load.open_drafts(opened))
            fill = Phase("fill")  # every draft gets its lines (and everything warms up); not reported
            fill_commands = sizes.customers * sizes.lines
            await measured(fill, load.closed_loop(fill, fill_commands, sizes.throughput_deadline_s))
            phases.remove(fill)
            await drained(dsn, read_side)
            saturated = Phase("throughput")
            await measured(
                saturated, load.closed_loop(saturated, sizes.throughput, sizes.throughput_deadline_s)
            )
            # The read side (projection, relays) runs in the service's process and falls behind under
            # load; each latency phase starts once it has caught up.
            read_side["lag_after_throughput"], read_side["drain_after_throughput"] = await drained(
                dsn, read_side
            )
            await written_back(read_side, sync)
            low = Phase(f"at_{sizes.low_rate:.0f}")
            await measured(low, load.open_loop(low, sizes.low_rate, sizes.low_rate_seconds))
            await drained(dsn, read_side)
            await written_back(read_side, sync)
            paced = Phase(f"at_{sizes.rate:.0f}")
            await measured(paced, load.open_loop(paced, sizes.rate, sizes.rate_seconds))
            lost = sum(p.timeouts for p in phases)
            if lost or client.send_errors:
                raise RuntimeError(f"{lost} commands had no reply, {client.send_errors} could not be sent")
    finally:
        code = service.stop()
        log(f"service stopped (exit code {code})")
        if read_side_process is not None:
            log(f"read-side process stopped (exit code {read_side_process.stop()})")
    await batch_sizes(dsn, phases)
    if not keep:
        await delete_topics(bootstrap, prefix)
        conn = await asyncpg.connect(endpoints.postgres_dsn)
        try:
            await conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        finally:
            await conn.close()
    info = {
        "read_side": read_side,
        "machine": machine_of(server, endpoints.source),
        "guarantees": GUARANTEES.format(**server),
        "revision": code_revision(),
    }
    return info, phases


def code_revision() -> str:
    """The commit measured, and whether the service's files differed from it (others edit meanwhile)."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "services", "contracts"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} (with uncommitted changes under services/ or contracts/)" if dirty else head


def asyncpg_port(dsn: str) -> int:
    return urlsplit(dsn).port or 5432


# --------------------------------------------------------------------------------------------- report


def rows_of(phases: list[Phase], sizes: Sizes, read_side: dict[str, float]) -> list[dict[str, Any]]:
    by = {p.name: p for p in phases}
    opened, saturated, paced = by["open"], by["throughput"], by[f"at_{sizes.rate:.0f}"]
    low = by[f"at_{sizes.low_rate:.0f}"]
    rate, low_rate = f"{sizes.rate:.0f}", f"{sizes.low_rate:.0f}"

    def ms(values: list[float], q: float) -> float:
        return round(quantile(values, q) * 1e3, 2)

    def mean(values: list[int]) -> float:
        return round(sum(values) / len(values), 1) if values else 0.0

    def per(total: int, phase: Phase) -> float:
        return round(total / phase.commands, 1) if phase.commands else 0.0

    middle = saturated.per_second[1:-1] or saturated.per_second
    read_lag = read_side.get("lag_after_throughput", 0.0)
    read_drain = read_side.get("drain_after_throughput", 0.0)
    rows = [
        {"name": "throughput", "unit": "commands/s", "ours": round(saturated.rate)},
        {"name": f"p50_at_{rate}", "unit": "ms", "ours": ms(paced.latencies, 0.5)},
        {"name": f"p99_at_{rate}", "unit": "ms", "ours": ms(paced.latencies, 0.99)},
        {"name": f"max_at_{rate}", "unit": "ms", "ours": ms(paced.latencies, 1.0)},
        {"name": f"offered_at_{rate}", "unit": "commands/s", "ours": round(paced.offered)},
        {"name": f"p50_at_{low_rate}", "unit": "ms", "ours": ms(low.latencies, 0.5)},
        {"name": f"p99_at_{low_rate}", "unit": "ms", "ours": ms(low.latencies, 0.99)},
        {"name": f"batch_mean_at_{low_rate}", "unit": "commands/transaction", "ours": mean(low.batches)},
        {"name": "throughput_min_1s", "unit": "commands/s", "ours": min(middle) if middle else 0},
        {"name": "p50_at_throughput", "unit": "ms", "ours": ms(saturated.latencies, 0.5)},
        {"name": "p99_at_throughput", "unit": "ms", "ours": ms(saturated.latencies, 0.99)},
        {"name": "open_drafts", "unit": "commands/s", "ours": round(opened.rate)},
        {"name": "batch_mean_at_throughput", "unit": "commands/transaction", "ours": mean(saturated.batches)},
        {"name": f"batch_mean_at_{rate}", "unit": "commands/transaction", "ours": mean(paced.batches)},
        {"name": "draft_lines_mean_at_throughput", "unit": "lines", "ours": per(saturated.lines, saturated)},
        {"name": f"draft_lines_mean_at_{rate}", "unit": "lines", "ours": per(paced.lines, paced)},
        {
            "name": "reply_bytes_mean_at_throughput",
            "unit": "bytes",
            "ours": per(saturated.reply_bytes, saturated),
        },
        {"name": "read_side_lag_after_throughput", "unit": "events", "ours": round(read_lag)},
        {"name": "read_side_catch_up_after_throughput", "unit": "s", "ours": round(read_drain, 1)},
    ]
    parts = [p for p in (*CPU_PARTS, "read_process") if p in saturated.cpu]  # read_process with --split
    for part in parts:
        rows.append(
            {"name": f"cpu_{part}_at_throughput", "unit": "cores", "ours": round(saturated.cpu[part], 2)}
        )
    for part in parts:
        rows.append({"name": f"cpu_{part}_at_{rate}", "unit": "cores", "ours": round(paced.cpu[part], 2)})
    return rows


TARGETS = {"throughput": (">=", 3000.0), "p99_at_500": ("<=", 25.0)}


def print_table(rows: list[dict[str, Any]], phases: list[Phase], sizes: Sizes, info: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="order-draft command path over Kafka and PostgreSQL (end to end)")
    for column in ("name", "unit", "ours", "target", "met"):
        table.add_column(column, justify="left" if column in ("name", "unit") else "right")
    for row in rows:
        target, met = "", ""
        if row["name"] in TARGETS:
            op, value = TARGETS[row["name"]]
            target = f"{op} {value:,.0f}"
            met = "yes" if (row["ours"] >= value if op == ">=" else row["ours"] <= value) else "NO"
        value = row["ours"]
        shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
        table.add_row(row["name"], row["unit"], shown, target, met)
    console = Console()
    if console.width < 120:
        console = Console(width=120)
    console.print(table)
    by = {p.name: p for p in phases}
    saturated, paced, low = by["throughput"], by[f"at_{sizes.rate:.0f}"], by[f"at_{sizes.low_rate:.0f}"]
    batches = sorted(saturated.batches)
    console.print(
        f"{sizes.customers:,} drafts (one per customer), {sizes.products} products, {sizes.lines} lines on "
        f"every draft. Throughput: {saturated.commands:,} commands, {sizes.customers:,} outstanding, in "
        f"{saturated.seconds:.1f} s; replies per second {saturated.per_second}; commands per transaction "
        f"p50 {quantile([float(b) for b in batches], 0.5):.0f}, max {max(batches, default=0)} over "
        f"{len(batches)} transactions. Latency (open loop): {paced.commands:,} commands at "
        f"{sizes.rate:.0f}/s for {sizes.rate_seconds:.0f} s (largest send lag {paced.send_lag_max * 1e3:.1f} "
        f"ms), {low.commands:,} at {sizes.low_rate:.0f}/s for {sizes.low_rate_seconds:.0f} s. "
        f"Outcomes: throughput {dict(saturated.outcomes)}, latency {dict(paced.outcomes)}.",
        highlight=False,
    )
    console.print(f"Machine: {info['machine']}", highlight=False)
    console.print(f"Guarantees: {info['guarantees']}", highlight=False)
    console.print(f"Code: {info['revision']}", highlight=False)
    busy = {
        p.name: round(p.cpu.get("other", 0.0), 2) for p in phases if p.cpu.get("other", 0.0) > NOISE_CORES
    }
    refused = {p.name: sum(n for o, n in p.outcomes.items() if o != "Accepted") for p in phases}
    if any(refused.values()):
        console.print(
            f"[bold red]Warning:[/] commands were refused {refused}: the load is not what it should be "
            "(every command of it is meant to be accepted); see the outcomes above."
        )
    if busy:
        console.print(
            f"[bold red]Warning:[/] other processes used CPU during {busy} (cores): the machine was not "
            "quiet, these figures understate the service; run again when it is."
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="End-to-end benchmark of the order-draft service's command path: `order-draft serve` "
        "runs as its own process against Kafka and PostgreSQL (POSTGRES_DSN/KAFKA_BOOTSTRAP_SERVERS, else "
        "started locally by infra.provide); this process publishes a catalog of 1,000 customers, opens one "
        "draft per customer, then measures commands/s with 1,000 commands outstanding (one per draft) and "
        "the send-to-reply latency (p50/p99) at 500 commands/s offered, open loop. Prints a table.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a short run (about 45 s, most of it filling the drafts: {QUICK.customers * QUICK.lines:,} "
        f"AddLine): {QUICK.throughput:,} commands for throughput, {QUICK.low_rate_seconds:.0f} s at "
        f"{QUICK.low_rate:.0f}/s, {QUICK.rate_seconds:.0f} s at {QUICK.rate:.0f}/s (default: "
        f"{DEFAULT.throughput:,} commands, {DEFAULT.low_rate_seconds:.0f} s, {DEFAULT.rate_seconds:.0f} s; "
        "about 3 minutes at ~450 commands/s)",
    )
    parser.add_argument(
        "--json",
        metavar="PATH",
        type=Path,
        default=None,
        help="also write the results as JSON to PATH: {machine, guarantees, rows: [{name, unit, ours}]}",
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        type=Path,
        default=None,
        help="record the service with py-spy (PATH or $PY_SPY) during each phase, as collapsed stacks "
        "DIR/<phase>.txt (with --split, the read process's as DIR/<phase>.read_process.txt; py-spy "
        "takes some CPU of its own: don't record figures with it)",
    )
    parser.add_argument(
        "--lines",
        type=int,
        default=None,
        help=f"lines on every draft (default {DEFAULT.lines}): every command reprices them all and its reply "
        "carries them all",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and topics afterwards")
    parser.add_argument(
        "--no-sync",
        action="store_true",
        help="do not write the dirty page cache back (os.sync) before each latency phase: the kernel then "
        "writes the throughput burst's ~0.6 GB back during a later phase, and its commits wait behind it",
    )
    parser.add_argument(
        "--split",
        action="store_true",
        help="run the service as two processes: ORDER_DRAFT_ROLES=commands (the command loop) and =read "
        "(outbox relay, drafts projection and relay, queries), so the command loop has a core of its own",
    )
    parser.add_argument(
        "--service-log-level",
        default="WARNING",
        help="the service's LOG_LEVEL (default WARNING; DEBUG logs every batch with its size and time, "
        "into the log file named at start)",
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else DEFAULT
    logging.getLogger("aiokafka").setLevel(logging.ERROR)  # retries on topics created a moment ago
    if args.lines is not None:
        sizes = dataclasses.replace(sizes, lines=max(1, min(args.lines, sizes.products)))

    started = time.perf_counter()
    with provide("bench") as endpoints:
        log(f"Kafka and PostgreSQL from {endpoints.source}")
        info, phases = asyncio.run(
            run(
                sizes,
                endpoints,
                args.profile,
                args.keep,
                args.service_log_level,
                args.split,
                not args.no_sync,
            )
        )
        info["processes"] = "commands + read (--split)" if args.split else "one (commands,read)"
    read_side = info.pop("read_side")
    rows = rows_of(phases, sizes, read_side)
    print_table(rows, phases, sizes, info)
    log(f"took {time.perf_counter() - started:.0f} s")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({**info, "rows": rows}, indent=2) + "\n")
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
