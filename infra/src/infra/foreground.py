"""`make run`: infrastructure, both services and the demo in the foreground; Ctrl-C or SIGTERM stops all."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from types import FrameType

from infra import services
from infra.endpoints import Endpoints, run_root
from infra.provide import provide

DATABASES = {"order-draft": "order_draft", "catalog": "catalog"}


def _stop_on_sigterm() -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


async def _create_databases(endpoints: Endpoints) -> None:
    import asyncpg

    conn = await asyncpg.connect(endpoints.postgres_dsn)
    try:
        for name in DATABASES.values():
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def _say(line: str) -> None:
    print(line, flush=True)


def run() -> int:
    _stop_on_sigterm()
    os.environ.setdefault("CATALOG_IMPORT_ON_START", "demo")  # the catalog loads its demo data (idempotent)
    started = time.monotonic()
    running: list[services.Service] = []
    try:
        with provide("run") as endpoints:
            for name, seconds in endpoints.timings.items():
                _say(f"infra: {name.removesuffix('_s').replace('_', ' ')} in {seconds:.1f} s")
            asyncio.run(_create_databases(endpoints))
            log_dir = endpoints.log_dir or run_root() / "logs"
            for name in ("catalog", "order-draft"):  # the catalog first: order-draft copies its views
                service = services.Service(name, DATABASES[name])
                services.start(service, endpoints, log_dir)
                running.append(service)
                services.wait_ready(service)
                _say(f"{service.name}: ready at {service.url} (log {log_dir / (service.name + '.log')})")
            catalog, order_draft = running
            revision = services.wait_published(catalog)
            services.wait_catalog_copy(order_draft, revision)
            _say(f"catalog: demo data published (revision {revision}); order-draft's copy is current")
            http = order_draft.url
            _say(f"everything up in {time.monotonic() - started:.1f} s")
            kafka, dsn = endpoints.kafka_bootstrap_servers, endpoints.postgres_dsn
            _say(f"READY kafka={kafka} postgres={dsn} http={http}")
            if os.environ.get("ORDER_DRAFT_DEMO", "1") != "0":
                services.run_demo(endpoints)
            follow = services.LogFollower([log_dir / f"{s.name}.log" for s in running])
            while all(s.proc is not None and s.proc.poll() is None for s in running):
                follow.print_new_lines()
                time.sleep(0.3)
            dead = [s.name for s in running if s.proc is None or s.proc.poll() is not None]
            print(f"error: {', '.join(dead)} stopped; see the logs in {log_dir}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        _say("stopping ...")
        return 0
    finally:
        for service in reversed(running):
            services.stop(service)
        if running:
            _say("stopped")
