"""Which sample site plays which configured source, and on which loopback port by default."""
from __future__ import annotations

from datetime import date

from hub.gazetteer import Gazetteer
from sample_sites.bma_press import BmaPress
from sample_sites.district_portals import DistrictPortals
from sample_sites.factchecks import FactChecks
from sample_sites.flood_sensors import FloodSensors
from sample_sites.mea_outages import MeaOutages
from sample_sites.mwa_outages import MwaOutages
from sample_sites.rail_operators import RailOperators
from sample_sites.rain_gauges import RainGauges
from sample_sites.server import SampleSites
from sample_sites.thai_calendar import today_bangkok
from sample_sites.tourism import Tourism
from sample_sites.traffic_events import TrafficEvents
from sample_sites.traffy import TraffyShare

# The same ports as the base URLs in config/sources.yaml.
DEFAULT_PORTS = {"district_portals": 8701, "mea_outages": 8702, "flood_sensors": 8703, "bma_press": 8704,
                 "mwa_outages": 8705, "rain_gauges": 8706, "traffic_events": 8707, "rail_service": 8708,
                 "traffy": 8709, "tourism": 8710, "factchecks": 8711}


def build_sites(today: date | None = None) -> dict:
    gazetteer = Gazetteer.load()
    today = today or today_bangkok()   # fixed for the server's life, so content is stable across passes
    sites = [DistrictPortals(gazetteer, today), MeaOutages(today), FloodSensors(gazetteer), BmaPress(today),
             MwaOutages(today), RainGauges(gazetteer, today), TrafficEvents(today), RailOperators(today),
             TraffyShare(today, gazetteer), Tourism(today), FactChecks(today)]
    return {site.name: site for site in sites}


def build_sample_sites(ports: dict[str, int] | None = None, today: date | None = None) -> SampleSites:
    """All sample partner sites; ports 0 (the default for tests) picks free ports."""
    return SampleSites(build_sites(today), ports or {})
