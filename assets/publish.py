"""Publish layer: feeds and documents released atomically into the public tree.

Each asset owns its `v1/<kind>` prefix; unchanged files keep their bytes (and ETags), and a
release that fails validation leaves the previous one live.
"""

import tempfile
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import pandas as pd

from hub.roads import RoadIndex
from hub.thai_dates import BANGKOK
from hub.warehouse import table_exists
from pipelines.resources import PartnerSourcesResource, PublicTreeResource, WarehouseResource
from model import alert_versions
from publish import alert_sets, catalog, city_sets, datasets, event_sets, health_sets, portal
from publish.feed_sets import alert_items, event_items, feed_files, is_current
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


def _public(kind: str, deps: list[str], description: str, kinds: set[str]):
    return dg.asset(key=["public", "v1", kind], group_name="publish", kinds=kinds, owners=["team:data-platform"],
                    deps=[["core", d] for d in deps], description=description)


@_public("alerts", ["alerts"], "Current alerts as RSS 2.0 (GeoRSS), Atom, JSON Feed 1.1 and GeoJSON: city-wide "
         "(v1/alerts/all.*), per district (v1/alerts/district/<DOPA code>.*) and per category "
         "(v1/alerts/category/<category>.*); CAP 1.2 messages with an Atom index (v1/alerts/cap/); GTFS-realtime "
         "Service Alerts for rail disruptions (v1/alerts/gtfs-rt/alerts.pb and .json); road works as WZDx 4.2 "
         "(v1/road/wzdx.geojson) and road incidents and closures as Waze CIFS (v1/road/waze-cifs.xml).",
         {"rss", "json", "xml"})
def alerts_feeds(partners: PartnerSourcesResource, warehouse: WarehouseResource, public_tree: PublicTreeResource):
    frame = _read(warehouse, "core.alerts")
    with warehouse.connect(read_only=True) as con:
        issued = alert_versions.issued(con)
    now = datetime.now(timezone.utc)
    gaz, base, hub = partners.gazetteer(), public_tree.url(), public_tree.hub()
    items = alert_items(frame, now)

    def live(path: str) -> bytes | None:        # the served release's file (feed timestamps move forward from it)
        served = public_tree.directory() / path
        return served.read_bytes() if served.is_file() else None

    current = [r for r in frame.to_dict("records") if is_current(r, now)]
    files = {**feed_files("alerts", items, gaz, base, hub),
             **alert_sets.category_feed_files(items, base, hub),
             **alert_sets.geojson_files(current, gaz),
             **alert_sets.cap_files(alert_sets.cap_rows(frame, now, issued), gaz, issued, base, hub),
             **alert_sets.gtfs_rt_files(current, issued, now, live),
             **alert_sets.road_event_files(current, RoadIndex.load(), issued, now, live)}
    return _release(public_tree, files, ["v1/alerts", "v1/road"], now, len(items))


@_public("events", ["events"], "Upcoming district services, events and festivals as RSS 2.0, Atom, JSON Feed "
         "1.1 and iCalendar: city-wide (v1/events/all.*) and per district (v1/events/district/<code>.*); the "
         "scheduled mobile services (ID-card units, vaccination, sterilisation, bulky-waste and fogging rounds) "
         "as a GTFS feed (v1/gtfs/mobile-services.zip).",
         {"rss", "json", "ical"})
def events_feeds(partners: PartnerSourcesResource, warehouse: WarehouseResource, public_tree: PublicTreeResource):
    frame = _read(warehouse, "core.events")
    now = datetime.now(timezone.utc)
    gaz = partners.gazetteer()
    items = event_items(frame, now)
    files = {**feed_files("events", items, gaz, public_tree.url(), public_tree.hub()),
             **event_sets.calendar_files(frame, gaz, now),
             **event_sets.gtfs_files(frame, gaz, now, public_tree.url())}
    return _release(public_tree, files, ["v1/events", "v1/gtfs"], now, len(items))


@_public("news", ["news"], "BMA press releases and clarifications: v1/news/all.{rss,atom,json}.", {"rss", "json"})
def news_feeds(warehouse: WarehouseResource, public_tree: PublicTreeResource):
    frame = _read(warehouse, "core.news")
    files = city_sets.news_files(frame, public_tree.url(), public_tree.hub())
    return _release(public_tree, files, ["v1/news"], datetime.now(timezone.utc), len(frame))


@_public("factchecks", ["factchecks"], "Fact-checks: v1/factchecks/all.{rss,atom,json}.", {"rss", "json"})
def factcheck_feeds(warehouse: WarehouseResource, public_tree: PublicTreeResource):
    frame = _read(warehouse, "core.factchecks")
    files = city_sets.factcheck_files(frame, public_tree.url(), public_tree.hub())
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


@_public("complaints", ["complaints"], "Traffy Fondue complaints of the last 14 days, text scrubbed of personal data, "
         "no photos: "
         "v1/complaints/all.json and per district.", {"json"})
