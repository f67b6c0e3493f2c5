"""The hard end of a command that does not stop: a library that swallows the stop must not keep it alive."""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psutil

from tests.conftest import REPO

STUCK = textwrap.dedent("""
    import subprocess, sys, time
    from flows import stopping

    stopping.allow(float(sys.argv[1]))
    stopping.stop_on_signals()
    stopping.if_ended(stopping.UNCOMMITTED)
    child = subprocess.Popen(["sleep", "600"], start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def swallowing_library():
        ready = False
        while True:
            try:
                if not ready:  # inside the try: a signal from the moment the test reads it is swallowed
                    print(child.pid, flush=True)
                    ready = True
                time.sleep(0.1)
            except BaseException:
                print("swallowed", flush=True)

    swallowing_library()
""")


@contextmanager
def _program(source: str, *args: str) -> Iterator[subprocess.Popen]:
    """``python -c source args`` from the repository; killed, with its children, if the test fails."""
    proc = subprocess.Popen([sys.executable, "-c", source, *args], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            for child in psutil.Process(proc.pid).children(recursive=True):
                child.kill()
            proc.kill()
            proc.communicate()


def _signalled_when_ready(program: str, signum: int) -> tuple[int, str, float]:
    """Run ``program`` until it prints "ready", send it ``signum``: its exit status, stderr and the seconds it took."""
    with _program(program) as proc:
        assert proc.stdout.readline() == "ready\n"
        started = time.monotonic()
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=30)
        return proc.returncode, err, time.monotonic() - started


def _gone(process: psutil.Process, within: float = 5) -> bool:
    deadline = time.monotonic() + within
    try:
        while process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
            if time.monotonic() > deadline:
                process.kill()
                return False
            time.sleep(0.05)
    except psutil.NoSuchProcess:
        pass
    return True


def test_a_command_that_does_not_stop_is_ended_after_the_grace_with_its_children() -> None:
    with _program(STUCK, "2") as proc:
        child = psutil.Process(int(proc.stdout.readline()))
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 143, err
        assert 2 <= time.monotonic() - started < 10
        assert ("stopped by SIGTERM (still running 2 s after it): ended at once; "
                "nothing of this load was committed; the next run loads its documents") in err
        assert "swallowing_library" in err, "where the command was stuck"
        assert _gone(child)


def test_a_signal_a_library_takes_with_its_own_handler_still_ends_the_command() -> None:
    """The watchdog hears the signal below Python's handlers: it needs no handler of ours to run."""
    program = ("import signal, sys, time\nfrom flows import stopping\nstopping.allow(1)\n"
               "stopping.stop_on_signals()\nsignal.signal(signal.SIGTERM, lambda *_: None)\n"
               "print('ready', flush=True)\nwhile True:\n    time.sleep(0.1)\n")
    status, err, _ = _signalled_when_ready(program, signal.SIGTERM)
    assert status == 143 and "stopped by SIGTERM (still running 1 s after it)" in err, err


def test_a_second_signal_ends_a_stopping_command_at_once() -> None:
    with _program(STUCK, "600") as proc:
        child = psutil.Process(int(proc.stdout.readline()))
        proc.send_signal(signal.SIGINT)
        assert proc.stdout.readline() == "swallowed\n"  # the first stop reached the handler, and was kept
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err
        assert time.monotonic() - started < 5
        assert "stopped by SIGINT (signalled again): ended at once" in err
        assert _gone(child)


def test_a_command_that_stops_by_itself_is_not_ended_hard() -> None:
    """The watchdog waits only on a stop: a command ending normally, or unwinding in time, keeps its status."""
    program = ("import sys, time\nfrom flows import stopping\nstopping.allow(5)\nstopping.stop_on_signals()\n"
               "try:\n    print('ready', flush=True)\n    time.sleep(60)\nexcept stopping.Stopped as stop:\n"
               "    time.sleep(0.2)\n    sys.exit(stop.exit_status)\n")
    status, err, seconds = _signalled_when_ready(program, signal.SIGINT)
    assert status == 130 and "ended at once" not in err, err
    assert seconds < 5
