"""Thai and partner date parsing, on forms copied from real partner pages and feeds (PARTNER_FORMATS.md §4–6)."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest

from hub.thai_dates import (
    BANGKOK,
    ThaiDateError,
    find_thai_dates,
    parse_partner_timestamp,
    parse_thai_date,
    parse_thai_datetime,
    parse_time_range,
)

# Yearless dates resolve against this, so the tests do not depend on today's date.
REFERENCE = date(2025, 9, 1)
SEVEN_HOURS = timedelta(hours=7)


DATE_CASES = [
    # Buddhist Era, full and abbreviated months, with and without dots
    ("25 ธ.ค. 2561", date(2018, 12, 25)),
    ("25 ธันวาคม 2561", date(2018, 12, 25)),
    ("1 มกราคม 2568", date(2025, 1, 1)),
    ("1 ม.ค. 2568", date(2025, 1, 1)),
    ("1 มค 2568", date(2025, 1, 1)),
    ("14 กุมภาพันธ์ 2568", date(2025, 2, 14)),
    ("14 ก.พ. 2568", date(2025, 2, 14)),
    ("3 มี.ค. 2568", date(2025, 3, 3)),
    ("12 เม.ย.2568", date(2025, 4, 12)),
    ("5 พ.ค. 2568", date(2025, 5, 5)),
    ("30 มิ.ย. 2568", date(2025, 6, 30)),
    ("20 กรกฏาคม 2568", date(2025, 7, 20)),  # common misspelling ฏ for ฎ
    ("12 ส.ค. 2568", date(2025, 8, 12)),
    ("6 ก. ย. 2568", date(2025, 9, 6)),  # space after the first dot
    ("23 ต.ค. 2568", date(2025, 10, 23)),
    ("1 พ.ย. 2568", date(2025, 11, 1)),
    ("31 ธค 2568", date(2025, 12, 31)),
    ("29 ก.พ. 2567", date(2024, 2, 29)),  # valid only because 2567 BE is the leap year 2024 CE
    # Thai digits (thai_strptime raises on them)
    ("๑๘ ธันวาคม ๒๕๖๑", date(2018, 12, 18)),
    ("วันที่ ๖ ก.ย. ๒๕๖๘", date(2025, 9, 6)),
    # 2-digit BE years (%y raises in thai_strptime, year="ad" gives 2061)
    ("18 ธ.ค. 61", date(2018, 12, 18)),
    ("25 ธ.ค.61", date(2018, 12, 25)),
    # CE years must not be shifted (thai_strptime gives 1475 with an LMT offset)
    ("18 ธันวาคม 2018", date(2018, 12, 18)),
    ("5 Jan 2026", date(2026, 1, 5)),
    ("18 ธันวาคม ค.ศ. 2018", date(2018, 12, 18)),
    # prefixes
    ("วันที่ 18 ธันวาคม พ.ศ. 2561", date(2018, 12, 18)),
    ("วันเสาร์ที่ 6 ก.ย. 2568", date(2025, 9, 6)),
    ("ณ วันที่ 6 เดือนกันยายน พ.ศ. 2568", date(2025, 9, 6)),
    # numeric and ISO
    ("25/12/2561", date(2018, 12, 25)),
    ("25-12-61", date(2018, 12, 25)),
    ("5/1/2569", date(2026, 1, 5)),
    ("2026-01-05", date(2026, 1, 5)),
    # MEA's English headers
    ("Saturday, Sep 6, 2025", date(2025, 9, 6)),
    ("Sep 6, 2025", date(2025, 9, 6)),
    ("Thursday, December 4, 2025", date(2025, 12, 4)),
    ("Tuesday, Nov 2 5, 2025", date(2025, 11, 25)),  # MEA stray space inside the day
    ("Sep 1 2025", date(2025, 9, 1)),  # no comma: 1 is the day, 2025 the year
    # a time next to the date is ignored
    ("วันเสาร์ที่ 6 ก.ย. 2568 เวลา 09.00 น.", date(2025, 9, 6)),
]


@pytest.mark.parametrize(("text", "expected"), DATE_CASES)
def test_parse_thai_date(text: str, expected: date) -> None:
    assert parse_thai_date(text, reference=REFERENCE) == expected


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("6 ก.ย.", date(2025, 9, 1), date(2025, 9, 6)),
        ("28 ธ.ค.", date(2026, 1, 2), date(2025, 12, 28)),  # read in early January: last December
        ("2 ม.ค.", date(2025, 12, 30), date(2026, 1, 2)),  # read at the end of December: next January
        ("Sep 6", date(2025, 9, 1), date(2025, 9, 6)),
    ],
)
def test_yearless_date_takes_the_year_nearest_the_reference(text: str, reference: date, expected: date) -> None:
    assert parse_thai_date(text, reference=reference) == expected


def test_yearless_date_defaults_to_a_year_near_today_in_bangkok() -> None:
    today = datetime.now(BANGKOK).date()
    assert abs(parse_thai_date("15 มิ.ย.") - today) <= timedelta(days=184)


DATETIME_CASES = [
    ("วันเสาร์ที่ 6 ก.ย. 2568 เวลา 09.00 น.", datetime(2025, 9, 6, 9, 0, tzinfo=BANGKOK)),
    ("6 ก.ย. 2568 9.30 น.", datetime(2025, 9, 6, 9, 30, tzinfo=BANGKOK)),
    ("25 ธ.ค. 2561 12.00 น", datetime(2018, 12, 25, 12, 0, tzinfo=BANGKOK)),
    ("25/12/2561 13:00", datetime(2018, 12, 25, 13, 0, tzinfo=BANGKOK)),
    ("๑๘ ธันวาคม ๒๕๖๑ เวลา ๑๔.๓๐ น.", datetime(2018, 12, 18, 14, 30, tzinfo=BANGKOK)),
    ("18 ธ.ค. 61 เวลา 08.15 น.", datetime(2018, 12, 18, 8, 15, tzinfo=BANGKOK)),
    ("Sep 6, 2025 08.30 AM", datetime(2025, 9, 6, 8, 30, tzinfo=BANGKOK)),
    ("Saturday, Sep 6, 2025 03:30 PM", datetime(2025, 9, 6, 15, 30, tzinfo=BANGKOK)),
    ("6 ก.ย. 2568 12.00 AM", datetime(2025, 9, 6, 0, 0, tzinfo=BANGKOK)),
    ("6 ก.ย. 09.00 น.", datetime(2025, 9, 6, 9, 0, tzinfo=BANGKOK)),  # 09 is the hour, not a 2-digit year
    ("2026-01-05 13:00:05", datetime(2026, 1, 5, 13, 0, 5, tzinfo=BANGKOK)),
]


@pytest.mark.parametrize(("text", "expected"), DATETIME_CASES)
def test_parse_thai_datetime(text: str, expected: datetime) -> None:
    parsed = parse_thai_datetime(text, reference=REFERENCE)
    assert parsed == expected
    assert parsed.utcoffset() == SEVEN_HOURS
    assert parsed.tzinfo is BANGKOK


def test_default_time_fills_a_missing_time() -> None:
    parsed = parse_thai_datetime("6 ก.ย. 2568", default_time=time(8, 0))
    assert parsed == datetime(2025, 9, 6, 8, 0, tzinfo=BANGKOK)
    assert parsed.utcoffset() == SEVEN_HOURS


def test_a_time_in_the_text_beats_default_time() -> None:
    assert parse_thai_datetime("6 ก.ย. 2568 เวลา 13.45 น.", default_time=time(8, 0)).time() == time(13, 45)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09.00 - 12.00 น.", (time(9, 0), time(12, 0))),
        ("08:30 AM – 03:30 PM", (time(8, 30), time(15, 30))),
        ("09:00 AM –\n12:00 PM", (time(9, 0), time(12, 0))),  # MEA line break inside the range
        ("0 9. 0 0 – 1 2. 0 0 น.", (time(9, 0), time(12, 0))),  # MEA stray spaces
        ("เวลา 09.00-15.30 น.", (time(9, 0), time(15, 30))),
        ("เวลา ๐๙.๐๐ น. ถึง ๑๖.๐๐ น.", (time(9, 0), time(16, 0))),
        ("22.00 - 05.00 น.", (time(22, 0), time(5, 0))),  # overnight closure, left as written
        ("Bangkok : The power outage areas are; 09:30 AM – 12:00 PM Kanchanaphisek", (time(9, 30), time(12, 0))),
    ],
)
def test_parse_time_range(text: str, expected: tuple[time, time]) -> None:
    assert parse_time_range(text) == expected


@pytest.mark.parametrize("text", ["", "เวลา 09.00 น.", "Seri Thai Road, Soi Seri Thai 14", "25 ธ.ค. 2561"])
def test_parse_time_range_is_none_without_a_range(text: str) -> None:
    assert parse_time_range(text) is None


def test_find_thai_dates_in_free_text() -> None:
    text = (
        "ประกาศ ณ วันที่ ๕ ก.ย. ๒๕๖๘ สำนักงานเขตจะปิดถนนระหว่างวันที่ 10-12 ก.ย. 2568 เวลา 09.00-15.30 น. "
        "และวันที่ 31 มิ.ย. 2568 (ไม่มีวันนี้) กับวันที่ 1 ต.ค. งานวันที่ 25/12/2561 และ Sep 6, 2025"
    )
    assert find_thai_dates(text, reference=REFERENCE) == [
        date(2025, 9, 5),
        date(2025, 9, 10),
        date(2025, 9, 12),
        date(2025, 10, 1),
        date(2018, 12, 25),
        date(2025, 9, 6),
    ]


def test_find_thai_dates_skips_a_backwards_day_range() -> None:
    # "12-10 ก.ย." is a typo or a cross-month range; guessing either would publish a wrong date.
    assert find_thai_dates("วันที่ 12-10 ก.ย. 2568 และ 20 ก.ย. 2568") == [date(2025, 9, 20)]


def test_find_thai_dates_without_dates_is_empty() -> None:
    assert find_thai_dates("ระดับน้ำ 0.35 ม. เวลา 09.00 น. ซอย 5") == []


TIMESTAMP_CASES = [
    ("/Date(1790403000000)/", datetime(2026, 9, 26, 13, 10, tzinfo=BANGKOK)),
    ("/Date(1790403000000+0700)/", datetime(2026, 9, 26, 13, 10, tzinfo=BANGKOK)),
    (1790403000000, datetime(2026, 9, 26, 13, 10, tzinfo=BANGKOK)),
    ("1790403000000", datetime(2026, 9, 26, 13, 10, tzinfo=BANGKOK)),
    ("2023-05-12 13:27:54.482138+00", datetime(2023, 5, 12, 20, 27, 54, 482138, tzinfo=BANGKOK)),
    ("2023-05-12 13:27:54.48+00", datetime(2023, 5, 12, 20, 27, 54, 480000, tzinfo=BANGKOK)),
    ("2025-09-06T01:30:00Z", datetime(2025, 9, 6, 8, 30, tzinfo=BANGKOK)),
    ("2025-09-06T08:30:00+07:00", datetime(2025, 9, 6, 8, 30, tzinfo=BANGKOK)),
    ("2025-09-06 08:30:00", datetime(2025, 9, 6, 8, 30, tzinfo=BANGKOK)),  # naive, Bangkok by default
    ("2021-03-04 10:15:00.000", datetime(2021, 3, 4, 10, 15, tzinfo=BANGKOK)),  # DDS historical CSV
]


@pytest.mark.parametrize(("value", "expected"), TIMESTAMP_CASES)
def test_parse_partner_timestamp(value: str | int, expected: datetime) -> None:
    parsed = parse_partner_timestamp(value)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == SEVEN_HOURS
    assert parsed.tzinfo is BANGKOK


def test_naive_utc_source_is_converted_to_bangkok() -> None:
    # FloodBangkok sensor_now timestamps are naive but UTC.
    parsed = parse_partner_timestamp("2025-09-06 08:30:00", source_tz="UTC")
    assert parsed == datetime(2025, 9, 6, 15, 30, tzinfo=BANGKOK)
    assert parsed is not None and parsed.utcoffset() == SEVEN_HOURS


@pytest.mark.parametrize("value", [None, "", "  ", "NULL", "null", float("nan")])
def test_missing_partner_timestamp_is_none(value: str | float | None) -> None:
    assert parse_partner_timestamp(value) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "not a timestamp: 'yesterday'"),
        ("/Date(abc)/", "not a timestamp: '/Date(abc)/'"),
        (1790403000, "looks like seconds: 1790403000"),
        (True, "not a timestamp: True"),
    ],
)
def test_bad_partner_timestamp_raises(value: object, message: str) -> None:
    with pytest.raises(ThaiDateError, match=re.escape(message)):
        parse_partner_timestamp(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "no date found"),
        ("ประกาศสำนักงานเขต", "no date found"),
        ("ธ.ค.61", "no date found"),  # month and year only
        ("32 ธ.ค. 2561", "invalid date"),
        ("31 มิ.ย. 2568", "invalid date"),
        ("29 ก.พ. 2568", "invalid date"),  # 2025 CE is no leap year
        ("31/02/2568", "invalid date"),
        ("2026-13-05", "invalid date"),
        ("5 ก.ย. 2568 และ 6 ก.ย. 2568", "several dates"),
        ("10-12 ก.ย. 2568", "several dates"),
    ],
)
def test_parse_thai_date_errors_quote_the_text(text: str, problem: str) -> None:
    with pytest.raises(ThaiDateError) as raised:
        parse_thai_date(text, reference=REFERENCE)
    assert problem in str(raised.value)
    assert repr(text) in str(raised.value)
    assert raised.value.text == text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("6 ก.ย. 2568", "no time found"),
        ("6 ก.ย. 2568 เวลา 25.00 น.", "invalid time"),
        ("6 ก.ย. 2568 เวลา 09.75 น.", "invalid time"),
        ("Sep 6, 2025 13:00 PM", "not a 12-hour clock hour"),
        ("6 ก.ย. 2568 เวลา 09.00 - 12.00 น.", "several times"),
    ],
)
def test_parse_thai_datetime_errors_quote_the_text(text: str, problem: str) -> None:
    with pytest.raises(ThaiDateError) as raised:
        parse_thai_datetime(text)
    assert problem in str(raised.value)
    assert repr(text) in str(raised.value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("เวลา 25.00 - 26.00 น.", "invalid time"),
        ("09.00 - 12.00 น. และ 13.00 - 15.00 น.", "several time ranges"),
    ],
)
def test_parse_time_range_errors(text: str, problem: str) -> None:
    with pytest.raises(ThaiDateError, match=problem):
        parse_time_range(text)


def test_thai_date_error_is_a_value_error() -> None:
    # Scrapers that already catch ValueError keep working.
    with pytest.raises(ValueError):
        parse_thai_date("not a date")
