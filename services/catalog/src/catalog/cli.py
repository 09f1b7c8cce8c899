"""The `catalog` command: run the service, import data."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="The catalog service: customers, products, channels, prices.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


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


@app.command("import")
def import_(
    path: Annotated[
        Path | None, typer.Argument(help="a folder of CSV/JSON files, one per entity kind")
    ] = None,
    demo: Annotated[bool, typer.Option("--demo", help="import the shipped demo data set")] = False,
) -> None:
    """Load a folder into the catalog (POSTGRES_DSN): all rows or, when one is bad, none.

    Problems are printed as file:line: reason. The running service publishes what changed.
    """
    from catalog.config import Settings
    from catalog.demo_data import demo_folder
    from catalog.importing.run import run_import

    if (path is None) == (not demo):
        raise typer.BadParameter("give a folder or --demo (one of them)")
    folder = demo_folder() if demo else path
    assert folder is not None
    result = asyncio.run(run_import(Settings.from_env().postgres_dsn, folder))
    for problem in result.problems:
        typer.echo(str(problem), err=True)
    if result.problems:
        typer.echo(f"nothing imported: {len(result.problems)} problem(s)", err=True)
        raise typer.Exit(1)
    typer.echo(f"imported {result.rows} rows, {result.changed} changed, catalog revision {result.revision}")


@app.command()
def version() -> None:
    """Print the installed version."""
    from importlib.metadata import version as installed

    typer.echo(installed("catalog"))


def main() -> None:
    app()
