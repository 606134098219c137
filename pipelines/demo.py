"""`make demo`: start the sample partner sites, run the whole pipeline once, publish, summarise.

Runs go into the Dagster instance at $DAGSTER_HOME (the Makefile uses .dagster_home/), so
`make dev` shows them in the UI afterwards.
"""
from __future__ import annotations

import argparse
import json
import os
import time

import dagster as dg

from hub.config import load_settings
from pipelines.definitions import defs
from pipelines.resources import PartnerSourcesResource, PublicTreeResource, WarehouseResource
from sample_sites.catalog import DEFAULT_PORTS, build_sample_sites


def run_pipeline(base_urls: dict[str, str], instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    job = defs.get_job_def("everything")
    return job.execute_in_process(
        instance=instance, raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        resources={"partners": PartnerSourcesResource(base_urls=base_urls), "warehouse": WarehouseResource(),
                   "public_tree": PublicTreeResource()})


def summarise(result: dg.ExecuteInProcessResult, seconds: float) -> str:
    settings = load_settings()
    lines = [f"BKK Connect Data Hub demo: run {'succeeded' if result.success else 'FAILED'} in {seconds:.1f} s", ""]
    checks = [e.event_specific_data for e in result.all_events
              if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    for mat in result.get_asset_materialization_events():
        m = mat.materialization
        meta = {k: getattr(v, "value", v) for k, v in m.metadata.items()}
        key = "/".join(m.asset_key.path)
        shown = {k: meta[k] for k in ("requests", "answered_304", "skipped_unchanged", "units_failed",
                                      "dagster/row_count", "quarantined", "carried_over", "items", "files",
                                      "files_changed") if k in meta}
        lines.append(f"  {key:28s} {json.dumps(shown, ensure_ascii=False)}")
    passed = sum(1 for c in checks if c.passed)
    lines += ["", f"Checks: {passed} passed, {len(checks) - passed} failed" +
              "".join(f"\n  FAILED {'/'.join(c.asset_key.path)}:{c.check_name}" for c in checks if not c.passed)]
    manifest = settings.public / "manifest.json"
    if manifest.exists():
        files = json.loads(manifest.read_text())["files"]
        lines += [f"Published {len(files)} files, release listed in {manifest}"]
    lines += ["", "Where to look:",
              f"  feeds       {settings.public}/v1/alerts/all.rss, .../v1/events/district/1001.json",
              "              .../v1/news/all.atom, .../v1/factchecks/all.json, .../v1/places/all.json,",
              "              .../v1/contacts/all.json, .../v1/guides/all.json, .../v1/complaints/district/1030.json",
              "  alerts      .../v1/alerts/all.geojson, .../v1/alerts/cap/index.atom (CAP 1.2),",
              "              .../v1/alerts/gtfs-rt/alerts.json, .../v1/road/wzdx.geojson, .../v1/road/waze-cifs.xml",
              "  events      .../v1/events/all.ics, .../v1/gtfs/mobile-services.zip (GTFS)",
              "  open data   .../v1/datasets/<table>/ (CSV, Parquet, GeoJSON, datapackage.json),",
              "              .../v1/catalog/catalog.ttl (DCAT-AP), .../api/3/action/package_list.json (CKAN),",
              "              .../v1/health/sources.json; sizes and formats: make bench-feeds",
              f"  warehouse   {settings.warehouse}  (tables raw.*, staged.*, core.*; staged.quarantine)",
              f"  raw archive {settings.raw_archive}",
              f"  data docs   {os.environ.get('BKK_DATA_DOCS_DIR', '(off)')}/index.html  (Great Expectations results)",
              "  serve       make serve   -> http://127.0.0.1:8800/v1/alerts/all.json",
              "  UI          make dev     -> http://127.0.0.1:3000"]
    return "\n".join(lines)


# The sample sites run on this machine and can take far more than a real partner: the demo raises
# the per-host rates (config/sources.yaml keeps the polite values for real hosts).
SAMPLE_SITE_RATES = {f"BKK_{name.upper()}_RATE_PER_SECOND": "50" for name in DEFAULT_PORTS} | {
    "BKK_DISTRICT_PORTALS_RATE_PER_SECOND": "100"}


def main() -> None:
    for key, value in SAMPLE_SITE_RATES.items():
        os.environ.setdefault(key, value)
    # Render GX Data Docs (static HTML of every suite and validation) beside the warehouse.
    os.environ.setdefault("BKK_DATA_DOCS_DIR", str(load_settings().warehouse.parent / "data_docs"))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ephemeral-ports", action="store_true", help="serve sample sites on free ports")
    args = parser.parse_args()
    with build_sample_sites({} if args.ephemeral_ports else DEFAULT_PORTS) as sites:
        started = time.monotonic()
        result = run_pipeline(sites.base_urls, dg.DagsterInstance.get())
        elapsed = time.monotonic() - started
    print(summarise(result, elapsed))
    if not result.success:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
