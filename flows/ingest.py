"""The ingest flow: an inbox folder in, one committed load in the warehouse out."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from extract.documents import Document, Rejection
from flows.inbox import discover, drain, read_document
from flows.loading import LoadContext, batches, extract_and_stage, open_load, stage
from warehouse.batch import Batch


@dataclass
class Plan:
    """What this run will do with each inbox file."""

    new: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    rejected: dict[Path, str] = field(default_factory=dict)


@task(name="plan-load", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def plan_load(inbox: Path, ctx: LoadContext) -> Plan:
    """Read every inbox file once: skip known texts and unchanged bad files, reject new bad files."""
    known = ctx.lake.column_values("documents", "doc_id")
    rejected_before = ctx.lake.column_values("rejects", "content_sha256")
    plan, rejects = Plan(), Batch(ctx.summary.load_id)
    for path in discover(inbox, ctx.settings.ingest_extensions):
        item = read_document(path, ctx.settings.ingest_max_bytes)
        if isinstance(item, Rejection) and item.content_sha256 in rejected_before:
            plan.skipped.append(path)
        elif isinstance(item, Rejection):
            rejects.add_rejection(item)
            plan.rejected[path] = item.reason
        elif item.doc_id in known:
            plan.skipped.append(path)
        else:
            known.add(item.doc_id)
            plan.new.append(path)
    ctx.summary.add(*stage(rejects, {}, ctx.lake, 0))
    ctx.summary.skipped = len(plan.skipped)
    return plan


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch(paths: list[Path], part: int, ctx: LoadContext) -> None:
    """Read, parse, extract, validate and stage one batch of new documents."""
    batch, docs = Batch(ctx.summary.load_id), []
    for item in (read_document(p, ctx.settings.ingest_max_bytes) for p in paths):
        if isinstance(item, Document):
            docs.append(item)
        else:  # changed or vanished since planning: recorded, not lost
            batch.add_rejection(item)
    extract_and_stage(ctx, batch, docs, part, new_docs=True)


@flow(name="ingest-inbox")
def ingest_inbox(inbox: str, warehouse: str, config: str | None = None):
    """Load every new document of ``inbox`` into the warehouse at ``warehouse``, as one load."""
    logger = get_run_logger()
    with open_load(warehouse, config) as ctx:
        plan = plan_load(Path(inbox), ctx)
        parts = list(batches(plan.new, ctx.settings.ingest_batch_size))
        for part, paths in parts:
            extract_batch(paths, part, ctx)
            logger.info("batch %d/%d: %d documents", part, len(parts), len(paths))
        ctx.summary.documents = ctx.summary.rows["documents"]
    if ctx.settings.ingest_drain:
        drain(Path(inbox), plan.new + plan.skipped, plan.rejected)
    return ctx.summary
