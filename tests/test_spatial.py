"""hub.spatial: district tagging in DuckDB (spatial extension from the duckdb-extension-spatial wheel).

Needs the BMA district polygons in ../shared/data; the whole module is skipped when they are absent.
Answers are cross-checked against the shapely gazetteer. Run with ``-s`` to see the Traffy report.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from shapely.geometry import Point, box, mapping, shape

from hub import spatial
from hub.gazetteer import Gazetteer
from hub.spatial import load_districts, load_spatial, spatial_extension_path, tag_points, tag_polygons

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BOUNDARIES = SHARED / "Bangkok-districts.geojson"
HDX = SHARED / "bkk_adm2_hdx_simplified_mapthai.geojson"
TRAFFY = SHARED / "traffy_teamchadchart_sample_200rows.csv"
ALL_DISTRICTS = [str(c) for c in range(1001, 1051)]

pytestmark = pytest.mark.skipif(not BOUNDARIES.is_file(), reason=f"district polygons not present at {BOUNDARIES}")


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()  # in memory: nothing is written to the working tree
    assert load_districts(con, BOUNDARIES) == 50
    yield con
    con.close()


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load(BOUNDARIES)


def _square(lon: float, lat: float, half: float) -> str:
    return json.dumps(mapping(box(lon - half, lat - half, lon + half, lat + half)))


# --- the extension -------------------------------------------------------------------------------------
def test_extension_path_and_idempotent_load():
    path = spatial_extension_path()
    assert path.name == "spatial.duckdb_extension" and path.is_file()
    assert path.parent.name == f"v{duckdb.__version__}"
    c = duckdb.connect()
    assert not spatial.spatial_loaded(c)
    load_spatial(c)
    load_spatial(c)  # second call is a no-op
    assert spatial.spatial_loaded(c)
    assert c.execute("SELECT ST_AsText(ST_Point(100.5, 13.7))").fetchone()[0] == "POINT (100.5 13.7)"


def test_missing_package_names_it(monkeypatch):
    monkeypatch.setattr(spatial, "PACKAGE", "duckdb_extension_not_there")
    with pytest.raises(spatial.SpatialExtensionMissing, match=r"duckdb-extension-spatial==\d"):
        spatial_extension_path()


# --- district tables --------------------------------------------------------------------------------------
def test_district_tables(con):
    rows = con.execute("SELECT code, ST_IsValid(geom), ST_GeometryType(geom)::VARCHAR FROM ref.district_polygons "
                       "ORDER BY code").fetchall()
    assert [r[0] for r in rows] == ALL_DISTRICTS
    assert all(valid and kind in ("POLYGON", "MULTIPOLYGON") for _, valid, kind in rows)
    # the tiles cover each district exactly, in small pieces
    per_code = con.execute("""
        SELECT t.code, sum(ST_Area(t.geom)) AS tiles, any_value(ST_Area(d.geom)) AS whole,
               max(ST_NPoints(t.geom)) AS max_points, count(*) AS pieces
        FROM ref.district_polygons_tiles AS t JOIN ref.district_polygons AS d USING (code)
        GROUP BY t.code ORDER BY t.code""").fetchall()
    assert [r[0] for r in per_code] == ALL_DISTRICTS
    for code, tiles, whole, _, _ in per_code:
        assert tiles == pytest.approx(whole, rel=1e-9), code
    assert sum(r[4] for r in per_code) > 200 and max(r[3] for r in per_code) < 2000


def test_reload_is_idempotent(con):
    before = con.execute("SELECT count(*) FROM ref.district_polygons_tiles").fetchone()[0]
    assert load_districts(con, BOUNDARIES) == 50
    assert con.execute("SELECT count(*) FROM ref.district_polygons").fetchone()[0] == 50
    assert con.execute("SELECT count(*) FROM ref.district_polygons_tiles").fetchone()[0] == before


def test_adm2_pcode_and_other_provinces(tmp_path):
    def feature(code, x):
        return {"type": "Feature", "properties": {"ADM2_PCODE": code},
                "geometry": mapping(box(x, 13.0, x + 1.0, 14.0))}
    path = tmp_path / "adm2.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection",
                                "features": [feature("TH1001", 100.0), feature("TH1101", 101.0)]}))
    c = duckdb.connect()
    assert load_districts(c, path, table="districts") == 1  # Samut Prakan's TH1101 is skipped
    assert c.execute("SELECT code FROM districts").fetchall() == [("1001",)]
    out = tag_points(c, "SELECT 1 AS id, 100.5 AS lon, 13.5 AS lat UNION ALL SELECT 2, 101.5, 13.5",
                     "id", "lon", "lat", table="districts")
    assert out.to_dict("records") == [{"id": 1, "district_code": "1001"}, {"id": 2, "district_code": None}]

    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "x"}, "geometry": mapping(box(0, 0, 1, 1))}]}))
    with pytest.raises(ValueError, match="dcode/ADM2_PCODE"):
        load_districts(c, path, table="districts")


@pytest.mark.skipif(not HDX.is_file(), reason=f"HDX polygons not present at {HDX}")
def test_hdx_boundaries():
    c = duckdb.connect()
    assert load_districts(c, HDX, table="ref.hdx") == 50
    out = tag_points(c, pd.DataFrame({"id": [1, 2], "lon": [100.4913, 100.5540], "lat": [13.7500, 13.7990]}),
                     "id", "lon", "lat", table="ref.hdx")
    assert out.district_code.tolist() == ["1001", "1030"]


def test_bad_names(con):
    with pytest.raises(ValueError):
        load_districts(con, BOUNDARIES, table="ref.x; DROP TABLE ref.district_polygons")
    with pytest.raises(LookupError, match="load_districts"):
        tag_points(duckdb.connect(), "SELECT 1 AS id, 100.5 AS lon, 13.7 AS lat", "id", "lon", "lat")


# --- points ----------------------------------------------------------------------------------------------
KNOWN_POINTS = [
    ("grand_palace", 100.4913, 13.7500, "1001"),   # Phra Nakhon
    ("chatuchak_market", 100.5500, 13.7999, "1030"),
    ("lat_krabang", 100.7600, 13.7220, "1011"),     # Suvarnabhumi side, still Bangkok
    ("lumphini_park", 100.5418, 13.7314, "1007"),
    ("don_mueang_airport", 100.6067, 13.9126, "1036"),
    ("suvarnabhumi_airport", 100.7501, 13.6900, None),  # Samut Prakan
    ("gulf", 100.5500, 13.4000, None),
    ("gulf_off_bang_khun_thian", 100.4000, 13.5200, None),
    ("no_coordinates", None, None, None),
]


def test_known_points(con):
    frame = pd.DataFrame(KNOWN_POINTS, columns=["name", "lon", "lat", "expected"])
    out = tag_points(con, frame, "name", "lon", "lat")
    assert list(out.columns) == ["id", "district_code"]
    assert dict(zip(out.id, out.district_code)) == {n: e for n, _, _, e in KNOWN_POINTS}


def test_sources_by_name_and_query(con):
    con.execute("CREATE OR REPLACE TEMP TABLE known AS SELECT * FROM (VALUES (1, 100.4913, 13.75), (2, 100.55, 13.40)) "
                "AS t(pid, x, y)")
    by_table = tag_points(con, "known", "pid", "x", "y")
    by_query = tag_points(con, "SELECT * FROM known", "pid", "x", "y")
    assert by_table.to_dict("records") == by_query.to_dict("records") == [
        {"id": 1, "district_code": "1001"}, {"id": 2, "district_code": None}]


def test_random_points_match_shapely(con, gaz):
    rng = random.Random(20230512)
    points = [(i, rng.uniform(100.30, 100.97), rng.uniform(13.47, 13.98)) for i in range(2000)]
    out = tag_points(con, pd.DataFrame(points, columns=["id", "lon", "lat"]), "id", "lon", "lat")
    assert out.id.tolist() == list(range(2000))
    expected = [gaz.district_at(lon, lat) for _, lon, lat in points]
    mismatches = [(p, e, g) for p, e, g in zip(points, expected, out.district_code) if e != g]
    assert not mismatches, mismatches[:10]
    inside = [e for e in expected if e]
    assert len(inside) > 600 and len(set(inside)) >= 45  # not vacuous: most districts were hit


def test_border_vertices_get_lowest_code(con, gaz):
    """Vertices shared by two (or three) districts lie on all of them: the lowest code wins, as in the gazetteer."""
    geoms = gaz.district_geometries()
    border = []
    for a, b in [("1001", "1002"), ("1029", "1030"), ("1011", "1044"), ("1015", "1016"), ("1039", "1033")]:
        polygon = geoms[a] if geoms[a].geom_type == "Polygon" else max(geoms[a].geoms, key=lambda g: g.area)
        ring = polygon.exterior
        shared = [(x, y) for x, y in ring.coords if geoms[b].intersects(Point(x, y))]
        assert shared, (a, b)
        for i, (x, y) in enumerate(shared[:: max(1, len(shared) // 10)]):
            on = sorted(c for c, g in geoms.items() if g.intersects(Point(x, y)))
            assert a in on and b in on, (a, b, x, y)
            border.append((f"{a}/{b}#{i}", x, y, on[0]))
    assert len(border) >= 25
    out = tag_points(con, pd.DataFrame(border, columns=["id", "lon", "lat", "expected"]), "id", "lon", "lat")
    got = dict(zip(out.id, out.district_code))
    for pid, lon, lat, lowest in border:
        assert got[pid] == lowest == gaz.district_at(lon, lat), (pid, lon, lat)


# --- polygons --------------------------------------------------------------------------------------------
def test_polygons_match_shapely(con, gaz):
    rng = random.Random(7)
    shapes = []
    for i in range(150):
        lon, lat, half = rng.uniform(100.32, 100.95), rng.uniform(13.49, 13.96), rng.uniform(0.001, 0.03)
        shapes.append((f"box{i}", _square(lon, lat, half)))
    out = tag_polygons(con, pd.DataFrame(shapes, columns=["id", "geojson"]), "id", "geojson")
    got = dict(zip(out.id, out.district_codes))
    for sid, text in shapes:
        assert got[sid] == gaz.districts_intersecting(shape(json.loads(text))), sid
    assert sum(len(v) > 1 for v in got.values()) > 10  # boxes across borders were tested


def test_polygon_edge_cases(con):
    bowtie = {"type": "Polygon", "coordinates": [[[100.49, 13.74], [100.50, 13.76], [100.50, 13.74], [100.49, 13.76],
                                                   [100.49, 13.74]]]}
    frame = pd.DataFrame([
        ("palace", _square(100.4913, 13.7500, 0.0005)),
        ("gulf", _square(100.55, 13.40, 0.01)),
        ("bowtie", json.dumps(bowtie)),  # self-intersecting: repaired, not an error
        ("line", json.dumps({"type": "LineString", "coordinates": [[100.4913, 13.75], [100.5540, 13.7990]]})),
        ("garbage", "not geojson"),
        ("missing", None),
    ], columns=["id", "area"])
    out = tag_polygons(con, frame, "id", "area")
    assert list(out.columns) == ["id", "district_codes"]
    got = dict(zip(out.id, out.district_codes))
    assert got["palace"] == ["1001"]
    assert got["gulf"] == []
    assert got["bowtie"] and all(c in ALL_DISTRICTS for c in got["bowtie"])
    assert "1001" in got["line"] and "1030" in got["line"] and got["line"] == sorted(got["line"])
    assert got["garbage"] is None and got["missing"] is None


# --- Traffy: the district field against the coordinates -----------------------------------------------------
@pytest.mark.skipif(not TRAFFY.is_file(), reason=f"Traffy sample not present at {TRAFFY}")
def test_traffy_district_field_agrees_with_coordinates(con, gaz):
    from scrapers.traffy import parse_dump

    rows, _ = parse_dump(TRAFFY)
    tickets = pd.DataFrame([{k: r[k] for k in ("ticket_id", "lon", "lat", "district_th", "province_th")}
                            for r in rows])
    tagged = tag_points(con, tickets, "ticket_id", "lon", "lat")
    assert len(tagged) == len(tickets)
    merged = tickets.merge(tagged.rename(columns={"id": "ticket_id", "district_code": "by_point"}), on="ticket_id")
    merged["by_field"] = [gaz.match_district(d) if d else None for d in merged.district_th]
    inside = merged[merged.by_point.notna()]
    disagree = inside[inside.by_field != inside.by_point]
    agree = len(inside) - len(disagree)
    rate = agree / len(inside)

    # how far each disagreeing point is from the district its field names
    con.register("traffy_disagree", disagree)
    try:
        metres = dict(con.execute("""
            SELECT t.ticket_id, round(ST_Distance_Sphere(ST_Point(t.lat, t.lon),
                   ST_FlipCoordinates(ST_ClosestPoint(d.geom, ST_Point(t.lon, t.lat)))))
            FROM traffy_disagree AS t JOIN ref.district_polygons AS d ON d.code = t.by_field""").fetchall())
    finally:
        con.unregister("traffy_disagree")
    lines = [f"Traffy sample: {len(merged)} tickets, {len(inside)} inside Bangkok by polygon, "
             f"{agree} agree with the district field ({rate:.1%})"]
    for r in disagree.itertuples():
        named = f"{r.by_field} {gaz.district(r.by_field).name_th}" if r.by_field else "unmatched"
        lines.append(f"  {r.ticket_id}: district field {r.district_th!r} ({named}), coordinates -> {r.by_point} "
                     f"{gaz.district(r.by_point).name_th}; {metres.get(r.ticket_id, float('nan')):.0f} m from {named}")
    for r in merged[merged.by_point.isna()].itertuples():
        lines.append(f"  outside Bangkok: {r.ticket_id} ({r.district_th}, {r.province_th})")
    report = "\n".join(lines)
    print("\n" + report)

    assert len(inside) >= 190, report
    assert rate >= 0.95, report
    # every ticket tagged outside Bangkok says so in its province field
    assert all(p != "กรุงเทพมหานคร" and "กรุงเทพ" not in p for p in merged[merged.by_point.isna()].province_th), report
