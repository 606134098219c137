"""Reference data edited in the repo: important phone numbers and how-to guides for BMA services.

Unlike the other modules in this package nothing here is fetched: people edit
``reference/contacts.yaml`` and ``reference/guides.yaml`` by hand (see ``reference/REFERENCE_DATA.md``)
and this module loads them, checks them against ``reference/schemas/*.schema.json`` (JSON Schema
2020-12) plus the rules a schema cannot express (unique ids, phone/dial agreement, one office per
district, guide -> contact references), and flattens them into DataFrames for the warehouse.

Any violation raises `ReferenceDataError` naming the file, the entry id and the field, so a bad edit
fails loudly in CI instead of publishing a wrong emergency number.

    contacts = load_contacts()                 # list of dicts, dates as datetime.date
    frame = guides_frame()                     # one row per guide, steps/documents as JSON text
    content_sha256()                           # {"contacts": "...", "guides": "..."} for provenance

    python -m scrapers.reference_data check            # validate both files, print counts and hashes
    python -m scrapers.reference_data district-offices # YAML for the 50 district offices (from the gazetteer)
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from jsonschema import Draft202012Validator

from hub.thai_text import arabic_digits

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"
CONTACTS_PATH = REFERENCE_DIR / "contacts.yaml"
GUIDES_PATH = REFERENCE_DIR / "guides.yaml"
SCHEMA_DIR = REFERENCE_DIR / "schemas"

CONTACT_ID_COLUMN = "contact_id"
GUIDE_ID_COLUMN = "guide_id"
CATEGORIES = ("emergency", "hotline", "utility", "district_office", "transport", "tourism", "health")

# Flattened rows -> DuckDB types (for hub.warehouse.replace_rows). Lists of {th, en} are JSON text.
CONTACT_COLUMNS: dict[str, str] = {
    "contact_id": "VARCHAR",
    "category": "VARCHAR",
    "name_th": "VARCHAR",
    "name_en": "VARCHAR",
    "phone": "VARCHAR",          # display form: "1555", "+66 2 281 5370"
    "dial": "VARCHAR",           # what to dial inside Thailand: "1555", "022815370"
    "district_code": "VARCHAR",  # DOPA code 1001-1050, district offices only
    "hours_th": "VARCHAR",
    "hours_en": "VARCHAR",
    "source": "VARCHAR",
    "verified": "BOOLEAN",
    "verified_on": "DATE",
    "note_th": "VARCHAR",
    "note_en": "VARCHAR",
}
GUIDE_COLUMNS: dict[str, str] = {
    "guide_id": "VARCHAR",
    "title_th": "VARCHAR",
    "title_en": "VARCHAR",
    "summary_th": "VARCHAR",
    "summary_en": "VARCHAR",
    "steps": "VARCHAR",          # JSON: [{"th": ..., "en": ...}, ...]
    "documents": "VARCHAR",      # JSON: [{"th": ..., "en": ...}, ...]
    "fee_thb": "DOUBLE",         # 0 = free; NULL = varies / not confirmed (see fee_note_*)
    "fee_note_th": "VARCHAR",
    "fee_note_en": "VARCHAR",
    "where_th": "VARCHAR",
    "where_en": "VARCHAR",
    "online_url": "VARCHAR",
    "queue_booking_url": "VARCHAR",
    "related_contact_ids": "VARCHAR[]",
    "sources": "VARCHAR[]",
    "verified": "BOOLEAN",
    "updated_on": "DATE",
    "review_note": "VARCHAR",
}
_DATE_FIELDS = {"verified_on", "updated_on"}

# Source of the district office phone numbers (the same extraction as reference/gazetteer/districts.csv).
FASTCALL_SOURCE = "https://github.com/kritsadayu48/bamgkok_fastcall_app/blob/2ce2def/lib/views/bangkok_home_ui.dart"
FASTCALL_TAKEN_ON = date(2026, 11, 25)
OFFICE_HOURS_TH = "วันและเวลาราชการ (วันจันทร์–ศุกร์ เว้นวันหยุดราชการ)"
OFFICE_HOURS_EN = "Government office hours (Monday–Friday, except public holidays)"


class ReferenceDataError(ValueError):
    """A reference file breaks its schema or a cross-entry rule.

    ``file``, ``entry_id`` and ``field`` locate the first problem; ``problems`` lists every one found
    as ``(entry_id, field, message)``.
    """

    def __init__(self, file: str | Path, entry_id: str | None, field: str | None, message: str,
                 problems: list[tuple[str | None, str | None, str]] | None = None):
        self.file = str(file)
        self.entry_id = entry_id
        self.field = field
        self.problems = problems or [(entry_id, field, message)]
        lines = [_locate(self.file, e, f) + m for e, f, m in self.problems]
        text = lines[0]
        if len(lines) > 1:
            text += f"\n  ... and {len(lines) - 1} more problem(s):\n  " + "\n  ".join(lines[1:20])
        super().__init__(text)


def _locate(file: str, entry_id: str | None, field: str | None) -> str:
    where = file
    if entry_id is not None:
        where += f": entry {entry_id!r}"
    if field:
        where += f", field {field!r}"
    return where + ": "


# --- phone numbers -----------------------------------------------------------------------------
_SHORT_CODE = re.compile(r"^[1-9]\d{2,3}$")


def normalize_phone(raw: str) -> tuple[str, str]:
    """A Thai phone number as (display, dial): ("+66 2 281 5370", "022815370") or ("1555", "1555").

    Accepts "02-281-5370", "0-2281-5370", "+66 2 281 5370", "(02) 2815370", Thai digits and 3–4 digit
    short codes. Raises ValueError for anything else, including ranges like "0-2283-4688-90".
    """
    text = arabic_digits(str(raw)).strip()
    compact = re.sub(r"[\s\-.()]", "", text)
    if compact.startswith("+66"):
        compact = "0" + compact[3:]
    if _SHORT_CODE.match(compact):
        return compact, compact
    if not re.fullmatch(r"0\d{8,9}", compact):
        raise ValueError(f"not a Thai phone number: {raw!r}")
    national = compact[1:]
    if len(compact) == 10:  # mobile: 06/08/09 + 8 digits
        if national[0] not in "689":
            raise ValueError(f"10-digit number that is not a mobile number: {raw!r}")
        return f"+66 {national[:2]} {national[2:5]} {national[5:]}", compact
    if national[0] == "2":  # Bangkok and vicinity: 02 xxx xxxx
        return f"+66 2 {national[1:4]} {national[4:]}", compact
    if national[0] in "34567":  # provincial: 0XX xxx xxx
        return f"+66 {national[:2]} {national[2:5]} {national[5:]}", compact
    raise ValueError(f"not a Thai landline number: {raw!r}")


# --- loading -----------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _validator(schema_name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / schema_name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(path, None, None, f"cannot read file: {exc}") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ReferenceDataError(path, None, None, f"not valid YAML: {exc}") from exc


def _plain(value: Any) -> Any:
    """YAML dates -> ISO strings, so the schema sees exactly what JSON would carry."""
    if isinstance(value, date):  # also datetime
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _entry_label(doc: Any, list_key: str, id_key: str, index: int) -> str:
    try:
        entry = doc[list_key][index]
    except (KeyError, IndexError, TypeError):
        return f"#{index + 1}"
    entry_id = entry.get(id_key) if isinstance(entry, dict) else None
    return entry_id if isinstance(entry_id, str) and entry_id else f"#{index + 1} (no {id_key})"


def _dotted(path: list) -> str | None:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or None


def _path_key(error) -> list[str]:
    return [f"{p:08d}" if isinstance(p, int) else str(p) for p in error.absolute_path]


def _schema_problems(doc: Any, validator: Draft202012Validator, list_key: str,
                     id_key: str) -> list[tuple[str | None, str | None, str]]:
    problems = []
    for error in sorted(validator.iter_errors(doc), key=_path_key):
        path = list(error.absolute_path)
        entry_id = None
        if len(path) >= 2 and path[0] == list_key and isinstance(path[1], int):
            entry_id = _entry_label(doc, list_key, id_key, path[1])
            path = path[2:]
        message = error.message
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [p for p in error.validator_value if p not in error.instance]
            path += missing[:1]
            message = f"missing required field(s): {', '.join(missing)}"
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = set(error.schema.get("properties", {}))
            extra = sorted(k for k in error.instance if k not in known)
            path += extra[:1]
            message = f"unknown field(s): {', '.join(map(str, extra))} (typo?)"
        elif error.validator == "type" and isinstance(error.instance, (int, float)) and "string" in str(
                error.validator_value):
            message += " (quote numbers in YAML: an unquoted 021234567 is read as an octal integer)"
        description = error.schema.get("description") if isinstance(error.schema, dict) else None
        if description and error.validator not in ("required", "additionalProperties"):
            message += f" — expected {description}"
        problems.append((entry_id, _dotted(path), message))
    return problems


def _raise(path: Path, problems: list[tuple[str | None, str | None, str]]) -> None:
    if problems:
        entry_id, field, message = problems[0]
        raise ReferenceDataError(path, entry_id, field, message, problems)


def _duplicates(entries: list[dict], key: str) -> list[tuple[str | None, str | None, str]]:
    counts = Counter(e[key] for e in entries if e.get(key) is not None)
    return [(str(value), key, f"duplicate {key} {value!r} ({n} entries)") for value, n in counts.items() if n > 1]


def _complete(entry: dict, columns: dict[str, str]) -> dict:
    """ISO strings back to dates, and optional fields present as None."""
    out = {key: entry.get(key) for key in columns}
    for key in _DATE_FIELDS & out.keys():
        out[key] = date.fromisoformat(out[key])
    return out


def load_contacts(path: str | Path | None = None) -> list[dict]:
    """The contacts of ``reference/contacts.yaml`` (or ``path``), validated; ReferenceDataError otherwise."""
    path = Path(path) if path is not None else CONTACTS_PATH
    doc = _plain(_read_yaml(path))
    _raise(path, _schema_problems(doc, _validator("contacts.schema.json"), "contacts", CONTACT_ID_COLUMN))
    entries = doc["contacts"]
    problems = _duplicates(entries, CONTACT_ID_COLUMN)
    offices = [e for e in entries if e["category"] == "district_office"]
    counts = Counter(e["district_code"] for e in offices)
    problems += [(e["contact_id"], "district_code", f"district {e['district_code']} has {counts[e['district_code']]} "
                  "district_office entries") for e in offices if counts[e["district_code"]] > 1]
    for e in entries:
        try:
            display, dial = normalize_phone(e["dial"])
        except ValueError as exc:
            problems.append((e["contact_id"], "dial", str(exc)))
            continue
        if (display, dial) != (e["phone"], e["dial"]):
            problems.append((e["contact_id"], "phone",
                             f"phone {e['phone']!r} and dial {e['dial']!r} disagree (dial {dial!r} displays as {display!r})"))
    _raise(path, problems)
    return [_complete(e, CONTACT_COLUMNS) for e in entries]


def load_guides(path: str | Path | None = None, contacts: list[dict] | None = None) -> list[dict]:
    """The guides of ``reference/guides.yaml`` (or ``path``), validated, with every ``related_contact_ids``
    resolved against ``contacts`` (default: `load_contacts()`)."""
    path = Path(path) if path is not None else GUIDES_PATH
    doc = _plain(_read_yaml(path))
    _raise(path, _schema_problems(doc, _validator("guides.schema.json"), "guides", GUIDE_ID_COLUMN))
    entries = doc["guides"]
    known = {c[CONTACT_ID_COLUMN] for c in (contacts if contacts is not None else load_contacts())}
    problems = _duplicates(entries, GUIDE_ID_COLUMN)
    for g in entries:
        missing = [c for c in g["related_contact_ids"] if c not in known]
        if missing:
            problems.append((g["guide_id"], "related_contact_ids", f"unknown contact id(s): {', '.join(missing)}"))
    _raise(path, problems)
    return [_complete(g, GUIDE_COLUMNS) for g in entries]


# --- frames and provenance ---------------------------------------------------------------------
def contacts_frame(path: str | Path | None = None) -> pd.DataFrame:
    """One row per contact with exactly the CONTACT_COLUMNS (dates as naive datetime64 days)."""
    frame = pd.DataFrame(load_contacts(path), columns=list(CONTACT_COLUMNS))
    frame["verified_on"] = pd.to_datetime(frame["verified_on"])
    frame["verified"] = frame["verified"].astype(bool)
    return frame


def guides_frame(path: str | Path | None = None, contacts_path: str | Path | None = None) -> pd.DataFrame:
    """One row per guide with exactly the GUIDE_COLUMNS; steps/documents as JSON text, fee_thb nullable."""
    rows = []
    for g in load_guides(path, load_contacts(contacts_path)):
        row = dict(g)
        row["steps"] = json.dumps(g["steps"], ensure_ascii=False)
        row["documents"] = json.dumps(g["documents"], ensure_ascii=False)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(GUIDE_COLUMNS))
    frame["fee_thb"] = frame["fee_thb"].astype("Float64")
    frame["updated_on"] = pd.to_datetime(frame["updated_on"])
    frame["verified"] = frame["verified"].astype(bool)
    return frame


def content_sha256(contacts_path: str | Path | None = None, guides_path: str | Path | None = None) -> dict[str, str]:
    """SHA-256 of the bytes of both files, recorded with what is published from them."""
    paths = {"contacts": Path(contacts_path) if contacts_path else CONTACTS_PATH,
             "guides": Path(guides_path) if guides_path else GUIDES_PATH}
    return {name: hashlib.sha256(p.read_bytes()).hexdigest() for name, p in paths.items()}


# --- one-off generator for the district offices ------------------------------------------------
def district_office_contacts(gazetteer=None, verified_on: date = FASTCALL_TAKEN_ON) -> list[dict]:
    """Contact entries for the 50 district offices, from the gazetteer's ``office_phone`` column.

    Used once to write them into contacts.yaml; from then on the YAML is the source of truth.
    """
    if gazetteer is None:
        from hub.gazetteer import Gazetteer
        gazetteer = Gazetteer.load()
    entries = []
    for d in sorted(gazetteer.districts, key=lambda d: d.code):
        display, dial = normalize_phone(d.office_phone)
        entries.append({
            "contact_id": f"district-office-{d.code}", "category": "district_office",
            "name_th": f"สำนักงานเขต{d.name_th}", "name_en": f"{d.name_en} District Office",
            "phone": display, "dial": dial, "district_code": d.code,
            "hours_th": OFFICE_HOURS_TH, "hours_en": OFFICE_HOURS_EN,
            "source": FASTCALL_SOURCE, "verified": False, "verified_on": verified_on,
        })
    return entries


class _Quoted(str):
    """Phone numbers and codes are always written quoted (an unquoted 021234567 is YAML octal)."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # every entry spelled out, no &id001 anchors
        return True


_Dumper.add_representer(_Quoted, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", str(value), style='"'))


def district_offices_yaml(gazetteer=None) -> str:
    quoted = [{k: _Quoted(v) if k in ("phone", "dial", "district_code") else v for k, v in e.items()}
              for e in district_office_contacts(gazetteer)]
    text = yaml.dump(quoted, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
    lines = []
    for line in text.splitlines(keepends=True):
        if line.startswith("- contact_id:"):
            lines.append("\n")
        lines.append("  " + line if line.strip() else line)
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "check"
    if command == "district-offices":
        sys.stdout.write(district_offices_yaml())
        return 0
    if command == "check":
        try:
            contacts = load_contacts()
            guides = load_guides(contacts=contacts)
        except ReferenceDataError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"contacts: {len(contacts)} entries ({sum(c['verified'] for c in contacts)} verified)")
        print(f"guides: {len(guides)} entries ({sum(g['verified'] for g in guides)} verified)")
        for name, digest in content_sha256().items():
            print(f"sha256 {name}: {digest}")
        return 0
    print("usage: python -m scrapers.reference_data [check|district-offices]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
