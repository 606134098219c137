"""The set-based Traffy page parser gives exactly the row parser's rows and quarantine.

`scrapers.traffy.ticket_row` defines a staged ticket; `scrapers.traffy_bulk` must agree with it on
every record: the sample site's tickets, records built from the 200 real rows of ../shared, and
records written to hit every rule that sends a record to the row parser.
"""
from __future__ import annotations

import csv
import hashlib
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from hub.raw_archive import ArchivedResponse, UnitFailed
from sample_sites.traffy import TraffyShare
from scrapers import traffy, traffy_bulk
from tests.conftest import SHARED_DATA

REAL_SAMPLE = SHARED_DATA / "traffy_teamchadchart_sample_200rows.csv"
FETCHED = datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc)


def _pages(records: list, directory: Path, size: int = 50) -> list[ArchivedResponse]:
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for start in range(0, len(records), size):
        body = json.dumps({"status": "success", "total": len(records), "results": records[start:start + size]},
                          ensure_ascii=False).encode()
        path = directory / f"page-{start // size:04d}.json"
        path.write_bytes(body)
        out.append(ArchivedResponse(url=f"http://127.0.0.1:8708/share/teamchadchart/search?offset={start}",
                                    final_url="", status=200, content_type="application/json",
                                    sha256=hashlib.sha256(body).hexdigest(), path=path, fetched_at=FETCHED))
    return out


