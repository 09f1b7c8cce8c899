"""`make run`: infrastructure, both services and the demo in the foreground; Ctrl-C or SIGTERM stops all."""

from __future__ import annotations

import asyncio
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
    started = time.monotonic()
    running: list[services.Service] = []
    try:
        with provide("run") as endpoints:
            for name, seconds in endpoints.timings.items():
                _say(f"infra: {name.removesuffix('_s').replace('_', ' ')} in {seconds:.1f} s")
            asyncio.run(_create_databases(endpoints))
            log_dir = endpoints.log_dir or run_root() / "logs"
            for name, database in DATABASES.items():
                service = services.Service(name, database)
                services.start(service, endpoints, log_dir)
                running.append(service)
            for service in running:
                services.wait_ready(service)
                _say(f"{service.name}: ready at {service.url} (log {log_dir / (service.name + '.log')})")
            http = next(s.url for s in running if s.name == "order-draft")
            _say(f"everything up in {time.monotonic() - started:.1f} s")
            kafka, dsn = endpoints.kafka_bootstrap_servers, endpoints.postgres_dsn
            _say(f"READY kafka={kafka} postgres={dsn} http={http}")
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
