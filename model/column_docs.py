"""Column descriptions for the core tables, in Thai and English, for Dagster's column schemas and the
published data dictionary.

`COLUMN_DOCS[table][column]` is `(Thai, English)`: one sentence each, saying what the value means, its
unit, time zone or allowed values. Every timestamp column is timezone-aware (TIMESTAMPTZ) and the hub
reads partner times as Bangkok time (Asia/Bangkok, UTC+7) unless the partner says otherwise. District
codes are DOPA codes 1001–1050. Ids ending in ``_id`` of the scraped tables are stable: the first 20
hex characters of SHA-256 of ``"<source>:<source record id>"`` (`model.core_tables.stable_id`).

    table_schema("alerts", ALERT_COLUMNS)   # dagster.TableSchema with "English / Thai" descriptions

This module imports nothing heavy (no Dagster, pandas or the modules that define the columns), so
model/ stays importable without Dagster; `table_columns` imports the column dict on demand.
"""
from __future__ import annotations

from importlib import import_module

# --- phrases shared by several tables -----------------------------------------------------------
_TZ_TH = "ระบุเขตเวลา Asia/Bangkok"
_TZ_EN = "timezone-aware, Asia/Bangkok"


def _stable_id(th_thing: str, en_thing: str, source_th: str, source_en: str) -> tuple[str, str]:
    return (f"รหัสประจำ{th_thing}ที่ไม่เปลี่ยนข้ามรอบการประมวลผล คือ 20 อักขระฐานสิบหกแรกของค่า SHA-256 "
            f"ของชื่อแหล่งข้อมูลกับ{source_th}",
            f"Stable {en_thing} id that stays the same across runs: the first 20 hex characters of SHA-256 of "
            f"the source name and {source_en}.")


def _seen(th_thing: str, en_thing: str) -> dict[str, tuple[str, str]]:
    return {
        "first_seen_at": (f"เวลาที่ระบบพบ{th_thing}นี้เป็นครั้งแรก ({_TZ_TH})",
                          f"When the hub first saw this {en_thing} ({_TZ_EN})."),
        "last_seen_at": (f"เวลาล่าสุดที่แหล่งข้อมูลยังแสดง{th_thing}นี้อยู่ คือเวลาเริ่มรอบดึงข้อมูลล่าสุดที่พบ "
                         f"({_TZ_TH})",
                         f"When the source last listed this {en_thing}: the start of the latest crawl that still "
                         f"showed it ({_TZ_EN})."),
        "content_hash": (f"ค่า SHA-256 ของเนื้อหา{th_thing} (ไม่รวมเวลาที่ดึงข้อมูล) "
                         "จะเปลี่ยนก็ต่อเมื่อเนื้อหาเปลี่ยนเท่านั้น "
                         "ใช้ตรวจว่ามีฉบับแก้ไขใหม่หรือไม่",
                         f"SHA-256 of the {en_thing}'s content fields (not its fetch times): it changes only when "
                         "the content changes, so a new value means a new version."),
    }


def _lat_lon(th_what: str, en_what: str) -> dict[str, tuple[str, str]]:
    return {
        "lat": (f"ละติจูดของ{th_what} เป็นองศาทศนิยมในระบบ WGS84 ว่างเมื่อไม่ทราบตำแหน่ง",
                f"Latitude of {en_what} in decimal degrees (WGS84); null when the location is unknown."),
        "lon": (f"ลองจิจูดของ{th_what} เป็นองศาทศนิยมในระบบ WGS84 ว่างเมื่อไม่ทราบตำแหน่ง",
                f"Longitude of {en_what} in decimal degrees (WGS84); null when the location is unknown."),
    }


def _district(th_where: str, en_where: str) -> tuple[str, str]:
    return (f"รหัสเขตตามกรมการปกครอง (DOPA) 1001–1050 ของ{th_where} ว่างเมื่อระบุเขตไม่ได้",
            f"DOPA district code (1001–1050) of {en_where}; null when no district could be found.")


def _geotag(methods: str, th_methods: str) -> tuple[str, str]:
    return (f"วิธีที่ใช้ระบุเขต ได้แก่ {th_methods} และ none เมื่อระบุไม่ได้",
            f"How the district was found: {methods}; none when it could not be found.")


_GEOTAG_POINT = _geotag(
    "point_in_polygon (the coordinates fall inside the district's boundary) or named_area (a district "
    "name in the source's text or address)",
    "point_in_polygon (พิกัดอยู่ในขอบเขตของเขต) named_area (พบชื่อเขตในข้อความหรือที่อยู่จากแหล่งข้อมูล)")

_LANGUAGE = ("รหัสภาษาตาม ISO 639-1 ของเนื้อหา ปัจจุบันเป็น th (ภาษาไทย) เสมอ",
             "ISO 639-1 code of the text's language; always th (Thai) for now.")

