"""Named extraction rules, declared as data, and the trace ``crisis-etl explain`` prints.

A rule is a pattern of the language, never of one document: its id, the table it
decides, a one-line summary and the lexicon entries holding its words are declared
as a ``[[rule]]`` entry of the lexicon file that holds those words
(``config/lexicons/*.toml``); its golden cases (rows that must come out and
sentences that must not give one) are ``tests/extract/golden/rules/<id>.jsonl``.

Code names a rule with ``rule(id)`` at import time, so an undeclared id fails at
once, and reports each decision with ``note(rule, start, end, verdict, detail)``.
Noting is free when no trace is active (one context-variable read); under
``tracing()`` the events are collected, which is how ``explain`` shows why a
number or a quotation became a row or did not.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from config import lexicon_names, load_lexicon

TABLES = ("refugees", "casualties", "statements", "figures")
"""What a rule decides: one table, or ``figures`` for both figure tables."""


@dataclass(frozen=True)
class Rule:
    """A declared rule: what it decides and where its words live."""

    id: str
    table: str
    summary: str
    lexicon: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    """One decision of a rule about the text between ``start`` and ``end`` (document offsets)."""

    rule: str
    start: int
    end: int
    verdict: str
    detail: str = ""


VERDICTS = ("fired", "drop", "set")
"""fired: the rule matched a candidate; drop: it refused one; set: it decided a field."""


def _declared() -> dict[str, Rule]:
    rules = {}
    for entry in (e for name in lexicon_names() for e in load_lexicon(name).get("rule", [])):
        item = Rule(entry["id"], entry["table"], entry["summary"], tuple(entry.get("lexicon", ())))
        if item.table not in TABLES:
            raise ValueError(f"rule {item.id}: unknown table {item.table!r}")
        if item.id in rules:
            raise ValueError(f"rule {item.id} declared twice")
        rules[item.id] = item
    return rules


RULES: dict[str, Rule] = _declared()
_TRACE: ContextVar[list[Event] | None] = ContextVar("rule_trace", default=None)


def rule(rule_id: str) -> Rule:
    """The declared rule ``rule_id``; a KeyError names an id no lexicon declares."""
    try:
        return RULES[rule_id]
    except KeyError:
        raise KeyError(f"rule {rule_id!r} is not declared by a [[rule]] of config/lexicons/*.toml") from None


def note(which: Rule, start: int, end: int, verdict: str, detail: str = "") -> None:
    """Record a decision of ``which`` when a trace is active (see ``tracing``)."""
    trace = _TRACE.get()
    if trace is not None:
        assert verdict in VERDICTS, verdict
        trace.append(Event(which.id, start, end, verdict, detail))


@contextmanager
def tracing() -> Iterator[list[Event]]:
    """Collect every ``note`` made inside the block, in order."""
    events: list[Event] = []
    token = _TRACE.set(events)
    try:
        yield events
    finally:
        _TRACE.reset(token)


def lexicon_entry(key: str) -> Any:
    """The value a rule's lexicon key names: ``"<lexicon>:<dotted.path>"``."""
    name, _, path = key.partition(":")
    value: Any = load_lexicon(name)
    for part in path.split("."):
        value = value[part]
    return value
