"""The attribute ruler's matches through an index, instead of every pattern tried at every token.

The pipeline's ``attribute_ruler`` maps tags to parts of speech and fixes
lemmas with about 180 token patterns. spaCy's Matcher tries each of them at
each token, which was 11% of the whole parse in the benchmark profile. Nearly
every pattern pins its first token's tag or lowercase form, so a dictionary
lookup finds the few patterns that can start at a token; the rest (DEP- or
space-only patterns) are tried everywhere, as before. The matches, and so
every annotation, are the same: ``tests/extract/test_nlp.py`` compares them with
the Matcher's on the sample documents. A ruler with a pattern this index cannot
read (quantifiers, other operators, other attributes) keeps its Matcher.
"""
from __future__ import annotations

import re
from collections import defaultdict
from operator import attrgetter

from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

_ATTRS = {"TAG": "tag_", "LOWER": "lower_", "ORTH": "text", "NORM": "norm_", "DEP": "dep_", "POS": "pos_",
          "LEMMA": "lemma_", "IS_SPACE": "is_space"}
"""Matcher attributes the index reads, and the Token attribute holding each."""
_INDEXED = ("LOWER", "TAG", "DEP", "IS_SPACE")  # first-token attributes the index is keyed on, in this order


Spec = tuple[str, str, object]
"""One constraint on one token: (attribute, operator, value)."""


class Unsupported(ValueError):
    """A pattern the index cannot evaluate exactly as the Matcher would."""


def _spec(attr: str, value: object) -> Spec:
    if attr not in _ATTRS:
        raise Unsupported(f"attribute {attr}")
    if isinstance(value, (str, bool)):
        return attr, "==", value
    if isinstance(value, dict) and len(value) == 1:
        (op, arg), = value.items()
        if op in ("IN", "NOT_IN"):
            return attr, op, frozenset(arg)
        if op == "REGEX":
            return attr, op, re.compile(arg)
    raise Unsupported(f"value {value!r}")


def _holds(spec: Spec, value: str | bool) -> bool:
    _, op, arg = spec
    if op == "==":
        return value == arg
    if op == "IN":
        return value in arg
    if op == "NOT_IN":
        return value not in arg
    return arg.search(value) is not None


def _index_keys(first: dict) -> tuple[str | None, list[str | bool]]:
    """The attribute and values under which a pattern starting with ``first`` is filed; (None, []) = everywhere."""
    for attr in _INDEXED:
        value = first.get(attr)
        if isinstance(value, (str, bool)):
            return attr, [value]
        if isinstance(value, dict) and list(value) == ["IN"]:
            return attr, list(value["IN"])
    return None, []


Rule = tuple[int, int, list[list[Spec]]]
"""(rule id, its match key, the constraints of each token of one of its patterns)."""


class IndexedMatches:
    """``ruler.match``: the sorted (rule id, key, start, end) matches the ruler's Matcher would give."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.index: dict[str, dict[str | bool, list[Rule]]] = {attr: defaultdict(list) for attr in _INDEXED}
        self.everywhere: list[Rule] = []
        self.attrs = set(_INDEXED)
        for rule_id, entry in enumerate(ruler.patterns):
            key = ruler.vocab.strings[str(rule_id)]
            for pattern in entry["patterns"]:
                specs = [[_spec(attr, value) for attr, value in token.items()] for token in pattern]
                self.attrs.update(attr for token in specs for attr, _, _ in token)
                attr, values = _index_keys(pattern[0])
                if attr is None:
                    self.everywhere.append((rule_id, key, specs))
                    continue
                rest = [[spec for spec in specs[0] if spec[0] != attr], *specs[1:]]  # the lookup checked attr
                for value in values:
                    self.index[attr][value].append((rule_id, key, rest))
        self.columns = sorted(self.attrs)
        self._read = attrgetter(*(_ATTRS[a] for a in self.columns))  # one tuple of every column per token

    def _starting_at(self, cols: dict[str, list], i: int) -> list[Rule]:
        return [rule for attr, by_value in self.index.items() for rule in by_value.get(cols[attr][i], ())]

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        cols = dict(zip(self.columns, zip(*map(self._read, doc)))) if len(doc) else {}
        found = set()
        for i in range(len(doc)):
            for rule_id, key, specs in self._starting_at(cols, i) + self.everywhere:
                end = i + len(specs)
                if end <= len(doc) and all(_holds(spec, cols[spec[0]][j])
                                           for j, token in zip(range(i, end), specs) for spec in token):
                    found.add((rule_id, key, i, end))
        return sorted(found)


def index_attribute_ruler(ruler: AttributeRuler) -> bool:
    """Give ``ruler`` the indexed matching; False (Matcher kept) when a pattern is beyond the index."""
    try:
        ruler.match = IndexedMatches(ruler)
    except Unsupported:
        return False
    return True
