"""core.source_health from raw.crawls: status, consecutive failures and freshness per source."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pandas as pd

from hub.config import load_settings
from hub.warehouse import append_frame, connect
from model.source_health import source_health

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def _pass(con, source, minutes_ago, units_ok, units_failed, kind="http_status"):
    at = NOW - timedelta(minutes=minutes_ago)
    rows = [{"batch_id": f"{source}-{minutes_ago}", "source": source, "unit": f"u{i}", "started_at": at,
             "finished_at": at, "ok": i < units_ok, "error_kind": None if i < units_ok else kind,
             "error": None if i < units_ok else f"{kind}: HTTP 500 (u{i})", "requests": 1, "not_modified": 0,
             "bytes": 10} for i in range(units_ok + units_failed)]
    append_frame(con, "raw.crawls", pd.DataFrame(rows))


def test_statuses_failures_and_freshness(tmp_path):
    base = load_settings()
    settings = replace(base, sources={n: replace(s, freshness_minutes=60) for n, s in base.sources.items()})
    with connect(tmp_path / "w.duckdb") as con:
        _pass(con, "flood_sensors", 10, 1, 0)                      # ok
        _pass(con, "mea_outages", 30, 1, 0)
        _pass(con, "mea_outages", 20, 0, 1)
        _pass(con, "mea_outages", 5, 0, 1, "timeout")             # two failed passes after a good one
        _pass(con, "district_portals", 5, 48, 2)                  # degraded: 2 of 50 districts failed
        _pass(con, "traffy", 300, 1, 0)                           # stale: last success 5 h ago, target 1 h
        health = source_health(con, settings, NOW).set_index("source")
    assert health.loc["flood_sensors", "status"] == "ok" and health.loc["flood_sensors", "fresh"]
    mea = health.loc["mea_outages"]
    assert mea["status"] == "failing" and mea["consecutive_failures"] == 2 and mea["last_error_kind"] == "timeout"
    assert mea["last_success_at"] == NOW - timedelta(minutes=30) and mea["fresh"]
    portals = health.loc["district_portals"]
    assert portals["status"] == "degraded" and portals["units_failed_last_pass"] == 2 and portals["units_last_pass"] == 50
    assert health.loc["traffy", "status"] == "stale" and not health.loc["traffy", "fresh"]
    assert health.loc["traffy", "minutes_since_success"] == 300
    assert health.loc["tourism", "status"] == "never"
    assert set(health.index) == set(settings.sources)
