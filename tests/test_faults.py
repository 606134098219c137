"""A misbehaving partner is recorded as a failed fetch, loses nothing, and never stops the others."""
from __future__ import annotations

import json

import pytest

from pipelines.definitions import ALL_ASSETS
from tests.conftest import make_pipeline

pytestmark = pytest.mark.e2e
SOURCES = ("district_portals", "mea_outages", "flood_sensors")
# What each fault must be recorded as in raw.crawls.
FAULTS = {"500": "http_status", "timeout": "timeout", "garbage": "unusable_content"}


def _items(pipeline, kind: str) -> set[str]:
    return {i["id"] for i in json.loads((pipeline.public / "v1" / kind / "all.json").read_text())["items"]}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, sites):
    """A warehouse and public tree after one good run, copied for each fault case."""
    import os
    from tests.conftest import FAST_ENV
    os.environ.update(FAST_ENV)
    sites.faults.clear()
    root = tmp_path_factory.mktemp("baseline")
    pipeline = make_pipeline(root, sites)
    assert pipeline.run().success
    return root


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("mode", list(FAULTS))
def test_faulty_source_keeps_its_items_and_others_publish(baseline, tmp_path, sites, fast_env, source, mode):
    import shutil
    root = tmp_path / "run"
    shutil.copytree(baseline, root, symlinks=True)
    pipeline = make_pipeline(root, sites)
    alerts_before, events_before = _items(pipeline, "alerts"), _items(pipeline, "events")
    staged_before = dict(pipeline.query("SELECT 'n', count(*) FROM staged.district_notices UNION ALL "
                                        "SELECT 'm', count(*) FROM staged.mea_outages UNION ALL "
                                        "SELECT 'f', count(*) FROM staged.flood_sensors"))
    sites.set_fault(source, mode)
    try:
        result = pipeline.run()
    finally:
        sites.set_fault(source, None)
    assert result.success, "a failing partner must not fail the run"
    newest = {}
    for src, in pipeline.query("SELECT DISTINCT source FROM raw.crawls"):
        batch = pipeline.query("SELECT batch_id FROM raw.crawls WHERE source = ? ORDER BY finished_at DESC LIMIT 1",
                               [src])[0][0]
        newest[src] = pipeline.query("SELECT bool_and(ok), list(DISTINCT error_kind) FILTER (WHERE NOT ok), "
                                     "any_value(error) FILTER (WHERE NOT ok) FROM raw.crawls WHERE batch_id = ?",
                                     [batch])[0]
    ok, kinds, error = newest[source]
    assert not ok and FAULTS[mode] in kinds, (kinds, error)
    assert error and len(error) > 10                     # a clear, recorded reason
    for other in set(SOURCES) - {source}:
        assert newest[other][0], f"{other} should still fetch fine: {newest[other]}"
    # Nothing stored or published is lost.
    staged_after = dict(pipeline.query("SELECT 'n', count(*) FROM staged.district_notices UNION ALL "
                                       "SELECT 'm', count(*) FROM staged.mea_outages UNION ALL "
                                       "SELECT 'f', count(*) FROM staged.flood_sensors"))
    assert staged_after == staged_before
    assert _items(pipeline, "alerts") == alerts_before
    assert _items(pipeline, "events") == events_before


def test_failing_quality_check_blocks_publishing_and_keeps_last_good_output(baseline, tmp_path, sites, fast_env,
                                                                             monkeypatch):
    import shutil
    import great_expectations as gx
    from quality import suites
    root = tmp_path / "run"
    shutil.copytree(baseline, root, symlinks=True)
    pipeline = make_pipeline(root, sites)
    manifest_before = pipeline.manifest()
    rows_before = pipeline.query("SELECT count(*) FROM staged.flood_sensors")
    # A suite the fresh candidate cannot meet, as if the partner sent nonsense depths.
    monkeypatch.setattr(suites, "flood_sensors",
                        lambda: [gx.expectations.ExpectColumnValuesToBeBetween(column="flood_cm", min_value=500)])
    result = pipeline.run(ALL_ASSETS)
    assert not result.success
    checks = {e.event_specific_data.check_name + "@" + "/".join(e.event_specific_data.asset_key.path):
              e.event_specific_data.passed for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    assert checks["gx_suite@staged/flood_sensors"] is False
    skipped = {s.step_key for s in result.get_step_success_events()}
    assert "public__v1__alerts" not in skipped and "core__alerts" not in skipped
    assert pipeline.query("SELECT count(*) FROM staged.flood_sensors") == rows_before
    assert pipeline.manifest() == manifest_before
