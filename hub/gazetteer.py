"""Gazetteer of Bangkok's 50 districts (khet) and 180 subdistricts (khwaeng).

Codes are DOPA codes: districts 1001–1050, subdistricts six digits (1001xx–1050xx). Partner sources
spell names many ways (romanisations, misspellings, "เขต" prefixes, decomposed sara am, portal slugs),
so everything is matched on a *key* and resolved to the code; never join on a name.

Data: ``reference/gazetteer/{districts,subdistricts,aliases}.csv`` (provenance in ``SOURCES.md``).
Optional district polygons: any GeoJSON whose features carry ``dcode`` ("1001", BMA GIS) or
``ADM2_PCODE`` ("TH1001", HDX); features of other provinces are ignored.

    gaz = Gazetteer.load(Path("Bangkok-districts.geojson"))
    gaz.match_district("เขตราษฏร์บูรณะ")        # "1024"
    gaz.find_districts_in_text("น้ำท่วมบางนา")  # ["1047"]
    gaz.district_at(100.4913, 13.7500)          # "1001"
"""
from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import msgspec
import shapely
from shapely.geometry import Point, shape
from shapely.strtree import STRtree

from hub.thai_text import fold_latin, normalize_thai, strip_admin_prefix, word_set

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference" / "gazetteer"

_THAI_CHAR = re.compile("[\u0e00-\u0e7f]")
_PORTAL_URL = re.compile(r"bangkok\.go\.th/([A-Za-z]+)")
_LATIN_AFFIX = re.compile(r"^(?:khet|khwaeng|kwaeng)|(?:sub)?district$")
_CODE = re.compile(r"^(?:TH)?(\d{4}|\d{6})$", re.IGNORECASE)
# A name right after one of these (or before "subdistrict") is a khwaeng, not a district mention.
_SUBDISTRICT_MARKERS = {"แขวง", "ต", "ตำบล", "khwaeng", "kwaeng"}
_MAX_WINDOW = 6  # longest name in tokens ("Phra Borom Maha Ratchawang" is 4)


def _thai_letters(text: str) -> str:
    """Thai characters only, with ฏ folded into ฎ (ราษฏร์/ราษฎร์ is a common slip)."""
    return "".join(_THAI_CHAR.findall(text)).replace("ฏ", "ฎ")


def name_key(name: str) -> str:
    """Comparison key of a place name: Thai -> normalised, prefix-free Thai letters; Latin -> folded letters.

    Handles "เขต"/"แขวง"/"สำนักงานเขต" prefixes, doubled prefixes, decomposed sara am, ฏ/ฎ, spacing,
    case, "Khet …"/"… District", and webportal URLs (reduced to their slug).
    """
    text = normalize_thai(name)
    url = _PORTAL_URL.search(text)
    if url:
        text = url.group(1)
    if _THAI_CHAR.search(text):
        return _thai_letters(strip_admin_prefix(text.removeprefix("สำนักงาน")))
    return _LATIN_AFFIX.sub("", fold_latin(text))


def _token_key(token: str) -> str:
    return _thai_letters(token) if _THAI_CHAR.search(token) else fold_latin(token)


@dataclass(frozen=True)
class District:
    code: str
    name_th: str
    name_en: str
    portal_slug: str
    office_phone: str


@dataclass(frozen=True)
class Subdistrict:
    code: str
    district_code: str
    name_th: str
    name_en: str
    postal_code: str


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


