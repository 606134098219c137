"""core.source_health: the state of every partner source after each run, for the UI and the public."""

from datetime import datetime, timezone

import dagster as dg

from assets.sources import SOURCES
from hub.warehouse import replace_rows
from model.column_docs import table_schema
from model.source_health import HEALTH_COLUMNS, source_health
from pipelines.resources import PartnerSourcesResource, WarehouseResource


@dg.asset(key=["core", "source_health"], group_name="core", pool="duckdb", kinds={"duckdb"},
          owners=["team:data-platform"], deps=[["raw", name] for name in SOURCES],
          metadata={"dagster/column_schema": table_schema("source_health", HEALTH_COLUMNS)},
          description="Per partner source: last attempt, last success, status (ok, degraded, failing, stale, never), "
                      "consecutive failed passes, the last error, and freshness against its target.")
def core_source_health(context: dg.AssetExecutionContext, partners: PartnerSourcesResource,
                       warehouse: WarehouseResource):
    with warehouse.connect() as con:
        frame = source_health(con, partners.settings(), datetime.now(timezone.utc))
        replace_rows(con, "core.source_health", frame, HEALTH_COLUMNS)
    unhealthy = frame[frame["status"] != "ok"]
    for row in unhealthy.itertuples():
        context.log.warning(f"{row.source}: {row.status} ({row.last_error_kind or 'no recent success'})")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": len(frame),
        "by_status": dg.MetadataValue.json(frame["status"].value_counts().to_dict()),
        "unhealthy": dg.MetadataValue.md(unhealthy[["source", "status", "consecutive_failures", "last_error_kind"]]
                                         .to_markdown(index=False) if len(unhealthy) else "none"),
    })


HEALTH_ASSETS = [core_source_health]
