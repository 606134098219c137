"""core.alerts and core.events (first version of the unified model in DESIGN.md) from staged frames.

Each source maps to the model in one small function; geotagging records how the district was
found (point in polygon, road name, named area, source unit, none). Ids are stable hashes of the
source and its record id, so a record keeps its id across runs.
"""
from __future__ import annotations

import hashlib
import re
import json
from datetime import datetime

import pandas as pd

from hub.gazetteer import Gazetteer
from hub.roads import RoadIndex
from model.wording import event_description_en, headline

ALERT_COLUMNS = {
    "alert_id": "VARCHAR", "source": "VARCHAR", "source_record_id": "VARCHAR", "category": "VARCHAR",
    "severity": "VARCHAR", "urgency": "VARCHAR", "certainty": "VARCHAR", "msg_type": "VARCHAR",
    "headline_th": "VARCHAR", "headline_en": "VARCHAR", "description_th": "VARCHAR", "description_en": "VARCHAR",
    "starts_at": "TIMESTAMPTZ", "ends_at": "TIMESTAMPTZ", "sent_at": "TIMESTAMPTZ",
    "lat": "DOUBLE", "lon": "DOUBLE", "geometry": "VARCHAR",
    "district_code": "VARCHAR", "district_codes": "VARCHAR[]", "geotag_method": "VARCHAR",
    "subdistrict_code": "VARCHAR",           # the khwaeng named in the source text, inside district_code
    "source_language": "VARCHAR",            # language of the partner's own text: th or en
    "source_url": "VARCHAR", "confidence": "VARCHAR",
    "status": "VARCHAR",                     # active | ended | cancelled (by the source) | merged (into another)
    "route_ids": "VARCHAR[]", "stop_ids": "VARCHAR[]",   # Bangkok GTFS ids, rail disruptions only
    "version": "INTEGER",                    # 1, then +1 whenever the alert's content changes
    "references": "VARCHAR[]",               # CAP-style lineage: "<alert_id>:v<n>" of earlier versions
    # Fusion (model.fusion): one incident reported by several sources is one alert; the others are "merged".
    "sources": "VARCHAR[]", "related_alert_ids": "VARCHAR[]", "merged_into": "VARCHAR",
    "complaint_count": "INTEGER", "confidence_score": "DOUBLE",
    "first_seen_at": "TIMESTAMPTZ", "last_seen_at": "TIMESTAMPTZ", "content_hash": "VARCHAR",
}
EVENT_COLUMNS = {
    "event_id": "VARCHAR", "source": "VARCHAR", "source_record_id": "VARCHAR", "category": "VARCHAR",
    "title_th": "VARCHAR", "title_en": "VARCHAR", "headline_th": "VARCHAR", "headline_en": "VARCHAR",
    "description_th": "VARCHAR", "description_en": "VARCHAR",
    "starts_at": "TIMESTAMPTZ", "ends_at": "TIMESTAMPTZ", "all_day": "BOOLEAN",
    "district_code": "VARCHAR", "subdistrict_code": "VARCHAR",   # the khwaeng the text names, inside the district
    "organiser_th": "VARCHAR", "organiser_en": "VARCHAR", "contact_phone": "VARCHAR",
    "source_url": "VARCHAR", "geotag_method": "VARCHAR", "lat": "DOUBLE", "lon": "DOUBLE",
    "attachments": "VARCHAR",                # JSON list of {title, url, type}: the notice's PDFs, forms, images
    "first_seen_at": "TIMESTAMPTZ", "last_seen_at": "TIMESTAMPTZ", "content_hash": "VARCHAR",
}
# Fields whose change makes a new version of a record (not fetch times).
_HASHED = ("category", "severity", "headline_th", "headline_en", "description_th", "description_en", "starts_at",
           "ends_at", "district_codes", "title_th", "lat", "lon", "status", "route_ids", "stop_ids", "attachments",
           "subdistrict_code", "sources", "related_alert_ids", "merged_into", "confidence_score")


def new_alert(source: str, record_id: str, category: str, **fields) -> dict:
    """An alert row with the model's defaults; callers pass what their source knows."""
    row = {name: None for name in ALERT_COLUMNS}
    row.update(alert_id=stable_id(source, record_id), source=source, source_record_id=record_id, category=category,
               severity="Moderate", urgency="Expected", certainty="Likely", msg_type="Alert", status="active",
               district_codes=[], route_ids=[], stop_ids=[], geotag_method="none", confidence="official_agency",
               version=1, references=[], source_language="th")
    row.update(fields)
    if row["district_code"] is None and row["district_codes"]:
        row["district_code"] = row["district_codes"][0]
    return row


