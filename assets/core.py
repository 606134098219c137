"""Core layer: the unified model (DESIGN.md) built from the staged tables, geotagged to DOPA codes."""

from datetime import datetime, timezone

import dagster as dg
import pandas as pd

from hub.rail_network import RailNetwork
from hub.roads import RoadIndex
from hub.staging import new_quarantine, typed_times
from hub.warehouse import append_frame, replace_rows, swap_in, table_exists
from model import alert_versions, city_info, complaint_table, core_tables, fusion, partner_alerts
from model.column_docs import table_schema
from model.lifecycle import link_merged, with_episode_ids, with_history
from pipelines.resources import PartnerSourcesResource, WarehouseResource
from quality import suites_core
from quality.row_rules import split_rows, split_rows_sql
from quality.gx_validation import validate_frame, validate_table


def _codes(gaz) -> list[str]:
    return [d.code for d in gaz.districts]


def _staged(con, table: str) -> pd.DataFrame:
    return con.execute(f"SELECT * FROM staged.{table}").df() if table_exists(con, f"staged.{table}") else pd.DataFrame()


def _summary(frame: pd.DataFrame, by: str) -> dict:
    meta = {"dagster/row_count": len(frame),
            f"by_{by}": dg.MetadataValue.json(frame[by].value_counts().to_dict() if len(frame) else {})}
    if "geotag_method" in frame:
        meta["geotag_methods"] = dg.MetadataValue.json(frame["geotag_method"].value_counts().to_dict() if len(frame) else {})
    return meta


def _core(key: str, deps: list[str], columns: dict[str, str], description: str, **kwargs):
    return dg.asset(key=["core", key], group_name="core", pool="duckdb", kinds={"python", "duckdb"},
                    owners=["team:data-platform"], deps=[["staged", d] for d in deps],
                    metadata={"dagster/column_schema": table_schema(key, columns)}, description=description,
                    check_specs=[dg.AssetCheckSpec("gx_suite", asset=dg.AssetKey(["core", key]), blocking=True,
                                                   description=f"Great Expectations suite for core.{key}")],
                    **kwargs)


# Per core table: id column, the Thai text every row must have, and its time columns.
ROW_RULES = {
    "alerts": ("alert_id", "headline_th", ("starts_at", "ends_at")),
    "events": ("event_id", "headline_th", ("starts_at", "ends_at")),
    "news": ("news_id", "title_th", ("published_at",)),
    "factchecks": ("factcheck_id", "claim_th", ("published_at",)),
    "places": ("place_id", "name_th", ()),
    "complaints": ("complaint_id", None, ("reported_at",)),
}


def _set_aside(con, key: str, rejected: pd.DataFrame, now: datetime) -> None:
    """Rows a rule rejected go to staged.quarantine with the reason, once per record and reason."""
    if rejected.empty:
        return
    id_column, thai_column, _ = ROW_RULES[key]
    excerpt = rejected[thai_column].astype(str).str[:300] if thai_column else rejected[id_column].astype(str)
    rows = pd.DataFrame({"source": f"core.{key}", "unit": None, "batch_id": None,
                         "url": rejected["source_url"] if "source_url" in rejected else None, "sha256": None,
                         "record_ref": rejected["record_ref"], "reason": rejected["reason"], "excerpt": excerpt,
                         "quarantined_at": now})
    append_frame(con, "staged.quarantine", new_quarantine(con, rows))


def _commit(con, key: str, frame: pd.DataFrame, columns: dict[str, str], expectations: list, metadata: dict,
            log=None, district_codes: list[str] | None = None, after_commit=None):
    """Candidate, check, publish: rows breaking a rule are set aside with the reason, then the table is
    replaced only when the suite passes on the rest (and `after_commit()` then adds its metadata)."""
    id_column, thai_column, time_columns = ROW_RULES[key]
    frame, rejected = split_rows(frame, id_column=id_column, thai_column=thai_column, district_codes=district_codes,
                                 time_columns=time_columns)
    frame = typed_times(frame, columns)
    outcome = validate_frame(f"core_{key}", frame, expectations)
    if outcome.success:
        _set_aside(con, key, rejected, datetime.now(timezone.utc))
        replace_rows(con, f"core.{key}", frame, columns)
        if after_commit is not None:
            metadata = {**metadata, **after_commit()}
    return _results(key, metadata, rejected, outcome, log)


