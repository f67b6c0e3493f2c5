"""``bench/RESULTS.md`` from one bench run: every figure beside the issue's target for it."""
from __future__ import annotations

import datetime as dt
import statistics
from typing import TYPE_CHECKING

from bench.measure import RunResult, Stats

if TYPE_CHECKING:
    from bench.run import Results

MIN_DOCS_PER_S = 20.0
MIN_RATIO_TO_PIPE = 0.80
MAX_RERUN_S = 10.0
MAX_PEAK_MB = 1536.0
MAX_QUERY_S = 0.200
MAX_VIEWS_S = 1.0
MAX_BENCH_S = 15 * 60
FLAT = 0.15
"""Growth counts as flat when the largest N costs at most 15% more per document (or memory) than the smallest."""


def _f(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _s(stats: Stats, digits: int = 1, unit: str = "") -> str:
    """"median (min–max)", or the single value when there was one run."""
    if stats.n == 1:
        return f"{_f(stats.median, digits)}{unit} (1 run)"
    return f"{_f(stats.median, digits)}{unit} ({_f(stats.low, digits)}–{_f(stats.high, digits)}, {stats.n} runs)"


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def _by_n(values: dict[int, float], minimum: float) -> str:
    """Verdict on a per-N figure: met everywhere, nowhere, or only from some N on (small runs pay the fixed start)."""
    met = [n for n, v in values.items() if v >= minimum]
    if len(met) in (0, len(values)):
        return _verdict(bool(met))
    missed = ", ".join(f"N={n:,}" for n in values if n not in met)
    return f"**met at N={', '.join(f'{n:,}' for n in met)}**, not at {missed}"


def _seconds(runs: list[RunResult]) -> Stats:
    return Stats.of([r.seconds for r in runs])


def _peak(runs: list[RunResult]) -> Stats:
    return Stats.of([r.peak_tree_mb for r in runs])


def _machine(res: Results) -> list[str]:
    m = res.machine
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items())
    load = lambda key: " / ".join(_f(x, 2) for x in m[key])  # noqa: E731
    return [
        "## Machine", "",
        "| | |", "| --- | --- |",
        f"| CPU | {m['cpu']}, {m['cores']} cores |",
        f"| RAM | {m['ram_gb']} GB |",
        f"| OS | {m['os']} |",
        f"| Python | {m['python']} |",
        f"| libraries | {libs} |",
        f"| load average (1/5/15 min) | before {load('load_before')}; after {load('load_after')} |",
        "",
        "The machine is shared: other tenants' processes ran during the bench, so every figure is a median "
        "with its min and max.", "",
    ]


def _fewer_runs(args: dict) -> str:
    """Why some sizes ran fewer than 3 times, if any did."""
    fewer = [f"{n:,}" for n, r in zip(args["sizes"], args["reps"]) if r < 3]
    if not fewer:
        return ""
    return (f" Fewer than 3 runs at {' and '.join(fewer)} documents: each takes minutes here and the whole bench "
            "must stay under 15 minutes; the smaller sizes give the spread.")


def _method(res: Results, args: dict) -> list[str]:
    sizes = ", ".join(f"{n:,} ×{r}" for n, r in zip(args["sizes"], args["reps"]))
    words = {n: c.words / c.documents for n, c in res.corpora.items()}
    st = res.settings
    return [
        "## Method", "",
        f"- Corpora: {', '.join(f'{n:,}' for n in res.corpora)} documents built by `bench/corpus.py` from the five "
        f"`samples/` articles (paragraphs shuffled and topped up from the next sample, figures rescaled, so every "
        f"text and hash differs); {_f(statistics.mean(words.values()), 0)} words per document on average.",
        f"- Pipeline: `{st['model']}`, {st['workers']} worker processes, batches of {st['batch_size']} documents "
        "(`config/settings.toml`).",
        f"- Repetitions: extraction ×{args['extract_reps']} over the first {res.extraction_docs} documents; "
        f"end to end {sizes}; empty-inbox and rerun ×{args['rerun_reps']}; each query ×{args['query_reps']} after "
        f"one cold run.{_fewer_runs(args)}",
        "- End to end is the wall time of the `crisis-etl run` process, from start to exit: Python start, the "
        "temporary Prefect server, planning, extraction, validation, writing, commit and views.",
        "- Peak memory is the largest sum of resident memory over the run's whole process tree (CLI, both workers, "
        "Prefect's temporary server), sampled every 0.2 s; the largest single process is from `/usr/bin/time -v`.",
        "- Steady state is `(run seconds − median empty-inbox run seconds) / documents`: the cost per document "
        "once the fixed start and finish are paid.", "",
    ]


