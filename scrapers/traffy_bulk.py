"""Set-based parsing of Traffy share-API search pages: DuckDB reads the archived pages, SQL types the rows.

`scrapers.traffy.ticket_row` is the definition of a staged ticket, but it costs ~300 µs a record in
Python (most of it Thai text clean-up), far too slow for a full pass of the city's history (hundreds
of thousands of tickets). Here DuckDB reads the archived page files themselves (`read_json`, no JSON
in Python) and SQL builds the same rows for the common shape of a record:

- strictly the share-API keys, a well-formed ticket id, two plain decimal coordinates inside their
  ranges, a Postgres UTC timestamp;
- description and address free of anything `plain_text` would change beyond whitespace (markup,
  script schemes, zero-width or exotic spaces, Thai marks pythainlp would reorder or drop, non-NFC).
  Those conditions come from the same pythainlp character classes `normalize` uses.

Short repeated values (problem types, agencies, states, province names) are cleaned in Python once
per *distinct* value and joined back. Every record outside the common shape goes through
`ticket_row` itself, so odd records get exactly the row parser's answer and quarantine reason.
`tests/test_traffy_bulk.py` checks that both paths give identical rows on the sample site's tickets,
on records built from the 200 real rows, and on adversarial ones.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
from pythainlp import (thai_above_vowels, thai_below_vowels, thai_follow_vowels, thai_lead_vowels,
                       thai_tonemarks)

from hub.raw_archive import ArchivedResponse, UnitFailed
from scrapers import traffy

# What parse_unit returns (and the bulk rows table holds), with DuckDB types.
_ROW_TYPES = {**traffy.STAGED_COLUMNS, "url": "VARCHAR", "sha256": "VARCHAR", "fetched_at": "TIMESTAMPTZ"}
ROW_COLUMNS = list(_ROW_TYPES)
API_KEYS = ("ticket_id", "description", "coords", "photo_url", "address", "timestamp", "state",
            "problem_type_abdul", "org")


def _class(chars: str) -> str:
    return "".join(f"\\x{{{ord(c):04x}}}" for c in chars)


_TONES = _class(thai_tonemarks)
_DANGLING = _class(f"{thai_above_vowels}{thai_below_vowels}{thai_tonemarks}\u0e3a\u0e4c\u0e4d\u0e4e")
_NO_REPEAT = f"{thai_follow_vowels}{thai_lead_vowels}{thai_above_vowels}{thai_below_vowels}\u0e3a\u0e4c\u0e4d\u0e4e"
# Whitespace Python's str.split/strip know and SQL's trim and [ \t] do not.
_EXOTIC_SPACE = r"[\x{0b}\x{0c}\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
# Anything that makes `plain_text` do more than fold whitespace: such text takes the row parser.
_NEEDS_CLEANING = "|".join([
    r"[<&]", r"(?i:script)|(?i:data)\s*:",                              # markup, entities, script URLs
    r"[\x{200b}\x{200c}\x{200d}\x{feff}]",                              # zero-width marks
    _EXOTIC_SPACE,
    r"[\x{0e4d}\x{0e45}]", "\\x{0e40}\\x{0e40}",                        # nikhahit, lakkhangyao, doubled sara e
    r"[\x{0e38}\x{0e39}]\x{0e3a}",                                     # vowel before phinthu: NFC reorders
    f"[{_TONES}\\x{{0e4c}}][{_class(thai_above_vowels + thai_below_vowels)}]",   # tone before vowel
    f"[{_class(thai_follow_vowels)}][{_TONES}]", f"[{_TONES}][{_TONES}]",         # misplaced / doubled tones
    "|".join(f"{_class(c)} *{_class(c)}" for c in _NO_REPEAT),          # repeated vowels and signs
    f"(?:^|\\s)[{_DANGLING}]",                                          # marks with no consonant before them
])
# Addresses are matched by regexes whose \s and \d mean Unicode classes in Python: keep to ASCII and Thai.
_ADDRESS_PLAIN = r"^[\x{20}-\x{7e}\x{0e01}-\x{0e5b}\t\n\r]*$"
_TICKET_ID = "[A-Za-z0-9][A-Za-z0-9-]{3,39}"
_DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"
_PG_UTC = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(\+00(:?00)?|Z)$"
_DIGIT, _NOT_WORD = "0-9\\x{0e50}-\\x{0e59}", "[^\\s0-9\\x{0e50}-\\x{0e59},]+"
_ADDR_PROVINCE = f"(?:^|\\s)(?:จังหวัด|จ\\.)\\s*({_NOT_WORD})"
_ADDR_BEFORE_POSTCODE = f"({_NOT_WORD})\\s+[{_DIGIT}]{{5}}(?:\\s|$|,)"
_ADDR_DISTRICT = f"(?:^|\\s)(?:เขต|อำเภอ|อ\\.)\\s*:?\\s*({_NOT_WORD})"
_ADDR_SUBDISTRICT = f"(?:^|\\s)(?:แขวง|ตำบล|ต\\.)\\s*:?\\s*({_NOT_WORD})"


def _plain(column: str) -> str:
    """SQL for `plain_text` on text that needs no cleaning: each line with single spaces and trimmed,
    empty lines dropped. Most texts have nothing to fold and are returned as they are."""
    folded = (f"trim(regexp_replace(regexp_replace(regexp_replace({column}, '\\r\\n?', chr(10), 'g'), "
              f"'[ \\t]+', ' ', 'g'), ' *\\n[ \\n]*', chr(10), 'g'), ' ' || chr(10))")
    return f"CASE WHEN regexp_matches({column}, '[\\t\\r\\n]|  |^ | $') THEN {folded} ELSE {column} END"


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# Keys `ticket_row` reads. A record is in the common shape only when the alternative spellings
# (dump columns, the stat API) are absent, so the API key is the one the row parser would read too.
ALTERNATIVE_KEYS = ("comment", "photo", "type", "problem_type_fondue", "organization", "last_activity",
                    "subdistrict", "district", "province")
_RECORD = "STRUCT(" + ", ".join(f"{k} JSON" for k in (*API_KEYS, *ALTERNATIVE_KEYS)) + ")"


_OUTSIDE_ASCII_AND_THAI = "[^\\x00-\\x7f\\x{0e00}-\\x{0e7f}]"


def _text_ok(column: str) -> str:
    """SQL: `column` (text or NULL) needs nothing from `plain_text` beyond folding whitespace.

    One regex pass decides for most texts; only text with characters outside ASCII and Thai (emoji,
    accented Latin) is also compared with its NFC form (the Thai pairs NFC would reorder are in
    _NEEDS_CLEANING already). Comparing every text with its NFC form would cost more than parsing."""
    text = f"coalesce({column}, '')"
    return (f"CASE WHEN regexp_matches({text}, {_sql_string(_NEEDS_CLEANING + '|' + _OUTSIDE_ASCII_AND_THAI)}) "
            f"THEN NOT regexp_matches({text}, {_sql_string(_NEEDS_CLEANING)}) AND {text} = nfc_normalize({text}) "
            f"ELSE true END")


def _records_sql(pages: str) -> str:
    """One row per record with its page, the page's status, its position, its fields as JSON and whether
    SQL can type it; `pages` is the FROM item reading the page files (`_read_sql`)."""
    alternatives = " AND ".join(f"r.{k} IS NULL" for k in ALTERNATIVE_KEYS)
    return f"""
    WITH recs AS (
        SELECT p.page, p.url, p.sha256, p.fetched_at, j.status AS page_status, unnest(j.results) AS r,
               generate_subscripts(j.results, 1) - 1 AS pos
        FROM {pages} j JOIN _pages p ON p.path = j.filename
    ), fields AS (
        SELECT page, page_status, pos, url, sha256, fetched_at, r, r IS NOT NULL AND {alternatives} AS plain_keys,
               r.ticket_id->>'$' AS tid, json_type(r.ticket_id) AS tid_type, r.coords AS coords,
               r.timestamp->>'$' AS ts, json_type(r.timestamp) AS ts_type,
               r.description->>'$' AS description, json_type(r.description) AS description_type,
               r.address->>'$' AS address, json_type(r.address) AS address_type,
               r.photo_url->>'$' AS photo, json_type(r.photo_url) AS photo_type,
               CAST(r.state AS VARCHAR) AS state_json, CAST(r.problem_type_abdul AS VARCHAR) AS types_json,
               CAST(r.org AS VARCHAR) AS orgs_json,
               TRY_CAST(r.coords->>0 AS DOUBLE) AS c0, TRY_CAST(r.coords->>1 AS DOUBLE) AS c1
        FROM recs
    ), placed AS (
        -- a pair written lat,lon is put right, as parse_coords does
        SELECT *, CASE WHEN abs(c0) <= 90 AND abs(c1) > 90 THEN c0 ELSE c1 END AS lat,
                  CASE WHEN abs(c0) <= 90 AND abs(c1) > 90 THEN c1 ELSE c0 END AS lon
        FROM fields
    )
    SELECT * EXCLUDE (r, c0, c1), CASE WHEN NOT fast THEN CAST(to_json(r) AS VARCHAR) END AS record FROM (
    SELECT *,
           coalesce(plain_keys
           AND tid_type = 'VARCHAR' AND regexp_full_match(tid, '{_TICKET_ID}')
           AND json_type(coords) = 'ARRAY' AND json_array_length(coords) = 2
           AND regexp_matches(coalesce(coords->>0, ''), '{_DECIMAL}')
           AND regexp_matches(coalesce(coords->>1, ''), '{_DECIMAL}')
           AND lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180 AND NOT (lat = 0 AND lon = 0)
           AND ts_type = 'VARCHAR' AND regexp_matches(ts, '{_PG_UTC}')
           AND coalesce(description_type, 'NULL') IN ('VARCHAR', 'NULL')
           AND coalesce(address_type, 'NULL') IN ('VARCHAR', 'NULL')
           AND coalesce(photo_type, 'NULL') IN ('VARCHAR', 'NULL')
           AND {_text_ok("coalesce(description, '') || chr(1) || coalesce(address, '')")}
           -- the photo URL is only stripped: no space SQL's trim would leave behind
           AND NOT regexp_matches(coalesce(photo, ''), {_sql_string(_EXOTIC_SPACE)})
           AND regexp_matches(coalesce(address, ''), {_sql_string(_ADDRESS_PLAIN)}), false) AS fast   -- NULL: not typed
    FROM placed)
    """


def _address_th(column: str) -> str:
    """SQL: the staged address (plain text on one line, NULL when empty) of a fast record's address."""
    return f"nullif(replace({_plain(f'coalesce({column}, {chr(39)}{chr(39)})')}, chr(10), ' '), '')"


