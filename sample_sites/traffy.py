"""Sample Traffy Fondue public API: the share search API and the CSV dump (PARTNER_FORMATS.md §2).

* `GET /share/teamchadchart/search?limit=&offset=` answers `{status, total, results: [...]}`,
  newest first, `limit` 100 by default and at most 1000; each ticket has `ticket_id, description,
  coords: ["lng", "lat"]` (strings), `photo_url, address, timestamp, state, problem_type_abdul: [...]`
  and `org: [...]` only once agencies are assigned.
* `GET /dump-csv-chadchart/bangkok_traffy.csv` serves the same tickets as the open-data dump:
  UTF-8 BOM, `{a,b}` type arrays (`{}` for none), comma-joined organisations, `"lon,lat"` coords,
  quoted fields with embedded newlines, `+00` timestamps with 0-6 fractional digits, and the
  province written `กรุงเทพมหานคร` or `จังหวัดกรุงเทพมหานคร`.

About 1,200 tickets over the ten days before `today` (06:00 Bangkok), all fixed by `today`, so every
request returns the same bytes. Quirks kept on purpose: legacy 6-character ids of 1555 call-centre
tickets (text ending in `#1555`, the stock 1555 photo), the stock photo on many other tickets,
coordinates outside Bangkok, an address whose แขวง disagrees with the subdistrict column, phone
numbers and names in citizen text (kept by the parser, scrubbed downstream), an XSS payload in a
few texts, an anonymous report without ticket id and one ticket with coords "n/a" (both quarantined).
"""
from __future__ import annotations

import csv
import hashlib
import json
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from functools import cached_property
from pathlib import Path

from hub.gazetteer import Gazetteer
from sample_sites.server import Page
from sample_sites.thai_calendar import BANGKOK

SEARCH_PATH = "/share/teamchadchart/search"
DUMP_PATH = "/dump-csv-chadchart/bangkok_traffy.csv"
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
TICKETS = 1200
DAYS = 10
POINTS_CSV = Path(__file__).resolve().parent.parent / "reference" / "gazetteer" / "district_points.csv"
BUCKET = "https://storage.googleapis.com/traffy_public_bucket"
STOCK_PHOTO = f"{BUCKET}/attachment/2022-12/da2125e781282589d482070c3dba1726aa16a4a7.jpg"
CORRUPTION_PHOTO = f"{BUCKET}/TeamChadChart/corruption_photo2.png"
ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
DUMP_COLUMNS = ["ticket_id", "type", "organization", "comment", "coords", "photo", "photo_after", "address",
                "subdistrict", "district", "province", "timestamp", "state", "star", "count_reopen",
                "last_activity"]

ROADS = ["ถนนพหลโยธิน", "ถนนรามคำแหง", "ถนนสุขุมวิท", "ถนนเพชรเกษม", "ถนนลาดพร้าว", "ถนนนวมินทร์", "ถนนเอกชัย",
         "ถนนจรัญสนิทวงศ์", "ถนนประชาชื่น", "ถนนพระราม 4", "ถนนรามอินทรา", "ถนนศรีนครินทร์", "ถนนพัฒนาการ",
         "ถนนประชาอุทิศ", "ถนนสาทรใต้", "ถนนเจริญกรุง", "ถนนวิภาวดีรังสิต", "ถนนบางนา-ตราด"]
LANDMARKS = ["ตลาดสด", "โรงเรียน", "ป้ายรถเมล์", "ร้านสะดวกซื้อ", "วัด", "ปากซอย", "สถานีรถไฟฟ้า", "คอนโด",
             "หมู่บ้าน", "สวนสาธารณะ", "โรงพยาบาล", "ปั๊มน้ำมัน"]
