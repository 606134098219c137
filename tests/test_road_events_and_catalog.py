"""WZDx 4.2 and Waze CIFS road feeds, and the DCAT-AP / CKAN catalog, through their external validators
(jsonschema with the WZDx schemas, the CIFS XSD, pyshacl with the SEMIC shapes), with broken variants
that those validators must reject."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from publish import catalog, datasets, road_events
from tests import published_validators as v
from tests.conftest import SHARED_SCHEMAS

BKK = timezone(timedelta(hours=7))
T0 = datetime(2026, 11, 28, 22, 0, tzinfo=BKK)
needs_schemas = pytest.mark.skipif(not (SHARED_SCHEMAS / "wzdx-4.2").exists(), reason="../shared/schemas absent")


def event(**overrides) -> road_events.RoadEvent:
    fields = dict(alert_id="works-1", category="construction", source="traffic_events",
                  headline_th="ซ่อมท่อประปา ถนนเจริญกรุง", headline_en="Pipe repair, Charoen Krung Rd",
                  description="การประปานครหลวงซ่อมท่อ ปิดช่องทางขวา",
                  partner_text="ซ่อมท่อประปา ถนนเจริญกรุง การประปานครหลวงซ่อมท่อ ปิดช่องทางขวา",
                  lon=100.513, lat=13.722, starts_at=T0,
                  ends_at=T0 + timedelta(hours=6), first_seen_at=T0 - timedelta(days=1),
                  updated_at=T0 - timedelta(hours=2), road_names=("ถนนเจริญกรุง",))
    fields.update(overrides)
    return road_events.RoadEvent(**fields)


def test_road_names_and_lane_impact_come_from_the_text():
    assert road_events.road_names("อุบัติเหตุ ถนนพระราม 2 ขาออก", []) == ("ถนนพระราม 2",)
    assert road_events.road_names("ปิดสะพานข้ามแยกเกษตร", []) == ("สะพานข้ามแยกเกษตร",)
    assert road_events.road_names("anything", ["ถนนสีลม", "ถนนสีลม"]) == ("ถนนสีลม",)
    assert road_events.road_names("ไม่มีชื่อ", []) == ("unnamed road",)
    assert road_events.vehicle_impact("ปิด 1 ช่องทาง") == "some-lanes-closed"
    assert road_events.vehicle_impact("ปิดการจราจรชั่วคราว") == "all-lanes-closed"
    assert road_events.vehicle_impact("ปิดการจราจร 1 ช่องทาง") == "some-lanes-closed"
    assert road_events.vehicle_impact("ปิดการจราจรช่องทางซ้าย") == "some-lanes-closed"
    assert road_events.vehicle_impact("งานขยายผิวจราจร") == "unknown"


@needs_schemas
def test_wzdx_feed_validates_and_lists_only_works_with_an_end(tmp_path):
    body = road_events.wzdx_feed([event(), event(alert_id="works-2", ends_at=None), event(alert_id="a1", category="road_incident")],
                                 "BMA", "opendata@bangkok.go.th", 300, T0)
    (tmp_path / "wzdx.geojson").write_bytes(body)
    v.check_wzdx(tmp_path / "wzdx.geojson")
    doc = json.loads(body)
    assert [f["id"] for f in doc["features"]] == ["works-1"]
    details = doc["features"][0]["properties"]
    assert details["start_date"] == "2026-11-28T22:00:00+07:00" and details["vehicle_impact"] == "some-lanes-closed"
    assert doc["feed_info"]["update_date"] == "2026-11-28T22:00:00+07:00"           # the stamp it was given
    broken = dict(doc)
    broken["features"] = [dict(doc["features"][0], geometry={"type": "Point", "coordinates": [100.5, 13.7]})]
    (tmp_path / "broken.geojson").write_text(json.dumps(broken))
    with pytest.raises(AssertionError):
        v.check_wzdx(tmp_path / "broken.geojson")             # WZDx wants a LineString or MultiPoint


@needs_schemas
def test_cifs_feed_validates_with_stable_ids_and_closures(tmp_path):
    closed = event(alert_id="close-1", category="road_incident", headline_th="ปิดการจราจร ถนนราชดำเนินกลาง",
                   description="ปิดการจราจรชั่วคราวเพื่อจัดงานพิธี",
                   partner_text="ปิดการจราจร ถนนราชดำเนินกลาง ปิดการจราจรชั่วคราวเพื่อจัดงานพิธี")
    crash = event(alert_id="crash-2", category="road_incident", headline_th="อุบัติเหตุ ถนนลาดพร้าว", description="รถชน",
                  partner_text="อุบัติเหตุ ถนนลาดพร้าว รถชน")
    # the hub's own label says "ปิดการจราจร" for every work: only the partner's words decide
    widening = event(alert_id="widen-3", headline_th="งานก่อสร้าง/ปิดการจราจร · ทวีวัฒนา · ขยายถนนกาญจนาภิเษก",
                     description="งานขยายผิวจราจร", partner_text="ขยายถนนกาญจนาภิเษก งานขยายผิวจราจร")
    body = road_events.cifs_feed([event(), closed, crash, widening], T0)
    (tmp_path / "waze-cifs.xml").write_bytes(body)
    v.check_cifs(tmp_path / "waze-cifs.xml")
    text = body.decode()
    assert '<incident id="close-1">' in text and "<type>ROAD_CLOSED</type>" in text and "ROAD_CLOSED_EVENT" in text
    assert "<type>ACCIDENT</type>" in text and "HAZARD_ON_ROAD_LANE_CLOSED" in text
    assert "<polyline>13.722000 100.513000 13.722000 100.513000</polyline>" in text    # lat lon, twice
    widen = text[text.index('<incident id="widen-3">'):]
    assert "<type>CONSTRUCTION</type>" in widen[:600] and "ROAD_CLOSED" not in widen[:600]
    (tmp_path / "bad.xml").write_bytes(body.replace(b"<type>ACCIDENT</type>", b"<type>CRASH</type>"))
    with pytest.raises(Exception):
        v.check_cifs(tmp_path / "bad.xml")


def _releases():
    alerts = next(d for d in datasets.DATASETS if d.table == "alerts")
    health = next(d for d in datasets.DATASETS if d.table == "source_health")
    files = {"v1/datasets/alerts/alerts.csv": b"alert_id\na\n", "v1/datasets/alerts/alerts.parquet": b"PAR1",
             "v1/datasets/alerts/datapackage.json": b"{}"}
    health_files = {"v1/datasets/source_health/source_health.csv": b"source\nx\n",
                    "v1/datasets/source_health/source_health.parquet": b"PAR1",
                    "v1/datasets/source_health/datapackage.json": b"{}"}
    return [datasets.DatasetRelease(alerts, 1, T0, files), datasets.DatasetRelease(health, 1, T0, health_files)]


@pytest.mark.skipif(not (SHARED_SCHEMAS / "dcat-ap-3.0.1").exists(), reason="../shared/schemas absent")
def test_dcat_catalog_passes_the_semic_shapes_and_a_broken_one_does_not(tmp_path):
    files = catalog.dcat_files(_releases(), "https://data.example")
    for name, data in files.items():
        (tmp_path / name.rsplit("/", 1)[1]).write_bytes(data)
    v.check_dcat(tmp_path / "catalog.jsonld")
    v.check_dcat(tmp_path / "catalog.ttl")
    assert catalog.dcat_files(_releases(), "https://data.example") == files        # same input, same bytes
    ttl = files["v1/catalog/catalog.ttl"].decode()
    assert "licence/CC_BY_4_0" in ttl and "language/THA" in ttl and "media-types/text/csv" in ttl
    # a dataset without a title breaks a mandatory DCAT-AP rule
    import rdflib
    graph = rdflib.Graph().parse(data=ttl, format="turtle")
    graph.remove((rdflib.URIRef("https://data.example/v1/datasets/alerts/"), rdflib.namespace.DCTERMS.title, None))
    (tmp_path / "broken.ttl").write_text(graph.serialize(format="turtle"))
    with pytest.raises(AssertionError):
        v.check_dcat(tmp_path / "broken.ttl")


def test_ckan_answers_carry_the_envelope_and_volatile_tables_no_checksum(tmp_path):
    files = catalog.ckan_files(_releases(), "https://data.example")
    assert set(files) == {"api/3/action/package_list.json", "api/3/action/package_search.json",
                          "api/3/action/status_show.json", "api/3/action/package_show/bkkconnect-alerts.json",
                          "api/3/action/package_show/bkkconnect-source-health.json"}
    for name, data in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        v.check_ckan(path)
    alerts = json.loads(files["api/3/action/package_show/bkkconnect-alerts.json"])["result"]
    assert alerts["resources"][0]["hash"].startswith("sha256:") and alerts["metadata_modified"]
    health = json.loads(files["api/3/action/package_show/bkkconnect-source-health.json"])["result"]
    assert all(r["hash"] == "" and r["size"] is None for r in health["resources"])
    assert health["metadata_modified"] is None
    assert {r["format"] for r in alerts["resources"]} >= {"CSV", "PARQUET", "RSS", "ATOM", "BIN"}


def test_a_served_ckan_action_url_maps_to_its_file():
    from publish.serve import ckan_file
    assert ckan_file("/api/3/action/package_list") == "/api/3/action/package_list.json"
    assert ckan_file("/api/action/package_search?q=flood&rows=5") == "/api/3/action/package_search.json"
    assert ckan_file("/api/3/action/package_show?id=bkkconnect-alerts") == \
        "/api/3/action/package_show/bkkconnect-alerts.json"
    assert ckan_file("/api/3/action/package_show?id=../../etc/passwd") == "/api/3/action/missing"
    assert ckan_file("/v1/alerts/all.json") is None
