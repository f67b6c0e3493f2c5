"""`crisis-etl explain FILE`: each candidate with the rules that decided it and the rows it gave."""
from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app


def test_explain_names_rules_rows_and_refusals(tmp_path: Path) -> None:
    doc = tmp_path / "story.txt"
    doc.write_text("Shelling destroyed 40 houses and killed 3 people in Idlib.\n\n"
                   "\"We have nowhere to go,\" said Amina Yusuf.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["explain", str(doc)], terminal_width=400)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "figure.people-noun: counts 'house', not people" in out
    assert "casualties.outcome-cue: killed by 'killed'" in out
    assert "-> casualties: figure=3" in out and "location='Idlib'" in out
    assert "-> statements: speaker='Amina Yusuf'" in out
    assert "rows: refugees=0, casualties=1, statements=1" in out
    assert "published: unknown (relative days stay undated)" in out


def test_explain_says_which_day_relative_days_count_from(tmp_path: Path) -> None:
    doc = tmp_path / "stamped.txt"
    doc.write_text("Shelling in Idlib\n\n19.04.2017 Shelling killed 3 people in Idlib on Monday.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["explain", str(doc)], terminal_width=400)
    assert "published: 2017-04-19 (stamped at the head of the text)" in result.output, result.output
    (tmp_path / "stamped.meta.json").write_text('{"published": "2017-04-20"}', encoding="utf-8")
    result = CliRunner().invoke(app, ["explain", str(doc)], terminal_width=400)
    assert "published: 2017-04-20 (from its source)" in result.output, result.output


def test_explain_says_where_a_figure_s_day_comes_from(tmp_path: Path) -> None:
    own, reported = tmp_path / "own.txt", tmp_path / "reported.txt"
    own.write_text("Shelling killed 3 people in Idlib on Monday.\n", encoding="utf-8")
    reported.write_text("The Observatory said on Tuesday that 15 people were killed in Aleppo.\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["explain", str(own)], terminal_width=400).output
    assert "figure.event-day: 'on Monday', its own clause" in out, out
    out = CliRunner().invoke(app, ["explain", str(reported)], terminal_width=400).output
    assert "figure.event-day: 'on Tuesday', the day it was reported" in out, out


def test_explain_reports_an_unreadable_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    result = CliRunner().invoke(app, ["explain", str(empty)], terminal_width=400)
    assert result.exit_code == 1
    assert "empty" in result.output
