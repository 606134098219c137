"""Classify district notices into the services people subscribe to, with Thai keyword rules.

Thai is written without spaces between words and partners put spaces in odd places, so terms
are matched on the normalised text with all whitespace removed. Rules are checked in priority
order: a notice about sterilising dogs that also mentions vaccines is a sterilisation notice.
"""
from __future__ import annotations

import re

from hub.thai_text import normalize_thai

# (kind, terms): the first kind with any term present wins; order encodes precedence.
RULES: list[tuple[str, tuple[str, ...]]] = [
    ("sterilisation", ("ทำหมัน", "ผ่าตัดทำหมัน")),
    ("pet_vaccination", ("พิษสุนัขบ้า", "วัคซีนสุนัข", "วัคซีนแมว", "ฉีดวัคซีนสุนัข")),
    ("mosquito_fogging", ("พ่นหมอกควัน", "ยุงลาย", "ไข้เลือดออก", "กำจัดยุง")),
    ("bulky_waste", ("ขยะชิ้นใหญ่", "ขยะชิ้นใหญ", "เฟอร์นิเจอร์เก่า")),
    ("mobile_registration", ("บัตรประจำตัวประชาชนเคลื่อนที่", "ทำบัตรประชาชน", "ทะเบียนราษฎร์เคลื่อนที่",
                             "หน่วยบริการทำบัตร", "บัตรประจำตัวประชาชน")),
    ("job_training", ("ฝึกอบรมอาชีพ", "ฝึกอาชีพ", "อบรมอาชีพ", "หลักสูตรระยะสั้น")),
    ("health_service", ("ตรวจสุขภาพ", "คัดกรอง", "ศูนย์บริการสาธารณสุข", "วัคซีนไข้หวัดใหญ่", "ความดันโลหิต")),
    ("construction", ("ปิดการจราจร", "ซ่อมแซมผิวจราจร", "ก่อสร้าง", "ปิดถนน", "เบี่ยงการจราจร", "วางท่อ")),
    ("district_event", ("เทศกาล", "ขอเชิญร่วมงาน", "งานประจำปี", "กิจกรรม", "ประเพณี")),
]
KINDS = tuple(kind for kind, _ in RULES) + ("other",)


def classify_notice(title: str, body: str = "") -> str:
    """The notice's kind. The title decides when it can; the body breaks ties."""
    for text in (normalize_thai(title), normalize_thai(f"{title} {body}")):
        joined = re.sub(r"\s+", "", text)
        for kind, terms in RULES:
            if any(term in joined for term in terms):
                return kind
    return "other"
