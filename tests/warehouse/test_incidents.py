"""The incident grouping rules of ``warehouse.incidents``, report by report."""
from __future__ import annotations

import datetime as dt
import hashlib
import random
from pathlib import Path

import duckdb
import pytest

from bench.views import build_synthetic
from warehouse.incidents import INCIDENT_TABLES, Report, build_incidents, group
from warehouse.lake import Lake, Location
from warehouse.views import DB_NAME, build_views

D = dt.date(2016, 2, 8)


def _report(doc: str, figure: int, qualifier: str = "exact", *, place: str | None = "Idlib",
            day: dt.date | None = D, published: dt.date | None = D, kind: str = "killed", offset: int = 0,
            high: int | None = None, side: str | None = None) -> Report:
    return Report.of(doc * 64, 0, offset, kind, figure, high, qualifier, place,
                     day.toordinal() if day else None, published.toordinal() if published else None, side)


def _sizes(reports: list[Report]) -> list[int]:
    return sorted(len(i.reports) for i in group(reports))


@pytest.mark.parametrize(("a", "b", "same"), [
    (dict(figure=12), dict(figure=12), True),
    (dict(figure=12, qualifier="at_least"), dict(figure=15), True),  # 15 is within "at least 12"
    (dict(figure=50, qualifier="approximate"), dict(figure=48), True),
    (dict(figure=10, qualifier="range", high=15), dict(figure=14), True),
    (dict(figure=12), dict(figure=15), False),
    (dict(figure=12, qualifier="at_most"), dict(figure=15), False),
    (dict(figure=12, kind="killed"), dict(figure=12, kind="wounded"), False),
    (dict(figure=12, place="Idlib"), dict(figure=12, place="Idlib province"), True),
    (dict(figure=12, place="Idlib"), dict(figure=12, place="Aleppo"), False),
    (dict(figure=12, place=None), dict(figure=12, place="Aleppo"), False),
    (dict(figure=12), dict(figure=12, day=D + dt.timedelta(days=1)), True),
    (dict(figure=12), dict(figure=12, day=D + dt.timedelta(days=2)), False),
    (dict(figure=12, day=None), dict(figure=12, day=None), True),  # undated, published the same day
    (dict(figure=12, day=None), dict(figure=12, day=None, published=D + dt.timedelta(days=1)), False),
    (dict(figure=12, day=None, published=None), dict(figure=12, day=None, published=None), False),
    (dict(figure=11, qualifier="at_least", side="civilian"), dict(figure=180, side="combatant"), False),
    (dict(figure=12, side="civilian"), dict(figure=12, side="unknown"), True),  # "12 people" may be the civilians
    (dict(figure=12, side="combatant"), dict(figure=12, side="combatant"), True),
])
def test_two_reports_are_one_incident_when_everything_agrees(a: dict, b: dict, same: bool) -> None:
    assert _sizes([_report("a", **a), _report("b", **b)]) == ([2] if same else [1, 1])


def test_every_report_must_agree_with_every_other() -> None:
    """12 agrees with "at least 10" and 14 with it too, but exact 12 and 14 do not agree."""
    reports = [_report("a", 10, "at_least"), _report("b", 12), _report("c", 14)]
    assert _sizes(reports) == [1, 2]


def test_a_subgroup_of_one_document_is_not_a_rival_toll() -> None:
    """"At least 23 civilians, including 7 children": 7 is within the hedge, but is part of the 23."""
    reports = [_report("a", 23, "at_least", offset=0), _report("a", 7, offset=40),
               _report("a", 30, offset=80)]  # a rival toll of the same source: one incident, two reports
    incidents = group(reports)
    assert sorted((len(i.reports), len({r.doc_id for r in i.reports})) for i in incidents) == [(1, 1), (2, 1)]


def test_grouping_does_not_depend_on_row_order() -> None:
    reports = [_report(doc, figure, q, day=D + dt.timedelta(days=shift))
               for doc, figure, q, shift in [("a", 12, "at_least", 0), ("b", 12, "exact", 0), ("c", 15, "exact", 1),
                                             ("d", 40, "exact", 0), ("e", 12, "exact", 3)]]
    want = sorted(sorted(r.doc_id for r in i.reports) for i in group(reports))
    for seed in range(5):
        shuffled = reports[:]
        random.Random(seed).shuffle(shuffled)
        assert sorted(sorted(r.doc_id for r in i.reports) for i in group(shuffled)) == want


