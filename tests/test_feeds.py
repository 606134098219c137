"""publish.feeds: RSS 2.0 + GeoRSS, Atom and JSON Feed 1.1 checked by third-party readers/validators."""
from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from publish.feeds import BANGKOK, FeedItem, FeedSpec, render_all, render_atom, render_json_feed, render_rss

SCHEMAS = Path("/work/shared/schemas")
RSS_XSD = SCHEMAS / "rss-2_0.xsd"
JSONFEED_SCHEMA = SCHEMAS / "jsonfeed-v1.1.schema.json"
needs_schemas = pytest.mark.skipif(not SCHEMAS.is_dir(), reason="/work/shared/schemas is not available")

T0 = datetime(2024, 5, 1, 9, 30, tzinfo=BANGKOK)
SCRIPT_TITLE = 'น้ำท่วมขัง <script>alert("x")</script> & "ถนน"'
SCRIPT_TEXT = "ถนนสุขุมวิท ซอย 11\nน้ำสูง 20 ซม. <img src=x onerror=alert(1)> <b>ระวัง</b> &amp; 1 < 2"


def make_spec(**kw) -> FeedSpec:
    base = dict(
        title="แจ้งเตือน เขตพระนคร",
        description="ประกาศเหตุน้ำท่วมและไฟฟ้าดับ เขตพระนคร",
        home_url="https://bkkconnect.example/district/1001",
        base_url="http://127.0.0.1:8800",
        path_stem="v1/alerts/district/1001",
    )
    base.update(kw)
    return FeedSpec(**base)


def make_items() -> list[FeedItem]:
    return [
        FeedItem(
            id="flood-1001-0001", title=SCRIPT_TITLE, content_text=SCRIPT_TEXT,
            url="https://www.bangkok.go.th/news/1?a=1&b=ถนน",
            published=T0, updated=T0 + timedelta(minutes=5),
            lat=13.7563, lon=100.5018, categories=("flood", "น้ำท่วม"),
            extra={"district_code": "1001", "category": "flood", "severity": "moderate"},
        ),
        FeedItem(
            id="outage-1001-0002", title="ไฟฟ้าดับ แขวงวัดราชบพิธ", content_text="การไฟฟ้านครหลวงแจ้งดับไฟ 09:00–12:00 น.",
            url=None, published=T0 - timedelta(hours=2), updated=T0 - timedelta(hours=1),
            lat=13.7500, lon=100.4990, categories=("outage",),
        ),
        FeedItem(
            id="notice-en-0003", title="Road closure on Ratchadamnoen Avenue",
            content_text="Closed for a parade\x00\x0b, 18:00-22:00.\r\nUse Phra Sumen Road.",
            url="https://www.bangkok.go.th/news/3", published=T0 - timedelta(days=1),
            updated=T0 - timedelta(hours=1), language="en",
        ),
    ]


def by_id(items):
    return {it.id: it for it in items}


# --------------------------------------------------------------------------------------------------
# RSS


def test_rss_reads_back_with_feedparser():
    spec, items = make_spec(), make_items()
    parsed = feedparser.parse(render_rss(spec, items))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    ch = parsed.feed
    assert ch.title == spec.title
    assert ch.link == spec.home_url
    assert ch.subtitle == spec.description
    assert ch.language == "th"
    self_links = [l for l in ch.links if l.get("rel") == "self"]
    assert [l.href for l in self_links] == ["http://127.0.0.1:8800/v1/alerts/district/1001.rss"]
    assert self_links[0].type == "application/rss+xml"

    assert [e.id for e in parsed.entries] == ["flood-1001-0001", "notice-en-0003", "outage-1001-0002"]
    flood = parsed.entries[0]
    assert flood.guidislink is False
    assert flood.title == SCRIPT_TITLE                              # Thai + punctuation intact, plain text
    assert flood.link == "https://www.bangkok.go.th/news/1?a=1&b=%E0%B8%96%E0%B8%99%E0%B8%99"
    assert [t.term for t in flood.tags] == ["flood", "น้ำท่วม"]
    # GeoRSS "lat lon"; feedparser's `where` is GeoJSON-like (lon, lat)
    assert flood.where["type"] == "Point"
    assert flood.where["coordinates"] == pytest.approx((100.5018, 13.7563))
    outage = parsed.entries[2]
    assert outage.title == "ไฟฟ้าดับ แขวงวัดราชบพิธ"
    assert outage.summary == "การไฟฟ้านครหลวงแจ้งดับไฟ 09:00–12:00 น."
    assert outage.where["coordinates"] == pytest.approx((100.4990, 13.7500))
    assert "where" not in parsed.entries[1]
    assert parsed.entries[1].summary == "Closed for a parade, 18:00-22:00.\nUse Phra Sumen Road."


