"""Rail service disruptions: parsers on inline samples, a loopback crawl of the sample operator site, faults."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pandas as pd
import pytest

from hub.rail_network import RailNetwork
from hub.raw_archive import ArchivedResponse, UnitFailed
from quality.gx_validation import validate_frame
from quality.suites_rail import rail_notices
from sample_sites.rail_operators import ANNOUNCEMENTS_PATH, STATUS_PATH, RailOperators
from sample_sites.server import ERROR_PAGE, GARBAGE
from scrapers import rail_service
from tests.crawl_helpers import crawl_site

TODAY = date(2026, 11, 25)
NET = RailNetwork.load()
PROVENANCE = {"url", "sha256", "fetched_at"}
TEXT_COLUMNS = ("title_th", "title_en", "description_th", "description_en")


def archived(path: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> ArchivedResponse:
    url = "http://rail.example" + path
    return ArchivedResponse(url, url, 200, content_type, "0" * 64, body, datetime(2026, 11, 25, 3, tzinfo=timezone.utc))


def status_response(lines: list, updated: str = "2026-11-25T10:00:00+07:00") -> ArchivedResponse:
    body = json.dumps({"updated": updated, "lines": lines}, ensure_ascii=False).encode()
    return archived(STATUS_PATH, body, "application/json")


def card_page(*cards: str, next_link: str = "") -> ArchivedResponse:
    body = f"<html><body><div class='news-list'>{''.join(cards)}</div>{next_link}</body></html>"
    return archived(ANNOUNCEMENTS_PATH, body.encode())


def card(article_id: str, posted: str, title: str, *paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<article class='news-item' id='ann-{article_id}'><div class='news-date'>{posted}</div>"
            f"<h3 class='news-title'>{title}</h3><div class='news-body'>{body}</div></article>")


# --- parsers on inline samples -----------------------------------------------------------------------

@pytest.mark.parametrize("text,effect", [
    ("Due to a technical fault at Siam station, trains on the Sukhumvit Line are delayed 10–15 minutes", "delay"),
    ("ขบวนรถไฟฟ้าล่าช้า 10 นาที", "delay"),
    ("ปิดให้บริการชั่วคราว สถานีสะพานตากสิน", "closure"),
    ("Exit 2 is closed today", "closure"),
    ("Train service between Wongwian Yai and Bang Wa is suspended", "suspension"),
    ("หยุดให้บริการระหว่างสถานีวงเวียนใหญ่ถึงสถานีบางหว้า", "suspension"),
    ("Planned maintenance: stations closed at night", "planned_works"),
    ("ปิดปรับปรุงสถานี", "planned_works"),
    ("Service has returned to normal", "resolved"),
    ("ขบวนรถกลับมาให้บริการตามปกติแล้ว", "resolved"),
    ("รถไฟฟ้าบีทีเอสเปิดให้บริการทุกวัน ตั้งแต่เวลา 05.15 น.", "info"),   # เปิด (open) contains ปิด (close)
    ("New fare table from 1 January", "info"),
])
def test_effect_classification(text, effect):
    assert rail_service.classify_effect(text) == effect


def test_titles_split_into_thai_and_english():
    assert rail_service.split_title("ปิดทางออก 3 สถานีอโศก / Planned closure of Exit 3") == (
        "ปิดทางออก 3 สถานีอโศก", "Planned closure of Exit 3")
    assert rail_service.split_title("ปิดให้บริการชั่วคราว") == ("ปิดให้บริการชั่วคราว", None)
    assert rail_service.split_title("Gold Line: delays / updates") == (None, "Gold Line: delays / updates")


def test_status_json_normal_lines_give_no_row_and_codes_map_to_gtfs_stops():
    rows, quarantined = rail_service.parse_unit([status_response([
        {"line_code": "BL", "line_name_th": "สายสีน้ำเงิน", "line_name_en": "Blue Line", "status": "normal",
         "message_th": "ปกติ", "message_en": "Normal service", "affected_stations": [], "since": None},
        {"line_code": "PP", "line_name_th": "สายสีม่วง", "line_name_en": "Purple Line", "status": "partial_closure",
         "message_th": "ปิดสถานีแยกติวานนท์ชั่วคราว", "message_en": "Yaek Tiwanon station is <b>closed</b>.",
         "affected_stations": ["PP13", "PP99", "BL26"], "since": "2026-11-25T08:40:00+07:00"},
    ])])
    assert quarantined == []
    assert len(rows) == 1
    row = rows[0]
    assert (row["notice_id"], row["effect"], row["status"], row["route_ids"], row["stop_ids"]) == (
        "mrt:PP:20261125T0840", "closure", "active", ["4"], ["354"], )
    assert row["unresolved_codes"] == ["PP99", "BL26"]            # unknown code; a Blue Line code on the Purple Line
    assert row["description_en"] == "Yaek Tiwanon station is closed."
    assert row["district_codes"] == []                             # Yaek Tiwanon is in Nonthaburi
    assert set(row) == set(rail_service.STAGED_COLUMNS) | PROVENANCE


def test_status_without_station_codes_reads_the_message_and_naive_since_is_bangkok_time():
    rows, _ = rail_service.parse_unit([status_response([
        {"line_code": "BL", "line_name_th": "สายสีน้ำเงิน", "line_name_en": "Blue Line", "status": "suspended",
         "message_th": "หยุดให้บริการระหว่างสถานีหัวลำโพงและสถานีสามย่าน", "message_en": "",
         "affected_stations": None, "since": "2026-11-25 07:15:00"},
    ])])
    assert rows[0]["stop_ids"] == ["343", "337"] and rows[0]["effect"] == "suspension"
    assert rows[0]["starts_at"] == datetime(2026, 11, 25, 0, 15, tzinfo=timezone.utc)


@pytest.mark.parametrize("record,reason", [
    ({"line_name_en": "Blue Line", "status": "delayed"}, "without line_code"),
    ({"line_code": "YL", "status": "delayed"}, "unknown line_code"),
    ({"line_code": "BL", "status": "slow"}, "unknown status"),
    ({"line_code": "BL", "status": "delayed", "affected_stations": "BL10,BL11"}, "not a list"),
    ({"line_code": "BL", "status": "delayed", "since": "yesterday"}, "not a timestamp"),
    ("BL delayed", "not an object"),
])
def test_malformed_status_records_are_quarantined_and_the_rest_loads(record, reason):
    good = {"line_code": "PP", "status": "delayed", "affected_stations": ["PP01"], "since": "2026-11-25T08:00:00+07:00"}
    rows, quarantined = rail_service.parse_unit([status_response([record, good])])
    assert [r["stop_ids"] for r in rows] == [["348"]]
    assert [q["record_ref"] for q in quarantined] == ["lines[0]"]
    assert reason in quarantined[0]["reason"] and quarantined[0]["excerpt"]


@pytest.mark.parametrize("body,match", [
    (ERROR_PAGE.encode(), "not JSON"), (b"", "not JSON"), (b'{"data": []}', "'lines' list"),
    (b'{"updated": "2026-11-25T10:00:00+07:00", "lines": []}', "empty"),
])
def test_unusable_status_documents_fail_the_unit(body, match):
    with pytest.raises(UnitFailed, match=match):
        rail_service.parse_unit([archived(STATUS_PATH, body, "application/json")])


@pytest.mark.parametrize("body", [GARBAGE.encode(), ERROR_PAGE.encode(), b""])
def test_unusable_announcement_pages_fail_the_unit(body):
    with pytest.raises(UnitFailed, match="no announcement list"):
        rail_service.parse_unit([archived(ANNOUNCEMENTS_PATH, body)])


def test_an_empty_but_valid_announcement_list_is_zero_notices():
    assert rail_service.parse_unit([card_page()]) == ([], [])


def test_script_payloads_never_survive():
    page = card_page(card("1", "25 Nov 2026 | 07:00", "Gold Line <script>alert(1)</script>delays",
                          "Trains are delayed at Khlong San. <img src=x onerror=alert(1)>"
                          "<a href='javascript:alert(2)'>more</a><iframe src='https://evil.example'></iframe>"))
    (row,), _ = rail_service.parse_unit([page])
    text = " ".join(row[c] or "" for c in TEXT_COLUMNS)
    assert row["title_en"] == "Gold Line delays" and row["stop_ids"] == ["13836"]
    for needle in ("<", "script", "alert", "onerror", "javascript", "iframe"):
        assert needle not in text.lower()


def test_a_bts_notice_names_only_bts_routes_and_stops():
    page = card_page(card("2", "25 Nov 2026 | 07:00", "Sukhumvit Line delays",
                          "Trains are delayed. Passengers may use the Airport Rail Link or MRT Sukhumvit station."))
    (row,), _ = rail_service.parse_unit([page])
    assert row["route_ids"] == ["1"] and row["stop_ids"] == []


def test_a_notice_that_names_no_line_keeps_empty_routes():
    page = card_page(card("3", "25 Nov 2026 | 07:00", "New Rabbit card top-up machines",
                          "Top-up machines now accept QR payments."))
    (row,), _ = rail_service.parse_unit([page])
    assert (row["route_ids"], row["stop_ids"], row["effect"], row["status"]) == ([], [], "info", "active")


def test_resolved_notice_cancels_only_earlier_disruptions_of_its_line():
    page = card_page(
        card("30", "25 Nov 2026 | 09:00", "Sukhumvit Line: service has returned to normal"),
        card("20", "25 Nov 2026 | 08:00", "Silom Line delays", "Trains on the Silom Line are delayed."),
        card("10", "25 Nov 2026 | 07:00", "Sukhumvit Line delays", "Trains are delayed at Asok."),
        card("05", "23 Nov 2026 | 07:00", "Sukhumvit Line delays", "Trains are delayed at Nana."))
    rows, _ = rail_service.parse_unit([page])
    status = {r["notice_id"]: (r["status"], r["ends_at"]) for r in rows}
    resolved_at = datetime.fromisoformat("2026-11-25T09:00:00+07:00")
    assert status == {"bts:30": ("cancelled", None), "bts:20": ("active", None),
                      "bts:10": ("cancelled", resolved_at), "bts:05": ("active", None)}   # 05 is two days older


# --- the sample site over loopback HTTP --------------------------------------------------------------

@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = RailOperators(TODAY)
    result = crawl_site(site, rail_service.crawl, tmp_path_factory.mktemp("rail"))
    parsed = {unit: rail_service.parse_unit(responses) for unit, responses in result.by_unit.items()}
    return site, result, parsed


def _as_expected(row: dict) -> tuple:
    return (row["notice_id"], row["operator"], row["effect"], row["status"], tuple(row["route_ids"]),
            tuple(row["stop_ids"]), row["starts_at"], row["ends_at"])


def test_crawl_fetches_every_page_and_the_status(crawled):
    site, result, _ = crawled
    assert result.failed_units == {}
    assert [r.url.removeprefix(result.base_url) for r in result.by_unit["announcements"]] == site.page_paths()
    assert [r.url.removeprefix(result.base_url) for r in result.by_unit["status"]] == [STATUS_PATH]
    assert len(site.page_paths()) == 2


def test_announcements_parse_to_the_expected_rows(crawled):
    site, _, parsed = crawled
    rows, quarantined = parsed["announcements"]
    assert [_as_expected(r) for r in rows] == [tuple(e.__dict__.values()) for e in site.expected_notices()]
    assert [q["record_ref"] for q in quarantined] == site.expected_quarantined()["announcements"]
    assert "posted date" in quarantined[0]["reason"]


def test_status_parses_to_the_expected_rows(crawled):
    site, _, parsed = crawled
    rows, quarantined = parsed["status"]
    assert [_as_expected(r) for r in rows] == [tuple(e.__dict__.values()) for e in site.expected_status_rows()]
    assert [q["record_ref"] for q in quarantined] == site.expected_quarantined()["status"]
    assert "PP" not in {r["notice_id"].split(":")[1] for r in rows}       # the Purple Line runs normally


def test_rows_carry_every_column_provenance_and_aware_times(crawled):
    _, result, parsed = crawled
    shas = {r.sha256 for responses in result.by_unit.values() for r in responses}
    for rows, _ in parsed.values():
        for row in rows:
            assert set(row) == set(rail_service.STAGED_COLUMNS) | PROVENANCE
            assert row["sha256"] in shas and row["url"].startswith(result.base_url)
            for column in ("starts_at", "ends_at", "posted_at", "fetched_at"):
                assert row[column] is None or row[column].tzinfo is not None, column
            assert row["effect"] in rail_service.EFFECTS and row["status"] in rail_service.STATUSES


def test_active_disruptions_name_real_routes_and_stops(crawled):
    _, _, parsed = crawled
    rows = [r for rows, _ in parsed.values() for r in rows]
    active = [r for r in rows if r["status"] == "active" and r["effect"] in rail_service.DISRUPTIONS]
    assert len(active) == 6
    for row in rows:
        assert set(row["route_ids"]) <= set(NET.routes), row["notice_id"]
        assert set(row["stop_ids"]) <= set(NET.stations), row["notice_id"]
        assert all(set(NET.stations[s].route_ids) & set(row["route_ids"]) for s in row["stop_ids"]), row["notice_id"]
    for row in active:
        assert row["route_ids"], row["notice_id"]


def test_published_text_is_plain(crawled):
    _, _, parsed = crawled
    gold = next(r for r in parsed["announcements"][0] if r["route_ids"] == ["2025"])
    assert gold["description_en"].endswith("longer waiting times. Details")
    for rows, _ in parsed.values():
        for row in rows:
            text = " ".join(row[c] or "" for c in TEXT_COLUMNS).lower()
            assert not any(s in text for s in ("<", "script", "javascript", "onerror")), row["notice_id"]


def test_the_gx_suite_passes_on_the_crawl_and_catches_markup(crawled):
    _, _, parsed = crawled
    frame = pd.DataFrame([r for rows, _ in parsed.values() for r in rows])
    outcome = validate_frame("rail_notices", frame, rail_notices())
    assert outcome.success, outcome.summary()
    bad = frame.copy()
    bad.loc[0, "title_en"] = "<script>alert(1)</script>"
    bad.loc[bad["effect"] == "resolved", "status"] = "active"
    failed = validate_frame("rail_notices", bad, rail_notices())
    assert not failed.success
    assert {f["expectation"] for f in failed.failures} == {
        "expect_column_values_to_not_match_regex", "expect_column_pair_values_to_be_in_set"}


def test_max_pages_bounds_the_listing(tmp_path):
    result = crawl_site(RailOperators(TODAY), rail_service.crawl, tmp_path, settings_overrides={"max_pages": 1})
    assert [r.url.removeprefix(result.base_url) for r in result.by_unit["announcements"]] == [ANNOUNCEMENTS_PATH]


@pytest.mark.parametrize("fault", ["error_page_200", "empty_200", "garbage"])
def test_unusable_answers_fail_both_units(tmp_path, fault):
    result = crawl_site(RailOperators(TODAY), rail_service.crawl, tmp_path, fault=fault)
    assert set(result.failed_units) == {"announcements", "status"}
    assert result.by_unit == {}
    assert "no announcement list" in result.failed_units["announcements"]
    assert "not JSON" in result.failed_units["status"]
