"""A misbehaving partner is recorded as a failed fetch, loses nothing, and never stops the others."""
from __future__ import annotations

import json

import pytest

from assets.sources import SOURCES
from pipelines.definitions import ALL_ASSETS
from tests.conftest import make_pipeline, without_health

pytestmark = pytest.mark.e2e
# Two runs, each with half the sources misbehaving in different ways and the other half healthy.
# (Every source x every fault is covered at the crawl level in test_fault_matrix.py.)
ASSIGNMENTS = [
    {"district_portals": "500", "mea_outages": "timeout", "flood_sensors": "error_page_200",
     "mwa_outages": "oversize", "traffy": "robots_disallow"},
    {"rain_gauges": "503_retry_after", "traffic_events": "truncated", "rail_service": "redirect_offsite",
     "bma_press": "empty_200", "tourism": "wrong_charset", "factchecks": "garbage"},
]
PUBLIC_STEPS = {"public__v1__alerts", "public__v1__events", "public__v1__news", "public__v1__factchecks",
                "public__v1__places", "public__v1__complaints", "public__v1__reference"}


def _items(pipeline, kind: str) -> set[str]:
    return {i["id"] for i in json.loads((pipeline.public / "v1" / kind / "all.json").read_text())["items"]}


def _staged_counts(pipeline) -> dict[str, int]:
    return {spec.staged_table: pipeline.query(f"SELECT count(*) FROM staged.{spec.staged_table}")[0][0]
            for spec in SOURCES.values()}


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


@pytest.mark.parametrize("faults", ASSIGNMENTS, ids=["first-half", "second-half"])
def test_faulty_sources_keep_their_items_and_the_others_publish(baseline, tmp_path, sites, fast_env, faults):
    import shutil
    root = tmp_path / "run"
    shutil.copytree(baseline, root, symlinks=True)
    pipeline = make_pipeline(root, sites)
    feeds = ("alerts", "events", "news", "factchecks")
    before = {kind: _items(pipeline, kind) for kind in feeds}
    places_before = (pipeline.public / "v1" / "places" / "all.json").read_bytes()
    staged_before = _staged_counts(pipeline)
    for source, mode in faults.items():
        sites.set_fault(source, mode)
    try:
        result = pipeline.run()
    finally:
        sites.faults.clear()
    assert result.success, "failing partners must not fail the run"
    newest = {}
    for (src,) in pipeline.query("SELECT DISTINCT source FROM raw.crawls"):
        batch = pipeline.query("SELECT batch_id FROM raw.crawls WHERE source = ? ORDER BY finished_at DESC LIMIT 1",
                               [src])[0][0]
        newest[src] = pipeline.query("SELECT bool_and(ok), list(DISTINCT error_kind) FILTER (WHERE NOT ok), "
                                     "any_value(error) FILTER (WHERE NOT ok) FROM raw.crawls WHERE batch_id = ?",
                                     [batch])[0]
    for source, mode in faults.items():
        ok, kinds, error = newest[source]
        if mode == "wrong_charset" and ok:
            continue                                   # HTML recovered by the decoder
        assert not ok and kinds, (source, mode)
        assert error and len(error) > 10, (source, mode, error)   # a clear, recorded reason
    for other in set(SOURCES) - set(faults):
        assert newest[other][0], f"{other} should still fetch fine: {newest[other]}"
    health = {r[0]: r[1:] for r in pipeline.query(
        "SELECT source, status, consecutive_failures, fresh FROM core.source_health")}
    for source, mode in faults.items():
        if newest[source][0]:
            continue
        assert health[source] == ("failing", 1, True), (source, health[source])   # fresh: the baseline is recent
    assert all(health[other][0] == "ok" for other in set(SOURCES) - set(faults)), health
    published = {e.step_key for e in result.get_step_success_events()}
    assert PUBLIC_STEPS <= published, PUBLIC_STEPS - published
    # Nothing stored or published is lost.
    assert _staged_counts(pipeline) == staged_before
    assert {kind: _items(pipeline, kind) for kind in feeds} == before
    assert (pipeline.public / "v1" / "places" / "all.json").read_bytes() == places_before


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
    assert without_health(pipeline.manifest()) == without_health(manifest_before)     # the last good output
