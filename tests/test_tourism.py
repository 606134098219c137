"""Tourism places: record parsing (BE dates, string coordinates, XSS), page shapes and a loopback crawl."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pandas as pd
import pytest

from hub.raw_archive import ArchivedResponse, UnitFailed
from hub.thai_dates import BANGKOK
from quality.gx_validation import validate_frame
from quality.suites_publishers import tourism_places as places_suite
from sample_sites.server import ERROR_PAGE, GARBAGE, Page, SampleSites
from sample_sites.tourism import Tourism
from scrapers import tourism
from tests.crawl_helpers import crawl_site

TODAY = date(2026, 11, 25)


def _festival(**overrides) -> dict:
    record = {
        "place_id": "P08000001", "category": "festival",
        "name": {"th": "ลอยกระทง กรุงเทพมหานคร", "en": ""},
        "description": {"th": "<p>เทศกาล</p><script>alert(1)</script><img src=x onerror=alert(2)>", "en": ""},
        "location": {"lat": "13.7640", "lng": "100.4960"},
        "address": {"th": "เขตพระนคร กรุงเทพมหานคร", "en": "", "district_th": "เขตพระนคร"},
        "opening_hours": "17.00 - 23.00 น.", "phone": " 02 222 0933 ", "website": "javascript:alert(3)",
        "tags": ["เทศกาล", "เทศกาล", "ลอยกระทง"],
        "event_period": {"start": "2569-11-20", "end": "2569-11-27"},
        "updated_at": "2569-11-18 08:00:00",
    }
    record.update(overrides)
    return record


def test_buddhist_era_festival_dates_and_timestamps_become_ce():
    row = tourism.parse_record(_festival(), "festival")
    assert (row["starts_on"], row["ends_on"]) == (date(2026, 11, 20), date(2026, 11, 27))
    assert row["updated_at"] == datetime(2026, 11, 18, 8, 0, tzinfo=BANGKOK)
    ce = tourism.parse_record(_festival(event_period={"start": "2026-11-20", "end": "2026-11-27"},
                                        updated_at="2026-11-18T01:00:00Z"), "festival")
    assert (ce["starts_on"], ce["ends_on"], ce["updated_at"]) == (row["starts_on"], row["ends_on"], row["updated_at"])


def test_strings_and_markup_are_cleaned():
    row = tourism.parse_record(_festival(location={"lat": "๑๓.๗๖๔๐", "lng": "100.4960"}), "festival")
    assert (row["lat"], row["lon"]) == (13.764, 100.496)
    assert row["description_th"] == "เทศกาล" and row["description_en"] is None and row["name_en"] is None
    assert row["website"] is None and row["phone"] == "02 222 0933"
    assert row["district_name_th"] == "พระนคร" and row["tags"] == ["เทศกาล", "ลอยกระทง"]
    shop = tourism.parse_record(_festival(category="shop", website="https://otop.example/"), "shop")
    assert shop["starts_on"] is None and shop["ends_on"] is None and shop["website"] == "https://otop.example/"


@pytest.mark.parametrize("overrides,reason", [
    ({"name": {"th": "", "en": "Loy Krathong"}}, "no Thai name"),
    ({"place_id": None}, "no place_id"),
    ({"location": {"lat": "N/A", "lng": "100.5"}}, "not a number"),
    ({"location": {"lat": "13.75", "lng": ""}}, "only one coordinate"),
    ({"event_period": {"start": "2569-11-27", "end": "2569-11-20"}}, "before it starts"),
    ({"event_period": {"start": "ลอยกระทงปีนี้", "end": ""}}, "event_period.start"),
    ({"category": "hotel"}, "unknown category"),
])
def test_malformed_records_say_why(overrides, reason):
    with pytest.raises(ValueError, match=reason):
        tourism.parse_record(_festival(**overrides), "festival")


@pytest.mark.parametrize("body,reason", [
    (b"", "empty"), (ERROR_PAGE.encode(), "not JSON"), (GARBAGE.encode(), "not JSON"),
    (b'{"data": null, "result": {"code": 500}}', "'data' list"),
    (b'{"data": []}', "'result'"),
    (b'{"data": [], "result": {"page": 1}}', "page count"),
    (b'{"data": [], "result": {"page": 1, "pages": 3, "total": 57}}', "is empty"),
])
def test_unusable_pages_fail_the_unit(body, reason):
    with pytest.raises(UnitFailed, match=reason):
        tourism.decode_page(body, "http://tat.test/api/v2/places?category=shop&page=1")


def test_an_honestly_empty_category_is_zero_rows():
    result, data = tourism.decode_page(b'{"result": {"page": 1, "pages": 0, "total": 0}, "data": []}', "u")
    assert data == [] and result["total"] == 0


class _PageIgnoringTourism(Tourism):
    """An API that ignores `page` and always answers page 1: following it would loop over one page."""
    name = "tourism_page_ignoring"

    def page(self, path, query):
        return super().page(path, {**query, "page": ["1"]})


@pytest.fixture(scope="module")
def served():
    """One server per module (stopping one takes half a second): the API and a broken-paging copy."""
    site, lazy = Tourism(TODAY), _PageIgnoringTourism(TODAY)
    with SampleSites({site.name: site, lazy.name: lazy}) as sites:
        yield site, lazy, sites


def test_crawl_follows_pages_per_category_and_rebuilds_every_place(tmp_path, served):
    site, _, sites = served
    result = crawl_site(site, tourism.crawl, tmp_path, sites=sites)
    assert result.failed_units == {}
    assert set(result.by_unit) == set(tourism.CATEGORIES)
    rows, quarantined = [], []
    for category, responses in result.by_unit.items():
        assert len(responses) == site.pages(category) >= 2
        unit_rows, unit_quarantined = tourism.parse_unit(responses)
        assert {row["category"] for row in unit_rows} == {category}
        rows += unit_rows
        quarantined += unit_quarantined

    expected = {p.place_id: p for p in site.expected_places()}
    assert sorted(row["place_id"] for row in rows) == sorted(expected)
    for row in rows:
        place = expected[row["place_id"]]
        for column in tourism.STAGED_COLUMNS:
            want = getattr(place, column)
            assert row[column] == (list(want) if isinstance(want, tuple) else want), (row["place_id"], column)
        assert set(row) == set(tourism.STAGED_COLUMNS) | {"url", "sha256", "fetched_at"}
    assert not set(site.outside_bangkok()) & {row["place_id"] for row in rows}
    served_be = [p for p in site.places["festival"] if p.record["event_period"]["start"].startswith("25")]
    assert served_be and all(expected[p.place_id].starts_on.year < 2100 for p in served_be)
    assert any(row["name_en"] is None for row in rows)
    for row in rows:
        assert not any(bad in (row["description_th"] or "") for bad in ("<", "script", "alert", "onerror"))
    assert {q["record_ref"] for q in quarantined} == set(site.expected_quarantined())
    assert all("name" in q["reason"] and q["excerpt"] for q in quarantined)


def test_max_pages_bounds_each_category(tmp_path, served):
    site, _, sites = served
    result = crawl_site(site, tourism.crawl, tmp_path, settings_overrides={"max_pages": 1}, sites=sites)
    assert {unit: len(responses) for unit, responses in result.by_unit.items()} == {c: 1 for c in tourism.CATEGORIES}


def test_an_api_that_ignores_the_page_parameter_fails_the_unit(tmp_path, served):
    _, lazy, sites = served
    result = crawl_site(lazy, tourism.crawl, tmp_path, sites=sites)
    assert set(result.failed_units) == set(tourism.CATEGORIES)
    assert all("answered page 1" in error for error in result.failed_units.values())


@pytest.mark.parametrize("fault", ["error_page_200", "empty_200", "garbage"])
def test_unusable_answers_fail_every_unit(tmp_path, fault, served):
    site, _, sites = served
    result = crawl_site(site, tourism.crawl, tmp_path, fault=fault, sites=sites)
    assert set(result.failed_units) == set(tourism.CATEGORIES) and result.by_unit == {}


def test_the_expectation_suite_passes_and_catches_a_be_year_and_a_far_away_place():
    site = Tourism(TODAY)
    rows = []
    for category in tourism.CATEGORIES:
        for number in range(1, site.pages(category) + 1):
            page: Page = site.page("/api/v2/places", {"category": [category], "page": [str(number)]})
            url = f"http://tat.test/api/v2/places?category={category}&page={number}"
            rows += tourism.parse_unit([ArchivedResponse(url, url, 200, page.content_type, "sha", page.body,
                                                         datetime.now(timezone.utc))])[0]
    frame = pd.DataFrame(rows)
    assert validate_frame("test_tourism", frame, places_suite()).success
    festival = frame.index[frame["category"] == "festival"][0]
    frame.loc[festival, "starts_on"] = date(2569, 11, 20)
    frame.loc[festival, "ends_on"] = date(2569, 11, 27)
    frame.loc[0, "lat"] = 14.3556
    outcome = validate_frame("test_tourism", frame, places_suite())
    assert {f["column"] for f in outcome.failures} == {"starts_on", "ends_on", "lat"}


def test_sample_record_json_has_the_documented_shape():
    page = Tourism(TODAY).page("/api/v2/places", {"category": ["festival"], "page": ["1"]})
    document = json.loads(page.body)
    assert set(document) == {"result", "data"} and set(document["result"]) == {"page", "pages", "total"}
    record = document["data"][0]
    assert isinstance(record["location"]["lat"], str) and set(record["name"]) == {"th", "en"}
    assert set(record["event_period"]) == {"start", "end"}
