"""Page furniture of scraped news pages: photo credits, banners, share buttons, captions.

Such lines ("PHOTO: ...", "LATEST", "SYRIA REFUGEES TURKEY BORDER 3") stay in the
stored text, because every offset points into it and an analyst may want them,
but facts must not be read from them. This module only finds them: it returns
the character spans to ignore, and the pipeline drops the facts that start
inside one. The patterns are data, in ``config/lexicons/boilerplate.toml``.
"""
from __future__ import annotations

import re
from config import load_lexicon

Span = tuple[int, int]
"""``(start, end)`` character offsets, ``end`` exclusive."""

_PATTERNS = tuple(re.compile(p["regex"], re.MULTILINE) for p in load_lexicon("boilerplate")["patterns"])


def boilerplate_spans(text: str) -> list[Span]:
    """Sorted spans of ``text`` that are page furniture (a pattern's ``span`` group, else its match)."""
    spans = []
    for pattern in _PATTERNS:
        group = "span" if "span" in pattern.groupindex else 0
        spans.extend(match.span(group) for match in pattern.finditer(text))
    return sorted(spans)


def inside(offset: int, spans: list[Span]) -> bool:
    """Whether ``offset`` falls in one of ``spans``."""
    return any(start <= offset < end for start, end in spans)
