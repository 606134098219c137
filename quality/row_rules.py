"""Row-level gate before a table's suite: rows that break a rule are set aside with the reason.

The suite then judges the rows that remain, so one bad record (a point in the sea, a code the
gazetteer does not know, a year read in the wrong era) is quarantined and visible, instead of
failing the whole table. The suite still fails the table for what rules cannot fix (e.g. no rows).
"""
from __future__ import annotations

import pandas as pd

from quality.suites import EARLIEST, LAT_RANGE, LATEST, LON_RANGE


def _implausible(values: pd.Series) -> pd.Series:
    """Times outside 2000-2100. A Buddhist-era year read as CE (2569) does not even fit pandas'
    nanosecond range, so those columns are checked value by value."""
    early, late = pd.Timestamp(EARLIEST, tz="UTC"), pd.Timestamp(LATEST, tz="UTC")
    try:
        when = pd.to_datetime(values, utc=True, errors="coerce", format="mixed")
        # NaT where there was a value: unparseable or beyond pandas' range (a BE year as CE)
        return (values.notna() & when.isna()) | (when.notna() & ((when < early) | (when > late)))
    except (OverflowError, pd.errors.OutOfBoundsDatetime, AssertionError, ValueError):
        def bad(v) -> bool:
            if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
                return False
            year = getattr(v, "year", None)
            return year is None or not (EARLIEST.year <= year < LATEST.year)
        return values.map(bad)


def split_rows(frame: pd.DataFrame, *, id_column: str, thai_column: str | None = None,
               district_codes: list[str] | None = None, time_columns: tuple[str, ...] = ()
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(accepted rows, rejected rows with `record_ref` and `reason`), vectorised over the frame."""
    if frame.empty:
        return frame, pd.DataFrame(columns=["record_ref", "reason"])
    reasons = pd.Series("", index=frame.index)

    def flag(mask: pd.Series, reason: str) -> None:
        mask = mask.fillna(False).astype(bool) & (reasons == "")
        reasons[mask] = reason

    flag(frame[id_column].isna(), f"no {id_column}")
    flag(frame[id_column].duplicated(keep="first"), f"duplicate {id_column}")
    if thai_column:
        text = frame[thai_column].fillna("").astype(str)
        flag(~text.str.contains("[\u0e01-\u0e5b]", regex=True), f"no Thai text in {thai_column}")
    if "lat" in frame and "lon" in frame:
        lat, lon = pd.to_numeric(frame["lat"], errors="coerce"), pd.to_numeric(frame["lon"], errors="coerce")
        outside = ((lat < LAT_RANGE[0]) | (lat > LAT_RANGE[1]) | (lon < LON_RANGE[0]) | (lon > LON_RANGE[1]))
        flag(outside, "coordinates outside Bangkok")
    if district_codes is not None and "district_code" in frame:
        flag(frame["district_code"].notna() & ~frame["district_code"].isin(district_codes),
             "district code not in the gazetteer")
    for column in time_columns:
        flag(_implausible(frame[column]), f"implausible {column}")
    bad = reasons != ""
    rejected = frame[bad].assign(record_ref=frame.loc[bad, id_column].astype(str), reason=reasons[bad])
    return frame[~bad].reset_index(drop=True), rejected


def split_rows_sql(con, table: str, *, id_column: str, district_codes: list[str] | None = None,
                   time_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """`split_rows` for a candidate kept in DuckDB: rejected rows leave `table` and come back as a
    DataFrame with `record_ref` and `reason` (the first rule each breaks, in `split_rows`' order)."""
    # Later rows of an id seen before: only ids occurring twice are ranked (usually none).
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _repeated AS SELECT rowid AS _row FROM {table}
                    WHERE "{id_column}" IN (SELECT "{id_column}" FROM {table} GROUP BY 1 HAVING count(*) > 1)
                    QUALIFY row_number() OVER (PARTITION BY "{id_column}" ORDER BY rowid) > 1""")
    rules = [(f'"{id_column}" IS NULL', f"no {id_column}"),
             ("rowid IN (SELECT _row FROM _repeated)", f"duplicate {id_column}"),
             (f"lat < {LAT_RANGE[0]} OR lat > {LAT_RANGE[1]} OR lon < {LON_RANGE[0]} OR lon > {LON_RANGE[1]}",
              "coordinates outside Bangkok")]
    if district_codes is not None:
        rules.append(("district_code IS NOT NULL AND NOT list_contains(?::VARCHAR[], district_code)",
                      "district code not in the gazetteer"))
    for column in time_columns:
        rules.append((f"{column} < '{EARLIEST.isoformat()}+00:00'::TIMESTAMPTZ "
                      f"OR {column} > '{LATEST.isoformat()}+00:00'::TIMESTAMPTZ", f"implausible {column}"))
    params = [district_codes] if district_codes is not None else []
    reason = "CASE " + " ".join(f"WHEN coalesce({rule}, false) THEN '{why}'" for rule, why in rules) + " END"
    con.execute(f"CREATE OR REPLACE TEMP TABLE _rejected AS SELECT * FROM (SELECT rowid AS _row, *, {reason} AS reason "
                f"FROM {table}) WHERE reason IS NOT NULL", params)
    con.execute(f"DELETE FROM {table} WHERE rowid IN (SELECT _row FROM _rejected)")
    rejected = con.execute(f"""SELECT * EXCLUDE (_row), coalesce(CAST("{id_column}" AS VARCHAR), 'None') AS record_ref
                               FROM _rejected""").df()     # 'None' as split_rows writes a missing id
    con.execute("DROP TABLE temp._rejected")
    con.execute("DROP TABLE temp._repeated")
    return rejected
