"""Raw layer: one asset per partner source that crawls it politely and archives every response."""

from datetime import timedelta

import dagster as dg

from assets.sources import SOURCES, SourceSpec
from hub.config import load_settings
from hub.crawling import crawl_source
from pipelines.resources import PartnerSourcesResource, WarehouseResource


def raw_asset(spec: SourceSpec, freshness_minutes: int) -> dg.AssetsDefinition:
    key = dg.AssetKey(["raw", spec.name])

    @dg.asset(
        key=key, group_name="ingest", pool="duckdb", kinds={"python", "duckdb"}, owners=["team:data-platform"],
        description=f"Every response fetched from {spec.name} this pass, archived as received "
                    "(content-addressed) with provenance rows in raw.responses / raw.crawls. "
                    "A failed fetch is recorded here and never removes data downstream.",
        # The source's freshness target (config/sources.yaml): the pass must have run this recently.
        # Whether the data itself is fresh, despite failing fetches, is core.source_health's `fresh`.
        freshness_policy=dg.FreshnessPolicy.time_window(fail_window=timedelta(minutes=freshness_minutes)),
        check_specs=[dg.AssetCheckSpec("all_units_fetched", asset=key,
                                       description="Every unit (district portal, feed) fetched completely.")],
    )
    def _raw(context: dg.AssetExecutionContext, partners: PartnerSourcesResource, warehouse: WarehouseResource):
        outcome = crawl_source(spec, partners.settings(), warehouse.resolved_path(), partners.store(),
                               partners.gazetteer(), partners.client())
        if spec.cursor:
            context.log.info(f"{spec.name}: incremental from cursor {outcome.cursor}")
        failed = outcome.failed
        for row in failed.itertuples():
            context.log.warning(f"{spec.name}/{row.unit}: {row.error}")
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "batch_id": outcome.batch_id,
                **outcome.metrics(),
                "failures": dg.MetadataValue.md(
                    failed[["unit", "error_kind", "error"]].to_markdown(index=False) if len(failed) else "none"),
            },
        )
        yield dg.AssetCheckResult(
            asset_key=key, check_name="all_units_fetched", passed=failed.empty,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"failed_units": len(failed), "errors": "; ".join(failed["error"].astype(str).head(5))},
        )

    return _raw


_SETTINGS = load_settings()      # read when definitions load, like the schedules' cadences
RAW_ASSETS = [raw_asset(spec, _SETTINGS.source(spec.name).freshness_minutes) for spec in SOURCES.values()]
