"""Places to visit in Bangkok from a TAT-style bilingual JSON API.

`GET /api/v2/places?category=<attraction|restaurant|shop|festival>&page=N` answers
`{"result": {"page", "pages", "total"}, "data": [...]}`. One crawl unit per category, so a broken
category keeps its previous rows. Quirks handled: coordinates as strings (sometimes with Thai
digits, sometimes blank), empty English fields, HTML in descriptions, festival dates that may be
Buddhist Era ("2569-11-20"), BE years in `updated_at`, non-http(s) websites, and a national API
that slips in places outside Bangkok (dropped: not ours to publish).
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from urllib.parse import parse_qs, urlencode, urlsplit

from hub.config import SourceSettings
from hub.raw_archive import ArchivedResponse, CrawlSession, UnitFailed
from hub.thai_dates import ThaiDateError, parse_partner_timestamp, parse_thai_date
from hub.thai_text import arabic_digits, normalize_thai, strip_admin_prefix
from scrapers.json_body import json_document
from scrapers.rss import plain_text, safe_http_url

SOURCE = "tourism"
ID_COLUMN = "place_id"
API_PATH = "/api/v2/places"
CATEGORIES = ("attraction", "restaurant", "shop", "festival")
# Bangkok's bounding box with the same margin as quality.suites (100.33–100.94 E, 13.49–13.95 N).
BANGKOK_LAT, BANGKOK_LON = (13.4, 14.0), (100.3, 101.0)

STAGED_COLUMNS: dict[str, str] = {
    "place_id": "VARCHAR",
    "category": "VARCHAR",
    "name_th": "VARCHAR",
    "name_en": "VARCHAR",
    "description_th": "VARCHAR",
    "description_en": "VARCHAR",
    "lat": "DOUBLE",
    "lon": "DOUBLE",
    "address_th": "VARCHAR",
    "address_en": "VARCHAR",
    "district_name_th": "VARCHAR",
    "phone": "VARCHAR",
    "website": "VARCHAR",
    "tags": "VARCHAR[]",
    "starts_on": "DATE",
    "ends_on": "DATE",
    "updated_at": "TIMESTAMPTZ",
}


def page_url(source: SourceSettings, category: str, page: int) -> str:
    return source.url(API_PATH) + "?" + urlencode({"category": category, "page": page})


def decode_page(body: bytes, url: str) -> tuple[dict, list]:
    """(result, data) of one API page, or UnitFailed for anything that is not that shape."""
    document = json_document(body, url)
    if not isinstance(document, dict) or not isinstance(document.get("data"), list):
        raise UnitFailed(f"{url}: JSON without a 'data' list")
    result = document.get("result")
    if not isinstance(result, dict):
        raise UnitFailed(f"{url}: JSON without a 'result' object")
    try:
        page, pages, total = int(result.get("page", 1)), int(result["pages"]), int(result.get("total", 0))
    except (KeyError, TypeError, ValueError) as exc:
        raise UnitFailed(f"{url}: 'result' lacks a usable page count ({result!r:.80})") from exc
    if total > 0 and not document["data"] and page <= pages:
        raise UnitFailed(f"{url}: total {total} but page {page} of {pages} is empty")
    return {"page": page, "pages": pages, "total": total}, document["data"]


def crawl(session: CrawlSession, source: SourceSettings) -> None:
    for category in CATEGORIES:
        with session.unit(category):
            page, pages = 1, 1
            while page <= min(pages, source.max_pages):
                url = page_url(source, category, page)
                response = session.get(url)
                result, _ = decode_page(response.body, url)
                if result["page"] != page:
                    raise UnitFailed(f"{url}: asked for page {page}, the API answered page {result['page']}")
                pages = result["pages"]
                page += 1


# --- fields ------------------------------------------------------------------------------------------

def _text(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int, float)):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return normalize_thai(str(value)) or None


def _lang(value, lang: str) -> str | None:
    """`{"th": …, "en": …}` (or a bare string, which is Thai)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return _text(value.get(lang))
    return _text(value) if lang == "th" else None


