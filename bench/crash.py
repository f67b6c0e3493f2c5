"""Crash harness: SIGKILL a real ``crisis-etl run`` at random moments, check the warehouse after each kill.

Each round adds new documents to the inbox and starts ``crisis-etl run`` (batches
of 2) in a process group of its own, then SIGKILLs the whole group at a random
moment: in start-up and planning (30% of rounds), while it extracts and commits
(50%; both windows learnt from the runs so far), or as soon as a commit is seen
under way (20%: the commit takes milliseconds, so random times alone rarely hit
it). After each kill:

- every Parquet file a committed snapshot names (data and delete files) is readable;
- no row is committed twice (rows compared without their load id and load time);
- every load and document committed before the round is still committed;
- no process of the run is left (within 5 s).

Then one clean run loads what is left, and its tables must equal, content-hashed,
those of one uninterrupted run over the same inbox into a fresh warehouse.

    python -m bench.crash --kills 200     # `make crashtest`; prints the figures
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import psutil
import pyarrow.parquet as pq

import schemas
from bench.corpus import build_corpus
from warehouse.lake import CATALOG_FILE, LOADS, Lake, Location, committed_loads
from warehouse.views import DB_NAME

REPO = Path(__file__).resolve().parents[1]
VOLATILE = ("load_id", "ingested_at")
"""Columns that differ between a load and its replay: left out when rows are compared."""
PER_ROUND = 4
SETTLE_EVERY = 5
"""Every so many kill rounds one run is left to commit, so later kills also land after commits."""
CALIBRATION_DOCS = 8


@dataclass
class Figures:
    """What the harness saw; every count but ``kills`` and the phases must stay 0."""

    kills: int = 0
    phases: Counter = field(default_factory=Counter)
    unreadable: int = 0
    duplicates: int = 0
    lost: int = 0
    processes_left: int = 0
    identical: bool | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.unreadable or self.duplicates or self.lost or self.processes_left) and bool(self.identical)

    def lines(self) -> list[str]:
        phases = ", ".join(f"{n} {phase}" for phase, n in self.phases.most_common())
        return [f"{self.kills} SIGKILLs of the whole process group of `crisis-etl run` in {self.seconds / 60:.1f} min",
                f"  killed during: {phases}",
                f"  unreadable Parquet files: {self.unreadable}",
                f"  duplicate rows: {self.duplicates}",
                f"  committed loads or documents lost: {self.lost}",
                f"  processes left: {self.processes_left}",
                f"  final tables identical to an uninterrupted run's (content-hashed): "
                f"{'yes' if self.identical else 'NO'}"]


def _env(api_url: str | None, workers: int | None) -> dict[str, str]:
    env = {**os.environ, "CRISIS_ETL_INGEST_BATCH_SIZE": "2"}
    if workers:
        env["CRISIS_ETL_INGEST_WORKERS"] = str(workers)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def _start(inbox: Path, warehouse: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flows.cli", "run", str(inbox), "--warehouse", str(warehouse)],
                            cwd=REPO, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def clean_run(inbox: Path, warehouse: Path, env: dict[str, str]) -> float:
    """One uninterrupted run; its seconds. A failed run is a failed harness."""
    started = time.monotonic()
    proc = _start(inbox, warehouse, env)
    if proc.wait() not in (0, 2):
        raise RuntimeError(f"crisis-etl run over {inbox} failed with exit status {proc.returncode}")
    return time.monotonic() - started


def _lake(warehouse: Path) -> Lake:
    """A read-only connection to the warehouse's lake at its latest snapshot."""
    return Lake(Location.of(warehouse))


def committed_documents(warehouse: Path) -> set[str]:
    with _lake(warehouse) as lake:
        return lake.column_values("documents", "doc_id")


