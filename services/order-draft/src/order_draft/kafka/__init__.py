"""Kafka at the edge of order-draft: topics, the catalog follower's consumer, producers."""