def _normalised(value):
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist") and not isinstance(value, str):
        return list(value)
    if value is None or (not isinstance(value, (str, list)) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return pd.Timestamp(value).tz_convert("UTC")
    return value


def _assert_same(responses: list[ArchivedResponse]) -> tuple[pd.DataFrame, list[dict]]:
    rows, quarantined = traffy.parse_unit(responses)
    frame, bulk_quarantined = traffy_bulk.parse_unit(responses)
    assert len(frame) == len(rows)
    expected = {r["ticket_id"]: r for r in rows}
    columns = [*traffy.STAGED_COLUMNS, "url", "sha256", "fetched_at"]
    assert list(frame.columns) == columns
    mismatches = []
    for got in frame.to_dict("records"):
        want = expected[got["ticket_id"]]
        for column in columns:
            a, b = _normalised(want[column]), _normalised(got[column])
            if isinstance(a, float) and isinstance(b, float):
                same = a == pytest.approx(b, abs=1e-12)
            else:
                same = a == b
            if not same:
                mismatches.append((got["ticket_id"], column, a, b))
    assert not mismatches, mismatches[:10]
    key = lambda q: (q["record_ref"], q["reason"], q["url"])  # noqa: E731
    assert sorted(map(key, bulk_quarantined)) == sorted(map(key, quarantined))
    return frame, bulk_quarantined


def test_sample_site_tickets_parse_identically(tmp_path):
    site = TraffyShare(date(2026, 11, 25))
    records = [site._api_record(t) for t in site.tickets]
    frame, quarantined = _assert_same(_pages(records, tmp_path))
    assert len(frame) == len(site.expected_tickets())
    assert {q["record_ref"].split(" #")[0] for q in quarantined} == {t or "?" for t, _ in site.expected_quarantined()}


def _api_record_from_dump(row: dict) -> dict:
    """A real dump row in the share API's shape (the API is what the periodic crawl reads)."""
    record = {"ticket_id": row["ticket_id"], "description": row["comment"],
              "coords": [p.strip() for p in row["coords"].split(",")] if row["coords"] else None,
              "photo_url": row["photo"], "address": row["address"], "timestamp": row["timestamp"],
              "state": row["state"], "problem_type_abdul": traffy.parse_pg_array(row["type"])}
    if row.get("organization"):
        record["org"] = traffy.split_organizations(row["organization"])
    return record


@pytest.mark.skipif(not REAL_SAMPLE.exists(), reason="../shared/data not present")
def test_the_200_real_rows_parse_identically(tmp_path):
    with REAL_SAMPLE.open(encoding="utf-8-sig", newline="") as fh:
        records = [_api_record_from_dump(r) for r in csv.DictReader(fh)]
    frame, _ = _assert_same(_pages(records, tmp_path, size=40))
    assert len(frame) >= 190


WHEN = "2026-11-24 10:00:00+00"


def _ticket(ticket_id: str, description=None, *, drop: tuple[str, ...] = (), **fields) -> dict:
    """A share-API record at a plain point and time, with `fields` changed and `drop` keys left out."""
    record = {"ticket_id": ticket_id, "description": description, "coords": ["100.5", "13.7"], "timestamp": WHEN,
              **fields}
    return {k: v for k, v in record.items() if k not in drop}


ODD_RECORDS = [
    _ticket("2026-MARKUP", "<b>ไฟดับ</b> &amp; มืด"),
    _ticket("2026-SCRIPT", "ดูรูป javascript:alert(1)"),
    _ticket("2026-MARKS1", "น้ำท่วมมมม ทางเท้าาา"),
    _ticket("2026-MARKS2", "เเจ้งไฟดับ \u0e48ที่ซอย"),
    _ticket("2026-ZWSPXX", "ถนน\u200bพัง\u00a0มาก"),
    _ticket("2026-NFCXXX", "Cafe\u0301 หน้าซอย"),
    _ticket("2026-LINES1", "  บรรทัดแรก  \r\n\r\n   บรรทัดสอง\t\tท้าย  \n"),
    _ticket("2026-SWAPPD", "สลับพิกัด", coords=["13.7", "100.5"], timestamp="2026-11-24 10:00:00.5+00"),
    _ticket("2026-NUMBER", "พิกัดเป็นตัวเลข", coords=[100.5, 13.7], timestamp="2026-11-24T10:00:00Z"),
    _ticket("2026-ZEROZR", "พิกัดศูนย์", coords=["0", "0"]),
    _ticket("2026-FARFAR", "พิกัดเกิน", coords=["200.0", "95.0"]),
    _ticket("2026-OFFSET", "เวลาไทย", timestamp="2026-11-24 17:00:00+07"),
    _ticket("2026-DUMPKY", drop=("description",), comment="มีคอลัมน์ของไฟล์ดัมพ์", coords="100.5,13.7",
            district="เขตบางกะปิ", province="จังหวัดกรุงเทพมหานคร"),
    _ticket("2026-ADDRXX", "ที่อยู่ยาว", coords=["100.62", "13.76"],
            address="99/1 ซ.รามคำแหง 24 แขวง หัวหมาก เขต บางกะปิ กรุงเทพมหานคร 10240 ประเทศไทย"),
    _ticket("2026-ADDRTH", "ที่อยู่เลขไทย", coords=["100.62", "13.76"],
            address="๙๙ ตำบลบางพูด อำเภอปากเกร็ด นนทบุรี ๑๑๑๒๐"),
    _ticket("2026-PHOTOS", "รูป", photo_url="  https://example.org/x.jpg \n", state="กำลังดำเนินการ",
            problem_type_abdul=["ถนน", "ถนน", " ทางเท้า "], org=["เขตบางกะปิ"]),
    _ticket("2026-STOCKP", "รูปสต็อก", photo_url="https://storage.googleapis.com/traffy_public_bucket"
                                                 "/attachment/2022-12/da2125e781282589d482070c3dba1726aa16a4a7.jpg"),
    _ticket("ABC123", "สายด่วน #1555"),
    _ticket("", "ไม่มีรหัส"),
    _ticket("bad id!", "รหัสแปลก"),
    _ticket("2026-NOCORD", "ไม่มีพิกัด", drop=("coords",)),
    _ticket("2026-NATIME", "ไม่มีเวลา", drop=("timestamp",)),
    _ticket("2026-BADTIM", "เวลาเสีย", timestamp="เมื่อวาน"),
    _ticket("2026-DESCNM", 12345),
    _ticket("2026-DUPLIC", "ครั้งแรก"),
    _ticket("2026-DUPLIC", "ครั้งหลัง", timestamp="2026-11-24 11:00:00+00"),
    None,
]


def test_every_odd_record_gets_the_row_parsers_answer(tmp_path):
    frame, quarantined = _assert_same(_pages(ODD_RECORDS, tmp_path, size=7))
    by_id = frame.set_index("ticket_id")
    assert by_id.loc["2026-LINES1", "description_th"] == "บรรทัดแรก\nบรรทัดสอง ท้าย"
    assert by_id.loc["2026-SWAPPD", ["lat", "lon"]].tolist() == [13.7, 100.5]
    assert by_id.loc["2026-DUPLIC", "description_th"] == "ครั้งหลัง"
    assert by_id.loc["2026-ADDRXX", "subdistrict_th"] == "หัวหมาก" and by_id.loc["2026-ADDRXX", "in_bangkok"]
    assert not by_id.loc["2026-ADDRTH", "in_bangkok"]
    assert "<" not in by_id.loc["2026-MARKUP", "description_th"]
    assert len(quarantined) >= 6


def test_most_records_take_the_sql_path(tmp_path):
    """The point of the bulk parser: ordinary tickets never go through Python one by one."""
    site = TraffyShare(date(2026, 11, 25))
    responses = _pages([site._api_record(t) for t in site.tickets], tmp_path, size=400)
    calls = []
    original = traffy._parse_records
    try:
        traffy._parse_records = lambda records, origin: (calls.append(1), original(records, origin))[1]
        frame, _ = traffy_bulk.parse_unit(responses)
    finally:
        traffy._parse_records = original
    assert len(frame) == len(site.expected_tickets())
    assert len(calls) < 0.05 * len(site.tickets), f"{len(calls)} records went through the row parser"


def test_a_bad_page_fails_the_unit_with_the_row_parsers_reason(tmp_path):
    good = _pages([_ticket("2026-AAAAAA", drop=("description",))], tmp_path / "good")
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"<html><body>502 Bad Gateway</body></html>")
    bad = ArchivedResponse(url="http://127.0.0.1:8708/x", final_url="", status=200, content_type="text/html",
                           sha256="0" * 64, path=broken, fetched_at=FETCHED)
    with pytest.raises(UnitFailed, match="not JSON"):
        traffy_bulk.parse_unit(good + [bad])
    status = tmp_path / "status.json"
    status.write_text(json.dumps({"status": "error", "results": []}))
    with pytest.raises(UnitFailed, match="status"):
        traffy_bulk.parse_unit([ArchivedResponse(url="u", final_url="", status=200, content_type=None,
                                                 sha256="1" * 64, path=status, fetched_at=FETCHED)])
    with pytest.raises(UnitFailed):
        traffy_bulk.parse_unit([])


