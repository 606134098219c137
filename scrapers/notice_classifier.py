"""Classify district notices into the services people subscribe to, with rules on Thai word tokens.

Thai is written without spaces between words, so the text is first cut into words with pythainlp's
`newmm` tokenizer, using its default dictionary plus every rule term, so that multiword terms such
as "พ่นหมอกควัน" stay one token, plus Bangkok's district and khwaeng names, so that a place name
never yields a rule word ("ภาษีเจริญ" is a district, not "ภาษี", tax). Rules then match tokens and token n-grams (the tokens joined back
together), which also catches terms that partners split with odd spaces ("พ่น หมอก ควัน") without
matching inside unrelated longer words the way a substring search would.

Scoring: every kind sums the weights of the distinct terms it finds; terms in the title count
`TITLE_WEIGHT` times as much as terms in the body, so the title's topic wins over a service the
body only mentions. Co-occurrence rules ("a vaccine" + "a dog or cat" in the same field) catch
wordings no single term covers. Exclusions stop a kind where its words mean something else
(a health check for dogs is not a people's health service). Administrative notices (procurement,
taxes, vacancies, office closures) are "other" even when they name a service ("tender for
fogging"), so their terms, found in the title, override everything. The best kind must reach
`MIN_SCORE`, otherwise the notice is "other".

Performance: the tokenizer's dictionary is built once per process and results are cached by
(title, body), so classifying thousands of notices takes seconds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from hub.thai_text import arabic_digits, normalize_thai

TITLE_WEIGHT = 3.0
MIN_SCORE = 2.0
MAX_NGRAM = 5          # longest run of tokens joined back into a term ("ทำ บัตร ประ จำ ตัว")
# The commonest Thai typo is a wrong or missing tone mark ("ขยะชิ้นใหญ๋"): a term not found as written
# is looked up again with tone marks removed, at this fraction of its weight.
TONELESS_WEIGHT = 0.75
_TONE_MARKS = re.compile("[\u0e48-\u0e4b]")

# Groups of words used by several rules.
ANIMALS = ("สุนัข", "แมว", "หมา", "น้องหมา", "น้องแมว", "สัตว์เลี้ยง", "สัตว์", "ลูกสุนัข", "ลูกแมว", "สุนัขจร",
           "แมวจร", "สุนัขจรจัด", "แมวจรจัด", "dog", "dogs", "cat", "cats", "pet", "pets")
VACCINE = ("วัคซีน", "ฉีดวัคซีน", "ฉีดยา", "vaccine", "vaccination", "วัคซีนรวม")
MOSQUITO = ("ยุง", "ยุงลาย", "ลูกน้ำ", "ลูกน้ำยุงลาย", "mosquito", "mosquitoes")
SPRAY = ("พ่น", "ฉีดพ่น", "พ่นควัน", "พ่นยา", "พ่นสารเคมี", "พ่นเคมี", "หมอกควัน", "ควัน", "กำจัด", "fogging", "fog")
COLLECT = ("เก็บ", "จัดเก็บ", "เก็บขน", "รับเก็บ", "ทิ้ง", "ขน", "ขนย้าย", "รับทิ้ง", "จุดรวบรวม", "collection")
FURNITURE = ("โซฟา", "ที่นอน", "ฟูก", "ตู้", "เตียง", "เฟอร์นิเจอร์", "โต๊ะ", "เก้าอี้", "ตู้เย็น", "กิ่งไม้",
             "sofa", "mattress", "furniture")
ID_CARD = ("บัตรประชาชน", "บัตรประจำตัวประชาชน", "บัตรปชช", "ปชช", "smartcard", "smart card", "บัตร")
CARD_ACTION = ("ทำบัตร", "ออกบัตร", "เปลี่ยนบัตร", "ถ่ายบัตร", "บัตรหาย", "บัตรหมดอายุ", "มีบัตร", "หมดอายุ")
MOBILE = ("เคลื่อนที่", "นอกสถานที่", "ถึงบ้าน", "ถึงชุมชน", "ออกหน่วย", "mobile")
TEACH = ("อบรม", "ฝึกอบรม", "สอน", "เปิดสอน", "เรียน", "คอร์ส", "หลักสูตร", "ฝึก", "ติว", "course", "workshop",
         "training", "class", "วิชา", "นักเรียน", "ผู้เรียน", "เรียนฟรี")
# A "*" term is a stem: it matches any token that starts with it (ช่าง* = ช่างไฟ, ช่างแต่งหน้า, ...).
TRADE = ("อาชีพ", "วิชาชีพ", "ช่าง*", "รายได้", "รายได้เสริม", "ค้าขาย", "การค้า", "ขาย", "ธุรกิจ", "ทักษะ",
         "บาริสต้า", "เสริมสวย", "ตัดผม", "นวด", "ตัดเย็บ", "ทำอาหาร", "ทำขนม", "skill", "skills")
ROAD = ("ถนน", "การจราจร", "จราจร", "ช่องจราจร", "ช่องทาง", "ทางเท้า", "สะพาน", "ซอย", "ทางเดิน", "เส้นทาง", "road",
        "traffic", "lane")
CLOSE = ("ปิด", "ปิดกั้น", "งดใช้", "ห้าม", "เบี่ยง", "เลี่ยง", "closure", "closed", "ห้ามรถ")

# kind -> {term: weight}. Weights: 4 = decisive on its own, 3 = strong, 2 = supporting, 1 = weak hint.
TERMS: dict[str, dict[str, float]] = {
    "pet_vaccination": {
        "พิษสุนัขบ้า": 4, "โรคพิษสุนัขบ้า": 4, "โรคกลัวน้ำ": 4, "เรบีส์": 4, "rabies": 4, "วัคซีนสุนัข": 4,
        "วัคซีนแมว": 4, "วัคซีนหมา": 4, "วัคซีนสัตว์": 4, "วัคซีนสัตว์เลี้ยง": 4, "ไมโครชิป": 1,
    },
    "sterilisation": {
        "ทำหมัน": 4, "ผ่าตัดหมัน": 4, "ผ่าตัดทำหมัน": 4, "หมัน": 4, "ตอนแมว": 4, "ตอนสุนัข": 4, "ตอนหมา": 4,
        "คุมกำเนิด": 2, "ยาคุม": 2, "ยาคุมกำเนิด": 2, "spay": 4, "neuter": 4, "tnr": 3, "sterilisation": 4,
        "sterilization": 4, "ควบคุมประชากร": 2, "ลดประชากร": 2,
    },
    "mosquito_fogging": {
        "พ่นหมอกควัน": 4, "หมอกควัน": 3, "พ่นยุง": 4, "กำจัดยุง": 4, "กำจัดยุงลาย": 4, "ไล่ยุง": 3, "fogging": 4,
        "ยุงลาย": 3, "ไข้เลือดออก": 2, "ลูกน้ำยุงลาย": 3, "ชิคุนกุนยา": 2, "ไข้ซิกา": 2, "ไข้ปวดข้อยุงลาย": 3,
        "แหล่งเพาะพันธุ์": 2, "ยุง": 1,
    },
    "bulky_waste": {
        "ขยะชิ้นใหญ่": 4, "ขยะขนาดใหญ่": 4, "ขยะชิ้นโต": 4, "ชิ้นใหญ่": 2, "bulky": 4, "เฟอร์นิเจอร์เก่า": 3,
        "ที่นอนเก่า": 3, "โซฟาเก่า": 3, "ตู้เก่า": 2, "ของเก่า": 1, "วัสดุขนาดใหญ่": 3, "กิ่งไม้": 1,
    },
    "mobile_registration": {
        "บัตรประจำตัวประชาชน": 3, "บัตรประชาชน": 3, "ทำบัตรประชาชน": 4, "ทำบัตรประจำตัวประชาชน": 4, "ปชช": 3,
        "ทะเบียนราษฎร": 4, "ทะเบียนราษฎร์": 4, "งานทะเบียน": 3, "ฝ่ายทะเบียน": 2, "ทะเบียนบ้าน": 2,
        "ทำบัตร": 2, "ถ่ายบัตร": 3, "ออกบัตร": 2, "เปลี่ยนบัตร": 2, "แจ้งย้าย": 2, "แจ้งเกิด": 2, "smartcard": 2,
        "บัตรสมาร์ทการ์ด": 3,
    },
    "job_training": {
        "ฝึกอาชีพ": 4, "อบรมอาชีพ": 4, "ฝึกอบรมอาชีพ": 4, "อบรมวิชาชีพ": 4, "ศูนย์ฝึกอาชีพ": 4,
        "โรงเรียนฝึกอาชีพ": 4, "หลักสูตรระยะสั้น": 3, "วิชาชีพ": 3, "ประกอบอาชีพ": 2, "หลักสูตร": 2,
        "ฝึกอบรม": 2, "อบรม": 2, "คอร์ส": 2, "workshop": 2, "course": 2, "เปิดสอน": 2, "สอน": 1, "เรียน": 1,
        "วุฒิบัตร": 2, "ใบประกาศ": 1, "อัปสกิล": 3, "upskill": 3, "reskill": 3, "รายได้เสริม": 2, "ทักษะ": 1,
    },
    "health_service": {
        "ตรวจสุขภาพ": 4, "คัดกรอง": 3, "ศูนย์บริการสาธารณสุข": 2, "ศูนย์สาธารณสุข": 2, "สาธารณสุข": 1,
        "ไข้หวัดใหญ่": 3, "วัคซีนไข้หวัดใหญ่": 4, "ความดัน": 2, "ความดันโลหิต": 3, "เบาหวาน": 3, "มะเร็ง": 3,
        "ทันตกรรม": 4, "ตรวจฟัน": 4, "ขูดหินปูน": 3, "เอกซเรย์": 3, "เอ็กซเรย์": 3, "วัณโรค": 3,
        "ผู้ป่วย": 1, "ติดเตียง": 1, "เยี่ยมบ้าน": 2, "สุขภาพจิต": 3, "บุหรี่": 2, "เลิกบุหรี่": 3,
        "โควิด": 3, "covid": 3, "hpv": 3, "ตรวจเลือด": 3, "เจาะเลือด": 3, "น้ำตาลในเลือด": 3, "วัดสายตา": 3,
        "ตรวจตา": 3, "ต้อกระจก": 3, "แพทย์": 1, "พยาบาล": 1, "สุขภาพ": 1, "health": 2, "check-up": 2,
        "checkup": 2, "วัคซีน": 1, "ฉีดวัคซีน": 1, "กายภาพบำบัด": 2, "ตรวจคัดกรอง": 4,
    },
    "district_event": {
        "เทศกาล": 3, "ขอเชิญร่วมงาน": 3, "ร่วมงาน": 2, "งานประจำปี": 3, "งานวัด": 3, "ประเพณี": 3,
        "กิจกรรม": 1, "ลอยกระทง": 3, "สงกรานต์": 3, "วันเด็ก": 3, "ปีใหม่": 2, "countdown": 3, "คอนเสิร์ต": 3,
        "ดนตรี": 2, "ดนตรีสด": 2, "การแสดง": 2, "มหรสพ": 3, "ตลาดนัด": 1, "ถนนคนเดิน": 3, "กีฬา": 2,
        "แข่งขัน": 1, "ประกวด": 2, "ทำบุญ": 3, "ตักบาตร": 3, "มหกรรม": 3, "งานแสดงสินค้า": 3, "ฉายหนัง": 3,
        "หนังกลางแปลง": 3, "ภาพยนตร์": 2, "มินิมาราธอน": 3, "มาราธอน": 3, "เดินวิ่ง": 3, "การกุศล": 2,
        "festival": 3, "fair": 2, "market": 1, "otop": 2, "สืบสาน": 2, "รดน้ำดำหัว": 3, "วัฒนธรรม": 2,
        "ฉลอง": 2, "เฉลิมฉลอง": 2,
    },
    "construction": {
        "ปิดการจราจร": 5, "ปิดถนน": 5, "ปิดช่องจราจร": 5, "เบี่ยงการจราจร": 5, "เบี่ยงเส้นทาง": 4,
        "เส้นทางเลี่ยง": 3, "ใช้เส้นทางเลี่ยง": 3, "ก่อสร้าง": 3, "ซ่อมแซม": 2, "ซ่อมถนน": 4, "ผิวจราจร": 4,
        "ผิวถนน": 3, "เสริมผิว": 4, "วางท่อ": 4, "ขุดวางท่อ": 4, "ท่อระบายน้ำ": 2, "ลอกท่อ": 3, "ขุด": 2,
        "ทางเท้า": 2, "รื้อถอน": 3, "ปรับปรุง": 1, "ติดตั้ง": 1, "ห้ามรถผ่าน": 4, "ช่องจราจร": 2,
        "การจราจร": 2, "road closure": 5, "roadworks": 5, "detour": 4, "งดใช้": 2, "ท่อประปา": 2,
        "อุโมงค์": 2, "เขื่อน": 1, "สะพาน": 1, "ซ่อม": 1, "ชะลอความเร็ว": 2, "ผู้ขับขี่": 2, "ผู้ใช้รถ": 2,
        "รถติด": 2, "ติดขัด": 1, "ความไม่สะดวก": 1, "แบ็คโฮ": 2, "เครื่องจักร": 1, "ทรุดตัว": 2,
    },
    "other": {
        # procurement
        "จัดซื้อจัดจ้าง": 6, "ประกวดราคา": 6, "สอบราคา": 6, "ราคากลาง": 6, "ผู้ชนะการเสนอราคา": 6,
        "เสนอราคา": 5, "e-bidding": 6, "ebidding": 6, "e-gp": 4, "จ้างเหมา": 3, "คัดเลือกผู้รับจ้าง": 6,
        # taxes and fees
        "ภาษี": 5, "ชำระภาษี": 6, "ภาษีป้าย": 6, "ภาษีที่ดิน": 6, "ยื่นแบบ": 3, "ค่าธรรมเนียม": 2,
        # vacancies, selections, results
        "สมัครงาน": 6, "ลูกจ้าง": 6, "ลูกจ้างชั่วคราว": 6, "เลือกสรร": 6, "ตำแหน่งงาน": 5, "อัตราเงินเดือน": 5,
        "ผู้ผ่านการคัดเลือก": 5, "ผู้มีสิทธิ": 4, "ผู้มีสิทธิ์": 4, "รายชื่อ": 2,
        # office matters
        "ปิดทำการ": 6, "หยุดทำการ": 6, "วันหยุดราชการ": 5, "วันหยุดนักขัตฤกษ์": 5, "ระบบขัดข้อง": 5,
        "เปลี่ยนหมายเลขโทรศัพท์": 5, "มิจฉาชีพ": 6, "เลือกตั้ง": 5, "ข้อบัญญัติ": 4, "ร่างข้อบัญญัติ": 5,
        "รับฟังความคิดเห็น": 3, "ผลการดำเนินงาน": 4, "งบประมาณ": 2, "เบี้ยยังชีพ": 6, "สวัสดิการ": 2,
    },
}

# (kind, weight, group A, group B): both groups present in the same field.
COMBOS: list[tuple[str, float, tuple[str, ...], tuple[str, ...]]] = [
    ("pet_vaccination", 4, VACCINE, ANIMALS),
    ("sterilisation", 3, ("ผ่าตัด", "ตอน", "คุมกำเนิด", "ยาคุม"), ANIMALS),
    ("mosquito_fogging", 4, SPRAY, MOSQUITO),
    ("bulky_waste", 3, COLLECT, FURNITURE),
    ("mobile_registration", 3, CARD_ACTION, ID_CARD),
    ("mobile_registration", 2, MOBILE, ("ทะเบียน", "ฝ่ายทะเบียน", "งานทะเบียน") + ID_CARD),
    ("job_training", 3, TEACH, TRADE),
    ("construction", 4, CLOSE, ROAD),
]

# kind -> words that, in the same field, mean the kind's words are about something else.
EXCLUDE: dict[str, tuple[str, ...]] = {
    # A health check or vaccine for animals is a pet service, not a people's health service.
    "health_service": ANIMALS + ("สัตวแพทย์",),
    # Teaching words in a vacancy ("สมัครงาน ... ผ่านการอบรม") do not make it a course.
    "job_training": ("สมัครงาน", "ลูกจ้าง", "เลือกสรร", "อัตราเงินเดือน"),
}
# Administrative terms that decide "other" outright when they are in the title.
OVERRIDE_OTHER = 5.0

KINDS = ("pet_vaccination", "sterilisation", "mosquito_fogging", "bulky_waste", "mobile_registration",
         "job_training", "health_service", "district_event", "construction", "other")
_PRIORITY = {kind: i for i, kind in enumerate(("sterilisation", "pet_vaccination", "mosquito_fogging", "bulky_waste",
                                                "mobile_registration", "job_training", "health_service",
                                                "construction", "district_event", "other"))}


def _key(term: str) -> str:
    """How a term or a run of tokens is compared: lower case, no spaces, no dots ("ปชช." = "ปชช")."""
    return re.sub(r"[\s.]+", "", term.lower())


def _toneless(key: str) -> str:
    return _TONE_MARKS.sub("", key)


def _all_terms() -> set[str]:
    words = {t for terms in TERMS.values() for t in terms}
    for _kind, _w, group_a, group_b in COMBOS:
        words.update(group_a + group_b)
    for words_ in EXCLUDE.values():
        words.update(words_)
    return words


def _place_names() -> set[str]:
    """Bangkok's district and khwaeng names: kept whole, so "ภาษีเจริญ" never reads as "ภาษี" (tax)."""
    from hub.gazetteer import Gazetteer
    gazetteer = Gazetteer.load()
    return {normalize_thai(p.name_th) for p in [*gazetteer.districts, *gazetteer.subdistricts] if p.name_th}


