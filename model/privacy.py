"""Scrub personal data from free text before it is published (Traffy complaints above all).

``scrub_text(text)`` / ``scrub_series(column)`` replace personal data by a typed Thai placeholder that
keeps the sentence readable; ``find_pii(text)`` lists what was found as (kind, matched text).

==============  ===============  ==========================================================================
kind            placeholder      rule
==============  ===============  ==========================================================================
email           ``[อีเมล]``       ``local@domain.tld`` (also ``(at)``/``[at]``/full-width ``＠``, spaces around
                                 ``@``, and ``x@gmail``-style addresses without a top-level domain)
national_id     ``[เลขบัตร]``     13 digits (separators ``-`` ``.`` space allowed, Thai/full-width digits too) with a
                                 valid mod-11 check digit. A 13-digit number with a BAD check digit is kept
                                 (most are other references: a receipt, a tax form) unless an ID keyword
                                 (บัตรประชาชน, เลขบัตร, เลขประจำตัว, ปชช., ID card) stands within 40 characters
                                 before it: a mistyped ID next to its label is still an ID. The leak left open:
                                 a mistyped ID without any label.
bank_account    ``[เลขบัญชี]``    10-12 digits after a bank-account keyword (บัญชี, เลขที่บัญชี, บช., a/c).
phone           ``[โทร]``         ``0`` + 8-9 digits in any grouping (06/08/09 mobiles, 02 and 03x-07x landlines,
                                 9-10 digits in all, so typos too), ``+66``/``0066``/``(+66)``/``+66 (0)`` and a
                                 bare ``66`` + mobile; not when the digits read as a date (``05-05-2566 2``),
                                 a time range (``08.00-18.00``) or the tail of a short number glued before it
                                 (``12-05-2566 21.00``). Short codes (1555, 191, 1669, 1111) never match.
line            ``[ไลน์]``        the id after ไลน์/ไลน/line/LINE ID/ID line/ไอดีไลน์/แอดไลน์ (``@shop``, ``abc123``)
                                 and line.me / lin.ee links; the keyword is kept. A phone given as LINE id
                                 is labelled ``[โทร]``.
plate           ``[ทะเบียนรถ]``   after ทะเบียน/ป้ายทะเบียน/ทะเบียนรถ/เลขทะเบียน: any plate body (``3กม 5678``,
                                 ``70-8732``, ``708732``) with its province; bare ``1กข 1234``; bare ``กข 1234``
                                 when the letter pair is no Thai word (``คน 3``, ``รถ 2`` are text) or a
                                 province follows. Road, soi and house numbers never have two letters glued.
name            ``[ชื่อ]``        the name (and surname) after an honorific: นาย นาง นางสาว น.ส. คุณ ด.ช. ด.ญ.
                                 เด็กชาย เด็กหญิง, police/military/medical ranks, Mr Mrs Ms Miss Dr, the labels
                                 ชื่อ-สกุล / ชื่อผู้แจ้ง / ผู้แจ้งชื่อ / นามสกุล; and, without honorific, a corpus
                                 first name followed by a corpus family name (``_bare_names_text``). The
                                 honorific and a title after it (คุณครู, นายแพทย์) are kept.
==============  ===============  ==========================================================================

Names: words are cut with pythainlp's "longest" tokenizer over its dictionary plus the name corpora
(``thai_female_names``, ``thai_male_names``, ``thai_family_names``). After นาย/นาง/นางสาว/ranks/labels
the next word is a name unless it makes a known compound (นายจ้าง, นายกรัฐมนตรี, นางฟ้า); after คุณ,
which is also "you", it must look like a name (a corpus first name, a nickname, or no dictionary word),
so คุณภาพ, คุณค่า, คุณสมบัติ, ขอบคุณ, คุณจะ... stay. Once a name starts, it runs until a clause word (ได้,
โดย, บอกว่า, ขับรถ ...) so unknown compound names are not cut in half (leak-averse, may over-scrub a
verb); the next space-separated word is the surname unless it opens a clause. Places named after people
(ซอยนายเลิศ, ถนนนางลิ้นจี่) are kept. Bare names (no honorific) are matched only as an exact corpus first
name + spaces + corpus family name where not both are plain dictionary words: precise (no hit in the clean
set or the 200 real rows) but blind to names outside the corpora.

Speed: ``scrub_series`` finds the rows that can contain personal data with one RE2 scan (pyarrow
``match_substring_regex`` over the union of the passes' triggers) plus a vectorised name-pair lookup
(pyarrow ``split_pattern_regex`` + ``is_in``), then runs on those rows only the same passes as
``scrub_text``: compiled regexes through ``Series.str.replace`` and the two name scanners through
``Series.map``. Each trigger matches every text its pass could change, so the rows left out are
unchanged and ``scrub_series`` equals ``scrub_text`` element-wise (tested). 500,000 texts of ~120
characters take ~3 s on 2 cores.

Limits: kinship words without honorific (ป้าแดง, ลุงสมชาย) and nicknames after คุณ outside the small
nickname list are not names here; a first name that is also a common word after คุณ passes unless a
verb follows (คุณใจ...); phone numbers spelled in words, split across lines, or 11+ digits long (a typo)
are kept, as is a phone glued to a short number (``ห้อง 12-0812345678``); house numbers and street
addresses are kept on purpose (the complaint's location is the point of the record).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np
import pandas as pd

KINDS = ("email", "national_id", "bank_account", "phone", "line", "plate", "name")
PLACEHOLDERS = {
    "email": "[อีเมล]",
    "national_id": "[เลขบัตร]",
    "bank_account": "[เลขบัญชี]",
    "phone": "[โทร]",
    "line": "[ไลน์]",
    "plate": "[ทะเบียนรถ]",
    "name": "[ชื่อ]",
}

# --------------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------------
_DIGIT_CHARS = "0-9๐-๙０-９"
D = f"[{_DIGIT_CHARS}]"
_NOT_DIGIT_BEFORE = f"(?<![{_DIGIT_CHARS}])"
_NOT_DIGIT_AFTER = f"(?![{_DIGIT_CHARS}])"
_SP = "[ \t\u00a0\u2009\u202f\u200b\u200c\u200d]"      # spaces people (and copy-paste) put between digit groups
SEP = f"{_SP}?[-.–()]?{_SP}?"                       # 0-3 characters between two digits of one number
_TO_ASCII = str.maketrans("๐๑๒๓๔๕๖๗๘๙０１２３４５６７８９", "01234567890123456789")
_NON_DIGIT = re.compile(f"[^{_DIGIT_CHARS}]")
NAMECH = "[ก-ฮะ-ฺเ-ๅ็-๎]"                             # Thai letters, vowels, tone marks: no digits, ฯ, ๆ, ฿
_THAI_RUN = re.compile("[ก-๎]+")                     # the token unit of the bare-name pass (split alike in RE2)

Handler = Callable[[re.Match], "tuple[str, list[tuple[str, str]]]"]


def _ascii_digits(text: str) -> str:
    return _NON_DIGIT.sub("", text.translate(_TO_ASCII))


def thai_id_is_valid(number: str) -> bool:
    """True when ``number`` (any separators, Thai digits allowed) is 13 digits with a valid mod-11 check digit."""
    digits = _ascii_digits(number)
    if len(digits) != 13:
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


@dataclass(frozen=True)
class _Pass:
    """One scrubbing step: a compiled regex with a handler (run as ``Series.str.replace``), or a scanner
    function ``text, sink -> text`` where a match must not consume what it keeps (names)."""

    kind: str
    trigger: str  # RE2 (pyarrow) pattern matching every text this pass could change
    regex: re.Pattern | None = None
    handler: Handler | None = None
    scanner: Callable[[str, list | None], str] | None = None
    # the handler may turn a match down (bad check digit, a date): then retry one character later, as the
    # turned-down match may hide the real one (``7(4 - 2024 - ...`` hides the ID starting at ``4``)
    retry: bool = False

    def plain(self, match: re.Match) -> str:
        return self.handler(match)[0]

    def _retry_scan(self, text: str, sink: list | None = None) -> str:
        out, pos, search = [], 0, 0
        while True:
            match = self.regex.search(text, search)
            if match is None:
                break
            replacement, found = self.handler(match)
            if not found:  # turned down: nothing consumed
                search = match.start() + 1
                continue
            out.append(text[pos:match.start()])
            out.append(replacement)
            if sink is not None:
                sink.extend(found)
            pos = search = match.end()
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)

    def apply(self, text: str, sink: list | None) -> str:
        if self.scanner is not None:
            return self.scanner(text, sink)
        if self.retry:
            return self._retry_scan(text, sink)
        if sink is None:
            return self.regex.sub(self.plain, text)

        def collect(match: re.Match) -> str:
            replacement, found = self.handler(match)
            sink.extend(found)
            return replacement
        return self.regex.sub(collect, text)

    def apply_series(self, texts: pd.Series) -> pd.Series:
        if self.scanner is not None:
            return texts.map(self.scanner)
        if self.retry:
            return texts.map(self._retry_scan)
        return texts.str.replace(self.regex, self.plain, regex=True)


# --------------------------------------------------------------------------------------------------
# E-mail
# --------------------------------------------------------------------------------------------------
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9_%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*"
    r"[ \t]?(?:@|＠|\((?i:at)\)|\[(?i:at)\])[ \t]?"
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}"
    r"(?![A-Za-z])"
    # no top-level domain, but a well-known mail provider: somchai@gmail, noi@hotmail
    r"|(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*[ \t]?(?:@|＠)[ \t]?"
    r"(?i:gmail|hotmail|yahoo|outlook|icloud|live|windowslive)(?![A-Za-z0-9.])"
)


def _email(match: re.Match) -> tuple[str, list]:
    return PLACEHOLDERS["email"], [("email", match.group(0))]


# --------------------------------------------------------------------------------------------------
# National ID (13 digits, mod-11) and bank accounts
# --------------------------------------------------------------------------------------------------
_ID_RE = re.compile(f"{_NOT_DIGIT_BEFORE}{D}(?:{SEP}{D}){{12}}{_NOT_DIGIT_AFTER}")
_ID_KEYWORDS = re.compile(
    r"(?:บัตร\s*(?:ประชาชน|ปชช|ประจำตัว)|เลข\s*(?:ประจำตัว|บัตร|ประชาชน|ปชช)|ปชช\.?|"
    r"(?i:citizen|id\s*card|id\s*no|national\s*id|thai\s*id))"
)


def _national_id(match: re.Match) -> tuple[str, list]:
    if thai_id_is_valid(match.group(0)):
        return PLACEHOLDERS["national_id"], [("national_id", match.group(0))]
    before = match.string[max(0, match.start() - 40):match.start()]
    if _ID_KEYWORDS.search(before):  # a mistyped ID next to its label is still an ID
        return PLACEHOLDERS["national_id"], [("national_id", match.group(0))]
    return match.group(0), []


_BANK_RE = re.compile(
    r"(?P<kw>(?:เลขที่|เลข)?\s?บัญชี(?:ธนาคาร)?|บช\.|(?i:a/c|acc(?:ount)?\.?\s*(?:no\.?)?))"
    f"(?P<fill>[^{_DIGIT_CHARS}\n]{{0,30}}?)"
    f"(?P<num>{_NOT_DIGIT_BEFORE}{D}(?:{SEP}{D}){{9,11}}){_NOT_DIGIT_AFTER}"
)


def _bank(match: re.Match) -> tuple[str, list]:
    return (match.group("kw") + match.group("fill") + PLACEHOLDERS["bank_account"],
            [("bank_account", match.group("num"))])


# --------------------------------------------------------------------------------------------------
# Phones
# --------------------------------------------------------------------------------------------------
_ZERO, _SIX, _NONZERO = "[0๐０]", "[6๖６]", "[1-9๑-๙１-９]"
_PHONE_RE = re.compile(
    _NOT_DIGIT_BEFORE + "(?:"
    # +66 / 0066 / (+66) / bare 66 (mobile shape only), optional "(0)", then 8-9 digits
    f"(?:(?:\\+|{_ZERO}{_ZERO}){_SP}?{_SIX}{_SIX}|\\({_SP}?\\+?{_SP}?{_SIX}{_SIX}{_SP}?\\))"
    f"{SEP}(?:\\(?{_ZERO}\\)?{SEP})?{_NONZERO}(?:{SEP}{D}){{7,8}}"
    f"|{_SIX}{_SIX}{SEP}[689๖๘๙６８９](?:{SEP}{D}){{8}}"
    # local: 0 + [1-9] + 7-8 digits = 9-10 digits (06/08/09 mobiles, 02, 03x-07x landlines, typos too)
    f"|\\(?{_ZERO}{SEP}{_NONZERO}(?:{SEP}{D}){{7,8}}"
    ")" + _NOT_DIGIT_AFTER
)
_DATE_START = re.compile(r"^(\d{1,2})([-./])(\d{1,2})\2(\d{2}|\d{4})(?!\d)")
_TIME_RANGE = re.compile(r"(?<!\d)\d{1,2}[.:]\d{2}\s?[-–]\s?\d{1,2}[.:]\d{2}(?!\d)")
_TIME_END = re.compile(r"(?<!\d)\d{1,2}[.:][0-5]\d$")
_TIME_MARK_AFTER = re.compile(r"^\s?(?:น\.|นาฬิกา|โมง|hrs?\b|am\b|pm\b)")


_TAIL_OF_NUMBER = re.compile(r"\d[-.]$")
_NUMBER_BEFORE = re.compile(f"{D}(?:{SEP}{D})*{SEP}$")


def _short_number_before(match: re.Match) -> bool:
    """The digits glued before the match (``12-`` in ``12-05-2566``) are no phone of their own: then the
    match is the tail of a date or reference. A phone before it (``081-234-5678-089...``) is not."""
    head = _NUMBER_BEFORE.search(match.string[max(0, match.start() - 24):match.start()])
    return head is None or len(_ascii_digits(head.group(0))) < 9


def _phone(match: re.Match) -> tuple[str, list]:
    text = match.group(0)
    norm = text.translate(_TO_ASCII)
    before = match.string[max(0, match.start() - 2):match.start()].translate(_TO_ASCII)
    if _TAIL_OF_NUMBER.search(before) and _short_number_before(match):  # 05 of 12-05-2566 21.00
        return text, []
    date = _DATE_START.match(norm)
    if date and 1 <= int(date.group(1)) <= 31 and 1 <= int(date.group(3)) <= 12:
        return text, []
    if _TIME_RANGE.search(norm):
        return text, []
    after = match.string[match.end():match.end() + 8]
    if _TIME_END.search(norm) and _TIME_MARK_AFTER.match(after):
        return text, []
    return PLACEHOLDERS["phone"], [("phone", text)]


# --------------------------------------------------------------------------------------------------
# LINE
# --------------------------------------------------------------------------------------------------
_LINE_WORD = "(?:ไลน์|ไลน|ไลท์|(?<![A-Za-z])(?i:line))"
_LINE_RE = re.compile(
    r"(?P<url>(?i:(?:https?://)?(?:line\.me|lin\.ee)/[^\s]+))|"
    r"(?P<kw>"
    f"(?:(?:แอด|(?i:add)[ \t]?)[ \t]?)?(?:(?:ไอดี|(?<![A-Za-z])(?i:id))[ \t]?)?{_LINE_WORD}"
    r"(?:[ \t]?(?:ไอดี|(?i:id)(?![A-Za-z])))?"
    r")"
    r"(?P<fill>[ \t]{0,2}(?:[:：=]|คือ|ที่|มาที่|ได้ที่|ชื่อ|เลย)?[ \t]{0,2}(?:[:：=][ \t]?)?)"
    r"(?P<id>@[A-Za-z0-9._\-]{2,}+|[A-Za-z0-9][A-Za-z0-9._\-]{2,}+)(?![:/])"
)
_LINE_NOT_ID = {"official", "group", "chat", "app", "application", "notify", "oa", "id", "line", "account",
                "openchat", "today", "pay", "man", "messenger", "www", "http", "https"}


def _line(match: re.Match) -> tuple[str, list]:
    if match.group("url"):
        return PLACEHOLDERS["line"], [("line", match.group("url"))]
    ident = match.group("id")
    if ident.lower().lstrip("@") in _LINE_NOT_ID or ident.startswith("["):
        return match.group(0), []
    return match.group("kw") + match.group("fill") + PLACEHOLDERS["line"], [("line", ident)]


# --------------------------------------------------------------------------------------------------
# Vehicle plates
# --------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _provinces() -> tuple[str, ...]:
    from pythainlp.corpus import provinces

    names = set(provinces()) | {"กรุงเทพมหานคร", "กรุงเทพฯ", "กรุงเทพ", "กทม."}
    return tuple(sorted(names, key=len, reverse=True))


@lru_cache(maxsize=1)
def _plate_regexes() -> tuple[re.Pattern, re.Pattern]:
    prov = "|".join(re.escape(p) for p in _provinces()) + "|กทม"
    province = f"(?:[ \t]{{0,2}}(?:จ\\.|จังหวัด)?[ \t]?(?:{prov}))?"
    keyword = (
        "(?P<kw>(?<!ขึ้น)(?<!นาย)(?:ป้าย)?(?:เลข)?ทะเบียน"
        "(?:รถ(?:ยนต์|จักรยานยนต์|มอเตอร์ไซค์|มอเตอร์ไซด์|มอไซค์|มอไซด์|เก๋ง|กระบะ|บรรทุก|ตู้|แท็กซี่|เมล์)?)?)"
        "(?P<fill>[ \t]{0,2}(?:คือ|เลขที่|หมายเลข|[:：])?[ \t]{0,2})"
    )
    body = (f"(?:{D}[ \t]?)?[ก-ฮ]{{1,3}}[ \t.\\-]{{0,2}}{D}{{1,4}}{_NOT_DIGIT_AFTER}"
            f"|{D}{{2}}[ \t\\-]?{D}{{4}}{_NOT_DIGIT_AFTER}")
    context = re.compile(f"{keyword}(?P<plate>(?:{body}){province})")
    bare = re.compile(
        f"(?<![ก-๙A-Za-z{_DIGIT_CHARS}])(?P<plate>(?P<pre>{D})?(?P<letters>[ก-ฮ]{{2}})[ \t\\-]?(?P<num>{D}{{1,4}})"
        f"(?![{_DIGIT_CHARS}]|[.,][0-9])(?P<prov>{province})(?![ก-๙]))"
    )
    return context, bare


_UNIT_PAIRS = {"ชม", "กม", "ซม", "มม", "กก", "ตร", "ลบ", "มล", "นน", "ลล"}
_ABBREV_PAIRS = {"รพ", "สน", "บช", "ปณ", "รร", "สข", "มท", "กทม"}


@lru_cache(maxsize=1)
def _thai_words() -> frozenset:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


def _plate_context(match: re.Match) -> tuple[str, list]:
    return (match.group("kw") + match.group("fill") + PLACEHOLDERS["plate"],
            [("plate", match.group("plate").strip())])


def _plate_bare(match: re.Match) -> tuple[str, list]:
    letters, num = match.group("letters"), match.group("num")
    has_province = bool(match.group("prov").strip())
    if match.group("pre"):  # 1กข 1234: a digit before the letters is the modern Bangkok format
        if letters in _UNIT_PAIRS and len(num) < 4 and not has_province:  # 2ชม 30 (2 hours 30)
            return match.group(0), []
    elif not has_province:
        if letters in _UNIT_PAIRS or letters in _ABBREV_PAIRS or letters in _thai_words():
            return match.group(0), []  # คน 3, รถ 2, ขอ 5: a word followed by a count
    return PLACEHOLDERS["plate"], [("plate", match.group("plate").strip())]


# --------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------
# Honorifics, longest first (the alternation is tried in this order). After คุณ (also "you") the next word
# must look like a name ("strict"); after the others whatever follows is a name unless it is a listed
# compound (นายจ้าง) or title (นายแพทย์).
_HONORIFICS = (
    "เด็กชาย", "เด็กหญิง", "นางสาว",
    # the honorific is the end of another word: ขอบคุณ, พระคุณ, ทำนาย, เจ้านาย, ขุนนาง
    "(?<!ทำ)(?<!เจ้า)(?<!ลูก)(?<!ผู้)นาย", "(?<!ขุน)(?<!ทำ)นาง(?!สาว)",
    "(?<!ขอบ)(?<!พระ)(?<!บุญ)(?<!ทรง)(?<!รู้)คุณ",
    r"น\.[ \t]?ส\.?", r"นส\.", r"ด\.[ \t]?ช\.?", r"ด\.[ \t]?ญ\.?",
    r"ว่าที่[ \t]?ร\.ต\.", r"ร\.ต\.[อทต]\.", r"พ\.ต\.[อทต]\.", r"พล\.ต\.[อทต]\.", r"ด\.ต\.",
    r"ส\.ต\.[อทต]\.", r"จ\.ส\.ต\.", r"พ\.อ\.", r"ร\.อ\.", r"นพ\.", r"พญ\.", r"ทพญ\.", r"ทพ\.", r"ดร\.",
    r"ชื่อ[ \t]?[-–]?[ \t]?(?:นาม)?สกุล", "(?<!ทราบ)(?<!ไม่มี)(?<!ไม่รู้)นามสกุล", r"ชื่อผู้(?:แจ้ง|ร้อง(?:เรียน)?)",
    r"ผู้(?:แจ้ง|ร้อง(?:เรียน)?)ชื่อ", "ชื่อจริง",
    r"(?<![A-Za-z])(?:MRS|Mrs|MR|Mr|MS|Ms|MISS|Miss|Mister|DR|Dr)\.?",
)
_HON_ALT = "|".join(_HONORIFICS)
_NAME_RE = re.compile(
    f"(?P<hon>{_HON_ALT})"
    r"(?P<sp>[ \t\u00a0]{0,2}(?:[:：][ \t\u00a0]{0,2})?)"
    "(?:"
    # run and surname never run into the next honorific (นายสมชาย ใจดีและนางสมศรี)
    f"(?P<run>(?:(?!{_HON_ALT}){NAMECH})+)"
    f"(?:(?P<sp2>[ \t\u00a0]+)(?P<sur>ณ[ \t]+{NAMECH}+|(?:(?!{_HON_ALT}){NAMECH})+))?"
    r"|(?P<latin>[A-Z][A-Za-z'\-]+(?:[ \t]+[A-Z][A-Za-z'\-]+){0,2})"
    ")"
)
# words after the honorific that make a compound word or a title, not a name
_NOT_NAME_START = {
    "คุณ": ("ภาพ", "ค่า", "สมบัติ", "ธรรม", "ประโยชน์", "วุฒิ", "ลักษณะ", "ความดี", "งามความดี", "ประการ",
            "ูปการ", "านุประโยชน์"),
    "นาย": ("จ้าง", "ทุน", "หน้า", "อำเภอ", "ท่า", "ประกัน", "ห้าง", "งาน", "ร้อยเวร", "เวร",
            "พราน", "อากร", "บ่อน", "ประตู", "ด่าน", "สิบ", "ร้อย", "เรือ", "กรัฐมนตรี", "กเทศมนตรี", "กสมาคม", "กสภา", "กอบต", "กอบจ", "กชมรม",
            "กสโมสร", "กเมือง", "กรัฐ", "กองค์การ"),
    "นาง": ("ฟ้า", "แบบ", "งาม", "เอก", "รำ", "กวัก", "ใน", "สนม", "ห้าม", "ร้าย", "พญา", "เลิ้ง",
            "ลิ้นจี่", "ไม้", "ข้าหลวง", "กำนัล", "ละคร", "ผีเสื้อ", "มาร", "ยักษ์"),
}
_NOT_NAME_EXACT = {"นาย": {"ก"}}
# title words that stay, with the name after them scrubbed (คุณครูสมศรี -> คุณครู[ชื่อ])
_TITLES = {
    "คุณ": ("แม่", "พ่อ", "ป้า", "ลุง", "ยาย", "ตา", "ย่า", "ปู่", "น้า", "อา", "พี่", "น้อง", "ครู", "หมอ",
            "นาย", "หญิง", "ชาย", "ตำรวจ", "พยาบาล", "ทหาร", "เจ้าหน้าที่", "ผู้หญิง", "ผู้ชาย", "ลูก"),
    "นาย": ("แพทย์", "สัตวแพทย์", "ตำรวจ", "ดาบตำรวจ", "ตรวจ", "สถานี", "ทหาร", "ช่าง", "ทะเบียน"),
    "นาง": ("พยาบาล",),
}
_PLACE_BEFORE = re.compile(
    r"(?:ซอย|ซ\.|ถนน|ถ\.|ตลาด|คลอง|สะพาน|แยก|วัด|หมู่บ้าน|โรงเรียน|ร\.ร\.|ชุมชน|ท่าเรือ|ท่าน้ำ|อาคาร|"
    r"ตึก|โครงการ|มูลนิธิ|บริษัท|บ\.|หจก\.|ห้าง|โรงแรม|สถานี|อนุสาวรีย์)[ \t]*$"
)
_FUNCTION_WORDS = {"ได้", "จะ", "ก็", "ไม่", "ที่", "ซึ่ง", "และ", "คือ", "เป็น", "ว่า", "กับ", "ของ", "ให้", "ใน",
                   "นี้", "นั้น", "ต้อง", "ควร", "ยัง", "เคย", "อย่า", "ช่วย", "ครับ", "ค่ะ", "คะ", "นะ", "จ้ะ",
                   "ทั้งหลาย", "ทั้งหมด", "ทุกคน", "ทุกท่าน", "ท่าน", "เอง", "ๆ", "เหล่านี้", "ดังกล่าว"}
# words that follow a name and open a clause (so they are no surname)
_AFTER_NAME = {
    "บอก", "แจ้ง", "ขับ", "ขับรถ", "ขับขี่", "จอด", "จอดรถ", "อายุ", "เจ้าของ", "บ้าน", "หรือ", "โทร", "เบอร์",
    "ผู้", "อยู่", "มา", "ไป", "ทำ", "เอา", "พูด", "ด่า", "ตี", "ขาย", "ตั้ง", "วาง", "ทิ้ง", "เปิด", "ปิด",
    "เผา", "เลี้ยง", "สร้าง", "ยึด", "ปล่อย", "ชอบ", "มัก", "กำลัง", "ได้รับ", "ร้องเรียน", "ประธาน", "อดีต",
    "หัวหน้า", "เจ้าหน้าที่", "พนักงาน", "ลูกจ้าง", "ตำแหน่ง", "ผู้อำนวยการ", "ประจำ", "สังกัด", "จาก",
    "เมื่อ", "ตอน", "วันที่", "เวลา", "ขอ", "ติดต่อ", "เลขที่", "บ้านเลขที่", "หมู่", "ซอย", "ถนน", "แขวง",
    "เขต", "ไม่ทราบ", "ข้าง", "ข้างบ้าน", "เพื่อนบ้าน", "ลูก", "ภรรยา", "สามี", "พร้อม", "ยืน", "นั่ง", "นอน",
    "เดิน", "วิ่ง", "ส่ง", "รับ", "เก็บ", "ให้", "ได้", "ก่อ", "นำ", "พา", "เข้า", "ออก", "ถูก", "โดน", "เห็น",
    "ตอบ", "ถาม", "ยอม", "รู้", "อ้าง", "สั่ง", "เรียก", "ผู้แจ้ง", "ผู้ร้อง", "ผู้เสียหาย", "อาศัย", "ประกอบ",
}
# common Thai nicknames that are also dictionary words (accepted after คุณ)
_NICKNAMES = {
    "ต้น", "นิด", "หน่อย", "เล็ก", "ใหญ่", "แดง", "ดำ", "ปู", "กุ้ง", "ไก่", "หมู", "แบงค์", "เก่ง", "เอก",
    "บอย", "ตุ๊ก", "ตู่", "อ้อย", "แอน", "เอ", "บี", "ฝน", "น้ำ", "ปลา", "นก", "เจี๊ยบ", "อ๋อ", "ก้อย", "แป้ง",
    "ปุ้ย", "ตั้ม", "โอ๋", "จอย", "แนน", "เบียร์", "กอล์ฟ", "ฟ้า", "มด", "ปิง", "แจน", "จิ๊บ", "ตาล", "ส้ม",
    "เมย์", "พลอย", "ต่าย", "หนึ่ง", "สอง", "ป๊อป", "ป้อม", "อาร์ม", "โจ้", "เจ", "นุ่น", "ออย", "บิว",
    "ฟิล์ม", "ไอซ์", "มิ้นท์", "เฟิร์น", "ดาว", "จุ๋ม", "แหม่ม", "ติ๊ก", "หนิง", "นัท", "ตี๋", "หมี", "เต้",
}


@lru_cache(maxsize=1)
def _name_sets() -> tuple[frozenset, frozenset]:
    from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names

    return frozenset(thai_female_names() | thai_male_names()), frozenset(thai_family_names())


@lru_cache(maxsize=1)
def _trie():
    from hub.thai_text import WordSet

    first, family = _name_sets()
    return WordSet(set(_thai_words()) | first | family | _NICKNAMES)


@lru_cache(maxsize=4096)
def _tokens(run: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize

    return tuple(t for t in word_tokenize(run, custom_dict=_trie(), engine="longest", keep_whitespace=False) if t)


def _is_known_name(token: str) -> bool:
    first, family = _name_sets()
    return token in first or token in family or token in _NICKNAMES


def _looks_like_name(token: str, following: str | None) -> bool:
    """A first name after คุณ: a nickname, no dictionary word (ภัณนี), or a corpus first name that is
    also a word (กมล, ใจ) when it ends the run or a verb follows (คุณกมลมาจอด, not คุณแม่ใจดีมาก)."""
    first, _ = _name_sets()
    if token in _NICKNAMES or token not in _thai_words():
        return True
    return token in first and (following is None or following in _AFTER_NAME or following in _FUNCTION_WORDS)


@lru_cache(maxsize=1)
def _stop_next() -> frozenset:
    """Words that end a name once it has started: clause words plus pythainlp's stopwords that are no name."""
    from pythainlp.corpus import thai_stopwords

    first, family = _name_sets()
    return frozenset(_FUNCTION_WORDS | _AFTER_NAME | (set(thai_stopwords()) - first - family))


