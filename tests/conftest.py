"""Shared fixtures: sample partner sites on loopback and a pipeline wired to temporary paths."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from pipelines.definitions import ALL_ASSETS
from pipelines.resources import PartnerSourcesResource, PublicTreeResource, WarehouseResource
from sample_sites.catalog import DEFAULT_PORTS, build_sample_sites

SHARED = Path(__file__).resolve().parents[2] / "shared"
SHARED_DATA = SHARED / "data"
SHARED_SCHEMAS = SHARED / "schemas"
BOUNDARIES = SHARED_DATA / "Bangkok-districts.geojson"

# Source health is published as it is after each pass: every run is a new attempt, so these files
# change on every run by design. Everything else changes only when its content does.
HEALTH_PATHS = ("v1/health/", "v1/datasets/source_health/")


def without_health(manifest: dict[str, str]) -> dict[str, str]:
    return {path: digest for path, digest in manifest.items() if not path.startswith(HEALTH_PATHS)}


# Loopback sample sites take any rate; the client must still fail fast in fault tests.
FAST_ENV = {
    **{f"BKK_{name.upper()}_RATE_PER_SECOND": "400" for name in DEFAULT_PORTS},
    "BKK_CLIENT_READ_TIMEOUT_S": "0.5",
    "BKK_CLIENT_CONNECT_TIMEOUT_S": "0.5", "BKK_CLIENT_MAX_RETRIES": "1", "BKK_CLIENT_BACKOFF_BASE_S": "0.05",
    "BKK_CLIENT_MAX_BODY_BYTES": "2000000", "GX_ANALYTICS_ENABLED": "False",
}


@pytest.fixture
def fast_env(monkeypatch):
    for key, value in FAST_ENV.items():
        monkeypatch.setenv(key, value)


@pytest.fixture(scope="module")
def sites():
    with build_sample_sites() as running:
        running.timeout_fault_s = 1.5
        yield running


@dataclass
class Pipeline:
    root: Path
    resources: dict
    sites: object

    @property
    def public(self) -> Path:
        return self.root / "public"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    def run(self, selection=None) -> dg.ExecuteInProcessResult:
        assets = ALL_ASSETS if selection is None else selection
        return dg.materialize(list(assets), resources=self.resources, instance=dg.DagsterInstance.ephemeral(),
                              raise_on_error=False)

    def manifest(self) -> dict[str, str]:
        data = json.loads((self.public / "manifest.json").read_text())
        return {f["path"]: f["sha256"] for f in data["files"]}

    def query(self, sql: str, params=None):
        import duckdb
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def make_pipeline(root: Path, sites, boundaries: Path | None = BOUNDARIES) -> Pipeline:
    resources = {
        "partners": PartnerSourcesResource(base_urls=sites.base_urls, raw_archive_dir=str(root / "raw"),
                                           boundaries_path=str(boundaries) if boundaries and boundaries.exists() else ""),
        "warehouse": WarehouseResource(path=str(root / "warehouse.duckdb")),
        "public_tree": PublicTreeResource(public_dir=str(root / "public"), base_url="http://127.0.0.1:8800"),
    }
    return Pipeline(root, resources, sites)


@pytest.fixture
def pipeline(tmp_path, sites, fast_env) -> Pipeline:
    sites.faults.clear()
    return make_pipeline(tmp_path, sites)
