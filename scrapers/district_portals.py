"""District office portals (webportal.bangkok.go.th/<slug>): news lists, notice pages, notices.

`crawl` walks each district's paginated list and its notice pages through the polite crawl
session (one unit per district, so one broken portal never affects another). `parse_unit`
rebuilds that district's notices from the archived responses alone. Layouts seen:

- "table": `table.news-list td.title a` with numbered `ul.pagination` (`a.next`), notice pages
  `div.news-detail` (h1, div.posted, div.content), files in `div.attach ul.files`;
- "cards": an older `div.item-card a.title` list with `a[rel=next]`, notice pages `article`
  (h2, time, section.body), files in `section.downloads`;
- "wp": a WordPress/Joomla-like theme, `ul.list-news li h3 a` (relative hrefs, a pinned notice
  repeated on every page), `?start=N` offsets behind a bare "หน้าถัดไป" text link, notice pages
  `h1.entry-title` + `div.entry-content` with `span.date` ("โพสต์เมื่อ ๒๕ พ.ย. ๖๙") and the files in
  `div.attachments` inside the content.

Attachments are recorded (title, absolute percent-encoded http(s) URL, type by extension), never
downloaded; `javascript:`, `mailto:` and other non-http links are dropped.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Iterable
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from hub.config import SourceSettings
from hub.gazetteer import District
from hub.raw_archive import ArchivedResponse, CrawlSession, UnitFailed
from hub.thai_dates import BANGKOK, ThaiDateError, find_thai_dates, parse_thai_date, parse_time_range
from scrapers.html_text import soup_of, text_of
from scrapers.notice_classifier import classify_notice

SOURCE = "district_portals"
ID_COLUMN = "notice_id"
STAGED_COLUMNS: dict[str, str] = {
    "notice_id": "VARCHAR", "district_code": "VARCHAR", "kind": "VARCHAR", "title_th": "VARCHAR",
    "body_th": "VARCHAR", "posted_on": "DATE", "starts_at": "TIMESTAMPTZ", "ends_at": "TIMESTAMPTZ",
    "all_day": "BOOLEAN",
    "attachments": "VARCHAR",   # JSON list of {"title", "url", "type"}, "[]" when none
}
NOTICE_PATH = re.compile(r"/news/([\w-]+)$")
# What introduces the event's own date in a notice body (as opposed to the posting date).
WHEN_MARKERS = ("กำหนดการ", "วันเวลา", "ในวัน", "วันที่")
# The text of a "next page" link on portals that give it no class or rel (the wp theme).
NEXT_TEXT = re.compile(r"^\s*(หน้าถัดไป|ถัดไป|next)\b", re.IGNORECASE)
# Files we record as attachments, by extension; the type is the extension (jpeg -> jpg).
ATTACHMENT_TYPES = {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "csv", "txt", "zip", "rar",
                    "jpg", "jpeg", "png", "gif", "webp"}
UNRECOGNISED_NOTICE = "unrecognised notice page layout"


@dataclass(frozen=True)
class ListPage:
    notice_urls: list[str]
    next_url: str | None
    layout: str


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))


def parse_list_page(body: bytes, content_type: str | None, url: str) -> ListPage:
    soup = soup_of(body, content_type)
    table = soup.select("table.news-list td.title a[href]")
    if table:
        current = soup.select_one("ul.pagination a.next[href]")
        return ListPage(_unique(urljoin(url, a["href"]) for a in table),
                        urljoin(url, current["href"]) if current else None, "table")
    cards = soup.select("div.item-card a.title[href]")
    if cards:
        nxt = soup.select_one("a[rel=next][href]")
        return ListPage(_unique(urljoin(url, a["href"]) for a in cards),
                        urljoin(url, nxt["href"]) if nxt else None, "cards")
    posts = soup.select("ul.list-news li h3 a[href]")
    if posts:
        # The pinned notice repeats on every page: keep each link once.
        nxt = next((a for a in soup.find_all("a", href=True) if NEXT_TEXT.match(text_of(a))), None)
        return ListPage(_unique(urljoin(url, a["href"]) for a in posts),
                        urljoin(url, nxt["href"]) if nxt else None, "wp")
    # No known list: a redesign, an error page served with 200, or an empty answer.
    title = text_of(soup.title) if soup.title else ""
    raise UnitFailed(f"unrecognised list page layout at {url} ({len(body)} bytes, title {title[:60]!r})")


def crawl(session: CrawlSession, source: SourceSettings, districts: Iterable[District]) -> None:
    for district in districts:
        with session.unit(district.code):
            url: str | None = source.url(f"{district.portal_slug}/news")
            pages, seen_lists, seen_notices = 0, set(), set()
            while url and pages < source.max_pages and url not in seen_lists:
                seen_lists.add(url)
                response = session.get(url)
                listing = parse_list_page(response.body, response.content_type, response.final_url)
                pages += 1
                # A list page the portal answered 304 links to the same notices as before: their pages
                # are re-checked only every recheck_after_hours (edits are rare, new notices are not).
                reuse = timedelta(hours=source.recheck_after_hours) if response.not_modified else None
                for notice_url in listing.notice_urls:
                    if notice_url not in seen_notices:       # pinned notices repeat on every page
                        seen_notices.add(notice_url)
                        session.get(notice_url, reuse_within=reuse)
                url = listing.next_url


@dataclass(frozen=True)
class NoticeDetail:
    title: str
    body: str
    posted: date | None
    attachments: list[dict] = field(default_factory=list)
    layout: str = ""


def parse_notice_page(body: bytes, content_type: str | None, url: str = "") -> NoticeDetail:
    """One notice page as plain text; `url` (the page's own URL) resolves relative attachment links."""
    soup = soup_of(body, content_type)
    detail = soup.select_one("div.news-detail")
    if detail is not None:
        return NoticeDetail(text_of(detail.find("h1")), text_of(detail.select_one("div.content")),
                            _posted(text_of(detail.select_one("div.posted"))), attachments_of(detail, url), "table")
    article = soup.select_one("article")
    if article is not None and article.select_one("section.body") is not None:
        return NoticeDetail(text_of(article.find("h2")), text_of(article.select_one("section.body")),
                            _posted(text_of(article.find("time"))), attachments_of(article, url), "cards")
    content = soup.select_one("div.entry-content")
    if content is not None:
        root = content.find_parent("article") or soup
        files = attachments_of(root, url)
        for extra in content.select("div.attachments, div.sharedaddy, div.sharing"):
            extra.decompose()           # file lists and share buttons are not the notice's text
        title = root.select_one("h1.entry-title, h2.entry-title, h1")
        return NoticeDetail(text_of(title), text_of(content), _posted(text_of(root.select_one("span.date"))),
                            files, "wp")
    raise ValueError(UNRECOGNISED_NOTICE)


def _posted(text: str) -> date | None:
    """The posting date; optional, so an unreadable one is None rather than a lost notice."""
    text = text.replace("โพสต์เมื่อ", "").replace("ประกาศเมื่อ", "").strip()
    if not text:
        return None
    try:
        return parse_thai_date(text)
    except ThaiDateError:
        return None


def safe_url(href: str | None, base: str) -> str | None:
    """An absolute, percent-encoded http(s) URL for `href` as written in a page on `base`; None otherwise.

    Thai file names are written raw (with spaces) by some portals and percent-encoded by others:
    both give the same URL, and existing %XX escapes are never encoded twice.
    """
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None                     # javascript:, mailto:, data:, a relative link with no base ...
    lone_percent = re.compile(r"%(?![0-9A-Fa-f]{2})")
    path = quote(lone_percent.sub("%25", parts.path), safe="/%!$&'()*+,;=:@-._~")
    query = quote(lone_percent.sub("%25", parts.query), safe="/%!$&'()*+,;=:@-._~?")
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, query, ""))


