"""Open datasets: every core table, minus private columns, as CSV, Parquet and (with a place) GeoJSON,
each described by a Frictionless `datapackage.json`, plus dated daily snapshots.

    v1/datasets/<table>/<table>.csv | .parquet | .geojson      the latest data
    v1/datasets/<table>/datapackage.json                         Table Schema (Thai and English), licence, sources
    v1/datasets/<table>/snapshots/<YYYY-MM-DD>/...               the same files as they were that day

The files are written by DuckDB (`COPY`), not row by row: the complaints table is the city's whole
history. In the CSV every time is ISO 8601 in Bangkok time with its offset (2026-11-28T09:00:00+07:00)
and every list is JSON text (["1001","1002"]), which Table Schema reads as `array`. Rows are ordered
by the table's id, so an unchanged table gives the same bytes (and keeps its ETag).

Private columns never leave the warehouse: the hub's content hashes, and a source's raw error text
(it can quote internal paths). Nor does `last_seen_at`: it moves on every run while the record stays
the same, and would rewrite every file on every run. Complaint text was scrubbed of personal data and complaint places
coarsened in core.complaints itself (model.privacy); complaints carry no photos.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from model.column_docs import COLUMN_DOCS, table_columns
from publish.geojson import feature, feature_collection, geometry
from publish.release import content_digest

SNAPSHOT_DAYS = 7
PRIVATE_COLUMNS = {"content_hash", "last_error"}
# When the source last listed a record moves on every run while the record stays the same: published,
# it would rewrite every dataset file on every run. The feeds do not carry it either.
BOOKKEEPING_COLUMNS = {"last_seen_at"}


@dataclass(frozen=True)
class Dataset:
    table: str
    id_column: str
    title_th: str
    title_en: str
    description: str
    licence_id: str
    licence_title: str
    licence_url: str
    sources: tuple[tuple[str, str], ...]       # (title, url) of the partners the data comes from
    primary_key: tuple[str, ...] = ()          # when the id column alone is not unique

    @property
    def key(self) -> tuple[str, ...]:
        return self.primary_key or (self.id_column,)


_CC_BY = ("CC-BY-4.0", "Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/")
_BMA = ("Bangkok Metropolitan Administration (district offices)", "https://www.bangkok.go.th/")
DATASETS = (
    Dataset("alerts", "alert_id", "การแจ้งเตือนในพื้นที่ กรุงเทพมหานคร", "Area alerts, Bangkok",
            "Floods, power and water outages, road incidents and works, rail disruptions and traffic, fused across "
            "sources, with their history (ended, cancelled and merged alerts).", *_CC_BY,
            (_BMA, ("Metropolitan Electricity Authority", "https://www.mea.or.th/"),
             ("Metropolitan Waterworks Authority", "https://www.mwa.co.th/"),
             ("BMA Drainage and Sewerage Department flood sensors", "https://weather.bangkok.go.th/"))),
    Dataset("alert_versions", "alert_id", "รุ่นของการแจ้งเตือน", "Alert versions",
            "Every version of every alert the hub issued, with its CAP message type and when it was issued: the "
            "lineage that CAP updates and cancellations reference.", *_CC_BY, (_BMA,), ("alert_id", "version")),
    Dataset("events", "event_id", "กิจกรรมและบริการของเขต", "District services and events",
            "Pet vaccination and sterilisation days, mosquito fogging, bulky-waste pickup, mobile ID-card units, "
            "job training, health services, district events and festivals.", *_CC_BY,
            (_BMA, ("Tourism Authority of Thailand", "https://www.tourismthailand.org/"))),
    Dataset("places", "place_id", "สถานที่ท่องเที่ยว ร้านอาหาร และร้านค้า", "Attractions, restaurants and shops",
            "Tourist attractions, restaurants and local-product shops, bilingual, with their district.", *_CC_BY,
            (("Tourism Authority of Thailand", "https://www.tourismthailand.org/"),)),
    Dataset("contacts", "contact_id", "หมายเลขโทรศัพท์สำคัญ", "Important phone numbers",
            "Emergency and city-service phone numbers, and every district office.", *_CC_BY, (_BMA,)),
    Dataset("guides", "guide_id", "คู่มือบริการ กทม.", "How to use BMA services",
            "Step-by-step guides to BMA services: what to bring, where to go, what it costs.", *_CC_BY, (_BMA,)),
    Dataset("complaints", "complaint_id", "เรื่องร้องเรียน Traffy Fondue", "Traffy Fondue complaints",
            "Citizens' complaints to the city, without personal data: text scrubbed of names, phone numbers, ID "
            "numbers, e-mail and LINE ids and plates; places coarsened for sensitive categories; no photos.",
            *_CC_BY, (("Traffy Fondue (NECTEC / BMA)", "https://www.traffy.in.th/"),)),
    Dataset("factchecks", "factcheck_id", "ตรวจสอบข่าว", "Fact-checks",
            "Claims about Bangkok and its services, with verdict and explanation.", *_CC_BY,
            (("Anti-Fake News Center Thailand", "https://www.antifakenewscenter.com/"),)),
    Dataset("news", "news_id", "ข่าวประชาสัมพันธ์ กทม.", "BMA press releases",
            "Press releases and clarifications of hot issues by the Bangkok Metropolitan Administration.", *_CC_BY,
            (("BMA Public Relations Division", "https://prbangkok.com/"),)),
    Dataset("source_health", "source", "สถานะแหล่งข้อมูล", "Source health",
            "Per partner source: last attempt, last success, status, consecutive failures and freshness.", *_CC_BY,
            (("BKK Connect Data Hub", "https://www.bangkok.go.th/"),)),
)

_FIELD_TYPE = {"VARCHAR": "string", "DOUBLE": "number", "INTEGER": "integer", "BIGINT": "integer",
               "BOOLEAN": "boolean", "TIMESTAMPTZ": "datetime", "VARCHAR[]": "array", "DATE": "date"}


def public_columns(table: str) -> dict[str, str]:
    return {c: t for c, t in table_columns(table).items() if c not in PRIVATE_COLUMNS | BOOKKEEPING_COLUMNS}


def table_schema(dataset: Dataset) -> dict:
    docs = COLUMN_DOCS[dataset.table]
    fields = []
    for column, type_ in public_columns(dataset.table).items():
        th, en = docs[column]
        field = {"name": column, "type": _FIELD_TYPE[type_], "title": column, "description": f"{en} / {th}"}
        if column in dataset.key:
            field["constraints"] = {"required": True, **({"unique": True} if len(dataset.key) == 1 else {})}
        fields.append(field)
    return {"fields": fields, "primaryKey": list(dataset.key), "missingValues": [""]}


def _bangkok_time(quoted: str) -> str:
    """SQL: a TIMESTAMPTZ column as ISO 8601 text with the Bangkok offset."""
    return f"strftime(timezone('Asia/Bangkok', {quoted}), '%Y-%m-%dT%H:%M:%S+07:00')"


def _csv_select(columns: dict[str, str]) -> str:
    """Columns as the CSV writes them: times ISO 8601 with the Bangkok offset, lists as JSON text."""
    out = []
    for column, type_ in columns.items():
        quoted = f'"{column}"'
        if type_ == "TIMESTAMPTZ":
            out.append(f"{_bangkok_time(quoted)} AS {quoted}")
        elif type_.endswith("[]"):
            out.append(f"CAST(to_json({quoted}) AS VARCHAR) AS {quoted}")
        else:
            out.append(quoted)
    return ", ".join(out)


def _geojson(con: duckdb.DuckDBPyConnection, dataset: Dataset, columns: dict[str, str], target: Path) -> bool:
    """Write the table as an RFC 7946 FeatureCollection to `target` (False: no lat/lon, no file).

    Point tables (complaints: the city's whole history) are written by DuckDB, one feature per line,
    and never held in memory; a table with area geometries (alerts, a few hundred rows) goes through
    `publish.geojson`, which re-orients polygons as the RFC asks."""
    if not {"lat", "lon"} <= set(columns):
        return False
    order = ", ".join(f'"{c}"' for c in dataset.key)
    props = {c: t for c, t in columns.items() if c != "geometry"}
    if "geometry" in columns:
        rows = con.execute(f"SELECT {_csv_select(props)}, geometry FROM core.{dataset.table} ORDER BY {order}").fetchall()
        features = []
        for row in rows:
            record = dict(zip(props, row[:-1]))
            for c, t in props.items():
                if t.endswith("[]") and record[c] is not None:
                    record[c] = json.loads(record[c])
            features.append(feature(str(record[dataset.id_column]),
                                    geometry(row[-1], record.get("lon"), record.get("lat")), record))
        target.write_bytes(feature_collection(features, compact=len(features) > 1000, name=dataset.title_en))
        return True
    values = ", ".join(f'"{c}" := {expr}' for c, expr in _json_values(props).items())
    body = target.with_suffix(".features")
    # Each line a feature followed by a comma but the last; as publish.geojson writes JSON, nothing in the
    # bytes looks like markup. No quoting: JSON text holds no raw newline and no U+001F.
    con.execute(f"""
        COPY (SELECT CASE WHEN k < count(*) OVER () THEN f || ',' ELSE f END
              FROM (SELECT row_number() OVER (ORDER BY {order}) AS k,
                           replace(replace(to_json(struct_pack(
                               type := 'Feature', id := CAST("{dataset.id_column}" AS VARCHAR),
                               geometry := CASE WHEN lat IS NOT NULL AND lon IS NOT NULL THEN
                                   struct_pack(type := 'Point', coordinates := [round(lon, 6), round(lat, 6)]) END,
                               properties := struct_pack({values})))::VARCHAR, '<', '\\u003c'), '>', '\\u003e') AS f
                    FROM core.{dataset.table})
              ORDER BY k)
        TO '{body}' (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x1f')""")
    with target.open("wb") as out:
        out.write(b'{"type":"FeatureCollection","name":' + json.dumps(dataset.title_en).encode() + b',"features":[\n')
        with body.open("rb") as features:
            shutil.copyfileobj(features, out, 1 << 20)
        out.write(b"]}\n")
    body.unlink()
    return True


def _json_values(columns: dict[str, str]) -> dict[str, str]:
    """SQL per property: times as ISO 8601 text with the Bangkok offset, everything else as it is."""
    return {c: _bangkok_time(f'"{c}"') if t == "TIMESTAMPTZ" else f'"{c}"' for c, t in columns.items()}


@dataclass(frozen=True)
class DatasetRelease:
    """A dataset as published: its spec, row count, newest time in its data, and its files (bytes, or the
    Path of a file in the build's work folder for the big ones)."""
    dataset: Dataset
    rows: int
    modified: datetime | None
    files: dict[str, bytes | Path]


def build(con: duckdb.DuckDBPyConnection, dataset: Dataset, base_url: str, today: date, workdir: Path) -> DatasetRelease:
    """The latest files of one dataset and today's snapshot of them (paths relative to the tree root).
    DuckDB writes the data files into `workdir`, which must outlive the release that publishes them."""
    columns = public_columns(dataset.table)
    stem = f"v1/datasets/{dataset.table}"
    order = "ORDER BY " + ", ".join(f'"{c}"' for c in dataset.key)
    folder = workdir / dataset.table
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, parquet_path, geojson_path = (folder / f"{dataset.table}.{ext}" for ext in ("csv", "parquet", "geojson"))
    con.execute(f"COPY (SELECT {_csv_select(columns)} FROM core.{dataset.table} {order}) "
                f"TO '{csv_path}' (FORMAT csv, HEADER true)")
    con.execute(f"COPY (SELECT {', '.join(chr(34) + c + chr(34) for c in columns)} FROM core.{dataset.table} "
                f"{order}) TO '{parquet_path}' (FORMAT parquet, COMPRESSION zstd)")
    files: dict[str, bytes | Path] = {f"{stem}/{dataset.table}.csv": csv_path, f"{stem}/{dataset.table}.parquet": parquet_path}
    if _geojson(con, dataset, columns, geojson_path):
        files[f"{stem}/{dataset.table}.geojson"] = geojson_path
    rows = con.execute(f"SELECT count(*) FROM core.{dataset.table}").fetchone()[0]
    files[f"{stem}/datapackage.json"] = datapackage(dataset, base_url, files, rows)
    snapshot = f"{stem}/snapshots/{today.isoformat()}"
    files.update({f"{snapshot}/{path.rsplit('/', 1)[1]}": data for path, data in list(files.items())})
    times = [c for c in ("first_seen_at", "checked_at") if c in columns]
    modified = (con.execute(f'SELECT max(greatest({", ".join(chr(34) + c + chr(34) for c in times)})) '
                            f"FROM core.{dataset.table}").fetchone()[0] if times else None)
    return DatasetRelease(dataset, rows, modified, files)


def datapackage(dataset: Dataset, base_url: str, files: dict[str, bytes | Path], rows: int) -> bytes:
    """Frictionless Data Package: the CSV with its Table Schema; the Parquet and GeoJSON copies are listed
    as further resources of the same data (paths relative, so a downloaded folder validates offline)."""
    name = dataset.table.replace("_", "-")
    csv_name = f"{dataset.table}.csv"
    csv_size, csv_sha = content_digest(files[f"v1/datasets/{dataset.table}/{csv_name}"])
    resources = [{
        "name": name, "path": csv_name, "profile": "tabular-data-resource", "format": "csv",
        "mediatype": "text/csv", "encoding": "utf-8", "title": f"{dataset.title_th} / {dataset.title_en}",
        "bytes": csv_size, "hash": f"sha256:{csv_sha}",
        "dialect": {"delimiter": ",", "header": True}, "schema": table_schema(dataset)}]
    for suffix, media_type, fmt in (("parquet", "application/vnd.apache.parquet", "parquet"),
                                    ("geojson", "application/geo+json", "geojson")):
        path = f"v1/datasets/{dataset.table}/{dataset.table}.{suffix}"
        if path in files:
            # "file": checked by size and hash; the table itself is described once, by the CSV resource.
            size, sha = content_digest(files[path])
            resources.append({"name": f"{name}-{suffix}", "type": "file", "path": f"{dataset.table}.{suffix}",
                              "format": fmt, "mediatype": media_type, "bytes": size, "hash": f"sha256:{sha}",
                              "description": f"The same {rows:,} rows as {csv_name}, as {fmt}."})
    package = {
        "profile": "data-package", "name": f"bkkconnect-{name}", "id": f"{base_url}/v1/datasets/{dataset.table}/",
        "title": f"{dataset.title_th} / {dataset.title_en}", "description": dataset.description,
        "homepage": f"{base_url}/v1/datasets/{dataset.table}/", "version": "1.0.0",
        "licenses": [{"name": dataset.licence_id, "title": dataset.licence_title, "path": dataset.licence_url}],
        "sources": [{"title": title, "path": url} for title, url in dataset.sources],
        "keywords": ["Bangkok", "กรุงเทพมหานคร", "BKK Connect", dataset.table],
        "resources": resources,
    }
    return (json.dumps(package, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def expired_snapshots(existing_paths, today: date, keep_days: int = SNAPSHOT_DAYS) -> set[str]:
    """Snapshot folders (v1/datasets/<table>/snapshots/<day>) older than `keep_days` days."""
    cutoff = today - timedelta(days=keep_days - 1)
    out = set()
    for path in existing_paths:
        parts = path.split("/")
        if len(parts) >= 5 and parts[:2] == ["v1", "datasets"] and parts[3] == "snapshots":
            try:
                day = date.fromisoformat(parts[4])
            except ValueError:
                continue
            if day < cutoff:
                out.add("/".join(parts[:5]))
    return out
