"""Deterministic RSS 2.0 (+GeoRSS), Atom 1.0 and JSON Feed 1.1 writers.

Same items in, same bytes out: nothing here reads the clock, draws random ids or stamps a library
version. The feed-level "last changed" time is the newest ``item.updated`` (or
``FeedSpec.empty_updated`` for a feed without items), items are ordered newest ``updated`` first and
then by ``id``, and every timestamp is written in Bangkok time with an explicit ``+07:00`` offset.

Item text comes from scraped partner pages and is treated as untrusted *plain text*:

* characters that XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF) are dropped and
  line endings become ``\\n``, identically in all three formats;
* RSS ``<title>`` is plain text (XML-escaped; ``&``, ``<`` and ``>`` as hexadecimal character
  references, as the RSS Advisory Board profile recommends);
* RSS ``<description>`` is, by convention, entity-encoded HTML, so the text is HTML-escaped before it
  is XML-escaped: readers display ``<script>`` literally instead of running it;
* Atom ``title``/``content`` carry ``type="text"``;
* item URLs must be absolute http(s) URLs (no ``javascript:``); spaces and non-ASCII characters are
  percent-encoded so that every format carries a valid URI;
* JSON Feed uses ``content_text`` only, and ``<``, ``>``, U+2028 and U+2029 are written as
  ``\\uXXXX`` escapes (same JSON value, nothing that looks like markup in the bytes).

URLs: ``FeedSpec.base_url`` is the public URL of the served tree root (``publish.base_url`` in
``config/sources.yaml``); the feed ``path_stem`` is relative to it, so the self link of
``v1/alerts/district/1001.rss`` is ``<base_url>/v1/alerts/district/1001.rss`` and the keys returned
by :func:`render_all` are the same relative paths that :class:`publish.release.ReleaseWriter` takes.

Coordinates: GeoRSS-Simple ``<georss:point>`` is "lat lon" (latitude first, unlike GeoJSON); the
JSON Feed carries ``lat``/``lon`` inside the ``_bkk`` extension object together with ``item.extra``.
"""
from __future__ import annotations

import html
import json
import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import quote, urlsplit

from lxml import etree

__all__ = [
    "BANGKOK",
    "FeedItem",
    "FeedSpec",
    "render_rss",
    "render_atom",
    "render_json_feed",
    "render_all",
    "feed_url",
]

# Asia/Bangkok has been UTC+7 without daylight saving since 1920; a fixed offset keeps the output
# independent of the host's tz database.
BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
RSS_DOCS = "https://www.rssboard.org/rss-specification"
GENERATOR = "BKK Connect Data Hub"   # fixed on purpose: no version string that would change bytes

NS_ATOM = "http://www.w3.org/2005/Atom"
NS_GEORSS = "http://www.georss.org/georss"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_XML = "http://www.w3.org/XML/1998/namespace"

EXTENSIONS = {"rss": ".rss", "atom": ".atom", "json": ".json"}

# XML 1.0 Char production (minus nothing else): everything outside it is dropped.
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc).astimezone(BANGKOK)