_ARCHIVED_ADDRESS = "coalesce(address, '')"


def _province_raw(address: str) -> str:
    """SQL: the province as the address writes it (before `traffy.normalize_province`).

    Read from the fast record's address as archived: its patterns match any run of whitespace and stop
    at it, so folding the whitespace first (as `address_th` does) changes nothing but the cost."""
    return (f"CASE WHEN contains({address}, 'กรุงเทพมหานคร') OR contains({address}, 'กรุงเทพฯ') THEN 'กรุงเทพมหานคร' "
            f"ELSE coalesce(nullif(regexp_extract({address}, {_sql_string(_ADDR_PROVINCE)}, 1), ''), "
            f"nullif(regexp_extract({address}, {_sql_string(_ADDR_BEFORE_POSTCODE)}, 1), '')) END")


def _province_keys_sql() -> str:
    """The provinces of the fast records, computed from their addresses alone (for the look-up table)."""
    return f"(SELECT {_province_raw(_ARCHIVED_ADDRESS)} AS province_raw FROM _records WHERE fast)"



def _fast_rows_sql() -> str:
    """The staged row, in SQL, for records in the common shape (mirrors `traffy.ticket_row`)."""
    return f"""
    WITH typed AS (
        SELECT *, nullif({_plain("coalesce(description, '')")}, '') AS description_th,
               {_address_th("address")} AS address_th
        FROM _records WHERE fast
    ), placed AS (
        SELECT *, coalesce(address_th, '') AS a FROM typed
    )
    SELECT page, pos, url, sha256, fetched_at, tid AS ticket_id, types_json, orgs_json, state_json,
           description_th, lat, lon, address_th,
           nullif(regexp_extract(a, {_sql_string(_ADDR_SUBDISTRICT)}, 1), '') AS subdistrict_th,
           nullif(regexp_extract(a, {_sql_string(_ADDR_DISTRICT)}, 1), '') AS district_th,
           {_province_raw(_ARCHIVED_ADDRESS)} AS province_raw,
           CAST(ts AS TIMESTAMPTZ) AS reported_at, CAST(NULL AS TIMESTAMPTZ) AS last_activity_at,
           CASE WHEN regexp_matches(lower(trim(coalesce(photo, ''), ' ' || chr(9) || chr(10) || chr(13))), '^https?://')
                     AND NOT ({' OR '.join(f"contains(photo, {_sql_string(s)})" for s in traffy.STOCK_PHOTOS)})
                THEN trim(photo, ' ' || chr(9) || chr(10) || chr(13)) END AS photo_url,
           regexp_full_match(tid, '[A-Z0-9]{{6}}') OR contains(coalesce(description_th, ''), '#1555') AS is_call_centre
    FROM placed
    """


