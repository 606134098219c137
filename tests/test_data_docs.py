"""GX Data Docs: with BKK_DATA_DOCS_DIR set, every validation is rendered as browsable static HTML."""
from __future__ import annotations

import great_expectations as gx
import pandas as pd

from quality.gx_validation import validate_frame


def test_validations_render_data_docs(tmp_path, monkeypatch):
    monkeypatch.setenv("BKK_DATA_DOCS_DIR", str(tmp_path / "docs"))
    good = validate_frame("docs_demo_suite", pd.DataFrame({"x": [1, 2, 3]}),
                          [gx.expectations.ExpectColumnValuesToNotBeNull(column="x")])
    bad = validate_frame("docs_demo_suite", pd.DataFrame({"x": [1, None]}),
                         [gx.expectations.ExpectColumnValuesToNotBeNull(column="x")])
    assert good.success and not bad.success and bad.failures[0]["unexpected_count"] == 1
    index = (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    assert "docs_demo_suite" in index
    assert (tmp_path / "docs" / "expectations" / "docs_demo_suite.html").is_file()
    assert len(list((tmp_path / "docs" / "validations" / "docs_demo_suite").rglob("*.html"))) == 2