@lru_cache(maxsize=1)
def _name_text() -> str:
    first, family = _name_sets()
    return "|".join(sorted(first | family | _NICKNAMES))


@lru_cache(maxsize=1)
def _clause_prefixes() -> tuple[str, ...]:
    return tuple(w for w in _FUNCTION_WORDS | _AFTER_NAME if len(w) >= 3)


def _ends_name(token: str) -> bool:
    """A token after the start of a name that is no part of it: a clause word (ได้, โดย, บอกว่า) or a
    dictionary word found in no corpus name (ทะเลาะ), whereas name pieces (บุญ, ศรี, สวัสดิ์) go on."""
    if token in _stop_next():
        return True
    first, family = _name_sets()
    if token in first or token in family or token in _NICKNAMES or token not in _thai_words():
        return False
    return token.startswith(_clause_prefixes()) or token not in _name_text()


def _name_length(run: str, strict: bool) -> int:
    """How many leading characters of ``run`` are a person's name (0 = none).

    Leak-averse: once a name has started, every following token belongs to it until a clause word
    (ได้, ที่, โดย, ขับรถ, ...), so an unknown compound name (พึ่งบุญ) is never cut in half.
    """
    tokens = _tokens(run)
    if not tokens or tokens[0] in _FUNCTION_WORDS:
        return 0
    if tokens[0] in _AFTER_NAME and tokens[0] not in _name_sets()[0]:  # นามสกุล นอน..., ชื่อผู้แจ้ง ขอ...
        return 0
    if strict and not _looks_like_name(tokens[0], tokens[1] if len(tokens) > 1 else None):
        return 0
    return _length_until_clause(tokens)


