"""dlt's load of Traffy search pages into DuckDB, for `benchmarks.city_scale` to compare against.

Runs in dlt's own virtualenv (.venv-dlt, from requirements-bench.lock), never in the pipeline's:

    .venv-dlt/bin/python benchmarks/dlt_load.py pages.json workdir

Reads each page, yields its tickets, and times `pipeline.run` (extract, normalise, load into a
DuckDB file). Prints one JSON line: seconds, rows in the main table, dlt's version.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import dlt
import duckdb


def main() -> None:
    pages = json.loads(Path(sys.argv[1]).read_text())
    workdir = Path(sys.argv[2])

    @dlt.resource(name="tickets", write_disposition="replace")
    def tickets():
        for page in pages:
            yield json.loads(Path(page).read_bytes())["results"]

    pipeline = dlt.pipeline(pipeline_name="traffy_bench", destination=dlt.destinations.duckdb(str(workdir / "dlt.duckdb")),
                            dataset_name="traffy", pipelines_dir=str(workdir / "pipelines"), progress="log")
    started = time.perf_counter()
    pipeline.run(tickets())
    seconds = time.perf_counter() - started
    with duckdb.connect(str(workdir / "dlt.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM traffy.tickets").fetchone()[0]
    print(json.dumps({"seconds": seconds, "rows": rows, "version": dlt.__version__}))


if __name__ == "__main__":
    main()