# --- core.alerts --------------------------------------------------------------------------------
ALERT_DOCS: dict[str, tuple[str, str]] = {
    "alert_id": (
        "รหัสประจำการแจ้งเตือนที่ไม่เปลี่ยนข้ามรอบการประมวลผล คือ 20 อักขระฐานสิบหกแรกของค่า SHA-256 "
        "ของชื่อแหล่งข้อมูลกับรหัสระเบียนต้นทาง "
        "ส่วนการแจ้งเตือนน้ำท่วมและฝนตกหนักจากเซนเซอร์จะได้รหัสใหม่ทุกครั้งที่เกิดเหตุรอบใหม่",
        "Stable alert id that stays the same across runs: the first 20 hex characters of SHA-256 of the source "
        "and its record id; flood-sensor and rain-gauge alerts are per episode (the id also includes the "
        "episode's start), so water that comes back later is a new alert."),
    "source": (
        "ชื่อแหล่งข้อมูลพันธมิตรที่ออกการแจ้งเตือน ได้แก่ flood_sensors, rain_gauges, mea_outages, mwa_outages, "
        "district_portals, traffic_events หรือ rail_service",
        "Partner source the alert comes from: flood_sensors, rain_gauges, mea_outages, mwa_outages, "
        "district_portals, traffic_events or rail_service."),
    "source_record_id": (
        "รหัสของระเบียนในระบบต้นทาง เช่น รหัสเซนเซอร์วัดระดับน้ำ รหัสสถานีวัดฝน เลขที่ประกาศงดจ่ายไฟหรือน้ำ "
        "หรือเลขที่ประกาศของสำนักงานเขต",
        "The record's id at the source, such as the water-level sensor code, rain-gauge code, outage id, "
        "district notice id or traffic event id."),
    "category": (
        "ประเภทการแจ้งเตือน ได้แก่ flood (น้ำท่วมขังหรือฝนตกหนัก) power_outage (ไฟฟ้าดับ) water_outage "
        "(น้ำประปาไม่ไหล) "
        "road_incident (อุบัติเหตุหรือปิดถนน) construction (งานก่อสร้างหรือซ่อมถนน) rail_disruption "
        "(รถไฟฟ้าขัดข้อง) และ traffic (สภาพจราจรอื่น ๆ)",
        "Alert category: flood (standing water or heavy rain), power_outage, water_outage, road_incident "
        "(accident or road closure), construction (road works), rail_disruption (BTS/MRT/Airport Rail Link) "
        "or traffic (other traffic events)."),
    "severity": (
        "ระดับความรุนแรงตามมาตรฐาน CAP 1.2 ได้แก่ Extreme, Severe, Moderate, Minor หรือ Unknown "
        "เช่น เซนเซอร์วัดน้ำท่วมขังได้ตั้งแต่ 30 ซม. เป็น Severe ตั้งแต่ 20 ซม. เป็น Moderate ต่ำกว่านั้นเป็น Minor "
        "และฝนตกตั้งแต่ 60 มม./ชม. เป็น Severe",
        "CAP 1.2 severity: Extreme, Severe, Moderate, Minor or Unknown; for example a flood sensor reading of 30 cm "
        "or more is Severe, 20 cm or more Moderate and less Minor, and rain of 60 mm/h or more is Severe."),
    "urgency": (
        "ความเร่งด่วนตามมาตรฐาน CAP 1.2 ได้แก่ Immediate (เกิดขึ้นแล้ว ควรรับมือทันที) Expected, Future "
        "(เหตุที่ประกาศล่วงหน้า เช่น งดจ่ายไฟตามแผน) Past หรือ Unknown",
        "CAP 1.2 urgency: Immediate (happening now, act now), Expected, Future (announced in advance, such as a "
        "planned outage), Past or Unknown."),
    "certainty": (
        "ความแน่นอนตามมาตรฐาน CAP 1.2 ได้แก่ Observed (วัดหรือพบเหตุจริงแล้ว) Likely (มีประกาศตามแผน) "
        "Possible, Unlikely หรือ Unknown",
        "CAP 1.2 certainty: Observed (measured or seen), Likely (announced plan), Possible, Unlikely or Unknown."),
    "msg_type": (
        "ชนิดข้อความตามมาตรฐาน CAP 1.2 ได้แก่ Alert (แจ้งเตือนครั้งแรก) Update (มีการเปลี่ยนแปลง เช่น เหตุสิ้นสุดแล้ว) "
        "และ Cancel (แหล่งข้อมูลยกเลิกประกาศ)",
        "CAP 1.2 message type: Alert (first issue), Update (changed, for example ended) or Cancel (cancelled by "
        "the source)."),
    "headline_th": (
        "หัวข้อแจ้งเตือนสั้น ๆ ภาษาไทยสำหรับแสดงในรายการหรือการแจ้งเตือนบนมือถือ บอกว่าเกิดอะไร ที่ไหน เมื่อไร",
        "Short Thai headline for lists and push notifications: what, where and when."),
    "headline_en": (
        "หัวข้อแจ้งเตือนสั้น ๆ ภาษาอังกฤษ มีเนื้อหาเดียวกับหัวข้อภาษาไทย",
        "Short English headline for lists and push notifications: what, where and when."),
    "description_th": (
        "รายละเอียดการแจ้งเตือนภาษาไทยเป็นข้อความล้วน (ตัดแท็ก HTML ออกแล้ว) เช่น "
        "ระดับน้ำที่วัดได้หรือพื้นที่ที่งดจ่ายไฟ",
        "Thai details as plain text (HTML removed), such as the measured water depth or the area without power."),
    "description_en": (
        "รายละเอียดภาษาอังกฤษ หากแหล่งข้อมูลมีแต่ภาษาไทยจะเป็นสรุปสั้น ๆ พร้อมบอกว่ารายละเอียดอยู่ในภาษาไทย",
        "English details; where the source writes only Thai, a short summary that says the details are in Thai."),
    "starts_at": (
        f"เวลาที่เหตุเริ่มหรือจะเริ่ม ({_TZ_TH}) "
        "สำหรับการแจ้งเตือนจากเซนเซอร์คือเวลาเริ่มน้ำท่วมขังหรือฝนตกหนักรอบนั้น",
        f"When the flood, outage, incident or works starts or started ({_TZ_EN}); for sensor and gauge alerts, "
        "the start of the episode."),
    "ends_at": (
        f"เวลาที่เหตุสิ้นสุดหรือคาดว่าจะสิ้นสุด ({_TZ_TH}) ว่างเมื่อยังไม่ทราบ เช่น น้ำยังท่วมขังอยู่",
        f"When it ends or ended ({_TZ_EN}); null while unknown, for example while the water is still there."),
    "sent_at": (
        f"เวลาที่ออกการแจ้งเตือนฉบับนี้ ({_TZ_TH}) เช่น เวลาที่เซนเซอร์อ่านค่า เวลาที่รายงานเหตุจราจร "
        "หรือเวลาที่ระบบพบประกาศงดจ่ายไฟหรือน้ำ",
        f"When this version of the alert was issued ({_TZ_EN}): the sensor's reading time, the traffic report's "
        "time, or "
        "when the hub first saw an outage notice."),
    **_lat_lon("จุดที่เกิดเหตุ (เซนเซอร์ สถานีวัดฝน จุดเกิดเหตุ จุดกึ่งกลางพื้นที่ "
               "หรือสถานีรถไฟฟ้าแรกที่ได้รับผลกระทบ)",
               "the alert's point (sensor, gauge, incident, centre of the area or first affected station)"),
    "geometry": (
        "รูปทรงพื้นที่ของการแจ้งเตือนในรูปแบบ GeoJSON (ข้อความ พิกัด WGS84 ลองจิจูดก่อนละติจูด) เป็น Point, MultiPoint "
        "ของสถานีรถไฟฟ้า หรือ Polygon ของพื้นที่งดจ่ายน้ำ ว่างเมื่อไม่มีตำแหน่ง",
        "Area of the alert as GeoJSON geometry text (WGS84, longitude first): a Point, a MultiPoint of stations "
        "or the Polygon of a water outage area; null without a location."),
    "district_code": (
        "รหัสเขตหลักตามกรมการปกครอง (DOPA) 1001–1050 คือเขตแรกใน district_codes ว่างเมื่อระบุเขตไม่ได้",
        "Main DOPA district code (1001–1050), the first of district_codes; null when no district could be found."),
    "subdistrict_code": (
        "รหัสแขวง (DOPA 6 หลัก) ที่ข้อความของแหล่งข้อมูลระบุ เมื่อแขวงนั้นอยู่ในเขตของการแจ้งเตือน ไม่เช่นนั้นว่าง",
        "Six-digit DOPA subdistrict (khwaeng) code named in the source's text, when that khwaeng lies in the "
        "alert's district; otherwise empty."),
    "source_language": (
        "ภาษาของข้อความต้นฉบับจากแหล่งข้อมูล th (ไทย) หรือ en (อังกฤษ) ข้อความต้นฉบับเก็บไว้ในภาษาเดิม",
        "Language of the partner's own text, th (Thai) or en (English); source text is kept in that language."),
    "district_codes": (
        "รหัสเขตตามกรมการปกครอง (DOPA) 1001–1050 ของทุกเขตที่ได้รับผลกระทบ เป็นรายการว่างเมื่อระบุเขตไม่ได้",
        "DOPA district codes (1001–1050) of every district the alert touches; empty when none could be found."),
    "geotag_method": _geotag(
        "point_in_polygon (the point is inside the district), polygon_in_polygon (the area overlaps the "
        "district), named_area (a district named in the text), road_name (the road is in the district), "
        "station (the district of an affected rail station), source_unit (the district office that published it)",
        "point_in_polygon (จุดอยู่ในเขต) polygon_in_polygon (พื้นที่ซ้อนทับกับเขต) named_area (มีชื่อเขตในข้อความ) "
        "road_name (ถนนที่ระบุผ่านเขตนั้น) station (เขตของสถานีรถไฟฟ้าที่ได้รับผลกระทบ) source_unit "
        "(สำนักงานเขตที่เป็นผู้ประกาศ)"),
    "source_url": (
        "ลิงก์ไปยังหน้าเว็บหรือข้อมูลต้นทางที่ใช้สร้างการแจ้งเตือนนี้",
        "Link to the source page or API record the alert was built from."),
    "confidence": (
        "ระดับความน่าเชื่อถือตามที่มาของข้อมูล ได้แก่ official_sensor (เซนเซอร์ของหน่วยงาน) official_agency "
        "(ประกาศของหน่วยงาน) และ citizen_report (ประชาชนรายงานผ่านแอป)",
        "How trustworthy the origin is: official_sensor (an agency's sensor), official_agency (an agency's "
        "notice) or citizen_report (reported by the public through an app)."),
    "status": (
        "สถานะการแจ้งเตือน ได้แก่ active (ยังมีผลอยู่) ended (สิ้นสุดแล้ว เช่น ถึงเวลาสิ้นสุด ระดับน้ำลดต่ำกว่าเกณฑ์ "
        "หรือแหล่งข้อมูลไม่แสดงแล้ว) cancelled (แหล่งข้อมูลยกเลิก) และ merged (รวมเข้ากับการแจ้งเตือนอื่นของเหตุการณ์เดียวกัน)",
        "Alert status: active, ended (its end time passed, the reading fell below the threshold or the source "
        "stopped listing it), cancelled (by the source) or merged (the same incident as another source's alert, "
        "see merged_into)."),
    "sources": (
        "แหล่งข้อมูลทั้งหมดที่รายงานเหตุการณ์เดียวกันนี้ (แหล่งหลักอยู่ก่อน) และ traffy เมื่อมีเรื่องร้องเรียนของประชาชนยืนยัน",
        "Every source reporting this same incident (the primary's first), plus traffy when citizen complaints "
        "confirm it."),
    "related_alert_ids": (
        "รหัสการแจ้งเตือนจากแหล่งอื่นที่ถูกรวมเข้ากับการแจ้งเตือนนี้เพราะเป็นเหตุการณ์เดียวกัน",
        "Ids of the alerts from other sources merged into this one because they report the same incident."),
    "merged_into": (
        "สำหรับการแจ้งเตือนที่ถูกรวม (status merged) คือรหัสการแจ้งเตือนหลักที่รวมไว้ นอกนั้นว่าง",
        "On a merged alert (status merged): the id of the primary alert it was merged into; empty otherwise."),
    "complaint_count": (
        "จำนวนเรื่องร้องเรียน Traffy Fondue ที่อยู่ใกล้และในช่วงเวลาเดียวกันซึ่งยืนยันเหตุการณ์นี้ (นับเฉพาะ ไม่เผยแพร่รายละเอียด)",
        "Number of nearby, same-time Traffy Fondue complaints confirming the incident (a count only, no details)."),
    "confidence_score": (
        "คะแนนความเชื่อมั่น 0–1 ที่เพิ่มขึ้นเมื่อมีการยืนยันจากหน่วยงานและแหล่งอิสระ: 1 - ผลคูณของ (1 - น้ำหนักของแต่ละแหล่ง) "
        "โดยเซนเซอร์ 0.9 ประกาศหน่วยงาน 0.8 ประชาชน 0.5 และเรื่องร้องเรียนละ 0.3 (ไม่เกิน 3 เรื่อง)",
        "Confidence 0–1 that rises with official and independent confirmations: 1 - the product of (1 - weight) "
        "over the reports, with sensor 0.9, agency notice 0.8, citizen report 0.5 and 0.3 per complaint (at most 3)."),
    "route_ids": (
        "รหัสเส้นทาง GTFS ของกรุงเทพฯ (ชุดข้อมูล Namtang) ของสายรถไฟฟ้าที่ได้รับผลกระทบ ใช้กับประเภท rail_disruption "
        "เท่านั้น ประเภทอื่นเป็นรายการว่าง",
        "Bangkok GTFS route ids (Namtang feed) of the affected rail lines; rail_disruption alerts only, empty "
        "for other categories."),
    "stop_ids": (
        "รหัสจุดจอด GTFS ของกรุงเทพฯ (ชุดข้อมูล Namtang) ของสถานีที่ได้รับผลกระทบ ใช้กับประเภท rail_disruption "
        "เท่านั้น ประเภทอื่นเป็นรายการว่าง",
        "Bangkok GTFS stop ids (Namtang feed) of the affected stations; rail_disruption alerts only, empty for "
        "other categories."),
    "version": (
        "ลำดับฉบับของการแจ้งเตือน เริ่มที่ 1 และเพิ่มขึ้นทีละ 1 ทุกครั้งที่เนื้อหาเปลี่ยน เช่น "
        "เวลาสิ้นสุดหรือสถานะเปลี่ยน",
        "Version number of the alert: 1 at first, plus 1 each time its content changes (for example its end time "
        "or status)."),
    "references": (
        "รายการฉบับก่อนหน้าของการแจ้งเตือนนี้ตามแบบ CAP เขียนเป็น <alert_id>:v<ลำดับฉบับ> เป็นรายการว่างสำหรับฉบับแรก",
        "CAP-style references to the alert's earlier versions, each written <alert_id>:v<version>; empty for the "
        "first version."),
    **_seen("การแจ้งเตือน", "alert"),
}