def clean_text(value: str | None) -> str:
    """Text as published: XML-illegal characters removed, CR LF / CR turned into LF."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected str, got {type(value).__name__}")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", value)


def _require_aware(name: str, value: datetime) -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (got naive {value.isoformat()})")


def _check_extension_keys(obj: Mapping, where: str) -> None:
    # JSON Feed extension objects: top-level keys are strings without "." (schema: ^[^.]*$).
    for key in obj:
        if not isinstance(key, str) or "." in key:
            raise ValueError(f"{where}: extension key {key!r} must be a string without '.'")


@dataclass(frozen=True)
class FeedItem:
    id: str
    title: str
    content_text: str
    url: str | None
    published: datetime
    updated: datetime
    lat: float | None = None
    lon: float | None = None
    categories: tuple[str, ...] = ()
    language: str = "th"
    extra: dict | None = None   # JSON Feed "_bkk" extension object (district code, severity, ...)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not clean_text(self.id).strip():
            raise ValueError(f"FeedItem.id must be a non-empty string, got {self.id!r}")
        _require_aware("FeedItem.published", self.published)
        _require_aware("FeedItem.updated", self.updated)
        if (self.lat is None) != (self.lon is None):
            raise ValueError(f"FeedItem {self.id!r}: give both lat and lon or neither")
        if self.lat is not None:
            lat, lon = float(self.lat), float(self.lon)
            if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
                raise ValueError(f"FeedItem {self.id!r}: latitude out of range: {self.lat!r}")
            if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
                raise ValueError(f"FeedItem {self.id!r}: longitude out of range: {self.lon!r}")
        if isinstance(self.categories, str):
            raise TypeError("FeedItem.categories must be a sequence of strings, not a string")
        object.__setattr__(self, "categories", tuple(self.categories))
        if self.url is not None:
            if not isinstance(self.url, str):
                raise TypeError("FeedItem.url must be a string or None")
            if self.url:
                parts = urlsplit(self.url.strip())
                if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
                    raise ValueError(f"FeedItem {self.id!r}: url must be an absolute http(s) URL: {self.url!r}")
        if self.extra is not None:
            if not isinstance(self.extra, Mapping):
                raise TypeError("FeedItem.extra must be a mapping")
            _check_extension_keys(self.extra, "FeedItem.extra")


@dataclass(frozen=True)
class FeedSpec:
    title: str
    description: str
    home_url: str
    base_url: str            # public URL of the served tree root; path_stem is relative to it
    path_stem: str           # e.g. "v1/alerts/district/1001" -> .rss / .atom / .json
    language: str = "th"
    author_name: str = "BKK Connect Data Hub"
    author_url: str | None = None          # None: home_url
    websub_hub: str | None = None
    empty_updated: datetime = field(default=_EPOCH)   # feed "updated" when there are no items

    def __post_init__(self) -> None:
        for name in ("home_url", "base_url"):
            parts = urlsplit(getattr(self, name))
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"FeedSpec.{name} must be an absolute http(s) URL: {getattr(self, name)!r}")
        stem = self.path_stem
        if (not stem or stem.startswith("/") or stem.endswith("/") or "\\" in stem
                or any(part in ("", ".", "..") for part in stem.split("/"))):
            raise ValueError(f"FeedSpec.path_stem must be a clean relative path: {stem!r}")
        _require_aware("FeedSpec.empty_updated", self.empty_updated)

    @property
    def effective_author_url(self) -> str:
        return self.author_url or self.home_url


def feed_url(spec: FeedSpec, fmt: str) -> str:
    """Public URL of one of the feed's files (``fmt`` in rss, atom, json)."""
    return spec.base_url.rstrip("/") + "/" + quote(spec.path_stem + EXTENSIONS[fmt], safe="/")


# --------------------------------------------------------------------------------------------------
# shared helpers

def _bkk(dt: datetime) -> datetime:
    return dt.astimezone(BANGKOK).replace(microsecond=0)


def _rfc822(dt: datetime) -> str:
    return format_datetime(_bkk(dt))          # "Mon, 01 Jan 2024 10:00:00 +0700"


def _rfc3339(dt: datetime) -> str:
    return _bkk(dt).isoformat()                # "2024-01-01T10:00:00+07:00"


def _uri(url: str) -> str:
    """Percent-encode what a URI may not contain (spaces, non-ASCII, controls); keep the rest."""
    return quote(clean_text(url).strip(), safe=":/?#[]@!$&'()*+,;=%~")


def _coord(value: float) -> str:
    text = f"{float(value):.7f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _ordered(items: Iterable[FeedItem]) -> list[FeedItem]:
    items = list(items)
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, FeedItem):
            raise TypeError(f"expected FeedItem, got {type(item).__name__}")
        if item.id in seen:
            raise ValueError(f"duplicate item id in feed: {item.id!r}")
        seen.add(item.id)
    # newest updated first, ties broken by id (two stable sorts)
    items.sort(key=lambda it: it.id)
    items.sort(key=lambda it: it.updated, reverse=True)
    return items


