"""The catalog's entity kinds: each one's record, view message and compacted topic, in one table."""

from __future__ import annotations

from dataclasses import dataclass

from contracts import topics
from contracts.catalog import views
from contracts.catalog.record import Record


@dataclass(frozen=True)
class Kind:
    """An entity kind: `name` is the records' `kind`, `topic` its compacted topic."""

    name: str
    record: type[Record]
    view: type[views.CatalogView]
    topic: str

    @property
    def key_fields(self) -> tuple[str, ...]:
        return self.record.KEY_FIELDS


def _kind(view: type[views.CatalogView], topic: str) -> Kind:
    record = view.model_fields["record"].annotation
    assert isinstance(record, type)
    assert issubclass(record, Record)
    return Kind(str(record.model_fields["kind"].default), record, view, topic)


# Referenced kinds come before the kinds that reference them, so a reader that applies topics in this
# order never meets a reference to something it has not seen yet (within one rebuild).
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        _kind(views.EnterpriseCompanyView, topics.CATALOG_ENTERPRISE_COMPANIES),
        _kind(views.CompanyLocationView, topics.CATALOG_COMPANY_LOCATIONS),
        _kind(views.DocumentTypeView, topics.CATALOG_DOCUMENT_TYPES),
        _kind(views.ChannelView, topics.CATALOG_CHANNELS),
        _kind(views.SiteView, topics.CATALOG_SITES),
        _kind(views.PriceTypeView, topics.CATALOG_PRICE_TYPES),
        _kind(views.PriceListView, topics.CATALOG_PRICE_LISTS),
        _kind(views.CustomerView, topics.CATALOG_CUSTOMERS),
        _kind(views.PersonView, topics.CATALOG_PERSONS),
        _kind(views.UserView, topics.CATALOG_USERS),
        _kind(views.ExternalAccessView, topics.CATALOG_EXTERNAL_ACCESS),
        _kind(views.ProductGroupView, topics.CATALOG_PRODUCT_GROUPS),
        _kind(views.ProductView, topics.CATALOG_PRODUCTS),
        _kind(views.CustomerProductView, topics.CATALOG_CUSTOMER_PRODUCTS),
        _kind(views.ChannelProductView, topics.CATALOG_CHANNEL_PRODUCTS),
        _kind(views.PriceEntryView, topics.CATALOG_PRICE_ENTRIES),
        _kind(views.LineDiscountView, topics.CATALOG_LINE_DISCOUNTS),
        _kind(views.AvailabilityView, topics.CATALOG_AVAILABILITY),
        _kind(views.PromotionalPackageView, topics.CATALOG_PROMOTIONAL_PACKAGES),
    )
}
