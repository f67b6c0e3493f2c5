"""Ask the Prefect server when the ingest deployment runs next."""
from __future__ import annotations

from prefect import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName, FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.sorting import FlowRunSort
from prefect.settings import PREFECT_API_URL

from flows.serve import DEPLOYMENT


def next_scheduled_run() -> str:
    """When and which run is next, or why that is unknown (no server configured, none scheduled)."""
    if not PREFECT_API_URL.value():
        return "unknown: no Prefect server configured (set PREFECT_API_URL, or run `crisis-etl serve`)"
    try:
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[DEPLOYMENT])),
                flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC, limit=1)
    except Exception as err:  # any API failure is reported, not raised: status must always print
        return f"unknown: the Prefect server at {PREFECT_API_URL.value()} did not answer ({err})"
    return f"{runs[0].expected_start_time} ({runs[0].name})" if runs else "none scheduled"
