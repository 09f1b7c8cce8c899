"""Every Kafka topic name, in one place. A name ends in its major version (`.v1`); a new major version
is a new topic that runs beside the old one until every consumer has moved."""

from __future__ import annotations

# order-draft
ORDER_DRAFT_COMMANDS = "order-draft.commands.v1"  # key: site|customer (one active draft each)
ORDER_DRAFT_REPLIES = "order-draft.replies.v1"  # key: correlation id; read without a consumer group
ORDER_DRAFT_COMMANDS_DLQ = "order-draft.commands.dlq.v1"  # what could not be parsed or processed
ORDER_DRAFT_EVENTS = "order-draft.events.v1"  # key: draft id, every committed event in order
ORDER_DRAFT_DRAFTS = "order-draft.drafts.v1"  # compacted, key: draft id, the latest draft
ORDER_DRAFT_QUERIES = "order-draft.queries.v1"  # read-side queries (contracts.order_draft.queries)
ORDER_DRAFT_QUERY_REPLIES = "order-draft.query-replies.v1"  # key: correlation id; read without a group

# catalog: admin commands and their replies
CATALOG_COMMANDS = "catalog.commands.v1"  # key: entity kind|natural key
CATALOG_REPLIES = "catalog.replies.v1"
CATALOG_COMMANDS_DLQ = "catalog.commands.dlq.v1"

# catalog: compacted views, one per entity kind, keyed by the entity's natural key
CATALOG_ENTERPRISE_COMPANIES = "catalog.enterprise-companies.v1"
CATALOG_COMPANY_LOCATIONS = "catalog.company-locations.v1"
CATALOG_DOCUMENT_TYPES = "catalog.document-types.v1"
CATALOG_SITES = "catalog.sites.v1"
CATALOG_CUSTOMERS = "catalog.customers.v1"
CATALOG_PERSONS = "catalog.persons.v1"
CATALOG_USERS = "catalog.users.v1"
CATALOG_EXTERNAL_ACCESS = "catalog.external-access.v1"
CATALOG_PRODUCT_GROUPS = "catalog.product-groups.v1"
CATALOG_PRODUCTS = "catalog.products.v1"
CATALOG_CUSTOMER_PRODUCTS = "catalog.customer-products.v1"
CATALOG_CHANNELS = "catalog.channels.v1"
CATALOG_CHANNEL_PRODUCTS = "catalog.channel-products.v1"
CATALOG_PRICE_TYPES = "catalog.price-types.v1"
CATALOG_PRICE_LISTS = "catalog.price-lists.v1"
CATALOG_PRICE_ENTRIES = "catalog.price-entries.v1"
CATALOG_LINE_DISCOUNTS = "catalog.line-discounts.v1"
CATALOG_AVAILABILITY = "catalog.availability.v1"
CATALOG_PROMOTIONAL_PACKAGES = "catalog.promotional-packages.v1"