FACTS = """
CREATE TABLE casualties_facts AS SELECT * FROM (VALUES
    -- doc, offset, figure, high, qualifier, place, event day, published, load
    ('a', 0, 12, NULL, 'at_least', 'Idlib', DATE '2016-02-08', DATE '2016-02-09', 'L1'),
    ('b', 0, 12, 15, 'range', 'Idlib province', DATE '2016-02-08', DATE '2016-02-10', 'L1'),
    ('c', 0, 15, NULL, 'exact', 'Idlib', DATE '2016-02-09', DATE '2016-02-11', 'L1'),
    ('a', 50, 40, NULL, 'exact', 'Aleppo', DATE '2016-02-07', DATE '2016-02-09', 'L1'),
    ('b', 50, 44, NULL, 'exact', 'Aleppo', NULL, DATE '2016-02-09', 'L1'),
    ('c', 50, 10, 20, 'range', NULL, NULL, DATE '2016-02-11', 'L1'),
    ('c', 90, 280000, NULL, 'at_least', 'Syria', NULL, DATE '2016-02-11', 'L1')
) t(doc, char_start, figure, figure_high, qualifier, location, event_date, published_date, load_id);
ALTER TABLE casualties_facts ADD COLUMN doc_id VARCHAR;
UPDATE casualties_facts SET doc_id = repeat(doc, 64);
ALTER TABLE casualties_facts ADD COLUMN section_id BIGINT DEFAULT 0;
ALTER TABLE casualties_facts ADD COLUMN outcome VARCHAR DEFAULT 'killed';
ALTER TABLE casualties_facts ADD COLUMN victim_type VARCHAR DEFAULT 'unknown';
ALTER TABLE casualties_facts ADD COLUMN scope VARCHAR DEFAULT 'incident';
UPDATE casualties_facts SET scope = 'total' WHERE figure = 280000;
ALTER TABLE casualties_facts ADD COLUMN estimate_low BIGINT;
ALTER TABLE casualties_facts ADD COLUMN estimate_high BIGINT;
UPDATE casualties_facts SET estimate_low = estimate_low(figure, qualifier),
                            estimate_high = estimate_high(figure, figure_high, qualifier);
CREATE TABLE refugees_facts AS SELECT *, outcome AS category FROM casualties_facts WHERE false;
"""


@pytest.fixture
def incidents() -> list[dict]:
    """The casualty incidents of seven hand-made facts rows, built by the same SQL as the warehouse's."""
    from warehouse.views import SQL_DIR

    with duckdb.connect() as con:
        con.execute((SQL_DIR / "00_macros.sql").read_text(encoding="utf-8"))
        con.execute(FACTS)
        build_incidents(con)
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone() == (0,)  # no scratch left
        cursor = con.execute("SELECT * EXCLUDE (incident_id) FROM casualty_incidents")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def test_an_incident_row_sums_up_its_reports(incidents: list[dict]) -> None:
    idlib = next(i for i in incidents if i["location"] == "Idlib province")
    assert idlib["event_date"] == D  # two reports say the 8th, one the 9th
    assert (idlib["estimate_low"], idlib["estimate_best"], idlib["estimate_high"]) == (12, 12, 15)
    assert (idlib["reports"], idlib["sources"]) == (3, 3)
    assert idlib["doc_ids"] == ["a" * 64, "b" * 64, "c" * 64]
    assert (idlib["first_published"], idlib["last_published"]) == (dt.date(2016, 2, 9), dt.date(2016, 2, 11))


def test_best_is_the_figure_most_reports_agree_on_else_the_latest(incidents: list[dict]) -> None:
    aleppo = [i for i in incidents if i["location"] == "Aleppo"]
    assert [(i["reports"], i["estimate_best"]) for i in aleppo] == [(1, 40), (1, 44)]  # 40 and 44 do not agree
    lone = next(i for i in incidents if i["location"] is None)
    assert (lone["estimate_low"], lone["estimate_best"], lone["estimate_high"], lone["event_date"]) == (10, 10, 20, None)


def test_totals_are_not_incidents(incidents: list[dict]) -> None:
    assert len(incidents) == 4 and all(i["estimate_low"] != 280000 for i in incidents)
    assert incidents == sorted(incidents, key=lambda i: (i["event_date"] or i["first_published"]))


SYNTHETIC_DIGEST = "e228620f3323539aaf84d0e9bc98db7ca3c9ce47e89900f1440d0ab7e2869de4"
"""The incident tables of ``build_synthetic(root, 400, days=20)`` (839 casualty incidents of 1,514
reports, up to 7 sources), as the grouping made them before it was made faster: a speed-up must
give the same tables, ids and order included."""


def test_the_grouping_of_a_news_stream_is_unchanged(tmp_path: Path) -> None:
    with Lake(Location.of(build_synthetic(tmp_path, 400, days=20))) as lake:
        build_views(lake)
    digest = hashlib.sha256()
    with duckdb.connect(str(tmp_path / DB_NAME), read_only=True) as con:
        for table in INCIDENT_TABLES:
            for row in con.execute(f"SELECT * FROM {table}").fetchall():
                digest.update(repr(row).encode())
    assert digest.hexdigest() == SYNTHETIC_DIGEST


def test_an_incident_is_of_one_side() -> None:
    """Civilians, then a toll of unknown people, then fighters the same day and place: the unknown
    toll joins the civilians' incident, which then no longer takes the fighters."""
    reports = [_report("a", 12, "at_least", side="civilian"), _report("b", 14), _report("c", 15, side="combatant")]
    assert sorted(sorted(r.doc_id[0] for r in i.reports) for i in group(reports)) == [["a", "b"], ["c"]]
