"""Rail service disruptions (BTS, MRT) named by Bangkok GTFS route and stop ids.

Two interfaces, one unit each:

* ``announcements``: the BTS-style paged HTML list (``/en/announcements``, ``?page=N``). Every page is
  fetched on every pass (bounded by ``max_pages``): the staged layer rebuilds a unit from its newest
  complete crawl, so stopping at known notices would drop the older ones; conditional GET keeps the
  repeat cheap. The posted date, title and Thai/English body are read from each ``article.news-item``;
  lines and stations are found in the text by ``hub.rail_network`` and named with Namtang GTFS ids.
* ``status``: the MRT-style JSON snapshot (``/api/v1/service-status``). A line reported ``normal`` gives
  no row; a disruption that ends simply disappears from the next snapshot. ``affected_stations`` hold the
  operator's station codes (BL10), mapped to GTFS stop ids through ``stops.txt`` ``operator_codes``.

Effects: delay, suspension, closure, planned_works, resolved, info. A "service has returned to normal"
notice is ``resolved`` with status ``cancelled``, and it also cancels the earlier (within 24 h) unplanned
delay/suspension/closure notices of the same line. Rows name only the operator's own routes and stops
(a BTS notice that mentions the Airport Rail Link as an alternative does not become an ARL alert).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from hub.config import SourceSettings
from hub.rail_network import RailNetwork
from hub.raw_archive import ArchivedResponse, CrawlSession, UnitFailed
from hub.thai_dates import (BANGKOK, ThaiDateError, find_thai_dates, parse_partner_timestamp, parse_thai_datetime,
                            parse_time_range)
from hub.thai_text import normalize_thai
from scrapers.html_text import soup_of, text_of
from scrapers.json_body import json_document

SOURCE = "rail_service"
ID_COLUMN = "notice_id"
ANNOUNCEMENTS_PATH = "/en/announcements"
STATUS_PATH = "/api/v1/service-status"
UNITS = ("announcements", "status")

STAGED_COLUMNS: dict[str, str] = {
    "notice_id": "VARCHAR",
    "operator": "VARCHAR",              # GTFS agency_id: BTSC, BEM
    "route_ids": "VARCHAR[]",           # Namtang GTFS route_id
    "stop_ids": "VARCHAR[]",            # Namtang GTFS stop_id
    "district_codes": "VARCHAR[]",      # DOPA district codes of those stops (Bangkok only)
    "effect": "VARCHAR",                # delay | suspension | closure | planned_works | resolved | info
    "title_th": "VARCHAR",
    "title_en": "VARCHAR",
    "description_th": "VARCHAR",
    "description_en": "VARCHAR",
    "starts_at": "TIMESTAMPTZ",
    "ends_at": "TIMESTAMPTZ",
    "posted_at": "TIMESTAMPTZ",
    "status": "VARCHAR",                # active | cancelled
    "unresolved_codes": "VARCHAR[]",    # operator station codes not in reference/rail (reference is stale)
}
EFFECTS = ("delay", "suspension", "closure", "planned_works", "resolved", "info")
DISRUPTIONS = ("delay", "suspension", "closure", "planned_works")
STATUSES = ("active", "cancelled")
OPERATORS = {"announcements": "BTSC", "status": "BEM"}
JSON_STATUS_EFFECT = {"delayed": "delay", "suspended": "suspension", "partial_closure": "closure"}
# A "resolved" notice cancels unplanned disruptions of the same line posted this long before it.
RESOLVES_WITHIN = timedelta(hours=24)

_THAI = re.compile("[\u0e00-\u0e7f]")
# Ordered: the first effect whose pattern matches wins. ปิด is never read inside เปิด ("open").
_EFFECT_PATTERNS = [
    ("resolved", re.compile(r"(?:has|have)\s+(?:now\s+)?(?:returned|resumed|been\s+restored)|returned\s+to\s+normal"
                            r"|back\s+to\s+normal|ตามปกติแล้ว|ปกติแล้ว|กลับสู่ภาวะปกติ", re.I)),
    ("planned_works", re.compile(r"planned|maintenance|engineering\s+work|improvement\s+work|upgrade\s+work"
                                 r"|ซ่อมบำรุง|บำรุงรักษา|ปรับปรุง|ตามแผน", re.I)),
    ("suspension", re.compile(r"suspend|no\s+train\s+service|not\s+in\s+service|หยุดให้บริการ|หยุดการเดินรถ"
                              r"|งดให้บริการ|งดการเดินรถ|ระงับการเดินรถ|ระงับการให้บริการ", re.I)),
    ("closure", re.compile(r"\bclos(?:ed|ure|ing)\b|(?<!เ)ปิดให้บริการ|(?<!เ)ปิดสถานี|(?<!เ)ปิดทาง|(?<!เ)ปิดชั่วคราว",
                           re.I)),
    ("delay", re.compile(r"delay|longer\s+(?:than\s+usual|waiting)|slower\s+than|ล่าช้า|รอนานกว่าปกติ"
                         r"|ช้ากว่าปกติ", re.I)),
]
_BETWEEN = re.compile(r"\bbetween\b|ระหว่าง", re.I)


@lru_cache(maxsize=1)
def network() -> RailNetwork:
    return RailNetwork.load()


# --- crawl ------------------------------------------------------------------------------------------

def crawl(session: CrawlSession, source: SourceSettings) -> None:
    with session.unit("announcements"):
        url: str | None = source.url(ANNOUNCEMENTS_PATH)
        seen: set[str] = set()
        while url and url not in seen and len(seen) < source.max_pages:
            seen.add(url)
            response = session.get(url)
            _, url = parse_list_page(response.body, response.content_type, response.final_url)
    with session.unit("status"):
        response = session.get(source.url(STATUS_PATH))
        decode_status(response.body)


def parse_list_page(body: bytes, content_type: str | None, url: str) -> tuple[list, str | None]:
    """The notice cards of one announcements page and the next page's URL. UnitFailed if it is no such page."""
    soup = soup_of(body, content_type)
    listing = soup.select_one("div.news-list")
    if listing is None:
        raise UnitFailed(f"no announcement list (div.news-list) on {url} ({len(body)} bytes): "
                         "layout changed or an error page")
    nxt = soup.select_one("a[rel~=next][href]")
    return listing.select("article.news-item"), (urljoin(url, nxt["href"]) if nxt else None)


