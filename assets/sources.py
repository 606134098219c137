"""What each partner source contributes to the pipeline: how to crawl it, parse it, type it, check it.

The raw and staged asset factories read this table, so adding a source means one entry here and
one module in scrapers/.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from hub.config import SourceSettings
from hub.gazetteer import Gazetteer
from hub.raw_archive import ArchivedResponse, CrawlSession
from quality import suites
from scrapers import district_portals, flood_sensors, mea_outages

Rows = list[dict]


@dataclass(frozen=True)
class SourceSpec:
    name: str
    staged_table: str                      # staged.<name>
    id_column: str
    columns: dict[str, str]                # DuckDB types: the staged table's contract
    crawl: Callable[[CrawlSession, SourceSettings, Gazetteer], None]
    parse_unit: Callable[[str, list[ArchivedResponse], Gazetteer], tuple[Rows, Rows]]
    expectations: Callable[[Gazetteer], list]
    description: str
    # "snapshot": each unit's crawl is a complete listing, so long absence removes an item.
    # "incremental": a cursor fetches only what is new; absence means nothing.
    listing: str = "snapshot"
    cursor: Callable | None = None         # con -> value passed to crawl(..., since=value)


_PROVENANCE = {"url": "VARCHAR", "sha256": "VARCHAR", "fetched_at": "TIMESTAMPTZ", "unit": "VARCHAR",
               "batch_id": "VARCHAR", "first_seen_at": "TIMESTAMPTZ", "last_seen_at": "TIMESTAMPTZ",
               "absent_listings": "INTEGER"}

SOURCES: dict[str, SourceSpec] = {
    spec.name: spec for spec in [
        SourceSpec(
            name="district_portals", staged_table="district_notices", id_column="notice_id",
            columns={"notice_id": "VARCHAR", "district_code": "VARCHAR", "kind": "VARCHAR", "title_th": "VARCHAR",
                     "body_th": "VARCHAR", "posted_on": "DATE", "starts_at": "TIMESTAMPTZ", "ends_at": "TIMESTAMPTZ",
                     "all_day": "BOOLEAN", **_PROVENANCE},
            crawl=lambda session, settings, gaz: district_portals.crawl(session, settings, gaz.districts),
            parse_unit=lambda unit, responses, gaz: district_portals.parse_unit(responses, gaz.district(unit)),
            expectations=lambda gaz: suites.district_notices([d.code for d in gaz.districts]),
            description="Notices of the 50 district offices (vaccination, fogging, bulky waste, registration "
                        "units, training, health services, events, road works), one row per notice.",
        ),
        SourceSpec(
            name="mea_outages", staged_table="mea_outages", id_column="outage_id",
            columns={"outage_id": "VARCHAR", "notice_id": "VARCHAR", "day": "DATE", "starts_at": "TIMESTAMPTZ",
                     "ends_at": "TIMESTAMPTZ", "area_en": "VARCHAR", **_PROVENANCE},
            crawl=lambda session, settings, gaz: mea_outages.crawl(session, settings),
            parse_unit=lambda unit, responses, gaz: mea_outages.parse_unit(responses),
            expectations=lambda gaz: suites.mea_outages(),
            description="MEA planned power outages in Bangkok: one row per notice, day, time range and area.",
        ),
        SourceSpec(
            name="flood_sensors", staged_table="flood_sensors", id_column="sensor_id",
            columns={"sensor_id": "BIGINT", "code": "VARCHAR", "name_th": "VARCHAR", "road_th": "VARCHAR",
                     "district_name": "VARCHAR", "lat": "DOUBLE", "lon": "DOUBLE", "device_status": "VARCHAR",
                     "flood_cm": "DOUBLE", "observed_at": "TIMESTAMPTZ", "notice_text": "VARCHAR",
                     "flood_started_at": "TIMESTAMPTZ", **_PROVENANCE},
            crawl=lambda session, settings, gaz: flood_sensors.crawl(session, settings),
            parse_unit=lambda unit, responses, gaz: flood_sensors.parse_unit(responses),
            expectations=lambda gaz: suites.flood_sensors(),
            description="BMA DDS road flood sensors: location and current water depth, one row per sensor.",
        ),
    ]
}
