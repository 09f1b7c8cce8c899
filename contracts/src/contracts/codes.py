"""Stable rejection codes a client can rely on (domain.md section 1), shared by every service."""

from __future__ import annotations

SETUP_CODES: dict[str, str] = {
    "CC002": "the user is not a person",
    "CC003": "the user has no parent party (customer company)",
    "CC004": "the parent party is not a customer",
    "CC005": "the site has no enterprise company",
    "CC006": "the customer has no agreement with the site's enterprise company",
    "CC007": "the customer has no servicing enterprise company location",
    "CC008": "the site's settings are not well-formed JSON",
    "CC009": "NewOrderDocumentType is missing, names no document type, or names no sales-order type",
    "CC010": "the user has no external-access role",
}

SETTINGS_NOT_WELL_FORMED = "CC008"
SETTINGS_DOCUMENT_TYPE = "CC009"
