"""BMA press releases: the shared RSS reader, the parser on inline samples, and a loopback crawl."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest

from hub.raw_archive import UnitFailed
from hub.thai_dates import BANGKOK
from quality.gx_validation import validate_frame
from quality.suites_publishers import bma_press as press_suite
from sample_sites.bma_press import BmaPress
from sample_sites.server import ERROR_PAGE, GARBAGE, SampleSites
from scrapers import bma_press
from scrapers.rss import first_image_url, item_id, parse_feed, parse_rss_date, plain_text, safe_http_url
from tests.crawl_helpers import crawl_site

TODAY = date(2026, 11, 25)
AT_0930 = datetime(2026, 11, 25, 9, 30, tzinfo=BANGKOK)


def _rss(items: str, declaration: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    return (f'{declaration}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>t</title><link>https://pr.example/</link>{items}</channel></rss>")


# --- pubDate -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Wed, 25 Nov 2026 09:30:00 +0700",
    "Wed, 25 Nov 2026 02:30:00 GMT",
    "Wed, 25 Nov 2026 02:30:00 +0000",
    "Wed, 25 Nov 2026 09:30:00 +07:00",
    "Wed, 25 Nov 2026 09:30:00 ICT",                     # Indochina Time, as Thai servers write it
    "Wed, 25 Nov 26 09:30 +0700",                       # RFC 822 two-digit CE year, no seconds
    "25 Nov 2026 09:30:00",                              # no weekday, no zone: Bangkok
    "Thu, 25 Nov 2026 09:30:00 +0700",                   # wrong weekday: ignored, as readers do
    "พ., 25 พ.ย. 2569 09:30:00 +0700",                    # Thai-locale date_i18n with a BE year
    "วันพุธที่ ๒๕ พฤศจิกายน ๒๕๖๙ เวลา 09.30 น.",
    "25 พ.ย. 69 09:30",                                  # two-digit year after a Thai month is BE
    "Wed, 25 Nov 2569 09:30:00 +0700",                   # BE year in an English date
    "2026-11-25T09:30:00+07:00",
    "2026-11-25T02:30:00Z",
])
def test_pubdate_forms_all_mean_the_same_instant(text):
    parsed = parse_rss_date(text)
    assert parsed == AT_0930 and parsed.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize("text", ["", None, "ไม่ระบุวันที่", "Wed, 31 Nov 2026 09:30:00 +0700",
                                  "Wed, 25 Nov 2026 25:70:00 +0700", "Wed, 25 Nov 2026", "Wed, 25 Nov 2026 09:30 XYZ"])
def test_unreadable_pubdates_raise(text):
    with pytest.raises(ValueError):
        parse_rss_date(text)


# --- the shared RSS reader ------------------------------------------------------------------------------

ITEM = ('<item><title>ผู้ว่าฯ&nbsp;ลงพื้นที่ &#8211; เขตพระนคร</title><link>https://pr.example/?p=12</link>'
        '<guid isPermaLink="false">12</guid><pubDate>Wed, 25 Nov 2026 09:30:00 +0700</pubDate>'
        "<category><![CDATA[ข่าวผู้ว่าฯ]]></category><category>น้ำท่วม</category><category>น้ำท่วม</category>"
        "<description><![CDATA[ย่อ [&#8230;]]]></description>"
        '<content:encoded><![CDATA[<p>เนื้อหา</p><img src="https://pr.example/a.jpg">]]></content:encoded></item>')


def test_bom_leading_whitespace_html_entities_and_a_declared_thai_encoding_are_tolerated():
    utf8 = parse_feed(b"\xef\xbb\xbf\n  " + _rss(ITEM).encode("utf-8"), "application/rss+xml")
    thai = parse_feed(_rss(ITEM, '<?xml version="1.0" encoding="windows-874"?>').encode("cp874"), "text/xml")
    lying_header = parse_feed(_rss(ITEM, '<?xml version="1.0" encoding="TIS-620"?>').encode("cp874"),
                              "application/xml; charset=utf-8")
    for feed in (utf8, thai, lying_header):
        (item,) = feed.items
        assert item.title == "ผู้ว่าฯ ลงพื้นที่ – เขตพระนคร"
        assert item.categories == ("ข่าวผู้ว่าฯ", "น้ำท่วม") and item_id(item) == "12"
        assert not item.guid_is_permalink and item.link == "https://pr.example/?p=12"


@pytest.mark.parametrize("body,reason", [
    (b"", "empty"), (b"   \n", "empty"), (ERROR_PAGE.encode(), "HTML page"), (GARBAGE.encode(), "HTML page"),
    (b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "not an RSS 2.0"),
    (b'{"data": []}', "not well-formed"), (b"<rss><item>", "not well-formed"),
    (b'<!DOCTYPE x [<!ENTITY e "boom">]><rss><channel>&e;</channel></rss>', "forbidden"),
])
def test_anything_but_rss_fails_the_unit(body, reason):
    with pytest.raises(UnitFailed, match=reason):
        parse_feed(body, "text/html; charset=utf-8")


def test_item_html_becomes_plain_text_and_only_http_urls_survive():
    hostile = ("<p>ข่าว</p><script>alert(1)</script><img src=x onerror=alert(1)><iframe src='//evil'></iframe>"
               "<a href='javascript:alert(2)'>อ่านต่อ</a> &lt;script&gt;alert(3)&lt;/script&gt;")
    text = plain_text(hostile)
    assert text == "ข่าว อ่านต่อ"
    assert plain_text("&amp;lt;b&amp;gt;หนา&amp;lt;/b&amp;gt;") == "หนา"           # escaped twice
    assert safe_http_url("javascript:alert(1)") is None and safe_http_url("java\tscript:alert(1)") is None
    assert safe_http_url("data:image/gif;base64,AA") is None and safe_http_url("/a.jpg") is None
    assert safe_http_url("/a.jpg", "https://pr.example/x") == "https://pr.example/a.jpg"
    assert first_image_url('<img src="data:image/gif;base64,AA" data-src="https://pr.example/b.jpg">') \
        == "https://pr.example/b.jpg"
    assert first_image_url("<img src=x onerror=alert(1)>") is None


# --- the press-release parser ----------------------------------------------------------------------------

@pytest.mark.parametrize("categories,kind", [
    (("ข่าวผู้ว่าฯ",), "news"), (("ข่าวสำนักงานเขต", "สุขภาพ"), "news"), (("ประกาศ",), "announcement"),
    (("ข่าวผู้ว่าฯ", "ชี้แจงประเด็นร้อน"), "clarification"), (("ประกาศ", "ชี้แจง"), "clarification"), ((), "news"),
])
def test_kind_comes_from_the_categories(categories, kind):
    assert bma_press.kind_of(categories) == kind


def test_summary_drops_the_excerpt_tail_and_stays_within_500_characters():
    assert bma_press.summary_of("ผู้ว่าฯ ลงพื้นที่ […]") == "ผู้ว่าฯ ลงพื้นที่"
    long = bma_press.summary_of("คำ " * 400)
    assert len(long) <= 500 and long.endswith("…")


# --- loopback crawl -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served():
    """One server per module (stopping one takes half a second): the full feed and a 30-item one."""
    full, short = BmaPress(TODAY), BmaPress(TODAY, count=30)
    short.name = "bma_press_30"
    with SampleSites({full.name: full, short.name: short}) as sites:
        yield full, short, sites


def test_crawl_pages_the_feed_and_rebuilds_every_release(tmp_path, served):
    site, _, sites = served
    result = crawl_site(site, bma_press.crawl, tmp_path, sites=sites)
    assert result.failed_units == {}
    responses = result.by_unit["feed"]
    assert [r.url.rsplit("/", 1)[1] for r in responses] == ["", "?paged=2", "?paged=3", "?paged=4"]
    rows, quarantined = bma_press.parse_unit(responses)

    expected = {r.release_id: r for r in site.expected_releases()}
    assert [row["release_id"] for row in rows] == list(expected)
    for row in rows:
        release = expected[row["release_id"]]
        assert (row["kind"], row["title_th"], row["published_at"], row["link"], row["image_url"]) == \
            (release.kind, release.title_th, release.published_at, release.link, release.image_url)
        assert row["body_th"] == release.body_th and row["categories"] == list(release.categories)
        assert 0 < len(row["summary_th"]) <= 500 and "[" not in row["summary_th"]
        assert set(row) == set(bma_press.STAGED_COLUMNS) | {"url", "sha256", "fetched_at"}
        assert row["sha256"] and row["fetched_at"].tzinfo is not None
    assert {row["kind"] for row in rows} == {"news", "clarification", "announcement"}

    xss = next(row for row in rows if expected[row["release_id"]].xss)
    assert "รายละเอียดเพิ่มเติม" in xss["body_th"]
    assert not any(bad in xss["body_th"] for bad in ("<", "script", "alert", "javascript", "onerror"))

    assert {q["record_ref"]: q["reason"] for q in quarantined}.keys() == site.expected_quarantined().keys()
    for q in quarantined:
        assert site.expected_quarantined()[q["record_ref"]] in q["reason"] and q["excerpt"] and q["sha256"]


def test_a_404_past_the_last_full_page_ends_the_feed(tmp_path, served):
    _, short, sites = served
    result = crawl_site(short, bma_press.crawl, tmp_path, sites=sites)
    assert result.failed_units == {}
    assert len(result.by_unit["feed"]) == 3
    rows, _ = bma_press.parse_unit(result.by_unit["feed"])
    assert len(rows) == 28


def test_since_stops_at_the_first_page_that_reaches_known_items(tmp_path, served):
    site, _, sites = served
    since = site.releases[9].published_at - timedelta(minutes=1)   # page 1 is all newer, page 2 all older
    result = crawl_site(site, lambda session, source: bma_press.crawl(session, source, since=since), tmp_path,
                        sites=sites)
    assert result.failed_units == {} and len(result.by_unit["feed"]) == 2
    since = site.releases[12].published_at                         # page 2 reaches a known item: stop there
    result = crawl_site(site, lambda session, source: bma_press.crawl(session, source, since=since), tmp_path,
                        sites=sites)
    assert len(result.by_unit["feed"]) == 2
    since = site.releases[22].published_at                         # only page 3 reaches it
    result = crawl_site(site, lambda session, source: bma_press.crawl(session, source, since=since), tmp_path,
                        sites=sites)
    assert len(result.by_unit["feed"]) == 3
    result = crawl_site(site, bma_press.crawl, tmp_path, settings_overrides={"max_pages": 2}, sites=sites)
    assert len(result.by_unit["feed"]) == 2


@pytest.mark.parametrize("fault", ["error_page_200", "empty_200", "garbage"])
def test_unusable_answers_fail_the_unit_instead_of_emptying_it(tmp_path, fault, served):
    site, _, sites = served
    result = crawl_site(site, bma_press.crawl, tmp_path, fault=fault, sites=sites)
    assert "feed" in result.failed_units and result.by_unit == {}


def test_the_expectation_suite_passes_on_parsed_rows_and_catches_markup(tmp_path):
    site = BmaPress(TODAY)
    rows, _ = bma_press.parse_unit([_archived(site, n) for n in range(1, site.pages + 1)])
    frame = pd.DataFrame(rows)
    assert validate_frame("test_bma_press", frame, press_suite()).success
    frame.loc[0, "body_th"] = "ข่าว <script>alert(1)</script>"
    frame.loc[1, "kind"] = "gossip"
    outcome = validate_frame("test_bma_press", frame, press_suite())
    assert {f["column"] for f in outcome.failures} == {"body_th", "kind"}


def _archived(site: BmaPress, number: int):
    from hub.raw_archive import ArchivedResponse
    page = site.page("/feed/", {"paged": [str(number)]})
    return ArchivedResponse(f"http://pr.test/feed/?paged={number}", f"http://pr.test/feed/?paged={number}", 200,
                            page.content_type, f"sha{number}", page.body, datetime.now(timezone.utc))
