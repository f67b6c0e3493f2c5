"""Find quotation spans in raw text, marks excluded.

News copies mix straight and curly marks, lose marks, use a typographic
apostrophe for a single closing quote and run one quotation over several
paragraphs (an opening mark on each, a closing mark only on the last). A mark's
role is therefore read from its neighbours (an opening mark sits before a word,
a closing one after it) and the curly shape only breaks ties; marks are paired
per paragraph with a stack, so nested quotations stay inside the outer one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from config import load_lexicon

_SENTENCE_END = re.compile(r"[.!?…][\"”’']?\s+")
_OPENERS_BEFORE = "([{—–-/"
_CLOSERS_AFTER = ".,;:!?)]}—–-…"


@dataclass(frozen=True)
class Quote:
    """Quoted words ``[start, end)``; ``pieces`` are the per-paragraph parts."""

    start: int
    end: int
    family: str
    opened: bool
    closed: bool
    pieces: tuple[tuple[int, int], ...]

    def text(self, source: str) -> str:
        """The quoted words, paragraph parts joined by a space (reopening marks dropped)."""
        return " ".join(source[a:b].strip() for a, b in self.pieces).strip()


@dataclass(frozen=True)
class _Mark:
    pos: int
    family: str
    role: str  # "open", "close" or "either"


@lru_cache(maxsize=1)
def _shapes() -> dict[str, tuple[str, str]]:
    marks = load_lexicon("speech")["marks"]
    shapes = {}
    for family in ("double", "single"):
        for role in ("open", "close", "either"):
            for char in marks[f"{family}_{role}"]:
                shapes[char] = (family, role)
    return shapes


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-blank lines as ``(start, end)``, surrounding blanks trimmed."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        if line.strip():
            lead = len(line) - len(line.lstrip())
            spans.append((match.start() + lead, match.start() + len(line.rstrip())))
    return spans


def _role(text: str, i: int, start: int, end: int, family: str, shape: str) -> str | None:
    """Opening when the mark leans on the word after it, closing when on the word before."""
    prev = text[i - 1] if i > start else " "
    nxt = text[i + 1] if i + 1 < end else " "
    marks = _shapes()
    left = not nxt.isspace() and (prev.isspace() or prev in _OPENERS_BEFORE or prev in marks)
    right = not prev.isspace() and (nxt.isspace() or nxt in _CLOSERS_AFTER or nxt in marks)
    if left and not right:
        return "open"
    if right and not left:
        return "close"
    if family == "single" and prev.isalnum() and nxt.isalnum():
        return None  # an apostrophe: don't, Russia's
    return shape


def _marks(text: str, start: int, end: int) -> list[_Mark]:
    shapes = _shapes()
    found = []
    for i in range(start, end):
        if text[i] in shapes:
            family, shape = shapes[text[i]]
            role = _role(text, i, start, end, family, shape)
            if role:
                found.append(_Mark(i, family, role))
    return found


@dataclass
class _Paired:
    spans: list[tuple[int, int, str]]
    open_at: _Mark | None  # outermost double still open at the paragraph's end
    orphans: list[int]  # double closing marks with no opener


def _pair(marks: list[_Mark], seed: _Mark | None) -> _Paired:
    """Stack-pair the marks of one paragraph; ``seed`` is a quote carried in from before."""
    stack: list[_Mark] = [seed] if seed else []
    out = _Paired([], None, [])
    for mark in marks:
        role = mark.role
        if role == "either":
            role = "close" if any(m.family == mark.family for m in stack) else "open"
        if role == "open":
            stack.append(mark)
            continue
        idx = next((k for k in range(len(stack) - 1, -1, -1) if stack[k].family == mark.family), None)
        if idx is None:
            if mark.family == "double":
                out.orphans.append(mark.pos)
            continue
        opener = stack[idx]
        del stack[idx:]
        if not stack:
            out.spans.append((opener.pos + 1, mark.pos, mark.family))
    if stack and stack[0].family == "double":
        out.open_at = stack[0]
    return out


def _cap_forward(text: str, start: int, end: int) -> int:
    """Where an unclosed quote stops: paragraph end, or a sentence end within the cap."""
    limit = load_lexicon("speech")["marks"]["max_unbalanced_chars"]
    if end - start <= limit:
        return end
    ends = [m.start() + 1 for m in _SENTENCE_END.finditer(text, start, start + limit)]
    return ends[-1] if ends else start + limit


def _cap_backward(text: str, start: int, end: int) -> int:
    """Where an unopened quote starts: paragraph start or, in a paragraph longer than the cap
    (a text that lost its newlines), the start of the closing mark's own sentence."""
    limit = load_lexicon("speech")["marks"]["max_unbalanced_chars"]
    if end - start <= limit:
        return start
    starts = [m.end() for m in _SENTENCE_END.finditer(text, end - limit, end)]
    return starts[-1] if starts else end - limit