def _extraction(res: Results) -> list[str]:
    docs, words = res.extraction_docs, res.extraction_words
    pool_rate, pipe_rate = (s.scaled(lambda x: docs / x) for s in (res.pool_s, res.pipe_s))
    ratio = res.pipe_s.median / res.pool_s.median
    return [
        "## 1. Extraction alone", "",
        "| what | seconds | documents/s | words/s |", "| --- | --- | --- | --- |",
        f"| `ExtractorPool.map` (parse + all extractors), flow's batches | {_s(res.pool_s)} | {_s(pool_rate)} "
        f"| {_f(words / res.pool_s.median, 0)} |",
        f"| bare `nlp.pipe(n_process={res.settings['workers']})`: the ceiling | {_s(res.pipe_s)} | {_s(pipe_rate)} "
        f"| {_f(words / res.pipe_s.median, 0)} |",
        "",
        f"The pool (parse, then every extractor, rows sent back) runs at {ratio:.0%} of the bare `nlp.pipe` rate "
        "(parse only, every `Doc` sent back to the calling process). Model loading is excluded from both. "
        f"Repeated runs of the same work differed by up to {res.pool_s.high / res.pool_s.low - 1:.0%} "
        "(slowest over fastest): the machine's other tenants, not the code.", "",
    ]


