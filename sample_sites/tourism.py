"""Sample TAT-style bilingual places API: Bangkok attractions, restaurants, OTOP shops and festivals.

`GET /api/v2/places?category=attraction|restaurant|shop|festival&page=N` answers
`{"result": {"page", "pages", "total"}, "data": [...]}`, 8 records a page. Quirks kept on purpose:
coordinates as strings (one in Thai digits, a city-wide festival with blank ones), empty English
names and descriptions, HTML in descriptions with an XSS payload in one, a `javascript:` website,
festival dates in Buddhist Era on some records ("2569-11-20"), `updated_at` written three ways
(ISO with offset, naive Bangkok, naive with a BE year), a duplicated tag, one place outside
Bangkok (the API is national), and one malformed record (no name, unreadable coordinates).
Content is a pure function of `today`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from hub.thai_text import normalize_thai
from sample_sites.server import Page
from sample_sites.thai_calendar import BANGKOK, THAI_DIGITS, today_bangkok

API_PATH = "/api/v2/places"
PAGE_SIZE = 8
CATEGORIES = ("attraction", "restaurant", "shop", "festival")
PREFIX = {"attraction": "P03", "restaurant": "P09", "shop": "P10", "festival": "P08"}

# (name_th, name_en, lat, lon, district_th, website)
ATTRACTIONS = [
    ("วัดพระศรีรัตนศาสดาราม (วัดพระแก้ว)", "Temple of the Emerald Buddha (Wat Phra Kaew)", 13.7516, 100.4927, "พระนคร",
     "https://www.royalgrandpalace.th"),
    ("วัดพระเชตุพนวิมลมังคลาราม (วัดโพธิ์)", "Wat Pho", 13.7465, 100.4930, "พระนคร", "https://www.watpho.com"),
    ("วัดอรุณราชวราราม", "Wat Arun", 13.7437, 100.4889, "บางกอกใหญ่", ""),
    ("พระบรมมหาราชวัง", "The Grand Palace", 13.7500, 100.4913, "พระนคร", "https://www.royalgrandpalace.th"),
    ("วัดสระเกศ (ภูเขาทอง)", "Wat Saket (Golden Mount)", 13.7538, 100.5067, "ป้อมปราบศัตรูพ่าย", ""),
    ("วัดเบญจมบพิตรดุสิตวนาราม", "Wat Benchamabophit", 13.7665, 100.5141, "ดุสิต", ""),
    ("พิพิธภัณฑสถานแห่งชาติ พระนคร", "Bangkok National Museum", 13.7577, 100.4925, "พระนคร", ""),
    ("มิวเซียมสยาม", "Museum Siam", 13.7443, 100.4940, "พระนคร", "https://www.museumsiam.org"),
    ("บ้านจิม ทอมป์สัน", "Jim Thompson House", 13.7493, 100.5283, "ปทุมวัน", "https://www.jimthompsonhouse.com"),
    ("สวนลุมพินี", "Lumphini Park", 13.7315, 100.5418, "ปทุมวัน", ""),
    ("สวนเบญจกิติ", "Benjakitti Forest Park", 13.7296, 100.5589, "คลองเตย", ""),
    ("เสาชิงช้า", "Giant Swing", 13.7517, 100.5013, "พระนคร", ""),
    ("อนุสาวรีย์ประชาธิปไตย", "Democracy Monument", 13.7566, 100.5018, "พระนคร", ""),
    ("เยาวราช", "Yaowarat (Chinatown)", 13.7398, 100.5097, "สัมพันธวงศ์", ""),
    ("ตลาดน้อย", "", 13.7327, 100.5134, "สัมพันธวงศ์", ""),
    ("ถนนข้าวสาร", "Khao San Road", 13.7589, 100.4974, "พระนคร", ""),
    ("เอเชียทีค เดอะ ริเวอร์ฟร้อนท์", "Asiatique The Riverfront", 13.7045, 100.5031, "บางคอแหลม",
     "javascript:alert(document.domain)"),
    ("หอศิลปวัฒนธรรมแห่งกรุงเทพมหานคร", "Bangkok Art and Culture Centre", 13.7467, 100.5302, "ปทุมวัน",
     "https://www.bacc.or.th"),
    ("วัดราชนัดดาราม (โลหะปราสาท)", "Wat Ratchanatdaram (Loha Prasat)", 13.7547, 100.5036, "พระนคร", ""),
    ("ตลาดน้ำตลิ่งชัน", "Taling Chan Floating Market", 13.7764, 100.4566, "ตลิ่งชัน", ""),
    ("อุทยานประวัติศาสตร์พระนครศรีอยุธยา", "Ayutthaya Historical Park", 14.3556, 100.5590, "พระนครศรีอยุธยา", ""),
    ("วัดไตรมิตรวิทยาราม", "Wat Traimit (Golden Buddha)", 13.7376, 100.5136, "สัมพันธวงศ์", ""),
]
RESTAURANTS = [
    ("ทิพย์สมัย ผัดไทยประตูผี", "Thipsamai Pad Thai", 13.7527, 100.5047, "พระนคร", ""),
    ("ร้านเจ๊ไฝ", "Jay Fai", 13.7526, 100.5049, "พระนคร", ""),
    ("นายหมง หอยทอด", "Nai Mong Hoi Tod", 13.7416, 100.5107, "สัมพันธวงศ์", ""),
    ("ครัวอัปษร", "Krua Apsorn", 13.7591, 100.5023, "พระนคร", ""),
    ("วัฒนาพานิช", "Wattana Panich", 13.7370, 100.5860, "วัฒนา", ""),
    ("โกอ่างข้าวมันไก่ประตูน้ำ", "Go-Ang Pratunam Chicken Rice", 13.7502, 100.5415, "ราชเทวี", ""),
    ("ก๋วยจั๊บนายเอ็ก", "Nai Ek Roll Noodles", 13.7407, 100.5088, "สัมพันธวงศ์", ""),
    ("ส้มตำเด้อ", "Somtum Der", 13.7287, 100.5362, "บางรัก", ""),
    ("ร้านข้าวแกงป้าศรี บางลำพู", "", 13.7620, 100.4975, "พระนคร", ""),
    ("ก๋วยเตี๋ยวเรืออนุสาวรีย์ชัยฯ", "Victory Monument Boat Noodles", 13.7650, 100.5375, "ราชเทวี", ""),
    ("ร้านอาหารริมน้ำท่าเตียน", "", 13.7460, 100.4905, "พระนคร", ""),
    ("เจ๊โอว", "Jeh O Chula", 13.7398, 100.5240, "ปทุมวัน", ""),
    (None, None, None, None, None, ""),                      # the malformed record
    ("โจ๊กปรินซ์", "Joke Prince", 13.7235, 100.5150, "บางรัก", ""),
    ("ข้าวหมูแดงสีมรกต", "", 13.7440, 100.5110, "สัมพันธวงศ์", ""),
]
SHOPS = [
    ("ชุมชนบ้านบาตร", "Ban Bat Monk's Bowl Community", 13.7515, 100.5065, "ป้อมปราบศัตรูพ่าย", ""),
    ("ผ้าไหมบ้านครัว", "Baan Krua Silk Weaving Community", 13.7497, 100.5290, "ราชเทวี", ""),
    ("ปากคลองตลาด", "Pak Khlong Talat Flower Market", 13.7420, 100.4965, "พระนคร", ""),
    ("ตลาดสำเพ็ง", "Sampeng Lane Market", 13.7440, 100.5035, "สัมพันธวงศ์", ""),
    ("ตลาดนัดจตุจักร", "Chatuchak Weekend Market", 13.7998, 100.5505, "จตุจักร", "https://www.chatuchakmarket.org"),
    ("ตลาด อ.ต.ก.", "Or Tor Kor Market", 13.7984, 100.5487, "จตุจักร", ""),
    ("ร้านผลิตภัณฑ์ OTOP ศาลาว่าการกรุงเทพมหานคร", "", 13.7530, 100.5010, "พระนคร", ""),
    ("ตลาดโบ๊เบ๊", "Bobae Market", 13.7535, 100.5150, "ป้อมปราบศัตรูพ่าย", ""),
    ("ชุมชนนางเลิ้ง ขนมไทยโบราณ", "Nang Loeng Thai Desserts", 13.7570, 100.5125, "ป้อมปราบศัตรูพ่าย", ""),
    ("ตลาดน้ำคลองลัดมะยม", "Khlong Lat Mayom Floating Market", 13.7740, 100.4120, "ตลิ่งชัน", ""),
    ("กลุ่มผลิตภัณฑ์ชุมชนบางกอกน้อย", "", 13.7620, 100.4760, "บางกอกน้อย", ""),
    ("ตลาดพาหุรัด", "Phahurat Cloth Market", 13.7450, 100.4990, "พระนคร", ""),
]
# (name_th, name_en, lat, lon, district_th, website, start offset from today, length in days)
FESTIVALS = [
    ("ลอยกระทง กรุงเทพมหานคร", "Loy Krathong Festival Bangkok", 13.7640, 100.4960, "พระนคร", "", -2, 5),
    ("งานวัดภูเขาทอง วัดสระเกศ", "Golden Mount Temple Fair", 13.7538, 100.5067, "ป้อมปราบศัตรูพ่าย", "", 3, 9),
    ("เทศกาลแสงสีกรุงเทพ", "Bangkok Illumination", None, None, None, "", 10, 45),
    ("วิจิตรเจ้าพระยา", "Vijit Chao Phraya", 13.7470, 100.4920, "พระนคร", "", 20, 10),
    ("งานกาชาด", "Red Cross Fair", 13.7315, 100.5418, "ปทุมวัน", "", -25, 10),
    ("ตรุษจีนเยาวราช", "Chinese New Year in Yaowarat", 13.7398, 100.5097, "สัมพันธวงศ์", "", 60, 3),
    ("สงกรานต์ถนนข้าวสาร", "", 13.7589, 100.4974, "พระนคร", "", 120, 3),
    ("เทศกาลกินเจเยาวราช", "Yaowarat Vegetarian Festival", 13.7398, 100.5097, "สัมพันธวงศ์", "", 1, 9),
    ("เทศกาลงานออกแบบกรุงเทพฯ", "Bangkok Design Week", 13.7260, 100.5140, "บางรัก", "", 75, 9),
    ("ดนตรีในสวน สวนเบญจกิติ", "Music in the Park, Benjakitti", 13.7296, 100.5589, "คลองเตย", "", 0, 1),
]
BLURB = {
    "attraction": ("สถานที่ท่องเที่ยวสำคัญของกรุงเทพมหานคร เปิดให้เข้าชมทุกวัน",
                   "a well-known Bangkok sight, open every day"),
    "restaurant": ("ร้านอาหารขึ้นชื่อ รสชาติต้นตำรับ", "a renowned eatery with original recipes"),
    "shop": ("แหล่งจำหน่ายสินค้าชุมชนและผลิตภัณฑ์ OTOP", "community products and OTOP goods"),
    "festival": ("เทศกาลประจำปีของกรุงเทพมหานคร", "an annual Bangkok festival"),
}
TAGS = {"attraction": ["ท่องเที่ยว", "วัฒนธรรม"], "restaurant": ["อาหาร", "สตรีทฟู้ด"],
        "shop": ["OTOP", "ของฝาก"], "festival": ["เทศกาล", "กิจกรรม"]}
HOURS = {"attraction": "08.30 - 16.30 น.", "restaurant": "10.00 - 21.00 น.", "shop": "09.00 - 18.00 น.",
         "festival": "17.00 - 23.00 น."}
XSS_DESCRIPTION = ("<p>{text}</p><script>alert('xss')</script><img src=x onerror=alert(1)>"
                   "<a href=\"javascript:alert(2)\">แผนที่</a>")


@dataclass(frozen=True)
class Place:
    place_id: str
    category: str
    name_th: str | None
    name_en: str | None
    description_th: str | None
    description_en: str | None
    lat: float | None
    lon: float | None
    address_th: str | None
    address_en: str | None
    district_name_th: str | None
    phone: str | None
    website: str | None              # what the parser must keep (None for a javascript: one)
    tags: tuple[str, ...]
    starts_on: date | None
    ends_on: date | None
    updated_at: datetime
    record: dict = field(compare=False, repr=False)   # the JSON the API serves
    outside_bangkok: bool = False
    malformed: str | None = None


def _updated(today: date, n: int) -> tuple[datetime, str]:
    moment = datetime.combine(today, time(8, 0), tzinfo=BANGKOK) - timedelta(hours=5 * n + 1)
    if n % 7 == 3:
        return moment, f"{moment.year + 543}-{moment:%m-%d %H:%M:%S}"      # naive, Buddhist Era
    if n % 4 == 1:
        return moment, moment.strftime("%Y-%m-%d %H:%M:%S")                # naive Bangkok time
    return moment, moment.isoformat()


def _iso(d: date, buddhist_era: bool) -> str:
    return f"{d.year + 543 if buddhist_era else d.year}-{d:%m-%d}"


def _place(category: str, index: int, entry: tuple, today: date, serial: int) -> Place:
    name_th, name_en, lat, lon, district, website = entry[:6]
    place_id = f"{PREFIX[category]}{index + 1:06d}"
    updated_at, updated_text = _updated(today, serial)
    if name_th is None:   # malformed: no name at all, coordinates nobody can read
        record = {"place_id": place_id, "name": {"th": "", "en": ""}, "category": category,
                  "description": {"th": "", "en": ""}, "location": {"lat": "N/A", "lng": "-"},
                  "address": {"th": "", "en": "", "district_th": ""}, "opening_hours": "", "phone": "",
                  "website": "", "tags": [], "updated_at": updated_text}
        return Place(place_id, category, None, None, None, None, None, None, None, None, None, None, None, (),
                     None, None, updated_at, record, malformed="name")
    blurb_th, blurb_en = BLURB[category]
    description_th = f"{name_th} {blurb_th}"
    description_en = f"{name_en} is {blurb_en}." if name_en else ""
    served_th = f"<p>{description_th}</p>"
    expected_description_th = description_th
    if category == "shop" and index == 0:
        served_th = XSS_DESCRIPTION.format(text=description_th)
        expected_description_th = f"{description_th} แผนที่"
    province = "พระนครศรีอยุธยา" if lat and lat > 14 else "กรุงเทพมหานคร"
    address_th = f"เขต{district} {province}" if district and province == "กรุงเทพมหานคร" else (
        f"อำเภอ{district} จังหวัด{province}" if district else "")
    address_en = f"{name_en.split(' (')[0]}, Bangkok" if name_en and district else ""
    lat_text = "" if lat is None else f"{lat:.4f}"
    lon_text = "" if lon is None else f"{lon:.4f}"
    if category == "attraction" and index == 5:
        lat_text, lon_text = lat_text.translate(THAI_DIGITS), lon_text.translate(THAI_DIGITS)
    phone = ["02 222 0933", "0-2281-4000", "", "+66 2 123 4567"][serial % 4]
    tags = TAGS[category] + ([TAGS[category][0]] if serial % 5 == 0 else [])     # a duplicated tag
    starts_on = ends_on = None
    record = {
        "place_id": place_id,
        "name": {"th": name_th, "en": name_en},
        "category": category,
        "description": {"th": served_th, "en": description_en},
        "location": {"lat": lat_text, "lng": lon_text},
        "address": {"th": address_th, "en": address_en, "district_th": f"เขต{district}" if district else ""},
        "opening_hours": HOURS[category],
        "phone": phone,
        "website": website,
        "tags": tags,
        "updated_at": updated_text,
    }
    if category == "festival":
        starts_on = today + timedelta(days=entry[6])
        ends_on = starts_on + timedelta(days=entry[7] - 1)
        buddhist_era = index % 3 == 1
        record["event_period"] = {"start": _iso(starts_on, buddhist_era), "end": _iso(ends_on, buddhist_era)}
    return Place(
        place_id, category, normalize_thai(name_th), normalize_thai(name_en) or None,
        normalize_thai(expected_description_th), normalize_thai(description_en) or None,
        lat, lon, normalize_thai(address_th) or None, address_en or None,
        district or None,
        phone or None, website if website.startswith("https://") else None,
        tuple(dict.fromkeys(tags)), starts_on, ends_on, updated_at, record,
        outside_bangkok=province != "กรุงเทพมหานคร",
    )


def places(today: date) -> dict[str, list[Place]]:
    out, serial = {}, 0
    for category, entries in zip(CATEGORIES, (ATTRACTIONS, RESTAURANTS, SHOPS, FESTIVALS)):
        out[category] = []
        for index, entry in enumerate(entries):
            out[category].append(_place(category, index, entry, today, serial))
            serial += 1
    return out


class Tourism:
    name = "tourism"

    def __init__(self, today: date | None = None):
        self.today = today or today_bangkok()
        self.places = places(self.today)

    def expected_places(self, category: str | None = None) -> list[Place]:
        return [p for c, ps in self.places.items() if category in (None, c) for p in ps
                if not p.malformed and not p.outside_bangkok]

    def expected_quarantined(self) -> dict[str, str]:
        return {p.place_id: p.malformed for ps in self.places.values() for p in ps if p.malformed}

    def outside_bangkok(self) -> list[str]:
        return [p.place_id for ps in self.places.values() for p in ps if p.outside_bangkok]

    def pages(self, category: str) -> int:
        return -(-len(self.places[category]) // PAGE_SIZE)

    def page(self, path: str, query: dict[str, list[str]]) -> Page | None:
        if path.rstrip("/") != API_PATH:
            return None
        category = (query.get("category") or [""])[0]
        if category not in self.places:
            body = {"result": {"code": 400, "message": "category is required"}, "data": None}
            return Page(json.dumps(body).encode(), "application/json; charset=utf-8", status=400)
        try:
            number = max(1, int((query.get("page") or ["1"])[0]))
        except ValueError:
            number = 1
        chunk = self.places[category][(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
        body = {"result": {"page": number, "pages": self.pages(category), "total": len(self.places[category])},
                "data": [p.record for p in chunk]}
        return Page(json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")
