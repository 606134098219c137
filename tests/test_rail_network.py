"""reference/rail and hub.rail_network: ids, names and districts, and station/line mentions in free text."""
from __future__ import annotations

import csv
import re

import pytest

from hub.gazetteer import Gazetteer
from hub.rail_network import REFERENCE_DIR, RailNetwork
from tests.conftest import BOUNDARIES, SHARED_DATA

NET = RailNetwork.load()
GAZ = Gazetteer.load()
NAMTANG = SHARED_DATA / "gtfs_namtang_otp"
QUOTED_ROW = re.compile(r'^"[^"]*"(?:,"[^"]*")*$')


def test_reference_has_the_six_lines_and_their_stations():
    assert {r: (NET.routes[r].short, NET.routes[r].operator) for r in NET.routes} == {
        "1": ("Sukhumvit", "BTSC"), "2": ("Silom", "BTSC"), "2025": ("Gold", "BTSC"),
        "3": ("Blue", "BEM"), "4": ("Purple", "BEM"), "5": ("ARL", "SRTET")}
    sizes = {r: len(NET.route_sequence(r)) for r in NET.routes}
    assert sizes == {"1": 47, "2": 14, "2025": 3, "3": 38, "4": 16, "5": 8}
    assert len(NET.stations) == 124          # Siam and Tao Poon are shared by two lines
    assert NET.stations["12"].route_ids == ("1", "2") and NET.stations["331"].route_ids == ("3", "4")


def test_files_are_gtfs_shaped_with_every_field_quoted():
    for name in ("stops.txt", "routes.txt"):
        lines = (REFERENCE_DIR / name).read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith(("stop_id,stop_name,stop_lat,stop_lon", "route_id,agency_id,route_short_name"))
        assert all(QUOTED_ROW.match(line) for line in lines[1:]), name
    with (REFERENCE_DIR / "stops.txt").open(encoding="utf-8") as f:
        names = [row["stop_name"] for row in csv.DictReader(f)]
    assert all(re.fullmatch(r"(BTS|MRT|ARL) [^;]*[\u0e00-\u0e7f][^;]*;\1 [A-Za-z0-9 .'-]+", n) for n in names)


def test_stations_have_codes_coordinates_and_bangkok_districts():
    district_codes = {d.code for d in GAZ.districts}
    for s in NET.stations.values():
        assert 13.4 < s.lat < 14.0 and 100.3 < s.lon < 101.0, s
        assert s.district_code == "" or s.district_code in district_codes, s
        assert s.subdistrict_code == "" or s.subdistrict_code[:4] == s.district_code, s
    named = {NET.stations[i].name_en: NET.stations[i].district_code for i in ("12", "1", "331", "14", "13843", "326")}
    assert named == {"Siam": "1007", "Bang Wa": "1022", "Tao Poon": "1029",
                     "Samrong": "", "Khu Khot": "", "Suvarnabhumi Airport": ""}   # last three are outside Bangkok
    assert sum(1 for s in NET.stations.values() if s.district_code) == 100


def test_operator_codes_and_line_codes_map_to_gtfs_ids():
    assert NET.station_by_code("BL10").stop_id == "331" == NET.station_by_code("pp16").stop_id
    assert NET.station_by_code("CEN").stop_id == "12" and NET.station_by_code("N8").stop_id == "37"
    assert NET.station_by_code("BL99") is None
    assert NET.route_by_line_code("BL").route_id == "3" and NET.route_by_line_code("PP").route_id == "4"
    assert NET.route_by_line_code("XX") is None
    assert NET.segment("2", "5", "1") == ["5", "4", "3", "2", "1"]
    assert NET.segment("1", "37", "12")[0] == "37" and len(NET.segment("1", "37", "12")) == 8  # N8…N1 without N6, CEN


@pytest.mark.parametrize("stop_id", sorted(NET.stations))
def test_every_station_name_matches_back_to_its_stop(stop_id):
    station = NET.stations[stop_id]
    mode = {"BTSC": "BTS", "BEM": "MRT", "SRTET": "ARL"}[NET.routes[station.route_ids[0]].operator]
    for name in station.names:
        assert stop_id in NET.match_stations(name), name
        assert NET.match_stations(name, route_id=station.route_ids[0]) == [stop_id], name
        with_mode = NET.match_stations(f"{mode} {name}")       # only stops of that mode's operator
        assert stop_id in with_mode and {NET.routes[NET.stations[s].route_ids[0]].operator for s in with_mode} == {
            NET.routes[station.route_ids[0]].operator}, name
        assert stop_id in NET.match_stations(f"ปิดให้บริการสถานี{name}ชั่วคราว"), name


