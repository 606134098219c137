"""Items leave a staged table only on an explicit signal, never because a fetch failed or came back empty.

A tiny partner (a JSON listing) is crawled for real over loopback and staged with the same code the
pipeline uses; between passes its listing changes or it misbehaves. Every scenario runs twice: through
the pandas build and through the SQL build big sources use (`hub.staging_sql`), which must agree.
"""
from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from hub.config import SourceSettings
from hub.http_client import PoliteClient
from hub.raw_archive import BodyStore, CrawlSession, UnitFailed
from hub.staging import build_staged, write_staged
from hub.warehouse import connect, latest_validators, record_crawl
from sample_sites.server import Page, SampleSites
from tests.crawl_helpers import TEST_CLIENT


class Listing:
    name = "listing"

    def __init__(self):
        self.items = {"a": "first", "b": "second", "c": "third"}

    def page(self, path, query):
        if path != "/items.json":
            return None
        return Page(json.dumps([{"id": k, "title": v} for k, v in sorted(self.items.items())]).encode(),
                    "application/json")


def _crawl(session, settings):
    with session.unit("all"):
        body = session.get(settings.url("/items.json")).body
        try:
            if not isinstance(json.loads(body), list):
                raise ValueError("not a list")
        except ValueError as exc:        # like every real scraper: unusable content fails the unit
            raise UnitFailed(f"not a JSON listing: {exc}") from exc


def _parse(unit, responses, gazetteer):
    rows = []
    for response in responses:
        for item in json.loads(response.body):
            rows.append({"item_id": item["id"], "title": item["title"], "url": response.url,
                         "sha256": response.sha256, "fetched_at": response.fetched_at})
    return rows, []


class Spec:
    name, staged_table, id_column, listing, cursor = "listing", "listing_items", "item_id", "snapshot", None
    columns = {"item_id": "VARCHAR", "title": "VARCHAR", "url": "VARCHAR", "sha256": "VARCHAR",
               "fetched_at": "TIMESTAMPTZ", "unit": "VARCHAR", "batch_id": "VARCHAR", "first_seen_at": "TIMESTAMPTZ",
               "last_seen_at": "TIMESTAMPTZ", "absent_listings": "INTEGER", "checked_batch_id": "VARCHAR"}
    parse_unit = staticmethod(_parse)


def _in_sql(spec):
    """The same source with a bulk loader: its rows go to a temp table and the build runs in SQL."""
    def load_unit(con, unit, responses, gazetteer, into):
        rows, quarantined = spec.parse_unit(unit, responses, gazetteer)
        con.register("_rows_frame", pd.DataFrame(rows, columns=["item_id", "title", "url", "sha256", "fetched_at"]))
        con.execute(f"CREATE OR REPLACE {'TABLE' if '.' in into else 'TEMP TABLE'} {into} AS "
                    "SELECT item_id::VARCHAR AS item_id, title::VARCHAR AS title, url::VARCHAR AS url, "
                    "sha256::VARCHAR AS sha256, fetched_at::TIMESTAMPTZ AS fetched_at FROM _rows_frame")
        con.unregister("_rows_frame")
        return into, quarantined
    return type(f"{spec.__name__}InSql", (spec,), {"load_unit": staticmethod(load_unit)})


@pytest.fixture(params=["pandas", "sql"])
def partner(tmp_path, request):
    site = Listing()
    with SampleSites({"listing": site}) as sites:
        settings = SourceSettings(name="listing", title="listing", base_url=sites.base_urls["listing"],
                                  rate_per_second=500)
        store = BodyStore(tmp_path / "raw")
        warehouse = tmp_path / "w.duckdb"
        def pass_(spec=Spec, fault=None, stage=True, crawl=True):
            client = PoliteClient(TEST_CLIENT, {settings.host}, {settings.host: 500})   # one per pass, as in a run
            sites.set_fault("listing", fault)
            with connect(warehouse) as con:
                if crawl:
                    session = CrawlSession("listing", client, store, latest_validators(con, "listing"))
                    _crawl(session, settings)
                    record_crawl(con, *session.frames())
                if request.param == "sql":
                    spec = _in_sql(spec)
                build = build_staged(con, spec, store, None, absent_limit=3)
                assert (build.in_sql is not None) == (request.param == "sql")
                if stage:
                    write_staged(con, spec, build)
            sites.set_fault("listing", None)
            return {r["item_id"]: r["absent_listings"] for r in build.frame.to_dict("records")}

        yield site, pass_


