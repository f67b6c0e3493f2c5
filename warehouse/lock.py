"""One writer at a time where the catalog needs it: an OS file lock that records who holds it.

An embedded warehouse's SQLite catalog takes one writer at a time, so runs
into it queue on ``<root>/.lock``; a PostgreSQL catalog takes concurrent
writers (DuckLake resolves their commits), so shared warehouses take no lock.

``flock`` is released by the kernel when its holder dies, so a lock left by a
killed run never blocks the next one; the holder's run id and start time are
written into the file so a waiting run can say whom it waits for.
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from warehouse.lake import Location


class WarehouseBusy(RuntimeError):
    """Another run held the warehouse lock for longer than we were willing to wait."""


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "an unknown run"
    return f"run {info.get('run_id')} (pid {info.get('pid')}, since {info.get('started_at')})"


@contextmanager
def warehouse_lock(root: Path, run_id: str, timeout_s: float, poll_s: float = 0.2) -> Iterator[None]:
    """Hold ``<root>/.lock`` for the block; wait up to ``timeout_s`` for another holder."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / ".lock"
    deadline = time.monotonic() + timeout_s
    with open(path, "a+", encoding="utf-8") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(f"warehouse {root} is busy: held by {_holder(path)}") from None
                time.sleep(poll_s)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"run_id": run_id, "pid": os.getpid(),
                                 "started_at": datetime.now(UTC).isoformat(timespec="seconds")}))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def writer_lock(location: Location, run_id: str, timeout_s: float) -> AbstractContextManager:
    """The warehouse lock for an embedded catalog; nothing for a shared one."""
    return warehouse_lock(location.root, run_id, timeout_s) if location.embedded else nullcontext()
