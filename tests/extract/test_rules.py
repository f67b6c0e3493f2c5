"""Named rules: every declared rule is used, has its words and its golden cases, and they hold.

A rule's golden file ``golden/rules/<id>.jsonl`` holds passages of our own, each
with every row (all meaning columns) that must come out of it, per table: an
empty list means no row may come out. Each file has at least one passage giving
a row, one giving none, and one where the rule itself fires, so a rule cannot be
declared without being exercised.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

import extract
from config import load_lexicon
from extract.explain import explain
from extract.rules import RULES, lexicon_entry, rule
from schemas.vocab import OUTCOMES, REFUGEE_CATEGORIES, VICTIM_TYPES

GOLDEN = Path(__file__).parent / "golden" / "rules"
COLUMNS = {
    "refugees": ("figure", "figure_high", "qualifier", "category", "population", "location", "attributed_to"),
    "casualties": ("figure", "figure_high", "qualifier", "outcome", "victims", "victim_type", "perpetrator",
                   "location", "attributed_to"),
    "statements": ("speaker", "speaker_title", "quote", "quote_type", "verb"),
}
CASES = [(path.stem, json.loads(line)) for path in sorted(GOLDEN.glob("*.jsonl"))
         for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _rows(rows: list[dict], table: str) -> Counter:
    return Counter(tuple(row.get(c) for c in COLUMNS[table]) for row in rows)


def _events(nlp, text: str) -> list:
    _, candidates, loose = explain(nlp(text))
    return [e for c in candidates for e in c.events] + loose


@pytest.mark.parametrize(("rule_id", "case"), CASES, ids=[f"{r}: {c['text'][:40]}" for r, c in CASES])
def test_golden(nlp, rule_id: str, case: dict) -> None:
    got, _, _ = explain(nlp(case["text"]))
    for table in COLUMNS:
        assert table in case, f"a case lists every table ({table} missing)"
        for want in case[table]:
            assert set(want) == set(COLUMNS[table]), f"{table} rows give every meaning column"
        assert _rows(got[table], table) == _rows(case[table], table), table


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_has_golden_cases_that_exercise_it(nlp, rule_id: str) -> None:
    cases = [c for r, c in CASES if r == rule_id]
    assert any(any(c[t] for t in COLUMNS) for c in cases), "a case that gives a row"
    assert any(not any(c[t] for t in COLUMNS) for c in cases), "a case that must give none"
    fired = [e for c in cases for e in _events(nlp, c["text"]) if e.rule == rule_id]
    assert fired, "a case where the rule itself decides something"


def test_golden_files_name_declared_rules() -> None:
    assert {r for r, _ in CASES} <= set(RULES)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_lexicon_keys_exist(rule_id: str) -> None:
    for key in RULES[rule_id].lexicon:
        assert lexicon_entry(key), key


def test_every_declared_rule_is_used_in_code() -> None:
    source = "".join(p.read_text(encoding="utf-8") for p in Path(extract.__file__).parent.glob("*.py"))
    used = set(re.findall(r"""rule\(["']([\w.-]+)["']\)""", source))
    assert used == set(RULES)


def test_undeclared_rule_fails_loudly() -> None:
    with pytest.raises(KeyError, match="not declared"):
        rule("no.such-rule")


def test_every_label_a_lexicon_gives_is_in_the_schema_vocabulary() -> None:
    figures = load_lexicon("figures")
    for table, key, allowed in (("refugees", "category", REFUGEE_CATEGORIES), ("casualties", "outcome", OUTCOMES)):
        labels = set(figures[table]["words"]) | set(figures[table].get("phrases", {}))
        labels |= {combo[key] for combo in figures[table].get("combos", [])}
        assert labels <= set(allowed), table
    assert {"civilian", "combatant"} <= set(VICTIM_TYPES)


def test_version_is_computed_from_lexicons_and_code() -> None:
    assert re.fullmatch(r"2\.[0-9a-f]{12}", extract.EXTRACTOR_VERSION)
