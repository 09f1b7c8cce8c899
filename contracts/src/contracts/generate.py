"""Write the JSON Schema of every message and an AsyncAPI 3 document per service into contracts/schemas/.

    python -m contracts.generate            write the files
    python -m contracts.generate --check    exit 1 when the committed files differ from the models
    python -m contracts.generate --release  also copy the schemas into schemas/released/, the baseline
                                            that later changes must stay backward compatible with

A message's schema is `<Type>.v<schema_version>.json`. Release when a version of the contracts ships.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from contracts.asyncapi import asyncapi_document
from contracts.compatibility import problems
from contracts.envelope import Message
from contracts.registry import SERVICES, all_messages

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
RELEASED = "released"


def schema_name(message: type[Message]) -> str:
    return f"{message.__name__}.v{message.model_fields['schema_version'].default}.json"


def _text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def generated() -> dict[str, str]:
    """File name -> content, for every message schema and every service's AsyncAPI document."""
    files = {schema_name(m): _text(m.model_json_schema(mode="validation")) for m in all_messages()}
    for service in SERVICES:
        files[f"asyncapi-{service.name}.json"] = _text(asyncapi_document(service))
    return files


def drift(folder: Path = SCHEMAS) -> list[str]:
    """The files that differ from the models: changed, missing or no longer generated."""
    expected = generated()
    on_disk = {path.name: path.read_text() for path in folder.glob("*.json")}
    return sorted(
        name for name in expected.keys() | on_disk.keys() if expected.get(name) != on_disk.get(name)
    )


def write(folder: Path = SCHEMAS) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    expected = generated()
    for stale in folder.glob("*.json"):
        if stale.name not in expected:
            stale.unlink()
    for name, text in expected.items():
        (folder / name).write_text(text)


def _versions(folder: Path) -> dict[str, tuple[int, Path]]:
    found = {}
    for path in folder.glob("*.v*.json"):
        name, _, version = path.name.removesuffix(".json").rpartition(".v")
        found[name] = (int(version), path)
    return found


def incompatibilities(folder: Path = SCHEMAS) -> list[str]:
    """What in the current schemas breaks the released ones without raising the message's version."""
    current, released = _versions(folder), _versions(folder / RELEASED)
    found = []
    for name, (old_version, old_path) in sorted(released.items()):
        if name not in current:
            found.append(f"{name}: released v{old_version}, no longer generated")
            continue
        new_version, new_path = current[name]
        if new_version < old_version:
            found.append(f"{name}: version went down from v{old_version} to v{new_version}")
        elif new_version == old_version:
            old, new = json.loads(old_path.read_text()), json.loads(new_path.read_text())
            found += [f"{name}.v{new_version} {problem}" for problem in problems(old, new)]
    return found


def release(folder: Path = SCHEMAS) -> None:
    """Make the current schemas the baseline (one file per message: its latest version)."""
    target = folder / RELEASED
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.json"):
        old.unlink()
    for _, path in _versions(folder).values():
        shutil.copy2(path, target / path.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m contracts.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the files differ from the models")
    parser.add_argument("--release", action="store_true", help="also copy the schemas to released/")
    parser.add_argument("--out", type=Path, default=SCHEMAS, help=f"the folder (default {SCHEMAS})")
    args = parser.parse_args(argv)
    if args.check:
        stale = drift(args.out)
        for name in stale:
            print(f"differs from the models: {name}", file=sys.stderr)
        broken = incompatibilities(args.out)
        for problem in broken:
            print(f"not backward compatible: {problem}", file=sys.stderr)
        return 1 if stale or broken else 0
    write(args.out)
    if args.release:
        release(args.out)
    print(f"wrote {len(generated())} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
