"""Open datasets (CSV, Parquet, GeoJSON + Frictionless datapackage) and iCalendar files, through
`frictionless validate`, icalendar and ical, with proof that those checks catch broken files."""
from __future__ import annotations

import json
from pathlib import Path
from datetime import date, datetime, timedelta, timezone

import duckdb
import pytest

from hub.gazetteer import Gazetteer
from model.column_docs import table_columns
from publish import datasets, event_sets, ical
from tests import published_validators as v

BKK = timezone(timedelta(hours=7))
T0 = datetime(2026, 11, 28, 9, 0, tzinfo=BKK)
EVENTS = next(d for d in datasets.DATASETS if d.table == "events")
HEALTH = next(d for d in datasets.DATASETS if d.table == "source_health")


@pytest.fixture
def warehouse():
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE SCHEMA core")
    for table in ("events", "source_health"):
        columns = ", ".join(f'"{c}" {t}' for c, t in table_columns(table).items())
        con.execute(f"CREATE TABLE core.{table} ({columns})")
    con.execute("""INSERT INTO core.events BY NAME SELECT * FROM (VALUES
        ('e2', 'district_portals', 'n2', 'pet_vaccination', 'ฉีดวัคซีน', 'Vaccination', 'ฉีดวัคซีน · พระนคร',
         'Pet rabies vaccination · Phra Nakhon', 'ฟรี, "นำสุนัขมา"', NULL, TIMESTAMPTZ '2026-11-28 02:00:00+00',
         TIMESTAMPTZ '2026-11-28 05:00:00+00', false, '1001', NULL, 'สำนักงานเขตพระนคร', NULL, '02-000-0000',
         'https://example.org/n2', 'source_unit', 13.75, 100.49, NULL, TIMESTAMPTZ '2026-11-20 01:00:00+00',
         TIMESTAMPTZ '2026-11-25 01:00:00+00', 'h2'),
        ('e1', 'district_portals', 'n1', 'bulky_waste', 'ขยะชิ้นใหญ่', 'Bulky waste', 'เก็บขยะชิ้นใหญ่ · พระนคร',
         'Bulky-waste pickup · Phra Nakhon', NULL, NULL, TIMESTAMPTZ '2026-11-28 17:00:00+00',
         TIMESTAMPTZ '2026-11-29 17:00:00+00', true, '1001', NULL, NULL, NULL, NULL, NULL, 'none', NULL, NULL,
         NULL, TIMESTAMPTZ '2026-11-20 01:00:00+00', TIMESTAMPTZ '2026-11-25 01:00:00+00', 'h1'))
        AS t(event_id, source, source_record_id, category, title_th, title_en, headline_th, headline_en,
             description_th, description_en, starts_at, ends_at, all_day, district_code, subdistrict_code,
             organiser_th, organiser_en, contact_phone, source_url, geotag_method, lat, lon, attachments,
             first_seen_at, last_seen_at, content_hash)""")
    con.execute("""INSERT INTO core.source_health (source, title, status, consecutive_failures, last_error, fresh)
                   VALUES ('traffy', 'Traffy Fondue', 'ok', 0, '/srv/secret/path: refused', true)""")
    yield con
    con.close()


def _build(warehouse, dataset, tmp_path, name: str = "work") -> dict[str, bytes]:
    """The dataset's files as bytes (DuckDB writes the big ones into a work folder)."""
    release = datasets.build(warehouse, dataset, "https://data.example", date(2026, 11, 28), tmp_path / name)
    return {path: data.read_bytes() if isinstance(data, Path) else data for path, data in release.files.items()}


def _write_all(tmp_path, files: dict[str, bytes]):
    for path, data in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)


def test_a_dataset_is_csv_parquet_geojson_and_a_valid_datapackage(tmp_path, warehouse):
    files = _build(warehouse, EVENTS, tmp_path)
    stem = "v1/datasets/events"
    assert set(files) == {f"{stem}/{n}" for n in ("events.csv", "events.parquet", "events.geojson",
                                                  "datapackage.json")} | \
        {f"{stem}/snapshots/2026-11-28/{n}" for n in ("events.csv", "events.parquet", "events.geojson",
                                                      "datapackage.json")}
    _write_all(tmp_path, files)
    for path in (tmp_path / stem, tmp_path / stem / "snapshots" / "2026-11-28"):
        v.check_datapackage(path / "datapackage.json")
        v.check_geojson(path / "events.geojson")
    csv_text = files[f"{stem}/events.csv"].decode()
    header, first = csv_text.splitlines()[:2]
    assert "content_hash" not in header                                  # private columns stay home
    assert first.startswith("e1,") and "2026-11-29T00:00:00+07:00" in first   # ordered by id, Bangkok time
    package = json.loads(files[f"{stem}/datapackage.json"])
    fields = package["resources"][0]["schema"]["fields"]
    assert all(" / " in f["description"] for f in fields)                # English / Thai
    assert package["licenses"][0]["name"] == "CC-BY-4.0" and package["sources"]
    # same table, same bytes
    assert _build(warehouse, EVENTS, tmp_path, "again") == files


