"""PII scrubber for published free text (model/privacy.py).

- adversarial set: every personal-data substring disappears (zero leaks) under the right placeholder;
- clean set: the false-positive rate (texts changed / total) is printed and must stay <= 5%;
- the 200 real Traffy rows: after scrubbing, independent simple regexes find no valid ID, no phone-shaped
  number and no e-mail;
- scrub_series equals scrub_text element-wise; coordinates are coarsened by the documented rule.
"""
from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from model.privacy import (
    DEFAULT_DECIMALS,
    KINDS,
    PLACEHOLDERS,
    SENSITIVE_COMPLAINT_TYPES,
    SENSITIVE_DECIMALS,
    candidate_mask,
    coarsen,
    coarsen_for_types,
    decimals_for_types,
    find_pii,
    parse_problem_types,
    scrub_series,
    scrub_text,
    thai_id_is_valid,
)

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
TRAFFY_SAMPLE = SHARED / "traffy_teamchadchart_sample_200rows.csv"
TRAFFY_TYPES = SHARED / "traffy_problem_types_Nacnano.json"


def _adversarial() -> list[dict]:
    return yaml.safe_load((FIXTURES / "pii_adversarial.yaml").read_text(encoding="utf-8"))


def _clean() -> list[str]:
    return yaml.safe_load((FIXTURES / "pii_clean_texts.yaml").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------------
# Independent, deliberately simple detectors (not the module's regexes)
# ---------------------------------------------------------------------------------------------------
_THAI_TO_ASCII = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _independent_leaks(text: str) -> list[tuple[str, str]]:
    """Valid 13-digit IDs, phone-shaped numbers and e-mails left in ``text``."""
    norm = text.translate(_THAI_TO_ASCII).replace("\u00a0", " ")
    leaks = []
    for m in re.finditer(r"(?<!\d)\d(?:[ .\-]?\d){12}(?!\d)", norm):
        digits = re.sub(r"\D", "", m.group())
        check = (11 - sum(int(d) * (13 - i) for i, d in enumerate(digits[:12])) % 11) % 10
        if check == int(digits[12]):
            leaks.append(("national_id", m.group()))
    phone = (r"(?<!\d)(?:\+66[ \-]?|66[ \-]?|0)[689]\d(?:[ .\-]?\d){7}(?!\d)"   # mobiles
             r"|(?<!\d)0[ .\-]?2(?:[ .\-]?\d){7}(?!\d)")                      # Bangkok landlines
    leaks += [("phone", m.group()) for m in re.finditer(phone, norm)]
    leaks += [("email", m.group()) for m in re.finditer(r"[\w.+\-]+@[\w\-]+\.[\w.\-]+", norm)]
    return leaks


# ---------------------------------------------------------------------------------------------------
# Adversarial set: zero leaks, right kind
# ---------------------------------------------------------------------------------------------------
def test_adversarial_set_zero_leaks_and_right_kind():
    cases = _adversarial()
    assert len(cases) >= 80
    leaks, wrong_kind, missing_placeholder = [], [], []
    items = Counter()
    for case in cases:
        text = case["text"]
        scrubbed = scrub_text(text)
        found = find_pii(text)
        for item in case["pii"]:
            kind, secret = item["kind"], item["text"]
            assert kind in KINDS, kind
            assert secret in text, f"fixture error: {secret!r} not in {text!r}"
            items[kind] += 1
            if secret in scrubbed:
                leaks.append((secret, scrubbed))
            if not any(k == kind and secret in matched for k, matched in found):
                wrong_kind.append((kind, secret, found))
            if PLACEHOLDERS[kind] not in scrubbed:
                missing_placeholder.append((kind, scrubbed))
    print(f"\nadversarial: {len(cases)} texts, {sum(items.values())} PII items {dict(items)}, "
          f"leaks={len(leaks)}, wrong kind={len(wrong_kind)}")
    assert leaks == []
    assert wrong_kind == []
    assert missing_placeholder == []


def test_adversarial_set_passes_independent_detectors():
    for case in _adversarial():
        assert _independent_leaks(scrub_text(case["text"])) == [], case["text"]
    # and the detectors do see the raw texts (so the check above is not vacuous)
    raw = sum(bool(_independent_leaks(case["text"])) for case in _adversarial())
    assert raw >= 30


def _generated_number(rng: random.Random) -> str:
    """A random valid ID or phone in a random grouping/separator style, sometimes in Thai digits."""
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    if rng.random() < 0.4:
        body = rng.choice("12345678") + digits(11)
        number = body + str((11 - sum(int(d) * (13 - i) for i, d in enumerate(body)) % 11) % 10)
        groups = (1, 4, 5, 2, 1)
    else:
        number = rng.choice(["0" + rng.choice("689") + digits(8), "02" + digits(7), "0" + rng.choice("34567") + digits(7)])
        groups = rng.choice([(3, 3, 4), (2, 4, 4), (3, 7), (1, 4, 4)] if len(number) == 10 else [(2, 3, 4), (1, 4, 4), (3, 6)])
    parts, i = [], 0
    for n in groups:
        parts.append(number[i:i + n])
        i += n
    parts[-1] += number[i:]
    text = rng.choice(["-", " ", ".", "", " - ", "\u00a0"]).join(parts)
    if len(number) == 10 and rng.random() < 0.2:
        text = rng.choice(["+66 ", "+66", "(+66) ", "0066 ", "+66 (0) "]) + text.lstrip("0").lstrip("-. \u00a0")
    return text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) if rng.random() < 0.2 else text


