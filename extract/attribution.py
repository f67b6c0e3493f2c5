"""Who a figure or a quotation comes from: the one definition of reporting verbs, "according
to" and pronouns (config/lexicons/language.toml) that figures, places and speakers share.

A figure's source and a quotation's speaker are found with the same words ("the monitor said",
"according to the ministry"), so a word added for one reaches the other; only the verbs proper
to one of them ("insisted", "put the toll at") are kept apart.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from config import load_lexicon

if TYPE_CHECKING:  # the flow's process reads the verbs (through extract.when) without importing spaCy
    from spacy.tokens import Token

_LEX = load_lexicon("language")
_VERBS, _PRONOUNS = _LEX["reporting"], _LEX["pronouns"]
ACCORDING = frozenset(_VERBS["according"])
FRAMING = frozenset(_VERBS["framing"])
ADDRESSING = frozenset(_VERBS["addressing"])
SPEECH_VERBS = frozenset(_VERBS["say"] + _VERBS["speech"])
"""Verbs that hand a quotation to its speaker."""
SOURCE_VERBS = frozenset(_VERBS["say"] + _VERBS["count"]) | ACCORDING
"""Verbs whose subject gives a figure (and is therefore no place nor a perpetrator of it)."""
_DONE_OBJECTS = frozenset(_VERBS["done_objects"])
PERSON_PRONOUNS = frozenset(_PRONOUNS["person"])
GROUP_PRONOUNS = frozenset(_PRONOUNS["group"])
FIRST_PERSON = frozenset(_PRONOUNS["first_person"])
RELATIVE = frozenset(_PRONOUNS["relative"])
PRONOUNS = PERSON_PRONOUNS | GROUP_PRONOUNS | FIRST_PERSON | RELATIVE | frozenset(_PRONOUNS["demonstrative"])
"""Every pronoun: a subject that names no source by itself."""


def is_according(tok: Token) -> bool:
    """The "according" of "according to X"."""
    return tok.lower_ in ACCORDING or tok.lemma_.lower() in ACCORDING


def according_object(tok: Token) -> Token | None:
    """The X of "according to X", when ``tok`` is "according"; the parser hangs "to" under
    "according" or leaves it beside it."""
    if not is_according(tok):
        return None
    for prep in tok.children:
        if prep.lower_ == "to":
            return next((c for c in prep.children if c.dep_ == "pobj"), None)
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.lower_ == "to":
        return next((c for c in nxt.children if c.dep_ == "pobj"), None)
    return None


def reports(verb: Token, verbs: frozenset[str] = SOURCE_VERBS) -> bool:
    """``verb`` (one of ``verbs``) hands something to its subject as its source; "the blast claimed
    the lives of 80" uses the verb for what the blast did, so the blast is no source and its day no
    day of speech."""
    return verb.lemma_.lower() in verbs and not any(
        c.dep_ == "dobj" and c.lemma_.lower() in _DONE_OBJECTS for c in verb.children)


def is_speech_verb(tok: Token) -> bool:
    """A verb of saying (said, told, declared, insisted ...)."""
    return tok.lemma_.lower() in SPEECH_VERBS and (tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"))
