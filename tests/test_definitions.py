"""The code location loads, and `dagster definitions validate` accepts it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dagster as dg

from assets.sources import SOURCES
from pipelines.definitions import defs

REPO = Path(__file__).resolve().parents[1]


def test_definitions_load_with_every_layer_and_source_job():
    keys = {"/".join(k.path) for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"raw/district_portals", "raw/mea_outages", "raw/flood_sensors", "staged/district_notices",
            "staged/mea_outages", "staged/flood_sensors", "core/alerts", "core/events",
            "public/v1/alerts", "public/v1/events"} <= keys
    jobs = {j.name for j in defs.resolve_all_job_defs()}
    assert {"everything", "refresh_district_portals", "refresh_mea_outages", "refresh_flood_sensors"} <= jobs


def test_every_warehouse_writer_is_in_the_duckdb_pool():
    for assets_def in defs.resolve_asset_graph().assets_defs:
        key = "/".join(assets_def.key.path)
        if key.split("/")[0] in {"raw", "staged", "core"}:
            pools = {assets_def.node_def.pool} if hasattr(assets_def.node_def, "pool") else set()
            assert pools == {"duckdb"}, key


def test_staged_checks_are_blocking():
    specs = [s for a in defs.resolve_asset_graph().assets_defs for s in a.check_specs
             if s.asset_key.path[0] == "staged"]
    assert len(specs) == len(SOURCES) == 11 and all(s.blocking for s in specs)


def test_dagster_definitions_validate(tmp_path):
    env = {"DAGSTER_HOME": str(tmp_path), "PATH": str(Path(sys.executable).parent), "GX_ANALYTICS_ENABLED": "False"}
    (tmp_path / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    done = subprocess.run([str(Path(sys.executable).parent / "dagster"), "definitions", "validate",
                           "-w", "workspace.yaml"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation successful" in done.stdout + done.stderr


def test_source_schedules_use_bangkok_time():
    schedules = list(defs.schedules or [])
    assert {s.name for s in schedules} == {f"{name}_schedule" for name in SOURCES}
    assert all(s.execution_timezone == "Asia/Bangkok" for s in schedules)
