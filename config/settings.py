"""Settings: ``config/settings.toml`` (or a file given with --config), then environment overrides.

Environment variables ``CRISIS_ETL_<SECTION>_<KEY>`` win over the file, parsed as
TOML values when they parse (numbers, lists) and taken as strings otherwise,
so deployments can change a setting without editing a file.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from warehouse.lake import Location

ENV_PREFIX = "CRISIS_ETL_"


@dataclass(frozen=True)
class Settings:
    """Typed view of the settings file; field names are ``<section>_<key>``."""

    paths_inbox: Path
    paths_warehouse: Path
    paths_sources: Path | None
    warehouse_catalog: str
    warehouse_data: str
    warehouse_s3_endpoint: str
    warehouse_s3_region: str
    warehouse_s3_key_id: str
    warehouse_s3_secret: str
    ingest_batch_size: int
    ingest_workers: int
    ingest_doc_timeout_s: float
    ingest_max_bytes: int
    ingest_read_outside_inbox: bool
    ingest_lock_timeout_s: float
    ingest_extensions: tuple[str, ...]
    ingest_drain: bool
    fetch_timeout_s: float
    fetch_max_bytes: int
    fetch_user_agent: str
    nlp_model: str
    schedule_cron: str
    schedule_port: int
    query_timeout_s: float
    query_max_temp_directory_size: str
    query_table_rows: int

    def location(self, warehouse: Path | str | None = None) -> Location:
        """Where the lake of the warehouse folder ``warehouse`` (default ``paths.warehouse``) keeps catalog and data."""
        from warehouse.lake import S3, Location  # settings load before (and without) the warehouse's modules

        s3 = S3(self.warehouse_s3_endpoint, self.warehouse_s3_region, self.warehouse_s3_key_id, self.warehouse_s3_secret)
        return Location.of(warehouse or self.paths_warehouse, self.warehouse_catalog, self.warehouse_data, s3)


def _env_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _flatten(data: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {f"{section}_{key}": value for section, keys in data.items() for key, value in keys.items()}


def load_settings(path: Path | None = None) -> Settings:
    """Read the defaults, then ``path`` over them, then ``CRISIS_ETL_*`` overrides; type the result."""
    defaults = resources.files(__package__).joinpath("settings.toml").read_text(encoding="utf-8")
    values = _flatten(tomllib.loads(defaults))
    if path is not None:
        values.update(_flatten(tomllib.loads(path.read_text(encoding="utf-8"))))
    for name in values:
        env = os.environ.get(ENV_PREFIX + name.upper())
        if env is not None:
            values[name] = _env_value(env)
    unknown = set(values) - set(Settings.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
    return Settings(
        paths_inbox=Path(values["paths_inbox"]),
        paths_warehouse=Path(values["paths_warehouse"]),
        paths_sources=Path(values["paths_sources"]) if values["paths_sources"] else None,
        warehouse_catalog=str(values["warehouse_catalog"]),
        warehouse_data=str(values["warehouse_data"]),
        **{f"warehouse_s3_{k}": str(values[f"warehouse_s3_{k}"]) for k in ("endpoint", "region", "key_id", "secret")},
        ingest_batch_size=int(values["ingest_batch_size"]),
        ingest_workers=int(values["ingest_workers"]),
        ingest_doc_timeout_s=float(values["ingest_doc_timeout_s"]),
        ingest_max_bytes=int(values["ingest_max_bytes"]),
        ingest_read_outside_inbox=bool(values["ingest_read_outside_inbox"]),
        ingest_lock_timeout_s=float(values["ingest_lock_timeout_s"]),
        ingest_extensions=tuple(values["ingest_extensions"]),
        ingest_drain=bool(values["ingest_drain"]),
        fetch_timeout_s=float(values["fetch_timeout_s"]),
        fetch_max_bytes=int(values["fetch_max_bytes"]),
        fetch_user_agent=str(values["fetch_user_agent"]),
        nlp_model=str(values["nlp_model"]),
        schedule_cron=str(values["schedule_cron"]),
        schedule_port=int(values["schedule_port"]),
        query_timeout_s=float(values["query_timeout_s"]),
        query_max_temp_directory_size=str(values["query_max_temp_directory_size"]),
        query_table_rows=int(values["query_table_rows"]),
    )
