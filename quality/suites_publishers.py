"""Expectation suites for the publisher tables: BMA press releases, fact-checks and tourism places.

Kept in code next to quality/suites.py so reviews see every rule change. Free text must reach the
table as plain text, so every text column is checked for surviving markup and script URLs.
"""
from __future__ import annotations

import great_expectations as gx

from quality.suites import EARLIEST, LAT_RANGE, LATEST, LON_RANGE, MARKUP
from scrapers.bma_press import KINDS as PRESS_KINDS, SUMMARY_MAX
from scrapers.factchecks import VERDICT_BY_LABEL, VERDICTS
from scrapers.tourism import CATEGORIES as PLACE_CATEGORIES

E = gx.expectations
HTTP_URL = r"^https?://[^\s]+$"
VERDICT_PREFIX = r"^[\[(]?\s*(?:ข่าวปลอม|ข่าวจริง|ข่าวบิดเบือน|บิดเบือน)(?:[\s!:\])]|$)"
# DATE columns reach GX as Python dates (object dtype): compare them with ISO strings, not datetimes.
EARLIEST_DAY, LATEST_DAY = EARLIEST.date().isoformat(), LATEST.date().isoformat()


def _plain(*columns: str) -> list:
    return [E.ExpectColumnValuesToNotMatchRegex(column=c, regex=MARKUP) for c in columns]


def bma_press() -> list:
    return [
        E.ExpectTableRowCountToBeBetween(min_value=1),
        E.ExpectColumnValuesToNotBeNull(column="release_id"),
        E.ExpectColumnValuesToBeUnique(column="release_id"),
        E.ExpectColumnValuesToBeInSet(column="kind", value_set=list(PRESS_KINDS)),
        E.ExpectColumnValuesToNotBeNull(column="title_th"),
        E.ExpectColumnValueLengthsToBeBetween(column="title_th", min_value=5, max_value=500),
        E.ExpectColumnValueLengthsToBeBetween(column="summary_th", min_value=1, max_value=SUMMARY_MAX),
        E.ExpectColumnValuesToNotBeNull(column="published_at"),
        E.ExpectColumnValuesToBeBetween(column="published_at", min_value=EARLIEST, max_value=LATEST),
        E.ExpectColumnValuesToMatchRegex(column="link", regex=HTTP_URL),
        E.ExpectColumnValuesToMatchRegex(column="image_url", regex=HTTP_URL),
        *_plain("title_th", "summary_th", "body_th"),
    ]


def factchecks() -> list:
    return [
        E.ExpectTableRowCountToBeBetween(min_value=1),
        E.ExpectColumnValuesToNotBeNull(column="factcheck_id"),
        E.ExpectColumnValuesToBeUnique(column="factcheck_id"),
        E.ExpectColumnValuesToNotBeNull(column="claim_th"),
        E.ExpectColumnValueLengthsToBeBetween(column="claim_th", min_value=5, max_value=500),
        E.ExpectColumnValuesToBeInSet(column="verdict", value_set=list(VERDICTS)),
        E.ExpectColumnValuesToBeInSet(column="verdict_label_th", value_set=list(VERDICT_BY_LABEL)),
        # A verdict prefix left in the claim would make the claim read as the centre's own words.
        E.ExpectColumnValuesToNotMatchRegex(column="claim_th", regex=VERDICT_PREFIX),
        E.ExpectColumnValuesToNotBeNull(column="published_at"),
        E.ExpectColumnValuesToBeBetween(column="published_at", min_value=EARLIEST, max_value=LATEST),
        E.ExpectColumnValuesToMatchRegex(column="link", regex=HTTP_URL),
        *_plain("claim_th", "explanation_th"),
    ]


def tourism_places() -> list:
    return [
        E.ExpectTableRowCountToBeBetween(min_value=1),
        E.ExpectColumnValuesToNotBeNull(column="place_id"),
        E.ExpectColumnValuesToBeUnique(column="place_id"),
        E.ExpectColumnValuesToBeInSet(column="category", value_set=list(PLACE_CATEGORIES)),
        E.ExpectColumnValuesToNotBeNull(column="name_th"),
        E.ExpectColumnValuesToBeBetween(column="lat", min_value=LAT_RANGE[0], max_value=LAT_RANGE[1]),
        E.ExpectColumnValuesToBeBetween(column="lon", min_value=LON_RANGE[0], max_value=LON_RANGE[1]),
        E.ExpectColumnValuesToMatchRegex(column="website", regex=HTTP_URL),
        # A Buddhist Era year read as CE lands 543 years out.
        E.ExpectColumnValuesToBeBetween(column="starts_on", min_value=EARLIEST_DAY, max_value=LATEST_DAY),
        E.ExpectColumnValuesToBeBetween(column="ends_on", min_value=EARLIEST_DAY, max_value=LATEST_DAY),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="ends_on", column_B="starts_on", or_equal=True,
                                                  ignore_row_if="either_value_is_missing"),
        E.ExpectColumnValuesToBeBetween(column="updated_at", min_value=EARLIEST, max_value=LATEST),
        *_plain("name_th", "name_en", "description_th", "description_en", "address_th", "address_en"),
    ]
