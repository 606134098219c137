"""Which feeds exist and what goes in them: city-wide and per-district alerts and events.

Only current items are published (an alert whose end has passed, an event that is over, leave the
feeds but stay in the warehouse). Every district gets its feeds even when empty, so the app can
subscribe to any district without a 404.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pandas as pd

from hub.gazetteer import Gazetteer
from model.core_tables import as_list
from publish.feeds import FeedItem, FeedSpec, render_all
from publish.row_values import iso, when


def is_current(row: dict, now: datetime) -> bool:
    """Shown in the current feeds: active (not ended, cancelled or merged into another) and not past its end.
    Ended and cancelled alerts stay in core.alerts as history."""
    ends = when(row.get("ends_at"))
    return row.get("status", "active") == "active" and (ends is None or ends > now)


def alert_items(alerts: pd.DataFrame, now: datetime) -> list[tuple[FeedItem, list[str]]]:
    out = []
    for r in alerts.to_dict("records"):
        if not is_current(r, now):
            continue
        updated = when(r["sent_at"]) or when(r["first_seen_at"])
        item = FeedItem(
            id=f"urn:bkkconnect:alert:{r['alert_id']}", title=r["headline_th"],
            content_text=f"{r['description_th']}\n\n{r['headline_en']}\n{r['description_en']}",
            url=r["source_url"], published=when(r["first_seen_at"]) or updated, updated=updated,
            lat=None if pd.isna(r["lat"]) else float(r["lat"]), lon=None if pd.isna(r["lon"]) else float(r["lon"]),
            categories=(r["category"], r["severity"]),
            extra={"category": r["category"], "severity": r["severity"], "urgency": r["urgency"],
                   "certainty": r["certainty"], "district_codes": list(r["district_codes"]),
                   "starts_at": iso(r["starts_at"]), "ends_at": iso(r["ends_at"]),
                   "headline_en": r["headline_en"], "source": r["source"], "confidence": r["confidence"],
                   "sources": as_list(r.get("sources")) or [r["source"]],
                   "confidence_score": None if pd.isna(r.get("confidence_score")) else float(r["confidence_score"]),
                   "complaint_count": int(r.get("complaint_count") or 0),
                   "related_alert_ids": as_list(r.get("related_alert_ids")),
                   **({"route_ids": as_list(r["route_ids"]), "stop_ids": as_list(r["stop_ids"])}
                      if r["category"] == "rail_disruption" else {})})
        out.append((item, list(r["district_codes"])))
    return out


def event_items(events: pd.DataFrame, now: datetime) -> list[tuple[FeedItem, list[str]]]:
    out = []
    for r in events.to_dict("records"):
        ends = when(r["ends_at"]) or when(r["starts_at"])
        if ends is not None and ends <= now:
            continue
        item = FeedItem(
            id=f"urn:bkkconnect:event:{r['event_id']}", title=r["headline_th"],
            content_text=f"{r['title_th']}\n{r['description_th']}\n\n{r['headline_en']}",
            url=r["source_url"], published=when(r["first_seen_at"]), updated=when(r["first_seen_at"]),
            categories=(r["category"],),
            extra={"category": r["category"], "district_code": r["district_code"], "starts_at": iso(r["starts_at"]),
                   "ends_at": iso(r["ends_at"]), "all_day": bool(r["all_day"]), "title_en": r["title_en"],
                   "description_en": r.get("description_en"),
                   "headline_en": r["headline_en"], "organiser": r["organiser_th"], "phone": r["contact_phone"],
                   "attachments": _attachments(r.get("attachments"))})
        out.append((item, [r["district_code"]]))
    return out


def _attachments(value) -> list[dict]:
    """The notice's attachments as links; only http(s) URLs (the scraper already dropped the rest)."""
    if not isinstance(value, str) or not value:
        return []
    return [{"title": a.get("title") or "", "url": a["url"], "type": a.get("type") or ""}
            for a in json.loads(value) if str(a.get("url", "")).startswith(("http://", "https://"))]


def feed_files(kind: str, items: list[tuple[FeedItem, list[str]]], gaz: Gazetteer, base_url: str,
               websub_hub: str | None = None) -> dict[str, bytes]:
    """All feeds of one kind ("alerts" or "events"): city-wide plus one set per district."""
    label_th = {"alerts": "แจ้งเตือน", "events": "กิจกรรมและบริการ"}[kind]
    label_en = {"alerts": "Alerts", "events": "Events and services"}[kind]
    files: dict[str, bytes] = {}
    files.update(render_all(FeedSpec(
        title=f"BKK Connect {label_th} กรุงเทพมหานคร / {label_en}, Bangkok",
        description=f"{label_en} for all of Bangkok from BMA partner agencies", home_url=base_url,
        base_url=base_url, path_stem=f"v1/{kind}/all", websub_hub=websub_hub), [item for item, _ in items]))
    for district in gaz.districts:
        mine = [item for item, codes in items if district.code in codes]
        files.update(render_all(FeedSpec(
            title=f"BKK Connect {label_th} เขต{district.name_th} / {label_en}, {district.name_en}",
            description=f"{label_en} for {district.name_en} district (DOPA {district.code})", home_url=base_url,
            base_url=base_url, path_stem=f"v1/{kind}/district/{district.code}", websub_hub=websub_hub), mine))
    return files


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
