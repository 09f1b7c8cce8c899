"""Admin commands on Kafka: upsert, deactivate and delete any catalog record."""
