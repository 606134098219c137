"""Cross-source incident fusion: one Bangkok incident reported by several sources becomes one alert.

A flood at a junction can reach core.alerts three times (a flood sensor, a rain gauge and an iTIC
traffic report); road works can come from a district portal and from the traffic feed. `fuse`
groups such alerts, keeps the most trusted one as the primary, marks the others "merged" into it,
and scores how well the incident is confirmed (each independent source, and each matching Traffy
citizen complaint, lowers the chance that it is a false alarm).

The pairwise rule `same_incident` is deliberately conservative (a wrong merge hides an alert,
a missed merge only shows it twice):
- categories must be compatible (flood~flood, road_incident~road_incident/traffic, each other
  category only with itself; a road closure whose text names a flood or works as its cause, and
  no crash, joins that flood or those works: `shared_family`);
- the reporters must be independent: other sources, or other records of an aggregator (two
  contributors of the traffic feed); two records of a device source (DEVICE_SOURCES: two sensors,
  two utility outages) never merge;
- time: an open flood matches reports starting within 6 h, other instant events (accidents, rail
  delays) within 3 h, or their known windows overlap (with 30 min of slack); multi-day works and
  outages must share a Bangkok calendar day (TIME_RULES);
- space: two points within the category radius (a rain gauge: 1 km), unless they name different
  numbered sois (at any distance), lie on opposite carriageways (ขาเข้า / ขาออก), or name different
  roads or sois and lie over CONTRADICTION_M apart; a record without a point needs the same
  district and text naming the same road or soi (or, when neither text names a conflicting place,
  similar content words); rail disruptions share a GTFS route and a stop (or one names no stops).
Thai text is normalised (digits, "ถ." -> "ถนน", "ซ." -> "ซอย", "พระรามที่ 4" -> "พระราม 4") and
tokenised with pythainlp newmm; road and soi names are read from the tokens after "ถนน"/"ซอย".
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import numpy as np
import pandas as pd

from hub.roads import RoadIndex
from hub.thai_text import arabic_digits, fold_latin, normalize_thai, word_set

SOURCE_WEIGHT: dict[str, float] = {"official_sensor": 0.9, "official_agency": 0.8, "citizen_report": 0.5}
COMPLAINT_WEIGHT = 0.3
MAX_COMPLAINTS = 3
# A confidence kind we do not know is trusted no more than a citizen report.
_DEFAULT_WEIGHT = SOURCE_WEIGHT["citizen_report"]

BANGKOK = "Asia/Bangkok"
FAMILY = {"flood": "flood", "road_incident": "road", "traffic": "road", "construction": "construction",
          "power_outage": "power", "water_outage": "water", "rail_disruption": "rail"}
RADIUS_M = {"flood": 500.0, "road": 250.0, "construction": 500.0, "water": 1500.0, "power": 1500.0}
# A rain gauge warns of flooding around it, not at one spot: reports within a kilometre confirm it.
GAUGE_RADIUS_M = 1000.0
# Sources whose records are distinct by construction (a device, a utility's own outage list): two of
# their records are never one incident. Aggregators (the traffic feed's many contributors, rail
# notices and status snapshots, district offices' notices and updates) may report one incident twice.
DEVICE_SOURCES = frozenset({"flood_sensors", "rain_gauges", "mea_outages", "mwa_outages"})
# Families compared in one time sweep: a road closure can be caused by a flood or by works.
SWEEP = {"flood": "surface", "road": "surface", "construction": "surface"}
# A road closure is the flood's (or the works') own effect when its text says so and no crash is involved.
_FLOOD_WORDS = ("น้ำท่วม", "น้ำขัง", "ท่วมขัง", "ระดับน้ำ")
_WORKS_WORDS = ("ก่อสร้าง", "ซ่อม", "วางท่อ", "งานถนน", "รื้อ", "ขุด")
_CLOSURE_WORDS = ("ปิด", "เบี่ยง", "ห้ามผ่าน", "ผ่านไม่ได้")
_CRASH_WORDS = ("ชน", "อุบัติเหตุ", "คว่ำ", "พลิก", "ไฟไหม้", "เฉี่ยว")
# Two points further apart than this that name different roads (or sois) are different places.
CONTRADICTION_M = 150.0
# Content-word Jaccard that stands in for a shared road name when a record has no point.
MIN_TEXT_SIMILARITY = 0.3
_EARTH_M = 6_371_000.0


@dataclass(frozen=True)
class TimeRule:
    by_day: bool            # multi-day works and outages: compare Bangkok calendar days
    open: pd.Timedelta      # how long an alert without an end is taken to last
    slack: pd.Timedelta     # gap still accepted between two known windows (instant events)


_INSTANT = TimeRule(False, pd.Timedelta(hours=3), pd.Timedelta(minutes=30))
# Standing water lasts: a report hours after an open sensor flood began still describes it.
TIME_RULES = {"flood": TimeRule(False, pd.Timedelta(hours=6), pd.Timedelta(minutes=30)), "road": _INSTANT,
              "rail": _INSTANT,
              "construction": TimeRule(True, pd.Timedelta(days=7), pd.Timedelta(0)),
              "power": TimeRule(True, pd.Timedelta(days=1), pd.Timedelta(0)),
              "water": TimeRule(True, pd.Timedelta(days=1), pd.Timedelta(0))}


@dataclass(frozen=True)
class ComplaintRule:
    types: frozenset[str]
    radius_m: float
    before: pd.Timedelta
    after: pd.Timedelta
    after_end: bool         # the window closes `after` past the alert's end (floods), not its start


COMPLAINT_RULES = {
    "flood": ComplaintRule(frozenset({"น้ำท่วม", "ท่อระบายน้ำ"}), 300.0, pd.Timedelta(hours=2),
                           pd.Timedelta(hours=6), True),
    "road": ComplaintRule(frozenset({"ถนน", "จราจร", "กีดขวาง"}), 200.0, pd.Timedelta(hours=1),
                          pd.Timedelta(hours=3), False),
}

# --- Thai text: road and soi names, content words ---------------------------------------------------

_MARKERS = {"ถนน": "road", "ซอย": "soi"}
# Words that end a road name read from the tokens after "ถนน"/"ซอย" (directions, landmarks, verbs).
_NAME_STOPS = frozenset("""
จึง ขอ ปิด เปิด ขาเข้า ขาออก ขา หน้า แยก ช่วง บริเวณ ใกล้ ตั้งแต่ ถึง และ ระหว่าง เขต แขวง ซอย ถนน เนื่องจาก
เพื่อ ฝั่ง ตรง ตรงข้าม ข้าง ใน ของ ที่ มี ไม่ ได้ โดย ให้ ตลอด หมู่บ้าน ปาก ปากซอย ท้าย ท้ายซอย ก่อน ก่อนถึง หลัง
ติด น้ำท่วม น้ำ ท่วม ขัง การจราจร จราจร ผิวจราจร ซึ่ง หรือ กับ จาก ไป มา เชื่อม ทั้ง ทุก รถ ชน ขาด ทรุด ชำรุด
อุบัติเหตุ ก่อสร้าง ซ่อม ซ่อมแซม งาน จุด บน ใต้ ภายใน ตำบล จังหวัด กรุงเทพมหานคร กรุงเทพฯ คน เดิน คนเดิน
""".split())
# Stop words that do occur inside Bangkok road names (บางนา, ราชดำเนินกลาง, เพชรบุรีตัดใหม่).
_NAME_WORDS = frozenset({"บาง", "ใหม่", "ใหญ่", "ร่วม", "สูง", "ทาง", "นาง", "ชาว", "ยาว", "ราย", "ภาค", "กลาง",
                         "นอก", "ต่อ", "ยก", "รวม", "สาย"})
_UNITS = frozenset({"ซม.", "มม.", "กม.", "ม.", "เมตร", "กิโลเมตร", "น.", "นาที", "ชม.", "ชั่วโมง", "%", ":"})
# Short forms of road names used in reports.
_ROAD_ALIASES = {"วิภาวดี": "วิภาวดีรังสิต", "บางนา": "บางนาตราด", "รัชดา": "รัชดาภิเษก", "แจ้งวัฒน์": "แจ้งวัฒนะ"}
# Words too common in alerts of one category to tell two incidents apart.
_GENERIC = frozenset("""
น้ำท่วม น้ำท่วมขัง ท่วม ท่วมขัง ขัง น้ำ ถนน ซอย อุบัติเหตุ ก่อสร้าง งานก่อสร้าง งาน เขต แขวง บริเวณ กรุงเทพมหานคร
กรุงเทพ การจราจร จราจร ผิวจราจร ปิด หน้า แยก ขาเข้า ขาออก เซนเซอร์ วัด ระดับ ระดับน้ำ จุด ประกาศ แจ้ง ชั่วคราว
สำนักงาน สำนักงานเขต สะดวก ขออภัย เส้นทาง เลี่ยง ผู้ขับขี่ โปรด เหตุ ท้องถนน ฝน ตกหนัก เสี่ยง สถานี ปริมาณ
ดำเนินการ เพื่อ ขัดข้อง รถไฟฟ้า ไฟฟ้า ประปา งดจ่าย จ่าย การไฟฟ้านครหลวง การประปานครหลวง ไฟฟ้าดับ ตามแผน
น้ำประปา ไม่ไหล ไหล
road soi and the of in on at to area nearby near mea mwa planned outage power maintenance for from bangkok
""".split())


@dataclass(frozen=True)
class PlaceName:
    """A road or soi named in text: "พระราม 4" is ("พระราม", "4"); a soi "ซอย 35" after ถนนจรัญฯ is ("จรัญสนิทวงศ์", "35")."""
    base: str
    number: str | None = None

    def matches(self, other: "PlaceName") -> bool:
        # A name without a number covers any of its numbers (ถนนสุขุมวิท ~ สุขุมวิท 71), but two numbers differ.
        same_base = self.base == other.base or not self.base or not other.base
        return same_base and (self.number is None or other.number is None or self.number == other.number)


@dataclass(frozen=True)
class TextFeatures:
    roads: frozenset[PlaceName]          # roads the text names ("ถนนสีลม")
    implied_roads: frozenset[PlaceName]  # roads its sois lie on ("ซอยลาดพร้าว 101" -> ลาดพร้าว)
    sois: frozenset[PlaceName]
    words: frozenset[str]                # content tokens for Jaccard similarity


def _any_match(left: frozenset[PlaceName], right: frozenset[PlaceName]) -> bool:
    return any(x.matches(y) for x in left for y in right)


def _conflict(a: TextFeatures, b: TextFeatures) -> bool:
    """Both texts name roads (or both name sois) and none of them agree: different places."""
    roads = a.roads and b.roads and not _any_match(a.roads, b.roads)
    sois = a.sois and b.sois and not _any_match(a.sois, b.sois)
    return bool(roads or sois)


def _soi_conflict(a: TextFeatures, b: TextFeatures) -> bool:
    """Both name numbered sois and none agree (ซอย 101 / ซอย 103): parallel side streets, different places
    however close the pins are. A soi named without its number decides nothing here."""
    numbered_a = frozenset(s for s in a.sois if s.number)
    numbered_b = frozenset(s for s in b.sois if s.number)
    return bool(numbered_a and numbered_b and not _any_match(numbered_a, numbered_b))


_DIRECTIONS = {"ขาเข้า": "inbound", "ขาออก": "outbound"}


def _direction(text: str) -> str | None:
    found = {d for word, d in _DIRECTIONS.items() if word in text}
    return found.pop() if len(found) == 1 else None


def _opposite_carriageways(a: "Prepared", b: "Prepared") -> bool:
    """Two road reports on opposite carriageways (ขาเข้า / ขาออก) are two incidents, even 50 m apart."""
    one, other = _direction(a.plain_text), _direction(b.plain_text)
    return one is not None and other is not None and one != other


def _share_place(a: TextFeatures, b: TextFeatures) -> bool:
    return _any_match(a.roads | a.implied_roads, b.roads | b.implied_roads) or _any_match(a.sois, b.sois)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


_THAI_LETTERS = re.compile(r"^[\u0E01-\u0E4E]+$")
_NUMBER = re.compile(r"^\d{1,4}$")
_ABBREVIATIONS = ((re.compile(r"(?<![\u0E01-\u0E4E])ถ\.\s*"), "ถนน"), (re.compile(r"(?<![\u0E01-\u0E4E])ซ\.\s*"), "ซอย"),
                  (re.compile(r"พระรามที่\s*"), "พระราม "))
_LATIN_SOI = re.compile(r"\bSoi\s+((?:[A-Z][a-z]+\s?){0,3})(\d{1,4}(?:/\d+)?)?")


_GLUED_SOI = re.compile(r"(ปาก|หน้า|ท้าย|ใน|เข้า|ต้น)ซอย")


def normalise_text(text: str | None) -> str:
    """Thai text ready to compare: normalised, Arabic digits, road abbreviations spelt out."""
    text = arabic_digits(normalize_thai(text or ""))
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    # "ปากซอยลาดพร้าว 101", "หน้าซอย 103": the tokeniser keeps ปากซอย as one word, hiding the soi.
    return _GLUED_SOI.sub(r"\1 ซอย", text)


@lru_cache(maxsize=65536)
def tokenize(text: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize  # imported lazily: loading the dictionary is slow

    return tuple(word_tokenize(text, custom_dict=word_set(), engine="newmm"))


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords())


@lru_cache(maxsize=1)
def _name_stops() -> frozenset[str]:
    return _NAME_STOPS | (_stopwords() - _NAME_WORDS)


@lru_cache(maxsize=1)
def _known_roads() -> tuple[str, ...]:
    """Bangkok road names (their letters) from reference/roads.csv, longest first, so a stop word
    inside a known name ("พุทธมณฑลสาย 2") does not cut it."""
    names = {name.base for road in _road_index().roads
             if (name := _place_from_text(road.name_th.removeprefix("ถนน"))) is not None}
    return tuple(sorted(names, key=len, reverse=True))


@lru_cache(maxsize=1)
def _road_index() -> RoadIndex:
    return RoadIndex.load()


def _canonical_base(name: str) -> str:
    letters = re.sub(r"[\s\-–.]", "", name)
    return _ROAD_ALIASES.get(letters, letters)


def _place_from_text(name: str) -> PlaceName | None:
    """ "พระรามที่ 4" -> ("พระราม", "4"); a name read whole, not from running text."""
    match = re.fullmatch(r"(.*?)\s*(\d{1,4}(?:/\d+)?)?", normalise_text(name))
    base = _canonical_base(match.group(1)) if match else ""
    return PlaceName(base, match.group(2)) if base else None


@lru_cache(maxsize=65536)
def text_features(text: str) -> TextFeatures:
    """Road and soi names and content words of an alert's Thai (or MEA English) text."""
    clean = normalise_text(text)
    tokens = tokenize(clean)
    roads, sois = _scan_places(tokens)
    roads |= _latin_roads(clean)
    sois |= _latin_sois(clean)
    implied = frozenset(PlaceName(s.base) for s in sois if s.base)
    return TextFeatures(frozenset(roads), implied, frozenset(sois), _content_words(tokens))


