"""The catalog database: migrations, staging, applying changes with their outbox rows, reading back."""
