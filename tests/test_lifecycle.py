"""Alert lifecycle across runs: a flood alert ends when its sensor falls back, and stays as history."""
from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from model.core_tables import ALERT_COLUMNS, finish, new_alert
from model.lifecycle import with_history
from pipelines.definitions import ALL_ASSETS

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def _alert(source: str, record: str, **fields) -> dict:
    return new_alert(source, record, "flood", **{"starts_at": NOW - timedelta(hours=1), **fields})


def _frame(*rows) -> pd.DataFrame:
    return finish([dict(r) for r in rows], ALERT_COLUMNS)


def test_a_cleared_sensor_ends_its_alert_at_the_reading_time():
    previous = _frame(_alert("flood_sensors", "FL.1"), _alert("flood_sensors", "FL.2"))
    cleared_at = NOW - timedelta(minutes=5)
    out = with_history(_frame(_alert("flood_sensors", "FL.2")), previous, NOW,
                       {("flood_sensors", "FL.1"): cleared_at}).set_index("source_record_id")
    assert out.loc["FL.1", "status"] == "ended" and out.loc["FL.1", "ends_at"] == cleared_at
    assert out.loc["FL.1", "msg_type"] == "Update"
    assert out.loc["FL.1", "content_hash"] != previous.set_index("source_record_id").loc["FL.1", "content_hash"]
    assert out.loc["FL.2", "status"] == "active"


def test_a_flood_episode_keeps_its_id_while_it_lasts_and_a_new_one_gets_a_new_id():
    first = with_history(_frame(_alert("flood_sensors", "FL.1")), None, NOW, {})
    later = _alert("flood_sensors", "FL.1", starts_at=NOW + timedelta(minutes=10))   # next reading, still flooded
    second = with_history(_frame(later), first, NOW + timedelta(minutes=10), {})
    assert list(second["alert_id"]) == list(first["alert_id"])
    assert second["starts_at"][0] == first["starts_at"][0]
    ended = with_history(_frame(), second, NOW + timedelta(minutes=20), {("flood_sensors", "FL.1"): NOW})
    again = _alert("flood_sensors", "FL.1", starts_at=NOW + timedelta(hours=5))     # a new flood, hours later
    third = with_history(_frame(again), ended, NOW + timedelta(hours=5), {}).set_index("alert_id")
    assert len(third) == 2 and first["alert_id"][0] in third.index
    assert third.loc[first["alert_id"][0], "status"] == "ended"
    assert (third["status"] == "active").sum() == 1


def test_an_alert_past_its_end_time_is_marked_ended():
    over = _alert("traffic_events", "e9", ends_at=NOW - timedelta(hours=1))
    out = with_history(_frame(), _frame(over), NOW, {})
    assert list(out["status"]) == ["ended"] and out["ends_at"][0] == NOW - timedelta(hours=1)


def test_a_silent_sensor_keeps_its_alert():
    previous = _frame(_alert("flood_sensors", "FL.1"))
    out = with_history(_frame(), previous, NOW, {})
    assert list(out["status"]) == ["active"] and out["ends_at"].isna().all()


def test_an_alert_its_source_no_longer_lists_ends_now_and_old_history_is_untouched():
    ended_long_ago = _alert("mwa_outages", "old", status="ended", ends_at=NOW - timedelta(days=3))
    previous = _frame(_alert("mwa_outages", "gone"), ended_long_ago)
    out = with_history(_frame(), previous, NOW, {}).set_index("source_record_id")
    assert out.loc["gone", "status"] == "ended" and out.loc["gone", "ends_at"] == NOW
    assert out.loc["old", "ends_at"] == NOW - timedelta(days=3)


def test_a_cancellation_from_the_source_becomes_a_cancel_message():
    out = with_history(_frame(_alert("traffic_events", "e1", status="cancelled")), None, NOW, {})
    assert list(out["msg_type"]) == ["Cancel"]


@pytest.mark.e2e
def test_flood_alert_leaves_the_feed_when_the_water_goes_down_but_stays_in_history(pipeline):
    flood_path = [a for a in ALL_ASSETS if a.key.to_user_string() in
                  {"raw/flood_sensors", "staged/flood_sensors", "core/alerts", "public/v1/alerts"}]
    assert pipeline.run(flood_path).success
    site = pipeline.sites._servers["flood_sensors"].site
    flooding = site.expected_flooding(10)[0]
    original = list(site.sensors)
    site.sensors = [dataclasses.replace(s, flood_cm=2.0, device_status="minor_flood") if s.id == flooding.id else s
                    for s in original]
    try:
        assert pipeline.run(flood_path).success
    finally:
        site.sensors = original
    status, ends_at = pipeline.query("SELECT status, ends_at FROM core.alerts WHERE source_record_id = ?",
                                     [flooding.code])[0]
    assert status == "ended" and ends_at is not None
    feed = json.loads((pipeline.public / "v1" / "alerts" / "all.json").read_text())
    assert flooding.code not in " ".join(i["content_text"] for i in feed["items"])
    assert len(feed["items"]) == len(site.expected_flooding(10)) - 1


def test_a_changed_alert_is_a_new_version_referencing_the_old_one_and_an_unchanged_one_is_untouched():
    first = with_history(_frame(_alert("mwa_outages", "o1", sent_at=NOW), _alert("mwa_outages", "o2", sent_at=NOW)),
                         None, NOW, {})
    assert list(first["version"]) == [1, 1]
    changed = _alert("mwa_outages", "o1", ends_at=NOW + timedelta(hours=8), sent_at=NOW + timedelta(hours=1))
    same = _alert("mwa_outages", "o2", sent_at=NOW + timedelta(hours=1))
    second = with_history(_frame(changed, same), first, NOW + timedelta(hours=1), {}).set_index("source_record_id")
    o1 = second.loc["o1"]
    assert o1["version"] == 2 and o1["msg_type"] == "Update" and list(o1["references"]) == [f"{o1['alert_id']}:v1"]
    o2 = second.loc["o2"]
    assert o2["version"] == 1 and o2["msg_type"] == "Alert" and list(o2["references"]) == []
    assert o2["sent_at"] == NOW                                   # unchanged alert: unchanged bytes


def test_the_khwaeng_named_in_a_text_is_found_only_inside_the_given_districts():
    from hub.gazetteer import Gazetteer
    from model.core_tables import subdistrict_in_text
    gaz = Gazetteer.load()
    text = "น้ำท่วมขัง ซอยลาดกระบัง 30/1 แขวงลาดกระบัง เขตลาดกระบัง กรุงเทพมหานคร"
    code = subdistrict_in_text(gaz, text, ["1011"])
    assert code is not None and code.startswith("1011")
    assert subdistrict_in_text(gaz, text, ["1001"]) is None            # not in Phra Nakhon
    assert subdistrict_in_text(gaz, "ถนนพหลโยธิน ไม่มีชื่อแขวง", ["1030"]) is None
