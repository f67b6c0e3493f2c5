"""The incident grouping rules of ``warehouse.incidents``, report by report."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from warehouse.incidents import Report, _best, group

D = dt.date(2016, 2, 8)


def _report(doc: str, figure: int, qualifier: str = "exact", *, place: str | None = "Idlib",
            day: dt.date | None = D, published: dt.date | None = D, kind: str = "killed", offset: int = 0,
            high: int | None = None, load: str = "L1") -> Report:
    low = None if qualifier == "at_most" else figure
    top = high if qualifier == "range" else figure if qualifier in ("exact", "approximate", "at_most") else None
    return Report(doc * 64, 0, offset, kind, figure, high, qualifier, low, top, place, day, published, load)


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


def test_best_is_the_figure_most_reports_agree_on_else_the_latest() -> None:
    assert _best([_report("a", 12), _report("b", 12), _report("c", 15)]) == 12
    later = D + dt.timedelta(days=1)
    assert _best([_report("a", 12, published=later), _report("b", 15)]) == 12
    assert _best([_report("a", 12), _report("b", 15, published=later)]) == 15
