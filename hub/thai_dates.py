"""Dates and times as Bangkok partners write them, turned into aware Asia/Bangkok values.

Two families of input:

* Human text: "วันเสาร์ที่ 6 ก.ย. 2568 เวลา 09.00 น.", "๑๘ ธันวาคม ๒๕๖๑", "25 ธ.ค.61", "25/12/2561",
  MEA's "Saturday, Sep 6, 2025" and "08:30 AM – 03:30 PM". Handled by `parse_thai_date`,
  `parse_thai_datetime`, `parse_time_range` and `find_thai_dates`.
* Machine timestamps: ASP.NET "/Date(ms)/", Traffy's "2023-05-12 13:27:54.482138+00", naive strings whose
  zone depends on the source, epoch milliseconds. Handled by `parse_partner_timestamp`.

We do not use pythainlp's `thai_strptime` (see PARTNER_FORMATS.md section 6): it turns a CE year such as
2018 into 1475 with a +06:42 LMT offset, raises on `%y`, Thai digits, numeric dates and dotless months.
Instead the text is cleaned (`normalize_thai`, Thai digits to Arabic) and read with the regexes below.
Era is decided by magnitude, as Thai sources mix both: a 4-digit year >= 2400 is Buddhist Era (BE - 543),
anything lower is already CE; a 2-digit year is BE (2561 for "61"), which is how Thai text abbreviates.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hub.thai_text import arabic_digits, normalize_thai

BANGKOK = ZoneInfo("Asia/Bangkok")

_BE_OFFSET = 543
# The smallest 4-digit year read as BE: 2400 BE is 1857 CE, and no partner writes CE years that high.
_FIRST_BE_YEAR = 2400
# Epoch values below this are seconds, not milliseconds (1e11 ms is March 1973, 1e11 s is year 5138).
_SMALLEST_EPOCH_MS = 100_000_000_000
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class ThaiDateError(ValueError):
    """A date or time could not be read; the message quotes the offending input."""

    def __init__(self, problem: str, text: object) -> None:
        super().__init__(f"{problem}: {text!r}")
        self.text = text


# --- month names -------------------------------------------------------------------------------------

# (full name, abbreviation) in calendar order. Partners write the abbreviation with dots (ธ.ค.), with a
# space after the first dot (ธ. ค.) or without dots at all (ธค).
_THAI_MONTHS = (
    ("มกราคม", "ม.ค."),
    ("กุมภาพันธ์", "ก.พ."),
    ("มีนาคม", "มี.ค."),
    ("เมษายน", "เม.ย."),
    ("พฤษภาคม", "พ.ค."),
    ("มิถุนายน", "มิ.ย."),
    ("กรกฎาคม", "ก.ค."),
    ("สิงหาคม", "ส.ค."),
    ("กันยายน", "ก.ย."),
    ("ตุลาคม", "ต.ค."),
    ("พฤศจิกายน", "พ.ย."),
    ("ธันวาคม", "ธ.ค."),
)
# Misspellings frequent enough on government pages to accept: ฏ for ฎ, and a dropped thanthakhat.
_THAI_MONTH_MISSPELLINGS = {"กรกฏาคม": 7, "กุมภาพันธ": 2}
_ENGLISH_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)


def _month_numbers() -> dict[str, int]:
    """Month number by lookup key: the matched month text without dots and spaces, lower-cased."""
    numbers = dict(_THAI_MONTH_MISSPELLINGS)
    for number, (full, abbreviation) in enumerate(_THAI_MONTHS, start=1):
        numbers[full] = number
        numbers[abbreviation.replace(".", "")] = number
    for number, name in enumerate(_ENGLISH_MONTHS, start=1):
        numbers[name] = number
        numbers[name[:3]] = number
    numbers["sept"] = 9
    return numbers


_MONTH_NUMBERS = _month_numbers()

_THAI_CHAR = "[\u0e00-\u0e7f]"


def _thai_abbreviation_pattern(abbreviation: str) -> str:
    first, second = abbreviation.rstrip(".").split(".")
    # Without dots, "ธค" must not be the start of a longer Thai word.
    return rf"{first}(?:\.\s?{second}|{second}(?!{_THAI_CHAR}))\.?"


_THAI_MONTH = "|".join(
    [full for full, _ in _THAI_MONTHS]
    + list(_THAI_MONTH_MISSPELLINGS)
    + [_thai_abbreviation_pattern(abbreviation) for _, abbreviation in _THAI_MONTHS]
)
# Whole words only, so that "Mayor" or "Marathon" is no month.
_ENGLISH_MONTH = rf"(?<![a-z])(?:{'|'.join(key for key in _MONTH_NUMBERS if key.isascii())})\.?(?![a-z])"

# --- date patterns -----------------------------------------------------------------------------------

# A day or year must not continue a number or a time ("09.00", "13:00" are not days).
_NOT_AFTER_NUMBER = r"(?<![\d.:])"
# A year must not be the hour of a following time: in "6 ก.ย. 09.00" the 09 is not the year.
_YEAR_END = r"(?!\d|[.:]\d)"
# พ.ศ. (Buddhist Era) or ค.ศ. (Common Era) before the year.
_ERA = r"(?P<era>[พค]\.?\s?ศ\.?)"

# Year first, with "-" or "/" ("2026-01-05", "2026/01/05").
_ISO_DATE = r"(?P<iso_y>\d{4})(?P<iso_sep>[-/])(?P<iso_m>\d{1,2})(?P=iso_sep)(?P<iso_d>\d{1,2})(?!\d)"
# The same separator twice, so that a time range "10.30-12.15" is never read as a date.
_NUMERIC_DATE = r"(?P<num_d>\d{1,2})(?P<num_sep>[/-])(?P<num_m>\d{1,2})(?P=num_sep)(?P<num_y>\d{4}|\d{2})(?!\d)"
# "6 ก.ย. 2568", "25 ธ.ค.61", "18 ธันวาคม พ.ศ. 2561", "5 Jan 2026", "6 เดือนกันยายน", and day ranges "1-5 ก.ย.".
_DAY_MONTH_YEAR = (
    r"(?:(?P<first_d>\d{1,2})\s*[-–—]\s*)?(?P<d>\d{1,2})\s*(?:เดือน)?"
    rf"(?P<m>{_THAI_MONTH}|{_ENGLISH_MONTH})\s*,?\s*(?:{_ERA}\s*)?(?:(?P<y>\d{{4}}|\d{{2}}){_YEAR_END})?"
)
# MEA's English "Sep 6, 2025" (a weekday before it is simply skipped). MEA pages also break the day
# apart ("Nov 2 5, 2025"), hence the optional space inside it.
_MONTH_DAY_YEAR = (
    rf"(?P<en_m>{_ENGLISH_MONTH})\s*(?P<en_d>\d\s?\d|\d)(?:st|nd|rd|th)?{_YEAR_END}"
    rf"(?:\s*,?\s*(?P<en_y>\d{{4}}){_YEAR_END})?"
)
_DATE = re.compile(
    rf"{_NOT_AFTER_NUMBER}(?:{_ISO_DATE}|{_NUMERIC_DATE}|{_DAY_MONTH_YEAR})|{_MONTH_DAY_YEAR}",
    re.IGNORECASE,
)


# --- time patterns -----------------------------------------------------------------------------------

def _time_pattern(name: str) -> str:
    """One clock time, groups prefixed with `name` so two can share a regex.

    MEA pages break digits apart ("0 9. 0 0"), hence the optional single spaces inside the numbers.
    The trailing "น." (นาฬิกา) is consumed but must not start a word such as "นาที" (minutes).
    """
    return (
        rf"{_NOT_AFTER_NUMBER}(?P<{name}_h>\d\s?\d|\d)\s?[.:]\s?(?P<{name}_min>\d\s?\d)"
        rf"(?::(?P<{name}_s>\d\d)(?:\.\d+)?)?(?!\d)"
        rf"(?:\s*(?P<{name}_ampm>[ap])\.?\s?m\.?(?![a-z]))?"
        rf"(?:\s*น(?!{_THAI_CHAR})\.?)?"
    )


_TIME = re.compile(_time_pattern("t"), re.IGNORECASE)
_TIME_RANGE = re.compile(
    rf"{_time_pattern('start')}\s*(?:[-–—~]|ถึง|to)\s*{_time_pattern('end')}", re.IGNORECASE
)

# --- machine timestamps ------------------------------------------------------------------------------

# ASP.NET JSON dates: milliseconds since the epoch in UTC; an optional "+0700" suffix is informational.
_ASPNET_DATE = re.compile(r"/Date\((?P<ms>-?\d+)(?:[+-]\d{4})?\)/")
# Literal "NULL" comes from the DDS historical CSVs.
_MISSING = {"", "null"}


# --- helpers -----------------------------------------------------------------------------------------

def _clean(text: str) -> str:
    return arabic_digits(normalize_thai(text))


def _ce_year(digits: str, era: str | None) -> int:
    """Common Era year from the written year and an optional พ.ศ./ค.ศ. marker."""
    year = int(digits)
    written_era = era[0] if era else None  # "พ" (BE) or "ค" (CE)
    if len(digits) == 2:
        return 2000 + year if written_era == "ค" else 2500 + year - _BE_OFFSET
    if written_era == "พ" or (written_era is None and year >= _FIRST_BE_YEAR):
        return year - _BE_OFFSET
    return year


def _nearest_date(month: int, day: int, reference: date, text: str) -> date:
    """The yearless day-month nearest to `reference`: "28 ธ.ค." read on 2 January is last December."""
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise ThaiDateError(f"no valid date for day {day} of month {month}", text)
    return min(candidates, key=lambda candidate: abs(candidate - reference))


def _dates_of(match: re.Match[str], reference: date | None, text: str) -> list[date]:
    """The date of one `_DATE` match, or the first and last day of a range like "1-5 ก.ย."."""
    groups = match.groupdict()
    if groups["iso_y"]:
        day, month, year = groups["iso_d"], groups["iso_m"], _ce_year(groups["iso_y"], None)
    elif groups["num_y"]:
        day, month, year = groups["num_d"], groups["num_m"], _ce_year(groups["num_y"], None)
    elif groups["en_m"]:
        day, month = re.sub(r"\s", "", groups["en_d"]), _MONTH_NUMBERS[groups["en_m"].rstrip(".").lower()]
        year = _ce_year(groups["en_y"], None) if groups["en_y"] else None
    else:
        day = groups["d"]
        month = _MONTH_NUMBERS[re.sub(r"[.\s]", "", groups["m"]).lower()]
        year = _ce_year(groups["y"], groups["era"]) if groups["y"] else None
    days = [int(day)] if not groups["first_d"] else [int(groups["first_d"]), int(day)]
    if days != sorted(days):
        raise ThaiDateError("day range runs backwards", text)
    try:
        if year is None:
            return [_nearest_date(int(month), d, reference or datetime.now(BANGKOK).date(), text) for d in days]
        return [date(year, int(month), d) for d in days]
    except ValueError as error:
        raise ThaiDateError(f"invalid date ({error})", text) from None


def _single_date_match(cleaned: str, text: str) -> re.Match[str]:
    matches = list(_DATE.finditer(cleaned))
    if not matches:
        raise ThaiDateError("no date found", text)
    if len(matches) > 1 or matches[0]["first_d"]:
        raise ThaiDateError("several dates found, use find_thai_dates", text)
    return matches[0]


def _time_of(match: re.Match[str], name: str, text: str) -> time:
    hour = int(re.sub(r"\s", "", match[f"{name}_h"]))
    minute = int(re.sub(r"\s", "", match[f"{name}_min"]))
    second = int(match[f"{name}_s"] or 0)
    ampm = match[f"{name}_ampm"]
    if ampm:
        if not 1 <= hour <= 12:
            raise ThaiDateError(f"hour {hour} is not a 12-hour clock hour", text)
        hour = hour % 12 + (12 if ampm.lower() == "p" else 0)
    try:
        return time(hour, minute, second)
    except ValueError as error:
        raise ThaiDateError(f"invalid time ({error})", text) from None


def _from_epoch_ms(milliseconds: int | float, original: object) -> datetime:
    if abs(milliseconds) < _SMALLEST_EPOCH_MS:
        raise ThaiDateError("expected epoch milliseconds, this looks like seconds", original)
    # timedelta arithmetic keeps the milliseconds exact, unlike fromtimestamp(ms / 1000).
    return (_UNIX_EPOCH + timedelta(milliseconds=milliseconds)).astimezone(BANGKOK)


# --- public API --------------------------------------------------------------------------------------

def parse_thai_date(text: str, *, reference: date | None = None) -> date:
    """The one date written in `text` ("วันเสาร์ที่ 6 ก.ย. 2568", "25/12/2561", "Sep 6, 2025", ...).

    A time in the text is ignored. A date without a year takes the year that puts it nearest to
    `reference` (default: today in Bangkok). Raises ThaiDateError when there is no date, more than one,
    or the date does not exist.
    """
    match = _single_date_match(_clean(text), text)
    return _dates_of(match, reference, text)[0]


def parse_thai_datetime(
    text: str, *, default_time: time | None = None, reference: date | None = None
) -> datetime:
    """The one date and time in `text` ("6 ก.ย. 2568 เวลา 09.00 น.", "Sep 6, 2025 08:30 AM"), aware in Bangkok.

    `default_time` (Bangkok wall-clock) is used when the text has no time; without it a missing time is
    an error rather than a silent midnight. Two times (a range) are an error: use `parse_time_range`.
    """
    cleaned = _clean(text)
    match = _single_date_match(cleaned, text)
    day = _dates_of(match, reference, text)[0]
    # The date is blanked out first so that its digits are never read as a time.
    rest = cleaned[: match.start()] + " " + cleaned[match.end():]
    times = list(_TIME.finditer(rest))
    if len(times) > 1:
        raise ThaiDateError("several times found, use parse_time_range", text)
    if times:
        clock = _time_of(times[0], "t", text)
    elif default_time is not None:
        clock = default_time
    else:
        raise ThaiDateError("no time found and no default_time given", text)
    return datetime.combine(day, clock, tzinfo=BANGKOK)


def parse_time_range(text: str) -> tuple[time, time] | None:
    """Start and end of a range such as "09.00 - 12.00 น." or "08:30 AM – 03:30 PM"; None if there is none.

    The end may be earlier than the start (a night closure "22.00 - 05.00 น."): that is left to the caller.
    Raises ThaiDateError for an impossible time or for more than one range in `text`.
    """
    matches = list(_TIME_RANGE.finditer(_clean(text)))
    if not matches:
        return None
    if len(matches) > 1:
        raise ThaiDateError("several time ranges found", text)
    return _time_of(matches[0], "start", text), _time_of(matches[0], "end", text)


def find_thai_dates(text: str, *, reference: date | None = None) -> list[date]:
    """Every date mentioned in free text, in order of appearance; a range "1-5 ก.ย." gives both ends.

    Unlike the parse_* functions this is a search: a candidate that is no real date ("31 มิ.ย.") is skipped.
    """
    found: list[date] = []
    for match in _DATE.finditer(_clean(text)):
        try:
            found.extend(_dates_of(match, reference, text))
        except ThaiDateError:
            continue
    return found


def parse_partner_timestamp(
    value: str | int | float | None, *, source_tz: str = "Asia/Bangkok"
) -> datetime | None:
    """A machine timestamp from a partner feed, as an aware Asia/Bangkok datetime; None when missing.

    Accepts "/Date(ms)/" and epoch milliseconds (UTC by definition), ISO 8601 with an offset ("+00", "Z",
    "+07:00") and naive ISO strings, which are read in `source_tz` because sources disagree: Traffy's
    Exchange API, Longdo and ThaiWater are Bangkok local time, FloodBangkok `sensor_now` is UTC.
    """
    if value is None:
        return None
    if isinstance(value, bool):  # bool is an int subclass, and never a timestamp
        raise ThaiDateError("not a timestamp", value)
    if isinstance(value, (int, float)):
        if value != value:  # NaN: how pandas reads an empty or NULL cell
            return None
        return _from_epoch_ms(value, value)
    text = value.strip()
    if text.lower() in _MISSING:
        return None
    if aspnet := _ASPNET_DATE.fullmatch(text):
        return _from_epoch_ms(int(aspnet["ms"]), value)
    if text.isdigit():
        return _from_epoch_ms(int(text), value)
    try:
        parsed = datetime.fromisoformat(text)  # Python 3.11 reads "+00", "Z" and any fraction length
    except ValueError:
        raise ThaiDateError("not a timestamp", value) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(source_tz))
    return parsed.astimezone(BANGKOK)
