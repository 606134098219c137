"""core.alerts rows from the utility, traffic, weather and rail sources (one small function each).

Geotagging records how a district was found: point or polygon in the district boundaries, a
named area in the text, a rail station's district, or none.
"""
from __future__ import annotations

import json

import pandas as pd
import shapely

from hub.gazetteer import Gazetteer
from model.core_tables import as_list, locate, new_alert, place_names, point_geojson, subdistrict_in_text
from model.wording import headline


def _lineage(r: dict) -> dict:
    return {"source_url": r["url"], "first_seen_at": r["first_seen_at"], "last_seen_at": r["last_seen_at"]}


def water_alerts(frame: pd.DataFrame, gaz: Gazetteer) -> list[dict]:
    """MWA outage areas: polygons, so every district the area touches is named."""
    out = []
    for r in frame.to_dict("records"):
        polygon = shapely.from_geojson(r["polygon_geojson"]) if r.get("polygon_geojson") else None
        codes, method = (gaz.districts_intersecting(polygon), "polygon_in_polygon") if polygon is not None else ([], "none")
        if not codes:
            codes, method = locate(gaz, r["centroid_lon"], r["centroid_lat"], text=r["area_name_th"])
        place_th, place_en = place_names(gaz, codes)
        th, en = headline("water_outage", place_th, place_en, r["starts_at"], r["ends_at"])
        area = " ".join(x for x in (r["area_name_th"], r.get("soi_th")) if x)
        out.append(new_alert(
            "mwa_outages", r["outage_id"], "water_outage", urgency="Future", certainty="Likely",
            headline_th=th, headline_en=en,
            description_th=f"การประปานครหลวงงดจ่ายน้ำ บริเวณ {area}" + (f" เนื่องจาก{r['reason_th']}" if r["reason_th"] else ""),
            description_en="MWA water-supply interruption in the area shown (details in Thai).",
            starts_at=r["starts_at"], ends_at=r["ends_at"], sent_at=r["first_seen_at"],
            lat=r["centroid_lat"], lon=r["centroid_lon"], geometry=r["polygon_geojson"],
            district_codes=codes, geotag_method=method, status=r.get("status") or "active",
            subdistrict_code=subdistrict_in_text(gaz, r["area_name_th"], codes),
            **_lineage(r)))
    return out


def rain_alerts(frame: pd.DataFrame, gaz: Gazetteer, threshold_mm: float) -> list[dict]:
    """Heavy rain at a gauge: a flood-risk alert while the one-hour rainfall stays above the threshold."""
    out = []
    heavy = frame[frame["rain_1h_mm"].fillna(-1) >= threshold_mm]
    for r in heavy.to_dict("records"):
        codes, method = locate(gaz, r["lon"], r["lat"], name=r.get("district_name_en"))
        place_th, place_en = place_names(gaz, codes)
        mm = float(r["rain_1h_mm"])
        th, en = headline("flood", place_th, place_en, None, None)
        out.append(new_alert(
            "rain_gauges", r["gauge_code"], "flood", urgency="Immediate", certainty="Observed",
            severity="Severe" if mm >= 60 else "Moderate",
            headline_th=f"ฝนตกหนัก {mm:g} มม./ชม. เสี่ยง{th}", headline_en=f"Heavy rain {mm:g} mm/h · flood risk · {place_en}",
            description_th=f"สถานีวัดฝน {r['gauge_code']} {r['name_th'] or ''} วัดปริมาณฝนได้ {mm:g} มม. ในหนึ่งชั่วโมง",
            description_en=f"Rain gauge {r['gauge_code']} ({r['name_en'] or ''}) measured {mm:g} mm in one hour.",
            starts_at=r["observed_at"], ends_at=None, sent_at=r["observed_at"], lat=r["lat"], lon=r["lon"],
            geometry=point_geojson(r["lon"], r["lat"]),
            district_codes=codes, geotag_method=method, confidence="official_sensor", **_lineage(r)))
    return out


TRAFFIC_CATEGORY = {"accident": "road_incident", "closure": "road_incident", "construction": "construction",
                    "flood": "flood", "other": "traffic"}


