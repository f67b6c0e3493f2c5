"""Every escape attempt of ``escapes.toml`` fails, with the expected reason, and leaks and writes nothing."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.warehouse.small_warehouse import build_small_warehouse
from warehouse.query import QueryError, QueryRefused, run_query

ATTEMPTS = tomllib.loads(Path(__file__).with_name("escapes.toml").read_text(encoding="utf-8"))["attempt"]
SECRET = "secret-7f3a"


def _plant_secrets(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "secret.txt").write_text(SECRET)
    pq.write_table(pa.table({"secret": [SECRET]}), folder / "secret.parquet")


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("escapes")
    root = build_small_warehouse(base / "wh")
    _plant_secrets(base / "outside")
    _plant_secrets(base / "cwd" / ".tmp")
    _plant_secrets(root / "data2")
    return {"root": root, "lake": root / "data", "views": root / "crisis.duckdb", "outside": base / "outside",
            "cwd_tmp": base / "cwd" / ".tmp", "out": base / "stolen"}


def test_there_are_at_least_60_attempts() -> None:
    assert len(ATTEMPTS) >= 60
    assert len({a["sql"] for a in ATTEMPTS}) == len(ATTEMPTS)


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=[a["sql"][:60] for a in ATTEMPTS])
def test_the_attempt_fails(places: dict[str, Path], attempt: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(places["cwd_tmp"].parent)
    expected = QueryRefused if attempt["outcome"] == "refused" else QueryError
    with pytest.raises(QueryError) as failed:
        run_query(places["root"], attempt["sql"].format(**{k: str(v) for k, v in places.items()}))
    assert type(failed.value) is expected, str(failed.value)
    assert attempt["reason"] in str(failed.value)
    assert SECRET not in str(failed.value)
    assert not places["out"].exists() and not list(places["lake"].glob("stolen*"))
