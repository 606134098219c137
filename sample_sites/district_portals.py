"""Sample district-office portals, shaped like webportal.bangkok.go.th/<district>.

All 50 districts, each with news list pages (paginated) and detail pages, in two site layouts
(real portals differ), Buddhist-Era dates in the forms partners write, and one legacy portal
served as TIS-620. Content is generated from today's date, deterministically, so the demo always
shows current items and a second pass over unchanged content gets 304s.
`expected_notices()` is the ground truth tests compare the pipeline's output against.
"""
from __future__ import annotations

import html
import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from hub.gazetteer import Gazetteer
from sample_sites.server import Page
from sample_sites.thai_calendar import format_thai_date, thai_time, today_bangkok

PAGE_SIZE = 5
# Portals still on the old card layout; 1001 (Phra Nakhon) is also still served as TIS-620,
# 1013 declares its charset only in a <meta> tag.
CARD_LAYOUT = {"1001", "1004", "1007", "1013", "1019", "1022", "1028", "1031", "1037", "1043", "1046", "1049"}
TIS620_PORTALS = {"1001": "header", "1013": "meta"}


@dataclass(frozen=True)
class Template:
    kind: str
    title: str
    body: str
    start: time | None
    end: time | None


TEMPLATES = [
    Template("pet_vaccination", "ขอเชิญนำสุนัขและแมวมารับบริการฉีดวัคซีนป้องกันโรคพิษสุนัขบ้า ฟรี",
             "สำนักงานเขต{district} ร่วมกับสำนักงานสัตวแพทย์สาธารณสุข จัดหน่วยบริการฉีดวัคซีนป้องกันโรคพิษสุนัขบ้า"
             "ให้แก่สุนัขและแมวโดยไม่เสียค่าใช้จ่าย ณ {place}", time(9, 0), time(12, 0)),
    Template("sterilisation", "โครงการผ่าตัดทำหมันสุนัขและแมว ฟรี",
             "ขอเชิญประชาชนนำสุนัขและแมวมารับบริการผ่าตัดทำหมัน ณ {place} "
             "กรุณางดอาหารและน้ำสัตว์เลี้ยงก่อนผ่าตัด 12 ชั่วโมง จำกัด 50 ตัว", time(8, 30), time(15, 0)),
    Template("mosquito_fogging", "แจ้งกำหนดการพ่นหมอกควันกำจัดยุงลาย ป้องกันโรคไข้เลือดออก",
             "ฝ่ายสิ่งแวดล้อมและสุขาภิบาล สำนักงานเขต{district} จะออกพ่นหมอกควันกำจัดยุงลายในพื้นที่{place} "
             "ขอให้ประชาชนปิดภาชนะใส่อาหารและนำสัตว์เลี้ยงออกจากบริเวณ", time(16, 0), time(18, 0)),
    Template("bulky_waste", "บริการจัดเก็บขยะชิ้นใหญ่ ฟรี ตามวันที่กำหนด",
             "สำนักงานเขต{district} ให้บริการจัดเก็บขยะชิ้นใหญ่ เช่น โซฟา ที่นอน ตู้ เฟอร์นิเจอร์เก่า "
             "โปรดนำมาวางไว้หน้าบ้านหรือแจ้งล่วงหน้าที่ฝ่ายรักษาความสะอาด โทร 1555 ในพื้นที่{place}", None, None),
    Template("mobile_registration", "หน่วยบริการทำบัตรประจำตัวประชาชนเคลื่อนที่",
             "ฝ่ายทะเบียน สำนักงานเขต{district} ออกหน่วยบริการทำบัตรประจำตัวประชาชนเคลื่อนที่ "
             "และรับแจ้งย้ายที่อยู่ ณ {place} ผู้ใช้บริการโปรดนำบัตรเดิมมาด้วย", time(9, 0), time(15, 0)),
    Template("job_training", "รับสมัครผู้สนใจเข้ารับการฝึกอบรมอาชีพ หลักสูตรระยะสั้น",
             "ศูนย์ฝึกอาชีพ สำนักงานเขต{district} เปิดรับสมัครฝึกอบรมอาชีพ หลักสูตรการทำขนมไทยและนวดแผนไทย "
             "ไม่มีค่าใช้จ่าย สมัครได้ที่ {place} รับจำนวนจำกัด", time(9, 0), time(16, 0)),
    Template("health_service", "บริการตรวจสุขภาพและคัดกรองโรคเบาหวาน ความดันโลหิตสูง",
             "ศูนย์บริการสาธารณสุขในพื้นที่เขต{district} ให้บริการตรวจสุขภาพ วัดความดัน เจาะน้ำตาลในเลือด "
             "และฉีดวัคซีนไข้หวัดใหญ่สำหรับผู้สูงอายุ ณ {place}", time(8, 0), time(12, 0)),
    Template("district_event", "ขอเชิญร่วมงานเทศกาลประจำปีของชุมชน",
             "สำนักงานเขต{district} ขอเชิญประชาชนร่วมงานเทศกาล ชมการแสดงทางวัฒนธรรม ตลาดสินค้าชุมชน "
             "และกิจกรรมสำหรับครอบครัว ณ {place}", time(17, 0), time(21, 0)),
    Template("construction", "ประกาศปิดการจราจรชั่วคราวเพื่อซ่อมแซมผิวจราจร",
             "สำนักงานเขต{district} จะดำเนินการซ่อมแซมผิวจราจรและท่อระบายน้ำ บริเวณ{place} "
             "จึงขอปิดการจราจรชั่วคราว ขออภัยในความไม่สะดวก", time(22, 0), time(5, 0)),
]
PLACES = ["ลานอเนกประสงค์ สำนักงานเขต{district}", "ศาลาประชาคมชุมชนวัดใหม่", "ศูนย์บริการสาธารณสุข 12",
          "ซอยประชาร่วมใจ 3", "ตลาดนัดชุมชนริมคลอง", "โรงเรียนประถมในพื้นที่เขต{district}"]


