"""Publish layer: feeds and documents released atomically into the public tree.

Each asset owns its `v1/<kind>` prefix; unchanged files keep their bytes (and ETags), and a
release that fails validation leaves the previous one live.
"""

from datetime import datetime, timezone

import dagster as dg
import pandas as pd

from hub.warehouse import table_exists
from pipelines.resources import PartnerSourcesResource, PublicTreeResource, WarehouseResource
from publish import city_sets
from publish.feed_sets import alert_items, event_items, feed_files
from publish.release import ReleaseWriter
from publish.validate import validate_feeds


def _read(warehouse: WarehouseResource, table: str, where: str = "", params: list | None = None) -> pd.DataFrame:
    with warehouse.connect(read_only=True) as con:
        if not table_exists(con, table):
            raise dg.Failure(f"{table} does not exist yet: materialise the core layer first")
        return con.execute(f"SELECT * FROM {table} {where}", params or []).df()


def _release(public_tree: PublicTreeResource, files: dict[str, bytes], prefixes: list[str], now: datetime,
             items: int) -> dg.MaterializeResult:
    writer = ReleaseWriter(public_tree.directory(), keep_versions=public_tree.keep_versions)
    result = writer.publish(files, prefixes, generated_at=now, validate=validate_feeds)
    return dg.MaterializeResult(metadata={
        "items": items, "files": len(files), "files_changed": len(result.written),
        "release": result.version_id, "new_release": result.changed,
        "path": dg.MetadataValue.path(str(public_tree.directory() / prefixes[0])),
    })


def _publish(kind: str, table: str, to_items, partners, warehouse, public_tree) -> dg.MaterializeResult:
    frame = _read(warehouse, table)
    now = datetime.now(timezone.utc)
    items = to_items(frame, now)
    files = feed_files(kind, items, partners.gazetteer(), public_tree.url(), public_tree.websub_hub)
    return _release(public_tree, files, [f"v1/{kind}"], now, len(items))


def _public(kind: str, deps: list[str], description: str, kinds: set[str]):
    return dg.asset(key=["public", "v1", kind], group_name="publish", kinds=kinds, owners=["team:data-platform"],
                    deps=[["core", d] for d in deps], description=description)


@_public("alerts", ["alerts"], "Current alerts as RSS 2.0 (GeoRSS), Atom and JSON Feed 1.1: city-wide "
         "(v1/alerts/all.*) and per district (v1/alerts/district/<DOPA code>.*).", {"rss", "json"})
def alerts_feeds(partners: PartnerSourcesResource, warehouse: WarehouseResource, public_tree: PublicTreeResource):
    return _publish("alerts", "core.alerts", alert_items, partners, warehouse, public_tree)


@_public("events", ["events"], "Upcoming district services, events and festivals as RSS 2.0, Atom and JSON Feed "
         "1.1: city-wide (v1/events/all.*) and per district (v1/events/district/<code>.*).", {"rss", "json"})
def events_feeds(partners: PartnerSourcesResource, warehouse: WarehouseResource, public_tree: PublicTreeResource):
    return _publish("events", "core.events", event_items, partners, warehouse, public_tree)


@_public("news", ["news"], "BMA press releases and clarifications: v1/news/all.{rss,atom,json}.", {"rss", "json"})
def news_feeds(warehouse: WarehouseResource, public_tree: PublicTreeResource):
    frame = _read(warehouse, "core.news")
    files = city_sets.news_files(frame, public_tree.url(), public_tree.websub_hub)
    return _release(public_tree, files, ["v1/news"], datetime.now(timezone.utc), len(frame))


@_public("factchecks", ["factchecks"], "Fact-checks: v1/factchecks/all.{rss,atom,json}.", {"rss", "json"})
def factcheck_feeds(warehouse: WarehouseResource, public_tree: PublicTreeResource):
    frame = _read(warehouse, "core.factchecks")
    files = city_sets.factcheck_files(frame, public_tree.url(), public_tree.websub_hub)
    return _release(public_tree, files, ["v1/factchecks"], datetime.now(timezone.utc), len(frame))


@_public("places", ["places"], "Attractions, restaurants and local-product shops: v1/places/{all,<category>}.json.",
         {"json"})
def places_documents(partners: PartnerSourcesResource, warehouse: WarehouseResource, public_tree: PublicTreeResource):
    frame = _read(warehouse, "core.places")
    files = city_sets.place_files(frame, partners.settings().source("tourism").licence)
    return _release(public_tree, files, ["v1/places"], datetime.now(timezone.utc), len(frame))


@dg.asset(key=["public", "v1", "reference"], group_name="publish", kinds={"json"}, owners=["team:data-platform"],
          deps=[["core", "contacts"], ["core", "guides"]],
          description="Important phone numbers (v1/contacts/all.json) and BMA service guides (v1/guides/all.json).")
def reference_documents(warehouse: WarehouseResource, public_tree: PublicTreeResource):
    contacts, guides = _read(warehouse, "core.contacts"), _read(warehouse, "core.guides")
    files = city_sets.reference_files(contacts, guides)
    return _release(public_tree, files, ["v1/contacts", "v1/guides"], datetime.now(timezone.utc),
                    len(contacts) + len(guides))


@_public("complaints", ["complaints"], "Traffy Fondue complaints of the last 14 days without text or photos: "
         "v1/complaints/all.json and per district.", {"json"})
def complaint_documents(partners: PartnerSourcesResource, warehouse: WarehouseResource,
                        public_tree: PublicTreeResource):
    now = datetime.now(timezone.utc)
    # core.complaints holds the whole history (hundreds of thousands of rows): read only the window.
    frame = _read(warehouse, "core.complaints", "WHERE reported_at >= ?", [now - city_sets.COMPLAINT_WINDOW])
    files = city_sets.complaint_files(frame, partners.gazetteer(), now)
    return _release(public_tree, files, ["v1/complaints"], now, len(frame))


PUBLISH_ASSETS = [alerts_feeds, events_feeds, news_feeds, factcheck_feeds, places_documents, reference_documents,
                  complaint_documents]
