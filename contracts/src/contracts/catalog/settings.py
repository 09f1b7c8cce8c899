"""A site's settings (domain.md section 2), as the catalog publishes them: parsed, checked, defaults filled.

The keys are the back office's (PascalCase), so the JSON an admin writes and the JSON on Kafka read alike.
The catalog refuses a site whose settings are not well-formed (CC008) or name no sales-order document type
(CC009); readers can rely on a published site's settings.
"""

from __future__ import annotations

from pydantic import ConfigDict, Field

from contracts.catalog.record import ChannelCode
from contracts.envelope import Contract
from contracts.types import Code, Items, Quantity

DEFAULT_SITE_CHANNEL = "CC"
DEFAULT_SITE_CHANNEL_NAME = "Client Center"


class SiteSettings(Contract):
    model_config = ConfigDict(
        strict=True, extra="ignore", frozen=True, validate_by_name=True, serialize_by_alias=True
    )

    is_new_order_enabled: bool = Field(default=False, alias="IsNewOrderEnabled")
    new_order_document_type: Code | None = Field(default=None, alias="NewOrderDocumentType")
    site_channel: ChannelCode = Field(default=DEFAULT_SITE_CHANNEL, alias="SiteChannel")
    hide_customer_products: bool = Field(default=False, alias="HideCustomerProducts")
    hide_distribution_channel: bool = Field(default=False, alias="HideDistributionChannel")
    default_store: Code | None = Field(default=None, alias="DefaultStore")
    availability_max: Quantity | None = Field(default=None, alias="AvailabilityMax")
    is_orders_enabled: bool = Field(default=True, alias="IsOrdersEnabled")
    order_document_types: Items[Code] | None = Field(
        default=None,
        alias="OrderDocumentTypes",
        description="document types the orders list shows; null = all",
    )
    hide_lines: bool = Field(default=False, alias="HideLines")
    time_zone: str = Field(default="UTC", alias="TimeZone", description="an IANA zone; the site's calendar")

    @property
    def availability_shown(self) -> bool:
        """Availability is on only with both DefaultStore and AvailabilityMax (domain.md section 6)."""
        return self.default_store is not None and self.availability_max is not None
