"""The `order-draft` command: run the service, and (later) operate on its event history."""

from __future__ import annotations

import asyncio

import typer

app = typer.Typer(help="The order-draft service and its operations tools.", no_args_is_help=True)


@app.command()
def serve() -> None:
    """Run the service: Kafka consumers, projections and the HTTP API (health on /health, /ready)."""
    import uvicorn

    from order_draft import logs
    from order_draft.app import create_app
    from order_draft.config import Settings

    settings = Settings.from_env()
    logs.configure(settings.log_level, "order-draft")
    config = uvicorn.Config(
        create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None
    )
    asyncio.run(uvicorn.Server(config).serve())


@app.command()
def demo(
    bootstrap_servers: str = typer.Option(
        None,
        envvar="KAFKA_BOOTSTRAP_SERVERS",
        help="Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS)",
    ),
    site: str = typer.Option(
        "PORTAL", help="the portal site (the catalog's demo data has PORTAL, TRADE, KIOSK)"
    ),
    topic_prefix: str = typer.Option("", envvar="KAFKA_TOPIC_PREFIX", help="prefix of the service's topics"),
) -> None:
    """Drive a New Order session over Kafka with the catalog's demo data and print every reply.

    Needs a running order-draft and catalog with the demo data (`make run` does all that and runs this).
    """
    from order_draft.cli.demo import run_demo

    if not bootstrap_servers:
        raise typer.BadParameter("set --bootstrap-servers or KAFKA_BOOTSTRAP_SERVERS")
    raise typer.Exit(asyncio.run(run_demo(bootstrap_servers, topic_prefix, site)))


@app.command()
def version() -> None:
    """Print the installed version."""
    from importlib.metadata import version as installed

    typer.echo(installed("order-draft"))


from order_draft.cli import ops  # noqa: E402  (the operations commands: history, show, diff, ...)

ops.register(app)


def main() -> None:
    app()