def _reopens(marks: list[_Mark], para_start: int) -> bool:
    first = marks[0] if marks else None
    return bool(first and first.pos == para_start and first.family == "double" and first.role != "close")


def _closed_below(text: str, paras: list[tuple[int, int]], k: int) -> tuple[int, int] | None:
    """A quotation opened in paragraph ``k`` and closed a few paragraphs down, the ones between
    without marks (an appeal or letter quoted whole): the closing paragraph and mark's position."""
    limit = load_lexicon("speech")["marks"]["max_open_paragraphs"]
    for j in range(k + 1, min(len(paras), k + 1 + limit)):
        paired = _pair(_marks(text, *paras[j]), None)
        if paired.orphans:  # quotations nested inside pair up; the first mark left over closes
            return j, paired.orphans[0]
        if paired.open_at is not None:
            return None
    return None


def find_quotes(text: str) -> list[Quote]:
    """All outermost quotations in ``text``, in order."""
    quotes: list[Quote] = []
    pieces: list[tuple[int, int]] = []  # parts of a quote running over paragraphs
    seed: _Mark | None = None
    paras = paragraphs(text)
    consumed = -1  # paragraphs taken whole into a quotation that closed further down
    for k, (start, end) in enumerate(paras):
        if k <= consumed:
            continue
        marks = _marks(text, start, end)
        if seed is not None:
            seed = _Mark(marks[0].pos, "double", "open")
            marks = marks[1:]
        paired = _pair(marks, seed)
        for a, b, family in paired.spans:
            if seed is not None and a == seed.pos + 1:
                quotes.append(Quote(pieces[0][0], b, family, True, True, tuple(pieces + [(a, b)])))
                pieces, seed = [], None
            else:
                quotes.append(Quote(a, b, family, True, True, ((a, b),)))
        if not paired.spans and seed is None:
            for pos in paired.orphans[:1]:
                begin = _cap_backward(text, start, pos)
                quotes.append(Quote(begin, pos, "double", False, True, ((begin, pos),)))
        if paired.open_at is None:
            pieces, seed = [], None
            continue
        part = (paired.open_at.pos + 1, end)
        nxt = paras[k + 1][0] if k + 1 < len(paras) else None
        if nxt is not None and _reopens(_marks(text, nxt, paras[k + 1][1]), nxt):
            pieces = (pieces if seed else []) + [part]
            seed = paired.open_at
            continue
        closer = _closed_below(text, paras, k) if seed is None else None
        if closer is not None:
            consumed, pos = closer
            quotes.append(Quote(part[0], pos, "double", True, True, ((part[0], pos),)))
            pieces, seed = [], None
            continue
        stop = _cap_forward(text, part[0], end)
        first = pieces[0][0] if pieces and seed else part[0]
        quotes.append(Quote(first, stop, "double", True, False, tuple((pieces if seed else []) + [(part[0], stop)])))
        pieces, seed = [], None
    return sorted(quotes, key=lambda q: q.start)
