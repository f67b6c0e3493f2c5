"""The loaded pipeline: line-break sentences, NumPy's BLAS, the indexed attribute ruler."""
from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from threadpoolctl import threadpool_info

from extract.attribute_index import IndexedMatches, index_attribute_ruler
from tests.conftest import SAMPLES


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


def test_a_spaced_slash_separates_a_leads_items_but_no_date_nor_and_or(nlp: Language) -> None:
    doc = nlp("140 people saved in the Mediterranean / Update on returns from Greece / And more news")
    assert [s.text for s in doc.sents] == ["140 people saved in the Mediterranean /", "Update on returns from Greece /",
                                           "And more news"]
    for one in ("AYS Digest 12/06: 300 refugees stranded and/or detained at the border",
                "AYS Digest 12 / 06: 300 refugees stranded and / or detained at the border"):
        assert len(list(nlp(one).sents)) == 1, one


def test_the_indexed_attribute_ruler_finds_the_matchers_matches(nlp: Language) -> None:
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler.match, IndexedMatches)
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    texts.append("Y'all ain't gonna believe it: there're nothin' but 5,000 tents.\n\n  Officials said so.")
    with nlp.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner"]):
        docs = list(nlp.pipe(texts))
    matches = 0
    for doc in docs:
        expected = sorted(set(AttributeRuler.match(ruler, doc)))
        assert ruler.match(doc) == expected
        matches += len(expected)
    assert matches > sum(len(doc) for doc in docs) * 0.9  # nearly every token has its tag mapped


def test_a_pattern_beyond_the_index_keeps_the_matcher() -> None:
    ruler = spacy.blank("en").add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "very", "OP": "+"}, {"TAG": "JJ"}]], {"LEMMA": "very"})
    assert not index_attribute_ruler(ruler)
    assert not isinstance(ruler.match, IndexedMatches)
