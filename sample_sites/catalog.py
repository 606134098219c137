"""Which sample site plays which configured source."""
from __future__ import annotations

from datetime import date

from hub.gazetteer import Gazetteer
from sample_sites.district_portals import DistrictPortals
from sample_sites.flood_sensors import FloodSensors
from sample_sites.mea_outages import MeaOutages
from sample_sites.server import SampleSites
from sample_sites.thai_calendar import today_bangkok

DEFAULT_PORTS = {"district_portals": 8701, "mea_outages": 8702, "flood_sensors": 8703}


def build_sample_sites(ports: dict[str, int] | None = None, today: date | None = None) -> SampleSites:
    """All sample partner sites; ports 0 (the default for tests) picks free ports."""
    gazetteer = Gazetteer.load()
    today = today or today_bangkok()   # fixed for the server's life, so content is stable across passes
    sites = {
        "district_portals": DistrictPortals(gazetteer, today),
        "mea_outages": MeaOutages(today),
        "flood_sensors": FloodSensors(gazetteer),
    }
    return SampleSites(sites, ports or {})
