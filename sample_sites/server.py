"""One local HTTP server process that plays every partner site, on 127.0.0.1.

Each partner gets its own listener (its own host:port, as the real partners have their own hosts),
so per-host politeness is exercised for real. Every site answers conditional GETs, serves a
robots.txt, logs each request, and can be told to misbehave (`set_fault`) so tests can prove a
bad partner never costs us data. A fault can also be set over HTTP: GET /__fault__?mode=500
(and mode=none to clear), for when the server runs as a separate process.
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Protocol
from urllib.parse import parse_qs, urlsplit

FAULT_MODES = ("500", "503_retry_after", "timeout", "truncated", "wrong_charset", "empty_200", "error_page_200",
               "oversize", "redirect_offsite", "robots_disallow", "garbage")

ERROR_PAGE = "<html><body><h1>ขออภัย ระบบขัดข้อง</h1><p>Service temporarily unavailable</p></body></html>"
GARBAGE = "<html><body><div id='app'></div><p>\x00\x01 lorem ipsum ####</p></body></html>"


@dataclass
class Page:
    body: bytes
    content_type: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class Site(Protocol):
    name: str

    def page(self, path: str, query: dict[str, list[str]]) -> Page | None: ...


@dataclass
class RequestLog:
    site: str
    path: str
    status: int
    at: float
    conditional: bool
    user_agent: str


class _Handler(BaseHTTPRequestHandler):
    server: "_SiteServer"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True   # small responses otherwise wait ~40 ms for a delayed ACK

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass  # the request log below is what tests read; stderr noise helps nobody

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._arrived = time.monotonic()    # politeness is judged on arrival, not on when the page was built
        owner = self.server.owner
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path == "/__fault__":
            owner.set_fault(self.server.site.name, (query.get("mode") or ["none"])[0])
            return self._send(Page(b"ok", "text/plain"))
        fault = owner.faults.get(self.server.site.name)
        if parts.path == "/robots.txt":
            rules = "User-agent: *\nDisallow: /\n" if fault == "robots_disallow" else "User-agent: *\nDisallow: /private/\n"
            return self._send(Page(rules.encode(), "text/plain; charset=utf-8"))
        if fault and fault != "robots_disallow":
            return self._fault(fault)
        page = self.server.site.page(parts.path, query)
        if page is None:
            page = Page("<html><body>404 ไม่พบหน้านี้</body></html>".encode(), "text/html; charset=utf-8", status=404)
        self._send(page)

    # -- responses ----------------------------------------------------------------------
    def _send(self, page: Page) -> None:
        etag = '"' + hashlib.sha256(page.body).hexdigest()[:32] + '"'
        last_modified = format_datetime(self.server.owner.content_time, usegmt=True)
        conditional = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
        status = page.status
        if status == 200 and (self.headers.get("If-None-Match") == etag or
                              (not self.headers.get("If-None-Match") and self.headers.get("If-Modified-Since") == last_modified)):
            status = 304
        self._log(status, conditional)
        self.send_response(status)
        for key, value in page.headers.items():
            self.send_header(key, value)
        if status in (200, 304):
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
        if status == 304:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        self.end_headers()
        self.wfile.write(page.body)

    def _log(self, status: int, conditional: bool) -> None:
        self.server.owner.log.append(RequestLog(self.server.site.name, self.path, status, self._arrived,
                                                conditional, self.headers.get("User-Agent", "")))

    def _fault(self, mode: str) -> None:
        owner = self.server.owner
        html = "text/html; charset=utf-8"
        if mode == "500":
            return self._send(Page(ERROR_PAGE.encode(), html, status=500))
        if mode == "503_retry_after":
            return self._send(Page(ERROR_PAGE.encode(), html, status=503, headers={"Retry-After": "1"}))
        if mode == "timeout":
            self._log(0, False)
            time.sleep(owner.timeout_fault_s)
            return self._send(Page(b"late", "text/plain"))
        if mode == "truncated":
            self._log(200, False)
            body = "<html><body>ประกาศ ".encode() * 50
            self.send_response(200)
            self.send_header("Content-Type", html)
            self.send_header("Content-Length", str(len(body) * 3))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True
            return
        if mode == "wrong_charset":
            page = self.server.site.page(urlsplit(self.path).path, parse_qs(urlsplit(self.path).query))
            if page is not None and page.content_type.startswith("text/html"):
                try:
                    text = page.body.decode(_charset_of(page.content_type))
                except UnicodeDecodeError:        # a portal that declares TIS-620 only in a meta tag
                    text = page.body.decode("cp874", errors="replace")
                # Declared UTF-8, really windows-874: the kind of mistake older Thai servers make.
                return self._send(Page(text.encode("cp874", errors="replace"), "text/html; charset=utf-8"))
            return self._send(Page(b"\xa4\xd3\xb5\xca garbled", "application/json; charset=utf-8"))
        if mode == "empty_200":
            return self._send(Page(b"", html))
        if mode == "error_page_200":
            return self._send(Page(ERROR_PAGE.encode(), html))
        if mode == "oversize":
            return self._send(Page(b"<html>" + b" " * owner.oversize_bytes + b"</html>", html))
        if mode == "redirect_offsite":
            target = f"http://127.0.0.2:{self.server.server_address[1]}{self.path}"
            return self._send(Page(b"", html, status=302, headers={"Location": target}))
        if mode == "garbage":
            return self._send(Page(GARBAGE.encode(), html))
        raise ValueError(f"unknown fault mode {mode!r}")


def _charset_of(content_type: str) -> str:
    for part in content_type.split(";"):
        if part.strip().lower().startswith("charset="):
            return {"tis-620": "cp874", "windows-874": "cp874"}.get(part.split("=", 1)[1].strip().lower(),
                                                                      part.split("=", 1)[1].strip())
    return "utf-8"


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, site: Site, owner: "SampleSites"):
        super().__init__(address, _Handler)
        self.site, self.owner = site, owner


class SampleSites:
    """Start every sample partner site: `with SampleSites.start({...}) as sites: sites.base_urls[...]`."""

    def __init__(self, sites: dict[str, Site], ports: dict[str, int] | None = None, host: str = "127.0.0.1"):
        self.faults: dict[str, str] = {}
        self.log: list[RequestLog] = []
        self.timeout_fault_s = 3.0
        self.oversize_bytes = 6_000_000
        # Last-Modified is the time the content was generated; stable across runs of one process.
        self.content_time = datetime.now(timezone.utc).replace(microsecond=0)
        self._servers: dict[str, _SiteServer] = {}
        self._threads: list[threading.Thread] = []
        for name, site in sites.items():
            self._servers[name] = _SiteServer((host, (ports or {}).get(name, 0)), site, self)

    @property
    def base_urls(self) -> dict[str, str]:
        return {name: f"http://{s.server_address[0]}:{s.server_address[1]}" for name, s in self._servers.items()}

    def set_fault(self, site: str, mode: str | None) -> None:
        if mode in (None, "none", ""):
            self.faults.pop(site, None)
            return
        if mode not in FAULT_MODES:
            raise ValueError(f"unknown fault mode {mode!r}; known: {', '.join(FAULT_MODES)}")
        self.faults[site] = mode

    def clear_log(self) -> None:
        self.log.clear()

    def serve_in_background(self) -> "SampleSites":
        for server in self._servers.values():
            thread = threading.Thread(target=server.serve_forever, name=f"sample-{server.site.name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()

    def __enter__(self) -> "SampleSites":
        return self.serve_in_background()

    def __exit__(self, *exc) -> None:
        self.stop()
