"""The machine and server a benchmark ran on, for the `machine` field of its JSON."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

import asyncpg


async def server_facts(dsn: str) -> dict[str, Any]:
    """The PostgreSQL version and the durability settings the figures were measured with."""
    conn = await asyncpg.connect(dsn)
    try:
        return {
            "version": await conn.fetchval("SELECT version()"),
            "fsync": await conn.fetchval("SHOW fsync"),
            "synchronous_commit": await conn.fetchval("SHOW synchronous_commit"),
        }
    finally:
        await conn.close()


def machine(server: dict[str, Any], source: str) -> str:
    cpu, ram = "unknown CPU", "unknown RAM"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
                break
    except OSError:
        pass
    version = " ".join(str(server["version"]).split()[:2])
    return (
        f"{platform.platform()}; {cpu}; {os.cpu_count()} cores; {ram}; {version} ({source}, same host); "
        f"fsync={server['fsync']} synchronous_commit={server['synchronous_commit']}"
    )
