"""iCalendar (RFC 5545) for district services and events: city-wide and one calendar per district.

Every VEVENT has what RFC 5545 requires and readers rely on (UID, DTSTAMP, DTSTART), times are local
Bangkok time with `TZID=Asia/Bangkok` and the calendar carries the matching VTIMEZONE; an all-day
event is a DATE with an exclusive DTEND. DTSTAMP is when the hub first saw the notice (not the clock),
so an unchanged calendar keeps its bytes. No LAST-MODIFIED or SEQUENCE: core.events keeps no history of
an event's versions, and a made-up one would mislead clients that reconcile by them; subscribed
calendars are re-read whole anyway. Text is Thai first with the English headline after it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from hub.thai_dates import BANGKOK
from publish.feeds import clean_text

PRODID = "-//BKK Connect Data Hub//District services and events//TH"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    stamp: datetime
    starts_at: datetime
    ends_at: datetime | None
    all_day: bool
    summary_th: str
    summary_en: str
    description: str
    location: str
    category: str
    url: str | None
    lat: float | None = None
    lon: float | None = None


def _vevent(e: CalendarEvent) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", e.uid)
    event.add("dtstamp", e.stamp.astimezone(ZoneInfo("UTC")))
    if e.all_day:
        start = e.starts_at.astimezone(BANGKOK).date()
        end = e.ends_at.astimezone(BANGKOK).date() if e.ends_at else start + timedelta(days=1)
        event.add("dtstart", start)
        event.add("dtend", max(end, start + timedelta(days=1)))
    else:
        event.add("dtstart", e.starts_at.astimezone(BANGKOK))
        if e.ends_at is not None and e.ends_at > e.starts_at:
            event.add("dtend", e.ends_at.astimezone(BANGKOK))
    event.add("summary", clean_text(e.summary_th), parameters={"LANGUAGE": "th"})
    event.add("description", clean_text(f"{e.description}\n\n{e.summary_en}".strip()))
    event.add("location", clean_text(e.location))
    event.add("categories", [e.category])
    if e.url:
        event.add("url", e.url)
    if e.lat is not None and e.lon is not None:
        event.add("geo", (round(e.lat, 6), round(e.lon, 6)))
    return event


class CalendarSet:
    """Renders calendars that share events (the city's and each district's): each VEVENT is rendered
    once and its bytes reused, because icalendar's rendering (line folding above all) is most of the
    cost of publishing events. A calendar is its header, its VTIMEZONE, its events, END: exactly the
    bytes icalendar writes for the whole calendar (tests/test_datasets_and_calendars.py compares)."""

    def __init__(self) -> None:
        self._vevents: dict[CalendarEvent, bytes] = {}

    def render(self, name: str, description: str, events: list[CalendarEvent]) -> bytes:
        body = b"".join(self._vevent(e) for e in sorted(events, key=lambda e: (e.starts_at, e.uid)))
        return _shell(name, description).to_ical().removesuffix(_END) + body + _END

    def _vevent(self, e: CalendarEvent) -> bytes:
        if e not in self._vevents:
            self._vevents[e] = _vevent(e).to_ical()
        return self._vevents[e]


_END = b"END:VCALENDAR\r\n"


def _shell(name: str, description: str) -> icalendar.Calendar:
    """The calendar's properties and its VTIMEZONE, before any event."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", clean_text(name))
    cal.add("x-wr-caldesc", clean_text(description))
    cal.add("x-wr-timezone", "Asia/Bangkok")
    cal.add_component(_bangkok_timezone())
    return cal


@lru_cache(maxsize=1)
def _bangkok_timezone() -> icalendar.Timezone:
    """The VTIMEZONE every calendar carries for TZID=Asia/Bangkok, built once: icalendar derives it from
    the zone's whole history (30 ms a calendar, 51 calendars a run)."""
    return icalendar.Timezone.from_tzid("Asia/Bangkok")
