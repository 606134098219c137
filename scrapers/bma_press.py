"""BMA press releases (กองประชาสัมพันธ์ กทม., prbangkok.com-style WordPress RSS 2.0 in Thai).

No public scraper or documented feed exists (PARTNER_FORMATS.md §5), so this follows WordPress:
`/feed/`, older items at `/feed/?paged=N` (a page past the last one answers 404), numeric guids
with isPermaLink="false", pubDate "Wed, 25 Nov 2026 09:30:00 +0700", `<category>` for both
categories and tags, `content:encoded` with the full HTML and `description` with an excerpt that
ends in "[&#8230;]". The kind of release comes from its categories: ชี้แจงประเด็นร้อน (hot-issue
clarification) and ประกาศ (announcement); everything else is news.

Incremental: `crawl(..., since=...)` stops paging at the first page whose datable items are all
older than `since`; conditional GET makes an unchanged page cost a 304.
"""
from __future__ import annotations

import re
from datetime import datetime

from hub.config import SourceSettings
from hub.http_client import FetchError
from hub.raw_archive import ArchivedResponse, CrawlSession, UnitFailed
from scrapers.rss import RssItem, item_id, item_image_url, parse_feed, parse_feed_items, parse_rss_date, plain_text

SOURCE = "bma_press"
ID_COLUMN = "release_id"
UNIT = "feed"
FEED_PATH = "/feed/"
SUMMARY_MAX = 500
KINDS = ("news", "clarification", "announcement")
# Category -> kind, strongest first: a governor's news item that clarifies a hot issue is a clarification.
KIND_BY_CATEGORY = (("ชี้แจงประเด็นร้อน", "clarification"), ("ชี้แจง", "clarification"),
                    ("ประกาศ", "announcement"))

STAGED_COLUMNS: dict[str, str] = {
    "release_id": "VARCHAR",
    "kind": "VARCHAR",
    "title_th": "VARCHAR",
    "summary_th": "VARCHAR",
    "body_th": "VARCHAR",
    "categories": "VARCHAR[]",
    "published_at": "TIMESTAMPTZ",
    "link": "VARCHAR",
    "image_url": "VARCHAR",
}

# WordPress excerpt tails: "[…]", "[...]" and the "The post X appeared first on Y." footer.
_EXCERPT_TAIL = re.compile(r"\s*(?:\[(?:…|\.\.\.)\]|The post .{0,300} appeared first on .{0,120}\.?)\s*$")


def page_url(source: SourceSettings, page: int) -> str:
    return source.url(FEED_PATH) + ("" if page == 1 else f"?paged={page}")


def crawl(session: CrawlSession, source: SourceSettings, since: datetime | None = None) -> None:
    """Page through the feed: up to `source.max_pages`, until a short page, a 404 past the end,
    or (with `since`) a page that reaches an item published at or before `since`: the feed is newest
    first, so everything after it is already archived."""
    with session.unit(UNIT):
        first_page_size = 0
        for page in range(1, source.max_pages + 1):
            url = page_url(source, page)
            try:
                response = session.get(url)
            except FetchError as exc:
                if page > 1 and exc.status == 404:   # WordPress answers 404 past the last page
                    break
                raise
            items = parse_feed(response.body, response.content_type, url).items
            if page == 1:
                if not items:
                    raise UnitFailed(f"{url}: the press-release feed lists no items")
                first_page_size = len(items)
            if not items or len(items) < first_page_size:
                break
            if since is not None and _reaches(items, since):
                break


def _reaches(items: list[RssItem], since: datetime) -> bool:
    dates = []
    for item in items:
        try:
            dates.append(parse_rss_date(item.pub_date))
        except ValueError:
            continue   # an undatable item says nothing about where the new ones end
    return any(d <= since for d in dates)


def kind_of(categories: tuple[str, ...] | list[str]) -> str:
    for category, kind in KIND_BY_CATEGORY:
        if any(category in c for c in categories):
            return kind
    return "news"


def summary_of(text: str, limit: int = SUMMARY_MAX) -> str:
    text = _EXCERPT_TAIL.sub("", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    cut = cut[: cut.rfind(" ")] if " " in cut[limit // 2:] else cut   # end on a word break when one is near
    return cut.rstrip() + "…"


def parse_item(item: RssItem) -> dict:
    """One release row (without provenance); ValueError says why the item is unusable."""
    if not item.title:
        raise ValueError("item has no title")
    release_id = item_id(item)
    if release_id is None:
        raise ValueError("item has neither guid nor link")
    published_at = parse_rss_date(item.pub_date)
    body = plain_text(item.content) or plain_text(item.description)
    summary = summary_of(plain_text(item.description) or body)
    return {
        "release_id": release_id,
        "kind": kind_of(item.categories),
        "title_th": item.title,
        "summary_th": summary or None,
        "body_th": body or None,
        "categories": list(item.categories),
        "published_at": published_at,
        "link": item.link,
        "image_url": item_image_url(item),
    }


def parse_unit(responses: list[ArchivedResponse]) -> tuple[list[dict], list[dict]]:
    return parse_feed_items(responses, parse_item, ID_COLUMN, "feed pages")
