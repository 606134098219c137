"""Alert lifecycle across runs: ended alerts leave the current feeds but stay in core.alerts.

Each run rebuilds the alerts its sources show now. An alert from an earlier run that is not
rebuilt is kept as history, and ended when there is an explicit signal:
- `cleared`: a sensor that raised it now reads below its threshold (ends at that reading);
- its source no longer lists it (the staged layer dropped it after several complete listings
  without it, or its end time passed): it ends now, unless it already ended earlier.
A sensor that simply stopped reporting is not a signal: its alert stays as it was.

Sensor and gauge alerts are episodes: a flood that ends and comes back later is a new alert with
its own id and start; while it lasts, every run keeps the id, start and first-seen time.
"""
from __future__ import annotations

import warnings
from datetime import datetime

import pandas as pd

from model.core_tables import as_list, content_hash, stable_id

# Sources whose alerts mirror a live reading: absence of a reading is no signal, only a low reading is.
READING_SOURCES = frozenset({"flood_sensors", "rain_gauges"})


def with_history(current: pd.DataFrame, previous: pd.DataFrame | None, now: datetime,
                 cleared: dict[tuple[str, str], datetime]) -> pd.DataFrame:
    """`cleared`: (source, record id) -> time of the reading that fell back below its threshold."""
    current = _versions(_episodes(current.copy(), previous), previous)
    cancelled = current["status"] == "cancelled"
    current.loc[cancelled, "msg_type"] = "Cancel"
    if previous is None or previous.empty:
        return _rehash(current, cancelled)
    old = previous[~previous["alert_id"].isin(current["alert_id"])].copy()
    if old.empty:
        return _rehash(current, cancelled)
    open_ = old["status"].eq("active") & (old["ends_at"].isna() | (old["ends_at"] > pd.Timestamp(now)))
    ends = []
    for record, source, is_open, status, ends_at in zip(old["source_record_id"], old["source"], open_, old["status"],
                                                        old["ends_at"]):
        if not is_open:
            # Over by its own end time (or already ended/cancelled): history as it was, marked ended.
            ends.append((ends_at, "ended" if status == "active" else None))
        elif (source, record) in cleared:
            ends.append((cleared[(source, record)], "ended"))
        elif source in READING_SOURCES:
            ends.append((ends_at, None))            # silent or broken sensor: keep the alert as it was
        else:
            ends.append((now, "ended"))
    changed = pd.Series([status is not None for _, status in ends], index=old.index)
    old["ends_at"] = [e for e, _ in ends]
    old.loc[changed, "status"] = "ended"
    old.loc[changed, "msg_type"] = "Update"
    if "version" in old:
        old.loc[changed, "references"] = pd.Series(
            [as_list(r) + [f"{a}:v{int(v) if pd.notna(v) else 1}"] for a, v, r in
             zip(old.loc[changed, "alert_id"], old.loc[changed, "version"], old.loc[changed, "references"])],
            index=old.index[changed], dtype=object)
        old.loc[changed, "version"] = old.loc[changed, "version"].fillna(1) + 1
    old = _rehash(old, changed)
    current = _rehash(current, cancelled)
    if current.empty:
        return old.reset_index(drop=True)
    with warnings.catch_warnings():      # all-NA columns (no geometry yet) decide no dtype here
        warnings.simplefilter("ignore", FutureWarning)
        return pd.concat([current, old], ignore_index=True)


def _versions(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """An alert whose content changed is a new version (msg_type Update) that references the earlier
    ones; an unchanged alert keeps its version, references, message type and sent time, byte for byte."""
    if previous is None or previous.empty or current.empty:
        return current
    before = previous.drop_duplicates("alert_id", keep="last").set_index("alert_id")
    versions, references, msg_types, sent = [], [], [], []
    for alert_id, digest, msg_type, sent_at in zip(current["alert_id"], current["content_hash"], current["msg_type"],
                                                   current["sent_at"]):
        if alert_id not in before.index:
            versions.append(1), references.append([]), msg_types.append(msg_type), sent.append(sent_at)
            continue
        old = before.loc[alert_id]
        old_version = int(old["version"]) if "version" in old and pd.notna(old["version"]) else 1
        old_refs = list(old["references"]) if "references" in old and old["references"] is not None else []
        if old["content_hash"] == digest:
            versions.append(old_version), references.append(old_refs)
            msg_types.append(old["msg_type"]), sent.append(old["sent_at"])
        else:
            versions.append(old_version + 1), references.append(old_refs + [f"{alert_id}:v{old_version}"])
            msg_types.append("Update"), sent.append(sent_at)
    current["version"], current["references"], current["msg_type"], current["sent_at"] = (
        versions, references, msg_types, sent)
    return current


def with_episode_ids(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """Sensor and gauge alerts with their episode ids (idempotent: `with_history` applies it too)."""
    return _episodes(current.copy(), previous)


def _episodes(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """Give reading-source alerts their episode id: the open episode's, or a new one from its start."""
    reading = current["source"].isin(READING_SOURCES)
    if not reading.any():
        return current
    open_episodes = {}
    if previous is not None and len(previous):
        still = previous[previous["source"].isin(READING_SOURCES) & previous["status"].eq("active")]
        open_episodes = {(r["source"], r["source_record_id"]): r for r in still.to_dict("records")}
    for idx in current.index[reading]:
        key = (current.at[idx, "source"], current.at[idx, "source_record_id"])
        episode = open_episodes.get(key)
        if episode is not None:
            for column in ("alert_id", "starts_at", "first_seen_at"):
                current.at[idx, column] = episode[column]
        else:
            start = pd.Timestamp(current.at[idx, "starts_at"])
            current.at[idx, "alert_id"] = stable_id(key[0], f"{key[1]}@{start.isoformat()}")
            current.at[idx, "first_seen_at"] = start
    return _rehash(current, reading)


def _rehash(frame: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    if mask.any():
        frame.loc[mask, "content_hash"] = [content_hash(r) for r in frame[mask].to_dict("records")]
    return frame


def link_merged(frame: pd.DataFrame) -> pd.DataFrame:
    """A primary alert references the versions of the alerts merged into it (CAP `references`), so a
    client that showed a merged report sees it superseded by the fused alert."""
    if frame.empty or "related_alert_ids" not in frame:
        return frame
    versions = dict(zip(frame["alert_id"], frame["version"].fillna(1).astype(int)))
    primaries = frame["related_alert_ids"].map(lambda ids: len(as_list(ids)) > 0)
    if not primaries.any():
        return frame
    frame = frame.copy()
    frame.loc[primaries, "references"] = pd.Series(
        [list(dict.fromkeys(as_list(refs) + [f"{m}:v{versions[m]}" for m in as_list(ids) if m in versions]))
         for refs, ids in zip(frame.loc[primaries, "references"], frame.loc[primaries, "related_alert_ids"])],
        index=frame.index[primaries], dtype=object)
    return frame
