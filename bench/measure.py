"""Timing primitives: extraction in the flow's pool, bare ``nlp.pipe``, a whole CLI run, a query.

Every figure is wall-clock time on a shared machine, so callers repeat and
report the median with its min and max.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil

from extract.nlp import load_nlp
from flows.parallel import ExtractorPool
from warehouse.query import connect, execute

GNU_TIME = Path("/usr/bin/time")
CLI = Path(sys.executable).with_name("crisis-etl")


@dataclass(frozen=True)
class Stats:
    """Median, min and max of repeated measurements."""

    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: list[float]) -> Stats:
        return cls(statistics.median(values), min(values), max(values), len(values))

    def scaled(self, f: Callable[[float], float]) -> Stats:
        """The same figures through ``f`` (seconds to docs/s flips min and max)."""
        a, b = f(self.low), f(self.high)
        return Stats(f(self.median), min(a, b), max(a, b), self.n)


@dataclass(frozen=True)
class RunResult:
    """One ``crisis-etl run``: wall seconds, peak RSS of the whole process tree, exit status."""

    seconds: float
    peak_tree_mb: float
    peak_process_mb: float | None  # largest single process, from /usr/bin/time -v
    exit_code: int


def time_pool(texts: list[str], model: str, workers: int, batch_size: int) -> float:
    """Seconds for the flow's ExtractorPool over ``texts`` in the flow's batches; model loading excluded."""
    with ExtractorPool(model, workers) as pool:
        pool.map(texts[:workers])  # start the workers and load the model before the clock
        start = time.perf_counter()
        for i in range(0, len(texts), batch_size):
            pool.map(texts[i:i + batch_size])
        return time.perf_counter() - start


def time_pipe(texts: list[str], model: str, workers: int) -> float:
    """Seconds for bare ``nlp.pipe`` with ``workers`` processes: parsing only, the ceiling."""
    nlp = load_nlp(model)
    list(nlp.pipe(texts[:2]))
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16, n_process=workers):
        pass
    return time.perf_counter() - start


def _tree_rss(proc: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants (workers, Prefect's temporary server)."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass  # exited between listing and reading
    return total


def _sample_peak(proc: psutil.Process, peak: list[int], every: float = 0.2) -> None:
    """Keep the largest tree RSS seen in ``peak[0]`` until the run exits."""
    try:
        while proc.status() != psutil.STATUS_ZOMBIE:
            peak[0] = max(peak[0], _tree_rss(proc))
            time.sleep(every)
    except psutil.Error:
        return  # the run has exited and been reaped


def _gnu_time_mb(log: Path) -> float | None:
    for line in log.read_text().splitlines():
        if "Maximum resident set size" in line:
            return int(line.rsplit(":", 1)[1]) / 1024
    return None


def run_cli(inbox: Path, warehouse: Path, log: Path) -> RunResult:
    """Run ``crisis-etl run INBOX --warehouse DIR`` as a user would, sampling its tree's memory."""
    cmd = [str(CLI), "run", str(inbox), "--warehouse", str(warehouse)]
    time_log = log.with_suffix(".time")
    if GNU_TIME.exists():
        cmd = [str(GNU_TIME), "-v", "-o", str(time_log), *cmd]
    peak = [0]
    start = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        sampler = threading.Thread(target=_sample_peak, args=(psutil.Process(proc.pid), peak), daemon=True)
        sampler.start()
        code = proc.wait()
    seconds = time.perf_counter() - start
    sampler.join()
    process_mb = _gnu_time_mb(time_log) if time_log.exists() else None
    return RunResult(seconds, peak[0] / 2**20, process_mb, code)


def time_query(warehouse: Path, sql: str, repeats: int) -> tuple[float, list[float]]:
    """First (cold) latency and ``repeats`` warm latencies, in seconds, on one analyst connection."""
    con = connect(warehouse)
    try:
        times = []
        for _ in range(repeats + 1):
            start = time.perf_counter()
            execute(con, sql)
            times.append(time.perf_counter() - start)
        return times[0], times[1:]
    finally:
        con.close()
