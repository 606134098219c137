"""Traffy Fondue citizen complaints (BMA "teamchadchart"): the share search API and the CSV dump.

Two public interfaces give the same tickets with different field names (PARTNER_FORMATS.md §2):

* the share search API, `GET /share/teamchadchart/search?limit=&offset=`, newest first, at most
  1000 per page: `{status, total, results: [{ticket_id, description, coords: ["lng", "lat"],
  photo_url, address, timestamp, state, problem_type_abdul: [...], org?}]}`. It has no
  subdistrict/district/province fields: those are read from the address text.
* the open-data CSV dump, `/dump-csv-chadchart/bangkok_traffy.csv` (~1 GB, whole history): UTF-8
  BOM, quoted embedded newlines, Postgres array literals (`{ถนน,คลอง}`, `{}`), `"lon,lat"` coords,
  comma-joined organisations, `+00` timestamps with 0-6 fractional digits, the province written
  both with and without `จังหวัด`.

The periodic crawl pages through the API only (one unit, "api"), and stops early once a page
reaches tickets older than the stored cursor (`since`). The dump is for backfills: `parse_dump`
streams it from bytes or a file into exactly the same row shape as `parse_unit`.

Citizen text is kept as written (markup stripped to plain text): phone numbers and names in it are
scrubbed downstream, not here.
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping
from urllib.parse import urlencode

import msgspec
import nh3

from hub.config import SourceSettings
from hub.raw_archive import ArchivedResponse, CrawlSession, UnitFailed
from hub.thai_dates import ThaiDateError, parse_partner_timestamp
from hub.thai_text import normalize_thai, strip_admin_prefix
from scrapers.json_body import json_document

SOURCE = "traffy"
ID_COLUMN = "ticket_id"
SEARCH_PATH = "/share/teamchadchart/search"
DUMP_PATH = "/dump-csv-chadchart/bangkok_traffy.csv"
REAL_DUMP_URL = "https://publicapi.traffy.in.th" + DUMP_PATH
MAX_PAGE_SIZE = 1000            # the share API answers at most 1000 tickets per page

STAGED_COLUMNS: dict[str, str] = {
    "ticket_id": "VARCHAR",
    "problem_types": "VARCHAR[]",
    "organizations": "VARCHAR[]",
    "description_th": "VARCHAR",
    "lat": "DOUBLE",
    "lon": "DOUBLE",
    "address_th": "VARCHAR",
    "subdistrict_th": "VARCHAR",
    "district_th": "VARCHAR",
    "province_th": "VARCHAR",
    "in_bangkok": "BOOLEAN",
    "reported_at": "TIMESTAMPTZ",
    "state_th": "VARCHAR",
    "state": "VARCHAR",
    "last_activity_at": "TIMESTAMPTZ",
    "photo_url": "VARCHAR",
    "is_call_centre": "BOOLEAN",
}
STATES = ("waiting", "in_progress", "forwarded", "finished", "irrelevant", "other")
BANGKOK_TH = "กรุงเทพมหานคร"
# Placeholder images: the "ศูนย์กทม. 1555" photo reused on about half of live tickets, and the
# generic picture on anonymous กรุงเทพโปร่งใส reports. Neither shows the problem: "no photo".
STOCK_PHOTOS = (
    "/attachment/2022-12/da2125e781282589d482070c3dba1726aa16a4a7.jpg",
    "/TeamChadChart/corruption_photo2.png",
)
# District polygons' extent (PARTNER_FORMATS.md §1), used only when a ticket names no province.
BANGKOK_BBOX = {"lat": (13.49, 13.96), "lon": (100.32, 100.95)}

_LEGACY_ID = re.compile(r"[A-Z0-9]{6}")
_TICKET_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{3,39}")
_DUMP_REQUIRED = ("ticket_id", "coords", "timestamp")

# Which record keys hold what, in the share API and in the CSV dump (and the stat GeoJSON spelling).
_KEYS = {
    "types": ("problem_type_abdul", "type", "problem_type_fondue"),
    "orgs": ("org", "organization"),
    "description": ("description", "comment"),
    "photo": ("photo_url", "photo"),
}


# --- crawl -------------------------------------------------------------------------------------------

def _options(source: SourceSettings) -> Mapping[str, Any]:
    return getattr(source, "options", None) or {}


def search_url(source: SourceSettings, limit: int, offset: int) -> str:
    return source.url(f"{SEARCH_PATH}?{urlencode({'limit': limit, 'offset': offset})}")


def crawl(session: CrawlSession, source: SourceSettings, *, since: datetime | None = None) -> None:
    """Page through the share search API, newest first, in one unit named "api".

    `since` is the newest ticket time already stored (`cursor_from_rows`). Paging stops after the
    first page that reaches tickets older than `since` minus `options["overlap_minutes"]` (60), so
    a routine pass costs one request; without `since` it pages until the end or `max_pages`.
    Tickets older than the cursor whose state changed are not refetched: run a pass without
    `since`, or a dump backfill, to refresh them.
    """
    options = _options(source)
    limit = max(1, min(int(options.get("page_size", MAX_PAGE_SIZE)), MAX_PAGE_SIZE))
    stop_before = None
    if since is not None:
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        stop_before = since - timedelta(minutes=float(options.get("overlap_minutes", 60)))
    with session.unit("api"):
        offset = 0
        for page in range(max(1, source.max_pages)):
            response = session.get(search_url(source, limit, offset))
            # A full pass only counts each page's tickets: a structural scan, not a decode into objects.
            document = decode_search(response.body, response.url) if stop_before else scan_search(response.body,
                                                                                               response.url)
            results = document["results"]
            if not results:
                if page == 0:
                    raise UnitFailed(f"{response.url}: the search answered no tickets at all "
                                     f"(total={document.get('total')!r}); an outage, not an empty city")
                break
            if stop_before is not None:
                times = [t for t in (_quiet_timestamp(r.get("timestamp")) for r in results if isinstance(r, dict))
                         if t is not None]
                if times and min(times) < stop_before:
                    break
            offset += len(results)
            total = document.get("total")
            # `total` says where the end is; without it, a short page is the last one.
            at_end = offset >= total if isinstance(total, int) else len(results) < limit
            if at_end:
                break


def decode_search(body: bytes, url: str = "") -> dict:
    """A search page as `{..., "results": [...]}`; anything else (HTML error page, empty body) is unusable."""
    document = json_document(body, url)
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        raise UnitFailed(f"{url}: JSON without a 'results' list")
    status = document.get("status")
    if status is False or (isinstance(status, str) and status.strip().lower() in {"error", "fail", "failed"}):
        raise UnitFailed(f"{url}: the API reported status {status!r}")
    return document


class _SearchPage(msgspec.Struct):
    """The keys of a search page the crawl reads; each ticket stays raw JSON (validated, not built)."""
    results: list[msgspec.Raw]
    status: Any = None
    total: Any = None


_SEARCH_PAGE = msgspec.json.Decoder(_SearchPage)


def scan_search(body: bytes, url: str = "") -> dict:
    """`decode_search` for the crawl's own use: `results` holds each ticket as raw JSON bytes.

    About 10x faster on a page of 1,000 tickets. Anything the scan does not accept (a BOM, NaN, a
    page of another shape) goes through `decode_search`, which gives the precise reason."""
    try:
        page = _SEARCH_PAGE.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return decode_search(body, url)
    status = page.status
    if status is False or (isinstance(status, str) and status.strip().lower() in {"error", "fail", "failed"}):
        raise UnitFailed(f"{url}: the API reported status {status!r}")
    return {"status": status, "total": page.total, "results": page.results}


def _quiet_timestamp(value: Any) -> datetime | None:
    try:
        return parse_partner_timestamp(value, source_tz="UTC") if isinstance(value, str) else None
    except ThaiDateError:
        return None


def cursor_from_rows(rows: Iterable[Mapping[str, Any]] | Any) -> datetime | None:
    """The newest `reported_at` among stored rows (dicts, or a DataFrame), to pass as `crawl(since=...)`."""
    if hasattr(rows, "to_dict"):
        rows = rows.to_dict("records")
    newest = None
    for row in rows:
        value = row.get("reported_at")
        if value is None or value != value:      # None, NaN or NaT
            continue
        if hasattr(value, "to_pydatetime"):
            value = value.to_pydatetime()
        if value.tzinfo is None:                 # DuckDB -> pandas can hand back naive UTC
            value = value.replace(tzinfo=timezone.utc)
        newest = value if newest is None or value > newest else newest
    return newest


# --- field parsers ---------------------------------------------------------------------------------

def parse_pg_array(value: Any) -> list[str]:
    """A Postgres array literal (`{ถนน,คลอง}`, `{}`, `{"a,b",c}`) or a JSON list, as clean strings.

    Text without braces is read as a comma-separated list. Duplicates are dropped, order kept.
    """
    if value is None or value != value:
        return []
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value if v is not None]
    else:
        text = str(value).strip()
        if not text:
            return []
        if text.startswith("{"):
            items = _pg_array_items(text)
        else:
            items = text.split(",")
    out: list[str] = []
    for item in items:
        clean = _label(item)
        if clean and clean not in out:
            out.append(clean)
    return out


def _pg_array_items(text: str) -> list[str]:
    if not text.endswith("}"):
        raise ValueError(f"unterminated array literal {text[:60]!r}")
    inner, items, i = text[1:-1], [], 0
    while i < len(inner):
        while i < len(inner) and inner[i] in " \t\r\n":
            i += 1
        if i >= len(inner):
            break
        if inner[i] == '"':
            i, buf = i + 1, []
            while True:
                if i >= len(inner):
                    raise ValueError(f"unterminated quoted element in {text[:60]!r}")
                ch = inner[i]
                if ch == "\\" and i + 1 < len(inner):
                    buf.append(inner[i + 1])
                    i += 2
                    continue
                if ch == '"':
                    i += 1
                    break
                buf.append(ch)
                i += 1
            items.append("".join(buf))
            while i < len(inner) and inner[i] in " \t\r\n":
                i += 1
            if i < len(inner) and inner[i] != ",":
                raise ValueError(f"text after a quoted element in {text[:60]!r}")
        else:
            end = inner.find(",", i)
            end = len(inner) if end == -1 else end
            element = inner[i:end].strip()
            if "{" in element or "}" in element:
                raise ValueError(f"nested array literal {text[:60]!r}")
            if element.upper() != "NULL":
                items.append(element)
            i = end
        i += 1          # the comma
    return items


def split_organizations(value: Any) -> list[str]:
    """Agencies: a JSON list (API `org`), or the dump's comma-joined text; commas inside (...) stay."""
    if isinstance(value, str) and value.strip().startswith("{"):
        return parse_pg_array(value)
    if not isinstance(value, str):
        return parse_pg_array(value)
    parts, depth, buf = [], 0, []
    for ch in value:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parse_pg_array(parts)