def test_an_item_goes_only_after_three_complete_listings_without_it(partner):
    site, pass_ = partner
    assert pass_() == {"a": 0, "b": 0, "c": 0}
    del site.items["b"]
    assert pass_() == {"a": 0, "b": 1, "c": 0}
    assert pass_() == {"a": 0, "b": 2, "c": 0}
    assert pass_() == {"a": 0, "c": 0}


def test_failed_and_empty_fetches_never_count_as_listings(partner):
    site, pass_ = partner
    pass_()
    del site.items["b"]
    assert pass_()["b"] == 1
    for fault in ("500", "empty_200", "error_page_200", "timeout", "robots_disallow"):
        assert pass_(fault=fault) == {"a": 0, "b": 1, "c": 0}, fault
    assert pass_()["b"] == 2


def test_everything_survives_a_source_that_answers_with_an_empty_list(partner):
    site, pass_ = partner
    pass_()
    site.items.clear()          # a valid-looking empty listing: counted, but items leave only after three
    assert pass_() == {"a": 1, "b": 1, "c": 1}


def test_a_returning_item_is_seen_again(partner):
    site, pass_ = partner
    pass_()
    saved = site.items.pop("c")
    assert pass_()["c"] == 1
    site.items["c"] = saved
    assert pass_()["c"] == 0


def test_incremental_sources_never_drop_items_for_absence(partner):
    site, pass_ = partner
    incremental = type("Incremental", (Spec,), {"listing": "incremental"})
    pass_(incremental)
    site.items = {"d": "fourth"}     # a cursor pass sees only what is new
    for _ in range(4):
        result = pass_(incremental)
    assert set(result) == {"a", "b", "c", "d"}


def test_a_unit_whose_pages_no_longer_parse_keeps_its_items(partner):
    site, pass_ = partner
    pass_()

    def broken(unit, responses, gazetteer):
        raise UnitFailed("layout changed")
    failing = type("Failing", (Spec,), {"parse_unit": staticmethod(broken)})
    for _ in range(5):     # the fetch succeeds every time; the pages no longer parse: no listing counts
        assert pass_(failing) == {"a": 0, "b": 0, "c": 0}


def test_parsing_the_same_crawl_again_counts_nothing(partner):
    site, pass_ = partner
    pass_()
    del site.items["b"]
    assert pass_()["b"] == 1
    for _ in range(4):
        assert pass_(crawl=False)["b"] == 1


def test_a_record_still_listed_but_quarantined_is_kept(partner):
    site, pass_ = partner
    pass_()

    def quarantine_b(unit, responses, gazetteer):
        rows, _ = _parse(unit, responses, gazetteer)
        return [r for r in rows if r["item_id"] != "b"], [{"url": "u", "sha256": "s", "record_ref": "b",
                                                           "reason": "unparseable date", "excerpt": ""}]
    quarantining = type("Quarantining", (Spec,), {"parse_unit": staticmethod(quarantine_b)})
    for _ in range(4):
        assert pass_(quarantining) == {"a": 0, "b": 0, "c": 0}


def test_a_candidate_built_in_sql_that_fails_its_suite_changes_nothing(partner, tmp_path):
    """Candidate, check, publish for the SQL build: a failing suite leaves the last good staged table and
    no candidate table behind; a passing one takes the staged table's place."""
    import great_expectations as gx

    from hub.staging import stage_source
    from quality.gx_validation import validate_frame

    site, pass_ = partner
    pass_()
    demanding = type("Demanding", (_in_sql(Spec),), {"expectations": staticmethod(
        lambda gazetteer: [gx.expectations.ExpectTableRowCountToBeBetween(min_value=100)])})
    site.items["d"] = "fourth"
    with connect(tmp_path / "w.duckdb") as con:
        build, outcome = stage_source(con, demanding, BodyStore(tmp_path / "raw"), None, absent_limit=3,
                                      validate=validate_frame)
        assert not outcome.success and build.in_sql
        assert {r[0] for r in con.execute("SELECT item_id FROM staged.listing_items").fetchall()} == {"a", "b", "c"}
        assert not con.execute("SELECT count(*) FROM information_schema.tables "
                               "WHERE table_name LIKE '%__candidate'").fetchone()[0]
        passing = type("Passing", (demanding,), {"expectations": staticmethod(
            lambda gazetteer: [gx.expectations.ExpectTableRowCountToBeBetween(min_value=1)])})
        build, outcome = stage_source(con, passing, BodyStore(tmp_path / "raw"), None, absent_limit=3,
                                      validate=validate_frame)
        assert outcome.success
        assert con.execute("SELECT count(*) FROM staged.listing_items").fetchone()[0] == 3
