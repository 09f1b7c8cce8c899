"""Commands in over Kafka: the consumer loop (processor) and the group-commit decision step (batch)."""
