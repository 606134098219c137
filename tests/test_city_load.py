"""The city-scale Traffy/flood-sensor load generator (benchmarks.city_load), on small sizes."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks.city_load import write_sensor_readings, write_traffy_pages
from sample_sites.traffy import COMPLAINTS, ID_ALPHABET, STATES, pg_timestamp

TICKETS, PAGE_SIZE = 3000, 1000
TODAY = date(2026, 11, 25)
ANCHOR = datetime.fromisoformat("2026-11-24 23:00:00+00:00")      # 06:00 Bangkok on TODAY
RECORD_KEYS = ["ticket_id", "description", "coords", "photo_url", "address", "timestamp", "state",
               "problem_type_abdul"]
CODE = f"[{ID_ALPHABET}]{{6}}"
NEW_ID, LEGACY_ID = re.compile(rf"(\d{{4}})-{CODE}"), re.compile(CODE)
NATIONAL_ID = re.compile(r"(?<![\d-])(\d-\d{4}-\d{5}-\d{2}-\d|\d{13})(?![\d-])")
# One detector per kind of personal data the generator mixes in; template text never matches them.
PII = {
    "mobile": re.compile(r"(?<!\d)(0[689]\d-\d{3}-\d{4}|0[689]\d{8}|0[689]\d \d{3} \d{4}"
                        r"|\+66 [689]\d \d{3} \d{4})(?!\d)"),
    "landline": re.compile(r"(?<!\d)02[- ]\d{3}[- ]\d{4}(?!\d)"),
    "national_id": NATIONAL_ID,
    "name": re.compile(r"(นาย|นางสาว|นาง|น\.ส\.) ?[ก-๛]+ [ก-๛]+|คุณ(?!ค่ะ|ครับ)[ก-๛]+"),
    "email": re.compile(r"[a-z0-9.]+@[a-z.]+\.[a-z]+"),
    "line": re.compile(r"(ไลน์ไอดี: |Line: @|LINE ID: |ไลน์ @)[a-z0-9_]+"),
    "plate": re.compile(r"ทะเบียน \d?[ก-ฮ]{2} \d{1,4}"),
}
BANGKOK_ADDRESS = re.compile(r"\d+(/\d+)? ถนน\S+( \d)? แขวง ?\S+ เขต ?\S+ กรุงเทพมหานคร 1\d{4} ประเทศไทย")
OUTSIDE_ADDRESS = re.compile(r"\d+/\d+ ตำบล\S+ อำเภอ\S+ (จังหวัด)?(นนทบุรี|สมุทรปราการ) 1\d{4} ประเทศไทย")


def checksum_ok(national_id: str) -> bool:
    digits = [int(c) for c in national_id if c.isdigit()]
    total = sum(d * (13 - i) for i, d in enumerate(digits[:12]))
    return len(digits) == 13 and (11 - total % 11) % 10 == digits[12]


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[Path]:
    return write_traffy_pages(tmp_path_factory.mktemp("load"), TICKETS, PAGE_SIZE, seed=7, today=TODAY)


@pytest.fixture(scope="module")
def answers(pages) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in pages]


@pytest.fixture(scope="module")
def records(answers) -> list[dict]:
    return [r for answer in answers for r in answer["results"]]


def texts_with(records, pattern: re.Pattern) -> list[str]:
    return [r["description"] for r in records if pattern.search(r["description"])]


def test_one_search_answer_per_page(pages, answers):
    assert [p.name for p in pages] == ["page-00000.json", "page-00001.json", "page-00002.json"]
    for answer in answers:
        assert list(answer) == ["status", "total", "results"]
        assert answer["status"] == "success" and answer["total"] == TICKETS
        assert len(answer["results"]) == PAGE_SIZE
    assert "\\u0e" not in pages[0].read_text(encoding="utf-8")            # Thai written as UTF-8, not escaped


def test_records_have_the_share_api_shape(records):
    types, states = set(COMPLAINTS), {th for th, *_ in STATES}
    for r in records:
        assert list(r)[:8] == RECORD_KEYS and set(r) <= {*RECORD_KEYS, "org"}
        assert r["state"] in states
        assert set(r["problem_type_abdul"]) <= types | {"ความสะอาด", "ทางเท้า"}
        assert "org" not in r or (r["org"] and all(isinstance(o, str) and o for o in r["org"]))
        lon, lat = r["coords"]
        assert r["coords"] == ["n/a", "n/a"] or (re.fullmatch(r"\d+\.\d{5}", lon) and re.fullmatch(r"\d+\.\d{5}", lat))
        assert r["photo_url"].startswith("https://storage.googleapis.com/traffy_public_bucket/")
    type_counts = {len(r["problem_type_abdul"]) for r in records}
    assert {0, 1, 2} <= type_counts
    assert 0.2 < sum("org" in r for r in records) / TICKETS < 0.95


def test_ticket_ids_unique_and_well_formed(records):
    ids = [r["ticket_id"] for r in records if r["ticket_id"]]
    assert len(ids) == len(set(ids)) > 0.99 * TICKETS
    legacy = [r for r in records if LEGACY_ID.fullmatch(r["ticket_id"])]
    for r in records:
        if r["ticket_id"] and r not in legacy:
            year = NEW_ID.fullmatch(r["ticket_id"]).group(1)
            assert year == r["timestamp"][:4]                                # the year the ticket was filed
    assert 0.005 * TICKETS <= len(legacy) <= 0.02 * TICKETS
    assert all(r["description"].endswith("#1555") for r in legacy)


def test_newest_first_across_pages_within_the_year(records):
    moments = [datetime.fromisoformat(r["timestamp"]) for r in records]
    assert all(a >= b for a, b in zip(moments, moments[1:]))
    assert ANCHOR - timedelta(days=365) <= moments[-1] and moments[0] < ANCHOR
    assert moments[0] - moments[-1] > timedelta(days=300)                    # spread over the year
    assert all(pg_timestamp(m) == r["timestamp"] for m, r in zip(moments, records))   # the sample's text form
    assert {len(r["timestamp"]) for r in records} >= {22, 24, 26, 29}         # 0, 1, 3 and 6 fraction digits


def test_personal_data_in_a_plausible_share_of_texts(records):
    with_pii = [r for r in records if any(p.search(r["description"]) for p in PII.values())]
    assert 0.04 <= len(with_pii) / TICKETS <= 0.09
    for kind, pattern in PII.items():
        assert texts_with(records, pattern), f"no {kind} in any text"
    phones = [m.group(0) for t in texts_with(records, PII["mobile"]) for m in PII["mobile"].finditer(t)]
    assert {"-" in p for p in phones} == {True, False} and any(p.startswith("+66") for p in phones)


def test_national_ids_have_valid_check_digits(records):
    found = [m.group(0) for r in records for m in NATIONAL_ID.finditer(r["description"])]
    assert len(found) >= 5
    assert any("-" in n for n in found) and any("-" not in n for n in found)
    assert all(checksum_ok(n) for n in found), [n for n in found if not checksum_ok(n)]
    assert not checksum_ok("1234567890123") and checksum_ok("1-1017-00230-70-8")   # the check itself works


def test_records_a_parser_must_quarantine(records):
    no_id = [r for r in records if r["ticket_id"] == ""]
    no_coords = [r for r in records if r["coords"] == ["n/a", "n/a"]]
    assert no_id and no_coords
    assert len(no_id) + len(no_coords) <= 0.005 * TICKETS


def test_addresses_inside_and_just_outside_bangkok(records):
    addressed = [r for r in records if r["address"]]
    outside = [r for r in addressed if OUTSIDE_ADDRESS.fullmatch(r["address"])]
    inside = [r for r in addressed if BANGKOK_ADDRESS.fullmatch(r["address"])]
    assert len(outside) + len(inside) == len(addressed)
    assert 0.005 * TICKETS <= len(outside) <= 0.02 * TICKETS
    assert {"จังหวัดนนทบุรี", "จังหวัดสมุทรปราการ"} <= {w for r in outside for w in r["address"].split()}
    spaced = sum(" แขวง " in r["address"] for r in inside)
    assert 0.3 < spaced / len(inside) < 0.7                                   # "แขวง xxx" and "แขวงxxx"


def test_text_variety(records):
    plain = [r["description"] for r in records if not r["description"].endswith("#1555")]
    assert len(set(plain)) > 0.8 * len(plain)
    assert sum("\n" in t for t in plain) > 0.03 * len(plain)
    assert any("แจ้งมาหลายครั้งแล้ว" in t for t in plain) and any("ขอบคุณค่ะ" in t for t in plain)
    assert 0.03 < sum(bool(re.search("[\U0001F300-\U0001FAFF\u26A0]", t)) for t in plain) / len(plain) < 0.15
    assert any("<script>" in t or "<b>" in t or "<img" in t or "<a " in t for t in plain)


def test_same_seed_same_bytes_and_a_short_last_page(tmp_path):
    first = write_traffy_pages(tmp_path / "a", 2500, 1000, seed=3)
    again = write_traffy_pages(tmp_path / "b", 2500, 1000, seed=3)
    other = write_traffy_pages(tmp_path / "c", 2500, 1000, seed=4)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert first[0].read_bytes() != other[0].read_bytes()
    last = json.loads(first[-1].read_text(encoding="utf-8"))
    assert len(last["results"]) == 500 and last["total"] == 2500


def test_sensor_readings_file(tmp_path):
    path = tmp_path / "sensors.json"
    count = write_sensor_readings(path, sensors=40, readings_per_sensor=6, seed=7)
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    assert count == len(data) == 240
    assert len({d["id"] for d in data}) == count
    assert {d["sensor_profile"] for d in data} == set(range(501, 541))
    for d in data:
        assert list(d) == ["id", "sensor_profile", "flood_now", "flood_min", "flood_max", "timestamp", "interval"]
        assert d["interval"] == 300000
        if d["flood_now"] is None:
            assert d["timestamp"] is None
        else:
            assert re.fullmatch(r"2026-11-24 \d\d:\d\d:00", d["timestamp"])        # naive, UTC
            assert d["flood_min"] <= d["flood_now"] <= d["flood_max"]
    depths = [d["flood_now"] for d in data]
    assert None in depths and 0.0 in depths and max(v for v in depths if v is not None) >= 10
    first = path.read_bytes()
    write_sensor_readings(path, sensors=40, readings_per_sensor=6, seed=7)
    assert path.read_bytes() == first
