"""Calendars of the upcoming district services and events: v1/events/all.ics and
v1/events/district/<DOPA code>.ics (every district, even without events, so a subscription never 404s).
The same events are in the JSON Feed, RSS and Atom of `feed_sets`."""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from hub.gazetteer import Gazetteer
from publish import ical


def _when(value) -> datetime | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).to_pydatetime()


def upcoming(frame: pd.DataFrame, now: datetime) -> list[dict]:
    """Events not over yet (as the feeds show them)."""
    out = []
    for r in frame.to_dict("records"):
        ends = _when(r["ends_at"]) or _when(r["starts_at"])
        if _when(r["starts_at"]) is not None and (ends is None or ends > now):
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
        uid=f"{r['event_id']}@bkkconnect", stamp=_when(r["first_seen_at"]), starts_at=_when(r["starts_at"]),
        ends_at=_when(r["ends_at"]), all_day=bool(r["all_day"]), summary_th=r["headline_th"],
        summary_en=r["headline_en"], description=description, location=where, category=r["category"],
        url=r.get("source_url") or None,
        lat=None if pd.isna(r.get("lat")) else float(r["lat"]), lon=None if pd.isna(r.get("lon")) else float(r["lon"]))


def calendar_files(frame: pd.DataFrame, gaz: Gazetteer, now: datetime) -> dict[str, bytes]:
    events = [(calendar_event(r, gaz), r.get("district_code")) for r in upcoming(frame, now)]
    files = {"v1/events/all.ics": ical.render("BKK Connect กิจกรรมและบริการ กรุงเทพมหานคร / Bangkok events and services",
                                              "District services, events and festivals in Bangkok",
                                              [e for e, _ in events])}
    for d in gaz.districts:
        files[f"v1/events/district/{d.code}.ics"] = ical.render(
            f"BKK Connect เขต{d.name_th} / {d.name_en}: events and services",
            f"District services and events of {d.name_en} (DOPA {d.code})", [e for e, code in events if code == d.code])
    return files
