"""Bangkok's urban rail network (BTS, MRT, Airport Rail Link) named with the Namtang GTFS ids.

Data: ``reference/rail/{routes,stops}.txt`` (GTFS-shaped, every field quoted, names bilingual in one
field split by ``;``; provenance in ``reference/rail/SOURCES.md``). Route and stop ids are the ones of
OTP's Namtang feed, so an alert we publish names stops a GTFS consumer already has. Extension columns:

* routes: ``line_code`` (the operator's own line code: BL, PP, ARL; SUK/SIL/GLD for BTS), ``line_names``
  (names that mean the line only with "Line" after or "BTS"/"MRT" before them, or "สาย" before them:
  "Sukhumvit", "สีม่วง"), ``line_phrases`` (phrases that mean the line on their own: "Airport Rail Link");
* stops: ``route_ids`` (the route–station relation, space separated) and, parallel to it,
  ``operator_codes`` (the operator's station code on each of those routes: N8, CEN, BL10 ...),
  ``district_code`` (DOPA 1001–1050, empty outside Bangkok), ``subdistrict_code`` and ``alt_names``
  (spellings seen in the wild, ``|`` separated).

Free text is matched on tokens (pythainlp newmm with the station names added to its word list), so a
Thai name never matches inside a longer word ("นานา" is not in "นานาชาติ"), and Latin names are folded
("Mo Chit" = "Mochit" = "MO-CHIT"). Windows of tokens are tried longest first: "Khlong Bang Phai" is one
station, not "Bang Phai" too. Line names are found first and masked, so "Sukhumvit Line" is no station.

    net = RailNetwork.load()
    net.match_line("trains on the Sukhumvit Line are delayed")          # "1"
    net.match_stations("ปิดให้บริการชั่วคราว สถานีสะพานตากสิน")               # ["7"]
    net.match_stations("Bang Wa", route_id="3")                          # ["13633"]
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hub.thai_text import arabic_digits, normalize_thai, word_set

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference" / "rail"
OPERATORS = ("BTSC", "BEM", "SRTET")

_THAI = re.compile("[\u0e00-\u0e7f]")
# Key of a name or token: lower-case Latin letters, digits and Thai letters; spaces, dots, hyphens and
# the abbreviation mark ฯ ("เคหะฯ", "จรัญฯ 13") do not count.
_NOT_KEY = re.compile("[^0-9a-z\u0e01-\u0e2e\u0e30-\u0e4e]")
_SKIPPABLE = re.compile(r"^[\s.\-–'’ฯ]*$")
# Words that make a following name something else: a road (ถนนสีลม, Soi Sukhumvit), a district
# (เขตบางนา) or a line (สายสีลม when the tokenizer splits it).
_NOT_STATION_BEFORE = {"ถนน", "ถ", "ซอย", "ซ", "soi", "thanon", "เขต", "แขวง", "khet", "khwaeng", "สาย"}
_NOT_STATION_AFTER = {"road", "rd", "soi", "street", "line", "lines", "district", "subdistrict"}
_STATION_WORDS = {"สถานี", "station", "stn", "สถานีรถไฟฟ้า", "รถไฟฟ้า"}
_OPERATOR_WORDS = {"bts": "BTSC", "บีทีเอส": "BTSC", "mrt": "BEM", "เอ็มอาร์ที": "BEM", "arl": "SRTET"}
# Station names that are also ordinary English words count only when capitalised ("Bearing", not "bearing").
_COMMON_WORDS = {"bearing"}
_MAX_WINDOW = 8


def name_key(text: str) -> str:
    """Comparison key: "BTS Mo Chit" -> "btsmochit", "จรัญฯ 13" -> "จรัญ13"."""
    return _NOT_KEY.sub("", arabic_digits(normalize_thai(text)).lower())


@dataclass(frozen=True)
class Route:
    route_id: str
    short: str
    name_th: str
    name_en: str
    operator: str          # GTFS agency_id: BTSC, BEM, SRTET
    route_type: int
    color: str
    line_code: str
    line_names: tuple[str, ...]
    line_phrases: tuple[str, ...]


@dataclass(frozen=True)
class Station:
    stop_id: str
    name_th: str
    name_en: str
    lat: float
    lon: float
    district_code: str     # "" outside Bangkok
    route_ids: tuple[str, ...]
    operator_codes: tuple[str, ...]
    subdistrict_code: str = ""
    alt_names: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name_th, self.name_en, *self.alt_names)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


def _split_bilingual(value: str) -> tuple[str, str]:
    th, _, en = value.partition(";")
    return th.strip(), en.strip()


def _name_pattern(name: str) -> str:
    """Regex of a name whose words may be run together or hyphenated ("Light Green" ~ "light-green")."""
    return r"[\s\-]*".join(re.escape(w) for w in re.split(r"[\s\-]+", normalize_thai(name)) if w)


def _strip_mode(name: str) -> str:
    return re.sub(r"^(?:BTS|MRT|ARL)\s+", "", name)


class RailNetwork:
    """Routes and stations with the Namtang GTFS ids, and line/station mentions in free text."""

    def __init__(self, routes: Iterable[Route], stations: Iterable[Station]):
        self.routes: dict[str, Route] = {r.route_id: r for r in routes}
        self.stations: dict[str, Station] = {s.stop_id: s for s in stations}
        self._by_code: dict[str, str] = {}
        self._by_line_code = {r.line_code.upper(): r.route_id for r in self.routes.values()}
        self._keys: dict[str, list[str]] = {}
        thai_words: set[str] = set()
        for s in self.stations.values():
            unknown = set(s.route_ids) - set(self.routes)
            if unknown:
                raise ValueError(f"stop {s.stop_id} names unknown routes {sorted(unknown)}")
            if len(s.operator_codes) != len(s.route_ids):
                raise ValueError(f"stop {s.stop_id}: one operator code per route expected")
            for code in s.operator_codes:
                if self._by_code.setdefault(code.upper(), s.stop_id) != s.stop_id:
                    raise ValueError(f"operator code {code} is given to two stops")
            for name in s.names:
                key = name_key(name)
                if key and s.stop_id not in self._keys.setdefault(key, []):
                    self._keys[key].append(s.stop_id)
                if _THAI.search(name):
                    thai_words.add(normalize_thai(name))
        self._line_names: dict[str, list[str]] = {}
        self._line_phrases: dict[str, list[str]] = {}
        for r in self.routes.values():
            for name in r.line_names:
                self._line_names.setdefault(name_key(name), []).append(r.route_id)
                if _THAI.search(name):
                    thai_words.add("สาย" + normalize_thai(name))
            for phrase in r.line_phrases:
                self._line_phrases.setdefault(name_key(phrase), []).append(r.route_id)
                if _THAI.search(phrase):
                    thai_words.add(normalize_thai(phrase))
        self._thai_words = frozenset(thai_words)
        thai_names = sorted({normalize_thai(n) for s in self.stations.values() for n in s.names if _THAI.search(n)},
                            key=len, reverse=True)
        self._thai_name_pattern = re.compile("|".join(
            r"\s*".join(re.escape(ch) for ch in name.replace(" ", "")) for name in thai_names))
        self._line_pattern = self._build_line_pattern()
        self._single_line_name = {
            script: re.compile("|".join(_name_pattern(n) for n in sorted(
                {n for r in self.routes.values() for n in r.line_names if bool(_THAI.search(n)) == (script == "th")},
                key=len, reverse=True)), re.IGNORECASE)
            for script in ("en", "th")}

    # --- loading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, dir: Path | str = REFERENCE_DIR) -> "RailNetwork":  # noqa: A002 - the documented name
        """Read ``routes.txt`` and ``stops.txt`` from `dir` (default: this repo's ``reference/rail``)."""
        directory = Path(dir)
        routes = []
        for r in _read(directory / "routes.txt"):
            name_th, name_en = _split_bilingual(r["route_long_name"])
            if r["agency_id"] not in OPERATORS:
                raise ValueError(f"route {r['route_id']}: unknown operator {r['agency_id']!r}")
            routes.append(Route(r["route_id"], r["route_short_name"], name_th, name_en, r["agency_id"],
                                int(r["route_type"]), r["route_color"], r["line_code"],
                                tuple(n for n in r["line_names"].split("|") if n),
                                tuple(p for p in r["line_phrases"].split("|") if p)))
        stations = []
        for s in _read(directory / "stops.txt"):
            name_th, name_en = _split_bilingual(s["stop_name"])
            stations.append(Station(s["stop_id"], _strip_mode(name_th), _strip_mode(name_en),
                                    float(s["stop_lat"]), float(s["stop_lon"]), s["district_code"],
                                    tuple(s["route_ids"].split()), tuple(s["operator_codes"].split()),
                                    s.get("subdistrict_code", ""),
                                    tuple(a for a in s.get("alt_names", "").split("|") if a)))
        return cls(routes, stations)

    # --- lookups -------------------------------------------------------------------------------
    def station_by_code(self, operator_code: str) -> Station | None:
        """The stop an operator's station code (BL10, PP16, N8, CEN, A8) refers to."""
        stop_id = self._by_code.get((operator_code or "").strip().upper())
        return self.stations[stop_id] if stop_id else None

    def route_by_line_code(self, line_code: str) -> Route | None:
        """The route of an operator line code ("BL" -> Blue Line, route 3)."""
        route_id = self._by_line_code.get((line_code or "").strip().upper())
        return self.routes[route_id] if route_id else None

    def routes_of(self, operator: str) -> list[str]:
        return [r.route_id for r in self.routes.values() if r.operator == operator]

    def route_sequence(self, route_id: str) -> list[str]:
        """Stop ids of a route in line order, read from the operator codes (N24…N1, CEN, E1…E23; BL01…BL38)."""
        def position(code: str) -> int:
            match = re.fullmatch(r"([A-Z]+)(\d*)", code)
            if not match:
                raise ValueError(f"unreadable operator code {code!r}")
            prefix, number = match.group(1), int(match.group(2) or 0)
            return -number if prefix in ("N", "W") else number   # BTS codes count away from Siam (CEN)
        on_route = [(position(s.operator_codes[s.route_ids.index(route_id)]), s.stop_id)
                    for s in self.stations.values() if route_id in s.route_ids]
        return [stop_id for _, stop_id in sorted(on_route)]

    def segment(self, route_id: str, from_stop: str, to_stop: str) -> list[str]:
        """Stops from one station to another along a route, both ends included, in the order given."""
        sequence = self.route_sequence(route_id)
        a, b = sequence.index(from_stop), sequence.index(to_stop)
        return sequence[a:b + 1] if a <= b else sequence[b:a + 1][::-1]

    # --- lines in text -------------------------------------------------------------------------
    def _build_line_pattern(self) -> re.Pattern[str]:
        def alternation(names: Iterable[str]) -> str:
            return "|".join(_name_pattern(n) for n in sorted(set(names), key=len, reverse=True))

        names = [n for r in self.routes.values() for n in r.line_names]
        latin = alternation(n for n in names if not _THAI.search(n))
        thai = alternation(n for n in names if _THAI.search(n))
        phrases = [p for r in self.routes.values() for p in r.line_phrases]
        latin_phrases = alternation(p for p in phrases if not _THAI.search(p))
        thai_phrases = alternation(p for p in phrases if _THAI.search(p))
        sep_en = r"\s*(?:,|and|&|/|or)\s*(?:the\s+)?"
        sep_th = r"\s*(?:และ|หรือ|,|/)\s*(?:สาย)?\s*"
        # English names count as a line with "Line(s)" after them or "BTS"/"MRT" before them.
        return re.compile(
            rf"(?<![a-z0-9])(?P<mode>(?:BTS|MRT)\s+)?(?P<en>(?:{latin})(?:{sep_en}(?:{latin}))*)"
            rf"(?P<suffix>\s*lines?(?![a-z]))?"
            rf"|สาย\s*(?P<th>(?:{thai})(?:{sep_th}(?:{thai}))*)"
            rf"|(?<![a-z0-9])(?P<phrase_en>{latin_phrases})(?![a-z0-9])"
            rf"|(?P<phrase_th>{thai_phrases})",
            re.IGNORECASE)

    def _line_mentions(self, text: str) -> list[tuple[int, int, list[str]]]:
        """(start, end, route ids) of every line mention in normalised text."""
        out = []
        for m in self._line_pattern.finditer(text):
            if m.group("en") and not (m.group("mode") or m.group("suffix")):
                continue                       # "Sukhumvit" alone is a station or a road, not a line
            if m.group("en") or m.group("th"):
                group = "en" if m.group("en") else "th"
                routes = [rid for part in self._single_line_name[group].finditer(m.group(group))
                          for rid in self._line_names.get(name_key(part.group(0)), [])]
                if group == "en" and m.group("mode") and not m.group("suffix"):
                    # "BTS Silom" is the line, "MRT Silom" the station: the mode must be the line's operator.
                    operator = _OPERATOR_WORDS[m.group("mode").strip().lower()]
                    if not all(self.routes[r].operator == operator for r in routes):
                        continue
            else:
                routes = list(self._line_phrases.get(name_key(m.group(0)), []))
            out.append((m.start(), m.end(), routes))
        return out

    def match_lines(self, text: str) -> list[str]:
        """Route ids of every line named in the text, in order of mention ("Green Line" names both BTS lines)."""
        found: list[str] = []
        for _, _, routes in self._line_mentions(normalize_thai(text or "")):
            found += [r for r in routes if r not in found]
        return found

    def match_line(self, text: str) -> str | None:
        """The route id of the first line named in the text; None if none is, or if that mention is ambiguous."""
        for _, _, routes in self._line_mentions(normalize_thai(text or "")):
            return routes[0] if len(routes) == 1 else None
        return None

    # --- stations in text ----------------------------------------------------------------------
    def match_stations(self, text: str, route_id: str | Iterable[str] | None = None,
                       operator: str | None = None) -> list[str]:
        """Stop ids of the stations named in free Thai/English text, in order of first mention.

        Tolerates "สถานี"/"station" and "BTS"/"MRT"/"ARL" prefixes, spacing, case and the spellings in
        ``alt_names`` (Morchit, Asoke ...). A name that several stops carry (Bang Wa: BTS and MRT) gives all
        of them unless `route_id` (one id or several), `operator` or a "BTS"/"MRT" prefix narrows it.
        Line names ("Sukhumvit Line", "สายสีลม") and roads ("ถนนสีลม", "Sukhumvit Road") are not stations.
        """
        wanted_routes = None if route_id is None else ({route_id} if isinstance(route_id, str) else set(route_id))
        found: list[str] = []
        for _, _, stops in self._station_mentions(text):
            if wanted_routes is not None:
                stops = [s for s in stops if wanted_routes & set(self.stations[s].route_ids)]
            if operator is not None:
                stops = [s for s in stops if operator in self._operator_of(s)]
            found += [s for s in stops if s not in found]
        return found

    def _station_mentions(self, text: str) -> list[tuple[int, int, list[str]]]:
        """(start, end, candidate stop ids) of each station name in the text, in order.

        Two passes. Token windows: tokens (newmm, our names in its word list) joined in windows of up to
        eight, longest first. Thai substrings: a Thai name found in the text that starts on a token
        boundary and does not end inside a dictionary word that starts where it starts, for the cases
        where newmm cut a name otherwise ("สถานีสายหยุดชั่วคราว" -> สาย | หยุดชั่วคราว). "นานาชาติ" stays one word.
        """
        from pythainlp.tokenize import word_tokenize  # lazily: the dictionary is slow to load

        normalised = arabic_digits(normalize_thai(text or ""))
        # Lines are masked first, so "Sukhumvit Line" never reads as MRT Sukhumvit station; the mask
        # remembers the line, and a station named right after it ("Gold Line Krung Thon Buri") is on it.
        masked, last, line_marks = [], 0, {}
        for n, (start, end, routes) in enumerate(self._line_mentions(normalised)):
            mark = "zzline" + "".join(chr(97 + int(d)) for d in str(n)) + "zz"   # letters only: one token
            line_marks[mark] = set(routes)
            masked += [normalised[last:start], f" {mark} "]
            last = end
        masked.append(normalised[last:])
        prepared = "".join(masked).replace("สถานี", " สถานี ")
        tokens = word_tokenize(prepared, custom_dict=word_set(self._thai_words), keep_whitespace=True)
        words: list[_Word] = []
        token_spans: dict[int, int] = {}       # token start -> end
        position = 0
        for token in tokens:
            start = prepared.find(token, position)
            if start < 0:                      # the tokenizer changed the text: nothing to anchor on
                start = position
            position = start + len(token)
            token_spans[start] = position
            key = name_key(token)
            if key:
                words.append(_Word(token, key, start, position))
            elif not _SKIPPABLE.match(token):
                words.append(_Word(token, None, start, position))

        mentions: list[tuple[int, int, list[str]]] = []
        i = 0
        while i < len(words):
            for size in range(min(_MAX_WINDOW, len(words) - i), 0, -1):
                window = [w.key for w in words[i:i + size]]
                if None in window or not (candidates := self._keys.get("".join(window))):
                    continue
                start, end = words[i].start, words[i + size - 1].end
                mentions.append((start, end, self._accept(words, start, end, candidates, line_marks)))
                i += size
                break
            else:
                i += 1
        taken = [(a, b) for a, b, _ in mentions]
        for match in self._thai_name_pattern.finditer(prepared):
            a, b = match.span()
            if a not in token_spans or token_spans[a] > b:
                continue                       # starts inside a word, or is the start of a longer word
            if any(a < y and x < b for x, y in taken):
                continue
            candidates = self._keys.get(name_key(match.group(0)), [])
            if candidates:
                mentions.append((a, b, self._accept(words, a, b, candidates, line_marks)))
                taken.append((a, b))
        return sorted(mentions)

    def _operator_of(self, stop_id: str) -> set[str]:
        return {self.routes[r].operator for r in self.stations[stop_id].route_ids}

    def _accept(self, words: list["_Word"], start: int, end: int, candidates: list[str],
                line_marks: dict[str, set[str]]) -> list[str]:
        """Candidates of the name at text[start:end], or [] when the context says it is no station here."""
        inside = [w for w in words if start <= w.start < end]
        if inside and inside[0].key in _COMMON_WORDS and not inside[0].token[:1].isupper():
            return []
        following = next((w for w in words if w.start >= end), None)
        if following is not None and following.key in _NOT_STATION_AFTER:
            return []
        before = [w for w in words if w.end <= start]
        if before and before[-1].key in _NOT_STATION_BEFORE:
            return []
        while before and before[-1].key in _STATION_WORDS:
            before.pop()
        context = before[-1].key if before else None
        if context in _OPERATOR_WORDS:
            operator = _OPERATOR_WORDS[context]
            return [s for s in candidates if operator in self._operator_of(s)]
        if context in line_marks:
            on_line = [s for s in candidates if line_marks[context] & set(self.stations[s].route_ids)]
            return on_line or list(candidates)
        return list(candidates)


@dataclass(frozen=True)
class _Word:
    token: str
    key: str | None      # None: punctuation that no name spans
    start: int
    end: int
