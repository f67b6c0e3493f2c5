"""The data dictionary, ``docs/data-dictionary.md``, generated: ``python -m schemas.dictionary``.

Tables, columns, nullability, allowed values and descriptions come from the
pandera models in ``schemas.TABLES``; column types, the ``*_facts`` views'
extra columns, the incident tables' columns and the estimate each qualifier
gives come from the views themselves, built over an empty warehouse. So the dictionary cannot disagree
with what a query returns, and a test fails when the committed file is stale.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import duckdb
import pandera.pandas as pa
from pandera.api.checks import Check

import schemas
from schemas.vocab import QUALIFIERS

DICTIONARY = Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md"
GUIDE_EXAMPLES: dict[str, tuple[str, int, int | None]] = {
    "exact": ('"5,000", "five thousand", "1.2 million"', 5000, None),
    "approximate": ('"about / around / some / nearly / roughly / an estimated 50,000"', 50000, None),
    "at_least": ('"more than / over / at least / upwards of 660,000"', 660000, None),
    "at_most": ('"up to / as many as / fewer than 70,000"', 70000, None),
    "range": ('"50,000 to 55,000", "between 50,000 and 55,000"', 50000, 55000),
    "vague": ('"dozens" (12); "tens" 10, "scores" 20, "hundreds" 100, "thousands" 1000, "a few" 3', 12, None),
}
"""Qualifier -> (wording, figure, figure_high), from the annotation guide's numbering table."""
VIEW_COLUMNS = {
    "estimate_low": "Fewest people the figure allows (see Figures and qualifiers); null for `at_most`",
    "estimate_high": "Most people the figure allows; null when the text sets no upper bound",
    "title": "`documents.title` of the fact's document",
    "published_date": "`documents.published_date` of the fact's document",
    "source_uri": "`documents.source_uri`: where the document came from",
    "headline": "`sections.headline` of the fact's section",
}
"""Descriptions of the columns the ``<table>_facts`` views add to their table."""
INTRO = """\
# Data dictionary

Generated from the pandera models in `schemas/` by `python -m schemas.dictionary`;
do not edit by hand (`tests/schemas/test_dictionary.py` fails when this file is stale).
Types are DuckDB's, as `crisis-etl sql` and `crisis.duckdb` show them; the lake's Parquet
data files (and `crisis-etl export`) hold the same columns.
"""
FIGURES = """\
## Figures and qualifiers

A figure is a count of people, as the annotation guide writes it: `figure` is an integer,
`figure_high` is set only for ranges, and vague words take the most conservative value they
allow (as ACLED codes fatalities). The `*_facts` views turn each figure into bounds:
`sum(estimate_low)` is the fewest people a set of figures can mean (an `at_most` figure adds
nothing); `estimate_high` is null wherever the text sets no upper bound. Rival tolls and
repeated reports of one event are separate rows, so sums over them overstate.
"""
FACTS_OR_INCIDENTS = """\
## Facts or incidents: which to add up

Every figure says what span it covers (`scope`) and, for an incident, the day it happened
(`event_date`, resolved against the day the text is about, else its date stamp or `published_date`; `event_date_text` holds the
words). Use

- `<table>_facts` to read, audit or quote figures: one row per figure per document section,
  with its sentence, source and hedge. Sums over it count one air strike once per article
  that reported it, and mix war-wide tolls (`scope = 'total'`) and monthly tallies
  (`scope = 'period'`) with the day's events.
- `casualty_incidents` / `displacement_incidents` to count and chart events: the
  `scope = 'incident'` figures grouped so that each incident is one row, whatever number of
  documents or sections reported it, with its lowest, best and highest estimate, its
  `reports`, `sources` and `doc_ids`. Chart by `event_date`, not by publication day. Totals
  and periods are not in them: read those from the facts views with their `scope`.

Two reports are one incident when their outcome (category) is the same, their victims are of one
side (civilians and combatants never; people of no stated kind go with either), their locations agree
(one name's words inside the other's), their event dates are at most a day apart (an undated
report matches only reports published the same day) and their figures agree (equal, or within
each other's range or hedge); within one document a figure under half of another is a subgroup,
not a rival toll.
"""


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _constraint(check: Check) -> str:
    stats = check.statistics
    if check.name == "isin":
        return "one of " + ", ".join(f"`{v}`" for v in stats["allowed_values"])
    if check.name == "greater_than_or_equal_to":
        return f">= {stats['min_value']}"
    if check.name == "str_length" and stats["min_value"] == stats["max_value"]:
        return f"length {stats['min_value']}"
    if check.name == "str_length":
        return f"length >= {stats['min_value']}"
    return check.name


