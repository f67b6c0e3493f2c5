"""The day an event-day form names: ``event_when`` resolved against a document's published date.

Extraction runs on the bare text and gives a figure's day as a relative form
(``date:2016-02-08``, ``day:-1``, ``weekday:0``, ``monthday:12-30``; see
``extract.when``); only the flow knows the document's published date, so it
resolves them here just before the rows are staged. Pure calendar arithmetic
(python-dateutil), without spaCy: the flow's process imports it cheaply.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta, weekday

from schemas.contract import Rows


def _valid(year: int, month: int, day: int) -> dt.date | None:
    """The date, or None where the calendar has no such day (29 February of a common year)."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve(when: str | None, published: dt.date | None) -> dt.date | None:
    """The day a relative form names, counted from the published date.

    A weekday is the latest such day on or before publication; a date without a
    year is the latest such date on or before it (so "30 December" in a paper of
    2 January is last year's). Without a published date only full dates resolve.
    A form ``<form>@<anchor>`` counts from the day its anchor names instead: the
    day the text says it is about (a digest's "12/06" title, a stamp at its head),
    itself resolved against the published date; a day before "yesterday" in a
    digest of 12 June published on the 13th is the 11th.
    """
    if not when:
        return None
    when, _, anchor = when.partition("@")
    if anchor:
        published = resolve(anchor, published) or published
    kind, _, arg = when.partition(":")
    if kind == "date":
        return dt.date.fromisoformat(arg)
    if published is None:
        return None
    if kind == "day":
        return published + relativedelta(days=int(arg))
    if kind == "weekday":
        return published + relativedelta(weekday=weekday(int(arg))(-1))
    if kind == "monthday":
        month, day = map(int, arg.split("-"))
        return next(d for d in (_valid(year, month, day) for year in range(published.year, published.year - 9, -1))
                    if d is not None and d <= published)
    raise ValueError(f"unknown event_when form: {when!r}")


def dated(rows: Rows, published: dt.date | None) -> Rows:
    """A document's rows with each figure's ``event_when`` form resolved into ``event_date``.

    Workers get bare texts (and one text may come with different sidecars), so the day
    is resolved once the document's published date is at hand.
    """
    published = published or stamped_date(rows)
    return {table: [_dated(row, published) for row in table_rows] for table, table_rows in rows.items()}


def stamped_date(rows: Rows) -> dt.date | None:
    """The date a document's text is stamped with, as its extraction found it (``documents`` rows)."""
    return next((row["published_date"] for row in rows.get("documents", [])), None)


def _dated(row: dict[str, Any], published: dt.date | None) -> dict[str, Any]:
    if "event_when" not in row:
        return row
    out = {k: v for k, v in row.items() if k != "event_when"}
    out["event_date"] = resolve(row["event_when"], published)
    return out
