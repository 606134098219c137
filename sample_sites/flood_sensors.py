"""Sample BMA DDS FloodBangkok API (Directus-style REST), as described in PARTNER_FORMATS.md §5.

`items/sensor_profile`, `items/sensor_now` and `items/flood_notification` answer `{"data": [...]}`.
Quirks kept on purpose: `lat`/`long` strings, `sensor_now.timestamp` naive but UTC, notification
times ending in `Z`, `date_created` often null, malfunctioning sensors with null readings.
Readings are fixed when the site starts, so repeated fetches see identical bytes.
"""
from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hub.gazetteer import Gazetteer
from sample_sites.server import Page

API = "/bkk/dds/services/api/floods/v1/items/"
POINTS_CSV = Path(__file__).resolve().parent.parent / "reference" / "gazetteer" / "district_points.csv"
ROADS = ["ถนนพหลโยธิน", "ถนนรามคำแหง", "ถนนสุขุมวิท", "ถนนเพชรเกษม", "ถนนลาดพร้าว", "ถนนนวมินทร์",
         "ถนนเอกชัย", "ถนนจรัญสนิทวงศ์", "ถนนประชาชื่น", "ถนนพระราม 4"]


@dataclass(frozen=True)
class Sensor:
    id: int
    code: str
    name: str
    road: str
    district_code: str
    district_name: str
    lat: float
    lon: float
    device_status: str
    flood_cm: float | None


def sensors(gazetteer: Gazetteer, now: datetime) -> list[Sensor]:
    rng = random.Random(f"flood-{now:%Y%m%d%H}")
    with open(POINTS_CSV, encoding="utf-8") as fh:
        points = {row["code"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(fh)}
    out, next_id = [], 500
    for district in gazetteer.districts:
        lat, lon = points[district.code]
        for n in range(2):
            next_id += 1
            road = ROADS[(int(district.code) + n) % len(ROADS)]
            roll = rng.random()
            if roll < 0.05:
                status, depth = "malfunction", None
            elif roll < 0.20:
                status, depth = "flooding", round(rng.uniform(10, 45), 1)
            elif roll < 0.35:
                status, depth = "minor_flood", round(rng.uniform(1, 9.5), 1)
            else:
                status, depth = "normal", 0.0
            out.append(Sensor(next_id, f"FL.{district.portal_slug[:3].upper()}{district.code[2:]}.{n + 1:02d}",
                              f"{road} เขต{district.name_th} จุดที่ {n + 1}", road, district.code, district.name_th,
                              round(lat + 0.0007 * n, 5), round(lon + 0.0007 * n, 5), status, depth))
    out.append(SHOWCASE)
    return out


# Always flooding, 130 m from the traffic feed's report of the same flood (sample_sites.traffic_events
# 900211): one incident from two sources, which core.alerts must fuse into one alert.
SHOWCASE = Sensor(990, "FL.BKP06.09", "ถนนรามคำแหง หน้าห้างเดอะมอลล์บางกะปิ", "ถนนรามคำแหง", "1006", "บางกะปิ",
                  13.7660, 100.6420, "flooding", 25.0)


class FloodSensors:
    name = "flood_sensors"

    def __init__(self, gazetteer: Gazetteer, now: datetime | None = None):
        now = now or datetime.now(timezone.utc)
        self.now = now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0)
        self.sensors = sensors(gazetteer, self.now)

    def expected_flooding(self, threshold_cm: float) -> list[Sensor]:
        return [s for s in self.sensors if s.flood_cm is not None and s.flood_cm >= threshold_cm]

    def page(self, path: str, query: dict[str, list[str]]) -> Page | None:
        if not path.startswith(API):
            return None
        collection = path[len(API):].strip("/")
        builders = {"sensor_profile": self._profiles, "sensor_now": self._now, "flood_notification": self._notifications}
        if collection not in builders:
            return None
        body = json.dumps({"data": builders[collection]()}, ensure_ascii=False).encode("utf-8")
        return Page(body, "application/json; charset=utf-8")

    def _profiles(self) -> list[dict]:
        return [{"id": s.id, "code": s.code, "name": s.name, "road": s.road, "district": s.district_name,
                 "lat": f"{s.lat:.5f}", "long": f"{s.lon:.5f}", "device_status": s.device_status,
                 "main_road": s.road.removeprefix("ถนน")} for s in self.sensors]

    def _now(self) -> list[dict]:
        stamp = self.now.strftime("%Y-%m-%d %H:%M:%S")   # naive, but UTC
        return [{"id": 9000 + s.id, "sensor_profile": s.id, "flood_now": s.flood_cm,
                 "flood_min": 0 if s.flood_cm is not None else None, "flood_max": s.flood_cm,
                 "timestamp": stamp if s.flood_cm is not None else None, "interval": 300000} for s in self.sensors]

    def _notifications(self) -> list[dict]:
        out = []
        for s in self.expected_flooding(10):
            started = self.now - timedelta(minutes=35)
            out.append({"id": 70000 + s.id, "sensor_profile": s.id, "value": s.flood_cm,
                        "text": f"น้ำท่วมขัง {s.name} ระดับน้ำ {s.flood_cm:g} ซม.",
                        "start_flood": started.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "end_flood": None,
                        "date_created": None if s.id % 2 else started.strftime("%Y-%m-%dT%H:%M:%S.000Z")})
        return out
