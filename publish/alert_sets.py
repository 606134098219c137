"""Every published form of the current alerts, beyond the RSS/Atom/JSON feeds of `feed_sets`:

    v1/alerts/all.geojson, district/<code>.geojson        RFC 7946 FeatureCollections
    v1/alerts/category/<category>.{rss,atom,json,geojson}  one set per alert category (all seven, even empty)
    v1/alerts/cap/<identifier>.xml                         CAP 1.2, one message per current alert version
    v1/alerts/cap/index.atom                               Atom index of those CAP messages
    v1/alerts/gtfs-rt/alerts.{pb,json}                     GTFS-realtime Service Alerts for rail disruptions
    v1/road/wzdx.geojson, v1/road/waze-cifs.xml            WZDx 4.2 work zones; Waze CIFS incidents and closures

"Current" is what the feeds show (active, not past its end). CAP also carries, for a day, the
messages that end an alert (a Cancel, or the Update that marks it ended), so a CAP consumer that saw
the alert learns that it is over. Alerts merged into another are not published on their own.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Callable

import pandas as pd

from hub.gazetteer import Gazetteer
from model.core_tables import as_list
from hub.roads import RoadIndex
from publish import cap, feed_stamps, gtfs_rt, road_events
from publish.feed_sets import is_current
from publish.feeds import FeedItem, FeedSpec, render_all, render_atom
from publish.geojson import feature, feature_collection, geometry
from publish.row_values import iso, when
from quality.suites_core import ALERT_CATEGORIES

CATEGORIES = tuple(ALERT_CATEGORIES)   # core.alerts' category enum, one feed each
CATEGORY_EN = {"flood": "Flooding", "power_outage": "Power outages", "water_outage": "Water outages",
               "road_incident": "Road incidents", "construction": "Road works and closures",
               "rail_disruption": "Rail disruptions", "traffic": "Traffic"}
ENDING_MESSAGES_KEPT = timedelta(days=1)
SENDER = "data-hub@bkkconnect"
SENDER_NAME = "BKK Connect Data Hub, Bangkok Metropolitan Administration"


def _version(row: dict) -> int:
    """The alert row's version (1 when the row carries none)."""
    return int(row["version"]) if pd.notna(row.get("version")) else 1


def alert_feature(row: dict) -> dict:
    props = {
        "alert_id": row["alert_id"], "category": row["category"], "severity": row["severity"],
        "urgency": row["urgency"], "certainty": row["certainty"], "msg_type": row["msg_type"],
        "version": _version(row),
        "headline_th": row["headline_th"], "headline_en": row["headline_en"],
        "description_th": row["description_th"], "description_en": row["description_en"],
        "starts_at": iso(row["starts_at"]), "ends_at": iso(row["ends_at"]), "sent_at": iso(row["sent_at"]),
        "district_codes": as_list(row["district_codes"]), "subdistrict_code": row.get("subdistrict_code"),
        "source": row["source"], "sources": as_list(row.get("sources")) or [row["source"]],
        "source_url": row["source_url"], "confidence": row["confidence"],
        "confidence_score": None if pd.isna(row.get("confidence_score")) else float(row["confidence_score"]),
        **({"route_ids": as_list(row["route_ids"]), "stop_ids": as_list(row["stop_ids"])}
           if row["category"] == "rail_disruption" else {}),
    }
    props = {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in props.items()}
    return feature(row["alert_id"], geometry(row.get("geometry"), row.get("lon"), row.get("lat")), props)


def geojson_files(rows: list[dict], gaz: Gazetteer) -> dict[str, bytes]:
    features = [(alert_feature(r), as_list(r["district_codes"]), r["category"]) for r in rows]
    files = {"v1/alerts/all.geojson": feature_collection([f for f, _, _ in features],
                                                         name="BKK Connect alerts, Bangkok")}
    for district in gaz.districts:
        files[f"v1/alerts/district/{district.code}.geojson"] = feature_collection(
            [f for f, codes, _ in features if district.code in codes],
            name=f"BKK Connect alerts, {district.name_en} ({district.code})")
    for category in CATEGORIES:
        files[f"v1/alerts/category/{category}.geojson"] = feature_collection(
            [f for f, _, c in features if c == category], name=f"BKK Connect alerts: {CATEGORY_EN[category]}")
    return files


