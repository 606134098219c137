"""City-scale synthetic load for benchmarks: Traffy Fondue search pages and flood-sensor readings.

The sample site (`sample_sites.traffy`) serves ~1,200 tickets; a real year of Bangkok complaints is
about half a million. This module writes that volume to disk, page by page, in exactly the share
search API's shape, so parser, staging and privacy-scrubbing benchmarks can run on city-sized input:

    python -m benchmarks.city_load --dir /tmp/traffy_load --tickets 500000

Every page is a pure function of (seed, page number, page size, today): the same arguments always
give the same bytes. Vectorisable draws (times, ids, categories, coordinates) come from numpy;
only the string assembly runs per record. Quirks mixed in on purpose, at city-scale shares:
personal data in ~6% of texts (phones, national ids with valid check digits, names, e-mails,
LINE ids, car plates), ~0.2% records a parser must quarantine (empty ticket_id, coords "n/a"),
~1% legacy 1555 call-centre ids, ~1% tickets just outside Bangkok, ~0.05% HTML/script payloads.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import random
import resource
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, time as clock, timezone
from functools import lru_cache
from pathlib import Path

import numpy as np

from hub.gazetteer import Gazetteer
from sample_sites.thai_calendar import BANGKOK
from sample_sites.traffy import (AGENCIES, BUCKET, COMPLAINTS, CORRUPTION_PHOTO, ID_ALPHABET, LANDMARKS, POINTS_CSV,
                                 ROADS, STATES, STOCK_PHOTO, XSS_SNIPPETS)

DEFAULT_TODAY = date(2026, 11, 25)
SPAN_US = 365 * 86_400 * 1_000_000
CODE_SPACE = len(ID_ALPHABET) ** 6
BANGKOK_TH = "กรุงเทพมหานคร"

# Shares of the special record kinds (mutually exclusive, placed per page with stochastic rounding
# so that even a 1,000-ticket page carries its expected count).
KIND_NORMAL, KIND_LEGACY, KIND_OUTSIDE, KIND_NO_ID, KIND_NO_COORDS = range(5)
KIND_SHARES = {KIND_LEGACY: 0.01, KIND_OUTSIDE: 0.01, KIND_NO_ID: 0.001, KIND_NO_COORDS: 0.001}
PII_SHARE = 0.06
XSS_SHARE = 0.0005
NO_TYPE_SHARE, TWO_TYPES_SHARE = 0.05, 0.20
EXTRA_SENTENCE_SHARE, NEWLINE_SHARE, EMOJI_SHARE = 0.25, 0.35, 0.08
STOCK_PHOTO_SHARE = 0.35
# Timestamps as Postgres prints them: whole seconds, one fractional digit, milliseconds, microseconds.
PRECISIONS_US = np.array([1_000_000, 100_000, 1_000, 1])
PRECISION_P = [0.06, 0.08, 0.10, 0.76]

EXTRA_SENTENCES = ["แจ้งมาหลายครั้งแล้ว", "รบกวนเร่งดำเนินการด้วยครับ", "ขอบคุณค่ะ", "ขอบคุณครับ",
                   "เป็นแบบนี้มา 2 สัปดาห์แล้ว", "ฝากเขตช่วยดูด้วยค่ะ", "ไม่มีใครมาแก้ไขเลย",
                   "อันตรายต่อเด็กนักเรียนมาก", "ช่วยด้วยครับ ชาวบ้านเดือดร้อนมาก", "แจ้ง 1555 แล้วยังเงียบ"]
EMOJI = ["🙏", "😡", "⚠️", "🚧", "😭", "🙏🙏", "💢"]
HTML_SNIPPETS = [*XSS_SNIPPETS, "<script>alert(1)</script>", "<b>ด่วนมาก</b>", "<i>ซ้ำ</i><br>"]
# (province, amphoe, tambon, postcode, lat, lon, a local road): Nonthaburi and Samut Prakan, just over
# the border.
OUTSIDE = [("นนทบุรี", "เมืองนนทบุรี", "บางกระสอ", "11000", 13.8620, 100.5130, "ถนนรัตนาธิเบศร์"),
           ("นนทบุรี", "ปากเกร็ด", "ปากเกร็ด", "11120", 13.9125, 100.4980, "ถนนแจ้งวัฒนะ"),
           ("นนทบุรี", "บางบัวทอง", "โสนลอย", "11110", 13.9100, 100.4240, "ถนนกาญจนาภิเษก"),
           ("สมุทรปราการ", "บางพลี", "บางแก้ว", "10540", 13.6490, 100.6856, "ถนนบางนา-ตราด"),
           ("สมุทรปราการ", "เมืองสมุทรปราการ", "ปากน้ำ", "10270", 13.5990, 100.5970, "ถนนสุขุมวิท"),
           ("สมุทรปราการ", "พระประแดง", "ทรงคนอง", "10130", 13.6580, 100.5330, "ถนนสุขสวัสดิ์")]

FIRST_NAMES = ["สมชาย", "วิชัย", "มาลี", "วิภา", "สมหญิง", "ประเสริฐ", "อรุณี", "กิตติพงษ์", "ธนพร",
               "ณัฐวุฒิ", "สุดารัตน์", "พรทิพย์"]
LAST_NAMES = ["ใจดี", "ศรีสุข", "รักเมือง", "มั่นคง", "แก้วมณี", "ทองดี", "สุขสวัสดิ์", "บุญมา", "วงศ์ใหญ่",
              "จันทร์เพ็ญ"]
LATIN_HANDLES = ["somchai", "malee", "wipa", "tanaporn", "kittipong", "nattawut", "sudarat", "pornthip"]
MAIL_HOSTS = ["gmail.com", "hotmail.com", "yahoo.co.th", "outlook.com"]
PLATE_LETTERS = "กขคงจฉชฌญฎฐฒณดตถทธนบผพภมยรลวศษสหฬอฮ"
PII_PHRASES = ["ติดต่อกลับ {phone}", "แจ้งโดย {name} โทร {phone}", "ผู้แจ้ง {name} เบอร์ {phone}",
               "{name} เลขบัตรประชาชน {nid}", "ผู้แจ้ง {name} บัตรประชาชนเลขที่ {nid} ติดต่อ {phone}",
               "ส่งรูปเพิ่มเติมได้ที่ {email}", "ติดต่อทาง {line}", "รถทะเบียน {plate} จอดประจำทุกวัน",
               "เจ้าของรถทะเบียน {plate} โทร {phone}", "สอบถามเพิ่มเติม {name} {email}"]


# --- personal data -------------------------------------------------------------------------------

def national_id_check_digit(first12: str) -> int:
    """The 13th digit of a Thai national id: (11 - sum(d_i * (13 - i)) % 11) % 10."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return (11 - total % 11) % 10


