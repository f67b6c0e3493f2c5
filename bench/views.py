"""How long ``crisis.duckdb`` takes to rebuild, incident tables included, on a synthetic warehouse.

``python -m bench.views --docs 8000`` writes a warehouse of N documents without
parsing any text: each document reports a few casualty and displacement
figures, most of them incidents drawn from a shared pool, so that many
documents report the same incident in different words (hedges, places written
longer or shorter, a day or no day), as a news stream does. That is the hard
case for the grouping: a real corpus from ``bench.corpus`` spreads its
documents over three years and rarely repeats an incident. Prints the median
and slowest rebuild and the incident counts.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from pathlib import Path

import duckdb
import pandas as pd

import schemas
from warehouse.lake import Lake, Load, Location
from warehouse.views import DB_NAME, build_views

FIRST_DAY = dt.date(2016, 1, 1)
DAYS = 90
"""Days the synthetic news stream covers: 90 crowds the days (many incidents a day, each told by
several documents); ``bench.corpus`` spreads its documents over three years (1,095)."""
PLACES = [f"Place{k}" for k in range(60)]
OUTCOMES, CATEGORIES = ("killed", "wounded"), ("displaced", "admitted", "evacuated")
HEDGES = ("exact", "at_least", "approximate")
CASUALTIES, REFUGEES = 5, 2
"""Figures per document (a quarter of them periods and totals): more than ``bench.corpus`` gives."""
REPEATS = 3.75
"""Reports per incident: each incident told by several documents. The bench corpus from
``samples/`` gives about 1.1: most incidents are reported once."""
TEXT = "At least 12 people were killed on Monday. About 5,000 people fled the town."


def _incident_pool(rng: random.Random, n: int, kinds: tuple[str, ...], scale: int, days: int) -> list[tuple]:
    """True incidents: (kind, day, place, figure)."""
    return [(rng.choice(kinds), FIRST_DAY + dt.timedelta(days=rng.randrange(days)), rng.choice(PLACES),
             rng.randint(1, scale)) for _ in range(n)]


def _figure(rng: random.Random, true: tuple, doc_id: str, offset: int, key: str) -> dict:
    """One report of a true incident (or, one time in four, a period or war-wide figure)."""
    kind, day, place, figure = true
    scope = rng.choices(("incident", "period", "total"), (6, 1, 1))[0]
    dated = scope == "incident" and rng.random() < 0.7
    return dict(doc_id=doc_id, section_id=0, figure=figure, figure_high=None, qualifier=rng.choice(HEDGES),
                location=place + rng.choice(("", " province")), attributed_to=None, scope=scope,
                event_date=day if dated else None, event_date_text="on Monday" if dated else None,
                sentence=TEXT, char_start=offset, char_end=offset + 2, **{key: kind})


def _rows(n_docs: int, seed: int, days: int, repeats: float) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    casualty_pool = _incident_pool(rng, max(5, round(CASUALTIES * n_docs / repeats)), OUTCOMES, 60, days)
    refugee_pool = _incident_pool(rng, max(2, round(REFUGEES * n_docs / repeats)), CATEGORIES, 5000, days)
    rows: dict[str, list[dict]] = {"documents": [], "sections": [], "casualties": [], "refugees": []}
    for k in range(n_docs):
        doc_id = f"{k:064x}"
        first = rng.choice(casualty_pool)
        published = first[1] + dt.timedelta(days=rng.randrange(3))
        rows["documents"].append(dict(doc_id=doc_id, source_uri=f"/bench/doc{k:05d}.txt", title=f"doc {k}",
                                      published_date=published, text=TEXT, n_chars=len(TEXT),
                                      ingested_at=dt.datetime.now(dt.UTC)))
        rows["sections"].append(dict(doc_id=doc_id, section_id=0, headline=None, char_start=0, char_end=len(TEXT)))
        for j, true in enumerate([first] + rng.sample(casualty_pool, CASUALTIES - 1)):
            rows["casualties"].append(_figure(rng, true, doc_id, j * 3, "outcome")
                                      | dict(victims="people", victim_type="unknown", perpetrator=None))
        for j, true in enumerate(rng.sample(refugee_pool, REFUGEES)):
            rows["refugees"].append(_figure(rng, true, doc_id, 40 + j * 3, "category")
                                    | dict(population="people"))
    return rows


def build_synthetic(root: Path, n_docs: int, days: int = DAYS, repeats: float = REPEATS, seed: int = 7) -> Path:
    """Write one committed load of ``n_docs`` synthetic documents over ``days`` days under ``root``,
    about ``repeats`` reports to an incident."""
    load_id, counts = "20160101T000000Z-bench000", {}
    with Load(Location.of(root), load_id) as load:
        for table, rows in _rows(n_docs, seed, days, repeats).items():
            model = schemas.TABLES[table]
            stamped = [r | {"load_id": load_id, "extractor_version": "bench"} for r in rows]
            frame = model.validate(pd.DataFrame(stamped, columns=schemas.columns(model)))
            load.insert(table, frame)
            counts[table] = len(frame)
        now = pd.Timestamp.now(tz="UTC")
        row = dict(load_id=load_id, flow_run_id=None, started_at=now, finished_at=now, status="completed",
                   extractor_version="bench", documents=n_docs, skipped=0, reprocessed=0, statements=0, rejects=0,
                   **{t: counts.get(t, 0) for t in ("sections", "refugees", "casualties")})
        load.commit(schemas.Loads.validate(pd.DataFrame([row])))
    return root


def time_views(root: Path, reps: int) -> list[float]:
    """Seconds per ``build_views`` over ``root``, ``reps`` times (on one open lake, as a load's end does)."""
    seconds = []
    with Lake(Location.of(root)) as lake:
        for _ in range(reps):
            started = time.perf_counter()
            build_views(lake)
            seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=8000)
    parser.add_argument("--days", type=int, default=DAYS, help="days the documents' news covers")
    parser.add_argument("--repeats", type=float, default=REPEATS, help="reports per incident, on average")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--out", type=Path, required=True, help="an empty folder for the warehouse")
    args = parser.parse_args()
    build_synthetic(args.out, args.docs, args.days, args.repeats)
    seconds = time_views(args.out, args.reps)
    with duckdb.connect(str(args.out / DB_NAME), read_only=True) as con:
        counts = con.execute("SELECT (SELECT count(*) FROM casualties_facts WHERE scope = 'incident'), "
                         "(SELECT count(*) FROM casualty_incidents), (SELECT max(sources) FROM casualty_incidents), "
                         "(SELECT count(*) FROM displacement_incidents)").fetchone()
    print(f"{args.docs:,} documents over {args.days} days, {args.repeats} reports an incident: views rebuilt in {statistics.median(seconds):.3f} s median, "
          f"{max(seconds):.3f} s slowest ({args.reps} runs); {counts[0]:,} incident casualty rows -> "
          f"{counts[1]:,} incidents (most sources {counts[2]}), {counts[3]:,} displacement incidents")


if __name__ == "__main__":
    main()