def _results(key: str, metadata: dict, rejected: pd.DataFrame, outcome, log) -> list:
    """The asset's materialization (with the rows set aside) and its blocking check result."""
    if not outcome.success and log is not None:
        log.error(f"core.{key} kept its last good rows: {outcome.summary()}")
    metadata = {**metadata, "rejected_rows": len(rejected), "candidate_accepted": outcome.success,
                "rejections": dg.MetadataValue.md(rejected[["record_ref", "reason"]].head(20).to_markdown(index=False)
                                                  if len(rejected) else "_none_")}
    asset_key = dg.AssetKey(["core", key])
    return [dg.MaterializeResult(asset_key=asset_key, metadata=metadata),
            dg.AssetCheckResult(asset_key=asset_key, check_name="gx_suite", passed=outcome.success,
                                metadata={"summary": outcome.summary(),
                                          "failures": dg.MetadataValue.json(outcome.failures)})]


ALERT_SOURCES = ["flood_sensors", "rain_gauges", "mea_outages", "mwa_outages", "district_notices", "traffic_events",
                 "rail_notices"]
# Complaints this recent can confirm a current incident (model.fusion's windows are hours long).
CONFIRMING_COMPLAINTS_DAYS = 2


def _recent_complaints(con, now: datetime) -> pd.DataFrame | None:
    """Traffy tickets of the last days at their exact points: only counted, never published from here."""
    if not table_exists(con, "staged.traffy_complaints"):
        return None
    return con.execute("""
        SELECT ticket_id AS complaint_id, lat, lon, reported_at, problem_types FROM staged.traffy_complaints
        WHERE coalesce(in_bangkok, false) AND reported_at >= ?::TIMESTAMPTZ - to_days(?)
    """, [now, CONFIRMING_COMPLAINTS_DAYS]).df()


def _cleared(staged: dict[str, pd.DataFrame], flood_cm: float, rain_mm: float) -> dict[tuple[str, str], datetime]:
    """(source, record id) -> reading time, for sensors and gauges now reading below their thresholds."""
    out = {}
    sensors, gauges = staged["flood_sensors"], staged["rain_gauges"]
    if len(sensors):
        low = sensors[sensors["flood_cm"].notna() & (sensors["flood_cm"] < flood_cm)]
        out.update({("flood_sensors", c): t for c, t in zip(low["code"], low["observed_at"])})
    if len(gauges):
        low = gauges[gauges["rain_1h_mm"].notna() & (gauges["rain_1h_mm"] < rain_mm)]
        out.update({("rain_gauges", c): t for c, t in zip(low["gauge_code"], low["observed_at"])})
    return out


@_core("alerts", ALERT_SOURCES + ["traffy_complaints"], core_tables.ALERT_COLUMNS,
       "Area alerts for Bangkok in one model: floods (sensors, heavy rain, traffic reports), planned power and "
       "water outages, road incidents and works, rail disruptions (Bangkok GTFS ids). CAP-style "
       "severity/urgency/certainty, Thai and English headlines, district codes and how they were found. "
       "One incident reported by several sources (a sensor, the traffic feed, citizen complaints) is one alert "
       "listing them all, with a confidence score that rises with each independent confirmation; the others "
       "are kept as status merged. Ended alerts stay as history (status ended).")
