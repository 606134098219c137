"""RSS 2.0 as Thai publishers serve it, read safely (defusedxml) into plain items.

Quirks handled, all seen on WordPress and government feeds:

* a UTF-8 BOM and/or blank lines before `<?xml ...?>` (a plugin echoing whitespace), which strict
  XML parsers reject ("XML declaration not at start");
* the encoding declared in the XML declaration (TIS-620 / windows-874, names Python does not know),
  in the Content-Type header, or neither; a header that lies is outvoted by a strict decode;
* HTML named entities (`&nbsp;`, `&hellip;`) outside CDATA, which are undefined in XML;
* pubDate in RFC 822 with "+0700", "+07:00", "GMT" or no zone, weekday and month names in Thai
  ("พ., 25 พ.ย. 2569 09:30:00 +0700" from a Thai-locale date_i18n), Buddhist Era years, Thai digits,
  and ISO 8601 in place of RFC 822 (`parse_rss_date`);
* item HTML (description, content:encoded) that is entity-escaped once or twice (`plain_text`
  strips markup until none is left, so an `&amp;lt;script&amp;gt;` never reaches a reader as text).

Anything that is not an RSS 2.0 document (an HTML error page served with 200, an empty body, an
Atom feed, garbage) raises `UnitFailed`: an unusable answer is never "zero items".
"""
from __future__ import annotations

import hashlib
import html
from html.entities import name2codepoint
import re
import xml.etree.ElementTree as StdET  # serialising parsed elements only; parsing is defusedxml's
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin, urlsplit

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from hub.raw_archive import UnitFailed
from hub.thai_dates import BANGKOK, ThaiDateError, parse_partner_timestamp
from hub.thai_text import arabic_digits, normalize_thai
from scrapers.html_text import soup_of, text_of

CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}"
DC_NS = "{http://purl.org/dc/elements/1.1/}"


@dataclass(frozen=True)
class Enclosure:
    url: str | None          # http(s) only, else None
    type: str | None
    length: int | None


@dataclass(frozen=True)
class RssItem:
    """One <item>, text fields as written (HTML still escaped/unescaped as the feed had it)."""
    position: int                     # 0-based order in the document
    title: str | None                 # plain text, normalised; None when missing or blank
    link: str | None                  # http(s) only
    guid: str | None
    guid_is_permalink: bool
    pub_date: str | None              # raw; read it with parse_rss_date
    categories: tuple[str, ...]       # normalised, de-duplicated, in order
    description: str | None           # raw HTML fragment
    content: str | None               # raw content:encoded HTML
    author: str | None
    enclosure: Enclosure | None
    excerpt: str                      # the item's XML, shortened, for quarantine rows


@dataclass(frozen=True)
class RssFeed:
    title: str | None
    link: str | None
    last_build_date: str | None
    items: list[RssItem]


# --- decoding ----------------------------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_XML_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)[\"']", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
# Thai legacy encodings under the names servers write; Python knows them all as cp874.
_CHARSET_ALIASES = {"tis-620": "cp874", "tis620": "cp874", "tis_620": "cp874", "windows-874": "cp874",
                    "x-windows-874": "cp874", "iso-8859-11": "cp874", "iso8859-11": "cp874"}


def _canonical(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    return _CHARSET_ALIASES.get(name, name)


def decode_xml(body: bytes, content_type: str | None = None) -> str:
    """The document as text: BOM, then the XML declaration, then the header, then UTF-8, then cp874.

    Each candidate must decode strictly, so a BOM, declaration or header that lies is outvoted.
    """
    bom_codec = None
    for bom, codec in _BOMS:
        if body.startswith(bom):
            body, bom_codec = body[len(bom):], codec
            break
    declared = _XML_DECL_ENCODING.search(body[:200])
    header = _HEADER_CHARSET.search(content_type or "")
    candidates = [bom_codec, _canonical(declared.group(1).decode("ascii")) if declared else None,
                  _canonical(header.group(1)) if header else None, "utf-8", "cp874"]
    for codec in dict.fromkeys(c for c in candidates if c):
        try:
            return body.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    raise UnitFailed(f"cannot decode the feed ({len(body)} bytes)")


_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});")