def test_rss_dates_and_structure():
    spec, items = make_spec(), make_items()
    root = etree.fromstring(render_rss(spec, items))
    ch = root.find("channel")
    assert ch.findtext("lastBuildDate") == "Wed, 01 May 2024 09:35:00 +0700"    # max(updated), no "now"
    pub_dates = [it.findtext("pubDate") for it in ch.iter("item")]
    assert pub_dates and all(d.endswith(" +0700") for d in pub_dates)
    assert pub_dates[0] == "Wed, 01 May 2024 09:30:00 +0700"
    for guid in ch.iter("guid"):
        assert guid.get("isPermaLink") == "false"
    points = [p.text for p in root.iter("{http://www.georss.org/georss}point")]
    assert points == ["13.7563 100.5018", "13.75 100.499"]                    # LAT first
    assert root.find("channel/{http://purl.org/dc/elements/1.1/}language") is None
    langs = [it.findtext("{http://purl.org/dc/elements/1.1/}language") for it in ch.iter("item")]
    assert langs == [None, "en", None]


@needs_schemas
def test_rss_validates_against_xsd():
    schema = etree.XMLSchema(etree.parse(str(RSS_XSD)))
    spec = make_spec(websub_hub="https://pubsubhubbub.appspot.com/")
    doc = etree.fromstring(render_rss(spec, make_items()))
    assert schema.validate(doc), schema.error_log
    # the XSD is lax about extension namespaces (xs:any ##other), so atom:link and georss:point pass;
    # prove it still checks something: a broken pubDate is rejected
    doc.find("channel/item/pubDate").text = "2024-05-01T09:30:00+07:00"
    assert not schema.validate(doc)


@needs_schemas
def test_empty_rss_is_fine_for_readers_but_the_xsd_wants_an_item():
    spec = make_spec()
    body = render_rss(spec, [])
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0 and parsed.entries == []
    assert parsed.feed.title == spec.title
    root = etree.fromstring(body)
    assert root.findtext("channel/lastBuildDate") == "Thu, 01 Jan 1970 07:00:00 +0700"   # epoch default
    # RSS 2.0 allows zero items, but this XSD sets item minOccurs=1 (its own "HACK" comment): the
    # only complaint must be the missing <item>.
    schema = etree.XMLSchema(etree.parse(str(RSS_XSD)))
    assert not schema.validate(root)
    messages = [e.message for e in schema.error_log]
    assert len(messages) == 1 and "item" in messages[0], messages


# --------------------------------------------------------------------------------------------------
# Atom


def test_atom_reads_back_with_feedparser():
    spec, items = make_spec(websub_hub="https://pubsubhubbub.appspot.com/"), make_items()
    parsed = feedparser.parse(render_atom(spec, items))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    feed = parsed.feed
    assert feed.id == "http://127.0.0.1:8800/v1/alerts/district/1001.atom"
    assert feed.title == spec.title
    assert feed.updated == "2024-05-01T09:35:00+07:00"
    assert feed.author_detail.name == "BKK Connect Data Hub"
    rels = {l.rel: l.href for l in feed.links}
    assert rels["self"] == "http://127.0.0.1:8800/v1/alerts/district/1001.atom"
    assert rels["alternate"] == spec.home_url
    assert rels["hub"] == "https://pubsubhubbub.appspot.com/"

    entries = {e.title: e for e in parsed.entries}
    flood = entries[SCRIPT_TITLE]                                     # plain text, exactly as given
    assert flood.title_detail.type == "text/plain"
    assert flood.content[0].type == "text/plain"
    assert flood.content[0].value == SCRIPT_TEXT
    assert flood.updated == "2024-05-01T09:35:00+07:00"
    assert flood.published == "2024-05-01T09:30:00+07:00"
    assert flood.where["coordinates"] == pytest.approx((100.5018, 13.7563))
    assert [t.term for t in flood.tags] == ["flood", "น้ำท่วม"]
    ids = [e.id for e in parsed.entries]
    assert len(set(ids)) == 3 and all(i.startswith("urn:uuid:") for i in ids)
    en = entries["Road closure on Ratchadamnoen Avenue"]
    assert en.content[0].value == "Closed for a parade, 18:00-22:00.\nUse Phra Sumen Road."
    assert en.content[0].language == "en"
    assert parsed.entries[2].content[0].language == "th"


