"""Build a source's staged table from the raw archive, never losing an item to a bad fetch.

Each unit is parsed from its newest complete crawl. Items the previous staged table held but this
build did not produce are *carried over*:

- a unit whose latest crawl failed, or whose archived pages no longer parse, keeps its items;
- for sources whose crawl is a complete listing (`listing="snapshot"`), an item goes away only
  after it is missing from `absent_listings_before_removal` consecutive complete listings of its
  unit. A listing counts once (`checked_batch_id` remembers which crawl was last counted, so a
  re-parse never counts twice), and only when the unit parsed: a unit whose pages stopped parsing,
  or a record that is still listed but now quarantined, never moves an item towards removal;
- for incremental sources (`listing="incremental"`, a cursor fetches only what is new), absence
  means nothing: items stay until the source itself ends or cancels them.

Records that cannot be parsed are returned for quarantine with their reason.
"""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone

import duckdb
import pandas as pd

from hub.raw_archive import ArchivedResponse, BodyStore, UnitFailed
from hub.warehouse import (append_frame, batch_responses, latest_ok_crawls, replace_rows, swap_in, table_exists,
                           transaction)


@dataclass
class StagedBuild:
    frame: pd.DataFrame
    quarantined: pd.DataFrame
    parse_runs: pd.DataFrame
    failed_units: dict[str, str] = field(default_factory=dict)
    carried: int = 0          # items kept from earlier builds (failed units, not yet confirmed absent)
    removed: int = 0          # items dropped after enough consecutive complete listings without them
    row_count: int = 0
    in_sql: str | None = None  # the warehouse table holding the whole candidate, when it was built in SQL


def _units(con: duckdb.DuckDBPyConnection, spec, store: BodyStore):
    """Per unit, its newest complete crawl: (unit, batch_id, crawl start, archived responses)."""
    crawls = latest_ok_crawls(con, spec.name)
    responses = batch_responses(con, spec.name, crawls["batch_id"].tolist())
    for unit, batch_id, crawl_started in zip(crawls["unit"], crawls["batch_id"], crawls["started_at"]):
        mine = responses[(responses["batch_id"] == batch_id) & (responses["unit"] == unit)]
        archived = [ArchivedResponse(url=r.url, final_url=r.final_url or r.url,
                                     status=int(r.status) if pd.notna(r.status) else 304,
                                     content_type=_content_type(r.headers), sha256=r.sha256,
                                     path=store.path(r.sha256), fetched_at=r.fetched_at)
                    for r in mine.itertuples()]
        yield unit, batch_id, crawl_started, archived


def _run(spec, unit: str, batch_id: str, now: datetime, rows: int = 0, quarantined: int = 0,
         error: str | None = None) -> dict:
    return {"source": spec.name, "unit": unit, "batch_id": batch_id, "parsed_at": now, "ok": error is None,
            "rows": rows, "quarantined": quarantined, "error": error}


def build_staged(con: duckdb.DuckDBPyConnection, spec, store: BodyStore, gazetteer,
                 absent_limit: int = 3, frame_columns: list[str] | None = None) -> StagedBuild:
    """The candidate staged table of `spec`. A source with a bulk loader (`spec.load_unit`) is built in
    SQL (`hub.staging_sql`): its rows stay in DuckDB and `frame` holds only `frame_columns`."""
    if getattr(spec, "load_unit", None) is not None:
        from hub.staging_sql import build_in_sql
        return build_in_sql(con, spec, _units(con, spec, store), gazetteer, absent_limit, frame_columns)
    now = datetime.now(timezone.utc)
    rows, quarantined, runs, failed = [], [], [], {}
    for unit, batch_id, crawl_started, archived in _units(con, spec, store):
        try:
            unit_rows, unit_quarantine = spec.parse_unit(unit, archived, gazetteer)
        except UnitFailed as exc:
            failed[unit] = str(exc)
            runs.append(_run(spec, unit, batch_id, now, error=str(exc)))
            continue
        for row in unit_rows:
            row.update(unit=unit, batch_id=batch_id, last_seen_at=crawl_started, absent_listings=0,
                       checked_batch_id=batch_id)
        rows += unit_rows
        for q in unit_quarantine:
            q.update(source=spec.name, unit=unit, batch_id=batch_id, quarantined_at=now)
        quarantined += unit_quarantine
        runs.append(_run(spec, unit, batch_id, now, len(unit_rows), len(unit_quarantine)))
    frame = _dedupe(pd.DataFrame(rows, columns=list(spec.columns)), spec.id_column)
    listed = {r["unit"]: r["batch_id"] for r in runs if r["ok"]}
    still_listed = {str(q.get("record_ref")) for q in quarantined}
    frame, carried, removed = _carry_over(con, spec, frame, absent_limit, listed, still_listed)
    frame = typed_times(_keep_first_seen(con, spec, frame, now), spec.columns)
    return StagedBuild(frame, pd.DataFrame(quarantined), pd.DataFrame(runs), failed, carried, removed,
                       row_count=len(frame))