def _lookup(con: duckdb.DuckDBPyConnection, column: str, parse, name: str, cache: dict, *, source: str,
            is_json: bool = True) -> None:
    """`parse` applied in Python once per distinct value of `column` (JSON text unless `is_json` is
    false), as the SQL table `name`(k, v): NULL is the empty-string key, lists are written as JSON text.
    `cache` keeps the answers for the next chunk of pages."""
    known = cache.setdefault(name, {})
    keys = [k for (k,) in con.execute(f"SELECT DISTINCT {column} FROM {source}").fetchall()]
    for k in keys:
        if k not in known:
            value = parse(json.loads(k) if is_json and k is not None else k)
            known[k] = json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value
    con.register(f"{name}_frame", pd.DataFrame({"k": ["" if k is None else k for k in keys], "v": [known[k] for k in keys]},
                                               dtype=object))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT k::VARCHAR AS k, v::VARCHAR AS v FROM {name}_frame")
    con.unregister(f"{name}_frame")


def _state_label(value) -> str | None:
    return (traffy._label(value) or None) if isinstance(value, str) else None


def _state_pair(value) -> str:
    label = _state_label(value)
    return json.dumps([label, traffy.normalize_state(label)], ensure_ascii=False)


def _finish_fast_sql(fast_rows: str) -> str:
    """The fast rows with their looked-up columns (types, agencies, state, province) and the Bangkok flag."""
    (lat0, lat1), (lon0, lon1) = traffy.BANGKOK_BBOX["lat"], traffy.BANGKOK_BBOX["lon"]
    return f"""
    SELECT f.*, from_json(t.v, '["VARCHAR"]') AS problem_types, from_json(o.v, '["VARCHAR"]') AS organizations,
           s.v->>0 AS state_th, s.v->>1 AS state, p.v AS province_th,
           CASE WHEN p.v IS NOT NULL THEN p.v = {_sql_string(traffy.BANGKOK_TH)}
                ELSE coalesce(f.lat BETWEEN {lat0} AND {lat1} AND f.lon BETWEEN {lon0} AND {lon1}, false) END AS in_bangkok
    FROM {fast_rows} f
    LEFT JOIN _types_map t ON t.k = coalesce(f.types_json, '')
    LEFT JOIN _orgs_map o ON o.k = coalesce(f.orgs_json, '')
    LEFT JOIN _states_map s ON s.k = coalesce(f.state_json, '')
    LEFT JOIN _provinces_map p ON p.k = coalesce(f.province_raw, '')
    """


