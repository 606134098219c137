"""Staged layer: typed rows per source, rebuilt from the raw archive and gated by a GX suite.

Candidate, check, publish: the candidate frame is validated *before* it replaces the table, so
a failing suite leaves the last good staged rows (and everything published from them) in place,
and its blocking check stops this run's downstream assets.
"""

import dagster as dg

from assets.sources import SOURCES, SourceSpec
from hub.staging import stage_source
from pipelines.resources import PartnerSourcesResource, WarehouseResource
from quality.gx_validation import validate_frame


def _preview(frame, columns: list[str], rows: int = 5) -> dg.MetadataValue:
    if frame.empty:
        return dg.MetadataValue.md("_no rows_")
    return dg.MetadataValue.md(frame[columns].head(rows).astype(str).to_markdown(index=False))


def staged_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    key = dg.AssetKey(["staged", spec.staged_table])

    @dg.asset(
        key=key, deps=[dg.AssetKey(["raw", spec.name])], group_name="staged", pool="duckdb",
        kinds={"python", "duckdb"}, owners=["team:data-platform"],
        description=spec.description + " Parsed from the newest complete crawl of each unit in the raw archive; "
                    "unparseable records go to staged.quarantine with the reason.",
        metadata={"dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(name, type_) for name, type_ in spec.columns.items()])},
        check_specs=[dg.AssetCheckSpec("gx_suite", asset=key, blocking=True,
                                       description=f"Great Expectations suite for staged.{spec.staged_table}")],
    )
    def _staged(context: dg.AssetExecutionContext, partners: PartnerSourcesResource, warehouse: WarehouseResource):
        gazetteer = partners.gazetteer()
        absent_limit = partners.settings().source(spec.name).absent_listings_before_removal
        with warehouse.connect() as con:
            build, outcome = stage_source(con, spec, partners.store(), gazetteer, absent_limit=absent_limit,
                                          validate=validate_frame)
        if not outcome.success:
            context.log.error(f"staged.{spec.staged_table} kept its last good rows: {outcome.summary()}")
        for unit, error in build.failed_units.items():
            context.log.warning(f"{spec.name}/{unit}: {error}")
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "dagster/row_count": build.row_count,
                "candidate_accepted": outcome.success,
                "units_parsed": int(build.parse_runs["ok"].sum()) if len(build.parse_runs) else 0,
                "units_failed": len(build.failed_units),
                "quarantined": len(build.quarantined),
                "quarantine_reasons": _preview(build.quarantined, ["record_ref", "reason"], rows=10)
                if len(build.quarantined) else dg.MetadataValue.md("_none_"),
                "carried_over": build.carried,
                "removed_after_absent_listings": build.removed,
                "preview": _preview(build.frame, [c for c in spec.columns if c in build.frame][:5]),
            },
        )
        yield dg.AssetCheckResult(
            asset_key=key, check_name="gx_suite", passed=outcome.success,
            metadata={"summary": outcome.summary(), "evaluated": outcome.evaluated,
                      "failures": dg.MetadataValue.json(outcome.failures)},
        )

    return _staged


STAGED_ASSETS = [staged_asset(spec) for spec in SOURCES.values()]
