"""Dates for sample content: relative to today in Bangkok, written the ways Thai partners write them."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")
MONTHS_FULL = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
MONTHS_ABBR = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
WEEKDAYS = ["จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์"]
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def today_bangkok() -> date:
    return datetime.now(BANGKOK).date()


def be_year(d: date) -> int:
    return d.year + 543


def thai_time(t: time) -> str:
    return f"{t:%H.%M} น."


# Each style is a real form seen on Thai government pages (PARTNER_FORMATS.md §6).
def format_thai_date(d: date, style: int) -> str:
    m = d.month - 1
    styles = [
        f"{d.day} {MONTHS_ABBR[m]} {be_year(d) % 100:02d}",                          # 18 ธ.ค. 61
        f"{d.day} {MONTHS_FULL[m]} {be_year(d)}".translate(THAI_DIGITS),             # ๑๘ ธันวาคม ๒๕๖๑
        f"วันที่ {d.day} {MONTHS_ABBR[m]} {be_year(d)}",                              # วันที่ 5 ม.ค. 2569
        f"วัน{WEEKDAYS[d.weekday()]}ที่ {d.day} {MONTHS_FULL[m]} พ.ศ. {be_year(d)}",   # วันเสาร์ที่ 6 ธันวาคม พ.ศ. 2569
        f"{d.day}/{d.month}/{be_year(d)}",                                            # 5/1/2569
        f"{d.day} {MONTHS_ABBR[m]}{be_year(d) % 100:02d}",                            # 25 ธ.ค.61
    ]
    return styles[style % len(styles)]
