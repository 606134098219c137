"""A staged table built in SQL, for sources too big to pass through pandas (the city's Traffy history).

The same rules as `hub.staging.build_staged`, written as set-based SQL in the warehouse: each unit's
bulk loader (`spec.load_unit`) writes its rows into the candidate table (the first unit) or a temp
table (the others), then one row per id (the newest fetch wins), items of the previous table carried over (an absence
counts only for a snapshot source, once per newly parsed listing of the item's unit, and never for a
record still listed but quarantined), first_seen_at kept. The candidate is a warehouse table
beside the staged one (`candidate_table`), built in place (no copy of the rows between steps) and
renamed into the staged table's place once the suite passes; only the columns the checks read come
out to pandas. `tests/test_delete_safety.py` runs the same scenarios through both.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

import duckdb
import pandas as pd

from hub.raw_archive import UnitFailed
from hub.warehouse import ensure_table, table_exists

# Set by the staging layer, not by a source's loader.
_STAGING_COLUMNS = ("unit", "batch_id", "first_seen_at", "last_seen_at", "absent_listings", "checked_batch_id")


def candidate_table(spec) -> str:
    """Where a source's candidate is built: a warehouse table beside the staged one, renamed into its
    place once the suite passes (`hub.warehouse.swap_in`), dropped when it fails."""
    return f"staged.{spec.staged_table}__candidate"


def _quoted(columns: Iterable[str], prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{c}"' for c in columns)


def _literal(value) -> str:
    if isinstance(value, datetime):
        return f"TIMESTAMPTZ '{value.isoformat()}'"
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


def build_in_sql(con: duckdb.DuckDBPyConnection, spec, units, gazetteer, absent_limit: int,
                 frame_columns: list[str] | None):
    """The candidate table (`candidate_table(spec)`). The first unit's loader writes straight into it and
    the provenance is added as constant columns, so a one-unit source is never copied."""
    from hub.staging import StagedBuild, _run     # the shared result type and parse-run record
    now = datetime.now(timezone.utc)
    candidate = candidate_table(spec)
    loaded = [c for c in spec.columns if c not in _STAGING_COLUMNS]
    con.execute(f"DROP TABLE IF EXISTS {candidate}")
    quarantined, runs, failed = [], [], {}
    for unit, batch_id, crawl_started, archived in units:
        first = not any(r["ok"] for r in runs)
        try:
            rows_table, unit_quarantine = spec.load_unit(con, unit, archived, gazetteer,
                                                         candidate if first else "_unit_rows")
        except UnitFailed as exc:
            failed[unit] = str(exc)
            runs.append(_run(spec, unit, batch_id, now, error=str(exc)))
            continue
        count = con.execute(f"SELECT count(*) FROM {rows_table}").fetchone()[0]
        provenance = {"unit": unit, "batch_id": batch_id, "last_seen_at": crawl_started, "absent_listings": 0,
                      "checked_batch_id": batch_id}
        if first:     # constant columns added while the table is fresh (later, DuckDB rewrites it)
            for column, value in {**provenance, "first_seen_at": now}.items():
                con.execute(f'ALTER TABLE {candidate} ADD COLUMN "{column}" {spec.columns[column]} '
                            f"DEFAULT {_literal(value) if column != 'absent_listings' else 0}")
        else:
            con.execute(f"INSERT INTO {candidate} BY NAME SELECT {_quoted(loaded)}, "
                        + ", ".join(f'{_literal(v) if k != "absent_listings" else 0} AS "{k}"'
                                    for k, v in {**provenance, "first_seen_at": now}.items())
                        + f" FROM {rows_table}")
            con.execute(f"DROP TABLE IF EXISTS temp.{rows_table}")
        for q in unit_quarantine:
            q.update(source=spec.name, unit=unit, batch_id=batch_id, quarantined_at=now)
        quarantined += unit_quarantine
        runs.append(_run(spec, unit, batch_id, now, count, len(unit_quarantine)))
    if not any(r["ok"] for r in runs):
        ddl = ", ".join(f'"{c}" {spec.columns[c]}' for c in spec.columns)
        con.execute(f"CREATE OR REPLACE TABLE {candidate} ({ddl})")
        con.execute(f"ALTER TABLE {candidate} ALTER COLUMN first_seen_at SET DEFAULT {_literal(now)}")
    _one_row_per_id(con, candidate, spec.id_column)
    listed = {r["unit"]: r["batch_id"] for r in runs if r["ok"]}
    refs = {str(q.get("record_ref")) for q in quarantined}
    carried, removed = _carry_over(con, spec, candidate, absent_limit, listed, refs)
    _keep_first_seen(con, spec, candidate)
    _only_contract_columns(con, spec, candidate)
    wanted = list(spec.columns) if frame_columns is None else \
        [c for c in spec.columns if c == spec.id_column or c in frame_columns]
    frame = con.execute(f"SELECT {_quoted(wanted)} FROM {candidate}").df()
    return StagedBuild(frame, pd.DataFrame(quarantined), pd.DataFrame(runs), failed, carried, removed,
                       row_count=len(frame), in_sql=candidate)


def _only_contract_columns(con: duckdb.DuckDBPyConnection, spec, candidate: str) -> None:
    """Drop what a loader kept for itself (a record's page and position): a rename, not a copy, will
    put this table in the staged table's place, so it must hold exactly the contract's columns."""
    present = [c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {candidate})").fetchall()]
    for column in present:
        if column not in spec.columns:
            con.execute(f'ALTER TABLE {candidate} DROP COLUMN "{column}"')


def _one_row_per_id(con: duckdb.DuckDBPyConnection, candidate: str, id_column: str) -> None:
    """A record listed by two units (or twice in a feed) keeps its newest fetch (the later row among
    equals); only the ids that occur twice are ranked, so the usual case costs one pass over the ids."""
    con.execute(f"""
        DELETE FROM {candidate} WHERE rowid IN (
            SELECT rowid FROM {candidate}
            WHERE "{id_column}" IN (SELECT "{id_column}" FROM {candidate} GROUP BY 1 HAVING count(*) > 1)
            QUALIFY row_number() OVER (PARTITION BY "{id_column}" ORDER BY fetched_at DESC NULLS FIRST, rowid DESC) > 1)
    """)


def _carry_over(con: duckdb.DuckDBPyConnection, spec, candidate: str, absent_limit: int, listed: dict[str, str],
                refs: set[str]) -> tuple[int, int]:
    """Items of the previous table this build did not produce, added to the candidate: (kept, removed)."""
    table = f"staged.{spec.staged_table}"
    if not table_exists(con, table):
        return 0, 0
    ensure_table(con, table, spec.columns)
    key = f'CAST(m."{spec.id_column}" AS VARCHAR)'
    con.register("_listed_frame", pd.DataFrame({"unit": list(listed), "batch_id": list(listed.values())}, dtype=object))
    con.register("_refs_frame", pd.DataFrame({"ref": sorted(refs)}, dtype=object))
    snapshot = getattr(spec, "listing", "snapshot") == "snapshot"
    try:      # typed here: an empty frame would reach SQL as INTEGER columns
        con.execute("CREATE OR REPLACE TEMP TABLE _listed AS SELECT CAST(unit AS VARCHAR) AS unit, "
                    "CAST(batch_id AS VARCHAR) AS batch_id FROM _listed_frame")
        con.execute("CREATE OR REPLACE TEMP TABLE _refs AS SELECT CAST(ref AS VARCHAR) AS ref FROM _refs_frame")
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _staged_judged AS
            WITH missing AS (
                SELECT m.* FROM {table} m ANTI JOIN {candidate} n ON {key} = CAST(n."{spec.id_column}" AS VARCHAR))
            SELECT m.*, coalesce({str(snapshot).lower()} AND l.batch_id IS NOT NULL
                                 AND l.batch_id IS DISTINCT FROM m.checked_batch_id
                                 AND NOT ({key} IN (SELECT ref FROM _refs)
                                          OR regexp_extract({key}, '[^/]*$') IN (SELECT ref FROM _refs)
                                          OR regexp_extract({key}, '[^:]*$') IN (SELECT ref FROM _refs)),
                                 false) AS _counts, l.batch_id AS _listed_batch
            FROM missing m LEFT JOIN _listed l ON l.unit = m.unit
        """)
    finally:
        con.unregister("_listed_frame")
        con.unregister("_refs_frame")
    kept_columns = [c for c in spec.columns if c not in ("absent_listings", "checked_batch_id", "first_seen_at")]
    con.execute(f"""
        INSERT INTO {candidate} BY NAME
        SELECT * FROM (
            SELECT {_quoted(kept_columns)}, coalesce(absent_listings, 0) + CAST(_counts AS INTEGER) AS absent_listings,
                   CASE WHEN _counts THEN _listed_batch ELSE checked_batch_id END AS checked_batch_id
            FROM _staged_judged)
        WHERE absent_listings < {int(absent_limit)}
    """)
    missing = con.execute("SELECT count(*) FROM _staged_judged").fetchone()[0]
    kept = missing - con.execute(f"SELECT count(*) FROM _staged_judged "
                                 f"WHERE coalesce(absent_listings, 0) + CAST(_counts AS INTEGER) >= {int(absent_limit)}"
                                 ).fetchone()[0]
    for temp in ("_staged_judged", "_listed", "_refs"):
        con.execute(f"DROP TABLE temp.{temp}")
    return kept, missing - kept


def _keep_first_seen(con: duckdb.DuckDBPyConnection, spec, candidate: str) -> None:
    """first_seen_at survives re-parses and carry-overs; the rest were first seen now (the column's default)."""
    table = f"staged.{spec.staged_table}"
    if not table_exists(con, table):
        return
    con.execute(f"""
        UPDATE {candidate} SET first_seen_at = f.first_seen_at
        FROM (SELECT CAST("{spec.id_column}" AS VARCHAR) AS _id, min(first_seen_at) AS first_seen_at
              FROM {table} GROUP BY 1 HAVING min(first_seen_at) IS NOT NULL) f
        WHERE f._id = CAST({candidate}."{spec.id_column}" AS VARCHAR)
    """)