def test_atom_keeps_uri_ids_and_empty_feed_is_valid():
    spec = make_spec()
    item = replace(make_items()[1], id="https://www.mea.or.th/outage/42")
    parsed = feedparser.parse(render_atom(spec, [item]))
    assert parsed.bozo == 0 and parsed.entries[0].id == "https://www.mea.or.th/outage/42"
    empty = feedparser.parse(render_atom(spec, []))
    assert empty.bozo == 0 and empty.entries == []
    assert empty.feed.updated == "1970-01-01T07:00:00+07:00"
    assert empty.feed.id and empty.feed.title == spec.title


# --------------------------------------------------------------------------------------------------
# JSON Feed


@pytest.fixture(scope="module")
def jsonfeed_validator():
    if not JSONFEED_SCHEMA.is_file():
        pytest.skip("/work/shared/schemas/jsonfeed-v1.1.schema.json is not available")
    import jsonschema

    checker = jsonschema.FormatChecker()
    # the format extra must really be installed, or date-time/uri would silently pass
    assert not checker.conforms("2024-05-01 09:30", "date-time")
    assert not checker.conforms("not a uri", "uri")
    schema = json.loads(JSONFEED_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=checker)


def test_json_feed_validates_and_carries_bkk_extension(jsonfeed_validator):
    spec, items = make_spec(websub_hub="https://pubsubhubbub.appspot.com/"), make_items()
    body = render_json_feed(spec, items)
    doc = json.loads(body)
    errors = sorted(jsonfeed_validator.iter_errors(doc), key=str)
    assert not errors, [e.message for e in errors]
    assert body.startswith(b'{\n  "version": "https://jsonfeed.org/version/1.1"')
    assert doc["feed_url"] == "http://127.0.0.1:8800/v1/alerts/district/1001.json"
    assert doc["hubs"] == [{"type": "WebSub", "url": "https://pubsubhubbub.appspot.com/"}]
    got = {it["id"]: it for it in doc["items"]}
    flood = got["flood-1001-0001"]
    assert flood["title"] == SCRIPT_TITLE and flood["content_text"] == SCRIPT_TEXT
    assert flood["date_published"] == "2024-05-01T09:30:00+07:00"
    assert flood["date_modified"] == "2024-05-01T09:35:00+07:00"
    assert flood["tags"] == ["flood", "น้ำท่วม"] and flood["language"] == "th"
    assert flood["_bkk"] == {"category": "flood", "district_code": "1001", "severity": "moderate",
                             "lat": 13.7563, "lon": 100.5018}
    assert "_bkk" not in got["notice-en-0003"] and got["notice-en-0003"]["language"] == "en"
    assert "url" not in got["outage-1001-0002"]
    for it in doc["items"]:
        assert it["date_published"].endswith("+07:00") and it["date_modified"].endswith("+07:00")
        assert "content_html" not in it


def test_empty_json_feed_validates(jsonfeed_validator):
    doc = json.loads(render_json_feed(make_spec(), []))
    jsonfeed_validator.validate(doc)
    assert doc["items"] == []


# --------------------------------------------------------------------------------------------------
# determinism, ordering, escaping, input checks


def test_same_items_same_bytes_whatever_the_order_or_input_timezone():
    spec = make_spec()
    items = make_items()
    first = render_all(spec, items)
    shuffled = items[:]
    random.Random(7).shuffle(shuffled)
    utc_items = [replace(it, published=it.published.astimezone(timezone.utc),
                         updated=it.updated.astimezone(timezone.utc)) for it in items]
    assert render_all(spec, items) == first
    assert render_all(spec, list(reversed(items))) == first
    assert render_all(spec, shuffled) == first
    assert render_all(spec, utc_items) == first
    assert render_all(spec, iter(items)) == first
    for body in first.values():
        assert b"feedgen" not in body.lower() and b"python" not in body.lower()