def _slow_rows(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, list[dict]]:
    """Records outside the common shape, through the row parser: rows and quarantined records.

    A record is rebuilt from the keys the row parser reads (keys it ignores are not kept; a key
    holding null counts as absent, as it does for every field `ticket_row` reads)."""
    odd = con.execute("SELECT page, pos, url, sha256, fetched_at, record FROM _records WHERE NOT fast "
                      "ORDER BY page, pos").df()
    rows, quarantined = [], []
    for page, pos, url, sha, fetched_at, text in odd.itertuples(index=False):
        fields = json.loads(text) if isinstance(text, str) else None
        record = {k: v for k, v in fields.items() if v is not None} if isinstance(fields, dict) else fields
        origin = traffy._Origin(url, sha, fetched_at)
        for ok, item in traffy._parse_records([(f"{traffy._ref(record)} #{pos}", record)], origin):
            if ok:
                rows.append({**item, "page": page, "pos": pos})
            else:
                quarantined.append(item)
    return pd.DataFrame(rows), quarantined


def _read_sql(responses: list[ArchivedResponse]) -> str:
    """The page files as rows (file name, status, results), read by DuckDB straight into the records
    query: the nested pages are never materialised on their own."""
    return (f"(SELECT filename, CAST(status AS VARCHAR) AS status, results "
            f"FROM read_json({_paths(responses)}, columns={{'status': 'JSON', 'results': '{_RECORD}[]'}}, "
            f"filename=true, format='auto'))")


