"""Parse and extract on every core: worker processes that load the spaCy model once.

The model and the parse stay in the workers; only texts go in and plain row
dicts come out, so little crosses process boundaries. Workers are started
with ``spawn`` because the flow's process runs Prefect's threads, which
``fork`` does not copy safely.
"""
from __future__ import annotations

import multiprocessing
import traceback
from concurrent.futures import Executor, ProcessPoolExecutor
from types import TracebackType

from extract.nlp import load_nlp
from extract.pipeline import Rows, extract_texts

def _init_worker(model: str) -> None:
    load_nlp(model)  # pay the model load at pool start, not inside the first batch


def extract_chunk(model: str, texts: list[str]) -> list[Rows | str]:
    """Rows per text, or the formatted error of a text whose extraction failed."""
    nlp = load_nlp(model)
    out: list[Rows | str] = []
    for result in extract_texts(nlp, texts):
        if isinstance(result, BaseException):
            out.append("".join(traceback.format_exception(result)).strip())
        else:
            out.append(result)
    return out


class ExtractorPool:
    """``map(texts)`` over ``workers`` processes, or in this process when ``workers`` is 1."""

    def __init__(self, model: str, workers: int) -> None:
        self.model = model
        self.workers = max(1, workers)
        self._executor: Executor | None = None

    def __enter__(self) -> ExtractorPool:
        if self.workers > 1:
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context,
                                                 initializer=_init_worker, initargs=(self.model,))
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)

    def map(self, texts: list[str]) -> list[Rows | str]:
        """Extract every text, keeping order; texts are split evenly across the workers."""
        if self._executor is None or len(texts) < 2:
            return extract_chunk(self.model, texts)
        size = -(-len(texts) // self.workers)
        chunks = [texts[i:i + size] for i in range(0, len(texts), size)]
        futures = [self._executor.submit(extract_chunk, self.model, chunk) for chunk in chunks]
        return [result for future in futures for result in future.result()]