def decode_status(body: bytes) -> tuple[str | None, list]:
    """(updated, lines) of the status document. UnitFailed when it is not that document."""
    document = json_document(body, "service-status")
    if not isinstance(document, dict) or not isinstance(document.get("lines"), list):
        raise UnitFailed("service-status: JSON without a 'lines' list")
    if not document["lines"]:
        # Every line is always listed, normal or not: an empty list is an outage of the API.
        raise UnitFailed("service-status: empty 'lines' list")
    return document.get("updated"), document["lines"]


# --- text helpers -----------------------------------------------------------------------------------

def plain_text(fragment: str | None) -> str:
    """Partner HTML/text to plain text: no tags, scripts or attributes survive."""
    if not fragment:
        return ""
    text = text_of(soup_of(str(fragment).encode("utf-8"), "text/html; charset=utf-8"))
    return re.sub(r"\s+([.,;:!?)])", r"\1", text)     # "is <b>closed</b>." -> "is closed."


def classify_effect(text: str) -> str:
    for effect, pattern in _EFFECT_PATTERNS:
        if pattern.search(text):
            return effect
    return "info"


def split_title(title: str) -> tuple[str | None, str | None]:
    """(title_th, title_en) of "ไทย / English", a Thai-only or an English-only title."""
    parts = [p.strip() for p in re.split(r"\s+/\s+", title) if p.strip()]
    thai = [p for p in parts if _THAI.search(p)]
    latin = [p for p in parts if not _THAI.search(p)]
    if thai and latin:
        return " / ".join(thai), " / ".join(latin)
    return (title or None, None) if _THAI.search(title) else (None, title or None)


@dataclass
class Mentions:
    route_ids: list[str] = field(default_factory=list)
    stop_ids: list[str] = field(default_factory=list)


def find_mentions(text: str, operator: str) -> Mentions:
    """Routes and stops of `operator` named in the text; "between A and B" names every stop from A to B.

    Lines named explicitly are the notice's routes and narrow the stations to them; a notice that names
    only stations is about those stations' lines; one that names neither keeps empty lists.
    """
    net = network()
    own = set(net.routes_of(operator))
    lines = [r for r in net.match_lines(text) if r in own]
    named = net.match_stations(text, route_id=lines or None, operator=operator)
    segments: dict[str, list[str]] = {}     # first end -> the stops from it to the other end
    for match in _BETWEEN.finditer(text):
        ends = net.match_stations(text[match.end(): match.end() + 90], route_id=lines or None, operator=operator)[:2]
        if len(ends) == 2:
            shared = [r for r in net.stations[ends[0]].route_ids
                      if r in net.stations[ends[1]].route_ids and r in own and (not lines or r in lines)]
            if shared:
                segments.setdefault(ends[0], net.segment(shared[0], *ends))
    stops: list[str] = []
    for stop in named + [first for first in segments if first not in named]:
        stops += [s for s in segments.get(stop, [stop]) if s not in stops]
    if not lines:
        lines = [r for s in stops for r in net.stations[s].route_ids if r in own]
        lines = list(dict.fromkeys(lines))
    return Mentions(lines, stops)


