"""The open-data catalog: DCAT-AP 3.0.1 (JSON-LD and Turtle) and a CKAN-compatible static API.

    v1/catalog/catalog.jsonld, catalog.ttl          DCAT-AP: the catalog, its datasets and their distributions
    api/3/action/package_list.json                   CKAN action results in CKAN's envelope
    api/3/action/package_search.json                 ({"help", "success": true, "result"})
    api/3/action/package_show/<name>.json
    api/3/action/status_show.json

Each dataset of `publish.datasets` is one dcat:Dataset / CKAN package; its distributions are the CSV,
Parquet and GeoJSON files, the Frictionless descriptor, and, for alerts and events, the live feeds
(RSS, Atom, JSON Feed, CAP, GTFS-realtime, iCalendar). Licence, file type, media type, language,
theme, frequency and place are IRIs from the EU vocabularies and IANA, as DCAT-AP asks; every IRI
object is typed with the class the SEMIC shapes expect. Nothing reads the clock: "modified" is the
newest time in the data, so an unchanged catalog keeps its bytes.

A static web server answers CKAN's query-string actions by mapping them to these files
(`publish.serve` does; README shows the nginx rule): `package_show?id=<name>` ->
`package_show/<name>.json`, `/api/action/...` = `/api/3/action/...`.
"""
from __future__ import annotations

import json
from datetime import datetime

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from publish.datasets import DatasetRelease
from publish.release import content_digest

SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
LICENCE_IRI = {"CC-BY-4.0": EU + "licence/CC_BY_4_0"}
LANGUAGES = (EU + "language/THA", EU + "language/ENG")
BANGKOK_IRI = "https://sws.geonames.org/1609350/"          # Bangkok in GeoNames
THEMES = {"alerts": ("TRAN", "ENVI"), "alert_versions": ("TRAN",), "events": ("SOCI", "GOVE"), "places": ("SOCI",),
          "contacts": ("GOVE",),
          "guides": ("GOVE",), "complaints": ("GOVE", "REGI"), "factchecks": ("GOVE",), "news": ("GOVE",),
          "source_health": ("TECH",)}
THEME_LABELS = {"TRAN": "Transport", "ENVI": "Environment", "SOCI": "Population and society",
                "GOVE": "Government and public sector", "REGI": "Regions and cities",
                "TECH": "Science and technology"}
FREQUENCY = {"alerts": "CONT", "alert_versions": "CONT", "complaints": "HOURLY", "source_health": "CONT"}   # else DAILY
# Tables that change on every run by design (each pass is a new attempt): their entries carry no size,
# checksum or modified time, so the catalog itself changes only when a dataset's content does.
VOLATILE = {"source_health"}
FILE_TYPES = {"csv": ("CSV", "text/csv"), "parquet": ("PARQUET", "application/vnd.apache.parquet"),
              "geojson": ("GEOJSON", "application/geo+json"), "rss": ("RSS", "application/rss+xml"),
              "atom": ("ATOM", "application/atom+xml"), "json": ("JSON", "application/json"),
              "cap": ("XML", "application/cap+xml"), "pb": ("BIN", "application/x-protobuf"),
              "ics": ("ICS", "text/calendar")}
FEEDS = {  # live feeds listed as distributions of a dataset: (path, kind, title)
    "alerts": (("v1/alerts/all.rss", "rss", "RSS 2.0 with GeoRSS"), ("v1/alerts/all.atom", "atom", "Atom"),
               ("v1/alerts/all.json", "json", "JSON Feed 1.1"), ("v1/alerts/all.geojson", "geojson", "GeoJSON"),
               ("v1/alerts/cap/index.atom", "atom", "CAP 1.2 messages (Atom index)"),
               ("v1/alerts/gtfs-rt/alerts.pb", "pb", "GTFS-realtime Service Alerts (rail)")),
    "events": (("v1/events/all.ics", "ics", "iCalendar"), ("v1/events/all.rss", "rss", "RSS 2.0"),
               ("v1/events/all.json", "json", "JSON Feed 1.1")),
}
PUBLISHER_NAME = "Bangkok Metropolitan Administration (BKK Connect Data Hub)"
CONTACT_EMAIL = "mailto:opendata@bangkok.go.th"


def _file(release: DatasetRelease, path: str, **fields) -> dict:
    stable = release.dataset.table not in VOLATILE
    size, sha = content_digest(release.files[path]) if stable else (None, None)
    return {"path": path, "bytes": size, "sha256": sha, **fields}


def _modified(release: DatasetRelease) -> datetime | None:
    return None if release.dataset.table in VOLATILE else release.modified


