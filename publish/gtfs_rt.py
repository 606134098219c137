"""GTFS-realtime Service Alerts for rail disruptions (protobuf, and the same message as JSON).

Each current rail alert is one entity naming the Bangkok GTFS route and stop ids the alert was
matched to (`core.alerts.route_ids` / `stop_ids`, the Namtang feed's ids in reference/rail). A stop
is named with its route when the alert names exactly one route, so a consumer can tell "Siam on the
Silom line" from Siam on every line.

Periods: `active_period` is what most consumers read (node-gtfs among them); the newer
`communication_period` and `impact_period` carry the same window for those that read them. Text is
translated into Thai and English with BCP-47 tags.

The header's timestamp is given by the caller (`publish.feed_stamps`): the previous file's time while
the alerts stay the same (same bytes, same ETag), a newer one as soon as they change, so it never goes
backwards, as consumers and gtfs-rt-validator require.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from google.protobuf import json_format
from google.transit import gtfs_realtime_pb2 as rt

SEVERITY_LEVEL = {"Extreme": rt.Alert.SEVERE, "Severe": rt.Alert.SEVERE, "Moderate": rt.Alert.WARNING,
                  "Minor": rt.Alert.INFO}


@dataclass(frozen=True)
class RailAlert:
    alert_id: str
    issued: datetime
    starts_at: datetime | None
    ends_at: datetime | None
    route_ids: tuple[str, ...]
    stop_ids: tuple[str, ...]
    severity: str
    headline_th: str
    headline_en: str
    description_th: str
    description_en: str
    url: str | None


def _translated(target, th: str, en: str) -> None:
    for text, language in ((th, "th"), (en, "en")):
        if text:
            translation = target.translation.add()
            translation.text, translation.language = text, language


def _period(target, start: datetime | None, end: datetime | None) -> None:
    if start is None and end is None:
        return
    period = target.add()
    if start is not None:
        period.start = int(start.timestamp())
    if end is not None:
        period.end = int(end.timestamp())


def feed_message(alerts: list[RailAlert], stamp: datetime) -> rt.FeedMessage:
    feed = rt.FeedMessage()
    feed.header.gtfs_realtime_version = "2.0"
    feed.header.incrementality = rt.FeedHeader.FULL_DATASET
    feed.header.timestamp = int(stamp.timestamp())
    for a in sorted(alerts, key=lambda a: a.alert_id):
        entity = feed.entity.add()
        entity.id = a.alert_id
        alert = entity.alert
        for periods in (alert.active_period, alert.communication_period, alert.impact_period):
            _period(periods, a.starts_at, a.ends_at)
        for route_id in a.route_ids:
            alert.informed_entity.add().route_id = route_id
        for stop_id in a.stop_ids:
            selector = alert.informed_entity.add()
            selector.stop_id = stop_id
            if len(a.route_ids) == 1:
                selector.route_id = a.route_ids[0]
        alert.cause = rt.Alert.UNKNOWN_CAUSE
        alert.effect = rt.Alert.UNKNOWN_EFFECT
        alert.severity_level = SEVERITY_LEVEL.get(a.severity, rt.Alert.UNKNOWN_SEVERITY)
        _translated(alert.header_text, a.headline_th, a.headline_en)
        _translated(alert.description_text, a.description_th, a.description_en)
        if a.url:
            _translated(alert.url, a.url, a.url)
    return feed


def render(alerts: list[RailAlert], stamp: datetime, stem: str) -> dict[str, bytes]:
    """`<stem>.pb` (the protobuf consumers poll) and `<stem>.json` (the same message, for people)."""
    feed = feed_message(alerts, stamp)
    as_json = json_format.MessageToJson(feed, preserving_proto_field_name=True, indent=1, sort_keys=True,
                                        ensure_ascii=False)
    return {f"{stem}.pb": feed.SerializeToString(deterministic=True), f"{stem}.json": (as_json + "\n").encode("utf-8")}