def _coordinate(value, what: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(arabic_digits(str(value)).strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"{what} {value!r} is not a number") from None
    if number != number or abs(number) > 180:
        raise ValueError(f"{what} {value!r} is out of range")
    return number


def _event_date(value, what: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return parse_thai_date(str(value))   # "2026-11-20", BE "2569-11-20", "20/11/2569"
    except ThaiDateError as exc:
        raise ValueError(f"{what}: {exc}") from None


_BE_ISO_YEAR = re.compile(r"^\s*(\d{4})(?=-)")


def _updated_at(value) -> datetime | None:
    if value in (None, ""):
        return None
    text = str(value)
    if (match := _BE_ISO_YEAR.match(text)) and int(match.group(1)) >= 2400:
        text = f"{int(match.group(1)) - 543:04d}{text[match.end():]}"
    try:
        return parse_partner_timestamp(text, source_tz="Asia/Bangkok")
    except ThaiDateError as exc:
        raise ValueError(f"updated_at: {exc}") from None


def _tags(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = re.split(r"[,;|]", value)
    if not isinstance(value, list):
        raise ValueError(f"tags is a {type(value).__name__}, not a list")
    return list(dict.fromkeys(t for t in (normalize_thai(str(v)) for v in value if v is not None) if t))


def in_bangkok(lat: float | None, lon: float | None) -> bool:
    """Inside Bangkok's box, or without coordinates (a city-wide festival) and so not known elsewhere."""
    if lat is None or lon is None:
        return True
    return BANGKOK_LAT[0] <= lat <= BANGKOK_LAT[1] and BANGKOK_LON[0] <= lon <= BANGKOK_LON[1]


def parse_record(record: dict, unit_category: str) -> dict:
    """One place row (without provenance); ValueError says why the record is unusable."""
    if not isinstance(record, dict):
        raise ValueError(f"record is a {type(record).__name__}, not an object")
    place_id = _text(record.get("place_id"))
    if not place_id:
        raise ValueError("record has no place_id")
    name = record.get("name")
    name_th, name_en = _lang(name, "th"), _lang(name, "en")
    if not name_th:
        raise ValueError("record has no Thai name" + (f" (English: {name_en!r})" if name_en else ""))
    category = (_text(record.get("category")) or unit_category).lower()
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    location = record.get("location") or {}
    if not isinstance(location, dict):
        raise ValueError("location is not an object")
    lat = _coordinate(location.get("lat"), "lat")
    lon = _coordinate(location.get("lng", location.get("lon")), "lng")
    if (lat is None) != (lon is None):
        raise ValueError("location has only one coordinate")
    address = record.get("address") or {}
    if not isinstance(address, dict):
        address = {"th": address}
    district = _text(address.get("district_th"))
    starts_on = ends_on = None
    if category == "festival":
        period = record.get("event_period") or {}
        if not isinstance(period, dict):
            raise ValueError("event_period is not an object")
        starts_on = _event_date(period.get("start"), "event_period.start")
        ends_on = _event_date(period.get("end"), "event_period.end") or starts_on
        if starts_on and ends_on and ends_on < starts_on:
            raise ValueError(f"festival ends ({ends_on}) before it starts ({starts_on})")
    phone = _text(record.get("phone"))
    return {
        "place_id": place_id,
        "category": category,
        "name_th": name_th,
        "name_en": name_en,
        "description_th": plain_text(_lang(record.get("description"), "th")) or None,
        "description_en": plain_text(_lang(record.get("description"), "en")) or None,
        "lat": lat,
        "lon": lon,
        "address_th": plain_text(_lang(address, "th")) or None,
        "address_en": plain_text(_lang(address, "en")) or None,
        "district_name_th": strip_admin_prefix(district) if district else None,
        "phone": phone,
        "website": safe_http_url(_text(record.get("website"))),
        "tags": _tags(record.get("tags")),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "updated_at": _updated_at(record.get("updated_at")),
    }


def _category_of(url: str) -> str | None:
    return (parse_qs(urlsplit(url).query).get("category") or [None])[0]


def parse_unit(responses: list[ArchivedResponse]) -> tuple[list[dict], list[dict]]:
    rows, quarantined, seen = [], [], set()
    for response in responses:
        unit_category = _category_of(response.url) or ""
        _, records = decode_page(response.body, response.url)
        for position, record in enumerate(records):
            try:
                row = parse_record(record, unit_category)
            except ValueError as exc:
                ref = record.get("place_id") if isinstance(record, dict) else None
                quarantined.append({"url": response.url, "sha256": response.sha256,
                                    "record_ref": str(ref or f"record {position}")[:60],
                                    "reason": str(exc),
                                    "excerpt": json.dumps(record, ensure_ascii=False)[:300]})
                continue
            if not in_bangkok(row["lat"], row["lon"]) or row["place_id"] in seen:
                continue
            seen.add(row["place_id"])
            row.update(url=response.url, sha256=response.sha256, fetched_at=response.fetched_at)
            rows.append(row)
    return rows, quarantined