@dataclass(frozen=True)
class Notice:
    district_code: str
    notice_id: str
    kind: str
    title: str
    body: str
    event_date: date
    start: time | None
    end: time | None
    posted: date
    date_style: int


def notices_for(code: str, district_name: str, today: date) -> list[Notice]:
    rng = random.Random(f"{code}-{today.isoformat()}")
    count = 6 + int(code) % 4            # 6..9 notices: most districts need two list pages
    out = []
    for i in range(count):
        template = TEMPLATES[(int(code) + i) % len(TEMPLATES)]
        event_date = today + timedelta(days=rng.randint(-2, 21))
        place = rng.choice(PLACES).format(district=district_name)
        body = template.body.format(district=district_name, place=place)
        out.append(Notice(code, f"{code}{i + 1:03d}", template.kind, template.title, body, event_date,
                          template.start, template.end, event_date - timedelta(days=rng.randint(3, 10)),
                          date_style=int(code) + i))
    return sorted(out, key=lambda n: (n.posted, n.notice_id), reverse=True)


def when_text(n: Notice) -> str:
    text = format_thai_date(n.event_date, n.date_style)
    if n.start and n.end:
        return f"{text} เวลา {n.start:%H.%M} - {thai_time(n.end)}"
    if n.start:
        return f"{text} เวลา {thai_time(n.start)}"
    return text


def expected_notices(gazetteer: Gazetteer, today: date | None = None) -> list[Notice]:
    today = today or today_bangkok()
    return [n for d in gazetteer.districts for n in notices_for(d.code, d.name_th, today)]


