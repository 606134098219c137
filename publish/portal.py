"""The open-data portal pages: plain HTML for people, beside the machine-readable catalog.

    v1/index.html                       what is published: feeds, datasets with their downloads, the catalog,
                                        current alerts per district, source health
    v1/datasets/<table>/index.html      one dataset: downloads and its data dictionary (Thai and English)

Static, no script, no external resource: every value is HTML-escaped (partner text included), so the
pages are as safe to serve as the feeds. They are rebuilt with the datasets and keep their bytes while
nothing they show changes.
"""
from __future__ import annotations

from html import escape

from model.column_docs import COLUMN_DOCS
from publish.datasets import DatasetRelease, public_columns

STYLE = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
         "table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;"
         "vertical-align:top}th{background:#f3f3f3}code{font-size:.9em}")


def _page(title: str, body: str) -> bytes:
    return (f"<!DOCTYPE html>\n<html lang=\"th\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
            ).encode("utf-8")


def _link(href: str, text: str) -> str:
    return f"<a href=\"{escape(href, quote=True)}\">{escape(text)}</a>"


def _rows(rows: list[list[str]], header: list[str]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>\n" for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"


FEEDS = [("Alerts, all Bangkok", "alerts/all", ("rss", "atom", "json", "geojson")),
         ("Alerts: CAP 1.2 messages (Atom index)", "alerts/cap/index", ("atom",)),
         ("Rail disruptions: GTFS-realtime Service Alerts", "alerts/gtfs-rt/alerts", ("pb", "json")),
         ("Road works: WZDx 4.2", "road/wzdx", ("geojson",)), ("Road incidents: Waze CIFS", "road/waze-cifs", ("xml",)),
         ("Events and services", "events/all", ("rss", "atom", "json", "ics")),
         ("Mobile services: GTFS", "gtfs/mobile-services", ("zip",)),
         ("BMA news", "news/all", ("rss", "atom", "json")), ("Fact-checks", "factchecks/all", ("rss", "atom", "json")),
         ("Source health", "health/feed", ("rss", "atom", "json"))]


def landing(releases: list[DatasetRelease], district_alerts: list[tuple[str, str, str, int]],
            health: list[tuple[str, str, bool]]) -> bytes:
    """`district_alerts`: (code, Thai name, English name, current alerts); `health`: (source, status, fresh)."""
    feeds = _rows([[escape(title), " ".join(_link(f"{stem}.{ext}", ext) for ext in exts)] for title, stem, exts in FEEDS],
                  ["Feed", "Formats"])
    datasets = _rows([[_link(f"datasets/{r.dataset.table}/", f"{r.dataset.title_th} / {r.dataset.title_en}"),
                       f"{r.rows:,}", " ".join(_link(f"datasets/{r.dataset.table}/{name}", name) for name in _downloads(r))] for r in releases],
                     ["Dataset", "Rows", "Downloads"])
    alerts = _rows([[escape(code), escape(f"เขต{th} / {en}"), str(count),
                     " ".join(_link(f"alerts/district/{code}.{ext}", ext) for ext in ("json", "rss", "geojson"))]
                    for code, th, en, count in district_alerts], ["Code", "District", "Current alerts", "Feeds"])
    sources = _rows([[escape(source), escape(status), "yes" if fresh else "no"] for source, status, fresh in health],
                    ["Source", "Status", "Fresh"])
    body = (
        "<h1>BKK Connect ข้อมูลเปิด กรุงเทพมหานคร / Bangkok open data</h1>\n"
        "<p>Alerts, district services and events, complaints, places and city information, gathered from the "
        "city's partner agencies, checked and published as open data (CC BY 4.0).</p>\n"
        f"<h2>Feeds</h2>\n{feeds}"
        f"<h2>Datasets</h2>\n{datasets}"
        "<p>Catalog: " + _link("catalog/catalog.jsonld", "DCAT-AP (JSON-LD)") + ", " +
        _link("catalog/catalog.ttl", "DCAT-AP (Turtle)") + ", " + _link("../api/3/action/package_list", "CKAN API") +
        ", " + _link("../manifest.json", "manifest") + ".</p>\n"
        f"<h2>Current alerts by district</h2>\n{alerts}"
        f"<h2>Source health</h2>\n{sources}")
    return _page("BKK Connect open data", body)


def _downloads(release: DatasetRelease) -> list[str]:
    table = release.dataset.table
    return [path.rsplit("/", 1)[1] for path in sorted(release.files)
            if path.startswith(f"v1/datasets/{table}/") and path.count("/") == 3]


def dataset_page(release: DatasetRelease) -> bytes:
    d = release.dataset
    docs = COLUMN_DOCS[d.table]
    dictionary = _rows([[f"<code>{escape(c)}</code>", escape(t), escape(docs[c][0]), escape(docs[c][1])]
                        for c, t in public_columns(d.table).items()], ["Column", "Type", "คำอธิบาย", "Description"])
    downloads = " · ".join(_link(name, name) for name in _downloads(release))
    sources = ", ".join(_link(url, title) for title, url in d.sources)
    body = (f"<p>{_link('../../index.html', 'BKK Connect open data')}</p>\n"
            f"<h1>{escape(d.title_th)} / {escape(d.title_en)}</h1>\n<p>{escape(d.description)}</p>\n"
            f"<p>{release.rows:,} rows. Licence: {_link(d.licence_url, d.licence_title)}. Sources: {sources}.</p>\n"
            f"<p>Download: {downloads}. Daily copies: <code>snapshots/&lt;YYYY-MM-DD&gt;/</code> (the last days).</p>\n"
            f"<h2>Data dictionary</h2>\n{dictionary}")
    return _page(f"{d.title_en}: BKK Connect open data", body)
