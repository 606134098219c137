"""Hand-edited reference data: important phone numbers and how-to guides (scrapers/reference_data.py)."""
from __future__ import annotations

import csv
import hashlib
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest
import yaml

from hub.gazetteer import Gazetteer
from hub.warehouse import replace_rows
from quality import suites_reference
from quality.gx_validation import validate_frame
from scrapers.reference_data import (CATEGORIES, CONTACT_COLUMNS, CONTACTS_PATH, GUIDE_COLUMNS, GUIDES_PATH,
                                     ReferenceDataError, content_sha256, contacts_frame, district_offices_yaml,
                                     guides_frame, load_contacts, load_guides, normalize_phone)

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FASTCALL_CSV = SHARED_DATA / "bkk_district_offices_web_phone_fastcall_app.csv"


@pytest.fixture(scope="module")
def contacts() -> list[dict]:
    return load_contacts()


@pytest.fixture(scope="module")
def guides(contacts) -> list[dict]:
    return load_guides(contacts=contacts)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


# --- the files as committed --------------------------------------------------------------------
def test_both_files_validate(contacts, guides):
    assert len(contacts) >= 60
    assert len(guides) >= 10
    assert {c["category"] for c in contacts} <= set(CATEGORIES)
    assert all(set(c) == set(CONTACT_COLUMNS) for c in contacts)
    assert all(set(g) == set(GUIDE_COLUMNS) for g in guides)
    assert all(isinstance(c["verified_on"], date) for c in contacts)
    assert all(isinstance(g["updated_on"], date) for g in guides)


def test_fifty_district_offices_match_the_gazetteer(contacts, gazetteer):
    offices = [c for c in contacts if c["category"] == "district_office"]
    codes = [c["district_code"] for c in offices]
    assert len(offices) == 50
    assert sorted(codes) == [str(code) for code in range(1001, 1051)]
    for office in offices:
        district = gazetteer.district(office["district_code"])
        assert office["contact_id"] == f"district-office-{district.code}"
        assert office["name_th"] == f"สำนักงานเขต{district.name_th}"
        assert office["name_en"] == f"{district.name_en} District Office"
    assert all(c["district_code"] is None for c in contacts if c["category"] != "district_office")


def test_widely_published_national_numbers_are_present(contacts):
    by_dial = {c["dial"]: c for c in contacts}
    for number, category in {"191": "emergency", "1669": "emergency", "199": "emergency", "1784": "emergency",
                             "1555": "hotline", "1130": "utility", "1125": "utility", "1197": "transport",
                             "1155": "tourism", "1193": "transport", "1300": "hotline", "1323": "health"}.items():
        assert by_dial[number]["category"] == category, number
        assert by_dial[number]["phone"] == number


def test_every_phone_parses_as_a_thai_number(contacts):
    for c in contacts:
        assert re.fullmatch(r"[1-9]\d{2,3}|0\d{8,9}", c["dial"]), c["contact_id"]
        assert normalize_phone(c["dial"]) == (c["phone"], c["dial"]), c["contact_id"]
        assert normalize_phone(c["phone"]) == (c["phone"], c["dial"]), c["contact_id"]
    assert all(c["dial"].startswith("02") and len(c["dial"]) == 9
               for c in contacts if c["category"] == "district_office")


