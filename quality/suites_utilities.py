"""Expectation suites for the utility and city-sensing partner tables: MWA water outages, Longdo/iTIC
traffic events and BMA rain gauges. Kept in code next to quality/suites.py so reviews see every rule."""
from __future__ import annotations

import great_expectations as gx

from quality.suites import EARLIEST, LAT_RANGE, LATEST, LON_RANGE
from scrapers.mwa_outages import STATUSES as MWA_STATUSES
from scrapers.traffic_events import BANGKOK_LAT, BANGKOK_LON, KINDS as TRAFFIC_KINDS

E = gx.expectations


def mwa_outages() -> list:
    # No minimum row count: a day without any water outage is possible.
    return [
        E.ExpectColumnValuesToNotBeNull(column="outage_id"),
        E.ExpectColumnValuesToBeUnique(column="outage_id"),
        E.ExpectColumnValuesToNotBeNull(column="area_name_th"),
        E.ExpectColumnValueLengthsToBeBetween(column="area_name_th", min_value=3, max_value=500),
        E.ExpectColumnValuesToNotBeNull(column="starts_at"),
        E.ExpectColumnValuesToBeBetween(column="starts_at", min_value=EARLIEST, max_value=LATEST),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="ends_at", column_B="starts_at", or_equal=True,
                                                  ignore_row_if="either_value_is_missing"),
        E.ExpectColumnValuesToBeInSet(column="status", value_set=list(MWA_STATUSES)),
        # MWA also serves Nonthaburi and Samut Prakan, so a few centroids may sit just outside Bangkok's box.
        E.ExpectColumnValuesToBeBetween(column="centroid_lat", min_value=LAT_RANGE[0], max_value=LAT_RANGE[1],
                                        mostly=0.9),
        E.ExpectColumnValuesToBeBetween(column="centroid_lon", min_value=LON_RANGE[0], max_value=LON_RANGE[1],
                                        mostly=0.9),
        E.ExpectColumnValuesToMatchRegex(column="polygon_geojson", regex=r'^\{"type":"(?:Multi)?Polygon"'),
    ]


def traffic_events() -> list:
    return [
        E.ExpectColumnValuesToNotBeNull(column="event_id"),
        E.ExpectColumnValuesToBeUnique(column="event_id"),
        E.ExpectColumnValuesToBeInSet(column="kind", value_set=list(TRAFFIC_KINDS)),
        E.ExpectColumnValuesToNotBeNull(column="title_th"),
        E.ExpectColumnValuesToBeBetween(column="lat", min_value=BANGKOK_LAT[0], max_value=BANGKOK_LAT[1]),
        E.ExpectColumnValuesToBeBetween(column="lon", min_value=BANGKOK_LON[0], max_value=BANGKOK_LON[1]),
        E.ExpectColumnValuesToNotBeNull(column="starts_at"),
        E.ExpectColumnValuesToBeBetween(column="starts_at", min_value=EARLIEST, max_value=LATEST),
        # `stop` years ahead is real (long works); only centuries away would be a BE/CE mix-up.
        E.ExpectColumnValuesToBeBetween(column="ends_at", min_value=EARLIEST, max_value=LATEST),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="ends_at", column_B="starts_at", or_equal=True,
                                                  ignore_row_if="either_value_is_missing"),
        E.ExpectColumnValuesToBeInSet(column="status", value_set=["active", "cancelled"]),
        # Plain text only: no markup may reach the published feeds.
        E.ExpectColumnValuesToNotMatchRegex(column="description_th", regex=r"<[A-Za-z/!]"),
        E.ExpectColumnValuesToNotMatchRegex(column="title_th", regex=r"<[A-Za-z/!]"),
    ]


def rain_gauges() -> list:
    return [
        E.ExpectTableRowCountToBeBetween(min_value=1),
        E.ExpectColumnValuesToNotBeNull(column="gauge_code"),
        E.ExpectColumnValuesToBeUnique(column="gauge_code"),
        E.ExpectColumnValuesToBeBetween(column="lat", min_value=LAT_RANGE[0], max_value=LAT_RANGE[1], mostly=0.99),
        E.ExpectColumnValuesToBeBetween(column="lon", min_value=LON_RANGE[0], max_value=LON_RANGE[1], mostly=0.99),
        E.ExpectColumnValuesToBeBetween(column="observed_at", min_value=EARLIEST, max_value=LATEST),
        # Most gauges report; a handful of "NULL" readings is normal, half of them is an outage.
        E.ExpectColumnValuesToNotBeNull(column="rain_1h_mm", mostly=0.8),
        # The world record for one hour is about 305 mm.
        E.ExpectColumnValuesToBeBetween(column="rain_1h_mm", min_value=0, max_value=300),
        E.ExpectColumnValuesToBeBetween(column="rain_3h_mm", min_value=0, max_value=600),
        E.ExpectColumnValuesToBeBetween(column="rain_24h_mm", min_value=0, max_value=1500),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="rain_3h_mm", column_B="rain_1h_mm", or_equal=True,
                                                  ignore_row_if="either_value_is_missing", mostly=0.95),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="rain_24h_mm", column_B="rain_3h_mm", or_equal=True,
                                                  ignore_row_if="either_value_is_missing", mostly=0.95),
    ]
