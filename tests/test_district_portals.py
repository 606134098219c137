"""District portals: three layouts, pagination, attachments, quarantine, and a loopback crawl of all 50."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from hub.gazetteer import Gazetteer
from hub.raw_archive import ArchivedResponse, UnitFailed
from sample_sites.district_portals import (CARD_LAYOUT, PAGE_SIZE, TIS620_PORTALS, WP_LAYOUT, DistrictPortals,
                                           layout_of)
from sample_sites.server import ERROR_PAGE, GARBAGE
from scrapers import district_portals
from scrapers.district_portals import (ID_COLUMN, STAGED_COLUMNS, attachments_of, parse_list_page, parse_notice_page,
                                       parse_unit, safe_url)
from scrapers.html_text import soup_of
from tests.crawl_helpers import crawl_site

GAZ = Gazetteer.load()
TODAY = date(2026, 11, 25)
SITE = DistrictPortals(GAZ, TODAY)
PROVENANCE = {"url", "sha256", "fetched_at"}
UTF8 = "text/html; charset=utf-8"


def _get(path_and_query: str):
    parts = urlsplit(path_and_query)
    return SITE.page(parts.path, parse_qs(parts.query))


def _archived(url: str, body: bytes, content_type: str = UTF8) -> ArchivedResponse:
    from datetime import datetime, timezone
    return ArchivedResponse(url, url, 200, content_type, "0" * 64, body, datetime(2026, 11, 25, tzinfo=timezone.utc))


# --- the contract ---------------------------------------------------------------------------------

def test_staged_columns_contract():
    assert ID_COLUMN == "notice_id"
    assert list(STAGED_COLUMNS) == ["notice_id", "district_code", "kind", "title_th", "body_th", "posted_on",
                                    "starts_at", "ends_at", "all_day", "attachments"]
    assert STAGED_COLUMNS["attachments"] == "VARCHAR" and not PROVENANCE & set(STAGED_COLUMNS)


def test_sample_site_assigns_three_layouts_deterministically():
    layouts = Counter(layout_of(d.code) for d in GAZ.districts)
    assert layouts == {"table": 25, "cards": 12, "wp": 13}
    assert set(TIS620_PORTALS) <= CARD_LAYOUT and not WP_LAYOUT & CARD_LAYOUT
    assert layout_of("1002") == "table"


# --- the third layout, on an inline sample ----------------------------------------------------------

WP_LIST = """<html><head><meta charset='utf-8'><title>ข่าว</title></head><body>
<ul class='list-news'>
  <li class='sticky'><h3><a href='news/1099001'>ประกาศปักหมุด</a></h3></li>
  <li><h3><a href='news/1099001'>ประกาศปักหมุด</a></h3><span class='date'>โพสต์เมื่อ ๒๕ พ.ย. ๖๙</span></li>
  <li><h3><a href='/demo/news/1099002'>พ่นหมอกควัน</a></h3></li>
</ul>
<p class='nav-links'><a href='?start=0'>1</a> <span>2</span> <a href='?start=20'>3</a> <a href='?start=20'>หน้าถัดไป</a></p>
<ul class='list-links'><li><a href='/'>หน้าแรก</a></li></ul></body></html>"""

WP_NOTICE = """<html><head><meta charset='utf-8'><title>x</title></head><body><article class='post'>
<h1 class='entry-title'>แจ้งกำหนดการพ่นหมอกควัน <script>alert(1)</script></h1>
<div class='entry-meta'><span class='date'>โพสต์เมื่อ ๒๕ พ.ย. ๖๙</span></div>
<div class='entry-content'><p>ฝ่ายสิ่งแวดล้อมจะพ่นหมอกควัน</p><p>วันเวลา: ๑ ธ.ค. ๒๕๖๙ เวลา 16.00 - 18.00 น.</p>
<img src=x onerror="alert(2)"><iframe src="javascript:alert(3)"></iframe>
<div class='attachments'><h4>เอกสารแนบ</h4>
  <a href='../wp-content/uploads/2026/11/%E0%B8%9B%E0%B8%A3%E0%B8%B0%E0%B8%81%E0%B8%B2%E0%B8%A8.pdf'><img src='pdf.png'></a>
  <a href='../wp-content/uploads/2026/11/ประกาศ.pdf'>ประกาศฉบับเต็ม</a> <span>(245 KB)</span>
  <a href='/demo/files/ใบสมัคร งาน.docx'>ใบสมัคร</a>
  <a href='https://cdn.example.org/p/Poster.JPEG'>โปสเตอร์</a>
  <a href="javascript:downloadFile('ประกาศ.pdf')">ดาวน์โหลด</a>
  <a href='mailto:admin@example.org?subject=x.pdf'>อีเมล</a>
  <a href='/demo/news/1099003'>ข่าวที่เกี่ยวข้อง</a>
