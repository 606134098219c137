"""Parsers on our sample pages and, where ../shared/data exists, on real partner records."""
from __future__ import annotations

import csv
from collections import Counter
from datetime import date, time

import pytest

from hub.gazetteer import Gazetteer
from hub.raw_archive import UnitFailed
from hub.roads import RoadIndex
from sample_sites.district_portals import DistrictPortals, notices_for
from sample_sites.server import ERROR_PAGE, GARBAGE
from scrapers import district_portals, flood_sensors, mea_outages
from scrapers.notice_classifier import classify_notice
from tests.conftest import SHARED_DATA

GAZ = Gazetteer.load()
TODAY = date(2026, 11, 25)
MEA_CSV = SHARED_DATA / "mea_power_outages_page_001.csv"


@pytest.mark.parametrize("code,layout", [("1002", "table"), ("1001", "cards"), ("1013", "cards")])
def test_both_portal_layouts_list_their_notices(code, layout):
    site = DistrictPortals(GAZ, TODAY)
    district = GAZ.district(code)
    page = site.page(f"/{district.portal_slug}/news", {})
    listing = district_portals.parse_list_page(page.body, page.content_type, f"http://h/{district.portal_slug}/news")
    assert listing.layout == layout
    assert len(listing.notice_urls) == 5 and listing.next_url.endswith("page=2")


@pytest.mark.parametrize("body", [GARBAGE.encode(), ERROR_PAGE.encode(), b""])
def test_unrecognised_list_pages_fail_the_unit_clearly(body):
    with pytest.raises(UnitFailed, match="unrecognised list page layout"):
        district_portals.parse_list_page(body, "text/html; charset=utf-8", "http://h/x/news")


def test_notice_text_is_plain_text_without_scripts():
    site = DistrictPortals(GAZ, TODAY)
    district = GAZ.district("1002")
    notice = notices_for("1002", district.name_th, TODAY)[0]
    page = site.page(f"/{district.portal_slug}/news/{notice.notice_id}", {})
    assert b"<script>" in page.body and b"javascript:" in page.body      # the payload is really there
    detail = district_portals.parse_notice_page(page.body, page.content_type)
    assert notice.body in detail.body
    assert "script" not in detail.body and "javascript" not in detail.body and "<" not in detail.body


def test_overnight_works_end_the_next_morning():
    start, end, all_day = district_portals.event_window("กำหนดการ: 5 ม.ค. 2570 เวลา 22.00 - 05.00 น.", None)
    assert (start.hour, end.hour, (end - start).total_seconds() / 3600, all_day) == (22, 5, 7, False)


@pytest.mark.parametrize("title,kind", [
    ("ขอเชิญนำสุนัขและแมวมารับบริการฉีดวัคซีนป้องกันโรคพิษสุนัขบ้า ฟรี", "pet_vaccination"),
    ("โครงการผ่าตัดทำหมันสุนัขและแมว ฟรี", "sterilisation"),
    ("แจ้งกำหนดการพ่นหมอกควันกำจัดยุงลาย", "mosquito_fogging"),
    ("บริการจัดเก็บขยะชิ้นใหญ่ ฟรี", "bulky_waste"),
    ("หน่วยบริการทำบัตรประจำตัวประชาชนเคลื่อนที่", "mobile_registration"),
    ("รับสมัครผู้สนใจเข้ารับการฝึกอบรมอาชีพ", "job_training"),
    ("บริการตรวจสุขภาพและคัดกรองโรคเบาหวาน", "health_service"),
    ("ขอเชิญร่วมงานเทศกาลลอยกระทง", "district_event"),
    ("ประกาศปิดการจราจรชั่วคราว ถนนพหลโยธิน", "construction"),
    ("ประกาศรายชื่อผู้มีสิทธิ์สอบ", "other"),
])
def test_notice_classifier(title, kind):
    assert classify_notice(title) == kind


def test_mea_clock_with_stray_spaces():
    assert mea_outages.parse_clock("0 9. 0 0 AM") == time(9, 0)
    assert mea_outages.parse_clock("12:00 PM") == time(12, 0)
    assert mea_outages.parse_clock("12:30 AM") == time(0, 30)
    with pytest.raises(ValueError):
        mea_outages.parse_clock("13:00 PM")


@pytest.mark.skipif(not MEA_CSV.exists(), reason="../shared/data absent")
def test_all_100_real_mea_records_parse_and_bangkok_areas_find_roads(capsys):
    rows = list(csv.DictReader(open(MEA_CSV, encoding="utf-8-sig")))
    assert len(rows) == 100
    outages, failures = [], []
    for row in rows:
        try:
            outages += mea_outages.parse_notice(row["outage_data"], date.fromisoformat(row["outage_date"]))
        except ValueError as exc:
            failures.append((row["announcement_url"], str(exc)))
    provinces = Counter(o.province for o in outages)
    bangkok = [o for o in outages if o.province == "Bangkok"]
    roads = RoadIndex.load()
    located = sum(1 for o in bangkok if roads.districts_for(o.area))
    with capsys.disabled():
        print(f"\nMEA real records: {100 - len(failures)}/100 parsed, {len(outages)} outages {dict(provinces)}, "
              f"{located}/{len(bangkok)} Bangkok areas placed in a district by road name")
    assert failures == []
    assert len(bangkok) >= 300
    assert all(o.ends_at > o.starts_at for o in outages)


def test_flood_collections_reject_non_json_and_empty_profiles():
    with pytest.raises(UnitFailed, match="not JSON"):
        flood_sensors.decode_collection(ERROR_PAGE.encode(), "sensor_now")
    with pytest.raises(UnitFailed, match="'data' list"):
        flood_sensors.decode_collection(b'{"errors": []}', "sensor_now")
