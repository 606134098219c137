"""BMA rain gauges (weather.bangkok.go.th): parser on inline samples, loopback crawl, faults, GX suite."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pandas as pd
import pytest

from hub.gazetteer import Gazetteer
from hub.raw_archive import ArchivedResponse, UnitFailed
from hub.thai_dates import BANGKOK
from quality.gx_validation import validate_frame
from quality.suites_utilities import rain_gauges as rain_suite
from sample_sites.rain_gauges import RainGauges
from sample_sites.server import ERROR_PAGE, GARBAGE
from scrapers import rain_gauges
from tests.crawl_helpers import crawl_site

NOW = datetime(2026, 11, 25, 14, 37, tzinfo=BANGKOK)


def archived(body: bytes | str, url: str = "http://weather.test/rain/PageMap/GetDataForUpdate") -> ArchivedResponse:
    body = body.encode("utf-8") if isinstance(body, str) else body
    return ArchivedResponse(url, url, 200, "application/json", "0" * 64, body, datetime.now(timezone.utc))


def gauge(**overrides) -> dict:
    base = {"rain_code": "RF.BKK.01", "rain_name": "สำนักงานเขตบางรัก", "rain_name_en": "Bang Rak District Office",
            "district_name_en": "Bang Rak", "latitude": "13.7280", "longitude": 100.5240,
            "site_timestamp": "/Date(1790403000000)/", "rf1hr": "12.5", "rf3hr": 20, "rf24hr": "31.0"}
    return base | overrides


@pytest.fixture(scope="module")
def site() -> RainGauges:
    return RainGauges(Gazetteer.load(), now=NOW)


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    return crawl_site(site, rain_gauges.crawl, tmp_path_factory.mktemp("rain"))


# --- parser on inline samples -------------------------------------------------------------------------

def test_strings_and_numbers_read_alike_and_timestamp_is_utc_ms():
    row = rain_gauges.parse_gauge(gauge())
    assert (row["rain_1h_mm"], row["rain_3h_mm"], row["rain_24h_mm"]) == (12.5, 20.0, 31.0)
    assert (row["lat"], row["lon"]) == (13.728, 100.524)
    # 1790403000000 ms = 2026-09-26 06:10 UTC = 13:10 in Bangkok
    assert row["observed_at"] == datetime(2026, 9, 26, 13, 10, tzinfo=BANGKOK)


@pytest.mark.parametrize("missing", ["NULL", None, "", "null"])
def test_missing_readings_are_none_and_the_gauge_is_kept(missing):
    row = rain_gauges.parse_gauge(gauge(rf1hr=missing, rf3hr=missing, rf24hr=missing))
    assert (row["rain_1h_mm"], row["rain_3h_mm"], row["rain_24h_mm"]) == (None, None, None)
    assert row["gauge_code"] == "RF.BKK.01"


def test_negative_sentinel_is_none():
    assert rain_gauges.reading_mm("-999", "rf1hr") is None
    assert rain_gauges.reading_mm(0, "rf1hr") == 0.0


@pytest.mark.parametrize("bad,message", [
    (gauge(site_timestamp="25/11/2569 14:30"), "not an ASP.NET"),
    (gauge(site_timestamp="2026-11-25T14:30:00"), "not an ASP.NET"),
    (gauge(rf1hr="heavy"), "rf1hr is not a number"),
    (gauge(latitude="100.5240", longitude="13.7280"), "outside Bangkok"),
    (gauge(rain_code=""), "no rain_code"),
])
def test_malformed_gauges_raise(bad, message):
    with pytest.raises(ValueError, match=message):
        rain_gauges.parse_gauge(bad)


@pytest.mark.parametrize("body,message", [
    (b"", "empty body"), (ERROR_PAGE.encode(), "not JSON"), (GARBAGE.encode(), "not JSON"),
    (b'{"Message": "An error has occurred."}', "expected a JSON array"), (b"[]", "empty gauge list"),
])
def test_unusable_answers_fail_the_unit(body, message):
    with pytest.raises(UnitFailed, match=message):
        rain_gauges.parse_unit([archived(body)])


# --- loopback crawl -----------------------------------------------------------------------------------

def test_crawl_loads_every_gauge_but_the_malformed_one(site, crawled):
    assert crawled.failed_units == {}
    rows, quarantined = rain_gauges.parse_unit(crawled.by_unit["all"])
    expected = {g.code: g for g in site.expected_gauges()}
    assert len(site.gauges) == 60 and len(rows) == len(expected) == 59
    assert {r["gauge_code"] for r in rows} == set(expected)
    for row in rows:
        g = expected[row["gauge_code"]]
        assert (row["rain_1h_mm"], row["rain_3h_mm"], row["rain_24h_mm"]) == (g.rain_1h, g.rain_3h, g.rain_24h)
        assert row["observed_at"] == g.observed_at and row["observed_at"].utcoffset().total_seconds() == 7 * 3600
        assert (row["lat"], row["lon"]) == pytest.approx((g.lat, g.lon))
        assert row["district_name_en"] == g.district_name_en and row["name_th"] == g.name_th
        assert set(row) == set(rain_gauges.STAGED_COLUMNS) | {"url", "sha256", "fetched_at"}
    assert sum(1 for r in rows if r["rain_1h_mm"] is None) == 3
    assert {"Bung Kum", "Vadhana"} <= {r["district_name_en"] for r in rows}
    assert [q["record_ref"] for q in quarantined] == [g.code for g in site.expected_malformed()]
    assert "ASP.NET" in quarantined[0]["reason"]


def test_heavy_rain_gauges_are_there_for_alerting(site, crawled):
    rows, _ = rain_gauges.parse_unit(crawled.by_unit["all"])
    heavy = sorted(r["gauge_code"] for r in rows if (r["rain_1h_mm"] or 0) >= rain_gauges.HEAVY_RAIN_1H_MM)
    assert heavy == site.expected_heavy_rain() and len(heavy) >= 3


def test_markup_in_names_is_gone(site, crawled):
    assert any("<script>" in g.raw["rain_name_en"] for g in site.gauges)
    rows, _ = rain_gauges.parse_unit(crawled.by_unit["all"])
    for r in rows:
        assert "<" not in (r["name_en"] or "") and "alert" not in (r["name_en"] or "")


@pytest.mark.parametrize("fault", ["error_page_200", "empty_200", "garbage"])
def test_faults_fail_the_unit(site, tmp_path, fault):
    result = crawl_site(site, rain_gauges.crawl, tmp_path, fault=fault)
    assert set(result.failed_units) == {"all"} and result.by_unit == {}


def test_site_built_for_another_day_reports_that_afternoon():
    other = RainGauges(Gazetteer.load(), today=date(2026, 1, 5))
    assert other.observed == datetime(2026, 1, 5, 14, 0, tzinfo=BANGKOK)


def test_gx_suite_passes_on_sample_and_catches_bad_rows(crawled):
    rows, _ = rain_gauges.parse_unit(crawled.by_unit["all"])
    frame = pd.DataFrame(rows)
    outcome = validate_frame("rain_gauges_test", frame, rain_suite())
    assert outcome.success, outcome.summary()
    frame.loc[0, "rain_1h_mm"] = 900.0
    frame.loc[2, "gauge_code"] = frame.loc[1, "gauge_code"]
    bad = validate_frame("rain_gauges_test", frame, rain_suite())
    assert {f["column"] for f in bad.failures} >= {"rain_1h_mm", "gauge_code"}
