"""Sample BMA press-release feed (prbangkok.com-style WordPress RSS 2.0 in Thai).

No real capture exists (PARTNER_FORMATS.md §5), so the shape is WordPress's own: `/feed/` and
`/feed/?paged=N` with 10 items a page and a 404 past the last page, numeric guids with
isPermaLink="false", `content:encoded` in CDATA, a `description` excerpt ending in "[&#8230;]",
categories and tags both as `<category>`. Quirks kept on purpose: a UTF-8 BOM on page 1 and a blank
line before `<?xml` on page 2 (a plugin echoing whitespace), one pubDate in GMT, one written by a
Thai-locale date_i18n ("พ., 25 พ.ย. 2569 09:30:00 +0700"), a lazy-loaded image (`data-src` with a
data: placeholder), one image as an `<enclosure>`, an over-long excerpt, an XSS payload in one
body, and two malformed items (no title; an impossible pubDate) that the parser must quarantine.
Content is a pure function of `today`, so a second pass sees identical bytes (and gets 304s).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from hub.thai_text import normalize_thai
from sample_sites.server import Page
from sample_sites.thai_calendar import BANGKOK, MONTHS_ABBR, today_bangkok

FEED_PATH = "/feed/"
PAGE_SIZE = 10
SITE = "https://www.prbangkok.com"
THAI_WEEKDAY_ABBR = ["จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส.", "อา."]
DISTRICTS = ["พระนคร", "ดุสิต", "บางรัก", "ปทุมวัน", "จตุจักร", "ลาดพร้าว", "บางเขน", "วัฒนา", "คลองเตย", "บางกะปิ"]

# (categories, title, paragraphs); {d} is a district name.
TEMPLATES = [
    (("ข่าวผู้ว่าฯ", "น้ำท่วม"), "ผู้ว่าฯ กทม. ลงพื้นที่ติดตามการแก้ไขปัญหาน้ำท่วมขัง เขต{d}",
     ["ผู้ว่าราชการกรุงเทพมหานครลงพื้นที่เขต{d} ติดตามการเร่งระบายน้ำในจุดที่มีน้ำท่วมขังซ้ำซาก",
      "สำนักการระบายน้ำเตรียมเครื่องสูบน้ำเคลื่อนที่และเจ้าหน้าที่ประจำจุดตลอด 24 ชั่วโมง"]),
    (("ข่าวสำนักงานเขต",), "สำนักงานเขต{d} จัดระเบียบทางเท้า คืนพื้นที่ให้ประชาชน",
     ["สำนักงานเขต{d} ร่วมกับเทศกิจ จัดระเบียบผู้ค้าบนทางเท้าตามจุดผ่อนผัน",
      "ประชาชนสามารถแจ้งปัญหาทางเท้าผ่านระบบ Traffy Fondue ได้ตลอดเวลา"]),
    (("ชี้แจงประเด็นร้อน", "ข่าวผู้ว่าฯ"), "กทม. ชี้แจงกรณีถนนทรุดตัว บริเวณเขต{d} เร่งซ่อมแซมให้แล้วเสร็จ",
     ["ตามที่มีการเผยแพร่ภาพถนนทรุดตัวในพื้นที่เขต{d} กรุงเทพมหานครขอชี้แจงว่าได้ตรวจสอบแล้ว",
      "สาเหตุเกิดจากท่อประปาแตกใต้ผิวจราจร ได้ประสานการประปานครหลวงซ่อมแซมแล้ว"]),
    (("ประกาศ",), "ประกาศกรุงเทพมหานคร เรื่อง ปิดการจราจรชั่วคราวเพื่อก่อสร้างท่อระบายน้ำ เขต{d}",
     ["กรุงเทพมหานครจะปิดการจราจรชั่วคราวหนึ่งช่องทางในพื้นที่เขต{d} เพื่อก่อสร้างท่อระบายน้ำ",
      "ขอให้ผู้ใช้รถใช้ถนนหลีกเลี่ยงเส้นทางดังกล่าว และปฏิบัติตามสัญญาณของเจ้าหน้าที่"]),
    (("ข่าวสำนักงานเขต", "สุขภาพ"), "เขต{d} ชวนนำสุนัขและแมวรับวัคซีนป้องกันโรคพิษสุนัขบ้า ฟรี",
     ["สำนักงานเขต{d} ร่วมกับสำนักอนามัย ให้บริการฉีดวัคซีนป้องกันโรคพิษสุนัขบ้าฟรี",
      "นำสัตว์เลี้ยงที่มีอายุตั้งแต่ 2 เดือนขึ้นไปมารับบริการได้ที่สำนักงานเขต"]),
    (("ข่าวผู้ว่าฯ", "สิ่งแวดล้อม"), "ผู้ว่าฯ กทม. ประชุมเตรียมรับมือฝุ่น PM2.5 ช่วงฤดูหนาว & ตรวจรถควันดำ",
     ["กรุงเทพมหานครประชุมหน่วยงานที่เกี่ยวข้องเพื่อเตรียมรับมือสถานการณ์ฝุ่นละอองขนาดเล็ก",
      "เขต{d} เพิ่มจุดตรวจวัดควันดำและขอความร่วมมืองดเผาในที่โล่ง"]),
    (("ชี้แจง", "ขยะ"), "กทม. ชี้แจงกรณีข่าวปรับขึ้นค่าธรรมเนียมเก็บขนมูลฝอย",
     ["กรุงเทพมหานครขอชี้แจงว่าอัตราค่าธรรมเนียมเก็บขนมูลฝอยยังคงเดิม",
      "ผู้ที่คัดแยกขยะสามารถลงทะเบียนเพื่อรับอัตราพิเศษได้ที่สำนักงานเขต{d}"]),
    (("ประกาศ", "รับสมัคร"), "ประกาศรับสมัครอาสาสมัครเทศกิจ ประจำสำนักงานเขต{d}",
     ["สำนักงานเขต{d} เปิดรับสมัครอาสาสมัครเทศกิจ เพื่อดูแลความเรียบร้อยในพื้นที่",
      "ผู้สนใจสมัครได้ด้วยตนเองในวันและเวลาราชการ"]),
]
XSS_SCRIPT = "<script>alert('xss')</script>"
XSS_IMG = "<img src=x onerror=alert(document.cookie)>"
XSS_LINK = '<a href="javascript:alert(1)">รายละเอียดเพิ่มเติม</a>'
LONG_EXTRA = ("กรุงเทพมหานครขอความร่วมมือประชาชนติดตามข่าวสารจากช่องทางทางการของกรุงเทพมหานคร "
              "และตรวจสอบข้อเท็จจริงก่อนส่งต่อข้อมูล ") * 8


def _kind(categories: tuple[str, ...]) -> str:
    if any("ชี้แจง" in c for c in categories):
        return "clarification"
    if any("ประกาศ" in c for c in categories):
        return "announcement"
    return "news"


@dataclass(frozen=True)
class PressRelease:
    release_id: str
    title_th: str                  # as written in the feed ("" for the malformed one)
    categories: tuple[str, ...]
    paragraphs: tuple[str, ...]    # the body's visible text, paragraph by paragraph
    excerpt: str                   # description text before "[…]"
    published_at: datetime
    pub_date_text: str
    image_url: str | None
    image_style: str               # "src", "lazy", "enclosure" or "none"
    xss: bool
    malformed: str | None          # why the parser must quarantine it, or None

    @property
    def kind(self) -> str:
        return _kind(self.categories)

    @property
    def link(self) -> str:
        return f"{SITE}/?p={self.release_id}"

    @property
    def body_th(self) -> str:
        return normalize_thai(" ".join(self.paragraphs))


def _thai_locale_date(moment: datetime) -> str:
    local = moment.astimezone(BANGKOK)
    return (f"{THAI_WEEKDAY_ABBR[local.weekday()]}, {local.day} {MONTHS_ABBR[local.month - 1]} {local.year + 543} "
            f"{local:%H:%M:%S} +0700")


def releases(today: date, count: int = 32) -> list[PressRelease]:
    """Newest first, one every 7 hours back from today 09:30 Bangkok."""
    newest = datetime.combine(today, time(9, 30), tzinfo=BANGKOK)
    out = []
    for i in range(count):
        categories, title, paragraphs = TEMPLATES[i % len(TEMPLATES)]
        district = DISTRICTS[(i * 3) % len(DISTRICTS)]
        published = newest - timedelta(hours=7 * i)
        release_id = str(187_400 - i * 3)
        pub_date = format_datetime(published)                                  # "+0700"
        if i == 4:
            pub_date = format_datetime(published.astimezone(timezone.utc), usegmt=True)
        elif i == 9:
            pub_date = _thai_locale_date(published)
        malformed = None
        title_text = title.format(d=district)
        if i == 7:
            title_text, malformed = "", "no title"
        elif i == 13:
            # An impossible clock time: the date itself reads, the item must still be quarantined.
            pub_date = f"{published:%a}, {published.day} {published:%b} {published.year} 25:70:00 +0700"
            malformed = "date"
        body = [p.format(d=district) for p in paragraphs]
        xss = i == 2
        if xss:
            body.append("รายละเอียดเพิ่มเติม")
        if i == 5:
            body.append(LONG_EXTRA.strip())
        excerpt = body[0] if i != 5 else " ".join(body)
        style = "none" if i % 6 == 3 else ("lazy" if i == 1 else "enclosure" if i == 8 else "src")
        image = None if style == "none" else f"{SITE}/wp-content/uploads/{published:%Y/%m}/pr-{release_id}.jpg"
        out.append(PressRelease(release_id, title_text, categories, tuple(body), excerpt, published, pub_date,
                                image, style, xss, malformed))
    return out


def _item_xml(r: PressRelease) -> str:
    html_parts = [f"<p>{escape(r.paragraphs[0])}</p>"]
    if r.image_style == "src":
        html_parts.append(f'<p><img class="wp-image" src="{r.image_url}" alt="" width="1024" height="683"></p>')
    elif r.image_style == "lazy":
        html_parts.append('<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" '
                          f'data-src="{r.image_url}" class="lazyload" alt=""></p>')
    if r.xss:
        html_parts.append(XSS_SCRIPT + XSS_IMG)
        html_parts.extend(f"<p>{escape(p)}</p>" for p in r.paragraphs[1:-1])
        html_parts.append(f"<p>{XSS_LINK}</p>")
    else:
        html_parts.extend(f"<p>{escape(p)}</p>" for p in r.paragraphs[1:])
    categories = "".join(f"<category><![CDATA[{c}]]></category>" for c in r.categories)
    enclosure = (f'<enclosure url={quoteattr(r.image_url)} length="48213" type="image/jpeg" />'
                 if r.image_style == "enclosure" else "")
    # WordPress writes typographic characters as numeric references in titles.
    title = escape(r.title_th).replace("&amp;", "&#038;")
    return (
        "<item>"
        f"<title>{title}</title>"
        f"<link>{r.link}</link>"
        "<dc:creator><![CDATA[กองประชาสัมพันธ์]]></dc:creator>"
        f"<pubDate>{r.pub_date_text}</pubDate>"
        f"{categories}"
        f'<guid isPermaLink="false">{r.release_id}</guid>'
        f"<description><![CDATA[{r.excerpt} [&#8230;]]]></description>"
        f"<content:encoded><![CDATA[{''.join(html_parts)}]]></content:encoded>"
        f"{enclosure}"
        "</item>"
    )


class BmaPress:
    name = "bma_press"

    def __init__(self, today: date | None = None, count: int = 32):
        self.today = today or today_bangkok()
        self.releases = releases(self.today, count)

    # -- what the tests compare against ----------------------------------------------------------
    def expected_releases(self) -> list[PressRelease]:
        return [r for r in self.releases if r.malformed is None]

    def expected_quarantined(self) -> dict[str, str]:
        """release_id -> a word the quarantine reason must contain."""
        return {r.release_id: r.malformed for r in self.releases if r.malformed}

    @property
    def pages(self) -> int:
        return -(-len(self.releases) // PAGE_SIZE)

    # -- HTTP ---------------------------------------------------------------------------------------
    def page(self, path: str, query: dict[str, list[str]]) -> Page | None:
        if path.rstrip("/") != FEED_PATH.rstrip("/"):
            return None
        try:
            number = int((query.get("paged") or ["1"])[0])
        except ValueError:
            return None
        if not 1 <= number <= self.pages:
            return None        # WordPress: 404 past the last page
        chunk = self.releases[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
        build = max(r.published_at for r in self.releases)
        document = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">'
            "<channel><title>กรุงเทพมหานคร &#8211; ข่าวประชาสัมพันธ์</title>"
            f"<link>{SITE}</link><description>ข่าวสารจากกองประชาสัมพันธ์ กรุงเทพมหานคร</description>"
            f"<lastBuildDate>{format_datetime(build)}</lastBuildDate><language>th</language>"
            "<generator>https://wordpress.org/?v=6.6.2</generator>"
            + "".join(_item_xml(r) for r in chunk)
            + "</channel></rss>"
        )
        prefix = b"\xef\xbb\xbf" if number == 1 else b"\n" if number == 2 else b""
        return Page(prefix + document.encode("utf-8"), "application/rss+xml; charset=UTF-8")