def _is_http(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and not re.search(r"[\s<>\"'`]", url)


def test_every_url_is_http(contacts, guides):
    urls = [c["source"] for c in contacts]
    for g in guides:
        urls += [u for u in (g["online_url"], g["queue_booking_url"]) if u is not None] + g["sources"]
    assert len(urls) > 80
    assert [u for u in urls if not _is_http(u)] == []


def test_ids_are_unique_slugs(contacts, guides):
    for ids in ([c["contact_id"] for c in contacts], [g["guide_id"] for g in guides]):
        assert len(ids) == len(set(ids))
        assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", i) for i in ids)


def test_related_contact_ids_resolve(contacts, guides):
    known = {c["contact_id"] for c in contacts}
    related = [cid for g in guides for cid in g["related_contact_ids"]]
    assert related and set(related) <= known


def test_guides_are_complete_and_honest(guides):
    for g in guides:
        assert g["steps"] and all(s["th"].strip() and s["en"].strip() for s in g["steps"]), g["guide_id"]
        assert g["fee_thb"] is None or g["fee_thb"] >= 0
        if g["fee_thb"] is None:
            assert g["fee_note_th"] and g["fee_note_en"], g["guide_id"]
        if not g["verified"]:
            assert g["review_note"], f"{g['guide_id']}: unverified guides must say what to check"
    for text in (yaml.safe_dump(g, allow_unicode=True) for g in guides):
        assert "<" not in text and "javascript:" not in text.lower()


def test_provenance_of_every_contact(contacts):
    for c in contacts:
        assert _is_http(c["source"]) and c["verified_on"] <= date(2100, 1, 1)
    offices = [c for c in contacts if c["category"] == "district_office"]
    # The office numbers come from a student app: they may not be published as verified.
    assert not any(c["verified"] for c in offices)


# --- phone normalisation -----------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("02-281-5370", ("+66 2 281 5370", "022815370")),
    ("0-2294-2393", ("+66 2 294 2393", "022942393")),
    ("02-3818930", ("+66 2 381 8930", "023818930")),
    ("  02-424-1415 ", ("+66 2 424 1415", "024241415")),
    ("+66 2 281 5370", ("+66 2 281 5370", "022815370")),
    ("(02) 2815370", ("+66 2 281 5370", "022815370")),
    ("๐๒-๒๘๑-๕๓๗๐", ("+66 2 281 5370", "022815370")),
    ("081-234-5678", ("+66 81 234 5678", "0812345678")),
    ("053-123-456", ("+66 53 123 456", "053123456")),
    ("1555", ("1555", "1555")),
    ("191", ("191", "191")),
])
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["0-2283-4688-90", "12", "12345", "0123", "02-281-537", "041-234-5678",
                                 "javascript:alert(1)", ""])
def test_normalize_phone_rejects(raw):
    with pytest.raises(ValueError):
        normalize_phone(raw)


