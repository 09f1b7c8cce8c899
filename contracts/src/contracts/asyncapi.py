"""An AsyncAPI 3.0 document for one service: its channels (topics), operations and message schemas."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from pydantic.json_schema import models_json_schema

from contracts.envelope import Message
from contracts.registry import Channel, Service

KAFKA_BINDING_VERSION = "0.5.0"


def _contracts_version() -> str:
    try:
        return version("order-draft-contracts")
    except PackageNotFoundError:  # run from a source tree without installing
        return "0.0.0"


def channel_id(address: str) -> str:
    """catalog.price-entries.v1 -> catalogPriceEntriesV1 (an id AsyncAPI accepts)."""
    parts = [part for part in re.split(r"[^A-Za-z0-9]+", address) if part]
    return parts[0] + "".join(part[:1].upper() + part[1:] for part in parts[1:])


def _channel(channel: Channel) -> dict[str, Any]:
    binding: dict[str, Any] = {"topic": channel.address, "bindingVersion": KAFKA_BINDING_VERSION}
    if channel.compacted:
        binding["topicConfiguration"] = {"cleanup.policy": ["compact"]}
    return {
        "address": channel.address,
        "description": channel.description,
        "messages": {m.__name__: {"$ref": f"#/components/messages/{m.__name__}"} for m in channel.messages},
        "bindings": {"kafka": binding},
    }


def _operation(action: str, channel: Channel) -> dict[str, Any]:
    ref = f"#/channels/{channel_id(channel.address)}"
    return {
        "action": action,
        "channel": {"$ref": ref},
        "messages": [{"$ref": f"{ref}/messages/{m.__name__}"} for m in channel.messages],
    }


def _message(message: type[Message]) -> dict[str, Any]:
    summary = (message.__doc__ or message.__name__).strip().splitlines()[0]
    return {
        "name": message.__name__,
        "title": message.__name__,
        "summary": summary,
        "contentType": "application/json",
        "payload": {"$ref": f"#/components/schemas/{message.__name__}"},
    }


def asyncapi_document(service: Service) -> dict[str, Any]:
    channels = {channel_id(c.address): c for c in (*service.sends, *service.receives)}
    messages = {m.__name__: m for c in channels.values() for m in c.messages}
    _, schemas = models_json_schema(
        [(m, "validation") for m in messages.values()], ref_template="#/components/schemas/{model}"
    )
    operations = {f"send{cid[:1].upper()}{cid[1:]}": _operation("send", c) for cid, c in _ids(service.sends)}
    operations |= {
        f"receive{cid[:1].upper()}{cid[1:]}": _operation("receive", c) for cid, c in _ids(service.receives)
    }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": service.name, "version": _contracts_version(), "description": service.description},
        "defaultContentType": "application/json",
        "channels": {cid: _channel(c) for cid, c in channels.items()},
        "operations": operations,
        "components": {
            "messages": {name: _message(m) for name, m in messages.items()},
            "schemas": schemas.get("$defs", {}),
        },
    }


def _ids(channels: tuple[Channel, ...]) -> list[tuple[str, Channel]]:
    return [(channel_id(c.address), c) for c in channels]