class DistrictPortals:
    name = "district_portals"

    def __init__(self, gazetteer: Gazetteer, today: date | None = None):
        self.gazetteer = gazetteer
        self.today = today
        self.by_slug = {d.portal_slug: d for d in gazetteer.districts}

    def _notices(self, code: str, name: str) -> list[Notice]:
        return notices_for(code, name, self.today or today_bangkok())

    def page(self, path: str, query: dict[str, list[str]]) -> Page | None:
        parts = [p for p in path.split("/") if p]
        if not parts or parts[0] not in self.by_slug:
            return None
        district = self.by_slug[parts[0]]
        notices = self._notices(district.code, district.name_th)
        card = district.code in CARD_LAYOUT
        if parts[1:] == ["news"]:
            page_no = int((query.get("page") or ["1"])[0])
            pages = max(1, -(-len(notices) // PAGE_SIZE))
            if not 1 <= page_no <= pages:
                return None
            chunk = notices[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE]
            body = (_card_list if card else _table_list)(district, chunk, page_no, pages)
        elif len(parts) == 3 and parts[1] == "news":
            notice = next((n for n in notices if n.notice_id == parts[2]), None)
            if notice is None:
                return None
            body = (_card_detail if card else _table_detail)(district, notice)
        else:
            return None
        return _encode(district.code, body)


def _encode(code: str, body: str) -> Page:
    mode = TIS620_PORTALS.get(code)
    if mode is None:
        return Page(body.replace("{charset}", "utf-8").encode("utf-8"), "text/html; charset=utf-8")
    data = body.replace("{charset}", "tis-620").encode("cp874")
    return Page(data, "text/html; charset=tis-620" if mode == "header" else "text/html")


def _head(title: str) -> str:
    return (f"<!DOCTYPE html><html lang='th'><head><meta charset='{{charset}}'><title>{html.escape(title)}</title>"
            "<script src='/static/analytics.js'></script></head><body>")


def _table_list(district, chunk: list[Notice], page_no: int, pages: int) -> str:
    rows = "".join(
        f"<tr><td class='date'>{format_thai_date(n.posted, 0)}</td>"
        f"<td class='title'><a href='/{district.portal_slug}/news/{n.notice_id}'>{html.escape(n.title)}</a></td></tr>"
        for n in chunk)
    pager = "".join(f"<li class='{'active' if p == page_no else ''}'><a href='/{district.portal_slug}/news?page={p}'>{p}</a></li>"
                    for p in range(1, pages + 1))
    nxt = f"<li><a class='next' href='/{district.portal_slug}/news?page={page_no + 1}'>ถัดไป</a></li>" if page_no < pages else ""
    return (_head(f"ข่าวประชาสัมพันธ์ สำนักงานเขต{district.name_th}") +
            f"<div id='main'><h2>ข่าวประชาสัมพันธ์ สำนักงานเขต{district.name_th}</h2>"
            f"<table class='news-list'><thead><tr><th>วันที่</th><th>เรื่อง</th></tr></thead><tbody>{rows}</tbody></table>"
            f"<ul class='pagination'>{pager}{nxt}</ul></div></body></html>")


def _table_detail(district, n: Notice) -> str:
    return (_head(n.title) +
            f"<div class='news-detail'><h1>{html.escape(n.title)}</h1>"
            f"<div class='posted'>โพสต์เมื่อ {format_thai_date(n.posted, 0)}</div>"
            f"<div class='content'><p>{html.escape(n.body)}</p><p><strong>กำหนดการ:</strong> {when_text(n)}</p>"
            f"<p>สอบถามเพิ่มเติม โทร {district.office_phone}</p>"
            # Scraped HTML is untrusted: this payload must never reach a published file.
            f"<p><a href=\"javascript:alert('x')\" onclick=\"steal()\">รายละเอียด</a></p>"
            f"<script>document.write('injected')</script></div></div></body></html>")


def _card_list(district, chunk: list[Notice], page_no: int, pages: int) -> str:
    cards = "".join(
        f"<div class='item-card'><a class='title' href='/{district.portal_slug}/news/{n.notice_id}'>{html.escape(n.title)}</a>"
        f"<span class='meta'>ประกาศ {format_thai_date(n.posted, 1)}</span></div>" for n in chunk)
    nxt = f"<a rel='next' href='/{district.portal_slug}/news?page={page_no + 1}'>หน้าถัดไป &raquo;</a>" if page_no < pages else ""
    return (_head(f"สำนักงานเขต{district.name_th}") +
            f"<section class='news'><h3>ข่าวสารเขต{district.name_th}</h3>{cards}<nav class='pager'>{nxt}</nav></section>"
            "</body></html>")


def _card_detail(district, n: Notice) -> str:
    return (_head(n.title) +
            f"<article><header><h2>{html.escape(n.title)}</h2><time>{format_thai_date(n.posted, 1)}</time></header>"
            f"<section class='body'>{html.escape(n.body)}<br>วันเวลา: {when_text(n)}"
            f"<img src='x' onerror='alert(1)'></section></article></body></html>")
