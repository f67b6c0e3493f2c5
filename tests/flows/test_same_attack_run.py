"""Each incident once: a real ``crisis-etl run`` over two reports of one attack and a war-wide toll."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from tests.flows.conftest import query

REPORTS = {
    "strike-a": ("2016-02-10", "Air strike kills 12 at Idlib market\n\n"
                 "At least 12 people were killed on Monday when an air strike hit a crowded market in Idlib, "
                 "activists said. Rescue workers searched the rubble for survivors. "
                 "In Aleppo, shelling killed five people on Sunday.\n"),
    "strike-b": ("2016-02-11", "Mourners bury the dead of the Idlib market\n\n"
                 "Twelve people died in Monday's strike on the market in Idlib, the civil defence said on Thursday. "
                 "Families buried the victims in the afternoon.\n\n"
                 "The war has killed more than 260,000 people since 2011.\n"),
}


def _inbox(root: Path) -> Path:
    root.mkdir()
    for name, (published, text) in REPORTS.items():
        (root / f"{name}.txt").write_text(text, encoding="utf-8")
        (root / f"{name}.meta.json").write_text(json.dumps({"title": text.splitlines()[0], "published": published}))
    return root


def test_two_reports_of_one_attack_are_one_incident_and_the_war_toll_none(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    result = CliRunner().invoke(app, ["run", str(_inbox(tmp_path / "inbox")), "--warehouse", str(wh)])
    assert result.exit_code == 0, result.output
    facts = query(wh, "SELECT figure, scope, event_date, event_date_text FROM casualties_facts ORDER BY figure")
    assert facts == [(5, "incident", date(2016, 2, 7), "on Sunday"), (12, "incident", date(2016, 2, 8), "on Monday"),
                     (12, "incident", date(2016, 2, 8), "Monday's"), (260000, "total", None, None)]
    incidents = query(wh, "SELECT outcome, event_date, estimate_low, estimate_best, estimate_high, reports, sources, "
                          "len(doc_ids) FROM casualty_incidents ORDER BY event_date")
    assert incidents == [("killed", date(2016, 2, 7), 5, 5, 5, 1, 1, 1),
                         ("killed", date(2016, 2, 8), 12, 12, 12, 2, 2, 2)]
    ((place,),) = query(wh, "SELECT location FROM casualty_incidents WHERE sources = 2")
    assert "Idlib" in place  # "Idlib" or "Idlib market": the two reports' places agree
    assert query(wh, "SELECT count(*) FROM casualty_incidents WHERE estimate_high >= 260000") == [(0,)]
    # The analyst's sum: each incident once, the war-wide toll left out.
    assert query(wh, "SELECT sum(estimate_low) FROM casualty_incidents WHERE outcome = 'killed'") == [(17,)]