def _numeric_entities(text: str) -> str:
    """HTML named entities (undefined in XML) as numeric references; XML's own five are kept."""
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES or name not in name2codepoint:
            return match.group(0)
        return f"&#{name2codepoint[name]};"
    return _NAMED_ENTITY.sub(replace, text)


def _parse_xml(text: str, what: str):
    try:
        return SafeET.fromstring(text)
    except DefusedXmlException as exc:
        raise UnitFailed(f"{what}: XML uses forbidden constructs ({exc.__class__.__name__})") from exc
    except StdET.ParseError as exc:
        if "undefined entity" in str(exc):
            fixed = _numeric_entities(text)
            if fixed != text:
                return _parse_xml(fixed, what)
        raise UnitFailed(f"{what}: not well-formed XML ({exc})") from exc


def parse_feed(body: bytes, content_type: str | None = None, url: str = "feed") -> RssFeed:
    """An RSS 2.0 document, or UnitFailed saying why it is not one."""
    if not body or not body.strip():
        raise UnitFailed(f"{url}: empty body")
    text = decode_xml(body, content_type).lstrip("\ufeff \t\r\n")
    if re.match(r"(?is)<!doctype\s+html|<html[\s>]", text[:500]):
        raise UnitFailed(f"{url}: an HTML page, not an RSS feed ({len(body)} bytes, {_html_title(text)!r})")
    root = _parse_xml(text, url)
    if root.tag != "rss":
        raise UnitFailed(f"{url}: root element <{_local(root.tag)}>, not an RSS 2.0 <rss> document")
    channel = root.find("channel")
    if channel is None:
        raise UnitFailed(f"{url}: <rss> without a <channel>")
    base = _text(channel.find("link"))
    items = [_item(position, element, base) for position, element in enumerate(channel.findall("item"))]
    return RssFeed(_plain_or_none(_text(channel.find("title"))), safe_http_url(base),
                   _text(channel.find("lastBuildDate")), items)


def _html_title(text: str) -> str:
    match = re.search(r"(?is)<title[^>]*>(.*?)</title>|<h1[^>]*>(.*?)</h1>", text)
    return plain_text(match.group(1) or match.group(2))[:60] if match else ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element) -> str | None:
    if element is None:
        return None
    value = "".join(element.itertext()).strip()
    return value or None


def _plain_or_none(value: str | None) -> str | None:
    return plain_text(value) or None


def _item(position: int, element, base: str | None) -> RssItem:
    guid_element = element.find("guid")
    guid = _text(guid_element)
    permalink = guid_element is not None and guid_element.get("isPermaLink", "true").strip().lower() != "false"
    categories = [normalize_thai(html.unescape(_text(c) or "")) for c in element.findall("category")]
    enclosure = None
    if (enc := element.find("enclosure")) is not None:
        length = enc.get("length", "").strip()
        enclosure = Enclosure(safe_http_url(enc.get("url"), base), (enc.get("type") or "").strip() or None,
                              int(length) if length.isdigit() else None)
    link = _text(element.find("link")) or (guid if permalink else None)
    excerpt = StdET.tostring(element, encoding="unicode")
    return RssItem(
        position=position,
        title=_plain_or_none(_text(element.find("title"))),
        link=safe_http_url(link, base),
        guid=guid,
        guid_is_permalink=permalink,
        pub_date=_text(element.find("pubDate")) or _text(element.find(f"{DC_NS}date")),
        categories=tuple(dict.fromkeys(c for c in categories if c)),
        description=_text(element.find("description")),
        content=_text(element.find(f"{CONTENT_NS}encoded")),
        author=_plain_or_none(_text(element.find(f"{DC_NS}creator")) or _text(element.find("author"))),
        enclosure=enclosure,
        excerpt=excerpt[:400],
    )


# --- item fields ---------------------------------------------------------------------------------------