def _length_until_clause(tokens: list[str]) -> int:
    """Characters of the name that starts at tokens[0]: it runs until a clause word ends it."""
    length = len(tokens[0])
    for token in tokens[1:]:
        if _ends_name(token):
            break
        length += len(token)
    return length


def _surname_length(sur: str) -> int:
    """How much of the space-separated word after a full first name is the surname (0 = none).

    Surnames are compounds of ordinary words (พึ่งบุญ, อ่อนศรี, ทองมา), so the word is a surname unless it
    opens with a clause word (บอก, ได้, ขับรถ, อายุ ...); it ends at the next clause word (ใจดีและ...).
    """
    if sur.startswith("ณ"):  # ณ อยุธยา
        return len(sur)
    tokens = _tokens(sur)
    _, family = _name_sets()
    if not tokens or tokens[0] in _FUNCTION_WORDS or (tokens[0] in _AFTER_NAME and tokens[0] not in family):
        return 0
    return _length_until_clause(tokens)


def _hon_key(hon: str) -> str:
    for key in ("นาย", "นาง", "คุณ"):
        if hon == key:
            return key
    return ""


def _name_decision(match: re.Match) -> tuple[int, str, list]:
    """(end of the consumed text, its replacement, found) for one honorific match.

    Only what is replaced is consumed: when no name follows, just the honorific is; when the name stops
    inside the run or the next word is no surname, the rest is scanned again (นายสมชายกับนางสมศรี).
    """
    start, hon, sp = match.start(), match.group("hon"), match.group("sp")
    skip = (match.end("hon"), hon, [])
    key = _hon_key(hon)
    before = match.string[max(0, start - 16):start]
    if _PLACE_BEFORE.search(before):  # ซอยนายเลิศ, ถนนนางลิ้นจี่: places named after people
        return skip
    if match.group("latin"):
        return match.end(), hon + sp + PLACEHOLDERS["name"], [("name", match.group("latin"))]
    run, sp2, sur = match.group("run"), match.group("sp2") or "", match.group("sur") or ""
    strict = hon == "คุณ"
    _, family = _name_sets()
    if key:
        if run in _NOT_NAME_EXACT.get(key, ()):
            return skip
        head = _tokens(run)[0]
        family_follows = bool(sur) and _tokens(sur)[0] in family
        for word in _NOT_NAME_START.get(key, ()):
            if not run.startswith(word):
                continue
            # a family name after it makes it a person: คุณสมบัติ ใจดี, นางงามจิต ใจดี
            if family_follows and (key != "คุณ" or run == word):
                break
            if key == "คุณ" or head == word or not _is_known_name(head):  # คุณภาพ, นางงาม, นายกรัฐมนตรี
                return skip
    title = ""
    if key:
        first_tokens = _tokens(run)
        head = first_tokens[0] if first_tokens else ""
        # คุณครู, นายแพทย์; also a dictionary word that starts with a title (นายตำรวจจราจร, คุณหมอฟัน)
        if head in _TITLES.get(key, ()) or (head in _thai_words() and head not in _name_sets()[0]
                                             and head.startswith(_TITLES.get(key, ("\0",)))):
            title, run, strict = head, run[len(head):], True
    prefix = hon + sp + title
    run_start = match.end("hon") + len(sp) + len(title)
    if not run:  # คุณหมอ สมชาย: the name is the next word
        if not sur:
            return skip
        n = _name_length(sur, strict=True)
        if not n:
            return skip
        return match.start("sur") + n, prefix + sp2 + PLACEHOLDERS["name"], [("name", sur[:n])]
    n = _name_length(run, strict)
    if not n:
        return skip
    if n == len(run) and sur:
        m = _surname_length(sur)
        if m:
            return match.start("sur") + m, prefix + PLACEHOLDERS["name"], [("name", run + sp2 + sur[:m])]
    return run_start + n, prefix + PLACEHOLDERS["name"], [("name", run[:n])]