# --- core.events --------------------------------------------------------------------------------
EVENT_DOCS: dict[str, tuple[str, str]] = {
    "event_id": _stable_id("กิจกรรม", "event", "รหัสระเบียนต้นทาง", "its record id"),
    "source": (
        "ชื่อแหล่งข้อมูล ได้แก่ district_portals (ประกาศของสำนักงานเขต) หรือ tourism (เทศกาลจากข้อมูลการท่องเที่ยว)",
        "Source of the event: district_portals (district office notices) or tourism (festivals from the tourism API)."),
    "source_record_id": (
        "รหัสของระเบียนในระบบต้นทาง คือเลขที่ประกาศของสำนักงานเขต (รหัสเขต/เลขที่) "
        "หรือรหัสสถานที่ในข้อมูลการท่องเที่ยว",
        "The record's id at the source: the district notice id (district code/number) or the tourism place id."),
    "category": (
        "ประเภทกิจกรรม ได้แก่ pet_vaccination (ฉีดวัคซีนสุนัขและแมว) sterilisation (ทำหมันสัตว์) mosquito_fogging "
        "(พ่นหมอกควันกำจัดยุง) bulky_waste (เก็บขยะชิ้นใหญ่) mobile_registration (หน่วยทำบัตรเคลื่อนที่) job_training "
        "(ฝึกอาชีพ) health_service (บริการสุขภาพ) district_event (กิจกรรมของเขต) festival (เทศกาล) และ other",
        "Event type: pet_vaccination, sterilisation, mosquito_fogging, bulky_waste, mobile_registration, "
        "job_training, health_service, district_event, festival or other."),
    "title_th": (
        "ชื่อกิจกรรมภาษาไทยตามที่แหล่งข้อมูลเผยแพร่",
        "Thai title of the event as the source published it."),
    "title_en": (
        "ชื่อกิจกรรมภาษาอังกฤษ สำหรับประกาศของเขตเป็นชื่อที่ระบบสร้างจากประเภทกิจกรรมและชื่อเขต "
        "ส่วนเทศกาลใช้ชื่อภาษาอังกฤษจากแหล่งข้อมูล",
        "English title: for district notices (written in Thai only) a label made from the event type and the "
        "district; for festivals the English name from the source."),
    "headline_th": (
        "หัวข้อสั้น ๆ ภาษาไทยที่ระบบสร้างขึ้น บอกว่าเป็นกิจกรรมอะไร ที่ไหน เมื่อไร",
        "Short generated Thai headline: what, where and when."),
    "headline_en": (
        "หัวข้อสั้น ๆ ภาษาอังกฤษที่ระบบสร้างขึ้น บอกว่าเป็นกิจกรรมอะไร ที่ไหน เมื่อไร",
        "Short generated English headline: what, where and when."),
    "description_th": (
        "รายละเอียดกิจกรรมภาษาไทยเป็นข้อความล้วน (ตัดแท็ก HTML ออกแล้ว)",
        "Thai details of the event as plain text (HTML removed)."),
    "description_en": (
        "รายละเอียดภาษาอังกฤษ สร้างจากข้อมูลที่มีโครงสร้าง (อะไร ผู้จัด เมื่อไร) หากแหล่งข้อมูลมีแต่ภาษาไทยจะบอกว่ารายละเอียดอยู่ในภาษาไทย",
        "English details built from the fields (what, organiser, when); where the source writes only Thai, it "
        "says the details are in Thai."),
    "starts_at": (
        f"เวลาเริ่มกิจกรรม ({_TZ_TH}) กิจกรรมทั้งวันจะเริ่มเวลาเที่ยงคืนของวันแรก",
        f"When the event starts ({_TZ_EN}); all-day events start at midnight of their first day."),
    "ends_at": (
        f"เวลาสิ้นสุดกิจกรรม ({_TZ_TH}) กิจกรรมทั้งวันจะสิ้นสุดเวลาเที่ยงคืนหลังวันสุดท้าย ว่างเมื่อไม่ทราบ",
        f"When the event ends ({_TZ_EN}); all-day events end at the midnight after their last day (exclusive); "
        "null when unknown."),
    "all_day": (
        "เป็นจริงเมื่อกิจกรรมจัดทั้งวันโดยไม่ระบุช่วงเวลา",
        "True when the event lasts whole days without a time of day."),
    "district_code": _district("เขตที่จัดกิจกรรม", "the district where the event takes place"),
    "subdistrict_code": (
        "รหัสแขวง (DOPA 6 หลัก) ที่ข้อความประกาศหรือที่อยู่ระบุ เมื่อแขวงนั้นอยู่ในเขตที่จัดกิจกรรม ไม่เช่นนั้นว่าง",
        "Six-digit DOPA subdistrict (khwaeng) code named in the notice text or address, when that khwaeng lies "
        "in the event's district; otherwise empty."),
    "organiser_th": (
        "ชื่อผู้จัดกิจกรรมภาษาไทย เช่น สำนักงานเขตบางรัก ว่างเมื่อไม่ทราบ",
        "Organiser's name in Thai, such as the district office; null when unknown."),
    "organiser_en": (
        "ชื่อผู้จัดกิจกรรมภาษาอังกฤษ ว่างเมื่อไม่ทราบ",
        "Organiser's name in English, such as 'Bang Rak District Office'; null when unknown."),
    "contact_phone": (
        "หมายเลขโทรศัพท์สำหรับสอบถาม เช่น เบอร์สำนักงานเขตหรือเบอร์ของผู้จัดเทศกาล ว่างเมื่อไม่มี",
        "Phone number for questions, such as the district office's or the festival's; null when none."),
    "source_url": (
        "ลิงก์ไปยังประกาศหรือหน้าเว็บของกิจกรรม สำหรับดูรายละเอียดหรือลงทะเบียน",
        "Link to the notice or the event's web page, for details or registration."),
    "geotag_method": _geotag(
        "source_unit (the district office that published it), point_in_polygon (a festival's coordinates fall "
        "inside the district) or named_area (a district name in the source's data)",
        "source_unit (สำนักงานเขตที่เป็นผู้ประกาศ) point_in_polygon (พิกัดของเทศกาลอยู่ในเขต) "
        "named_area (พบชื่อเขตในข้อมูลต้นทาง)"),
    **_lat_lon("สถานที่จัดกิจกรรม (มีเฉพาะเทศกาล)", "the event's venue (festivals only)"),
    "attachments": (
        "ไฟล์แนบของประกาศ เช่น PDF แบบฟอร์ม หรือรูปภาพ เก็บเป็นข้อความ JSON รายการของ {title, url, type} "
        "โดย type คือนามสกุลไฟล์ และเป็น [] เมื่อไม่มีไฟล์แนบ",
        "Files attached to the notice (PDFs, forms, images) as JSON text: a list of {title, url, type} where type "
        "is the file extension; [] when there are none."),
    **_seen("กิจกรรม", "event"),
}

