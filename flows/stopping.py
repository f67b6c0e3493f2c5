"""SIGINT and SIGTERM stop every command the same way: an exception in the main thread, a distinct exit status.

A command started in the background by a non-interactive shell inherits SIGINT
ignored, and Python then never turns it into KeyboardInterrupt; so the handlers
are installed explicitly, whatever the process inherited. The exception unwinds
through the code that was running: a load that has not reached its commit point
stays uncommitted (the next run cleans it up), servers and workers are stopped
by their context managers, temporary files are removed. Prefect swaps SIGTERM
for its own handler while a flow runs, marks the flow run crashed, then sends
the signal again, which lands here.

Unwinding takes about a second. A command still running ``GRACE_S`` seconds
after the signal, or signalled again, is ended hard: its child processes are
killed, the stacks of its threads written to stderr (where it was stuck), and
it exits with the same status. Once, in CI, a run never finished stopping; a
library that swallows the stop, or a main thread stuck in C code where no
Python handler runs (C code that released the GIL: one that holds it stops
every thread), must not keep a command alive. So the signal is also
watched below Python's handlers: Python writes every signal's number to its
wakeup fd, here a pipe a watchdog thread reads, the moment it arrives.
"""
from __future__ import annotations

import ctypes
import faulthandler
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

import psutil

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


GRACE_S = 15.0
"""Seconds a signalled command may take to unwind before it is ended hard (see ``allow``)."""

_if_ended = ""
_pipe: tuple[int, int] | None = None  # (read, write): Python's wakeup fd
_lock = threading.Lock()
_seen: list[int] = []  # every signal the process received since it first recorded them, first first

UNCOMMITTED = "nothing of this load was committed; the next run loads its documents"


def committed(load_id: str) -> str:
    """What a load's command holds when stopped after ``load_id``'s commit."""
    return f"load {load_id} was committed before it"


def if_ended(state: str) -> None:
    """Say what the warehouse holds should the command be ended hard from now on (the hard end prints it)."""
    global _if_ended
    _if_ended = state


def allow(seconds: float) -> None:
    """Give this command's stop ``seconds`` to unwind: one whose clean-up waits on others longer
    than ``GRACE_S`` (``serve``: Prefect's runner waits 30 s for its flow runs, the server 20 s)."""
    global GRACE_S
    GRACE_S = seconds


def _end_now(signum: int, why: str) -> None:
    """Kill every child process, show where each thread was, and exit with the signal's status,
    whatever fails on the way (stderr may be a closed pipe: ``run ... | tee log`` after Ctrl-C).

    Writes with ``os.write`` and ``faulthandler``, which take no lock a stuck main thread may hold.
    """
    try:
        for child in psutil.Process().children(recursive=True):
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass
        state = f"; {_if_ended}" if _if_ended else ""
        os.write(2, f"stopped by {signal.Signals(signum).name} ({why}): ended at once{state}\n".encode())
        faulthandler.dump_traceback(file=2, all_threads=True)
    except BaseException:  # noqa: BLE001  (nothing may keep the process from ending)
        pass
    finally:
        os._exit(128 + signum)


def _record() -> int:
    """Have Python write each signal's number to the pipe (main thread only); the wakeup fd it replaced."""
    global _pipe
    if _pipe is None:
        read, write = os.pipe()
        os.set_blocking(read, False)
        os.set_blocking(write, False)
        _pipe = (read, write)
    return signal.set_wakeup_fd(_pipe[1], warn_on_full_buffer=False)


def _drain() -> list[int]:
    """All signals recorded so far, after adding those waiting in the pipe (with the stop signals
    held back meanwhile: a handler raising between the read and the record would lose them)."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        with _lock:
            try:
                _seen.extend(os.read(_pipe[0], 4096))
            except BlockingIOError:
                pass
            return list(_seen)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _watch() -> None:
    """Wait for the first SIGINT or SIGTERM, whichever handler takes it (or none yet, the main thread
    being stuck in C code), then give the command ``GRACE_S`` seconds to end by itself."""
    while not (stops := [signum for signum in _drain() if signum in SIGNALS]):
        select.select([_pipe[0]], [], [], 0.5)  # the timeout: a signals_seen() may drain it first
    time.sleep(GRACE_S)
    _end_now(stops[0], f"still running {GRACE_S:g} s after it")


def _stop(signum: int, frame: FrameType | None) -> None:
    if received:
        _end_now(signum, "signalled again")
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
    """Make SIGINT and SIGTERM raise ``Stopped`` in the main thread, even where SIGINT started out ignored,
    and end the command hard if it is signalled again or does not end within ``GRACE_S``."""
    _record()
    threading.Thread(target=_watch, name="stop-watchdog", daemon=True).start()
    for signum in SIGNALS:
        signal.signal(signum, _stop)


@contextmanager
def signals_seen() -> Iterator[Callable[[], list[int]]]:
    """Within the block, which signals reached a Python-level handler, whoever's (a library's too):
    Python writes each one's number to the wakeup fd, a pipe read when the returned function is called."""
    previous = _record()
    start = len(_drain())

    def seen() -> list[int]:
        return _drain()[start:]

    try:
        yield seen
    finally:
        if _pipe is not None and previous != _pipe[1]:
            signal.set_wakeup_fd(previous)
