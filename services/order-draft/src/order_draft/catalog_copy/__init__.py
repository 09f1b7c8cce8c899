"""order-draft's local copy of the catalog (tables + memory), fed from the catalog's compacted topics."""

from order_draft.catalog_copy.copy import CatalogCopy
from order_draft.catalog_copy.follow import CatalogFollower

__all__ = ["CatalogCopy", "CatalogFollower"]
