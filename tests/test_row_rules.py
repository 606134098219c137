"""Rows that break a rule are set aside with a readable reason; the rest pass through untouched."""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from quality.row_rules import split_rows


def test_bad_rows_are_rejected_with_their_reason():
    frame = pd.DataFrame({
        "alert_id": ["a", "b", "b", "c", "d", "e", None],
        "headline_th": ["น้ำท่วม", "ไฟดับ", "ไฟดับ", "Flood only", "น้ำท่วม", "น้ำท่วม", "น้ำท่วม"],
        "lat": [13.75, 13.75, 13.75, 13.75, 7.9, 13.75, 13.75],
        "lon": [100.5, 100.5, 100.5, 100.5, 98.3, 100.5, 100.5],
        "district_code": ["1001", "1002", "1002", "1003", "1004", "1099", "1001"],
        # Python datetimes as parsers produce them; one Buddhist-era year read as CE
        "starts_at": pd.Series([datetime(2026, 11, 25, tzinfo=timezone.utc)] * 5
                               + [datetime(2569, 11, 25, tzinfo=timezone.utc), None], dtype=object),
    })
    accepted, rejected = split_rows(frame, id_column="alert_id", thai_column="headline_th",
                                    district_codes=[f"{c}" for c in range(1001, 1051)], time_columns=("starts_at",))
    assert list(accepted["alert_id"]) == ["a", "b"]
    reasons = list(zip(rejected["record_ref"], rejected["reason"]))
    assert reasons == [("b", "duplicate alert_id"), ("c", "no Thai text in headline_th"),
                       ("d", "coordinates outside Bangkok"), ("e", "district code not in the gazetteer"),
                       ("None", "no alert_id")]


def test_an_era_mistake_is_rejected_as_an_implausible_date():
    frame = pd.DataFrame({"event_id": ["x", "y"], "headline_th": ["งานวัด", "งานวัด"],
                          "starts_at": pd.Series([datetime(2026, 11, 25, tzinfo=timezone.utc),
                                                  datetime(2569, 11, 25, tzinfo=timezone.utc)], dtype=object)})
    accepted, rejected = split_rows(frame, id_column="event_id", thai_column="headline_th", time_columns=("starts_at",))
    assert list(accepted["event_id"]) == ["x"] and list(rejected["reason"]) == ["implausible starts_at"]


def test_a_clean_frame_passes_untouched():
    frame = pd.DataFrame({"place_id": ["p1"], "name_th": ["วัดพระแก้ว"], "lat": [13.75], "lon": [100.49],
                          "district_code": [None]})
    accepted, rejected = split_rows(frame, id_column="place_id", thai_column="name_th", district_codes=["1001"])
    assert len(accepted) == 1 and rejected.empty


def test_a_bad_core_row_is_quarantined_with_its_reason_and_the_rest_is_published(pipeline):
    import duckdb

    from pipelines.definitions import ALL_ASSETS

    def assets(*keys):
        return [a for a in ALL_ASSETS if a.key.to_user_string() in keys]
    assert pipeline.run(assets("raw/tourism", "staged/tourism_places")).success
    with duckdb.connect(str(pipeline.warehouse)) as con:   # an upstream row that slipped through: a point in the sea
        place_id = con.execute("SELECT place_id FROM staged.tourism_places WHERE category = 'attraction' "
                               "ORDER BY place_id LIMIT 1").fetchone()[0]
        con.execute("UPDATE staged.tourism_places SET lat = 7.9, lon = 98.3 WHERE place_id = ?", [place_id])
    assert pipeline.run(assets("core/places", "public/v1/places")).success
    rejected = pipeline.query("SELECT record_ref, reason FROM staged.quarantine WHERE source = 'core.places'")
    assert [reason for _, reason in rejected] == ["coordinates outside Bangkok"]
    assert pipeline.query("SELECT count(*) FROM core.places WHERE source_record_id = ?", [place_id]) == [(0,)]
    assert pipeline.query("SELECT count(*) FROM core.places")[0][0] > 40


def test_the_sql_rules_reject_what_the_pandas_rules_reject():
    """`split_rows_sql` (candidates kept in DuckDB) gives the same rows and reasons as `split_rows`."""
    import duckdb

    from quality.row_rules import split_rows, split_rows_sql

    at = pd.Timestamp("2025-06-01", tz="UTC")
    frame = pd.DataFrame({
        "complaint_id": ["a", None, "b", "b", "c", "d", "e", "f"],
        "lat": [13.7, 13.7, 13.7, 13.7, 12.0, 13.7, 13.7, 13.75],
        "lon": [100.5, 100.5, 100.5, 100.5, 100.5, 100.5, 100.5, 100.6],
        "district_code": ["1001", "1001", "1002", "1002", "1003", "9999", None, "1004"],
        "reported_at": [at, at, at, at, at, at, pd.Timestamp("1999-12-31", tz="UTC"), at],
    })
    kept, rejected = split_rows(frame, id_column="complaint_id", district_codes=["1001", "1002", "1003", "1004"],
                                time_columns=("reported_at",))
    with duckdb.connect() as con:
        con.execute("CREATE TABLE candidate AS SELECT * FROM frame")
        rejected_sql = split_rows_sql(con, "candidate", id_column="complaint_id",
                                      district_codes=["1001", "1002", "1003", "1004"], time_columns=("reported_at",))
        left = sorted(r[0] for r in con.execute("SELECT complaint_id FROM candidate").fetchall())
    assert left == sorted(kept["complaint_id"]) == ["a", "b", "f"]
    assert sorted(zip(rejected_sql["record_ref"], rejected_sql["reason"])) == \
        sorted(zip(rejected["record_ref"], rejected["reason"]))