@lru_cache(maxsize=1)
def _tokenizer_dict():
    """pythainlp's default word list plus every rule term and place name, as one trie, built once."""
    from pythainlp.corpus import thai_words

    from hub.thai_text import WordSet
    own = {t.rstrip("*") for t in _all_terms() if re.search("[\u0e00-\u0e7f]", t) and " " not in t}
    return WordSet(set(thai_words()) | own | _place_names())


@dataclass(frozen=True)
class _Tables:
    terms: dict[str, list[tuple[str, float]]]          # key -> [(kind, weight)]
    toneless: dict[str, list[tuple[str, float]]]       # the same, keyed without tone marks
    stems: tuple[str, ...]                             # keys of "*" terms, without the star
    combos: list[tuple[str, float, frozenset, frozenset]]
    exclude: dict[str, frozenset]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    terms: dict[str, list[tuple[str, float]]] = {}
    for kind, table in TERMS.items():
        for term, weight in table.items():
            terms.setdefault(_key(term), []).append((kind, weight))
    toneless: dict[str, list[tuple[str, float]]] = {}
    for key, entries in terms.items():
        toneless.setdefault(_toneless(key), []).extend((kind, w * TONELESS_WEIGHT) for kind, w in entries)
    combos = [(kind, weight, frozenset(map(_key, a)), frozenset(map(_key, b))) for kind, weight, a, b in COMBOS]
    exclude = {kind: frozenset(map(_key, words)) for kind, words in EXCLUDE.items()}
    stems = tuple(sorted({_key(t)[:-1] for t in _all_terms() if t.endswith("*")}))
    return _Tables(terms, toneless, stems, combos, exclude)


