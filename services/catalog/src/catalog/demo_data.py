"""Where the shipped demo data set is (package data: catalog/demo/)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEMO = "demo"


def demo_folder() -> Path:
    folder = Path(str(resources.files("catalog") / "demo"))
    if not folder.is_dir():
        raise FileNotFoundError(f"the demo data set is missing from the installed package ({folder})")
    return folder


def import_folder_for(setting: str) -> Path | None:
    """CATALOG_IMPORT_ON_START: "demo", a folder, or empty (nothing)."""
    if not setting:
        return None
    return demo_folder() if setting == DEMO else Path(setting)
