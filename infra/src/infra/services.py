"""Start the project's services as child processes and wait until each reports ready."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from infra import children
from infra.endpoints import Endpoints, InfrastructureUnavailable, free_port


@dataclass
class Service:
    name: str  # the console script, e.g. "order-draft"
    database: str
    proc: subprocess.Popen[bytes] | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _script(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise InfrastructureUnavailable(f"`{name}` is not installed; run `make install`")
    return found


def start(service: Service, endpoints: Endpoints, log_dir: Path) -> None:
    service.port = free_port()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": endpoints.kafka_bootstrap_servers,
        "POSTGRES_DSN": endpoints.postgres_dsn_for(service.database),
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(service.port),
    }
    log_dir.mkdir(parents=True, exist_ok=True)
    service.proc = children.spawn(
        [_script(service.name), "serve"], log_path=log_dir / f"{service.name}.log", env=env
    )


def _ready_body(service: Service) -> dict[str, object]:
    try:
        with urllib.request.urlopen(f"{service.url}/ready", timeout=2) as response:
            body: dict[str, object] = json.loads(response.read())
            return body
    except OSError:
        return {}


def wait_published(catalog: Service, timeout: float = 60.0) -> int:
    """The catalog's revision once its relay has published everything up to it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = _ready_body(catalog)
        revision, published = body.get("revision"), body.get("published_revision")
        if isinstance(revision, int) and revision > 0 and published == revision:
            return revision
        time.sleep(0.2)
    raise InfrastructureUnavailable(f"the catalog did not publish its data within {timeout:.0f}s")


def wait_catalog_copy(order_draft: Service, revision: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        copied = _ready_body(order_draft).get("catalog_revision")
        if isinstance(copied, int) and copied >= revision:
            return
        time.sleep(0.2)
    raise InfrastructureUnavailable(f"order-draft's catalog copy did not reach revision {revision}")


def run_demo(endpoints: Endpoints) -> None:
    """The demo client (`order-draft demo`), its output shown as it runs."""
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": endpoints.kafka_bootstrap_servers, "COLUMNS": "120"}
    subprocess.run([_script("order-draft"), "demo"], env=env, check=False, timeout=120)


def wait_ready(service: Service, timeout: float = 60.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    last: object = None
    assert service.proc is not None
    while time.monotonic() < deadline:
        if service.proc.poll() is not None:
            raise InfrastructureUnavailable(f"{service.name} exited with {service.proc.returncode}")
        try:
            with urllib.request.urlopen(f"{service.url}/ready", timeout=2) as response:
                body: dict[str, object] = json.loads(response.read())
                if body.get("ready"):
                    return body
                last = body
        except OSError as error:  # not listening yet, or 503 while connecting
            last = error
        time.sleep(0.2)
    raise InfrastructureUnavailable(f"{service.name} not ready within {timeout:.0f}s: {last}")


def stop(service: Service) -> None:
    if service.proc is not None:
        children.stop(service.proc, signal.SIGTERM, timeout=15)
        service.proc = None


class LogFollower:
    """Prints what the services append to their logs, so `make run` shows them live."""

    def __init__(self, paths: list[Path]) -> None:
        self.offsets = {path: path.stat().st_size if path.exists() else 0 for path in paths}

    def print_new_lines(self) -> None:
        for path, offset in self.offsets.items():
            try:
                with open(path, "rb") as log:
                    log.seek(offset)
                    chunk = log.read()
            except OSError:
                continue
            complete = chunk[: chunk.rfind(b"\n") + 1]
            if complete:
                sys.stdout.write(complete.decode(errors="replace"))
                sys.stdout.flush()
                self.offsets[path] = offset + len(complete)
