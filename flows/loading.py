"""What every load shares: one lake transaction, batches through the extractor pool, the commit.

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
from extract.days import dated, stamped_date
from flows.parallel import ExtractorPool
from flows.stopping import committed, if_ended
from schemas.contract import Document
from warehouse.batch import Batch, document_sources
from warehouse.lake import Load
from warehouse.lock import writer_lock
from warehouse.migrate import migrate
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
    """A load in progress: its open lake transaction, settings, summary and extractor pool."""

    load: Load
    settings: Settings
    summary: LoadSummary
    pool: ExtractorPool | None = None


def new_load_id(now: datetime) -> str:
    """Sortable by time, unique by a random suffix."""
    return f"{now:%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:8]}"


def stage(batch: Batch, sources: dict[str, str], load: Load) -> tuple[Counter, Counter]:
    """Validate a batch and add it to the load's transaction; returns rows per table and rejects per reason."""
    frames = batch.validated(sources)
    for table, frame in frames.items():
        load.insert(table, frame)
    return Counter({t: len(f) for t, f in frames.items()}), Counter(frames["rejects"]["reason"])


def extract_and_stage(ctx: LoadContext, batch: Batch, docs: list[Document], new_docs: bool) -> None:
    """Run the extractors over ``docs`` in the pool and stage the batch.

    ``new_docs`` adds document rows; otherwise (reprocess) each document whose
    extraction succeeded has its old sections and facts replaced, in the same
    transaction, and a failed one keeps them.
    """
    now = datetime.now(UTC)
    results = ctx.pool.map([d.text for d in docs])
    for doc, result in zip(docs, results):
        if new_docs:
            batch.add_document(doc, now)
        batch.add_extraction(doc, result if isinstance(result, str) else dated(result, doc.published_date),
                             EXTRACTOR_VERSION)
    if not new_docs:
        extracted = [(d, r) for d, r in zip(docs, results) if not isinstance(r, str)]
        ctx.load.replace_extractions([d.doc_id for d, _ in extracted])
        ctx.load.date_documents({d.doc_id: day for d, r in extracted if d.published_date is None
                                 and (day := stamped_date(r)) is not None})
    ctx.summary.add(*stage(batch, document_sources(docs), ctx.load))


@task(name="commit-load", cache_policy=NO_CACHE)
def commit_load(load: Load, summary: LoadSummary) -> int:
    """Commit the load's transaction with its ``loads`` row; returns the snapshot it made.

    Not retried: a failed commit has rolled the whole load back (DuckLake
    itself retries a commit that raced another writer's).
    """
    row = dict(load_id=summary.load_id, flow_run_id=flow_run.get_id(), started_at=summary.started_at,
               finished_at=datetime.now(UTC), status="completed", extractor_version=EXTRACTOR_VERSION,
               documents=summary.documents, skipped=summary.skipped, reprocessed=summary.reprocessed,
               **{t: summary.rows[t] for t in ("sections", *schemas.FACT_TABLES, "rejects")})
    if_ended(f"load {summary.load_id} was being committed: `crisis-etl status` shows whether it was")
    snapshot = load.commit(schemas.Loads.validate(pd.DataFrame([row])))
    if_ended(committed(summary.load_id))
    return snapshot


@task(name="publish-views", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[1, 2, 5])
def publish_views(load: Load) -> Path:
    """Rebuild ``crisis.duckdb`` over the new snapshot (retried: the file system may hiccup)."""
    return build_views(load)


@contextmanager
def open_load(warehouse: str, config: str | None) -> Iterator[LoadContext]:
    """Open the load's transaction (under the lock where needed) and commit it when the block ends."""
    settings = load_settings(Path(config) if config else None)
    started_at = datetime.now(UTC)
    summary = LoadSummary(new_load_id(started_at), started_at)
    location = settings.location(warehouse)
    with writer_lock(location, str(flow_run.get_id() or summary.load_id), settings.ingest_lock_timeout_s):
        migrate(location)
        with Load(location, summary.load_id) as load:
            ctx = LoadContext(load, settings, summary)
            with ExtractorPool(settings.nlp_model, settings.ingest_workers, settings.ingest_doc_timeout_s) as ctx.pool:
                yield ctx
            commit_load(load, summary)
            publish_views(load)
    logger = get_run_logger()
    for line in summary.lines():
        logger.info(line)


def batches(items: list, size: int) -> Iterator[tuple[int, list]]:
    """Numbered slices of ``items`` (from 1), for the log."""
    for start in range(0, len(items), size):
        yield start // size + 1, items[start:start + size]
