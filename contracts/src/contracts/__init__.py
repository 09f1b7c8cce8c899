"""Messages, topics and the typed client shared by the services.

- `contracts.envelope`: the envelope every message carries; `Command`, `Rejected`.
- `contracts.types`: strict field types (Decimal as strings, UTC times, codes).
- `contracts.topics`: every topic name.
- `contracts.catalog`: the catalog's records, views, admin commands.
- `contracts.order_draft`: the order-draft service's commands, replies and draft view.
- `contracts.client`: a typed async request/reply client over Kafka.
- `python -m contracts.generate`: JSON Schema and AsyncAPI files from these models.
"""

from contracts.envelope import Actor, Command, Contract, Message, Rejected

__all__ = ["Actor", "Command", "Contract", "Message", "Rejected"]
