"""MWA (Metropolitan Waterworks Authority) water outages, from the undocumented mobile-app API.

`GET /api/mobile/no-water-running-area/latitude/{lat}/longitude/{lon}` answers, for one point, a JSON
array (nearest first) of `{areaName, startDate, endDate, soi, reason, impactBranches: [str],
polygons: [{coordinates: [{latitude: "13.7…", longitude: "100.5…"}]}]}` with coordinates as strings
(PARTNER_FORMATS.md §4). There is no city-wide listing, so one pass asks a fixed lattice of points over
Bangkok (`QUERY_POINTS`, one unit "all") and merges the answers: an outage seen from several points is
one row, identified by a hash of its content (area name, start, end, polygon).

Limits and assumptions, to check on the first live fetch:
* The API's search radius is unknown. The sample site answers within 6 km of the point (measured from
  any polygon vertex); at that radius the 4 x 5 lattice (about 13 km apart) misses outages that lie
  wholly in the gaps between points. Override the points with `options["query_points"]` (list of
  [lat, lon]) once the real radius is known.
* The date format is unknown: naive "2026-11-26 09:00:00" (read as Bangkok time) and Thai-style
  "26/11/2569 22:00" (Buddhist Era) are both read.
* The content id changes when MWA edits an outage (e.g. extends endDate): the old row disappears and a
  new one appears on the next pass.
* The API has no cancellation flag. An `areaName` or `reason` that starts with "ยกเลิก" (cancelled) is
  taken as a cancellation notice (status "cancelled"); that wording is an unverified assumption.
* One repository sends `User-Agent: mwa-mobile-ios/2`; we identify ourselves honestly instead.
* Nothing is incremental: each pass re-asks every point (conditional GET is automatic).

An empty array is a valid "no outage near this point" answer. A body that is empty, not JSON, or JSON
of another shape (`{"message": "error"}`) fails the whole unit, so the previous outages stay published.
"""
from __future__ import annotations

import hashlib
import json
import math
import re

from shapely.geometry import shape

from hub.config import SourceSettings
from hub.raw_archive import ArchivedResponse, CrawlSession, UnitFailed
from hub.thai_dates import ThaiDateError, parse_partner_timestamp, parse_thai_datetime
from scrapers.json_body import json_document
from scrapers.traffic_events import plain_text

SOURCE = "mwa_outages"
ID_COLUMN = "outage_id"
PATH = "/api/mobile/no-water-running-area/latitude/{lat}/longitude/{lon}"

STAGED_COLUMNS: dict[str, str] = {
    "outage_id": "VARCHAR",
    "area_name_th": "VARCHAR",
    "soi_th": "VARCHAR",
    "reason_th": "VARCHAR",
    "branches": "VARCHAR[]",
    "starts_at": "TIMESTAMPTZ",
    "ends_at": "TIMESTAMPTZ",
    "polygon_geojson": "VARCHAR",
    "centroid_lat": "DOUBLE",
    "centroid_lon": "DOUBLE",
    "status": "VARCHAR",
}

# Cell centres of a 4 x 5 lattice over Bangkok's bounding box (lat 13.49–13.96, lon 100.32–100.94).
QUERY_POINTS: tuple[tuple[float, float], ...] = tuple(
    (lat, lon)
    for lat in (13.549, 13.666, 13.784, 13.901)
    for lon in (100.382, 100.506, 100.630, 100.754, 100.878)
)
# MWA serves Bangkok, Nonthaburi and Samut Prakan: a vertex outside this box is a broken (or swapped) pair.
SERVICE_LAT = (13.3, 14.3)
SERVICE_LON = (100.1, 101.2)
STATUSES = ("active", "cancelled")
_CANCELLED = re.compile(r"^\W*ยกเลิก")


def query_points(source: SourceSettings) -> list[tuple[float, float]]:
    points = (getattr(source, "options", None) or {}).get("query_points") or QUERY_POINTS
    return [(float(lat), float(lon)) for lat, lon in points]


def query_url(source: SourceSettings, lat: float, lon: float) -> str:
    return source.url(PATH.format(lat=f"{lat:.4f}", lon=f"{lon:.4f}"))


def decode_outages(body: bytes, where: str) -> list:
    """The outage list of one point's answer. Raises UnitFailed when the answer is unusable."""
    document = json_document(body, where)
    if not isinstance(document, list):
        detail = json.dumps(document, ensure_ascii=False)[:120]
        raise UnitFailed(f"{where}: expected a JSON array of outages, got {detail}")
    return document


def crawl(session: CrawlSession, source: SourceSettings) -> None:
    with session.unit("all"):
        for lat, lon in query_points(source):
            response = session.get(query_url(source, lat, lon))
            decode_outages(response.body, response.url)


# --- one record -----------------------------------------------------------------------------------------