def _national_id(r: random.Random) -> str:
    first12 = str(r.randint(1, 8)) + "".join(r.choices("0123456789", k=11))
    digits = first12 + str(national_id_check_digit(first12))
    if r.random() < 0.5:
        return digits
    return f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"


def _phone(r: random.Random) -> str:
    if r.random() < 0.15:                                  # Bangkok landline 02-xxx-xxxx
        rest = "".join(r.choices("0123456789", k=7))
        return f"02-{rest[:3]}-{rest[3:]}" if r.random() < 0.7 else f"02 {rest[:3]} {rest[3:]}"
    number = r.choice("689") + r.choice("123456789") + "".join(r.choices("0123456789", k=7))  # 9 digits, no 0
    style = r.randrange(4)
    if style == 0:
        return f"0{number[:2]}-{number[2:5]}-{number[5:]}"
    if style == 1:
        return "0" + number
    if style == 2:
        return f"+66 {number[:2]} {number[2:5]} {number[5:]}"
    return f"0{number[:2]} {number[2:5]} {number[5:]}"


def _person(r: random.Random) -> str:
    first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
    return r.choice([f"นาย {first} {last}", f"นาย{first} {last}", f"นางสาว{first} {last}", f"นาง {first} {last}",
                     f"น.ส.{first} {last}", f"คุณ{first}"])