def category_feed_files(items: list[tuple[FeedItem, list[str]]], base_url: str, websub_hub: str | None
                        ) -> dict[str, bytes]:
    """`items` as `feed_sets.alert_items` gives them: an alert item's first category is the model's."""
    files: dict[str, bytes] = {}
    for category in CATEGORIES:
        files.update(render_all(FeedSpec(
            title=f"BKK Connect แจ้งเตือน / Alerts: {CATEGORY_EN[category]}",
            description=f"{CATEGORY_EN[category]} in Bangkok from BMA partner agencies", home_url=base_url,
            base_url=base_url, path_stem=f"v1/alerts/category/{category}", websub_hub=websub_hub),
            [item for item, _ in items if item.categories[:1] == (category,)]))
    return files


def _area(codes: list[str], gaz: Gazetteer) -> tuple[str, str]:
    if not codes:
        return "กรุงเทพมหานคร", "Bangkok"
    districts = [gaz.district(c) for c in codes]
    return (", ".join(f"เขต{d.name_th}" for d in districts) + " กรุงเทพมหานคร",
            ", ".join(d.name_en for d in districts) + ", Bangkok")


def _cap_alert(row: dict, gaz: Gazetteer, issued: dict[tuple[str, int], datetime]) -> cap.CapAlert:
    version = _version(row)
    references = []
    for ref in as_list(row.get("references")):
        alert_id, _, v = ref.rpartition(":v")
        sent = issued.get((alert_id, int(v))) if v.isdigit() else None
        if sent is not None:            # a version issued before versions were recorded cannot be named
            references.append((cap.identifier(alert_id, int(v)), sent))
    codes = as_list(row["district_codes"])
    area_th, area_en = _area(codes, gaz)
    return cap.CapAlert(
        alert_id=row["alert_id"], version=version, msg_type=row["msg_type"],
        sent=issued.get((row["alert_id"], version)) or when(row["sent_at"]) or when(row["first_seen_at"]),
        category=row["category"], urgency=row["urgency"], severity=row["severity"], certainty=row["certainty"],
        headline_th=row["headline_th"], headline_en=row["headline_en"],
        description_th=row["description_th"] or "", description_en=row["description_en"] or "",
        starts_at=when(row["starts_at"]), ends_at=when(row["ends_at"]), geometry=row.get("geometry"),
        district_codes=tuple(codes), area_th=area_th, area_en=area_en, web=row["source_url"] or None,
        sources=tuple(as_list(row.get("sources")) or [row["source"]]), confidence=row.get("confidence"),
        references=tuple(references), status=row.get("status") or "active")


def _answerable(alert: cap.CapAlert) -> cap.CapAlert | None:
    """An update or cancel must reference the messages it follows. When none of them was ever issued as
    CAP (versions from before core.alert_versions), an update is this incident's first message, an Alert;
    a cancel or ended-update of a message nobody received is not sent at all."""
    if alert.msg_type == "Alert" or alert.references:
        return alert
    if alert.status == "active":
        return replace(alert, msg_type="Alert")
    return None


def cap_rows(frame: pd.DataFrame, now: datetime, issued: dict[tuple[str, int], datetime]) -> list[dict]:
    """Current alerts, plus for a day the Cancel or ended-Update message of an alert we had published."""
    out = []
    for row in frame.to_dict("records"):
        if is_current(row, now):
            out.append(row)
        elif row["status"] in ("cancelled", "ended") and as_list(row.get("references")):
            version = _version(row)
            ended = issued.get((row["alert_id"], version)) or when(row["last_seen_at"])
            if ended is not None and now - ended <= ENDING_MESSAGES_KEPT:
                out.append(row)
    return out


