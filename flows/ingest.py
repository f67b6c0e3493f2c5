"""The ingest flow: an inbox folder (and web sources) in, one committed load in the warehouse out."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.inbox import Folder, drain, open_inbox
from flows.loading import LoadContext, batches, extract_and_stage, open_load, stage
from schemas.contract import Document, Rejection
from warehouse.batch import Batch
from warehouse.web import WebStore

if TYPE_CHECKING:
    from flows.objects import Objects

Source = Path | str | Document | Rejection
"""An inbox file or object (read again when its batch runs), or what a URL gave (held in memory)."""


@dataclass
class Plan:
    """What this run will do with each inbox file and fetched URL."""

    new: list[Path | str | Document] = field(default_factory=list)
    skipped: list[Source] = field(default_factory=list)
    rejected: dict[Source, str] = field(default_factory=dict)
    """Newly rejected; ``known_bad`` were rejected by an earlier run (or earlier in this one) and are skipped."""
    known_bad: dict[Source, str] = field(default_factory=dict)


def _files(sources: list[Source]) -> list[Path]:
    return [s for s in sources if isinstance(s, Path)]


@task(name="fetch-web", cache_policy=NO_CACHE)
def fetch_web(sources_file: Path, ctx: LoadContext) -> list[Document | Rejection]:
    """Fetch the pages and new feed items of a sources file; raw answers and validators go to the warehouse.

    The web stack is imported here, not with the flow: a run over an inbox alone never needs it.
    """
    from flows.fetch import Fetcher
    from flows.sources import fetch_sources, read_sources

    store = WebStore(ctx.load.location.root)
    with Fetcher(ctx.settings, store) as fetcher:
        fetched = fetch_sources(read_sources(sources_file), fetcher, ctx.load.column_values("documents", "source_uri"))
    store.save()
    get_run_logger().info("fetched %s", ", ".join(f"{n} {what}" for what, n in fetcher.counts.items()) or "nothing")
    return fetched


def _read_inbox(box: Folder | Objects, ctx: LoadContext, files: list[str] | None) -> Iterator[tuple[Source, Document | Rejection]]:
    for entry in box.entries(ctx.settings.ingest_extensions, files):
        yield entry, box.read(entry, ctx.settings.ingest_max_bytes)


@task(name="plan-load", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def plan_load(box: Folder | Objects, fetched: list[Document | Rejection], ctx: LoadContext,
              files: list[str] | None = None) -> Plan:
    """Read every inbox file once, and sort what the URLs gave: skip known texts and unchanged bad
    files, reject new bad files and failed fetches (these carry no hash, so each failure is recorded).

    A bad file is recorded once per key, like a text once per ``doc_id``: the same bad bytes under
    another name, or read again by a later run, are skipped (see ``flows.inbox`` for the keys).
    ``files``: a shard's files, read instead of the whole inbox.
    """
    known = ctx.load.column_values("documents", "doc_id")
    rejected_before = ctx.load.column_values("rejects", "content_sha256")
    plan, rejects = Plan(), Batch(ctx.summary.load_id)
    for source, item in chain(_read_inbox(box, ctx, files), ((item, item) for item in fetched)):
        if isinstance(item, Rejection) and item.content_sha256 in rejected_before:
            plan.skipped.append(source)
            plan.known_bad[source] = item.reason
        elif isinstance(item, Rejection):
            rejects.add_rejection(item)
            plan.rejected[source] = item.reason
            if item.content_sha256:
                rejected_before.add(item.content_sha256)
        elif item.doc_id in known:
            plan.skipped.append(source)
        else:
            known.add(item.doc_id)
            plan.new.append(source)
            ctx.pool.start()  # the model loads while the rest of the inbox is read
    ctx.summary.add(*stage(rejects, {}, ctx.load))
    ctx.summary.skipped = len(plan.skipped)
    return plan


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch(sources: list[Path | str | Document], part: int, box: Folder | Objects, ctx: LoadContext) -> None:
    """Read (from ``box``), parse, extract, validate and stage one batch of new documents."""
    batch, docs = Batch(ctx.summary.load_id), []
    max_bytes = ctx.settings.ingest_max_bytes
    for item in (box.read(s, max_bytes) if isinstance(s, (Path, str)) else s for s in sources):
        if isinstance(item, Document):
            docs.append(item)
        else:  # changed or vanished since planning: recorded, not lost
            batch.add_rejection(item)
    extract_and_stage(ctx, batch, docs, new_docs=True)


@flow(name="ingest-inbox")
def ingest_inbox(inbox: str, warehouse: str, config: str | None = None, sources: str | None = None,
                 files: list[str] | None = None):
    """Load every new document of ``inbox``, and of the web ``sources`` file, into the warehouse, as one load.

    Without ``sources`` the setting ``paths.sources`` is used; when that is empty too, no URL is fetched.
    ``files`` makes the run one shard of a sharded run (``flows.shards``): it loads those files of
    the inbox only, and fetches nothing.
    """
    logger = get_run_logger()
    with open_load(warehouse, config) as ctx:
        sources_file = sources or ctx.settings.paths_sources
        fetched = fetch_web(Path(sources_file), ctx) if sources_file and files is None else []
        box = open_inbox(inbox, ctx.settings.ingest_read_outside_inbox, ctx.load.location.s3)
        plan = plan_load(box, fetched, ctx, files)
        parts = list(batches(plan.new, ctx.settings.ingest_batch_size))
        for part, items in parts:
            extract_batch(items, part, box, ctx)
            logger.info("batch %d/%d: %d documents", part, len(parts), len(items))
        ctx.summary.documents = ctx.summary.rows["documents"]
    if ctx.settings.ingest_drain and isinstance(box, Folder):
        bad = plan.rejected | plan.known_bad
        drain(Path(inbox), _files([s for s in plan.new + plan.skipped if s not in bad]),
              {p: bad[p] for p in _files(list(bad))})
    return ctx.summary
