"""Expectation suite for the staged rail service notices (scrapers/rail_service.py)."""
from __future__ import annotations

import great_expectations as gx

from quality.suites import EARLIEST, LATEST

E = gx.expectations

EFFECTS = ["delay", "suspension", "closure", "planned_works", "resolved", "info"]
# Which status goes with which effect: a resolved notice is never active.
EFFECT_STATUS = ([(e, s) for e in EFFECTS if e != "resolved" for s in ("active", "cancelled")]
                 + [("resolved", "cancelled")])
# Markup or script that must never reach published text.
MARKUP = r"<\s*/?\s*[A-Za-z!]|javascript\s*:|on[a-z]+\s*="


def rail_notices() -> list:
    """No row-count minimum: a day with every line running normally is a valid, small table.

    List columns (route_ids, stop_ids) are checked against reference/rail in tests/test_rail_service.py:
    GX 1.x has no expectation for the members of an array column.
    """
    text_columns = ["title_th", "title_en", "description_th", "description_en"]
    return [
        E.ExpectColumnValuesToNotBeNull(column="notice_id"),
        E.ExpectColumnValuesToBeUnique(column="notice_id"),
        E.ExpectColumnValuesToMatchRegex(column="notice_id", regex=r"^(?:bts|mrt):\S+$"),
        E.ExpectColumnValuesToBeInSet(column="operator", value_set=["BTSC", "BEM", "SRTET"]),
        E.ExpectColumnValuesToBeInSet(column="effect", value_set=EFFECTS),
        E.ExpectColumnValuesToBeInSet(column="status", value_set=["active", "cancelled"]),
        E.ExpectColumnPairValuesToBeInSet(column_A="effect", column_B="status", value_pairs_set=EFFECT_STATUS),
        E.ExpectColumnValuesToNotBeNull(column="starts_at"),
        E.ExpectColumnValuesToBeBetween(column="starts_at", min_value=EARLIEST, max_value=LATEST),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="ends_at", column_B="starts_at", or_equal=False,
                                                  ignore_row_if="either_value_is_missing"),
        E.ExpectColumnValuesToNotBeNull(column="posted_at"),
        *[E.ExpectColumnValuesToNotMatchRegex(column=c, regex=MARKUP) for c in text_columns],
        *[E.ExpectColumnValueLengthsToBeBetween(column=c, min_value=3, max_value=2000) for c in text_columns],
    ]
