"""The portal pages: valid HTML by the Nu HTML Checker, every value escaped, nothing that runs."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from publish import datasets, portal
from tests import published_validators as v

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=timezone(timedelta(hours=7)))


def _release(title_en: str = "Area alerts, Bangkok") -> datasets.DatasetRelease:
    alerts = replace(next(d for d in datasets.DATASETS if d.table == "alerts"), title_en=title_en)
    return datasets.DatasetRelease(alerts, 3, T0, {"v1/datasets/alerts/alerts.csv": b"a\n",
                                                   "v1/datasets/alerts/datapackage.json": b"{}",
                                                   "v1/datasets/alerts/snapshots/2026-11-28/alerts.csv": b"a\n"})


def test_pages_are_valid_html_and_escape_what_they_show(tmp_path):
    hostile = 'Alerts <script>alert(1)</script><img src=x onerror="alert(2)">'
    landing = portal.landing([_release(hostile)], [("1001", "พระนคร", "Phra Nakhon", 2)],
                             [("traffy", "ok", True), ("mea_outages", "<b>failing</b>", False)])
    page = portal.dataset_page(_release(hostile))
    for name, body in (("index.html", landing), ("alerts.html", page)):
        (tmp_path / name).write_bytes(body)
        assert b"<script" not in body and b"<img" not in body and b"&lt;script&gt;" in body
    v.check_html_files([tmp_path / "index.html", tmp_path / "alerts.html"])
    text = page.decode()
    assert "<code>alert_id</code>" in text and "content_hash" not in text and "last_seen_at" not in text
    assert 'href="alerts.csv"' in text and "snapshots/2026-11-28" not in text      # latest files only
    assert 'href="alerts/district/1001.json"' in landing.decode()


@pytest.mark.skipif(not v.VNU_JAR.exists(), reason="vnu-jar not installed (tests/node)")
def test_the_html_checker_rejects_an_invalid_page(tmp_path):
    broken = portal.landing([_release()], [], []).replace(b'<a href="', b'<a lang="th" lang="en" href="', 1)
    (tmp_path / "broken.html").write_bytes(broken)
    with pytest.raises(AssertionError):
        v.check_html_files([tmp_path / "broken.html"])
