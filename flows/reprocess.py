"""The reprocess flow: re-extract stored documents with the current rules, without their files.

Each re-extracted document's sections and facts are replaced by new ones,
stamped with the current ``extractor_version``, in the load's one transaction:
a reader sees the old extraction or the new one, never a mix.
"""
from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.loading import LoadContext, batches, extract_and_stage, open_load
from schemas.contract import Document
from warehouse.batch import Batch

_DOCUMENT_FIELDS = ("doc_id", "source_uri", "title", "published_date", "text")


@task(name="reextract-batch", cache_policy=NO_CACHE)
def reextract_batch(doc_ids: list[str], ctx: LoadContext) -> None:
    """Read one batch of stored texts back from the lake and extract them again."""
    stored = ctx.load.documents(doc_ids=doc_ids)
    docs = [Document(**{k: row[k] for k in _DOCUMENT_FIELDS}) for row in stored]
    extract_and_stage(ctx, Batch(ctx.summary.load_id), docs, new_docs=False)


@flow(name="reprocess-warehouse")
def reprocess_warehouse(warehouse: str, where: str | None = None, config: str | None = None):
    """Re-extract every stored document (or those matching the SQL condition ``where``)."""
    logger = get_run_logger()
    with open_load(warehouse, config) as ctx:
        doc_ids = [row["doc_id"] for row in ctx.load.documents(where, columns="doc_id")]
        parts = list(batches(doc_ids, ctx.settings.ingest_batch_size))
        for part, ids in parts:
            reextract_batch(ids, ctx)
            logger.info("batch %d/%d: %d documents re-extracted", part, len(parts), len(ids))
        ctx.summary.reprocessed = len(doc_ids)
    return ctx.summary
