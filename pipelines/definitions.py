"""The code location: every asset, check, job, schedule and resource of the data hub."""
from __future__ import annotations

import dagster as dg

from assets.core import CORE_ASSETS
from assets.health import HEALTH_ASSETS
from assets.publish import PUBLISH_ASSETS
from assets.raw import RAW_ASSETS
from assets.reference import REFERENCE_ASSETS
from assets.staged import STAGED_ASSETS
from pipelines.jobs import SOURCE_JOBS, everything_job, source_schedules
from pipelines.resources import default_resources

ALL_ASSETS = [*RAW_ASSETS, *STAGED_ASSETS, *REFERENCE_ASSETS, *CORE_ASSETS, *HEALTH_ASSETS, *PUBLISH_ASSETS]

defs = dg.Definitions(
    assets=ALL_ASSETS,
    jobs=[everything_job, *SOURCE_JOBS.values()],
    schedules=source_schedules(),
    resources=default_resources(),
)
