"""Each incident once: ``casualty_incidents`` and ``displacement_incidents``.

Several documents (or sections) report the same air strike, each with its own
wording, hedge and sometimes its own toll. Conflict datasets that analysts
trust code such an event once, with its low and high estimate and all its
sources; so do these tables. They group the ``scope = 'incident'`` rows of the
``*_facts`` views: two reports are the same incident when

- their outcome (category) is the same, and for casualties the victims are of one
  side: civilians and combatants are never one report's toll ("11 civilians" and
  "180 militants" the same day in Syria); people of no stated kind go with either;
- their locations agree: both unknown, or one name's words inside the other's
  ("Azaz" and "Azaz border crossing");
- their event dates are equal or one day apart; a report without a date
  matches only reports published the same day;
- their figures agree: equal, or within each other's range or hedge ("at
  least 12" and "15"; "about 50" and "48"). Within one document, a figure
  under half of another is a subgroup of it ("at least 23 civilians,
  including 7 children"), not a rival toll, and stays apart.

Every report must agree with every other report of its incident. Reports are
taken in a fixed order (day, publication, document, offset) and each joins the
first incident it agrees with, so the grouping is a deterministic function of
the committed rows. Two rows of one document stay two reports (rival tolls
from one source), so ``reports`` may exceed ``sources``.

The tables are computed from the facts views whenever the views are rebuilt
(``warehouse.views.build_views``), and read nothing but those views.
"""
from __future__ import annotations

import gc
import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import NamedTuple

import duckdb
import pyarrow as pa

INCIDENT_TABLES = {"casualty_incidents": ("casualties_facts", "outcome", "victim_type"),
                   "displacement_incidents": ("refugees_facts", "category", "NULL")}
"""Incident table -> (facts view, the column that says what happened, the expression of whose side
the counted people are: two sides are two incidents)."""
_ANY_SIDE = "unknown"  # a victim_type that agrees with every side
COLUMNS = {
    "incident_id": "Stable id of the incident: a hash of its first report (outcome or category, document, section, offset)",
    "event_date": "The event date most of its reports give (the earliest of a tie); null when none gives one",
    "location": "The most specific place its reports name (the one with most words)",
    "estimate_low": "The lowest `estimate_low` of its reports",
    "estimate_best": "The figure most reports agree on; else the figure of the latest report",
    "estimate_high": "The highest `estimate_high` of its reports; null when none sets an upper bound",
    "reports": "How many fact rows report it (rival tolls of one document are separate reports)",
    "sources": "How many distinct documents report it",
    "doc_ids": "The `doc_id`s of those documents, sorted",
    "first_published": "Earliest `published_date` of its documents",
    "last_published": "Latest `published_date` of its documents",
}
"""Descriptions of the incident tables' columns (after the kind column, outcome or category)."""
_APPROXIMATE = 0.1  # "about 50" agrees with 45 to 55
_VAGUE_SPAN = 10  # "dozens" (12) is fewer than 120, "hundreds" (100) fewer than 1,000
_SUBGROUP = 0.5  # within one document, a figure under half of another counts part of its people
_WORDS = re.compile(r"[a-z0-9]+")


class Report(NamedTuple):
    """One incident-scope fact row, with what the grouping compares computed once (a tuple: the
    grouping makes tens of thousands of them per rebuild)."""

    key: tuple[str, int, int]  # doc_id, section_id, char_start: the row in its facts view
    kind: str
    figure: int
    low: float
    high: float  # the people counts the figure allows, as its hedge reads
    words: frozenset[str]  # the words of its place ("the" aside)
    event_day: int | None  # days as ordinals: the grouping compares and indexes them
    published_day: int | None
    side: str | None = None  # civilian or combatant; None where unknown
    row: int = 0  # where the grouping read it, to give its incident back by position

    @classmethod
    def of(cls, doc_id: str, section_id: int, char_start: int, kind: str, figure: int, figure_high: int | None,
           qualifier: str, location: str | None, event_day: int | None, published_day: int | None,
           side: str | None = None, row: int = 0) -> Report:
        """A report from its facts row; days are ordinals (``date.toordinal``)."""
        low, high = _bounds(figure, figure_high, qualifier)
        return cls((doc_id, section_id, char_start), kind, figure, low, high, _words(location), event_day,
                   published_day, None if side == _ANY_SIDE else side, row)

    @property
    def doc_id(self) -> str:
        return self.key[0]

    @property
    def day(self) -> int | None:
        """The day the report is filed under: its event date, else its publication day."""
        return self.event_day or self.published_day


