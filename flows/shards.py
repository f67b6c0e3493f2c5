"""Sharded runs: plan once, split the new documents by doc_id, one flow run per shard on Prefect workers.

``crisis-etl run INBOX --shards N`` reads every inbox file once here, skips
texts the lake already holds and texts another file repeats, and deals the
rest into N shards by doc_id: a text is in one shard only, so two shards
running at once never load it twice. Each shard is a flow run of the
``ingest-shard/crisis-etl`` deployment (the ingest flow limited to its files),
executed by any worker of its process work pool, on any machine that reaches
the catalog and the data (``prefect worker start --pool crisis-etl``), and
commits its own lake transaction.

A shard re-plans its files against the lake when it starts, so a shard run
again (a Prefect retry, or the next sharded run after a worker died) skips
what an earlier attempt committed: the warehouse ends with exactly the rows
of an uninterrupted run. An embedded warehouse works too, its shards taking
the file lock in turn; a shared one (PostgreSQL catalog) commits them at once.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from config.settings import Settings
from flows.inbox import discover, read_document
from flows.ingest import ingest_inbox
from schemas.contract import Rejection
from warehouse.lake import Lake, Location

DEPLOYMENT = "ingest-shard/crisis-etl"
ingest_shard = ingest_inbox.with_options(name="ingest-shard")
"""The ingest flow as a shard's flow run (``files`` given), deployable without the inbox flow's schedule
and one-run-at-a-time limit (``prefect.yaml``)."""


@dataclass
class ShardPlan:
    """The files of each shard, and how many files were left out as known or repeated texts."""

    shards: list[list[str]] = field(default_factory=list)
    skipped: int = 0


def known_doc_ids(location: Location) -> set[str]:
    """doc_ids the lake holds (none for an embedded warehouse not made yet; a shared catalog is made here)."""
    if location.embedded and not Path(location.catalog.removeprefix("sqlite:")).exists():
        return set()
    with Lake(location, read_only=location.embedded) as lake:
        return lake.column_values("documents", "doc_id")


def shard_of(key: str, shards: int) -> int:
    """The shard of a doc_id (or of a hash naming a bad file): stable, and even over hashes."""
    return int(key[:8], 16) % shards


def plan_shards(inbox: Path, location: Location, settings: Settings, shards: int) -> ShardPlan:
    """Read every inbox file once and deal the new texts into ``shards`` shards by doc_id.

    A bad file goes to the shard its path hashes to, which records (or, unchanged, skips) its reject.
    """
    known, dealt = known_doc_ids(location), [[] for _ in range(shards)]
    plan = ShardPlan()
    for path in discover(inbox, settings.ingest_extensions):
        item = read_document(path, settings.ingest_max_bytes)
        if isinstance(item, Rejection):
            key = hashlib.sha256(str(path).encode()).hexdigest()
        elif item.doc_id in known:
            plan.skipped += 1
            continue
        else:
            known.add(item.doc_id)
            key = item.doc_id
        dealt[shard_of(key, shards)].append(str(path))
    plan.shards = [files for files in dealt if files]
    return plan


def run_shards(plan: ShardPlan, inbox: Path, warehouse: Path, config: Path | None,
               poll_s: float = 1.0) -> list[tuple[int, str]]:
    """Start one flow run of the deployment per shard and wait for all; returns (files, final state) per shard."""
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    runs = [run_deployment(DEPLOYMENT, timeout=0, parameters=dict(
        inbox=str(inbox.resolve()), warehouse=str(warehouse.resolve()),
        config=str(config.resolve()) if config else None, files=files)) for files in plan.shards]
    with get_client(sync_client=True) as client:
        while True:
            states = [client.read_flow_run(run.id).state for run in runs]
            if all(state is not None and state.is_final() for state in states):
                return [(len(files), state.name) for files, state in zip(plan.shards, states)]
            time.sleep(poll_s)