def _feed_updated(spec: FeedSpec, items: Sequence[FeedItem]) -> datetime:
    return max((it.updated for it in items), default=spec.empty_updated)


def _categories(item: FeedItem) -> list[str]:
    out: list[str] = []
    for cat in item.categories:
        cat = clean_text(cat).strip()
        if cat and cat not in out:
            out.append(cat)
    return out


def _atom_entry_id(spec: FeedSpec, item_id: str) -> str:
    """Atom ids must be IRIs: keep URI-looking ids, map others to a stable name-based UUID URN."""
    if _URI_SCHEME.match(item_id):
        return item_id
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, spec.base_url.rstrip("/") + "/#item:" + item_id))


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, {k: clean_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = clean_text(text)
    return el


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --------------------------------------------------------------------------------------------------
# RSS 2.0 + GeoRSS-Simple

def render_rss(spec: FeedSpec, items: Iterable[FeedItem]) -> bytes:
    items = _ordered(items)
    atom, georss, dc = f"{{{NS_ATOM}}}", f"{{{NS_GEORSS}}}", f"{{{NS_DC}}}"
    rss = etree.Element("rss", {"version": "2.0"}, nsmap={"atom": NS_ATOM, "georss": NS_GEORSS, "dc": NS_DC})
    ch = _sub(rss, "channel")
    _sub(ch, "title", spec.title)
    _sub(ch, "link", spec.home_url)
    _sub(ch, "description", spec.description)
    _sub(ch, "language", spec.language)
    _sub(ch, "lastBuildDate", _rfc822(_feed_updated(spec, items)))
    _sub(ch, "generator", GENERATOR)
    _sub(ch, "docs", RSS_DOCS)
    _sub(ch, atom + "link", href=feed_url(spec, "rss"), rel="self", type="application/rss+xml")
    if spec.websub_hub:
        _sub(ch, atom + "link", href=spec.websub_hub, rel="hub")
    for item in items:
        it = _sub(ch, "item")
        _sub(it, "title", item.title)
        if item.url:
            _sub(it, "link", _uri(item.url))
        # description is entity-encoded HTML by convention: HTML-escape so the text shows literally
        _sub(it, "description", html.escape(clean_text(item.content_text), quote=False))
        _sub(it, "guid", item.id, isPermaLink="false")
        _sub(it, "pubDate", _rfc822(item.published))
        for cat in _categories(item):
            _sub(it, "category", cat)
        if item.lat is not None:
            _sub(it, georss + "point", f"{_coord(item.lat)} {_coord(item.lon)}")   # LAT first
        if item.language and item.language != spec.language:
            _sub(it, dc + "language", item.language)
    out = _serialize(rss)
    # RSS Board profile: in plain-text elements encode & < > as hexadecimal character references
    # (identical XML; understood by the widest range of aggregators).
    return out.replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;").replace(b"&gt;", b"&#x3E;")


# --------------------------------------------------------------------------------------------------
# Atom 1.0

def render_atom(spec: FeedSpec, items: Iterable[FeedItem]) -> bytes:
    items = _ordered(items)
    A = f"{{{NS_ATOM}}}"
    xml_lang = f"{{{NS_XML}}}lang"
    feed = etree.Element(A + "feed", {xml_lang: spec.language}, nsmap={None: NS_ATOM, "georss": NS_GEORSS})
    self_url = feed_url(spec, "atom")
    _sub(feed, A + "id", self_url)
    _sub(feed, A + "title", spec.title, type="text")
    _sub(feed, A + "subtitle", spec.description, type="text")
    _sub(feed, A + "updated", _rfc3339(_feed_updated(spec, items)))
    author = _sub(feed, A + "author")
    _sub(author, A + "name", spec.author_name)
    _sub(author, A + "uri", spec.effective_author_url)
    _sub(feed, A + "link", href=self_url, rel="self", type="application/atom+xml")
    _sub(feed, A + "link", href=spec.home_url, rel="alternate", type="text/html")
    if spec.websub_hub:
        _sub(feed, A + "link", href=spec.websub_hub, rel="hub")
    _sub(feed, A + "generator", GENERATOR, uri=spec.effective_author_url)
    for item in items:
        attrs = {xml_lang: item.language} if item.language and item.language != spec.language else {}
        entry = etree.SubElement(feed, A + "entry", attrs)
        _sub(entry, A + "id", _atom_entry_id(spec, item.id))
        _sub(entry, A + "title", item.title, type="text")
        _sub(entry, A + "updated", _rfc3339(item.updated))
        _sub(entry, A + "published", _rfc3339(item.published))
        if item.url:
            _sub(entry, A + "link", href=_uri(item.url), rel="alternate")
        for cat in _categories(item):
            _sub(entry, A + "category", term=cat)
        _sub(entry, A + "content", item.content_text, type="text")
        if item.lat is not None:
            _sub(entry, f"{{{NS_GEORSS}}}point", f"{_coord(item.lat)} {_coord(item.lon)}")
    return _serialize(feed)


# --------------------------------------------------------------------------------------------------
# JSON Feed 1.1

def _json_value(value: Any) -> Any:
    """Extension values, made JSON-ready and key-sorted (recursively) for stable bytes."""
    if isinstance(value, Mapping):
        return {k: _json_value(value[k]) for k in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, datetime):
        _require_aware("extra value", value)
        return _rfc3339(value)
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float)):
        return value
    raise TypeError(f"extension value of type {type(value).__name__} is not JSON-serialisable")


