"""Sizes of what the app downloads, on the demo's published tree (run `make demo` first):

    make bench-feeds          # or: python -m benchmarks.feed_sizes [--public public]

Per-district alert JSON Feeds are what a phone polls for "alerts near me": the goal (issue 5) is at
most 20 KB gzipped for every district. Also prints the count and total size of every published format.
"""
from __future__ import annotations

import argparse
import gzip
import statistics
import sys
from collections import Counter
from pathlib import Path

from tests.published_validators import format_of

GOAL_GZ_BYTES = 20 * 1024


def gz_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--public", type=Path, default=Path("public"))
    args = parser.parse_args()
    districts = sorted((args.public / "v1" / "alerts" / "district").glob("*.json"))
    if not districts:
        sys.exit(f"no published tree in {args.public}: run `make demo` first")
    sizes = {p.stem: (p.stat().st_size, gz_size(p)) for p in districts}
    gz = [g for _, g in sizes.values()]
    worst = max(sizes, key=lambda code: sizes[code][1])
    print(f"Per-district alert JSON Feed ({len(sizes)} districts), gzipped: median {statistics.median(gz) / 1024:.1f} KB, "
          f"max {max(gz) / 1024:.1f} KB (district {worst}: {sizes[worst][0] / 1024:.1f} KB raw); goal ≤ 20 KB")
    city = args.public / "v1" / "alerts" / "all.json"
    print(f"City-wide alert JSON Feed: {city.stat().st_size / 1024:.1f} KB raw, {gz_size(city) / 1024:.1f} KB gzipped")
    counts, total = Counter(), Counter()
    for path in sorted(p for top in ("v1", "api") for p in (args.public / top).rglob("*") if p.is_file()):
        kind = format_of(path)
        counts[kind] += 1
        total[kind] += path.stat().st_size
    print("Published files by format:")
    for kind, n in counts.most_common():
        print(f"  {kind:<12} {n:5d} files {total[kind] / 1024:10.1f} KB")
    print(f"  {'all':<12} {sum(counts.values()):5d} files {sum(total.values()) / 1024:10.1f} KB")
    ok = max(gz) <= GOAL_GZ_BYTES
    print(f"{'PASS' if ok else 'MISS'}: largest district alert feed {max(gz) / 1024:.1f} KB gzipped / 20 KB")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
