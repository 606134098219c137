"""The published-text markup rule is written for speed; it must match exactly what the readable rule matches."""
import re

import pytest

from quality.suites import MARKUP

READABLE = re.compile(r"(?i)<\s*/?\s*[a-z!]|javascript\s*:|\bon[a-z]+\s*=")
FAST = re.compile(MARKUP)

TEXTS = [
    "<a href='x'>", "< / B>", "<!-- note -->", "<script>alert(1)</script>", "JavaScript :alert(1)",
    "javascript:void(0)", "jAvAsCrIpT\t:", "x onclick = 1", "onload=run()", "ON MOUSEOVER=1", "a onx =",
    "ไทย onerror=1", "ไทยonerror=1", "Don=3", "london=3", "1<2 and 3>2", "a < b", "<3 love", "java script:",
    "on =", "on1=2", "ถนนมีน้ำท่วมขังหน้าซอย ทำให้รถติดมาก", "โทร 02-123-4567 คุณสมชาย", "", "o", "j", "<",
    "สอบถาม:ได้ที่ https://example.org/?on=1", "เวลา 10:00 น.", "ราคา = 50 บาท", "onion = vegetable", "_onx=1",
]


@pytest.mark.parametrize("text", TEXTS)
def test_fast_markup_rule_matches_the_readable_rule(text):
    assert bool(FAST.search(text)) == bool(READABLE.search(text))


def test_the_rule_catches_markup_and_spares_plain_thai():
    assert FAST.search("<img src=x onerror=alert(1)>") and FAST.search("javascript:alert(1)")
    assert not FAST.search("ถนนมีน้ำท่วมขังหน้าซอย ทำให้รถติดมาก ช่วยแก้ไขด้วยครับ เวลา 10:00 น.")
