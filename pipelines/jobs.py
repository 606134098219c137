"""Jobs and schedules: the whole pipeline, and one fast path per source from fetch to the feeds it touches."""
from __future__ import annotations

import dagster as dg

from assets.sources import SOURCES
from hub.config import load_settings

FEEDS_OF_SOURCE = {  # which published feeds a source can change
    "district_portals": ("alerts", "events"), "mea_outages": ("alerts",), "flood_sensors": ("alerts",),
    "rain_gauges": ("alerts",), "mwa_outages": ("alerts",), "traffic_events": ("alerts",),
    "rail_service": ("alerts",), "traffy": ("complaints",), "bma_press": ("news",),
    "tourism": ("places", "events"), "factchecks": ("factchecks",),
}
CORE_OF_FEED = {feed: ["core", feed] for feed in ("alerts", "events", "complaints", "news", "places", "factchecks")}

everything_job = dg.define_asset_job("everything", selection=dg.AssetSelection.all(),
                                     description="Fetch every source, rebuild the model, publish every feed.")


def source_job(name: str) -> dg.UnitJobDefinition:
    spec = SOURCES[name]
    keys = [dg.AssetKey(["raw", name]), dg.AssetKey(["staged", spec.staged_table])]
    for feed in FEEDS_OF_SOURCE[name]:
        keys += [dg.AssetKey(CORE_OF_FEED[feed]), dg.AssetKey(["public", "v1", feed])]
    return dg.define_asset_job(f"refresh_{name}", selection=dg.AssetSelection.assets(*keys),
                               description=f"{name}: fetch, stage, rebuild the core tables it feeds, publish.")


SOURCE_JOBS = {name: source_job(name) for name in SOURCES}


def source_schedules() -> list[dg.ScheduleDefinition]:
    """Each source on its own cadence from config/sources.yaml (read when definitions load)."""
    settings = load_settings()
    return [dg.ScheduleDefinition(job=job, cron_schedule=settings.source(name).cadence_cron,
                                  execution_timezone="Asia/Bangkok", name=f"{name}_schedule",
                                  default_status=dg.DefaultScheduleStatus.STOPPED)
            for name, job in SOURCE_JOBS.items()]
