"""Major Bangkok roads and the districts they run through, for text that names roads, not districts.

MEA outage notices list roads and sois ("Lat Phrao Road, Soi Lat Phrao 88"), never districts, so
a road index is the only way to put them in a district feed. `reference/roads.csv` is hand-made
and approximate: a road maps to every district it crosses.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from hub.thai_text import normalize_thai

ROADS_CSV = Path(__file__).resolve().parent.parent / "reference" / "roads.csv"


@dataclass(frozen=True)
class Road:
    name_en: str
    name_th: str
    district_codes: tuple[str, ...]


def _latin_key(name: str) -> str:
    # "Rama Nine Road" and "Rama 9 Road" both fold to letters and digits without the "road" suffix.
    name = re.sub(r"\broad\b", "", name, flags=re.I)
    return "".join(ch for ch in name.lower() if ch.isalnum() and ch.isascii())


class RoadIndex:
    def __init__(self, roads: list[Road], latin: dict[str, Road], thai: dict[str, Road]):
        self.roads, self._latin, self._thai = roads, latin, thai
        # Longest names first, so "Phetchaburi Road" is not read as a shorter road inside it.
        self._latin_patterns = sorted(latin, key=len, reverse=True)
        self._thai_patterns = sorted(thai, key=len, reverse=True)

    @classmethod
    def load(cls, path: Path = ROADS_CSV) -> "RoadIndex":
        roads, latin, thai = [], {}, {}
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                road = Road(row["road_en"], normalize_thai(row["road_th"]), tuple(row["district_codes"].split()))
                roads.append(road)
                for name in [row["road_en"], *filter(None, row["aliases"].split("|"))]:
                    latin[_latin_key(name)] = road
                thai[road.name_th.removeprefix("ถนน")] = road
        return cls(roads, latin, thai)

    def find(self, text: str) -> list[Road]:
        """Roads named in English ("X Road") or Thai ("ถนนX" / "ถ.X") text, in order of appearance."""
        found: list[tuple[int, Road]] = []
        # English: the words before each "Road" (joined across stray line breaks by the caller).
        for match in re.finditer(r"((?:[A-Z0-9][\w-]*\s+){1,4})Road\b", text):
            words = match.group(1).split()
            for start in range(len(words)):          # "Rama Nine" out of "the Rama Nine"
                road = self._latin.get(_latin_key(" ".join(words[start:])))
                if road:
                    found.append((match.start(), road))
                    break
        thai = normalize_thai(text)
        for name in self._thai_patterns:
            for prefix in ("ถนน", "ถ.", "ถ. "):
                index = thai.find(prefix + name)
                if index >= 0:
                    found.append((index, self._thai[name]))
                    break
        seen, out = set(), []
        for _, road in sorted(found, key=lambda pair: pair[0]):
            if road.name_en not in seen:
                seen.add(road.name_en)
                out.append(road)
        return out

    def districts_for(self, text: str) -> list[str]:
        codes: list[str] = []
        for road in self.find(text):
            codes += [c for c in road.district_codes if c not in codes]
        return codes