def unreadable_files(warehouse: Path) -> int:
    """Parquet files a committed snapshot names (data and delete files) that do not read back whole.

    Files of a killed run's open transaction are named by no snapshot: no reader ever sees them.
    """
    with _lake(warehouse) as lake:
        snapshot = lake.current_snapshot()
        paths = {p for table in schemas.TABLES for pair in lake.files(table, snapshot) for p in pair if p}
    bad = 0
    for path in paths:
        try:
            pq.read_table(path)
        except Exception:  # any failure to read is what this counts
            bad += 1
    return bad


def _content(con: duckdb.DuckDBPyConnection, source: str) -> str:
    """``source``'s columns but the volatile ones, as a select list."""
    names = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    return ", ".join(f'"{n}"' for n in names if n not in VOLATILE)


def duplicate_rows(warehouse: Path) -> int:
    """Committed rows that are committed again, in the same or another load."""
    total = 0
    with _lake(warehouse) as lake:
        for table in schemas.TABLES:
            if table == LOADS:
                continue
            cols = _content(lake.con, table)
            total += lake.con.execute(f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM {table} "
                                      f"GROUP BY {cols})").fetchall()[0][0]
    return int(total)


def table_hashes(warehouse: Path) -> dict[str, str]:
    """SHA-256 of each table's sorted rows, through the views, without the volatile columns."""
    hashes = {}
    with duckdb.connect(str(warehouse / DB_NAME), read_only=True) as con:
        for table in schemas.TABLES:
            if table == LOADS:
                continue
            cols = _content(con, table)
            rows = con.execute(f"SELECT {cols} FROM {table} ORDER BY ALL").fetchall()
            hashes[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return hashes


def _group(proc: subprocess.Popen) -> list[psutil.Process]:
    """The run and every process it started, wherever they are."""
    try:
        root = psutil.Process(proc.pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _alive(processes: list[psutil.Process], within: float = 5.0) -> int:
    deadline = time.monotonic() + within
    while True:
        alive = [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not alive or time.monotonic() > deadline:
            return len(alive)
        time.sleep(0.05)


def _catalog_state(warehouse: Path) -> tuple[int, int]:
    """Size and change time of the catalog's write-ahead log: a run writes the catalog only to commit."""
    wal = warehouse / f"{CATALOG_FILE}-wal"
    try:
        stat = wal.stat()
    except FileNotFoundError:
        return 0, 0
    return stat.st_size, stat.st_mtime_ns


def _extracting(warehouse: Path, files_before: int) -> bool:
    """Whether a batch has been written: a documents data file of the run's open transaction."""
    return len(list((warehouse / "data").glob("main/documents/*.parquet"))) > files_before


def _phase(warehouse: Path, committed_before: set[str], finished: bool, catalog_before: tuple[int, int],
           files_before: int) -> str:
    """Where the run was when it was killed, from what it left."""
    if finished or committed_loads(Location.of(warehouse)) - committed_before:
        return "after its commit"
    if _catalog_state(warehouse) != catalog_before:
        return "the commit"
    if _extracting(warehouse, files_before):
        return "extraction (batches written)"
    return "start-up or planning"


@dataclass
class Timing:
    """When a run reached its first staged batch and when it ended by itself, for aiming the kills."""

    staged: list[float] = field(default_factory=list)
    done: list[float] = field(default_factory=list)

    @staticmethod
    def _median(values: list[float], default: float) -> float:
        return sorted(values)[len(values) // 2] if values else default

    def moment(self, rng: random.Random, idle: float, busy: float) -> float | None:
        """Seconds after the start to kill at: in start-up (30%), during the work (50%), or None for
        "as soon as the catalog is being written" (20%), the commit: the shortest moment and the one
        that matters most."""
        staged, done = self._median(self.staged, 0.8 * idle), self._median(self.done, busy)
        draw = rng.random()
        if draw < 0.3:
            return rng.uniform(0, staged)
        return rng.uniform(staged, max(staged, done) * 1.1) if draw < 0.8 else None


def kill_round(inbox: Path, warehouse: Path, env: dict[str, str], delay: float | None, figures: Figures,
               timing: Timing) -> None:
    """Start a run, SIGKILL its process group after ``delay`` seconds (None: once it writes the catalog),
    check every invariant."""
    loads_before, docs_before = committed_loads(Location.of(warehouse)), committed_documents(warehouse)
    catalog_before = _catalog_state(warehouse)
    files_before = len(list((warehouse / "data").glob("main/documents/*.parquet")))
    proc, started = _start(inbox, warehouse, env), time.monotonic()
    group: list[psutil.Process] = []
    staged = None
    while proc.poll() is None:
        elapsed = time.monotonic() - started
        if (elapsed >= delay) if delay is not None else _catalog_state(warehouse) != catalog_before:
            break
        if staged is None and _extracting(warehouse, files_before):
            staged = elapsed
            timing.staged.append(elapsed)
        group = _group(proc) or group
        time.sleep(0.005)
    finished = proc.poll() is not None
    if finished:
        timing.done.append(time.monotonic() - started)
    group = _group(proc) or group
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    figures.kills += 1
    figures.phases[_phase(warehouse, loads_before, finished, catalog_before, files_before)] += 1
    figures.processes_left += _alive(group)
    figures.unreadable += unreadable_files(warehouse)
    figures.duplicates += duplicate_rows(warehouse)
    figures.lost += len(loads_before - committed_loads(Location.of(warehouse))) + len(docs_before - committed_documents(warehouse))


def _feed(pool: list[Path], inbox: Path, n: int) -> None:
    """Move the next ``n`` documents (and their sidecars) of the pool into the inbox."""
    for path in pool[:n]:
        for part in path.parent.glob(f"{path.stem}.*"):
            shutil.move(str(part), inbox / part.name)
    del pool[:n]


def run_harness(kills: int, out: Path, api_url: str | None, seed: int = 15, workers: int | None = None) -> Figures:
    """``kills`` kill rounds over a growing inbox, then the clean run and the comparison; ``workers``
    overrides the setting ingest.workers."""
    started, rng, env = time.monotonic(), random.Random(seed), _env(api_url, workers)
    shutil.rmtree(out, ignore_errors=True)
    pool_dir, inbox, crashed, reference = out / "pool", out / "inbox", out / "crashed", out / "reference"
    build_corpus(REPO / "samples", pool_dir, CALIBRATION_DOCS + PER_ROUND * kills)
    inbox.mkdir()
    (inbox / "empty.txt").write_text("")  # a reject in every load until one commits it
    pool = sorted(pool_dir.glob("*.txt"))
    _feed(pool, inbox, CALIBRATION_DOCS)
    busy = clean_run(inbox, crashed, env)
    idle = clean_run(inbox, crashed, env)
    print(f"calibration: a run over {CALIBRATION_DOCS} new documents {busy:.1f} s, over none {idle:.1f} s",
          file=sys.stderr, flush=True)
    figures, timing = Figures(), Timing()
    for round_ in range(1, kills + 1):
        _feed(pool, inbox, PER_ROUND)
        kill_round(inbox, crashed, env, timing.moment(rng, idle, busy), figures, timing)
        if round_ % SETTLE_EVERY == 0:  # let a run finish, or kills only ever meet a growing backlog
            clean_run(inbox, crashed, env)
        if round_ % 10 == 0:
            figures.seconds = time.monotonic() - started
            print("; ".join(line.strip() for line in figures.lines()[:-1]), file=sys.stderr, flush=True)
    clean_run(inbox, crashed, env)
    clean_run(inbox, reference, env)
    figures.identical = table_hashes(crashed) == table_hashes(reference)
    figures.seconds = time.monotonic() - started
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "crash")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--workers", type=int, help="extractor processes per run (default: setting ingest.workers)")
    args = parser.parse_args()
    from flows.api_server import early_temporary_server

    server = early_temporary_server()  # one Prefect API for every run (stopped at exit)
    api_url = server.wait_ready(60) if server else None
    figures = run_harness(args.kills, args.out, api_url, args.seed, args.workers)
    print("\n".join(figures.lines()))
    sys.exit(0 if figures.ok else 1)


if __name__ == "__main__":
    main()
