"""How long a durable commit waits for the disk: fdatasync of one 8 KB write, over and over.

Every command's reply waits for its batch's PostgreSQL commit (synchronous_commit=on), and the commit
waits for one fdatasync of the write-ahead log. This measures that wait on its own, with nothing of
ours around it, on the filesystem that holds the data (`--dir`, default `.run/`): a write of 8 KB
(a WAL page), `fdatasync`, a 2 ms pause (a batch every ~2-10 ms at 500 commands/s), for `--seconds`.

Besides the quantiles of single syncs it reports what a latency target depends on: the share of wall
time spent inside a sync that had already lasted 10 ms. A command that arrives then waits that long
before its commit can even start, so if that share is over 1 %, more than 1 % of commands wait 10 ms or
more for the disk alone, and no p99 can be below the service's median plus 10 ms.

Two rows: `quiet` (nothing else written), and `with_writer`, where a thread meanwhile writes
`--writer-mb-s` of buffered data to another file without syncing it, as Kafka writes its log to the page
cache (the command benchmark writes ~10 KB per command: the command, its reply, its events on the
events topic and the draft on the drafts topic), so the kernel flushes that data in the background.

    .venv/bin/python bench/disk_fsync.py [--seconds 45] [--dir PATH] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PAGE = 8192
PAUSE_S = 0.002
STALL_S = 0.010


@dataclass
class Syncs:
    name: str
    seconds: float
    durations: list[float]

    def quantile(self, q: float) -> float:
        ordered = sorted(self.durations)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3

    def over(self, limit_s: float) -> int:
        return sum(1 for d in self.durations if d > limit_s)

    def stalled_share(self) -> float:
        """Percent of wall time inside a sync past its first STALL_S."""
        return 100 * sum(d - STALL_S for d in self.durations if d > STALL_S) / self.seconds

    def rows(self) -> list[dict[str, Any]]:
        n = self.name
        return [
            {"name": f"{n}_syncs", "unit": "syncs", "ours": len(self.durations)},
            {"name": f"{n}_p50", "unit": "ms", "ours": round(self.quantile(0.5), 3)},
            {"name": f"{n}_p99", "unit": "ms", "ours": round(self.quantile(0.99), 3)},
            {"name": f"{n}_p999", "unit": "ms", "ours": round(self.quantile(0.999), 3)},
            {"name": f"{n}_max", "unit": "ms", "ours": round(max(self.durations) * 1e3, 1)},
            {"name": f"{n}_over_25ms", "unit": "syncs", "ours": self.over(0.025)},
            {"name": f"{n}_over_100ms", "unit": "syncs", "ours": self.over(0.100)},
            {"name": f"{n}_time_stalled_over_10ms", "unit": "%", "ours": round(self.stalled_share(), 2)},
        ]


def sync_loop(path: Path, seconds: float) -> list[float]:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    page, durations, i = os.urandom(PAGE), [], 0
    try:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            os.pwrite(fd, page, (i % 2048) * PAGE)  # a 16 MB file, reused like a WAL segment
            i += 1
            started = time.perf_counter()
            os.fdatasync(fd)
            durations.append(time.perf_counter() - started)
            time.sleep(PAUSE_S)
    finally:
        os.close(fd)
        path.unlink(missing_ok=True)
    return durations


def background_writer(path: Path, mb_per_s: float, stop: threading.Event) -> None:
    """Buffered writes at `mb_per_s`, never synced (the page cache; the kernel writes them back)."""
    chunk = os.urandom(256 * 1024)
    interval = len(chunk) / (mb_per_s * 1024 * 1024)
    with open(path, "wb") as out:
        written, next_at = 0, time.perf_counter()
        while not stop.is_set():
            out.write(chunk)
            written += len(chunk)
            if written > 1024 * 1024 * 1024:  # at most 1 GB on disk: start over
                out.seek(0)
                written = 0
            next_at += interval
            time.sleep(max(0.0, next_at - time.perf_counter()))
    path.unlink(missing_ok=True)


def measure(directory: Path, seconds: float, writer_mb_s: float) -> list[Syncs]:
    directory.mkdir(parents=True, exist_ok=True)
    quiet = Syncs("quiet", seconds, sync_loop(directory / "fsync-probe.wal", seconds))
    stop = threading.Event()
    writer = threading.Thread(
        target=background_writer, args=(directory / "fsync-probe.log", writer_mb_s, stop), daemon=True
    )
    writer.start()
    try:
        loaded = Syncs("with_writer", seconds, sync_loop(directory / "fsync-probe.wal", seconds))
    finally:
        stop.set()
        writer.join()
    return [quiet, loaded]


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{platform.platform()}; {cpu}; {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds",
        type=float,
        default=45.0,
        help="per row (default 45: past the kernel's 30 s writeback age)",
    )
    parser.add_argument("--quick", action="store_true", help="5 s per row")
    parser.add_argument("--dir", type=Path, default=Path(".run"), help="where to write (default .run/)")
    parser.add_argument(
        "--writer-mb-s", type=float, default=15.0, help="the background writer's rate (default 15 MB/s)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON to PATH")
    args = parser.parse_args(argv)
    seconds = 5.0 if args.quick else args.seconds
    runs = measure(args.dir, seconds, args.writer_mb_s)
    print(f"fdatasync of one {PAGE // 1024} KB write, every {PAUSE_S * 1e3:.0f} ms, {seconds:.0f} s per row")
    print(f"{'row':<34} {'value':>10}  unit")
    rows = [row for run in runs for row in run.rows()]
    for row in rows:
        print(f"{row['name']:<34} {row['ours']:>10}  {row['unit']}")
    print(f"Machine: {machine()}; directory {args.dir.resolve()}")
    if args.json is not None:
        result = {
            "machine": machine(),
            "directory": str(args.dir.resolve()),
            "seconds_per_row": seconds,
            "writer_mb_s": args.writer_mb_s,
            "rows": rows,
        }
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