# --- core.news ----------------------------------------------------------------------------------
NEWS_DOCS: dict[str, tuple[str, str]] = {
    "news_id": _stable_id("ข่าว", "news", "รหัสข่าวในฟีด", "the release's id in the feed"),
    "source": (
        "ชื่อแหล่งข้อมูล คือ bma_press (ข่าวประชาสัมพันธ์ของกรุงเทพมหานครผ่าน RSS)",
        "Source of the release: bma_press (the BMA press-release RSS feed)."),
    "source_record_id": (
        "รหัสข่าวในฟีดต้นทาง ได้จาก guid หรือเลขที่โพสต์ในลิงก์ของข่าว",
        "The release's id in the source feed, from its guid or the post number in its link."),
    "kind": (
        "ประเภทข่าว ได้แก่ news (ข่าวทั่วไป) clarification (ชี้แจงประเด็นร้อน) และ announcement (ประกาศ) "
        "จำแนกจากหมวดหมู่ของข่าว",
        "Kind of release, from its categories: news, clarification (a hot-issue clarification) or announcement."),
    "title_th": (
        "หัวข้อข่าวภาษาไทยตามที่เผยแพร่",
        "Thai title of the release as published."),
    "summary_th": (
        "บทคัดย่อภาษาไทยเป็นข้อความล้วน ยาวไม่เกิน 500 ตัวอักษร",
        "Thai summary as plain text, at most 500 characters."),
    "body_th": (
        "เนื้อหาข่าวฉบับเต็มภาษาไทยเป็นข้อความล้วน (ตัดแท็ก HTML ออกแล้ว)",
        "Full Thai text of the release as plain text (HTML removed)."),
    "categories": (
        "หมวดหมู่และแท็กของข่าวตามที่แหล่งข้อมูลกำหนด (ภาษาไทย)",
        "The release's categories and tags as the source gives them (in Thai)."),
    "published_at": (
        f"เวลาที่เผยแพร่ข่าว ({_TZ_TH})",
        f"When the release was published ({_TZ_EN})."),
    "source_url": (
        "ลิงก์ไปยังข่าวบนเว็บไซต์ของกรุงเทพมหานคร",
        "Link to the release on the BMA website."),
    "image_url": (
        "ลิงก์รูปภาพหลักของข่าว (http หรือ https) ว่างเมื่อไม่มีรูป",
        "Link (http or https) to the release's main image; null when it has none."),
    "language": _LANGUAGE,
    **_seen("ข่าว", "release"),
}