def _growth(res: Results) -> list[str]:
    pipe_rate = res.extraction_docs / res.pipe_s.median
    fixed = res.empty_run_s.median
    lines = [
        "## 2 and 4. End to end, and growth with N", "",
        f"A run over an empty inbox (the fixed cost of any run) takes {_s(res.empty_run_s, unit=' s')}.", "",
        "| N | words | seconds | documents/s | words/s | ms per document | steady-state documents/s "
        "| ratio to `nlp.pipe` (plain / steady) | peak memory, tree (MB) | largest process (MB) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for n, runs in res.runs.items():
        secs, words = _seconds(runs), res.corpora[n].words
        rate = n / secs.median
        steady = n / (secs.median - fixed) if secs.median > fixed else None  # noise can beat the fixed cost
        single = [r.peak_process_mb for r in runs if r.peak_process_mb is not None]
        steady_cells = (f"{_f(steady)} | {rate / pipe_rate:.0%} / {steady / pipe_rate:.0%}" if steady
                        else f"n/a | {rate / pipe_rate:.0%} / n/a")
        lines.append(
            f"| {n:,} | {words:,} | {_s(secs)} | {_s(secs.scaled(lambda x: n / x))} | {_f(words / secs.median, 0)} "
            f"| {_f(secs.median / n * 1000, 0)} | {steady_cells} "
            f"| {_s(_peak(runs), 0)} | {_f(max(single), 0) if single else 'n/a'} |")
    return lines + [""]


def _rerun(res: Results) -> list[str]:
    n = max(res.runs)
    return [
        "## 3. Rerun over the unchanged corpus", "",
        f"`crisis-etl run` again over the {n:,} documents already loaded (all skipped): "
        f"{_s(_seconds(res.rerun), unit=' s')}, peak tree memory {_s(_peak(res.rerun), 0, ' MB')}.", "",
    ]


def _queries(res: Results) -> list[str]:
    lines = [
        "## 5. Analyst queries", "",
        f"On the {max(res.runs):,}-document warehouse, through `warehouse.query` (the locked-down connection of "
        "`crisis-etl sql` and the report), one connection, first run then repeated runs.", "",
        "| query | cold (ms) | median (ms) | target < 200 ms |", "| --- | --- | --- | --- |",
    ]
    for name, q in res.queries.items():
        warm = q["warm"].scaled(lambda x: x * 1000)
        lines.append(f"| {name} | {_f(q['cold_s'] * 1000, 0)} | {_s(warm, 0)} "
                     f"| {_verdict(q['warm'].median < MAX_QUERY_S)} |")
    lines += ["", "<details><summary>SQL</summary>", ""]
    lines += [f"- {name}: `{q['sql']}`" for name, q in res.queries.items()]
    return lines + ["", "</details>", ""]


def _targets(res: Results) -> list[str]:
    small, large = min(res.runs), max(res.runs)
    pipe_rate = res.extraction_docs / res.pipe_s.median
    rate = {n: n / _seconds(r).median for n, r in res.runs.items()}
    per_doc = {n: (_seconds(r).median - res.empty_run_s.median) / n for n, r in res.runs.items()}
    peaks = {n: _peak(r).high for n, r in res.runs.items()}
    rerun = _seconds(res.rerun).median
    worst_query = max(q["warm"].median for q in res.queries.values())
    ratio = {n: r / pipe_rate for n, r in rate.items()}
    rows = [
        ("end to end ≥ 80% of bare `nlp.pipe` throughput",
         ", ".join(f"{r:.0%} at N={n:,}" for n, r in ratio.items()), _by_n(ratio, MIN_RATIO_TO_PIPE)),
        ("≥ 20 documents/s end to end",
         ", ".join(f"{_f(r)} at N={n:,}" for n, r in rate.items()), _by_n(rate, MIN_DOCS_PER_S)),
        (f"rerun of {large:,} loaded documents < 10 s, flow start included", f"{_f(rerun)} s", rerun < MAX_RERUN_S),
        ("peak memory < 1.5 GB at every N",
         ", ".join(f"{_f(p, 0)} MB at N={n:,}" for n, p in peaks.items()), max(peaks.values()) < MAX_PEAK_MB),
        ("memory flat in N", f"{peaks[large] / peaks[small] - 1:+.0%} from N={small:,} to N={large:,}",
         peaks[large] <= peaks[small] * (1 + FLAT)),
        ("cost per document flat in N (steady state)",
         ", ".join(f"{_f(c * 1000, 0)} ms at N={n:,}" for n, c in per_doc.items()),
         per_doc[large] <= per_doc[small] * (1 + FLAT)),
        ("analyst queries < 200 ms median", f"slowest median {_f(worst_query * 1000, 0)} ms", worst_query < MAX_QUERY_S),
        (f"views and incident tables rebuilt < 1 s at N={large:,} (issue 13)", _s(res.views_s, 2, " s"),
         res.views_s.median < MAX_VIEWS_S),
        ("`make bench` < 15 minutes", f"{_f(res.total_s / 60)} min", res.total_s < MAX_BENCH_S),
    ]
    return ["## Against the targets of issue 7", "",
            "| target | measured (medians) | verdict |", "| --- | --- | --- |",
            *[f"| {t} | {m} | {ok if isinstance(ok, str) else _verdict(ok)} |" for t, m, ok in rows], ""]


def render(res: Results, args: dict) -> str:
    """The whole report as Markdown."""
    command = "python -m bench.run " + " ".join(
        f"--{k.replace('_', '-')} {','.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in args.items() if k in ("sizes", "reps", "extract_docs", "extract_reps", "rerun_reps", "query_reps"))
    head = [
        "# Benchmark results", "",
        f"Written by `make bench` (`{command}`) on {dt.date.today():%Y-%m-%d}; the whole bench took "
        f"{_f(res.total_s / 60)} minutes. Raw figures and every run's log: `bench/out/` (not committed). "
        "Where the time goes and what to change: [`PROFILE.md`](PROFILE.md).", "",
    ]
    return "\n".join(head + _targets(res) + _machine(res) + _method(res, args) + _extraction(res)
                     + _growth(res) + _rerun(res) + _queries(res))
