"""BMA DDS rain gauges from weather.bangkok.go.th (ASP.NET MVC, an undocumented internal endpoint).

The real site answers `POST /rain/PageMap/GetDataForUpdate` (empty body) with a JSON array of
`{rain_code "RF.xxx", rain_name, rain_name_en, district_name_en, latitude, longitude,
site_timestamp "/Date(ms)/", rf1hr, rf3hr, rf24hr, …}` (PARTNER_FORMATS.md §5). Our polite client only
does GET, so we GET the same path; the sample site answers GET. Whether the real endpoint accepts GET is
NOT verified: if it does not, the client needs a POST (with the same politeness rules) before go-live.
Several repositories also report that the host answers Thai IPs only and sometimes 403s behind a WAF.

Quirks handled:
* Numbers arrive as numbers or strings; missing readings as null or the literal "NULL" (the DDS
  historical CSVs have the same). Those gauges are kept, with the reading None. A negative reading is
  a dropout sentinel, also None.
* `site_timestamp` must be the ASP.NET "/Date(ms)/" form (UTC milliseconds). Anything else means the
  serializer changed; that gauge is quarantined rather than guessed at. A null timestamp is kept as None.
* `district_name_en` uses BMA's own romanisations ("Bung Kum", "Vadhana", …): published as given, never
  used as a join key (PARTNER_FORMATS.md §1; the gazetteer matches names to codes).

No cursor exists: the whole list is fetched each pass (conditional GET is automatic).
"""
from __future__ import annotations

import json
import math
import re
from urllib.parse import urlsplit

from hub.config import SourceSettings
from hub.raw_archive import ArchivedResponse, CrawlSession, UnitFailed
from hub.thai_dates import parse_partner_timestamp
from scrapers.json_body import json_document
from scrapers.traffic_events import plain_text

SOURCE = "rain_gauges"
ID_COLUMN = "gauge_code"
PATH = "/rain/PageMap/GetDataForUpdate"

STAGED_COLUMNS: dict[str, str] = {
    "gauge_code": "VARCHAR",
    "name_th": "VARCHAR",
    "name_en": "VARCHAR",
    "district_name_en": "VARCHAR",
    "lat": "DOUBLE",
    "lon": "DOUBLE",
    "observed_at": "TIMESTAMPTZ",
    "rain_1h_mm": "DOUBLE",
    "rain_3h_mm": "DOUBLE",
    "rain_24h_mm": "DOUBLE",
}

# Rain in one hour at or above this is "heavy" (alerting downstream may use its own threshold).
HEAVY_RAIN_1H_MM = 35.0
# The gauges are in Bangkok; a position outside this box is a broken or swapped pair.
AREA_LAT = (13.3, 14.2)
AREA_LON = (100.2, 101.1)
_ASPNET_DATE = re.compile(r"/Date\(-?\d+(?:[+-]\d{4})?\)/")
_MISSING = {"", "null", "none", "-", "nan"}


def decode_gauges(body: bytes) -> list:
    """The gauge list. An empty body, a non-JSON answer, another JSON shape or an empty list fail the unit."""
    document = json_document(body, "GetDataForUpdate")
    if not isinstance(document, list):
        raise UnitFailed(f"GetDataForUpdate: expected a JSON array, got {json.dumps(document)[:120]}")
    if not document:
        # About 60 gauges do not all vanish at once: an empty list is an outage of the endpoint.
        raise UnitFailed("GetDataForUpdate: empty gauge list")
    return document


def crawl(session: CrawlSession, source: SourceSettings) -> None:
    with session.unit("all"):
        response = session.get(source.url(PATH))
        decode_gauges(response.body)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in _MISSING)


def reading_mm(value: object, name: str) -> float | None:
    """A rain reading in mm: None when missing ("NULL", null) or a negative dropout sentinel."""
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{name} is a boolean")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} is not a number: {value!r}") from None
    if not math.isfinite(number) or number < 0:
        return None
    return number


def _coordinate(value: object, name: str, bounds: tuple[float, float]) -> float | None:
    if _is_missing(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} is not a number: {value!r}") from None
    if not bounds[0] <= number <= bounds[1]:
        raise ValueError(f"{name} {number} is outside Bangkok ({bounds[0]}–{bounds[1]})")
    return number


def observed_at(value: object):
    if _is_missing(value):
        return None
    if not isinstance(value, str) or not _ASPNET_DATE.fullmatch(value.strip()):
        raise ValueError(f"site_timestamp is not an ASP.NET /Date(ms)/ value: {value!r}")
    return parse_partner_timestamp(value.strip())


def parse_gauge(record: object) -> dict:
    """One gauge as a row (without provenance). Raises ValueError/TypeError when unreadable."""
    if not isinstance(record, dict):
        raise TypeError(f"gauge is a {type(record).__name__}, not an object")
    code = plain_text(record.get("rain_code"))
    if not code:
        raise ValueError("no rain_code")
    return {
        "gauge_code": code,
        "name_th": plain_text(record.get("rain_name")) or None,
        "name_en": plain_text(record.get("rain_name_en")) or None,
        "district_name_en": plain_text(record.get("district_name_en")) or None,
        "lat": _coordinate(record.get("latitude"), "latitude", AREA_LAT),
        "lon": _coordinate(record.get("longitude"), "longitude", AREA_LON),
        "observed_at": observed_at(record.get("site_timestamp")),
        "rain_1h_mm": reading_mm(record.get("rf1hr"), "rf1hr"),
        "rain_3h_mm": reading_mm(record.get("rf3hr"), "rf3hr"),
        "rain_24h_mm": reading_mm(record.get("rf24hr"), "rf24hr"),
    }


def parse_unit(responses: list[ArchivedResponse]) -> tuple[list[dict], list[dict]]:
    answers = [r for r in responses if urlsplit(r.url).path.rstrip("/") == PATH]
    if not answers:
        raise UnitFailed(f"crawl lacks {PATH}")
    response = answers[-1]
    rows, quarantined, seen = [], [], set()
    for index, record in enumerate(decode_gauges(response.body)):
        try:
            row = parse_gauge(record)
            if row["gauge_code"] in seen:
                raise ValueError(f"duplicate rain_code {row['gauge_code']}")
        except (KeyError, TypeError, ValueError) as exc:
            ref = record.get("rain_code") if isinstance(record, dict) else None
            quarantined.append({"url": response.url, "sha256": response.sha256,
                                "record_ref": str(ref or f"#{index}")[:40],
                                "reason": f"{exc.__class__.__name__}: {exc}",
                                "excerpt": json.dumps(record, ensure_ascii=False)[:300]})
            continue
        seen.add(row["gauge_code"])
        row.update(url=response.url, sha256=response.sha256, fetched_at=response.fetched_at)
        rows.append(row)
    return rows, quarantined