# --- core.factchecks ----------------------------------------------------------------------------
FACTCHECK_DOCS: dict[str, tuple[str, str]] = {
    "factcheck_id": _stable_id("ผลการตรวจสอบข่าว", "fact-check", "รหัสบทความต้นทาง", "the article's id"),
    "source": (
        "ชื่อแหล่งข้อมูล คือ factchecks (ผู้เผยแพร่ผลการตรวจสอบข่าว)",
        "Source of the fact-check: factchecks (the fact-check publisher's feed)."),
    "source_record_id": (
        "รหัสบทความตรวจสอบข่าวในระบบต้นทาง",
        "The fact-check article's id at the source."),
    "claim_th": (
        "ข้อกล่าวอ้างที่ถูกตรวจสอบเป็นภาษาไทย คือหัวข้อบทความที่ตัดคำตัดสินนำหน้าออกแล้ว",
        "The claim that was checked, in Thai: the article title without its verdict prefix."),
    "verdict": (
        "ผลการตรวจสอบ ได้แก่ false (ข่าวปลอม) true (ข่าวจริง) misleading (ข่าวบิดเบือน) และ unverified (ยังไม่ยืนยัน)",
        "Verdict code: false, true, misleading or unverified."),
    "verdict_th": (
        "คำตัดสินภาษาไทยตามที่ผู้เผยแพร่เขียน เช่น ข่าวปลอม หรือคำมาตรฐานเมื่อไม่มี",
        "Thai verdict label as the publisher wrote it (for example ข่าวปลอม), or the standard label when it wrote "
        "none."),
    "verdict_en": (
        "คำตัดสินภาษาอังกฤษ ได้แก่ False, True, Misleading หรือ Unverified",
        "English verdict label: False, True, Misleading or Unverified."),
    "explanation_th": (
        "คำอธิบายผลการตรวจสอบภาษาไทยเป็นข้อความล้วน",
        "Thai explanation of the verdict as plain text."),
    "topics": (
        "หัวข้อหรือหมวดหมู่ของบทความ (ไม่รวมหมวดที่เป็นคำตัดสิน)",
        "The article's topic categories (not the verdict category)."),
    "published_at": (
        f"เวลาที่เผยแพร่ผลการตรวจสอบ ({_TZ_TH})",
        f"When the fact-check was published ({_TZ_EN})."),
    "source_url": (
        "ลิงก์ไปยังบทความตรวจสอบข่าวต้นฉบับ",
        "Link to the original fact-check article."),
    "language": _LANGUAGE,
    **_seen("ผลการตรวจสอบข่าว", "fact-check"),
}

# --- core.places --------------------------------------------------------------------------------
PLACE_DOCS: dict[str, tuple[str, str]] = {
    "place_id": _stable_id("สถานที่", "place", "รหัสสถานที่ในข้อมูลการท่องเที่ยว", "the tourism place id"),
    "source": (
        "ชื่อแหล่งข้อมูล คือ tourism (ข้อมูลสถานที่ท่องเที่ยว)",
        "Source of the place: tourism (the tourism places API)."),
    "source_record_id": (
        "รหัสสถานที่ในระบบข้อมูลการท่องเที่ยวต้นทาง",
        "The place's id in the tourism API."),
    "category": (
        "ประเภทสถานที่ ได้แก่ attraction (สถานที่ท่องเที่ยว) restaurant (ร้านอาหาร) และ shop (ร้านค้าและสินค้าชุมชน)",
        "Kind of place: attraction, restaurant or shop (local products); festivals are in core.events."),
    "name_th": (
        "ชื่อสถานที่ภาษาไทย",
        "Name of the place in Thai."),
    "name_en": (
        "ชื่อสถานที่ภาษาอังกฤษ ว่างเมื่อแหล่งข้อมูลไม่มี",
        "Name of the place in English; null when the source has none."),
    "description_th": (
        "คำบรรยายสถานที่ภาษาไทยเป็นข้อความล้วน",
        "Thai description of the place as plain text."),
    "description_en": (
        "คำบรรยายสถานที่ภาษาอังกฤษเป็นข้อความล้วน ว่างเมื่อแหล่งข้อมูลไม่มี",
        "English description of the place as plain text; null when the source has none."),
    **_lat_lon("สถานที่", "the place"),
    "district_code": _district("เขตที่สถานที่ตั้งอยู่", "the district the place is in"),
    "geotag_method": _GEOTAG_POINT,
    "address_th": (
        "ที่อยู่ภาษาไทยตามที่แหล่งข้อมูลเผยแพร่",
        "Address in Thai as the source published it."),
    "address_en": (
        "ที่อยู่ภาษาอังกฤษ ว่างเมื่อแหล่งข้อมูลไม่มี",
        "Address in English; null when the source has none."),
    "phone": (
        "หมายเลขโทรศัพท์ของสถานที่ตามที่แหล่งข้อมูลเผยแพร่ ว่างเมื่อไม่มี",
        "The place's phone number as the source published it; null when none."),
    "website": (
        "เว็บไซต์ของสถานที่ (เฉพาะลิงก์ http หรือ https) ว่างเมื่อไม่มี",
        "The place's website (http or https links only); null when none."),
    "tags": (
        "แท็กที่แหล่งข้อมูลกำหนดให้สถานที่",
        "Tags the source gives the place."),
    "source_updated_at": (
        f"เวลาที่แหล่งข้อมูลแก้ไขข้อมูลสถานที่ครั้งล่าสุด ({_TZ_TH} แปลงปี พ.ศ. เป็น ค.ศ. แล้ว) ว่างเมื่อไม่ระบุ",
        f"When the source last updated the place ({_TZ_EN}, Buddhist Era years converted); null when not given."),
    **_seen("สถานที่", "place"),
}

