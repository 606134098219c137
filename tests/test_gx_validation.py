"""Great Expectations at city scale: the checks decide the same, and GX keeps no table in memory after."""
import gc
from datetime import datetime, timezone

import great_expectations as gx
import numpy as np
import pandas as pd
import pytest

from quality.expectation_columns import columns_read
from quality.gx_validation import LARGE_FRAME_ROWS, validate_frame
from quality.suites import EARLIEST, LATEST

E = gx.expectations


def test_a_validated_frame_is_not_kept_by_gx():
    rows = 1000 + 7
    frame = pd.DataFrame({"a": [f"x{i}" for i in range(rows)], "b": np.arange(rows)})
    assert validate_frame("released", frame, [E.ExpectColumnValuesToBeUnique(column="a")]).success
    del frame
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, pd.DataFrame) and len(o) == rows]


def test_a_large_frame_fails_with_the_same_counts_as_the_full_result():
    rows = LARGE_FRAME_ROWS + 10
    times = pd.Series(pd.Timestamp("2025-01-01", tz="UTC"), index=range(rows)).astype("datetime64[us, UTC]")
    times.iloc[3] = pd.Timestamp("1990-01-01", tz="UTC")              # implausible: before 2000
    frame = pd.DataFrame({"id": np.arange(rows), "at": times, "note": "x"})
    frame.loc[5, "id"] = 4                                              # one duplicate
    suite = [E.ExpectColumnValuesToBeUnique(column="id"),
             E.ExpectColumnValuesToBeBetween(column="at", min_value=EARLIEST, max_value=LATEST)]
    outcome = validate_frame("large", frame, suite)
    assert not outcome.success
    counts = {f["column"]: f["unexpected_count"] for f in outcome.failures}
    assert counts == {"id": 2, "at": 1}


def test_only_the_columns_a_suite_reads_leave_duckdb():
    suite = [E.ExpectTableRowCountToBeBetween(min_value=1), E.ExpectColumnValuesToNotBeNull(column="b"),
             E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="d", column_B="c")]
    assert columns_read(suite, ["a", "b", "c", "d", "e"]) == ["b", "c", "d"]
    assert columns_read([*suite, E.ExpectTableColumnsToMatchSet(column_set=["a"])], ["a", "b"]) == ["a", "b"]


def test_microsecond_timestamps_are_compared_exactly():
    at = pd.Series([datetime(2025, 1, 1, tzinfo=timezone.utc), datetime(2150, 1, 1, tzinfo=timezone.utc)]
                   ).astype("datetime64[us, UTC]")
    outcome = validate_frame("us", pd.DataFrame({"at": at}),
                             [E.ExpectColumnValuesToBeBetween(column="at", min_value=EARLIEST, max_value=LATEST)])
    assert not outcome.success and outcome.failures[0]["unexpected_count"] == 1


def test_a_table_checked_part_by_part_gets_the_whole_tables_verdict():
    import duckdb

    from quality.gx_validation import validate_table
    from quality.suites import MARKUP

    texts = [f"ถนนสาย {i} น้ำท่วม" for i in range(1000)]
    texts[10], texts[640], texts[999] = "<script>x</script>", "javascript:alert(1)", "<b>bold</b>"
    ids = [f"T{i}" for i in range(1000)]
    ids[700] = "T3"                                               # a duplicate across parts
    frame = pd.DataFrame({"ticket_id": ids, "description_th": texts, "lat": 13.7})
    suite = [E.ExpectTableRowCountToBeBetween(min_value=1), E.ExpectColumnValuesToBeUnique(column="ticket_id"),
             E.ExpectColumnValuesToNotMatchRegex(column="description_th", regex=MARKUP),
             E.ExpectColumnValuesToMatchRegex(column="ticket_id", regex="^T[0-9]+$"),
             E.ExpectColumnValuesToBeBetween(column="lat", min_value=13.4, max_value=14.0)]
    with duckdb.connect() as con:
        con.execute("CREATE TEMP TABLE candidate AS SELECT * FROM frame")
        parts = validate_table(con, "candidate", "parts", suite, chunk_rows=300)
    whole = validate_frame("whole", frame, suite)
    counts = lambda outcome: {(f["expectation"], f["column"]): f["unexpected_count"] for f in outcome.failures}  # noqa: E731
    assert not parts.success and not whole.success and parts.evaluated == whole.evaluated == len(suite)
    assert counts(parts) == counts(whole) == {("expect_column_values_to_not_match_regex", "description_th"): 3,
                                              ("expect_column_values_to_be_unique", "ticket_id"): 2}


@pytest.mark.parametrize("stock", range(2))
def test_the_traffy_suite_refuses_each_stock_photo(stock):
    """The stock-photo rule is one alternation of every stock URL: each of them still fails it."""
    from quality.suites_traffy import traffy_complaints
    from scrapers.traffy import STATES, STOCK_PHOTOS
    frame = pd.DataFrame({
        "ticket_id": ["2026-AAAAAA", "2026-BBBBBB"], "lat": [13.75, 13.76], "lon": [100.5, 100.51],
        "in_bangkok": [True, True], "is_call_centre": [False, False], "state": [list(STATES)[0]] * 2,
        "reported_at": pd.to_datetime(["2026-01-01", "2026-01-02"], utc=True),
        "last_activity_at": pd.to_datetime([None, None], utc=True), "province_th": ["กรุงเทพมหานคร"] * 2,
        "description_th": ["ถนนชำรุด", "ไฟดับ"],
        "photo_url": ["https://example.org/a.jpg", "https://storage.googleapis.com/traffy_public_bucket" + STOCK_PHOTOS[stock]]})
    outcome = validate_frame("traffy_stock", frame, traffy_complaints())
    assert [(f["expectation"], f["column"]) for f in outcome.failures] == \
        [("expect_column_values_to_not_match_regex", "photo_url")]
    assert validate_frame("traffy_stock", frame.assign(photo_url=["https://example.org/a.jpg"] * 2),
                          traffy_complaints()).success
