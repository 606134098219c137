"""Sample weather.bangkok.go.th rain gauges (`/rain/PageMap/GetDataForUpdate`), PARTNER_FORMATS.md §5.

The real endpoint is a POST with an empty body; our sample server (and our client) only speak GET, so
this site answers the same path on GET. The body is a JSON array of `{rain_code "RF.xxx", rain_name,
rain_name_en, district_name_en, latitude, longitude, site_timestamp "/Date(ms)/", rf1hr, rf3hr, rf24hr}`
plus a few extra keys. Quirks kept on purpose: numbers sometimes as strings, readings as "NULL" or null,
BMA's own English district romanisations ("Bung Kum", "Vadhana", ...), a few gauges reporting late, an
XSS payload in one name, and one malformed record (`site_timestamp` not a /Date()/). A storm cell over
Bang Kapi / Lat Phrao / Wang Thong Lang / Bueng Kum gives heavy rain (rf1hr >= 35 mm).

Readings are fixed when the site is built (from `now`, or from `today`), so every request gets the same
bytes.
"""
from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from hub.gazetteer import Gazetteer
from sample_sites.server import Page
from sample_sites.thai_calendar import BANGKOK

PATH = "/rain/PageMap/GetDataForUpdate"
POINTS_CSV = Path(__file__).resolve().parent.parent / "reference" / "gazetteer" / "district_points.csv"
# BMA's romanisations differ from the DOPA list (PARTNER_FORMATS.md §1): a mix, as a real feed would have.
DISTRICT_NAME_EN = {"1027": "Bung Kum", "1039": "Vadhana", "1049": "Thung khru", "1043": "Khanna Yao",
                    "1037": "Rat Thewi", "1007": "Parthum Wan", "1034": "Suanluang", "1021": "Bang Khun thain",
                    "1029": "Bang Su"}
# Large districts get a second gauge.
SECOND_GAUGE = ("1003", "1005", "1006", "1010", "1011", "1021", "1040", "1044", "1046", "1050")
# rf1hr of the first gauge in the districts under the storm cell.
STORM_1H_MM = {"1006": 52.5, "1038": 41.0, "1045": 37.5, "1027": 68.0}
NEAR_STORM = ("1017", "1026", "1034", "1043")
NULL_READINGS = {9: "NULL", 23: "NULL", 31: None}       # gauge index -> how its readings are missing
MALFORMED_INDEX = 12
XSS_INDEX = 5
XSS = '<img src=x onerror="alert(1)"><script>alert("rain")</script>'


@dataclass(frozen=True)
class SampleGauge:
    code: str
    name_th: str
    name_en: str
    district_code: str
    district_name_en: str
    lat: float
    lon: float
    observed_at: datetime | None
    rain_1h: float | None
    rain_3h: float | None
    rain_24h: float | None
    malformed: str | None
    raw: dict


def _observation_time(today: date | None, now: datetime | None) -> datetime:
    if now is None:
        current = datetime.now(BANGKOK)
        now = current if today is None or today == current.date() else datetime.combine(today, time(14, 7), BANGKOK)
    now = now.astimezone(BANGKOK)
    return now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)


def _aspnet(moment: datetime) -> str:
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    return f"/Date({(moment - epoch) // timedelta(milliseconds=1)})/"


def gauges(gazetteer: Gazetteer, observed: datetime) -> list[SampleGauge]:
    rng = random.Random(f"rain-{observed:%Y%m%d%H%M}")
    with open(POINTS_CSV, encoding="utf-8") as fh:
        points = {row["code"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(fh)}
    out: list[SampleGauge] = []
    for district in gazetteer.districts:
        for n in range(2 if district.code in SECOND_GAUGE else 1):
            index = len(out)
            lat, lon = points[district.code]
            lat, lon = round(lat + 0.004 * n, 5), round(lon - 0.005 * n, 5)
            if n == 0:
                name_th, name_en = f"สำนักงานเขต{district.name_th}", f"{district.name_en} District Office"
            else:
                name_th, name_en = (f"ศูนย์บริการสาธารณสุข เขต{district.name_th}",
                                    f"Public Health Centre, {district.name_en}")
            if district.code in STORM_1H_MM and n == 0:
                rf1 = STORM_1H_MM[district.code]
            elif district.code in NEAR_STORM:
                rf1 = round(rng.uniform(12, 30), 1)
            else:
                rf1 = 0.0 if rng.random() < 0.6 else round(rng.uniform(0.5, 12), 1)
            rf3 = round(rf1 + (rng.uniform(0, 15) if rf1 else 0.0), 1)
            rf24 = round(rf3 + rng.uniform(0, 30), 1)
            seen = observed - timedelta(minutes=15 if index % 9 == 4 else 0)   # a few gauges report late
            readings: list = [rf1, rf3, rf24]
            if index in NULL_READINGS:
                readings = [NULL_READINGS[index]] * 3
            rendered = [r if r is None or r == "NULL" else (f"{r:.1f}" if index % 2 == 0 else r) for r in readings]
            code = f"RF.{district.portal_slug[:3].upper()}{district.code[2:]}.{n + 1:02d}"
            malformed = None
            stamp = _aspnet(seen)
            if index == MALFORMED_INDEX:
                stamp = f"{seen.day:02d}/{seen.month:02d}/{seen.year + 543} {seen:%H:%M}"
                malformed = "site_timestamp is not /Date(ms)/"
            raw_name_en = name_en + (XSS if index == XSS_INDEX else "")
            raw = {"rain_id": 100 + index, "rain_code": code, "rain_name": name_th, "rain_name_en": raw_name_en,
                   "district_name_en": DISTRICT_NAME_EN.get(district.code, district.name_en),
                   "latitude": f"{lat:.5f}" if index % 3 else lat, "longitude": f"{lon:.5f}" if index % 3 else lon,
                   "site_timestamp": stamp, "rf1hr": rendered[0], "rf3hr": rendered[1], "rf24hr": rendered[2]}
            values = [None if isinstance(r, str) or r is None else r for r in readings]
            out.append(SampleGauge(code, name_th, name_en, district.code, raw["district_name_en"], lat, lon,
                                   seen, *values, malformed, raw))
    return out


class RainGauges:
    name = "rain_gauges"

    def __init__(self, gazetteer: Gazetteer, today: date | None = None, now: datetime | None = None):
        self.observed = _observation_time(today, now)
        self.gauges = gauges(gazetteer, self.observed)

    def expected_gauges(self) -> list[SampleGauge]:
        """The gauges the parser must load (all but the malformed one)."""
        return [g for g in self.gauges if not g.malformed]

    def expected_heavy_rain(self, threshold_mm: float = 35.0) -> list[str]:
        return sorted(g.code for g in self.expected_gauges() if g.rain_1h is not None and g.rain_1h >= threshold_mm)

    def expected_malformed(self) -> list[SampleGauge]:
        return [g for g in self.gauges if g.malformed]

    def page(self, path: str, query: dict[str, list[str]]) -> Page | None:
        if path.rstrip("/") != PATH:
            return None
        body = json.dumps([g.raw for g in self.gauges], ensure_ascii=False)
        return Page(body.encode("utf-8"), "application/json; charset=utf-8")
