"""Longdo/iTIC traffic events: parser on inline and real samples, loopback crawl, faults, GX suite."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pandas as pd
import pytest

from hub.raw_archive import ArchivedResponse, UnitFailed
from hub.thai_dates import BANGKOK
from quality.gx_validation import validate_frame
from quality.suites_utilities import traffic_events as traffic_suite
from sample_sites.server import ERROR_PAGE
from sample_sites.traffic_events import TrafficEvents
from scrapers import traffic_events
from tests.conftest import SHARED_DATA
from tests.crawl_helpers import crawl_site

TODAY = date(2026, 11, 25)
REAL = SHARED_DATA / "longdo_events_flood_excerpt_bkk-flood-map.json"


def archived(body: bytes | str, url: str = "http://longdo.test/feed/json") -> ArchivedResponse:
    body = body.encode("utf-8") if isinstance(body, str) else body
    return ArchivedResponse(url, url, 200, "application/json", "0" * 64, body, datetime.now(timezone.utc))


def event(**overrides) -> dict:
    base = {"eid": 1, "title": "อุบัติเหตุ ถนนพระราม 9", "title_en": "", "description": "ชนท้าย\r\nใช้ได้ 1 ช่องทาง",
            "description_en": "", "latitude": "13.7570", "longitude": "100.6150", "type": "3", "icon": "accident",
            "start": "2026-11-25 08:00:00", "stop": "2026-11-25 10:00:00", "contributor": "itic_user", "images": []}
    return base | overrides


@pytest.fixture(scope="module")
def site() -> TrafficEvents:
    return TrafficEvents(TODAY)


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    return crawl_site(site, traffic_events.crawl, tmp_path_factory.mktemp("traffic"))


# --- parser on inline samples -------------------------------------------------------------------------

def test_naive_times_are_bangkok_and_text_keeps_line_breaks():
    row = traffic_events.parse_event(event())
    assert row["starts_at"] == datetime(2026, 11, 25, 8, 0, tzinfo=BANGKOK)
    assert row["starts_at"].utcoffset().total_seconds() == 7 * 3600
    assert row["description_th"] == "ชนท้าย\nใช้ได้ 1 ช่องทาง"
    assert row["title_en"] is None and row["event_id"] == "1" and row["kind"] == "accident"


def test_stop_before_start_is_an_error_but_far_future_stops_are_kept():
    with pytest.raises(ValueError, match="before start"):
        traffic_events.parse_event(event(stop="2026-11-25 07:00:00"))
    assert traffic_events.parse_event(event(stop="2029-09-28 17:10:00"))["ends_at"].year == 2029
    assert traffic_events.parse_event(event(stop="0000-00-00 00:00:00"))["ends_at"] is None


def test_events_outside_bangkok_are_skipped_and_swapped_points_rejected():
    assert traffic_events.parse_event(event(latitude="18.7883", longitude="98.9853")) is None
    with pytest.raises(ValueError, match="swapped"):
        traffic_events.parse_event(event(latitude="100.6150", longitude="13.7570"))
    with pytest.raises(ValueError):
        traffic_events.parse_event(event(latitude="13.7x"))


@pytest.mark.parametrize("type_code,icon,kind", [
    ("6", "flood", "flood"), ("3", "accident", "accident"), ("2", "construction", "construction"),
    ("4", "roadclosed", "closure"), ("99", "roadclosed", "closure"), ("1", "breakdown", "other"), (None, None, "other"),
])
def test_kinds(type_code, icon, kind):
    assert traffic_events.kind_of(type_code, icon) == kind


def test_markup_never_survives():
    dirty = ('ดู <script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">ภาพ</a>'
             ' &lt;script&gt;alert(4)&lt;/script&gt; javascript:alert(5)')
    clean = traffic_events.plain_text(dirty)
    assert clean == "ดู ภาพ"
    for bad in ("<", "script", "onerror", "javascript", "alert"):
        assert bad not in clean


@pytest.mark.parametrize("body,message", [
    (b"", "empty body"), (ERROR_PAGE.encode(), "not JSON"), (b'{"message": "error"}', "without an event list"),
    (b"[]", "empty event list"),
])
def test_unusable_feeds_fail_the_unit(body, message):
    with pytest.raises(UnitFailed, match=message):
        traffic_events.parse_unit([archived(body)])


def test_bare_array_and_items_object_parse_alike():
    items = [event(eid=1), event(eid=2, latitude="7.88", longitude="98.39")]
    bare = traffic_events.parse_feed(archived(json.dumps(items)))
    wrapped = traffic_events.parse_feed(archived(json.dumps({"updated": "x", "items": items})))
    assert [r["event_id"] for r in bare.rows] == [r["event_id"] for r in wrapped.rows] == ["1"]
    assert bare.outside_bangkok == wrapped.outside_bangkok == 1


def test_duplicate_eid_is_quarantined():
    parsed = traffic_events.parse_feed(archived(json.dumps([event(eid=7), event(eid=7, title="ซ้ำ")])))
    assert len(parsed.rows) == 1 and "duplicate" in parsed.quarantined[0]["reason"]


# --- the real excerpt ---------------------------------------------------------------------------------

@pytest.mark.skipif(not REAL.exists(), reason="../shared/data absent")
def test_real_flood_events_parse():
    parsed = traffic_events.parse_feed(archived(REAL.read_bytes()))
    assert parsed.quarantined == [] and parsed.outside_bangkok == 0
    assert len(parsed.rows) == 5
    assert {r["kind"] for r in parsed.rows} == {"flood"}
    assert len({r["event_id"] for r in parsed.rows}) == 5          # no eid in the excerpt: content ids
    assert all(r["event_id"].startswith("h") for r in parsed.rows)
    by_title = {r["title_th"]: r for r in parsed.rows}
    long_running = by_title["น้ำท่วม แขวงคลองถนน"]
    assert long_running["ends_at"] == datetime(2029, 9, 28, 17, 10, tzinfo=BANGKOK)
    assert long_running["description_th"].split("\n")[0] == "แขวงคลองถนน เขตสายไหม กรุงเทพมหานคร"
    assert all("\r" not in (r["description_th"] or "") for r in parsed.rows)
    assert all(r["ends_at"] >= r["starts_at"] for r in parsed.rows)
    assert {r["contributor"] for r in parsed.rows} == {"itic_user", "itic.rattanakit", "DOH Admin"}


# --- loopback crawl -----------------------------------------------------------------------------------

def test_crawl_loads_bangkok_events_and_quarantines_the_bad_one(site, crawled):
    assert crawled.failed_units == {}
    parsed = traffic_events.parse_feed(crawled.by_unit["all"][0])
    rows, quarantined = traffic_events.parse_unit(crawled.by_unit["all"])
    assert rows == parsed.rows
    expected = {e.eid: e for e in site.expected_events()}
    assert {r["event_id"] for r in rows} == set(expected)
    assert len(rows) >= 25
    assert parsed.outside_bangkok == site.expected_outside_count() == 10
    for row in rows:
        e = expected[row["event_id"]]
        assert (row["kind"], row["title_th"], row["title_en"]) == (e.kind, e.title, e.title_en)
        assert (row["starts_at"], row["ends_at"]) == (e.starts_at, e.ends_at)
        assert row["lat"] == pytest.approx(e.lat) and row["lon"] == pytest.approx(e.lon)
        assert row["url"].endswith("/feed/json") and len(row["sha256"]) == 64 and row["fetched_at"].tzinfo
        assert set(row) == set(traffic_events.STAGED_COLUMNS) | {"url", "sha256", "fetched_at"}
    assert {r["kind"] for r in rows} == set(traffic_events.KINDS)
    assert [q["record_ref"] for q in quarantined] == [e.eid for e in site.expected_malformed()]
    assert "before start" in quarantined[0]["reason"]


def test_xss_payload_is_gone_after_the_crawl(site, crawled):
    payload_events = [e for e in site.events if "<script>" in e.description]
    assert payload_events and "<script>" in payload_events[0].raw["description"]   # the payload was served
    rows, _ = traffic_events.parse_unit(crawled.by_unit["all"])
    row = next(r for r in rows if r["event_id"] == payload_events[0].eid)
    assert row["description_th"] == "รถติดมาก\nดูภาพ ระวังด้วยครับ"
    for text in (r["description_th"] or "" for r in rows):
        assert "<" not in text and "javascript" not in text and "alert" not in text


@pytest.mark.parametrize("fault", ["error_page_200", "empty_200", "garbage"])
def test_faults_fail_the_unit(site, tmp_path, fault):
    result = crawl_site(site, traffic_events.crawl, tmp_path, fault=fault)
    assert set(result.failed_units) == {"all"} and result.by_unit == {}


def test_gx_suite_passes_on_sample_and_catches_markup(crawled):
    rows, _ = traffic_events.parse_unit(crawled.by_unit["all"])
    frame = pd.DataFrame(rows)
    outcome = validate_frame("traffic_events_test", frame, traffic_suite())
    assert outcome.success, outcome.summary()
    frame.loc[0, "description_th"] = "<b>x</b>"
    frame.loc[1, "kind"] = "parade"
    bad = validate_frame("traffic_events_test", frame, traffic_suite())
    assert not bad.success
    assert {f["column"] for f in bad.failures} == {"description_th", "kind"}
