"""Is a counted noun people? The person-noun test every figure goes through.

A figure counts people (the guide), so "14,000 consultations", "3 blankets" or
"604 breaches" give no row whatever cue stands near them. The test is general:
a noun counts people when WordNet files one of its commonest senses as a person
(``noun.person``: refugees, civilians, nurses, Syrians, arrivals), or when it is
one of the group nouns that count heads (people, families, troops, police) or
a noun of a person's forced movement (repatriations, deportations), or
when it is itself a figure word (deaths, bodies, casualties, lives). A noun
WordNet does not know (a name, a misspelling) gets the benefit of the doubt.
The classes and group nouns are data: ``config/lexicons/figures.toml`` [people].
"""
from __future__ import annotations

from config import load_lexicon
from extract.wordnet import noun_classes

_LEX = load_lexicon("figures")["people"]
_PERSON_CLASSES = set(_LEX["classes"])
_SENSES = int(_LEX["senses"])
_GROUP_NOUNS = set(_LEX["group_nouns"]) | set(_LEX["movements"])
_PERSON_SUFFIXES = tuple(_LEX["person_suffixes"])
_MIN_PART = 4


def is_people_noun(lemma: str, text: str) -> bool:
    """Whether the noun (its lemma and its text, lower-cased) counts people."""
    if lemma in _GROUP_NOUNS or text in _GROUP_NOUNS:
        return True
    classes = next((c for c in map(noun_classes, (lemma, text)) if c is not None), None)
    if classes is None:
        classes = _compound_head(lemma)
    return classes is None or any(c in _PERSON_CLASSES for c in classes[:_SENSES])


def _compound_head(word: str) -> tuple[str, ...] | None:
    """A closed compound WordNet lacks is classed by its longest known last part:
    "airstrike" by "strike", "gunboat" by "boat"; a word ending like a person ("-er",
    "-ist", "-ian") and known by no part counts people ("peshmerga" stays unknown)."""
    for start in range(1, len(word) - _MIN_PART + 1):
        classes = noun_classes(word[start:].lstrip("-"))
        if classes is not None:
            return classes
    return ("noun.person",) if word.endswith(_PERSON_SUFFIXES) else None