def place_names(gaz: Gazetteer, codes: list[str], fallback: tuple[str, str] = ("กรุงเทพมหานคร", "Bangkok")
                ) -> tuple[str, str]:
    return _place(gaz, codes) if codes else fallback


def as_list(value) -> list:
    """DuckDB LIST columns reach pandas as arrays (or None/NaN): always a plain list."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return list(value)


def stable_id(source: str, record_id: str) -> str:
    return hashlib.sha256(f"{source}:{record_id}".encode()).hexdigest()[:20]


def content_hash(row: dict) -> str:
    payload = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items() if k in _HASHED}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def rehash(frame: pd.DataFrame) -> pd.DataFrame:
    """Content hashes again after a step that changed rows (fusion)."""
    if len(frame):
        frame = frame.copy()
        frame["content_hash"] = [content_hash(r) for r in frame.to_dict("records")]
    return frame


def present(value) -> bool:
    """A real value, not None/NaN."""
    return value is not None and not (isinstance(value, float) and pd.isna(value))


def point_geojson(lon, lat) -> str | None:
    """GeoJSON Point, or None without coordinates (never [NaN, NaN])."""
    return json.dumps({"type": "Point", "coordinates": [float(lon), float(lat)]}) \
        if present(lon) and present(lat) else None


def locate(gaz: Gazetteer, lon, lat, *, name: str | None = None, text: str | None = None) -> tuple[list[str], str]:
    """Districts of a record and how they were found: the point in the boundaries first, else a
    district name field, else district names in free text."""
    if gaz.has_boundaries and present(lat) and present(lon):
        code = gaz.district_at(float(lon), float(lat))
        if code:
            return [code], "point_in_polygon"
    code = gaz.match_district(name) if name else None
    if code:
        return [code], "named_area"
    codes = gaz.find_districts_in_text(text) if text else []
    return (codes, "named_area") if codes else ([], "none")


def _place(gaz: Gazetteer, codes: list[str]) -> tuple[str, str]:
    names = [gaz.district(c) for c in codes[:3]]
    more = len(codes) - len(names)
    th = ", ".join(d.name_th for d in names) + (f" และอีก {more} เขต" if more > 0 else "")
    en = ", ".join(d.name_en for d in names) + (f" and {more} more" if more > 0 else "")
    return th, en


def flood_alerts(frame: pd.DataFrame, gaz: Gazetteer, threshold_cm: float) -> list[dict]:
    out = []
    for r in frame[frame["flood_cm"].fillna(-1) >= threshold_cm].to_dict("records"):
        codes, method = locate(gaz, r["lon"], r["lat"], name=r["district_name"])
        code = codes[0] if codes else None
        place_th, place_en = _place(gaz, codes) if codes else ("", "")
        cm = r["flood_cm"]
        th, en = headline("flood", f"{r['road_th']} {place_th}".strip(), place_en, None, None)
        start = r["flood_started_at"] if pd.notna(r["flood_started_at"]) else r["observed_at"]
        out.append({
            "alert_id": stable_id("flood_sensors", r["code"]), "source": "flood_sensors",
            "source_record_id": r["code"], "category": "flood",
            "severity": "Severe" if cm >= 30 else "Moderate" if cm >= 20 else "Minor",
            "urgency": "Immediate", "certainty": "Observed", "msg_type": "Alert",
            "headline_th": f"{th} {cm:g} ซม.", "headline_en": f"{en} · {cm:g} cm of water",
            "description_th": r["notice_text"] or f"เซนเซอร์ {r['code']} {r['name_th']} วัดระดับน้ำได้ {cm:g} ซม.",
            "description_en": f"Sensor {r['code']} measures {cm:g} cm of standing water on the road"
                              + (f" in {place_en}" if place_en else "") + ".",
            "starts_at": start, "ends_at": None, "sent_at": r["observed_at"],
            "lat": r["lat"], "lon": r["lon"],
            "geometry": point_geojson(r["lon"], r["lat"]),
            "district_code": code, "district_codes": codes, "geotag_method": method if code else "none",
            "source_url": r["url"], "confidence": "official_sensor",
            "first_seen_at": r["first_seen_at"], "last_seen_at": r["last_seen_at"],
        })
    return out


def power_alerts(frame: pd.DataFrame, gaz: Gazetteer, roads: RoadIndex) -> list[dict]:
    out = []
    for r in frame.to_dict("records"):
        codes = roads.districts_for(r["area_en"])
        place_th, place_en = _place(gaz, codes) if codes else ("กรุงเทพมหานคร", "Bangkok")
        th, en = headline("power_outage", place_th, place_en, r["starts_at"], r["ends_at"])
        out.append({
            "alert_id": stable_id("mea_outages", r["outage_id"]), "source": "mea_outages",
            "source_record_id": r["outage_id"], "category": "power_outage",
            "severity": "Moderate", "urgency": "Future", "certainty": "Likely", "msg_type": "Alert",
            "headline_th": th, "headline_en": en,
            "description_th": f"การไฟฟ้านครหลวงงดจ่ายไฟเพื่อปฏิบัติงาน บริเวณ: {r['area_en']}",
            "description_en": f"MEA planned outage for maintenance. Area: {r['area_en']}", "source_language": "en",
            "starts_at": r["starts_at"], "ends_at": r["ends_at"], "sent_at": r["first_seen_at"],
            "lat": None, "lon": None, "geometry": None,
            "district_code": codes[0] if codes else None, "district_codes": codes,
            "geotag_method": "road_name" if codes else "none",
            "source_url": r["url"], "confidence": "official_agency",
            "first_seen_at": r["first_seen_at"], "last_seen_at": r["last_seen_at"],
        })
    return out


def construction_alerts(notices: pd.DataFrame, gaz: Gazetteer) -> list[dict]:
    out = []
    for r in notices[notices["kind"] == "construction"].to_dict("records"):
        district = gaz.district(r["district_code"])
        th, en = headline("construction", district.name_th, district.name_en, r["starts_at"], r["ends_at"],
                          bool(r["all_day"]))
        out.append({
            "alert_id": stable_id("district_portals", r["notice_id"]), "source": "district_portals",
            "source_record_id": r["notice_id"], "category": "construction",
            "severity": "Minor", "urgency": "Future", "certainty": "Likely", "msg_type": "Alert",
            "headline_th": th, "headline_en": en, "description_th": f"{r['title_th']}: {r['body_th']}",
            "description_en": f"Road works notice from the {district.name_en} district office (in Thai).",
            "starts_at": r["starts_at"], "ends_at": r["ends_at"], "sent_at": r["first_seen_at"],
            "lat": None, "lon": None, "geometry": None,
            "district_code": district.code, "district_codes": [district.code], "geotag_method": "source_unit",
            "source_url": r["url"], "confidence": "official_agency",
            "first_seen_at": r["first_seen_at"], "last_seen_at": r["last_seen_at"],
        })
    return out


def district_events(notices: pd.DataFrame, gaz: Gazetteer) -> list[dict]:
    out = []
    for r in notices[notices["kind"] != "construction"].to_dict("records"):
        district = gaz.district(r["district_code"])
        th, en = headline(r["kind"], district.name_th, district.name_en, r["starts_at"], r["ends_at"],
                          bool(r["all_day"]))
        out.append({
            "event_id": stable_id("district_portals", r["notice_id"]), "source": "district_portals",
            "source_record_id": r["notice_id"], "category": r["kind"],
            "title_th": r["title_th"], "title_en": en.split(" · ")[0] + f" · {district.name_en}",
            "headline_th": th, "headline_en": en, "description_th": r["body_th"],
            "description_en": event_description_en(r["kind"], f"the {district.name_en} District Office",
                                                   r["starts_at"], r["ends_at"], bool(r["all_day"])),
            "starts_at": r["starts_at"], "ends_at": r["ends_at"], "all_day": bool(r["all_day"]),
            "district_code": district.code,
            "subdistrict_code": subdistrict_in_text(gaz, f"{r['title_th']} {r['body_th'] or ''}", [district.code]),
            "organiser_th": f"สำนักงานเขต{district.name_th}",
            "organiser_en": f"{district.name_en} District Office", "contact_phone": district.office_phone,
            "source_url": r["url"], "geotag_method": "source_unit", "attachments": r.get("attachments") or "[]",
            "first_seen_at": r["first_seen_at"], "last_seen_at": r["last_seen_at"],
        })
    return out


_KHWAENG = re.compile(r"แขวง\s*([ก-๙]+)")


def subdistrict_in_text(gaz: Gazetteer, text: str | None, district_codes: list[str]) -> str | None:
    """The khwaeng a text names ("... แขวงคลองจั่น เขตบางกะปิ"), when it lies in one of the districts."""
    if not text:
        return None
    for name in _KHWAENG.findall(text):
        for district_code in district_codes:
            code = gaz.match_subdistrict(name, district_code)
            if code:
                return code
    return None


def finish(rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    for row in rows:
        if "source_language" in columns:
            row.setdefault("source_language", "th")
        for key in columns:
            if key not in row:
                row[key] = ([] if columns[key].endswith("[]") else "active" if key == "status"
                            else 1 if key == "version" else None)
        row["content_hash"] = content_hash(row)
    return pd.DataFrame(rows, columns=list(columns))
