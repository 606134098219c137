"""MEA planned power outages: English notice pages, one structured outage per day, area and time.

A notice covers several days. Its text, once the HTML is flattened, reads like
"Saturday, Dec 5, 2026 Bangkok : The power outage areas are; 08:30 AM – 03:30 PM Lat Phrao Road,
Soi Lat Phrao 88 ... 09:00 AM – 12:00 PM ... Nonthaburi : The power outage areas are; ...",
with line breaks in mid-phrase and stray spaces inside times ("0 9. 0 0 AM"). We keep only the
Bangkok sections (other provinces are not ours to publish).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urljoin, urlsplit

from hub.config import SourceSettings
from hub.raw_archive import ArchivedResponse, CrawlSession, UnitFailed
from hub.thai_dates import BANGKOK
from scrapers.html_text import soup_of, text_of

SOURCE = "mea_outages"
LIST_PATH = "/en/public-relations/power-outage-notifications/news"
CARD_LINKS = 'div.col-sm-6.col-md-4.col-lg-4.mb-4 a[href*="/news/"]'

_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# Day digits can be split by a stray line break too ("Tuesday, Nov 2\n5, 2025").
DAY_HEADER = re.compile(rf"{_WEEKDAY},?\s+([A-Z][a-z]{{2,8}})\.?\s+(\d\s?\d?),?\s+(\d{{4}})")
PROVINCE = re.compile(r"([A-Z][A-Za-z ]{2,30}?)\s*:\s*The\s+power\s+outage\s+areas?\s+(?:are|is)\s*;?", re.I)
# "08:30 AM", "0 9. 0 0 AM", "8.30AM": digits with stray spaces, a : or . separator, AM/PM.
_CLOCK = r"(\d\s?\d?\s?[:.]\s?\d\s?\d\s*[AaPp]\.?\s?[Mm]\.?)"
# The dash between the two times is sometimes lost in the page ("08:30 AM 01:30 PM").
TIME_RANGE = re.compile(rf"{_CLOCK}\s*[–—-]?\s*{_CLOCK}")
MONTHS = {m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                          "nov", "dec"])}


@dataclass(frozen=True)
class Outage:
    day: date
    province: str
    starts_at: datetime
    ends_at: datetime
    area: str


def crawl(session: CrawlSession, source: SourceSettings) -> None:
    with session.unit("all"):
        url: str | None = source.url(LIST_PATH)
        pages = 0
        while url and pages < source.max_pages:
            response = session.get(url)
            links, url = parse_list_page(response.body, response.content_type, response.final_url)
            pages += 1
            # Notices behind an unchanged (304) listing are re-checked only every recheck_after_hours.
            reuse = timedelta(hours=source.recheck_after_hours) if response.not_modified else None
            for link in links:
                session.get(link, reuse_within=reuse)


def parse_list_page(body: bytes, content_type: str | None, url: str) -> tuple[list[str], str | None]:
    soup = soup_of(body, content_type)
    links = list(dict.fromkeys(urljoin(url, a["href"]) for a in soup.select(CARD_LINKS)))
    if not links:
        raise UnitFailed(f"no outage notice cards on {url} ({len(body)} bytes): layout changed or error page")
    nxt = soup.select_one("a.page-link[href]")
    return links, (urljoin(url, nxt["href"]) if nxt and "next" in text_of(nxt).lower() else None)


def parse_clock(text: str) -> time:
    compact = re.sub(r"[\s.]", "", text).upper().replace(":", "")
    match = re.fullmatch(r"(\d{1,2})(\d{2})([AP])M", compact)
    if not match:
        raise ValueError(f"unreadable time {text!r}")
    hour, minute = int(match.group(1)), int(match.group(2))
    if not (1 <= hour <= 12 and minute < 60):
        raise ValueError(f"impossible time {text!r}")
    hour = hour % 12 + (12 if match.group(3) == "P" else 0)
    return time(hour, minute)


def _clean_area(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" .-–;,")
    return text + "." if text else text


def parse_day_text(text: str, day: date) -> list[Outage]:
    """One day's text (provinces, time ranges, areas) into outages. Raises ValueError when unreadable."""
    text = re.sub(r"\s+", " ", text.replace("\xa0", " "))
    provinces = list(PROVINCE.finditer(text))
    if not provinces:
        raise ValueError(f"no 'The power outage areas are' section for {day}")
    out = []
    for i, section in enumerate(provinces):
        body = text[section.end(): provinces[i + 1].start() if i + 1 < len(provinces) else len(text)]
        ranges = list(TIME_RANGE.finditer(body))
        if not ranges:
            raise ValueError(f"no time range in the {section.group(1).strip()} section for {day}")
        for j, rng in enumerate(ranges):
            area = _clean_area(body[rng.end(): ranges[j + 1].start() if j + 1 < len(ranges) else len(body)])
            start, end = parse_clock(rng.group(1)), parse_clock(rng.group(2))
            starts_at = datetime.combine(day, start, BANGKOK)
            ends_at = datetime.combine(day, end, BANGKOK)
            if ends_at <= starts_at:           # 10:00 PM – 04:00 AM runs into the next morning
                ends_at += timedelta(days=1)
            out.append(Outage(day, section.group(1).strip(), starts_at, ends_at, area))
    return out