def attachments_of(root, base: str) -> list[dict]:
    """Files linked from a notice: [{"title", "url", "type"}], once each, in page order.

    Layouts list files in div.attachments / div.attach / section.downloads, but a file is a file
    wherever the notice links it, so every link in the notice to a file type above counts.
    """
    found: dict[str, dict] = {}
    for a in root.find_all("a", href=True):
        url = safe_url(a.get("href"), base)
        if url is None:
            continue
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext not in ATTACHMENT_TYPES:
            continue
        title = text_of(a)
        if url not in found:
            found[url] = {"title": title or name, "url": url, "type": "jpg" if ext == "jpeg" else ext}
        elif title and found[url]["title"] == name:
            found[url]["title"] = title     # an icon link came first; the text link names the file
    return list(found.values())


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
        raise ThaiDateError("no event date in the notice text", body[:120])
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
    """Notices of one district from its archived pages: (rows, quarantined records with reasons).

    Raises UnitFailed when the unit has notice pages and none of them is in a known layout (a portal
    redesign): the previous rows are then kept instead of the district silently losing its notices.
    """
    rows, quarantined, seen = [], [], set()
    notice_pages = unrecognised = 0
    for response in responses:
        match = NOTICE_PATH.search(urlsplit(response.url).path)
        if not match:
            continue   # a list page: its links were followed during the crawl
        notice_id = f"{district.code}/{match.group(1)}"
        if notice_id in seen:
            continue
        seen.add(notice_id)
        notice_pages += 1
        try:
            notice = parse_notice_page(response.body, response.content_type, response.final_url or response.url)
            if not notice.title:
                raise ValueError("notice has no title")
            starts_at, ends_at, all_day = event_window(notice.body, notice.posted)
        except ValueError as exc:
            unrecognised += str(exc) == UNRECOGNISED_NOTICE
            quarantined.append({"url": response.url, "sha256": response.sha256, "record_ref": match.group(1),
                                "reason": str(exc), "excerpt": response.body[:300].decode("utf-8", "replace")})
            continue
        rows.append({
            "notice_id": notice_id,
            "district_code": district.code,
            "kind": classify_notice(notice.title, notice.body),
            "title_th": notice.title,
            "body_th": notice.body,
            "posted_on": notice.posted,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "all_day": all_day,
            "attachments": json.dumps(notice.attachments, ensure_ascii=False),
            "url": response.url,
            "sha256": response.sha256,
            "fetched_at": response.fetched_at,
        })
    if notice_pages and unrecognised == notice_pages:
        raise UnitFailed(f"district {district.code}: none of its {notice_pages} notice pages is in a known layout "
                         f"(first: {quarantined[0]['url']})")
    return rows, quarantined