_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_ESCAPE_RE = re.compile("[<>\u2028\u2029]")


def json_without_markup(text: str) -> str:
    """JSON text with `<`, `>` and the JS line separators escaped: the same value for a JSON reader,
    inert if a page ever inlines it."""
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def render_json_feed(spec: FeedSpec, items: Iterable[FeedItem]) -> bytes:
    items = _ordered(items)
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,       # first key, as the spec asks
        "title": clean_text(spec.title),
        "home_page_url": spec.home_url,
        "feed_url": feed_url(spec, "json"),
        "description": clean_text(spec.description),
        "language": spec.language,
        "authors": [{"name": clean_text(spec.author_name), "url": spec.effective_author_url}],
    }
    if spec.websub_hub:
        feed["hubs"] = [{"type": "WebSub", "url": spec.websub_hub}]
    out_items = []
    for item in items:
        entry: dict[str, Any] = {"id": clean_text(item.id)}
        if item.url:
            entry["url"] = _uri(item.url)
        entry["title"] = clean_text(item.title)
        entry["content_text"] = clean_text(item.content_text)
        entry["date_published"] = _rfc3339(item.published)
        entry["date_modified"] = _rfc3339(item.updated)
        tags = _categories(item)
        if tags:
            entry["tags"] = tags
        entry["language"] = item.language
        ext = dict(item.extra or {})
        if item.lat is not None:
            ext["lat"] = float(item.lat)     # the item's coordinates win over extra["lat"/"lon"]
            ext["lon"] = float(item.lon)
        if ext:
            entry["_bkk"] = _json_value(ext)
        out_items.append(entry)
    feed["items"] = out_items
    text = json.dumps(feed, ensure_ascii=False, indent=2, allow_nan=False)
    text = json_without_markup(text)
    return (text + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------------

def render_all(spec: FeedSpec, items: Iterable[FeedItem]) -> dict[str, bytes]:
    """``{"<path_stem>.rss": ..., "<path_stem>.atom": ..., "<path_stem>.json": ...}``."""
    items = list(items)
    return {
        spec.path_stem + EXTENSIONS["rss"]: render_rss(spec, items),
        spec.path_stem + EXTENSIONS["atom"]: render_atom(spec, items),
        spec.path_stem + EXTENSIONS["json"]: render_json_feed(spec, items),
    }