def test_order_is_newest_updated_first_then_id():
    spec = make_spec()
    items = [
        FeedItem("b", "b", "b", None, T0, T0),
        FeedItem("a", "a", "a", None, T0, T0),
        FeedItem("c", "c", "c", None, T0, T0 + timedelta(seconds=1)),
    ]
    assert [e.id for e in feedparser.parse(render_rss(spec, items)).entries] == ["c", "a", "b"]
    assert [e["id"] for e in json.loads(render_json_feed(spec, items))["items"]] == ["c", "a", "b"]
    assert [e.title for e in feedparser.parse(render_atom(spec, items)).entries] == ["c", "a", "b"]


def test_untrusted_text_never_becomes_markup():
    spec, items = make_spec(), make_items()
    for name, body in render_all(spec, items).items():
        lowered = body.lower()
        assert b"<script" not in lowered, name
        assert b"<img" not in lowered and b"<b>" not in lowered, name
    # RSS description is entity-encoded HTML by convention: readers must get escaped text back
    rss = feedparser.parse(render_rss(spec, items)).entries[0]
    assert rss.summary_detail.type == "text/html"
    assert "<img" not in rss.summary and "&lt;img src=x onerror=alert(1)&gt;" in rss.summary
    assert "&lt;b&gt;ระวัง&lt;/b&gt; &amp;amp; 1 &lt; 2" in rss.summary
    # and the XML is still the same text one level down
    desc = etree.fromstring(render_rss(spec, items)).findtext("channel/item/description")
    assert desc == SCRIPT_TEXT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_render_all_paths_and_self_links():
    spec = make_spec(base_url="https://data.bkkconnect.example/")
    out = render_all(spec, make_items())
    assert sorted(out) == ["v1/alerts/district/1001.atom", "v1/alerts/district/1001.json",
                           "v1/alerts/district/1001.rss"]
    assert b'href="https://data.bkkconnect.example/v1/alerts/district/1001.rss" rel="self"' in out[
        "v1/alerts/district/1001.rss"]
    assert json.loads(out["v1/alerts/district/1001.json"])["feed_url"] == (
        "https://data.bkkconnect.example/v1/alerts/district/1001.json")


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(published=datetime(2024, 5, 1, 9, 30)), ValueError),                 # naive
        (dict(lat=13.7), ValueError),                                              # lat without lon
        (dict(lat=95.0, lon=100.5), ValueError),
        (dict(lat=float("nan"), lon=100.5), ValueError),
        (dict(url="javascript:alert(1)"), ValueError),
        (dict(id=" "), ValueError),
        (dict(extra={"a.b": 1}), ValueError),                                      # JSON Feed ext keys
        (dict(categories="flood"), TypeError),
    ],
)
def test_bad_items_are_rejected(kwargs, error):
    base = dict(id="x", title="t", content_text="c", url=None, published=T0, updated=T0)
    base.update(kwargs)
    with pytest.raises(error):
        FeedItem(**base)


def test_duplicate_ids_and_bad_specs_are_rejected():
    item = make_items()[0]
    with pytest.raises(ValueError, match="duplicate"):
        render_rss(make_spec(), [item, replace(item, title="again")])
    with pytest.raises(ValueError):
        make_spec(path_stem="/v1/alerts")
    with pytest.raises(ValueError):
        make_spec(path_stem="v1/../alerts")
    with pytest.raises(ValueError):
        make_spec(base_url="ftp://example.org/")
    with pytest.raises(ValueError):
        make_spec(empty_updated=datetime(2024, 1, 1))


def test_a_configured_websub_hub_reaches_every_feed(monkeypatch):
    from pipelines.resources import PublicTreeResource
    monkeypatch.delenv("BKK_WEBSUB_HUB", raising=False)
    assert PublicTreeResource().hub() is None                     # none configured: no hub link
    monkeypatch.setenv("BKK_WEBSUB_HUB", "https://hub.example.org/")
    hub = PublicTreeResource().hub()
    assert hub == "https://hub.example.org/"
    files = render_all(make_spec(websub_hub=hub), make_items())
    for name, body in files.items():
        assert b"https://hub.example.org/" in body, name
    atom = feedparser.parse(files[next(n for n in files if n.endswith(".atom"))])
    assert {"rel": "hub", "href": hub} in [{"rel": link["rel"], "href": link["href"]} for link in atom.feed.links]
