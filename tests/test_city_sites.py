"""The benchmark's city-scale partner sites answer like the real interfaces the pipeline reads."""
from __future__ import annotations

import json

from benchmarks.city_load import write_sensor_readings, write_traffy_pages
from benchmarks.city_sites import SensorReadings, TraffyPages
from sample_sites.flood_sensors import API
from sample_sites.traffy import SEARCH_PATH
from scrapers import flood_sensors, traffy


def test_traffy_pages_are_served_byte_for_byte_by_offset(tmp_path):
    pages = write_traffy_pages(tmp_path, tickets=2500, page_size=1000)
    site = TraffyPages(pages, 1000)
    second = site.page(SEARCH_PATH, {"limit": ["1000"], "offset": ["1000"]})
    assert second.body == pages[1].read_bytes()
    assert traffy.decode_search(second.body)["total"] == 2500
    past_the_end = json.loads(site.page(SEARCH_PATH, {"limit": ["1000"], "offset": ["3000"]}).body)
    assert past_the_end["results"] == [] and past_the_end["total"] == 2500
    assert site.page(SEARCH_PATH, {"limit": ["100"], "offset": ["0"]}).status == 400


def test_sensor_readings_site_gives_profiles_readings_and_floods(tmp_path):
    path = tmp_path / "readings.json"
    count = write_sensor_readings(path, sensors=40, readings_per_sensor=6)
    site = SensorReadings(path)
    documents = {name: json.loads(site.page(f"{API}{name}", {}).body)["data"]
                 for name in ("sensor_profile", "sensor_now", "flood_notification")}
    assert len(documents["sensor_now"]) == count and len(documents["sensor_profile"]) == 40
    flooding = {n["sensor_profile"] for n in documents["flood_notification"]}
    assert all(n["value"] >= 10 for n in documents["flood_notification"])
    profiles = flood_sensors.decode_collection(site.page(f"{API}sensor_profile", {}).body, "sensor_profile")
    assert {p["id"] for p in profiles} >= flooding
