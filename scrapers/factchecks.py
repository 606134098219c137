"""Fact-checks about Bangkok (Anti-Fake News Center / Cofact style RSS at /rss/factcheck.xml).

The verdict is written either as a `<category>` or as a title prefix ("ข่าวปลอม อย่าแชร์! กทม. แจกเงิน…",
"ข่าวจริง …", "ข่าวบิดเบือน …"); the claim is the title without that prefix. Other categories are
topics. When the category and the title prefix disagree the item is quarantined: publishing either
verdict could itself spread a false claim.
"""
from __future__ import annotations

import re

from hub.config import SourceSettings
from hub.raw_archive import ArchivedResponse, CrawlSession, UnitFailed
from hub.thai_text import normalize_thai
from scrapers.rss import RssItem, item_id, parse_feed, parse_feed_items, parse_rss_date, plain_text

SOURCE = "factchecks"
ID_COLUMN = "factcheck_id"
UNIT = "feed"
FEED_PATH = "/rss/factcheck.xml"
VERDICTS = ("false", "true", "misleading", "unverified")
# The labels the centres write, and what they mean.
VERDICT_BY_LABEL = {
    "ข่าวปลอม": "false",
    "ข่าวจริง": "true",
    "ข่าวบิดเบือน": "misleading",
    "บิดเบือน": "misleading",
}

STAGED_COLUMNS: dict[str, str] = {
    "factcheck_id": "VARCHAR",
    "claim_th": "VARCHAR",
    "verdict": "VARCHAR",
    "verdict_label_th": "VARCHAR",
    "explanation_th": "VARCHAR",
    "published_at": "TIMESTAMPTZ",
    "link": "VARCHAR",
    "topics": "VARCHAR[]",
}

_LABELS = "|".join(sorted(map(re.escape, VERDICT_BY_LABEL), key=len, reverse=True))
# "ข่าวปลอม อย่าแชร์! …", "[ข่าวจริง] …", "บิดเบือน: …", "ข่าวบิดเบือน อย่าหลงเชื่อ …"
_TITLE_PREFIX = re.compile(
    # In brackets, or followed by a space or punctuation: Thai has no spaces between words, so
    # "ข่าวปลอมระบาดหนัก" ("fake news is spreading") starts with the label but is no verdict.
    rf"^\s*(?:[\[(【«]\s*(?P<bracketed>{_LABELS})\s*[\])】»]|(?P<bare>{_LABELS})(?=[\s!:：|\-–—]))"
    r"\s*[!:：|\-–—]*\s*"
    r"(?:(?:อย่าแชร์|อย่าหลงเชื่อ|อย่าเชื่อ)\s*!*\s*[:：|\-–—]*\s*)?"
)
_BRACKETS = re.compile(r"^[\[(【«\s]+|[\])】»\s]+$")


def crawl(session: CrawlSession, source: SourceSettings) -> None:
    with session.unit(UNIT):
        url = source.url(FEED_PATH)
        response = session.get(url)
        if not parse_feed(response.body, response.content_type, url).items:
            raise UnitFailed(f"{url}: the fact-check feed lists no items")


def _label_of_category(category: str) -> str | None:
    label = _BRACKETS.sub("", normalize_thai(category))
    return label if label in VERDICT_BY_LABEL else None


def verdict_of(title: str, categories: tuple[str, ...] | list[str] = ()) -> tuple[str, str | None, str]:
    """(verdict, the Thai label as written or None, the claim: the title without the verdict prefix).

    Raises ValueError when a category and the title prefix give different verdicts.
    """
    prefix = _TITLE_PREFIX.match(title)
    claim = title[prefix.end():].strip() if prefix else title.strip()
    title_label = (prefix.group("bracketed") or prefix.group("bare")) if prefix and claim else None
    if not title_label:
        claim = title.strip()
    category_labels = [label for label in map(_label_of_category, categories) if label]
    category_verdicts = {VERDICT_BY_LABEL[label] for label in category_labels}
    if len(category_verdicts) > 1:
        raise ValueError(f"categories give several verdicts: {', '.join(category_labels)}")
    if category_labels and title_label and VERDICT_BY_LABEL[title_label] not in category_verdicts:
        raise ValueError(f"category {category_labels[0]!r} contradicts the title prefix {title_label!r}")
    label = category_labels[0] if category_labels else title_label
    return (VERDICT_BY_LABEL[label] if label else "unverified"), label, claim


def parse_item(item: RssItem) -> dict:
    if not item.title:
        raise ValueError("item has no title")
    factcheck_id = item_id(item)
    if factcheck_id is None:
        raise ValueError("item has neither guid nor link")
    verdict, label, claim = verdict_of(item.title, item.categories)
    return {
        "factcheck_id": factcheck_id,
        "claim_th": claim,
        "verdict": verdict,
        "verdict_label_th": label,
        "explanation_th": plain_text(item.content) or plain_text(item.description) or None,
        "published_at": parse_rss_date(item.pub_date),
        "link": item.link,
        "topics": [c for c in item.categories if _label_of_category(c) is None],
    }


def parse_unit(responses: list[ArchivedResponse]) -> tuple[list[dict], list[dict]]:
    return parse_feed_items(responses, parse_item, ID_COLUMN, "fact-check feed")