def _names_text(text: str, sink: list | None = None) -> str:
    """The honorific pass: scan left to right, replacing only what ``_name_decision`` consumes."""
    out, pos = [], 0
    while True:
        match = _NAME_RE.search(text, pos)
        if match is None:
            break
        end, replacement, found = _name_decision(match)
        out.append(text[pos:match.start()])
        out.append(replacement)
        if sink is not None:
            sink.extend(found)
        pos = end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _is_bare_pair(first: str, last: str) -> bool:
    firsts, family = _name_sets()
    words = _thai_words()
    return first in firsts and last in family and (first not in words or last not in words)


def _bare_names_text(text: str, sink: list | None = None) -> str:
    """``สมชาย ศรีสุข`` (a corpus first name, spaces, a corpus family name; not both dictionary words)."""
    out, pos = [], 0
    tokens = list(_THAI_RUN.finditer(text))
    i = 0
    while i < len(tokens) - 1:
        a, b = tokens[i], tokens[i + 1]
        gap = text[a.end():b.start()]
        if gap.strip(" \t\u00a0") == "" and gap and _is_bare_pair(a.group(), b.group()):
            out.append(text[pos:a.start()])
            out.append(PLACEHOLDERS["name"])
            if sink is not None:
                sink.append(("name", text[a.start():b.end()]))
            pos = b.end()
            i += 2
            continue
        i += 1
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


