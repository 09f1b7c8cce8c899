# Fixtures shared by every test folder: real Kafka and PostgreSQL (infra/src/infra/pytest_plugin.py).
pytest_plugins = ["infra.pytest_plugin"]
