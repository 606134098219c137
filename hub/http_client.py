"""The polite HTTP client every scraper fetches through.

Partner sites are government servers we must not hurt and must not trust: each request names us
(User-Agent with a contact URL), waits its turn per host, obeys robots.txt, reuses validators for
conditional GET, backs off on 429/5xx honouring Retry-After, stops at a size cap, and never
follows a redirect off the allow-list of configured hosts. Failures raise `FetchError` with a
`kind` so callers can record exactly what went wrong.
"""
from __future__ import annotations

import email.utils
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Mapping
from urllib.parse import urljoin, urlsplit

import requests
from protego import Protego

from hub.config import ClientSettings

REDIRECT_CODES = {301, 302, 303, 307, 308}
RETRY_CODES = {429, 500, 502, 503, 504}
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A fetch that produced no usable response. `kind` is a short machine-readable reason."""

    def __init__(self, kind: str, url: str, message: str, status: int | None = None):
        super().__init__(f"{kind}: {message} ({url})")
        self.kind, self.url, self.message, self.status = kind, url, message, status


@dataclass
class HttpResponse:
    url: str                 # what was asked for
    final_url: str           # after redirects
    status: int              # 200 or 304 (anything else raises)
    headers: dict[str, str]
    body: bytes              # empty for 304
    duration_ms: int
    fetched_at: datetime
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class _HostState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_slot: float = 0.0


class RateLimiter:
    """Spaces requests to one host at least 1/rate seconds apart, across threads."""

    def __init__(self, per_host: Mapping[str, float], default_rate: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self._rates = dict(per_host)
        self._default = default_rate
        self._hosts: dict[str, _HostState] = {}
        self._guard = threading.Lock()
        self._clock, self._sleep = clock, sleep
        self.waited_s = 0.0

    def set_min_interval(self, host: str, seconds: float) -> None:
        """robots.txt Crawl-delay can only make us slower, never faster."""
        if seconds > 0:
            self._rates[host] = min(self._rates.get(host, self._default), 1.0 / seconds)

    def wait(self, host: str) -> None:
        with self._guard:
            state = self._hosts.setdefault(host, _HostState())
        interval = 1.0 / max(self._rates.get(host, self._default), 1e-6)
        with state.lock:
            now = self._clock()
            delay = state.next_slot - now
            if delay > 0:
                self.waited_s += delay
                self._sleep(delay)
                now = self._clock()
            state.next_slot = max(now, state.next_slot) + interval


def _parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class PoliteClient:
    def __init__(self, settings: ClientSettings, allowed_hosts: frozenset[str] | set[str],
                 rate_limits: Mapping[str, float], *, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 on_robots: Callable[[HttpResponse], None] | None = None,
                 concurrency: Mapping[str, int] | None = None):
        self.settings = settings
        self.allowed_hosts = frozenset(allowed_hosts)
        self.limiter = RateLimiter(rate_limits, sleep=sleep)
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"})
        # requests re-reads the proxy and CA-bundle variables from the environment on every request
        # (a third of a millisecond, most of a loopback fetch): read them once per host instead.
        self.session.trust_env = False
        self._proxies: dict[str, dict] = {}
        self._verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        self._sleep = sleep
        self._robots: dict[str, Protego | None] = {}
        self._robots_lock = threading.Lock()
        self.on_robots = on_robots   # robots.txt is parsed, so it is archived like any response
        self.requests_sent = 0
        # At most this many requests in flight per host, whatever the caller's threading does.
        self._concurrency = dict(concurrency or {})
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._slots_lock = threading.Lock()

    # -- public -------------------------------------------------------------------------
    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> HttpResponse:
        """GET with every politeness rule applied. Returns 200 or 304; raises FetchError otherwise."""
        self._check_host(url, url)
        if self.settings.respect_robots and not self._robots_allows(url):
            raise FetchError("robots_disallowed", url, "robots.txt disallows this path for our User-Agent")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get_with_retries(url, headers)

    # -- internals ----------------------------------------------------------------------
    def _check_host(self, url: str, origin: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"}:
            raise FetchError("host_not_allowed", origin, f"scheme {parts.scheme!r} is not fetched")
        if parts.netloc not in self.allowed_hosts:
            raise FetchError("host_not_allowed", origin, f"host {parts.netloc} is not on the allow-list")

    def _robots_allows(self, url: str) -> bool:
        parts = urlsplit(url)
        host = parts.netloc
        with self._robots_lock:
            if host not in self._robots:
                self._robots[host] = self._load_robots(f"{parts.scheme}://{host}/robots.txt")
        robots = self._robots[host]
        if robots is None:
            return False
        return robots.can_fetch(url, self.settings.user_agent)

    def _load_robots(self, robots_url: str) -> Protego | None:
        """RFC 9309: a 4xx robots.txt allows everything; an unreachable or 5xx one disallows all."""
        try:
            response = self._get_with_retries(robots_url, {})
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                return Protego.parse("")
            return None
        if self.on_robots is not None:
            self.on_robots(response)
        robots = Protego.parse(response.body.decode("utf-8", errors="replace"))
        delay = robots.crawl_delay(self.settings.user_agent)
        if delay:
            self.limiter.set_min_interval(urlsplit(robots_url).netloc, float(delay))
        return robots

    def _get_with_retries(self, url: str, headers: dict[str, str]) -> HttpResponse:
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._get_following_redirects(url, headers)
                response.attempts = attempt
                return response
            except FetchError as exc:
                retry_after = getattr(exc, "retry_after", None)
                retryable = exc.kind in {"connection", "timeout"} or (exc.status in RETRY_CODES)
                if not retryable or attempt > self.settings.max_retries:
                    raise
                wait = self.settings.backoff_base_s * (2 ** (attempt - 1))
                if retry_after is not None:
                    if retry_after > self.settings.max_retry_after_s:
                        raise FetchError(exc.kind, url, f"{exc.message}; Retry-After {retry_after:.0f}s exceeds "
                                         f"our cap of {self.settings.max_retry_after_s:.0f}s", exc.status) from exc
                    wait = max(wait, retry_after)
                self._sleep(wait)

    def _get_following_redirects(self, url: str, headers: dict[str, str]) -> HttpResponse:
        current = url
        started = time.monotonic()
        fetched_at = datetime.now(timezone.utc)
        for _ in range(MAX_REDIRECTS + 1):
            host = urlsplit(current).netloc
            with self._slot(host):
                response = self._request_once(url, current, headers, started, fetched_at)
            if isinstance(response, str):          # a redirect we may follow
                current = response
                continue
            if response.status in (200, 304):
                return response
            error = FetchError("http_status", url, f"HTTP {response.status}", status=response.status)
            error.retry_after = _parse_retry_after(response.headers.get("Retry-After"))  # type: ignore[attr-defined]
            raise error
        raise FetchError("too_many_redirects", url, f"more than {MAX_REDIRECTS} redirects")

    def _slot(self, host: str) -> threading.BoundedSemaphore:
        with self._slots_lock:
            if host not in self._slots:
                self._slots[host] = threading.BoundedSemaphore(max(1, self._concurrency.get(host, 1)))
            return self._slots[host]

    def _request_once(self, url: str, current: str, headers: dict[str, str], started: float,
                      fetched_at: datetime) -> "HttpResponse | str":
        """One request to `current`: the response, or the next URL when it redirects within the allow-list."""
        host = urlsplit(current).netloc
        self.limiter.wait(host)
        self.requests_sent += 1
        try:
            raw = self.session.get(current, headers=headers, allow_redirects=False, stream=True,
                                   timeout=(self.settings.connect_timeout_s, self.settings.read_timeout_s),
                                   proxies=self._proxies_for(current), verify=self._verify)
        except requests.Timeout as exc:
            raise FetchError("timeout", url, f"no answer within {self.settings.read_timeout_s}s") from exc
        except requests.RequestException as exc:
            raise FetchError("connection", url, str(exc)) from exc
        with raw:
            if raw.status_code in REDIRECT_CODES and "Location" in raw.headers:
                target = urljoin(current, raw.headers["Location"])
                self._check_host(target, url)
                return target
            body = self._read_capped(raw, url) if raw.status_code == 200 else b""
            return HttpResponse(url=url, final_url=current, status=raw.status_code,
                                headers={k: v for k, v in raw.headers.items()}, body=body,
                                duration_ms=int((time.monotonic() - started) * 1000), fetched_at=fetched_at)

    def _proxies_for(self, url: str) -> dict:
        """The environment's proxies for this scheme and host (NO_PROXY honoured), looked up once."""
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        if key not in self._proxies:
            self._proxies[key] = requests.utils.get_environ_proxies(key + "/")
        return self._proxies[key]

    def _read_capped(self, raw: requests.Response, url: str) -> bytes:
        cap = self.settings.max_body_bytes
        declared = raw.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise FetchError("too_large", url, f"Content-Length {declared} exceeds the cap of {cap} bytes")
        chunks, total = [], 0
        try:
            for chunk in raw.iter_content(64 * 1024):
                total += len(chunk)
                if total > cap:
                    raise FetchError("too_large", url, f"body exceeds the cap of {cap} bytes")
                chunks.append(chunk)
        except requests.exceptions.Timeout as exc:
            raise FetchError("timeout", url, "body not received in time") from exc
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError,
                requests.exceptions.ConnectionError) as exc:
            raise FetchError("truncated", url, f"body cut short: {exc}") from exc
        return b"".join(chunks)
