"""What every load shares: the lock, recovery, batches through the extractor pool, the commit.

Tasks are coarse on purpose (a Prefect task run costs tens of milliseconds):
one per batch of documents, one to commit, one to publish the views.
"""
from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

import schemas
from config.settings import Settings, load_settings
from extract import EXTRACTOR_VERSION
from extract.documents import Document
from flows.parallel import ExtractorPool
from warehouse.batch import Batch, document_sources
from warehouse.lake import Lake
from warehouse.lock import warehouse_lock
from warehouse.views import build_views


@dataclass
class LoadSummary:
    """What a run did, for the command line, the Prefect log and the ``loads`` row."""

    load_id: str
    started_at: datetime
    documents: int = 0
    skipped: int = 0
    reprocessed: int = 0
    rows: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)

    def add(self, rows: Counter, rejected: Counter) -> None:
        """Count what a staged batch wrote."""
        self.rows.update(rows)
        self.rejected.update(rejected)

    def lines(self) -> list[str]:
        """A short human summary."""
        done = f"{self.reprocessed} documents re-extracted" if self.reprocessed else (
            f"{self.documents} documents loaded, {self.skipped} skipped as already loaded")
        out = [f"load {self.load_id}: {done}, {sum(self.rejected.values())} rejected"]
        out += [f"  rejected ({n}): {reason}" for reason, n in self.rejected.most_common()]
        out.append("  rows: " + ", ".join(f"{t}={self.rows[t]}" for t in schemas.TABLES if t != "loads"))
        return out


@dataclass
class LoadContext:
    """A load in progress: its warehouse, settings, summary and extractor pool."""

    lake: Lake
    settings: Settings
    summary: LoadSummary
    pool: ExtractorPool | None = None


def new_load_id(now: datetime) -> str:
    """Sortable by time, unique by a random suffix."""
    return f"{now:%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:8]}"


def stage(batch: Batch, sources: dict[str, str], lake: Lake, part: int) -> tuple[Counter, Counter]:
    """Validate a batch and write its staging parts; returns rows per table and rejects per reason."""
    frames = batch.validated(sources)
    for table, frame in frames.items():
        if len(frame):
            lake.stage(batch.load_id, table, part, frame)
    return Counter({t: len(f) for t, f in frames.items()}), Counter(frames["rejects"]["reason"])


def extract_and_stage(ctx: LoadContext, batch: Batch, docs: list[Document], part: int, new_docs: bool) -> None:
    """Run the extractors over ``docs`` in the pool and stage the batch; ``new_docs`` adds document rows."""
    now = datetime.now(UTC)
    for doc, result in zip(docs, ctx.pool.map([d.text for d in docs])):
        if new_docs:
            batch.add_document(doc, now)
        batch.add_extraction(doc, result)
    ctx.summary.add(*stage(batch, document_sources(docs), ctx.lake, part))


@task(name="commit-load", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def commit_load(lake: Lake, summary: LoadSummary) -> None:
    """Publish the load: its ``loads`` row, written last, is the commit point."""
    row = dict(load_id=summary.load_id, flow_run_id=flow_run.get_id(), started_at=summary.started_at,
               finished_at=datetime.now(UTC), status="completed", extractor_version=EXTRACTOR_VERSION,
               documents=summary.documents, skipped=summary.skipped, reprocessed=summary.reprocessed,
               **{t: summary.rows[t] for t in ("sections", *schemas.FACT_TABLES, "rejects")})
    lake.commit(summary.load_id, schemas.Loads.validate(pd.DataFrame([row])))


@task(name="publish-views", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[1, 2, 5])
def publish_views(lake: Lake) -> Path:
    """Rebuild ``crisis.duckdb`` over the lake (retried: the file system may hiccup)."""
    return build_views(lake.root)


@contextmanager
def open_load(warehouse: str, config: str | None) -> Iterator[LoadContext]:
    """Lock the warehouse, clean up after any killed run, and commit the load when the block ends."""
    settings = load_settings(Path(config) if config else None)
    started_at = datetime.now(UTC)
    summary = LoadSummary(new_load_id(started_at), started_at)
    lake = Lake(Path(warehouse))
    with warehouse_lock(lake.root, str(flow_run.get_id() or summary.load_id), settings.ingest_lock_timeout_s):
        lake.recover()
        ctx = LoadContext(lake, settings, summary)
        with ExtractorPool(settings.nlp_model, settings.ingest_workers, settings.ingest_doc_timeout_s) as ctx.pool:
            yield ctx
        commit_load(lake, summary)
        publish_views(lake)
    logger = get_run_logger()
    for line in summary.lines():
        logger.info(line)


def batches(items: list, size: int) -> Iterator[tuple[int, list]]:
    """Numbered slices of ``items`` (from 1; part 0 is the plan's rejects)."""
    for start in range(0, len(items), size):
        yield start // size + 1, items[start:start + size]
