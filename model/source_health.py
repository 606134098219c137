"""core.source_health: per partner source, is it being fetched, and is its data fresh enough?

Computed from raw.crawls (one row per unit per pass). A pass is one batch; it succeeded when
every unit in it succeeded, partly when some did. Freshness compares the last pass in which any
unit succeeded with the source's `freshness_minutes` target in config/sources.yaml.
"""
from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from hub.config import Settings

HEALTH_COLUMNS = {
    "source": "VARCHAR", "title": "VARCHAR", "status": "VARCHAR",   # ok | degraded | failing | stale | never
    "last_attempt_at": "TIMESTAMPTZ", "last_success_at": "TIMESTAMPTZ", "last_complete_at": "TIMESTAMPTZ",
    "consecutive_failures": "INTEGER", "units_failed_last_pass": "INTEGER", "units_last_pass": "INTEGER",
    "last_error_kind": "VARCHAR", "last_error": "VARCHAR", "freshness_minutes": "INTEGER",
    "minutes_since_success": "DOUBLE", "fresh": "BOOLEAN", "checked_at": "TIMESTAMPTZ",
}

_PASSES_SQL = """
    SELECT source, batch_id, max(finished_at) AS finished_at, count(*) AS units,
           count(*) FILTER (WHERE NOT ok) AS failed,
           any_value(error_kind) FILTER (WHERE NOT ok) AS error_kind,
           any_value(error) FILTER (WHERE NOT ok) AS error
    FROM raw.crawls GROUP BY source, batch_id
"""


def source_health(con: duckdb.DuckDBPyConnection, settings: Settings, now: datetime) -> pd.DataFrame:
    passes = con.execute(_PASSES_SQL + " ORDER BY source, finished_at DESC").df()
    rows = []
    for name, source in settings.sources.items():
        mine = passes[passes["source"] == name]
        row = {"source": name, "title": source.title, "freshness_minutes": source.freshness_minutes,
               "checked_at": now, "consecutive_failures": 0}
        if mine.empty:
            rows.append({**row, "status": "never", "fresh": False})
            continue
        last = mine.iloc[0]
        useful = mine[mine["failed"] < mine["units"]]            # at least one unit fetched
        complete = mine[mine["failed"] == 0]
        failures = 0
        for failed, units in zip(mine["failed"], mine["units"]):   # newest first
            if failed < units:
                break
            failures += 1
        last_success = useful["finished_at"].iloc[0] if len(useful) else None
        minutes = (pd.Timestamp(now) - last_success).total_seconds() / 60 if last_success is not None else None
        fresh = minutes is not None and minutes <= source.freshness_minutes
        status = ("failing" if failures else "degraded" if last["failed"] else "ok") if fresh else \
            ("stale" if last_success is not None else "failing")
        rows.append({**row, "status": status, "last_attempt_at": last["finished_at"],
                     "last_success_at": last_success,
                     "last_complete_at": complete["finished_at"].iloc[0] if len(complete) else None,
                     "consecutive_failures": failures, "units_failed_last_pass": int(last["failed"]),
                     "units_last_pass": int(last["units"]),
                     "last_error_kind": last["error_kind"] if last["failed"] else None,
                     "last_error": last["error"] if last["failed"] else None,
                     "minutes_since_success": round(minutes, 1) if minutes is not None else None, "fresh": fresh})
    return pd.DataFrame(rows, columns=list(HEALTH_COLUMNS))
