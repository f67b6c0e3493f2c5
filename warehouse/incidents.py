"""Each incident once: ``casualty_incidents`` and ``displacement_incidents``.

Several documents (or sections) report the same air strike, each with its own
wording, hedge and sometimes its own toll. Conflict datasets that analysts
trust code such an event once, with its low and high estimate and all its
sources; so do these tables. They group the ``scope = 'incident'`` rows of the
``*_facts`` views: two reports are the same incident when

- their outcome (category) is the same;
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

import datetime as dt
import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

INCIDENT_TABLES = {"casualty_incidents": ("casualties_facts", "outcome"),
                   "displacement_incidents": ("refugees_facts", "category")}
"""Incident table -> (facts view, the column that says what happened)."""
COLUMNS = {
    "incident_id": "Stable id of the incident: a hash of its first report (document, section, offset)",
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


@dataclass(frozen=True)
class Report:
    """One incident-scope fact row, as the grouping needs it."""

    doc_id: str
    section_id: int
    char_start: int
    kind: str
    figure: int
    figure_high: int | None
    qualifier: str
    estimate_low: int | None
    estimate_high: int | None
    location: str | None
    event_date: dt.date | None
    published_date: dt.date | None
    load_id: str

    @property
    def bounds(self) -> tuple[float, float]:
        """The people counts the figure allows, as its hedge reads."""
        f = self.figure
        return {
            "exact": (f, f),
            "approximate": (f * (1 - _APPROXIMATE), f * (1 + _APPROXIMATE)),
            "at_least": (f, math.inf),
            "at_most": (0, f),
            "range": (f, self.figure_high or f),
            "vague": (f, f * _VAGUE_SPAN),
        }.get(self.qualifier, (f, f))

    @property
    def day(self) -> dt.date | None:
        """The day the report is filed under: its event date, else its publication day."""
        return self.event_date or self.published_date

    @property
    def order(self) -> tuple:
        return (self.kind, self.day or dt.date.max, self.published_date or dt.date.max,
                self.doc_id, self.section_id, self.char_start)


def _words(place: str | None) -> frozenset[str]:
    return frozenset(_WORDS.findall(place.lower())) - {"the"} if place else frozenset()


def places_agree(a: str | None, b: str | None) -> bool:
    """Both unknown, or one name's words inside the other's."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return not wa and not wb
    return wa <= wb or wb <= wa


@dataclass
class Incident:
    """Reports grouped so far, with what a new report must agree with."""

    reports: list[Report] = field(default_factory=list)
    low: float = 0.0
    high: float = math.inf
    places: set[str | None] = field(default_factory=set)
    dated: list[dt.date] = field(default_factory=list)
    undated_published: set[dt.date | None] = field(default_factory=set)
    published: set[dt.date | None] = field(default_factory=set)
    figures: dict[str, list[int]] = field(default_factory=dict)

    def accepts(self, r: Report) -> bool:
        """Does ``r`` agree with every report so far? (Intervals meet pairwise iff all meet.)"""
        low, high = r.bounds
        if max(self.low, low) > min(self.high, high):
            return False
        if not all(places_agree(p, r.location) for p in self.places):
            return False
        if any(min(f, r.figure) < _SUBGROUP * max(f, r.figure) for f in self.figures.get(r.doc_id, ())):
            return False
        if r.event_date is None:
            return r.published_date is not None and self.published == {r.published_date}
        if self.undated_published and self.undated_published != {r.published_date}:
            return False
        return all(abs((d - r.event_date).days) <= 1 for d in (min(self.dated, default=r.event_date),
                                                               max(self.dated, default=r.event_date)))

    def add(self, r: Report) -> None:
        low, high = r.bounds
        self.reports.append(r)
        self.low, self.high = max(self.low, low), min(self.high, high)
        self.places.add(r.location)
        self.published.add(r.published_date)
        self.figures.setdefault(r.doc_id, []).append(r.figure)
        if r.event_date is None:
            self.undated_published.add(r.published_date)
        else:
            self.dated.append(r.event_date)


