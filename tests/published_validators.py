"""The external validators of ../shared/STANDARDS.md, one function per published format.

Each `check_<format>(path)` raises AssertionError (or the validator's own error) when the file is not
valid, and returns nothing otherwise. `validate_tree(public)` runs the right one on every file of a
published tree and returns how many files of each format passed, so a test can also prove that no
file went unchecked. Validators that need a schema from ../shared/schemas are skipped (reported as
"skipped") when it is absent.
"""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
from lxml import etree

from tests.conftest import SHARED_DATA, SHARED_SCHEMAS

ROOT = Path(__file__).resolve().parents[1]
BBOX_LON, BBOX_LAT = (100.3, 101.0), (13.4, 14.0)        # Bangkok, as STANDARDS.md gives it
_XML = etree.XMLParser(resolve_entities=False, no_network=True)


def _schema_path(name: str) -> Path | None:
    path = SHARED_SCHEMAS / name
    return path if path.exists() else None


# --- feeds -------------------------------------------------------------------------------------------
def check_rss(path: Path) -> None:
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    root = etree.fromstring(path.read_bytes(), parser=_XML)
    channel = root.find("channel")
    for tag in ("title", "link", "description"):
        assert (channel.findtext(tag) or "").strip(), f"channel {tag} missing"
    links = channel.findall("{http://www.w3.org/2005/Atom}link")
    assert any(link.get("rel") == "self" for link in links), "no atom:link rel=self"
    for item in channel.iter("item"):
        stamp = item.findtext("pubDate")
        assert stamp and stamp.endswith("+0700") and parsedate_to_datetime(stamp), stamp
        points = item.findall("{http://www.georss.org/georss}point")
        assert len(points) <= 1
        for point in points:
            lat, lon = map(float, point.text.split())
            assert BBOX_LAT[0] <= lat <= BBOX_LAT[1] and BBOX_LON[0] <= lon <= BBOX_LON[1], point.text
    xsd = _schema_path("rss-2_0.xsd")
    if xsd and channel.find("item") is not None:       # the XSD wants at least one item
        schema = etree.XMLSchema(etree.parse(str(xsd)))
        assert schema.validate(root), schema.error_log


def check_atom(path: Path) -> None:
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    feed = parsed.feed
    assert feed.get("id") and feed.get("title") and feed.get("updated") and feed.get("author"), feed.keys()
    assert any(link.get("rel") == "self" for link in feed.get("links", []))
    for entry in parsed.entries:
        assert entry.get("id") and entry.get("title") and entry.get("updated")
        assert entry.get("content") or any(link.get("rel") == "alternate" for link in entry.get("links", []))


_JSON_FEED_VALIDATOR = None


def check_json_feed(path: Path) -> None:
    global _JSON_FEED_VALIDATOR
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    schema = _schema_path("jsonfeed-v1.1.schema.json")
    if schema is None:
        assert all("id" in i and ("content_text" in i or "content_html" in i) for i in doc["items"])
        return
    if _JSON_FEED_VALIDATOR is None:
        from jsonschema import Draft7Validator, FormatChecker
        _JSON_FEED_VALIDATOR = Draft7Validator(json.loads(schema.read_text()), format_checker=FormatChecker())
    errors = list(_JSON_FEED_VALIDATOR.iter_errors(doc))
    assert not errors, errors[:2]


# --- places -------------------------------------------------------------------------------------------
def _positions(coords):
    if coords and isinstance(coords[0], (int, float)):
        yield coords
    else:
        for c in coords:
            yield from _positions(c)


def check_geojson(path: Path) -> None:
    import geojson_validator
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc.get("type") == "FeatureCollection" and "crs" not in doc
    assert geojson_validator.validate_structure(doc) == {}
    problems = geojson_validator.validate_geometries(doc)
    assert problems["invalid"] == {}, problems["invalid"]
    check_geojson_positions(doc)


