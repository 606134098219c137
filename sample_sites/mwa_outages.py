"""Sample MWA mobile-app API: water outages near a point (PARTNER_FORMATS.md §4 MWA).

`GET /api/mobile/no-water-running-area/latitude/{lat}/longitude/{lon}` answers a JSON array, nearest
first, of the outages with any polygon vertex within `RADIUS_KM` of the point (the real radius is
unknown). Quirks kept on purpose: coordinates as strings with varying precision, rings left open on
some polygons, a mix of date formats (naive "2026-11-26 09:00:00" on most, Thai "26/11/2569 22:00" in
Buddhist Era on some), an outage with two polygons, one without any, a cancellation notice, Thai text
with an XSS payload, and one malformed record (a non-numeric coordinate). A point that cannot be read
gets `{"message": "error"}` with status 400. Dates are relative to `today`; the content is a pure
function of it, so every request gets the same bytes.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sample_sites.server import Page
from sample_sites.thai_calendar import BANGKOK, today_bangkok

PATH = re.compile(r"^/api/mobile/no-water-running-area/latitude/([^/]+)/longitude/([^/]+)/?$")
RADIUS_KM = 6.0
XSS = ('ซ่อมท่อประปาขนาด 300 มม. <script>alert("mwa")</script><img src=x onerror="alert(1)">'
       '<a href="javascript:alert(2)">ดูแผนที่</a>')


@dataclass(frozen=True)
class SampleOutage:
    key: str
    area_name: str
    soi: str
    reason: str
    branches: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    be_dates: bool                                          # "26/11/2569 22:00" instead of ISO
    polygons: tuple[tuple[tuple[float, float], ...], ...]   # (lat, lon) vertices, ring open
    close_rings: bool
    malformed: str | None = None                             # why the parser must quarantine it

    @property
    def cancelled(self) -> bool:
        return self.reason.startswith("ยกเลิก") or self.area_name.startswith("ยกเลิก")

    @property
    def anchor(self) -> tuple[float, float]:
        return self.polygons[0][0] if self.polygons else _ANCHORS[self.key]


def _branch(name: str) -> str:
    return f"สำนักงานประปาสาขา{name}"


# key, area, soi, reason, branches, centre (lat, lon), radius km, vertices, day offset, start hour, hours, BE?
_TABLE = [
    ("ladprao101", "ถนนลาดพร้าว แขวงคลองจั่น เขตบางกะปิ", "ซอยลาดพร้าว 101 ถึงซอยลาดพร้าว 111",
     "ซ่อมท่อประปาแตกรั่ว ขนาด 400 มม.", ("ลาดพร้าว",), (13.785, 100.628), 0.8, 6, 0, 9, 8, False),
    ("phahon", "ถนนพหลโยธิน แขวงจอมพล เขตจตุจักร", "ซอยพหลโยธิน 24 ถึงซอยพหลโยธิน 32",
     "เชื่อมประสานท่อประธาน ขนาด 800 มม.", ("บางเขน", "พญาไท"), (13.815, 100.555), 1.6, 7, 1, 22, 10, False),
    ("sukhumvit101", "ถนนสุขุมวิท แขวงบางจาก เขตพระโขนง", "ซอยสุขุมวิท 101/1",
     "ยกเลิกการหยุดจ่ายน้ำ เนื่องจากเลื่อนงานวางท่อ", ("พระโขนง",), (13.693, 100.610), 0.7, 5, 2, 9, 6, False),
    ("phetkasem", "ถนนเพชรเกษม แขวงบางหว้า เขตภาษีเจริญ", "ซอยเพชรเกษม 48 ถึงซอยเพชรเกษม 62",
     "ลดแรงดันน้ำเพื่อซ่อมท่อ", ("ภาษีเจริญ",), (13.713, 100.418), 1.5, 6, -1, 22, 12, False),
    ("charan", "ถนนจรัญสนิทวงศ์ แขวงบางขุนศรี เขตบางกอกน้อย", "ซอยจรัญสนิทวงศ์ 13 ถึงซอย 35",
     "ย้ายแนวท่อประปาหลบงานก่อสร้างรถไฟฟ้า", ("ตากสิน", "ภาษีเจริญ"), (13.745, 100.473), 1.5, 8, 0, 0, 30, False),
    ("prachauthit", "ถนนประชาอุทิศ แขวงบางมด เขตทุ่งครุ", "ซอยประชาอุทิศ 33",
     XSS, ("สุขสวัสดิ์",), (13.625, 100.505), 1.0, 5, 3, 10, 5, False),
    ("ramintra", "ถนนรามอินทรา แขวงรามอินทรา เขตคันนายาว", "ช่วง กม.8 ถึง กม.10",
     "ซ่อมประตูน้ำ (วาล์ว) ท่อประธาน", ("มีนบุรี", "บางเขน"), (13.870, 100.690), 2.4, 7, 1, 20, 14, True),
    ("nawamin", "ถนนนวมินทร์ แขวงคลองกุ่ม เขตบึงกุ่ม", "ซอยนวมินทร์ 111",
     "ล้างทำความสะอาดท่อประปา", ("ลาดพร้าว",), (13.815, 100.660), 1.0, 6, 4, 9, 8, False),
    ("rama4", "ถนนพระราม 4 แขวงคลองเตย เขตคลองเตย", "ตั้งแต่แยกวิทยุถึงแยกกล้วยน้ำไท",
     "เปลี่ยนท่อประปาเก่าชำรุด", ("ทุ่งมหาเมฆ", "สุขุมวิท"), (13.725, 100.545), 2.6, 8, 0, 22, 9, False),
    ("prachachuen", "ถนนประชาชื่น แขวงวงศ์สว่าง เขตบางซื่อ", "ซอยประชาชื่น 12",
     "ซ่อมท่อแตกรั่ว", ("ประชาชื่น",), (13.822, 100.535), 0.9, 5, 1, 13, 4, True),
    ("ekkachai", "ถนนเอกชัย แขวงบางบอน เขตบางบอน", "ซอยเอกชัย 76 ถึงซอยเอกชัย 96",
     "วางท่อประปาใหม่", ("ภาษีเจริญ",), (13.660, 100.400), 1.0, 6, 5, 9, 9, False),
    ("suwinthawong", "ถนนสุวินทวงศ์ แขวงมีนบุรี เขตมีนบุรี", "",
     "ปรับปรุงสถานีสูบจ่ายน้ำ", ("มีนบุรี",), (13.800, 100.780), 1.8, 0, 2, 8, 10, False),
    ("srinakarin", "ถนนศรีนครินทร์ แขวงหนองบอน เขตประเวศ", "ซอยศรีนครินทร์ 55",
     "เชื่อมท่อแยกเข้าหมู่บ้าน", ("พระโขนง",), (13.690, 100.645), 0.9, 6, -2, 9, 6, True),
    ("kanchana", "ถนนกาญจนาภิเษก แขวงศาลาธรรมสพน์ เขตทวีวัฒนา", "ช่วงแยกทวีวัฒนา",
     "ซ่อมท่อประปาแตก", ("ทวีวัฒนา",), (13.775, 100.360), 1.0, 6, 0, 14, 8, False),
    ("bangna", "ถนนบางนา-ตราด แขวงบางนา เขตบางนา", "กม.2 ถึง กม.3",
     "ลดแรงดันน้ำเพื่อเชื่อมท่อ", ("พระโขนง", "สมุทรปราการ"), (13.665, 100.640), 0.8, 5, 6, 22, 8, False),
    ("vibhavadi", "ถนนวิภาวดีรังสิต แขวงจตุจักร เขตจตุจักร", "ซอยวิภาวดีรังสิต 20",
     "ซ่อมท่อแตกรั่ว", ("พญาไท",), (13.805, 100.560), 1.0, 5, 1, 9, 5, False),
]
MALFORMED = {"vibhavadi": "a polygon vertex latitude is not a number"}
# Where outages without a polygon are (the site still needs a place to measure distances from).
_ANCHORS = {key: centre for key, _, _, _, _, centre, _, n, *_ in _TABLE if n == 0}
# Irregular polygons: per-vertex radius factors, cycled.
_WOBBLE = (1.0, 0.86, 1.12, 0.93, 1.05, 0.9, 1.1, 0.97)


def _polygon(centre: tuple[float, float], radius_km: float, vertices: int, turn: float) -> tuple:
    lat0, lon0 = centre
    points = []
    for i in range(vertices):
        angle = turn + 2 * math.pi * i / vertices
        r = radius_km * _WOBBLE[i % len(_WOBBLE)]
        points.append((round(lat0 + r / 111.0 * math.sin(angle), 9),
                       round(lon0 + r / (111.0 * math.cos(math.radians(lat0))) * math.cos(angle), 9)))
    return tuple(points)


def outages(today: date) -> list[SampleOutage]:
    out = []
    for n, (key, area, soi, reason, branches, centre, radius, vertices, day, hour, hours, be) in enumerate(_TABLE):
        starts = datetime.combine(today + timedelta(days=day), time(hour), BANGKOK)
        polygons: tuple = ()
        if vertices:
            polygons = (_polygon(centre, radius, vertices, 0.3 * n),)
        if key == "rama4":   # two separate areas of one works
            polygons += (_polygon((centre[0] + 0.012, centre[1] + 0.035), 0.6, 5, 1.0),)
        out.append(SampleOutage(key, area, soi, reason, tuple(_branch(b) for b in branches), starts,
                                starts + timedelta(hours=hours), be, polygons, close_rings=n % 2 == 0,
                                malformed=MALFORMED.get(key)))
    return out


def _date_text(moment: datetime, be: bool) -> str:
    if be:
        return f"{moment.day:02d}/{moment.month:02d}/{moment.year + 543} {moment:%H:%M}"
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _coordinate_text(value: float, n: int) -> str:
    return f"{value:.13f}" if n % 3 == 0 else f"{value:.7f}"


def record(outage: SampleOutage) -> dict:
    polygons = []
    for ring in outage.polygons:
        vertices = [{"latitude": _coordinate_text(lat, i), "longitude": _coordinate_text(lon, i)}
                    for i, (lat, lon) in enumerate(ring)]
        if outage.close_rings:
            vertices.append(dict(vertices[0]))
        polygons.append({"coordinates": vertices})
    if outage.malformed:
        polygons[0]["coordinates"][2]["latitude"] = "13.80x5"
    return {"areaName": outage.area_name, "startDate": _date_text(outage.starts_at, outage.be_dates),
            "endDate": _date_text(outage.ends_at, outage.be_dates), "soi": outage.soi, "reason": outage.reason,
            "impactBranches": list(outage.branches), "polygons": polygons}


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def distance_km(outage: SampleOutage, point: tuple[float, float]) -> float:
    vertices = [v for ring in outage.polygons for v in ring] or [outage.anchor]
    return min(_km(point, v) for v in vertices)


class MwaOutages:
    name = "mwa_outages"

    def __init__(self, today: date | None = None):
        self.today = today or today_bangkok()
        self.outages = outages(self.today)

    # -- what the tests expect -------------------------------------------------------------
    def expected_outages(self) -> list[SampleOutage]:
        """Every outage the parser must load (all but the malformed one)."""
        return [o for o in self.outages if not o.malformed]

    def expected_malformed(self) -> list[SampleOutage]:
        return [o for o in self.outages if o.malformed]

    def near(self, lat: float, lon: float) -> list[SampleOutage]:
        found = [(distance_km(o, (lat, lon)), o) for o in self.outages]
        return [o for d, o in sorted(found, key=lambda pair: pair[0]) if d <= RADIUS_KM]

    # -- HTTP ----------------------------------------------------------------------------
    def page(self, path: str, query: dict[str, list[str]]) -> Page | None:
        match = PATH.match(path)
        if not match:
            return None
        try:
            lat, lon = float(match.group(1)), float(match.group(2))
        except ValueError:
            return Page(b'{"message": "error"}', "application/json; charset=utf-8", status=400)
        body = json.dumps([record(o) for o in self.near(lat, lon)], ensure_ascii=False)
        return Page(body.encode("utf-8"), "application/json; charset=utf-8")
