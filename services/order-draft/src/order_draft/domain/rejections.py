"""Rejections: values with stable codes a client can rely on, a message saying what to do, and details."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from order_draft.domain.events import Event


class Code(StrEnum):
    """Stable rejection codes. CC002-CC010 are the portal's own setup codes (domain.md section 1)."""

    CC002 = "CC002"  # the user is not a person
    CC003 = "CC003"  # the user has no parent party
    CC004 = "CC004"  # the parent party is not a customer
    CC005 = "CC005"  # the site has no enterprise company
    CC006 = "CC006"  # no customer agreement with the site's enterprise company
    CC007 = "CC007"  # no servicing enterprise company location
    CC008 = "CC008"  # the site's settings are not well-formed
    CC009 = "CC009"  # NewOrderDocumentType missing, unknown or not a sales-order type
    CC010 = "CC010"  # no external-access role for the customer
    NEW_ORDER_DISABLED = "NEW_ORDER_DISABLED"
    ROLE_TOO_LOW = "ROLE_TOO_LOW"
    NOT_YOUR_CUSTOMER = "NOT_YOUR_CUSTOMER"
    NOT_SUPPLIER_STAFF = "NOT_SUPPLIER_STAFF"
    DRAFT_UNKNOWN = "DRAFT_UNKNOWN"
    WRONG_EXPECTED_VERSION = "WRONG_EXPECTED_VERSION"
    WRONG_STATUS = "WRONG_STATUS"
    PRODUCT_UNKNOWN = "PRODUCT_UNKNOWN"
    PRODUCT_INACTIVE = "PRODUCT_INACTIVE"
    PRODUCT_OUT_OF_DATE = "PRODUCT_OUT_OF_DATE"
    QUANTITY_NOT_POSITIVE = "QUANTITY_NOT_POSITIVE"
    QUANTITY_NOT_MULTIPLE = "QUANTITY_NOT_MULTIPLE"
    QUANTITY_BELOW_MINIMUM = "QUANTITY_BELOW_MINIMUM"
    LINE_UNKNOWN = "LINE_UNKNOWN"
    PACKAGE_LINE_LOCKED = "PACKAGE_LINE_LOCKED"
    PACKAGE_UNKNOWN = "PACKAGE_UNKNOWN"
    PACKAGE_UNAVAILABLE = "PACKAGE_UNAVAILABLE"
    DELIVERY_DATE_IN_PAST = "DELIVERY_DATE_IN_PAST"
    DRAFT_EMPTY = "DRAFT_EMPTY"
    LINES_WITHOUT_PRICE = "LINES_WITHOUT_PRICE"
    DRAFT_CHANGED = "DRAFT_CHANGED"
    TOTALS_REQUIRED = "TOTALS_REQUIRED"
    TOTALS_CHANGED = "TOTALS_CHANGED"
    ALREADY_RELEASED = "ALREADY_RELEASED"


NO_DETAILS: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, kw_only=True, slots=True)
class Rejection:
    """The command was not accepted.

    `details` is JSON-safe (Decimal as str, dates ISO). `events` is the repricing the command found
    before it was rejected (catalog drift, see `repricing`): facts that stand whatever the command's
    fate, so the command handler appends them even though it replies with the rejection. That is how
    a DRAFT_CHANGED rejection shows "the new state" and the next confirmation can match it.
    """

    code: Code
    message: str
    details: Mapping[str, Any] = field(default_factory=lambda: NO_DETAILS)
    events: tuple[Event, ...] = field(default=())


def reject(code: Code, message: str, /, **details: Any) -> Rejection:
    return Rejection(code=code, message=message, details=MappingProxyType(details))
