"""What each partner source contributes to the pipeline: how to crawl it, parse it, type it, check it.

The raw and staged asset factories read this table, so adding a source means one entry here and
one module in scrapers/.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Callable

from hub.config import SourceSettings
from hub.gazetteer import Gazetteer
from hub.raw_archive import ArchivedResponse, CrawlSession
from hub.warehouse import table_exists
from quality import suites, suites_publishers, suites_rail, suites_traffy, suites_utilities
from scrapers import (bma_press, district_portals, factchecks, flood_sensors, mea_outages, mwa_outages,
                      rail_service, rain_gauges, tourism, traffic_events, traffy, traffy_bulk)

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
    # A bulk loader for sources too big for pandas: (con, unit, responses, gazetteer, into) -> (the table
    # `into` now holding the unit's rows, quarantined). With it the staged table is built in SQL
    # (hub.staging_sql); `into` is the warehouse candidate table for the first unit, a temp table after.
    # The loader creates or replaces `into`, so a unit that failed half-way leaves nothing behind.
    load_unit: Callable | None = None


_PROVENANCE = {"url": "VARCHAR", "sha256": "VARCHAR", "fetched_at": "TIMESTAMPTZ", "unit": "VARCHAR",
               "batch_id": "VARCHAR", "first_seen_at": "TIMESTAMPTZ", "last_seen_at": "TIMESTAMPTZ",
               "absent_listings": "INTEGER", "checked_batch_id": "VARCHAR"}

def _cursor(source: str, table: str, column: str, full_every_hours: float = 24):
    """The newest `column` already staged: where an incremental crawl may stop paging.

    None (a full pass) when there is nothing staged yet or the last full pass is older than
    `full_every_hours`: older items change too (a complaint's state), and only a full pass sees it.
    """
    def cursor(con):
        if not table_exists(con, f"staged.{table}"):
            return None
        last_full = con.execute("SELECT max(finished_at) FROM raw.crawls WHERE source = ? AND ok AND cursor IS NULL",
                                [source]).fetchone()[0]
        if last_full is None or datetime.now(timezone.utc) - last_full > timedelta(hours=full_every_hours):
            return None
        return con.execute(f'SELECT max("{column}") FROM staged.{table}').fetchone()[0]
    return cursor


def _module(module, staged_table: str, expectations, description: str, **kwargs) -> SourceSpec:
    """A source whose scraper module follows the plain contract: crawl(session, source), parse_unit(responses)."""
    incremental = kwargs.get("cursor") is not None
    return SourceSpec(
        name=module.SOURCE, staged_table=staged_table, id_column=module.ID_COLUMN,
        columns={**module.STAGED_COLUMNS, **_PROVENANCE},
        crawl=(lambda session, settings, gaz, since=None: module.crawl(session, settings, since=since)) if incremental
        else (lambda session, settings, gaz: module.crawl(session, settings)),
        parse_unit=lambda unit, responses, gaz: module.parse_unit(responses),
        expectations=lambda gaz: expectations(), description=description,
        listing="incremental" if incremental else "snapshot", **kwargs)


SOURCES: dict[str, SourceSpec] = {
    spec.name: spec for spec in [
        SourceSpec(
            name="district_portals", staged_table="district_notices", id_column="notice_id",
            columns={**district_portals.STAGED_COLUMNS, **_PROVENANCE},
            crawl=lambda session, settings, gaz: district_portals.crawl(session, settings, gaz.districts),
            parse_unit=lambda unit, responses, gaz: district_portals.parse_unit(responses, gaz.district(unit)),
            expectations=lambda gaz: suites.district_notices([d.code for d in gaz.districts]),
            description="Notices of the 50 district offices (vaccination, fogging, bulky waste, registration "
                        "units, training, health services, events, road works), one row per notice, with attachments.",
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
        _module(rain_gauges, "rain_gauges", suites_utilities.rain_gauges,
                "BMA DDS rain gauges (weather.bangkok.go.th): rainfall over 1, 3 and 24 hours, one row per gauge."),
        _module(mwa_outages, "mwa_outages", suites_utilities.mwa_outages,
                "MWA water-supply outages: area, soi, reason, branches and the outage polygon, one row per outage."),
        _module(traffic_events, "traffic_events", suites_utilities.traffic_events,
                "Longdo Traffic / iTIC road events in Bangkok: accidents, works, flooding, closures."),
        _module(rail_service, "rail_notices", suites_rail.rail_notices,
                "BTS announcements and MRT line status as disruptions naming Bangkok GTFS route and stop ids."),
        replace(_module(traffy, "traffy_complaints", suites_traffy.traffy_complaints,
                        "Traffy Fondue complaints from the share API, fetched incrementally from the newest known "
                        "ticket. Search pages are parsed set-based in DuckDB (a full pass is the city's history).",
                        cursor=_cursor("traffy", "traffy_complaints", "reported_at")),   # the crawl re-reads an overlap
                load_unit=lambda con, unit, responses, gaz, into: (into, traffy_bulk.load_rows(con, responses, into))),
        _module(bma_press, "bma_press_releases", suites_publishers.bma_press,
                "BMA press releases and hot-issue clarifications from the RSS feed, one row per release.",
                cursor=_cursor("bma_press", "bma_press_releases", "published_at")),
        _module(tourism, "tourism_places", suites_publishers.tourism_places,
                "Attractions, restaurants, local-product shops and festivals from the bilingual tourism API."),
        _module(factchecks, "factchecks", suites_publishers.factchecks,
                "Fact-checks from the RSS feed: claim, verdict, explanation, link."),
    ]
}