def test_generated_ids_and_phones_never_leak():
    """Random IDs/phones glued into real-looking text at random places (next to other numbers, brackets,
    Thai words): none survives, whatever number, date or bracket stands next to it."""
    rng = random.Random(11)
    bases = _clean() + [c["text"] for c in _adversarial()]
    leaks = []
    for _ in range(1500):
        base = rng.choice(bases)
        cut = rng.randint(0, len(base))
        left = base[:cut] + rng.choice(["", " ", "โทร", "โทร.", "เบอร์ ", "(", ",", "\n", "บัตร "])
        right = rng.choice(["", " ", "ค่ะ", ")", ",", "\n"]) + base[cut:]
        if re.search(r"[0-9๐-๙]$", left):  # a digit glued on makes a longer number, not this one
            left += " "
        if re.match(r"[0-9๐-๙]", right):
            right = " " + right
        number = _generated_number(rng)
        if number in scrub_text(left + number + right):
            leaks.append(left[-15:] + number + right[:15])
    assert leaks == []


def test_scrubbing_is_idempotent():
    for case in _adversarial():
        once = scrub_text(case["text"])
        assert scrub_text(once) == once
        assert find_pii(once) == []


# ---------------------------------------------------------------------------------------------------
# Clean set: false-positive rate
# ---------------------------------------------------------------------------------------------------
def test_clean_set_false_positive_rate():
    texts = _clean()
    assert len(texts) >= 100
    changed = [(t, scrub_text(t)) for t in texts if scrub_text(t) != t]
    rate = len(changed) / len(texts)
    print(f"\nclean set: {len(changed)}/{len(texts)} texts changed, false-positive rate {rate:.1%}")
    for before, after in changed:
        print(f"  FP: {before!r} -> {after!r}")
    assert rate <= 0.05


@pytest.mark.parametrize("text", [
    "ติดต่อสายด่วน 1555 หรือ 191 หรือ 1669",
    "บ้านเลขที่ 99/123 ซอย 5 ถนนพระราม 9",
    "ค่าปรับ 5,000 บาท", "3000 - 4000 บาท",
    "วันที่ 05-05-2566 2 ครั้ง", "เวลา 08.00-18.00 น.", "14/05/2566", "12-5-66",
    "คุณภาพอากาศแย่", "คุณค่าของต้นไม้", "คุณสมบัติไม่ครบ", "ขอบคุณครับ",
    "นายกรัฐมนตรี", "นายจ้าง", "ซอยนายเลิศ", "ถนนนางลิ้นจี่", "รถ 2 คัน", "คน 3 คน",
    "รหัสเรื่อง นร02660019663", "ขึ้นทะเบียนสุนัข 20 ตัว",
])
def test_not_personal_data(text):
    assert scrub_text(text) == text
    assert find_pii(text) == []


