"""RFC 7946 GeoJSON: alerts as features, and any table with coordinates as a dataset.

What RFC 7946 asks and readers trip over: longitude first, WGS84 only (no `crs` member), outer rings
counter-clockwise and holes clockwise (shapely's `orient`), rings closed. Coordinates are written with
6 decimals (about 10 cm), enough for a street and stable from run to run. A feature without a place
has `"geometry": null`, which the RFC allows.

Same rows in, same bytes out: features are sorted by id and nothing reads the clock.
"""
from __future__ import annotations

import json
import math
from typing import Any, Iterable

from shapely.geometry import mapping, shape
from shapely.geometry.polygon import orient

from publish.feeds import json_without_markup

_DECIMALS = 6


def safe_json(obj: Any, compact: bool = False) -> bytes:
    """UTF-8 JSON in which nothing looks like markup (`<`, `>` and the JS line separators escaped):
    the same value for a JSON reader, inert if a page ever inlines it."""
    layout = {"separators": (",", ":")} if compact else {"indent": 1}
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, **layout)
    return (json_without_markup(text) + "\n").encode("utf-8")


def _rounded(coords):
    if isinstance(coords, (int, float)):
        return round(float(coords), _DECIMALS)
    return [_rounded(c) for c in coords]


def geometry(text: str | None, lon=None, lat=None) -> dict | None:
    """RFC 7946 geometry from GeoJSON geometry text (the core tables' `geometry`), else a Point from
    lon/lat, else None. Polygons are re-oriented (exterior counter-clockwise); invalid text gives None
    rather than a broken document."""
    if isinstance(text, str) and text.strip():
        try:
            geom = shape(json.loads(text))
        except (ValueError, TypeError, KeyError, AttributeError):
            geom = None
        if geom is not None and not geom.is_empty:
            if geom.geom_type == "Polygon":
                geom = orient(geom, sign=1.0)
            elif geom.geom_type == "MultiPolygon":
                geom = type(geom)([orient(p, sign=1.0) for p in geom.geoms])
            out = mapping(geom)
            return {"type": out["type"], "coordinates": _rounded(out["coordinates"])}
    if _number(lon) and _number(lat):
        return {"type": "Point", "coordinates": _rounded([lon, lat])}
    return None


def _number(value) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def feature(feature_id: str, geom: dict | None, properties: dict) -> dict:
    return {"type": "Feature", "id": feature_id, "geometry": geom, "properties": properties}


def feature_collection(features: Iterable[dict], compact: bool = False, **members) -> bytes:
    """A FeatureCollection (features sorted by id); `members` are foreign members such as `name`."""
    ordered = sorted(features, key=lambda f: str(f["id"]))
    return safe_json({"type": "FeatureCollection", **members, "features": ordered}, compact=compact)