def parse_notice(text: str, first_day: date | None = None) -> list[Outage]:
    """A multi-day notice: split on day headers, then parse each day.

    Text before the first header belongs to `first_day` (scraped day records start that way).
    """
    text = re.sub(r"\s+", " ", text)
    headers = list(DAY_HEADER.finditer(text))
    segments: list[tuple[date, str]] = []
    lead = text[: headers[0].start() if headers else len(text)]
    if first_day is not None and lead.strip():
        segments.append((first_day, lead))
    elif not headers:
        raise ValueError("no day header such as 'Saturday, Sep 6, 2025' in the notice")
    for i, header in enumerate(headers):
        month = MONTHS.get(header.group(1)[:3].lower())
        if month is None:
            raise ValueError(f"unknown month in {header.group(0)!r}")
        day = date(int(header.group(3)), month, int(header.group(2).replace(" ", "")))
        segments.append((day, text[header.end(): headers[i + 1].start() if i + 1 < len(headers) else len(text)]))
    return [outage for day, segment in segments for outage in parse_day_text(segment, day)]


def parse_unit(responses: list[ArchivedResponse]) -> tuple[list[dict], list[dict]]:
    rows, quarantined = [], []
    for response in responses:
        path = urlsplit(response.url).path
        if not path.startswith(LIST_PATH + "/"):
            continue
        notice_id = path.rsplit("/", 1)[1]
        content = soup_of(response.body, response.content_type).select_one("div.content-description")
        try:
            if content is None:
                raise ValueError("notice page has no div.content-description")
            outages = parse_notice(text_of(content, separator="\n"))
        except ValueError as exc:
            quarantined.append({"url": response.url, "sha256": response.sha256, "record_ref": notice_id,
                                "reason": str(exc), "excerpt": response.body[:300].decode("utf-8", "replace")})
            continue
        for outage in (o for o in outages if o.province.lower() == "bangkok"):
            # Id from content, not position: an entry added above must not renumber the others.
            digest = hashlib.sha1(f"{outage.starts_at}|{outage.ends_at}|{outage.area}".encode()).hexdigest()[:10]
            rows.append({"outage_id": f"{notice_id}/{outage.day.isoformat()}/{digest}", "notice_id": notice_id,
                         "day": outage.day, "starts_at": outage.starts_at, "ends_at": outage.ends_at,
                         "area_en": outage.area, "url": response.url, "sha256": response.sha256,
                         "fetched_at": response.fetched_at})
    return rows, quarantined
