"""Crawl one sample site over loopback HTTP with the real polite client, outside Dagster.

For scraper tests: `crawl_site(site, crawl)` starts the site on a free 127.0.0.1 port, runs the
scraper's crawl through a CrawlSession (so every response is archived exactly as in production)
and returns the session plus the archived responses grouped by unit, ready for `parse_unit`.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from hub.config import ClientSettings, SourceSettings
from hub.http_client import PoliteClient
from hub.raw_archive import ArchivedResponse, BodyStore, CrawlSession
from sample_sites.server import SampleSites

TEST_CLIENT = ClientSettings(user_agent="BKKConnectDataHub-test/0.1 (+https://example.invalid)",
                             connect_timeout_s=0.5, read_timeout_s=0.5, max_body_bytes=2_000_000,
                             max_retries=1, backoff_base_s=0.05, max_retry_after_s=5)


@dataclass
class CrawlResult:
    session: CrawlSession
    by_unit: dict[str, list[ArchivedResponse]] = field(default_factory=dict)
    base_url: str = ""

    @property
    def failed_units(self) -> dict[str, str]:
        return {c["unit"]: c["error"] for c in self.session.crawls if not c["ok"]}


def crawl_site(site, crawl: Callable[[CrawlSession, SourceSettings], None], store_dir: Path, *,
               fault: str | None = None, settings_overrides: dict | None = None,
               sites: SampleSites | None = None) -> CrawlResult:
    """Run `crawl(session, source_settings)` against `site` served on loopback."""
    own = sites is None
    sites = sites or SampleSites({site.name: site}).serve_in_background()
    try:
        if fault:
            sites.set_fault(site.name, fault)
        base = sites.base_urls[site.name]
        source = SourceSettings(name=site.name, title=site.name, base_url=base, rate_per_second=500,
                                **(settings_overrides or {}))
        client = PoliteClient(TEST_CLIENT, {source.host}, {source.host: 500})
        session = CrawlSession(site.name, client, BodyStore(store_dir))
        captured: dict[str, list[ArchivedResponse]] = defaultdict(list)
        original_get = session.get

        def get_and_capture(url: str, **kwargs) -> ArchivedResponse:
            response = original_get(url, **kwargs)
            captured[session._unit].append(response)
            return response

        session.get = get_and_capture          # type: ignore[method-assign]
        crawl(session, source)
        ok_units = {c["unit"] for c in session.crawls if c["ok"]}
        return CrawlResult(session, {u: r for u, r in captured.items() if u in ok_units}, base)
    finally:
        if fault:
            sites.set_fault(site.name, None)
        if own:
            sites.stop()
