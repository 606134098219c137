"""Calendars of the upcoming district services and events: v1/events/all.ics and
v1/events/district/<DOPA code>.ics (every district, even without events, so a subscription never 404s).
The same events are in the JSON Feed, RSS and Atom of `feed_sets`."""
from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pandas as pd

from hub.gazetteer import Gazetteer
from publish import gtfs_static, ical
from publish.row_values import when


def upcoming(frame: pd.DataFrame, now: datetime) -> list[dict]:
    """Events not over yet (as the feeds show them)."""
    out = []
    for r in frame.to_dict("records"):
        ends = when(r["ends_at"]) or when(r["starts_at"])
        if when(r["starts_at"]) is not None and (ends is None or ends > now):
            out.append(r)
    return out


def calendar_event(r: dict, gaz: Gazetteer) -> ical.CalendarEvent:
    district = gaz.district(r["district_code"]) if r.get("district_code") else None
    where = (f"เขต{district.name_th} / {district.name_en} district, Bangkok" if district else "กรุงเทพมหานคร / Bangkok")
    organiser = r.get("organiser_th") or ""
    description = "\n".join(t for t in (r.get("title_th"), r.get("description_th"),
                                        f"ผู้จัด / Organiser: {organiser}" if organiser else "",
                                        f"โทร / Phone: {r['contact_phone']}" if r.get("contact_phone") else "") if t)
    return ical.CalendarEvent(
        uid=f"{r['event_id']}@bkkconnect", stamp=when(r["first_seen_at"]), starts_at=when(r["starts_at"]),
        ends_at=when(r["ends_at"]), all_day=bool(r["all_day"]), summary_th=r["headline_th"],
        summary_en=r["headline_en"], description=description, location=where, category=r["category"],
        url=r.get("source_url") or None,
        lat=None if pd.isna(r.get("lat")) else float(r["lat"]), lon=None if pd.isna(r.get("lon")) else float(r["lon"]))


def calendar_files(frame: pd.DataFrame, gaz: Gazetteer, now: datetime) -> dict[str, bytes]:
    events = [(calendar_event(r, gaz), r.get("district_code")) for r in upcoming(frame, now)]
    calendars = ical.CalendarSet()
    files = {"v1/events/all.ics": calendars.render("BKK Connect กิจกรรมและบริการ กรุงเทพมหานคร / Bangkok events and services",
                                              "District services, events and festivals in Bangkok",
                                              [e for e, _ in events])}
    for d in gaz.districts:
        files[f"v1/events/district/{d.code}.ics"] = calendars.render(
            f"BKK Connect เขต{d.name_th} / {d.name_en}: events and services",
            f"District services and events of {d.name_en} (DOPA {d.code})", [e for e, code in events if code == d.code])
    return files


DISTRICT_POINTS = Path(__file__).resolve().parent.parent / "reference" / "gazetteer" / "district_points.csv"
PORTAL = "https://webportal.bangkok.go.th/{slug}"


def offices(gaz: Gazetteer) -> dict[str, gtfs_static.Office]:
    with DISTRICT_POINTS.open(encoding="utf-8") as fh:
        points = {row["code"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(fh)}
    return {d.code: gtfs_static.Office(d.code, d.name_th, d.name_en, d.office_phone or None,
                                       PORTAL.format(slug=d.portal_slug), *points[d.code])
            for d in gaz.districts if d.code in points}


def gtfs_files(frame: pd.DataFrame, gaz: Gazetteer, now: datetime, base_url: str) -> dict[str, bytes]:
    """v1/gtfs/mobile-services.zip: the upcoming mobile-service visits as a GTFS feed (none: no file)."""
    visits = [gtfs_static.Visit(r["event_id"], r["district_code"], r["category"], r["title_th"] or "",
                                r["description_th"] or "", when(r["starts_at"]), when(r["ends_at"]),
                                bool(r["all_day"]))
              for r in upcoming(frame, now) if r.get("district_code") and r["category"] in gtfs_static.CATEGORIES]
    zipped = gtfs_static.feed(visits, offices(gaz), base_url, "opendata@bangkok.go.th")
    return {"v1/gtfs/mobile-services.zip": zipped} if zipped else {}