def parse_coords(value: Any) -> tuple[float, float]:
    """(lat, lon) from `["lng", "lat"]` (API) or `"lon,lat"` (dump); a swapped pair is put right."""
    if isinstance(value, str):
        parts = value.strip().strip("[]()").split(",")
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    else:
        raise ValueError(f"coords of type {type(value).__name__}: {value!r}")
    if len(parts) != 2:
        raise ValueError(f"coords need two numbers: {value!r}")
    try:
        lon, lat = (float(str(p).strip()) for p in parts)
    except ValueError:
        raise ValueError(f"unreadable coords {value!r}") from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"unreadable coords {value!r}")
    if abs(lon) <= 90 < abs(lat):                  # written lat,lon
        lat, lon = lon, lat
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        raise ValueError(f"impossible coords {value!r}")
    return lat, lon


_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+\d*);")
_SCRIPT_SCHEME = re.compile(r"(?i)\b(?:java|vb)\s*script\s*:|\bdata\s*:\s*text/html")
_LEFTOVER_TAG = re.compile(r"<(?=\s*/?\s*[A-Za-z!?])")
_DROP_WITH_CONTENT = {"script", "style", "iframe", "noscript", "template", "textarea", "object", "embed"}


def plain_text(value: Any) -> str:
    """Citizen text as plain text: markup stripped (repeatedly, so `&lt;script&gt;` cannot come back),
    no script URL schemes, NFC/pythainlp-normalised lines, line breaks kept."""
    if value is None or value != value:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    for _ in range(4):
        if not _MARKUP.search(text):
            break
        text = html.unescape(nh3.clean(text, tags=set(), clean_content_tags=_DROP_WITH_CONTENT))
    text = _LEFTOVER_TAG.sub("‹", text)
    text = _SCRIPT_SCHEME.sub("", text)
    lines = (" ".join(line.split()) if line.isascii() else normalize_thai(line)
             for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


@lru_cache(maxsize=65_536)
def _label(value: str) -> str:
    """A short, often repeated value (type, agency, place name, state) as one plain-text line."""
    return plain_text(value).replace("\n", " ")


def normalize_state(state_th: str | None) -> str:
    """The Thai state (or the stat API's state_type) as one of STATES."""
    key = re.sub(r"\(.*?\)", "", _label(state_th or "")).replace(" ", "").lower()
    return _STATE_MAP.get(key, "other")


_STATE_MAP = {
    "รอรับเรื่อง": "waiting", "start": "waiting",
    "กำลังดำเนินการ": "in_progress", "inprogress": "in_progress", "in_progress": "in_progress",
    "ส่งต่อ": "forwarded", "forward": "forwarded",
    "เสร็จสิ้น": "finished", "finish": "finished", "finished": "finished",
    "ไม่เกี่ยวข้อง": "irrelevant", "irrelevant": "irrelevant",
}
_PROVINCE_ALIASES = {"กรุงเทพ": BANGKOK_TH, "กรุงเทพฯ": BANGKOK_TH, "กทม": BANGKOK_TH, "กทม.": BANGKOK_TH,
                     "bangkok": BANGKOK_TH}


def normalize_province(value: Any) -> str | None:
    """`จังหวัดกรุงเทพมหานคร` -> `กรุงเทพมหานคร`; None when empty."""
    name = _admin_name(value if isinstance(value, str) else "")
    if not name:
        return None
    return _PROVINCE_ALIASES.get(name.lower(), name)


_ADDR_PROVINCE = re.compile(r"(?:^|\s)(?:จังหวัด|จ\.)\s*([^\s\d,]+)")
_ADDR_BEFORE_POSTCODE = re.compile(r"([^\s\d,]+)\s+\d{5}(?:\s|$|,)")
_ADDR_DISTRICT = re.compile(r"(?:^|\s)(?:เขต|อำเภอ|อ\.)\s*:?\s*([^\s\d,]+)")
_ADDR_SUBDISTRICT = re.compile(r"(?:^|\s)(?:แขวง|ตำบล|ต\.)\s*:?\s*([^\s\d,]+)")


def address_parts(address: str) -> tuple[str | None, str | None, str | None]:
    """(subdistrict, district, province) as written in a geocoded address, best effort."""
    if not address:
        return None, None, None
    text = address.replace("\n", " ")
    province = None
    if BANGKOK_TH in text or "กรุงเทพฯ" in text:
        province = BANGKOK_TH
    elif m := _ADDR_PROVINCE.search(text):
        province = m.group(1)
    elif m := _ADDR_BEFORE_POSTCODE.search(text):
        province = m.group(1)
    sub, dist = _ADDR_SUBDISTRICT.search(text), _ADDR_DISTRICT.search(text)
    return (sub.group(1) if sub else None, dist.group(1) if dist else None,
            normalize_province(province) if province else None)


def is_stock_photo(url: str | None) -> bool:
    return bool(url) and any(marker in url for marker in STOCK_PHOTOS)


def _photo(value: Any) -> str | None:
    url = str(value).strip() if isinstance(value, str) else ""
    if not url.lower().startswith(("http://", "https://")) or is_stock_photo(url):
        return None
    return url


def is_call_centre(ticket_id: str, description: str) -> bool:
    """Tickets forwarded from the 1555 call centre: legacy 6-character ids, text ending in #1555."""
    return bool(_LEGACY_ID.fullmatch(ticket_id)) or "#1555" in (description or "")


def _first(record: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in record:
            return record[key]
    return None


@lru_cache(maxsize=65_536)
def _admin_name(value: str) -> str:
    return strip_admin_prefix(_label(value)) if value else ""


def _name(value: Any) -> str | None:
    return _admin_name(value if isinstance(value, str) else "") or None


def _in_bangkok(province: str | None, lat: float, lon: float) -> bool:
    if province:
        return province == BANGKOK_TH
    return (BANGKOK_BBOX["lat"][0] <= lat <= BANGKOK_BBOX["lat"][1]
            and BANGKOK_BBOX["lon"][0] <= lon <= BANGKOK_BBOX["lon"][1])


def ticket_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """One ticket, from the API or the dump, as a staged row (without provenance); ValueError if unusable."""
    if not isinstance(record, Mapping):
        raise ValueError(f"a ticket must be an object, got {type(record).__name__}")
    ticket_id = str(record.get("ticket_id") or "").strip()
    if not ticket_id:
        raise ValueError("no ticket_id")
    if not _TICKET_ID.fullmatch(ticket_id):
        raise ValueError(f"odd ticket_id {ticket_id[:40]!r}")
    if record.get("coords") in (None, "", []):
        raise ValueError("no coords")
    lat, lon = parse_coords(record.get("coords"))
    reported_at = parse_partner_timestamp(record.get("timestamp"), source_tz="UTC")
    if reported_at is None:
        raise ValueError("no timestamp")
    last_activity = record.get("last_activity")
    last_activity_at = parse_partner_timestamp(last_activity, source_tz="UTC") if last_activity else None
    description = plain_text(_first(record, _KEYS["description"]))
    address = plain_text(record.get("address")).replace("\n", " ") or None
    addr_sub, addr_dist, addr_prov = address_parts(address or "")
    province = normalize_province(record.get("province")) or addr_prov
    state = record.get("state")
    state_th = _label(state) if isinstance(state, str) else None
    state_th = state_th or None
    return {
        "ticket_id": ticket_id,
        "problem_types": parse_pg_array(_first(record, _KEYS["types"])),
        "organizations": split_organizations(_first(record, _KEYS["orgs"])),
        "description_th": description or None,
        "lat": lat,
        "lon": lon,
        "address_th": address,
        "subdistrict_th": _name(record.get("subdistrict")) or addr_sub,
        "district_th": _name(record.get("district")) or addr_dist,
        "province_th": province,
        "in_bangkok": _in_bangkok(province, lat, lon),
        "reported_at": reported_at,
        "state_th": state_th,
        "state": normalize_state(state_th),
        "last_activity_at": last_activity_at,
        "photo_url": _photo(_first(record, _KEYS["photo"])),
        "is_call_centre": is_call_centre(ticket_id, description),
    }


# --- units -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Origin:
    url: str
    sha256: str
    fetched_at: datetime


def _quarantine(origin: _Origin, ref: str, exc: Exception, record: Any) -> dict:
    try:
        excerpt = json.dumps(record, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        excerpt = repr(record)
    return {"url": origin.url, "sha256": origin.sha256, "record_ref": ref[:60],
            "reason": f"{exc.__class__.__name__}: {exc}", "excerpt": excerpt[:300]}


def _parse_records(records: Iterable[tuple[str, Any]], origin: _Origin) -> Iterator[tuple[bool, dict]]:
    for ref, record in records:
        try:
            row = ticket_row(record)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            yield False, _quarantine(origin, ref, exc, record)
            continue
        row.update(url=origin.url, sha256=origin.sha256, fetched_at=origin.fetched_at)
        yield True, row


def dedupe(rows: Iterable[dict]) -> list[dict]:
    """One row per ticket: the newest (last activity, else report time; then the later fetch) wins.

    The first occurrence keeps its place in the output order.
    """
    best: dict[str, tuple[tuple, dict]] = {}
    for seq, row in enumerate(rows):
        key = (row["last_activity_at"] or row["reported_at"], row["fetched_at"], seq)
        current = best.get(row["ticket_id"])
        if current is None:
            best[row["ticket_id"]] = (key, row)
        elif key > current[0]:
            best[row["ticket_id"]] = (key, row)
    return [row for _, row in best.values()]


def parse_unit(responses: list[ArchivedResponse]) -> tuple[list[dict], list[dict]]:
    """The "api" unit's search pages -> (rows, quarantined), one row per ticket."""
    if not responses:
        raise UnitFailed("the unit holds no search responses")
    rows, quarantined = [], []
    for response in responses:
        document = decode_search(response.body, response.url)
        origin = _Origin(response.url, response.sha256, response.fetched_at)
        records = ((f"{_ref(record)} #{i}", record) for i, record in enumerate(document["results"]))
        for ok, item in _parse_records(records, origin):
            (rows if ok else quarantined).append(item)
    if not rows and not quarantined:
        raise UnitFailed("the search pages held no tickets")
    return dedupe(rows), quarantined


def _ref(record: Any) -> str:
    return str(record.get("ticket_id") or "?") if isinstance(record, Mapping) else "?"


# --- the CSV dump ------------------------------------------------------------------------------------

def iter_dump(source: bytes | str | Path | ArchivedResponse, *, url: str | None = None,
              fetched_at: datetime | None = None) -> Iterator[tuple[bool, dict]]:
    """Stream the dump: yields (True, row) or (False, quarantine record), in file order, not deduplicated.

    `source` is the dump's bytes, an archived response, or a file path (read as a stream, so a 1 GB
    dump never sits in memory; only its sha256 is computed in a first pass).
    """
    if isinstance(source, ArchivedResponse):
        origin = _Origin(url or source.url, source.sha256, fetched_at or source.fetched_at)
        source = source.body
    elif isinstance(source, (bytes, bytearray, memoryview)):
        origin = _Origin(url or REAL_DUMP_URL, hashlib.sha256(source).hexdigest(),
                         fetched_at or datetime.now(timezone.utc))
    else:
        path = Path(source)
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        origin = _Origin(url or path.resolve().as_uri(), digest.hexdigest(),
                         fetched_at or datetime.fromtimestamp(path.stat().st_mtime, timezone.utc))
    if csv.field_size_limit() < 16_000_000:
        csv.field_size_limit(16_000_000)          # a complaint text can exceed csv's 128 kB default
    if isinstance(source, (bytes, bytearray, memoryview)):
        text = io.TextIOWrapper(io.BytesIO(bytes(source)), encoding="utf-8-sig", newline="")
    else:
        text = open(Path(source), encoding="utf-8-sig", newline="")     # noqa: SIM115 - closed below
    with text:
        yield from _dump_records(text, origin)


def _dump_records(text: io.TextIOBase, origin: _Origin) -> Iterator[tuple[bool, dict]]:
    reader = csv.DictReader(text, restkey="__extra__")
    try:
        header = reader.fieldnames
    except (csv.Error, UnicodeDecodeError) as exc:
        raise UnitFailed(f"{origin.url}: unreadable CSV header ({exc})") from exc
    if not header:
        raise UnitFailed(f"{origin.url}: empty dump")
    reader.fieldnames = [h.lstrip("\ufeff").strip().lower() for h in header]
    missing = [c for c in _DUMP_REQUIRED if c not in reader.fieldnames]
    if missing:
        raise UnitFailed(f"{origin.url}: not the Traffy dump, it lacks columns {', '.join(missing)}")
    while True:
        line = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            raise UnitFailed(f"{origin.url}: CSV unreadable from line {line} ({exc})") from exc
        ref = f"{(record.get('ticket_id') or '?').strip()} line {line}"
        if record.get("__extra__"):
            yield False, _quarantine(origin, ref, ValueError(f"{len(record['__extra__'])} cells more than "
                                                             "the header"), record)
            continue
        yield from _parse_records([(ref, record)], origin)


def parse_dump(source: bytes | str | Path | ArchivedResponse, *, url: str | None = None,
               fetched_at: datetime | None = None) -> tuple[list[dict], list[dict]]:
    """The whole dump -> (rows, quarantined), same row shape as `parse_unit`, one row per ticket.

    For the real 1 GB file prefer `iter_dump` (this keeps every row in memory to deduplicate).
    """
    rows, quarantined = [], []
    for ok, item in iter_dump(source, url=url, fetched_at=fetched_at):
        (rows if ok else quarantined).append(item)
    if not rows and not quarantined:
        raise UnitFailed("the dump holds no tickets")
    return dedupe(rows), quarantined