def _districts(stop_ids: list[str]) -> list[str]:
    net = network()
    return sorted({net.stations[s].district_code for s in stop_ids if net.stations[s].district_code})


def _date_window(texts: list[str], posted: datetime) -> tuple[datetime, datetime] | None:
    """The period a closure/works notice announces: first date + start time to last date + end time."""
    days: list[date] = []
    clock: tuple[time, time] | None = None
    for text in texts:
        days += find_thai_dates(text, reference=posted.date())
        if clock is None:
            try:
                clock = parse_time_range(text)
            except ThaiDateError:
                clock = None
    if not days:
        return None
    first, last = min(days), max(days)
    if clock is None:
        return (datetime.combine(first, time(0), BANGKOK),
                datetime.combine(last + timedelta(days=1), time(0), BANGKOK))
    start, end = clock
    ends = datetime.combine(last, end, BANGKOK)
    if end <= start:                     # nightly works 22:00–05:00 end the next morning
        ends += timedelta(days=1)
    return datetime.combine(first, start, BANGKOK), ends


# --- parse ------------------------------------------------------------------------------------------

def parse_unit(responses: list[ArchivedResponse]) -> tuple[list[dict], list[dict]]:
    if not responses:
        raise UnitFailed("no responses in the unit")
    paths = {urlsplit(r.url).path for r in responses}
    if paths == {STATUS_PATH}:
        return parse_status(responses[-1])
    if paths == {ANNOUNCEMENTS_PATH}:
        return parse_announcements(responses)
    raise UnitFailed(f"unexpected URLs in one unit: {sorted(paths)}")


def _quarantine(response: ArchivedResponse, ref: str, reason: str, excerpt: str) -> dict:
    return {"url": response.url, "sha256": response.sha256, "record_ref": ref, "reason": reason,
            "excerpt": excerpt[:300]}


def _provenance(response: ArchivedResponse) -> dict:
    return {"url": response.url, "sha256": response.sha256, "fetched_at": response.fetched_at}


def parse_announcements(responses: list[ArchivedResponse]) -> tuple[list[dict], list[dict]]:
    rows: dict[str, dict] = {}
    quarantined: list[dict] = []
    for response in responses:
        cards, _ = parse_list_page(response.body, response.content_type, response.url)
        for n, card in enumerate(cards):
            article_id = (card.get("id") or "").removeprefix("ann-").strip()
            ref = f"bts:{article_id}" if article_id else f"{response.url}#item{n + 1}"
            try:
                row = parse_card(card, article_id)
            except ValueError as exc:
                quarantined.append(_quarantine(response, ref, str(exc), text_of(card)))
                continue
            if row["notice_id"] not in rows:      # the pinned notice is repeated on every page
                rows[row["notice_id"]] = {**row, **_provenance(response)}
    ordered = list(rows.values())
    _apply_resolutions(ordered)
    return ordered, quarantined


def parse_card(card, article_id: str) -> dict:
    """One announcement card to a row (without provenance). ValueError when it cannot be read."""
    title = text_of(card.select_one(".news-title"))
    posted_text = text_of(card.select_one(".news-date"))
    body = card.select_one(".news-body")
    if not title:
        raise ValueError("announcement without a title")
    try:
        posted = parse_thai_datetime(posted_text)
    except ThaiDateError as exc:
        raise ValueError(f"unreadable posted date {posted_text!r}") from exc
    paragraphs = [text_of(p) for p in body.find_all("p")] if body is not None else []
    if body is not None and not any(paragraphs):
        paragraphs = [text_of(body)]
    paragraphs = [p for p in paragraphs if p]
    thai = [p for p in paragraphs if _THAI.search(p)]
    latin = [p for p in paragraphs if not _THAI.search(p)]
    title_th, title_en = split_title(title)
    text = " \n ".join([title, *paragraphs])
    effect = classify_effect(text)
    mentions = find_mentions(text, OPERATORS["announcements"])
    starts_at, ends_at = posted, None
    if effect in ("planned_works", "closure"):
        window = _date_window(paragraphs or [title], posted)
        if window:
            starts_at, ends_at = window
    notice_id = f"bts:{article_id}" if article_id else "bts:" + hashlib.sha1(
        f"{posted.isoformat()}|{title}".encode()).hexdigest()[:12]
    return {
        "notice_id": notice_id, "operator": OPERATORS["announcements"],
        "route_ids": mentions.route_ids, "stop_ids": mentions.stop_ids,
        "district_codes": _districts(mentions.stop_ids), "effect": effect,
        "title_th": title_th, "title_en": title_en,
        "description_th": " ".join(thai) or None, "description_en": " ".join(latin) or None,
        "starts_at": starts_at, "ends_at": ends_at, "posted_at": posted,
        "status": "cancelled" if effect == "resolved" else "active", "unresolved_codes": [],
    }


