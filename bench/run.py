"""``make bench``: how fast crisis-etl runs, how its cost grows, what it costs, in one run.

Builds varied corpora from ``samples/``, then measures extraction alone and the
``nlp.pipe`` ceiling, end-to-end ``crisis-etl run`` at each size, a rerun over
the largest loaded corpus, and analyst queries on its warehouse; writes
``bench/RESULTS.md``. Repetitions are per phase because an 8,000-document run
takes minutes on a 2-core machine: see ``--help``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.corpus import CorpusInfo, build_corpus, read_texts, words
from bench.machine import describe
from bench.measure import RunResult, Stats, run_cli, time_pipe, time_pool, time_query
from bench.report import render
from bench.views import time_views
from config.settings import load_settings

REPO = Path(__file__).resolve().parents[1]

QUERIES = {
    "counts by month and category": """
        SELECT date_trunc('month', published_date) AS month, category, count(*) AS figures,
               sum(estimate_low) AS people
        FROM refugees_facts GROUP BY ALL ORDER BY ALL""",
    "top speakers": """
        SELECT speaker, count(*) AS statements, count(DISTINCT doc_id) AS documents
        FROM statements_facts GROUP BY speaker ORDER BY statements DESC LIMIT 20""",
    "casualties by location, joined to documents": """
        SELECT c.location, count(DISTINCT d.doc_id) AS documents, sum(c.figure) AS people,
               min(d.published_date) AS first_seen, max(d.published_date) AS last_seen
        FROM casualties c JOIN documents d USING (doc_id)
        WHERE c.location IS NOT NULL GROUP BY c.location ORDER BY people DESC LIMIT 20""",
}


@dataclass
class Results:
    """Every figure the report needs, in seconds and megabytes, with what produced them."""

    machine: dict
    settings: dict
    extraction_docs: int = 0
    extraction_words: int = 0
    pool_s: Stats | None = None
    pipe_s: Stats | None = None
    empty_run_s: Stats | None = None
    corpora: dict[int, CorpusInfo] = field(default_factory=dict)
    runs: dict[int, list[RunResult]] = field(default_factory=dict)
    rerun: list[RunResult] = field(default_factory=list)
    queries: dict[str, dict] = field(default_factory=dict)
    views_s: Stats | None = None
    total_s: float = 0.0


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def measure_extraction(res: Results, corpus: Path, n_docs: int, reps: int) -> None:
    """Phase 1: the flow's pool over the corpus, and bare ``nlp.pipe`` with as many processes."""
    texts = read_texts(corpus)[:n_docs]
    res.extraction_docs, res.extraction_words = len(texts), sum(words(t) for t in texts)
    model, workers, batch = (res.settings[k] for k in ("model", "workers", "batch_size"))
    pool, pipe = [], []
    for rep in range(reps):  # interleaved, so a noisy minute hits both
        pool.append(time_pool(texts, model, workers, batch))
        pipe.append(time_pipe(texts, model, workers))
        _log(f"extraction rep {rep + 1}: pool {pool[-1]:.1f}s, nlp.pipe {pipe[-1]:.1f}s")
    res.pool_s, res.pipe_s = Stats.of(pool), Stats.of(pipe)


def _run(inbox: Path, warehouse: Path, logs: Path, name: str) -> RunResult:
    result = run_cli(inbox, warehouse, logs / f"{name}.log")
    if result.exit_code not in (0, 2):  # 2: some rows rejected, which is data, not failure
        raise SystemExit(f"crisis-etl run failed ({result.exit_code}): see {logs / name}.log")
    _log(f"{name}: {result.seconds:.1f}s, peak tree {result.peak_tree_mb:.0f} MB")
    return result


