"""Typed Dagster resources: one per external system, configured in exactly one place (`default_resources`)."""

from functools import lru_cache
from pathlib import Path

import dagster as dg
import duckdb

from hub.config import Settings, load_settings
from hub.gazetteer import Gazetteer
from hub.http_client import PoliteClient
from hub.raw_archive import BodyStore
from hub.warehouse import connect


class PartnerSourcesResource(dg.ConfigurableResource):
    """The partner sites: their settings (config/sources.yaml + BKK_* env), the polite client, the archive."""

    config_file: str | None = None
    base_urls: dict[str, str] = {}           # overrides, e.g. the sample sites' ephemeral ports in tests
    raw_archive_dir: str | None = None
    boundaries_path: str | None = None       # "" means: run without boundary polygons

    def settings(self) -> Settings:
        return load_settings(self.config_file).with_overrides(**self.base_urls)

    def client(self) -> PoliteClient:
        s = self.settings()
        return PoliteClient(s.client, s.allowed_hosts, s.rate_limits, concurrency=s.concurrency_limits)

    def store(self) -> BodyStore:
        return BodyStore(Path(self.raw_archive_dir) if self.raw_archive_dir else self.settings().raw_archive)

    def gazetteer(self) -> Gazetteer:
        if self.boundaries_path == "":
            return _load_gazetteer(None)
        path = Path(self.boundaries_path) if self.boundaries_path else self.settings().district_boundaries
        return _load_gazetteer(path if path and path.exists() else None)


@lru_cache(maxsize=4)
def _load_gazetteer(boundaries: Path | None) -> Gazetteer:
    """Every asset of a run needs the gazetteer; parse the 3 MB boundary file once per process."""
    return Gazetteer.load(boundaries)


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file. Writers are serialised by the `duckdb` pool."""

    path: str | None = None

    def resolved_path(self) -> Path:
        return Path(self.path) if self.path else load_settings().warehouse

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        return connect(self.resolved_path(), read_only=read_only)


class PublicTreeResource(dg.ConfigurableResource):
    """Where feeds are released (`public/`) and the URL they are served at."""

    public_dir: str | None = None
    base_url: str | None = None
    keep_versions: int = 5
    websub_hub: str | None = None

    def directory(self) -> Path:
        return Path(self.public_dir) if self.public_dir else load_settings().public

    def url(self) -> str:
        return (self.base_url or load_settings().publish_base_url).rstrip("/")

    def hub(self) -> str | None:
        """The WebSub hub feeds announce (rel="hub"): this resource's, else publish.websub_hub / BKK_WEBSUB_HUB."""
        return self.websub_hub or load_settings().websub_hub


def default_resources() -> dict[str, dg.ConfigurableResource]:
    """Live configuration: every value comes from config/sources.yaml and BKK_* variables at run time."""
    return {
        "partners": PartnerSourcesResource(),
        "warehouse": WarehouseResource(),
        "public_tree": PublicTreeResource(),
    }