def _check_pages(con: duckdb.DuckDBPyConnection, responses: list[ArchivedResponse], start: int) -> None:
    """Every page of the chunk is one search answer (else UnitFailed with the precise reason).

    The crawl already decoded each page strictly; this re-checks what was archived. Pages that gave
    records are judged by their status; a page without records is decoded in Python (a valid empty
    page passes, anything else fails with the row parser's reason)."""
    chunk = responses[start:start + PAGES_PER_CHUNK]
    statuses = dict(con.execute("SELECT page, any_value(page_status) FROM _records GROUP BY page").fetchall())
    for page, response in enumerate(chunk, start):
        if page not in statuses:
            if traffy.decode_search(response.body, response.url)["results"]:     # raises the precise reason
                raise UnitFailed(f"{response.url}: a search page did not read as one JSON answer")
            continue
        status = json.loads(statuses[page]) if statuses[page] is not None else None
        if status is False or (isinstance(status, str) and status.strip().lower() in {"error", "fail", "failed"}):
            traffy.decode_search(response.body, response.url)                   # raises the precise reason
            raise UnitFailed(f"{response.url}: not a search answer")
    if con.execute("SELECT count(*) > count(DISTINCT (page, pos)) FROM _records").fetchone()[0]:
        for response in chunk:                   # a file DuckDB read as several JSON documents
            traffy.decode_search(response.body, response.url)
        raise UnitFailed("a search page did not read as one JSON answer")


def _paths(responses: list[ArchivedResponse]) -> str:
    return "[" + ", ".join(_sql_string(str(r.path)) for r in responses) + "]"


ROWS_TABLE = "_traffy_rows"


# ~800 MB of pages (a million tickets) at a time. Each chunk is one INSERT, and every INSERT but the
# last leaves a part-filled row group in the middle of the table, which DuckDB's next checkpoint merges
# by rewriting the row groups around it (about 1.2 s at 500,000 tickets, `make bench`). So a chunk is
# as large as DuckDB's bounded memory allows (it spills past `memory_limit`), not a small slice.
PAGES_PER_CHUNK = 1000


def load_rows(con: duckdb.DuckDBPyConnection, responses: list[ArchivedResponse], table: str = ROWS_TABLE
              ) -> list[dict]:
    """Read the "api" unit's archived search pages into `table` of `con` (a temp table unless qualified
    with a schema, then a warehouse table: the staged layer's candidate)
    (ROW_COLUMNS plus the record's page and position, one row per ticket, the newest winning) and
    return the quarantined records.

    The rows never pass through pandas: a city-wide pass is hundreds of MB of text, and the staged
    layer takes them from this table straight into the warehouse. Pages are read a chunk at a time
    and each chunk's intermediate tables are dropped before the next, so memory follows the chunk,
    not the city."""
    if not responses:
        raise UnitFailed("the unit holds no search responses")
    con.register("_page_list", pd.DataFrame({
        "page": range(len(responses)), "path": [str(Path(r.path)) for r in responses],
        "url": [r.url for r in responses], "sha256": [r.sha256 for r in responses],
        "fetched_at": pd.to_datetime([r.fetched_at for r in responses], utc=True)}))
    con.execute("CREATE OR REPLACE TEMP TABLE _pages AS SELECT * FROM _page_list")
    con.unregister("_page_list")
    _create_rows_table(con, table)
    try:
        quarantined, lookups = [], {}
        try:
            for start in range(0, len(responses), PAGES_PER_CHUNK):
                quarantined += _load_chunk(con, responses, start, lookups, table)
        except duckdb.Error:
            for response in responses:                          # the precise reason for the bad page
                traffy.decode_search(response.body, response.url)
            rows, quarantined = traffy.parse_unit(responses)    # DuckDB refused what Python reads
            _create_rows_table(con, table)
            _insert_rows(con, pd.DataFrame(rows, columns=ROW_COLUMNS).assign(page=0, pos=range(len(rows))), table)
        if not con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] and not quarantined:
            raise UnitFailed("the search pages held no tickets")
        _dedupe(con, table)
        return quarantined
    finally:
        for scratch in ("_records", "_pages", *_LOOKUPS):
            con.execute(f"DROP TABLE IF EXISTS temp.{scratch}")


_LOOKUPS = ("_types_map", "_orgs_map", "_states_map", "_provinces_map")


def _create_rows_table(con: duckdb.DuckDBPyConnection, table: str) -> None:
    columns = ", ".join(f'"{c}" {_ROW_TYPES[c]}' for c in ROW_COLUMNS)
    kind = "TABLE" if "." in table else "TEMP TABLE"
    con.execute(f"CREATE OR REPLACE {kind} {table} ({columns}, page BIGINT, pos BIGINT)")