def cap_files(rows: list[dict], gaz: Gazetteer, issued: dict[tuple[str, int], datetime], base_url: str,
              websub_hub: str | None) -> dict[str, bytes]:
    alerts = [a for a in (_answerable(_cap_alert(r, gaz, issued)) for r in rows) if a is not None]
    files = cap.render_all(alerts, SENDER, SENDER_NAME, "v1/alerts/cap")
    entries = [FeedItem(id=f"urn:bkkconnect:cap:{cap.identifier(a.alert_id, a.version)}", title=a.headline_th,
                        content_text=f"{a.msg_type}: {a.headline_en}",
                        url=f"{base_url}/v1/alerts/cap/{cap.identifier(a.alert_id, a.version)}.xml",
                        published=a.sent, updated=a.sent, categories=(a.category, a.msg_type))
               for a in alerts]
    files["v1/alerts/cap/index.atom"] = render_atom(FeedSpec(
        title="BKK Connect CAP 1.2 alerts, Bangkok", description="Current CAP 1.2 messages (Thai and English)",
        home_url=base_url, base_url=base_url, path_stem="v1/alerts/cap/index", websub_hub=websub_hub), entries)
    return files


Live = Callable[[str], "bytes | None"]      # the live release's bytes of a path, None if it has none


def gtfs_rt_files(rows: list[dict], issued: dict[tuple[str, int], datetime], now: datetime, live: Live
                  ) -> dict[str, bytes]:
    alerts = []
    for r in rows:
        if r["category"] != "rail_disruption" or not (as_list(r["route_ids"]) or as_list(r["stop_ids"])):
            continue
        version = _version(r)
        alerts.append(gtfs_rt.RailAlert(
            alert_id=r["alert_id"], issued=issued.get((r["alert_id"], version)) or when(r["sent_at"]) or now,
            starts_at=when(r["starts_at"]), ends_at=when(r["ends_at"]),
            route_ids=tuple(as_list(r["route_ids"])), stop_ids=tuple(as_list(r["stop_ids"])),
            severity=r["severity"], headline_th=r["headline_th"], headline_en=r["headline_en"],
            description_th=r["description_th"] or "", description_en=r["description_en"] or "",
            url=r["source_url"] or None))
    stem = "v1/alerts/gtfs-rt/alerts"
    pb = feed_stamps.stamped(lambda stamp: gtfs_rt.render(alerts, stamp, stem)[f"{stem}.pb"], live(f"{stem}.pb"),
                             feed_stamps.read_gtfs_rt, now)
    return gtfs_rt.render(alerts, feed_stamps.read_gtfs_rt(pb)[0], stem)


ROAD_CATEGORIES = ("construction", "road_incident", "traffic")


def road_event_files(rows: list[dict], roads: RoadIndex, issued: dict[tuple[str, int], datetime], now: datetime,
                     live: Live) -> dict[str, bytes]:
    """Created = when the hub first issued the alert, updated = when it issued the current version (the
    partner's own times can lie in the future for a planned closure)."""
    events = []
    for r in rows:
        point = road_events.point_of(r.get("geometry"), r.get("lon"), r.get("lat"))
        starts = when(r["starts_at"])
        if r["category"] not in ROAD_CATEGORIES or point is None or starts is None:
            continue
        # The hub's headline starts with the category label ("งานก่อสร้าง/ปิดการจราจร"): only the partner's
        # own title (its last part) and description say whether lanes or the road are closed.
        text = f"{r['headline_th'].rsplit(' · ', 1)[-1]} {r['description_th'] or ''}"
        names = [road.name_th for road in roads.find(text)]
        version = _version(r)
        created = issued.get((r["alert_id"], 1)) or when(r["first_seen_at"]) or starts
        events.append(road_events.RoadEvent(
            alert_id=r["alert_id"], category=r["category"], source=r["source"], headline_th=r["headline_th"],
            headline_en=r["headline_en"], description=r["description_th"] or "", partner_text=text,
            lon=point[0], lat=point[1],
            starts_at=starts, ends_at=when(r["ends_at"]), first_seen_at=created,
            updated_at=issued.get((r["alert_id"], version)) or created,
            road_names=road_events.road_names(text, names)))
    wzdx = feed_stamps.stamped(
        lambda stamp: road_events.wzdx_feed(events, SENDER_NAME, "opendata@bangkok.go.th", 300, stamp),
        live("v1/road/wzdx.geojson"), feed_stamps.read_wzdx, now)
    cifs = feed_stamps.stamped(lambda stamp: road_events.cifs_feed(events, stamp), live("v1/road/waze-cifs.xml"),
                               feed_stamps.read_cifs, now)
    return {"v1/road/wzdx.geojson": wzdx, "v1/road/waze-cifs.xml": cifs}
