"""docs/data-dictionary.md is generated from the schemas and must not go stale."""
from __future__ import annotations

import schemas
from schemas.dictionary import DICTIONARY, render


def test_committed_dictionary_is_up_to_date() -> None:
    assert DICTIONARY.read_text(encoding="utf-8") == render(), (
        "docs/data-dictionary.md is stale: run `.venv/bin/python -m schemas.dictionary` and commit it")


def test_dictionary_names_every_table_and_column() -> None:
    text = render()
    for name, model in schemas.TABLES.items():
        assert f"### `{name}`" in text
        assert all(f"| `{column}` |" in text for column in schemas.columns(model))
    for table in schemas.FACT_TABLES:
        assert f"### `{table}_facts`" in text
    assert "| `at_most` |" in text and "one of `civilian`, `combatant`, `unknown`" in text