# --- core.complaints ----------------------------------------------------------------------------
COMPLAINT_DOCS: dict[str, tuple[str, str]] = {
    "complaint_id": _stable_id("เรื่องร้องเรียน", "complaint", "เลขที่เรื่องใน Traffy Fondue",
                               "the Traffy Fondue ticket id"),
    "source": (
        "ชื่อแหล่งข้อมูล คือ traffy (แพลตฟอร์มรับเรื่องร้องเรียน Traffy Fondue)",
        "Source of the complaint: traffy (the Traffy Fondue complaint platform)."),
    "ticket_id": (
        "เลขที่เรื่องร้องเรียนใน Traffy Fondue",
        "The ticket's id on Traffy Fondue."),
    "subdistrict_code": (
        "รหัสแขวง (DOPA 6 หลัก) ตามชื่อแขวงในเรื่องร้องเรียน เมื่อแขวงนั้นอยู่ในเขตที่พิกัดตกอยู่ ไม่เช่นนั้นว่าง",
        "Six-digit DOPA subdistrict (khwaeng) code named by the ticket, kept only when that khwaeng lies in "
        "the district the point falls in; otherwise empty."),
    "description_th": (
        "ข้อความร้องเรียนภาษาไทยที่ลบข้อมูลส่วนบุคคลแล้ว (เลขบัตรประชาชน เบอร์โทร อีเมล ไลน์ ทะเบียนรถ และชื่อบุคคล)",
        "The complaint text in Thai, scrubbed of personal data (ID numbers, phones, e-mail, LINE ids, "
        "plates and person names)."),
    "problem_types": (
        "ประเภทปัญหาที่ผู้แจ้งเลือก เป็นป้ายภาษาไทย เช่น ถนน น้ำท่วม ทางเท้า และเป็นรายการว่างเมื่อไม่ได้เลือก",
        "Problem types the reporter chose, as Thai labels (such as ถนน 'road' or น้ำท่วม 'flooding'); empty "
        "when none."),
    "district_code": _district("เขตที่เกิดปัญหาตามเรื่องร้องเรียน", "the district where the reported problem is"),
    "geotag_method": _GEOTAG_POINT,
    "state": (
        "สถานะของเรื่อง ได้แก่ waiting (รอรับเรื่อง) in_progress (กำลังดำเนินการ) forwarded (ส่งต่อ) finished "
        "(เสร็จสิ้น) irrelevant (ไม่เกี่ยวข้อง) และ other",
        "Ticket state: waiting, in_progress, forwarded, finished, irrelevant or other."),
    "reported_at": (
        f"เวลาที่แจ้งเรื่อง ({_TZ_TH})",
        f"When the ticket was filed ({_TZ_EN})."),
    "last_activity_at": (
        f"เวลาที่เรื่องมีความเคลื่อนไหวล่าสุดในระบบต้นทาง ({_TZ_TH}) ว่างเมื่อไม่มีข้อมูล",
        f"When the ticket last changed at the source ({_TZ_EN}); null when not given."),
    "lat": (
        "ละติจูดของจุดที่แจ้ง (WGS84) ปัดเหลือทศนิยม 3 ตำแหน่ง (ประมาณ 110 เมตร) เพื่อให้เห็นถนนแต่ไม่เห็นบ้าน",
        "Latitude of the report (WGS84) rounded to 3 decimals (about 110 m): enough to see the street, not the "
        "house."),
    "lon": (
        "ลองจิจูดของจุดที่แจ้ง (WGS84) ปัดเหลือทศนิยม 3 ตำแหน่ง (ประมาณ 110 เมตร) "
        "เพื่อคุ้มครองความเป็นส่วนตัวของผู้แจ้ง",
        "Longitude of the report (WGS84) rounded to 3 decimals (about 110 m) to protect the reporter's privacy."),
    "via_call_centre": (
        "เป็นจริงเมื่อเรื่องนี้ส่งต่อมาจากศูนย์รับแจ้งทางโทรศัพท์ 1555 ของกรุงเทพมหานคร",
        "True when the ticket was forwarded from the BMA 1555 call centre."),
    **_seen("เรื่องร้องเรียน", "ticket"),
}

# --- core.source_health -------------------------------------------------------------------------
HEALTH_DOCS: dict[str, tuple[str, str]] = {
    "source": (
        "ชื่อแหล่งข้อมูลพันธมิตรตามที่กำหนดใน config/sources.yaml",
        "Partner source name as configured in config/sources.yaml."),
    "title": (
        "ชื่อเต็มของแหล่งข้อมูลสำหรับแสดงผล",
        "Human-readable title of the source."),
    "status": (
        "สถานะของแหล่งข้อมูล ได้แก่ ok (ข้อมูลสดและรอบล่าสุดสำเร็จครบ) degraded (ข้อมูลสดแต่รอบล่าสุดล้มเหลวบางส่วน) "
        "failing (รอบล่าสุดล้มเหลวทั้งหมดหรือไม่เคยสำเร็จ) stale (สำเร็จครั้งล่าสุดนานเกินเป้าหมาย) และ never "
        "(ยังไม่เคยดึงข้อมูล)",
        "Source status: ok (fresh, last pass complete), degraded (fresh, but some units failed in the last pass), "
        "failing (the latest passes failed entirely, or it never succeeded), stale (last success older than the "
        "freshness target) or never (never fetched)."),
    "last_attempt_at": (
        f"เวลาที่รอบดึงข้อมูลล่าสุดจบลง ไม่ว่าจะสำเร็จหรือไม่ ({_TZ_TH})",
        f"When the most recent fetch pass finished, successful or not ({_TZ_EN})."),
    "last_success_at": (
        f"เวลาที่รอบล่าสุดที่ดึงข้อมูลได้อย่างน้อยหนึ่งหน่วยจบลง ({_TZ_TH}) ว่างเมื่อไม่เคยสำเร็จ",
        f"End time of the latest pass in which at least one unit succeeded ({_TZ_EN}); null if none ever did."),
    "last_complete_at": (
        f"เวลาที่รอบล่าสุดที่ดึงข้อมูลสำเร็จครบทุกหน่วยจบลง ({_TZ_TH}) ว่างเมื่อไม่เคยสำเร็จครบ",
        f"End time of the latest pass in which every unit succeeded ({_TZ_EN}); null if none ever did."),
    "consecutive_failures": (
        "จำนวนรอบล่าสุดติดต่อกันที่ล้มเหลวทุกหน่วย เป็น 0 เมื่อรอบล่าสุดดึงข้อมูลได้บ้าง",
        "How many of the latest passes in a row failed in every unit; 0 when the last pass fetched something."),
    "units_failed_last_pass": (
        "จำนวนหน่วยการดึงข้อมูลที่ล้มเหลวในรอบล่าสุด",
        "Number of crawl units that failed in the last pass."),
    "units_last_pass": (
        "จำนวนหน่วยการดึงข้อมูลทั้งหมดในรอบล่าสุด",
        "Number of crawl units in the last pass."),
    "last_error_kind": (
        "ชนิดข้อผิดพลาดในรอบล่าสุดแบบรหัสสั้น เช่น timeout, connection, http_status, robots_disallowed, "
        "too_large, truncated หรือ unusable_content ว่างเมื่อไม่มีข้อผิดพลาด",
        "Short machine-readable kind of error in the last pass, such as timeout, connection, http_status, "
        "robots_disallowed, too_large, truncated or unusable_content; null when nothing failed."),
    "last_error": (
        "ข้อความแสดงข้อผิดพลาดในรอบล่าสุด ว่างเมื่อไม่มีข้อผิดพลาด",
        "Error message from the last pass; null when nothing failed."),
    "freshness_minutes": (
        "เป้าหมายความสดของข้อมูลเป็นนาที ข้อมูลถือว่าสดเมื่อดึงสำเร็จภายในจำนวนนาทีนี้",
        "Freshness target in minutes: the data counts as fresh when a pass succeeded within this many minutes."),
    "minutes_since_success": (
        "จำนวนนาทีตั้งแต่ดึงข้อมูลสำเร็จครั้งล่าสุดจนถึงเวลาตรวจ (ทศนิยม 1 ตำแหน่ง) ว่างเมื่อไม่เคยสำเร็จ",
        "Minutes from the last success to the check time (one decimal); null if it never succeeded."),
    "fresh": (
        "เป็นจริงเมื่อดึงข้อมูลสำเร็จครั้งล่าสุดไม่เกินเป้าหมายความสด (freshness_minutes)",
        "True when the last success is within the freshness target (freshness_minutes)."),
    "checked_at": (
        f"เวลาที่คำนวณสถานะนี้ ({_TZ_TH})",
        f"When this health row was computed ({_TZ_EN})."),
}