def test_thirteen_digits_with_bad_checksum_are_kept_unless_labelled():
    assert thai_id_is_valid("1-1661-31860-91-0")
    assert thai_id_is_valid("๖๑๘๑๙๐๙๓๗๘๖๕๖")
    assert not thai_id_is_valid("1234567890123")
    assert not thai_id_is_valid("123456789012")
    # a 13-digit reference with a bad check digit stays (documented trade-off) ...
    assert scrub_text("ใบเสร็จเลขที่ 1234567890123") == "ใบเสร็จเลขที่ 1234567890123"
    # ... but not next to an ID keyword, where it is a mistyped ID
    assert scrub_text("บัตรประชาชน 1234567890123") == "บัตรประชาชน [เลขบัตร]"


def test_placeholders_keep_the_sentence_readable():
    assert scrub_text("ติดต่อ นายสมชาย ใจดี โทร 081-234-5678 ไลน์ abc123") == \
        "ติดต่อ นาย[ชื่อ] โทร [โทร] ไลน์ [ไลน์]"
    assert scrub_text("คุณครูสมศรีบอกว่า") == "คุณครู[ชื่อ]บอกว่า"
    assert scrub_text("รถทะเบียน 3กม 5678 กรุงเทพมหานคร จอดขวาง") == "รถทะเบียน [ทะเบียนรถ] จอดขวาง"
    assert find_pii("ไลน์ abc123 อีเมล a.b@c.co.th") == [("email", "a.b@c.co.th"), ("line", "abc123")]


def test_missing_values_pass_through():
    assert scrub_text("") == ""
    assert scrub_text(None) is None
    assert find_pii(None) == []
    out = scrub_series(pd.Series(["โทร 0812345678", None, np.nan, ""], index=[10, 11, 12, 13], name="comment"))
    assert out.iloc[0] == "โทร [โทร]" and out.iloc[1] is None and pd.isna(out.iloc[2]) and out.iloc[3] == ""
    assert list(out.index) == [10, 11, 12, 13] and out.name == "comment"


# ---------------------------------------------------------------------------------------------------
# Real Traffy rows
# ---------------------------------------------------------------------------------------------------
@pytest.mark.skipif(not TRAFFY_SAMPLE.exists(), reason="shared Traffy sample absent")
def test_real_traffy_rows_have_no_id_phone_or_email_left():
    comments = pd.read_csv(TRAFFY_SAMPLE, encoding="utf-8-sig")["comment"]
    assert len(comments) == 200
    scrubbed = scrub_series(comments)
    left = [(i, leak) for i, text in scrubbed.dropna().items() for leak in _independent_leaks(text)]
    assert left == []
    changed = [(c, s) for c, s in zip(comments, scrubbed) if isinstance(c, str) and c != s]
    kinds = Counter(kind for c, _ in changed for kind, _ in find_pii(c))
    print(f"\nreal Traffy rows: {len(changed)}/200 changed, by kind {dict(kinds)}")
    for before, after in changed:
        print("  ", [m for m in find_pii(before)])
    # the sample does hold personal data: a person named after an honorific and a truck plate
    assert kinds["name"] >= 1 and kinds["plate"] >= 1
    assert not any("ภัณนี" in s for s in scrubbed.dropna())


# ---------------------------------------------------------------------------------------------------
# scrub_series == scrub_text
# ---------------------------------------------------------------------------------------------------
def _mixed_texts(n: int, seed: int = 3) -> list[str]:
    """Fixture texts and random splices of them (PII fragments glued into clean/real text)."""
    rng = random.Random(seed)
    pool = [c["text"] for c in _adversarial()] + _clean()
    if TRAFFY_SAMPLE.exists():
        pool += list(pd.read_csv(TRAFFY_SAMPLE, encoding="utf-8-sig")["comment"].dropna())
    fragments = [item["text"] for c in _adversarial() for item in c["pii"]]
    out = list(pool)
    while len(out) < n:
        base = rng.choice(pool)
        cut = rng.randint(0, len(base))
        glue = rng.choice(["", " ", "\n", "-", "/", ":", "นาย", "คุณ", "โทร", "ทะเบียน ", "ไลน์ "])
        out.append(base[:cut] + glue + rng.choice(fragments) + rng.choice(["", " ", "5", "ค่ะ"]) + base[cut:])
    return out