def _content_words(tokens: tuple[str, ...]) -> frozenset[str]:
    stop = _stopwords()
    words = set()
    for token in tokens:
        word = token.strip().lower()
        if len(word) < 2 or "." in word or not re.search(r"[a-z\u0E01-\u0E2E]", word):
            continue                     # punctuation, numbers, abbreviations (พ.ย., ซม.)
        if word not in stop and word not in _GENERIC:
            words.add(word)
    return frozenset(words)


def _scan_places(tokens: tuple[str, ...]) -> tuple[set[PlaceName], set[PlaceName]]:
    roads: set[PlaceName] = set()
    sois: set[PlaceName] = set()
    context = ""                         # the last road or soi named: the base of a bare "ซอย 35"
    last_soi: tuple[PlaceName, int] | None = None
    i = 0
    while i < len(tokens):
        kind = _MARKERS.get(tokens[i])
        if kind is None or _previous_word(tokens, i) == "แขวง":   # แขวงถนนพญาไท is a subdistrict
            i += 1
            continue
        name, end = _read_name(tokens, i + 1)
        if name is None or (kind == "road" and not name.base):
            i += 1
            continue
        if kind == "road":
            roads.add(name)
        else:
            name = name if name.base else PlaceName(context, name.number)
            sois.update(_soi_range(last_soi, name, tokens, i))
            sois.add(name)
            last_soi = (name, end)
        context = name.base
        i = max(end, i + 1)
    return roads, sois


