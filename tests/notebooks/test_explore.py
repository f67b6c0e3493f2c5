"""notebooks/explore.ipynb runs top to bottom against a warehouse, and draws its charts."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.warehouse.small_warehouse import build_small_warehouse

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "explore.ipynb"


def test_explore_notebook_executes_and_draws_its_charts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = build_small_warehouse(tmp_path / "wh")
    monkeypatch.setenv("CRISIS_ETL_PATHS_WAREHOUSE", str(warehouse))  # the kernel inherits the environment
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    assert sum("image/png" in out.get("data", {}) for out in outputs) == 3
    text = "".join(out.get("text", "") + str(out.get("data", {}).get("text/plain", "")) for out in outputs)
    assert "3 documents, 4 casualty figures, 3 displacement figures, 3 statements" in text
    assert "Melissa Fleming" in text
