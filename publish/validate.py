"""Checks a candidate release must pass before it is switched live (a failure keeps the old one).

These run in the pipeline on every file of the candidate, so they are the fast structural checks of
each format: it parses, and it is the kind of document its name says. The full validators named in
../shared/STANDARDS.md (XSDs, SHACL shapes, gtfs-validator, frictionless ...) run in the tests on every
file of the demo's tree.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from lxml import etree

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _xml(data: bytes) -> None:
    etree.fromstring(data, parser=_XML)


def _json(data: bytes) -> None:
    doc = json.loads(data)
    version = doc.get("version") if isinstance(doc, dict) else None
    if isinstance(version, str) and version.startswith("https://jsonfeed.org/") and version != JSON_FEED_VERSION:
        raise ValueError(f"unexpected JSON Feed version {version!r}")


def _geojson(data: bytes) -> None:
    doc = json.loads(data)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise ValueError("not a GeoJSON FeatureCollection")


# Files above this size (a city-wide dataset: hundreds of MB) are checked by their frame, not loaded: the
# tests run the full validators on them.
LARGE_BYTES = 32 << 20


def _large_geojson(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(64)
        fh.seek(-8, 2)
        tail = fh.read()
    if not head.startswith(b'{"type":"FeatureCollection"') or not tail.rstrip().endswith(b"]}"):
        raise ValueError("not a GeoJSON FeatureCollection")


def _csv_file(path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        _csv(fh.readline().encode("utf-8"))


def _parquet_file(path: Path) -> None:
    import pyarrow.parquet as pq
    pq.ParquetFile(path).metadata


def _ics(data: bytes) -> None:
    """One VCALENDAR with PRODID and VERSION, CRLF lines, every BEGIN closed by its END (the tests parse
    each calendar fully with icalendar and ical; this is the release gate's quick look)."""
    lines = data.decode("utf-8").split("\r\n")
    if lines[0] != "BEGIN:VCALENDAR" or lines[-2:] != ["END:VCALENDAR", ""]:
        raise ValueError("not one iCalendar VCALENDAR with CRLF line ends")
    if not any(line.startswith("PRODID:") for line in lines) or "VERSION:2.0" not in lines:
        raise ValueError("a VCALENDAR without PRODID or VERSION:2.0")
    open_components = []
    for line in lines:
        if line.startswith("BEGIN:"):
            open_components.append(line[6:])
        elif line.startswith("END:") and (not open_components or open_components.pop() != line[4:]):
            raise ValueError(f"unbalanced {line}")
    if open_components:
        raise ValueError(f"unclosed {open_components[-1]}")


def _protobuf(data: bytes) -> None:
    from google.transit import gtfs_realtime_pb2
    message = gtfs_realtime_pb2.FeedMessage()
    message.ParseFromString(data)
    if not message.header.gtfs_realtime_version:
        raise ValueError("GTFS-realtime message without a header version")


def _csv(data: bytes) -> None:
    header = next(csv.reader(io.StringIO(data.decode("utf-8"))), None)
    if not header or any(not name for name in header):
        raise ValueError("CSV without a complete header row")


def _html(data: bytes) -> None:
    text = data.decode("utf-8")
    if not text.startswith("<!DOCTYPE html>") or "<script" in text.lower():
        raise ValueError("not a static HTML page")


CHECKS = {".rss": _xml, ".atom": _xml, ".xml": _xml, ".json": _json, ".geojson": _geojson, ".ics": _ics,
          ".pb": _protobuf, ".ttl": lambda data: data.decode("utf-8"),
          ".jsonld": json.loads, ".txt": lambda data: data.decode("utf-8"), ".zip": lambda data: None, ".html": _html}


FILE_CHECKS = {".csv": _csv_file, ".parquet": _parquet_file}     # read by their header or footer only


def validate_feeds(release_dir: Path, written: list[str] | None = None) -> None:
    """Every file the candidate release writes (all of its files when `written` is None) parses as its
    format; an unknown kind of file is refused too. Files carried over from the live release were checked
    when they were written."""
    problems = []
    paths = sorted(release_dir.rglob("*")) if written is None else [release_dir / p for p in sorted(written)]
    for path in paths:
        if not path.is_file():
            continue
        check = CHECKS.get(path.suffix)
        try:
            if path.suffix in FILE_CHECKS:
                FILE_CHECKS[path.suffix](path)
            elif path.suffix == ".geojson" and path.stat().st_size > LARGE_BYTES:
                _large_geojson(path)
            elif check is None:
                raise ValueError(f"no check for {path.suffix or 'files without a suffix'}")
            else:
                check(path.read_bytes())
        except Exception as exc:  # noqa: BLE001 - every parser raises its own errors; all mean "invalid"
            problems.append(f"{path.relative_to(release_dir)}: {type(exc).__name__}: {exc}")
    if problems:
        raise ValueError(f"{len(problems)} invalid files in candidate release: " + "; ".join(problems[:5]))
