"""`WordSet` must answer pythainlp's tokenizers exactly as pythainlp's own Trie does."""
import random

import pytest
from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import dict_trie

from hub.thai_text import WordSet

TEXTS = [
    "ขอเชิญประชาชนนำสุนัขและแมวมารับการฉีดวัคซีนป้องกันโรคพิษสุนัขบ้าฟรี ณ สำนักงานเขตจตุจักร",
    "นายสมชาย ใจดี แจ้งว่าถนนพหลโยธินซอย 24 มีน้ำท่วมขังสูง 20 ซม. รถเล็กผ่านไม่ได้",
    "ฉีดพ่นหมอกควันกำจัดยุงลาย ป้องกันไข้เลือดออก ชุมชนวัดลาดพร้าว วันเสาร์ที่ 28 พฤศจิกายน 2569",
    "รับแจ้งทิ้งขยะชิ้นใหญ่ เฟอร์นิเจอร์เก่า ที่นอน โทร 1555 หรือแอปทางรัฐ",
    "คุณหมอฟันนัดหมายตรวจสุขภาพช่องปากฟรีที่ศูนย์บริการสาธารณสุข 12", "กขคงจฉช", "", "a b c 123",
]


@pytest.fixture(scope="module")
def dictionaries():
    words = set(thai_words()) | {"จตุจักร", "ลาดพร้าว", "สมชาย"}
    return dict_trie(words), WordSet(words)


def test_prefixes_and_membership_match_pythainlps_trie(dictionaries):
    trie, word_set = dictionaries
    rng = random.Random(7)
    for text in TEXTS:
        for start in range(len(text) + 1):
            assert word_set.prefixes(text, start) == trie.prefixes(text, start)
    for word in rng.sample(sorted(word_set), 500) + ["", "ก", "ไม่มีคำนี้แน่นอน", "สมชา"]:
        assert (word in word_set) == (word in trie)
    assert len(word_set) == len(trie)


@pytest.mark.parametrize("engine", ["newmm", "longest"])
def test_tokenizers_cut_text_the_same(dictionaries, engine):
    trie, word_set = dictionaries
    for text in TEXTS:
        assert word_tokenize(text, custom_dict=word_set, engine=engine) == \
            word_tokenize(text, custom_dict=trie, engine=engine)


def test_normalize_skips_pythainlp_only_when_pythainlp_would_change_nothing():
    """The fast path of `normalize_thai` against always running pythainlp, on fuzzed Thai with every
    kind of mark, doubled vowels and tones, spaces before marks, newlines and zero-width characters."""
    import re
    import unicodedata

    from pythainlp.util import normalize

    from hub.thai_text import normalize_thai

    def reference(text):
        text = unicodedata.normalize("NFC", text).replace("\u200b", "").replace("\u200c", "")
        text = text.replace("\u200d", "").replace("\ufeff", "")
        return re.sub(r"\s+", " ", normalize(text)).strip()

    alphabet = ["ก", "ข", "น", "ม", "า", "ำ", "ิ", "ี", "ุ", "ู", "่", "้", "๊", "๋", "็", "์", "ํ", "เ", "แ", "ะ",
                "ั", "ฺ", "ๅ", "ฤ", " ", " ", "  ", "\n", "\u200b", "a", "1", ".", "ๆ"]
    rng = random.Random(11)
    fuzz = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(6000)]
    for text in TEXTS + fuzz:
        assert normalize_thai(text) == reference(text), repr(text)
