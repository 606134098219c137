"""publish.serve: real HTTP on 127.0.0.1 with ETag / Last-Modified / 304 over a released tree."""
from __future__ import annotations

import hashlib
import http.client
import threading
import time
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest

from publish.feeds import BANGKOK, FeedItem, FeedSpec, render_all
from publish.release import ReleaseWriter
from publish.serve import make_server

T0 = datetime(2024, 5, 1, 9, 30, tzinfo=BANGKOK)
RSS = "v1/alerts/district/1001.rss"


def feed_files(extra_title: str = "") -> dict[str, bytes]:
    spec = FeedSpec(title="แจ้งเตือน เขตพระนคร", description="ประกาศ", home_url="https://bkkconnect.example/",
                    base_url="http://127.0.0.1:8800", path_stem="v1/alerts/district/1001")
    items = [FeedItem("a1", "น้ำท่วม" + extra_title, "ถนนราชดำเนิน", None, T0, T0, 13.7563, 100.5018)]
    files = render_all(spec, items)
    files.update({
        "v1/alerts/districts.geojson": b'{"type": "FeatureCollection", "features": []}',
        "v1/alerts/calendar.ics": b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        "v1/alerts/cap/index.xml": b"<?xml version='1.0'?><feed/>",
    })
    return files


@pytest.fixture
def site(tmp_path):
    public = tmp_path / "public"
    writer = ReleaseWriter(public)
    writer.publish(feed_files(), ["v1/alerts"], generated_at=T0)
    server = make_server(public, port=0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server, writer
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def get(server, path: str, headers: dict | None = None, method: str = "GET"):
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.request(method, "/" + path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_200_with_strong_sha256_etag_and_headers(site):
    server, writer = site
    assert server.server_address[0] == "127.0.0.1" and server.server_address[1] > 0
    status, headers, body = get(server, RSS)
    assert status == 200
    assert body == feed_files()[RSS]
    digest = hashlib.sha256(body).hexdigest()
    assert headers["etag"] == f'"{digest}"'                        # strong, quoted
    assert writer.current_files()[RSS] == digest                   # same digest as the manifest
    assert headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert headers["content-length"] == str(len(body))
    assert headers["cache-control"] == "public, max-age=60"
    mtime = (writer.public_dir / RSS).stat().st_mtime
    assert parsedate_to_datetime(headers["last-modified"]).timestamp() == int(mtime)


def test_304_on_if_none_match(site):
    server, _ = site
    _, headers, _ = get(server, RSS)
    etag = headers["etag"]
    status, h304, body = get(server, RSS, {"If-None-Match": etag})
    assert status == 304 and body == b""
    assert h304["etag"] == etag and h304["cache-control"] == "public, max-age=60"
    assert get(server, RSS, {"If-None-Match": f'"nope", W/{etag}'})[0] == 304      # list, weak compare
    assert get(server, RSS, {"If-None-Match": "*"})[0] == 304
    # If-None-Match takes precedence: a stale tag means 200 even with a fresh If-Modified-Since
    status, _, body = get(server, RSS, {"If-None-Match": '"stale"', "If-Modified-Since": headers["last-modified"]})
    assert status == 200 and body


def test_304_on_if_modified_since(site):
    server, _ = site
    _, headers, _ = get(server, RSS)
    last_modified = headers["last-modified"]
    assert get(server, RSS, {"If-Modified-Since": last_modified})[0] == 304
    later = format_datetime(parsedate_to_datetime(last_modified) + timedelta(hours=1), usegmt=True)
    assert get(server, RSS, {"If-Modified-Since": later})[0] == 304
    earlier = format_datetime(parsedate_to_datetime(last_modified) - timedelta(hours=1), usegmt=True)
    assert get(server, RSS, {"If-Modified-Since": earlier})[0] == 200
    assert get(server, RSS, {"If-Modified-Since": "not a date"})[0] == 200


def test_etag_and_last_modified_survive_an_unchanged_republish(site):
    server, writer = site
    _, before, _ = get(server, RSS)
    _, json_before, _ = get(server, "v1/alerts/district/1001.json")
    time.sleep(1.1)                                               # a rewrite would get a new mtime second
    files = feed_files()
    files["v1/alerts/district/1001.json"] = feed_files(" (อัปเดต)")["v1/alerts/district/1001.json"]
    res = writer.publish(files, ["v1/alerts"], generated_at=T0 + timedelta(minutes=1))
    assert res.changed and res.written == ["v1/alerts/district/1001.json"]

    status, after, _ = get(server, RSS)
    assert status == 200
    assert after["etag"] == before["etag"] and after["last-modified"] == before["last-modified"]
    assert get(server, RSS, {"If-None-Match": before["etag"]})[0] == 304
    assert get(server, RSS, {"If-Modified-Since": before["last-modified"]})[0] == 304
    status, json_after, body = get(server, "v1/alerts/district/1001.json")
    assert status == 200 and json_after["etag"] != json_before["etag"]
    assert json_after["etag"] == f'"{hashlib.sha256(body).hexdigest()}"'
    assert get(server, "v1/alerts/district/1001.json", {"If-None-Match": json_before["etag"]})[0] == 200


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("v1/alerts/district/1001.atom", "application/atom+xml; charset=utf-8"),
        ("v1/alerts/district/1001.json", "application/json"),
        ("v1/alerts/districts.geojson", "application/geo+json"),
        ("v1/alerts/calendar.ics", "text/calendar; charset=utf-8"),
        ("v1/alerts/cap/index.xml", "application/xml; charset=utf-8"),
        ("manifest.json", "application/json"),
    ],
)
def test_content_types(site, path, content_type):
    server, _ = site
    status, headers, _ = get(server, path)
    assert status == 200 and headers["content-type"] == content_type


def test_head_hidden_paths_and_missing_files(site):
    server, writer = site
    status, headers, body = get(server, RSS, method="HEAD")
    assert status == 200 and body == b"" and headers["etag"].startswith('"')
    version = writer.live_version_id()
    for path in (".lock", f".releases/{version}/manifest.json", "v1/%2Ereleases", "nope.json", "v1/alerts/"):
        assert get(server, path)[0] == 404, path
    status, headers, _ = get(server, "v1/alerts")
    assert status == 301 and headers["location"].endswith("/v1/alerts/")
