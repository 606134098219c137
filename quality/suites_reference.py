"""Expectation suites for the hand-edited reference tables (scrapers/reference_data.py).

The loader already enforces the JSON Schemas; these suites re-check what the published tables promise
(ids, categories, phone formats, http(s)-only links, plain text, all 50 district offices) on the frames
that reach the warehouse, so a change in the flattening code cannot slip past review either.
"""
from __future__ import annotations

from datetime import datetime

import great_expectations as gx

from quality.suites import EARLIEST, LATEST
from scrapers.reference_data import CATEGORIES

E = gx.expectations
DISTRICT_CODES = [str(code) for code in range(1001, 1051)]  # DOPA codes of Bangkok's 50 districts
PHONE_DISPLAY = r"^(?:[1-9][0-9]{2,3}|\+66 (?:2 [0-9]{3} [0-9]{4}|[3-7][0-9] [0-9]{3} [0-9]{3}|[689][0-9] [0-9]{3} [0-9]{4}))$"
PHONE_DIAL = r"^(?:[1-9][0-9]{2,3}|0[0-9]{8,9})$"
HTTP_URL = r"^https?://[^\s<>\"'`]+$"
MARKUP = r"[<>]"  # published text is plain text
# Reference data is young: nothing was checked before the project started.
FIRST_CHECK = datetime(2020, 1, 1)


def _plain_text(columns: list[str]) -> list:
    return [E.ExpectColumnValuesToNotMatchRegex(column=c, regex=MARKUP) for c in columns]


def contacts(district_codes: list[str] | None = None) -> list:
    codes = list(district_codes or DISTRICT_CODES)
    return [
        E.ExpectTableRowCountToBeBetween(min_value=len(codes) + 10, max_value=1000),
        E.ExpectColumnValuesToNotBeNull(column="contact_id"),
        E.ExpectColumnValuesToBeUnique(column="contact_id"),
        E.ExpectColumnValuesToMatchRegex(column="contact_id", regex=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
        E.ExpectColumnValuesToBeInSet(column="category", value_set=list(CATEGORIES)),
        E.ExpectColumnValuesToNotBeNull(column="name_th"),
        E.ExpectColumnValuesToNotBeNull(column="name_en"),
        E.ExpectColumnValuesToNotBeNull(column="phone"),
        E.ExpectColumnValuesToMatchRegex(column="phone", regex=PHONE_DISPLAY),
        E.ExpectColumnValuesToNotBeNull(column="dial"),
        E.ExpectColumnValuesToMatchRegex(column="dial", regex=PHONE_DIAL),
        # Every district has exactly one office (nulls = non-office rows are ignored by both).
        E.ExpectColumnValuesToBeInSet(column="district_code", value_set=codes),
        E.ExpectColumnValuesToBeUnique(column="district_code"),
        E.ExpectColumnDistinctValuesToContainSet(column="district_code", value_set=codes),
        E.ExpectColumnValuesToNotBeNull(column="source"),
        E.ExpectColumnValuesToMatchRegex(column="source", regex=HTTP_URL),
        E.ExpectColumnValuesToBeInSet(column="verified", value_set=[True, False]),
        E.ExpectColumnValuesToNotBeNull(column="verified_on"),
        E.ExpectColumnValuesToBeBetween(column="verified_on", min_value=max(EARLIEST, FIRST_CHECK), max_value=LATEST),
        *_plain_text(["name_th", "name_en", "hours_th", "hours_en", "note_th", "note_en"]),
    ]


def guides() -> list:
    return [
        E.ExpectTableRowCountToBeBetween(min_value=10, max_value=1000),
        E.ExpectColumnValuesToNotBeNull(column="guide_id"),
        E.ExpectColumnValuesToBeUnique(column="guide_id"),
        E.ExpectColumnValuesToMatchRegex(column="guide_id", regex=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
        *[E.ExpectColumnValuesToNotBeNull(column=c)
          for c in ("title_th", "title_en", "summary_th", "summary_en", "where_th", "where_en", "steps", "documents")],
        E.ExpectColumnValueLengthsToBeBetween(column="title_th", min_value=3, max_value=200),
        E.ExpectColumnValueLengthsToBeBetween(column="title_en", min_value=3, max_value=200),
        # steps/documents are JSON arrays of {"th", "en"}; steps is never empty.
        E.ExpectColumnValuesToMatchRegex(column="steps", regex=r'^\[\{"th": '),
        E.ExpectColumnValuesToMatchRegex(column="documents", regex=r'^\[(?:\{"th": .*)?\]$'),
        E.ExpectColumnValuesToBeBetween(column="fee_thb", min_value=0, max_value=1_000_000),
        E.ExpectColumnValuesToMatchRegex(column="online_url", regex=HTTP_URL),
        E.ExpectColumnValuesToMatchRegex(column="queue_booking_url", regex=HTTP_URL),
        E.ExpectColumnValuesToBeInSet(column="verified", value_set=[True, False]),
        E.ExpectColumnValuesToNotBeNull(column="updated_on"),
        E.ExpectColumnValuesToBeBetween(column="updated_on", min_value=max(EARLIEST, FIRST_CHECK), max_value=LATEST),
        *_plain_text(["title_th", "title_en", "summary_th", "summary_en", "steps", "documents",
                      "fee_note_th", "fee_note_en", "where_th", "where_en", "review_note"]),
    ]
