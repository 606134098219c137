"""One pass over one source, outside Dagster: crawl politely, archive, record, report.

The raw assets, the crawl benchmark and the fault-matrix tests all run a source through this one
function, so what the benchmark measures is exactly what the pipeline does.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hub.config import Settings
from hub.http_client import PoliteClient
from hub.raw_archive import BodyStore, CrawlSession
from hub.warehouse import connect, latest_validators, record_crawl


@dataclass
class CrawlOutcome:
    source: str
    batch_id: str
    responses: pd.DataFrame
    crawls: pd.DataFrame
    rate_limit_wait_s: float
    cursor: object = None

    @property
    def failed(self) -> pd.DataFrame:
        return self.crawls[~self.crawls["ok"].astype(bool)]

    @property
    def skipped(self) -> pd.Series:
        return self.responses["skipped"].fillna(False).astype(bool)

    def metrics(self) -> dict:
        """Requests actually sent, how many the server answered 304, how many we did not need to send."""
        sent = self.responses[~self.skipped]
        not_modified = int((sent["status"] == 304).sum())
        reused = int(self.skipped.sum())
        considered = len(sent) + reused       # failed requests count too: they were sent
        return {
            "requests": len(sent), "answered_304": not_modified, "skipped_unchanged": reused,
            "bytes": int(sent["bytes"].fillna(0).sum()), "units": len(self.crawls), "units_failed": len(self.failed),
            "share_304_or_skipped": round((not_modified + reused) / considered, 3) if considered else 0.0,
            "rate_limit_wait_s": round(self.rate_limit_wait_s, 2),
        }


def crawl_source(spec, settings: Settings, warehouse: Path, store: BodyStore, gazetteer,
                 client: PoliteClient | None = None) -> CrawlOutcome:
    """Crawl `spec` once: conditional GETs from the archive's validators, a cursor when the source has one."""
    with connect(warehouse) as con:
        validators = latest_validators(con, spec.name)
        cursor = spec.cursor(con) if spec.cursor else None
    client = client or PoliteClient(settings.client, settings.allowed_hosts, settings.rate_limits,
                                    concurrency=settings.concurrency_limits)
    session = CrawlSession(spec.name, client, store, validators)
    if spec.cursor:
        spec.crawl(session, settings.source(spec.name), gazetteer, since=cursor)
    else:
        spec.crawl(session, settings.source(spec.name), gazetteer)
    responses, crawls = session.frames()
    crawls["cursor"] = None if cursor is None else str(cursor)
    with connect(warehouse) as con:
        record_crawl(con, responses, crawls)
    return CrawlOutcome(spec.name, session.batch_id, responses, crawls, client.limiter.waited_s, cursor)
