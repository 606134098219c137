"""The whole flow over real HTTP on 127.0.0.1: sample sites -> raw -> staged -> core -> feeds."""
from __future__ import annotations

import json
import os
from datetime import timedelta

import feedparser
import pytest

from hub.gazetteer import Gazetteer
from hub.thai_dates import BANGKOK
from sample_sites.district_portals import expected_notices
from sample_sites.mea_outages import expected_outages
from assets.sources import SOURCES
from tests.conftest import HEALTH_PATHS, SHARED_SCHEMAS

pytestmark = pytest.mark.e2e
GAZ = Gazetteer.load()


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, sites):
    """One pipeline, run twice over unchanged sites (module-scoped: the runs are the expensive part)."""
    from tests.conftest import FAST_ENV, make_pipeline
    saved = {k: os.environ.get(k) for k in FAST_ENV}
    os.environ.update(FAST_ENV)
    try:
        sites.faults.clear()
        pipeline = make_pipeline(tmp_path_factory.mktemp("e2e"), sites)
        sites.clear_log()
        first = pipeline.run()
        first_manifest, first_release = pipeline.manifest(), os.readlink(pipeline.public / "current")
        first_inodes = {p: (pipeline.public / p).stat().st_ino for p in first_manifest}
        first_log = list(sites.log)
        sites.clear_log()
        second = pipeline.run()
        second_log = list(sites.log)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return pipeline, first, second, first_manifest, first_release, first_inodes, first_log, second_log


