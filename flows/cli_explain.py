"""``crisis-etl explain FILE``: every number and quotation candidate, the rules that fired, the rows."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from config.settings import load_settings
from flows.app import ConfigOpt, app, console

if TYPE_CHECKING:
    import datetime as dt

    from schemas.contract import Document


def _excerpt(text: str, start: int, end: int, width: int = 70) -> str:
    """The candidate in its line, cut to ``width`` characters around it."""
    left = max(text.rfind("\n", 0, start) + 1, start - width // 2)
    right = min(len(text), max(end, left + width))
    newline = text.find("\n", end)
    right = min(right, newline) if newline >= 0 else right
    return " ".join(text[left:right].split())


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="A .txt or .html document (its .meta.json sidecar is read too)")],
    config: ConfigOpt = None,
    rows_only: Annotated[bool, typer.Option("--rows-only", help="Show only candidates that gave a row")] = False,
) -> None:
    """Print, for every number and quotation candidate of FILE, the rules that fired and why it became a row or not."""
    from schemas.contract import Document
    from extract.days import stamped_date
    from extract.explain import explain as explain_doc, summary
    from extract.nlp import load_nlp
    from flows.inbox import read_document

    settings = load_settings(config)
    document = read_document(file, settings.ingest_max_bytes)
    if not isinstance(document, Document):
        console.print(f"[red]{escape(str(file))}: {escape(document.reason)}[/red] {escape(document.detail or '')}")
        raise typer.Exit(1)
    doc = load_nlp(settings.nlp_model)(document.text)
    rows, candidates, loose = explain_doc(doc)
    for c in candidates:
        if rows_only and not c.rows:
            continue
        console.print(f"[bold]{c.kind} {escape(repr(c.text[:60]))}[/bold] at {c.start}-{c.end}: "
                      f"{escape(_excerpt(document.text, c.start, c.end))}")
        for event in c.events:
            console.print(f"   {event.verdict:5} {event.rule}: {escape(event.detail)}")
        for table, row in c.rows:
            console.print(f"   [green]-> {escape(summary(table, row))}[/green]")
        if not c.rows:
            reason = "page furniture (config/lexicons/boilerplate.toml)" if c.furniture else "no row"
            console.print(f"   [yellow]-> {reason}[/yellow]")
    for event in loose:
        console.print(f"{event.verdict:5} {event.rule} at {event.start}-{event.end}: {escape(event.detail)}")
    console.print(_published(document, stamped_date(rows)))
    counts = ", ".join(f"{t}={len(rows[t])}" for t in ("refugees", "casualties", "statements"))
    console.print(f"{len(candidates)} candidates; rows: {counts}")


def _published(document: Document, stamped: dt.date | None) -> str:
    """The day relative days count from, and where it comes from (a load stores it as ``published_date``)."""
    if document.published_date:
        return f"published: {document.published_date} (from its source)"
    if stamped:
        return f"published: {stamped} (stamped at the head of the text)"
    return "published: unknown (relative days stay undated)"