def complaint_documents(partners: PartnerSourcesResource, warehouse: WarehouseResource,
                        public_tree: PublicTreeResource):
    now = datetime.now(timezone.utc)
    # core.complaints holds the whole history (hundreds of thousands of rows): read only the window.
    frame = _read(warehouse, "core.complaints", "WHERE reported_at >= ?", [now - city_sets.COMPLAINT_WINDOW])
    files = city_sets.complaint_files(frame, partners.gazetteer(), now)
    return _release(public_tree, files, ["v1/complaints"], now, len(frame))


@dg.asset(key=["public", "v1", "datasets"], group_name="publish", kinds={"csv", "parquet", "json"},
          owners=["team:data-platform"],
          # core.alert_versions is written by the core/alerts asset
          deps=[["core", t] for t in sorted({"alerts" if d.table == "alert_versions" else d.table
                                             for d in datasets.DATASETS})],
          description="Every core table minus private columns as CSV, Parquet and GeoJSON (tables with a place), each "
                      "with a Frictionless datapackage.json (v1/datasets/<table>/), and a dated daily snapshot "
                      f"(v1/datasets/<table>/snapshots/<date>/, the last {datasets.SNAPSHOT_DAYS} days kept); the "
                      "catalog of them as DCAT-AP 3.0.1 (v1/catalog/catalog.jsonld, .ttl) and as a CKAN-compatible "
                      "static API (api/3/action/package_list, package_show, package_search); and the portal pages for "
                      "people (v1/index.html, v1/datasets/<table>/index.html with the data dictionary).")
def datasets_and_catalog(partners: PartnerSourcesResource, warehouse: WarehouseResource,
                         public_tree: PublicTreeResource):
    now = datetime.now(timezone.utc)
    today = now.astimezone(BANGKOK).date()
    with tempfile.TemporaryDirectory(prefix="bkk-datasets-") as workdir:    # DuckDB's files, until released
        files, owned = _dataset_files(partners, warehouse, public_tree, Path(workdir), now, today)
        return _release(public_tree, files, sorted(owned), now, len(datasets.DATASETS))


def _dataset_files(partners, warehouse, public_tree, workdir: Path, now: datetime, today) -> tuple[dict, set[str]]:
    """The datasets, the catalog and the portal pages, and the paths they own (with expired snapshots)."""
    writer = ReleaseWriter(public_tree.directory(), keep_versions=public_tree.keep_versions)
    owned = set(datasets.expired_snapshots(writer.current_files(), today))
    with warehouse.connect(read_only=True) as con:
        missing = [d.table for d in datasets.DATASETS if not table_exists(con, f"core.{d.table}")]
        if missing:
            raise dg.Failure(f"core tables missing: {', '.join(missing)}: materialise the core layer first")
        releases = [datasets.build(con, d, public_tree.url(), today, workdir) for d in datasets.DATASETS]
        per_district = dict(con.execute("""
            SELECT code, count(*) FROM (SELECT unnest(district_codes) AS code FROM core.alerts
                                        WHERE status = 'active' AND (ends_at IS NULL OR ends_at > ?)) GROUP BY code
        """, [now]).fetchall())
        health = con.execute("SELECT source, status, fresh FROM core.source_health ORDER BY source").fetchall()
    files: dict[str, bytes | Path] = {}
    for release in releases:
        stem = f"v1/datasets/{release.dataset.table}"
        owned |= {f"{stem}/{release.dataset.table}.{ext}" for ext in ("csv", "parquet", "geojson")}
        owned |= {f"{stem}/datapackage.json", f"{stem}/index.html", f"{stem}/snapshots/{today.isoformat()}"}
        files.update(release.files)
        files[f"{stem}/index.html"] = portal.dataset_page(release)
    files.update(catalog.dcat_files(releases, public_tree.url()))
    files.update(catalog.ckan_files(releases, public_tree.url()))
    gaz = partners.gazetteer()
    files["v1/index.html"] = portal.landing(
        releases, [(d.code, d.name_th, d.name_en, per_district.get(d.code, 0)) for d in gaz.districts], health)
    return files, owned | {"v1/catalog", "api/3/action", "v1/index.html"}


@dg.asset(key=["public", "v1", "health"], group_name="publish", kinds={"json", "rss"}, owners=["team:data-platform"],
          deps=[["core", "source_health"]],
          description="Every partner source's state (status, last attempt and success, freshness): "
                      "v1/health/sources.json and the feeds v1/health/feed.{rss,atom,json}.")
def health_documents(warehouse: WarehouseResource, public_tree: PublicTreeResource):
    frame = _read(warehouse, "core.source_health")
    files = health_sets.health_files(frame, public_tree.url(), public_tree.hub())
    return _release(public_tree, files, ["v1/health"], datetime.now(timezone.utc), len(frame))


PUBLISH_ASSETS = [alerts_feeds, events_feeds, news_feeds, factcheck_feeds, places_documents, reference_documents,
                  complaint_documents, datasets_and_catalog,
                  health_documents]