def _distributions(release: DatasetRelease, base_url: str) -> list[dict]:
    table = release.dataset.table
    out = []
    for suffix in ("csv", "parquet", "geojson"):
        path = f"v1/datasets/{table}/{table}.{suffix}"
        if path in release.files:
            out.append(_file(release, path, id=f"{table}-{suffix}", kind=suffix,
                             title=f"{release.dataset.title_en} ({suffix.upper()})"))
    out.append(_file(release, f"v1/datasets/{table}/datapackage.json", id=f"{table}-datapackage", kind="json",
                     title="Frictionless Data Package (data dictionary in Thai and English)"))
    for feed_path, kind, title in FEEDS.get(table, ()):
        out.append({"id": f"{table}-{feed_path.rsplit('/', 1)[1].replace('.', '-')}", "path": feed_path,
                    "kind": kind, "bytes": None, "sha256": None, "title": f"Live feed: {title}"})
    for d in out:
        d["url"] = f"{base_url}/{d['path']}"
    return out


def _typed(g: Graph, iri: str, cls: URIRef) -> URIRef:
    node = URIRef(iri)
    g.add((node, RDF.type, cls))
    return node


def dcat_graph(releases: list[DatasetRelease], base_url: str) -> Graph:
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("skos", SKOS), ("spdx", SPDX),
                       ("vcard", VCARD)):
        g.bind(prefix, ns)
    catalog = _typed(g, f"{base_url}/v1/catalog/", DCAT.Catalog)
    publisher = _typed(g, f"{base_url}/#publisher", FOAF.Agent)
    g.add((publisher, FOAF.name, Literal(PUBLISHER_NAME, lang="en")))
    g.add((publisher, FOAF.name, Literal("กรุงเทพมหานคร (BKK Connect Data Hub)", lang="th")))
    g.add((catalog, DCTERMS.title, Literal("BKK Connect open data, Bangkok", lang="en")))
    g.add((catalog, DCTERMS.title, Literal("ข้อมูลเปิด BKK Connect กรุงเทพมหานคร", lang="th")))
    g.add((catalog, DCTERMS.description, Literal(
        "Area alerts, district services and events, complaints, places and city information for Bangkok, "
        "gathered from the city's partner agencies, checked and published as open data.", lang="en")))
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, FOAF.homepage, _typed(g, f"{base_url}/", FOAF.Document)))
    g.add((catalog, DCTERMS.license, _typed(g, LICENCE_IRI["CC-BY-4.0"], DCTERMS.LicenseDocument)))
    g.add((catalog, DCTERMS.spatial, _typed(g, BANGKOK_IRI, DCTERMS.Location)))
    for language in LANGUAGES:
        g.add((catalog, DCTERMS.language, _typed(g, language, DCTERMS.LinguisticSystem)))
    contact = _typed(g, f"{base_url}/#contact", VCARD.Kind)
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(PUBLISHER_NAME)))
    g.add((contact, VCARD.hasEmail, URIRef(CONTACT_EMAIL)))
    newest = max((_modified(r) for r in releases if _modified(r)), default=None)
    if newest:
        g.add((catalog, DCTERMS.modified, Literal(newest.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
    for release in releases:
        d = release.dataset
        node = _typed(g, f"{base_url}/v1/datasets/{d.table}/", DCAT.Dataset)
        g.add((catalog, DCAT.dataset, node))
        g.add((node, DCTERMS.identifier, Literal(f"bkkconnect-{d.table.replace('_', '-')}")))
        g.add((node, DCTERMS.title, Literal(d.title_en, lang="en")))
        g.add((node, DCTERMS.title, Literal(d.title_th, lang="th")))
        g.add((node, DCTERMS.description, Literal(d.description, lang="en")))
        g.add((node, DCTERMS.publisher, publisher))
        g.add((node, DCAT.contactPoint, contact))
        g.add((node, DCTERMS.spatial, URIRef(BANGKOK_IRI)))
        g.add((node, DCAT.landingPage, _typed(g, f"{base_url}/v1/datasets/{d.table}/datapackage.json",
                                              FOAF.Document)))
        frequency = _typed(g, EU + "frequency/" + FREQUENCY.get(d.table, "DAILY"), DCTERMS.Frequency)
        g.add((node, DCTERMS.accrualPeriodicity, frequency))
        for language in LANGUAGES:
            g.add((node, DCTERMS.language, URIRef(language)))
        for code in THEMES[d.table]:
            theme = _typed(g, EU + "data-theme/" + code, SKOS.Concept)
            g.add((theme, SKOS.prefLabel, Literal(THEME_LABELS[code], lang="en")))
            g.add((node, DCAT.theme, theme))
        for keyword in ("Bangkok", d.table.replace("_", " ")):
            g.add((node, DCAT.keyword, Literal(keyword, lang="en")))
        g.add((node, DCAT.keyword, Literal("กรุงเทพมหานคร", lang="th")))
        if _modified(release):
            g.add((node, DCTERMS.modified, Literal(_modified(release).isoformat(timespec="seconds"),
                                                   datatype=XSD.dateTime)))
        for source_title, source_url in d.sources:      # the partner agencies the data comes from
            creator = _typed(g, f"{source_url}#agency", FOAF.Agent)
            g.add((creator, FOAF.name, Literal(source_title, lang="en")))
            g.add((node, DCTERMS.creator, creator))
        for dist in _distributions(release, base_url):
            file_type, media_type = FILE_TYPES[dist["kind"]]
            dn = _typed(g, f"{base_url}/v1/datasets/{d.table}/#{dist['id']}", DCAT.Distribution)
            g.add((node, DCAT.distribution, dn))
            g.add((dn, DCTERMS.title, Literal(dist["title"], lang="en")))
            g.add((dn, DCAT.accessURL, URIRef(dist["url"])))
            g.add((dn, DCAT.downloadURL, URIRef(dist["url"])))
            g.add((dn, DCTERMS.license, URIRef(LICENCE_IRI[d.licence_id])))
            g.add((dn, DCTERMS.format, _typed(g, EU + "file-type/" + file_type, DCTERMS.MediaTypeOrExtent)))
            g.add((dn, DCAT.mediaType, _typed(g, IANA + media_type, DCTERMS.MediaType)))
            if dist["bytes"] is not None:
                g.add((dn, DCAT.byteSize, Literal(dist["bytes"], datatype=XSD.nonNegativeInteger)))
                checksum = _typed(g, f"{base_url}/v1/datasets/{d.table}/#{dist['id']}-sha256", SPDX.Checksum)
                g.add((checksum, SPDX.algorithm, _typed(g, str(SPDX.checksumAlgorithm_sha256),
                                                        SPDX.ChecksumAlgorithm)))
                g.add((checksum, SPDX.checksumValue, Literal(dist["sha256"], datatype=XSD.hexBinary)))
                g.add((dn, SPDX.checksum, checksum))
    return g


def dcat_files(releases: list[DatasetRelease], base_url: str) -> dict[str, bytes]:
    g = dcat_graph(releases, base_url)
    jsonld = json.loads(g.serialize(format="json-ld", auto_compact=True))
    return {"v1/catalog/catalog.jsonld": (json.dumps(_sorted_jsonld(jsonld), ensure_ascii=False, indent=1)
                                          + "\n").encode("utf-8"),
            "v1/catalog/catalog.ttl": g.serialize(format="turtle").encode("utf-8")}


def _sorted_jsonld(doc):
    """Stable bytes: rdflib emits nodes and values in set order; sort them (the graph is the same)."""
    if isinstance(doc, dict):
        return {k: _sorted_jsonld(v) for k, v in sorted(doc.items())}
    if isinstance(doc, list):
        items = [_sorted_jsonld(v) for v in doc]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return doc


# --- CKAN ---------------------------------------------------------------------------------------------
def package(release: DatasetRelease, base_url: str) -> dict:
    d = release.dataset
    name = f"bkkconnect-{d.table.replace('_', '-')}"
    modified = _modified(release).isoformat(timespec="seconds") if _modified(release) else None
    return {
        "id": name, "name": name, "type": "dataset", "state": "active", "private": False,
        "title": f"{d.title_th} / {d.title_en}", "notes": d.description,
        "license_id": d.licence_id, "license_title": d.licence_title, "license_url": d.licence_url,
        "url": f"{base_url}/v1/datasets/{d.table}/", "version": "1.0.0",
        "author": PUBLISHER_NAME, "maintainer": PUBLISHER_NAME, "maintainer_email": CONTACT_EMAIL[7:],
        "metadata_modified": modified, "num_resources": len(_distributions(release, base_url)),
        "organization": {"id": "bkkconnect", "name": "bkkconnect", "title": PUBLISHER_NAME, "type": "organization"},
        "tags": [{"name": t} for t in ("Bangkok", d.table.replace("_", "-"))],
        "extras": [{"key": "dcat_dataset", "value": f"{base_url}/v1/datasets/{d.table}/"}] +
                  ([] if d.table in VOLATILE else [{"key": "rows", "value": str(release.rows)}]),
        "resources": [{"id": r["id"], "package_id": name, "name": r["title"], "url": r["url"],
                       "format": FILE_TYPES[r["kind"]][0], "mimetype": FILE_TYPES[r["kind"]][1],
                       "size": r["bytes"], "hash": f"sha256:{r['sha256']}" if r["sha256"] else "",
                       "position": i} for i, r in enumerate(_distributions(release, base_url))],
    }


def _envelope(action: str, base_url: str, result) -> bytes:
    body = {"help": f"{base_url}/api/3/action/help_show?name={action}", "success": True, "result": result}
    return (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def ckan_files(releases: list[DatasetRelease], base_url: str) -> dict[str, bytes]:
    packages = sorted((package(r, base_url) for r in releases), key=lambda p: p["name"])
    files = {"api/3/action/package_list.json": _envelope("package_list", base_url, [p["name"] for p in packages]),
             "api/3/action/package_search.json": _envelope("package_search", base_url, {
                 "count": len(packages), "results": packages, "sort": "name asc", "facets": {},
                 "search_facets": {}}),
             "api/3/action/status_show.json": _envelope("status_show", base_url, {
                 "site_title": "BKK Connect open data", "site_url": base_url, "ckan_version": "2.10.0",
                 "api_version": 3, "extensions": []})}
    for p in packages:
        files[f"api/3/action/package_show/{p['name']}.json"] = _envelope("package_show", base_url, p)
    return files
