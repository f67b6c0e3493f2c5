"""SIGINT and SIGTERM stop every command the same way: an exception in the main thread, a distinct exit status.

A command started in the background by a non-interactive shell inherits SIGINT
ignored, and Python then never turns it into KeyboardInterrupt; so the handlers
are installed explicitly, whatever the process inherited. The exception unwinds
through the code that was running: a load that has not reached its commit point
stays uncommitted (the next run cleans it up), servers and workers are stopped
by their context managers, temporary files are removed. Prefect swaps SIGTERM
for its own handler while a flow runs, marks the flow run crashed, then sends
the signal again, which lands here.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(BaseException):
    """A signal asked the command to stop (a BaseException, like KeyboardInterrupt: no ``except Exception`` keeps it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum

    @property
    def exit_status(self) -> int:
        """128 + the signal number, as a shell reports a process the signal ended: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum


received: list[int] = []
"""Signals that reached ``_stop``, first first: code that calls out to C which runs Python's signal
handlers itself (DuckDB) and drops their exception can still tell why it was interrupted."""


def _stop(signum: int, frame: FrameType | None) -> None:
    received.append(signum)
    raise Stopped(signum)


def signalled(err: BaseException, seen: list[int] | None = None) -> Stopped | None:
    """The stop a signal caused, if ``err`` is one or came of one: a signal landing inside a library
    (Prefect's task engine) can make the library's own clean-up fail with an error of its own.
    ``seen``: signals a library's own handler took (``signals_seen``), whose exception DuckDB may drop."""
    if isinstance(err, Stopped):
        return err
    signals = received or seen or []
    return Stopped(signals[0]) if signals and isinstance(err, Exception) else None


def die_with_parent(signum: int) -> None:
    """Have the kernel send ``signum`` to this process when its parent dies, even by SIGKILL (Linux only).

    The signal follows the parent's *thread* that started this process: start
    children from a thread that lives as long as they should.
    """
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signum)  # 1 = PR_SET_PDEATHSIG


def stop_on_signals() -> None:
    """Make SIGINT and SIGTERM raise ``Stopped`` in the main thread, even where SIGINT started out ignored."""
    for signum in SIGNALS:
        signal.signal(signum, _stop)


@contextmanager
def signals_seen() -> Iterator[Callable[[], list[int]]]:
    """Within the block, which signals reached a Python-level handler, whoever's (a library's too): Python
    writes each one's number to the wakeup fd, here a pipe read when the returned function is called."""
    read, write = os.pipe()
    os.set_blocking(read, False)
    os.set_blocking(write, False)
    previous = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    seen: list[int] = []

    def drain() -> list[int]:
        try:
            seen.extend(os.read(read, 4096))
        except BlockingIOError:
            pass
        return seen

    try:
        yield drain
    finally:
        signal.set_wakeup_fd(previous)
        os.close(read)
        os.close(write)