def group(reports: list[Report]) -> list[Incident]:
    """Incidents of ``reports``: each report joins the first incident (in report order) it agrees with.

    Only incidents filed under a day within one of the report's are tried, so the work grows
    with the reports of a few days, not with the whole table.
    """
    incidents: list[Incident] = []
    by_day: dict[tuple[str, dt.date | None], list[Incident]] = {}
    for r in sorted(reports, key=lambda r: r.order):
        near = [r.day + dt.timedelta(days=k) for k in (-1, 0, 1)] if r.day else []
        found = next((i for d in near for i in by_day.get((r.kind, d), ()) if i.accepts(r)), None)
        if found is None:
            found = Incident()
            incidents.append(found)
            by_day.setdefault((r.kind, r.day), []).append(found)
        found.add(r)
    return incidents


def _best(reports: list[Report]) -> int:
    """The figure most reports agree on; else the latest report's."""
    counts = Counter(r.figure for r in reports).most_common()
    if len(counts) == 1 or counts[0][1] > counts[1][1]:
        return counts[0][0]
    latest = max(reports, key=lambda r: (r.published_date or dt.date.min, r.load_id, r.doc_id, r.char_start))
    return latest.figure


def _row(incident: Incident, kind_column: str) -> dict:
    reports = incident.reports
    first = reports[0]
    dates = Counter(r.event_date for r in reports if r.event_date)
    places = sorted({r.location for r in reports if r.location}, key=lambda p: (-len(_words(p)), p))
    lows = [r.estimate_low for r in reports if r.estimate_low is not None]
    highs = [r.estimate_high for r in reports if r.estimate_high is not None]
    published = [r.published_date for r in reports if r.published_date]
    key = f"{first.doc_id}:{first.section_id}:{first.char_start}"
    return {
        "incident_id": hashlib.sha1(key.encode()).hexdigest()[:16],
        kind_column: first.kind,
        "event_date": min(dates, key=lambda d: (-dates[d], d)) if dates else None,
        "location": places[0] if places else None,
        "estimate_low": min(lows, default=None),
        "estimate_best": _best(reports),
        "estimate_high": max(highs, default=None),
        "reports": len(reports),
        "sources": len({r.doc_id for r in reports}),
        "doc_ids": sorted({r.doc_id for r in reports}),
        "first_published": min(published, default=None),
        "last_published": max(published, default=None),
    }


def _schema(kind_column: str) -> pa.Schema:
    return pa.schema([("incident_id", pa.string()), (kind_column, pa.string()), ("event_date", pa.date32()),
                      ("location", pa.string()), ("estimate_low", pa.int64()), ("estimate_best", pa.int64()),
                      ("estimate_high", pa.int64()), ("reports", pa.int64()), ("sources", pa.int64()),
                      ("doc_ids", pa.list_(pa.string())), ("first_published", pa.date32()),
                      ("last_published", pa.date32())])


def incident_table(con: duckdb.DuckDBPyConnection, facts_view: str, kind_column: str) -> pa.Table:
    """The incidents of one facts view, as an Arrow table sorted by day and id."""
    fields = ", ".join(Report.__dataclass_fields__)
    cursor = con.execute(f"SELECT {fields.replace('kind', kind_column + ' AS kind')} FROM {facts_view} "
                         "WHERE scope = 'incident'")
    reports = [Report(*row) for row in cursor.fetchall()]
    rows = sorted((_row(i, kind_column) for i in group(reports)),
                  key=lambda r: (r["event_date"] or r["first_published"] or dt.date.max, r["incident_id"]))
    return pa.Table.from_pylist(rows, schema=_schema(kind_column))


def build_incidents(con: duckdb.DuckDBPyConnection) -> None:
    """Create the incident tables in ``con`` from its facts views."""
    for table, (facts_view, kind_column) in INCIDENT_TABLES.items():
        con.register("_incidents", incident_table(con, facts_view, kind_column))
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM _incidents")
        con.unregister("_incidents")
