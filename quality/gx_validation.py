"""Run a Great Expectations 1.x suite on a pandas DataFrame (read from DuckDB, not via SQLAlchemy).

One ephemeral context per process; suites live in code (quality/suites.py) and results come back
as a plain `SuiteOutcome` that the Dagster layer turns into an AssetCheckResult.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import great_expectations as gx  # noqa: E402 - the analytics switch must be set before import
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402


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


@lru_cache(maxsize=1)
def _context():
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context, context.data_sources.add_pandas("bkk_frames")


def validate_frame(suite_name: str, frame: pd.DataFrame, expectations: list) -> SuiteOutcome:
    context, source = _context()
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
    # GX's pandas engine handles naive datetimes more reliably; UTC keeps the instants exact.
    frame = frame.copy()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert("UTC").dt.tz_localize(None)
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(suite)
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
