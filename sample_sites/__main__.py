"""`python -m sample_sites`: serve every sample partner site on 127.0.0.1 until interrupted."""
from __future__ import annotations

import argparse
import signal
import threading

from sample_sites.catalog import DEFAULT_PORTS, build_sample_sites


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    for name, port in DEFAULT_PORTS.items():
        parser.add_argument(f"--{name.replace('_', '-')}-port", type=int, default=port)
    args = parser.parse_args()
    ports = {name: getattr(args, f"{name}_port") for name in DEFAULT_PORTS}
    sites = build_sample_sites(ports).serve_in_background()
    for name, url in sites.base_urls.items():
        print(f"{name:18s} {url}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    sites.stop()


if __name__ == "__main__":
    main()