def measure_runs(res: Results, out: Path, sizes: list[int], reps: list[int], empty_reps: int) -> Path:
    """Phases 2 and 4: end-to-end runs into empty warehouses, after runs over an empty inbox
    (the fixed cost of any run); returns the warehouse of the last, largest run."""
    logs = out / "logs"
    empty = out / "empty-inbox"
    empty.mkdir(parents=True, exist_ok=True)
    logs.mkdir(exist_ok=True)
    res.empty_run_s = Stats.of([_run(empty, out / f"wh-empty-{r}", logs, f"empty-{r}").seconds
                                for r in range(empty_reps)])
    kept = out / "wh-kept"
    for n, count in zip(sizes, reps):
        res.runs[n] = []
        for rep in range(count):
            wh = out / f"wh-{n}-{rep}"
            res.runs[n].append(_run(out / f"corpus-{n}", wh, logs, f"run-{n}-{rep}"))
            shutil.rmtree(kept, ignore_errors=True)
            wh.rename(kept)
    return kept


def measure_rerun(res: Results, out: Path, n: int, warehouse: Path, reps: int) -> None:
    """Phase 3: the same corpus again, every document already loaded: the cost of a run that finds nothing new."""
    res.rerun = [_run(out / f"corpus-{n}", warehouse, out / "logs", f"rerun-{n}-{r}") for r in range(reps)]


def measure_queries(res: Results, warehouse: Path, reps: int) -> None:
    """Phase 5: analyst queries on the largest warehouse, on one open connection."""
    for name, sql in QUERIES.items():
        cold, warm = time_query(warehouse, sql, reps)
        res.queries[name] = {"cold_s": cold, "warm": Stats.of(warm), "sql": " ".join(sql.split())}
        _log(f"query {name}: cold {cold * 1000:.0f} ms, median {res.queries[name]['warm'].median * 1000:.0f} ms")


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",")]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=_ints, default=[500, 2000, 8000], help="corpus sizes for growth")
    parser.add_argument("--reps", type=_ints, default=[3, 3, 1], help="end-to-end runs per size")
    parser.add_argument("--extract-docs", type=int, default=256, help="documents for phase 1")
    parser.add_argument("--extract-reps", type=int, default=3)
    parser.add_argument("--rerun-reps", type=int, default=3)
    parser.add_argument("--query-reps", type=int, default=20)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out", help="scratch folder (emptied)")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "RESULTS.md")
    args = parser.parse_args()
    if len(args.reps) != len(args.sizes):
        parser.error("--reps needs one count per size")
    return args


def main() -> None:
    """Run every phase and write the report; the scratch folder keeps logs and results.json."""
    args = parse_args()
    started = time.perf_counter()
    settings = load_settings()
    res = Results(describe(), {"model": settings.nlp_model, "workers": settings.ingest_workers,
                               "batch_size": settings.ingest_batch_size})
    res.machine["load_before"] = os.getloadavg()
    shutil.rmtree(args.out, ignore_errors=True)
    for n in args.sizes:
        res.corpora[n] = build_corpus(REPO / "samples", args.out / f"corpus-{n}", n)
        _log(f"corpus-{n}: {res.corpora[n].words:,} words")
    measure_extraction(res, args.out / f"corpus-{args.sizes[0]}", args.extract_docs, args.extract_reps)
    kept = measure_runs(res, args.out, args.sizes, args.reps, args.rerun_reps)
    measure_rerun(res, args.out, args.sizes[-1], kept, args.rerun_reps)
    measure_queries(res, kept, args.query_reps)
    res.views_s = Stats.of(time_views(kept, args.rerun_reps))
    _log(f"views with incidents rebuilt in {res.views_s.median:.2f}s (median)")
    res.machine["load_after"] = os.getloadavg()
    res.total_s = time.perf_counter() - started
    (args.out / "results.json").write_text(json.dumps(asdict(res), indent=1, default=str))
    args.results.write_text(render(res, vars(args)), encoding="utf-8")
    _log(f"done in {res.total_s / 60:.1f} min: {args.results}")


if __name__ == "__main__":
    main()