def _bounds(figure: int, figure_high: int | None, qualifier: str) -> tuple[float, float]:
    """The people counts a figure allows, as its hedge reads (a chain of tests, not a table built per call:
    it runs for every report of every rebuild)."""
    if qualifier == "at_least":
        return figure, math.inf
    if qualifier == "approximate":
        return figure * (1 - _APPROXIMATE), figure * (1 + _APPROXIMATE)
    if qualifier == "at_most":
        return 0, figure
    if qualifier == "range":
        return figure, figure_high or figure
    if qualifier == "vague":
        return figure, figure * _VAGUE_SPAN
    return figure, figure


@lru_cache(maxsize=65536)
def _words(place: str | None) -> frozenset[str]:
    return frozenset(_WORDS.findall(place.lower())) - {"the"} if place else frozenset()


def places_agree(wa: frozenset[str], wb: frozenset[str]) -> bool:
    """Both unknown, or one place's words inside the other's."""
    if not wa or not wb:
        return not wa and not wb
    return wa <= wb or wb <= wa


class Incident:
    """Reports grouped so far, with what a new report must agree with."""

    __slots__ = ("number", "reports", "low", "high", "places", "first_day", "last_day", "undated_published",
                 "published", "figures", "side")

    def __init__(self, number: int, r: Report) -> None:
        self.number, self.reports = number, [r]
        self.low, self.high = r.low, r.high
        self.places = {r.words}
        self.first_day = self.last_day = r.event_day
        self.undated_published = set() if r.event_day else {r.published_day}
        self.published = {r.published_day}
        self.figures = {r.doc_id: [r.figure]}
        self.side = r.side

    def accepts(self, r: Report) -> bool:
        """Does ``r`` agree with every report so far? (Intervals meet pairwise iff all meet.)"""
        if max(self.low, r.low) > min(self.high, r.high):
            return False
        if r.side is not None and self.side is not None and r.side != self.side:
            return False
        words = r.words
        for place in self.places:
            if not places_agree(place, words):
                return False
        figure = r.figure
        for f in self.figures.get(r.key[0], ()):
            if min(f, figure) < _SUBGROUP * max(f, figure):
                return False
        if r.event_day is None:
            return r.published_day is not None and self.published == {r.published_day}
        if self.undated_published and self.undated_published != {r.published_day}:
            return False
        if self.first_day is None:
            return True
        return max(self.last_day, r.event_day) - min(self.first_day, r.event_day) <= 1

    def add(self, r: Report) -> None:
        self.reports.append(r)
        self.low, self.high = max(self.low, r.low), min(self.high, r.high)
        self.places.add(r.words)
        self.published.add(r.published_day)
        self.figures.setdefault(r.doc_id, []).append(r.figure)
        self.side = self.side or r.side
        if r.event_day is None:
            self.undated_published.add(r.published_day)
        else:
            self.first_day = min(self.first_day or r.event_day, r.event_day)
            self.last_day = max(self.last_day or r.event_day, r.event_day)


_Shelf = tuple[dict[str | None, list[Incident]], dict[str | None, list[Incident]]]
"""The incidents filed under one kind and day: by every word of their first place, by its rarest word."""


def group(reports: list[Report]) -> list[Incident]:
    """Incidents of ``reports``: each report joins the earliest incident it agrees with.

    Only incidents filed within a day of the report's day and under a word of its place
    are tried. Places that agree have one inside the other, so an incident is filed under
    every word of its first place (found by the report's rarest word when the report's place
    is the smaller) and under its own rarest word (found by any word of the report when the
    incident's place is the smaller): generic words such as "province" never make one
    report try every incident of a day. Incidents are filed on shelves, one per kind and day,
    each holding them by a word of their place and by their rarest word.
    """
    frequency = Counter(w for r in reports for w in r.words)
    rarest_of = {words: min(words, key=lambda w: (frequency[w], w)) if words else None
                 for words in {r.words for r in reports}}
    incidents: list[Incident] = []
    shelves: dict[tuple[str, int], _Shelf] = {}
    last = math.inf
    order = sorted(reports, key=lambda r: (r.kind, r.event_day or r.published_day or last, r.published_day or last, r.key))
    filed_at, near = None, []
    for r in order:
        kind, day, words = r.kind, r.event_day or r.published_day, r.words
        if (kind, day) != filed_at:  # the order runs day by day: the three shelves change only with it
            filed_at = (kind, day)
            near = [shelves.setdefault((kind, d), ({}, {})) for d in (day - 1, day, day + 1)] if day else []
        rarest = rarest_of[words]
        tried: list[Incident] = []
        for by_any, by_rarest in near:
            tried += by_any.get(rarest, ())
            for w in words:
                tried += by_rarest.get(w, ())
        found, low, high = None, r.low, r.high
        for i in tried:  # the figures' overlap first, inline: most candidates of a busy day fail it
            if i.low <= high and low <= i.high and (found is None or i.number < found.number) and i.accepts(r):
                found = i
        if found is not None:
            found.add(r)
            continue
        found = Incident(len(incidents), r)
        incidents.append(found)
        if near:  # an incident without a day is never looked for
            by_any, by_rarest = near[1]
            for w in words or (None,):
                by_any.setdefault(w, []).append(found)
            by_rarest.setdefault(rarest, []).append(found)
    return incidents


