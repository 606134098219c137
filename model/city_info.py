"""Core tables for city information: news, fact-checks, places, festivals, complaints, contacts, guides.

These parts of the unified model (DESIGN.md) are small tables built row by row. core.complaints,
which holds the city's whole Traffy history, is built set-based in model.complaint_table; its
columns are defined here with the other city-information tables.
"""
from __future__ import annotations

import pandas as pd

from hub.gazetteer import Gazetteer
from model.core_tables import as_list, finish, locate, stable_id, subdistrict_in_text
from model.wording import event_description_en, headline

NEWS_COLUMNS = {
    "news_id": "VARCHAR", "source": "VARCHAR", "source_record_id": "VARCHAR", "kind": "VARCHAR",
    "title_th": "VARCHAR", "summary_th": "VARCHAR", "body_th": "VARCHAR", "categories": "VARCHAR[]",
    "published_at": "TIMESTAMPTZ", "source_url": "VARCHAR", "image_url": "VARCHAR", "language": "VARCHAR",
    "first_seen_at": "TIMESTAMPTZ", "last_seen_at": "TIMESTAMPTZ", "content_hash": "VARCHAR",
}
FACTCHECK_COLUMNS = {
    "factcheck_id": "VARCHAR", "source": "VARCHAR", "source_record_id": "VARCHAR", "claim_th": "VARCHAR",
    "verdict": "VARCHAR", "verdict_th": "VARCHAR", "verdict_en": "VARCHAR", "explanation_th": "VARCHAR",
    "topics": "VARCHAR[]", "published_at": "TIMESTAMPTZ", "source_url": "VARCHAR", "language": "VARCHAR",
    "first_seen_at": "TIMESTAMPTZ", "last_seen_at": "TIMESTAMPTZ", "content_hash": "VARCHAR",
}
PLACE_COLUMNS = {
    "place_id": "VARCHAR", "source": "VARCHAR", "source_record_id": "VARCHAR", "category": "VARCHAR",
    "name_th": "VARCHAR", "name_en": "VARCHAR", "description_th": "VARCHAR", "description_en": "VARCHAR",
    "lat": "DOUBLE", "lon": "DOUBLE", "district_code": "VARCHAR", "geotag_method": "VARCHAR",
    "address_th": "VARCHAR", "address_en": "VARCHAR", "phone": "VARCHAR", "website": "VARCHAR",
    "tags": "VARCHAR[]", "source_updated_at": "TIMESTAMPTZ",
    "first_seen_at": "TIMESTAMPTZ", "last_seen_at": "TIMESTAMPTZ", "content_hash": "VARCHAR",
}
COMPLAINT_COLUMNS = {
    "complaint_id": "VARCHAR", "source": "VARCHAR", "ticket_id": "VARCHAR", "problem_types": "VARCHAR[]",
    "description_th": "VARCHAR",            # scrubbed of personal data (model.privacy)
    "district_code": "VARCHAR", "subdistrict_code": "VARCHAR", "geotag_method": "VARCHAR", "state": "VARCHAR",
    "reported_at": "TIMESTAMPTZ",
    "last_activity_at": "TIMESTAMPTZ", "lat": "DOUBLE", "lon": "DOUBLE", "via_call_centre": "BOOLEAN",
    "first_seen_at": "TIMESTAMPTZ", "last_seen_at": "TIMESTAMPTZ", "content_hash": "VARCHAR",
}
VERDICTS = {"false": ("ข่าวปลอม", "False"), "true": ("ข่าวจริง", "True"), "misleading": ("ข่าวบิดเบือน", "Misleading"),
            "unverified": ("ยังไม่ยืนยัน", "Unverified")}


def _seen(r: dict) -> dict:
    return {"first_seen_at": r["first_seen_at"], "last_seen_at": r["last_seen_at"]}


def news(frame: pd.DataFrame) -> pd.DataFrame:
    rows = [{"news_id": stable_id("bma_press", r["release_id"]), "source": "bma_press",
             "source_record_id": r["release_id"], "kind": r["kind"], "title_th": r["title_th"],
             "summary_th": r["summary_th"], "body_th": r["body_th"], "categories": as_list(r["categories"]),
             "published_at": r["published_at"], "source_url": r["link"] or r["url"], "image_url": r["image_url"],
             "language": "th", **_seen(r)} for r in frame.to_dict("records")]
    return finish(rows, NEWS_COLUMNS)


