"""The GTFS feed of scheduled mobile services: gtfs-validator (no errors) and node-gtfs (imports every row),
on visits written for the test; and a broken feed that the validator must reject."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from hub.gazetteer import Gazetteer
from publish import event_sets, gtfs_static
from tests import published_validators as v

BKK = timezone(timedelta(hours=7))
DAY = datetime(2026, 11, 30, 9, 0, tzinfo=BKK)


def visit(event_id: str, **overrides) -> gtfs_static.Visit:
    fields = dict(event_id=event_id, district_code="1001", category="mobile_registration",
                  title_th="หน่วยบริการทำบัตรประจำตัวประชาชนเคลื่อนที่",
                  description_th="ออกหน่วยบริการ ณ ซอยประชาร่วมใจ 3 ผู้ใช้บริการโปรดนำบัตรเดิมมาด้วย",
                  starts_at=DAY, ends_at=DAY + timedelta(hours=6), all_day=False)
    fields.update(overrides)
    return gtfs_static.Visit(**fields)


VISITS = [visit("e1"), visit("e2", district_code="1030", category="pet_vaccination", starts_at=DAY + timedelta(days=1),
                             description_th="ฉีดวัคซีน ณ ลานอเนกประสงค์ สำนักงานเขตจตุจักร วันเสาร์"),
          visit("e3", category="bulky_waste", all_day=True, starts_at=DAY.replace(hour=0), ends_at=None),
          visit("e4", category="mosquito_fogging", starts_at=DAY.replace(hour=22), ends_at=DAY + timedelta(hours=16)),
          visit("e5", category="job_training")]                 # not a mobile service: not in the feed


def _rows(feed: bytes, name: str) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(feed)) as archive:
        return archive.read(name).decode("utf-8").splitlines()


def test_the_feed_validates_and_node_gtfs_imports_it(tmp_path):
    feed = gtfs_static.feed(VISITS, event_sets.offices(Gazetteer.load()), "https://data.bangkok.go.th", "opendata@bangkok.go.th")
    path = tmp_path / "mobile-services.zip"
    path.write_bytes(feed)
    v.check_gtfs(path)
    counts = v.gtfs_counts(path)
    assert counts["trips"] == 4 and counts["stop_times"] == 8 and counts["stops"] == 2 and counts["calendar"] == 2
    trips = _rows(feed, "trips.txt")
    assert any("ซอยประชาร่วมใจ 3" in t for t in trips) and any("ลานอเนกประสงค์ สำนักงานเขตจตุจักร" in t for t in trips)
    times = _rows(feed, "stop_times.txt")
    assert "e4,22:00:00,22:00:00,district-1001,1,1" in times and "e4,25:00:00,25:00:00,district-1001,2,1" in times
    assert "e3,08:00:00,08:00:00,district-1001,1,1" in times                  # an all-day round: office hours
    assert _rows(feed, "calendar.txt")[1:] == ["d20261130,1,0,0,0,0,0,0,20261130,20261130",
                                               "d20261201,0,1,0,0,0,0,0,20261201,20261201"]
    assert gtfs_static.feed(list(reversed(VISITS)), event_sets.offices(Gazetteer.load()), "https://data.bangkok.go.th",
                            "opendata@bangkok.go.th") == feed                                # same visits, same bytes


def test_no_visit_no_feed():
    assert gtfs_static.feed([visit("x", category="job_training")], event_sets.offices(Gazetteer.load()),
                            "https://data.bangkok.go.th", "opendata@bangkok.go.th") is None


def test_the_validator_rejects_a_trip_at_an_unknown_stop(tmp_path):
    feed = gtfs_static.feed(VISITS, event_sets.offices(Gazetteer.load()), "https://data.bangkok.go.th", "opendata@bangkok.go.th")
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(feed)) as source, zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data.replace(b"district-1030,1", b"district-9999,1") if name == "stop_times.txt"
                            else data)
    (tmp_path / "broken.zip").write_bytes(broken.getvalue())
    with pytest.raises(AssertionError, match="foreign_key_violation"):
        v.check_gtfs(tmp_path / "broken.zip")
