"""Crawl benchmark: a full first pass and an unchanged second pass over every sample partner site.

    make bench-crawl              # or: python -m benchmarks.crawl --rate-scale 25

Runs the same code as the raw assets (hub.crawling.crawl_source) against the sample sites on
127.0.0.1 and prints, per source and per pass: requests sent, bytes received, the share of
requests answered 304 or not needed (skipped), wall time. The sample sites' request log then
shows whether any host ever got requests faster than its rate limit allows.

Configured rates are for real government servers (2 requests/s for the district portal host);
at those rates a first pass takes minutes, so the benchmark multiplies every rate by
--rate-scale and checks politeness against the scaled limits it actually used.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from assets.sources import SOURCES
from hub.config import load_settings
from hub.crawling import crawl_source
from hub.gazetteer import Gazetteer
from hub.raw_archive import BodyStore
from hub.staging import stage_source
from hub.warehouse import connect
from quality.gx_validation import validate_frame
from sample_sites.catalog import build_sample_sites

GOAL_SHARE = 0.95
WINDOW_S = 1.0


def _scaled(settings, scale: float):
    sources = {name: replace(s, rate_per_second=s.rate_per_second * scale) for name, s in settings.sources.items()}
    return replace(settings, sources=sources)


def _one_pass(settings, warehouse: Path, store: BodyStore, gaz) -> tuple[dict[str, dict], float]:
    per_source = {}
    for name, spec in SOURCES.items():
        t = time.monotonic()
        outcome = crawl_source(spec, settings, warehouse, store, gaz)
        wall = time.monotonic() - t
        # Stage as the pipeline does: cursors of incremental sources come from the staged tables.
        with connect(warehouse) as con:
            stage_source(con, spec, store, gaz, absent_limit=3, validate=validate_frame)
        per_source[name] = {**outcome.metrics(), "wall_s": wall}
    return per_source, sum(m["wall_s"] for m in per_source.values())   # crawl time only, not staging


def _politeness(log, settings) -> dict[str, tuple[float, int, int, int]]:
    """Per site: (limit rps, most requests that arrived within any 1 s window, what the limit allows
    in such a window, windows over it). The client's limiter spaces requests at least 1/rate apart
    by construction; this judges what the server saw, on arrival times, where network and thread
    scheduling jitter of a millisecond can pull two requests together: so a 1 s window may hold
    floor(rate) + 1 (one request of jitter tolerance), never more."""
    out = {}
    for name in SOURCES:
        times = sorted(r.at for r in log if r.site == name)
        limit = settings.source(name).rate_per_second
        allowed = int(limit * WINDOW_S) + 1
        counts, j = [], 0
        for i, t in enumerate(times):
            while times[j] <= t - WINDOW_S:
                j += 1
            counts.append(i - j + 1)
        out[name] = (limit, max(counts, default=0), allowed, sum(1 for c in counts if c > allowed))
    return out


def _print_pass(title: str, per_source: dict[str, dict], wall: float) -> dict:
    print(f"\n{title}")
    print(f"  {'source':<18}{'requests':>9}{'bytes':>12}{'304':>6}{'skipped':>9}{'304|skip':>10}{'failed':>8}{'wall s':>8}")
    total = {"requests": 0, "bytes": 0, "answered_304": 0, "skipped_unchanged": 0, "units_failed": 0}
    for name, m in per_source.items():
        print(f"  {name:<18}{m['requests']:>9}{m['bytes']:>12,}{m['answered_304']:>6}{m['skipped_unchanged']:>9}"
              f"{m['share_304_or_skipped']:>10.1%}{m['units_failed']:>8}{m['wall_s']:>8.2f}")
        for key in total:
            total[key] += m[key]
    considered = total["requests"] + total["skipped_unchanged"]
    share = (total["answered_304"] + total["skipped_unchanged"]) / considered if considered else 0.0
    print(f"  {'ALL':<18}{total['requests']:>9}{total['bytes']:>12,}{total['answered_304']:>6}"
          f"{total['skipped_unchanged']:>9}{share:>10.1%}{total['units_failed']:>8}{wall:>8.2f}")
    return {**total, "share": share, "wall_s": wall}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate-scale", type=float, default=25.0,
                        help="multiply every configured rate limit (default 25; 1 = the real rates)")
    args = parser.parse_args(argv)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp, build_sample_sites() as sites:
        settings = _scaled(load_settings().with_overrides(**sites.base_urls), args.rate_scale)
        gaz = Gazetteer.load()
        store, warehouse = BodyStore(Path(tmp) / "raw"), Path(tmp) / "warehouse.duckdb"
        print(f"crawl benchmark: {len(SOURCES)} sources on 127.0.0.1, rate limits x{args.rate_scale:g} "
              f"(e.g. district portals {settings.source('district_portals').rate_per_second:g} req/s)")
        first, first_wall = _one_pass(settings, warehouse, store, gaz)
        first_total = _print_pass("pass 1 (empty archive: full crawl)", first, first_wall)
        second, second_wall = _one_pass(settings, warehouse, store, gaz)
        second_total = _print_pass("pass 2 (unchanged sites: conditional GET, cursors, skipped detail pages)",
                                   second, second_wall)
        polite = _politeness(sites.log, settings)
    print("\npoliteness (from the sample servers' request logs, both passes)")
    print(f"  {'source':<18}{'limit rps':>10}{'max in 1 s':>11}{'allowed':>9}{'over':>6}")
    for name, (limit, most, allowed, over) in polite.items():
        print(f"  {name:<18}{limit:>10.1f}{most:>11}{allowed:>9}{over:>6}")
    violations = sum(v[3] for v in polite.values())
    ok_share = second_total["share"] >= GOAL_SHARE
    print(f"\nsecond pass: {second_total['share']:.1%} of requests answered 304 or skipped "
          f"(goal >= {GOAL_SHARE:.0%}: {'met' if ok_share else 'NOT met'}); "
          f"requests {first_total['requests']} -> {second_total['requests']}, "
          f"bytes {first_total['bytes']:,} -> {second_total['bytes']:,}, "
          f"wall {first_total['wall_s']:.1f} s -> {second_total['wall_s']:.1f} s")
    print(f"rate limit exceeded: {violations} times ({'never' if violations == 0 else 'VIOLATION'})")
    failed = first_total["units_failed"] + second_total["units_failed"]
    return 0 if ok_share and violations == 0 and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
