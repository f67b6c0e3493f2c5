"""The loaded pipeline: line-break sentences, and matrix products on NumPy's BLAS."""
from __future__ import annotations

from spacy.language import Language
from threadpoolctl import threadpool_info


def test_every_component_computes_with_numpy_not_blis(nlp: Language) -> None:
    for name, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None:
            assert model.ops.name == "numpy" and not model.ops.use_blis, name


def test_blas_runs_one_thread_per_process(nlp: Language) -> None:
    pools = [p for p in threadpool_info() if p["user_api"] == "blas"]
    assert pools and all(p["num_threads"] == 1 for p in pools)


def test_a_line_break_always_ends_a_sentence(nlp: Language) -> None:
    doc = nlp("Thousands flee as fighting nears\nAbout 5,000 people crossed the border on Monday, officials said.")
    assert [s.text.strip() for s in doc.sents][0] == "Thousands flee as fighting nears"