# --------------------------------------------------------------------------------------------------
# The passes, in order (each sees the output of the previous one; placeholders contain no digits and
# start with "[", so a later pass never re-matches them)
# --------------------------------------------------------------------------------------------------
_NUM_TRIGGER = "[0-9๐-๙０-９](?:[^ก-๛a-zA-Z]{0,4}[0-9๐-๙０-９]){8}"
# the honorific alternation without its lookarounds (which only narrow the Python match): a superset
_NAME_TRIGGER = re.sub(r"\(\?<?[!=](?:[^()]|\([^()]*\))*\)", "", _HON_ALT).replace(
    "|คุณ|", "|(?:^|[^บ]|^บ|[^อ]บ|^อบ|[^ข]อบ)คุณ|")  # any คุณ but the one of ขอบคุณ (ubiquitous)


@lru_cache(maxsize=1)
def _passes() -> tuple[_Pass, ...]:
    plate_context, plate_bare = _plate_regexes()
    return (
        _Pass("email", "@|＠|(?i:\\(at\\))|(?i:\\[at\\])", _EMAIL_RE, _email),
        _Pass("national_id", _NUM_TRIGGER, _ID_RE, _national_id, retry=True),
        _Pass("bank_account", _NUM_TRIGGER, _BANK_RE, _bank),
        _Pass("phone", _NUM_TRIGGER, _PHONE_RE, _phone, retry=True),
        _Pass("line", "ไลน|ไลท|(?i:line)|(?i:lin\\.ee)", _LINE_RE, _line, retry=True),
        _Pass("plate", "ทะเบียน", plate_context, _plate_context),
        _Pass("plate", "(?:^|[^ก-๙A-Za-z0-9０-９])[0-9๐-๙０-９]?[ก-ฮ]{2}[ \t\\-]?[0-9๐-๙０-９]", plate_bare, _plate_bare,
              retry=True),
        _Pass("name", _NAME_TRIGGER, scanner=_names_text),
        _Pass("name", "", scanner=_bare_names_text),  # trigger: _bare_pair_mask (vectorised corpus look-up)
    )


