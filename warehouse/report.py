"""A self-contained HTML report of the warehouse: headline numbers, charts, latest statements.

``fetch`` runs the report's queries (over the ``*_facts`` views, and the
incident tables where figures are added up) on the
locked-down connection; the chart and section functions are pure over those
result frames, and ``render`` assembles the page. Charts are inline SVG drawn
by matplotlib (text as paths, no fonts to load), and the page's
Content-Security-Policy blocks every fetch, so it opens without a network and
cannot leak what is being read.
"""
from __future__ import annotations

import html
import io
from datetime import UTC, datetime
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from warehouse.lake import Location
from warehouse.query import connect, execute, locate

QUERIES: dict[str, str] = {
    "headline": """
        SELECT (SELECT count(*) FROM documents) AS documents,
               (SELECT min(published_date) FROM documents) AS first_published,
               (SELECT max(published_date) FROM documents) AS last_published,
               (SELECT coalesce(sum(estimate_low), 0)::BIGINT FROM casualty_incidents WHERE outcome = 'killed') AS killed,
               (SELECT coalesce(sum(estimate_low), 0)::BIGINT FROM casualty_incidents WHERE outcome = 'wounded') AS wounded,
               (SELECT count(*) FROM refugees_facts) AS displacement_figures,
               (SELECT count(*) FROM statements_facts) AS statements,
               (SELECT count(DISTINCT speaker) FROM statements_facts) AS speakers""",
    "killed_by_event_date": """
        SELECT event_date, coalesce(sum(estimate_low), 0)::BIGINT AS people, count(*) AS incidents
        FROM casualty_incidents WHERE outcome = 'killed' AND event_date IS NOT NULL GROUP BY ALL ORDER BY ALL""",
    "displacement_by_category": """
        SELECT category, coalesce(sum(estimate_low), 0)::BIGINT AS people
        FROM refugees_facts GROUP BY ALL ORDER BY people DESC, category""",
    "displacement_by_place": """
        SELECT coalesce(location, '(place not given)') AS place, category,
               coalesce(sum(estimate_low), 0)::BIGINT AS people
        FROM refugees_facts GROUP BY ALL""",
    "top_speakers": """
        SELECT speaker, count(*) AS statements FROM statements_facts
        GROUP BY ALL ORDER BY statements DESC, speaker LIMIT 12""",
    "latest_statements": """
        SELECT published_date, speaker, speaker_title, quote, title, source_uri FROM statements_facts
        ORDER BY published_date DESC NULLS LAST, doc_id, char_start LIMIT 25""",
}
TOP_PLACES = 12
COLORS = ("#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#2e4057", "#c06c84", "#9c9c9c")
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; padding: 0 1rem; }
h1 { margin-bottom: 0; } .meta, .note { color: #666; font-size: .9rem; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1.5rem 0; }
.card { border: 1px solid #ddd; border-radius: .5rem; padding: .7rem 1rem; min-width: 8rem; }
.card b { display: block; font-size: 1.6rem; }
figure.chart { margin: 0 0 2rem; } figure.chart svg { width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border-bottom: 1px solid #eee; padding: .35rem .5rem; text-align: left; vertical-align: top; }
"""
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def fetch(location: Path | Location) -> dict[str, pd.DataFrame]:
    """The result of every report query, by name, on one locked-down connection (with the incident tables)."""
    with connect(location, incidents=True) as con:
        return {name: execute(con, sql).to_pandas() for name, sql in QUERIES.items()}


def _svg(fig: Figure, name: str) -> str:
    """``fig`` as an inline ``<svg>`` element; ``name`` salts its ids so charts on one page never clash."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": name, "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _figure(title: str, height: float) -> tuple[Figure, matplotlib.axes.Axes]:
    fig = Figure(figsize=(9, height))
    ax = fig.subplots()
    ax.set_title(title, loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _no_rows(ax: matplotlib.axes.Axes) -> None:
    ax.text(0.5, 0.5, "no rows yet", ha="center", va="center", transform=ax.transAxes, color="#888")
    ax.set_xticks([])
    ax.set_yticks([])


def _count_axis(axis: matplotlib.axis.Axis) -> None:
    """Whole numbers with thousands separators, never 1e7 offsets."""
    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def _stacked(ax: matplotlib.axes.Axes, table: pd.DataFrame, horizontal: bool) -> None:
    """One bar per row of ``table``, split by its columns, with a legend."""
    base = pd.Series(0, index=table.index)
    for color, column in zip(COLORS, table.columns):
        if horizontal:
            ax.barh(table.index, table[column], left=base, color=color, label=column)
        else:
            ax.bar(table.index, table[column], bottom=base, color=color, label=column)
        base += table[column]
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
    _count_axis(ax.xaxis if horizontal else ax.yaxis)


def killed_chart(rows: pd.DataFrame) -> str:
    """People killed per event day (month, over many days), each incident counted once.

    Event days, not publication days: a strike reported by three papers over two days
    is one bar segment on the day it happened; war-wide and period tolls are not incidents.
    """
    fig, ax = _figure("Killed by event date, each incident once (low estimates)", 3.6)
    if rows.empty:
        _no_rows(ax)
        return _svg(fig, "killed")
    dates = pd.to_datetime(rows["event_date"])
    period = "D" if dates.dt.to_period("D").nunique() <= 40 else "M"
    table = rows.assign(when=dates.dt.to_period(period).astype(str)).groupby("when")[["people"]].sum()
    _stacked(ax, table.rename(columns={"people": "killed"}), horizontal=False)
    ax.set_ylabel("people")
    ax.tick_params(axis="x", labelrotation=45)
    return _svg(fig, "killed")


def bar_chart(labels: pd.Series, values: pd.Series, title: str, name: str) -> str:
    """Horizontal bars, largest on top: for displacement categories and speakers."""
    fig, ax = _figure(title, 0.8 + 0.32 * max(len(labels), 3))
    if labels.empty:
        _no_rows(ax)
        return _svg(fig, name)
    ax.barh(labels.astype(str)[::-1], values[::-1], color=COLORS[0])
    ax.bar_label(ax.containers[0], fmt="{:,.0f}", padding=3, fontsize=8)
    _count_axis(ax.xaxis)
    return _svg(fig, name)


def places_chart(rows: pd.DataFrame) -> str:
    """The places with most displaced people, bars split by category."""
    fig, ax = _figure(f"Displacement by place and category (top {TOP_PLACES} places, low estimates)",
                      0.8 + 0.32 * min(max(rows["place"].nunique(), 3), TOP_PLACES))
    if rows.empty:
        _no_rows(ax)
        return _svg(fig, "places")
    table = rows.pivot_table(index="place", columns="category", values="people", aggfunc="sum", fill_value=0)
    _stacked(ax, table.loc[table.sum(axis=1).sort_values().index[-TOP_PLACES:]], horizontal=True)
    return _svg(fig, "places")


def _href(source_uri: str) -> str | None:
    """A link to a document: its URL, or a file:// URI for an absolute path."""
    if source_uri.startswith(("http://", "https://")):
        return source_uri
    return Path(source_uri).as_uri() if Path(source_uri).is_absolute() else None


def _text(value: object) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) else html.escape(str(value))


def headline_cards(headline: pd.DataFrame) -> str:
    """The headline numbers as cards."""
    row = headline.iloc[0]
    period = f"{_text(row['first_published'])} – {_text(row['last_published'])}"
    cards = [("documents", f"{row['documents']:,}"), ("published", period),
             ("killed in incidents (low)", f"{row['killed']:,}"), ("wounded in incidents (low)", f"{row['wounded']:,}"), ("displacement figures", f"{row['displacement_figures']:,}"),
             ("statements", f"{row['statements']:,}"), ("speakers", f"{row['speakers']:,}")]
    return "".join(f'<div class="card"><b>{value}</b>{label}</div>' for label, value in cards)


def statements_table(rows: pd.DataFrame) -> str:
    """The latest statements, each linked to its document."""
    body = []
    for row in rows.itertuples(index=False):
        href = _href(row.source_uri)
        title = _text(row.title) or _text(row.source_uri)
        doc = f'<a href="{html.escape(href)}">{title}</a>' if href else title
        speaker = _text(row.speaker) + (f", {_text(row.speaker_title)}" if _text(row.speaker_title) else "")
        body.append(f"<tr><td>{_text(row.published_date)}</td><td>{speaker}</td>"
                    f"<td>“{_text(row.quote)}”</td><td>{doc}</td></tr>")
    head = "<tr><th>published</th><th>speaker</th><th>quote</th><th>document</th></tr>"
    return f"<table>{head}{''.join(body) or '<tr><td colspan=4>no statements yet</td></tr>'}</table>"


def render(data: dict[str, pd.DataFrame], source: str, generated_at: datetime) -> str:
    """The report page from ``fetch``'s results."""
    categories, speakers = data["displacement_by_category"], data["top_speakers"]
    charts = [
        killed_chart(data["killed_by_event_date"]),
        bar_chart(categories["category"], categories["people"], "Displacement by category (low estimates)", "categories"),
        places_chart(data["displacement_by_place"]),
        bar_chart(speakers["speaker"], speakers["statements"], "Top speakers (statements)", "speakers"),
    ]
    figures = "".join(f'<figure class="chart">{svg}</figure>' for svg in charts)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>crisis-etl report</title><style>{STYLE}</style></head>
<body><h1>crisis-etl report</h1>
<p class="meta">Warehouse {html.escape(source)}, generated {generated_at:%Y-%m-%d %H:%M} UTC.</p>
<div class="cards">{headline_cards(data["headline"])}</div>
<p class="note">Figures come from the newest extraction of each document. Killed and wounded add up
<code>casualty_incidents</code>: each incident once however many reports it has, on the day it happened,
war-wide and period tolls left out. Sums add <code>estimate_low</code>, the fewest people each figure
allows ("up to" counts nothing, vague words their conservative value). Displacement figures come from
<code>refugees_facts</code>, where repeated reports of one movement add up.</p>
<h2>Charts</h2>{figures}
<h2>Latest statements</h2>{statements_table(data["latest_statements"])}
</body></html>
"""


def build_report(where: Path | Location) -> str:
    """The report page of the warehouse at ``where`` (a folder, or its location)."""
    location = locate(where)
    return render(fetch(location), str(location.root), datetime.now(UTC))
