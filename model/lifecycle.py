"""Alert lifecycle across runs: ended alerts leave the current feeds but stay in core.alerts.

Each run rebuilds the alerts its sources show now. An alert from an earlier run that is not
rebuilt is kept as history, and ended when there is an explicit signal:
- `cleared`: a sensor that raised it now reads below its threshold (ends at that reading);
- its source no longer lists it (the staged layer dropped it after several complete listings
  without it, or its end time passed): it ends now, unless it already ended earlier.
A sensor that simply stopped reporting is not a signal: its alert stays as it was.
"""
from __future__ import annotations

import warnings
from datetime import datetime

import pandas as pd

from model.core_tables import content_hash

# Sources whose alerts mirror a live reading: absence of a reading is no signal, only a low reading is.
READING_SOURCES = frozenset({"flood_sensors", "rain_gauges"})


def with_history(current: pd.DataFrame, previous: pd.DataFrame | None, now: datetime,
                 cleared: dict[str, datetime]) -> pd.DataFrame:
    """`cleared`: alert id -> time of the reading that fell back below its threshold."""
    current = current.copy()
    cancelled = current["status"] == "cancelled"
    current.loc[cancelled, "msg_type"] = "Cancel"
    if previous is None or previous.empty:
        return _rehash(current, cancelled)
    old = previous[~previous["alert_id"].isin(current["alert_id"])].copy()
    if old.empty:
        return _rehash(current, cancelled)
    open_ = old["status"].eq("active") & (old["ends_at"].isna() | (old["ends_at"] > pd.Timestamp(now)))
    ends = []
    for alert_id, source, is_open, ends_at in zip(old["alert_id"], old["source"], open_, old["ends_at"]):
        if not is_open:
            ends.append((ends_at, None))
        elif alert_id in cleared:
            ends.append((cleared[alert_id], "ended"))
        elif source in READING_SOURCES:
            ends.append((ends_at, None))            # silent or broken sensor: keep the alert as it was
        else:
            ends.append((now, "ended"))
    changed = pd.Series([status is not None for _, status in ends], index=old.index)
    old["ends_at"] = [e for e, _ in ends]
    old.loc[changed, "status"] = "ended"
    old.loc[changed, "msg_type"] = "Update"
    old = _rehash(old, changed)
    current = _rehash(current, cancelled)
    if current.empty:
        return old.reset_index(drop=True)
    with warnings.catch_warnings():      # all-NA columns (no geometry yet) decide no dtype here
        warnings.simplefilter("ignore", FutureWarning)
        return pd.concat([current, old], ignore_index=True)


def _rehash(frame: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    if mask.any():
        frame.loc[mask, "content_hash"] = [content_hash(r) for r in frame[mask].to_dict("records")]
    return frame
