"""The ingest flow: an inbox folder in, one committed load in the warehouse out.

Tasks are coarse on purpose (a Prefect task run costs tens of milliseconds):
one to plan, one per batch of documents, one to commit.
"""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

import schemas
from config.settings import Settings, load_settings
from extract import EXTRACTOR_VERSION
from extract.documents import Document, Rejection
from flows.inbox import discover, read_document
from flows.parallel import ExtractorPool
from warehouse.batch import Batch, document_sources
from warehouse.lake import Lake
from warehouse.lock import warehouse_lock
from warehouse.views import build_views


@dataclass
class Plan:
    """What this run will load: new documents' files, and the rejects of unreadable ones."""

    new: list[Path] = field(default_factory=list)
    skipped: int = 0
    rejects: Batch | None = None


@dataclass
class LoadSummary:
    """What a run did, for the command line, the Prefect log and the ``loads`` row."""

    load_id: str
    documents: int = 0
    skipped: int = 0
    rows: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)

    def add(self, rows: Counter, rejected: Counter) -> None:
        """Count what a staged batch wrote."""
        self.rows.update(rows)
        self.rejected.update(rejected)

    def lines(self) -> list[str]:
        """A short human summary."""
        out = [f"load {self.load_id}: {self.documents} documents loaded, {self.skipped} skipped as already loaded, "
               f"{sum(self.rejected.values())} rejected"]
        out += [f"  rejected ({n}): {reason}" for reason, n in self.rejected.most_common()]
        out.append("  rows: " + ", ".join(f"{t}={self.rows[t]}" for t in schemas.TABLES if t != "loads"))
        return out


def new_load_id(now: datetime) -> str:
    """Sortable by time, unique by a random suffix."""
    return f"{now:%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:8]}"


@task(name="plan-load", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def plan_load(inbox: Path, lake: Lake, settings: Settings, load_id: str) -> Plan:
    """Read every inbox file once: skip known texts, reject bad files, list the new ones."""
    known = lake.column_values("documents", "doc_id")
    rejected_before = lake.column_values("rejects", "content_sha256")
    plan = Plan(rejects=Batch(load_id))
    for path in discover(inbox, settings.ingest_extensions):
        item = read_document(path, settings.ingest_max_bytes)
        if isinstance(item, Rejection):
            if item.content_sha256 in rejected_before:
                plan.skipped += 1
            else:
                plan.rejects.add_rejection(item)
        elif item.doc_id in known:
            plan.skipped += 1
        else:
            known.add(item.doc_id)
            plan.new.append(path)
    return plan


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch(paths: list[Path], part: int, lake: Lake, pool: ExtractorPool, settings: Settings,
                  load_id: str) -> tuple[Counter, Counter]:
    """Parse, extract, validate and stage one batch; returns rows staged per table."""
    docs = [d for d in (read_document(p, settings.ingest_max_bytes) for p in paths) if isinstance(d, Document)]
    batch = Batch(load_id)
    now = datetime.now(UTC)
    for doc, result in zip(docs, pool.map([d.text for d in docs])):
        batch.add_document(doc, result, now)
    return stage(batch, document_sources(docs), lake, part)


def stage(batch: Batch, sources: dict[str, str], lake: Lake, part: int) -> tuple[Counter, Counter]:
    """Validate a batch and write its staging parts; returns rows per table and rejects per reason."""
    frames = batch.validated(sources)
    for table, frame in frames.items():
        if len(frame):
            lake.stage(batch.load_id, table, part, frame)
    return Counter({t: len(f) for t, f in frames.items()}), Counter(frames["rejects"]["reason"])


@task(name="commit-load", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def commit_load(lake: Lake, summary: LoadSummary, started_at: datetime) -> None:
    """Publish the load: its ``loads`` row, written last, is the commit point."""
    row = dict(load_id=summary.load_id, flow_run_id=flow_run.get_id(), started_at=started_at,
               finished_at=datetime.now(UTC), status="completed", extractor_version=EXTRACTOR_VERSION,
               documents=summary.documents, skipped=summary.skipped,
               **{t: summary.rows[t] for t in ("sections", *schemas.FACT_TABLES, "rejects")})
    lake.commit(summary.load_id, schemas.Loads.validate(pd.DataFrame([row])))


@task(name="publish-views", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[1, 2, 5])
def publish_views(lake: Lake) -> Path:
    """Rebuild ``crisis.duckdb`` over the lake (retried: a reader may briefly hold the file)."""
    return build_views(lake.root)


def _batches(paths: list[Path], size: int) -> list[list[Path]]:
    return [paths[i:i + size] for i in range(0, len(paths), size)]


@flow(name="ingest-inbox")
def ingest_inbox(inbox: str, warehouse: str, config: str | None = None) -> LoadSummary:
    """Load every new document of ``inbox`` into the warehouse at ``warehouse``, as one load."""
    logger = get_run_logger()
    settings = load_settings(Path(config) if config else None)
    started_at = datetime.now(UTC)
    load_id = new_load_id(started_at)
    lake = Lake(Path(warehouse))
    summary = LoadSummary(load_id)
    with warehouse_lock(lake.root, str(flow_run.get_id() or load_id), settings.ingest_lock_timeout_s):
        lake.recover()
        plan = plan_load(Path(inbox), lake, settings, load_id)
        summary.skipped = plan.skipped
        summary.add(*stage(plan.rejects, {}, lake, 0))
        batches = _batches(plan.new, settings.ingest_batch_size)
        with ExtractorPool(settings.nlp_model, min(settings.ingest_workers, max(1, len(plan.new)))) as pool:
            for part, paths in enumerate(batches, start=1):
                summary.add(*extract_batch(paths, part, lake, pool, settings, load_id))
                logger.info("batch %d/%d: %d documents", part, len(batches), len(paths))
        summary.documents = summary.rows["documents"]
        commit_load(lake, summary, started_at)
        publish_views(lake)
    for line in summary.lines():
        logger.info(line)
    return summary