def factchecks(frame: pd.DataFrame) -> pd.DataFrame:
    rows = [{"factcheck_id": stable_id("factchecks", r["factcheck_id"]), "source": "factchecks",
             "source_record_id": r["factcheck_id"], "claim_th": r["claim_th"], "verdict": r["verdict"],
             "verdict_th": r.get("verdict_label_th") or VERDICTS[r["verdict"]][0], "verdict_en": VERDICTS[r["verdict"]][1],
             "explanation_th": r["explanation_th"], "topics": as_list(r["topics"]),
             "published_at": r["published_at"], "source_url": r["link"] or r["url"], "language": "th", **_seen(r)}
            for r in frame.to_dict("records")]
    return finish(rows, FACTCHECK_COLUMNS)


def _district_of(gaz: Gazetteer, lon, lat, name: str | None) -> tuple[str | None, str]:
    codes, method = locate(gaz, lon, lat, name=name)
    return (codes[0] if codes else None), method


def places(frame: pd.DataFrame, gaz: Gazetteer) -> pd.DataFrame:
    rows = []
    for r in frame[frame["category"] != "festival"].to_dict("records"):
        code, method = _district_of(gaz, r["lon"], r["lat"], r["district_name_th"])
        rows.append({"place_id": stable_id("tourism", r["place_id"]), "source": "tourism",
                     "source_record_id": r["place_id"], "category": r["category"], "name_th": r["name_th"],
                     "name_en": r["name_en"], "description_th": r["description_th"],
                     "description_en": r["description_en"], "lat": r["lat"], "lon": r["lon"], "district_code": code,
                     "geotag_method": method, "address_th": r["address_th"], "address_en": r["address_en"],
                     "phone": r["phone"], "website": r["website"], "tags": as_list(r["tags"]),
                     "source_updated_at": r["updated_at"], **_seen(r)})
    return finish(rows, PLACE_COLUMNS)


def festival_events(frame: pd.DataFrame, gaz: Gazetteer) -> list[dict]:
    """Festivals from the tourism API join the district events calendar (all-day, start to end date)."""
    from datetime import datetime, time, timedelta

    from hub.thai_dates import BANGKOK
    out = []
    festivals = frame[(frame["category"] == "festival") & frame["starts_on"].notna()]
    for r in festivals.to_dict("records"):
        code, method = _district_of(gaz, r["lon"], r["lat"], r["district_name_th"])
        start = datetime.combine(pd.Timestamp(r["starts_on"]).date(), time(0), BANGKOK)
        last = pd.Timestamp(r["ends_on"]).date() if pd.notna(r["ends_on"]) else start.date()
        end = datetime.combine(last, time(0), BANGKOK) + timedelta(days=1)
        district = gaz.district(code) if code else None
        th, en = headline("festival", district.name_th if district else "กรุงเทพมหานคร",
                          district.name_en if district else "Bangkok", start, None, all_day=True)
        out.append({
            "event_id": stable_id("tourism", r["place_id"]), "source": "tourism", "source_record_id": r["place_id"],
            "category": "festival", "title_th": r["name_th"], "title_en": r["name_en"] or r["name_th"],
            "headline_th": f"{th} · {r['name_th']}", "headline_en": f"{en} · {r['name_en'] or r['name_th']}",
            "description_th": r["description_th"] or "", "starts_at": start, "ends_at": end, "all_day": True,
            "description_en": r["description_en"] or event_description_en("festival", None, start, end, True),
            "district_code": code, "organiser_th": None, "organiser_en": None, "contact_phone": r["phone"],
            "subdistrict_code": subdistrict_in_text(gaz, f"{r['address_th'] or ''} {r['description_th'] or ''}",
                                                    [code] if code else []),
            "source_url": r["website"] or r["url"], "geotag_method": method, "lat": r["lat"], "lon": r["lon"],
            **_seen(r)})
    return out