def _previous_word(tokens: tuple[str, ...], i: int) -> str:
    return next((t for t in reversed(tokens[:i]) if t.strip()), "")


def _soi_range(previous: tuple[PlaceName, int] | None, name: PlaceName, tokens: tuple[str, ...], start: int
               ) -> set[PlaceName]:
    """ "ซอยลาดพร้าว 101 ถึงซอยลาดพร้าว 111" names every soi between (an outage area along a road)."""
    if previous is None or name.number is None or previous[0].number is None:
        return set()
    between = [t for t in tokens[previous[1]:start] if t.strip()]
    first, last = previous[0], name
    if between not in (["ถึง"], ["-"]) or first.base != last.base:
        return set()
    low, high = int(first.number.split("/")[0]), int(last.number.split("/")[0])
    if not 0 < high - low <= 60:
        return set()
    return {PlaceName(first.base, str(n)) for n in range(low, high + 1)}


def _read_name(tokens: tuple[str, ...], start: int) -> tuple[PlaceName | None, int]:
    """The road/soi name starting at tokens[start]: Thai words up to a stop word, then a number
    ("พระราม 4", "ลาดพร้าว 101") unless it is a measure ("25 ซม.") or a date. A name cut by a stop
    word takes no number: the stop word stands where the number would."""
    i, spaced = start, False
    if i < len(tokens) and tokens[i].isspace():
        i, spaced = i + 1, True
    words, i = _name_words(tokens, i, spaced)
    if words is None:
        return None, start
    number, i = _name_number(tokens, i)
    base = _canonical_base("".join(words))
    if not base and number is None:
        return None, start
    return PlaceName(base, number), i


