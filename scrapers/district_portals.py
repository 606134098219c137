"""District office portals (webportal.bangkok.go.th/<slug>): news lists, notice pages, notices.

`crawl` walks each district's paginated list and its notice pages through the polite crawl
session (one unit per district, so one broken portal never affects another). `parse_unit`
rebuilds that district's notices from the archived responses alone. Layouts seen: a table list
with numbered pagination, and an older card list with a rel=next link.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable
from urllib.parse import urljoin, urlsplit

from hub.config import SourceSettings
from hub.gazetteer import District
from hub.raw_archive import ArchivedResponse, CrawlSession, UnitFailed
from hub.thai_dates import BANGKOK, ThaiDateError, find_thai_dates, parse_thai_date, parse_time_range
from scrapers.html_text import soup_of, text_of
from scrapers.notice_classifier import classify_notice

SOURCE = "district_portals"
NOTICE_PATH = re.compile(r"/news/([\w-]+)$")
# What introduces the event's own date in a notice body (as opposed to the posting date).
WHEN_MARKERS = ("กำหนดการ", "วันเวลา", "ในวัน", "วันที่")


@dataclass(frozen=True)
class ListPage:
    notice_urls: list[str]
    next_url: str | None
    layout: str


def parse_list_page(body: bytes, content_type: str | None, url: str) -> ListPage:
    soup = soup_of(body, content_type)
    table = soup.select("table.news-list td.title a[href]")
    if table:
        current = soup.select_one("ul.pagination a.next[href]")
        return ListPage([urljoin(url, a["href"]) for a in table],
                        urljoin(url, current["href"]) if current else None, "table")
    cards = soup.select("div.item-card a.title[href]")
    if cards:
        nxt = soup.select_one("a[rel=next][href]")
        return ListPage([urljoin(url, a["href"]) for a in cards], urljoin(url, nxt["href"]) if nxt else None, "cards")
    # No known list: a redesign, an error page served with 200, or an empty answer.
    title = text_of(soup.title) if soup.title else ""
    raise UnitFailed(f"unrecognised list page layout at {url} ({len(body)} bytes, title {title[:60]!r})")


def crawl(session: CrawlSession, source: SourceSettings, districts: Iterable[District]) -> None:
    for district in districts:
        with session.unit(district.code):
            url: str | None = source.url(f"{district.portal_slug}/news")
            pages = 0
            while url and pages < source.max_pages:
                response = session.get(url)
                listing = parse_list_page(response.body, response.content_type, response.final_url)
                pages += 1
                for notice_url in listing.notice_urls:
                    session.get(notice_url)
                url = listing.next_url


@dataclass(frozen=True)
class NoticeDetail:
    title: str
    body: str
    posted: date | None


def parse_notice_page(body: bytes, content_type: str | None) -> NoticeDetail:
    soup = soup_of(body, content_type)
    detail = soup.select_one("div.news-detail")
    if detail is not None:
        return NoticeDetail(text_of(detail.find("h1")), text_of(detail.select_one("div.content")),
                            _posted(text_of(detail.select_one("div.posted"))))
    article = soup.select_one("article")
    if article is not None and article.select_one("section.body") is not None:
        return NoticeDetail(text_of(article.find("h2")), text_of(article.select_one("section.body")),
                            _posted(text_of(article.find("time"))))
    raise ValueError("unrecognised notice page layout")


def _posted(text: str) -> date | None:
    text = text.replace("โพสต์เมื่อ", "").strip()
    return parse_thai_date(text) if text else None


def event_window(body: str, posted: date | None) -> tuple[datetime, datetime | None, bool]:
    """When the notice's event happens: (starts_at, ends_at, all_day).

    The event date is the first date after a marker such as "กำหนดการ:"; a range that ends before
    it starts (22.00 - 05.00 น.) runs overnight.
    """
    tail = body
    for marker in WHEN_MARKERS:
        index = body.find(marker)
        if index >= 0:
            tail = body[index:]
            break
    dates = find_thai_dates(tail, reference=posted)
    if not dates:
        raise ThaiDateError(f"no event date in notice text {body[:80]!r}")
    day = dates[0]
    times = parse_time_range(tail)
    if times is None:
        start = datetime.combine(day, time(0, 0), BANGKOK)
        return start, start + timedelta(days=1), True
    start_t, end_t = times
    start = datetime.combine(day, start_t, BANGKOK)
    end = datetime.combine(day, end_t, BANGKOK)
    if end <= start:
        end += timedelta(days=1)
    return start, end, False


def parse_unit(responses: list[ArchivedResponse], district: District) -> tuple[list[dict], list[dict]]:
    """Notices of one district from its archived pages: (rows, quarantined records with reasons)."""
    rows, quarantined = [], []
    for response in responses:
        match = NOTICE_PATH.search(urlsplit(response.url).path)
        if not match:
            continue   # a list page: its links were followed during the crawl
        try:
            notice = parse_notice_page(response.body, response.content_type)
            if not notice.title:
                raise ValueError("notice has no title")
            starts_at, ends_at, all_day = event_window(notice.body, notice.posted)
        except (ValueError, UnitFailed) as exc:
            quarantined.append({"url": response.url, "sha256": response.sha256, "record_ref": match.group(1),
                                "reason": str(exc), "excerpt": response.body[:300].decode("utf-8", "replace")})
            continue
        rows.append({
            "notice_id": f"{district.code}/{match.group(1)}",
            "district_code": district.code,
            "kind": classify_notice(notice.title, notice.body),
            "title_th": notice.title,
            "body_th": notice.body,
            "posted_on": notice.posted,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "all_day": all_day,
            "url": response.url,
            "sha256": response.sha256,
            "fetched_at": response.fetched_at,
        })
    return rows, quarantined