@pytest.mark.parametrize("text,expected", [
    ("Mo Chit", ["37"]), ("Morchit", ["37"]), ("MOCHIT", ["37"]), ("Mo-Chit", ["37"]), ("สถานีหมอชิต", ["37"]),
    ("Asok", ["25"]), ("Asoke", ["25"]), ("BTS อโศก", ["25"]),
    ("Siam", ["12"]), ("สถานี สยาม", ["12"]), ("Siam station", ["12"]),
    ("Sukhumvit", ["341"]), ("MRT Sukhumvit station", ["341"]), ("สถานีสุขุมวิท", ["341"]),
    ("Sukhumvit Line", []), ("สายสุขุมวิท", []), ("Sukhumvit Road", []), ("ถนนสุขุมวิท", []), ("BTS Sukhumvit", []),
    ("Silom station", ["329"]), ("Silom Line", []), ("สายสีลม", []), ("ถนนสีลม", []), ("ถ.สีลม", []),
    ("Khlong Bang Phai", ["348"]), ("คลองบางไผ่", ["348"]), ("บางไผ่", ["13632"]),
    ("Ha Yaek Lat Phrao", ["13612"]), ("ห้าแยกลาดพร้าว", ["13612"]), ("ลาดพร้าว", ["340"]),
    ("Phahon Yothin 24", ["13638"]), ("Phahon Yothin", ["339"]),
    ("Bang Wa", ["1", "13633"]), ("BTS Bang Wa", ["1"]), ("MRT บางหว้า", ["13633"]),
    ("Airport Rail Link Phaya Thai", ["321"]), ("Gold Line Krung Thon Buri", ["13834"]),
    ("โรงเรียนนานาชาติ", []), ("ใกล้สถานีนานา", ["26"]), ("bearing in mind", []), ("Bearing", ["15"]),
    ("เขตบางนา", []), ("Rama 9", ["350"]), ("พระรามเก้า", ["350"]), ("สถานีจรัญฯ 13", ["13649"]),
])
def test_station_mentions(text, expected):
    assert NET.match_stations(text) == expected


def test_a_name_the_tokenizer_cuts_is_still_found():
    # newmm reads "สายหยุดชั่วคราว" as สาย | หยุดชั่วคราว ("temporarily stopped"): the substring pass finds Sai Yud.
    assert NET.match_stations("ปิดให้บริการสถานีสายหยุดชั่วคราว") == ["13838"]
    assert NET.match_stations("สายหยุด") == ["13838"]


def test_stations_in_a_sentence_in_order_of_mention():
    text = ("Due to a technical fault at Siam station, trains on the Sukhumvit Line are delayed; "
            "ผู้โดยสารโปรดใช้สถานีชิดลมหรือสถานีอโศกแทน")
    assert NET.match_stations(text) == ["12", "28", "25"]
    assert NET.match_stations(text, route_id="2") == ["12"]
    assert NET.match_stations("Bang Wa and Tha Phra", operator="BEM") == ["13633", "13628"]


@pytest.mark.parametrize("text,line,lines", [
    ("trains on the Sukhumvit Line are delayed", "1", ["1"]),
    ("ขบวนรถไฟฟ้าสายสีลมล่าช้า", "2", ["2"]),
    ("BTS Sukhumvit and Silom lines", None, ["1", "2"]),
    ("รถไฟฟ้าสายสุขุมวิทและสายสีลม", None, ["1", "2"]),
    ("the Green Line", None, ["1", "2"]),
    ("Light Green Line", "1", ["1"]),
    ("MRT Blue Line", "3", ["3"]), ("สายเฉลิมรัชมงคล", "3", ["3"]), ("รถไฟฟ้าสายสีม่วง", "4", ["4"]),
    ("Airport Rail Link", "5", ["5"]), ("ARL delays", "5", ["5"]), ("Gold Line", "2025", ["2025"]),
    ("Siam station", None, []), ("Sukhumvit Road", None, []), ("มาสาย", None, []),
])
def test_line_mentions(text, line, lines):
    assert NET.match_line(text) == line
    assert NET.match_lines(text) == lines


# --- the Namtang sample (../shared/data) ------------------------------------------------------------

def _gtfs(name: str) -> dict[str, dict[str, str]]:
    with (NAMTANG / name).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {r.get("stop_id") or r["route_id"]: r for r in rows}


@pytest.mark.skipif(not NAMTANG.exists(), reason="../shared/data absent")
def test_ids_names_and_coordinates_agree_with_namtang():
    stops, routes = _gtfs("stops_rail_brt.txt"), _gtfs("routes_rail_boat.txt")
    with (REFERENCE_DIR / "stops.txt").open(encoding="utf-8") as f:
        ours = {r["stop_id"]: r for r in csv.DictReader(f)}
    for stop_id, row in ours.items():
        theirs = stops[stop_id]
        assert (row["stop_lat"], row["stop_lon"]) == (theirs["stop_lat"], theirs["stop_lon"]), stop_id
        mode = theirs["stop_name"].split(" ", 1)[0]
        assert row["stop_name"].startswith(mode + " "), stop_id
        for name in theirs["stop_name"].split(";"):           # every Namtang spelling finds our stop
            assert stop_id in NET.match_stations(name), (stop_id, name)
    for route_id, route in NET.routes.items():
        theirs = routes[route_id]
        assert (route.operator, route.short, str(route.route_type)) == (
            theirs["agency_id"], theirs["route_short_name"], theirs["route_type"])


@pytest.mark.skipif(not NAMTANG.exists(), reason="../shared/data absent")
def test_districts_come_from_the_namtang_khwaeng_geocode():
    with (NAMTANG / "namtang-stop_rail_sample.txt").open(encoding="utf-8") as f:
        geocode = {str(int(r[0].lstrip("N"))): r[16] for r in csv.reader(f, skipinitialspace=True, quotechar="'")}
    for s in NET.stations.values():
        code = geocode[s.stop_id]
        assert s.district_code == (code[:4] if code.startswith("10") else ""), s.stop_id


@pytest.mark.skipif(not BOUNDARIES.exists(), reason="../shared/data absent")
def test_districts_mostly_agree_with_the_boundary_polygons():
    gaz = Gazetteer.load(BOUNDARIES)
    in_bangkok = [s for s in NET.stations.values() if s.district_code]
    disagree = {s.stop_id for s in in_bangkok if gaz.district_at(s.lon, s.lat) != s.district_code}
    assert disagree == {"13839", "13841"}        # on Phahon Yothin Road, the district border (SOURCES.md)
    outside = [s.stop_id for s in NET.stations.values() if not s.district_code and gaz.district_at(s.lon, s.lat)]
    assert outside == []
