"""Precision audits over a warehouse of unlabeled news: draw a sample to judge, tally judgements.

No gold says whether a row of an unlabeled article is a real fact; a person
reading it against its sentence does (issue 12). This tool makes that reading
reproducible and cheap to repeat on new code:

- ``draw`` takes every row of one table from a warehouse loaded by
  ``crisis-etl run`` (its latest snapshot, read as ``crisis-etl sql`` reads it) and keeps the ``n`` rows with the smallest
  ``sha1(seed:doc:char_start)``. A row keeps its place in the sample when
  other rows come or go, so a sample redrawn on changed code differs only
  where the rows did. Judgements of an earlier file are carried over to a row
  whose judged columns are unchanged (marked ``carried``); the rest are left
  blank for a reader.
- ``tally`` counts the judgements of a file: the share of rows that are real
  facts of their table, and of those, the share with a right victim type or
  speaker.

    python -m bench.audit draw /tmp/wh refugees --seed S --out docs/audit/x.jsonl [--carry old.jsonl ...] [--exclude dev.jsonl ...]
    python -m bench.audit tally docs/audit/x.jsonl
"""
from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from warehouse.query import run_query

# Columns a reader judges a row on: a carried judgement must have seen the same values.
JUDGED = {
    "refugees": ("figure", "figure_high", "category", "sentence"),
    "casualties": ("figure", "figure_high", "outcome", "victim_type", "sentence"),
    "statements": ("speaker", "quote"),
}
SHOWN = {
    "refugees": ("figure", "figure_high", "qualifier", "category", "population", "location",
                 "attributed_to", "scope", "event_date", "sentence"),
    "casualties": ("figure", "figure_high", "qualifier", "outcome", "victims", "victim_type",
                   "perpetrator", "location", "attributed_to", "scope", "event_date", "sentence"),
    "statements": ("speaker", "speaker_title", "quote_type", "verb", "quote"),
}
# The judgement fields a reader fills in, per table; ``verdict``/``real_quote`` says whether the row is real.
VERDICTS = {
    "refugees": ("verdict", "note"),
    "casualties": ("verdict", "victim_type_ok", "note"),
    "statements": ("real_quote", "speaker_right", "note"),
}
CONTEXT_BEFORE, CONTEXT_AFTER = 300, 200


def rank(seed: str, doc: str, char_start: int) -> str:
    """The row's place in every sample drawn with ``seed``: independent of which other rows exist."""
    return hashlib.sha1(f"{seed}:{doc}:{char_start}".encode()).hexdigest()


def warehouse_rows(warehouse: Path, table: str) -> list[dict[str, Any]]:
    """Every row of ``table`` with its document's file stem and the text around it."""
    shown = ", ".join(f"t.{c}" for c in SHOWN[table])
    sql = f"""
        SELECT regexp_extract(d.source_uri, '([^/]+?)(\\.[^./]*)?$', 1) AS doc, t.char_start, t.char_end,
               {shown}, d.text
        FROM {table} t JOIN documents d USING (doc_id)
    """
    rows = run_query(warehouse, sql).to_pylist()
    for row in rows:
        text = row.pop("text")
        row["context"] = text[max(0, row["char_start"] - CONTEXT_BEFORE): row["char_end"] + CONTEXT_AFTER]
        if row.get("event_date") is not None:
            row["event_date"] = str(row["event_date"])
    return rows


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _key(table: str, row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["doc"], row["char_start"], *(row.get(c) for c in JUDGED[table]))


def carried(table: str, earlier: Iterable[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Judgements of earlier files by row key; only rows judged on the same values count."""
    out = {}
    for row in earlier:
        if row.get(VERDICTS[table][0]) not in (None, ""):
            out[_key(table, row)] = {f: row.get(f) for f in VERDICTS[table]}
    return out


def draw(table: str, rows: list[dict[str, Any]], seed: str, n: int,
         earlier: dict[tuple[Any, ...], dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``n`` lowest-ranked rows, in document then character order, with carried judgements."""
    sample = sorted(rows, key=lambda r: rank(seed, r["doc"], r["char_start"]))[:n]
    sample.sort(key=lambda r: (r["doc"], r["char_start"]))
    for row in sample:
        row["seed"] = seed
        judged = earlier.get(_key(table, row))
        row.update(judged or {f: None for f in VERDICTS[table]})
        row["carried"] = judged is not None
    return sample


def tally(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Real rows among judged ones; and victim type or speaker right among the real ones."""
    verdict = "real_quote" if "real_quote" in rows[0] else "verdict"
    judged = [r for r in rows if r.get(verdict) not in (None, "")]
    real = [r for r in judged if r[verdict] in ("real", "yes")]
    out: dict[str, Any] = {"rows": len(rows), "judged": len(judged), "real": len(real),
                           "real_share": round(len(real) / len(judged), 3) if judged else None}
    for field in ("victim_type_ok", "speaker_right"):
        if field in rows[0]:
            right = sum(1 for r in real if r.get(field) is True)
            out[field] = right
            out[f"{field}_share"] = round(right / len(real), 3) if real else None
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("draw", help="draw a sample of one table's rows to judge")
    d.add_argument("warehouse", type=Path)
    d.add_argument("table", choices=sorted(JUDGED))
    d.add_argument("--seed", required=True)
    d.add_argument("--n", type=int, default=100)
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--carry", type=Path, nargs="*", default=[], help="earlier judged files")
    d.add_argument("--exclude", type=Path, nargs="*", default=[],
                   help="files whose rows are left out (a held-out sample skips the rows rules were written on)")
    t = sub.add_parser("tally", help="count the judgements of sample files")
    t.add_argument("files", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.command == "draw":
        earlier = carried(args.table, (r for f in args.carry for r in read_jsonl(f)))
        seen = {(r["doc"], r["char_start"]) for f in args.exclude for r in read_jsonl(f)}
        rows = [r for r in warehouse_rows(args.warehouse, args.table) if (r["doc"], r["char_start"]) not in seen]
        sample = draw(args.table, rows, args.seed, args.n, earlier)
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sample), encoding="utf-8")
        print(f"{args.out}: {len(sample)} rows, {sum(r['carried'] for r in sample)} with carried judgements")
    else:
        for path in args.files:
            print(path, json.dumps(tally(read_jsonl(path))))


if __name__ == "__main__":
    main()