def _run(text: str, sink: list | None) -> str:
    for p in _passes():
        text = p.apply(text, sink)
    return text


def scrub_text(text: str) -> str:
    """``text`` with personal data replaced by typed Thai placeholders (None/NaN come back unchanged)."""
    if not isinstance(text, str) or not text:
        return text
    return _run(text, None)


def find_pii(text: str) -> list[tuple[str, str]]:
    """(kind, matched text) of every piece of personal data ``scrub_text`` removes, in pass order."""
    if not isinstance(text, str) or not text:
        return []
    sink: list[tuple[str, str]] = []
    _run(text, sink)
    return sink


# --------------------------------------------------------------------------------------------------
# Vectorised column version
# --------------------------------------------------------------------------------------------------
def candidate_mask(texts: pd.Series) -> np.ndarray:
    """Boolean array: rows that may contain personal data (a superset of the rows ``scrub_text`` changes)."""
    import pyarrow as pa

    values = [v if isinstance(v, str) else None for v in texts.to_numpy(dtype=object)]
    return candidate_mask_arrow(pa.array(values, type=pa.large_string()))


def candidate_mask_arrow(arr) -> np.ndarray:
    """`candidate_mask` over an Arrow string array (as DuckDB hands a column, without Python strings)."""
    import pyarrow.compute as pc

    union = "|".join(f"(?:{p.trigger})" for p in _passes() if p.trigger)
    mask = pc.fill_null(pc.match_substring_regex(arr, union), False).to_numpy(zero_copy_only=False)
    return mask.astype(bool) | _bare_pair_mask(arr)


