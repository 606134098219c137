"""Source health for the public and the app: is each partner source up, and how fresh is its data.

    v1/health/sources.json                 every source's state (status, last attempt and success, freshness)
    v1/health/feed.{rss,atom,json}         the same as a feed, one item per source, newest attempt first

A source's raw error text is not published (it can quote internal paths): its error kind is.
"""
from __future__ import annotations

import pandas as pd

from publish.city_sets import document, records
from publish.feeds import FeedItem, FeedSpec, render_all
from publish.row_values import iso, when

FIELDS = ["source", "title", "status", "fresh", "freshness_minutes", "minutes_since_success", "last_attempt_at",
          "last_success_at", "last_complete_at", "consecutive_failures", "units_failed_last_pass", "units_last_pass",
          "last_error_kind", "checked_at"]
STATUS_TH = {"ok": "ปกติ", "degraded": "ขัดข้องบางส่วน", "failing": "ขัดข้อง", "stale": "ข้อมูลไม่เป็นปัจจุบัน",
             "never": "ยังไม่เคยดึงข้อมูลสำเร็จ"}


def health_files(frame: pd.DataFrame, base_url: str, websub_hub: str | None) -> dict[str, bytes]:
    files = {"v1/health/sources.json": document(
        "source_health", "สถานะแหล่งข้อมูล", "Source health", records(frame, FIELDS, "source"),
        "CC BY 4.0, BKK Connect Data Hub")}
    items = []
    for r in frame.to_dict("records"):
        attempted = when(r["last_attempt_at"]) or when(r["checked_at"])
        if attempted is None:
            continue
        status = r["status"]
        text = (f"{STATUS_TH.get(status, status)} / {status}. "
                f"Last success: {iso(r['last_success_at']) or 'never'}; "
                f"freshness target {r['freshness_minutes']} min; consecutive failed passes "
                f"{int(r['consecutive_failures'] or 0)}" + (f"; last error: {r['last_error_kind']}" if r["last_error_kind"]
                                                              else "") + ".")
        items.append(FeedItem(id=f"urn:bkkconnect:source:{r['source']}", title=f"{r['title']}: {status}",
                              content_text=text, url=None, published=attempted, updated=attempted, categories=(status,),
                              language="en", extra={"source": r["source"], "status": status, "fresh": bool(r["fresh"])}))
    files.update(render_all(FeedSpec(title="BKK Connect สถานะแหล่งข้อมูล / Source health",
                                     description="State of every partner source of the BKK Connect Data Hub",
                                     home_url=base_url, base_url=base_url, path_stem="v1/health/feed",
                                     websub_hub=websub_hub), items))
    return files