# --- alerting ------------------------------------------------------------------------------------------
_CAP_SCHEMA = None
CAP_NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
_CAP_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def check_cap(path: Path) -> None:
    global _CAP_SCHEMA
    root = etree.fromstring(path.read_bytes(), parser=_XML)
    xsd = _schema_path("cap12.xsd")
    if xsd is not None:
        import xmlschema
        _CAP_SCHEMA = _CAP_SCHEMA or xmlschema.XMLSchema(str(xsd))
        _CAP_SCHEMA.validate(str(path))
    languages = [i.findtext("cap:language", namespaces=CAP_NS) for i in root.findall("cap:info", CAP_NS)]
    assert languages == ["th-TH", "en-US"], languages
    for tag in ("sent", "info/cap:effective", "info/cap:onset", "info/cap:expires"):   # effective: optional
        for el in root.findall(f"cap:{tag}", CAP_NS):
            assert _CAP_TIME.match(el.text), (tag, el.text)       # an explicit offset, never Z
    for polygon in root.iterfind(".//cap:polygon", CAP_NS):
        pairs = polygon.text.split()
        assert len(pairs) >= 4 and pairs[0] == pairs[-1], "a CAP polygon is closed and has 4 or more points"
        for pair in pairs:
            lat, lon = map(float, pair.split(","))
            assert BBOX_LAT[0] <= lat <= BBOX_LAT[1] and BBOX_LON[0] <= lon <= BBOX_LON[1], pair
    msg_type = root.findtext("cap:msgType", namespaces=CAP_NS)
    if msg_type in ("Update", "Cancel"):
        references = (root.findtext("cap:references", namespaces=CAP_NS) or "").split()
        assert references and all(len(r.split(",")) == 3 for r in references), references


def _rail_ids() -> tuple[set[str], set[str]]:
    def ids(path: Path, column: str) -> set[str]:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return {row[column] for row in csv.DictReader(fh)}
    rail = ROOT / "reference" / "rail"
    routes, stops = ids(rail / "routes.txt", "route_id"), ids(rail / "stops.txt", "stop_id")
    namtang = SHARED_DATA / "gtfs_namtang_otp"
    if namtang.exists():                     # the real Bangkok GTFS the ids come from
        routes &= set().union(*(ids(p, "route_id") for p in namtang.glob("routes*.txt")))
        stops &= set().union(*(ids(p, "stop_id") for p in namtang.glob("stops*.txt")))
    return routes, stops


def check_gtfs_rt(path: Path) -> None:
    from google.protobuf import json_format
    from google.transit import gtfs_realtime_pb2 as rt
    message = rt.FeedMessage()
    message.ParseFromString(path.read_bytes())
    assert message.header.gtfs_realtime_version == "2.0" and message.header.timestamp > 0
    routes, stops = _rail_ids()
    for entity in message.entity:
        alert = entity.alert
        assert alert.active_period and alert.informed_entity, entity.id
        assert list(alert.communication_period) == list(alert.active_period)
        for selector in alert.informed_entity:
            assert not selector.route_id or selector.route_id in routes, selector.route_id
            assert not selector.stop_id or selector.stop_id in stops, selector.stop_id
        assert {t.language for t in alert.header_text.translation} == {"th", "en"}
    twin = path.with_suffix(".json")
    if twin.exists():
        assert json_format.Parse(twin.read_text(encoding="utf-8"), rt.FeedMessage()) == message
    if (SHARED_DATA / "gtfs_namtang_otp").exists():
        _gtfs_rt_validator(path, message.header.timestamp)


def _namtang_zip(folder: Path) -> Path:
    """The Bangkok GTFS excerpt in ../shared/data as a feed gtfs-rt-validator loads (its files carry
    suffixes such as routes_rail_boat.txt, and it has no stop_times: an empty one stands in)."""
    import zipfile
    names = {"agency.txt": "agency.txt", "calendar.txt": "calendar.txt", "calendar_dates.txt": "calendar_dates.txt",
             "feed_info.txt": "feed_info.txt", "routes.txt": "routes_rail_boat.txt", "stops.txt": "stops_rail_brt.txt",
             "trips.txt": "trips_rail_boat.txt", "frequencies.txt": "frequencies_rail_boat.txt"}
    target = folder / "namtang.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for name, source in names.items():
            archive.write(SHARED_DATA / "gtfs_namtang_otp" / source, name)
        archive.writestr("stop_times.txt", "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n")
    return target


