"""MWA water outages: parser on inline samples, the query lattice, loopback crawl, faults, GX suite."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timezone

import pandas as pd
import pytest

from hub.raw_archive import ArchivedResponse, UnitFailed
from hub.thai_dates import BANGKOK
from quality.gx_validation import validate_frame
from quality.suites_utilities import mwa_outages as mwa_suite
from sample_sites.mwa_outages import MwaOutages, distance_km
from sample_sites.server import ERROR_PAGE
from scrapers import mwa_outages
from tests.crawl_helpers import crawl_site

TODAY = date(2026, 11, 25)
SQUARE = [{"latitude": "13.7500", "longitude": "100.5000"}, {"latitude": "13.7500", "longitude": "100.5100"},
          {"latitude": "13.7600", "longitude": "100.5100"}, {"latitude": "13.7600", "longitude": "100.5000"}]


def archived(body: bytes | str, url: str = "http://mwa.test/api/mobile/no-water-running-area/latitude/13.7/"
                                            "longitude/100.5") -> ArchivedResponse:
    body = body.encode("utf-8") if isinstance(body, str) else body
    return ArchivedResponse(url, url, 200, "application/json", "0" * 64, body, datetime.now(timezone.utc))


def outage(**overrides) -> dict:
    base = {"areaName": "ถนนพระราม 4 แขวงคลองเตย เขตคลองเตย", "startDate": "2026-11-26 09:00:00",
            "endDate": "2026-11-26 17:00:00", "soi": "ซอยพระราม 4 ที่ 1", "reason": "ซ่อมท่อแตกรั่ว",
            "impactBranches": ["สำนักงานประปาสาขาทุ่งมหาเมฆ"], "polygons": [{"coordinates": SQUARE}]}
    return base | overrides


@pytest.fixture(scope="module")
def site() -> MwaOutages:
    return MwaOutages(TODAY)


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    return crawl_site(site, mwa_outages.crawl, tmp_path_factory.mktemp("mwa"))


# --- parser on inline samples -------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("2026-11-26 09:00:00", datetime(2026, 11, 26, 9, 0, tzinfo=BANGKOK)),
    ("26/11/2569 22:00", datetime(2026, 11, 26, 22, 0, tzinfo=BANGKOK)),
    ("2026-11-26T02:00:00Z", datetime(2026, 11, 26, 9, 0, tzinfo=BANGKOK)),
])
def test_both_date_formats_read_as_bangkok_time(text, expected):
    parsed = mwa_outages.parse_mwa_datetime(text)
    assert parsed == expected and parsed.utcoffset().total_seconds() == 7 * 3600


def test_polygon_becomes_closed_lon_lat_geojson_with_centroid():
    row = mwa_outages.parse_outage(outage())
    geometry = json.loads(row["polygon_geojson"])
    ring = geometry["coordinates"][0]
    assert geometry["type"] == "Polygon"
    assert ring[0] == ring[-1] == [100.5, 13.75] and len(ring) == 5
    assert all(isinstance(v, float) for point in ring for v in point)
    assert (row["centroid_lat"], row["centroid_lon"]) == pytest.approx((13.755, 100.505))
    assert row["branches"] == ["สำนักงานประปาสาขาทุ่งมหาเมฆ"] and row["status"] == "active"


def test_outage_id_names_the_outage_not_its_current_wording():
    first = mwa_outages.parse_outage(outage())["outage_id"]
    same = outage(startDate="26/11/2569 09:00", endDate="26/11/2569 17:00",
                  polygons=[{"coordinates": SQUARE + [SQUARE[0]]}])
    assert mwa_outages.parse_outage(same)["outage_id"] == first
    extended = mwa_outages.parse_outage(outage(endDate="2026-11-26 18:00:00"))
    assert extended["outage_id"] == first                     # an update of the same outage
    cancelled = mwa_outages.parse_outage(outage(areaName="ยกเลิก " + outage()["areaName"]))
    assert cancelled["outage_id"] == first and cancelled["status"] == "cancelled"
    elsewhere = mwa_outages.parse_outage(outage(startDate="2026-11-27 09:00:00", endDate="2026-11-27 17:00:00"))
    assert elsewhere["outage_id"] != first


@pytest.mark.parametrize("bad,message", [
    (outage(endDate="2026-11-26 08:00:00"), "before startDate"),
    (outage(startDate=""), "no startDate"),
    (outage(polygons=[{"coordinates": SQUARE[:2] + [{"latitude": "13.7x", "longitude": "100.5"}]}]), "unreadable"),
    (outage(polygons=[{"coordinates": [{"latitude": v["longitude"], "longitude": v["latitude"]} for v in SQUARE]}]),
     "outside MWA's service area"),
    (outage(polygons=[{"coordinates": SQUARE[:2]}]), "fewer than 3"),
    (outage(areaName=" "), "no areaName"),
])
def test_malformed_outages_raise(bad, message):
    with pytest.raises(ValueError, match=message):
        mwa_outages.parse_outage(bad)


def test_cancellation_wording_sets_status():
    assert mwa_outages.parse_outage(outage(reason="ยกเลิกการหยุดจ่ายน้ำ"))["status"] == "cancelled"
    assert mwa_outages.parse_outage(outage(reason="ซ่อมท่อ (ยกเลิกท่อเก่า)"))["status"] == "active"


@pytest.mark.parametrize("body,message", [
    (b"", "empty body"), (b'{"message": "error"}', "expected a JSON array"), (ERROR_PAGE.encode(), "not JSON"),
])
def test_unusable_answers_fail_the_unit(body, message):
    with pytest.raises(UnitFailed, match=message):
        mwa_outages.parse_unit([archived(body)])


def test_empty_array_is_a_valid_answer():
    assert mwa_outages.parse_unit([archived(b"[]")]) == ([], [])


# --- the lattice and the sample site ------------------------------------------------------------------

def test_lattice_is_fixed_and_inside_bangkok():
    assert 12 <= len(mwa_outages.QUERY_POINTS) <= 20
    assert len(set(mwa_outages.QUERY_POINTS)) == len(mwa_outages.QUERY_POINTS)
    assert all(13.49 <= lat <= 13.96 and 100.32 <= lon <= 100.94 for lat, lon in mwa_outages.QUERY_POINTS)


def test_every_sample_outage_is_within_reach_of_the_lattice(site):
    for o in site.outages:
        assert min(distance_km(o, p) for p in mwa_outages.QUERY_POINTS) <= 6.0, o.key


# --- loopback crawl -----------------------------------------------------------------------------------

def test_crawl_merges_all_points_into_unique_outages(site, crawled):
    assert crawled.failed_units == {}
    responses = crawled.by_unit["all"]
    assert len(responses) == len(mwa_outages.QUERY_POINTS)
    rows, quarantined = mwa_outages.parse_unit(responses)
    expected = {(o.area_name, o.starts_at, o.ends_at): o for o in site.expected_outages()}
    assert len(rows) == len(expected) == 15
    assert {(r["area_name_th"], r["starts_at"], r["ends_at"]) for r in rows} == set(expected)
    assert len({r["outage_id"] for r in rows}) == len(rows)
    seen_from = Counter(o.key for r in responses for o in site.near(*_point_of(r.url)))
    assert max(seen_from.values()) >= 2                   # some outages were answered by several points
    for row in rows:
        o = expected[(row["area_name_th"], row["starts_at"], row["ends_at"])]
        assert row["branches"] == list(o.branches)
        assert row["status"] == ("cancelled" if o.cancelled else "active")
        assert set(row) == set(mwa_outages.STAGED_COLUMNS) | {"url", "sha256", "fetched_at"}
        if o.polygons:
            geometry = json.loads(row["polygon_geojson"])
            assert geometry["type"] == ("MultiPolygon" if len(o.polygons) > 1 else "Polygon")
            assert abs(row["centroid_lat"] - o.polygons[0][0][0]) < 0.05
        else:
            assert row["polygon_geojson"] is None and row["centroid_lat"] is None
    assert [q["record_ref"] for q in quarantined] == [o.area_name for o in site.expected_malformed()]
    assert "unreadable vertex" in quarantined[0]["reason"]


def test_be_dated_outages_land_on_the_right_instant(site, crawled):
    rows, _ = mwa_outages.parse_unit(crawled.by_unit["all"])
    be = [o for o in site.expected_outages() if o.be_dates]
    assert be
    starts = {r["area_name_th"]: r["starts_at"] for r in rows}
    for o in be:
        assert starts[o.area_name] == o.starts_at and starts[o.area_name].year == TODAY.year


def test_xss_in_reason_is_gone(site, crawled):
    rows, _ = mwa_outages.parse_unit(crawled.by_unit["all"])
    raw = [o for o in site.expected_outages() if "<script>" in o.reason]
    assert raw
    row = next(r for r in rows if r["area_name_th"] == raw[0].area_name)
    assert row["reason_th"] == "ซ่อมท่อประปาขนาด 300 มม. ดูแผนที่"
    for r in rows:
        text = " ".join(filter(None, [r["reason_th"], r["area_name_th"], r["soi_th"]]))
        assert "<" not in text and "javascript" not in text and "alert" not in text


@pytest.mark.parametrize("fault", ["error_page_200", "empty_200", "garbage"])
def test_faults_fail_the_unit(site, tmp_path, fault):
    result = crawl_site(site, mwa_outages.crawl, tmp_path, fault=fault)
    assert set(result.failed_units) == {"all"} and result.by_unit == {}


def test_gx_suite_passes_on_sample_and_catches_bad_rows(crawled):
    rows, _ = mwa_outages.parse_unit(crawled.by_unit["all"])
    frame = pd.DataFrame(rows)
    outcome = validate_frame("mwa_outages_test", frame, mwa_suite())
    assert outcome.success, outcome.summary()
    frame.loc[1, "outage_id"] = frame.loc[0, "outage_id"]
    frame.loc[2, "status"] = "maybe"
    bad = validate_frame("mwa_outages_test", frame, mwa_suite())
    assert {f["column"] for f in bad.failures} == {"outage_id", "status"}


def _point_of(url: str) -> tuple[float, float]:
    parts = url.rstrip("/").split("/")
    return float(parts[-3]), float(parts[-1])
