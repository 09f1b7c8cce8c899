"""Loading the catalog from a folder of CSV or JSON files: read, validate, stage, check, apply."""

from catalog.importing.load import ImportResult, import_folder

__all__ = ["ImportResult", "import_folder"]
