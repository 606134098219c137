"""Sample fact-check feed (Anti-Fake News Center / Cofact style RSS 2.0) at /rss/factcheck.xml.

The verdict is written the ways these centres write it: a title prefix ("ข่าวปลอม อย่าแชร์! …",
"ข่าวจริง …", "ข่าวบิดเบือน …", "บิดเบือน …", "[ข่าวปลอม] …"), a `<category>`, both, or neither
(unverified). Quirks kept on purpose: the feed is windows-874, declared only in the XML declaration
(the Content-Type has no charset, and Python has no codec called "windows-874"); some pubDates are
GMT; one description carries an HTML-entity-escaped `<script>` (escaped twice, so one round of
unescaping leaves the tag as text), another an `<img onerror>` and a javascript: link. Two items are
malformed: one has no title, one whose category contradicts its title prefix.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape

from hub.thai_text import normalize_thai
from sample_sites.server import Page
from sample_sites.thai_calendar import BANGKOK, today_bangkok

FEED_PATH = "/rss/factcheck.xml"
SITE = "https://www.antifakenewscenter.com"
LABELS = {"false": "ข่าวปลอม", "true": "ข่าวจริง", "misleading": "ข่าวบิดเบือน"}

# (verdict, how it is written, claim, topics, explanation)
CLAIMS = [
    ("false", "prefix_dont_share", "กทม. แจกเงินเยียวยาน้ำท่วมครัวเรือนละ 5,000 บาท ผ่านลิงก์ลงทะเบียนทางไลน์",
     ("ภัยพิบัติ", "การเงิน"), "กรุงเทพมหานครไม่มีนโยบายแจกเงินผ่านลิงก์ทางไลน์ ขออย่าหลงเชื่อและอย่ากดลิงก์"),
    ("true", "prefix", "กทม. เปิดให้รับถุงทรายป้องกันน้ำท่วมฟรีที่สำนักงานเขต",
     ("ภัยพิบัติ",), "สำนักงานเขตทุกแห่งมีถุงทรายให้ประชาชนรับฟรี ตามที่ได้ประกาศไว้"),
    ("misleading", "prefix_dont_share", "BTS ปิดให้บริการทุกสถานีตลอดวันเสาร์นี้",
     ("คมนาคม",), "BTS ปิดให้บริการเพียงบางสถานีในช่วงเช้าเพื่อซ่อมบำรุง ไม่ได้ปิดทุกสถานีตลอดวัน"),
    ("misleading", "prefix_short", "รถไฟฟ้าสายสีม่วงขึ้นค่าโดยสารเป็น 70 บาทตลอดสาย",
     ("คมนาคม", "ค่าครองชีพ"), "อัตราค่าโดยสารสูงสุดยังคงเดิม ข้อความที่ส่งต่อตัดข้อมูลบางส่วนออกไป"),
    ("false", "bracket", "ดื่มน้ำประปา กทม. ช่วงนี้ทำให้ท้องเสีย",
     ("สุขภาพ",), "การประปานครหลวงยืนยันว่าน้ำประปามีคุณภาพตามมาตรฐานองค์การอนามัยโลก"),
    ("false", "category", "กทม. เก็บค่าธรรมเนียมรถเข้าเมืองชั้นในวันละ 200 บาท เริ่มเดือนหน้า",
     ("คมนาคม", "นโยบาย"), "ยังไม่มีการเก็บค่าธรรมเนียมดังกล่าว เป็นเพียงแนวคิดที่อยู่ระหว่างศึกษา"),
    ("unverified", "none", "กทม. เตรียมปิดถนนข้าวสารตลอดเดือนเมษายน",
     ("เทศกาล",), "อยู่ระหว่างการตรวจสอบข้อเท็จจริงกับสำนักงานเขตพระนคร"),
    ("true", "both", "กทม. ขยายเวลาเปิดสวนลุมพินีถึง 22.00 น.",
     ("สวนสาธารณะ",), "สำนักสิ่งแวดล้อมประกาศขยายเวลาเปิดสวนลุมพินีจริง"),
    ("false", "prefix_dont_share", "คลิปน้ำท่วมสูง 2 เมตรที่ถนนสุขุมวิทเมื่อวานนี้",
     ("ภัยพิบัติ",), "คลิปดังกล่าวเป็นภาพเหตุการณ์เก่าตั้งแต่ปี 2554 ไม่ใช่เหตุการณ์ล่าสุด"),
    ("misleading", "category", "ฝุ่น PM2.5 กรุงเทพฯ สูงที่สุดในโลกทุกวัน",
     ("สิ่งแวดล้อม", "สุขภาพ"), "ค่าฝุ่นสูงในบางวัน แต่ไม่ได้สูงที่สุดในโลกทุกวันตามที่กล่าวอ้าง"),
    ("true", "prefix", "สำนักงานเขตเปิดให้บริการทำบัตรประชาชนวันเสาร์",
     ("บริการประชาชน",), "สำนักงานเขตที่กำหนดเปิดให้บริการงานทะเบียนในวันเสาร์จริง"),
    ("false", "prefix_dont_share", "ลงทะเบียนรับบัตรโดยสารรถเมล์ฟรีตลอดปี ผ่านเว็บไซต์ที่ไม่ใช่ของรัฐ",
     ("คมนาคม", "การเงิน"), "เป็นเว็บไซต์ปลอมที่หลอกเอาข้อมูลส่วนบุคคล"),
    ("unverified", "none", "มีการพบจระเข้ในคลองแสนแสบ",
     ("สัตว์",), "เจ้าหน้าที่อยู่ระหว่างลงพื้นที่ตรวจสอบ"),
    ("false", "category", "กินกระเทียมป้องกันโรคไข้เลือดออกได้",
     ("สุขภาพ",), "ไม่มีหลักฐานทางการแพทย์ว่ากระเทียมป้องกันไข้เลือดออก ควรกำจัดแหล่งเพาะพันธุ์ยุงลาย"),
    ("misleading", "prefix_dont_share", "ห้ามจอดรถริมถนนทั่วกรุงเทพฯ ทุกเส้นทางตั้งแต่พรุ่งนี้",
     ("คมนาคม",), "ห้ามจอดเฉพาะถนนสายหลักบางสายในช่วงเวลาเร่งด่วน"),
    ("true", "both", "กทม. เปิดศูนย์พักพิงชั่วคราวสำหรับผู้ประสบอุทกภัย",
     ("ภัยพิบัติ",), "กรุงเทพมหานครเปิดศูนย์พักพิงในโรงเรียนสังกัด กทม. ตามประกาศ"),
    ("false", "prefix_dont_share", "กทม. ตัดน้ำประปาทั้งเมือง 3 วัน",
     ("สาธารณูปโภค",), "ไม่มีการตัดน้ำทั้งเมือง มีเพียงการหยุดจ่ายน้ำบางพื้นที่ตามประกาศของการประปานครหลวง"),
    ("unverified", "none", "ตลาดนัดจตุจักรจะย้ายไปเปิดที่ใหม่ปีหน้า",
     ("เศรษฐกิจ",), "ยังไม่มีประกาศอย่างเป็นทางการ"),
]
# Escaped twice inside the feed: once for XML, once more by a CMS that escaped its own HTML.
ESCAPED_SCRIPT_XML = "&amp;lt;script&amp;gt;alert(&amp;#39;fake&amp;#39;)&amp;lt;/script&amp;gt;"
XSS_HTML = '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">ดูต้นฉบับ</a>'


@dataclass(frozen=True)
class FactCheck:
    factcheck_id: str
    title: str
    claim_th: str
    verdict: str
    label: str | None
    categories: tuple[str, ...]
    topics: tuple[str, ...]
    explanation_th: str
    published_at: datetime
    pub_date_text: str
    payload: str | None              # "escaped_script", "xss" or None
    malformed: str | None            # word the quarantine reason must contain, or None

    @property
    def link(self) -> str:
        return f"{SITE}/factcheck/{self.factcheck_id}/"


def _title(verdict: str, style: str, claim: str) -> tuple[str, str | None]:
    label = LABELS.get(verdict)
    if style == "prefix_dont_share":
        return f"{label} อย่าแชร์! {claim}", label
    if style in ("prefix", "both"):
        return f"{label} {claim}", label
    if style == "prefix_short":
        return f"บิดเบือน {claim}", "บิดเบือน"
    if style == "bracket":
        return f"[{label}] {claim}", label
    return claim, (label if style == "category" else None)


def factchecks(today: date) -> list[FactCheck]:
    newest = datetime.combine(today, time(16, 0), tzinfo=BANGKOK)
    out = []
    for i, (verdict, style, claim, topics, explanation) in enumerate(CLAIMS):
        published = newest - timedelta(hours=11 * i)
        pub_date = (format_datetime(published.astimezone(timezone.utc), usegmt=True) if i % 5 == 2
                    else format_datetime(published))
        title, label = _title(verdict, style, claim)
        categories = ((LABELS[verdict],) if style in ("category", "both") else ()) + topics
        payload = "escaped_script" if i == 3 else "xss" if i == 8 else None
        out.append(FactCheck(str(40_512 - i * 7), title, claim, verdict, label, categories, topics, explanation,
                             published, pub_date, payload, None))
    # Malformed: no title; a category that contradicts the title prefix.
    moment = newest - timedelta(hours=5)
    out.insert(4, FactCheck("40499", "", "", "false", None, ("ข่าวปลอม", "สุขภาพ"), ("สุขภาพ",),
                            "คำอธิบายของรายการที่ไม่มีหัวข้อ", moment, format_datetime(moment), None, "title"))
    moment = newest - timedelta(hours=30)
    out.insert(9, FactCheck("40455", "ข่าวปลอม อย่าแชร์! กทม. แจกถุงยังชีพทุกบ้าน", "กทม. แจกถุงยังชีพทุกบ้าน",
                            "true", "ข่าวจริง", ("ข่าวจริง", "ภัยพิบัติ"), ("ภัยพิบัติ",),
                            "ป้ายกำกับขัดกับหัวข้อ", moment, format_datetime(moment), None, "contradicts"))
    return out


def _item_xml(f: FactCheck) -> str:
    description = f"&lt;p&gt;{escape(escape(f.explanation_th))}&lt;/p&gt;"
    if f.payload == "escaped_script":
        description += ESCAPED_SCRIPT_XML
    elif f.payload == "xss":
        description = f"<![CDATA[<p>{escape(f.explanation_th)}</p>{XSS_HTML}]]>"
    categories = "".join(f"<category>{escape(c)}</category>" for c in f.categories)
    return (f"<item><title>{escape(f.title)}</title><link>{f.link}</link><guid>{f.link}</guid>"
            f"<pubDate>{f.pub_date_text}</pubDate>{categories}<description>{description}</description></item>")


class FactChecks:
    name = "factchecks"

    def __init__(self, today: date | None = None):
        self.today = today or today_bangkok()
        self.items = factchecks(self.today)

    def expected_factchecks(self) -> list[FactCheck]:
        return [f for f in self.items if f.malformed is None]

    def expected_quarantined(self) -> dict[str, str]:
        return {f.factcheck_id: f.malformed for f in self.items if f.malformed}

    @staticmethod
    def expected_explanation(f: FactCheck) -> str:
        extra = " ดูต้นฉบับ" if f.payload == "xss" else ""
        return normalize_thai(f.explanation_th + extra)

    def page(self, path: str, query: dict[str, list[str]]) -> Page | None:
        if path != FEED_PATH:
            return None
        document = (
            '<?xml version="1.0" encoding="windows-874"?>\n'
            '<rss version="2.0"><channel><title>ศูนย์ต่อต้านข่าวปลอม - ตรวจสอบข่าว</title>'
            f"<link>{SITE}</link><description>ผลการตรวจสอบข่าว</description><language>th-TH</language>"
            + "".join(_item_xml(f) for f in self.items)
            + "</channel></rss>"
        )
        return Page(document.encode("cp874"), "text/xml")
