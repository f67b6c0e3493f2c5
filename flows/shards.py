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
again skips what an earlier attempt committed: the warehouse ends with exactly
the rows of an uninterrupted run. A worker that dies (its machine lost, the
OOM killer) cannot report its flow run's end, so shard runs send Prefect's
flow heartbeats, and an automation on the server (Prefect's zombie-flow
recipe) marks a run silent for ``SILENCE_S`` as Crashed; ``run_shards`` then
deals that shard again, to whichever worker is free. An embedded warehouse works too, its shards taking
the file lock in turn; a shared one (PostgreSQL catalog) commits them at once.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from config.settings import Settings
from flows.inbox import open_inbox
from flows.ingest import ingest_inbox
from schemas.contract import Rejection
from warehouse.lake import Lake, Location

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.events.schemas.automations import AutomationCore

DEPLOYMENT = "ingest-shard/crisis-etl"
HEARTBEAT_S = 30
"""Seconds between a shard run's heartbeats (Prefect's smallest allowed)."""
SILENCE_S = 90
"""A shard run without a heartbeat for this long is marked Crashed: its worker is gone."""
SILENT_RUNS = "crisis-etl: crash silent shard runs"
"""Name of the automation that does it (created by ``run_shards`` when the server lacks it)."""
SHARD_ATTEMPTS = 3
"""Flow runs a shard gets before the sharded run gives up on it (a crash each time is not a lost worker)."""
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


def plan_shards(inbox: str, location: Location, settings: Settings, shards: int) -> ShardPlan:
    """Read every inbox file (or object) once and deal the new texts into ``shards`` shards by doc_id.

    A bad file goes to the shard its path hashes to, which records (or, unchanged, skips) its reject.
    """
    known, dealt = known_doc_ids(location), [[] for _ in range(shards)]
    plan = ShardPlan()
    box = open_inbox(inbox, settings.ingest_read_outside_inbox, location.s3)
    for path in box.entries(settings.ingest_extensions):
        item = box.read(path, settings.ingest_max_bytes)
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


def _silent_runs_automation(deployment_id: UUID) -> AutomationCore:
    """Prefect's zombie-flow recipe for the shard deployment: a run whose heartbeat is not followed by
    another heartbeat or a final state within ``SILENCE_S`` is set to Crashed."""
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture

    final = [f"prefect.flow-run.{name}" for name in ("Completed", "Failed", "Cancelled", "Crashed")]
    return AutomationCore(
        name=SILENT_RUNS, description="Shards whose worker died: dealt again by crisis-etl run --shards.",
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"}, expect={"prefect.flow-run.heartbeat", *final},
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={"prefect.resource.id": f"prefect.deployment.{deployment_id}"},
            for_each={"prefect.resource.id"}, posture=Posture.Proactive, threshold=1,
            within=timedelta(seconds=SILENCE_S)),
        actions=[ChangeFlowRunState(state=StateType.CRASHED,
                                    message=f"no heartbeat for {SILENCE_S} s: its worker is gone")])


def _ensure_silent_runs_automation(client: SyncPrefectClient, deployment_id: UUID) -> None:
    """Create the silent-runs automation of this deployment unless the server has it."""
    wanted = _silent_runs_automation(deployment_id)
    for existing in client.read_automations_by_name(SILENT_RUNS):
        if existing.trigger == wanted.trigger:
            return
    client.create_automation(wanted)


def _submit(files: list[str], parameters: dict[str, Any]) -> UUID:
    """One flow run of the shard deployment for ``files``, sending heartbeats."""
    from prefect.deployments import run_deployment

    run = run_deployment(DEPLOYMENT, timeout=0, parameters={**parameters, "files": files},
                         job_variables={"env": {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT_S)}})
    return run.id


def run_shards(plan: ShardPlan, inbox: str, warehouse: Path, config: Path | None,
               poll_s: float = 1.0) -> list[tuple[int, str, int]]:
    """Run one flow run of the deployment per shard and wait for all; a shard whose run crashed (its
    worker died) is run again, up to ``SHARD_ATTEMPTS`` runs. Returns (files, final state, runs) per shard."""
    from prefect.client.orchestration import get_client

    parameters = dict(inbox=inbox if inbox.startswith("s3://") else str(Path(inbox).resolve()),
                      warehouse=str(warehouse.resolve()),
                      config=str(config.resolve()) if config else None)
    with get_client(sync_client=True) as client:
        _ensure_silent_runs_automation(client, client.read_deployment_by_name(DEPLOYMENT).id)
        runs = [_submit(files, parameters) for files in plan.shards]
        attempts = [1] * len(runs)
        while True:
            states = [client.read_flow_run(run).state for run in runs]
            for n, state in enumerate(states):
                if state is not None and state.is_crashed() and attempts[n] < SHARD_ATTEMPTS:
                    runs[n], attempts[n], states[n] = _submit(plan.shards[n], parameters), attempts[n] + 1, None
            if all(state is not None and state.is_final() for state in states):
                return [(len(files), state.name, n) for files, state, n in zip(plan.shards, states, attempts)]
            time.sleep(poll_s)
