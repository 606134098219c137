"""Traffy Fondue: the share search API crawl, the CSV dump parser, and the real 200-row sample."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from hub.config import SourceSettings
from hub.gazetteer import Gazetteer
from hub.raw_archive import ArchivedResponse, UnitFailed
from hub.thai_text import normalize_thai
from quality.gx_validation import validate_frame
from quality.suites_traffy import traffy_complaints
from sample_sites.server import ERROR_PAGE, GARBAGE, Page, SampleSites
from sample_sites.traffy import DUMP_PATH, SEARCH_PATH, STOCK_PHOTO, TraffyShare, pg_timestamp
from scrapers import traffy
from tests.conftest import SHARED_DATA
from tests.crawl_helpers import crawl_site

TODAY = date(2026, 11, 25)
FIXTURE = Path(__file__).parent / "fixtures" / "traffy" / "dump_quirks.csv"
REAL_SAMPLE = SHARED_DATA / "traffy_teamchadchart_sample_200rows.csv"
ROW_KEYS = set(traffy.STAGED_COLUMNS) | {"url", "sha256", "fetched_at"}
UTC = timezone.utc


@pytest.fixture(scope="module")
def site() -> TraffyShare:
    return TraffyShare(TODAY, Gazetteer.load())


@pytest.fixture(scope="module")
def served(site):
    """One loopback server for every crawl of the module (starting and stopping one costs ~0.5 s)."""
    with SampleSites({site.name: site}) as running:
        yield running


@dataclass(frozen=True)
class WithOptions:
    """A SourceSettings plus the `options` dict (the field is being added to hub.config)."""
    base: SourceSettings
    options: dict = field(default_factory=dict)

    def __getattr__(self, name):
        return getattr(self.base, name)


def crawl_with(options: dict | None = None, since: datetime | None = None):
    return lambda session, source: traffy.crawl(session, WithOptions(source, options or {}), since=since)


def api_requests(result) -> list[dict]:
    return [r for r in result.session.responses if r["unit"] == "api"]


def archived(body: bytes, url: str = "http://h/share/teamchadchart/search?limit=1000&offset=0",
             fetched_at: datetime = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)) -> ArchivedResponse:
    return ArchivedResponse(url=url, final_url=url, status=200, content_type="application/json", sha256="0" * 64,
                            body=body, fetched_at=fetched_at)


def lines(text: str) -> str:
    return "\n".join(normalize_thai(line) for line in text.split("\n") if normalize_thai(line))


# --- field parsers on inline samples ------------------------------------------------------------------

@pytest.mark.parametrize("literal,expected", [
    ("{ถนน}", ["ถนน"]),
    ("{กีดขวาง,ถนน}", ["กีดขวาง", "ถนน"]),
    ("{}", []),
    ("", []),
    (None, []),
    ('{"ฝุ่นควัน,PM2.5",NULL,ร้องเรียน}', ["ฝุ่นควัน,PM2.5", "ร้องเรียน"]),
    ('{ "a \\"b\\"" , c ,c}', ['a "b"', "c"]),
    (["น้ำท่วม", "ถนน"], ["น้ำท่วม", "ถนน"]),
    ("ถนน,คลอง", ["ถนน", "คลอง"]),
])
def test_postgres_array_literals(literal, expected):
    assert traffy.parse_pg_array(literal) == expected


@pytest.mark.parametrize("literal", ["{ถนน", '{"ถนน}', "{{a,b}}", '{"a"b}'])
def test_broken_array_literals_raise(literal):
    with pytest.raises(ValueError):
        traffy.parse_pg_array(literal)


def test_organisations_split_on_commas_outside_parentheses():
    text = "เขตสะพานสูง,การประปานครหลวง กปน. (Metropolitan Waterworks Authority - MWA),หน่วย (ก, ข)"
    assert traffy.split_organizations(text) == ["เขตสะพานสูง", "การประปานครหลวง กปน. (Metropolitan Waterworks "
                                                "Authority - MWA)", "หน่วย (ก, ข)"]
    assert traffy.split_organizations(["เขตดุสิต", "การไฟฟ้านครหลวง MEA"]) == ["เขตดุสิต", "การไฟฟ้านครหลวง MEA"]
    assert traffy.split_organizations(None) == [] and traffy.split_organizations("") == []


@pytest.mark.parametrize("coords,expected", [
    (["100.87281", "13.81565"], (13.81565, 100.87281)),     # share API: [lng, lat] strings
    ([100.5, 13.7], (13.7, 100.5)),
    ("100.87281,13.81565", (13.81565, 100.87281)),          # dump: "lon,lat"
    (" 100.5 , 13.7 ", (13.7, 100.5)),
    ("13.7,100.5", (13.7, 100.5)),                          # written lat,lon: put right
])
def test_coords_in_both_shapes(coords, expected):
    assert traffy.parse_coords(coords) == pytest.approx(expected)


@pytest.mark.parametrize("coords", ["n/a", ["n/a", "n/a"], "100.5", ["100.5"], "0,0", "nan,13.7", "200,95", 5])
def test_unusable_coords_raise(coords):
    with pytest.raises(ValueError):
        traffy.parse_coords(coords)


@pytest.mark.parametrize("text,micro", [
    ("2023-05-12 13:27:54+00", 0),
    ("2023-05-12 13:27:54.4+00", 400000),
    ("2023-05-12 13:27:54.48+00", 480000),
    ("2023-05-12 13:27:54.482+00", 482000),
    ("2023-05-12 13:27:54.4821+00", 482100),
    ("2023-05-12 13:27:54.48213+00", 482130),
    ("2023-05-12 13:27:54.482138+00", 482138),
])
def test_short_utc_offset_with_any_fraction(text, micro):
    record = {"ticket_id": "2023-FCX4QQ", "coords": "100.5,13.7", "timestamp": text, "last_activity": text}
    row = traffy.ticket_row(record)
    for moment in (row["reported_at"], row["last_activity_at"]):
        assert moment.utcoffset() is not None
        assert moment.astimezone(UTC) == datetime(2023, 5, 12, 13, 27, 54, micro, tzinfo=UTC)


def test_sample_site_writes_postgres_timestamps():
    assert pg_timestamp(datetime(2026, 11, 25, 6, 7, 8, 120000, tzinfo=UTC)) == "2026-11-25 06:07:08.12+00"
    assert pg_timestamp(datetime(2026, 11, 25, 6, 7, 8, tzinfo=UTC)) == "2026-11-25 06:07:08+00"


@pytest.mark.parametrize("state_th,state", [("รอรับเรื่อง", "waiting"), ("กำลังดำเนินการ", "in_progress"),
                                            ("ส่งต่อ(ใหม่)", "forwarded"), ("เสร็จสิ้น", "finished"),
                                            ("ไม่เกี่ยวข้อง", "irrelevant"), ("ติดตาม(ใหม่)", "other"),
                                            ("", "other"), ("inprogress", "in_progress")])
def test_states_are_normalised(state_th, state):
    assert traffy.normalize_state(state_th) == state


def test_citizen_text_becomes_plain_text_but_keeps_personal_data_and_line_breaks():
    text = ('ไฟดับ\nโทร 081-234-5678 นางสาวทดสอบ <script>alert(1)</script><img src=x onerror="alert(2)">'
            '<a href="javascript:alert(3)">รูป</a> &lt;script&gt;alert(4)&lt;/script&gt; JavaScript :void(0)')
    clean = traffy.plain_text(text)
    assert clean.startswith("ไฟดับ\nโทร 081-234-5678 นางสาวทดสอบ")
    assert "รูป" in clean
    for bad in ("<script", "alert(1)", "alert(4)", "onerror", "javascript", "JavaScript", "<a", "<img"):
        assert bad not in clean, (bad, clean)
    assert traffy.plain_text("ราคา 5 < 10 & ok") == "ราคา 5 < 10 & ok"


@pytest.mark.parametrize("ticket_id,text,expected", [
    ("JGKLY8", "ฝาท่อชำรุด", True),                 # legacy 1555 id, even without the tag
    ("2023-FCX4QQ", "ฝาท่อชำรุด\n#1555 #bkkrongtook", True),
    ("2023-FCX4QQ", "ฝาท่อชำรุด", False),
    ("jgkly8x", "", False),
])
def test_call_centre_tickets(ticket_id, text, expected):
    assert traffy.is_call_centre(ticket_id, text) is expected


def test_record_without_coords_or_id_is_refused():
    good = {"ticket_id": "2023-AAAAAA", "coords": "100.5,13.7", "timestamp": "2023-05-12 00:00:00+00"}
    assert traffy.ticket_row(good)["ticket_id"] == "2023-AAAAAA"
    for change, reason in [({"ticket_id": ""}, "ticket_id"), ({"ticket_id": "a b<c>"}, "ticket_id"),
                           ({"coords": ""}, "coords"), ({"timestamp": ""}, "timestamp"),
                           ({"timestamp": "yesterday"}, "timestamp")]:
        with pytest.raises(ValueError, match=reason):
            traffy.ticket_row({**good, **change})


# --- the CSV dump ------------------------------------------------------------------------------------

def test_fixture_dump_with_bom_arrays_newlines_and_both_province_spellings():
    raw = FIXTURE.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows, quarantined = traffy.parse_dump(FIXTURE)
    by_id = {r["ticket_id"]: r for r in rows}
    assert set(by_id) == {"2026-AB12CD", "2026-EF34GH", "K7MX2Q", "2026-JK56LM", "2026-ST90UV"}
    assert all(set(r) == ROW_KEYS for r in rows)
    first = by_id["2026-AB12CD"]
    assert first["problem_types"] == ["กีดขวาง", "ถนน"]
    assert first["organizations"] == ["เขตบางรัก", "สำนักการจราจรและขนส่ง กรุงเทพมหานคร (สจส.)"]
    assert first["description_th"] == "รถจอดขวางหน้าซอย\nติดต่อ นายทดสอบ ตัวอย่าง 081-234-5678"
    assert (first["lat"], first["lon"]) == (13.7251, 100.52345)
    assert first["district_th"] == "บางรัก" and first["subdistrict_th"] == "สุริยวงศ์"
    assert by_id["2026-EF34GH"]["problem_types"] == []
    assert by_id["2026-EF34GH"]["province_th"] == "กรุงเทพมหานคร"          # was จังหวัดกรุงเทพมหานคร
    assert by_id["2026-EF34GH"]["photo_url"] is None                       # the stock 1555 photo
    legacy = by_id["K7MX2Q"]
    assert legacy["is_call_centre"] and legacy["problem_types"] == ["ฝุ่นควัน,PM2.5", "ร้องเรียน"]
    assert legacy["state"] == "forwarded" and legacy["organizations"] == []
    outside = by_id["2026-JK56LM"]
    assert outside["province_th"] == "สมุทรปราการ" and outside["in_bangkok"] is False
    assert outside["state"] == "finished"
    assert by_id["2026-ST90UV"]["description_th"] == "ขยะล้น ดูรูป"
    assert by_id["2026-ST90UV"]["last_activity_at"] is None
    assert [(q["record_ref"].split()[0], "coords" in q["reason"]) for q in quarantined] == [("2026-NP78QR", True)]
    assert quarantined[0]["sha256"] == rows[0]["sha256"] and quarantined[0]["url"].startswith("file://")


def test_dump_from_bytes_without_bom_and_with_a_row_of_extra_cells():
    text = FIXTURE.read_text(encoding="utf-8-sig")
    header, first, *_ = text.split("\n2026-EF34GH")[0].split("\n", 1) + [""]
    body = (header + "\n" + first + "\n" + "2026-ZZ11ZZ,{},,x,\"100.5,13.7\",,,,,,,\"2026-11-18 08:00:00+00\","
            "รอรับเรื่อง,,0,,surplus\n").encode("utf-8")
    rows, quarantined = traffy.parse_dump(body, url="http://h/dump.csv")
    assert [r["ticket_id"] for r in rows] == ["2026-AB12CD"]
    assert rows[0]["url"] == "http://h/dump.csv"
    assert len(quarantined) == 1 and "more than the header" in quarantined[0]["reason"]


def test_a_csv_that_is_not_the_dump_fails_clearly():
    with pytest.raises(UnitFailed, match="lacks columns"):
        traffy.parse_dump("id,name\n1,x\n".encode())
    with pytest.raises(UnitFailed):
        traffy.parse_dump(b"")


def test_duplicate_tickets_keep_the_newest():
    header = FIXTURE.read_text(encoding="utf-8-sig").split("\n", 1)[0]
    row = ('2026-DU11PE,{{ถนน}},เขตดุสิต,x,"100.5,13.75",,,,,,กรุงเทพมหานคร,"2026-11-18 08:00:00+00",{state},,0,'
           '"{last}"')
    newer = row.format(state="เสร็จสิ้น", last="2026-11-19 08:00:00+00")
    older = row.format(state="รอรับเรื่อง", last="2026-11-18 08:00:00+00")
    for order in ([older, newer], [newer, older]):
        rows, _ = traffy.parse_dump("\n".join([header, *order]).encode())
        assert [(r["ticket_id"], r["state"]) for r in rows] == [("2026-DU11PE", "finished")]

    # API pages: no last_activity, so the later fetch wins (a ticket that moved across a page boundary).
    def page(state):
        return json.dumps({"status": "success", "total": 1, "results": [{
            "ticket_id": "2026-DU11PE", "coords": ["100.5", "13.75"], "timestamp": "2026-11-18 08:00:00+00",
            "state": state, "problem_type_abdul": [], "description": "x"}]}, ensure_ascii=False).encode()
    early = archived(page("รอรับเรื่อง"), fetched_at=datetime(2026, 11, 25, 1, 0, tzinfo=UTC))
    late = archived(page("กำลังดำเนินการ"), url="http://h/s?limit=1000&offset=1000",
                    fetched_at=datetime(2026, 11, 25, 1, 1, tzinfo=UTC))
    rows, _ = traffy.parse_unit([late, early])
    assert [(r["state"], r["url"]) for r in rows] == [("in_progress", late.url)]


# --- the sample site, parsed and crawled -------------------------------------------------------------

def assert_ticket(row: dict, t) -> None:
    assert (row["lat"], row["lon"]) == (t.lat, t.lon), t.ticket_id
    assert row["problem_types"] == list(t.types), t.ticket_id
    assert row["organizations"] == list(t.orgs), t.ticket_id
    assert (row["state"], row["state_th"]) == (t.state, t.state_th), t.ticket_id
    assert row["in_bangkok"] is t.in_bangkok and row["is_call_centre"] is t.is_call_centre, t.ticket_id
    assert row["province_th"] == t.province and row["district_th"] == t.district, t.ticket_id
    assert (row["photo_url"] is None) == t.stock_photo, t.ticket_id
    assert row["reported_at"] == t.reported_at and row["reported_at"].utcoffset() is not None, t.ticket_id
    if t.has_xss:
        assert not any(s in row["description_th"] for s in ("<", "onerror", "javascript", "alert"))
    else:
        assert row["description_th"] == lines(t.description), t.ticket_id


def test_dump_of_the_sample_site_matches_its_tickets(site):
    page = site.page(DUMP_PATH, {})
    assert page.body.startswith(b"\xef\xbb\xbf") and page.content_type.startswith("text/csv")
    rows, quarantined = traffy.parse_dump(page.body)
    by_id = {r["ticket_id"]: r for r in rows}
    assert set(by_id) == site.expected_ticket_ids() and len(rows) == len(by_id)
    assert any(t.province_written.startswith("จังหวัด") for t in site.tickets)
    for t in site.expected_tickets():
        row = by_id[t.ticket_id]
        assert_ticket(row, t)
        assert row["subdistrict_th"] == t.subdistrict and row["last_activity_at"] == t.last_activity
    assert sorted(q["record_ref"].split()[0] for q in quarantined) == sorted(
        (tid or "?") for tid, _ in site.expected_quarantined())
    for (tid, word) in site.expected_quarantined():
        assert any(word in q["reason"] for q in quarantined if q["record_ref"].startswith(tid or "?"))


def test_api_crawl_matches_the_site_and_the_dump(site, served, tmp_path):
    result = crawl_site(site, traffy.crawl, tmp_path, sites=served)
    assert result.failed_units == {} and list(result.by_unit) == ["api"]
    assert [r["url"].split("?")[1] for r in api_requests(result)] == ["limit=1000&offset=0", "limit=1000&offset=1000"]
    rows, quarantined = traffy.parse_unit(result.by_unit["api"])
    by_id = {r["ticket_id"]: r for r in rows}
    assert set(by_id) == site.expected_ticket_ids() and len(rows) == len(by_id) == len(site.expected_tickets())
    assert all(set(r) == ROW_KEYS for r in rows)
    for t in site.expected_tickets():
        assert_ticket(by_id[t.ticket_id], t)
        assert by_id[t.ticket_id]["last_activity_at"] is None        # the share API has no last activity
    refs = sorted(q["record_ref"].split()[0] for q in quarantined)
    assert refs == sorted((tid or "?") for tid, _ in site.expected_quarantined())
    assert all(q["reason"] and q["sha256"] and q["excerpt"] for q in quarantined)
    # Quirks really present, and handled.
    assert sum(r["is_call_centre"] for r in rows) >= 20
    assert sum(not r["in_bangkok"] for r in rows) >= 10
    assert sum(t.photo == STOCK_PHOTO for t in site.tickets) > 300
    assert any("081-234-5678" in (r["description_th"] or "") for r in rows)        # scrubbed downstream
    # Both interfaces give the same row for every ticket.
    dump_rows = {r["ticket_id"]: r for r in traffy.parse_dump(site.dump_csv())[0]}
    same = ("problem_types", "organizations", "description_th", "lat", "lon", "district_th", "province_th",
            "in_bangkok", "reported_at", "state", "state_th", "photo_url", "is_call_centre", "address_th")
    for ticket_id, row in by_id.items():
        assert {k: row[k] for k in same} == {k: dump_rows[ticket_id][k] for k in same}, ticket_id


def test_page_size_option_and_max_pages_bound_the_crawl(site, served, tmp_path):
    result = crawl_site(site, crawl_with({"page_size": 100}), tmp_path / "a", sites=served,
                        settings_overrides={"max_pages": 20})
    assert len(api_requests(result)) == 12             # 1200 tickets / 100, stops at `total`
    assert len(traffy.parse_unit(result.by_unit["api"])[0]) == len(site.expected_tickets())
    result = crawl_site(site, crawl_with({"page_size": 100}), tmp_path / "b", sites=served,
                        settings_overrides={"max_pages": 3})
    assert [r["url"].rsplit("=", 1)[1] for r in api_requests(result)] == ["0", "100", "200"]
    rows, _ = traffy.parse_unit(result.by_unit["api"])
    assert {r["ticket_id"] for r in rows} == {t.ticket_id for t in site.tickets[:300] if t.quarantine_reason is None}
    page = site.page(SEARCH_PATH, {"limit": ["5000"]})
    assert len(json.loads(page.body)["results"]) == 1000
    assert len(json.loads(site.page(SEARCH_PATH, {}).body)["results"]) == 100


def test_incremental_crawl_stops_at_the_cursor(site, served, tmp_path):
    first = crawl_site(site, traffy.crawl, tmp_path / "first", sites=served)
    rows, _ = traffy.parse_unit(first.by_unit["api"])
    cursor = traffy.cursor_from_rows(rows)
    assert cursor == site.expected_newest()
    assert traffy.cursor_from_rows(pd.DataFrame(rows)) == cursor and traffy.cursor_from_rows([]) is None

    second = crawl_site(site, crawl_with(since=cursor), tmp_path / "second", sites=served)
    assert len(api_requests(first)) == 2 and len(api_requests(second)) == 1, "the second pass must fetch one page"
    assert second.failed_units == {}

    # Small pages: paging goes on exactly until a page reaches tickets older than cursor - overlap.
    since = site.tickets[250].reported_at
    stop_before = since - timedelta(minutes=60)
    first_older = next(i for i, t in enumerate(site.tickets) if t.reported_at < stop_before)
    result = crawl_site(site, crawl_with({"page_size": 100}, since=since), tmp_path / "third", sites=served,
                        settings_overrides={"max_pages": 20})
    assert len(api_requests(result)) == first_older // 100 + 1
    rows, _ = traffy.parse_unit(result.by_unit["api"])
    assert {t.ticket_id for t in site.tickets[:251] if not t.quarantine_reason} <= {r["ticket_id"] for r in rows}
    # A wider overlap pages further back.
    wider = crawl_site(site, crawl_with({"page_size": 100, "overlap_minutes": 24 * 60}, since=since),
                       tmp_path / "fourth", settings_overrides={"max_pages": 20})
    assert len(api_requests(wider)) > len(api_requests(result))


@pytest.mark.parametrize("fault", ["error_page_200", "empty_200", "garbage"])
def test_unusable_answers_fail_the_unit(site, served, tmp_path, fault):
    result = crawl_site(site, traffy.crawl, tmp_path, sites=served, fault=fault)
    assert "api" in result.failed_units and result.by_unit == {}


@pytest.mark.parametrize("body,match", [
    (ERROR_PAGE.encode(), "not JSON"), (GARBAGE.encode(), "not JSON"), (b"", "empty body"),
    (b'{"status": "success", "total": 3}', "results"), (b'[{"ticket_id": "x"}]', "results"),
    (b'{"status": "error", "results": []}', "status"),
])
def test_parse_unit_refuses_unusable_pages(body, match):
    with pytest.raises(UnitFailed, match=match):
        traffy.parse_unit([archived(body)])


class EmptySearch:
    name = "traffy"

    def page(self, path, query):
        return Page(b'{"status": "success", "total": 0, "results": []}', "application/json") \
            if path == SEARCH_PATH else None


def test_an_empty_first_page_is_an_outage_not_an_empty_city(tmp_path):
    result = crawl_site(EmptySearch(), traffy.crawl, tmp_path)
    assert "no tickets" in result.failed_units["api"]


def test_rows_load_into_duckdb_and_pass_the_suite(site):
    rows, _ = traffy.parse_dump(site.dump_csv())
    frame = pd.DataFrame(rows, columns=list(traffy.STAGED_COLUMNS))
    with duckdb.connect() as con:
        con.execute("CREATE TABLE t (" + ", ".join(f'"{c}" {t}' for c, t in traffy.STAGED_COLUMNS.items()) + ")")
        con.execute("INSERT INTO t SELECT * FROM frame")
        assert con.execute("SELECT count(*), count(*) FILTER (WHERE len(problem_types) = 0) FROM t").fetchone()[0] \
            == len(rows)
    outcome = validate_frame("traffy_complaints", frame, traffy_complaints())
    assert outcome.success, outcome.summary()
    broken = frame.copy()
    broken.loc[0, "province_th"] = "จังหวัดกรุงเทพมหานคร"
    broken.loc[1, "photo_url"] = STOCK_PHOTO
    broken.loc[2, "description_th"] = "<script>alert(1)</script>"
    failed = {f["column"] for f in validate_frame("traffy_complaints", broken, traffy_complaints()).failures}
    assert failed == {"province_th", "photo_url", "description_th"}


# --- the real sample ---------------------------------------------------------------------------------

@pytest.mark.skipif(not REAL_SAMPLE.exists(), reason="../shared/data is not present")
def test_real_dump_sample_200_rows():
    with REAL_SAMPLE.open(encoding="utf-8-sig", newline="") as fh:
        raw = list(csv.DictReader(fh))
    rows, quarantined = traffy.parse_dump(REAL_SAMPLE)
    legacy = [r for r in rows if len(r["ticket_id"]) == 6]
    outside = sorted(r["ticket_id"] for r in rows if not r["in_bangkok"])
    prefixed = sum(r["province"].startswith("จังหวัด") for r in raw)
    summary = (f"traffy real sample: {len(raw)} records -> {len(rows)} rows, {len(quarantined)} quarantined "
               f"({'; '.join(q['record_ref'] + ': ' + q['reason'] for q in quarantined)}), "
               f"{len(legacy)} legacy 1555 ids, {sum(r['is_call_centre'] for r in rows)} call-centre, "
               f"{len(outside)} outside Bangkok {outside}, {prefixed} จังหวัด-prefixed provinces, "
               f"{sum(not r['problem_types'] for r in rows)} without type, "
               f"{sum(bool(r['description_th']) and chr(10) in r['description_th'] for r in rows)} multi-line texts")
    print("\n" + summary)
    assert len(raw) == 200, summary
    assert len(rows) + len(quarantined) == 200, summary
    assert all(q["reason"] and q["excerpt"] for q in quarantined), summary
    # The one record without an id is an anonymous กรุงเทพโปร่งใส report: nothing to key it on.
    assert len(quarantined) == 1 and "no ticket_id" in quarantined[0]["reason"], summary
    assert len({r["ticket_id"] for r in rows}) == len(rows) == 199, summary
    assert len(legacy) == 50 and all(r["is_call_centre"] for r in legacy), summary
    assert all("#1555" in r["description_th"] for r in legacy), summary
    assert sum(r["is_call_centre"] for r in rows) == 50, summary
    raw_province = {r["ticket_id"]: r["province"] for r in raw}
    assert all(r["province_th"] == raw_province[r["ticket_id"]].removeprefix("จังหวัด") for r in rows), summary
    assert not any(r["province_th"].startswith("จังหวัด") for r in rows), summary
    assert outside == ["2023-663VYM", "2023-7KBEXK"], summary
    assert {r["province_th"] for r in rows if not r["in_bangkok"]} == {"พะเยา", "สมุทรปราการ"}, summary
    for r in rows:
        for moment in (r["reported_at"], r["last_activity_at"]):
            assert moment is not None and moment.utcoffset() is not None, (r["ticket_id"], summary)
            assert (moment.astimezone(UTC).year, moment.astimezone(UTC).month) == (2023, 5), (r["ticket_id"], summary)
    assert sum(not r["problem_types"] for r in rows) == sum(r["type"] == "{}" for r in raw if r["ticket_id"]), summary
    assert any(len(r["organizations"]) >= 3 for r in rows), summary
    assert all(-90 <= r["lat"] <= 90 and 95 <= r["lon"] <= 106 for r in rows), summary
    outcome = validate_frame("traffy_complaints_real", pd.DataFrame(rows, columns=list(traffy.STAGED_COLUMNS)),
                             traffy_complaints())
    assert outcome.success, outcome.summary()