def _load_chunk(con: duckdb.DuckDBPyConnection, responses: list[ArchivedResponse], start: int,
                lookups: dict, table: str) -> list[dict]:
    """Pages [start, start + PAGES_PER_CHUNK) into the rows table: fast rows in SQL, the rest by the row parser."""
    chunk = responses[start:start + PAGES_PER_CHUNK]
    con.execute(f"CREATE OR REPLACE TEMP TABLE _records AS {_records_sql(_read_sql(chunk))}")
    _check_pages(con, responses, start)
    # The fast rows are never materialised: the look-ups read their keys, then one INSERT builds them.
    fast_rows = f"({_fast_rows_sql()})"
    _lookup(con, "types_json", traffy.parse_pg_array, "_types_map", lookups, source="_records WHERE fast")
    _lookup(con, "orgs_json", traffy.split_organizations, "_orgs_map", lookups, source="_records WHERE fast")
    _lookup(con, "state_json", _state_pair, "_states_map", lookups, source="_records WHERE fast")
    _lookup(con, "province_raw", traffy.normalize_province, "_provinces_map", lookups, source=_province_keys_sql(),
            is_json=False)
    columns = ", ".join(f'"{c}"' for c in ROW_COLUMNS)
    # Sorted, the rows reach the table as ordered batches that DuckDB packs into full row groups; a
    # parallel unsorted insert leaves one part-filled group per thread, for a checkpoint to rewrite.
    con.execute(f"INSERT INTO {table} BY NAME SELECT {columns}, page, pos FROM ({_finish_fast_sql(fast_rows)}) "
                f"ORDER BY page, pos")
    slow, quarantined = _slow_rows(con)
    con.execute("DROP TABLE temp._records")
    _insert_rows(con, slow, table)
    return quarantined


def _insert_rows(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, table: str) -> None:
    """Rows from the row parser into the rows table (lists as JSON text, so DuckDB never guesses their type)."""
    if rows.empty:
        return
    frame = rows.reindex(columns=[*ROW_COLUMNS, "page", "pos"]).copy()
    for column in ("problem_types", "organizations"):
        frame[column] = [json.dumps(list(v), ensure_ascii=False) if v is not None else None for v in frame[column]]
    for column, type_ in _ROW_TYPES.items():
        if type_ == "TIMESTAMPTZ":
            frame[column] = pd.to_datetime(frame[column], utc=True)
    select = ", ".join(
        f'from_json("{c}"::VARCHAR, \'["VARCHAR"]\') AS "{c}"' if _ROW_TYPES[c] == "VARCHAR[]"
        else f'CAST("{c}" AS {_ROW_TYPES[c]}) AS "{c}"' for c in ROW_COLUMNS)
    con.register("_row_frame", frame)
    try:
        con.execute(f"INSERT INTO {table} SELECT {select}, CAST(page AS BIGINT), CAST(pos AS BIGINT) "
                    f"FROM _row_frame")
    finally:
        con.unregister("_row_frame")


def _dedupe(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """One row per ticket, the newest winning, as `traffy.dedupe` (last activity or report time, fetch,
    order). Only tickets listed twice are ranked: usually none, so this costs one pass over the ids."""
    con.execute(f"""
        DELETE FROM {table} WHERE (page, pos) IN (
            SELECT (page, pos) FROM {table}
            WHERE ticket_id IN (SELECT ticket_id FROM {table} GROUP BY 1 HAVING count(*) > 1)
            QUALIFY row_number() OVER (PARTITION BY ticket_id
                                       ORDER BY coalesce(last_activity_at, reported_at) IS NULL DESC,
                                                coalesce(last_activity_at, reported_at) DESC,
                                                fetched_at DESC, page DESC, pos DESC) > 1)
    """)


def parse_unit(responses: list[ArchivedResponse]) -> tuple[pd.DataFrame, list[dict]]:
    """The "api" unit's search pages -> (rows as a DataFrame, quarantined), one row per ticket.

    Same contract and the same rows as `traffy.parse_unit`; responses not backed by an archived file
    (built in memory) go through the row parser. The pipeline itself uses `load_rows`.
    """
    if responses and any(r.path is None for r in responses):
        rows, quarantined = traffy.parse_unit(responses)
        return pd.DataFrame(rows, columns=ROW_COLUMNS), quarantined
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        quarantined = load_rows(con, responses)
        columns = ", ".join(f'"{c}"' for c in ROW_COLUMNS)
        return con.execute(f"SELECT {columns} FROM {ROWS_TABLE} ORDER BY page, pos").df(), quarantined
