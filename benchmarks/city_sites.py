"""Partner sites at city scale for `make bench`, served on 127.0.0.1 like the other sample sites.

- `TraffyPages` answers the share search API from pages written by `benchmarks.city_load`
  (`?limit=1000&offset=N` is page N/1000, byte for byte);
- `SensorReadings` is the FloodBangkok API for the sensors of a `write_sensor_readings` file:
  profiles placed around the district points, every reading in `sensor_now`, and a flood
  notification for each sensor whose newest reading is at least 10 cm.
"""
from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

from sample_sites.flood_sensors import API, POINTS_CSV, ROADS
from sample_sites.server import Page
from sample_sites.traffy import SEARCH_PATH

JSON = "application/json; charset=utf-8"


class TraffyPages:
    name = "traffy"

    def __init__(self, pages: list[Path], page_size: int):
        self.pages, self.page_size = pages, page_size

    def page(self, path: str, query: dict[str, list[str]]) -> Page | None:
        if path != SEARCH_PATH:
            return None
        limit = int((query.get("limit") or [self.page_size])[0])
        offset = int((query.get("offset") or [0])[0])
        if limit != self.page_size or offset % self.page_size:
            body = {"status": "error", "message": f"this load is served in pages of {self.page_size}"}
            return Page(json.dumps(body).encode(), JSON, status=400)
        number = offset // self.page_size
        if number >= len(self.pages):
            total = json.loads(self.pages[0].read_bytes())["total"]
            return Page(json.dumps({"status": "success", "total": total, "results": []}).encode(), JSON)
        return Page(self.pages[number].read_bytes(), JSON)


class SensorReadings:
    name = "flood_sensors"

    def __init__(self, readings_file: Path):
        self.readings = Path(readings_file).read_bytes()
        data = json.loads(self.readings)["data"]
        with open(POINTS_CSV, encoding="utf-8") as fh:
            points = [(row["code"], float(row["lat"]), float(row["lon"])) for row in csv.DictReader(fh)]
        ids = sorted({r["sensor_profile"] for r in data})
        self.profiles = []
        for n, sensor_id in enumerate(ids):
            code, lat, lon = points[n % len(points)]
            road = ROADS[n % len(ROADS)]
            self.profiles.append({"id": sensor_id, "code": f"FL.B{code[2:]}.{n // len(points) + 1:02d}",
                                  "name": f"{road} จุดที่ {n + 1}", "road": road, "district": None,
                                  "lat": f"{lat + 0.001 * (n // len(points)):.5f}", "long": f"{lon:.5f}",
                                  "device_status": "normal", "main_road": road.removeprefix("ถนน")})
        newest = {}
        for reading in data:                         # newest first: the first reading per sensor wins
            newest.setdefault(reading["sensor_profile"], reading)
        self.notifications = [
            {"id": 70_000 + sensor_id, "sensor_profile": sensor_id, "value": r["flood_now"],
             "text": f"น้ำท่วมขัง ระดับน้ำ {r['flood_now']:g} ซม.", "end_flood": None, "date_created": None,
             "start_flood": datetime.fromisoformat(r["timestamp"]).strftime("%Y-%m-%dT%H:%M:%S.000Z")}
            for sensor_id, r in newest.items() if r["flood_now"] is not None and r["flood_now"] >= 10]

    def page(self, path: str, query: dict[str, list[str]]) -> Page | None:
        if not path.startswith(API):
            return None
        collection = path[len(API):].strip("/")
        if collection == "sensor_now":
            return Page(self.readings, JSON)
        documents = {"sensor_profile": self.profiles, "flood_notification": self.notifications}
        if collection not in documents:
            return None
        return Page(json.dumps({"data": documents[collection]}, ensure_ascii=False).encode(), JSON)
