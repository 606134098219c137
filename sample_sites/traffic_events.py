"""Sample Longdo Traffic / iTIC events feed (`GET /feed/json`), as in PARTNER_FORMATS.md §5.

A flat JSON array covering the whole country: `eid, title, title_en, description, description_en,
latitude, longitude` (strings), `type`, `icon`, `start`, `stop` (naive Bangkok local time), `contributor`,
`images[]`. Quirks kept on purpose: events outside Bangkok, `stop` years ahead, a "0000-00-00 00:00:00"
stop, empty or null `title_en`, `\\r\\n` inside descriptions, `eid` sometimes a string, an XSS payload in
a user report, an unknown type code whose `icon` says "roadclosed", and one malformed record (`stop`
before `start`). Type codes other than "6" (flood) and "3" (accident) are unverified (see
scrapers/traffic_events.py). Dates are relative to `today`; the body is a pure function of it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sample_sites.server import Page
from sample_sites.thai_calendar import BANGKOK, today_bangkok

FEED_PATH = "/feed/json"
XSS = ('รถติดมาก <script>alert("itic")</script><img src=x onerror="alert(1)">\r\n'
       '<a href="javascript:alert(2)">ดูภาพ</a> ระวังด้วยครับ')

# type code, icon, expected kind
ACCIDENT = ("3", "accident", "accident")
FLOOD = ("6", "flood", "flood")
CONSTRUCTION = ("2", "construction", "construction")
CLOSURE = ("4", "roadclosed", "closure")
BREAKDOWN = ("1", "breakdown", "other")
RAIN = ("5", "rain", "other")
CAUTION = ("12", "caution", "other")
UNKNOWN_CLOSED = ("99", "roadclosed", "closure")    # unknown code: the icon decides

_DOH = "DOH Admin"
_USER = "itic_user"

# eid, kind, title, title_en, description, lat, lon, start (day offset, "HH:MM"), hours (None = no stop), contributor
_BANGKOK = [
    (900101, ACCIDENT, "อุบัติเหตุ ถนนวิภาวดีรังสิต ขาเข้า หน้าอาคารชินวัตร", "Accident on Vibhavadi Rangsit Rd (inbound)",
     "รถยนต์ชนท้าย 3 คัน ใช้ได้ 1 ช่องทาง\r\nรายงานโดย JS100", 13.8112, 100.5604, (0, "07:42"), 2, "itic.js100"),
    (900102, ACCIDENT, "อุบัติเหตุ ทางพิเศษศรีรัช ก่อนถึงด่านพระราม 9", "Accident on Si Rat Expressway before Rama 9",
     "รถจักรยานยนต์ล้ม ช่องทางขวา", 13.7525, 100.5699, (0, "08:15"), 1, "itic.expressway"),
    (900103, ACCIDENT, "อุบัติเหตุ ถนนบางนา-ตราด กม.1 ขาออก", "",
     "รถกระบะเสียหลักชนแบริเออร์\r\n\r\nการจราจรติดขัดสะสม", 13.6683, 100.6260, (0, "06:30"), 3, _USER),
    ("900104", ACCIDENT, "อุบัติเหตุ ถนนรามอินทรา กม.6", "Accident on Ram Inthra Rd km 6",
     "รถเมล์ชนรถเก๋ง ไม่มีผู้บาดเจ็บ", 13.8727, 100.6455, (-1, "18:05"), 4, "itic.fm91"),
    (900105, ACCIDENT, "อุบัติเหตุ ถนนพระราม 2 ขาออก ก่อนถึงถนนวุฒากาศ", "",
     XSS, 13.6790, 100.4610, (0, "09:10"), 2, _USER),
    (900106, ACCIDENT, "อุบัติเหตุ แยกบางแค ถนนเพชรเกษม", "Accident at Bang Khae junction",
     "รถบรรทุกพลิกคว่ำ ปิด 2 ช่องทาง", 13.7115, 100.4077, (0, "05:55"), 5, "itic.fm91"),
    (900107, ACCIDENT, "อุบัติเหตุ สะพานพระปิ่นเกล้า ขาเข้า", None,
     "รถชนกันเล็กน้อยบนสะพาน", 13.7630, 100.4900, (0, "10:20"), 1, _USER),
    (900108, ACCIDENT, "อุบัติเหตุ ถนนลาดพร้าว แยกโชคชัย 4", "Accident at Chok Chai 4 junction",
     "รถจักรยานยนต์ชนรถยนต์", 13.7970, 100.5930, (0, "11:00"), 2, "itic.js100"),
    (900109, ACCIDENT, "อุบัติเหตุ ถนนสุขุมวิท แยกอโศก", "Accident at Asok junction",
     "รถแท็กซี่ชนท้ายรถเก๋ง\r\nเจ้าหน้าที่ตำรวจอยู่ในที่เกิดเหตุ", 13.7372, 100.5603, (0, "12:40"), 1, "itic.fm91"),
    (900201, FLOOD, "น้ำท่วม ลาดกระบัง 30/1 (ซอยรามา)", "",
     "ลาดกระบัง 30/1 แขวงลาดกระบัง เขตลาดกระบัง กรุงเทพมหานคร\r\nมีน้ำท่วมขัง ความสูงโดยประมาณ 20-30 cm",
     13.7217, 100.7376, (0, "06:16"), 1, _USER),
    (900202, FLOOD, "น้ำท่วม ถนนสุขุมวิท 71", "Flooding on Sukhumvit 71",
     "น้ำท่วมผิวจราจร รถเล็กผ่านลำบาก", 13.7240, 100.6010, (0, "05:40"), 6, "itic.fm91"),
    (900203, FLOOD, "น้ำท่วม ถนนพหลโยธิน หน้าเซ็นทรัลลาดพร้าว", "Flooding on Phahon Yothin Rd at Central Ladprao",
     "น้ำท่วมขังช่องทางซ้าย\r\nสาเหตุ: ฝนตกหนัก", 13.8160, 100.5610, (0, "04:50"), 8, _DOH),
    (900204, FLOOD, "น้ำท่วม แขวงคลองถนน", "",
     "แขวงคลองถนน เขตสายไหม กรุงเทพมหานคร\r\nน้ำท่วมขังมาสามวันแล้ว รายงานโดย Osh",
     13.9180, 100.6640, (-3, "17:10"), 24 * 365 * 3, _USER),          # stop three years ahead: real
    (900205, FLOOD, "น้ำท่วม ถนนรามคำแหง หน้ามหาวิทยาลัย", "Flooding on Ramkhamhaeng Rd",
     "น้ำท่วมสูงประมาณ 15 ซม.", 13.7600, 100.6400, (0, "03:30"), 10, "itic.ramkhamhaeng"),
    # The same flood as the flood site's always-flooding sensor FL.BKP06.09, reported by a driver.
    (900211, FLOOD, "น้ำท่วมขัง ถ.รามคำแหง หน้าห้างเดอะมอลล์บางกะปิ", "Flooding on Ramkhamhaeng Rd at The Mall Bangkapi",
     "น้ำท่วมขังผิวจราจร ช่องทางซ้ายผ่านไม่ได้", 13.7670, 100.6430, (-1, "23:00"), 26, "itic.ramkhamhaeng"),
    (900206, FLOOD, "น้ำท่วม ซอยอ่อนนุช 17", "",
     "น้ำท่วมขังในซอย\r\n", 13.7050, 100.6000, (-1, "21:00"), 20, _USER),
    (900301, CONSTRUCTION, "ก่อสร้างรถไฟฟ้าสายสีม่วงใต้ ถนนสามเสน", "MRT Purple Line construction on Samsen Rd",
     "ปิดช่องทางจราจร 1 ช่องทาง ตลอด 24 ชั่วโมง", 13.7800, 100.5110, (-200, "00:00"), 24 * 900, _DOH),
    (900302, CONSTRUCTION, "ซ่อมผิวจราจร ถนนพระราม 4", "Road resurfacing on Rama 4 Rd",
     "ปิดช่องทางซ้าย เวลา 22.00 - 05.00 น.", 13.7250, 100.5500, (0, "22:00"), 7, _DOH),
    (900303, CONSTRUCTION, "ก่อสร้างสะพานข้ามแยก ถนนศรีนครินทร์", "",
     "งานก่อสร้างสะพานข้ามแยก\r\nโปรดใช้เส้นทางเลี่ยง", 13.7000, 100.6460, (-30, "08:00"), 24 * 120, "itic.bma"),
    (900304, CONSTRUCTION, "ก่อสร้างอุโมงค์ระบายน้ำ ถนนพระราม 9", "Drainage tunnel works on Rama 9 Rd",
     "งานวางท่อระบายน้ำ ปิด 1 ช่องทาง", 13.7570, 100.6150, (-10, "09:00"), 24 * 60, "itic.bma"),
    (900305, CONSTRUCTION, "ซ่อมท่อประปา ถนนเจริญกรุง", "",
     "การประปานครหลวงซ่อมท่อ ปิดช่องทางขวา", 13.7220, 100.5130, (1, "22:00"), 6, _USER),
    (900306, CONSTRUCTION, "ขยายถนนกาญจนาภิเษก ช่วงบางแวก", "Widening of Kanchanaphisek Rd at Bang Waek",
     "งานขยายผิวจราจร", 13.7570, 100.3800, (-60, "00:00"), 24 * 400, _DOH),
    (900401, CLOSURE, "ปิดการจราจร ถนนราชดำเนินกลาง", "Ratchadamnoen Klang Rd closed",
     "ปิดการจราจรชั่วคราวเพื่อจัดงานพิธี\r\nเวลา 15.00 - 22.00 น.", 13.7566, 100.5018, (2, "15:00"), 7, "itic.bma"),
    (900402, CLOSURE, "ปิดสะพานข้ามแยกเกษตร ขาเข้า", "",
     "ปิดซ่อมบำรุงรอยต่อสะพาน", 13.8030, 100.5530, (0, "23:00"), 6, _DOH),
    (900403, CLOSURE, "ปิดถนนสีลม ถนนคนเดิน", "Silom Rd closed for the walking street",
     "ปิดถนนทุกวันอาทิตย์ เวลา 15.00 - 22.00 น.", 13.7280, 100.5330, (4, "15:00"), 7, "itic.bma"),
    (900404, UNKNOWN_CLOSED, "ปิดจุดกลับรถ ถนนนวมินทร์", "",
     "ปิดจุดกลับรถใต้สะพานชั่วคราว", 13.8100, 100.6600, (0, "10:00"), 48, _USER),
    (900501, BREAKDOWN, "รถเสีย ทางพิเศษเฉลิมมหานคร", "Broken-down vehicle on the Chaloem Maha Nakhon Expressway",
     "รถบรรทุกเสียช่องทางซ้าย", 13.7100, 100.5450, (0, "13:20"), None, "itic.expressway"),
    (900502, RAIN, "ฝนตกหนัก เขตบางกะปิ", "",
     "ฝนตกหนัก ทัศนวิสัยต่ำ ขับขี่ด้วยความระมัดระวัง", 13.7650, 100.6470, (0, "14:00"), 2, _USER),
    (900503, CAUTION, "ระวัง ต้นไม้ล้มขวางถนน ถนนวิทยุ", "Fallen tree on Witthayu Rd",
     "ต้นไม้ล้มขวาง 1 ช่องทาง", 13.7450, 100.5470, (0, "15:30"), 3, "itic.bma"),
    (900504, BREAKDOWN, "รถเสีย สะพานพระราม 8", "",
     "รถเก๋งเสียบนสะพาน", 13.7700, 100.4970, (0, "16:10"), 1, _USER),
]
# Malformed: stop before start.
_MALFORMED = (900999, ACCIDENT, "อุบัติเหตุ ถนนแจ้งวัฒนะ", "", "รถชนกัน", 13.8850, 100.5650, (0, "09:00"), -2, _USER)
_ELSEWHERE = [
    (910001, ACCIDENT, "อุบัติเหตุ ถนนสุขุมวิท ชลบุรี", "Accident on Sukhumvit Rd, Chon Buri", "", 13.3611, 100.9847),
    (910002, FLOOD, "น้ำท่วม ถนนโรจนะ อยุธยา", "", "น้ำท่วมผิวจราจร", 14.3532, 100.5689),
    (910003, CONSTRUCTION, "ก่อสร้างถนน เชียงใหม่", "", "งานก่อสร้าง", 18.7883, 98.9853),
    (910004, ACCIDENT, "อุบัติเหตุ ถนนมิตรภาพ ขอนแก่น", "Accident on Mittraphap Rd, Khon Kaen", "", 16.4419, 102.8360),
    (910005, FLOOD, "น้ำท่วม ภูเก็ต", "", "ฝนตกหนักน้ำท่วม", 7.8804, 98.3923),
    (910006, ACCIDENT, "อุบัติเหตุ ถนนเพชรเกษม นครปฐม", "", "", 13.8196, 100.0645),
    (910007, FLOOD, "น้ำท่วมทางหลวง 35 สมุทรสาคร", "", "น้ำท่วมผิวทาง", 13.5475, 100.2744),
    (910008, CLOSURE, "ปิดถนน ระยอง", "", "ปิดการจราจร", 12.6814, 101.2816),
    (910009, ACCIDENT, "อุบัติเหตุ หาดใหญ่", "", "", 7.0086, 100.4747),
    (910010, RAIN, "ฝนตกหนัก นครราชสีมา", "", "", 14.9799, 102.0978),
]


@dataclass(frozen=True)
class SampleEvent:
    eid: str
    kind: str
    title: str
    title_en: str | None
    description: str
    lat: float
    lon: float
    starts_at: datetime
    ends_at: datetime | None
    contributor: str
    in_bangkok: bool
    malformed: str | None = None
    raw: dict | None = None


def _stamp(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "0000-00-00 00:00:00"


def _event(row: tuple, today: date, in_bangkok: bool, malformed: str | None = None) -> SampleEvent:
    eid, (code, icon, kind), title, title_en, description, lat, lon, (day, clock), hours, contributor = row
    starts = datetime.combine(today + timedelta(days=day), time.fromisoformat(clock), BANGKOK)
    ends = starts + timedelta(hours=hours) if hours is not None else None
    images = [f"https://event.longdo.com/media/{eid}/1.jpg"] if int(eid) % 3 == 0 else []
    raw = {"eid": eid, "title": title, "title_en": title_en, "description": description,
           "description_en": "" if not title_en else f"{title_en}.", "latitude": f"{lat:.12f}",
           "longitude": f"{lon:.12f}", "type": code, "icon": icon, "start": _stamp(starts), "stop": _stamp(ends),
           "contributor": contributor, "images": images}
    return SampleEvent(str(eid), kind, title, title_en or None, description, lat, lon, starts, ends, contributor,
                       in_bangkok, malformed, raw)


def events(today: date) -> list[SampleEvent]:
    out = [_event(row, today, True) for row in _BANGKOK]
    out.append(_event(_MALFORMED, today, True, malformed="stop before start"))
    for i, (eid, kind, title, title_en, description, lat, lon) in enumerate(_ELSEWHERE):
        row = (eid, kind, title, title_en, description, lat, lon, (0, f"{6 + i:02d}:00"), 3, _DOH)
        out.append(_event(row, today, False))
    # The real feed is not sorted by place: interleave Bangkok and elsewhere deterministically.
    return sorted(out, key=lambda e: (int(e.eid) * 7919) % 1000)


class TrafficEvents:
    name = "traffic_events"

    def __init__(self, today: date | None = None):
        self.today = today or today_bangkok()
        self.events = events(self.today)

    def expected_events(self) -> list[SampleEvent]:
        """The events the parser must load: inside Bangkok and well-formed."""
        return [e for e in self.events if e.in_bangkok and not e.malformed]

    def expected_outside_count(self) -> int:
        return sum(1 for e in self.events if not e.in_bangkok)

    def expected_malformed(self) -> list[SampleEvent]:
        return [e for e in self.events if e.malformed]

    def page(self, path: str, query: dict[str, list[str]]) -> Page | None:
        if path.rstrip("/") != FEED_PATH:
            return None
        body = json.dumps([e.raw for e in self.events], ensure_ascii=False)
        return Page(body.encode("utf-8"), "application/json; charset=utf-8",
                    headers={"Access-Control-Allow-Origin": "*"})
