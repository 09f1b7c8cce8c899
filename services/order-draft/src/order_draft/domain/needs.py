"""What catalog facts a command needs, so the handler loads only those before calling `decide`."""

from __future__ import annotations

from dataclasses import dataclass

from order_draft.domain.commands import AddLine, Command, SetPackageQuantity, SetProductQuantity
from order_draft.domain.state import DraftState


@dataclass(frozen=True, kw_only=True, slots=True)
class FactsNeeded:
    """Product codes and package ids to put in `CatalogFacts`.

    The products of the packages' lines are needed too: load the packages first, then add their
    lines' product codes (`facts_needed(...).products | {l.product_code for p in packages for l in p.lines}`).
    """

    products: frozenset[str]
    packages: frozenset[str]


def facts_needed(command: Command, state: DraftState) -> FactsNeeded:
    products = {line.product_code for line in state.lines.values()} if state else set()
    packages = set(state.packages) if state else set()
    if isinstance(command, AddLine):
        products.add(command.code.strip())
    elif isinstance(command, SetProductQuantity):
        products.add(command.product_code)
    elif isinstance(command, SetPackageQuantity):
        packages.add(command.package_id)
    return FactsNeeded(products=frozenset(products), packages=frozenset(packages))