def _table_section(name: str, model: type[pa.DataFrameModel], types: dict[str, str]) -> str:
    schema = model.to_schema()
    summary = (sys.modules[model.__module__].__doc__ or "").strip().splitlines()[0]
    lines = [f"### `{name}`", "", summary, "", _cell(model.__doc__.strip()), "",
             "| column | type | nullable | allowed values | description |", "| --- | --- | --- | --- | --- |"]
    for column in schemas.columns(model):
        spec = schema.columns[column]
        allowed = ["unique"] * spec.unique + [_constraint(c) for c in spec.checks]
        lines.append(f"| `{column}` | {types[column]} | {'yes' if spec.nullable else 'no'} | "
                     f"{_cell('; '.join(allowed))} | {_cell(spec.description)} |")
    lines += [f"\nEvery row also satisfies: {check.description}." for check in schema.checks]
    return "\n".join(lines) + "\n"


def _estimates_table(con: duckdb.DuckDBPyConnection) -> str:
    lines = ["| qualifier | the guide's wording | figure | figure_high | estimate_low | estimate_high |",
             "| --- | --- | --- | --- | --- | --- |"]
    for qualifier in QUALIFIERS:
        wording, figure, high = GUIDE_EXAMPLES[qualifier]
        low, top = con.execute("SELECT estimate_low($1, $3), estimate_high($1, $2, $3)",
                               [figure, high, qualifier]).fetchone()
        cells = [f"`{qualifier}`", _cell(wording), figure, high, low, top]
        lines.append("| " + " | ".join("null" if c is None else str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _views_section(con: duckdb.DuckDBPyConnection, types: dict[str, dict[str, str]]) -> str:
    lines = ["## Views for analysts", "",
             "`<table>_facts` (`refugees_facts`, `casualties_facts`, `statements_facts`) hold every column of",
             "their table (which holds each document's newest extraction only: a re-extraction replaces",
             "a document's rows; and each document once, even when two runs stored the same text at once:",
             "`extraction_loads` names, per document, the load whose rows the views show), then these columns:", ""]
    for table in schemas.FACT_TABLES:
        columns = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                              "WHERE table_name = $1 ORDER BY ordinal_position", [f"{table}_facts"]).fetchall()
        extra = [(name, kind) for name, kind in columns if name not in types[table]]
        lines += [f"### `{table}_facts`", "", "| column | type | description |", "| --- | --- | --- |"]
        lines += [f"| `{name}` | {kind} | {VIEW_COLUMNS[name]} |" for name, kind in extra] + [""]
    return "\n".join(lines)


def _incidents_section(con: duckdb.DuckDBPyConnection) -> str:
    from warehouse.incidents import COLUMNS, INCIDENT_TABLES

    lines = []
    for table, (facts_view, kind_column, _) in INCIDENT_TABLES.items():
        columns = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                              "WHERE table_name = $1 ORDER BY ordinal_position", [table]).fetchall()
        described = {**COLUMNS, kind_column: f"`{kind_column}` of its reports (`{facts_view}`)"}
        lines += [f"### `{table}`", "", f"Incidents of `{facts_view}` (`scope = 'incident'`), one row each.", "",
                  "| column | type | description |", "| --- | --- | --- |"]
        lines += [f"| `{name}` | {kind} | {described[name]} |" for name, kind in columns] + [""]
    return "\n".join(lines)


def render() -> str:
    """The dictionary's Markdown text."""
    from warehouse.lake import Lake, Location
    from warehouse.types import duckdb_columns
    from warehouse.views import DB_NAME, build_views

    types = {name: dict(duckdb_columns(model)) for name, model in schemas.TABLES.items()}
    tables = "\n".join(_table_section(name, model, types[name]) for name, model in schemas.TABLES.items())
    with tempfile.TemporaryDirectory() as empty:
        with Lake(Location.of(empty), read_only=False) as lake:
            build_views(lake)
        with duckdb.connect(str(Path(empty) / DB_NAME), read_only=True) as con:
            estimates, views, incidents = _estimates_table(con), _views_section(con, types), _incidents_section(con)
    return f"{INTRO}\n{FIGURES}\n{estimates}\n{FACTS_OR_INCIDENTS}\n## Tables\n\n{tables}\n{views}\n{incidents}"


def main() -> None:
    """Rewrite ``docs/data-dictionary.md``."""
    DICTIONARY.parent.mkdir(exist_ok=True)
    DICTIONARY.write_text(render(), encoding="utf-8")
    print(f"wrote {DICTIONARY}")


if __name__ == "__main__":
    main()
