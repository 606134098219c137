"""When the hub issued each alert version: CAP's `sent` of that version's message, and what an update's
`references` name ("sender,identifier,sent" needs the sent time of every earlier message).

`core.alerts` keeps only each alert's latest version; `core.alert_versions` keeps one row per
(alert, version) ever committed, written once and never changed, so a message re-published later
carries the same identifier and sent time.
"""
from __future__ import annotations

from datetime import datetime

import duckdb

from hub.warehouse import table_exists

TABLE = "core.alert_versions"
VERSION_COLUMNS = {"alert_id": "VARCHAR", "version": "INTEGER", "msg_type": "VARCHAR", "issued_at": "TIMESTAMPTZ"}


def record(con: duckdb.DuckDBPyConnection, now: datetime) -> int:
    """Add the versions of core.alerts not recorded yet (issued now); returns how many were new."""
    columns = ", ".join(f"{c} {t} NOT NULL" for c, t in VERSION_COLUMNS.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} ({columns}, PRIMARY KEY (alert_id, version))")
    before = con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
    con.execute(f"""INSERT OR IGNORE INTO {TABLE}
                    SELECT alert_id, coalesce(version, 1), coalesce(msg_type, 'Alert'), ?::TIMESTAMPTZ
                    FROM core.alerts""", [now])
    return con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] - before


def issued(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], datetime]:
    """(alert id, version) -> when the hub issued it; empty before the first record."""
    if not table_exists(con, TABLE):
        return {}
    return {(a, int(v)): t for a, v, t in con.execute(f"SELECT alert_id, version, issued_at FROM {TABLE}").fetchall()}