def core_alerts(context: dg.AssetExecutionContext, partners: PartnerSourcesResource, warehouse: WarehouseResource):
    gaz = partners.gazetteer()
    settings = partners.settings()
    flood_cm = settings.source("flood_sensors").flood_threshold_cm
    rain_mm = float(settings.source("rain_gauges").options.get("heavy_rain_mm_per_hour", 35))
    now = datetime.now(timezone.utc)
    with warehouse.connect() as con:
        staged = {t: _staged(con, t) for t in ALERT_SOURCES}
        builders = {
            "flood_sensors": lambda f: core_tables.flood_alerts(f, gaz, flood_cm),
            "rain_gauges": lambda f: partner_alerts.rain_alerts(f, gaz, rain_mm),
            "mea_outages": lambda f: core_tables.power_alerts(f, gaz, RoadIndex.load()),
            "mwa_outages": lambda f: partner_alerts.water_alerts(f, gaz),
            "district_notices": lambda f: core_tables.construction_alerts(f, gaz),
            "traffic_events": lambda f: partner_alerts.traffic_alerts(f, gaz),
            "rail_notices": lambda f: partner_alerts.rail_alerts(f, gaz, RailNetwork.load()),
        }
        rows = [row for table, build in builders.items() if len(staged[table]) for row in build(staged[table])]
        current = core_tables.finish(rows, core_tables.ALERT_COLUMNS)
        previous = con.execute("SELECT * FROM core.alerts").df() if table_exists(con, "core.alerts") else None
        # Sensor alerts take their episode ids first, so fusion links the ids that get published.
        current = core_tables.rehash(fusion.fuse(with_episode_ids(current, previous), _recent_complaints(con, now)))
        frame = link_merged(with_history(current, previous, now, _cleared(staged, flood_cm, rain_mm)))
        metadata = {
            **_summary(frame, "category"),
            "by_status": dg.MetadataValue.json(frame["status"].value_counts().to_dict() if len(frame) else {}),
            "by_source": dg.MetadataValue.json(frame["source"].value_counts().to_dict() if len(frame) else {}),
            "fused_incidents": int((frame["related_alert_ids"].map(len) > 0).sum()) if len(frame) else 0,
            "merged_alerts": int((frame["status"] == "merged").sum()) if len(frame) else 0,
            "confirmed_by_complaints": int((frame["complaint_count"].fillna(0) > 0).sum()) if len(frame) else 0,
            "boundaries": gaz.boundaries_source or "none: geotagging fell back to names",
            "untagged": int(frame["district_code"].isna().sum()) if len(frame) else 0,
        }
        # Once committed, the versions the feeds will carry are recorded: CAP needs when each was issued.
        results = _commit(con, "alerts", frame, core_tables.ALERT_COLUMNS, suites_core.alerts(_codes(gaz)), metadata,
                          context.log, _codes(gaz),
                          after_commit=lambda: {"new_versions": alert_versions.record(con, now)})
    if not gaz.has_boundaries:
        context.log.warning("no district boundary file: points were geotagged by district name only")
    yield from results


@_core("events", ["district_notices", "tourism_places"], core_tables.EVENT_COLUMNS,
       "Dated city services and happenings: pet vaccination and sterilisation days, mosquito fogging, "
       "bulky-waste pickup, mobile ID-card units, job training, health services, district events (district "
       "offices), and festivals (tourism API).")
def core_events(context: dg.AssetExecutionContext, partners: PartnerSourcesResource, warehouse: WarehouseResource):
    gaz = partners.gazetteer()
    with warehouse.connect() as con:
        notices, tourism = _staged(con, "district_notices"), _staged(con, "tourism_places")
        rows = core_tables.district_events(notices, gaz) if len(notices) else []
        rows += city_info.festival_events(tourism, gaz) if len(tourism) else []
        frame = core_tables.finish(rows, core_tables.EVENT_COLUMNS)
        results = _commit(con, "events", frame, core_tables.EVENT_COLUMNS, suites_core.events(_codes(gaz)),
                          _summary(frame, "category"), context.log, _codes(gaz))
    yield from results


