"""Settings for every partner source, read from one YAML file with environment overrides.

Nothing here is decided at import time: callers (Dagster resources, the demo, tests) call
`load_settings()` and pass the result along, so a test can point every source at its own server.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / "config" / "sources.yaml"


@dataclass(frozen=True)
class ClientSettings:
    user_agent: str
    connect_timeout_s: float = 5
    read_timeout_s: float = 15
    max_body_bytes: int = 5_000_000
    max_retries: int = 2
    backoff_base_s: float = 0.5
    max_retry_after_s: float = 30
    respect_robots: bool = True
    extra_allowed_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceSettings:
    name: str
    title: str
    base_url: str
    rate_per_second: float = 1.0
    max_pages: int = 5
    cadence_cron: str = "0 * * * *"
    freshness_minutes: int = 60
    licence: str = ""
    flood_threshold_cm: float = 10.0
    concurrency: int = 1                    # simultaneous requests to the source's host
    # Delete-safety: a listed item goes away only after it is missing from this many consecutive
    # complete, successful listings (an error or an empty answer never counts as a listing).
    absent_listings_before_removal: int = 3
    # Detail pages behind an unchanged (304) listing are re-checked only this often.
    recheck_after_hours: float = 24.0
    # Source-specific knobs (page sizes, thresholds, query grids): any other key in the YAML.
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")


@dataclass(frozen=True)
class Settings:
    client: ClientSettings
    sources: Mapping[str, SourceSettings]
    warehouse: Path
    raw_archive: Path
    public: Path
    district_boundaries: Path | None
    publish_base_url: str
    keep_versions: int = 5
    websub_hub: str | None = None          # feeds link to it (rel="hub") so subscribers get pushes
    config_file: Path = DEFAULT_CONFIG

    def source(self, name: str) -> SourceSettings:
        try:
            return self.sources[name]
        except KeyError:
            raise KeyError(f"source {name!r} is not configured in {self.config_file}") from None

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Fetches (and redirects) may only go to the configured sources' hosts."""
        return frozenset({s.host for s in self.sources.values()} | set(self.client.extra_allowed_hosts))

    @property
    def concurrency_limits(self) -> dict[str, int]:
        """Per host, the smallest concurrency among the sources that share it."""
        limits: dict[str, int] = {}
        for s in self.sources.values():
            limits[s.host] = min(limits.get(s.host, s.concurrency), s.concurrency)
        return limits

    @property
    def rate_limits(self) -> dict[str, float]:
        """Per host, the strictest rate among the sources that share it."""
        limits: dict[str, float] = {}
        for s in self.sources.values():
            limits[s.host] = min(limits.get(s.host, s.rate_per_second), s.rate_per_second)
        return limits

    def with_overrides(self, **sources_base_urls: str) -> "Settings":
        """A copy with some sources pointed elsewhere (tests, the demo)."""
        new = dict(self.sources)
        for name, url in sources_base_urls.items():
            new[name] = replace(self.source(name), base_url=url)
        return replace(self, sources=new)


def _coerce(value: str, type_name: str) -> Any:
    """Environment values are strings: convert them to the settings field's declared type."""
    if type_name == "bool":
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if type_name in {"int", "float"}:
        return {"int": int, "float": float}[type_name](value)
    if type_name.startswith("tuple"):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return value


def _apply_env(cls: type, values: dict[str, Any], prefix: str, env: Mapping[str, str]) -> dict[str, Any]:
    out = dict(values)
    for f in fields(cls):
        key = f"{prefix}{f.name.upper()}"
        if key in env:
            out[f.name] = _coerce(env[key], str(f.type))
    return out


def _resolve(path: str | None, base: Path) -> Path | None:
    if not path:
        return None
    p = Path(path)
    return p if p.is_absolute() else (base / p).resolve()


def load_settings(config_file: Path | str | None = None, env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    config_file = Path(config_file or env.get("BKK_CONFIG") or DEFAULT_CONFIG)
    raw = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    client_values = dict(raw.get("client", {}))
    client_values["extra_allowed_hosts"] = tuple(client_values.get("extra_allowed_hosts") or ())
    client = ClientSettings(**_apply_env(ClientSettings, client_values, "BKK_CLIENT_", env))
    sources = {}
    known = {f.name for f in fields(SourceSettings)}
    for name, values in (raw.get("sources") or {}).items():
        prefix = f"BKK_{name.upper()}_"
        values = _apply_env(SourceSettings, {"name": name, **values}, prefix, env)
        options = {k: v for k, v in values.items() if k not in known}
        for key, value in options.items():     # extra knobs take env overrides too, typed like the YAML value
            if f"{prefix}{key.upper()}" in env:
                options[key] = _coerce(env[f"{prefix}{key.upper()}"], type(value).__name__)
        sources[name] = SourceSettings(**{k: v for k, v in values.items() if k in known}, options=options)
    paths = raw.get("paths", {})
    publish = raw.get("publish", {})
    boundaries = env.get("BKK_DISTRICT_BOUNDARIES", paths.get("district_boundaries"))
    return Settings(
        client=client,
        sources=sources,
        warehouse=_resolve(env.get("BKK_WAREHOUSE", paths.get("warehouse")), REPO_ROOT),
        raw_archive=_resolve(env.get("BKK_RAW_ARCHIVE", paths.get("raw_archive")), REPO_ROOT),
        public=_resolve(env.get("BKK_PUBLIC_DIR", paths.get("public")), REPO_ROOT),
        district_boundaries=_resolve(boundaries, REPO_ROOT),
        publish_base_url=env.get("BKK_PUBLISH_BASE_URL", publish.get("base_url", "http://127.0.0.1:8800")),
        keep_versions=int(env.get("BKK_KEEP_VERSIONS", publish.get("keep_versions", 5))),
        websub_hub=env.get("BKK_WEBSUB_HUB", publish.get("websub_hub")) or None,
        config_file=config_file,
    )
