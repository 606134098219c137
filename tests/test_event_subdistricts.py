"""Events carry the khwaeng their notice names (only inside the notice's own district) and English details."""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from hub.gazetteer import Gazetteer
from model.core_tables import district_events

GAZ = Gazetteer.load()
SEEN = datetime(2026, 11, 25, tzinfo=timezone.utc)


def _notice(district_code: str, body: str, notice_id: str = "1006001") -> dict:
    return {"notice_id": notice_id, "district_code": district_code, "kind": "pet_vaccination",
            "title_th": "ฉีดวัคซีนป้องกันโรคพิษสุนัขบ้า", "body_th": body,
            "starts_at": SEEN, "ends_at": None, "all_day": True, "url": "http://127.0.0.1/n", "attachments": "[]",
            "first_seen_at": SEEN, "last_seen_at": SEEN}


def test_a_notice_naming_a_khwaeng_of_its_district_gets_its_code():
    code = GAZ.match_subdistrict("คลองจั่น", "1006")
    assert code and code.startswith("1006")
    rows = district_events(pd.DataFrame([_notice("1006", "ณ ศาลาชุมชน แขวงคลองจั่น เขตบางกะปิ")]), GAZ)
    assert rows[0]["subdistrict_code"] == code


def test_a_khwaeng_of_another_district_or_none_gives_no_code():
    rows = district_events(pd.DataFrame([_notice("1001", "ณ ศาลาชุมชน แขวงคลองจั่น", "1001001"),
                                         _notice("1006", "ณ ลานอเนกประสงค์ สำนักงานเขต", "1006002")]), GAZ)
    assert [r["subdistrict_code"] for r in rows] == [None, None]


def test_thai_only_notices_get_english_details_built_from_their_fields():
    row = district_events(pd.DataFrame([_notice("1006", "ณ ศาลาชุมชน")]), GAZ)[0]
    assert row["description_en"] == ("Pet rabies vaccination by the Bang Kapi District Office, Wed 25 Nov. "
                                     "Details in Thai at the source link.")