class Gazetteer:
    """Lookup of district/subdistrict codes by name, by text mention and (with boundaries) by point."""

    def __init__(self, districts: list[District], subdistricts: list[Subdistrict],
                 aliases: Iterable[dict[str, str]] = (), boundaries: dict[str, shapely.Geometry] | None = None,
                 boundaries_source: str | None = None):
        self.districts = list(districts)
        self.subdistricts = list(subdistricts)
        self._districts = {d.code: d for d in self.districts}
        self._subdistricts = {s.code: s for s in self.subdistricts}
        self._district_keys: dict[str, str] = {}
        self._subdistrict_keys: dict[str, set[str]] = {}
        self._text_keys: dict[str, str | None] = {}  # key -> district code, None for khwaeng-only names
        self._thai_names: set[str] = set()  # extra words for the tokeniser
        self._trie = None
        for s in self.subdistricts:
            for name in (s.name_th, s.name_en):
                self._add_subdistrict_key(name, s.code)
        for d in self.districts:
            for name in (d.name_th, d.name_en, d.portal_slug):
                self._add_district_key(name, d.code, in_text=name != d.portal_slug)
        for a in aliases:
            if a["kind"] == "district":
                # Bare slugs ("saphan") are too loose for free text; only names are looked for there.
                self._add_district_key(a["alias"], a["code"], in_text=not a["note"].startswith("portal slug"))
            elif a["kind"] == "subdistrict":
                self._add_subdistrict_key(a["alias"], a["code"])
            else:
                raise ValueError(f"unknown alias kind {a['kind']!r}")
        self._geoms = dict(boundaries or {})
        self._tree_codes = sorted(self._geoms)
        self._tree = STRtree([self._geoms[c] for c in self._tree_codes]) if self._geoms else None
        self.boundaries_source = boundaries_source if self._geoms else None

    def _add_district_key(self, name: str, code: str, in_text: bool = True) -> None:
        if code not in self._districts:
            raise ValueError(f"alias {name!r} points to unknown district {code}")
        key = name_key(name)
        if in_text and _THAI_CHAR.search(name):
            self._thai_names.add(name)
        if self._district_keys.setdefault(key, code) != code:
            raise ValueError(f"district key {key!r} is ambiguous: {self._district_keys[key]} and {code}")
        if in_text:
            self._text_keys[key] = code

    def _add_subdistrict_key(self, name: str, code: str) -> None:
        if code not in self._subdistricts:
            raise ValueError(f"alias {name!r} points to unknown subdistrict {code}")
        key = name_key(name)
        if _THAI_CHAR.search(name):
            self._thai_names.add(name)
        self._subdistrict_keys.setdefault(key, set()).add(code)
        self._text_keys.setdefault(key, None)

    @classmethod
    def load(cls, boundaries_path: Path | None = None) -> "Gazetteer":
        """Read the reference CSVs of this repo and, optionally, a district boundary GeoJSON."""
        districts = [District(**r) for r in _read_csv(REFERENCE_DIR / "districts.csv")]
        subdistricts = [Subdistrict(**r) for r in _read_csv(REFERENCE_DIR / "subdistricts.csv")]
        aliases = _read_csv(REFERENCE_DIR / "aliases.csv")
        boundaries = None
        if boundaries_path is not None:
            boundaries = _read_boundaries(Path(boundaries_path), {d.code for d in districts})
        return cls(districts, subdistricts, aliases, boundaries,
                   str(boundaries_path) if boundaries_path is not None else None)

    # --- lookups -------------------------------------------------------------------------------
    def district(self, code: str) -> District:
        """The district with this DOPA code; KeyError if unknown."""
        return self._districts[str(code)]

    def subdistrict(self, code: str) -> Subdistrict:
        """The subdistrict with this DOPA code; KeyError if unknown."""
        return self._subdistricts[str(code)]

    def match_district(self, name: str) -> str | None:
        """District code for a Thai/English name, alias, misspelling, portal slug/URL or code ("TH1001")."""
        code = _CODE.match((name or "").strip())
        if code and code.group(1) in self._districts:
            return code.group(1)
        return self._district_keys.get(name_key(name or "")) if name else None

    def match_subdistrict(self, name: str, district_code: str | None = None) -> str | None:
        """Subdistrict code for a name; None when unknown or ambiguous.

        Some khwaeng names exist twice (บางจาก in 1009 and 1022, บางมด in 1035 and 1049); pass the
        district to pick one.
        """
        code = _CODE.match((name or "").strip())
        if code and code.group(1) in self._subdistricts:
            return code.group(1)
        codes = self._subdistrict_keys.get(name_key(name or ""), set()) if name else set()
        if district_code is not None:
            codes = {c for c in codes if self._subdistricts[c].district_code == district_code}
        return next(iter(codes)) if len(codes) == 1 else None

    def find_districts_in_text(self, text: str) -> list[str]:
        """District codes named in free Thai/English text, in order of first mention, without repeats.

        The text is tokenised with pythainlp (newmm, its word list plus our Thai names); windows of up to six consecutive tokens are joined
        and compared with the name keys, longest first, so multi-token names ("ป้อมปราบศัตรูพ่าย",
        "Bang Khun Thian") match, while a token run never matches inside a longer name ("ทวีวัฒนา" is not
        "วัฒนา", "บางนา" is not "บาง…"). A longer khwaeng-only name wins and is skipped
        ("คลองเตยเหนือ", "ถนนพญาไท"), as is a name after "แขวง"/"ต."/"Khwaeng" or before "Subdistrict".
        Districts are not inferred from subdistricts; roads named after a district (ถนนลาดพร้าว) count.
        """
        from pythainlp.tokenize import word_tokenize  # imported lazily: loading the dictionary is slow

        tokens = word_tokenize(normalize_thai(text), custom_dict=self._word_trie(), keep_whitespace=False)
        keys = [_token_key(t) for t in tokens if t.strip()]
        found: list[str] = []
        i = 0
        while i < len(keys):
            for size in range(min(_MAX_WINDOW, len(keys) - i), 0, -1):
                window = keys[i:i + size]
                if all(window) and (key := "".join(window)) in self._text_keys:
                    code = self._text_keys[key]
                    after = keys[i + size] if i + size < len(keys) else ""
                    is_khwaeng = (i > 0 and keys[i - 1] in _SUBDISTRICT_MARKERS) or after == "subdistrict"
                    if code and not is_khwaeng and code not in found:
                        found.append(code)
                    i += size
                    break
            else:
                i += 1
        return found

    def _word_trie(self):
        """pythainlp's word list plus every Thai name and alias, so that misspelt names stay whole tokens."""
        if self._trie is None:
            self._trie = word_set(frozenset(normalize_thai(n) for n in self._thai_names))
        return self._trie

    # --- boundaries ----------------------------------------------------------------------------
    @property
    def has_boundaries(self) -> bool:
        return self._tree is not None

    def district_at(self, lon: float, lat: float) -> str | None:
        """District containing the WGS84 point (lowest code on a shared border); None outside or without boundaries."""
        if self._tree is None:
            return None
        hits = self._tree.query(Point(lon, lat), predicate="intersects")
        return min((self._tree_codes[i] for i in hits), default=None)

    def districts_intersecting(self, geometry: shapely.Geometry) -> list[str]:
        """Codes of every district a polygon or line touches (an outage area spanning a border)."""
        if self._tree is None:
            return []
        return sorted({self._tree_codes[i] for i in self._tree.query(geometry, predicate="intersects")})

    def district_geometries(self) -> dict[str, shapely.Geometry]:
        """District code -> polygon (empty without boundaries)."""
        return dict(self._geoms)


def _read_boundaries(path: Path, known_codes: set[str]) -> dict[str, shapely.Geometry]:
    """Polygons per district code from a GeoJSON with ``dcode`` or ``ADM2_PCODE`` ("TH1001") properties."""
    parts: dict[str, list[shapely.Geometry]] = {}
    raw_file = path.read_bytes()
    try:      # msgspec reads the 50 districts' GeoJSON 3x faster: every pipeline process loads it once
        document = msgspec.json.decode(raw_file)
    except msgspec.DecodeError:
        document = json.loads(raw_file.decode("utf-8"))   # what the strict decoder refuses (NaN), and its error
    for feature in document["features"]:
        props = feature.get("properties") or {}
        raw = props.get("dcode") or props.get("ADM2_PCODE")
        if raw is None:
            raise ValueError(f"{path}: feature without dcode/ADM2_PCODE: {sorted(props)}")
        code = str(raw).upper().removeprefix("TH")
        if code in known_codes:  # other provinces in national files are skipped
            parts.setdefault(code, []).append(shapely.make_valid(shape(feature["geometry"])))
    if not parts:
        raise ValueError(f"{path}: no Bangkok district features")
    return {code: shapely.union_all(geoms) for code, geoms in parts.items()}
