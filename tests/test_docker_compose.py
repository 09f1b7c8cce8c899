"""docker-compose.yml and the service Dockerfiles, checked by parsing (no Docker engine needed)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

import catalog.config
import order_draft.config

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"

# service name in compose -> (its config module, its folder under services/, its default HTTP port)
APP_SERVICES: dict[str, tuple[ModuleType, str, int]] = {
    "order-draft": (order_draft.config, "order-draft", 8080),
    "catalog": (catalog.config, "catalog", 8081),
}
INFRA_SERVICES = ("postgres", "kafka")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(loaded, dict), "docker-compose.yml must be a mapping"
    return loaded


def _services(compose: dict[str, Any]) -> dict[str, Any]:
    services = compose.get("services")
    assert isinstance(services, dict), "docker-compose.yml has no `services:` mapping"
    return services


def _environment(service: dict[str, Any]) -> dict[str, str]:
    """`environment:` as a dict, whether written as a mapping or as a list of NAME=value."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def _dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with comments dropped and continuation lines joined."""
    text = re.sub(r"\\\n", " ", path.read_text())
    result = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


def _console_script(folder: str) -> str:
    pyproject = tomllib.loads((ROOT / "services" / folder / "pyproject.toml").read_text())
    scripts = pyproject["project"]["scripts"]
    assert len(scripts) == 1, f"services/{folder} declares more than one console script: {scripts}"
    return next(iter(scripts))


def test_compose_defines_postgres_kafka_and_both_app_services(compose: dict[str, Any]) -> None:
    services = _services(compose)
    missing = {*INFRA_SERVICES, *APP_SERVICES} - services.keys()
    assert not missing, f"services missing from docker-compose.yml: {sorted(missing)}"


def test_kafka_uses_the_official_apache_image_in_kraft_mode(compose: dict[str, Any]) -> None:
    kafka = _services(compose)["kafka"]
    assert str(kafka["image"]).startswith("apache/kafka:"), kafka["image"]
    env = _environment(kafka)
    roles = {role.strip() for role in env.get("KAFKA_PROCESS_ROLES", "").split(",")}
    assert roles == {"broker", "controller"}, "a single node must be both broker and controller (KRaft)"
    assert env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"), "KRaft needs KAFKA_CONTROLLER_QUORUM_VOTERS"
    assert "kafka:9092" in env.get("KAFKA_ADVERTISED_LISTENERS", ""), "containers reach Kafka as kafka:9092"


def test_kafka_internal_topics_need_only_one_replica(compose: dict[str, Any]) -> None:
    env = _environment(_services(compose)["kafka"])
    for name in (
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
    ):
        assert env.get(name) == "1", f"{name} must be 1 on a single broker, got {env.get(name)!r}"


def test_postgres_image_is_version_16_or_newer(compose: dict[str, Any]) -> None:
    image = str(_services(compose)["postgres"]["image"])
    name, _, tag = image.partition(":")
    assert name in {"postgres", "library/postgres", "docker.io/library/postgres"}, image
    match = re.match(r"(\d+)", tag)
    assert match, f"pin a major version of postgres, got {image!r}"
    assert int(match.group(1)) >= 16, image


def test_postgres_init_script_creates_each_service_database(compose: dict[str, Any]) -> None:
    services = _services(compose)
    mounted = [
        ROOT / str(volume).split(":")[0]
        for volume in services["postgres"].get("volumes", [])
        if isinstance(volume, str) and "/docker-entrypoint-initdb.d/" in volume
    ]
    assert mounted, "postgres mounts no init script into /docker-entrypoint-initdb.d/"
    script = "\n".join(path.read_text() for path in mounted)
    for name in APP_SERVICES:
        dsn = _environment(services[name])["POSTGRES_DSN"]
        database = dsn.rsplit("/", 1)[1].split("?", 1)[0]
        assert re.search(rf"CREATE DATABASE\s+\"?{database}\"?", script, re.IGNORECASE), (
            f"{name} uses database {database!r}, which the init script does not create"
        )


