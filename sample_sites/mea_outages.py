"""Sample MEA planned power-outage notices, shaped like mea.or.th's English notice pages.

Listing cards (`div.col-sm-6.col-md-4.col-lg-4.mb-4 a[href*="/news/"]`) lead to detail pages whose
`div.content-description` covers several days: a day header ("Saturday, Dec 5, 2026"), per
province "Bangkok : The power outage areas are;", then time ranges and road/soi lists, with the
line breaks mid-phrase and stray spaces inside times that the real pages have (compare
../shared/data/mea_power_outages_page_001.csv). Only Bangkok entries are ours to publish.
"""
from __future__ import annotations

import html
import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from sample_sites.server import Page
from sample_sites.thai_calendar import today_bangkok

LIST_PATH = "/en/public-relations/power-outage-notifications/news"
PAGE_SIZE = 3
ANNOUNCEMENTS = 5

BANGKOK_AREAS = [
    ("Lat Phrao Road, Soi Lat Phrao 88 and the nearby area.", "1030 1038 1045 1006"),
    ("Rama Nine Road, Soi Rama Nine 59.", "1017 1045 1034"),
    ("Seri Thai Road, Soi Seri Thai 14, Bangchak Gas Station and the nearby area.", "1006 1027 1010"),
    ("Nawamin Road, Soi Narasiri Topiary Village.", "1027 1006 1045"),
    ("Charan Sanitwong Road, Soi Charan Sanitwong 13 to Soi 35.", "1020 1025"),
    ("Phetkasem Road, from Soi Phetkasem 48 to Soi 62.", "1022 1040 1023"),
    ("Sukhumvit Road, Soi Sukhumvit 71, Pridi Banomyong 2.", "1039 1033 1009 1047"),
    ("Ekkachai Road, around Big C Bang Bon.", "1050 1021 1035"),
    ("Ram Inthra Road, Soi Ram Inthra 40, Intersection 3.", "1005 1043 1010 1046"),
    ("Chok Chai 4 Road, around the beginning of Soi Chok Chai 4, Soi 30.", "1038"),
    ("Taksin Road, Soi Taksin 22 and the area inside Kaeo Temple.", "1015"),
    ("Suk Sawat Road, Soi Suk Sawat 30 to Pracha Uthit Road.", "1024 1049"),
]
NONTHABURI_AREAS = ["Ratchaphruek Road, Soi nearby Rama 5 Road Roundabout.",
                    "Bypass Nonthaburi Road, the area nearby the beginning of Soi Nonthaburi 20."]
TIME_RANGES = [(time(8, 30), time(15, 30)), (time(9, 0), time(12, 0)), (time(9, 0), time(14, 0)),
               (time(13, 0), time(16, 0)), (time(22, 0), time(4, 0))]


@dataclass(frozen=True)
class OutageEntry:
    announcement_id: str
    day: date
    province: str
    start: time
    end: time
    area: str
    district_codes: tuple[str, ...]


def _clock(t: time, stray_spaces: bool) -> str:
    text = t.strftime("%I:%M %p")
    # The real pages break times with stray spaces ("0 9. 0 0"); keep one such entry per notice.
    return " ".join(text[:2]) + ". " + " ".join(text[3:5]) + text[5:] if stray_spaces else text


def announcements(today: date) -> list[tuple[str, date, list[OutageEntry]]]:
    rng = random.Random(f"mea-{today.isoformat()}")
    out = []
    for a in range(ANNOUNCEMENTS):
        announcement_id = f"og{today:%y%m%d}{a:02d}"
        first_day = today + timedelta(days=1 + 2 * a)
        entries = []
        for d in range(rng.randint(2, 3)):
            day = first_day + timedelta(days=d)
            for _ in range(rng.randint(1, 3)):
                area, codes = rng.choice(BANGKOK_AREAS)
                start, end = rng.choice(TIME_RANGES)
                entries.append(OutageEntry(announcement_id, day, "Bangkok", start, end, area, tuple(codes.split())))
            if rng.random() < 0.5:
                start, end = rng.choice(TIME_RANGES)
                entries.append(OutageEntry(announcement_id, day, "Nonthaburi", start, end, rng.choice(NONTHABURI_AREAS), ()))
        out.append((announcement_id, today - timedelta(days=a), entries))
    return out


def expected_outages(today: date | None = None) -> list[OutageEntry]:
    return [e for _, _, entries in announcements(today or today_bangkok()) for e in entries if e.province == "Bangkok"]


def _detail_html(announcement_id: str, entries: list[OutageEntry]) -> str:
    parts, day, province = [], None, None
    for i, e in enumerate(entries):
        if e.day != day:
            day, province = e.day, None
            parts.append(f"<p><strong>{e.day:%A, %b} {e.day.day}, {e.day.year}</strong></p>")
        if e.province != province:
            province = e.province
            parts.append(f"<p>{e.province}<br>: The power outage areas are;</p>")
        words = html.escape(e.area).split(" ")
        area = " ".join(words[:2]) + "<br>" + " ".join(words[2:])   # mid-phrase line break, as scraped
        parts.append(f"<p>{_clock(e.start, i == 1)} –<br>{_clock(e.end, False)}<br>{area}</p>")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Power Outage Notification</title></head>"
            "<body><div class='container'><h1 class='title'>Power Outage Notification</h1>"
            f"<div class='content-description'>{''.join(parts)}</div></div></body></html>")


class MeaOutages:
    name = "mea_outages"

    def __init__(self, today: date | None = None):
        self.today = today

    def page(self, path: str, query: dict[str, list[str]]) -> Page | None:
        items = announcements(self.today or today_bangkok())
        if path == LIST_PATH:
            page_no = int((query.get("page") or ["1"])[0])
            pages = -(-len(items) // PAGE_SIZE)
            if not 1 <= page_no <= pages:
                return None
            cards = "".join(
                f"<div class='col-sm-6 col-md-4 col-lg-4 mb-4'><div class='card'>"
                f"<a href='{LIST_PATH}/{aid}'><h5>Power Outage Notification</h5></a>"
                f"<span class='date'>{posted:%d/%m/%Y}</span></div></div>"
                for aid, posted, _ in items[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE])
            pager = f"<a class='page-link' href='{LIST_PATH}?page={page_no + 1}'>Next</a>" if page_no < pages else ""
            body = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Power Outage Notifications</title>"
                    f"</head><body><div class='row'>{cards}</div><nav class='pagination'>{pager}</nav></body></html>")
            return Page(body.encode(), "text/html; charset=utf-8")
        if path.startswith(LIST_PATH + "/"):
            wanted = path.rsplit("/", 1)[1]
            for aid, _, entries in items:
                if aid == wanted:
                    return Page(_detail_html(aid, entries).encode(), "text/html; charset=utf-8")
        return None