def test_frictionless_catches_a_changed_file_and_a_wrong_type(tmp_path, warehouse):
    files = _build(warehouse, EVENTS, tmp_path)
    _write_all(tmp_path, files)
    folder = tmp_path / "v1/datasets/events"
    (folder / "events.parquet").write_bytes((folder / "events.parquet").read_bytes() + b"x")
    with pytest.raises(AssertionError):
        v.check_datapackage(folder / "datapackage.json")                 # size and hash no longer match
    _write_all(tmp_path, files)
    package = json.loads((folder / "datapackage.json").read_text())
    for field in package["resources"][0]["schema"]["fields"]:
        if field["name"] == "title_th":
            field["type"] = "integer"
    (folder / "datapackage.json").write_text(json.dumps(package))
    with pytest.raises(AssertionError):
        v.check_datapackage(folder / "datapackage.json")


def test_private_columns_never_leave_the_warehouse(tmp_path, warehouse):
    files = _build(warehouse, HEALTH, tmp_path)
    assert not any(b"/srv/secret" in data for data in files.values())
    assert "v1/datasets/source_health/source_health.geojson" not in files        # no place, no GeoJSON
    _write_all(tmp_path, files)
    v.check_datapackage(tmp_path / "v1/datasets/source_health/datapackage.json")


def test_snapshots_older_than_the_kept_days_expire():
    paths = [f"v1/datasets/alerts/snapshots/2026-11-{d:02d}/alerts.csv" for d in range(15, 29)] + \
            ["v1/datasets/alerts/alerts.csv", "v1/datasets/alerts/snapshots/notes/x"]
    expired = datasets.expired_snapshots(paths, date(2026, 11, 28), keep_days=7)
    assert expired == {f"v1/datasets/alerts/snapshots/2026-11-{d:02d}" for d in range(15, 22)}


def test_calendars_have_what_rfc5545_asks_and_read_in_two_parsers(tmp_path, warehouse):
    frame = warehouse.execute("SELECT * FROM core.events").df()
    files = event_sets.calendar_files(frame, Gazetteer.load(), T0 - timedelta(days=1))
    assert len(files) == 51
    _write_all(tmp_path, files)
    v.check_ical(tmp_path / "v1/events/all.ics")
    v.check_ical(tmp_path / "v1/events/district/1001.ics")
    text = files["v1/events/district/1001.ics"].decode()
    assert "DTSTART;TZID=Asia/Bangkok:20261128T090000" in text           # local time with its zone
    assert "DTSTART;VALUE=DATE:20261129" in text and "DTEND;VALUE=DATE:20261130" in text   # all-day, exclusive end
    assert "BEGIN:VTIMEZONE" in text and "TZID:Asia/Bangkok" in text
    assert "BEGIN:VEVENT" not in files["v1/events/district/1050.ics"].decode()
    later = event_sets.calendar_files(frame, Gazetteer.load(), T0 + timedelta(days=3))
    assert "BEGIN:VEVENT" not in later["v1/events/all.ics"].decode()      # over: gone from the calendar
    assert event_sets.calendar_files(frame, Gazetteer.load(), T0 - timedelta(days=1)) == files


def _calendar_event(uid: str, starts_at: datetime, **kwargs) -> ical.CalendarEvent:
    fields = dict(stamp=T0, ends_at=None, all_day=False, summary_th="ก", summary_en="a", description="",
                  location="", category="other", url=None)
    return ical.CalendarEvent(uid=uid, starts_at=starts_at, **{**fields, **kwargs})


def test_calendars_sharing_events_are_the_bytes_icalendar_writes_for_each_calendar():
    shared = _calendar_event("shared@x", T0 + timedelta(hours=2), description="ยาว " * 40, lat=13.7, lon=100.5)
    early = _calendar_event("early@x", T0, all_day=True, summary_th="วันหยุด")
    late = _calendar_event("late@x", T0 + timedelta(days=1), ends_at=T0 + timedelta(days=1, hours=3),
                           url="https://example.org/n/1", category="health")
    calendars = ical.CalendarSet()
    for name, events in [("all", [late, shared, early]), ("one", [shared]), ("none", [])]:
        whole = ical._shell(name, "d")
        for e in sorted(events, key=lambda e: (e.starts_at, e.uid)):
            whole.add_component(ical._vevent(e))
        assert calendars.render(name, "d", events) == whole.to_ical()


def test_the_calendar_check_wants_a_dtstamp(tmp_path):
    body = ical.CalendarSet().render("x", "y", [_calendar_event("u@x", T0)])
    (tmp_path / "ok.ics").write_bytes(body)
    v.check_ical(tmp_path / "ok.ics")
    broken = b"\r\n".join(line for line in body.split(b"\r\n") if not line.startswith(b"DTSTAMP"))
    (tmp_path / "broken.ics").write_bytes(broken)
    with pytest.raises(Exception):
        v.check_ical(tmp_path / "broken.ics")
