"""Raw layer: one asset per partner source that crawls it politely and archives every response."""

import dagster as dg

from assets.sources import SOURCES, SourceSpec
from hub.raw_archive import CrawlSession
from hub.warehouse import latest_validators, record_crawl
from pipelines.resources import PartnerSourcesResource, WarehouseResource


def raw_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    key = dg.AssetKey(["raw", spec.name])

    @dg.asset(
        key=key, group_name="ingest", pool="duckdb", kinds={"python", "duckdb"}, owners=["team:data-platform"],
        description=f"Every response fetched from {spec.name} this pass, archived as received "
                    "(content-addressed) with provenance rows in raw.responses / raw.crawls. "
                    "A failed fetch is recorded here and never removes data downstream.",
        check_specs=[dg.AssetCheckSpec("all_units_fetched", asset=key,
                                       description="Every unit (district portal, feed) fetched completely.")],
    )
    def _raw(context: dg.AssetExecutionContext, partners: PartnerSourcesResource, warehouse: WarehouseResource):
        settings = partners.settings()
        with warehouse.connect() as con:
            validators = latest_validators(con, spec.name)
        client = partners.client()
        session = CrawlSession(spec.name, client, partners.store(), validators)
        spec.crawl(session, settings.source(spec.name), partners.gazetteer())
        responses, crawls = session.frames()
        with warehouse.connect() as con:
            record_crawl(con, responses, crawls)
        failed = crawls[~crawls["ok"]]
        ok_responses = responses[responses["status"].isin([200, 304])]
        for row in failed.itertuples():
            context.log.warning(f"{spec.name}/{row.unit}: {row.error}")
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "batch_id": session.batch_id,
                "requests": len(responses),
                "answered_304": int((responses["status"] == 304).sum()),
                "bytes": int(responses["bytes"].sum()),
                "units": len(crawls), "units_failed": len(failed),
                "rate_limit_wait_s": round(client.limiter.waited_s, 2),
                "share_not_modified": round(float((ok_responses["status"] == 304).mean()) if len(ok_responses) else 0.0, 3),
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


RAW_ASSETS = [raw_asset(spec) for spec in SOURCES.values()]
