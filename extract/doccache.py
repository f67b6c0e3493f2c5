"""Whole-document values the extractors read many times, computed once per document.

spaCy rebuilds ``Doc.text`` from every token on each access, ``Doc.ents``
from every token's annotation (``Span.ents`` goes through it too), and a new
``Token`` object on every index or walk: the
extractors' repeated reads each walked the whole document, a quarter of
extraction time in the benchmark profile. Each value is kept in the
document's ``user_data`` on first read; a parsed document does not change
afterwards. The kept entities refer back to their document, a reference cycle
that only the garbage collector's rare full passes would free, so whoever
finishes with a document calls ``forget``.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from typing import TypeVar

from spacy.attrs import IDX
from spacy.tokens import Doc, Span, Token

T = TypeVar("T")
_PREFIX = "crisis_etl."
_TEXT, _ENTS, _TOKENS, _BREAKS = _PREFIX + "text", _PREFIX + "ents", _PREFIX + "tokens", _PREFIX + "breaks"


def kept(doc: Doc, key: str, compute: Callable[[Doc], T]) -> T:
    """``compute(doc)``, computed on the first call for ``doc`` and ``key`` (a name of the caller's)."""
    key = key if key.startswith(_PREFIX) else _PREFIX + key
    if key not in doc.user_data:
        doc.user_data[key] = compute(doc)
    return doc.user_data[key]


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed on the first call for ``doc``."""
    return kept(doc, _TEXT, lambda d: d.text)


def doc_ents(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, computed on the first call for ``doc``."""
    return kept(doc, _ENTS, lambda d: d.ents)


def span_text(span: Span) -> str:
    """``span.text``, cut from the document's text kept once (``Span.text`` joins its tokens anew)."""
    return doc_text(span.doc)[span.start_char:span.end_char]


def doc_tokens(doc: Doc) -> list[Token]:
    """The document's tokens, made once: ``doc[i]`` and every walk over a span build a new
    ``Token`` object per token (about 140 ns each), and the rules read each token dozens of times."""
    return kept(doc, _TOKENS, list)


def tokens_of(span: Span) -> list[Token]:
    """The tokens of ``span``, from the document's kept list."""
    return doc_tokens(span.doc)[span.start:span.end]


def break_tokens(doc: Doc) -> list[int]:
    """Indices of the tokens whose text or trailing space holds a line break, in order: found from
    the text's newlines (each lies in the token whose text and space cover it), not by walking tokens."""
    def find(d: Doc) -> list[int]:
        starts = d.to_array([IDX]).tolist()
        return sorted({bisect_right(starts, at.start()) - 1 for at in re.finditer("\n", doc_text(d))})
    return kept(doc, _BREAKS, find)


def ents_in(span: Span) -> list[Span]:
    """``span.ents``: the entities lying wholly inside ``span``, in order."""
    return [ent for ent in doc_ents(span.doc) if ent.start >= span.start and ent.end <= span.end]


def forget(doc: Doc) -> None:
    """Drop what was kept for ``doc``, so it is freed as soon as it is no longer used."""
    for key in [k for k in doc.user_data if isinstance(k, str) and k.startswith(_PREFIX)]:
        del doc.user_data[key]
