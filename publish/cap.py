"""CAP 1.2 (OASIS Common Alerting Protocol): one message per alert version, Thai and English.

Each published alert version is one `<alert>` with two `<info>` blocks (`th-TH`, `en-US`) carrying
the same category, urgency, severity and certainty, and one `<area>`: the alert's polygon, or circles
around its points (a sensor, a station), plus a `<geocode>` per DOPA district code. An update or a
cancellation references the earlier messages ("sender,identifier,sent") and names the incident
(`<incidents>`: the alert id, shared by every version).

Identifiers and sent times are per version and never change once issued: `identifier` is
`bkkconnect-alert-<alert id>-v<version>` and `sent` is the time the hub first issued that version
(`core.alert_versions`), so re-publishing an unchanged alert gives the same bytes.

Element order follows the schema (it is a sequence); every time has an explicit +07:00 offset (CAP
forbids "Z"); a polygon is closed and has at least four points. `tests/test_cap.py` validates the
output against the OASIS XSD in ../shared/schemas.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from lxml import etree

from model.fusion import haversine_m
from model.wording import LABELS
from publish.feeds import BANGKOK, clean_text

NS = "urn:oasis:names:tc:emergency:cap:1.2"
BANGKOK_GEOCODE = "10"             # DOPA province code of Bangkok, for alerts without a district

# CAP <category> per model category.
CAP_CATEGORY = {"flood": "Met", "power_outage": "Infra", "water_outage": "Infra", "road_incident": "Transport",
                "construction": "Transport", "rail_disruption": "Transport", "traffic": "Transport"}
RESPONSE = {"flood": "Avoid", "road_incident": "Avoid", "construction": "Avoid", "traffic": "Avoid",
            "power_outage": "Prepare", "water_outage": "Prepare", "rail_disruption": "Monitor"}
URGENCY = {"Immediate", "Expected", "Future", "Past", "Unknown"}
SEVERITY = {"Extreme", "Severe", "Moderate", "Minor", "Unknown"}
CERTAINTY = {"Observed", "Likely", "Possible", "Unlikely", "Unknown"}
POINT_RADIUS_KM = 0.5              # circle around a point alert (a sensor, a reported spot)
STATION_RADIUS_KM = 0.3            # circle around each station of a rail disruption
MIN_LINE_RADIUS_KM = 0.3


@dataclass(frozen=True)
class CapAlert:
    """What a CAP message needs of one alert version (built from a core.alerts row)."""
    alert_id: str
    version: int
    msg_type: str                  # Alert | Update | Cancel
    sent: datetime                 # when the hub issued this version
    category: str
    urgency: str
    severity: str
    certainty: str
    headline_th: str
    headline_en: str
    description_th: str
    description_en: str
    starts_at: datetime | None
    ends_at: datetime | None
    geometry: str | None           # GeoJSON geometry text, lon/lat
    district_codes: tuple[str, ...]
    area_th: str
    area_en: str
    web: str | None
    sources: tuple[str, ...]
    confidence: str | None
    references: tuple[tuple[str, datetime], ...] = ()   # (identifier, sent) of earlier messages
    status: str = "active"         # active, or ended / cancelled: the message then gives the all-clear


def identifier(alert_id: str, version: int) -> str:
    return f"bkkconnect-alert-{alert_id}-v{int(version)}"


def cap_time(moment: datetime) -> str:
    """2026-11-28T09:00:00+07:00: seconds, explicit offset (the schema's pattern has no fractions, no Z)."""
    if moment.tzinfo is None:
        raise ValueError(f"CAP times need an offset: {moment.isoformat()}")
    return moment.astimezone(BANGKOK).replace(microsecond=0).isoformat()


def _sub(parent, tag: str, text: str | None = None):
    el = etree.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        el.text = clean_text(text)
    return el


def _pair(lon: float, lat: float) -> str:
    return f"{lat:.6f},{lon:.6f}"


def area_shapes(geometry: str | None) -> tuple[list[str], list[str]]:
    """(polygons, circles) in CAP's "lat,lon" notation from GeoJSON geometry text.

    Polygons keep their exterior ring (closed, at least four points); points become circles; a line
    becomes the circle around its middle that covers it (CAP has no line)."""
    if not geometry:
        return [], []
    try:
        geom = json.loads(geometry)
        kind, coords = geom["type"], geom["coordinates"]
    except (ValueError, TypeError, KeyError):
        return [], []
    polygons, circles = [], []
    if kind in ("Polygon", "MultiPolygon"):
        for poly in ([coords] if kind == "Polygon" else coords):
            ring = [(float(x), float(y)) for x, y, *_ in poly[0]]
            if ring and ring[0] != ring[-1]:
                ring.append(ring[0])
            if len(ring) >= 4:
                polygons.append(" ".join(_pair(x, y) for x, y in ring))
    elif kind == "Point":
        circles.append(f"{_pair(*coords[:2])} {POINT_RADIUS_KM}")
    elif kind == "MultiPoint":
        circles += [f"{_pair(*c[:2])} {STATION_RADIUS_KM}" for c in coords]
    elif kind in ("LineString", "MultiLineString"):
        points = coords if kind == "LineString" else [p for line in coords for p in line]
        lon = sum(p[0] for p in points) / len(points)
        lat = sum(p[1] for p in points) / len(points)
        radius = max(MIN_LINE_RADIUS_KM, max(float(haversine_m(lat, lon, p[1], p[0])) / 1000 for p in points))
        circles.append(f"{_pair(lon, lat)} {radius:.1f}")
    return polygons, circles


def render(alert: CapAlert, sender: str, sender_name: str) -> bytes:
    """One CAP 1.2 message (UTF-8 XML)."""
    for value, allowed, name in ((alert.urgency, URGENCY, "urgency"), (alert.severity, SEVERITY, "severity"),
                                 (alert.certainty, CERTAINTY, "certainty")):
        if value not in allowed:
            raise ValueError(f"alert {alert.alert_id}: {name} {value!r} is not a CAP value")
    root = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})
    _sub(root, "identifier", identifier(alert.alert_id, alert.version))
    _sub(root, "sender", sender)
    _sub(root, "sent", cap_time(alert.sent))
    _sub(root, "status", "Actual")
    _sub(root, "msgType", alert.msg_type)
    if alert.sources:
        _sub(root, "source", ", ".join(alert.sources))
    _sub(root, "scope", "Public")
    if alert.msg_type == "Cancel":
        _sub(root, "note", "Cancelled by its source / ยกเลิกโดยหน่วยงานต้นทาง")
    elif alert.status == "ended":
        _sub(root, "note", "Ended / สิ้นสุดแล้ว")
    if alert.references:
        _sub(root, "references", " ".join(f"{sender},{ident},{cap_time(sent)}" for ident, sent in alert.references))
    _sub(root, "incidents", alert.alert_id)
    polygons, circles = area_shapes(alert.geometry)
    over = alert.status in ("ended", "cancelled")
    for language, headline, description, area_desc, label in (
            ("th-TH", alert.headline_th, alert.description_th, alert.area_th, LABELS[alert.category][0]),
            ("en-US", alert.headline_en, alert.description_en, alert.area_en, LABELS[alert.category][1])):
        info = _sub(root, "info")
        _sub(info, "language", language)
        _sub(info, "category", CAP_CATEGORY[alert.category])
        _sub(info, "event", label)
        _sub(info, "responseType", "AllClear" if over else RESPONSE[alert.category])
        _sub(info, "urgency", "Past" if over else alert.urgency)
        _sub(info, "severity", alert.severity)
        _sub(info, "certainty", alert.certainty)
        code = _sub(info, "eventCode")
        _sub(code, "valueName", "bkkconnect:category")
        _sub(code, "value", alert.category)
        # No <effective>: it defaults to <sent>, so an advance notice is in force from the moment it is
        # issued; when the hazard begins is <onset>.
        if alert.starts_at is not None:
            _sub(info, "onset", cap_time(alert.starts_at))
        if alert.ends_at is not None:
            _sub(info, "expires", cap_time(alert.ends_at))
        _sub(info, "senderName", sender_name)
        _sub(info, "headline", headline)
        if description:
            _sub(info, "description", description)
        if alert.web:
            _sub(info, "web", alert.web)
        if alert.confidence:
            parameter = _sub(info, "parameter")
            _sub(parameter, "valueName", "bkkconnect:confidence")
            _sub(parameter, "value", alert.confidence)
        area = _sub(info, "area")
        _sub(area, "areaDesc", area_desc)
        for polygon in polygons:
            _sub(area, "polygon", polygon)
        for circle in circles:
            _sub(area, "circle", circle)
        for code_value in (alert.district_codes or (BANGKOK_GEOCODE,)):
            geocode = _sub(area, "geocode")
            _sub(geocode, "valueName", "TH-DOPA")
            _sub(geocode, "value", code_value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def render_all(alerts: Iterable[CapAlert], sender: str, sender_name: str, prefix: str) -> dict[str, bytes]:
    """`<prefix>/<identifier>.xml` for every alert version."""
    return {f"{prefix}/{identifier(a.alert_id, a.version)}.xml": render(a, sender, sender_name) for a in alerts}
