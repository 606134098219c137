"""Every core-table column is documented in Thai and English, and only real columns are."""
import re

import dagster as dg
import pytest

from model import column_docs
from model.alert_versions import VERSION_COLUMNS
from model.city_info import COMPLAINT_COLUMNS, FACTCHECK_COLUMNS, NEWS_COLUMNS, PLACE_COLUMNS
from model.column_docs import COLUMN_DOCS, describe, table_columns, table_schema
from model.core_tables import ALERT_COLUMNS, EVENT_COLUMNS
from model.source_health import HEALTH_COLUMNS
from scrapers.reference_data import CONTACT_COLUMNS, GUIDE_COLUMNS

TABLES = {
    "alerts": ALERT_COLUMNS, "events": EVENT_COLUMNS, "news": NEWS_COLUMNS, "factchecks": FACTCHECK_COLUMNS,
    "places": PLACE_COLUMNS, "complaints": COMPLAINT_COLUMNS, "source_health": HEALTH_COLUMNS,
    "contacts": CONTACT_COLUMNS, "guides": GUIDE_COLUMNS, "alert_versions": VERSION_COLUMNS,
}
THAI = re.compile("[\u0e01-\u0e4c]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# Thai text may mix in ASCII (codes, enum values, units) and a few typographic signs, never another script.
FOREIGN = re.compile("[^\x00-\x7f\u0e00-\u0e7f–]")
# English descriptions that quote a Thai label as an example.
THAI_EXAMPLES_ALLOWED = {"problem_types", "verdict_th"}


def test_every_table_is_documented_and_nothing_else():
    assert set(COLUMN_DOCS) == set(TABLES)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_column_has_thai_and_english(table):
    docs = COLUMN_DOCS[table]
    missing = [c for c in TABLES[table] if c not in docs]
    assert not missing, f"{table}: undocumented columns {missing}"
    for column in TABLES[table]:
        th, en = docs[column]
        assert isinstance(th, str) and isinstance(en, str), (table, column)
        assert THAI.search(th), f"{table}.{column}: Thai description has no Thai letters: {th!r}"
        assert not FOREIGN.search(th), f"{table}.{column}: stray characters in Thai: {FOREIGN.findall(th)}"
        assert en.strip() and LATIN_WORD.search(en), f"{table}.{column}: empty English description"
        assert not THAI.search(en) or column in THAI_EXAMPLES_ALLOWED, \
            f"{table}.{column}: Thai letters in the English description: {en!r}"
        assert en.rstrip().endswith("."), f"{table}.{column}: English is not one finished sentence: {en!r}"
        assert th != en


@pytest.mark.parametrize("table", sorted(TABLES))
def test_no_docs_for_columns_that_do_not_exist(table):
    extra = sorted(set(COLUMN_DOCS[table]) - set(TABLES[table]))
    assert not extra, f"{table}: documented columns that do not exist: {extra}"


@pytest.mark.parametrize("table", sorted(TABLES))
def test_table_columns_finds_the_real_dict(table):
    assert table_columns(table) is TABLES[table]


def test_table_columns_unknown_table():
    with pytest.raises(KeyError, match="nope"):
        table_columns("nope")


@pytest.mark.parametrize("table", sorted(TABLES))
def test_table_schema_is_bilingual(table):
    columns = TABLES[table]
    schema = table_schema(table, columns)
    assert isinstance(schema, dg.TableSchema)
    assert [(c.name, c.type) for c in schema.columns] == list(columns.items())
    for col in schema.columns:
        th, en = COLUMN_DOCS[table][col.name]
        assert col.description == f"{en} / {th}"
        english, thai = col.description.split(" / ", 1)[0], col.description.rsplit(" / ", 1)[1]
        assert LATIN_WORD.search(english) and THAI.search(thai), col.description


def test_table_schema_names_the_undocumented_column():
    columns = {**ALERT_COLUMNS, "mystery_column": "VARCHAR"}
    with pytest.raises(KeyError, match="mystery_column"):
        table_schema("alerts", columns)


def test_table_schema_unknown_table():
    with pytest.raises(KeyError, match="no_such_table"):
        table_schema("no_such_table", {"x": "VARCHAR"})


def test_describe_one_column():
    text = describe("contacts", "dial")
    assert "022815370" in text and THAI.search(text)


def test_key_facts_are_in_the_docs():
    """The descriptions carry the units, enumerations and code ranges people need."""
    alerts = COLUMN_DOCS["alerts"]
    for value in ("flood", "power_outage", "water_outage", "road_incident", "construction", "rail_disruption",
                  "traffic"):
        assert value in alerts["category"][1] and value in alerts["category"][0]
    for value in ("point_in_polygon", "polygon_in_polygon", "named_area", "road_name", "station", "source_unit",
                  "none"):
        assert value in alerts["geotag_method"][1] and value in alerts["geotag_method"][0]
    for value in ("official_sensor", "official_agency", "citizen_report"):
        assert value in alerts["confidence"][1]
    for value in ("active", "ended", "cancelled"):
        assert value in alerts["status"][1]
    for value in ("Alert", "Update", "Cancel"):
        assert value in alerts["msg_type"][1]
    assert "cm" in alerts["severity"][1] and "ซม." in alerts["severity"][0]
    assert "SHA-256" in alerts["alert_id"][1] and "episode" in alerts["alert_id"][1]
    assert "GTFS" in alerts["route_ids"][1] and "GTFS" in alerts["stop_ids"][0]
    for table, docs in COLUMN_DOCS.items():
        for column, (th, en) in docs.items():
            if TABLES[table][column] == "TIMESTAMPTZ":
                assert "Asia/Bangkok" in en and "Asia/Bangkok" in th, f"{table}.{column}"
            if column == "district_code":
                assert "1001" in en and "1050" in th, f"{table}.{column}"


def test_module_imports_without_dagster_at_top_level():
    source = open(column_docs.__file__, encoding="utf-8").read()
    top_level = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert not any("dagster" in line or "pandas" in line for line in top_level), top_level