def tokens(text: str) -> list[str]:
    """Words of a notice text (normalised, Thai digits as Arabic, lower case, no whitespace tokens)."""
    return list(_tokens(text))


@lru_cache(maxsize=65_536)
def _tokens(text: str) -> tuple[str, ...]:
    """Cached: titles repeat across districts and runs ("ประชาสัมพันธ์โครงการฉีดวัคซีน...")."""
    from pythainlp.tokenize import word_tokenize
    text = arabic_digits(normalize_thai(text)).lower()
    if not text:
        return ()
    return tuple(t for t in word_tokenize(text, custom_dict=_tokenizer_dict(), engine="newmm", keep_whitespace=False)
                 if t.strip())


def _grams(words: list[str]) -> set[str]:
    """Every run of up to MAX_NGRAM consecutive tokens, joined, as a comparison key; plus "stem*" keys."""
    stems = _tables().stems
    keys = [_key(w) for w in words]
    out = set()
    for i in range(len(keys)):
        joined = ""
        for j in range(i, min(i + MAX_NGRAM, len(keys))):
            joined += keys[j]
            if joined:
                out.add(joined)
        out.update(stem + "*" for stem in stems if keys[i].startswith(stem))
    return out


def _field_scores(grams: set[str]) -> dict[str, float]:
    tables = _tables()
    scores: dict[str, float] = {}
    for gram in grams:
        entries = tables.terms.get(gram)
        if entries is None and len(gram) > 2:
            entries = tables.toneless.get(_toneless(gram), ())
        for kind, weight in entries or ():
            scores[kind] = scores.get(kind, 0.0) + weight
    for kind, weight, group_a, group_b in tables.combos:
        if grams & group_a and grams & group_b:
            scores[kind] = scores.get(kind, 0.0) + weight
    for kind, words in tables.exclude.items():
        if kind in scores and grams & words:
            del scores[kind]
    return scores


def _scores(title: str, body: str) -> tuple[dict[str, float], dict[str, float]]:
    title_scores = _field_scores(_grams(tokens(title)))
    body_scores = _field_scores(_grams(tokens(body)))
    total = {kind: TITLE_WEIGHT * title_scores.get(kind, 0.0) + body_scores.get(kind, 0.0)
             for kind in set(title_scores) | set(body_scores)}
    return title_scores, total


def score_notice(title: str, body: str = "") -> dict[str, float]:
    """Each kind's score for a notice (title terms weigh TITLE_WEIGHT times body terms)."""
    return _scores(title, body)[1]


@lru_cache(maxsize=65536)
def classify_notice(title: str, body: str = "") -> str:
    """The notice's kind, one of KINDS."""
    title_scores, scores = _scores(title, body)
    if title_scores.get("other", 0.0) >= OVERRIDE_OTHER:
        return "other"          # a tender, tax or vacancy notice, whatever service it names
    if not scores:
        return "other"
    best = max(scores, key=lambda kind: (scores[kind], -_PRIORITY[kind]))
    return best if best != "other" and scores[best] >= MIN_SCORE else "other"