# Markup still present after one pass means the feed escaped its HTML twice.
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]|&(?:[A-Za-z]{2,31}|#\d{1,7}|#x[0-9A-Fa-f]{1,6});")
_MAX_PASSES = 4


def plain_text(fragment: str | None) -> str:
    """An HTML fragment (escaped once, twice or not at all) as plain, normalised text.

    Scripts, styles and iframes are dropped with their content; tags, attributes (on*, href) and
    so javascript: URLs are gone. What remains has no markup at all: a literal "<script>" that a
    double-escaping feed turned into text is parsed again and dropped too.
    """
    if not fragment:
        return ""
    text = fragment
    for _ in range(_MAX_PASSES):
        text = text_of(soup_of(text.encode("utf-8"), "text/html; charset=utf-8"))
        if not _MARKUP.search(text):
            return text
    # Still markup after several passes: keep the words, never the angle brackets.
    return normalize_thai(re.sub(r"[<>]", " ", text))


def safe_http_url(url: str | None, base: str | None = None) -> str | None:
    """An absolute http(s) URL, or None (javascript:, data:, mailto:, blank, unparseable)."""
    if not url:
        return None
    url = "".join(ch for ch in html.unescape(url).strip() if ch >= " " and ch != "\x7f")
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url


def first_image_url(fragment: str | None, base: str | None = None) -> str | None:
    """The first http(s) image in an HTML fragment; lazy-loading `data-src` wins over a data: placeholder."""
    if not fragment:
        return None
    soup = soup_of(fragment.encode("utf-8"), "text/html; charset=utf-8")
    for img in soup.find_all("img"):
        for attribute in ("data-src", "data-lazy-src", "src"):
            if url := safe_http_url(img.get(attribute), base):
                return url
    return None


def item_image_url(item: RssItem) -> str | None:
    """An image enclosure, else the first image of content:encoded, else of the description."""
    if item.enclosure and item.enclosure.url and (item.enclosure.type or "").startswith("image/"):
        return item.enclosure.url
    return first_image_url(item.content, item.link) or first_image_url(item.description, item.link)


_NUMERIC_ID = re.compile(r"\d{1,18}")
_WP_POST_ID = re.compile(r"[?&](?:p|page_id|id)=(\d{1,18})(?:&|$)")
_TRAILING_ID = re.compile(r"/(\d{3,18})/?$")


def item_id(item: RssItem) -> str | None:
    """A stable id: a numeric guid, a WordPress ?p=N, a trailing number, else a digest of guid or link."""
    for candidate in (item.guid, item.link):
        if not candidate:
            continue
        candidate = candidate.strip()
        if _NUMERIC_ID.fullmatch(candidate):
            return candidate
        if match := (_WP_POST_ID.search(candidate) or _TRAILING_ID.search(urlsplit(candidate).path)):
            return match.group(1)
    anchor = item.guid or item.link
    return "h" + hashlib.sha1(anchor.strip().encode("utf-8")).hexdigest()[:16] if anchor else None


# --- pubDate -----------------------------------------------------------------------------------------

_EN_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_TH_MONTHS_FULL = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
                   "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
_TH_MONTHS_ABBR = ["มค", "กพ", "มีค", "เมย", "พค", "มิย", "กค", "สค", "กย", "ตค", "พย", "ธค"]


def _month_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for number, (en, full, abbr) in enumerate(zip(_EN_MONTHS, _TH_MONTHS_FULL, _TH_MONTHS_ABBR), start=1):
        table[en] = table[full] = table[abbr] = number
    for number, name in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                   "september", "october", "november", "december"], start=1):
        table[name] = number
    table["sept"] = 9
    table["กรกฏาคม"] = 7    # ฏ for ฎ: a frequent misspelling
    return table


_MONTHS = _month_table()
_MONTH_WORD = "|".join(sorted((re.escape(k) for k in _MONTHS), key=len, reverse=True))
# Named zones RFC 822 allows, plus ICT (Indochina Time), which Thai servers write.
_NAMED_ZONES = {"gmt": 0, "ut": 0, "utc": 0, "z": 0, "ict": 7 * 60, "est": -5 * 60, "edt": -4 * 60,
                "cst": -6 * 60, "cdt": -5 * 60, "mst": -7 * 60, "mdt": -6 * 60, "pst": -8 * 60, "pdt": -7 * 60}
_RFC822 = re.compile(
    rf"^(?P<weekday>[^\d]*?)[\s,]*"
    rf"(?P<d>\d{{1,2}})\s*(?P<m>{_MONTH_WORD})\.?\s*,?\s*(?P<y>\d{{4}}|\d{{2}})"
    r"(?:\s+|\s*,\s*|T)(?:เวลา\s*)?(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?\s*(?:น\.?)?"
    r"\s*(?P<zone>[+-]\d{2}:?\d{2}|[A-Za-z]{1,5})?\s*$",
    re.I,
)
_ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_THAI_DOTS = re.compile(r"(?<=[\u0e00-\u0e7f])\.\s?")


