"""The DuckDB warehouse: schemas, bulk writes and the raw-layer queries the pipeline needs.

One writer at a time (Dagster puts every writing asset in the `duckdb` pool); readers open it
read-only. Writes are bulk loads of DataFrames inside one transaction, never row loops.
"""
from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd

from hub.raw_archive import Validators

SCHEMA_SQL = """
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staged;
CREATE SCHEMA IF NOT EXISTS core;
CREATE TABLE IF NOT EXISTS raw.responses (
    response_id VARCHAR PRIMARY KEY, batch_id VARCHAR NOT NULL, source VARCHAR NOT NULL, unit VARCHAR NOT NULL,
    url VARCHAR, final_url VARCHAR, status INTEGER, headers JSON, sha256 VARCHAR, bytes BIGINT,
    fetched_at TIMESTAMPTZ NOT NULL, duration_ms INTEGER, attempts INTEGER, error_kind VARCHAR, error VARCHAR);
CREATE TABLE IF NOT EXISTS raw.crawls (
    batch_id VARCHAR NOT NULL, source VARCHAR NOT NULL, unit VARCHAR NOT NULL,
    started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ NOT NULL, ok BOOLEAN NOT NULL,
    error_kind VARCHAR, error VARCHAR, requests INTEGER, not_modified INTEGER, bytes BIGINT,
    PRIMARY KEY (batch_id, unit));
-- Added after the first release: requests not sent because an unchanged listing made them unnecessary.
ALTER TABLE raw.responses ADD COLUMN IF NOT EXISTS skipped BOOLEAN DEFAULT false;
ALTER TABLE raw.crawls ADD COLUMN IF NOT EXISTS skipped INTEGER DEFAULT 0;
-- The cursor an incremental crawl started from (NULL: a full pass).
ALTER TABLE raw.crawls ADD COLUMN IF NOT EXISTS cursor VARCHAR;
CREATE TABLE IF NOT EXISTS staged.quarantine (
    source VARCHAR NOT NULL, unit VARCHAR, batch_id VARCHAR, url VARCHAR, sha256 VARCHAR,
    record_ref VARCHAR, reason VARCHAR NOT NULL, excerpt VARCHAR, quarantined_at TIMESTAMPTZ NOT NULL);
CREATE TABLE IF NOT EXISTS staged.parse_runs (
    source VARCHAR NOT NULL, unit VARCHAR NOT NULL, batch_id VARCHAR NOT NULL, parsed_at TIMESTAMPTZ NOT NULL,
    ok BOOLEAN NOT NULL, rows INTEGER, quarantined INTEGER, error VARCHAR);
"""


