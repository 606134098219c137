"""Publish layer: feeds released atomically into the public tree; unchanged files keep their bytes."""

from datetime import datetime, timezone

import dagster as dg

from hub.warehouse import table_exists
from pipelines.resources import PartnerSourcesResource, PublicTreeResource, WarehouseResource
from publish.feed_sets import alert_items, event_items, feed_files
from publish.release import ReleaseWriter
from publish.validate import validate_feeds


def _publish(kind: str, table: str, to_items, partners, warehouse, public_tree) -> dg.MaterializeResult:
    gazetteer = partners.gazetteer()
    with warehouse.connect(read_only=True) as con:
        frame = con.execute(f"SELECT * FROM {table}").df() if table_exists(con, table) else None
    if frame is None:
        raise dg.Failure(f"{table} does not exist yet: materialise the core layer first")
    now = datetime.now(timezone.utc)
    items = to_items(frame, now)
    files = feed_files(kind, items, gazetteer, public_tree.url(), public_tree.websub_hub)
    writer = ReleaseWriter(public_tree.directory(), keep_versions=public_tree.keep_versions)
    result = writer.publish(files, [f"v1/{kind}"], generated_at=now, validate=validate_feeds)
    return dg.MaterializeResult(metadata={
        "items": len(items), "files": len(files), "files_changed": len(result.written),
        "release": result.version_id, "new_release": result.changed,
        "path": dg.MetadataValue.path(str(public_tree.directory() / "v1" / kind)),
    })


@dg.asset(key=["public", "v1", "alerts"], group_name="publish", kinds={"rss", "json"},
          owners=["team:data-platform"], deps=[["core", "alerts"]],
          description="Current alerts as RSS 2.0 (GeoRSS), Atom and JSON Feed 1.1: city-wide "
                      "(v1/alerts/all.*) and per district (v1/alerts/district/<DOPA code>.*).")
def alerts_feeds(partners: PartnerSourcesResource, warehouse: WarehouseResource, public_tree: PublicTreeResource):
    return _publish("alerts", "core.alerts", alert_items, partners, warehouse, public_tree)


@dg.asset(key=["public", "v1", "events"], group_name="publish", kinds={"rss", "json"},
          owners=["team:data-platform"], deps=[["core", "events"]],
          description="Upcoming district services and events as RSS 2.0, Atom and JSON Feed 1.1: "
                      "city-wide (v1/events/all.*) and per district (v1/events/district/<code>.*).")
def events_feeds(partners: PartnerSourcesResource, warehouse: WarehouseResource, public_tree: PublicTreeResource):
    return _publish("events", "core.events", event_items, partners, warehouse, public_tree)


PUBLISH_ASSETS = [alerts_feeds, events_feeds]