def _name_words(tokens: tuple[str, ...], i: int, spaced: bool) -> tuple[list[str] | None, int]:
    """Words of the name from tokens[i] and the index after them; None when there is no name."""
    run = []
    j = i
    while j < len(tokens) and (_THAI_LETTERS.match(tokens[j]) or (tokens[j] == "-" and run)):
        run.append(tokens[j])
        j += 1
    letters = "".join(run).replace("-", "")
    stops = _name_stops()
    for base in _known_roads():
        consumed = _tokens_spanning(run, len(base)) if letters.startswith(base) else None
        if consumed is not None and (consumed == len(run) or run[consumed] in stops):
            return run[:consumed], i + consumed
    if spaced:                           # "ถนน เชียงใหม่": after a space only a known road, or a bare number
        return (None, i) if run else ([], i)
    words = []
    for token in run:
        if token in stops:
            break
        words.append(token)
    return words, i + len(words)


def _tokens_spanning(run: list[str], length: int) -> int | None:
    """How many tokens of the run make up exactly its first `length` letters (hyphens not counted)."""
    total = 0
    for count, token in enumerate(run, start=1):
        total += len(token.replace("-", ""))
        if total >= length:
            return count if total == length else None
    return None


def _name_number(tokens: tuple[str, ...], i: int) -> tuple[str | None, int]:
    j = i
    if j < len(tokens) and tokens[j] == "ที่":
        j += 1
    if j < len(tokens) and tokens[j].isspace():
        j += 1
    if j >= len(tokens) or not _NUMBER.match(tokens[j]):
        return None, i
    number, j = tokens[j], j + 1
    if j < len(tokens) and re.fullmatch(r"/\d+", tokens[j]):
        number, j = number + tokens[j], j + 1
    k = j + 1 if j < len(tokens) and tokens[j].isspace() else j
    following = tokens[k] if k < len(tokens) else ""
    dotted = k + 1 < len(tokens) and tokens[k + 1] == "." and len(following) == 1   # พ.ย. after a date
    if following in _UNITS or dotted or following.startswith((".", ":")):
        return None, i
    return number, j


def _latin_roads(text: str) -> set[PlaceName]:
    """Roads named in English ("Lat Phrao Road", MEA notices), as their Thai names."""
    if "Road" not in text:
        return set()
    latin_only = re.sub(r"[\u0E00-\u0E7F]+", " ", text)
    return {name for road in _road_index().find(latin_only)
            if (name := _place_from_text(road.name_th.removeprefix("ถนน"))) is not None}