def test_scrub_series_equals_scrub_text_elementwise():
    texts = _mixed_texts(1500)
    series = pd.Series(texts, index=range(100, 100 + len(texts)), name="comment")
    out = scrub_series(series)
    expected = [scrub_text(t) for t in texts]
    assert out.tolist() == expected
    assert list(out.index) == list(series.index) and out.name == "comment"
    # the vectorised pre-filter never drops a row that scrub_text would change
    mask = candidate_mask(series)
    assert all(mask[i] for i, (t, e) in enumerate(zip(texts, expected)) if t != e)
    assert mask.mean() < 1.0


def test_scrub_series_keeps_pyarrow_string_dtype():
    series = pd.Series(["โทร 0812345678", "ไม่มีข้อมูลส่วนตัว", None], dtype="string[pyarrow]")
    out = scrub_series(series)
    assert out.dtype == series.dtype
    assert out.tolist()[:2] == ["โทร [โทร]", "ไม่มีข้อมูลส่วนตัว"] and pd.isna(out.iloc[2])


# ---------------------------------------------------------------------------------------------------
# Coordinates
# ---------------------------------------------------------------------------------------------------
def test_coarsen_scalars_arrays_and_series():
    assert coarsen(13.756331, 100.501765, 3) == (13.756, 100.502)
    assert coarsen(13.756331, 100.501765, 2) == (13.76, 100.5)
    lat, lon = coarsen(np.array([13.7563, np.nan]), np.array([100.5018, 100.6]), 2)
    assert lat[0] == 13.76 and np.isnan(lat[1]) and lon.tolist() == [100.5, 100.6]
    lat_s = pd.Series([13.75631, 13.75631], index=["a", "b"])
    lon_s = pd.Series([100.50176, 100.50176], index=["a", "b"])
    lat2, lon2 = coarsen(lat_s, lon_s, [2, 3])
    assert lat2.tolist() == [13.76, 13.756] and lon2.tolist() == [100.5, 100.502]
    assert list(lat2.index) == ["a", "b"]
    assert coarsen(None, None, 3) == (None, None)


def test_sensitive_types_get_two_decimals():
    assert parse_problem_types('{กีดขวาง,ถนน}') == ["กีดขวาง", "ถนน"]
    assert parse_problem_types("{}") == [] and parse_problem_types(None) == []
    assert decimals_for_types("{ถนน}") == DEFAULT_DECIMALS == 3
    assert decimals_for_types("{ความสะอาด,คนจรจัด}") == SENSITIVE_DECIMALS == 2
    assert decimals_for_types(["เสียงรบกวน"]) == 2
    assert decimals_for_types("{}") == 3
    types = pd.Series(["{คนจรจัด}", "{ถนน,ทางเท้า}", "{}"])
    lat, lon = coarsen_for_types(pd.Series([13.75631] * 3), pd.Series([100.50176] * 3), types)
    assert lat.tolist() == [13.76, 13.756, 13.756] and lon.tolist() == [100.5, 100.502, 100.502]


@pytest.mark.skipif(not TRAFFY_TYPES.exists(), reason="shared Traffy type vocabulary absent")
def test_sensitive_types_are_real_traffy_types():
    vocabulary = set(json.loads(TRAFFY_TYPES.read_text(encoding="utf-8"))["problem_types"])
    assert SENSITIVE_COMPLAINT_TYPES <= vocabulary
    assert {"คนจรจัด", "คนเร่ร่อน", "เสียงรบกวน"} <= SENSITIVE_COMPLAINT_TYPES
    assert not {"ถนน", "ทางเท้า", "แสงสว่าง", "น้ำท่วม"} & SENSITIVE_COMPLAINT_TYPES