def traffic_alerts(frame: pd.DataFrame, gaz: Gazetteer) -> list[dict]:
    out = []
    for r in frame.to_dict("records"):
        category = TRAFFIC_CATEGORY.get(r["kind"], "traffic")
        codes, method = locate(gaz, r["lon"], r["lat"], text=f"{r['title_th']} {r['description_th'] or ''}")
        place_th, place_en = place_names(gaz, codes)
        th, en = headline(category, place_th, place_en, r["starts_at"], r["ends_at"])
        contributor = str(r.get("contributor") or "")
        citizen = contributor.startswith("itic.") or contributor == "itic_user"   # iTIC app users, not agencies
        out.append(new_alert(
            "traffic_events", str(r["event_id"]), category, urgency="Immediate", certainty="Observed",
            severity="Moderate" if r["kind"] in ("accident", "closure", "flood") else "Minor",
            headline_th=f"{th} · {r['title_th']}", headline_en=f"{en} · {r['title_en'] or r['title_th']}",
            description_th=r["description_th"] or r["title_th"],
            description_en=r["description_en"] or "Details in Thai.",
            starts_at=r["starts_at"], ends_at=r["ends_at"], sent_at=r["starts_at"], lat=r["lat"], lon=r["lon"],
            geometry=point_geojson(r["lon"], r["lat"]),
            district_codes=codes, geotag_method=method, status=r.get("status") or "active",
            subdistrict_code=subdistrict_in_text(gaz, f"{r['title_th']} {r['description_th'] or ''}", codes),
            confidence="citizen_report" if citizen else "official_agency", **_lineage(r)))
    return out


# Operator notices that change service; "info" notices (timetables, promotions) are not alerts.
RAIL_DISRUPTIONS = ("delay", "suspension", "closure", "planned_works", "resolved")


def rail_alerts(frame: pd.DataFrame, gaz: Gazetteer, network) -> list[dict]:
    """BTS/MRT disruptions, named by Bangkok GTFS route and stop ids; districts from the stations.

    The status endpoint is a snapshot of every line: a disruption it no longer lists has ended
    (the line is back to normal), even while the staged layer still keeps the row.
    """
    out = []
    stations, routes = network.stations, network.routes
    for r in frame[frame["effect"].isin(RAIL_DISRUPTIONS)].to_dict("records"):
        stops = [s for s in as_list(r["stop_ids"]) if s in stations]
        codes = sorted({stations[s].district_code for s in stops if stations[s].district_code})
        lines = [routes[x] for x in as_list(r["route_ids"]) if x in routes]
        lines_en = ", ".join(line.name_en for line in lines)
        lines_th = ", ".join(line.name_th for line in lines)
        first = stations[stops[0]] if stops else None
        th, en = headline("rail_disruption", lines_th, lines_en, None, None)
        out.append(new_alert(
            "rail_service", r["notice_id"], "rail_disruption",
            urgency="Future" if r["effect"] == "planned_works" else "Immediate",
            certainty="Likely" if r["effect"] == "planned_works" else "Observed",
            severity="Severe" if r["effect"] in ("suspension", "closure") else "Moderate",
            headline_th=f"{th} · {r['title_th'] or r['title_en']}", headline_en=f"{en} · {r['title_en'] or r['title_th']}",
            description_th=r["description_th"] or r["title_th"] or "", description_en=r["description_en"] or "",
            starts_at=r["starts_at"], ends_at=r["ends_at"], sent_at=r["first_seen_at"],
            lat=first.lat if first else None, lon=first.lon if first else None,
            geometry=json.dumps({"type": "MultiPoint", "coordinates": [[stations[s].lon, stations[s].lat] for s in stops]})
            if stops else None,
            district_codes=codes, geotag_method="station" if codes else "none",
            route_ids=as_list(r["route_ids"]), stop_ids=stops, status=r.get("status") or "active", **_lineage(r)))
        if r.get("unit") == "status" and (r.get("absent_listings") or 0) > 0 and out[-1]["status"] == "active":
            # It ended after the last snapshot that showed it: a stable time, unlike "now".
            out[-1].update(status="ended", ends_at=r["last_seen_at"], msg_type="Update")
    return out
