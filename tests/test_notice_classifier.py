"""The notice classifier, measured on hand-labelled sets it was not tuned on.

tests/fixtures/labelled_notices.yaml was written before the rules, in wordings of its own, by the
author of the rules; the rules were tuned on the sample-site templates (the development list,
checked separately below). tests/fixtures/holdout_notices_{a,b}.yaml (120 notices) were written
afterwards by two other writers who never saw the rules or the other sets, and the rules were not
changed after measuring them: that is the honest figure. Each accuracy test prints the accuracy,
every misclassified notice by kind, and the throughput.
"""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from sample_sites.district_portals import PLACES, TEMPLATES
from scrapers import notice_classifier
from scrapers.notice_classifier import KINDS, classify_notice, tokens

LABELLED = Path(__file__).parent / "fixtures" / "labelled_notices.yaml"
NOTICES = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
MIN_ACCURACY = 0.95


def test_kinds_are_exactly_the_published_ones():
    assert KINDS == ("pet_vaccination", "sterilisation", "mosquito_fogging", "bulky_waste", "mobile_registration",
                     "job_training", "health_service", "district_event", "construction", "other")


def test_labelled_set_is_large_varied_and_not_copied_from_the_development_list():
    assert len(NOTICES) >= 120
    assert all(set(n) <= {"title", "body", "kind", "note"} and n["title"] and n["body"] for n in NOTICES)
    per_kind = Counter(n["kind"] for n in NOTICES)
    assert set(per_kind) == set(KINDS)
    assert min(per_kind.values()) >= 8 and per_kind["other"] >= 12, per_kind
    template_texts = {t.title for ts in TEMPLATES.values() for t in ts} | {t.body for ts in TEMPLATES.values() for t in ts}
    assert not {n["title"] for n in NOTICES} & template_texts
    rule_terms = {t for terms in notice_classifier.TERMS.values() for t in terms}
    assert not {n["title"] for n in NOTICES} & rule_terms
    assert len({n["title"] for n in NOTICES}) == len(NOTICES)          # no duplicates padding the count


HOLDOUT = [n for part in ("a", "b") for n in
           yaml.safe_load((Path(__file__).parent / "fixtures" / f"holdout_notices_{part}.yaml").read_text("utf-8"))]


@pytest.mark.parametrize("name,notices", [("labelled set", NOTICES), ("held-out set", HOLDOUT)])
def test_accuracy(capsys, name, notices):
    assert len(notices) >= 100 and set(Counter(n["kind"] for n in notices)) == set(KINDS)
    notice_classifier._tokenizer_dict()          # the one-off dictionary build is not part of the throughput
    classify = classify_notice.__wrapped__       # bypass the result cache: measure real work
    started = time.perf_counter()
    results = [(n, classify(n["title"], n["body"])) for n in notices]
    elapsed = time.perf_counter() - started
    wrong = [(n, got) for n, got in results if got != n["kind"]]
    accuracy = 1 - len(wrong) / len(results)
    confusion: dict[str, Counter] = defaultdict(Counter)
    for n, got in results:
        confusion[n["kind"]][got] += 1
    with capsys.disabled():
        print(f"\nnotice classifier, {name}: accuracy {accuracy:.3f} ({len(results) - len(wrong)}/{len(results)}), "
              f"{len(results) / elapsed:,.0f} notices/second (uncached)")
        for kind in KINDS:
            row = confusion[kind]
            misses = {k: v for k, v in row.items() if k != kind}
            print(f"  {kind:20s} {row[kind]:3d}/{sum(row.values()):3d}" + (f"  confused with {misses}" if misses else ""))
        for n, got in wrong:
            print(f"  WRONG {n['kind']} -> {got}: {n['title']!r}")
    assert accuracy >= MIN_ACCURACY, [(n["title"], n["kind"], got) for n, got in wrong]
    assert len(results) / elapsed > 100, "classification too slow for thousands of notices"