def _bare_pair_mask(arr) -> np.ndarray:
    """Rows where a corpus first name is directly followed (next Thai run) by a corpus family name."""
    import pyarrow.compute as pc

    firsts, family = _name_sets()
    lists = pc.split_pattern_regex(arr, "[^ก-๎]+")
    flat = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists).to_numpy()
    is_first = pc.is_in(flat, value_set=_value_set("first", firsts)).to_numpy(zero_copy_only=False)
    is_family = pc.is_in(flat, value_set=_value_set("family", family)).to_numpy(zero_copy_only=False)
    hits = is_first[:-1] & is_family[1:] & (parents[:-1] == parents[1:])
    mask = np.zeros(len(arr), dtype=bool)
    mask[parents[:-1][hits]] = True
    return mask


@lru_cache(maxsize=2)
def _value_set(_key: str, values: frozenset):
    import pyarrow as pa

    return pa.array(sorted(values), type=pa.large_string())


def scrub_series(texts: pd.Series) -> pd.Series:
    """``scrub_text`` over a column, vectorised: one RE2 scan picks candidate rows, then each compiled
    pass runs as ``Series.str.replace`` on those rows only. Index, name, dtype and missing values are kept."""
    out = texts.copy()
    if len(texts) == 0:
        return out
    mask = candidate_mask(texts)
    if not mask.any():
        return out
    positions = np.flatnonzero(mask)
    out.iloc[positions] = scrub_candidates(texts.iloc[positions].tolist())
    return out