# --- core.contacts (reference data) -------------------------------------------------------------
CONTACT_DOCS: dict[str, tuple[str, str]] = {
    "contact_id": (
        "รหัสประจำหมายเลขติดต่อ เขียนด้วยอักษรอังกฤษพิมพ์เล็กคั่นด้วยขีด เช่น bma-hotline-1555 หรือ "
        "district-office-1001 "
        "ซึ่งไม่เปลี่ยนและไม่นำกลับมาใช้ซ้ำ",
        "Stable lowercase slug id such as bma-hotline-1555 or district-office-1001; never renamed or reused."),
    "category": (
        "ประเภทหมายเลข ได้แก่ emergency (เหตุฉุกเฉิน) hotline (สายด่วน) utility (สาธารณูปโภค) district_office "
        "(สำนักงานเขต) transport (การเดินทาง) tourism (การท่องเที่ยว) และ health (สุขภาพ)",
        "Kind of contact: emergency, hotline, utility, district_office, transport, tourism or health."),
    "name_th": (
        "ชื่อหน่วยงานหรือบริการภาษาไทย",
        "Name of the agency or service in Thai."),
    "name_en": (
        "ชื่อหน่วยงานหรือบริการภาษาอังกฤษ",
        "Name of the agency or service in English."),
    "phone": (
        "หมายเลขสำหรับแสดงผล เป็นเลขสั้น เช่น 1555 หรือรูปแบบสากล เช่น +66 2 281 5370",
        "Number for display: a short code such as 1555 or an international form such as +66 2 281 5370."),
    "dial": (
        "ตัวเลขที่ต้องกดเมื่อโทรภายในประเทศไทย เช่น 1555 หรือ 022815370",
        "Digits to dial inside Thailand, such as 1555 or 022815370."),
    "district_code": (
        "รหัสเขตตามกรมการปกครอง (DOPA) 1001–1050 มีเฉพาะสำนักงานเขต หมายเลขประเภทอื่นเป็นค่าว่าง",
        "DOPA district code (1001–1050), for district offices only; null for every other contact."),
    "hours_th": (
        "เวลาทำการภาษาไทย ว่างเมื่อแหล่งอ้างอิงไม่ได้ระบุ",
        "Opening hours in Thai; null when the source does not say."),
    "hours_en": (
        "เวลาทำการภาษาอังกฤษ ว่างเมื่อแหล่งอ้างอิงไม่ได้ระบุ",
        "Opening hours in English; null when the source does not say."),
    "source": (
        "ลิงก์ (http หรือ https) ของหน้าเว็บที่ใช้ตรวจสอบหมายเลขนี้",
        "Link (http or https) to the page the number was checked against."),
    "verified": (
        "เป็นจริงเฉพาะเมื่อมีผู้ตรวจสอบทุกข้อมูลกับหน้าเว็บปัจจุบันของหน่วยงานเจ้าของบริการแล้ว",
        "True only when a person has checked every fact against a current page of the agency that runs the number."),
    "verified_on": (
        "วันที่ตรวจสอบหมายเลขกับแหล่งอ้างอิงครั้งล่าสุด (วันที่เท่านั้น ไม่มีเวลา)",
        "Date the number was last checked against its source (a date, no time)."),
    "note_th": (
        "หมายเหตุเพิ่มเติมภาษาไทย ว่างเมื่อไม่มี",
        "Extra note in Thai; null when none."),
    "note_en": (
        "หมายเหตุเพิ่มเติมภาษาอังกฤษ ว่างเมื่อไม่มี",
        "Extra note in English; null when none."),
}