def test_development_list_every_sample_template_gets_its_kind():
    for kind, templates in TEMPLATES.items():
        for template in templates:
            for place in PLACES:
                body = template.body.format(district="ลาดพร้าว", place=place.format(district="ลาดพร้าว"))
                assert classify_notice(template.title, body) == kind, (template.title, place)


def test_multiword_terms_stay_whole_and_odd_spacing_still_matches():
    assert "พ่นหมอกควัน" in tokens("แจ้งกำหนดการพ่นหมอกควันกำจัดยุง")
    assert "ทำบัตรประจำตัวประชาชน" in tokens("หน่วยทำบัตรประจำตัวประชาชนเคลื่อนที่")
    assert classify_notice("พ่น  หมอก ควัน", "") == "mosquito_fogging"
    assert classify_notice("ทำ หมัน แมว", "") == "sterilisation"


def test_words_are_matched_as_tokens_not_substrings():
    # "ภาษี" (tax) inside "ภาษีเจริญ" (a district's name) is no tax notice.
    assert "ภาษีเจริญ" in tokens("ขอเชิญร่วมงานเทศกาลประจำปี เขตภาษีเจริญ")
    assert classify_notice("ขอเชิญร่วมงานเทศกาลประจำปี เขตภาษีเจริญ", "") == "district_event"
    assert classify_notice("ขอเชิญชำระภาษีป้าย", "") == "other"


def test_every_template_in_every_district_keeps_its_kind():
    """District and khwaeng names in the text never change a notice's kind."""
    from hub.gazetteer import Gazetteer
    gazetteer = Gazetteer.load()
    for district in gazetteer.districts:
        khwaeng = [s.name_th for s in gazetteer.subdistricts if s.district_code == district.code]
        for kind, templates in TEMPLATES.items():
            for template in templates:
                body = template.body.format(district=district.name_th, place=f"แขวง{khwaeng[0]}")
                title = f"{template.title} สำนักงานเขต{district.name_th}"      # portals often add the office
                assert classify_notice(title, body) == kind, (district.name_th, template.title)


def test_a_tone_mark_typo_still_matches_and_thai_digits_are_read():
    assert classify_notice("บริการเก็บขยะชิ้นใหญ๋", "") == "bulky_waste"
    assert "2569" in tokens("ประจำปี ๒๕๖๙")


def test_the_title_topic_beats_a_service_the_body_mentions():
    title, body = "ทำหมันแมวฟรี", "สัตว์ที่ทำหมันแล้วรับวัคซีนพิษสุนัขบ้า และนำบัตรประชาชนมาด้วย"
    assert classify_notice(title, body) == "sterilisation"
    assert classify_notice("ฉีดวัคซีนพิษสุนัขบ้า", "สำหรับสัตว์ที่ทำหมันแล้ว") == "pet_vaccination"


@pytest.mark.parametrize("title,kind", [
    ("ตรวจสุขภาพสุนัขและแมว พร้อมฉีดวัคซีน", "pet_vaccination"),          # animals: not people's health
    ("ตรวจสุขภาพผู้สูงอายุ พร้อมฉีดวัคซีน", "health_service"),
    ("ประกาศประกวดราคาจ้างเหมาพ่นหมอกควัน", "other"),                      # procurement names a service
    ("รับสมัครลูกจ้างชั่วคราว ตำแหน่งครูสอนอาชีพ", "other"),                  # a vacancy, not a course
    ("งดพ่นหมอกควันเนื่องจากฝนตก", "mosquito_fogging"),                    # a cancelled fogging is still fogging
    ("ปิดถนนชั่วคราวระหว่างงานวัด", "construction"),                         # the closure, not the fair
    ("งานวัดประจำปี มีมหรสพทุกคืน", "district_event"),
    ("ประกาศรายชื่อผู้มีสิทธิ์สอบ", "other"),
    ("", "other"),
])
def test_tricky_titles(title, kind):
    assert classify_notice(title, "") == kind
