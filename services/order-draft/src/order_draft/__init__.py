"""The order-draft service."""