def _year(digits: str, thai_month: bool) -> int:
    year = int(digits)
    if len(digits) == 2:   # RFC 2822 §4.3 for English; a Thai two-digit year is Buddhist Era
        return 2500 + year - 543 if thai_month else (2000 + year if year < 50 else 1900 + year)
    return year - 543 if year >= 2400 else year


def _zone(text: str | None, original: str) -> timezone | None:
    if not text:
        return None
    if text[0] in "+-":
        digits = text[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:])
        if minutes >= 24 * 60:
            raise ThaiDateError("impossible zone offset", original)
        return timezone(timedelta(minutes=minutes if text[0] == "+" else -minutes))
    if text.lower() not in _NAMED_ZONES:
        raise ThaiDateError(f"unknown time zone {text!r}", original)
    return timezone(timedelta(minutes=_NAMED_ZONES[text.lower()]))


def parse_rss_date(value: str | None) -> datetime:
    """pubDate (or dc:date) as an aware Asia/Bangkok datetime; ThaiDateError (a ValueError) if unreadable.

    "Wed, 25 Nov 2026 09:30:00 +0700", "Wed, 25 Nov 2026 02:30:00 GMT", "พ., 25 พ.ย. 2569 09:30:00 +0700",
    "25 พฤศจิกายน 2569 09:30", "๒๕ พ.ย. ๖๙ 09:30" and "2026-11-25T09:30:00+07:00". No zone means Bangkok.
    The weekday is ignored (Thai-locale feeds often get it wrong); the date must exist.
    """
    if value is None or not value.strip():
        raise ThaiDateError("no date", value)
    text = arabic_digits(normalize_thai(value))
    if _ISO_LIKE.match(text):
        year = int(text[:4])
        if year >= 2400:   # a BE year in an ISO string
            text = f"{year - 543:04d}{text[4:]}"
        return parse_partner_timestamp(text, source_tz="Asia/Bangkok")
    # Thai abbreviations carry dots ("พ.ย.", "พ.,", "น."): drop the dots that follow a Thai letter.
    match = _RFC822.match(_THAI_DOTS.sub("", text).strip())
    month_key = re.sub(r"[.\s]", "", match.group("m")).lower() if match else None
    if not match or month_key not in _MONTHS:
        raise ThaiDateError("not an RFC 822 date", value)
    if re.search(r"\d", match.group("weekday")):
        raise ThaiDateError("unexpected text before the date", value)
    thai_month = bool(re.search(r"[\u0e00-\u0e7f]", match.group("m")))
    try:
        naive = datetime(_year(match.group("y"), thai_month), _MONTHS[month_key], int(match.group("d")),
                         int(match.group("H")), int(match.group("M")), int(match.group("S") or 0))
    except ValueError as exc:
        raise ThaiDateError(f"impossible date ({exc})", value) from None
    zone = _zone(match.group("zone"), value)
    return (naive.replace(tzinfo=zone) if zone else naive.replace(tzinfo=BANGKOK)).astimezone(BANGKOK)


def parse_feed_items(responses: list, parse_item, id_column: str, what: str) -> tuple[list[dict], list[dict]]:
    """Rows from archived feed pages: `parse_item` per item; an item it rejects (ValueError) is
    quarantined with the reason; an item repeated on the next page (published between two page
    fetches) is kept once; pages with no items at all make the unit unusable."""
    rows, quarantined, seen, items_seen = [], [], set(), 0
    for response in responses:
        items = parse_feed(response.body, response.content_type, response.url).items
        items_seen += len(items)
        for item in items:
            try:
                row = parse_item(item)
            except ValueError as exc:
                quarantined.append({"url": response.url, "sha256": response.sha256,
                                    "record_ref": item_id(item) or f"item {item.position}",
                                    "reason": str(exc), "excerpt": item.excerpt[:300]})
                continue
            if row[id_column] in seen:
                continue
            seen.add(row[id_column])
            row.update(url=response.url, sha256=response.sha256, fetched_at=response.fetched_at)
            rows.append(row)
    if not items_seen:
        raise UnitFailed(f"the archived {what} holds no items")
    return rows, quarantined