def _email(r: random.Random) -> str:
    handle = r.choice(LATIN_HANDLES)
    tail = r.choice(["", str(r.randint(1, 99)), "." + r.choice("abcdefgkmnpstw")])
    return f"{handle}{tail}@{r.choice(MAIL_HOSTS)}"


def _line_id(r: random.Random) -> str:
    handle = r.choice(LATIN_HANDLES) + str(r.randint(1, 999))
    return r.choice([f"ไลน์ไอดี: {handle}", f"Line: @{handle}", f"LINE ID: {handle}", f"ไลน์ @{handle}"])


def _plate(r: random.Random) -> str:
    letters = "".join(r.choices(PLATE_LETTERS, k=2))
    if r.random() < 0.5:
        return f"{letters} {r.randint(1, 9999)}"
    return f"{r.randint(1, 9)}{letters} {r.randint(1, 9999)} {BANGKOK_TH}"


def _pii_snippet(r: random.Random) -> str:
    return r.choice(PII_PHRASES).format(phone=_phone(r), name=_person(r), nid=_national_id(r), email=_email(r),
                                        line=_line_id(r), plate=_plate(r))


# --- reference data, loaded once -----------------------------------------------------------------

@dataclass(frozen=True)
class _Reference:
    type_names: list[str]
    type_p: np.ndarray
    district_names: list[str]
    district_lat: np.ndarray
    district_lon: np.ndarray
    sub_start: np.ndarray             # first index into the flat subdistrict lists, per district
    sub_count: np.ndarray
    sub_names: list[str]
    address_tails: list[tuple[str, str]]   # per subdistrict: (without, with) a space after แขวง/เขต


