"""Run a Great Expectations 1.x suite on a pandas DataFrame (read from DuckDB, not via SQLAlchemy).

One ephemeral context per process; suites live in code (quality/suites*.py) and results come back
as a plain `SuiteOutcome` that the Dagster layer turns into an AssetCheckResult.

With BKK_DATA_DOCS_DIR set (the demo sets var/data_docs), every validation also runs through a
checkpoint that renders GX Data Docs there: static HTML of each suite and each validation result,
browsable with any web server or straight from the file system.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import great_expectations as gx  # noqa: E402 - the analytics switch must be set before import
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402

from great_expectations.execution_engine import pandas_execution_engine  # noqa: E402
from great_expectations.validator.v1_validator import Validator  # noqa: E402

from quality.expectation_columns import columns_read  # noqa: E402


@dataclass
class SuiteOutcome:
    suite: str
    success: bool
    evaluated: int
    failures: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        if self.success:
            return f"{self.suite}: all {self.evaluated} expectations met"
        return f"{self.suite}: {len(self.failures)} of {self.evaluated} expectations failed: " + "; ".join(
            f"{f['expectation']}({f.get('column') or ''}) unexpected={f.get('unexpected_count')}" for f in self.failures)


DOCS_SITE = "bkk_connect"


@lru_cache(maxsize=4)
def _context(docs_dir: str | None = None):
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if docs_dir:
        context.add_data_docs_site(site_name=DOCS_SITE, site_config={
            "class_name": "SiteBuilder", "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": docs_dir}})
    return context, context.data_sources.add_pandas("bkk_frames")


def _validate_with_docs(context, batch_definition, suite, frame: pd.DataFrame):
    """Validate through a checkpoint whose action renders the result into the Data Docs site."""
    name = suite.name
    for store in (context.checkpoints, context.validation_definitions):
        try:
            store.delete(name)
        except Exception:  # noqa: BLE001 - absent on the first run
            pass
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch_definition,
                                                                            suite=suite))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name=name, validation_definitions=[definition],
        actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[DOCS_SITE])]))
    run = checkpoint.run(batch_parameters={"dataframe": frame})
    return next(iter(run.run_results.values()))


LARGE_FRAME_ROWS = 50_000
# GX fingerprints every pandas batch whose shallow size is under this (1 GB by default) for its batch
# markers: a full hash of the frame, a second on 500,000 tickets, for a marker nothing here reads.
# Fingerprinting only frames below 1 MB (shallow: about 130,000 cells) keeps it for the small tables and
# skips it for city-scale ones and their parts.
pandas_execution_engine.HASH_THRESHOLD = 1e6


def _checked_columns(frame: pd.DataFrame, expectations: list) -> pd.DataFrame:
    """Only the columns the suite looks at (a copy), timestamps as naive UTC nanoseconds: GX's pandas
    engine handles naive datetimes more reliably, UTC keeps the instants exact, and only a nanosecond
    column is compared vectorised (DuckDB hands microseconds, which GX compares value by value)."""
    keep = columns_read(expectations, list(frame.columns))
    frame = frame[keep].copy()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert("UTC").dt.tz_localize(None)
        if pd.api.types.is_datetime64_dtype(frame[column].dtype):
            try:
                frame[column] = frame[column].astype("datetime64[ns]")
            except (OverflowError, pd.errors.OutOfBoundsDatetime):
                pass          # a year past 2262 (a BE year read as CE): GX compares it the slow way, and fails it
    return frame


def _release_batches(source) -> None:
    """Drop the frames GX keeps: the datasource's one execution engine caches every batch it loaded,
    so each validated table (500,000 tickets among them) would stay in memory for the whole run."""
    manager = source.get_execution_engine().batch_manager
    manager.reset_batch_cache()
    manager.batch_data_cache.clear()


def validate_frame(suite_name: str, frame: pd.DataFrame, expectations: list) -> SuiteOutcome:
    docs_dir = os.environ.get("BKK_DATA_DOCS_DIR") or None
    context, source = _context(str(Path(docs_dir).resolve()) if docs_dir else None)
    asset_name = f"{suite_name}_frame"
    try:
        asset = source.get_asset(asset_name)
    except LookupError:
        asset = source.add_dataframe_asset(name=asset_name)
    try:
        batch_definition = asset.get_batch_definition("whole")
    except (KeyError, LookupError, ValueError):
        batch_definition = asset.add_batch_definition_whole_dataframe("whole")
    try:
        context.suites.delete(suite_name)
    except Exception:  # noqa: BLE001 - GX raises different errors for "no such suite" across versions
        pass
    suite = context.suites.add(gx.ExpectationSuite(name=suite_name, expectations=[e.copy() for e in expectations]))
    frame = _checked_columns(frame, expectations)
    if docs_dir:
        result = _validate_with_docs(context, batch_definition, suite, frame)
    else:
        # A city-scale table (all Traffy tickets) costs seconds per pass: decide with the cheapest result
        # format first and compute examples of unexpected values only when something failed. A Validator
        # on the batch definition loads (and fingerprints) the frame once; `Batch.validate` would load it
        # a second time.
        def run(result_format: str):
            return Validator(batch_definition=batch_definition, batch_parameters={"dataframe": frame},
                             result_format=result_format).validate_expectation_suite(suite)
        result = run("BOOLEAN_ONLY") if len(frame) > LARGE_FRAME_ROWS else None
        if result is None or not result.success:
            result = run("SUMMARY")
    _release_batches(source)
    failures = []
    for r in result.results:
        if not r.success:
            kwargs = r.expectation_config.kwargs
            failures.append({
                "expectation": r.expectation_config.type,
                "column": kwargs.get("column") or kwargs.get("column_A"),
                "unexpected_count": (r.result or {}).get("unexpected_count"),
                "examples": [str(v) for v in ((r.result or {}).get("partial_unexpected_list") or [])[:5]],
                "observed": str((r.result or {}).get("observed_value"))[:200],
            })
    return SuiteOutcome(suite_name, bool(result.success), len(result.results), failures)


CHUNK_ROWS = 250_000


def _by_part(expectation, text_columns: set[str]) -> bool:
    """A rule on one text column that every row must meet on its own (no `mostly`, not uniqueness): its
    verdict on a table is its verdict on each part, so a city-scale text column can be checked a part at
    a time instead of sitting in memory whole."""
    column = getattr(expectation, "column", None)
    return (isinstance(expectation, gx.expectations.expectation.ColumnMapExpectation)
            and not isinstance(expectation, gx.expectations.ExpectColumnValuesToBeUnique)
            and getattr(expectation, "mostly", 1) in (None, 1) and column in text_columns)


def validate_table(con, table: str, suite_name: str, expectations: list, chunk_rows: int = CHUNK_ROWS) -> SuiteOutcome:
    """`validate_frame` for a table in DuckDB (a candidate built in SQL): only the columns the suite reads
    leave DuckDB, and above `chunk_rows` rows the per-row rules on text columns run part by part (each
    part's failures summed), so memory follows the part, not the table. The verdict is the same."""
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table})").fetchall())
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    text = {c for c, t in types.items() if t == "VARCHAR"} if rows > chunk_rows else set()
    by_part = [e for e in expectations if _by_part(e, text)]
    whole = [e for e in expectations if not _by_part(e, text)]

    def frame(columns: list[str], where: str = "") -> pd.DataFrame:
        listed = ", ".join(f'"{c}"' for c in columns) or "1 AS _none"
        return con.execute(f"SELECT {listed} FROM {table} {where}").df()

    outcomes = [validate_frame(suite_name, frame(columns_read(whole, list(types))), whole)] if whole else []
    if by_part:
        low, high = con.execute(f"SELECT min(rowid), max(rowid) FROM {table}").fetchone()
        for start in range(low or 0, (high or 0) + 1, chunk_rows):
            part = frame(columns_read(by_part, list(types)), f"WHERE rowid >= {start} AND rowid < {start + chunk_rows}")
            outcomes.append(validate_frame(suite_name, part, by_part))
    return _combined(suite_name, len(expectations), outcomes)


def _combined(suite_name: str, evaluated: int, outcomes: list[SuiteOutcome]) -> SuiteOutcome:
    """One outcome from the parts: a rule failing in several parts is one failure with the summed count."""
    merged: dict[tuple, dict] = {}
    for outcome in outcomes:
        for failure in outcome.failures:
            key = (failure["expectation"], failure["column"])
            if key not in merged:
                merged[key] = dict(failure)
            else:
                merged[key]["unexpected_count"] = (merged[key]["unexpected_count"] or 0) + (failure["unexpected_count"] or 0)
                merged[key]["examples"] = (merged[key]["examples"] + failure["examples"])[:5]
    return SuiteOutcome(suite_name, all(o.success for o in outcomes), evaluated, list(merged.values()))
