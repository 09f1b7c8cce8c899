"""Publishing the catalog: compacted topics, and the relay from the outbox to them."""
