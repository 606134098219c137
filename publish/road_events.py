"""Road events for navigation apps: WZDx 4.2 work zones and a Waze CIFS incident feed.

    v1/road/wzdx.geojson          WZDx 4.2 WorkZoneFeed: current construction alerts that have a place
    v1/road/waze-cifs.xml         Waze CIFS 2.0: current road incidents, works and closures that have a place

Only alerts with coordinates can be described: both formats locate an event on the road. A point
report (most Bangkok sources give one point) is a WZDx MultiPoint of that point and a CIFS polyline
of the point twice with `BOTH_DIRECTIONS`, since a single point says nothing about direction. Road
names come from the road index (reference/roads.csv) or a "ถนน…" phrase in the alert's text.

Ids are the alerts' stable ids (stable for the incident's life, as CIFS asks). Times carry their
offset. The feed times are given by the caller (`publish.feed_stamps`): unchanged while the events are,
newer as soon as they change.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from publish.feeds import clean_text
from publish.geojson import safe_json

WZDX_VERSION = "4.2"
_ROAD_PHRASE = re.compile(r"((?:ถนน|สะพาน|ทางด่วน|แยก)\s?[\u0e00-\u0e7fA-Za-z]+(?:\s\d+)?)")
_ALL_CLOSED = re.compile(r"ปิดถนน|ปิดการจราจร|ปิดสะพาน|road closed|closure", re.I)
# Checked first: "ปิดการจราจร 1 ช่องทาง" closes a lane, not the road.
_SOME_CLOSED = re.compile(r"ปิด(?:การจราจร)?\s?\d+\s?ช่อง|ปิด(?:การจราจร)?\s?ช่องทาง|ช่องทาง(?:ซ้าย|ขวา|ด่วน)|"
                          r"lanes? closed|lane closure", re.I)


@dataclass(frozen=True)
class RoadEvent:
    alert_id: str
    category: str               # construction | road_incident | traffic
    source: str
    headline_th: str
    headline_en: str
    description: str
    partner_text: str           # the partner's own words (title and description), never the hub's headline
    lon: float
    lat: float
    starts_at: datetime
    ends_at: datetime | None
    first_seen_at: datetime
    updated_at: datetime
    road_names: tuple[str, ...]


def road_names(text: str, index_names: list[str]) -> tuple[str, ...]:
    """Roads the alert names: the road index's names first, else Thai road phrases in its text."""
    if index_names:
        return tuple(dict.fromkeys(index_names))
    found = [m.strip() for m in _ROAD_PHRASE.findall(text or "")]
    return tuple(dict.fromkeys(found)) or ("unnamed road",)


def vehicle_impact(text: str) -> str:
    if _SOME_CLOSED.search(text or ""):
        return "some-lanes-closed"
    if _ALL_CLOSED.search(text or ""):
        return "all-lanes-closed"
    return "unknown"


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def wzdx_feed(events: list[RoadEvent], publisher: str, contact_email: str, update_frequency_s: int,
              stamp: datetime) -> bytes:
    works = sorted((e for e in events if e.category == "construction" and e.ends_at is not None),
                   key=lambda e: e.alert_id)
    sources = sorted({e.source for e in works}) or ["district_portals"]
    features = [{
        "id": e.alert_id, "type": "Feature",
        "properties": {
            "core_details": {"event_type": "work-zone", "data_source_id": e.source, "road_names": list(e.road_names),
                             "direction": "unknown", "name": clean_text(e.headline_en),
                             "description": clean_text(f"{e.headline_th}\n{e.description}".strip()),
                             "creation_date": _iso(e.first_seen_at), "update_date": _iso(e.updated_at)},
            "start_date": _iso(e.starts_at), "end_date": _iso(e.ends_at),
            "is_start_date_verified": False, "is_end_date_verified": False,
            "is_start_position_verified": False, "is_end_position_verified": False,
            "location_method": "unknown", "vehicle_impact": vehicle_impact(e.partner_text),
        },
        "geometry": {"type": "MultiPoint", "coordinates": [[round(e.lon, 6), round(e.lat, 6)]]},
    } for e in works]
    feed = {
        "feed_info": {"publisher": publisher, "contact_email": contact_email, "update_frequency": update_frequency_s,
                      "update_date": _iso(stamp), "version": WZDX_VERSION,
                      "data_sources": [{"data_source_id": s, "organization_name": s} for s in sources]},
        "type": "FeatureCollection", "features": features,
    }
    return safe_json(feed)


CIFS_TYPES = {"construction": ("CONSTRUCTION", ""), "road_incident": ("ACCIDENT", ""),
              "traffic": ("HAZARD", "HAZARD_ON_ROAD")}


def _cifs_type(e: RoadEvent) -> tuple[str, str]:
    text = e.partner_text
    if _ALL_CLOSED.search(text) and not _SOME_CLOSED.search(text):
        return "ROAD_CLOSED", "ROAD_CLOSED_CONSTRUCTION" if e.category == "construction" else "ROAD_CLOSED_EVENT"
    if e.category == "road_incident" and "อุบัติเหตุ" not in text and "accident" not in text.lower():
        return "HAZARD", "HAZARD_ON_ROAD"
    if e.category == "construction" and _SOME_CLOSED.search(text):
        return "HAZARD", "HAZARD_ON_ROAD_LANE_CLOSED"
    return CIFS_TYPES[e.category]


def cifs_feed(events: list[RoadEvent], stamp: datetime) -> bytes:
    current = sorted(events, key=lambda e: e.alert_id)
    root = etree.Element("incidents", timestamp=_iso(stamp))
    for e in current:
        incident = etree.SubElement(root, "incident", id=e.alert_id)
        etree.SubElement(incident, "creationtime").text = _iso(e.first_seen_at)
        etree.SubElement(incident, "updatetime").text = _iso(e.updated_at)
        source = etree.SubElement(incident, "source")
        etree.SubElement(source, "reference").text = e.source
        etree.SubElement(source, "name").text = "BKK Connect Data Hub"
        kind, subtype = _cifs_type(e)
        etree.SubElement(incident, "type").text = kind
        etree.SubElement(incident, "subtype").text = subtype
        etree.SubElement(incident, "description").text = clean_text(f"{e.headline_th} / {e.headline_en}")
        location = etree.SubElement(incident, "location")
        etree.SubElement(location, "street").text = e.road_names[0] if len(e.road_names[0]) >= 2 else "unnamed road"
        point = f"{e.lat:.6f} {e.lon:.6f}"
        etree.SubElement(location, "polyline").text = f"{point} {point}"
        etree.SubElement(location, "direction").text = "BOTH_DIRECTIONS"
        etree.SubElement(incident, "starttime").text = _iso(e.starts_at)
        if e.ends_at is not None:
            etree.SubElement(incident, "endtime").text = _iso(e.ends_at)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def point_of(geometry: str | None, lon, lat) -> tuple[float, float] | None:
    """(lon, lat) of an alert: its Point geometry or its lon/lat columns."""
    try:
        geom = json.loads(geometry) if geometry else None
    except ValueError:
        geom = None
    if geom and geom.get("type") == "Point":
        return float(geom["coordinates"][0]), float(geom["coordinates"][1])
    if lon is not None and lat is not None and lon == lon and lat == lat:
        return float(lon), float(lat)
    return None
