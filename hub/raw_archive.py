"""The raw layer: every response body stored as received, addressed by its sha256.

The warehouse keeps one provenance row per request (`raw.responses`) and one per crawled unit
(`raw.crawls`), so any past fetch can be parsed again. Scrapers fetch through `CrawlSession`,
which archives a body *before* handing it back, so nothing is ever parsed that was not archived.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pandas as pd

from hub.http_client import FetchError, HttpResponse, PoliteClient

# Headers worth keeping: provenance and what conditional GET needs. Cookies are never stored.
KEPT_HEADERS = ("Content-Type", "Content-Length", "ETag", "Last-Modified", "Date", "Cache-Control",
                "Retry-After", "Server", "Content-Encoding")


class BodyStore:
    """Content-addressed files: <root>/<sha[:2]>/<sha>. Writing the same bytes twice is a no-op."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, body: bytes) -> str:
        sha = hashlib.sha256(body).hexdigest()
        target = self.path(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
            os.replace(tmp, target)
        return sha

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()


class ArchivedResponse:
    """A response as parsers see it: always backed by archived bytes, 304s resolved to the kept body.

    Built from the archive, it knows the body's file (`path`) and reads the bytes only when a parser
    asks for `body`: a bulk parser can hand the files straight to DuckDB instead (hundreds of MB of
    search pages never sit in Python memory).
    """

    __slots__ = ("url", "final_url", "status", "content_type", "sha256", "fetched_at", "path", "_body")

    def __init__(self, url: str, final_url: str, status: int, content_type: str | None, sha256: str,
                 body: bytes | None = None, fetched_at: datetime | None = None, path: Path | None = None):
        if body is None and path is None:
            raise ValueError("an archived response needs its body or the path of its archived file")
        self.url, self.final_url, self.status, self.content_type = url, final_url, status, content_type
        self.sha256, self.fetched_at, self.path, self._body = sha256, fetched_at, path, body

    @property
    def body(self) -> bytes:
        if self._body is None:
            self._body = Path(self.path).read_bytes()
        return self._body

    def __repr__(self) -> str:
        return f"ArchivedResponse({self.url!r}, status={self.status}, sha256={self.sha256[:12]}…)"

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class Validators:
    etag: str | None
    last_modified: str | None
    sha256: str
    content_type: str | None
    checked_at: datetime | None = None       # when the server last confirmed this body (200 or 304)


# After this many consecutive host-level failures the host is treated as down for the rest of the
# pass: 50 district units timing out one by one would hammer a struggling server and stall the run.
HOST_DOWN_AFTER = 3
_HOST_LEVEL = {"timeout", "connection", "http_status", "host_unavailable"}


class UnitFailed(Exception):
    """Raised inside a unit to mark it failed with a clear reason (e.g. unrecognised layout)."""


class CrawlSession:
    """One pass over one source: fetches through the polite client, archives, and records rows.

    Work is grouped into units (a district portal, a whole feed). A unit that raises keeps its
    error in `raw.crawls` and the staged layer keeps that unit's previous rows.
    """

    def __init__(self, source: str, client: PoliteClient, store: BodyStore,
                 validators: dict[str, Validators] | None = None):
        self.source = source
        self.client = client
        self.store = store
        self.batch_id = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{source}-{uuid.uuid4().hex[:8]}"
        self.validators = dict(validators or {})
        self.responses: list[dict] = []
        self.crawls: list[dict] = []
        self._unit = "all"
        self._lock = threading.Lock()
        self._consecutive_host_failures = 0
        client.on_robots = lambda r: self._record(r, self._archive(r), "robots")

    def _archive(self, response: HttpResponse) -> str:
        return self.store.put(response.body)

    def _record(self, response: HttpResponse | None, sha: str | None, unit: str,
                url: str | None = None, error: FetchError | None = None, duration_ms: int = 0) -> None:
        headers = {k: v for k, v in (response.headers.items() if response else []) if k in KEPT_HEADERS}
        with self._lock:
            self.responses.append({
                "response_id": uuid.uuid4().hex, "batch_id": self.batch_id, "source": self.source, "unit": unit,
                "url": response.url if response else url, "final_url": response.final_url if response else None,
                "status": response.status if response else (error.status if error else None),
                "headers": json.dumps(headers, ensure_ascii=False, sort_keys=True),
                "sha256": sha, "bytes": len(response.body) if response else 0,
                "fetched_at": response.fetched_at if response else datetime.now(timezone.utc),
                "duration_ms": response.duration_ms if response else duration_ms,
                "attempts": response.attempts if response else None,
                "error_kind": error.kind if error else None, "error": str(error) if error else None,
                "skipped": False,
            })

    def get(self, url: str, *, reuse_within: timedelta | None = None) -> ArchivedResponse:
        """Fetch (conditionally when we hold validators), archive, record; raise FetchError on failure.

        With `reuse_within`, a URL the server confirmed less than that long ago is not requested at
        all: its archived body is reused and the skip is recorded (incremental crawling of detail
        pages behind an unchanged listing).
        """
        known = self.validators.get(url)
        now = datetime.now(timezone.utc)
        if reuse_within is not None and known and known.checked_at and now - known.checked_at < reuse_within:
            return self._reuse(url, known, now)
        try:
            if self._consecutive_host_failures >= HOST_DOWN_AFTER:
                raise FetchError("host_unavailable", url, f"skipped: the host failed {HOST_DOWN_AFTER} times in a row "
                                 "this pass")
            response = self.client.get(url, etag=known.etag if known else None,
                                       last_modified=known.last_modified if known else None)
        except FetchError as exc:
            if exc.kind in _HOST_LEVEL and (exc.status is None or exc.status >= 500):
                self._consecutive_host_failures += 1
            self._record(None, None, self._unit, url=url, error=exc)
            raise
        self._consecutive_host_failures = 0
        if response.not_modified and known:
            sha, content_type = known.sha256, known.content_type
            body = self.store.get(sha)
        else:
            body = response.body
            sha = self._archive(response)
            content_type = response.headers.get("Content-Type")
            self.validators[url] = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"),
                                              sha, content_type, response.fetched_at)
        self._record(response, sha, self._unit)
        return ArchivedResponse(url=url, final_url=response.final_url, status=response.status,
                                content_type=content_type, sha256=sha, body=body, fetched_at=response.fetched_at)

    def _reuse(self, url: str, known: Validators, now: datetime) -> ArchivedResponse:
        with self._lock:
            self.responses.append({
                "response_id": uuid.uuid4().hex, "batch_id": self.batch_id, "source": self.source, "unit": self._unit,
                "url": url, "final_url": url, "status": None,
                "headers": json.dumps({"Content-Type": known.content_type} if known.content_type else {}),
                # fetched_at is when the server last confirmed this body: no request was sent now.
                "sha256": known.sha256, "bytes": 0, "fetched_at": known.checked_at, "duration_ms": 0, "attempts": 0,
                "error_kind": None, "error": None, "skipped": True,
            })
        return ArchivedResponse(url=url, final_url=url, status=304, content_type=known.content_type,
                                sha256=known.sha256, body=self.store.get(known.sha256), fetched_at=known.checked_at)

    @contextmanager
    def unit(self, name: str) -> Iterator[None]:
        """Group requests into a unit; any exception marks the unit failed and is swallowed *into a row*."""
        self._unit = name
        started = datetime.now(timezone.utc)
        first = len(self.responses)
        error_kind = error = None
        try:
            yield
        except FetchError as exc:
            error_kind, error = exc.kind, str(exc)
        except UnitFailed as exc:
            error_kind, error = "unusable_content", str(exc)
        finally:
            mine = self.responses[first:]
            self.crawls.append({
                "batch_id": self.batch_id, "source": self.source, "unit": name,
                "started_at": started, "finished_at": datetime.now(timezone.utc),
                "ok": error is None, "error_kind": error_kind, "error": error,
                "requests": sum(1 for r in mine if not r["skipped"]),
                "not_modified": sum(1 for r in mine if r["status"] == 304),
                "skipped": sum(1 for r in mine if r["skipped"]),
                "bytes": sum(r["bytes"] for r in mine),
            })
            self._unit = "all"

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return pd.DataFrame(self.responses, columns=RESPONSE_COLUMNS), pd.DataFrame(self.crawls, columns=CRAWL_COLUMNS)


RESPONSE_COLUMNS = ["response_id", "batch_id", "source", "unit", "url", "final_url", "status", "headers", "sha256",
                    "bytes", "fetched_at", "duration_ms", "attempts", "error_kind", "error", "skipped"]
CRAWL_COLUMNS = ["batch_id", "source", "unit", "started_at", "finished_at", "ok", "error_kind", "error",
                 "requests", "not_modified", "skipped", "bytes"]