def typed_times(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """New rows hold Python datetimes, carried rows pandas timestamps: make each TIMESTAMPTZ column one dtype."""
    for name, type_ in columns.items():
        if type_ == "TIMESTAMPTZ" and name in frame:
            frame[name] = pd.to_datetime(frame[name], utc=True, format="mixed")
    return frame


def _content_type(headers_json: str | None) -> str | None:
    return json.loads(headers_json or "{}").get("Content-Type")


def _dedupe(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """One row per id: a record listed by two units (or twice in a feed) keeps its newest fetch."""
    if frame.empty:
        return frame
    return (frame.sort_values("fetched_at", kind="stable")
            .drop_duplicates(id_column, keep="last").reset_index(drop=True))


def _carry_over(con: duckdb.DuckDBPyConnection, spec, frame: pd.DataFrame, absent_limit: int,
                listed: dict[str, str], still_listed: set[str]) -> tuple[pd.DataFrame, int, int]:
    """Previous items this build did not produce: keep them, counting one more absent listing only
    when their unit was parsed from a crawl not counted before and they are not quarantined."""
    table = f"staged.{spec.staged_table}"
    if not table_exists(con, table):
        return frame, 0, 0
    ids = pd.DataFrame({"id": frame[spec.id_column].astype(str).unique()})
    con.register("_built_ids", ids)
    try:
        missing = con.execute(f"""
            SELECT p.* FROM {table} p WHERE CAST(p."{spec.id_column}" AS VARCHAR) NOT IN (SELECT id FROM _built_ids)
        """).df()
    finally:
        con.unregister("_built_ids")
    if missing.empty:
        return frame, 0, 0
    if "checked_batch_id" not in missing:            # a table from before this column existed
        missing["checked_batch_id"] = missing["batch_id"]
    counts, checked = [], []
    for item_id, unit, count, last in zip(missing[spec.id_column].astype(str), missing["unit"],
                                          missing["absent_listings"].fillna(0).astype(int), missing["checked_batch_id"]):
        batch = listed.get(unit)
        counts_now = (getattr(spec, "listing", "snapshot") == "snapshot" and batch is not None and batch != last
                      and not _quarantined(item_id, still_listed))
        counts.append(count + 1 if counts_now else count)
        checked.append(batch if counts_now else last)
    missing["absent_listings"], missing["checked_batch_id"] = counts, checked
    keep = missing[missing["absent_listings"] < absent_limit]
    removed = len(missing) - len(keep)
    keep = keep.reindex(columns=list(spec.columns))
    with warnings.catch_warnings():   # all-NA columns in one part are fine: typed_times fixes the dtypes after
        warnings.simplefilter("ignore", FutureWarning)
        combined = keep if frame.empty else pd.concat([frame, keep], ignore_index=True) if len(keep) else frame
    return combined, len(keep), removed


def _quarantined(item_id: str, refs: set[str]) -> bool:
    """Quarantine refers to a record by the source's own reference: the id itself or its last part
    ("1001/notice-17" is quarantined as "notice-17")."""
    return item_id in refs or item_id.rsplit("/", 1)[-1] in refs or item_id.rsplit(":", 1)[-1] in refs


def _keep_first_seen(con: duckdb.DuckDBPyConnection, spec, frame: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """first_seen_at survives re-parses and carry-overs."""
    table = f"staged.{spec.staged_table}"
    previous = (con.execute(f'SELECT "{spec.id_column}" AS id, first_seen_at FROM {table}').df()
                if table_exists(con, table) else pd.DataFrame(columns=["id", "first_seen_at"]))
    first_seen = pd.Series(pd.to_datetime(previous["first_seen_at"], utc=True).to_numpy(),
                           index=previous["id"].astype(str))
    first_seen = first_seen[~first_seen.index.duplicated()]
    known = pd.to_datetime(frame[spec.id_column].astype(str).map(first_seen), utc=True)
    frame["first_seen_at"] = known.fillna(pd.Timestamp(now))
    return frame


def stage_source(con: duckdb.DuckDBPyConnection, spec, store: BodyStore, gazetteer, *, absent_limit: int,
                 validate) -> tuple[StagedBuild, object]:
    """Candidate, check, publish: build the candidate, validate it, replace the table only if it passes.

    `validate(name, frame, expectations)` returns an outcome with `.success` (a candidate built in SQL is
    validated in DuckDB by `quality.gx_validation.validate_table`); parse runs are always
    recorded, quarantined records only with an accepted candidate (a rejected build is re-done later).
    """
    expectations = spec.expectations(gazetteer)
    build = build_staged(con, spec, store, gazetteer, absent_limit=absent_limit, frame_columns=[spec.id_column])
    if build.in_sql:      # the candidate stays in DuckDB: the suite reads it there, a part at a time
        from quality.gx_validation import validate_table
        outcome = validate_table(con, build.in_sql, f"staged_{spec.staged_table}", expectations)
    else:
        outcome = validate(f"staged_{spec.staged_table}", build.frame, expectations)
    append_frame(con, "staged.parse_runs", build.parse_runs)
    if outcome.success:
        with transaction(con):
            append_frame(con, "staged.quarantine", new_quarantine(con, build.quarantined))
        write_staged(con, spec, build)
    elif build.in_sql:
        con.execute(f"DROP TABLE IF EXISTS {build.in_sql}")     # the last good table stays as it was
    return build, outcome


def write_staged(con: duckdb.DuckDBPyConnection, spec, build: StagedBuild) -> None:
    """Replace the staged table with the candidate: the frame's rows, or the candidate table renamed."""
    if build.in_sql:
        swap_in(con, build.in_sql, f"staged.{spec.staged_table}")
    else:
        replace_rows(con, f"staged.{spec.staged_table}", build.frame, spec.columns)


def new_quarantine(con: duckdb.DuckDBPyConnection, quarantined: pd.DataFrame) -> pd.DataFrame:
    """Re-parsing the same archived body must not quarantine the same record twice."""
    if quarantined.empty:
        return quarantined
    seen = con.execute("SELECT DISTINCT source, sha256, record_ref, reason FROM staged.quarantine").df()
    if seen.empty:
        return quarantined
    keys = ["source", "sha256", "record_ref", "reason"]
    merged = quarantined.merge(seen.assign(_seen=True), on=keys, how="left")
    return quarantined[merged["_seen"].isna().to_numpy()]
