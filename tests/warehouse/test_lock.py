"""One run at a time per warehouse."""
from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from warehouse.lock import WarehouseBusy, warehouse_lock


def _hold(root: Path, seconds: float) -> None:
    with warehouse_lock(root, "holder-run", timeout_s=5):
        time.sleep(seconds)


def _lock_text(root: Path) -> str:
    path = root / ".lock"
    return path.read_text() if path.exists() else ""


def test_second_run_waits_then_gives_up_naming_the_holder(tmp_path: Path) -> None:
    holder = multiprocessing.get_context("spawn").Process(target=_hold, args=(tmp_path, 5))
    holder.start()
    deadline = time.monotonic() + 30
    while "holder-run" not in _lock_text(tmp_path):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    with pytest.raises(WarehouseBusy, match="holder-run"):
        with warehouse_lock(tmp_path, "second-run", timeout_s=0.3):
            pass
    holder.kill()  # a killed holder's lock is released by the kernel: no stale lock
    holder.join()
    with warehouse_lock(tmp_path, "third-run", timeout_s=5):
        assert "third-run" in (tmp_path / ".lock").read_text()
