"""Feed-level timestamps that only move forward, and only when the content moves.

GTFS-realtime's header timestamp, WZDx's `update_date` and the CIFS `timestamp` say when the feed last
changed. Taken from the data (the newest alert) they can go backwards when that alert ends, or stay put
while the feed changes; taken from the clock they change the bytes of an unchanged feed on every run.
So: render with the clock, compare with the live file without its timestamp, and keep the live
timestamp (and so the live bytes) when nothing else differs; otherwise use the clock, never earlier
than the live time plus one second.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Callable

from lxml import etree


def stamped(render: Callable[[datetime], bytes], live: bytes | None, content: Callable[[bytes], object],
            stamp_of: Callable[[bytes], datetime], now: datetime) -> bytes:
    """`render(stamp)` with the right stamp, given the live file's bytes (None: first publication)."""
    now = now.replace(microsecond=0)
    candidate = render(now)
    if live is None:
        return candidate
    try:
        live_stamp, live_content = stamp_of(live), content(live)
    except Exception:  # noqa: BLE001 - an unreadable live file is replaced, whatever its error
        return candidate
    if content(candidate) == live_content:
        return render(live_stamp)
    return candidate if now > live_stamp else render(live_stamp + timedelta(seconds=1))


def gtfs_rt_content(data: bytes) -> bytes:
    from google.transit import gtfs_realtime_pb2
    message = gtfs_realtime_pb2.FeedMessage()
    message.ParseFromString(data)
    message.header.ClearField("timestamp")
    return message.SerializeToString(deterministic=True)


def gtfs_rt_stamp(data: bytes) -> datetime:
    from google.transit import gtfs_realtime_pb2
    message = gtfs_realtime_pb2.FeedMessage()
    message.ParseFromString(data)
    return datetime.fromtimestamp(message.header.timestamp, timezone.utc)


def wzdx_content(data: bytes) -> str:
    doc = json.loads(data)
    doc["feed_info"].pop("update_date", None)
    return json.dumps(doc, sort_keys=True)


def wzdx_stamp(data: bytes) -> datetime:
    return datetime.fromisoformat(json.loads(data)["feed_info"]["update_date"])


def cifs_content(data: bytes) -> bytes:
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    root.attrib.pop("timestamp", None)
    return etree.tostring(root)


def cifs_stamp(data: bytes) -> datetime:
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    return datetime.fromisoformat(root.get("timestamp"))