# (weight, templates); {place}, {road}, {soi} are filled in per ticket.
COMPLAINTS: dict[str, tuple[int, list[str]]] = {
    "ถนน": (16, ["ถนนเป็นหลุมเป็นบ่อ บริเวณ{place} รถจักรยานยนต์เกือบล้มหลายคันแล้วครับ",
                "ผิวถนนทรุดตัวเป็นแอ่ง {soi} ฝนตกทีไรน้ำขังลึก",
                "ฝาท่อบนถนนยุบต่ำกว่าผิวถนน {place} อันตรายมากตอนกลางคืน"]),
    "ทางเท้า": (12, ["ทางเท้าชำรุด กระเบื้องแตกหลายแผ่น {place} คนแก่เดินสะดุดล้ม",
                     "มีรถจักรยานยนต์ขี่บนทางเท้า{road} ช่วงเย็นทุกวัน ช่วยกวดขันด้วยค่ะ"]),
    "น้ำท่วม": (9, ["น้ำท่วมขังสูงประมาณ 20 ซม. ที่{place} ระบายไม่ทันตั้งแต่เมื่อคืน",
                   "ฝนตกทีไรน้ำท่วม{soi} ทุกครั้ง รถเล็กผ่านไม่ได้\nขอให้ลอกท่อด้วยครับ"]),
    "ความสะอาด": (10, ["ขยะล้นถังไม่มีรถมาเก็บ 3 วันแล้ว {place} ส่งกลิ่นเหม็นมาก",
                      "มีคนลักลอบทิ้งขยะ ที่ดินว่าง{soi} หนูและแมลงสาบเยอะมาก"]),
    "กีดขวาง": (7, ["รถยนต์จอดกีดขวางทางเข้าออก{soi} ทั้งวัน",
                    "ร้านค้าวางของล้ำทางเท้า{road} คนเดินต้องลงไปเดินบนถนน"]),
    "เสียงรบกวน": (5, ["เสียงดังจากร้านอาหารกึ่งผับ {place} ถึงตี 2 ทุกคืน นอนไม่ได้",
                       "ไซต์ก่อสร้างตอกเสาเข็มตอนกลางคืน {place} เสียงดังมาก"]),
    "ต้นไม้": (5, ["กิ่งไม้ใหญ่หักพาดสายไฟ {place} กลัวจะหล่นใส่รถ",
                   "ต้นไม้บังป้ายจราจรและไฟส่องสว่าง{road} ขอให้ตัดแต่งกิ่ง"]),
    "ท่อระบายน้ำ": (7, ["ท่อระบายน้ำอุดตัน น้ำเน่าเหม็น {soi}",
                        "ฝาท่อระบายน้ำหาย เป็นหลุมลึก {place} อันตรายมาก"]),
    "ไฟฟ้า": (4, ["ไฟฟ้าดับทั้งซอย {soi} ตั้งแต่ 2 ทุ่ม", "เสาไฟฟ้าเอียง สายไฟห้อยต่ำ {place}"]),
    "จราจร": (6, ["สัญญาณไฟจราจรแยก{road}เสีย รถติดยาว", "รถติดหนักช่วงเช้า {place} ขอเจ้าหน้าที่มาอำนวยการจราจร"]),
    "แสงสว่าง": (5, ["ไฟทางดับทั้งแนว{road} มืดมาก เปลี่ยวอันตราย",
                     "ไฟส่องสว่างในซอยเสีย {soi} ผู้หญิงเดินกลับบ้านไม่กล้า"]),
    "สายไฟ": (4, ["สายไฟสายสื่อสารระโยงระยาง ห้อยต่ำ{soi} รถสูงเกี่ยวขาด"]),
    "คลอง": (3, ["ผักตบชวาเต็มคลอง {place} น้ำไม่ไหล ยุงเยอะ"]),
    "ความปลอดภัย": (4, ["ซอยเปลี่ยวไม่มีไฟ มีคนมามั่วสุมตอนกลางคืน {soi}"]),
    "สัตว์จรจัด": (3, ["สุนัขจรจัดหลายตัวไล่กัดคนเดินผ่าน {place}"]),
}
PII_SNIPPETS = ["ติดต่อกลับ 081-234-5678", "แจ้งโดย นายสมชาย ใจดี โทร 089-765-4321",
                "ผู้แจ้ง นางสาวสมหญิง รักเมือง 062 555 0199", "ติดต่อ นาย วิชัย มั่นคง 0812345678"]
XSS_SNIPPETS = ["<script>alert('xss')</script>", '<img src=x onerror="alert(1)">',
                '<a href="javascript:alert(document.cookie)">ดูรูปเพิ่มเติม</a>']
