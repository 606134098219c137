"""Incremental sources: the cursor comes from the staged table, with a full pass at least daily."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd

from assets.sources import SOURCES
from hub.warehouse import append_frame, connect, replace_rows

NEWEST = datetime(2026, 11, 25, 6, 0, tzinfo=timezone.utc)


def _crawl(con, finished_at, cursor):
    append_frame(con, "raw.crawls", pd.DataFrame([{
        "batch_id": f"b{finished_at.timestamp()}", "source": "traffy", "unit": "api", "started_at": finished_at,
        "finished_at": finished_at, "ok": True, "requests": 1, "not_modified": 0, "bytes": 0, "cursor": cursor}]))


def test_cursor_needs_staged_rows_and_a_recent_full_pass(tmp_path):
    cursor = SOURCES["traffy"].cursor
    with connect(tmp_path / "w.duckdb") as con:
        assert cursor(con) is None                                   # nothing staged: full pass
        replace_rows(con, "staged.traffy_complaints", pd.DataFrame({"ticket_id": ["t1", "t2"],
                     "reported_at": [NEWEST - timedelta(hours=3), NEWEST]}),
                     {"ticket_id": "VARCHAR", "reported_at": "TIMESTAMPTZ"})
        assert cursor(con) is None                                   # no full pass on record yet
        now = datetime.now(timezone.utc)
        _crawl(con, now - timedelta(hours=30), None)
        assert cursor(con) is None                                   # the last full pass is over a day old
        _crawl(con, now - timedelta(hours=2), None)
        assert cursor(con) == NEWEST                                 # incremental from the newest ticket
        _crawl(con, now - timedelta(minutes=5), str(NEWEST))         # incremental passes do not reset it
        assert cursor(con) == NEWEST


def test_only_cursor_sources_are_incremental():
    incremental = {name for name, spec in SOURCES.items() if spec.listing == "incremental"}
    assert incremental == {name for name, spec in SOURCES.items() if spec.cursor} == {"traffy", "bma_press"}
