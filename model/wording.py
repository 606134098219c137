"""Bilingual headlines built from structured fields ("Power outage · Chatuchak · Sat 28 Nov 09:00–15:00")."""
from __future__ import annotations

from datetime import datetime, timedelta

from hub.thai_dates import BANGKOK

TH_WEEKDAYS = ["จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส.", "อา."]
TH_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]

LABELS = {  # category -> (Thai, English)
    "flood": ("น้ำท่วมขัง", "Flooding"),
    "power_outage": ("ไฟฟ้าดับตามแผน", "Planned power outage"),
    "water_outage": ("น้ำประปาไม่ไหล", "Water outage"),
    "road_incident": ("เหตุบนท้องถนน", "Road incident"),   # accidents and closures alike
    "construction": ("งานก่อสร้าง/ปิดการจราจร", "Road works / closure"),
    "rail_disruption": ("รถไฟฟ้าขัดข้อง", "Rail disruption"),
    "traffic": ("การจราจร", "Traffic"),
    "pet_vaccination": ("ฉีดวัคซีนพิษสุนัขบ้า", "Pet rabies vaccination"),
    "sterilisation": ("ทำหมันสุนัขและแมว", "Dog and cat sterilisation"),
    "mosquito_fogging": ("พ่นหมอกควันกำจัดยุง", "Mosquito fogging"),
    "bulky_waste": ("เก็บขยะชิ้นใหญ่", "Bulky-waste pickup"),
    "mobile_registration": ("หน่วยทำบัตรประชาชนเคลื่อนที่", "Mobile ID-card unit"),
    "job_training": ("ฝึกอบรมอาชีพ", "Job training"),
    "health_service": ("บริการสุขภาพ", "Health service"),
    "district_event": ("กิจกรรมของเขต", "District event"),
    "festival": ("เทศกาลและงานประเพณี", "Festival"),
    "other": ("ประกาศ", "Notice"),
}


def _moment(value) -> datetime | None:
    """A datetime, or None for missing values (None, NaT, NaN from a DataFrame)."""
    return value if isinstance(value, datetime) and value == value and str(value) != "NaT" else None


def _local(moment: datetime) -> datetime:
    return moment.astimezone(BANGKOK)


def when_en(start: datetime, end: datetime | None, all_day: bool = False) -> str:
    start = _local(start)
    text = f"{start:%a} {start.day} {start:%b}"
    if all_day:
        return text
    text += f" {start:%H:%M}"
    if end is not None:
        end = _local(end)
        text += f"–{end:%H:%M}" if end.date() == start.date() else f"–{end:%a} {end:%H:%M}"
    return text


def when_th(start: datetime, end: datetime | None, all_day: bool = False) -> str:
    start = _local(start)
    text = f"{TH_WEEKDAYS[start.weekday()]} {start.day} {TH_MONTHS[start.month - 1]}"
    if all_day:
        return text
    text += f" {start:%H.%M}"
    if end is not None:
        end = _local(end)
        text += f"–{end:%H.%M} น." if end.date() == start.date() else f"–{TH_WEEKDAYS[end.weekday()]} {end:%H.%M} น."
    else:
        text += " น."
    return text


def headline(category: str, place_th: str, place_en: str, start: datetime | None, end: datetime | None,
             all_day: bool = False) -> tuple[str, str]:
    label_th, label_en = LABELS.get(category, LABELS["other"])
    start, end = _moment(start), _moment(end)
    parts_th, parts_en = [label_th, place_th], [label_en, place_en]
    if start is not None:
        parts_th.append(when_th(start, end, all_day))
        parts_en.append(when_en(start, end, all_day))
    return " · ".join(p for p in parts_th if p), " · ".join(p for p in parts_en if p)


def event_description_en(category: str, organiser_en: str | None, start: datetime | None, end: datetime | None,
                         all_day: bool = False) -> str:
    """English details built from an event's fields, for sources that write only Thai:
    "Pet rabies vaccination by the Bang Kapi District Office, Sat 28 Nov 09:00–12:00. Details in Thai."""
    label = LABELS.get(category, LABELS["other"])[1]
    start, end = _moment(start), _moment(end)
    text = label + (f" by {organiser_en}" if organiser_en else "")
    if start is not None:
        last = _local(end) if end is not None else None
        several_days = all_day and last is not None and (last.date() - _local(start).date()).days > 1
        text += (f", {when_en(start, None, True)} to {when_en(last - timedelta(days=1), None, True)}" if several_days
                 else f", {when_en(start, end, all_day)}")
    return text + ". Details in Thai at the source link."
