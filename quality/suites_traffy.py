"""Expectation suite for staged Traffy Fondue complaints (scrapers/traffy.py)."""
from __future__ import annotations

import re

import great_expectations as gx

from quality.suites import EARLIEST, LAT_RANGE, LATEST, LON_RANGE, MARKUP
from scrapers.traffy import STATES, STOCK_PHOTOS

E = gx.expectations
# Thailand with a margin: a point outside it is a broken GPS fix or swapped coordinates.
THAILAND_LAT, THAILAND_LON = (5.5, 20.6), (97.3, 105.7)


def traffy_complaints() -> list:
    return [
        E.ExpectTableRowCountToBeBetween(min_value=1),
        E.ExpectColumnValuesToNotBeNull(column="ticket_id"),
        E.ExpectColumnValuesToBeUnique(column="ticket_id"),
        # 2023-FCX4QQ, or a legacy 1555 call-centre id such as JGKLY8.
        E.ExpectColumnValuesToMatchRegex(column="ticket_id", regex=r"^(?:\d{4}-[A-Z0-9]{6}|[A-Z0-9]{6})$", mostly=0.99),
        E.ExpectColumnValuesToNotBeNull(column="lat"),
        E.ExpectColumnValuesToNotBeNull(column="lon"),
        E.ExpectColumnValuesToBeBetween(column="lat", min_value=THAILAND_LAT[0], max_value=THAILAND_LAT[1],
                                        mostly=0.999),
        E.ExpectColumnValuesToBeBetween(column="lon", min_value=THAILAND_LON[0], max_value=THAILAND_LON[1],
                                        mostly=0.999),
        # Most complaints are in Bangkok; some are filed from neighbouring provinces.
        E.ExpectColumnValuesToBeBetween(column="lat", min_value=LAT_RANGE[0], max_value=LAT_RANGE[1], mostly=0.9),
        E.ExpectColumnValuesToBeBetween(column="lon", min_value=LON_RANGE[0], max_value=LON_RANGE[1], mostly=0.9),
        E.ExpectColumnValuesToBeInSet(column="in_bangkok", value_set=[True, False]),
        E.ExpectColumnValuesToBeInSet(column="is_call_centre", value_set=[True, False]),
        E.ExpectColumnValuesToNotBeNull(column="state"),
        E.ExpectColumnValuesToBeInSet(column="state", value_set=list(STATES)),
        E.ExpectColumnValuesToNotBeNull(column="reported_at"),
        E.ExpectColumnValuesToBeBetween(column="reported_at", min_value=EARLIEST, max_value=LATEST),
        E.ExpectColumnValuesToBeBetween(column="last_activity_at", min_value=EARLIEST, max_value=LATEST),
        E.ExpectColumnValuesToNotMatchRegex(column="province_th", regex=r"^จังหวัด"),
        # The stock 1555 photo means "no photo" and must have been dropped by the parser.
        # (one alternation, one pass over the city's photo URLs, the same verdict as a list of regexes)
        E.ExpectColumnValuesToNotMatchRegex(column="photo_url",
                                            regex="|".join(re.escape(p) for p in STOCK_PHOTOS)),
        E.ExpectColumnValuesToMatchRegex(column="photo_url", regex=r"^https?://"),
        # Plain text only: no markup or script URL may reach the public feeds.
        E.ExpectColumnValuesToNotMatchRegex(column="description_th",
                                            regex=MARKUP),
    ]