</div><div class='sharedaddy'>แชร์: Facebook</div></div></article></body></html>"""


def test_wp_list_page_links_pinned_once_and_next_by_its_text():
    listing = parse_list_page(WP_LIST.encode(), UTF8, "http://h/demo/news?start=10")
    assert listing.layout == "wp"
    assert listing.notice_urls == ["http://h/demo/news/1099001", "http://h/demo/news/1099002"]
    assert listing.next_url == "http://h/demo/news?start=20"
    last = parse_list_page(WP_LIST.replace("หน้าถัดไป", "").encode(), UTF8, "http://h/demo/news?start=20")
    assert last.next_url is None


def test_wp_notice_page_text_date_and_attachments():
    detail = parse_notice_page(WP_NOTICE.encode(), UTF8, "http://h/demo/news/1099001")
    assert detail.layout == "wp"
    assert detail.title == "แจ้งกำหนดการพ่นหมอกควัน"
    assert detail.posted == date(2026, 11, 25)                     # ๒๕ พ.ย. ๖๙: Thai digits, 2-digit BE year
    assert "16.00 - 18.00" in detail.body and "ประกาศฉบับเต็ม" not in detail.body and "แชร์" not in detail.body
    assert "alert" not in detail.body + detail.title and "<" not in detail.body
    pdf = "http://h/demo/wp-content/uploads/2026/11/%E0%B8%9B%E0%B8%A3%E0%B8%B0%E0%B8%81%E0%B8%B2%E0%B8%A8.pdf"
    assert detail.attachments == [
        {"title": "ประกาศฉบับเต็ม", "url": pdf, "type": "pdf"},   # icon link + raw-Thai link: one file, named
        {"title": "ใบสมัคร", "url": "http://h/demo/files/%E0%B9%83%E0%B8%9A%E0%B8%AA%E0%B8%A1%E0%B8%B1%E0%B8%84%E0%B8%A3"
                                      "%20%E0%B8%87%E0%B8%B2%E0%B8%99.docx", "type": "docx"},
        {"title": "โปสเตอร์", "url": "https://cdn.example.org/p/Poster.JPEG", "type": "jpg"},
    ]


@pytest.mark.parametrize("href,expected", [
    ("../files/ประกาศ เขต.pdf", "http://h/a/files/%E0%B8%9B%E0%B8%A3%E0%B8%B0%E0%B8%81%E0%B8%B2%E0%B8%A8%20"
                                "%E0%B9%80%E0%B8%82%E0%B8%95.pdf"),
    ("x%20y.pdf", "http://h/a/news/x%20y.pdf"),                  # already encoded: not encoded twice
    ("100%.pdf", "http://h/a/news/100%25.pdf"),                  # a lone % is escaped
    ("  /f/a.pdf#page=2 ", "http://h/f/a.pdf"),
    ("//cdn.example.org/a.pdf", "http://cdn.example.org/a.pdf"),
    ("javascript:open('a.pdf')", None), ("JavaScript:void(0)", None), ("mailto:a@b.c", None),
    ("data:application/pdf;base64,AAAA", None), ("#top", None), ("", None), (None, None),
])
def test_safe_url(href, expected):
    assert safe_url(href, "http://h/a/news/1") == expected


def test_links_that_are_not_files_are_not_attachments():
    soup = soup_of(b"<div><a href='/a/news/2'>more</a><a href='/dl.php?id=3'>x</a><a href='/a.PDF'>A</a></div>", UTF8)
    assert attachments_of(soup, "http://h/a/news/1") == [{"title": "A", "url": "http://h/a.PDF", "type": "pdf"}]


# --- every layout on the sample site ------------------------------------------------------------------

@pytest.mark.parametrize("code", ["1002", "1001", "1013", min(WP_LAYOUT)])
def test_each_layout_walks_its_pagination_and_parses_every_notice(code):
    district = GAZ.district(code)
    layout = layout_of(code)
    expected = {n.notice_id: n for n in SITE.expected_notices() if n.district_code == code}
    url, pages, seen = f"http://h/{district.portal_slug}/news", [], []
    while url:
        page = _get(url[len("http://h"):])
        listing = parse_list_page(page.body, page.content_type, url)
        assert listing.layout == layout
        pages.append(url)
        seen += [u for u in listing.notice_urls if u not in seen]
        url = listing.next_url
    assert len(pages) == -(-len(seen) // PAGE_SIZE) >= 2
    if layout == "wp":
        assert pages[1].endswith(f"?start={PAGE_SIZE}")
    else:
        assert pages[1].endswith("?page=2")
    parsed = {}
    for notice_url in seen:
        page = _get(notice_url[len("http://h"):])
        try:
            parsed[notice_url.rsplit("/", 1)[1]] = parse_notice_page(page.body, page.content_type, notice_url)
        except ValueError:
            continue
    assert set(expected) <= set(parsed)
    for notice_id, notice in expected.items():
        detail = parsed[notice_id]
        assert detail.layout == layout and detail.title == notice.title and notice.body in detail.body
        assert detail.posted == notice.posted
        assert detail.attachments == [{"title": a.title, "url": "http://h" + a.url_path, "type": a.type}
                                      for a in notice.attachments]
        assert "javascript" not in detail.body and "alert" not in detail.body
    assert any(n.attachments for n in expected.values())
    assert any(n.javascript_link for n in expected.values())    # and it was dropped (compared above)


def test_sample_attachments_cover_thai_names_relative_links_and_types():
    notices = SITE.expected_notices()
    types = Counter(a.type for n in notices for a in n.attachments)
    assert {"pdf", "docx", "jpg"} <= set(types)
    hrefs = [a.href for n in notices for a in n.attachments]
    assert any(h.startswith("../") for h in hrefs) and any(h.startswith("/") for h in hrefs)
    assert any(" " in h and any("\u0e00" <= c <= "\u0e7f" for c in h) for h in hrefs)     # raw Thai + space
    assert any("%E0%B8" in h for h in hrefs)                                           # pre-encoded
    for layout in ("table", "cards", "wp"):
        assert any(n.attachments for n in notices if layout_of(n.district_code) == layout)
        assert any(n.javascript_link for n in notices if layout_of(n.district_code) == layout)


def test_every_district_has_road_works_and_other_notices():
    kinds = {}
    for n in SITE.expected_notices():
        kinds.setdefault(n.district_code, set()).add(n.kind)
    assert len(kinds) == 50
    assert all({"construction", "other"} <= k and len(k) >= 6 for k in kinds.values())


def test_xss_payloads_are_in_every_layout_and_never_in_the_text():
    for code in ("1002", "1001", min(WP_LAYOUT)):
        district = GAZ.district(code)
        notice = next(n for n in SITE.expected_notices() if n.district_code == code and n.javascript_link)
        url = f"http://h/{district.portal_slug}/news/{notice.notice_id}"
        page = _get(url[len("http://h"):])
        assert b"javascript:" in page.body and (b"<script>" in page.body or b"onerror" in page.body)
        detail = parse_notice_page(page.body, page.content_type, url)
        text = detail.title + detail.body + json.dumps(detail.attachments, ensure_ascii=False)
        assert not any(bad in text.lower() for bad in ("javascript", "<script", "onerror", "onclick", "iframe"))


# --- unknown layouts ------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [GARBAGE.encode(), ERROR_PAGE.encode(), b"",
                                  b"<html><body><ul class='list-news'></ul><a href='?start=5'>x</a></body></html>"])
def test_unknown_list_layout_fails_the_unit(body):
    with pytest.raises(UnitFailed, match="unrecognised list page layout"):
        parse_list_page(body, UTF8, "http://h/x/news")


def test_a_redesigned_notice_layout_fails_the_unit_instead_of_loading_nothing():
    redesigned = "<html><body><main class='news-v2'><h1>x</h1><p>1 ธ.ค. 2569</p></main></body></html>".encode()
    responses = [_archived(f"http://h/dusit/news/10020{i}", redesigned) for i in range(3)]
    with pytest.raises(UnitFailed, match="none of its 3 notice pages"):
        parse_unit(responses, GAZ.district("1002"))


def test_one_bad_notice_is_quarantined_and_the_rest_load():
    good = _archived("http://h/demo/news/1099001", WP_NOTICE.encode())
    undated = _archived("http://h/demo/news/1099002",
                        WP_NOTICE.replace("วันเวลา: ๑ ธ.ค. ๒๕๖๙ เวลา 16.00 - 18.00 น.", "วันเวลา: แจ้งภายหลัง").encode())
    listing = _archived("http://h/demo/news?start=0", WP_LIST.encode())
    rows, quarantined = parse_unit([listing, good, undated, good], GAZ.district("1002"))
    assert [r["notice_id"] for r in rows] == ["1002/1099001"]                    # the repeat is loaded once
    assert [q["record_ref"] for q in quarantined] == ["1099002"]
    assert "no event date" in quarantined[0]["reason"] and quarantined[0]["sha256"] and quarantined[0]["excerpt"]
    row = rows[0]
    assert set(row) == set(STAGED_COLUMNS) | PROVENANCE
    assert row["kind"] == "mosquito_fogging" and row["all_day"] is False
    assert (row["starts_at"].hour, row["ends_at"].hour, row["starts_at"].date()) == (16, 18, date(2026, 12, 1))
    assert [a["type"] for a in json.loads(row["attachments"])] == ["pdf", "docx", "jpg"]


# --- the whole site over loopback -------------------------------------------------------------------------

def _crawl(districts):
    return lambda session, source: district_portals.crawl(session, source, districts)


def _crawl_all_in_parallel(tmp_path, batches: int = 25):
    """All 50 districts, in batches crawled side by side (each loopback response costs tens of ms)."""
    from concurrent.futures import ThreadPoolExecutor
    from sample_sites.server import SampleSites
    districts = list(GAZ.districts)
    sites = SampleSites({SITE.name: SITE}).serve_in_background()
    try:
        with ThreadPoolExecutor(batches) as pool:
            results = list(pool.map(lambda i: crawl_site(SITE, _crawl(districts[i::batches]), tmp_path / f"b{i}",
                                                         sites=sites), range(batches)))
    finally:
        sites.stop()
    by_unit = {unit: responses for r in results for unit, responses in r.by_unit.items()}
    failed = {unit: error for r in results for unit, error in r.failed_units.items()}
    return by_unit, failed, results[0].base_url


def test_loopback_crawl_of_all_50_districts_matches_the_expected_notices(tmp_path):
    by_unit, failed, base_url = _crawl_all_in_parallel(tmp_path)
    assert failed == {} and len(by_unit) == 50
    rows, quarantined = [], []
    for unit, responses in by_unit.items():
        urls = [r.url for r in responses]
        assert len(urls) == len(set(urls)), f"{unit}: a page was fetched twice (pinned notice?)"
        unit_rows, unit_quarantined = parse_unit(responses, GAZ.district(unit))
        rows += unit_rows
        quarantined += unit_quarantined
    got = {r["notice_id"]: r for r in rows}
    expected = {f"{n.district_code}/{n.notice_id}": n for n in SITE.expected_notices()}
    assert len(rows) == len(got) and set(got) == set(expected)
    assert {(q["url"].rsplit("/", 1)[1]) for q in quarantined} == {n.notice_id for n in SITE.expected_quarantined()}
    assert all("no event date" in q["reason"] for q in quarantined)
    wrong_kind = [(nid, n.kind, got[nid]["kind"]) for nid, n in expected.items() if got[nid]["kind"] != n.kind]
    assert wrong_kind == []
    for notice_id, notice in expected.items():
        row = got[notice_id]
        assert set(row) == set(STAGED_COLUMNS) | PROVENANCE
        assert row["title_th"] == notice.title and notice.body in row["body_th"], notice_id
        assert row["starts_at"].date() == notice.event_date and row["posted_on"] == notice.posted
        assert json.loads(row["attachments"]) == [
            {"title": a.title, "url": base_url + a.url_path, "type": a.type} for a in notice.attachments]
        assert row["url"].startswith(base_url) and len(row["sha256"]) == 64 and row["fetched_at"].tzinfo
    # TIS-620 portals arrive as real Thai, not mojibake.
    tis = [r for r in rows if r["district_code"] in TIS620_PORTALS]
    assert tis and all("\ufffd" not in r["body_th"] + r["title_th"] and "à¸" not in r["body_th"] for r in tis)


def test_crawl_stops_at_max_pages(tmp_path):
    result = crawl_site(SITE, _crawl([GAZ.district(min(WP_LAYOUT))]), tmp_path, settings_overrides={"max_pages": 1})
    assert list(result.by_unit) == [min(WP_LAYOUT)]
    for unit, responses in result.by_unit.items():
        lists = [r for r in responses if not district_portals.NOTICE_PATH.search(urlsplit(r.url).path)]
        assert len(lists) == 1, unit
        assert len(responses) - 1 <= PAGE_SIZE + 1


@pytest.mark.parametrize("fault", ["error_page_200", "empty_200", "garbage"])
def test_unusable_answers_fail_units_rather_than_give_zero_notices(tmp_path, fault):
    districts = [GAZ.district(code) for code in ("1002", "1001", min(WP_LAYOUT))]
    result = crawl_site(SITE, _crawl(districts), tmp_path, fault=fault)
    assert set(result.failed_units) == {"1002", "1001", min(WP_LAYOUT)}
    assert all("unrecognised list page layout" in e or "empty" in e.lower() for e in result.failed_units.values()), \
        result.failed_units
    assert result.by_unit == {}
