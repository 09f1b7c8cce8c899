"""Messages, topics and the typed client shared by the services."""