def _simple_core(key: str, staged_table: str, columns: dict[str, str], build, by: str, expectations,
                 description: str):
    @_core(key, [staged_table], columns, description)
    def _asset(context: dg.AssetExecutionContext, partners: PartnerSourcesResource, warehouse: WarehouseResource):
        gaz = partners.gazetteer()
        with warehouse.connect() as con:
            source = _staged(con, staged_table)
            frame = build(source, gaz) if len(source) else core_tables.finish([], columns)
            results = _commit(con, key, frame, columns, expectations(_codes(gaz)), _summary(frame, by), context.log,
                              _codes(gaz))
        yield from results
    return _asset


core_news = _simple_core("news", "bma_press_releases", city_info.NEWS_COLUMNS, lambda f, gaz: city_info.news(f),
                         "kind", lambda codes: suites_core.news(), "BMA press releases and hot-issue clarifications (Thai, language-tagged).")
core_factchecks = _simple_core("factchecks", "factchecks", city_info.FACTCHECK_COLUMNS,
                               lambda f, gaz: city_info.factchecks(f), "verdict", lambda codes: suites_core.factchecks(),
                               "Fact-checks of hot issues: claim, verdict (Thai and English label), explanation, link.")
core_places = _simple_core("places", "tourism_places", city_info.PLACE_COLUMNS, city_info.places, "category",
                           suites_core.places,
                           "Tourist attractions, restaurants and local-product shops, bilingual, geotagged to districts.")
@_core("complaints", ["traffy_complaints"], city_info.COMPLAINT_COLUMNS,
       "Traffy Fondue complaints in Bangkok: type, district and khwaeng, state and times. Text scrubbed of "
       "personal data; location coarsened to ~1 km for sensitive types, ~110 m otherwise; no address or "
       "photo. Built set-based (DuckDB spatial join, vectorised scrubbing) for the city's whole history.")
def core_complaints(context: dg.AssetExecutionContext, partners: PartnerSourcesResource,
                    warehouse: WarehouseResource):
    gaz = partners.gazetteer()
    with warehouse.connect() as con:
        if not table_exists(con, complaint_table.STAGED):
            frame = core_tables.finish([], city_info.COMPLAINT_COLUMNS)
            results = _commit(con, "complaints", frame, city_info.COMPLAINT_COLUMNS,
                              suites_core.complaints(_codes(gaz)), _summary(frame, "state"), context.log, _codes(gaz))
        else:
            results = _commit_in_sql(con, "complaints", complaint_table.build_in_sql(con, gaz),
                                     city_info.COMPLAINT_COLUMNS, suites_core.complaints(_codes(gaz)), "state",
                                     context.log, _codes(gaz))
    yield from results


def _commit_in_sql(con, key: str, table: str, columns: dict[str, str], expectations: list, by: str, log,
                   district_codes: list[str]):
    """`_commit` for a candidate built as a warehouse table (a city's complaints): rules in SQL, the suite
    run on the table in DuckDB (`validate_table`), and the table renamed into place when it passes."""
    id_column, _, time_columns = ROW_RULES[key]
    rejected = split_rows_sql(con, table, id_column=id_column, district_codes=district_codes,
                              time_columns=time_columns)
    outcome = validate_table(con, table, f"core_{key}", expectations)
    counts = {name: dg.MetadataValue.json(dict(con.execute(
        f"SELECT {name}, count(*) FROM {table} GROUP BY 1 ORDER BY 2 DESC").fetchall())) for name in (by, "geotag_method")}
    metadata = {"dagster/row_count": con.execute(f"SELECT count(*) FROM {table}").fetchone()[0],
                f"by_{by}": counts[by], "geotag_methods": counts["geotag_method"]}
    if outcome.success:
        _set_aside(con, key, rejected, datetime.now(timezone.utc))
        swap_in(con, table, f"core.{key}")
    else:
        con.execute(f"DROP TABLE IF EXISTS {table}")           # the last good table stays as it was
    return _results(key, metadata, rejected, outcome, log)


CORE_ASSETS = [core_alerts, core_events, core_news, core_factchecks, core_places, core_complaints]
