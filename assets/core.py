"""Core layer: the unified model (core.alerts, core.events) geotagged to DOPA district codes."""

import dagster as dg
import pandas as pd

from hub.roads import RoadIndex
from hub.warehouse import replace_rows, table_exists
from model import core_tables
from pipelines.resources import PartnerSourcesResource, WarehouseResource


def _staged(con, table: str) -> pd.DataFrame:
    return con.execute(f"SELECT * FROM staged.{table}").df() if table_exists(con, f"staged.{table}") else pd.DataFrame()


def _schema(columns: dict[str, str]) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(name, type_) for name, type_ in columns.items()])


def _summary(frame: pd.DataFrame, by: str) -> dict:
    return {
        "dagster/row_count": len(frame),
        f"by_{by}": dg.MetadataValue.json(frame[by].value_counts().to_dict() if len(frame) else {}),
        "geotag_methods": dg.MetadataValue.json(frame["geotag_method"].value_counts().to_dict() if len(frame) else {}),
    }


@dg.asset(
    key=["core", "alerts"], group_name="core", pool="duckdb", kinds={"python", "duckdb"},
    owners=["team:data-platform"],
    deps=[["staged", "flood_sensors"], ["staged", "mea_outages"], ["staged", "district_notices"]],
    metadata={"dagster/column_schema": _schema(core_tables.ALERT_COLUMNS)},
    description="Area alerts for Bangkok (floods, planned power outages, road works) in one model: "
                "CAP-style severity/urgency/certainty, Thai and English headlines, district codes and "
                "how they were found.",
)
def core_alerts(context: dg.AssetExecutionContext, partners: PartnerSourcesResource, warehouse: WarehouseResource):
    gazetteer = partners.gazetteer()
    settings = partners.settings()
    with warehouse.connect() as con:
        sensors, outages, notices = (_staged(con, t) for t in ("flood_sensors", "mea_outages", "district_notices"))
        rows = []
        if len(sensors):
            rows += core_tables.flood_alerts(sensors, gazetteer, settings.source("flood_sensors").flood_threshold_cm)
        if len(outages):
            rows += core_tables.power_alerts(outages, gazetteer, RoadIndex.load())
        if len(notices):
            rows += core_tables.construction_alerts(notices, gazetteer)
        frame = core_tables.finish(rows, core_tables.ALERT_COLUMNS)
        replace_rows(con, "core.alerts", frame, core_tables.ALERT_COLUMNS)
    if not gazetteer.has_boundaries:
        context.log.warning("no district boundary file: points were geotagged by district name only")
    return dg.MaterializeResult(metadata={
        **_summary(frame, "category"),
        "boundaries": gazetteer.boundaries_source or "none: geotagging fell back to names",
        "untagged": int(frame["district_code"].isna().sum()) if len(frame) else 0,
    })


@dg.asset(
    key=["core", "events"], group_name="core", pool="duckdb", kinds={"python", "duckdb"},
    owners=["team:data-platform"], deps=[["staged", "district_notices"]],
    metadata={"dagster/column_schema": _schema(core_tables.EVENT_COLUMNS)},
    description="Dated city services and happenings from district offices: pet vaccination and "
                "sterilisation days, mosquito fogging, bulky-waste pickup, mobile ID-card units, job "
                "training, health services, district events.",
)
def core_events(partners: PartnerSourcesResource, warehouse: WarehouseResource):
    gazetteer = partners.gazetteer()
    with warehouse.connect() as con:
        notices = _staged(con, "district_notices")
        rows = core_tables.district_events(notices, gazetteer) if len(notices) else []
        frame = core_tables.finish(rows, core_tables.EVENT_COLUMNS)
        replace_rows(con, "core.events", frame, core_tables.EVENT_COLUMNS)
    return dg.MaterializeResult(metadata=_summary(frame, "category"))


CORE_ASSETS = [core_alerts, core_events]