AGENCIES = {
    "น้ำท่วม": "สำนักการระบายน้ำ กรุงเทพมหานคร (สนน.)",
    "ท่อระบายน้ำ": "สำนักการระบายน้ำ กรุงเทพมหานคร (สนน.)",
    "ไฟฟ้า": "การไฟฟ้านครหลวง MEA",
    "สายไฟ": "การไฟฟ้านครหลวง MEA",
    "จราจร": "สำนักการจราจรและขนส่ง กรุงเทพมหานคร (สจส.)",
    "กีดขวาง": "สำนักงานตำรวจแห่งชาติ (Royal Thai Police)",
    "ถนน": "การประปานครหลวง กปน. (Metropolitan Waterworks Authority - MWA)",
}
# (province, amphoe, tambon, postcode, lat, lon): complaints filed just outside Bangkok.
OUTSIDE = [("นนทบุรี", "เมืองนนทบุรี", "บางกระสอ", "11000", 13.8620, 100.5130),
           ("สมุทรปราการ", "บางพลี", "บางแก้ว", "10540", 13.6490, 100.6856),
           ("ปทุมธานี", "คลองหลวง", "คลองหนึ่ง", "12120", 14.0790, 100.6200),
           ("พะเยา", "เมืองพะเยา", "แม่กา", "56000", 19.0451, 99.9340)]
# Thai state, normalised state, weight for tickets older than a day.
STATES = [("รอรับเรื่อง", "waiting", 35), ("กำลังดำเนินการ", "in_progress", 33), ("เสร็จสิ้น", "finished", 20),
          ("ส่งต่อ(ใหม่)", "forwarded", 6), ("ไม่เกี่ยวข้อง", "irrelevant", 3), ("ติดตาม(ใหม่)", "other", 3)]


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    types: tuple[str, ...]
    orgs: tuple[str, ...]
    description: str
    lat: float
    lon: float
    coords_text: str | None       # set when the partner wrote unusable coords ("n/a")
    address: str
    subdistrict: str              # the dump's column (may disagree with the address)
    district: str
    province_written: str         # the dump's column, with or without จังหวัด
    province: str                 # normalised
    reported_at: datetime         # aware, UTC
    last_activity: datetime
    state_th: str
    state: str
    photo: str
    photo_after: str
    star: str
    count_reopen: int
    in_bangkok: bool
    is_call_centre: bool
    has_pii: bool
    has_xss: bool
    quarantine_reason: str | None  # why the parser must quarantine it, or None

    @property
    def stock_photo(self) -> bool:
        return self.photo in (STOCK_PHOTO, CORRUPTION_PHOTO)


def pg_timestamp(moment: datetime) -> str:
    """Postgres timestamptz text in UTC: trailing zeros of the fraction dropped, short `+00` offset."""
    moment = moment.astimezone(timezone.utc)
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    if moment.microsecond:
        text += "." + f"{moment.microsecond:06d}".rstrip("0")
    return text + "+00"


def _ticket_id(rng: random.Random, year: int | None, used: set[str]) -> str:
    while True:
        code = "".join(rng.choice(ID_ALPHABET) for _ in range(6))
        ticket_id = f"{year}-{code}" if year else code
        if ticket_id not in used:
            used.add(ticket_id)
            return ticket_id


def _photo(rng: random.Random, moment: datetime, salt: str) -> str:
    digest = hashlib.sha1(f"{salt}-{moment.isoformat()}".encode()).hexdigest()
    return f"{BUCKET}/attachment/{moment:%Y-%m}/{digest}.jpg"


