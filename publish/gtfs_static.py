"""A GTFS-style static feed of the districts' scheduled mobile services: v1/gtfs/mobile-services.zip.

Mobile ID-card units, pet vaccination and sterilisation rounds, bulky-waste pickup and mosquito
fogging are visits at a place and a time, announced by each district office. In GTFS terms:

- agency: the district office (agency_id = DOPA code, its phone and portal);
- route: one kind of service of one district ("1001-mobile_registration"), route_type 3: the units
  travel by road in vans and trucks;
- stop: the district's reference point (reference/gazetteer/district_points.csv). Notices name the
  venue in words ("ณ ซอยประชาร่วมใจ 3") but give no coordinates, so a visit is placed at its district's
  point and the venue is the trip's headsign: a district-level place, never an invented address;
- trip: one visit (trip_id = the event id); it arrives when the service opens and departs when it
  closes, as two stop times at the district stop (a trip needs two for a consumer to use it);
- calendar: one service per day of visits, running on that date only;
- feed_info: publisher, contact, the dates covered.

Only upcoming visits are in the feed. The zip is deterministic (sorted rows, fixed member times), so
an unchanged timetable keeps its bytes and its ETag.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from hub.thai_dates import BANGKOK
from model.wording import LABELS

CATEGORIES = ("mobile_registration", "pet_vaccination", "sterilisation", "bulky_waste", "mosquito_fogging")
ROUTE_TYPE_BUS = 3
_VENUE = re.compile(r"(?:^|\s)ณ\s*(.+?)(?=\s+(?:ผู้|วัน|กำหนด|เวลา|โทร|สอบถาม|ติดต่อ|รายละเอียด)|$)")


@dataclass(frozen=True)
class Office:
    code: str
    name_th: str
    name_en: str
    phone: str | None
    url: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Visit:
    event_id: str
    district_code: str
    category: str
    title_th: str
    description_th: str
    starts_at: datetime
    ends_at: datetime | None
    all_day: bool


def venue(visit: Visit) -> str:
    """Where the unit goes, as the notice says it ("ซอยประชาร่วมใจ 3"), else the notice's title."""
    found = _VENUE.search(visit.description_th or "")
    return (found.group(1).strip() if found else visit.title_th)[:120]


def _times(visit: Visit) -> tuple[date, str, str]:
    start = visit.starts_at.astimezone(BANGKOK)
    if visit.all_day or visit.ends_at is None:
        return start.date(), "08:00:00" if visit.all_day else start.strftime("%H:%M:%S"), "16:00:00"
    end = visit.ends_at.astimezone(BANGKOK)
    # GTFS times count from noon minus 12 h of the service day: a visit past midnight reads 24:30:00.
    hours = int((end - datetime.combine(start.date(), datetime.min.time(), BANGKOK)).total_seconds() // 3600)
    end_text = f"{hours:02d}:{end.minute:02d}:{end.second:02d}" if end > start else start.strftime("%H:%M:%S")
    return start.date(), start.strftime("%H:%M:%S"), end_text


def _table(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(sorted(rows, key=lambda r: [str(v) for v in r]))
    return out.getvalue().encode("utf-8")


def feed(visits: list[Visit], offices: dict[str, Office], publisher_url: str, contact_email: str) -> bytes | None:
    """The zipped feed, or None without any visit (GTFS has no empty timetable)."""
    visits = [v for v in visits if v.category in CATEGORIES and v.district_code in offices]
    if not visits:
        return None
    used = sorted({v.district_code for v in visits})
    times = {v: _times(v) for v in visits}      # (service day, arrival, departure) of each visit
    days = sorted({day for day, _, _ in times.values()})
    files = {
        "agency.txt": _table(
            ["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang", "agency_phone"],
            [[c, f"สำนักงานเขต{offices[c].name_th} ({offices[c].name_en} District Office)", offices[c].url,
              "Asia/Bangkok", "th", offices[c].phone or ""] for c in used]),
        "stops.txt": _table(
            ["stop_id", "stop_code", "stop_name", "stop_desc", "stop_lat", "stop_lon", "location_type", "stop_timezone"],
            [[f"district-{c}", c, f"เขต{offices[c].name_th} / {offices[c].name_en}",
              f"{offices[c].name_en} district: the notices give each visit's venue in words (the trip's "
              "headsign), not its coordinates", f"{offices[c].lat:.6f}", f"{offices[c].lon:.6f}", 0,
              "Asia/Bangkok"] for c in used]),
        "routes.txt": _table(
            ["route_id", "agency_id", "route_short_name", "route_long_name", "route_desc", "route_type"],
            [[f"{c}-{k}", c, "", f"{LABELS[k][0]} เขต{offices[c].name_th} / {LABELS[k][1]}, {offices[c].name_en}",
              f"{LABELS[k][1]} visits announced by the {offices[c].name_en} district office", ROUTE_TYPE_BUS]
             for c, k in sorted({(v.district_code, v.category) for v in visits})]),
        "trips.txt": _table(
            ["route_id", "service_id", "trip_id", "trip_headsign", "trip_short_name"],
            [[f"{v.district_code}-{v.category}", f"d{times[v][0]:%Y%m%d}", v.event_id, venue(v), v.title_th[:80]]
             for v in visits]),
        "stop_times.txt": _table(
            ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence", "timepoint"],
            [row for v in visits for row in (
                [v.event_id, times[v][1], times[v][1], f"district-{v.district_code}", 1, 1],
                [v.event_id, times[v][2], times[v][2], f"district-{v.district_code}", 2, 1])]),
        "calendar.txt": _table(
            ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
             "start_date", "end_date"],
            [[f"d{d:%Y%m%d}", *[int(d.weekday() == i) for i in range(7)], f"{d:%Y%m%d}", f"{d:%Y%m%d}"]
             for d in days]),
        "feed_info.txt": _table(
            ["feed_publisher_name", "feed_publisher_url", "feed_lang", "default_lang", "feed_start_date",
             "feed_end_date", "feed_version", "feed_contact_email", "feed_contact_url"],
            [["Bangkok Metropolitan Administration (BKK Connect Data Hub)", publisher_url, "th", "th",
              f"{days[0]:%Y%m%d}", f"{days[-1]:%Y%m%d}", f"{days[0]:%Y%m%d}-{days[-1]:%Y%m%d}-{len(visits)}",
              contact_email, publisher_url]]),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()

