"""Apache Kafka in KRaft single-node mode from the official jars on Maven Central.

The jars are resolved once per Kafka version by `mvn dependency:copy-dependencies` on kafka/pom.xml into
the user's cache (~/.cache/order-draft/kafka-<version>/libs); then StorageTool formats a fresh log dir
and kafka.Kafka runs the broker+controller with settings that make a single node fast to start.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import signal
import subprocess
import time
import uuid
from importlib import resources
from pathlib import Path

from infra import children
from infra.endpoints import InfrastructureUnavailable, cache_root, free_port


def _pom() -> Path:
    return Path(str(resources.files("infra") / "kafka" / "pom.xml"))


def kafka_version() -> str:
    match = re.search(r"<kafka.version>([^<]+)</kafka.version>", _pom().read_text())
    assert match, "kafka.version missing from infra/src/infra/kafka/pom.xml"
    return match.group(1)


def require_tool(name: str, why: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise InfrastructureUnavailable(
            f"`{name}` is not on PATH; it is needed {why}. Install Java 17+ and Maven (e.g. "
            "`apt-get install openjdk-17-jre-headless maven`), or start a Docker engine, or point "
            "KAFKA_BOOTSTRAP_SERVERS and POSTGRES_DSN at existing servers."
        )
    return path


def ensure_jars() -> tuple[Path, bool]:
    """The folder of broker jars, and whether they had to be downloaded now."""
    digest = hashlib.sha256(_pom().read_bytes()).hexdigest()[:8]  # a changed pom resolves anew
    libs = cache_root() / f"kafka-{kafka_version()}-{digest}" / "libs"
    done = libs / ".complete"
    if done.exists():
        return libs, False
    mvn = require_tool("mvn", "to fetch the Kafka broker jars from Maven Central")
    staging = libs.with_name("libs.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [mvn, "-q", "-B", "-f", str(_pom()), "dependency:copy-dependencies",
         "-DincludeScope=runtime", f"-DoutputDirectory={staging}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise InfrastructureUnavailable(
            "Maven could not fetch the Kafka jars (is Maven Central reachable?):\n"
            + (result.stdout + result.stderr)[-3000:]
        )
    shutil.rmtree(libs, ignore_errors=True)
    staging.rename(libs)
    done.touch()
    return libs, True


_LOG4J2 = """\
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
"""


class LocalKafka:
    def __init__(self, workdir: Path, log_path: Path) -> None:
        self.workdir = workdir
        self.log_path = log_path
        self.port = free_port()
        self.controller_port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _write_config(self) -> Path:
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{self.controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(self.workdir / "data"),
            "num.partitions": "1",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "true",
            # Tests use short session timeouts so a dead consumer is noticed quickly.
            "group.consumer.min.session.timeout.ms": "1000",
            "group.min.session.timeout.ms": "1000",
        }
        path = self.workdir / "server.properties"
        path.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
        (self.workdir / "log4j2.properties").write_text(_LOG4J2.format(log=self.log_path))
        return path

    def start(self, timeout: float = 90.0) -> bool:
        """Start the broker (formatting its storage the first time); returns whether jars were downloaded."""
        java = require_tool("java", "to run the Kafka broker (Java 17+)")
        libs, downloaded = ensure_jars()
        classpath = f"{libs}/*"
        log4j = f"-Dlog4j2.configurationFile={self.workdir / 'log4j2.properties'}"
        config = self.workdir / "server.properties"
        if not config.exists():
            self._format(java, classpath, log4j)
        # 512 MB of heap ran out after ~35 minutes of benchmarks and test suites on one broker (thousands of
        # partitions from the topics they create and delete); 1.5 GB leaves room on a 24 GB machine.
        args = [
            java, "-Xms256m", "-Xmx1536m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-Djava.awt.headless=true", log4j, "-cp", classpath, "kafka.Kafka", str(config),
        ]  # fmt: skip
        self.proc = children.spawn(args, log_path=self.log_path.with_suffix(".out"))
        self._wait_ready(timeout)
        return downloaded

    def _format(self, java: str, classpath: str, log4j: str) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        config = self._write_config()
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        fmt = subprocess.run(
            [java, log4j, "-cp", classpath, "kafka.tools.StorageTool", "format",
             "-t", cluster_id, "-c", str(config)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if fmt.returncode != 0:
            raise InfrastructureUnavailable(f"Kafka storage format failed:\n{fmt.stdout}\n{fmt.stderr}")

    def _wait_ready(self, timeout: float) -> None:
        from infra.readiness import kafka_answers

        deadline = time.monotonic() + timeout
        assert self.proc is not None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise InfrastructureUnavailable(
                    f"Kafka exited with {self.proc.returncode}; log {self.log_path}:\n"
                    + children.tail(self.log_path)
                    + "\n"
                    + children.tail(self.log_path.with_suffix(".out"))
                )
            if kafka_answers(self.bootstrap_servers):
                return
            time.sleep(0.2)
        raise InfrastructureUnavailable(
            f"Kafka did not answer a metadata request within {timeout:.0f}s; log {self.log_path}:\n"
            + children.tail(self.log_path)
        )

    def stop(self, keep_data: bool = False) -> None:
        """Stop the broker; with keep_data a later start() brings the same broker back (same port, logs)."""
        if self.proc is not None:
            children.stop(self.proc, signal.SIGTERM, timeout=15 if keep_data else 5)
            self.proc = None
        if not keep_data:
            shutil.rmtree(self.workdir, ignore_errors=True)