def parse_mwa_datetime(value: object):
    """startDate/endDate: naive ISO ("2026-11-26 09:00:00", Bangkok time) or "26/11/2569 22:00" (BE)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_partner_timestamp(value, source_tz="Asia/Bangkok")
    except ThaiDateError:
        if not isinstance(value, str):
            raise
    return parse_thai_datetime(value)


def _number(value: object, name: str) -> float:
    number = float(value)          # ValueError for "13.7x1", TypeError for None
    if not math.isfinite(number):
        raise ValueError(f"{name} is not a finite number: {value!r}")
    return number


def _ring(polygon: object, index: int) -> list[list[float]]:
    """One polygon's vertices as a closed GeoJSON ring of [lon, lat] floats."""
    if not isinstance(polygon, dict) or not isinstance(polygon.get("coordinates"), list):
        raise ValueError(f"polygon {index} has no coordinates list")
    ring = []
    for vertex in polygon["coordinates"]:
        if not isinstance(vertex, dict):
            raise ValueError(f"polygon {index}: vertex {vertex!r} is not an object")
        try:
            lat = _number(vertex.get("latitude"), "latitude")
            lon = _number(vertex.get("longitude"), "longitude")
        except (TypeError, ValueError):
            raise ValueError(f"polygon {index}: unreadable vertex {json.dumps(vertex, ensure_ascii=False)}") from None
        if not (SERVICE_LAT[0] <= lat <= SERVICE_LAT[1] and SERVICE_LON[0] <= lon <= SERVICE_LON[1]):
            raise ValueError(f"polygon {index}: vertex ({lat}, {lon}) is outside MWA's service area")
        ring.append([round(lon, 7), round(lat, 7)])
    if len({tuple(p) for p in ring}) < 3:
        raise ValueError(f"polygon {index} has fewer than 3 distinct vertices")
    if ring[0] != ring[-1]:
        ring.append(list(ring[0]))
    return ring


def polygon_geojson(polygons: object) -> dict | None:
    """GeoJSON geometry of the outage: a Polygon, a MultiPolygon when MWA gives several, None for none."""
    if polygons in (None, []):
        return None
    if not isinstance(polygons, list):
        raise ValueError(f"polygons is a {type(polygons).__name__}, not a list")
    rings = [_ring(p, i) for i, p in enumerate(polygons)]
    if len(rings) == 1:
        return {"type": "Polygon", "coordinates": [rings[0]]}
    return {"type": "MultiPolygon", "coordinates": [[r] for r in rings]}


def _branches(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"impactBranches is a {type(value).__name__}, not a list")
    return list(dict.fromkeys(b for b in (plain_text(v) for v in value) if b))


def parse_outage(record: object) -> dict:
    """One outage as a row (without provenance). Raises ValueError/TypeError/KeyError when unreadable."""
    if not isinstance(record, dict):
        raise TypeError(f"outage is a {type(record).__name__}, not an object")
    area = plain_text(record.get("areaName"))
    if not area:
        raise ValueError("no areaName")
    starts_at = parse_mwa_datetime(record.get("startDate"))
    if starts_at is None:
        raise ValueError("no startDate")
    ends_at = parse_mwa_datetime(record.get("endDate"))
    if ends_at is not None and ends_at < starts_at:
        raise ValueError(f"endDate {record.get('endDate')!r} is before startDate {record.get('startDate')!r}")
    geometry = polygon_geojson(record.get("polygons"))
    geometry_text = json.dumps(geometry, separators=(",", ":")) if geometry else None
    centroid = shape(geometry).centroid if geometry else None
    reason = plain_text(record.get("reason"))
    # The id names the outage, not its current wording: an extended endDate, a redrawn polygon or a
    # cancellation ("ยกเลิก..." before the area) updates the same outage instead of adding another.
    key = json.dumps([_CANCELLED.sub("", area).strip(), plain_text(record.get("soi")), starts_at.isoformat()],
                     ensure_ascii=False)
    return {
        "outage_id": "mwa-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16],
        "area_name_th": area,
        "soi_th": plain_text(record.get("soi")) or None,
        "reason_th": reason or None,
        "branches": _branches(record.get("impactBranches")),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "polygon_geojson": geometry_text,
        "centroid_lat": round(centroid.y, 6) if centroid is not None and not centroid.is_empty else None,
        "centroid_lon": round(centroid.x, 6) if centroid is not None and not centroid.is_empty else None,
        "status": "cancelled" if _CANCELLED.match(area) or _CANCELLED.match(reason) else "active",
    }


def parse_unit(responses: list[ArchivedResponse]) -> tuple[list[dict], list[dict]]:
    """Every point's answer merged: each outage once (first point that saw it), each bad record once."""
    rows, quarantined = [], []
    seen_ids: set[str] = set()
    seen_bad: set[str] = set()
    answers = [r for r in responses if "/no-water-running-area/" in r.url]
    if not answers:
        raise UnitFailed("crawl holds no no-water-running-area answer")
    for response in answers:
        for index, record in enumerate(decode_outages(response.body, response.url)):
            try:
                row = parse_outage(record)
            except (KeyError, TypeError, ValueError) as exc:
                excerpt = json.dumps(record, ensure_ascii=False, sort_keys=True)
                fingerprint = hashlib.sha1(excerpt.encode("utf-8")).hexdigest()
                if fingerprint not in seen_bad:
                    seen_bad.add(fingerprint)
                    ref = record.get("areaName") if isinstance(record, dict) else None
                    quarantined.append({"url": response.url, "sha256": response.sha256,
                                        "record_ref": str(ref or f"#{index}")[:40],
                                        "reason": f"{exc.__class__.__name__}: {exc}", "excerpt": excerpt[:300]})
                continue
            if row["outage_id"] in seen_ids:
                continue
            seen_ids.add(row["outage_id"])
            row.update(url=response.url, sha256=response.sha256, fetched_at=response.fetched_at)
            rows.append(row)
    return rows, quarantined