def _latin_sois(text: str) -> set[PlaceName]:
    out = set()
    for match in _LATIN_SOI.finditer(text):
        base_en, number = match.group(1).strip(), match.group(2)
        if not base_en and not number:
            continue
        roads = _road_index().find(f"{base_en} Road") if base_en else []
        thai = _place_from_text(roads[0].name_th.removeprefix("ถนน")) if roads else None
        out.add(PlaceName(thai.base if thai else fold_latin(base_en), number))
    return out


# --- alerts ready to compare ----------------------------------------------------------------------

@dataclass(frozen=True)
class Prepared:
    """One alert's fields parsed once: times in UTC nanoseconds, point, districts, text features."""
    alert_id: str
    source: str | None
    record_id: str | None
    family: str | None
    plain_text: str                      # headline and description, abbreviations expanded
    weight: float
    start: int | None
    end: int | None
    window: tuple[int, int] | None       # the widest span it can match in (for the sweep in fuse)
    lat: float | None
    lon: float | None
    districts: frozenset[str]
    text: TextFeatures
    routes: frozenset[str]
    stops: frozenset[str]

    @property
    def has_point(self) -> bool:
        return self.lat is not None


@dataclass(frozen=True)
class Evidence:
    """Why two alerts match, to merge the closest pairs first."""
    distance_m: float | None
    similarity: float


def _missing(value) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):      # lists and arrays are values
        return False


def _timestamp(value, *, end: bool = False) -> pd.Timestamp | None:
    """UTC timestamp from a datetime, pd.Timestamp, date or ISO string; naive ones are Bangkok time.
    A bare date is its whole Bangkok day (its start, or its last moment for an end)."""
    if _missing(value) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        value = date.fromisoformat(value.strip())
    if isinstance(value, date) and not isinstance(value, datetime):
        day = pd.Timestamp(value).tz_localize(BANGKOK)
        return (day + pd.Timedelta(days=1) - pd.Timedelta(1) if end else day).tz_convert("UTC")
    try:
        moment = pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    if moment is pd.NaT:
        return None
    return (moment.tz_localize(BANGKOK) if moment.tzinfo is None else moment).tz_convert("UTC")


def _coordinate(value) -> float | None:
    if _missing(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _as_set(value) -> frozenset[str]:
    """Ids from a list, array (DuckDB LIST columns), single string or nothing."""
    if isinstance(value, str):
        return frozenset({value.strip()}) if value.strip() else frozenset()
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Series)):
        return frozenset(str(v) for v in value if not _missing(v))
    return frozenset() if _missing(value) else frozenset({str(value)})


def _bangkok_day(ns: int, *, end: bool) -> int:
    day = pd.Timestamp(ns, tz="UTC").tz_convert(BANGKOK).normalize()
    return (day + pd.Timedelta(days=1) - pd.Timedelta(1) if end else day).value


def _window(family: str | None, start: int | None, end: int | None) -> tuple[int, int] | None:
    if family is None or start is None:
        return None
    rule = TIME_RULES[family]
    if rule.by_day:
        last = end if end is not None and end >= start else start + rule.open.value
        return _bangkok_day(start, end=False), _bangkok_day(last, end=True)
    last = max(end if end is not None else start, start + rule.open.value)
    return start, last + rule.slack.value


def prepare(alert: dict) -> Prepared:
    family = FAMILY.get(alert.get("category"))
    start = _timestamp(alert.get("starts_at"))
    end = _timestamp(alert.get("ends_at"), end=True)
    start_ns = start.value if start is not None else None
    end_ns = end.value if end is not None else None
    lat, lon = _coordinate(alert.get("lat")), _coordinate(alert.get("lon"))
    if lat is None or lon is None or (lat == 0 and lon == 0):
        lat = lon = None
    districts = _as_set(alert.get("district_codes")) | _as_set(alert.get("district_code"))
    text = f"{alert.get('headline_th') or ''} {alert.get('description_th') or ''}"
    source = alert.get("source")
    return Prepared(
        alert_id=str(alert.get("alert_id") or f"{source}:{alert.get('source_record_id')}"),
        source=None if _missing(source) else str(source),
        record_id=None if _missing(alert.get("source_record_id")) else str(alert.get("source_record_id")),
        family=family, plain_text=normalise_text(text),
        weight=SOURCE_WEIGHT.get(alert.get("confidence"), _DEFAULT_WEIGHT),
        start=start_ns, end=end_ns, window=_window(family, start_ns, end_ns), lat=lat, lon=lon,
        districts=districts, text=text_features(text.strip()),
        routes=_as_set(alert.get("route_ids")), stops=_as_set(alert.get("stop_ids")))


# --- the pairwise rule --------------------------------------------------------------------------------

def same_incident(a: dict, b: dict) -> bool:
    """Pairwise rule. a/b have keys: source, source_record_id, category, lat, lon (None/NaN when none),
    starts_at, ends_at (datetime/pd.Timestamp aware or None/NaT; ISO strings must also be accepted),
    district_code, headline_th, description_th, confidence, route_ids, stop_ids (lists, may be None)."""
    return match(prepare(a), prepare(b)) is not None


def independent(a: Prepared, b: Prepared) -> bool:
    """Two reports that may confirm each other: other sources, or other records of an aggregator."""
    if a.source is None or b.source is None:
        return False
    if a.source != b.source:
        return True
    return a.source not in DEVICE_SOURCES and a.record_id != b.record_id


