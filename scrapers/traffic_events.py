"""Longdo Traffic / iTIC road events (`GET https://event.longdo.com/feed/json`), Bangkok only.

The feed is one flat JSON array covering all of Thailand (PARTNER_FORMATS.md §5): `eid, title, title_en,
description, description_en, latitude, longitude` (strings), `type`, `icon`, `start`, `stop` (naive
"YYYY-MM-DD HH:MM:SS", Bangkok local time), `contributor`, `images[]`. We keep the events whose point
lies inside Bangkok's bounding box; the rest of the country is skipped and counted, not quarantined.

Quirks handled:
* `stop` years in the future are real (long-running works, "flooded for three days" reports) and kept.
  A `stop` earlier than `start` is a broken record and goes to quarantine.
* Descriptions are user-contributed (`itic_user`, `itic.<name>`): `\\r\\n` line breaks, and possibly markup.
  All text is reduced to plain text (`plain_text`), line breaks kept as "\\n" in descriptions.
* Copies of the feed saved by other projects wrap it as `{"updated": ..., "items": [...]}` and drop `eid`
  (../shared/data/longdo_events_flood_excerpt_bkk-flood-map.json); both shapes parse, and an event
  without `eid` gets a content-derived id prefixed "h".

Event type codes: only "6" (flood) and "3" (accident) are confirmed by public code. "2" = construction
comes from one public project's planning notes and is UNVERIFIED; "4" = road closure is OUR GUESS
(no public evidence). When the code is unknown we fall back to the `icon` name, then to "other".
Check both on the first live fetch.

The feed has no cursor or `since` parameter: every pass fetches it whole (conditional GET is automatic).
It never flags an event as cancelled (events simply leave the feed), so `status` is always "active".
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from hub.config import SourceSettings
from hub.raw_archive import ArchivedResponse, CrawlSession, UnitFailed
from hub.thai_dates import parse_partner_timestamp
from hub.thai_text import normalize_thai
from scrapers.html_text import soup_of
from scrapers.json_body import json_document

SOURCE = "traffic_events"
ID_COLUMN = "event_id"
FEED_PATH = "/feed/json"

STAGED_COLUMNS: dict[str, str] = {
    "event_id": "VARCHAR",
    "kind": "VARCHAR",
    "title_th": "VARCHAR",
    "title_en": "VARCHAR",
    "description_th": "VARCHAR",
    "description_en": "VARCHAR",
    "lat": "DOUBLE",
    "lon": "DOUBLE",
    "starts_at": "TIMESTAMPTZ",
    "ends_at": "TIMESTAMPTZ",
    "contributor": "VARCHAR",
    "status": "VARCHAR",
}

KINDS = ("accident", "construction", "flood", "closure", "other")
# Longdo `type` codes. "6" and "3" are confirmed by public code; "2" is unverified; "4" is our guess.
TYPE_KINDS = {"6": "flood", "3": "accident", "2": "construction", "4": "closure"}
# Fallback on the `icon` name when the type code is not one of the above (names unverified except "flood").
ICON_KINDS = {"flood": "flood", "accident": "accident", "construction": "construction", "roadwork": "construction",
              "roadclosed": "closure", "roadclose": "closure", "closure": "closure"}

# Bangkok's bounding box (the 50 districts' extent, PARTNER_FORMATS.md §1).
BANGKOK_LAT = (13.49, 13.96)
BANGKOK_LON = (100.32, 100.94)
# MySQL-style "no date" that feeds of this kind emit for an open end.
_NO_DATE = {"", "0000-00-00 00:00:00", "0000-00-00"}


# --- plain text ----------------------------------------------------------------------------------------

_MARKUP = re.compile(r"<[A-Za-z!/?]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_BLOCK_BREAK = re.compile(r"<br\s*/?>|</?(?:p|div|li|tr|h[1-6])\b[^>]*>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]\s*>", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"(?i)\b(?:java|vb)script\s*:\S*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def plain_text(value: object, *, multiline: bool = False) -> str:
    """Untrusted partner text as plain text: no tags, no script content, no javascript: URLs.

    Markup (and entity-encoded markup, decoded once by the first pass) is parsed and only its visible
    text kept. With `multiline`, line breaks (`\\r\\n`, `<br>`, block ends) survive as "\\n", blank lines
    dropped; otherwise all whitespace folds to single spaces. Thai text is normalised.
    """
    if value is None:
        return ""
    text = str(value)
    for _ in range(3):  # "&lt;script&gt;" decodes to "<script>" on the first pass; the next removes it
        if not _MARKUP.search(text):
            break
        text = _CELL_END.sub(" ", _BLOCK_BREAK.sub("\n", text))
        # No separator between text nodes: "<b>น้ำ</b>ท่วม" is one Thai word.
        text = soup_of(text.encode("utf-8"), "text/html; charset=utf-8").get_text("")
    text = _SCRIPT_URL.sub("", text)
    lines = [normalize_thai(line) for line in _LINE_BREAK.split(text)]
    return ("\n" if multiline else " ").join(line for line in lines if line)


def _optional_text(value: object, *, multiline: bool = False) -> str | None:
    return plain_text(value, multiline=multiline) or None


# --- the feed -------------------------------------------------------------------------------------------

def decode_feed(body: bytes) -> list:
    """The event list of a feed body: a bare JSON array, or an object with an "items" list.

    Raises UnitFailed for anything unusable: an empty body, an HTML error page, JSON of another shape,
    or an empty list (a nationwide feed is never empty; an empty answer is an outage, not zero events).
    """
    document = json_document(body, "feed/json")
    if isinstance(document, dict) and isinstance(document.get("items"), list):
        document = document["items"]
    if not isinstance(document, list):
        keys = ", ".join(list(document)[:5]) if isinstance(document, dict) else type(document).__name__
        raise UnitFailed(f"feed/json: JSON without an event list ({keys})")
    if not document:
        raise UnitFailed("feed/json: empty event list (the nationwide feed always has events)")
    return document


def crawl(session: CrawlSession, source: SourceSettings) -> None:
    with session.unit("all"):
        response = session.get(source.url(FEED_PATH))
        decode_feed(response.body)


def kind_of(type_code: object, icon: object) -> str:
    kind = TYPE_KINDS.get(str(type_code).strip() if type_code is not None else "")
    if kind:
        return kind
    return ICON_KINDS.get(str(icon or "").strip().lower(), "other")


def _coordinate(value: object, name: str) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"{name} missing")
    number = float(value)          # ValueError for "13.7x"
    if not math.isfinite(number):
        raise ValueError(f"{name} is not a finite number: {value!r}")
    return number


def _in_bangkok(lat: float, lon: float) -> bool:
    return BANGKOK_LAT[0] <= lat <= BANGKOK_LAT[1] and BANGKOK_LON[0] <= lon <= BANGKOK_LON[1]


def _stop_time(value: object):
    if value is None or (isinstance(value, str) and value.strip() in _NO_DATE):
        return None
    return parse_partner_timestamp(value, source_tz="Asia/Bangkok")


def _fallback_id(item: dict) -> str:
    key = "|".join(str(item.get(k, "")) for k in ("title", "start", "latitude", "longitude"))
    return "h" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:15]


def parse_event(item: object) -> dict | None:
    """One feed item as a row (without provenance); None when it lies outside Bangkok.

    Raises ValueError (or KeyError/TypeError) for a record that cannot be read.
    """
    if not isinstance(item, dict):
        raise TypeError(f"event is a {type(item).__name__}, not an object")
    lat = _coordinate(item.get("latitude"), "latitude")
    lon = _coordinate(item.get("longitude"), "longitude")
    if not _in_bangkok(lat, lon):
        if _in_bangkok(lon, lat):
            raise ValueError(f"latitude/longitude swapped ({lat}, {lon})")
        return None
    starts_at = parse_partner_timestamp(item.get("start"), source_tz="Asia/Bangkok")
    if starts_at is None:
        raise ValueError("no start time")
    ends_at = _stop_time(item.get("stop"))
    if ends_at is not None and ends_at < starts_at:
        raise ValueError(f"stop {item.get('stop')!r} is before start {item.get('start')!r}")
    title = plain_text(item.get("title"))
    if not title:
        raise ValueError("no title")
    eid = item.get("eid")
    return {
        "event_id": str(eid).strip() if eid not in (None, "") else _fallback_id(item),
        "kind": kind_of(item.get("type"), item.get("icon")),
        "title_th": title,
        "title_en": _optional_text(item.get("title_en")),
        "description_th": _optional_text(item.get("description"), multiline=True),
        "description_en": _optional_text(item.get("description_en"), multiline=True),
        "lat": lat,
        "lon": lon,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "contributor": _optional_text(item.get("contributor")),
        "status": "active",
    }


@dataclass
class ParsedFeed:
    rows: list[dict] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)
    outside_bangkok: int = 0        # events elsewhere in Thailand, skipped on purpose


def parse_feed(response: ArchivedResponse) -> ParsedFeed:
    out = ParsedFeed()
    seen: set[str] = set()
    for index, item in enumerate(decode_feed(response.body)):
        ref = str(item.get("eid") or item.get("title") or index)[:40] if isinstance(item, dict) else f"#{index}"
        try:
            row = parse_event(item)
            if row is not None and row["event_id"] in seen:
                raise ValueError(f"duplicate eid {row['event_id']}")
        except (KeyError, TypeError, ValueError) as exc:
            out.quarantined.append({"url": response.url, "sha256": response.sha256, "record_ref": ref,
                                    "reason": f"{exc.__class__.__name__}: {exc}",
                                    "excerpt": json.dumps(item, ensure_ascii=False)[:300]})
            continue
        if row is None:
            out.outside_bangkok += 1
            continue
        seen.add(row["event_id"])
        row.update(url=response.url, sha256=response.sha256, fetched_at=response.fetched_at)
        out.rows.append(row)
    return out


def parse_unit(responses: list[ArchivedResponse]) -> tuple[list[dict], list[dict]]:
    feeds = [r for r in responses if urlsplit(r.url).path.rstrip("/") == FEED_PATH]
    if not feeds:
        raise UnitFailed(f"crawl lacks {FEED_PATH}")
    parsed = parse_feed(feeds[-1])
    return parsed.rows, parsed.quarantined
