"""Fact-checks: the verdict mapping, escaped scripts, the windows-874 feed and a loopback crawl."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest

from hub.raw_archive import ArchivedResponse
from quality.gx_validation import validate_frame
from quality.suites_publishers import factchecks as factcheck_suite
from sample_sites.factchecks import FEED_PATH, FactChecks
from scrapers import factchecks
from scrapers.rss import parse_feed
from sample_sites.server import SampleSites
from tests.crawl_helpers import crawl_site

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize("title,categories,verdict,label,claim", [
    ("ข่าวปลอม อย่าแชร์! กทม. แจกเงิน 5,000 บาท", (), "false", "ข่าวปลอม", "กทม. แจกเงิน 5,000 บาท"),
    ("ข่าวจริง กทม. เปิดรับถุงทราย", (), "true", "ข่าวจริง", "กทม. เปิดรับถุงทราย"),
    ("ข่าวบิดเบือน อย่าแชร์! BTS ปิดทุกสถานี", (), "misleading", "ข่าวบิดเบือน", "BTS ปิดทุกสถานี"),
    ("บิดเบือน รถไฟฟ้าขึ้นราคา", (), "misleading", "บิดเบือน", "รถไฟฟ้าขึ้นราคา"),
    ("[ข่าวปลอม] น้ำประปาทำให้ท้องเสีย", (), "false", "ข่าวปลอม", "น้ำประปาทำให้ท้องเสีย"),
    ("ข่าวปลอม: กทม. ตัดน้ำทั้งเมือง", (), "false", "ข่าวปลอม", "กทม. ตัดน้ำทั้งเมือง"),
    ("กทม. เก็บค่าเข้าเมือง 200 บาท", ("ข่าวปลอม", "คมนาคม"), "false", "ข่าวปลอม", "กทม. เก็บค่าเข้าเมือง 200 บาท"),
    ("ข่าวจริง สวนลุมพินีเปิดถึงสี่ทุ่ม", ("ข่าวจริง",), "true", "ข่าวจริง", "สวนลุมพินีเปิดถึงสี่ทุ่ม"),
    ("ฝุ่นสูงที่สุดในโลก", ("บิดเบือน",), "misleading", "บิดเบือน", "ฝุ่นสูงที่สุดในโลก"),
    ("พบจระเข้ในคลองแสนแสบ", ("สัตว์",), "unverified", None, "พบจระเข้ในคลองแสนแสบ"),
    ("ข่าวปลอมระบาดหนักช่วงน้ำท่วม", (), "unverified", None, "ข่าวปลอมระบาดหนักช่วงน้ำท่วม"),  # no prefix, a word
    ("ข่าวจริง", (), "unverified", None, "ข่าวจริง"),                       # a label alone is no claim
])
def test_verdict_mapping(title, categories, verdict, label, claim):
    assert factchecks.verdict_of(title, categories) == (verdict, label, claim)


@pytest.mark.parametrize("title,categories", [
    ("ข่าวปลอม อย่าแชร์! กทม. แจกถุงยังชีพ", ("ข่าวจริง",)),
    ("กทม. แจกถุงยังชีพ", ("ข่าวจริง", "ข่าวปลอม")),
])
def test_contradicting_verdicts_are_refused(title, categories):
    with pytest.raises(ValueError, match="contradicts|several verdicts"):
        factchecks.verdict_of(title, categories)


def test_entity_escaped_script_in_the_description_does_not_survive_as_text():
    feed = ('<rss version="2.0"><channel><item><title>ข่าวปลอม อย่าแชร์! กทม. แจกเงิน</title>'
            "<guid>https://afnc.example/factcheck/123/</guid><pubDate>Wed, 25 Nov 2026 02:30:00 GMT</pubDate>"
            "<description>&lt;p&gt;ไม่จริง&lt;/p&gt;"
            "&amp;lt;script&amp;gt;alert(&amp;#39;x&amp;#39;)&amp;lt;/script&amp;gt;"
            "</description></item></channel></rss>").encode()
    (item,) = parse_feed(feed, "application/rss+xml").items
    assert "&lt;script&gt;" in item.description                  # still escaped once after XML parsing
    row = factchecks.parse_item(item)
    assert row["explanation_th"] == "ไม่จริง"
    assert row["factcheck_id"] == "123" and row["link"] == "https://afnc.example/factcheck/123/"
    assert row["published_at"].utcoffset() == timedelta(hours=7) and row["published_at"].hour == 9


def test_the_sample_feed_really_is_windows_874_declared_only_in_xml():
    page = FactChecks(TODAY).page(FEED_PATH, {})
    assert "charset" not in page.content_type and b'encoding="windows-874"' in page.body[:60]
    with pytest.raises(UnicodeDecodeError):
        page.body.decode("utf-8")


@pytest.fixture(scope="module")
def served():
    site = FactChecks(TODAY)
    with SampleSites({site.name: site}) as sites:     # one server per module: stopping one takes 0.5 s
        yield site, sites


def test_crawl_and_parse_match_the_site(tmp_path, served):
    site, sites = served
    result = crawl_site(site, factchecks.crawl, tmp_path, sites=sites)
    assert result.failed_units == {}
    rows, quarantined = factchecks.parse_unit(result.by_unit["feed"])
    expected = {f.factcheck_id: f for f in site.expected_factchecks()}
    assert [row["factcheck_id"] for row in rows] == list(expected)
    for row in rows:
        f = expected[row["factcheck_id"]]
        assert (row["claim_th"], row["verdict"], row["verdict_label_th"], row["topics"], row["published_at"],
                row["link"]) == (f.claim_th, f.verdict, f.label, list(f.topics), f.published_at, f.link)
        assert row["explanation_th"] == site.expected_explanation(f)
        assert set(row) == set(factchecks.STAGED_COLUMNS) | {"url", "sha256", "fetched_at"}
    assert {row["verdict"] for row in rows} == set(factchecks.VERDICTS)
    for row in rows:
        assert not any(bad in row["explanation_th"] for bad in ("<", ">", "script", "alert", "javascript", "onerror"))
    assert {q["record_ref"] for q in quarantined} == set(site.expected_quarantined())
    for q in quarantined:
        assert site.expected_quarantined()[q["record_ref"]] in q["reason"]


@pytest.mark.parametrize("fault", ["error_page_200", "empty_200", "garbage", "wrong_charset"])
def test_unusable_answers_fail_the_unit(tmp_path, fault, served):
    site, sites = served
    result = crawl_site(site, factchecks.crawl, tmp_path, fault=fault, sites=sites)
    assert "feed" in result.failed_units and result.by_unit == {}


def test_the_expectation_suite_passes_and_catches_a_verdict_left_in_the_claim():
    site = FactChecks(TODAY)
    page = site.page(FEED_PATH, {})
    response = ArchivedResponse("http://fc.test" + FEED_PATH, "http://fc.test" + FEED_PATH, 200, page.content_type,
                                "sha", page.body, datetime.now(timezone.utc))
    rows, _ = factchecks.parse_unit([response])
    frame = pd.DataFrame(rows)
    assert validate_frame("test_factchecks", frame, factcheck_suite()).success
    frame.loc[0, "claim_th"] = "ข่าวปลอม อย่าแชร์! กทม. แจกเงิน"
    frame.loc[1, "verdict"] = "fake"
    outcome = validate_frame("test_factchecks", frame, factcheck_suite())
    assert {f["column"] for f in outcome.failures} == {"claim_th", "verdict"}