def build_tickets(today: date, gazetteer: Gazetteer) -> list[Ticket]:
    """The site's tickets, newest first; a pure function of `today`."""
    rng = random.Random(f"traffy-{today.isoformat()}")
    with open(POINTS_CSV, encoding="utf-8") as fh:
        points = {row["code"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(fh)}
    subdistricts: dict[str, list] = {}
    for s in gazetteer.subdistricts:
        subdistricts.setdefault(s.district_code, []).append(s)
    anchor = datetime.combine(today, time(6, 0), BANGKOK).astimezone(timezone.utc)
    types = list(COMPLAINTS)
    weights = [COMPLAINTS[t][0] for t in types]
    used: set[str] = set()
    out: list[Ticket] = []
    for i in range(TICKETS):
        reported = anchor - timedelta(seconds=rng.uniform(0, DAYS * 86400))
        micro = rng.randrange(1_000_000)
        if i % 17 == 0:
            micro = 0                                  # no fraction at all
        elif i % 13 == 0:
            micro = rng.randrange(1, 10) * 100_000     # one digit
        elif i % 9 == 0:
            micro = rng.randrange(1, 1000) * 1000      # milliseconds
        reported = reported.replace(microsecond=micro)
        age_days = (anchor - reported).total_seconds() / 86400
        legacy = i % 40 == 7
        primary = rng.choices(types, weights)[0]
        chosen = [] if (i % 15 == 4 and not legacy) else [primary]
        if chosen and rng.random() < 0.25:
            other = rng.choice(types)
            if other not in chosen:
                chosen.append(other)
        template = rng.choice(COMPLAINTS[primary][1])
        road = rng.choice(ROADS)
        soi = f"{road.removeprefix('ถนน')} ซอย {rng.randint(1, 120)}"
        place = rng.choice([f"{road} ใกล้{rng.choice(LANDMARKS)}", f"หน้า{rng.choice(LANDMARKS)} {soi}", soi])
        text = template.format(place=place, road=road, soi=soi)

        outside = i % 50 == 11
        if outside:
            province, amphoe, tambon, postcode, base_lat, base_lon = OUTSIDE[(i // 50) % len(OUTSIDE)]
            lat, lon = base_lat + rng.gauss(0, 0.01), base_lon + rng.gauss(0, 0.01)
            subdistrict, district = tambon, amphoe
            province_written = f"จังหวัด{province}" if i % 100 == 11 else province
            address = (f"{rng.randint(1, 300)}/{rng.randint(1, 50)} ตำบล{tambon} อำเภอ{amphoe} {province} "
                       f"{postcode} ประเทศไทย")
            district_name = amphoe
        else:
            dist = gazetteer.districts[rng.randrange(len(gazetteer.districts))]
            base_lat, base_lon = points[dist.code]
            lat, lon = base_lat + rng.gauss(0, 0.006), base_lon + rng.gauss(0, 0.006)
            sub = rng.choice(subdistricts[dist.code])
            subdistrict, district, province = sub.name_th, dist.name_th, "กรุงเทพมหานคร"
            province_written = "จังหวัดกรุงเทพมหานคร" if rng.random() < 0.15 else province
            address_sub = sub.name_th
            if i % 33 == 5 and len(subdistricts[dist.code]) > 1:   # the address names another khwaeng
                address_sub = next(s.name_th for s in subdistricts[dist.code] if s.name_th != sub.name_th)
            space = " " if i % 2 else ""
            address = (f"{rng.randint(1, 999)} {road} แขวง{space}{address_sub} เขต{space}{dist.name_th} "
                       f"กรุงเทพมหานคร {sub.postal_code} ประเทศไทย")
            district_name = dist.name_th
        lat, lon = round(lat, 5), round(lon, 5)

        has_pii = i % 23 == 3
        has_xss = i in (101, 302, 503)
        if legacy:
            text = f"เรื่อง: {text}\nแขวง {subdistrict}\nเขต {district}\n#1555"
        if has_pii:
            text += " " + PII_SNIPPETS[(i // 23) % len(PII_SNIPPETS)]
        if has_xss:
            text += " " + XSS_SNIPPETS[[101, 302, 503].index(i)]
        if i % 11 == 2:
            text += " 🙏"

        if age_days < 1:
            state_th, state = rng.choices([("รอรับเรื่อง", "waiting"), ("กำลังดำเนินการ", "in_progress"),
                                           ("ส่งต่อ(ใหม่)", "forwarded")], [70, 25, 5])[0]
        else:
            state_th, state, _ = rng.choices(STATES, [w for *_, w in STATES])[0]
        if state == "waiting":
            last_activity = reported - timedelta(microseconds=rng.randrange(2000, 15000))
        else:
            last_activity = min(anchor, reported + timedelta(minutes=rng.uniform(10, 3 * 1440)))

        orgs: list[str] = []
        if not (state == "waiting" and rng.random() < 0.1):
            orgs.append(f"เขต{district_name}" if not outside else f"อบต.{subdistrict}")
            for t in chosen:
                if t in AGENCIES and AGENCIES[t] not in orgs and rng.random() < 0.5:
                    orgs.append(AGENCIES[t])

        stock = legacy or rng.random() < 0.35
        photo = STOCK_PHOTO if stock else _photo(rng, reported, f"b{i}")
        finished = state == "finished"
        out.append(Ticket(
            ticket_id=_ticket_id(rng, None if legacy else reported.year, used), types=tuple(chosen),
            orgs=tuple(orgs), description=text, lat=lat, lon=lon, coords_text=None, address=address,
            subdistrict=subdistrict, district=district, province_written=province_written, province=province,
            reported_at=reported, last_activity=last_activity, state_th=state_th, state=state, photo=photo,
            photo_after=_photo(rng, last_activity, f"a{i}") if finished else "",
            star=str(rng.randint(1, 5)) if finished and rng.random() < 0.3 else "",
            count_reopen=1 if i % 97 == 13 else 0, in_bangkok=not outside, is_call_centre=legacy,
            has_pii=has_pii, has_xss=has_xss, quarantine_reason=None))

    # Two records the parser must set aside: coords the partner could not fill, and an anonymous
    # กรุงเทพโปร่งใส report without a ticket id (as in the real dump).
    out[400] = replace(out[400], coords_text="n/a", quarantine_reason="coords")
    out[600] = replace(out[600], ticket_id="", types=("ความสะอาด", "ทางเท้า"), orgs=("กรุงเทพโปร่งใส",),
                       description="", address="", photo=CORRUPTION_PHOTO, quarantine_reason="ticket_id")
    out.sort(key=lambda t: t.reported_at, reverse=True)
    return out


def _csv_field(value: object, force: bool = False) -> str:
    text = "" if value is None else str(value)
    if force or any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


class TraffyShare:
    """The Traffy Fondue public API host (share search API + CSV dump)."""

    name = "traffy"

    def __init__(self, today: date, gazetteer: Gazetteer | None = None):
        self.today = today
        self.tickets = build_tickets(today, gazetteer or Gazetteer.load())

    # --- what the tests expect ---------------------------------------------------------------
    def expected_tickets(self) -> list[Ticket]:
        """Tickets the parser must load, newest first."""
        return [t for t in self.tickets if t.quarantine_reason is None]

    def expected_ticket_ids(self) -> set[str]:
        return {t.ticket_id for t in self.expected_tickets()}

    def expected_quarantined(self) -> list[tuple[str, str]]:
        """(ticket_id as written, the word the quarantine reason must contain)."""
        return [(t.ticket_id, t.quarantine_reason) for t in self.tickets if t.quarantine_reason]

    def expected_newest(self) -> datetime:
        return max(t.reported_at for t in self.expected_tickets())

    def expected_total(self) -> int:
        return len(self.tickets)

    # --- the interfaces ------------------------------------------------------------------------
    def page(self, path: str, query: dict[str, list[str]]) -> Page | None:
        if path == SEARCH_PATH:
            return self._search(query)
        if path == DUMP_PATH:
            return Page(self.dump_csv(), "text/csv; charset=utf-8")
        return None

    def _search(self, query: dict[str, list[str]]) -> Page:
        try:
            limit = int((query.get("limit") or [DEFAULT_LIMIT])[0])
            offset = int((query.get("offset") or [0])[0])
        except ValueError:
            body = json.dumps({"status": "error", "message": "limit and offset must be integers"})
            return Page(body.encode(), "application/json", status=400)
        limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
        results = [self._api_record(t) for t in self.tickets[offset:offset + limit]]
        body = json.dumps({"status": "success", "total": len(self.tickets), "results": results},
                          ensure_ascii=False)
        return Page(body.encode("utf-8"), "application/json; charset=utf-8")

    @staticmethod
    def _api_record(t: Ticket) -> dict:
        record = {
            "ticket_id": t.ticket_id,
            "description": t.description,
            "coords": [t.coords_text, t.coords_text] if t.coords_text else [f"{t.lon:.5f}", f"{t.lat:.5f}"],
            "photo_url": t.photo,
            "address": t.address,
            "timestamp": pg_timestamp(t.reported_at),
            "state": t.state_th,
            "problem_type_abdul": list(t.types),
        }
        if t.orgs:
            record["org"] = list(t.orgs)
        return record

    @cached_property
    def _dump(self) -> bytes:
        lines = [",".join(DUMP_COLUMNS)]
        for t in self.tickets:
            cells = [
                _csv_field(t.ticket_id), _csv_field("{" + ",".join(t.types) + "}"), _csv_field(",".join(t.orgs)),
                _csv_field(t.description), _csv_field(t.coords_text or f"{t.lon:.5f},{t.lat:.5f}", True),
                _csv_field(t.photo), _csv_field(t.photo_after), _csv_field(t.address, bool(t.address)),
                _csv_field(t.subdistrict), _csv_field(t.district), _csv_field(t.province_written),
                _csv_field(pg_timestamp(t.reported_at), True), _csv_field(t.state_th), _csv_field(t.star),
                _csv_field(t.count_reopen), _csv_field(pg_timestamp(t.last_activity), True),
            ]
            lines.append(",".join(cells))
        return "\ufeff".encode() + ("\n".join(lines) + "\n").encode("utf-8")

    def dump_csv(self) -> bytes:
        """The open-data dump of the same tickets (UTF-8 BOM, Postgres-style arrays and timestamps)."""
        return self._dump