# --- broken copies -----------------------------------------------------------------------------
def _write(tmp_path: Path, name: str, doc: dict) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _doc(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _contact(doc: dict, contact_id: str) -> dict:
    return next(c for c in doc["contacts"] if c["contact_id"] == contact_id)


def _guide(doc: dict, guide_id: str) -> dict:
    return next(g for g in doc["guides"] if g["guide_id"] == guide_id)


CONTACT_BREAKAGES = {
    "missing field": (lambda d: _contact(d, "mea-1130").pop("source"), "mea-1130", "source"),
    "bad url": (lambda d: _contact(d, "mea-1130").update(source="www.mea.or.th"), "mea-1130", "source"),
    "javascript url": (lambda d: _contact(d, "bma-hotline-1555").update(source="javascript:alert(1)"),
                       "bma-hotline-1555", "source"),
    "unquoted number": (lambda d: _contact(d, "district-office-1005").update(dial=25210666),
                        "district-office-1005", "dial"),
    "phone and dial disagree": (lambda d: _contact(d, "district-office-1005").update(phone="+66 2 521 0667"),
                                "district-office-1005", "phone"),
    "bad category": (lambda d: _contact(d, "fire-199").update(category="fire"), "fire-199", "category"),
    "markup in text": (lambda d: _contact(d, "fire-199").update(name_en='<img src=x onerror="alert(1)">'),
                       "fire-199", "name_en"),
    "office without district": (lambda d: _contact(d, "district-office-1050").update(district_code=None),
                                "district-office-1050", "district_code"),
    "second office for a district": (lambda d: _contact(d, "district-office-1050").update(district_code="1049"),
                                     "district-office-1049", "district_code"),
    "bad date": (lambda d: _contact(d, "fire-199").update(verified_on="2026-02-30"), "fire-199", "verified_on"),
    "typo in a field name": (lambda d: _contact(d, "fire-199").update(sorce="https://example.org/"),
                             "fire-199", "sorce"),
    "duplicate id": (lambda d: d["contacts"].append(dict(_contact(d, "fire-199"))), "fire-199", "contact_id"),
}


@pytest.mark.parametrize("breakage", list(CONTACT_BREAKAGES))
def test_broken_contacts_copy_raises_with_entry_and_field(tmp_path, breakage):
    mutate, entry_id, field = CONTACT_BREAKAGES[breakage]
    doc = _doc(CONTACTS_PATH)
    mutate(doc)
    path = _write(tmp_path, "contacts.yaml", doc)
    with pytest.raises(ReferenceDataError) as info:
        load_contacts(path)
    assert (info.value.entry_id, info.value.field) == (entry_id, field)
    assert str(path) in str(info.value) and repr(entry_id) in str(info.value)


GUIDE_BREAKAGES = {
    "missing field": (lambda d: _guide(d, "birth-registration").pop("where_en"), "birth-registration", "where_en"),
    "missing translation of a step": (lambda d: _guide(d, "id-card")["steps"][1].pop("en"), "id-card", "steps[1].en"),
    "bad url": (lambda d: _guide(d, "traffy-fondue-report").update(online_url="traffy.in.th"),
                "traffy-fondue-report", "online_url"),
    "javascript url": (lambda d: _guide(d, "id-card").update(queue_booking_url="javascript:alert(document.cookie)"),
                       "id-card", "queue_booking_url"),
    "javascript source": (lambda d: _guide(d, "id-card")["sources"].append("JavaScript:alert(1)"),
                          "id-card", "sources[2]"),
    "script in a step": (lambda d: _guide(d, "id-card")["steps"][0].update(th="<script>alert(1)</script>"),
                         "id-card", "steps[0].th"),
    "negative fee": (lambda d: _guide(d, "id-card").update(fee_thb=-100), "id-card", "fee_thb"),
    "unexplained unknown fee": (lambda d: _guide(d, "id-card").update(fee_thb=None, fee_note_en=None),
                                "id-card", "fee_note_en"),
    "unverified without review note": (lambda d: _guide(d, "id-card").pop("review_note"), "id-card", "review_note"),
    "unknown related contact": (lambda d: _guide(d, "id-card")["related_contact_ids"].append("no-such-contact"),
                                "id-card", "related_contact_ids"),
    "duplicate id": (lambda d: d["guides"].append(dict(_guide(d, "id-card"))), "id-card", "guide_id"),
}


@pytest.mark.parametrize("breakage", list(GUIDE_BREAKAGES))
def test_broken_guides_copy_raises_with_entry_and_field(tmp_path, breakage, contacts):
    mutate, entry_id, field = GUIDE_BREAKAGES[breakage]
    doc = _doc(GUIDES_PATH)
    mutate(doc)
    path = _write(tmp_path, "guides.yaml", doc)
    with pytest.raises(ReferenceDataError) as info:
        load_guides(path, contacts)
    assert (info.value.entry_id, info.value.field) == (entry_id, field)
    assert repr(entry_id) in str(info.value)


def test_hand_edit_with_javascript_link_is_caught_in_the_raw_text(tmp_path):
    """The way an editor would break it: a text edit, not a round trip through the YAML library."""
    text = GUIDES_PATH.read_text(encoding="utf-8")
    assert text.count("online_url: https://www.traffy.in.th/") >= 1
    broken = tmp_path / "guides.yaml"
    broken.write_text(text.replace("online_url: https://www.traffy.in.th/", "online_url: javascript:void(0)", 1),
                      encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"entry 'bulky-waste-pickup', field 'online_url'"):
        load_guides(broken)


def test_unquoted_leading_zero_number_is_rejected(tmp_path):
    text = CONTACTS_PATH.read_text(encoding="utf-8")
    broken = tmp_path / "contacts.yaml"
    # 022345311 has only octal digits, so YAML 1.1 would silently read it as 9816777.
    broken.write_text(text.replace('dial: "022345311"', "dial: 022345311", 1), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="quote") as info:
        load_contacts(broken)
    assert (info.value.entry_id, info.value.field) == ("district-office-1002", "dial")


def test_not_yaml_and_wrong_shape(tmp_path):
    bad = tmp_path / "contacts.yaml"
    bad.write_text("contacts: [unclosed\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="not valid YAML"):
        load_contacts(bad)
    bad.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError) as info:
        load_contacts(bad)
    assert info.value.entry_id is None
    with pytest.raises(ReferenceDataError, match="cannot read"):
        load_contacts(tmp_path / "missing.yaml")


def test_error_lists_every_problem(tmp_path):
    doc = _doc(CONTACTS_PATH)
    _contact(doc, "fire-199").update(source="javascript:alert(1)")
    _contact(doc, "police-191").pop("name_th")
    with pytest.raises(ReferenceDataError) as info:
        load_contacts(_write(tmp_path, "contacts.yaml", doc))
    assert {(e, f) for e, f, _ in info.value.problems} == {("fire-199", "source"), ("police-191", "name_th")}


# --- frames, warehouse, quality ----------------------------------------------------------------
@pytest.fixture(scope="module")
def frames():
    return contacts_frame(), guides_frame()


def test_frames_have_the_declared_columns(frames, contacts, guides):
    contacts_df, guides_df = frames
    assert list(contacts_df.columns) == list(CONTACT_COLUMNS) and len(contacts_df) == len(contacts)
    assert list(guides_df.columns) == list(GUIDE_COLUMNS) and len(guides_df) == len(guides)
    first = guides_df.iloc[0]
    assert first["steps"].startswith('[{"th": ') and "ฝ่ายทะเบียน" in first["steps"]  # JSON keeps Thai readable
    assert guides_df["fee_thb"].isna().sum() == sum(g["fee_thb"] is None for g in guides)


def test_frames_load_into_duckdb_with_the_declared_types(frames, tmp_path):
    contacts_df, guides_df = frames
    con = duckdb.connect(str(tmp_path / "reference.duckdb"))
    con.execute("CREATE SCHEMA ref")
    assert replace_rows(con, "ref.contacts", contacts_df, CONTACT_COLUMNS) == len(contacts_df)
    assert replace_rows(con, "ref.guides", guides_df, GUIDE_COLUMNS) == len(guides_df)
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = 'guides'").fetchall())
    assert types == GUIDE_COLUMNS
    steps, related, fee = con.execute(
        "SELECT json_array_length(steps), related_contact_ids, fee_thb FROM ref.guides WHERE guide_id = 'pet-registration'"
    ).fetchone()
    assert steps >= 3 and related == ["bma-hotline-1555"] and fee is None
    offices = con.execute("SELECT count(DISTINCT district_code) FROM ref.contacts WHERE category = 'district_office'")
    assert offices.fetchone()[0] == 50
    con.close()


def test_gx_suites_pass_on_the_frames(frames):
    contacts_df, guides_df = frames
    assert validate_frame("reference_contacts", contacts_df, suites_reference.contacts()).success
    assert validate_frame("reference_guides", guides_df, suites_reference.guides()).success


def test_gx_suites_catch_bad_rows(frames):
    contacts_df, guides_df = frames
    bad_contacts = contacts_df[contacts_df["district_code"] != "1050"].copy()  # an office went missing
    outcome = validate_frame("reference_contacts_bad", bad_contacts, suites_reference.contacts())
    assert not outcome.success
    assert {f["column"] for f in outcome.failures} == {"district_code"}
    bad_guides = guides_df.copy()
    bad_guides.loc[0, "online_url"] = "javascript:alert(1)"
    bad_guides.loc[1, "summary_en"] = "<b>bold</b>"
    outcome = validate_frame("reference_guides_bad", bad_guides, suites_reference.guides())
    assert {f["column"] for f in outcome.failures} == {"online_url", "summary_en"}


# --- provenance and the generator --------------------------------------------------------------
def test_content_sha256_tracks_the_bytes(tmp_path):
    digests = content_sha256()
    assert digests == {"contacts": hashlib.sha256(CONTACTS_PATH.read_bytes()).hexdigest(),
                       "guides": hashlib.sha256(GUIDES_PATH.read_bytes()).hexdigest()}
    copy = tmp_path / "guides.yaml"
    copy.write_bytes(GUIDES_PATH.read_bytes() + b"\n# reviewed\n")
    changed = content_sha256(guides_path=copy)
    assert changed["contacts"] == digests["contacts"] and changed["guides"] != digests["guides"]


def test_district_office_generator_output_validates(tmp_path, gazetteer):
    path = tmp_path / "contacts.yaml"
    path.write_text("schema_version: 1\ncontacts:\n" + district_offices_yaml(gazetteer), encoding="utf-8")
    generated = load_contacts(path)
    assert [c["district_code"] for c in generated] == [d.code for d in sorted(gazetteer.districts, key=lambda d: d.code)]
    assert '"022815370"' in path.read_text(encoding="utf-8")  # numbers are written quoted


@pytest.mark.skipif(not FASTCALL_CSV.exists(), reason="needs ../shared/data")
def test_district_phones_agree_with_the_real_source(contacts, gazetteer):
    """Every office number is the fastcall app's number (first of a range), whatever its spelling there."""
    offices = {c["district_code"]: c for c in contacts if c["category"] == "district_office"}
    with FASTCALL_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 50
    seen = set()
    for row in rows:
        code = gazetteer.match_district(row["district_name_as_in_source"])
        raw = re.sub(r"^(.*-\d{4})-\d{2}$", r"\1", row["phone"].strip())  # "0-2283-4688-90" -> first number
        assert normalize_phone(raw)[1] == offices[code]["dial"], row
        seen.add(code)
    assert seen == set(offices)
