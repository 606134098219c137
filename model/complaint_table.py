"""core.complaints, set-based: Traffy tickets in Bangkok, geotagged in DuckDB, scrubbed, coarsened.

A full pass holds the city's whole history (hundreds of thousands of tickets), so nothing here loops
over rows in Python:

- ids, the Bangkok filter, coarsening and the content hash are SQL, on temp tables of the warehouse
  connection; the candidate is a table beside core.complaints (`TABLE`), renamed into its place once
  the asset has checked it;
- districts come from one spatial join against the district tiles (`hub.spatial`), from the exact
  point; a point outside every polygon falls back to the ticket's district name, looked up once per
  distinct name;
- the khwaeng named by the ticket is matched once per distinct (name, district) pair;
- free text is scrubbed of personal data by `model.privacy` (one RE2 scan of Arrow batches, then the
  passes on the few candidate rows only), and coordinates are rounded to ~1 km for sensitive types,
  ~110 m otherwise.

Addresses and photos are never published.
"""
from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from pathlib import Path

import duckdb
import pandas as pd

from hub.gazetteer import Gazetteer
from hub.spatial import DEFAULT_TABLE, load_districts, points_in_districts_sql
from model.city_info import COMPLAINT_COLUMNS
from model.privacy import (DEFAULT_DECIMALS, SENSITIVE_COMPLAINT_TYPES, SENSITIVE_DECIMALS, candidate_mask_arrow,
                           scrub_candidates)

STAGED = "staged.traffy_complaints"
TILES_SOURCE = "ref.district_polygons_source"
# Fields whose change makes a new version of a complaint (the published, scrubbed ones).
_HASHED = ("complaint_id", "problem_types", "description_th", "district_code", "subdistrict_code", "state",
           "reported_at", "last_activity_at", "lat", "lon")


def ensure_district_tiles(con: duckdb.DuckDBPyConnection, boundaries: Path) -> None:
    """Load the district tiles into the warehouse once per boundary file (by content), not per run."""
    digest = hashlib.sha256(Path(boundaries).read_bytes()).hexdigest()
    con.execute("CREATE SCHEMA IF NOT EXISTS ref")
    con.execute(f"CREATE TABLE IF NOT EXISTS {TILES_SOURCE} (sha256 VARCHAR, path VARCHAR)")
    if con.execute(f"SELECT count(*) FROM {TILES_SOURCE} WHERE sha256 = ?", [digest]).fetchone()[0]:
        return
    load_districts(con, Path(boundaries), DEFAULT_TABLE)
    con.execute(f"DELETE FROM {TILES_SOURCE}")
    con.execute(f"INSERT INTO {TILES_SOURCE} VALUES (?, ?)", [digest, str(boundaries)])


TABLE = "core.complaints__candidate"   # the candidate, renamed into core.complaints once checked
SCRUB_BATCH_ROWS = 50_000           # texts per Arrow batch scanned for personal data; two at a time (bounds memory)


