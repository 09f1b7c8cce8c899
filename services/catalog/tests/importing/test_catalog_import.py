"""Importing a folder of CSV/JSON files into the real catalog database: all or nothing, every problem
reported with file, line and reason."""

from __future__ import annotations

from pathlib import Path

import asyncpg
from catalog_files import SMALL, SMALL_ROWS, write_folder

from catalog.importing import import_folder
from catalog.store.records import load_records
from contracts.catalog import KINDS, Channel


async def _changes(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM catalog.changes"))


async def _stored(conn: asyncpg.Connection) -> dict[str, dict[str, object]]:
    return {kind: await load_records(conn, kind) for kind in KINDS}


async def test_an_import_stores_every_kind_and_writes_one_change_per_row(
    catalog_db: asyncpg.Connection, tmp_path: Path
) -> None:
    result = await import_folder(catalog_db, write_folder(tmp_path, SMALL))
    assert result.problems == []
    assert (result.rows, result.changed) == (SMALL_ROWS, SMALL_ROWS)
    stored = await _stored(catalog_db)
    assert all(stored[kind] for kind in KINDS), [kind for kind in KINDS if not stored[kind]]
    assert stored["customer"]["C1"].target_groups == ("VIP",)
    assert stored["site"]["PORTAL"].settings.default_store == "S1"
    assert stored["channel"]["CC"] == Channel(code="CC", name="Client Center")  # the default site channel
    assert await _changes(catalog_db) == SMALL_ROWS + 1
    assert result.revision == await catalog_db.fetchval("SELECT max(revision) FROM catalog.changes")


async def test_importing_the_same_files_again_changes_nothing(
    catalog_db: asyncpg.Connection, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path, SMALL)
    await import_folder(catalog_db, folder)
    again = await import_folder(catalog_db, folder)
    assert (again.rows, again.changed, again.revision) == (SMALL_ROWS, 0, None)
    assert await _changes(catalog_db) == SMALL_ROWS + 1


async def test_only_a_changed_row_gets_a_new_revision(catalog_db: asyncpg.Connection, tmp_path: Path) -> None:
    await import_folder(catalog_db, write_folder(tmp_path / "a", SMALL))
    before = await _changes(catalog_db)
    files = {"products.csv": SMALL["products.csv"].replace("Bolt M6", "Bolt M6 zinc")}
    result = await import_folder(catalog_db, write_folder(tmp_path / "b", files))
    assert result.changed == 1
    assert await _changes(catalog_db) == before + 1
    row = await catalog_db.fetchrow(
        "SELECT kind, key, record FROM catalog.changes ORDER BY revision DESC LIMIT 1"
    )
    assert (row["kind"], row["key"]) == ("product", "P-1")
    assert "Bolt M6 zinc" in row["record"]


async def test_a_bad_row_is_reported_by_file_and_line_and_nothing_is_applied(
    catalog_db: asyncpg.Connection, tmp_path: Path
) -> None:
    files = dict(SMALL)
    files["price-entries.csv"] = SMALL["price-entries.csv"].replace("E3,P-1,LIST,0.99", "E3,P-1,LIST,cheap")
    files["line-discounts.json"] = SMALL["line-discounts.json"].replace('"level": 2', '"level": "2"')
    result = await import_folder(catalog_db, write_folder(tmp_path, files))
    assert not result.applied
    where = {(p.source, p.line) for p in result.problems}
    assert where == {("price-entries.csv", 4), ("line-discounts.json", 3)}
    assert "price" in next(p.reason for p in result.problems if p.source == "price-entries.csv")
    assert all(not records for kind, records in (await _stored(catalog_db)).items() if kind != "channel")
    assert await _changes(catalog_db) == 1  # only the default channel


async def test_a_reference_to_nothing_rejects_the_import(
    catalog_db: asyncpg.Connection, tmp_path: Path
) -> None:
    files = dict(SMALL)
    files["products.csv"] = SMALL["products.csv"].replace("P-2,Nut M6,PCS,FIX", "P-2,Nut M6,PCS,NUTS")
    result = await import_folder(catalog_db, write_folder(tmp_path, files))
    assert [str(p) for p in result.problems] == [
        "products.csv:3: product_group names product_group 'NUTS', which does not exist"
    ]
    assert await _changes(catalog_db) == 1
    assert await catalog_db.fetchval("SELECT count(*) FROM catalog.staged_rows") == 0


async def test_references_may_point_at_what_an_earlier_import_stored(
    catalog_db: asyncpg.Connection, tmp_path: Path
) -> None:
    await import_folder(catalog_db, write_folder(tmp_path / "a", SMALL))
    later = {"products.csv": "code,name,unit,product_group\nP-9,Screw,PCS,FIX\n"}
    result = await import_folder(catalog_db, write_folder(tmp_path / "b", later))
    assert (result.problems, result.changed) == ([], 1)


async def test_duplicates_unknown_files_and_columns_are_reported(
    catalog_db: asyncpg.Connection, tmp_path: Path
) -> None:
    files = {
        "products.csv": "code,name,unit\nP-1,Bolt,PCS\nP-1,Bolt again,PCS\n",
        "channels.csv": "code,name,colour\nWEB,Web,red\n",
        "stock.csv": "a\n1\n",
        "README.md": "ignored",
    }
    result = await import_folder(catalog_db, write_folder(tmp_path, files))
    reasons = [str(p) for p in result.problems]
    assert "channels.csv:1: unknown columns: colour" in reasons
    assert "products.csv:3: duplicate key 'P-1', first at products.csv:2" in reasons
    assert any(r.startswith("stock.csv: unknown file") for r in reasons)


async def test_site_settings_that_are_not_well_formed_are_refused_with_their_code(
    catalog_db: asyncpg.Connection, tmp_path: Path
) -> None:
    files = dict(SMALL)
    files["sites.csv"] = (
        'code,name,enterprise_company,settings\nPORTAL,Portal,SUP,"{""IsNewOrderEnabled"": true"\n'
    )
    files["document-types.csv"] = "code,name,sales_order\nRET,Return,false\n"
    files["sites.json"] = '[\n  {"code": "SHOP", "name": "Shop", "settings": {"IsNewOrderEnabled": true,\n'
    files["sites.json"] += '   "NewOrderDocumentType": "RET"}}\n]\n'
    result = await import_folder(catalog_db, write_folder(tmp_path, files))
    assert [(p.source, p.line, p.code) for p in result.problems] == [
        ("sites.csv", 2, "CC008"),
        ("sites.json", 2, "CC009"),
    ]
    assert await _changes(catalog_db) == 1
