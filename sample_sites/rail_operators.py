"""Sample rail operator sites: BTS-style service announcements (HTML) and an MRT-style status API (JSON).

No public capture of either exists (PARTNER_FORMATS.md §3: BTS/MRT disruption notices are only on
X/Facebook/LINE, and no GTFS-realtime feed was found), so both interfaces are modelled on what the
operators' web pages show:

* ``/en/announcements`` (``?page=2``): a paged list of ``article.news-item`` cards, newest first, with a
  posted date, a title and a body. Quirks kept on purpose: the "English" page carries Thai-only notices,
  titles that are "ไทย / English" in one string, posted dates in English ("25 Nov 2026 | 07:52") or in
  Thai with a BE year ("25 พ.ย. 2569 เวลา 09.15 น."), a pinned notice repeated at the top of every page,
  one notice without a posted date (malformed), and one notice carrying a script/onerror/javascript: payload.
* ``/api/v1/service-status``: ``{"updated", "lines": [{"line_code", "line_name_th", "line_name_en", "status",
  "message_th", "message_en", "affected_stations", "since"}]}``. ``affected_stations`` are the operator's
  own codes (BL10), not GTFS stop ids; ``since`` is sometimes naive Bangkok time; messages hold ``<br>``;
  one legacy record has no ``line_code`` (malformed).

Content is a pure function of `today` (same bytes on every request). The expected_* methods state, in
GTFS ids from reference/rail, what a correct parser must produce; they are written out by hand here,
not computed with hub.rail_network, so the tests check the matcher instead of repeating it.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sample_sites.server import Page
from sample_sites.thai_calendar import BANGKOK, MONTHS_ABBR, be_year, today_bangkok

ANNOUNCEMENTS_PATH = "/en/announcements"
STATUS_PATH = "/api/v1/service-status"
PAGE_SIZE = 5
XSS = ("<a href=\"javascript:alert('xss')\">Details</a><script>alert('xss')</script>"
       "<img src=x onerror=\"alert(1)\">")


@dataclass(frozen=True)
class Expected:
    """What the scraper should make of one notice (ids are Namtang GTFS ids)."""
    notice_id: str
    operator: str
    effect: str
    status: str
    route_ids: tuple[str, ...]
    stop_ids: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime | None


@dataclass(frozen=True)
class Announcement:
    article_id: str
    posted: datetime | None         # None: the malformed notice
    title: str
    paragraphs: tuple[str, ...]     # plain text
    pinned: bool = False
    expected: Expected | None = None
    raw_html: str = ""              # appended unescaped to the last paragraph (the XSS payload)

    @property
    def posted_text(self) -> str:
        if self.posted is None:
            return "—"
        if any("\u0e00" <= ch <= "\u0e7f" for ch in self.title) and " / " not in self.title:
            p = self.posted   # Thai-only notices carry a Thai date with a BE year
            return f"{p.day} {MONTHS_ABBR[p.month - 1]} {be_year(p)} เวลา {p:%H.%M} น."
        return f"{self.posted.day} {self.posted:%b %Y | %H:%M}"


def _at(d: date, hh: int, mm: int) -> datetime:
    return datetime.combine(d, time(hh, mm), BANGKOK)


def _en(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _th(d: date) -> str:
    return f"{d.day} {MONTHS_ABBR[d.month - 1]} {be_year(d)}"


def announcements(today: date) -> list[Announcement]:
    """Newest first; the pinned notice is listed separately and shown on every page."""
    t = today
    resolved_at = _at(t, 8, 41)
    works_from, works_to = t + timedelta(days=3), t + timedelta(days=5)
    exit_from, exit_to = t + timedelta(days=1), t + timedelta(days=20)

    def aid(posted: datetime) -> str:
        return f"{posted:%y%m%d%H%M}"

    def exp(posted, effect, routes, stops, status="active", starts=None, ends=None) -> Expected:
        return Expected(f"bts:{aid(posted)}", "BTSC", effect, status, tuple(routes), tuple(stops),
                        starts or posted, ends)

    items: list[Announcement] = []

    def add(posted, title, paragraphs, expected_args, article_id=None, raw_html=""):
        items.append(Announcement(article_id or aid(posted), posted, title, tuple(paragraphs),
                                  expected=exp(posted, *expected_args) if expected_args else None,
                                  raw_html=raw_html))

    p = _at(t, 9, 15)
    add(p, "ปิดให้บริการชั่วคราว สถานีสะพานตากสิน",
        ["เนื่องจากมีเหตุขัดข้องที่ชานชาลา บีทีเอสขอปิดให้บริการชั่วคราว สถานีสะพานตากสิน "
         "ขบวนรถไฟฟ้าจะไม่จอดรับส่งผู้โดยสารที่สถานีนี้จนกว่าจะมีประกาศเพิ่มเติม"],
        ("closure", ["2"], ["7"]))
    add(resolved_at, "รถไฟฟ้าสายสุขุมวิทกลับมาให้บริการตามปกติแล้ว / Sukhumvit Line: service has returned to normal",
        ["Service has returned to normal on the Sukhumvit Line. Thank you for your patience.",
         "ขบวนรถไฟฟ้าสายสุขุมวิทกลับมาให้บริการตามปกติแล้ว ขอบคุณผู้โดยสารทุกท่านที่ให้ความร่วมมือ"],
        ("resolved", ["1"], [], "cancelled"))
    p = _at(t, 7, 52)
    add(p, "Train delays on the Sukhumvit Line",
        ["Due to a technical fault at Siam station, trains on the Sukhumvit Line are delayed 10–15 minutes. "
         "We apologise for the inconvenience.",
         "เนื่องจากเกิดเหตุขัดข้องทางเทคนิคที่สถานีสยาม ขบวนรถไฟฟ้าสายสุขุมวิทล่าช้า 10–15 นาที ขออภัยในความไม่สะดวก"],
        ("delay", ["1"], ["12"], "cancelled", None, resolved_at))
    p = _at(t, 6, 5)
    add(p, "Silom Line: service suspended between Wongwian Yai and Bang Wa",
        ["Due to a signalling fault, train service between Wongwian Yai and Bang Wa stations is suspended. "
         "Free shuttle buses are provided.",
         "เนื่องจากระบบอาณัติสัญญาณขัดข้อง ขบวนรถไฟฟ้าสายสีลมหยุดให้บริการระหว่างสถานีวงเวียนใหญ่ถึงสถานีบางหว้า"],
        ("suspension", ["2"], ["5", "4", "3", "2", "1"]))
    p = _at(t - timedelta(days=1), 16, 30)
    add(p, "Gold Line: longer waiting times",
        ["Trains on the Gold Line run every 12 minutes today between Krung Thon Buri and Khlong San "
         "because of a train fault. Passengers should allow for longer waiting times."],
        ("delay", ["2025"], ["13834", "13835", "13836"]), raw_html=" " + XSS)
    p = _at(t - timedelta(days=2), 10, 0)
    add(p, "ปิดปรับปรุงสถานีวุฒากาศและสถานีตลาดพลูช่วงกลางคืน / Planned maintenance: Wutthakat and Talat Phlu "
           "stations closed at night",
        [f"Due to planned maintenance works, Wutthakat and Talat Phlu stations on the Silom Line will be closed "
         f"from {_en(works_from)} to {_en(works_to)}, 22:00–05:00 hrs each night.",
         f"เนื่องจากมีงานซ่อมบำรุงตามแผน สถานีวุฒากาศและสถานีตลาดพลู สายสีลม จะปิดให้บริการตั้งแต่วันที่ "
         f"{_th(works_from)} ถึง {_th(works_to)} เวลา 22.00 - 05.00 น."],
        ("planned_works", ["2"], ["2", "3"], "active", _at(works_from, 22, 0),
         _at(works_to + timedelta(days=1), 5, 0)))
    add(None, "Lost property", ["Items found at Chit Lom station can be collected at the Siam station office."],
        None, article_id=f"{t - timedelta(days=2):%y%m%d}1130")
    p = _at(t - timedelta(days=3), 11, 0)
    add(p, "ปิดทางออก 3 สถานีอโศก / Planned closure of Exit 3 at Asoke station",
        [f"Exit 3 of Asoke station will be closed for lift installation from {_en(exit_from)} to {_en(exit_to)}. "
         "Please use Exit 4 instead.",
         f"ปิดทางออก 3 สถานีอโศก เพื่องานปรับปรุงติดตั้งลิฟต์ ตั้งแต่วันที่ {_th(exit_from)} ถึง {_th(exit_to)}"],
        ("planned_works", ["1"], ["25"], "active", _at(exit_from, 0, 0), _at(exit_to + timedelta(days=1), 0, 0)))
    return items


def pinned(today: date) -> Announcement:
    posted = _at(today - timedelta(days=40), 9, 0)
    article_id = f"{posted:%y%m%d%H%M}"
    return Announcement(article_id, posted, "เวลาให้บริการรถไฟฟ้าบีทีเอส / BTS SkyTrain operating hours",
                        ("BTS SkyTrain operates daily from 05:15 to 24:00. Last train times vary by station.",
                         "รถไฟฟ้าบีทีเอสเปิดให้บริการทุกวัน ตั้งแต่เวลา 05.15 - 24.00 น."),
                        pinned=True,
                        expected=Expected(f"bts:{article_id}", "BTSC", "info", "active", (), (), posted, None))


def status_document(today: date) -> dict:
    since = _at(today, 9, 2)
    return {
        "updated": f"{_at(today, 9, 30).isoformat()}",
        "lines": [
            {"line_code": "BL", "line_name_th": "สายเฉลิมรัชมงคล (สายสีน้ำเงิน)", "line_name_en": "Blue Line",
             "status": "delayed",
             "message_th": "ขบวนรถล่าช้าประมาณ 10 นาที ระหว่างสถานีเตาปูนและสถานีบางซื่อ "
                           "เนื่องจากระบบอาณัติสัญญาณขัดข้อง",
             "message_en": "Trains are delayed by about 10 minutes between Tao Poon and Bang Sue stations due to "
                           "a signalling fault.<br>We apologise for the inconvenience.",
             "affected_stations": ["BL10", "BL11"],
             "since": since.strftime("%Y-%m-%d %H:%M:%S")},          # naive, Bangkok time
            {"line_code": "PP", "line_name_th": "สายฉลองรัชธรรม (สายสีม่วง)", "line_name_en": "Purple Line",
             "status": "normal", "message_th": "เปิดให้บริการตามปกติ", "message_en": "Normal service",
             "affected_stations": [], "since": None},
            # A legacy record without line_code: malformed, quarantined.
            {"line_name_th": "สายสีน้ำเงิน (ส่วนต่อขยาย)", "line_name_en": "Blue Line extension",
             "status": "partial_closure", "message_th": "", "message_en": "",
             "affected_stations": ["BL33"], "since": since.isoformat()},
        ],
    }


class RailOperators:
    """BTS-style announcements and an MRT-style status endpoint on one host (source "rail_service")."""
    name = "rail_service"

    def __init__(self, today: date | None = None):
        self.today = today or today_bangkok()

    # --- what a correct scraper finds ---------------------------------------------------------
    def expected_notices(self) -> list[Expected]:
        """Announcement rows, pinned notice once, malformed notice excluded."""
        return [pinned(self.today).expected] + [a.expected for a in announcements(self.today) if a.expected]

    def expected_status_rows(self) -> list[Expected]:
        since = _at(self.today, 9, 2)
        return [Expected(f"mrt:BL:{since:%Y%m%dT%H%M}", "BEM", "delay", "active", ("3",), ("331", "334"),
                         since, None)]

    def expected_quarantined(self) -> dict[str, list[str]]:
        """Unit -> record_ref of each record the parser must quarantine."""
        bad = [a.article_id for a in announcements(self.today) if a.posted is None]
        return {"announcements": [f"bts:{ref}" for ref in bad], "status": ["lines[2]"]}

    def page_paths(self) -> list[str]:
        pages = -(-len(announcements(self.today)) // PAGE_SIZE)
        return [ANNOUNCEMENTS_PATH] + [f"{ANNOUNCEMENTS_PATH}?page={n}" for n in range(2, pages + 1)]

    # --- HTTP ------------------------------------------------------------------------------------
    def page(self, path: str, query: dict[str, list[str]]) -> Page | None:
        if path == STATUS_PATH:
            body = json.dumps(status_document(self.today), ensure_ascii=False, indent=1)
            return Page(body.encode("utf-8"), "application/json; charset=utf-8")
        if path != ANNOUNCEMENTS_PATH:
            return None
        try:
            page_no = int((query.get("page") or ["1"])[0])
        except ValueError:
            return None
        items = announcements(self.today)
        pages = -(-len(items) // PAGE_SIZE)
        if not 1 <= page_no <= pages:
            return None
        shown = [pinned(self.today)] + items[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE]
        cards = "".join(_card(a) for a in shown)
        pager = (f"<li><a class='page-link' rel='next' href='{ANNOUNCEMENTS_PATH}?page={page_no + 1}'>Next ›</a></li>"
                 if page_no < pages else "")
        body = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Announcements | BTS SkyTrain</title>"
                "</head><body><header><nav><a href='/th/announcements'>TH</a> | <a href='/en/announcements'>EN</a>"
                "</nav></header><main><h1>Announcements</h1><section class='announcements'>"
                f"<div class='news-list'>{cards}</div><ul class='pagination'>"
                f"<li class='active'><span>{page_no}</span></li>{pager}</ul></section></main>"
                "<footer>© BTS Group</footer></body></html>")
        return Page(body.encode("utf-8"), "text/html; charset=utf-8")


def _card(a: Announcement) -> str:
    css = "news-item pinned" if a.pinned else "news-item"
    texts = [html.escape(p) for p in a.paragraphs]
    texts[-1] += a.raw_html
    paragraphs = "".join(f"<p>{t}</p>" for t in texts)
    return (f"<article class='{css}' id='ann-{a.article_id}'>"
            f"<div class='news-date'><i class='icon-clock'></i> {html.escape(a.posted_text)}</div>"
            f"<h3 class='news-title'>{html.escape(a.title)}</h3>"
            f"<div class='news-body'>{paragraphs}</div></article>")