def test_runs_succeed_and_every_check_passes(two_runs):
    pipeline, first, second, *_ = two_runs
    assert first.success and second.success
    evaluations = [e.event_specific_data for e in first.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    # a fetch check and a GX check per partner source, a GX check per reference table and per core table
    assert len(evaluations) == 2 * len(SOURCES) + 2 + 6
    assert [f"{e.asset_key.to_user_string()}:{e.check_name}" for e in evaluations if not e.passed] == []


def test_feeds_exist_for_every_district_with_items(two_runs):
    pipeline = two_runs[0]
    public = pipeline.public / "v1"
    for kind in ("alerts", "events"):
        for ext in ("rss", "atom", "json"):
            assert (public / kind / f"all.{ext}").is_file()
            for district in GAZ.districts:
                assert (public / kind / "district" / f"{district.code}.{ext}").is_file(), (kind, district.code)
    empty = [d.code for d in GAZ.districts
             if not json.loads((public / "events" / "district" / f"{d.code}.json").read_text())["items"]]
    assert empty == [], f"districts without upcoming events: {empty}"
    alerts = json.loads((public / "alerts" / "all.json").read_text())["items"]
    assert {i["_bkk"]["category"] for i in alerts} >= {"flood", "power_outage", "water_outage", "road_incident",
                                                      "construction", "rail_disruption"}
    assert {i["_bkk"]["source"] for i in alerts} == {"flood_sensors", "rain_gauges", "mea_outages", "mwa_outages",
                                                    "district_portals", "traffic_events", "rail_service"}


def test_every_rss_and_atom_parses_cleanly(two_runs):
    pipeline = two_runs[0]
    files = sorted((pipeline.public / "v1").rglob("*.rss")) + sorted((pipeline.public / "v1").rglob("*.atom"))
    # alerts and events per district and city-wide; alerts per category; news; fact-checks; source health;
    # the CAP index
    assert len(files) == 2 * 2 * 51 + 2 * 7 + 2 * 3 + 1
    for path in files:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.feed.get("title")


@pytest.mark.skipif(not (SHARED_SCHEMAS / "jsonfeed-v1.1.schema.json").exists(), reason="../shared/schemas absent")
def test_every_json_feed_validates_against_the_schema(two_runs):
    from jsonschema import Draft7Validator, FormatChecker
    schema = json.loads((SHARED_SCHEMAS / "jsonfeed-v1.1.schema.json").read_text())
    validator = Draft7Validator(schema, format_checker=FormatChecker())
    public = two_runs[0].public / "v1"
    files = [p for kind in ("alerts", "events", "news", "factchecks") for p in sorted((public / kind).rglob("*.json"))
             if p.parent.name != "gtfs-rt"]
    assert len(files) == 2 * 51 + 7 + 2
    for path in files:
        errors = list(validator.iter_errors(json.loads(path.read_text())))
        assert not errors, (path, errors[:2])


def test_thai_text_from_the_tis620_portal_arrives_intact(two_runs):
    pipeline = two_runs[0]
    feed = json.loads((pipeline.public / "v1" / "events" / "district" / "1001.json").read_text())
    text = " ".join(i["content_text"] for i in feed["items"])
    assert "สำนักงานเขตพระนคร" in text
    assert "\ufffd" not in text and "à¸" not in text     # no replacement chars, no mojibake
    # 1001 declares TIS-620 in its header, 1013 only in a <meta> tag: every notice body arrives verbatim.
    bodies = dict(pipeline.query("SELECT notice_id, body_th FROM staged.district_notices "
                                 "WHERE district_code IN ('1001', '1013')"))
    expected = [n for n in expected_notices(GAZ) if n.district_code in ("1001", "1013")]
    assert len(bodies) == len(expected)
    for notice in expected:
        assert notice.body in bodies[f"{notice.district_code}/{notice.notice_id}"]


def test_buddhist_era_dates_become_the_right_dates(two_runs):
    pipeline = two_runs[0]
    got = {nid: (start.astimezone(BANGKOK), all_day) for nid, start, all_day in
           pipeline.query("SELECT notice_id, starts_at, all_day FROM staged.district_notices")}
    expected = expected_notices(GAZ)
    assert len(got) == len(expected)
    for notice in expected:
        start, all_day = got[f"{notice.district_code}/{notice.notice_id}"]
        assert start.date() == notice.event_date, notice
        if notice.start:
            assert start.time() == notice.start and not all_day, notice


def test_mea_outages_are_bangkok_days_with_times(two_runs):
    pipeline = two_runs[0]
    rows = pipeline.query("SELECT starts_at, ends_at, area_en FROM staged.mea_outages ORDER BY starts_at")
    expected = expected_outages()
    assert sorted((r[0].astimezone(BANGKOK).replace(tzinfo=None), r[2]) for r in rows) == sorted(
        (__import__("datetime").datetime.combine(e.day, e.start), e.area) for e in expected)
    assert all(r[1] > r[0] and r[1] - r[0] < timedelta(hours=12) for r in rows)


def test_flood_alerts_match_flooding_sensors_and_their_districts(two_runs):
    pipeline = two_runs[0]
    flooding = pipeline.sites._servers["flood_sensors"].site.expected_flooding(10)
    rows = dict(pipeline.query("SELECT source_record_id, district_code FROM core.alerts WHERE source = 'flood_sensors'"))
    assert rows == {s.code: s.district_code for s in flooding}
    methods = pipeline.query("SELECT DISTINCT geotag_method FROM core.alerts WHERE source = 'flood_sensors'")
    # Without ../shared's boundary file (a clone on its own) the pipeline falls back to district names.
    from tests.conftest import BOUNDARIES
    assert methods == [("point_in_polygon",) if BOUNDARIES.exists() else ("named_area",)]


def test_second_run_is_conditional_and_rewrites_nothing(two_runs):
    pipeline, first, second, first_manifest, first_release, first_inodes, first_log, second_log = two_runs
    pages = [r for r in second_log if not r.path.endswith("robots.txt")]
    assert pages and all(r.conditional for r in pages)
    assert sum(r.status == 304 for r in pages) == len(pages)
    assert all(r.user_agent.startswith("BKKConnectDataHub/") for r in first_log + second_log)
    # Only source health moves: a second pass is a new attempt (its time is data). Every other file keeps
    # its bytes and its inode (so its ETag and Last-Modified).
    health = HEALTH_PATHS
    second_manifest = pipeline.manifest()
    assert set(second_manifest) == set(first_manifest)
    changed = {p for p in first_manifest if second_manifest[p] != first_manifest[p]}
    assert changed and sorted(p for p in changed if not p.startswith(health)) == []
    assert {p: (pipeline.public / p).stat().st_ino for p in first_manifest if not p.startswith(health)} == \
        {p: i for p, i in first_inodes.items() if not p.startswith(health)}


def _feed(pipeline, path: str) -> dict:
    return json.loads((pipeline.public / path).read_text())


def _site(pipeline, name: str):
    return pipeline.sites._servers[name].site


def test_every_partner_source_reaches_the_published_files(two_runs):
    """All 11 sources end to end: what each sample site serves is what the app can read."""
    from datetime import datetime, timezone

    from model.core_tables import stable_id
    pipeline = two_runs[0]
    now = datetime.now(timezone.utc)
    alerts = _feed(pipeline, "v1/alerts/all.json")["items"]
    by_source: dict[str, set[str]] = {}
    for item in alerts:
        by_source.setdefault(item["_bkk"]["source"], set()).add(item["id"].rsplit(":", 1)[1])
    # Water outages (polygons) and traffic events: every one not over yet is a current alert.
    water = [o for o in _site(pipeline, "mwa_outages").expected_outages()
             if o.ends_at > now and not o.reason.startswith("ยกเลิก")]     # a cancelled outage is no alert
    assert len(by_source["mwa_outages"]) == len(water)
    events_now = [e for e in _site(pipeline, "traffic_events").expected_events() if e.ends_at is None or e.ends_at > now]
    merged = {alert_id for (alert_id,) in pipeline.query("SELECT alert_id FROM core.alerts WHERE status = 'merged'")}
    assert by_source["traffic_events"] == {stable_id("traffic_events", e.eid) for e in events_now} - merged
    # Heavy rain: one flood-risk alert per gauge over the threshold (published, or fused into another alert).
    heavy = set(_site(pipeline, "rain_gauges").expected_heavy_rain(35))
    rain = pipeline.query("SELECT alert_id, source_record_id FROM core.alerts "
                          "WHERE source = 'rain_gauges' AND status IN ('active', 'merged')")
    assert {gauge for _, gauge in rain} == heavy
    assert by_source["rain_gauges"] == {alert_id for alert_id, _ in rain} - merged
    # Rail: active disruptions name real Bangkok GTFS ids.
    rail = [i for i in alerts if i["_bkk"]["source"] == "rail_service"]
    assert rail and all(i["_bkk"]["route_ids"] for i in rail if i["_bkk"]["category"] == "rail_disruption")
    # News, fact-checks, places, contacts and guides, complaints.
    assert len(_feed(pipeline, "v1/news/all.json")["items"]) == len(_site(pipeline, "bma_press").expected_releases())
    assert len(_feed(pipeline, "v1/factchecks/all.json")["items"]) == len(
        _site(pipeline, "factchecks").expected_factchecks())
    places = _site(pipeline, "tourism").expected_places()
    assert _feed(pipeline, "v1/places/all.json")["count"] == sum(p.category != "festival" for p in places)
    festivals = {e["id"] for e in _feed(pipeline, "v1/events/all.json")["items"] if e["_bkk"]["category"] == "festival"}
    assert festivals, "festivals from the tourism API join the events calendar"
    assert _feed(pipeline, "v1/contacts/all.json")["count"] >= 60
    assert _feed(pipeline, "v1/guides/all.json")["count"] >= 10
    complaints = _feed(pipeline, "v1/complaints/all.json")
    assert complaints["count"] > 1000
    assert sum(_feed(pipeline, f"v1/complaints/district/{d.code}.json")["count"] for d in GAZ.districts) <= \
        complaints["count"]


def test_no_personal_text_or_script_reaches_any_published_file(two_runs):
    pipeline = two_runs[0]
    texts = [_published_text(p) for p in (pipeline.public / "v1").rglob("*") if p.is_file()]
    joined = "\n".join(texts).lower()
    # the payloads the sample sites carry: script tags, event handlers, iframes, script URLs
    for needle in ("<script", "javascript:", "onerror", "onclick", "<iframe", "&lt;script", "&lt;iframe",
                   "document.cookie", "steal()", "track()"):
        assert needle not in joined, needle
    import re
    assert not re.search(r"\bon[a-z]+\s*=\s*[\"'a-z]", joined), re.search(r".{40}\bon[a-z]+\s*=.{40}", joined)
    complaints = _feed(pipeline, "v1/complaints/all.json")["items"]
    assert complaints and not any(k in complaints[0] for k in ("address", "address_th", "photo_url"))
    assert all(round(c["lat"], 3) == c["lat"] for c in complaints if c["lat"] is not None)   # coarsened
    # Every piece of personal data the sample complaints carry is gone from every published file.
    from model.privacy import find_pii
    leaks = {found for t in _site(pipeline, "traffy").expected_tickets() for _, found in find_pii(t.description)}
    assert len(leaks) >= 5, "the sample complaints should carry personal data to scrub"
    published = "\n".join(texts)
    assert [leak for leak in leaks if leak in published] == []
    assert "[โทร]" in published or "[ชื่อ]" in published


def _published_text(path) -> str:
    """A published file's text; Parquet and protobuf files are read back through their readers."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq
        return pq.read_table(path).to_pandas().to_csv(index=False)
    if path.suffix == ".zip":
        import zipfile
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    if path.suffix == ".pb":
        from google.protobuf import text_format
        from google.transit import gtfs_realtime_pb2
        message = gtfs_realtime_pb2.FeedMessage()
        message.ParseFromString(path.read_bytes())
        return text_format.MessageToString(message, as_utf8=True)
    return path.read_text(encoding="utf-8")


def test_every_published_file_passes_its_external_validator(two_runs):
    """All files of the run, not a sample: feeds, CAP, GTFS-realtime, GeoJSON, iCalendar, datasets."""
    from tests.published_validators import validate_tree
    pipeline = two_runs[0]
    counts = validate_tree(pipeline.public)
    assert counts["cap"] >= 20 and counts["gtfs_rt"] == 1 and counts["ical"] == 51
    tables = 10                                   # every core table, alert_versions included
    assert counts["datapackage"] == 2 * tables and counts["geojson"] >= 1 + 51 + 7 + 4
    assert counts["dcat"] == 2 and counts["ckan"] == 3 + tables and counts["gtfs"] == 1
    assert counts["wzdx"] == 1 and counts["cifs"] == 1 and counts["html"] == 1 + tables
    files = sum(1 for top in ("v1", "api") for p in (pipeline.public / top).rglob("*") if p.is_file())
    assert sum(counts.values()) == files


def test_ckanapi_reads_the_served_catalog(two_runs):
    import threading

    import ckanapi

    from publish.serve import make_server
    server = make_server(two_runs[0].public, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        ckan = ckanapi.RemoteCKAN(server.url, get_only=True)        # a static tree answers GET only
        names = ckan.action.package_list()
        assert "bkkconnect-alerts" in names and len(names) == 10
        alerts = ckan.action.package_show(id="bkkconnect-alerts")
        assert {r["format"] for r in alerts["resources"]} >= {"CSV", "PARQUET", "GEOJSON", "RSS", "ATOM"}
        assert ckan.action.package_search()["count"] == 10
        with pytest.raises(ckanapi.NotFound):
            ckan.action.package_show(id="no-such-dataset")
        csv_url = next(r["url"] for r in alerts["resources"] if r["format"] == "CSV")
        assert csv_url.startswith(two_runs[0].resources["public_tree"].url())
    finally:
        server.shutdown()


def test_rail_disruptions_reach_cap_and_gtfs_realtime(two_runs):
    from google.transit import gtfs_realtime_pb2
    pipeline = two_runs[0]
    message = gtfs_realtime_pb2.FeedMessage()
    message.ParseFromString((pipeline.public / "v1/alerts/gtfs-rt/alerts.pb").read_bytes())
    rail = [i for i in _feed(pipeline, "v1/alerts/category/rail_disruption.json")["items"]]
    assert rail and {e.id for e in message.entity} == {i["id"].rsplit(":", 1)[1] for i in rail}
    index = feedparser.parse((pipeline.public / "v1/alerts/cap/index.atom").read_bytes())
    cap_files = sorted((pipeline.public / "v1/alerts/cap").glob("*.xml"))
    assert len(index.entries) == len(cap_files) >= len(_feed(pipeline, "v1/alerts/all.json")["items"])
    assert all(e.link.endswith(".xml") and (pipeline.public / "v1/alerts/cap" / e.link.rsplit("/", 1)[1]).is_file()
               for e in index.entries)


def test_incremental_sources_fetch_only_their_first_page_on_the_second_run(two_runs):
    pipeline, *_, first_log, second_log = two_runs
    for site in ("traffy", "bma_press"):
        first = [r for r in first_log if r.site == site and not r.path.endswith("robots.txt")]
        second = [r for r in second_log if r.site == site and not r.path.endswith("robots.txt")]
        assert len(first) > 1 and len(second) == 1, (site, len(first), len(second))
    # ... and their staged tables keep everything the first run found (incremental: no absence removal).
    assert pipeline.query("SELECT count(*) FROM staged.traffy_complaints")[0][0] == len(
        _site(pipeline, "traffy").expected_tickets())


def test_notice_attachments_are_published_as_safe_links(two_runs):
    pipeline = two_runs[0]
    events = _feed(pipeline, "v1/events/all.json")["items"]
    attachments = [a for e in events for a in e["_bkk"].get("attachments", [])]
    assert any(a["type"] == "pdf" for a in attachments)
    assert all(a["url"].startswith(("http://", "https://")) and a["title"] for a in attachments)
    staged = pipeline.query("SELECT count(*) FROM staged.district_notices WHERE attachments <> '[]'")[0][0]
    assert staged > 50


def test_complaints_carry_subdistrict_codes_inside_their_district(two_runs):
    pipeline = two_runs[0]
    total, coded, inside = pipeline.query(
        "SELECT count(*), count(subdistrict_code), count(*) FILTER (WHERE left(subdistrict_code, 4) = district_code) "
        "FROM core.complaints")[0]
    assert coded == inside and coded >= 0.8 * total, (total, coded, inside)


def test_alerts_name_the_khwaeng_from_the_text_and_tag_the_source_language(two_runs):
    pipeline = two_runs[0]
    rows = pipeline.query("SELECT source, count(*), count(subdistrict_code), "
                          "count(*) FILTER (WHERE list_contains(district_codes, left(subdistrict_code, 4))) "
                          "FROM core.alerts WHERE source IN ('mwa_outages', 'traffic_events') GROUP BY 1")
    for source, total, coded, inside in rows:
        assert coded == inside, (source, total, coded, inside)      # never a khwaeng outside the alert's districts
    assert dict((r[0], r[2]) for r in rows)["mwa_outages"] >= 10    # MWA names the khwaeng in every area
    languages = dict(pipeline.query("SELECT source, string_agg(DISTINCT source_language, ',') FROM core.alerts "
                                    "GROUP BY 1"))
    assert languages["mea_outages"] == "en" and languages["mwa_outages"] == "th"


def test_one_flood_reported_by_a_sensor_and_a_driver_is_one_published_alert(two_runs):
    """Fusion end to end: the sample sites' showcase flood (sensor FL.BKP06.09 and traffic report 900211)."""
    from model.core_tables import stable_id
    from model.fusion import SOURCE_WEIGHT
    pipeline = two_runs[0]
    items = {i["id"].rsplit(":", 1)[1]: i for i in _feed(pipeline, "v1/alerts/all.json")["items"]}
    report = stable_id("traffic_events", "900211")
    status, primary = pipeline.query(f"SELECT status, merged_into FROM core.alerts WHERE alert_id = '{report}'")[0]
    assert status == "merged" and report not in items
    fused = items[primary]["_bkk"]
    assert fused["source"] == "flood_sensors" and fused["sources"][:2] == ["flood_sensors", "traffic_events"]
    assert report in fused["related_alert_ids"]
    assert fused["confidence_score"] > SOURCE_WEIGHT["official_sensor"]     # a confirmation raised it
    references = pipeline.query(f"SELECT \"references\" FROM core.alerts WHERE alert_id = '{primary}'")[0][0]
    assert any(r.startswith(f"{report}:v") for r in references)              # CAP lineage to the merged report
    # Every merged alert points at a published alert that lists its source.
    for alert_id, source, into in pipeline.query("SELECT alert_id, source, merged_into FROM core.alerts "
                                                 "WHERE status = 'merged'"):
        assert alert_id not in items and source in items[into]["_bkk"]["sources"]