def build_in_sql(con: duckdb.DuckDBPyConnection, gaz: Gazetteer, staged: str = STAGED) -> str:
    """Build core.complaints' candidate rows (COMPLAINT_COLUMNS) into the warehouse table `TABLE`; returns its name.

    Nothing here brings the whole table into Python: text comes out only for the rows that may hold
    personal data, names only once per distinct value."""
    spatial = gaz.has_boundaries and gaz.boundaries_source is not None
    if spatial:
        ensure_district_tiles(con, Path(gaz.boundaries_source))
    sensitive = sorted(SENSITIVE_COMPLAINT_TYPES)
    base = f"""
        SELECT left(sha256('traffy:' || ticket_id), 20) AS complaint_id, 'traffy' AS source, ticket_id,
               problem_types, description_th, district_th, subdistrict_th, state, reported_at, last_activity_at,
               lat, lon, coalesce(is_call_centre, false) AS via_call_centre, first_seen_at, last_seen_at,
               CASE WHEN list_has_any(problem_types, ?::VARCHAR[]) THEN {SENSITIVE_DECIMALS}
                    ELSE {DEFAULT_DECIMALS} END AS decimals
        FROM {staged} WHERE coalesce(in_bangkok, false)"""
    if spatial:   # districts from the exact point, before it is coarsened; the join reads only the points
        points = (f"(SELECT ticket_id, lat, lon FROM {staged} WHERE coalesce(in_bangkok, false))")
        tagged = points_in_districts_sql(con, points, "ticket_id", "lon", "lat")
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _tickets AS
            SELECT t.*, g.district_code, CASE WHEN g.district_code IS NOT NULL THEN 'point_in_polygon'
                                              ELSE 'none' END AS geotag_method
            FROM ({base}) t LEFT JOIN ({tagged}) g ON g.id = t.ticket_id""", [sensitive])
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _tickets AS SELECT *, CAST(NULL AS VARCHAR) AS district_code, "
                    f"'none' AS geotag_method FROM ({base})", [sensitive])
    _districts_by_name(con, gaz)
    _lookup_table(con, "_khwaeng", ["name", "district"], "code",
                  "SELECT DISTINCT subdistrict_th, district_code FROM _tickets "
                  "WHERE subdistrict_th IS NOT NULL AND district_code IS NOT NULL",
                  lambda name, district: gaz.match_subdistrict(name, district))
    _scrubbed_texts(con)
    # Times as epoch microseconds: the hash must not depend on the session's time zone.
    hashed = ", ".join(f"{c} := epoch_us({c})" if c.endswith("_at") else f"{c} := {c}" for c in _HASHED)
    con.execute(f"""
        CREATE OR REPLACE TABLE {TABLE} AS
        WITH rows AS (
            SELECT t.* REPLACE (
                       CASE WHEN s.complaint_id IS NOT NULL THEN nullif(s.text, '')
                            ELSE nullif(t.description_th, '') END AS description_th,
                       round_even(t.lat, t.decimals) AS lat, round_even(t.lon, t.decimals) AS lon),
                   k.code AS subdistrict_code
            FROM _tickets t
            LEFT JOIN _scrubbed s ON s.complaint_id = t.complaint_id
            LEFT JOIN _khwaeng k ON k.name = t.subdistrict_th AND k.district = t.district_code)
        SELECT {", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in COMPLAINT_COLUMNS.items() if c != "content_hash")},
               left(md5(CAST(to_json(struct_pack({hashed})) AS VARCHAR)), 16) AS content_hash
        FROM rows""")
    for scratch in ("_tickets", "_scrubbed", "_khwaeng"):
        con.execute(f"DROP TABLE IF EXISTS temp.{scratch}")
    return TABLE


def _lookup_table(con: duckdb.DuckDBPyConnection, name: str, keys: list[str], value: str, distinct_sql: str,
                  decide) -> None:
    """`decide(*key)` in Python once per distinct key the query returns, as the SQL table `name`."""
    pairs = con.execute(distinct_sql).fetchall()
    frame = pd.DataFrame(pairs, columns=keys, dtype=object)
    frame[value] = [decide(*p) for p in pairs] if pairs else []
    con.register(f"{name}_frame", frame)
    try:
        columns = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in [*keys, value])
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {columns} FROM {name}_frame")
    finally:
        con.unregister(f"{name}_frame")


def _districts_by_name(con: duckdb.DuckDBPyConnection, gaz: Gazetteer) -> None:
    """A ticket whose point fell outside every polygon (or with no boundary file) takes its district name."""
    _lookup_table(con, "_district_names", ["name"], "code",
                  "SELECT DISTINCT district_th FROM _tickets WHERE district_code IS NULL AND district_th IS NOT NULL",
                  gaz.match_district)
    con.execute("""
        UPDATE _tickets SET district_code = n.code, geotag_method = 'named_area'
        FROM _district_names n WHERE _tickets.district_code IS NULL AND n.name = _tickets.district_th
          AND n.code IS NOT NULL""")
    con.execute("DROP TABLE temp._district_names")


def _scrubbed_texts(con: duckdb.DuckDBPyConnection) -> None:
    """`_scrubbed`(complaint_id, text): the scrubbed text of every ticket whose text may hold personal data.

    Texts are scanned as Arrow batches straight from DuckDB (one RE2 pass and the name-pair check of
    `model.privacy.candidate_mask_arrow`), two batches side by side: pyarrow's kernels release the GIL,
    so the scan uses both cores. Only the candidates become Python strings for the passes."""
    ids, texts = [], []
    reader = con.execute("SELECT complaint_id, description_th FROM _tickets WHERE description_th IS NOT NULL"
                         ).fetch_record_batch(SCRUB_BATCH_ROWS)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="pii-scan") as pool:
        while batches := list(islice(reader, 2)):
            for batch_ids, batch_texts in pool.map(_candidates, batches):
                ids += batch_ids
                texts += batch_texts
    con.register("_scrubbed_frame", pd.DataFrame({"complaint_id": ids, "text": scrub_candidates(texts) if texts else []},
                                                 dtype=object))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _scrubbed AS SELECT CAST(complaint_id AS VARCHAR) AS complaint_id, "
                    "CAST(text AS VARCHAR) AS text FROM _scrubbed_frame")
    finally:
        con.unregister("_scrubbed_frame")


def _candidates(batch) -> tuple[list[str], list[str]]:
    """(ids, texts) of the batch's rows whose text may hold personal data."""
    import pyarrow as pa
    import pyarrow.compute as pc

    mask = pa.array(candidate_mask_arrow(batch.column(1).cast(pa.large_string())))
    return pc.filter(batch.column(0), mask).to_pylist(), pc.filter(batch.column(1), mask).to_pylist()


def build(con: duckdb.DuckDBPyConnection, gaz: Gazetteer, staged: str = STAGED) -> pd.DataFrame:
    """core.complaints rows (COMPLAINT_COLUMNS) from the staged tickets, as a DataFrame (tests, small runs)."""
    table = build_in_sql(con, gaz, staged)
    frame = con.execute(f"SELECT * FROM {table} ORDER BY complaint_id").df()
    con.execute(f"DROP TABLE {table}")
    return frame
