"""Reference data edited in the repo (reference/*.yaml): important phone numbers and service guides.

They are not fetched, so they skip the raw layer: the YAML is schema-checked on load, its sha256
recorded, and the frame checked by its GX suite before it replaces the core table.
"""

import dagster as dg

from hub.warehouse import replace_rows
from model.column_docs import table_schema
from pipelines.resources import PartnerSourcesResource, WarehouseResource
from quality import suites_reference
from quality.gx_validation import validate_frame
from scrapers import reference_data


def _reference_asset(key: str, columns: dict[str, str], load_frame, expectations, description: str):
    asset_key = dg.AssetKey(["core", key])

    @dg.asset(key=asset_key, group_name="reference", pool="duckdb", kinds={"yaml", "duckdb"},
              owners=["team:data-platform"], description=description,
              metadata={"dagster/column_schema": table_schema(key, columns)},
              check_specs=[dg.AssetCheckSpec("gx_suite", asset=asset_key, blocking=True,
                                             description=f"Great Expectations suite for core.{key}")])
    def _asset(context: dg.AssetExecutionContext, partners: PartnerSourcesResource, warehouse: WarehouseResource):
        frame = load_frame()
        outcome = validate_frame(f"core_{key}", frame, expectations(partners.gazetteer()))
        if outcome.success:
            with warehouse.connect() as con:
                replace_rows(con, f"core.{key}", frame, columns)
        else:
            context.log.error(f"core.{key} kept its last good rows: {outcome.summary()}")
        yield dg.MaterializeResult(asset_key=asset_key, metadata={
            "dagster/row_count": len(frame), "candidate_accepted": outcome.success,
            "reference_sha256": dg.MetadataValue.json(reference_data.content_sha256())})
        yield dg.AssetCheckResult(asset_key=asset_key, check_name="gx_suite", passed=outcome.success,
                                  metadata={"summary": outcome.summary()})
    return _asset


core_contacts = _reference_asset(
    "contacts", reference_data.CONTACT_COLUMNS, reference_data.contacts_frame,
    lambda gaz: suites_reference.contacts([d.code for d in gaz.districts]),
    "Important phone numbers: emergency services, the BMA 1555 hotline, utilities and all 50 district offices.")
core_guides = _reference_asset(
    "guides", reference_data.GUIDE_COLUMNS, reference_data.guides_frame, lambda gaz: suites_reference.guides(),
    "How to use BMA services: steps, documents, fees, where to go, online and queue-booking links.")

REFERENCE_ASSETS = [core_contacts, core_guides]
