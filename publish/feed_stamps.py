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


# A reader: the file's bytes -> (its feed timestamp, its content without that timestamp).
Reader = Callable[[bytes], tuple[datetime, object]]


def stamped(render: Callable[[datetime], bytes], live: bytes | None, read: Reader, now: datetime) -> bytes:
    """`render(stamp)` with the right stamp, given the live file's bytes (None: first publication)."""
    now = now.replace(microsecond=0)
    candidate = render(now)
    if live is None:
        return candidate
    try:
        live_stamp, live_content = read(live)
    except Exception:  # noqa: BLE001 - an unreadable live file is replaced, whatever its error
        return candidate
    if read(candidate)[1] == live_content:
        return render(live_stamp)
    return candidate if now > live_stamp else render(live_stamp + timedelta(seconds=1))


def read_gtfs_rt(data: bytes) -> tuple[datetime, bytes]:
    from google.transit import gtfs_realtime_pb2
    message = gtfs_realtime_pb2.FeedMessage()
    message.ParseFromString(data)
    stamp = datetime.fromtimestamp(message.header.timestamp, timezone.utc)
    message.header.ClearField("timestamp")
    return stamp, message.SerializeToString(deterministic=True)


def read_wzdx(data: bytes) -> tuple[datetime, str]:
    doc = json.loads(data)
    stamp = datetime.fromisoformat(doc["feed_info"].pop("update_date"))
    return stamp, json.dumps(doc, sort_keys=True)


def read_cifs(data: bytes) -> tuple[datetime, bytes]:
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    stamp = datetime.fromisoformat(root.attrib.pop("timestamp"))
    return stamp, etree.tostring(root)