def _gtfs_rt_validator(path: Path, timestamp: int) -> None:
    """PyPI gtfs-rt-validator against the real Bangkok GTFS: no ERROR (every route and stop exists there)."""
    import tempfile
    from datetime import datetime, timezone
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        at = datetime.fromtimestamp(timestamp, timezone.utc).isoformat()
        run = subprocess.run([str(Path(sys.executable).with_name("gtfs-rt-validator")), "-gtfs",
                              str(_namtang_zip(Path(tmp))), "-sa", str(path.resolve()), "--at", at, "--out", str(out)],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        report = json.loads((out / "report.json").read_text())
        system = json.loads((out / "system_errors.json").read_text())
    errors = [n for n in report["notices"] if n["severity"] == "ERROR"] + system["notices"]
    assert not errors, [(n.get("code"), n.get("sampleNotices", [])[:1]) for n in errors]


_WZDX = None


def check_wzdx(path: Path) -> None:
    """WZDx 4.2 WorkZoneFeed schema, its $refs (WZDx and geojson.org schemas) resolved offline."""
    global _WZDX
    doc = json.loads(path.read_text(encoding="utf-8"))
    check_geojson_positions(doc)
    if not (SHARED_SCHEMAS / "wzdx-4.2").exists():
        assert doc["feed_info"]["version"] == "4.2" and doc["type"] == "FeatureCollection"
        return
    if _WZDX is None:
        from jsonschema import Draft7Validator, FormatChecker
        from referencing import Registry, Resource
        schemas = [json.loads(p.read_text()) for folder in ("wzdx-4.2", "geojson")
                   for p in (SHARED_SCHEMAS / folder).glob("*.json")]
        registry = Registry().with_resources([(s["$id"], Resource.from_contents(s)) for s in schemas])
        feed_schema = next(s for s in schemas if s["$id"].endswith("/WorkZoneFeed.json"))
        _WZDX = Draft7Validator(feed_schema, registry=registry, format_checker=FormatChecker())
    errors = list(_WZDX.iter_errors(doc))
    assert not errors, [e.message[:300] for e in errors[:3]]


def check_geojson_positions(doc: dict) -> None:
    for feature in doc["features"]:
        if feature.get("geometry"):
            for lon, lat, *_ in _positions(feature["geometry"]["coordinates"]):
                assert BBOX_LON[0] <= lon <= BBOX_LON[1] and BBOX_LAT[0] <= lat <= BBOX_LAT[1], (feature["id"], lon, lat)


_CIFS = None


def check_cifs(path: Path) -> None:
    """Waze CIFS 2.0 XSD (it wants at least one incident), stable unique ids, polylines in Bangkok."""
    global _CIFS
    root = etree.fromstring(path.read_bytes(), parser=_XML)
    ids = [i.get("id") for i in root.iter("incident")]
    assert len(ids) == len(set(ids))
    for polyline in root.iter("polyline"):
        numbers = list(map(float, polyline.text.split()))
        assert len(numbers) >= 4 and len(numbers) % 2 == 0
        for lat, lon in zip(numbers[::2], numbers[1::2]):
            assert BBOX_LAT[0] <= lat <= BBOX_LAT[1] and BBOX_LON[0] <= lon <= BBOX_LON[1], (lat, lon)
    xsd = _schema_path("waze-cifs-incidents_feed-2.0.0.xsd")
    if xsd is not None and ids:
        import xmlschema
        _CIFS = _CIFS or xmlschema.XMLSchema(str(xsd))
        _CIFS.validate(str(path))


# --- GTFS static ---------------------------------------------------------------------------------------
NODE_CONSUMERS = ROOT / "tests" / "node"


def gtfs_counts(path: Path) -> dict[str, int]:
    import zipfile
    with zipfile.ZipFile(path) as archive:
        return {name[:-4]: len(archive.read(name).decode("utf-8").splitlines()) - 1 for name in archive.namelist()}


def check_gtfs(path: Path) -> None:
    """PyPI gtfs-validator (MobilityData's rules) with the validation date pinned to the feed's first day:
    no ERROR notice. Then node-gtfs (npm `gtfs`), a real consumer, imports it with every row."""
    import tempfile
    import zipfile
    with zipfile.ZipFile(path) as archive:
        info = next(csv.DictReader(io.StringIO(archive.read("feed_info.txt").decode("utf-8"))))
    day = info["feed_start_date"]
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run([str(Path(sys.executable).with_name("gtfs-validator")), "-i", str(path), "-o", out,
                              "-c", "TH", "-d", f"{day[:4]}-{day[4:6]}-{day[6:]}"],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        report = json.loads((Path(out) / "report.json").read_text())
    errors = [n for n in report["notices"] if n["severity"] == "ERROR"]
    assert not errors, [(n["code"], n["totalNotices"], n.get("sampleNotices", [])[:1]) for n in errors]
    if (NODE_CONSUMERS / "node_modules" / "gtfs").exists():
        node = subprocess.run(["node", str(NODE_CONSUMERS / "import_gtfs.mjs"), str(path.resolve())], capture_output=True,
                              text=True, timeout=300, cwd=NODE_CONSUMERS)
        assert node.returncode == 0, node.stderr[-2000:]
        imported = json.loads(node.stdout.strip().splitlines()[-1])
        rows = gtfs_counts(path)
        assert imported == {"routes": rows["routes"], "stops": rows["stops"], "trips": rows["trips"],
                            "stop_times": rows["stop_times"], "calendars": rows["calendar"], "feed_info": 1}, imported


# --- portal pages ----------------------------------------------------------------------------------------
VNU_JAR = NODE_CONSUMERS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def check_html_files(paths: list[Path]) -> None:
    """The Nu HTML Checker (vnu-jar, the W3C's validator) on all pages in one JVM: no error. Without it
    (no npm or Java) the pages must still parse as HTML. Either way: static, nothing that runs."""
    import shutil
    for path in paths:
        assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        root = etree.fromstring(path.read_bytes(), parser=etree.HTMLParser())
        assert root.find(".//title") is not None and not root.xpath("//script|//iframe|//@*[starts-with(name(), 'on')]")
    if VNU_JAR.exists() and shutil.which("java") and paths:
        run = subprocess.run(["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only",
                              *map(str, paths)], capture_output=True, text=True, timeout=300)
        messages = json.loads(run.stderr or run.stdout)["messages"]
        assert not messages, [(m.get("url", "")[-60:], m.get("message")) for m in messages[:5]]


# --- calendars ------------------------------------------------------------------------------------------
def check_ical(path: Path) -> None:
    import icalendar
    from ical.calendar_stream import IcsCalendarStream
    data = path.read_text(encoding="utf-8")
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar.get("PRODID") and str(calendar.get("VERSION")) == "2.0"
    IcsCalendarStream.calendar_from_ics(data)                  # the stricter parser reads it too
    zones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    for event in calendar.walk("VEVENT"):
        for prop in ("UID", "DTSTAMP", "DTSTART"):
            assert prop in event, (prop, event.get("UID"))
        tzid = event["DTSTART"].params.get("TZID")
        assert tzid is None or tzid in zones, tzid


# --- datasets ------------------------------------------------------------------------------------------
def check_datapackage(path: Path) -> None:
    """`frictionless validate` (its Python API, the same check as the command): schema, types, keys,
    and the size and sha256 of every resource."""
    import frictionless
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def check_csv(path: Path) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows and all(rows[0]) and all(len(r) == len(rows[0]) for r in rows)


def check_parquet(path: Path) -> None:
    import pyarrow.parquet as pq
    pq.read_table(path)


def check_json(path: Path) -> None:
    json.loads(path.read_text(encoding="utf-8"))


# --- catalog ---------------------------------------------------------------------------------------------
_DCAT_SHAPES = None


def check_dcat(path: Path) -> None:
    """pyshacl with the SEMIC DCAT-AP 3.0.1 shapes (not shacl_ranges.ttl: it crashes pyshacl)."""
    global _DCAT_SHAPES
    import rdflib
    data = rdflib.Graph().parse(str(path), format="json-ld" if path.suffix == ".jsonld" else "turtle")
    assert (None, rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Catalog")) in data
    shapes = _schema_path("dcat-ap-3.0.1/shacl_dcat-ap-SHACL.ttl")
    if shapes is None:
        return
    import pyshacl
    _DCAT_SHAPES = _DCAT_SHAPES or rdflib.Graph().parse(str(shapes))
    conforms, _, text = pyshacl.validate(data, shacl_graph=_DCAT_SHAPES, inference="none")
    assert conforms, text[:3000]


def check_ckan(path: Path) -> None:
    """A CKAN action answer: the envelope, and the shape ckanapi's callers rely on per action."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert set(doc) == {"help", "success", "result"} and doc["success"] is True
    result, action = doc["result"], path.parent.name if path.parent.name == "package_show" else path.stem
    if action == "package_list":
        assert isinstance(result, list) and all(isinstance(n, str) for n in result)
    elif action == "package_search":
        assert result["count"] == len(result["results"])
    elif action == "package_show":
        assert result["name"] == path.stem and result["resources"]
        assert all(r["url"].startswith(("http://", "https://")) for r in result["resources"])


def format_of(path: Path) -> str:
    """Which validator a published file gets."""
    name, suffix = path.name, path.suffix
    if name == "datapackage.json":
        return "datapackage"
    if suffix == ".json" and "/api/3/action/" in path.as_posix():
        return "ckan"
    if suffix == ".json":
        text = path.read_text(encoding="utf-8")
        if '"version": "https://jsonfeed.org/version/1.1"' in text[:200]:
            return "json_feed"
        return "json"
    if suffix == ".xml" and "/cap/" in path.as_posix():
        return "cap"
    if suffix in (".jsonld", ".ttl"):
        return "dcat"
    if name == "wzdx.geojson":
        return "wzdx"
    if name == "waze-cifs.xml":
        return "cifs"
    return {".rss": "rss", ".atom": "atom", ".geojson": "geojson", ".pb": "gtfs_rt", ".ics": "ical",
            ".csv": "csv", ".parquet": "parquet", ".zip": "gtfs", ".html": "html"}.get(suffix, "unknown")


CHECKERS = {"rss": check_rss, "atom": check_atom, "json_feed": check_json_feed, "geojson": check_geojson,
            "cap": check_cap, "gtfs_rt": check_gtfs_rt, "ical": check_ical, "datapackage": check_datapackage,
            "csv": check_csv, "parquet": check_parquet, "json": check_json, "dcat": check_dcat, "ckan": check_ckan,
            "wzdx": check_wzdx, "cifs": check_cifs, "gtfs": check_gtfs}


def validate_tree(public: Path) -> dict[str, int]:
    """Every file under public/v1 and public/api through its validator: {format: files that passed}.
    Unknown formats fail."""
    counts: dict[str, int] = {}
    failures = []
    pages = sorted(p for p in (public / "v1").rglob("*.html") if p.is_file())
    try:
        check_html_files(pages)
        counts["html"] = len(pages)
    except Exception as exc:  # noqa: BLE001 - reported with the other failures
        failures.append(f"HTML pages: {type(exc).__name__}: {str(exc)[:300]}")
    for path in sorted(p for top in ("v1", "api") for p in (public / top).rglob("*")):
        if not path.is_file() or path.suffix == ".html":
            continue
        kind = format_of(path)
        try:
            if kind == "unknown":
                raise AssertionError("no validator for this kind of file")
            CHECKERS[kind](path)
        except Exception as exc:  # noqa: BLE001 - collect every failure, report them together
            failures.append(f"{path.relative_to(public)} ({kind}): {type(exc).__name__}: {str(exc)[:300]}")
            continue
        counts[kind] = counts.get(kind, 0) + 1
    assert not failures, f"{len(failures)} invalid files:\n" + "\n".join(failures[:20])
    return counts


if __name__ == "__main__":                      # make check-public: validate a published tree by hand
    tree = Path(sys.argv[1] if len(sys.argv) > 1 else "public")
    for kind, count in sorted(validate_tree(tree).items()):
        print(f"{kind:<12} {count:5d} files valid")
