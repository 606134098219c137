"""Checks a candidate release must pass before it is switched live (a failure keeps the old one)."""
from __future__ import annotations

import json
from pathlib import Path

from lxml import etree


def validate_feeds(release_dir: Path) -> None:
    """Every feed parses: XML is well-formed, JSON Feed has its version and items."""
    problems = []
    for path in sorted(release_dir.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        try:
            if path.suffix in {".rss", ".atom"}:
                etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
            elif path.suffix == ".json" and path.parent.name != release_dir.name:
                feed = json.loads(data)
                if "version" in feed and feed["version"] != "https://jsonfeed.org/version/1.1":
                    raise ValueError(f"unexpected JSON Feed version {feed['version']!r}")
        except (etree.XMLSyntaxError, ValueError) as exc:
            problems.append(f"{path.relative_to(release_dir)}: {exc}")
    if problems:
        raise ValueError(f"{len(problems)} invalid files in candidate release: " + "; ".join(problems[:5]))
