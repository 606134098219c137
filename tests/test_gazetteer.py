"""Gazetteer: reference tables, name matching, free-text mentions and point-in-polygon.

Checks against the partner samples in ../shared/data (the same path config/sources.yaml uses) are
skipped, with a reason, where that folder does not exist.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from hub.gazetteer import REFERENCE_DIR, Gazetteer, name_key

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"partner samples not present at {SHARED}")
ALL_DISTRICTS = {str(c) for c in range(1001, 1051)}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def gaz_bma() -> Gazetteer:
    if not SHARED.is_dir():
        pytest.skip(f"partner samples not present at {SHARED}")
    return Gazetteer.load(SHARED / "Bangkok-districts.geojson")


def _json(name: str):
    return json.loads((SHARED / name).read_text(encoding="utf-8"))


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# --- reference tables ------------------------------------------------------------------------------
def test_district_table(gaz):
    codes = [d.code for d in gaz.districts]
    assert len(codes) == 50 and set(codes) == ALL_DISTRICTS
    assert len({d.name_th for d in gaz.districts}) == 50
    assert len({d.portal_slug for d in gaz.districts}) == 50
    for d in gaz.districts:
        assert re.fullmatch(r"[a-z]+", d.portal_slug), d
        assert re.fullmatch(r"02-\d{3}-\d{4}", d.office_phone), d
        assert d.name_en and d.name_th
    assert gaz.district("1030").portal_slug == "chatuchak"  # the app copied Bang Sue's URL
    assert gaz.district("1029").portal_slug == "bangsue"
    assert gaz.district("1039").name_en == "Watthana"
    assert gaz.district("1021").office_phone == "02-283-4688"  # from "0-2283-4688-90"
    with pytest.raises(KeyError):
        gaz.district("1051")


def test_subdistrict_table(gaz):
    codes = [s.code for s in gaz.subdistricts]
    assert len(codes) == 180 and len(set(codes)) == 180
    for s in gaz.subdistricts:
        assert re.fullmatch(r"10\d{4}", s.code) and s.code[:4] == s.district_code, s
        assert s.district_code in ALL_DISTRICTS
        assert re.fullmatch(r"10\d{3}", s.postal_code), s
        assert s.name_en == s.name_en.strip() and s.name_th
    assert {s.district_code for s in gaz.subdistricts} == ALL_DISTRICTS
    assert gaz.subdistrict("102209").name_th == "ปากคลองภาษีเจริญ"  # BTS Bang Wa's geocode (PARTNER_FORMATS §3)


def test_alias_table_is_clean():
    rows = _csv(REFERENCE_DIR / "aliases.csv")
    assert rows and all(r["kind"] in {"district", "subdistrict"} and r["alias"] and r["note"] for r in rows)
    keys = [(r["kind"], r["code"], r["alias"]) for r in rows]
    assert len(keys) == len(set(keys))


@needs_shared
def test_tables_match_dopa_lists(gaz):
    dopa = {str(d["districtCode"]): d for d in _json("bkk_districts_thailand-geography-json.json")}
    assert set(dopa) == ALL_DISTRICTS
    aliases = {(r["code"], r["alias"]) for r in _csv(REFERENCE_DIR / "aliases.csv")}
    for d in gaz.districts:
        assert d.name_th == dopa[d.code]["districtNameTh"]
        # our romanisation is DOPA's, or DOPA's is recorded as an alias
        assert d.name_en == dopa[d.code]["districtNameEn"] or (d.code, dopa[d.code]["districtNameEn"]) in aliases
    subs = {str(s["subdistrictCode"]): s for s in _json("bkk_subdistricts_thailand-geography-json.json")}
    assert set(subs) == {s.code for s in gaz.subdistricts}
    for s in gaz.subdistricts:
        src = subs[s.code]
        assert (s.district_code, s.name_th, s.name_en, s.postal_code) == (
            str(src["districtCode"]), src["subdistrictNameTh"], src["subdistrictNameEn"].strip(), str(src["postalCode"]))


# --- name matching ---------------------------------------------------------------------------------
# PARTNER_FORMATS §1: code, DOPA list, BMA GIS, HDX
ROMANISATIONS = [
    ("1027", "Bung Kum", "Bueng Kum", "Bueng Kum"),
    ("1029", "Bang Su", "Bang Sue", "Bang Sue"),
    ("1049", "Thung Khu", "Thung khru", "Thung Khru"),
    ("1043", "Khanna Yao", "Khan Na Yao", "Khan Na Yao"),
    ("1037", "Rat Thewi", "Ratchathewi", "Ratchathewi"),
    ("1039", "Watthana", "Vadhana", "Vadhana"),
    ("1007", "Pathum Wan", "Parthum Wan", "Pathum Wan"),
    ("1034", "Suan Luang", "Suanluang", "Suan Luang"),
    ("1021", "Bang Khun Thian", "Bang Khun thain", "Bang Khun Thian"),
]
THAI_VARIANTS = [
    ("เขตราษฏร์บูรณะ", "1024"),           # BMA GIS: ฏ for ฎ
    ("ป้อมปราบศัตรูพ่า", "1008"),           # HDX: truncated
    ("เขตเขตบึงกุ่ม", "1027"),              # fastcall app: doubled prefix
    ("เเขตวัฒนา", "1039"),                 # fastcall app: doubled sara e
    ("ส\u0e4d\u0e32นักงานเขตพญาไท", "1014"),  # decomposed sara am + office prefix
    ("สาธร", "1028"),                      # rapee/opendata misspelling
    ("เขต ดุสิต", "1002"),
    ("กรุงเทพมหานคร เขตบางนา", None),        # not a bare name
]
SLUGS = [("pranakorn", "1001"), ("khlongsarn", "1018"), ("vadhana", "1039"), ("nongkhame", "1023"),
         ("saphan", "1044"), ("chatuchak", "1030"), ("https://webportal.bangkok.go.th/bangrak/coverpages", "1004"),
         ("https://webportal.bangkok.go.th/dusit?fbclid=IwAR2", "1002"), ("www.bangkok.go.th/sathon", "1028")]


@pytest.mark.parametrize("code,dopa,bma,hdx", ROMANISATIONS)
def test_partner_romanisations(gaz, code, dopa, bma, hdx):
    for name in (dopa, bma, hdx, dopa.upper(), f"Khet {bma}", f"{hdx} District"):
        assert gaz.match_district(name) == code, name


@pytest.mark.parametrize("name,code", THAI_VARIANTS + SLUGS)
def test_thai_variants_and_slugs(gaz, name, code):
    assert gaz.match_district(name) == code


def test_decomposed_sara_am_really_decomposed():
    assert "\u0e4d\u0e32" in THAI_VARIANTS[4][0] and name_key(THAI_VARIANTS[4][0]) == "พญาไท"


def test_every_alias_row_resolves(gaz):
    rows = _csv(REFERENCE_DIR / "aliases.csv")
    assert len(rows) >= 40
    for r in rows:
        if r["kind"] == "district":
            assert gaz.match_district(r["alias"]) == r["code"], r
        else:
            assert gaz.match_subdistrict(r["alias"], r["code"][:4]) == r["code"], r


@pytest.mark.parametrize("name", ["Bangkok", "กรุงเทพมหานคร", "เมืองพะเยา", "บางพลี", "Bang", "บาง", "", "1051", "TH1101"])
def test_unknown_names(gaz, name):
    assert gaz.match_district(name) is None


def test_codes_are_accepted(gaz):
    assert gaz.match_district("TH1039") == "1039" and gaz.match_district("1001") == "1001"
    assert gaz.match_subdistrict("100704") == "100704"


def test_every_district_name_resolves_to_itself(gaz):
    for d in gaz.districts:
        assert {gaz.match_district(n) for n in (d.name_th, d.name_en, d.portal_slug, "เขต" + d.name_th)} == {d.code}


def test_subdistricts(gaz):
    assert gaz.match_subdistrict("แขวงส\u0e4d\u0e32ราญราษฎร์") == "100104"  # decomposed sara am
    assert gaz.match_subdistrict("Silom") == gaz.match_subdistrict("Si Lom") == "100402"
    assert gaz.match_subdistrict("Lumpini") == "100704"
    assert gaz.match_subdistrict("บางลำพูล่าง") == gaz.match_subdistrict("บางลำภูล่าง") == "101803"
    # names that exist in two districts need the district
    assert gaz.match_subdistrict("บางจาก") is None
    assert gaz.match_subdistrict("บางจาก", "1009") == "100905"
    assert gaz.match_subdistrict("แขวงบางจาก", "1022") == "102206"
    assert gaz.match_subdistrict("Bang Mot", "1049") == "104901"
    assert gaz.match_subdistrict("บางกะปิ") == "101702"  # the khwaeng is in Huai Khwang
    assert gaz.match_subdistrict("ดุสิต", "1001") is None
    for s in gaz.subdistricts:
        assert gaz.match_subdistrict(s.name_th, s.district_code) == s.code
        assert gaz.match_subdistrict(s.name_en, s.district_code) == s.code


# --- partner samples ---------------------------------------------------------------------------------
@needs_shared
def test_nondopa_fixture_resolves_to_dopa_codes(gaz):
    rows = _csv(SHARED / "bkk_amphoe_rapee_opendata_NONDOPA_codes.csv")
    resolved = {r["id"]: gaz.match_district(r["name"]) for r in rows}
    for r in rows:
        assert gaz.match_district(r["name_en"]) == resolved[r["id"]], r
    assert set(resolved.values()) == ALL_DISTRICTS
    # PARTNER_FORMATS §1: its 1002 is ป้อมปราบศัตรูพ่าย, 1009 is ดุสิต, 1025 is หนองจอก
    assert (resolved["1009"], resolved["1002"], resolved["1025"]) == ("1002", "1008", "1003")
    differing = {i for i, code in resolved.items() if i != code}
    assert len(differing) == 36 and "1001" not in differing and "1050" not in differing


@needs_shared
def test_bma_gis_names_resolve():
    gaz = Gazetteer.load()
    features = _json("Bangkok-districts.geojson")["features"]
    assert len(features) == 50
    for f in features:
        p = f["properties"]
        assert gaz.match_district(p["dname"]) == gaz.match_district(p["dname_e"]) == str(p["dcode"]), p["dname_e"]


@needs_shared
def test_hdx_names_resolve(gaz):
    features = _json("bkk_adm2_hdx_simplified_mapthai.geojson")["features"]
    assert len(features) == 50
    for f in features:
        p = f["properties"]
        assert gaz.match_district(p["ADM2_TH"]) == gaz.match_district(p["ADM2_EN"]) == p["ADM2_PCODE"][2:], p["ADM2_EN"]


@needs_shared
def test_fastcall_app_list(gaz):
    rows = _csv(SHARED / "bkk_district_offices_web_phone_fastcall_app.csv")
    codes = [gaz.match_district(r["district_name_as_in_source"]) for r in rows]
    assert None not in codes and set(codes) == ALL_DISTRICTS
    assert any("เขตเขต" in r["district_name_as_in_source"] for r in rows)
    assert any("\u0e4d\u0e32" in r["facebook_page"] for r in rows)
    for r, code in zip(rows, codes):
        # the office page name ("สํานักงานเขตพญาไท", "dusitdistrict", "สำนักงานบางบอน") names the same district
        assert gaz.match_district(r["facebook_page"]) == code, r
        digits = re.sub(r"\D", "", r["phone"])
        assert gaz.district(code).office_phone.replace("-", "") == digits[:9], r
        url_code = gaz.match_district(r["web"])
        assert url_code == ("1029" if code == "1030" else code), r  # Chatuchak's URL is Bang Sue's


@needs_shared
def test_traffy_district_and_subdistrict_pairs(gaz):
    rows = _csv(SHARED / "traffy_teamchadchart_sample_200rows.csv")
    seen = 0
    for r in rows:
        district = gaz.match_district(r["district"])
        if r["province"] != "กรุงเทพมหานคร":
            assert district is None, r["district"]
            continue
        sub = gaz.match_subdistrict(r["subdistrict"], district)
        assert district and sub and gaz.subdistrict(sub).district_code == district, (r["district"], r["subdistrict"])
        seen += 1
    assert seen >= 190


# --- boundaries ----------------------------------------------------------------------------------------
KNOWN_POINTS = [
    ((100.4913, 13.7500), "1001"),  # Grand Palace
    ((100.5066, 13.7538), "1008"),  # Golden Mount
    ((100.5418, 13.7314), "1007"),  # Lumphini Park
    ((100.5540, 13.7990), "1030"),  # Chatuchak weekend market
    ((100.6067, 13.9126), "1036"),  # Don Mueang airport
    ((100.7501, 13.6900), None),    # Suvarnabhumi airport: Samut Prakan
    ((100.5500, 13.4000), None),    # Gulf of Thailand
    ((100.4000, 13.5200), None),    # Gulf, off Bang Khun Thian
]


def test_without_boundaries(gaz):
    assert not gaz.has_boundaries and gaz.boundaries_source is None
    assert gaz.district_at(100.4913, 13.7500) is None
    assert gaz.district_geometries() == {}


@pytest.mark.parametrize("boundaries", ["Bangkok-districts.geojson", "bkk_adm2_hdx_simplified_mapthai.geojson"])
@needs_shared
def test_point_in_polygon(boundaries):
    gaz = Gazetteer.load(SHARED / boundaries)
    assert gaz.has_boundaries and gaz.boundaries_source.endswith(boundaries)
    geoms = gaz.district_geometries()
    assert set(geoms) == ALL_DISTRICTS and all(g.is_valid and not g.is_empty for g in geoms.values())
    for (lon, lat), code in KNOWN_POINTS:
        assert gaz.district_at(lon, lat) == code, (lon, lat)
    sensors = _json("bma_flood_sensors_excerpt_bkk-flood-map.json")["sensors"]
    assert len(sensors) == 7
    for s in sensors:
        assert gaz.district_at(s["lo"], s["la"]) == gaz.match_district(s["district"]), s["code"]


def _square(x: float, y: float, props: dict) -> dict:
    ring = [[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_boundary_property_forms(tmp_path):
    path = tmp_path / "b.geojson"
    features = [_square(0, 0, {"dcode": 1001}), _square(1, 0, {"ADM2_PCODE": "TH1002"}),
                _square(5, 5, {"ADM2_PCODE": "TH1101"})]  # other province: ignored
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    gaz = Gazetteer.load(path)
    assert set(gaz.district_geometries()) == {"1001", "1002"}
    assert (gaz.district_at(0.5, 0.5), gaz.district_at(1.5, 0.5), gaz.district_at(5.5, 5.5)) == ("1001", "1002", None)
    assert gaz.district_at(1.0, 0.5) == "1001"  # shared border: lowest code
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [_square(0, 0, {"name": "x"})]}))
    with pytest.raises(ValueError, match="dcode"):
        Gazetteer.load(path)


# --- free text -------------------------------------------------------------------------------------------
TEXTS = [
    ("น้ำท่วมขังที่บางนา สูง 20 ซม.", ["1047"]),  # not บางนาเหนือ/บาง… districts
    ("รถติดหนักเขตป้อมปราบศัตรูพ่ายและบางขุนเทียน", ["1008", "1021"]),
    ("ถนนสาทรใต้ และ บางกอกน้อย", ["1028", "1020"]),
    ("บ้านอยู่ทวีวัฒนา", ["1048"]),  # not วัฒนา
    ("แขวงคลองเตยเหนือ เขตวัฒนา", ["1039"]),  # the khwaeng is not คลองเตย
    ("แขวงบางกะปิ เขตห้วยขวาง", ["1017"]),  # khwaeng บางกะปิ is not district บางกะปิ
    ("ต.ถนนพญาไท อ.ราชเทวี จ.กรุงเทพมหานคร", ["1037"]),  # DOH feed (Longdo excerpt)
    ("ลาดกระบัง 30/1 แขวงลาดกระบัง เขตลาดกระบัง กรุงเทพมหานคร", ["1011"]),
    ("ไฟดับ เขตราษฏร์บูรณะ กับ เขตส\u0e4d\u0e32โรง", ["1024"]),  # misspelling; สำโรง is not in Bangkok
    ("Flooding in Bang Khun Thian, Bang Na and Pom Prap Sattru Phai; Bangkok stays wet.", ["1021", "1047", "1008"]),
    ("Traffic on Sathorn Road and in Thonburi, Bangkok Noi district", ["1028", "1015", "1020"]),
    ("Khwaeng Bang Kapi, Huai Khwang District", ["1017"]),
    ("Saphan Taksin pier and Bang Rak", ["1004"]),  # a slug ("saphan") is not a name
    ("Ladkrabang and Jatujak", ["1011", "1030"]),
    ("บางซื่อจตุจักรดุสิตบางซื่อ", ["1029", "1030", "1002"]),  # no spaces, repeated mention
    ("ไม่มีชื่อเขตในประโยคนี้ Bang", []),
]


@pytest.mark.parametrize("text,codes", TEXTS)
def test_find_districts_in_text(gaz, text, codes):
    assert gaz.find_districts_in_text(text) == codes


@needs_shared
def test_find_districts_in_longdo_descriptions(gaz):
    items = _json("longdo_events_flood_excerpt_bkk-flood-map.json")["items"]
    found = [gaz.find_districts_in_text(i["description"]) for i in items]
    assert found[0] == ["1011"] and found[2] == ["1037"] and found[3] == ["1042"]