MEMORY_LIMIT = "500MB"


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("SET TimeZone = 'Asia/Bangkok'")
    # DuckDB would take up to 80% of the machine before spilling; a city-scale build (500,000 complaints
    # in temp tables) then holds GBs. Bounded, it spills to <warehouse>.tmp and runs as fast (make bench).
    limit = os.environ.get("BKK_DUCKDB_MEMORY_LIMIT", MEMORY_LIMIT)
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", limit, re.IGNORECASE):
        raise ValueError(f"BKK_DUCKDB_MEMORY_LIMIT must look like 800MB or 2GB, not {limit!r}")
    con.execute(f"SET memory_limit = '{limit}'")
    if not read_only:
        con.execute(SCHEMA_SQL)
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def append_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Bulk append a DataFrame by column name (DuckDB scans the frame; no per-row inserts)."""
    if frame.empty:
        return 0
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    con.register("_append_frame", frame)
    try:
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _append_frame")
    finally:
        con.unregister("_append_frame")
    return len(frame)


def record_crawl(con: duckdb.DuckDBPyConnection, responses: pd.DataFrame, crawls: pd.DataFrame) -> None:
    with transaction(con):
        append_frame(con, "raw.responses", responses)
        append_frame(con, "raw.crawls", crawls)


def latest_validators(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, Validators]:
    """Per URL, the validators and body of its newest archived 200 (for conditional GET), and when the
    server last confirmed that body with a 200 or a 304 (for skipping detail pages)."""
    rows = con.execute("""
        WITH bodies AS (
            SELECT url, headers, sha256 FROM raw.responses
            WHERE source = ? AND status = 200 AND sha256 IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1),
        checks AS (
            SELECT url, max(fetched_at) AS checked_at FROM raw.responses
            WHERE source = ? AND status IN (200, 304) AND NOT coalesce(skipped, false) GROUP BY url)
        SELECT b.url, b.headers, b.sha256, c.checked_at FROM bodies b LEFT JOIN checks c USING (url)
    """, [source, source]).fetchall()
    out = {}
    for url, headers, sha, checked_at in rows:
        h = json.loads(headers or "{}")
        out[url] = Validators(h.get("ETag"), h.get("Last-Modified"), sha, h.get("Content-Type"), checked_at)
    return out


def latest_ok_crawls(con: duckdb.DuckDBPyConnection, source: str) -> pd.DataFrame:
    """Per unit, the newest crawl that completed: the state the staged layer is built from."""
    return con.execute("""
        SELECT unit, batch_id, started_at, finished_at FROM raw.crawls WHERE source = ? AND ok
        QUALIFY row_number() OVER (PARTITION BY unit ORDER BY finished_at DESC) = 1
        ORDER BY unit
    """, [source]).df()


def batch_responses(con: duckdb.DuckDBPyConnection, source: str, batch_ids: list[str]) -> pd.DataFrame:
    """The successful responses of those batches (200s and 304s resolved to their archived body)."""
    if not batch_ids:
        return pd.DataFrame(columns=["unit", "batch_id", "url", "final_url", "status", "headers", "sha256", "fetched_at"])
    return con.execute("""
        SELECT unit, batch_id, url, final_url, status, headers, sha256, fetched_at FROM raw.responses
        WHERE source = ? AND batch_id IN (SELECT unnest(?)) AND (status IN (200, 304) OR skipped) AND sha256 IS NOT NULL
          AND unit <> 'robots'
        ORDER BY fetched_at
    """, [source, batch_ids]).df()


def table_exists(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, name = qualified.split(".")
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema=? AND table_name=?",
                            [schema, name]).fetchone()[0])


def ensure_table(con: duckdb.DuckDBPyConnection, qualified: str, columns: dict[str, str]) -> str:
    """Create the table from `columns` (tables from an older release gain new columns in place); returns
    the SELECT list casting a source's columns to the table's types."""
    ddl = ", ".join(f'"{name}" {type_}' for name, type_ in columns.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS {qualified} ({ddl})")
    for name, type_ in columns.items():
        con.execute(f'ALTER TABLE {qualified} ADD COLUMN IF NOT EXISTS "{name}" {type_}')
    return ", ".join(f'CAST("{name}" AS {type_}) AS "{name}"' for name, type_ in columns.items())


def replace_rows(con: duckdb.DuckDBPyConnection, qualified: str, frame: pd.DataFrame,
                 columns: dict[str, str], *, where: str | None = None, params: list | None = None) -> int:
    """Idempotent write: delete (all rows, or those matching `where`) then bulk insert, in one transaction.

    The table is created from `columns` (name -> DuckDB type) so an empty frame still has the right
    types; readers never see the table half-written.
    """
    select = ensure_table(con, qualified, columns)
    frame = frame.reindex(columns=list(columns))
    con.register("_replace_frame", frame)
    try:
        with transaction(con):
            con.execute(f"DELETE FROM {qualified}" + (f" WHERE {where}" if where else ""), params or [])
            con.execute(f"INSERT INTO {qualified} SELECT {select} FROM _replace_frame")
    finally:
        con.unregister("_replace_frame")
    return len(frame)


def swap_in(con: duckdb.DuckDBPyConnection, candidate: str, target: str) -> None:
    """Make the checked candidate table (`schema.name__candidate`, same schema as the target) the
    target, in one transaction: a rename, so a city-scale table is never copied a second time."""
    schema, name = target.split(".")
    if not candidate.startswith(f"{schema}."):
        raise ValueError(f"the candidate {candidate} must live in the schema of {target}")
    with transaction(con):
        con.execute(f"DROP TABLE IF EXISTS {target}")
        con.execute(f'ALTER TABLE {candidate} RENAME TO "{name}"')