def _says(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def shared_family(a: Prepared, b: Prepared) -> str | None:
    """The family two alerts are compared in: their own, or the flood's / the works' for a road
    closure whose text names it as the cause (a crash is always its own incident)."""
    if a.family is None or b.family is None:
        return None
    if a.family == b.family:
        return a.family
    road, other = (a, b) if a.family == "road" else (b, a) if b.family == "road" else (None, None)
    if road is None or other.family not in ("flood", "construction") or _says(road.plain_text, _CRASH_WORDS):
        return None
    cause = _FLOOD_WORDS if other.family == "flood" else _WORKS_WORDS
    if _says(road.plain_text, cause) and _says(road.plain_text, _CLOSURE_WORDS):
        return other.family
    return None


def match(a: Prepared, b: Prepared) -> Evidence | None:
    """Evidence that two prepared alerts report one incident, or None."""
    family = shared_family(a, b)
    if family is None or not independent(a, b):
        return None
    if not _times_agree(a, b, family):
        return None
    if family == "rail":
        return _rail_match(a, b)
    if a.has_point and b.has_point:
        return _point_match(a, b, family)
    return _text_match(a, b)


def _times_agree(a: Prepared, b: Prepared, family: str) -> bool:
    if a.window is None or b.window is None:
        return False                     # no start time: nothing to place the report in time
    rule = TIME_RULES[family]
    if rule.by_day:
        a_days, b_days = _window(family, a.start, a.end), _window(family, b.start, b.end)
        return a_days[0] <= b_days[1] and b_days[0] <= a_days[1]
    if a.end is None or b.end is None:
        # An open report matches one that starts near it, or a known window it falls in.
        if abs(a.start - b.start) <= rule.open.value:
            return True
    return _gap(a, b) <= rule.slack.value


def _gap(a: Prepared, b: Prepared) -> int:
    a_end = a.end if a.end is not None and a.end >= a.start else a.start
    b_end = b.end if b.end is not None and b.end >= b.start else b.start
    return max(a.start - b_end, b.start - a_end, 0)


def _rail_match(a: Prepared, b: Prepared) -> Evidence | None:
    if not a.routes & b.routes:
        return None
    if a.stops and b.stops and not a.stops & b.stops:
        return None
    return Evidence(None, jaccard(a.text.words, b.text.words))


def radius_m(a: Prepared, b: Prepared, family: str) -> float:
    gauge = "rain_gauges" in (a.source, b.source) and family == "flood"
    return GAUGE_RADIUS_M if gauge else RADIUS_M[family]


def _point_match(a: Prepared, b: Prepared, family: str) -> Evidence | None:
    distance = haversine_m(a.lat, a.lon, b.lat, b.lon)
    if distance > radius_m(a, b, family) or _soi_conflict(a.text, b.text):
        return None
    if family == "road" and _opposite_carriageways(a, b):
        return None
    if distance > CONTRADICTION_M and _conflict(a.text, b.text):
        return None
    return Evidence(distance, jaccard(a.text.words, b.text.words))


def _text_match(a: Prepared, b: Prepared) -> Evidence | None:
    if not a.districts & b.districts or _conflict(a.text, b.text) or _soi_conflict(a.text, b.text):
        return None
    similarity = jaccard(a.text.words, b.text.words)
    if _share_place(a.text, b.text) or similarity >= MIN_TEXT_SIMILARITY:
        return Evidence(None, similarity)
    return None


def haversine_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres (scalars or numpy arrays)."""
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


# --- fusion ----------------------------------------------------------------------------------------------

def fuse(alerts: pd.DataFrame, complaints: pd.DataFrame | None = None) -> pd.DataFrame:
    """alerts: rows with ALERT_COLUMNS plus possibly not yet the fusion columns. Returns a copy with new columns:
      sources: list[str]      -- every source reporting the incident (primary first), plus "traffy" if complaints matched
      related_alert_ids: list[str] -- on the primary: ids of the alerts merged into it; [] otherwise
      merged_into: str|None   -- on a merged (secondary) alert: the primary's alert_id; its status becomes "merged"
      complaint_count: int    -- matching Traffy complaints (primary only; 0 on others)
      confidence_score: float -- 1 - prod(1 - w) over the primary's own source weight, each merged alert's weight,
                                 and min(complaint_count, MAX_COMPLAINTS) * COMPLAINT_WEIGHT terms; rounded to 3 dp

    Secondary (merged) rows describe only themselves: sources [own source], score of their own weight.
    Rows already "merged" by an earlier run take part again as active ones, so fusing twice changes nothing.
    """
    out = alerts.copy()
    status = out["status"] if "status" in out else pd.Series("active", index=out.index)
    status = status.where(status != "merged", "active").tolist()
    confidence_kind = out["confidence"] if "confidence" in out else pd.Series(None, index=out.index, dtype=object)
    weights = confidence_kind.map(SOURCE_WEIGHT).fillna(_DEFAULT_WEIGHT).astype(float)

    sources = [[source] for source in out["source"]]
    related: list[list[str]] = [[] for _ in range(len(out))]
    merged_into: list[str | None] = [None] * len(out)
    counts = [0] * len(out)
    scores = weights.round(3).tolist()

    # Only active alerts are parsed and grouped: history rows can be many and pass through as they are.
    positions = [i for i, s in enumerate(status) if s == "active"]
    prepared = [prepare(r) for r in out.iloc[positions].to_dict("records")]
    groups = [sorted(group, key=lambda k: _rank_key(prepared[k])) for group in _groups(prepared)]
    complaint_counts = _count_complaints([[prepared[k] for k in group] for group in groups], complaints)
    for group, complaint_count in zip(groups, complaint_counts):
        rows = [positions[k] for k in group]
        primary, others = rows[0], rows[1:]
        reporters = list(dict.fromkeys(prepared[k].source for k in group))     # distinct, primary's first
        sources[primary] = reporters + (["traffy"] if complaint_count else [])
        related[primary] = [prepared[k].alert_id for k in group[1:]]
        counts[primary] = complaint_count
        scores[primary] = confidence([prepared[k].weight for k in group]
                                     + [COMPLAINT_WEIGHT] * min(complaint_count, MAX_COMPLAINTS))
        for row in others:
            merged_into[row] = prepared[group[0]].alert_id
            status[row] = "merged"
    out["status"] = pd.Series(status, index=out.index, dtype=object)
    out["sources"] = pd.Series(sources, index=out.index, dtype=object)
    out["related_alert_ids"] = pd.Series(related, index=out.index, dtype=object)
    out["merged_into"] = pd.Series(merged_into, index=out.index, dtype=object)
    out["complaint_count"] = pd.Series(counts, index=out.index, dtype="int64")
    out["confidence_score"] = pd.Series(scores, index=out.index, dtype="float64")
    return out


def confidence(weights: list[float]) -> float:
    """Chance that at least one independent witness is right: 1 - prod(1 - w), rounded to 3 dp."""
    return round(1.0 - float(np.prod([1.0 - min(max(w, 0.0), 1.0) for w in weights])), 3)


def _rank_key(alert: Prepared) -> tuple:
    """Primary first: highest source weight, then earliest start (unknown last), then alert id."""
    return -alert.weight, alert.start is None, alert.start or 0, alert.alert_id


def _groups(alerts: list[Prepared]) -> list[list[int]]:
    """Connected components of `match`, joined closest pair first, never two records of one device
    source (two sensors are two places, two utility outages two jobs)."""
    parent = list(range(len(alerts)))
    group_sources = [{a.source} if a.source in DEVICE_SOURCES else set() for a in alerts]

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in sorted(_edges(alerts)):
        ri, rj = root(i), root(j)
        if ri == rj or group_sources[ri] & group_sources[rj]:
            continue                     # a device source does not report its own incident twice
        parent[rj] = ri
        group_sources[ri] |= group_sources[rj]
    components: dict[int, list[int]] = {}
    for i in range(len(alerts)):
        components.setdefault(root(i), []).append(i)
    return list(components.values())


def _edges(alerts: list[Prepared]) -> list[tuple[tuple, int, int]]:
    """Matching pairs with a sort key (closest, most similar first; ids break ties).

    A sweep over time windows finds the candidates of each family: sorted by window start, an
    alert can only match the following ones that start before its window ends."""
    edges = []
    by_family: dict[str, list[int]] = {}
    for i, a in enumerate(alerts):
        if a.window is not None and a.source is not None:
            by_family.setdefault(SWEEP.get(a.family, a.family), []).append(i)
    for family, members in by_family.items():
        idx = np.array(sorted(members, key=lambda i: alerts[i].window[0]))
        lo = np.array([alerts[i].window[0] for i in idx], dtype=np.int64)
        hi = np.array([alerts[i].window[1] for i in idx], dtype=np.int64)
        lat = np.array([alerts[i].lat if alerts[i].has_point else np.nan for i in idx])
        lon = np.array([alerts[i].lon if alerts[i].has_point else np.nan for i in idx])
        source = np.array([alerts[i].source for i in idx], dtype=object)
        record = np.array([alerts[i].record_id for i in idx], dtype=object)
        device = np.array([alerts[i].source in DEVICE_SOURCES for i in idx])
        last = np.searchsorted(lo, hi, side="right")
        radius = (GAUGE_RADIUS_M if family == "surface" else RADIUS_M.get(family, math.inf)) + 1.0
        for k in range(len(idx)):
            cand = np.arange(k + 1, last[k])
            if not len(cand):
                continue
            cand = cand[(source[cand] != source[k]) | (~device[k] & (record[cand] != record[k]))]
            if family != "rail" and not np.isnan(lat[k]) and len(cand):
                near = np.isnan(lat[cand]) | (haversine_m(lat[k], lon[k], lat[cand], lon[cand]) <= radius)
                cand = cand[near]
            for m in cand:
                i, j = int(idx[k]), int(idx[m])
                evidence = match(alerts[i], alerts[j])
                if evidence is not None:
                    first, second = sorted((alerts[i].alert_id, alerts[j].alert_id))
                    key = (evidence.distance_m if evidence.distance_m is not None else radius,
                           -evidence.similarity, first, second)
                    edges.append((key, i, j))
    return edges


# --- Traffy complaints ---------------------------------------------------------------------------

def _count_complaints(groups: list[list[Prepared]], complaints: pd.DataFrame | None) -> list[int]:
    """Matching complaints per group (ranked members, primary first), vectorised over complaints.

    Per family: keep the complaints inside the span of all the alerts' time windows, pair them with
    the alerts through a grid of cells as wide as the radius (a complaint within the radius lies in
    one of the 3x3 cells around the alert), then filter the pairs by window, distance and type."""
    counts = [0] * len(groups)
    if complaints is None or complaints.empty:
        return counts
    reported = _utc_times(complaints["reported_at"])
    times = reported.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").view(np.int64)
    lat = pd.to_numeric(complaints["lat"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(complaints["lon"], errors="coerce").to_numpy(dtype=float)
    usable = reported.notna().to_numpy() & np.isfinite(lat) & np.isfinite(lon)
    for family, rule in COMPLAINT_RULES.items():
        targets = _complaint_targets(groups, family, rule)
        if targets.empty:
            continue
        rows = np.flatnonzero(usable & (times >= targets["start"].min()) & (times <= targets["end"].max()))
        pairs = _near_pairs(targets, rows, lat, lon, rule.radius_m)
        target, row = pairs["target"].to_numpy(), pairs["row"].to_numpy()
        in_window = (times[row] >= targets["start"].to_numpy()[target]) & (times[row] <= targets["end"].to_numpy()[target])
        target, row = target[in_window], row[in_window]
        candidates = np.unique(row)
        typed = candidates[_has_type(complaints["problem_types"].iloc[candidates], rule.types)]
        keep = np.isin(row, typed)
        for group, count in zip(*np.unique(targets["group"].to_numpy()[target[keep]], return_counts=True)):
            counts[int(group)] = int(count)
    return counts


def _near_pairs(targets: pd.DataFrame, rows: np.ndarray, lat: np.ndarray, lon: np.ndarray, radius_m: float
                ) -> pd.DataFrame:
    """(target, row) pairs of alert points and complaint rows at most radius_m apart."""
    # A cell at least radius_m wide in both directions (a degree of longitude is shorter than one of latitude).
    cell = radius_m / (111_195.0 * math.cos(math.radians(min(float(targets["lat"].abs().max()), 80.0))))
    complaint_cells = pd.DataFrame({"iy": np.floor(lat[rows] / cell).astype(np.int64),
                                    "ix": np.floor(lon[rows] / cell).astype(np.int64), "row": rows})
    ty = np.floor(targets["lat"].to_numpy() / cell).astype(np.int64)
    tx = np.floor(targets["lon"].to_numpy() / cell).astype(np.int64)
    around = pd.concat([pd.DataFrame({"iy": ty + dy, "ix": tx + dx, "target": np.arange(len(targets))})
                        for dy in (-1, 0, 1) for dx in (-1, 0, 1)], ignore_index=True)
    pairs = around.merge(complaint_cells, on=["iy", "ix"])
    target, row = pairs["target"].to_numpy(), pairs["row"].to_numpy()
    distance = equirectangular_m(targets["lat"].to_numpy()[target], targets["lon"].to_numpy()[target],
                                 lat[row], lon[row])
    return pairs.loc[distance <= radius_m, ["target", "row"]]


def _utc_times(values: pd.Series) -> pd.Series:
    """UTC times from a datetime column (parsed once, vectorised) or ISO strings; naive means Bangkok."""
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values, errors="coerce", format="ISO8601", utc=False)
        if not pd.api.types.is_datetime64_any_dtype(values):      # mixed offsets: parse each as UTC
            values = pd.to_datetime(values, errors="coerce", format="ISO8601", utc=True)
    if values.dt.tz is None:
        values = values.dt.tz_localize(BANGKOK, ambiguous="NaT", nonexistent="NaT")
    return values.dt.tz_convert("UTC")


def _complaint_targets(groups: list[list[Prepared]], family: str, rule: ComplaintRule) -> pd.DataFrame:
    """group, start, end (the complaint window in UTC ns), lat, lon of each group of the family: the
    primary's times and its point (or, when it has none, the point of the first member with one)."""
    targets = []
    for g, members in enumerate(groups):
        primary = members[0]
        located = next((m for m in members if m.has_point), None)
        if primary.family != family or primary.start is None or located is None:
            continue
        anchor = primary.end if rule.after_end and primary.end is not None else primary.start
        targets.append((g, primary.start - rule.before.value, anchor + rule.after.value, located.lat, located.lon))
    return pd.DataFrame(targets, columns=["group", "start", "end", "lat", "lon"])


def _has_type(types: pd.Series, wanted: frozenset[str]) -> np.ndarray:
    """Whether each complaint's problem_types (list, array or Traffy's "{a,b}" text) has a wanted type."""
    if types.empty:
        return np.zeros(0, dtype=bool)
    values = types.reset_index(drop=True)
    text = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
    if text.any():
        values = values.where(~text, values[text].str.strip("{}").str.split(","))
    hits = values.explode().isin(wanted)
    return hits.groupby(level=0).any().reindex(range(len(values)), fill_value=False).to_numpy(dtype=bool)


def equirectangular_m(lat0, lon0, lat, lon) -> np.ndarray:
    """Distance in metres between points (scalars or arrays), flat-earth: exact enough within a few kilometres."""
    x = np.radians(lon - lon0) * np.cos(np.radians((lat + lat0) / 2))
    y = np.radians(lat - lat0)
    return _EARTH_M * np.hypot(x, y)
