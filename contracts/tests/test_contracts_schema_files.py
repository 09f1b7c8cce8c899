"""The committed JSON Schema and AsyncAPI files: in step with the models, compatible with the release."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from contracts.catalog import KINDS
from contracts.generate import SCHEMAS, drift, generated, incompatibilities, main

FIX = "run `.venv/bin/python -m contracts.generate` and commit contracts/schemas/"


def test_the_committed_schemas_match_the_models() -> None:
    assert drift() == [], f"contracts/schemas/ is out of date: {FIX}"


def test_every_message_stays_backward_compatible_with_its_released_schema() -> None:
    broken = incompatibilities()
    assert broken == [], (
        "these changes break the released schemas: raise the message's schema_version "
        "(a new Type.vN.json), or make the change compatible:\n" + "\n".join(broken)
    )


def test_check_mode_fails_on_a_changed_file(tmp_path: Path) -> None:
    shutil.copytree(SCHEMAS, tmp_path, dirs_exist_ok=True)
    assert main(["--check", "--out", str(tmp_path)]) == 0
    (tmp_path / "ProductView.v1.json").write_text("{}\n")
    assert main(["--check", "--out", str(tmp_path)]) == 1


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_the_catalog_asyncapi_document_declares_every_compacted_view() -> None:
    document = json.loads(generated()["asyncapi-catalog.json"])
    assert document["asyncapi"] == "3.0.0"
    by_address = {channel["address"]: channel for channel in document["channels"].values()}
    for kind in KINDS.values():
        kafka = by_address[kind.topic]["bindings"]["kafka"]
        assert kafka["topicConfiguration"] == {"cleanup.policy": ["compact"]}
        assert kind.view.__name__ in by_address[kind.topic]["messages"]
    assert "catalog.commands.v1" in by_address


def test_every_reference_in_the_asyncapi_documents_resolves() -> None:
    for name in ("asyncapi-catalog.json", "asyncapi-order-draft.json"):
        document = json.loads(generated()[name])
        for ref in _refs(document):
            assert _resolve(document, ref) is not None, f"{name}: {ref}"
