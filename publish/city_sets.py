"""Published files for city information: news and fact-check feeds, and JSON documents for places,
phone numbers, service guides and complaints.

Documents are deterministic (sorted, no run timestamp inside): a run that changes no record
writes the same bytes, so the release keeps the file and its ETag.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from hub.gazetteer import Gazetteer
from model.core_tables import as_list
from publish.feeds import FeedItem, FeedSpec, clean_text, render_all
from publish.row_values import when

# Recent complaints only: the feed is for "what is being reported near me", not the archive.
COMPLAINT_WINDOW = timedelta(days=14)


def _plain(value):
    """JSON-ready value: timestamps as ISO 8601 with offset, arrays as lists, NaN as null, text cleaned."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, str):
        return clean_text(value)
    return value


def encode_items(records: list[dict]) -> list[str]:
    """Each record as one line of compact JSON."""
    return [json.dumps(r, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for r in records]


def document(kind: str, title_th: str, title_en: str, records: list[dict], licence: str) -> bytes:
    return document_of_lines(kind, title_th, title_en, encode_items(records), licence)


def document_of_lines(kind: str, title_th: str, title_en: str, lines: list[str], licence: str) -> bytes:
    """A JSON document with one item per line (from `encode_items`): readable and diff-friendly, yet every
    item is written by json's C encoder (its indenting encoder is pure Python: 5x slower on a city's 14
    days of complaints), and documents that share items encode them once."""
    head = json.dumps({"format": f"bkkconnect/v1/{kind}", "title": f"{title_th} / {title_en}", "licence": licence,
                       "count": len(lines)}, ensure_ascii=False, separators=(",", ":"))
    items = "\n" + ",\n".join(lines) + "\n" if lines else ""
    return f'{head[:-1]},"items":[{items}]}}\n'.encode("utf-8")


def records(frame: pd.DataFrame, columns: list[str], order: str) -> list[dict]:
    if frame.empty:
        return []
    frame = frame.sort_values(order, kind="stable")
    return [{c: _plain(r[c]) for c in columns} for r in frame[columns].to_dict("records")]


def news_files(frame: pd.DataFrame, base_url: str, websub_hub: str | None) -> dict[str, bytes]:
    items = [FeedItem(id=f"urn:bkkconnect:news:{r['news_id']}", title=r["title_th"],
                      content_text=r["summary_th"] or r["body_th"] or "", url=r["source_url"],
                      published=when(r["published_at"]), updated=when(r["published_at"]),
                      categories=(r["kind"], *as_list(r["categories"])),
                      extra={"kind": r["kind"], "image_url": r["image_url"]})
             for r in frame.to_dict("records") if when(r["published_at"])]
    return render_all(FeedSpec(title="BKK Connect ข่าวประชาสัมพันธ์ กทม. / BMA press releases",
                               description="Press releases and hot-issue clarifications of the BMA", home_url=base_url,
                               base_url=base_url, path_stem="v1/news/all", websub_hub=websub_hub), items)


def factcheck_files(frame: pd.DataFrame, base_url: str, websub_hub: str | None) -> dict[str, bytes]:
    items = [FeedItem(id=f"urn:bkkconnect:factcheck:{r['factcheck_id']}",
                      title=f"{r['verdict_th']}: {r['claim_th']}",
                      content_text=f"{r['explanation_th'] or ''}\n\nVerdict: {r['verdict_en']}", url=r["source_url"],
                      published=when(r["published_at"]), updated=when(r["published_at"]),
                      categories=(r["verdict"],), extra={"verdict": r["verdict"], "verdict_en": r["verdict_en"]})
             for r in frame.to_dict("records") if when(r["published_at"])]
    return render_all(FeedSpec(title="BKK Connect ตรวจสอบข่าว / Fact-checks",
                               description="Fact-checks of claims about Bangkok and its services", home_url=base_url,
                               base_url=base_url, path_stem="v1/factchecks/all", websub_hub=websub_hub), items)


PLACE_FIELDS = ["place_id", "category", "name_th", "name_en", "description_th", "description_en", "lat", "lon",
                "district_code", "address_th", "address_en", "phone", "website", "tags", "source_url"]


def place_files(frame: pd.DataFrame, licence: str) -> dict[str, bytes]:
    frame = frame.assign(source_url=None) if "source_url" not in frame else frame
    files = {"v1/places/all.json": document("places", "สถานที่ท่องเที่ยว ร้านอาหาร และร้านผลิตภัณฑ์ชุมชน",
                                            "Attractions, restaurants and local products",
                                            records(frame, PLACE_FIELDS, "place_id"), licence)}
    for category in ("attraction", "restaurant", "shop"):
        mine = frame[frame["category"] == category] if len(frame) else frame
        files[f"v1/places/{category}.json"] = document("places", category, category,
                                                       records(mine, PLACE_FIELDS, "place_id"), licence)
    return files


def reference_files(contacts: pd.DataFrame, guides: pd.DataFrame) -> dict[str, bytes]:
    guide_rows = records(guides, list(guides.columns), "guide_id")
    for g in guide_rows:            # steps and documents are stored as JSON text: publish them as lists
        for key in ("steps", "documents"):
            if isinstance(g.get(key), str):
                g[key] = json.loads(g[key])
    licence = "CC BY 4.0, BKK Connect Data Hub (compiled from the agencies named in each entry's source)"
    return {
        "v1/contacts/all.json": document("contacts", "หมายเลขโทรศัพท์สำคัญ", "Important phone numbers",
                                         records(contacts, list(contacts.columns), "contact_id"), licence),
        "v1/guides/all.json": document("guides", "คู่มือบริการ กทม.", "How to use BMA services", guide_rows, licence),
    }


COMPLAINT_FIELDS = ["complaint_id", "ticket_id", "problem_types", "description_th", "district_code",
                    "subdistrict_code", "state",
                    "reported_at",
                    "last_activity_at", "lat", "lon", "via_call_centre"]


def complaint_files(frame: pd.DataFrame, gaz: Gazetteer, now: datetime) -> dict[str, bytes]:
    licence = "Traffy Fondue open data (NECTEC / BMA); text scrubbed of personal data, locations coarsened"
    if len(frame):
        frame = frame[pd.to_datetime(frame["reported_at"], utc=True) >= pd.Timestamp(now - COMPLAINT_WINDOW)]
    items = records(frame, COMPLAINT_FIELDS, "complaint_id")     # made and encoded once, shared out by district
    lines = encode_items(items)
    files = {"v1/complaints/all.json": document_of_lines("complaints", "เรื่องร้องเรียน Traffy Fondue 14 วันล่าสุด",
                                                         "Traffy Fondue complaints, last 14 days", lines, licence)}
    by_district: dict[str, list[str]] = {}
    for item, line in zip(items, lines):
        by_district.setdefault(item["district_code"], []).append(line)
    for district in gaz.districts:
        files[f"v1/complaints/district/{district.code}.json"] = document_of_lines(
            "complaints", f"เรื่องร้องเรียน เขต{district.name_th}", f"Complaints, {district.name_en}",
            by_district.get(district.code, []), licence)
    return files
