"""CAP 1.2, GTFS-realtime and GeoJSON writers on hand-made alerts, each output through its external
validator (tests/published_validators.py); and proof that those validators reject broken files."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from lxml import etree

from publish import cap, gtfs_rt
from publish.geojson import feature, feature_collection, geometry
from tests import published_validators as v
from tests.conftest import SHARED_SCHEMAS

BKK = timezone(timedelta(hours=7))
T0 = datetime(2026, 11, 28, 9, 0, tzinfo=BKK)
SQUARE_CW = json.dumps({"type": "Polygon", "coordinates": [[[100.50, 13.70], [100.50, 13.75], [100.55, 13.75],
                                                            [100.55, 13.70], [100.50, 13.70]]]})
needs_cap_xsd = pytest.mark.skipif(not (SHARED_SCHEMAS / "cap12.xsd").exists(), reason="../shared/schemas absent")


def make_cap(**overrides) -> cap.CapAlert:
    fields = dict(alert_id="a1b2c3", version=1, msg_type="Alert", sent=T0 - timedelta(hours=1),
                  category="water_outage", urgency="Future", severity="Moderate", certainty="Likely",
                  headline_th="น้ำประปาไม่ไหล · จตุจักร", headline_en="Water outage · Chatuchak",
                  description_th="ซ่อมท่อ <script>alert(1)</script>", description_en="Pipe repair",
                  starts_at=T0, ends_at=T0 + timedelta(hours=6), geometry=SQUARE_CW, district_codes=("1030",),
                  area_th="เขตจตุจักร กรุงเทพมหานคร", area_en="Chatuchak, Bangkok", web="https://www.mwa.co.th/x",
                  sources=("mwa_outages",), confidence="official_agency")
    fields.update(overrides)
    return cap.CapAlert(**fields)


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


NS = {"c": cap.NS}


def test_cap_message_has_both_languages_offsets_and_a_closed_polygon(tmp_path):
    body = cap.render(make_cap(), "sender@test", "Test sender")
    root = etree.fromstring(body)
    assert [i.findtext("c:language", namespaces=NS) for i in root.findall("c:info", NS)] == ["th-TH", "en-US"]
    assert root.findtext("c:sent", namespaces=NS) == "2026-11-28T08:00:00+07:00"
    polygon = root.findtext("c:info/c:area/c:polygon", namespaces=NS).split()
    assert polygon[0] == polygon[-1] and len(polygon) == 5 and polygon[0] == "13.700000,100.500000"   # lat,lon
    assert [g.findtext("c:value", namespaces=NS) for g in root.iterfind(".//c:geocode", NS)] == ["1030", "1030"]
    assert b"<script>" not in body                      # the partner's text is escaped, never markup
    v.check_cap(_write(tmp_path, "v1/alerts/cap/x.xml", body))


def test_points_stations_and_lines_become_circles():
    polygons, circles = cap.area_shapes(json.dumps({"type": "Point", "coordinates": [100.5, 13.75]}))
    assert polygons == [] and circles == ["13.750000,100.500000 0.5"]
    _, circles = cap.area_shapes(json.dumps({"type": "MultiPoint", "coordinates": [[100.5, 13.7], [100.6, 13.8]]}))
    assert len(circles) == 2 and circles[1].endswith(" 0.3")
    _, circles = cap.area_shapes(json.dumps({"type": "LineString", "coordinates": [[100.50, 13.70], [100.52, 13.70]]}))
    centre, radius = circles[0].split()
    assert centre == "13.700000,100.510000" and 1.0 <= float(radius) <= 1.2        # covers the 2.2 km road
    # an open ring is closed; a ring too short to be a polygon is dropped
    open_ring = json.dumps({"type": "Polygon", "coordinates": [[[100.5, 13.7], [100.5, 13.8], [100.6, 13.8]]]})
    assert cap.area_shapes(open_ring)[0][0].split()[-1] == "13.700000,100.500000"
    assert cap.area_shapes(json.dumps({"type": "Polygon", "coordinates": [[[100.5, 13.7], [100.6, 13.8]]]})) == ([], [])


@needs_cap_xsd
def test_update_and_cancel_reference_the_earlier_messages(tmp_path):
    earlier = ((cap.identifier("a1b2c3", 1), T0 - timedelta(hours=3)),)
    for msg_type in ("Update", "Cancel"):
        body = cap.render(make_cap(version=2, msg_type=msg_type, references=earlier), "sender@test", "Test")
        root = etree.fromstring(body)
        assert root.findtext("c:references", namespaces=NS) == "sender@test,bkkconnect-alert-a1b2c3-v1,2026-11-28T06:00:00+07:00"
        assert root.findtext("c:incidents", namespaces=NS) == "a1b2c3"
        assert root.findtext("c:identifier", namespaces=NS) == "bkkconnect-alert-a1b2c3-v2"
        v.check_cap(_write(tmp_path, f"v1/alerts/cap/{msg_type}.xml", body))


@needs_cap_xsd
def test_the_cap_check_rejects_what_the_standard_forbids(tmp_path):
    good = cap.render(make_cap(), "sender@test", "Test")
    utc = good.replace(b"2026-11-28T08:00:00+07:00", b"2026-11-28T01:00:00Z")
    with pytest.raises(Exception):
        v.check_cap(_write(tmp_path, "v1/alerts/cap/z.xml", utc))          # the XSD forbids "Z"
    swapped = good.replace(b"<status>Actual</status>", b"").replace(b"<scope>", b"<status>Actual</status><scope>")
    with pytest.raises(Exception):
        v.check_cap(_write(tmp_path, "v1/alerts/cap/order.xml", swapped))   # element order is part of CAP
    opened = good.replace(b" 13.700000,100.500000</polygon>", b"</polygon>")
    with pytest.raises(AssertionError):
        v.check_cap(_write(tmp_path, "v1/alerts/cap/open.xml", opened))     # the XSD misses this one; we do not
    with pytest.raises(AssertionError):
        v.check_cap(_write(tmp_path, "v1/alerts/cap/noref.xml", cap.render(make_cap(msg_type="Cancel"), "s", "S")))


def test_cap_refuses_values_outside_its_enumerations():
    with pytest.raises(ValueError, match="severity"):
        cap.render(make_cap(severity="High"), "s", "S")
    with pytest.raises(ValueError, match="offset"):
        cap.cap_time(datetime(2026, 1, 1))


def rail(**overrides) -> gtfs_rt.RailAlert:
    fields = dict(alert_id="r1", issued=T0, starts_at=T0, ends_at=T0 + timedelta(hours=2), route_ids=("2",),
                  stop_ids=("7",), severity="Severe", headline_th="รถไฟฟ้าขัดข้อง", headline_en="Rail disruption",
                  description_th="ขบวนล่าช้า", description_en="Trains delayed", url="https://www.bts.co.th/x")
    fields.update(overrides)
    return gtfs_rt.RailAlert(**fields)


def test_gtfs_rt_alerts_name_routes_and_stops_with_both_periods(tmp_path):
    files = gtfs_rt.render([rail(), rail(alert_id="r0", route_ids=("1", "2"), stop_ids=("5",), ends_at=None)],
                           T0, "v1/alerts/gtfs-rt/alerts")
    pb = _write(tmp_path, "v1/alerts/gtfs-rt/alerts.pb", files["v1/alerts/gtfs-rt/alerts.pb"])
    _write(tmp_path, "v1/alerts/gtfs-rt/alerts.json", files["v1/alerts/gtfs-rt/alerts.json"])
    v.check_gtfs_rt(pb)
    message = gtfs_rt.feed_message([rail()], T0)
    alert = message.entity[0].alert
    assert [(s.route_id, s.stop_id) for s in alert.informed_entity] == [("2", ""), ("2", "7")]
    assert alert.active_period[0].start == int(T0.timestamp()) and list(alert.impact_period) == list(alert.active_period)
    assert {t.language: t.text for t in alert.header_text.translation} == {"th": "รถไฟฟ้าขัดข้อง", "en": "Rail disruption"}
    # two alerts naming two routes: their stops are not tied to either route
    both = gtfs_rt.feed_message([rail(route_ids=("1", "2"))], T0).entity[0].alert.informed_entity
    assert [(s.route_id, s.stop_id) for s in both] == [("1", ""), ("2", ""), ("", "7")]


def test_feed_timestamps_only_move_forward_and_only_with_the_content():
    from publish import feed_stamps
    def render(alerts):
        return lambda stamp: gtfs_rt.render(alerts, stamp, "x")["x.pb"]
    args = (feed_stamps.read_gtfs_rt,)

    def stamp_of(data):
        return feed_stamps.read_gtfs_rt(data)[0]

    first = feed_stamps.stamped(render([rail()]), None, *args, T0)
    assert stamp_of(first) == T0
    later = T0 + timedelta(hours=5)
    assert feed_stamps.stamped(render([rail()]), first, *args, later) == first             # same alerts, same bytes
    ended = feed_stamps.stamped(render([]), first, *args, later)                           # the alert ended
    assert stamp_of(ended) == later
    skewed = feed_stamps.stamped(render([]), first, *args, T0 - timedelta(hours=1))       # a clock behind the file
    assert stamp_of(skewed) == T0 + timedelta(seconds=1)
    assert feed_stamps.stamped(render([rail()]), b"not a feed", *args, later) == render([rail()])(later)


def test_the_gtfs_rt_check_rejects_unknown_stops(tmp_path):
    files = gtfs_rt.render([rail(stop_ids=("no-such-stop",))], T0, "x")
    with pytest.raises(AssertionError):
        v.check_gtfs_rt(_write(tmp_path, "x.pb", files["x.pb"]))


def test_geojson_is_rfc7946_lon_lat_counter_clockwise(tmp_path):
    ring = geometry(SQUARE_CW)["coordinates"][0]
    area2 = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))
    assert area2 > 0                               # counter-clockwise exterior, as RFC 7946 asks
    assert geometry(None, 100.123456789, 13.7) == {"type": "Point", "coordinates": [100.123457, 13.7]}
    assert geometry("not json", None, None) is None
    body = feature_collection([feature("b", geometry(SQUARE_CW), {"t": "<b>"}), feature("a", None, {})], name="x")
    doc = json.loads(body)
    assert [f["id"] for f in doc["features"]] == ["a", "b"] and b"<b>" not in body
    v.check_geojson(_write(tmp_path, "ok.geojson", body))
    clockwise = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "cw", "properties": {}, "geometry": json.loads(SQUARE_CW)}]})
    with pytest.raises(AssertionError):
        v.check_geojson(_write(tmp_path, "cw.geojson", clockwise.encode()))
    outside = feature_collection([feature("far", geometry(None, 98.98, 18.79), {})])    # Chiang Mai
    with pytest.raises(AssertionError):
        v.check_geojson(_write(tmp_path, "far.geojson", outside))


def test_an_ended_alert_gives_the_all_clear_and_an_unanswerable_update_becomes_an_alert(tmp_path):
    from publish.alert_sets import _answerable
    earlier = ((cap.identifier("a1b2c3", 1), T0 - timedelta(hours=3)),)
    ended = etree.fromstring(cap.render(make_cap(version=2, msg_type="Update", status="ended", references=earlier),
                                        "s@t", "S"))
    assert {i.findtext("c:responseType", namespaces=NS) for i in ended.findall("c:info", NS)} == {"AllClear"}
    assert {i.findtext("c:urgency", namespaces=NS) for i in ended.findall("c:info", NS)} == {"Past"}
    advance = etree.fromstring(cap.render(make_cap(), "s@t", "S"))
    assert advance.find("c:info/c:effective", NS) is None                  # in force from <sent>, not from onset
    assert advance.findtext("c:info/c:onset", namespaces=NS) == "2026-11-28T09:00:00+07:00"
    # an update whose earlier versions were never issued as CAP is this incident's first message
    assert _answerable(make_cap(version=3, msg_type="Update")).msg_type == "Alert"
    assert _answerable(make_cap(version=3, msg_type="Cancel", status="cancelled")) is None
    assert _answerable(make_cap(version=2, msg_type="Update", references=earlier)).msg_type == "Update"
