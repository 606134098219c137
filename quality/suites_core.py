"""Expectation suites for the core tables: what the app and the public may rely on."""
from __future__ import annotations

import great_expectations as gx

from quality.suites import EARLIEST, LAT_RANGE, LATEST, LON_RANGE

E = gx.expectations
ALERT_CATEGORIES = ["flood", "power_outage", "water_outage", "road_incident", "construction", "rail_disruption",
                    "traffic"]
EVENT_CATEGORIES = ["pet_vaccination", "sterilisation", "mosquito_fogging", "bulky_waste", "mobile_registration",
                    "job_training", "health_service", "district_event", "other", "festival"]


def _id_and_text(id_column: str, headline: str) -> list:
    return [E.ExpectColumnValuesToNotBeNull(column=id_column), E.ExpectColumnValuesToBeUnique(column=id_column),
            E.ExpectColumnValuesToNotBeNull(column=headline),
            # Thai text present: at least one Thai letter (U+0E01..U+0E5B)
            E.ExpectColumnValuesToMatchRegex(column=headline, regex="[\u0e01-\u0e5b]")]


def _where(district_codes: list[str], lat: str = "lat", lon: str = "lon", column: str = "district_code") -> list:
    return [E.ExpectColumnValuesToBeBetween(column=lat, min_value=LAT_RANGE[0], max_value=LAT_RANGE[1]),
            E.ExpectColumnValuesToBeBetween(column=lon, min_value=LON_RANGE[0], max_value=LON_RANGE[1]),
            E.ExpectColumnValuesToBeInSet(column=column, value_set=district_codes)]


def _sane(column: str) -> list:
    return [E.ExpectColumnValuesToBeBetween(column=column, min_value=EARLIEST, max_value=LATEST)]


def alerts(district_codes: list[str]) -> list:
    return [*_id_and_text("alert_id", "headline_th"), *_where(district_codes), *_sane("starts_at"),
            E.ExpectColumnValuesToNotBeNull(column="headline_en"),
            E.ExpectColumnValuesToBeInSet(column="category", value_set=ALERT_CATEGORIES),
            E.ExpectColumnValuesToBeInSet(column="severity", value_set=["Extreme", "Severe", "Moderate", "Minor",
                                                                         "Unknown"]),
            E.ExpectColumnValuesToBeInSet(column="urgency", value_set=["Immediate", "Expected", "Future", "Past",
                                                                        "Unknown"]),
            E.ExpectColumnValuesToBeInSet(column="certainty", value_set=["Observed", "Likely", "Possible",
                                                                          "Unlikely", "Unknown"]),
            E.ExpectColumnValuesToBeInSet(column="msg_type", value_set=["Alert", "Update", "Cancel"]),
            E.ExpectColumnValuesToBeInSet(column="status", value_set=["active", "ended", "cancelled", "merged"]),
            E.ExpectColumnValuesToBeBetween(column="confidence_score", min_value=0, max_value=1),
            E.ExpectColumnValuesToBeInSet(column="source_language", value_set=["th", "en"]),
            E.ExpectColumnValuesToMatchRegex(column="subdistrict_code", regex=r"^10(?:0[1-9]|[1-4][0-9]|50)[0-9]{2}$"),
            E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="ends_at", column_B="starts_at", or_equal=True,
                                                      ignore_row_if="either_value_is_missing")]


def events(district_codes: list[str]) -> list:
    return [*_id_and_text("event_id", "headline_th"), *_where(district_codes), *_sane("starts_at"),
            E.ExpectColumnValuesToNotBeNull(column="starts_at"),
            E.ExpectColumnValuesToBeInSet(column="category", value_set=EVENT_CATEGORIES),
            E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="ends_at", column_B="starts_at", or_equal=False,
                                                      ignore_row_if="either_value_is_missing")]


def news() -> list:
    return [*_id_and_text("news_id", "title_th"), *_sane("published_at"),
            E.ExpectColumnValuesToBeInSet(column="kind", value_set=["news", "clarification", "announcement"])]


def factchecks() -> list:
    return [*_id_and_text("factcheck_id", "claim_th"), *_sane("published_at"),
            E.ExpectColumnValuesToBeInSet(column="verdict", value_set=["false", "true", "misleading", "unverified"])]


def places(district_codes: list[str]) -> list:
    return [*_id_and_text("place_id", "name_th"), *_where(district_codes),
            E.ExpectColumnValuesToBeInSet(column="category", value_set=["attraction", "restaurant", "shop"])]


def complaints(district_codes: list[str]) -> list:
    return [E.ExpectColumnValuesToMatchRegex(column="subdistrict_code", regex=r"^10(?:0[1-9]|[1-4][0-9]|50)[0-9]{2}$"),
            E.ExpectColumnValuesToNotBeNull(column="complaint_id"),
            E.ExpectColumnValuesToBeUnique(column="complaint_id"), *_where(district_codes), *_sane("reported_at"),
            E.ExpectColumnValuesToBeInSet(column="state", value_set=["waiting", "in_progress", "forwarded",
                                                                      "finished", "irrelevant", "other"])]
