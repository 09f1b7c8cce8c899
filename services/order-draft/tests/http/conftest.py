import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "projections"))
from service_under_test import running

__all__ = ["running"]