@lru_cache(maxsize=1)
def _reference() -> _Reference:
    gaz = Gazetteer.load()
    with open(POINTS_CSV, encoding="utf-8") as fh:
        points = {row["code"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(fh)}
    starts, counts, names, tails = [], [], [], []
    for district in gaz.districts:
        subs = [s for s in gaz.subdistricts if s.district_code == district.code]
        starts.append(len(names))
        counts.append(len(subs))
        for s in subs:
            names.append(s.name_th)
            tails.append(tuple(f" แขวง{sp}{s.name_th} เขต{sp}{district.name_th} {BANGKOK_TH} {s.postal_code} ประเทศไทย"
                               for sp in ("", " ")))
    weights = np.array([COMPLAINTS[t][0] for t in COMPLAINTS], dtype=float)
    return _Reference(
        type_names=list(COMPLAINTS), type_p=weights / weights.sum(),
        district_names=[d.name_th for d in gaz.districts],
        district_lat=np.array([points[d.code][0] for d in gaz.districts]),
        district_lon=np.array([points[d.code][1] for d in gaz.districts]),
        sub_start=np.array(starts), sub_count=np.array(counts), sub_names=names, address_tails=tails)


# --- global columns: report times and ticket codes -----------------------------------------------

def _report_times_us(rng: np.random.Generator, n: int, anchor_us: int) -> np.ndarray:
    """Epoch microseconds (UTC) within the year before the anchor, newest first, with mixed precision."""
    times = anchor_us - rng.integers(1, SPAN_US, size=n, dtype=np.int64)
    precision = PRECISIONS_US[rng.choice(len(PRECISIONS_US), size=n, p=PRECISION_P)]
    times -= times % precision                  # truncate before sorting, so the order stays exact
    return np.sort(times)[::-1]


def _unique_codes(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct ticket codes (0 <= code < 32**6), in random order."""
    drawn = np.empty(0, dtype=np.int64)
    while True:
        drawn = np.concatenate([drawn, rng.integers(0, CODE_SPACE, size=n - len(drawn) + 64 + n // 500)])
        _, first = np.unique(drawn, return_index=True)
        drawn = drawn[np.sort(first)]           # drop repeats, keep draw order
        if len(drawn) >= n:
            return drawn[:n]


def _code_strings(codes: np.ndarray) -> list[str]:
    """Base-32 codes as 6-letter strings over ID_ALPHABET, built as one byte array."""
    powers = len(ID_ALPHABET) ** np.arange(5, -1, -1, dtype=np.int64)
    digits = (codes[:, None] // powers) % len(ID_ALPHABET)
    letters = np.frombuffer(ID_ALPHABET.encode("ascii"), dtype=np.uint8)[digits]
    return [b.decode("ascii") for b in np.ascontiguousarray(letters).view("S6").ravel()]


def _pg_texts(times_us: np.ndarray) -> list[str]:
    """Same text as sample_sites.traffy.pg_timestamp, from numpy's ISO strings (pg_timestamp per
    record would cost ~8 µs each, a sixth of the whole budget at 500,000 tickets)."""
    out = []
    for iso in np.datetime_as_string(times_us.astype("datetime64[us]"), unit="us").tolist():
        fraction = iso[20:].rstrip("0")
        out.append(f"{iso[:10]} {iso[11:19]}{'.' + fraction if fraction else ''}+00")
    return out


# --- one page -------------------------------------------------------------------------------------

def _kinds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Record kinds for one page: each special kind gets its share of n, stochastically rounded."""
    kinds = np.full(n, KIND_NORMAL, dtype=np.int8)
    order, used = rng.permutation(n), 0
    for kind, share in KIND_SHARES.items():
        count = int(math.floor(share * n + rng.random()))
        kinds[order[used:used + count]] = kind
        used += count
    return kinds


def _states(rng: np.random.Generator, times_us: np.ndarray, anchor_us: int) -> np.ndarray:
    """Indices into STATES; tickets younger than a day are mostly still waiting."""
    weights = np.array([w for *_, w in STATES], dtype=float)
    states = rng.choice(len(STATES), size=len(times_us), p=weights / weights.sum())
    fresh = (anchor_us - times_us) < 86_400 * 1_000_000
    fresh_states = rng.choice([0, 1, 3], size=len(times_us), p=[0.70, 0.25, 0.05])
    return np.where(fresh, fresh_states, states)


@dataclass
class _PageDraws:
    """The numpy-drawn columns of one page, as Python lists for fast per-record access."""
    kind: list[int]
    primary: list[int]             # index into the complaint types
    second: list[int]              # a second type, or -1
    no_type: list[bool]
    template_u: list[float]        # uniform, picks one of the primary type's templates
    road: list[int]
    soi: list[int]
    soi_style: list[int]
    landmark: list[int]
    place_style: list[int]
    district: list[int]
    sub: list[int]                 # index into the flat subdistrict lists
    lat: list[float]
    lon: list[float]
    house: list[int]
    house_sub: list[int]           # the "/45" of "123/45", 0 for none
    spaced: list[bool]             # "แขวง xxx" rather than "แขวงxxx"
    pii: list[bool]
    xss: list[bool]
    extra: list[bool]
    extra_idx: list[int]
    newline: list[bool]
    emoji: list[bool]
    emoji_idx: list[int]
    state: list[int]
    stock: list[bool]
    outside: list[int]             # index into OUTSIDE
    photo_hex: str                 # 40 hex digits per record


def _draw_page(rng: np.random.Generator, ref: _Reference, times_us: np.ndarray, anchor_us: int) -> _PageDraws:
    n = len(times_us)
    kind = _kinds(rng, n)
    district = rng.integers(0, len(ref.district_names), size=n)
    sub = ref.sub_start[district] + (rng.random(n) * ref.sub_count[district]).astype(np.int64)
    outside = rng.integers(0, len(OUTSIDE), size=n)
    base_lat = np.where(kind == KIND_OUTSIDE, np.array([o[4] for o in OUTSIDE])[outside], ref.district_lat[district])
    base_lon = np.where(kind == KIND_OUTSIDE, np.array([o[5] for o in OUTSIDE])[outside], ref.district_lon[district])
    spread = np.where(kind == KIND_OUTSIDE, 0.01, 0.006)
    return _PageDraws(
        kind=kind.tolist(), primary=rng.choice(len(ref.type_names), size=n, p=ref.type_p).tolist(),
        second=np.where(rng.random(n) < TWO_TYPES_SHARE,
                        rng.choice(len(ref.type_names), size=n, p=ref.type_p), -1).tolist(),
        no_type=(rng.random(n) < NO_TYPE_SHARE).tolist(), template_u=rng.random(n).tolist(),
        road=rng.integers(0, len(ROADS), size=n).tolist(), soi=rng.integers(1, 121, size=n).tolist(),
        soi_style=rng.integers(0, 3, size=n).tolist(), landmark=rng.integers(0, len(LANDMARKS), size=n).tolist(),
        place_style=rng.integers(0, 3, size=n).tolist(), district=district.tolist(), sub=sub.tolist(),
        lat=np.round(base_lat + rng.normal(0, 1, n) * spread, 5).tolist(),
        lon=np.round(base_lon + rng.normal(0, 1, n) * spread, 5).tolist(),
        house=rng.integers(1, 1000, size=n).tolist(),
        house_sub=np.where(rng.random(n) < 0.3, rng.integers(1, 80, size=n), 0).tolist(),
        spaced=(rng.random(n) < 0.5).tolist(), pii=(rng.random(n) < PII_SHARE).tolist(),
        xss=(rng.random(n) < XSS_SHARE).tolist(), extra=(rng.random(n) < EXTRA_SENTENCE_SHARE).tolist(),
        extra_idx=rng.integers(0, len(EXTRA_SENTENCES), size=n).tolist(),
        newline=(rng.random(n) < NEWLINE_SHARE).tolist(), emoji=(rng.random(n) < EMOJI_SHARE).tolist(),
        emoji_idx=rng.integers(0, len(EMOJI), size=n).tolist(), state=_states(rng, times_us, anchor_us).tolist(),
        stock=(rng.random(n) < STOCK_PHOTO_SHARE).tolist(), outside=outside.tolist(),
        photo_hex=rng.bytes(20 * n).hex())


def _description(d: _PageDraws, i: int, ref: _Reference, r: random.Random) -> str:
    templates = COMPLAINTS[ref.type_names[d.primary[i]]][1]
    road = OUTSIDE[d.outside[i]][6] if d.kind[i] == KIND_OUTSIDE else ROADS[d.road[i]]
    short, number = road.removeprefix("ถนน"), d.soi[i]
    soi = (f"{short} ซอย {number}", f"ซอย{short} {number}", f"ซ.{short} {number}")[d.soi_style[i]]
    landmark = LANDMARKS[d.landmark[i]]
    place = (f"{road} ใกล้{landmark}", f"หน้า{landmark} {soi}", soi)[d.place_style[i]]
    text = templates[int(d.template_u[i] * len(templates))].format(place=place, road=road, soi=soi)
    if d.extra[i]:
        text += ("\n" if d.newline[i] else " ") + EXTRA_SENTENCES[d.extra_idx[i]]
    if d.pii[i]:
        text += " " + _pii_snippet(r)
    if d.xss[i]:
        text += " " + r.choice(HTML_SNIPPETS)
    if d.emoji[i]:
        text += " " + EMOJI[d.emoji_idx[i]]
    return text


def _record(d: _PageDraws, i: int, ref: _Reference, r: random.Random, code: str, stamp: str) -> dict:
    kind = d.kind[i]
    text = _description(d, i, ref, r)
    types = [] if d.no_type[i] else [ref.type_names[d.primary[i]]]
    if types and d.second[i] >= 0 and ref.type_names[d.second[i]] not in types:
        types.append(ref.type_names[d.second[i]])
    if kind == KIND_OUTSIDE:
        province, amphoe, tambon, postcode, *_ = OUTSIDE[d.outside[i]]
        written = f"จังหวัด{province}" if r.random() < 0.8 else province
        address = f"{d.house[i]}/{d.house_sub[i] or 1} ตำบล{tambon} อำเภอ{amphoe} {written} {postcode} ประเทศไทย"
        local_org, district_name, sub_name = f"อบต.{tambon}", amphoe, tambon
    else:
        house = f"{d.house[i]}/{d.house_sub[i]}" if d.house_sub[i] else str(d.house[i])
        address = f"{house} {ROADS[d.road[i]]}{ref.address_tails[d.sub[i]][d.spaced[i]]}"
        district_name, sub_name = ref.district_names[d.district[i]], ref.sub_names[d.sub[i]]
        local_org = f"เขต{district_name}"
    if kind == KIND_LEGACY:
        text = f"เรื่อง: {text}\nแขวง {sub_name}\nเขต {district_name}\n#1555"
    state_th, state, _ = STATES[d.state[i]]
    hex_id = d.photo_hex[40 * i:40 * i + 40]
    photo = STOCK_PHOTO if (kind == KIND_LEGACY or d.stock[i]) else f"{BUCKET}/attachment/{stamp[:7]}/{hex_id}.jpg"
    record = {
        "ticket_id": code if kind == KIND_LEGACY else f"{stamp[:4]}-{code}",
        "description": text,
        "coords": ["n/a", "n/a"] if kind == KIND_NO_COORDS else [f"{d.lon[i]:.5f}", f"{d.lat[i]:.5f}"],
        "photo_url": photo,
        "address": address,
        "timestamp": stamp,
        "state": state_th,
        "problem_type_abdul": types,
    }
    if kind == KIND_NO_ID:   # the anonymous กรุงเทพโปร่งใส report, as in the real dump
        record.update(ticket_id="", description="", address="", photo_url=CORRUPTION_PHOTO,
                      problem_type_abdul=["ความสะอาด", "ทางเท้า"], org=["กรุงเทพโปร่งใส"])
        return record
    if state != "waiting" or r.random() < 0.15:           # agencies appear once the ticket is assigned
        orgs = [local_org] + [AGENCIES[t] for t in types if t in AGENCIES and r.random() < 0.5]
        record["org"] = list(dict.fromkeys(orgs))
    return record


def _page_records(seed: int, page: int, ref: _Reference, times_us: np.ndarray, codes: np.ndarray,
                  anchor_us: int) -> list[dict]:
    rng = np.random.default_rng([seed, page])
    text_rng = random.Random(int(rng.integers(0, 2**62)))   # scalar draws: random is ~10x faster than numpy
    draws = _draw_page(rng, ref, times_us, anchor_us)
    stamps, code_texts = _pg_texts(times_us), _code_strings(codes)
    return [_record(draws, i, ref, text_rng, code_texts[i], stamps[i]) for i in range(len(times_us))]


# --- public API -----------------------------------------------------------------------------------

def write_traffy_pages(directory: Path, tickets: int = 500_000, page_size: int = 1000, seed: int = 7,
                       today: date | None = None) -> list[Path]:
    """Writes ceil(tickets/page_size) files page-00000.json ... each exactly one share-API search answer:
    {"status": "success", "total": tickets, "results": [...]} (UTF-8, ensure_ascii=False), newest first across pages,
    reported times spread over the 365 days before `today` 06:00 Asia/Bangkok (default date(2026, 11, 25)).
    Returns the paths in page order."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    anchor = datetime.combine(today or DEFAULT_TODAY, clock(6, 0), BANGKOK)
    anchor_us = int(anchor.timestamp()) * 1_000_000
    ref = _reference()
    # Only two int64 columns are city-wide (8 MB at 500,000): the sort order and the unique codes.
    master = np.random.default_rng(seed)
    times_us, codes = _report_times_us(master, tickets, anchor_us), _unique_codes(master, tickets)
    paths = []
    for page, start in enumerate(range(0, tickets, page_size)):
        stop = min(start + page_size, tickets)
        records = _page_records(seed, page, ref, times_us[start:stop], codes[start:stop], anchor_us)
        path = directory / f"page-{page:05d}.json"
        body = json.dumps({"status": "success", "total": tickets, "results": records}, ensure_ascii=False)
        path.write_bytes(body.encode("utf-8"))
        paths.append(path)
    return paths


def _sensor_depths(rng: np.random.Generator, sensors: int, readings: int) -> np.ndarray:
    """Depth in cm per (sensor, reading), NaN where the sensor sent nothing: a flood wave that rises
    and drains on flooding sensors, a few cm on minor ones, 0 elsewhere, all-NaN on broken ones."""
    roll = rng.random(sensors)
    peak = np.select([roll < 0.20, roll < 0.35], [rng.uniform(10, 45, sensors), rng.uniform(1, 9.5, sensors)], 0.0)
    centre = rng.uniform(0, readings, sensors)[:, None]
    width = rng.uniform(2, max(3, readings / 2), sensors)[:, None]
    steps = np.arange(readings)[None, :]
    wave = peak[:, None] * np.exp(-(((steps - centre) / width) ** 2))
    depths = np.round(np.clip(wave + rng.normal(0, 0.3, wave.shape) * (peak[:, None] > 0), 0, None), 1)
    depths[roll >= 0.95] = np.nan                                   # malfunctioning sensors
    depths[rng.random(depths.shape) < 0.01] = np.nan                # dropped readings
    return depths


def write_sensor_readings(path: Path, sensors: int = 300, readings_per_sensor: int = 24, seed: int = 7) -> int:
    """One JSON file {"data": [...]} of flood-sensor readings in the FloodBangkok sensor_now shape (see
    sample_sites/flood_sensors.py `_now` and `_profiles`): returns the number of readings."""
    rng = np.random.default_rng([seed, 1_000_003])
    depths = _sensor_depths(rng, sensors, readings_per_sensor)
    previous = np.concatenate([depths[:, :1], depths[:, :-1]], axis=1)
    low, high = np.fmin(previous, depths), np.fmax(previous, depths)    # over the 5-minute interval
    end = datetime.combine(DEFAULT_TODAY, clock(6, 0), BANGKOK).astimezone(timezone.utc).replace(tzinfo=None)
    steps_back = np.arange(readings_per_sensor)[::-1] * np.timedelta64(300, "s")
    iso = np.datetime_as_string(np.datetime64(end, "s") - steps_back).tolist()
    stamps = [s.replace("T", " ") for s in iso]                          # naive but UTC, as the API writes it
    now, lows, highs = (np.where(np.isnan(a), None, a).tolist() for a in (depths, low, high))
    data = []
    for step in range(readings_per_sensor - 1, -1, -1):                 # newest first
        for s in range(sensors):
            value = now[s][step]
            data.append({"id": 100_000 + s * readings_per_sensor + step, "sensor_profile": 501 + s,
                         "flood_now": value, "flood_min": lows[s][step], "flood_max": highs[s][step],
                         "timestamp": stamps[step] if value is not None else None, "interval": 300000})
    Path(path).write_bytes(json.dumps({"data": data}, ensure_ascii=False).encode("utf-8"))
    return len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="output directory (default: a new temp dir)")
    parser.add_argument("--tickets", type=int, default=500_000)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="traffy_load_"))
    started = time.perf_counter()
    paths = write_traffy_pages(directory, args.tickets, args.page_size, args.seed)
    readings = write_sensor_readings(directory / "sensor_readings.json", seed=args.seed)
    wall = time.perf_counter() - started
    size = sum(p.stat().st_size for p in paths)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024      # KiB on Linux
    print(f"{args.tickets:,} tickets in {len(paths):,} files, {size:,} bytes ({size / 2**20:.1f} MiB) "
          f"+ {readings:,} sensor readings in {directory}")
    print(f"time {wall:.2f} s, peak RSS {peak_mb:.0f} MiB")


if __name__ == "__main__":
    main()
