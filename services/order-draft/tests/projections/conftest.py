from service_under_test import running

__all__ = ["running"]
