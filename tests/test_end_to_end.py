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
from tests.conftest import SHARED_SCHEMAS

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
    assert len(evaluations) == 6 and all(e.passed for e in evaluations)


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
    assert {i["_bkk"]["category"] for i in alerts} == {"flood", "power_outage", "construction"}


def test_every_rss_and_atom_parses_cleanly(two_runs):
    pipeline = two_runs[0]
    files = sorted((pipeline.public / "v1").rglob("*.rss")) + sorted((pipeline.public / "v1").rglob("*.atom"))
    assert len(files) == 2 * 2 * 51
    for path in files:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.feed.get("title")


@pytest.mark.skipif(not (SHARED_SCHEMAS / "jsonfeed-v1.1.schema.json").exists(), reason="../shared/schemas absent")
def test_every_json_feed_validates_against_the_schema(two_runs):
    from jsonschema import Draft7Validator, FormatChecker
    schema = json.loads((SHARED_SCHEMAS / "jsonfeed-v1.1.schema.json").read_text())
    validator = Draft7Validator(schema, format_checker=FormatChecker())
    files = sorted((two_runs[0].public / "v1").rglob("*.json"))
    assert len(files) == 2 * 51
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
    rows = dict(pipeline.query("SELECT source_record_id, district_code FROM core.alerts WHERE category = 'flood'"))
    assert rows == {s.code: s.district_code for s in flooding}
    methods = pipeline.query("SELECT DISTINCT geotag_method FROM core.alerts WHERE category = 'flood'")
    assert methods == [("point_in_polygon",)]


def test_second_run_is_conditional_and_rewrites_nothing(two_runs):
    pipeline, first, second, first_manifest, first_release, first_inodes, first_log, second_log = two_runs
    pages = [r for r in second_log if not r.path.endswith("robots.txt")]
    assert pages and all(r.conditional for r in pages)
    assert sum(r.status == 304 for r in pages) == len(pages)
    assert all(r.user_agent.startswith("BKKConnectDataHub/") for r in first_log + second_log)
    assert pipeline.manifest() == first_manifest
    assert os.readlink(pipeline.public / "current") == first_release        # no new release at all
    assert {p: (pipeline.public / p).stat().st_ino for p in first_manifest} == first_inodes
