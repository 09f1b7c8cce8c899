"""The `catalog` command: run the service, import data."""

from __future__ import annotations

import asyncio

import typer

app = typer.Typer(help="The catalog service: customers, products, channels, prices.", no_args_is_help=True)


@app.command()
def serve() -> None:
    """Run the service: admin commands on Kafka, publishing of the views, health on /health and /ready."""
    import uvicorn

    from catalog import logs
    from catalog.app import create_app
    from catalog.config import Settings

    settings = Settings.from_env()
    logs.configure(settings.log_level, "catalog")
    config = uvicorn.Config(
        create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None
    )
    asyncio.run(uvicorn.Server(config).serve())


@app.command()
def version() -> None:
    """Print the installed version."""
    from importlib.metadata import version as installed

    typer.echo(installed("catalog"))


def main() -> None:
    app()
