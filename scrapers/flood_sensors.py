"""BMA DDS road flood sensors (FloodBangkok, a Directus-style REST API).

Three collections joined on the sensor id: `sensor_profile` (where, what road), `sensor_now`
(the current depth; its naive `timestamp` is UTC, PARTNER_FORMATS.md §5) and
`flood_notification` (the department's own flood notices, times ending in Z).
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from hub.config import SourceSettings
from hub.raw_archive import ArchivedResponse, CrawlSession, UnitFailed
from hub.thai_dates import parse_partner_timestamp
from hub.thai_text import normalize_thai
from scrapers.json_body import json_document

SOURCE = "flood_sensors"
API = "/bkk/dds/services/api/floods/v1/items/"
COLLECTIONS = {
    "sensor_profile": "sensor_profile?limit=-1",
    "sensor_now": "sensor_now?limit=-1",
    "flood_notification": "flood_notification?limit=500&sort=-id",
}


def collection_of(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def decode_collection(body: bytes, name: str) -> list[dict]:
    """Directus answers {"data": [...]}. Anything else (an HTML error page with 200...) is unusable."""
    document = json_document(body, name)
    if not isinstance(document, dict) or not isinstance(document.get("data"), list):
        raise UnitFailed(f"{name}: JSON without a 'data' list")
    return document["data"]


def crawl(session: CrawlSession, source: SourceSettings) -> None:
    with session.unit("all"):
        for name, query in COLLECTIONS.items():
            response = session.get(source.url(API + query))
            records = decode_collection(response.body, name)
            if name == "sensor_profile" and not records:
                # An empty sensor list is an outage of the API, not 254 sensors removed overnight.
                raise UnitFailed("sensor_profile: empty list")


def _float(value) -> float | None:
    if value in (None, "", "NULL"):
        return None
    return float(value)


def parse_unit(responses: list[ArchivedResponse]) -> tuple[list[dict], list[dict]]:
    by_name = {collection_of(r.url): r for r in responses}
    missing = set(COLLECTIONS) - set(by_name)
    if missing:
        raise UnitFailed(f"crawl lacks {', '.join(sorted(missing))}")
    profiles = decode_collection(by_name["sensor_profile"].body, "sensor_profile")
    readings = {r.get("sensor_profile"): r for r in decode_collection(by_name["sensor_now"].body, "sensor_now")}
    notices = {}
    for n in decode_collection(by_name["flood_notification"].body, "flood_notification"):
        notices.setdefault(n.get("sensor_profile"), n)       # newest first (sort=-id): keep the first
    rows, quarantined = [], []
    source_response = by_name["sensor_profile"]
    for profile in profiles:
        try:
            sensor_id = int(profile["id"])
            lat, lon = _float(profile.get("lat")), _float(profile.get("long"))
            reading = readings.get(sensor_id, {})
            notice = notices.get(sensor_id, {})
            rows.append({
                "sensor_id": sensor_id,
                "code": str(profile["code"]),
                "name_th": normalize_thai(profile.get("name")),
                "road_th": normalize_thai(profile.get("road")),
                "district_name": normalize_thai(profile.get("district")),
                "lat": lat, "lon": lon,
                "device_status": profile.get("device_status") or "unknown",
                "flood_cm": _float(reading.get("flood_now")),
                "observed_at": parse_partner_timestamp(reading.get("timestamp"), source_tz="UTC"),
                "notice_text": normalize_thai(notice.get("text")) or None,
                "flood_started_at": parse_partner_timestamp(notice.get("start_flood"), source_tz="UTC"),
                "url": source_response.url, "sha256": source_response.sha256,
                "fetched_at": source_response.fetched_at,
            })
        except (KeyError, TypeError, ValueError) as exc:
            quarantined.append({"url": source_response.url, "sha256": source_response.sha256,
                                "record_ref": str(profile.get("id") if isinstance(profile, dict) else profile)[:40],
                                "reason": f"{exc.__class__.__name__}: {exc}",
                                "excerpt": json.dumps(profile, ensure_ascii=False)[:300]})
    return rows, quarantined
