"""`make infra-up` / `make infra-down`: Kafka and PostgreSQL kept by a background process of ours."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from infra.endpoints import InfrastructureUnavailable, run_root
from infra.readiness import kafka_answers, postgres_answers


def _state_path() -> Path:
    return run_root() / "infra-state.json"


def _read_state() -> dict[str, object] | None:
    try:
        state: dict[str, object] = json.loads(_state_path().read_text())
        return state
    except (OSError, ValueError):
        return None


def _alive(pid: object) -> bool:
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _print_exports(state: dict[str, object]) -> None:
    print(f"KAFKA_BOOTSTRAP_SERVERS={state['kafka']}")
    print(f"POSTGRES_DSN={state['postgres']}")


def _healthy(state: dict[str, object]) -> bool:
    return (
        state.get("status") == "ready"
        and _alive(state.get("pid"))
        and kafka_answers(str(state["kafka"]))
        and postgres_answers(str(state["postgres"]))
    )


def status() -> int:
    state = _read_state()
    if state is None or not _healthy(state):
        print("not running; start with `make infra-up`", file=sys.stderr)
        return 1
    _print_exports(state)
    return 0


def up(timeout: float = 300.0) -> int:
    state = _read_state()
    if state is not None and _healthy(state):
        _print_exports(state)  # reuse what is already running
        return 0
    path = _state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    log = run_root() / "logs" / "infra-background.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        subprocess.Popen(
            [sys.executable, "-m", "infra", "serve", "--state", str(path)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # outlives this command
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _read_state()
        if state is not None and state.get("status") == "ready":
            for name, seconds in dict(state.get("timings") or {}).items():  # type: ignore[call-overload]
                print(f"# {name}: {seconds:.1f}", file=sys.stderr)
            _print_exports(state)
            return 0
        if state is not None and state.get("status") == "error":
            raise InfrastructureUnavailable(str(state.get("error")))
        time.sleep(0.2)
    raise InfrastructureUnavailable(f"infrastructure not ready within {timeout:.0f}s; see {log}")


def down() -> int:
    state = _read_state()
    if state is None or not _alive(state.get("pid")):
        print("nothing running", file=sys.stderr)
        _state_path().unlink(missing_ok=True)
        return 0
    pid = state["pid"]
    assert isinstance(pid, int)
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 60
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    print("stopped", file=sys.stderr)
    return 0


def serve(state_file: str) -> int:
    """The background process: holds Kafka and PostgreSQL until SIGTERM."""
    from infra.provide import provide

    path = Path(state_file)

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        with provide("infra") as endpoints:
            state = {
                "status": "ready",
                "pid": os.getpid(),
                "kafka": endpoints.kafka_bootstrap_servers,
                "postgres": endpoints.postgres_dsn,
                "timings": endpoints.timings,
            }
            path.write_text(json.dumps(state))
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    except InfrastructureUnavailable as error:
        path.write_text(json.dumps({"status": "error", "error": str(error)}))
        return 2
    finally:
        if (_read_state() or {}).get("status") == "ready":
            path.unlink(missing_ok=True)