# The incident rows of a facts view, read once into a temporary table: the grouping reads them,
# and the incident rows are summed up from them joined to their ids by ``rowid``, without
# evaluating the view twice nor joining on the rows' four-column keys.
_ROWS = """
CREATE OR REPLACE TEMP TABLE _incident_rows AS
SELECT doc_id, section_id, char_start, {kind_column}, figure, figure_high, qualifier, location, event_date,
       published_date, {side} AS side, estimate_low, estimate_high, load_id
FROM {facts_view} WHERE scope = 'incident'
"""
_REPORTS = """
SELECT rowid, doc_id, section_id, char_start, {kind_column}, figure, figure_high, qualifier, location,
       event_date - DATE '0001-01-01' + 1, published_date - DATE '0001-01-01' + 1,  -- date.toordinal()
       side
FROM _incident_rows
"""


def _incident_id(kind: str, key: tuple[str, int, int]) -> str:
    """Stable id of an incident: a hash of its first report."""
    return hashlib.sha1(":".join(map(str, (kind, *key))).encode()).hexdigest()[:16]


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The grouping makes tens of thousands of acyclic tuples, sets and lists: the cycle collector
    would walk them all again and again (a third of the rebuild at 8,000 documents) and free none."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _grouping(con: duckdb.DuckDBPyConnection, kind_column: str) -> pa.Table:
    """The incident id of each row of ``_incident_rows``, by its ``rowid``."""
    with _no_cycle_collection():
        rows = con.execute(_REPORTS.format(kind_column=kind_column)).fetchall()
        ids: list[str | None] = [None] * len(rows)
        for incident in group([Report.of(*row[1:], k) for k, row in enumerate(rows)]):
            first = incident.reports[0]
            incident_id = _incident_id(first.kind, first.key)
            for r in incident.reports:
                ids[r.row] = incident_id
        return pa.table({"row": pa.array([row[0] for row in rows], pa.int64()), "incident_id": pa.array(ids, pa.string())})


# One row per incident from its reports (the incident rows beside their ids from _grouping):
# the most given event date (earliest of a tie), the place with most words, the lowest
# and highest bounds, the figure most reports agree on or else the latest report's.
_AGGREGATE = """
CREATE TABLE {table} AS
WITH r AS (
    SELECT g.incident_id, f.* FROM _incident_rows f JOIN _grouping g ON f.rowid = g.row
), dates AS (
    SELECT incident_id, first(event_date ORDER BY n DESC, event_date) AS event_date
    FROM (SELECT incident_id, event_date, count(*) AS n FROM r WHERE event_date IS NOT NULL GROUP BY ALL)
    GROUP BY incident_id
), agreed AS (
    SELECT incident_id, first(figure ORDER BY n DESC) AS figure
    FROM (SELECT incident_id, figure, count(*) AS n, max(count(*)) OVER (PARTITION BY incident_id) AS top
          FROM r GROUP BY incident_id, figure)
    WHERE n = top GROUP BY incident_id HAVING count(*) = 1
)
SELECT incident_id,
       first({kind_column}) AS {kind_column},
       any_value(dates.event_date) AS event_date,
       first(location ORDER BY len(list_distinct(list_filter(regexp_extract_all(lower(location), '[a-z0-9]+'),
                                                             lambda w: w <> 'the'))) DESC, location)
           FILTER (WHERE location IS NOT NULL) AS location,
       min(estimate_low) AS estimate_low,
       coalesce(any_value(agreed.figure),
                first(r.figure ORDER BY published_date DESC NULLS LAST, load_id DESC, doc_id DESC,
                      char_start DESC)) AS estimate_best,
       max(estimate_high) AS estimate_high,
       count(*) AS reports,
       count(DISTINCT doc_id) AS sources,
       list(DISTINCT doc_id ORDER BY doc_id) AS doc_ids,
       min(published_date) AS first_published,
       max(published_date) AS last_published
FROM r LEFT JOIN dates USING (incident_id) LEFT JOIN agreed USING (incident_id)
GROUP BY incident_id
ORDER BY coalesce(any_value(dates.event_date), min(published_date)) NULLS LAST, incident_id
"""


def build_incidents(con: duckdb.DuckDBPyConnection) -> None:
    """Create the incident tables in ``con`` from its facts views."""
    for table, (facts_view, kind_column, side) in INCIDENT_TABLES.items():
        con.execute(_ROWS.format(facts_view=facts_view, kind_column=kind_column, side=side))
        con.register("_grouping", _grouping(con, kind_column))
        con.execute(_AGGREGATE.format(table=table, kind_column=kind_column))
        con.unregister("_grouping")
        con.execute("DROP TABLE _incident_rows")