# --- core.guides (reference data) ---------------------------------------------------------------
GUIDE_DOCS: dict[str, tuple[str, str]] = {
    "guide_id": (
        "รหัสประจำคู่มือ เขียนด้วยอักษรอังกฤษพิมพ์เล็กคั่นด้วยขีด เช่น id-card ซึ่งไม่เปลี่ยนและไม่นำกลับมาใช้ซ้ำ",
        "Stable lowercase slug id such as id-card; never renamed or reused."),
    "title_th": (
        "ชื่อคู่มือบริการภาษาไทย",
        "Title of the service guide in Thai."),
    "title_en": (
        "ชื่อคู่มือบริการภาษาอังกฤษ",
        "Title of the service guide in English."),
    "summary_th": (
        "สรุปสั้น ๆ ภาษาไทยว่าบริการนี้คืออะไรและใครต้องใช้",
        "Short Thai summary of the service and who needs it."),
    "summary_en": (
        "สรุปสั้น ๆ ภาษาอังกฤษว่าบริการนี้คืออะไรและใครต้องใช้",
        "Short English summary of the service and who needs it."),
    "steps": (
        "ขั้นตอนการขอรับบริการตามลำดับ เก็บเป็นข้อความ JSON รายการของ {\"th\", \"en\"}",
        "Steps to follow, in order, as JSON text: a list of {\"th\", \"en\"}."),
    "documents": (
        "เอกสารที่ต้องนำไป เก็บเป็นข้อความ JSON รายการของ {\"th\", \"en\"}",
        "Documents to bring, as JSON text: a list of {\"th\", \"en\"}."),
    "fee_thb": (
        "ค่าธรรมเนียมเป็นบาท 0 หมายถึงไม่เสียค่าใช้จ่าย และว่างเมื่อค่าธรรมเนียมไม่แน่นอนหรือยังไม่ได้ยืนยัน (ดู "
        "fee_note)",
        "Fee in Thai baht: 0 means free; null when it varies or is not confirmed (see fee_note_th/fee_note_en)."),
    "fee_note_th": (
        "คำอธิบายค่าธรรมเนียมภาษาไทย จำเป็นต้องมีเมื่อ fee_thb ว่าง",
        "Thai note on the fee, required when fee_thb is null."),
    "fee_note_en": (
        "คำอธิบายค่าธรรมเนียมภาษาอังกฤษ จำเป็นต้องมีเมื่อ fee_thb ว่าง",
        "English note on the fee, required when fee_thb is null."),
    "where_th": (
        "สถานที่ที่ต้องไปติดต่อ เป็นภาษาไทย เช่น ฝ่ายทะเบียนของสำนักงานเขต",
        "Where to go, in Thai, such as a district office's registration section."),
    "where_en": (
        "สถานที่ที่ต้องไปติดต่อ เป็นภาษาอังกฤษ",
        "Where to go, in English, such as a district office's registration section."),
    "online_url": (
        "ลิงก์ (http หรือ https) สำหรับทำเรื่องออนไลน์ ว่างเมื่อไม่มีช่องทางออนไลน์",
        "Link (http or https) to do it online; null when there is no online channel."),
    "queue_booking_url": (
        "ลิงก์ (http หรือ https) สำหรับจองคิวล่วงหน้า ว่างเมื่อไม่มี",
        "Link (http or https) to book a queue in advance; null when none."),
    "related_contact_ids": (
        "รหัส contact_id ของหมายเลขติดต่อที่เกี่ยวข้องในตาราง contacts",
        "contact_id values of related entries in the contacts table."),
    "sources": (
        "ลิงก์ (http หรือ https) ของหน้าเว็บที่ใช้อ้างอิงในการเขียนคู่มือ",
        "Links (http or https) to the pages the guide was written from."),
    "verified": (
        "เป็นจริงเฉพาะเมื่อมีผู้ตรวจสอบทุกขั้นตอน เอกสาร ค่าธรรมเนียม และลิงก์กับหน้าเว็บของหน่วยงานแล้ว",
        "True only when a person has checked every step, document, fee and link against the agency's pages."),
    "updated_on": (
        "วันที่แก้ไขหรือตรวจสอบคู่มือครั้งล่าสุด (วันที่เท่านั้น ไม่มีเวลา)",
        "Date the guide was last edited or checked (a date, no time)."),
    "review_note": (
        "บันทึกสำหรับผู้ตรวจทาน (ภาษาอังกฤษ) ว่าต้องตรวจสอบอะไรก่อน จำเป็นต้องมีเมื่อคู่มือยังไม่ได้รับการยืนยัน",
        "Note for reviewers (in English) saying what to check first; required while the guide is unverified."),
}

VERSION_DOCS = {
    "alert_id": ("รหัสการแจ้งเตือน ตรงกับ alert_id ในตาราง alerts",
                 "The alert's id, as in the alerts table."),
    "version": ("ลำดับรุ่นของการแจ้งเตือน เริ่มที่ 1 และเพิ่มขึ้นทุกครั้งที่เนื้อหาเปลี่ยน",
                "Version of the alert: 1, then one more each time its content changed."),
    "msg_type": ("ชนิดข้อความแบบ CAP ของรุ่นนี้ คือ Alert, Update หรือ Cancel",
                 "CAP message type of this version: Alert, Update or Cancel."),
    "issued_at": (f"เวลาที่ระบบออกการแจ้งเตือนรุ่นนี้ครั้งแรก ใช้เป็นเวลา sent ของข้อความ CAP ({_TZ_TH})",
                  f"When the hub first issued this version; the sent time of its CAP message ({_TZ_EN})."),
}

COLUMN_DOCS: dict[str, dict[str, tuple[str, str]]] = {
    "alert_versions": VERSION_DOCS,
    "alerts": ALERT_DOCS,
    "events": EVENT_DOCS,
    "news": NEWS_DOCS,
    "factchecks": FACTCHECK_DOCS,
    "places": PLACE_DOCS,
    "complaints": COMPLAINT_DOCS,
    "source_health": HEALTH_DOCS,
    "contacts": CONTACT_DOCS,
    "guides": GUIDE_DOCS,
}

# Where each table's column dict (column -> DuckDB type) is defined, imported only on demand.
COLUMN_SOURCES: dict[str, tuple[str, str]] = {
    "alert_versions": ("model.alert_versions", "VERSION_COLUMNS"),
    "alerts": ("model.core_tables", "ALERT_COLUMNS"),
    "events": ("model.core_tables", "EVENT_COLUMNS"),
    "news": ("model.city_info", "NEWS_COLUMNS"),
    "factchecks": ("model.city_info", "FACTCHECK_COLUMNS"),
    "places": ("model.city_info", "PLACE_COLUMNS"),
    "complaints": ("model.city_info", "COMPLAINT_COLUMNS"),
    "source_health": ("model.source_health", "HEALTH_COLUMNS"),
    "contacts": ("scrapers.reference_data", "CONTACT_COLUMNS"),
    "guides": ("scrapers.reference_data", "GUIDE_COLUMNS"),
}


def table_columns(table: str) -> dict[str, str]:
    """The column dict (column -> DuckDB type) of a core table, e.g. `table_columns("alerts")`."""
    if table not in COLUMN_SOURCES:
        raise KeyError(f"unknown core table {table!r}; known: {', '.join(COLUMN_SOURCES)}")
    module, name = COLUMN_SOURCES[table]
    return getattr(import_module(module), name)


def describe(table: str, column: str) -> str:
    """'English / Thai' description of one column; KeyError naming the table or column if undocumented."""
    if table not in COLUMN_DOCS:
        raise KeyError(f"no column docs for table {table!r}; known: {', '.join(COLUMN_DOCS)}")
    docs = COLUMN_DOCS[table]
    if column not in docs:
        raise KeyError(f"column {column!r} of table {table!r} has no description in model/column_docs.py")
    th, en = docs[column]
    return f"{en} / {th}"


def table_schema(table: str, columns: dict[str, str]):
    """`dagster.TableSchema` of `columns` (column -> DuckDB type) with bilingual descriptions.

    Raises KeyError naming the first column of `columns` that has no description.
    """
    import dagster as dg

    return dg.TableSchema(columns=[dg.TableColumn(name, type_, description=describe(table, name))
                                   for name, type_ in columns.items()])