def test_pages_duckdb_cannot_type_still_parse_like_the_row_parser(tmp_path):
    """A UTF-8 BOM, or a record that is a bare string, must not lose the page's good tickets."""
    good = _ticket("2026-BOMBOM", "ไฟดับ")
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps({"status": "success", "results": [good]}).encode())
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({"status": "success", "results": [dict(good, ticket_id="2026-ODDREC"), "not a ticket"]}))
    for path in (bom, odd):
        response = ArchivedResponse(url=f"http://127.0.0.1:8708/{path.name}", final_url="", status=200,
                                    content_type="application/json", sha256=path.name * 8, path=path,
                                    fetched_at=FETCHED)
        _assert_same([response])


def test_pages_read_a_few_at_a_time_give_the_same_rows(tmp_path, monkeypatch):
    """Chunked reading (memory bounded by the chunk) changes nothing: lookups carry over between chunks,
    and a ticket listed on two pages of different chunks is still kept once."""
    monkeypatch.setattr(traffy_bulk, "PAGES_PER_CHUNK", 3)
    site = TraffyShare(date(2026, 11, 25))
    records = [site._api_record(t) for t in site.tickets]
    records.append(dict(records[0]))                      # the first ticket again, on the last page
    responses = _pages(records, tmp_path)
    assert len(responses) > 3 * traffy_bulk.PAGES_PER_CHUNK
    frame, _ = _assert_same(responses)
    assert frame["ticket_id"].is_unique and len(frame) == len(site.expected_tickets())


@pytest.mark.parametrize("page, reason", [
    ({"status": "error", "results": []}, "status"),
    ({"status": "error", "results": [{"ticket_id": "2026-AAAAAA"}]}, "status"),
    ({"status": "success", "total": 3}, "'results' list"),
])
def test_an_archived_page_that_is_no_search_answer_fails_the_unit(tmp_path, page, reason):
    """The crawl decodes every page strictly; the staged layer checks the archive again and fails the
    unit with the row parser's reason rather than reading a broken page as zero tickets."""
    site = TraffyShare(date(2026, 11, 25))
    responses = _pages([site._api_record(t) for t in site.tickets[:60]], tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_bytes(json.dumps(page).encode())
    responses.append(ArchivedResponse(url="http://127.0.0.1:8708/share/teamchadchart/search?offset=60", final_url="",
                                      status=200, content_type="application/json", sha256="0" * 64, path=bad,
                                      fetched_at=FETCHED))
    with pytest.raises(UnitFailed, match=reason):
        traffy_bulk.parse_unit(responses)


def test_a_valid_empty_last_page_is_no_failure(tmp_path):
    site = TraffyShare(date(2026, 11, 25))
    responses = _pages([site._api_record(t) for t in site.tickets[:60]], tmp_path)
    empty = tmp_path / "empty.json"
    empty.write_bytes(b'{"status": "success", "total": 60, "results": []}')
    responses.append(ArchivedResponse(url="http://127.0.0.1:8708/share/teamchadchart/search?offset=60", final_url="",
                                      status=200, content_type="application/json", sha256="1" * 64, path=empty,
                                      fetched_at=FETCHED))
    frame, _ = traffy_bulk.parse_unit(responses)
    assert len(frame) == len(traffy.parse_unit(responses)[0])


def test_the_bulk_parser_does_not_fall_back_to_the_row_parser_on_ordinary_pages(tmp_path, monkeypatch):
    """The row parser is the bulk parser's safety net for pages DuckDB cannot read; on ordinary pages it
    must not be needed (a broken SQL path would otherwise hide behind it, correct but 300x slower)."""
    site = TraffyShare(date(2026, 11, 25))
    responses = _pages([site._api_record(t) for t in site.tickets], tmp_path)

    def no_fallback(_responses):
        raise AssertionError("the bulk parser fell back to the row parser for the whole unit")
    monkeypatch.setattr(traffy, "parse_unit", no_fallback)
    frame, _ = traffy_bulk.parse_unit(responses)
    assert len(frame) == len(site.expected_tickets())
