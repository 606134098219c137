"""Serve the published tree over HTTP with validators, for local use and tests.

    python -m publish.serve [--dir public] [--port 8800] [--host 127.0.0.1]

* strong ``ETag`` = quoted sha256 of the file (the same digest as in ``manifest.json``), cached by
  (path, device, inode, mtime, size), so unchanged files hard-linked across releases keep their tag;
* ``Last-Modified`` from the file's mtime;
* ``304 Not Modified`` for a matching ``If-None-Match`` (which takes precedence) or, without it, for
  ``If-Modified-Since`` not older than the file;
* ``Cache-Control: public, max-age=60`` and feed-aware ``Content-Type`` values;
* the file is opened once and validated with ``fstat`` on that descriptor, so a release switch in
  the middle of a request cannot mix one release's headers with another's bytes;
* hidden names (``.releases``, ``.lock``, any path component starting with ``.``) are not served and
  there are no directory listings.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import os
import posixpath
import re
import stat
import sys
import threading
from collections import OrderedDict
from email.utils import parsedate_to_datetime
from datetime import timezone
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO, Sequence
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["ETagCache", "PublicTreeHandler", "PublicTreeServer", "make_server", "main", "CONTENT_TYPES"]

log = logging.getLogger("publish.serve")

CACHE_CONTROL = "public, max-age=60"
CONTENT_TYPES = {
    ".json": "application/json",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".geojson": "application/geo+json",
    ".ics": "text/calendar; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".pb": "application/x-protobuf",
    ".zip": "application/zip",
}


class ETagCache:
    """sha256 ETags keyed by (path, dev, inode, mtime_ns, size); bounded LRU, thread-safe."""

    def __init__(self, max_entries: int = 4096):
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()
        self.misses = 0

    def etag(self, path: str, st: os.stat_result, fh: BinaryIO) -> str:
        key = (path, st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)
        with self._lock:
            tag = self._entries.get(key)
            if tag is not None:
                self._entries.move_to_end(key)
                return tag
        digest = hashlib.sha256()
        fh.seek(0)
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
        fh.seek(0)
        tag = f'"{digest.hexdigest()}"'
        with self._lock:
            self.misses += 1
            self._entries[key] = tag
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return tag


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2)."""
    header = header.strip()
    if header == "*":
        return True
    strong = etag[2:] if etag.startswith("W/") else etag
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate == strong:
            return True
    return False


_CKAN_ACTION = re.compile(r"^/api/(?:3/)?action/([a-z_]+)$")
_CKAN_NAME = re.compile(r"^[a-z0-9_-]{1,100}$")


def ckan_file(request_path: str) -> str | None:
    """The static file answering a CKAN action URL (publish.catalog writes them), else None.

    `/api/action/<action>` and `/api/3/action/<action>` -> `/api/3/action/<action>.json`;
    `package_show?id=<name>` -> `/api/3/action/package_show/<name>.json`. Query strings of the other
    actions are ignored: the static tree answers with the whole result (a handful of datasets)."""
    url = urlsplit(request_path)
    match = _CKAN_ACTION.match(url.path)
    if not match:
        return None
    action = match.group(1)
    if action == "package_show":
        name = (parse_qs(url.query).get("id") or [""])[0]
        return f"/api/3/action/package_show/{name}.json" if _CKAN_NAME.match(name) else "/api/3/action/missing"
    return f"/api/3/action/{action}.json"


class PublicTreeHandler(SimpleHTTPRequestHandler):
    server_version = "BKKConnectPublic/1"
    sys_version = ""

    def guess_type(self, path: str) -> str:
        ext = posixpath.splitext(path)[1].lower()
        return CONTENT_TYPES.get(ext) or super().guess_type(path)

    def log_message(self, format: str, *args) -> None:   # noqa: A002 (stdlib signature)
        log.info("%s - %s", self.address_string(), format % args)

    def _is_hidden(self) -> bool:
        url_path = unquote(urlsplit(self.path).path)
        return any(part.startswith(".") for part in url_path.split("/") if part)

    def send_head(self):
        if self._is_hidden():
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        ckan = ckan_file(self.path)
        path = self.translate_path(ckan or self.path)
        if ckan and not os.path.isfile(path):
            return self._ckan_not_found()
        if os.path.isdir(path):
            url = urlsplit(self.path)
            if not url.path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", url._replace(path=url.path + "/").geturl())
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            for index in ("index.html", "index.htm"):
                candidate = os.path.join(path, index)
                if os.path.isfile(candidate):
                    path = candidate
                    break
            else:
                self.send_error(HTTPStatus.NOT_FOUND, "File not found")   # no directory listings
                return None
        try:
            fh = open(path, "rb")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        try:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                fh.close()
                self.send_error(HTTPStatus.NOT_FOUND, "File not found")
                return None
            etag = self.server.etags.etag(path, st, fh)
            last_modified = self.date_time_string(st.st_mtime)
            if self._not_modified(etag, st.st_mtime):
                fh.close()
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self._validators(etag, last_modified)
                self.end_headers()
                return None
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Length", str(st.st_size))
            self._validators(etag, last_modified)
            self.end_headers()
            return fh
        except BaseException:
            fh.close()
            raise

    def _ckan_not_found(self):
        """CKAN's own answer for an unknown action or package, so CKAN clients raise NotFound."""
        body = json.dumps({"help": "", "success": False,
                           "error": {"__type": "Not Found Error", "message": "Not found"}}).encode()
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _validators(self, etag: str, last_modified: str) -> None:
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.send_header("Cache-Control", CACHE_CONTROL)

    def _not_modified(self, etag: str, mtime: float) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:                  # takes precedence over If-Modified-Since
            return _etag_matches(if_none_match, etag)
        if_modified_since = self.headers.get("If-Modified-Since")
        if not if_modified_since:
            return False
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        if since is None:
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        return int(mtime) <= since.timestamp()         # HTTP dates have whole seconds


class PublicTreeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, server_address, handler_class, directory: str):
        self.directory = directory
        self.etags = ETagCache()
        super().__init__(server_address, handler_class)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def make_server(directory: str | os.PathLike, host: str = "127.0.0.1", port: int = 0) -> PublicTreeServer:
    """A server for ``directory`` (not started): ``threading.Thread(target=srv.serve_forever)``;
    ``srv.url`` is its base URL; stop with ``srv.shutdown(); srv.server_close()``."""
    directory = os.path.abspath(os.fspath(directory))
    handler = partial(PublicTreeHandler, directory=directory)
    return PublicTreeServer((host, port), handler, directory)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m publish.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", default="public", type=Path, help="tree to serve (default: public)")
    parser.add_argument("--port", default=8800, type=int, help="port (default: 8800; 0 = any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if not args.dir.is_dir():
        print(f"warning: {args.dir} does not exist yet; every request is a 404 until the first publish",
              file=sys.stderr)
    server = make_server(args.dir, args.host, args.port)
    print(f"serving {os.path.abspath(args.dir)} at {server.url}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