def scrub_candidates(texts: list) -> list:
    """`scrub_text` on each of the texts `candidate_mask` picked, vectorised per pass: each pass runs only
    on the texts its own trigger matches *now* (after the passes before it), found by one RE2 scan."""
    import pyarrow as pa
    import pyarrow.compute as pc

    current = list(texts)
    for p in _passes():
        arr = pa.array(current, type=pa.large_string())
        mask = (pc.fill_null(pc.match_substring_regex(arr, p.trigger), False).to_numpy(zero_copy_only=False)
                if p.trigger else _bare_pair_mask(arr))
        positions = np.flatnonzero(mask)
        if len(positions):
            changed = p.apply_series(pd.Series([current[i] for i in positions], dtype=object)).tolist()
            for i, text in zip(positions, changed):
                current[i] = text
    return current


# --------------------------------------------------------------------------------------------------
# Coordinates
# --------------------------------------------------------------------------------------------------
# Traffy problem types (data/traffy_problem_types_Nacnano.json) whose location tends to point at a person
# rather than at public infrastructure: homeless people, noise/smoke/animals from a neighbour's home,
# requests for help, and complaints about people (officials, whistle-blowing).
SENSITIVE_COMPLAINT_TYPES: frozenset[str] = frozenset({
    "คนจรจัด", "คนเร่ร่อน",                  # a homeless person sleeps there
    "เสียงรบกวน", "เสียง",                   # noise is mostly a neighbour's house
    "สัตว์จรจัด", "สัตว์",                    # strays fed / pets kept at someone's home
    "เผาในที่โล่ง",                           # open burning reported next to the reporter's own house
    "ขอความช่วยเหลือ",                       # a person asking for help at home
    "ร้องเรียน", "ทุจริต", "กรุงเทพโปร่งใส",      # complaints about people, whistle-blowing
})
SENSITIVE_DECIMALS = 2   # ~1.1 km in Bangkok
DEFAULT_DECIMALS = 3     # ~110 m


def parse_problem_types(value) -> list[str]:
    """Traffy ``type``: the Postgres array literal ``{ถนน,กีดขวาง}`` / ``"{}"``, a list, or one label."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        inner = value.strip()
        if inner.startswith("{") and inner.endswith("}"):
            inner = inner[1:-1]
        return [part.strip().strip('"') for part in inner.split(",") if part.strip().strip('"')]
    return [str(v).strip() for v in value if str(v).strip()]


def decimals_for_types(types) -> int:
    """2 decimals when any problem type is sensitive, else 3 (rule documented at SENSITIVE_COMPLAINT_TYPES)."""
    labels = parse_problem_types(types)
    return SENSITIVE_DECIMALS if any(label in SENSITIVE_COMPLAINT_TYPES for label in labels) else DEFAULT_DECIMALS


def coarsen(lat, lon, decimals):
    """Round coordinates to ``decimals`` places (scalars, arrays or Series; ``decimals`` may be per row).

    Returns ``(lat, lon)`` of the same kind; NaN stays NaN, None stays None.
    """
    if lat is None or lon is None:
        return lat, lon
    if np.isscalar(lat) and np.isscalar(lon) and np.isscalar(decimals):
        return round(float(lat), int(decimals)), round(float(lon), int(decimals))
    dec = np.asarray(decimals)

    def _round(values):
        arr = np.asarray(values, dtype=float)
        if dec.ndim == 0:
            rounded = np.round(arr, int(dec))
        else:  # per-row decimals: round by each distinct value
            rounded = arr.copy()
            for d in np.unique(dec):
                rounded = np.where(dec == d, np.round(arr, int(d)), rounded)
        if isinstance(values, pd.Series):
            return pd.Series(rounded, index=values.index, name=values.name)
        return rounded

    return _round(lat), _round(lon)


def coarsen_for_types(lat, lon, types):
    """Coarsen by the rule: per-row types (Series/list of Traffy ``type`` values) or one row's types."""
    if isinstance(types, pd.Series):
        return coarsen(lat, lon, types.map(decimals_for_types).to_numpy())
    return coarsen(lat, lon, decimals_for_types(types))


__all__ = [
    "KINDS", "PLACEHOLDERS", "SENSITIVE_COMPLAINT_TYPES", "SENSITIVE_DECIMALS", "DEFAULT_DECIMALS",
    "scrub_text", "scrub_series", "scrub_candidates", "find_pii", "candidate_mask", "candidate_mask_arrow",
    "thai_id_is_valid",
    "coarsen", "coarsen_for_types", "decimals_for_types", "parse_problem_types",
]
