"""Build a source's staged table from the raw archive: the newest complete crawl of every unit.

A unit whose latest crawl failed simply has an older complete crawl, so its rows stay: a failed
or garbage fetch never removes data. Records that cannot be parsed are returned for quarantine
with their reason; the rest of the page still loads.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

import duckdb
import pandas as pd

from hub.raw_archive import ArchivedResponse, BodyStore, UnitFailed
from hub.warehouse import batch_responses, latest_ok_crawls, table_exists


@dataclass
class StagedBuild:
    frame: pd.DataFrame
    quarantined: pd.DataFrame
    parse_runs: pd.DataFrame
    failed_units: dict[str, str] = field(default_factory=dict)


def build_staged(con: duckdb.DuckDBPyConnection, spec, store: BodyStore, gazetteer) -> StagedBuild:
    now = datetime.now(timezone.utc)
    crawls = latest_ok_crawls(con, spec.name)
    responses = batch_responses(con, spec.name, crawls["batch_id"].tolist())
    rows, quarantined, runs, failed = [], [], [], {}
    for unit, batch_id in zip(crawls["unit"], crawls["batch_id"]):
        archived = [ArchivedResponse(url=r.url, final_url=r.final_url or r.url, status=int(r.status),
                                     content_type=_content_type(r.headers), sha256=r.sha256,
                                     body=store.get(r.sha256), fetched_at=r.fetched_at)
                    for r in responses[(responses["batch_id"] == batch_id) & (responses["unit"] == unit)].itertuples()]
        try:
            unit_rows, unit_quarantine = spec.parse_unit(unit, archived, gazetteer)
        except UnitFailed as exc:
            failed[unit] = str(exc)
            runs.append({"source": spec.name, "unit": unit, "batch_id": batch_id, "parsed_at": now, "ok": False,
                         "rows": 0, "quarantined": 0, "error": str(exc)})
            continue
        for row in unit_rows:
            row.update(unit=unit, batch_id=batch_id)
        for q in unit_quarantine:
            q.update(source=spec.name, unit=unit, batch_id=batch_id, quarantined_at=now)
        rows += unit_rows
        quarantined += unit_quarantine
        runs.append({"source": spec.name, "unit": unit, "batch_id": batch_id, "parsed_at": now, "ok": True,
                     "rows": len(unit_rows), "quarantined": len(unit_quarantine), "error": None})
    frame = pd.DataFrame(rows, columns=list(spec.columns))
    frame = _keep_first_seen(con, spec, frame, now)
    return StagedBuild(frame, pd.DataFrame(quarantined), pd.DataFrame(runs), failed)


def _content_type(headers_json: str | None) -> str | None:
    return json.loads(headers_json or "{}").get("Content-Type")


def _keep_first_seen(con: duckdb.DuckDBPyConnection, spec, frame: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """first_seen_at survives re-parses; last_seen_at is when the source last showed the record."""
    table = f"staged.{spec.staged_table}"
    previous = (con.execute(f'SELECT "{spec.id_column}" AS id, first_seen_at FROM {table}').df()
                if table_exists(con, table) else pd.DataFrame(columns=["id", "first_seen_at"]))
    first_seen = dict(zip(previous["id"], previous["first_seen_at"]))
    frame["first_seen_at"] = [first_seen.get(i, now) for i in frame[spec.id_column]]
    frame["last_seen_at"] = frame["fetched_at"]
    return frame