def _apply_resolutions(rows: list[dict]) -> None:
    """A resolved notice cancels the unplanned disruptions of its lines posted within the day before it."""
    for resolved in (r for r in rows if r["effect"] == "resolved" and r["route_ids"]):
        for row in rows:
            if (row["effect"] in ("delay", "suspension", "closure") and row["status"] == "active"
                    and row["ends_at"] is None and set(row["route_ids"]) & set(resolved["route_ids"])
                    and timedelta(0) < resolved["posted_at"] - row["posted_at"] <= RESOLVES_WITHIN):
                row["status"] = "cancelled"
                row["ends_at"] = resolved["posted_at"]


def parse_status(response: ArchivedResponse) -> tuple[list[dict], list[dict]]:
    updated_raw, lines = decode_status(response.body)
    try:
        updated = parse_partner_timestamp(updated_raw, source_tz="Asia/Bangkok")
    except ThaiDateError:
        updated = None
    rows, quarantined = [], []
    for n, record in enumerate(lines):
        ref = f"lines[{n}]"
        try:
            row = parse_status_line(record, updated)
        except (KeyError, TypeError, ValueError) as exc:
            quarantined.append(_quarantine(response, ref, f"{exc.__class__.__name__}: {exc}",
                                           json.dumps(record, ensure_ascii=False)))
            continue
        if row is not None:
            rows.append({**row, **_provenance(response)})
    return rows, quarantined


def parse_status_line(record: dict, updated: datetime | None) -> dict | None:
    """One line of the status document; None for a line running normally. Raises on a malformed record."""
    if not isinstance(record, dict):
        raise TypeError("line record is not an object")
    net = network()
    line_code = record.get("line_code")
    if not line_code:
        raise ValueError("record without line_code")
    route = net.route_by_line_code(str(line_code))
    if route is None or route.operator != OPERATORS["status"]:
        raise ValueError(f"unknown line_code {line_code!r}")
    status = record.get("status")
    if status == "normal":
        return None
    if status not in JSON_STATUS_EFFECT:
        raise ValueError(f"unknown status {status!r}")
    codes = record.get("affected_stations") or []
    if not isinstance(codes, list):
        raise TypeError("affected_stations is not a list")
    message_th = plain_text(record.get("message_th")) or None
    message_en = plain_text(record.get("message_en")) or None
    stops, unresolved = [], []
    for code in codes:
        station = net.station_by_code(str(code))
        if station is None or route.route_id not in station.route_ids:
            unresolved.append(str(code))
        elif station.stop_id not in stops:
            stops.append(station.stop_id)
    if not codes:       # no codes given: read the stations from the messages
        stops = find_mentions(f"{route.name_en} {message_en or ''} {message_th or ''}", route.operator).stop_ids
        stops = [s for s in stops if route.route_id in net.stations[s].route_ids]
    given = parse_partner_timestamp(record.get("since"), source_tz="Asia/Bangkok")
    since = given or updated
    if since is None:
        raise ValueError("neither 'since' nor 'updated' gives a start time")
    name_th = normalize_thai(record.get("line_name_th")) or route.name_th
    name_en = normalize_thai(record.get("line_name_en")) or route.name_en
    effect = JSON_STATUS_EFFECT[status]
    return {
        # Without its own `since`, a disruption is named by line and status: the document's `updated`
        # changes on every poll and would make the same disruption a new one each time.
        "notice_id": f"mrt:{route.line_code}:{given:%Y%m%dT%H%M}" if given else f"mrt:{route.line_code}:{status}",
        "operator": route.operator,
        "route_ids": [route.route_id], "stop_ids": stops, "district_codes": _districts(stops), "effect": effect,
        "title_th": f"{name_th}: {_STATUS_TH[status]}", "title_en": f"{name_en}: {status.replace('_', ' ')}",
        "description_th": message_th, "description_en": message_en,
        "starts_at": since, "ends_at": None, "posted_at": updated or since,
        "status": "active", "unresolved_codes": unresolved,
    }


_STATUS_TH = {"delayed": "ล่าช้า", "suspended": "หยุดให้บริการ", "partial_closure": "ปิดให้บริการบางสถานี"}