def test_every_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    for name, service in _services(compose).items():
        check = service.get("healthcheck") or {}
        assert check.get("test"), f"{name} has no healthcheck"
        assert not check.get("disable"), f"{name} disables its healthcheck"


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_app_healthcheck_calls_ready_on_its_port(compose: dict[str, Any], name: str) -> None:
    service = _services(compose)[name]
    test = service["healthcheck"]["test"]
    command = " ".join(test) if isinstance(test, list) else str(test)
    port = _environment(service)["HTTP_PORT"]
    assert f"127.0.0.1:{port}/ready" in command or f"localhost:{port}/ready" in command, command
    assert "python" in command, "the images have python but not curl"


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_app_service_waits_for_healthy_postgres_and_kafka(compose: dict[str, Any], name: str) -> None:
    depends_on = _services(compose)[name].get("depends_on")
    assert isinstance(depends_on, dict), f"{name}: depends_on must be a mapping with conditions"
    for dependency in INFRA_SERVICES:
        assert (depends_on.get(dependency) or {}).get("condition") == "service_healthy", (
            f"{name} must wait for {dependency} with condition: service_healthy"
        )


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_app_service_sets_every_variable_its_config_reads(compose: dict[str, Any], name: str) -> None:
    config, _, _ = APP_SERVICES[name]
    env = _environment(_services(compose)[name])
    missing = [var for var in config.ENV_VARS if var not in env]
    assert not missing, f"{name} reads {missing} but docker-compose.yml does not set them"
    assert env["HTTP_HOST"] == "0.0.0.0", "inside a container the service must listen on all interfaces"
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert "@postgres:5432/" in env["POSTGRES_DSN"]


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_app_service_publishes_its_default_port(compose: dict[str, Any], name: str) -> None:
    config, _, port = APP_SERVICES[name]
    assert config.Settings.http_port == port
    service = _services(compose)[name]
    assert _environment(service)["HTTP_PORT"] == str(port)
    published = [str(p) for p in service.get("ports", [])]
    assert f"{port}:{port}" in published, published


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_app_service_is_built_from_its_dockerfile_with_the_repository_as_context(
    compose: dict[str, Any], name: str
) -> None:
    _, folder, _ = APP_SERVICES[name]
    build = _services(compose)[name].get("build")
    assert isinstance(build, dict), f"{name}: build must name a context and a dockerfile"
    context = (ROOT / build.get("context", ".")).resolve()
    assert context == ROOT, "the context must be the repository root so contracts/ can be copied"
    assert (context / build["dockerfile"]).resolve() == ROOT / "services" / folder / "Dockerfile"


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_dockerfile_runs_the_console_script_serve_as_a_non_root_user(name: str) -> None:
    _, folder, port = APP_SERVICES[name]
    dockerfile = ROOT / "services" / folder / "Dockerfile"
    assert dockerfile.is_file(), f"{dockerfile} is missing"
    instructions = _dockerfile_instructions(dockerfile)

    cmds = [args for keyword, args in instructions if keyword == "CMD"]
    assert cmds, f"{dockerfile} has no CMD"
    assert yaml.safe_load(cmds[-1]) == [_console_script(folder), "serve"], cmds[-1]

    users = [args for keyword, args in instructions if keyword == "USER"]
    assert users, f"{dockerfile} runs as root: add a USER"
    assert users[-1].split(":")[0] not in {"root", "0"}, users[-1]

    copies = " ".join(args for keyword, args in instructions if keyword == "COPY")
    assert "contracts" in copies, "the image must install the shared contracts package"
    assert any(keyword == "EXPOSE" and str(port) in args.split() for keyword, args in instructions)
    assert any(keyword == "ENV" and "HTTP_HOST=0.0.0.0" in args for keyword, args in instructions)


def test_dockerignore_keeps_local_state_out_of_the_build_context() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    for entry in (".venv", ".run", ".git", "bench/results"):
        assert entry in ignored, f".dockerignore must exclude {entry}"
