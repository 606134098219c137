"""core.complaints, set-based: Traffy tickets in Bangkok, geotagged in DuckDB, scrubbed, coarsened.

A full pass holds the city's whole history (hundreds of thousands of tickets), so nothing here loops
over rows in Python:

- ids, the Bangkok filter and the content hash are SQL;
- districts come from one spatial join against the district tiles (`hub.spatial`), from the exact
  point; a point outside every polygon falls back to the ticket's district name, looked up once per
  distinct name;
- the khwaeng named by the ticket is matched once per distinct (name, district) pair;
- free text is scrubbed of personal data by `model.privacy.scrub_series` (one RE2 scan, then passes on
  the few candidate rows), and coordinates are rounded to ~1 km for sensitive types, ~110 m otherwise.

Addresses and photos are never published.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from hub.gazetteer import Gazetteer
from hub.spatial import DEFAULT_TABLE, load_districts, tag_points
from model.city_info import COMPLAINT_COLUMNS
from model.core_tables import as_list
from model.privacy import DEFAULT_DECIMALS, SENSITIVE_COMPLAINT_TYPES, SENSITIVE_DECIMALS, coarsen, scrub_series

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


def _bangkok_tickets(con: duckdb.DuckDBPyConnection, staged: str) -> pd.DataFrame:
    sensitive = sorted(SENSITIVE_COMPLAINT_TYPES)
    return con.execute(f"""
        SELECT left(sha256('traffy:' || ticket_id), 20) AS complaint_id, 'traffy' AS source, ticket_id,
               problem_types, description_th, district_th, subdistrict_th, state, reported_at, last_activity_at,
               lat, lon, coalesce(is_call_centre, false) AS via_call_centre, first_seen_at, last_seen_at,
               CASE WHEN list_has_any(problem_types, ?::VARCHAR[]) THEN {SENSITIVE_DECIMALS}
                    ELSE {DEFAULT_DECIMALS} END AS decimals
        FROM {staged}
        WHERE coalesce(in_bangkok, false)
    """, [sensitive]).df()


def _districts(con: duckdb.DuckDBPyConnection, tickets: pd.DataFrame, gaz: Gazetteer,
               spatial: bool) -> tuple[pd.Series, pd.Series]:
    """(district code, how it was found) per ticket: the exact point in the polygons, else its district name."""
    codes = pd.Series(None, index=tickets.index, dtype=object)
    if spatial:
        points = tickets[["complaint_id", "lon", "lat"]]
        tagged = tag_points(con, points, "complaint_id", "lon", "lat").set_index("id")["district_code"]
        codes = tickets["complaint_id"].map(tagged)
    method = pd.Series(np.where(codes.notna(), "point_in_polygon", "none"), index=tickets.index, dtype=object)
    missing = codes.isna() & tickets["district_th"].notna()
    if missing.any():
        names = {n: gaz.match_district(n) for n in tickets.loc[missing, "district_th"].unique()}
        by_name = tickets.loc[missing, "district_th"].map(names)
        codes.loc[by_name.index] = by_name
        method.loc[by_name.index[by_name.notna()]] = "named_area"
    return codes.astype(object).where(codes.notna(), None), method


def _subdistricts(tickets: pd.DataFrame, codes: pd.Series, gaz: Gazetteer) -> pd.Series:
    """The khwaeng the ticket names, when it lies in the district its point falls in (matched once
    per distinct name and district, then joined back)."""
    pairs = pd.DataFrame({"name": tickets["subdistrict_th"], "district": codes}, index=tickets.index)
    known = pairs.dropna().drop_duplicates()
    known["code"] = [gaz.match_subdistrict(n, d) for n, d in zip(known["name"], known["district"])]
    found = pairs.reset_index().merge(known, on=["name", "district"], how="left").set_index("index")["code"]
    return found.astype(object).where(found.notna(), None).reindex(tickets.index)


def _content_hashes(frame: pd.DataFrame) -> pd.Series:
    """A 64-bit hash of the published fields per row, vectorised (pandas' hash_pandas_object): it
    only tells whether a complaint changed between runs, so it need not be cryptographic."""
    fields = frame[list(_HASHED)].copy()
    fields["problem_types"] = fields["problem_types"].map(lambda types: "\x1f".join(as_list(types)))
    hashed = pd.util.hash_pandas_object(fields, index=False).to_numpy()
    return pd.Series(np.char.mod("%016x", hashed), index=frame.index)


def build(con: duckdb.DuckDBPyConnection, gaz: Gazetteer, staged: str = STAGED) -> pd.DataFrame:
    """core.complaints rows (COMPLAINT_COLUMNS) from the staged tickets in the warehouse."""
    tickets = _bangkok_tickets(con, staged)
    spatial = gaz.has_boundaries and gaz.boundaries_source is not None
    if spatial:
        ensure_district_tiles(con, Path(gaz.boundaries_source))
    codes, method = _districts(con, tickets, gaz, spatial)
    frame = tickets.assign(district_code=codes, geotag_method=method,
                           subdistrict_code=_subdistricts(tickets, codes, gaz))
    frame["description_th"] = scrub_series(frame["description_th"].fillna("")).replace("", None)
    lat, lon = coarsen(frame["lat"], frame["lon"], frame["decimals"].to_numpy())
    frame["lat"], frame["lon"] = lat, lon
    frame["content_hash"] = _content_hashes(frame) if len(frame) else pd.Series(dtype=object)
    return frame.reindex(columns=list(COMPLAINT_COLUMNS)).reset_index(drop=True)
