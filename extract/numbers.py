"""Number grammar: counts as news writes them, with their hedging.

Works on spaCy tokens so that every quantity keeps its character span in the
document. The vocabulary (number words, scales, hedges, vague amounts, units)
lives in ``config/lexicons/numbers.toml``; this module only holds the grammar.
A quantity that is a year, an age, a date, money, a percentage, a measure or a
phone number is never returned: those are the usual false counts in news.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Token

from config import load_lexicon

_LEX = load_lexicon("numbers")
_WORDS: dict[str, int] = _LEX["words"]
_SCALES: dict[str, int] = _LEX["scales"]
_SHORT_SCALES: dict[str, int] = _LEX["short_scales"]
_FRACTIONS: dict[str, float] = _LEX["fractions"]
_VAGUE: dict[tuple[str, ...], int] = {tuple(k.split()): v for k, v in _LEX["vague"].items()}
_VAGUE_MAX = max(len(k) for k in _VAGUE)
_VAGUE_FIRST = {k[0] for k in _VAGUE}
_STARTERS = _VAGUE_FIRST | set(_FRACTIONS) | {"a", "an"}
"""Words besides digits and number words that can open a count ("dozens", "half a million", "a hundred")."""
_VAGUE_NEEDS_OF = set(_LEX["vague_needs_of"]["words"])
_VAGUE_HEDGEABLE = {tuple(p.split()) for p in _LEX["vague_hedgeable"]["phrases"]}
_HEDGES = {tuple(p.split()): q for q, ps in _LEX["hedges"].items() for p in ps}
_POST_HEDGES = {tuple(p.split()): q for q, ps in _LEX["post_hedges"].items() for p in ps}
_RANGE_JOINERS = set(_LEX["ranges"]["joiners"])
_BETWEEN = set(_LEX["ranges"]["between"])
_BETWEEN_JOINERS = set(_LEX["ranges"]["between_joiners"])
_CHANGE_MARKERS = set(_LEX["ranges"]["change_markers"])
_CHANGE_VERBS = set(_LEX["ranges"]["change_verbs"])
_UNITS = {w for ws in _LEX["units"].values() for w in ws}
_MONEY_SIGNS = set(_LEX["money_prefix"]["signs"])
_MONTHS = set(_LEX["dates"]["months"])
_WEEKDAYS = set(_LEX["dates"]["weekdays"])
_YEAR_MIN, _YEAR_MAX = _LEX["dates"]["earliest_year"], _LEX["dates"]["latest_year"]
_JUNK = "".join(_LEX["junk"]["chars"])
_MEASURE_ENTS = {"MONEY", "PERCENT", "QUANTITY", "TIME", "ORDINAL"}
_MONEY_UNITS = set(_LEX["units"]["money"])

_US_GROUPED = re.compile(r"\d{1,3}(,\d{3})+")
_EU_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+")
_DECIMAL = re.compile(r"\d+\.\d+")
_EU_DECIMAL = re.compile(r"\d+,\d{1,2}")
_PLAIN = re.compile(r"\d+")
_GLUED = re.compile(r"(\d[\d,.]*\d|\d)([a-z]{3,})", re.IGNORECASE)
_SHORT_GLUED = re.compile(r"(\d[\d,.]*\d|\d)(" + "|".join(_SHORT_SCALES) + ")", re.IGNORECASE)
_SPACE_GROUP = re.compile(r"\d{3}")
_NUMERIC_DATE = re.compile(r"\d{1,4}([-./])\d{1,2}\1\d{2,4}")

#: Words that can appear in a count: a cheap pre-filter for sentences.
NUMBER_WORDS = frozenset(
    set(_WORDS) | set(_SCALES) | set(_FRACTIONS) | {w for k in _VAGUE for w in k}
) - {"a", "of"}


@dataclass(frozen=True)
class Quantity:
    """A count as written: value, hedge, and where its words are.

    ``start``/``end`` are document token indices (end exclusive) of the number's
    words, hedge excluded; ``glued`` is a word stuck to the digits ("2,000people").
    """

    value: int
    high: int | None
    qualifier: str
    start: int
    end: int
    char_start: int
    char_end: int
    glued: str | None = None


@dataclass(frozen=True)
class _Number:
    value: float
    end: int  # index into the token sequence, exclusive
    scale: int  # product of the scale words after the number, 1 for none
    glued: str | None = None


def clean(text: str) -> str:
    """Token text without the characters encoding damage glues to words."""
    return text.strip(_JUNK).lower()


def parse_digits(text: str, scaled: bool = False) -> float | None:
    """Value of a digit string with news grouping, or None when it is not a count.

    "5,000" and "400000" are plain; "1.200" is European grouping unless a scale word
    follows ("1.2 million"). Irregular grouping ("20,0000") has no evident value: None.
    """
    if _PLAIN.fullmatch(text):
        return int(text)
    if _US_GROUPED.fullmatch(text):
        return int(text.replace(",", ""))
    if _EU_GROUPED.fullmatch(text) and not scaled:
        return int(text.replace(".", ""))
    if _DECIMAL.fullmatch(text):
        return float(text)
    if scaled and _EU_DECIMAL.fullmatch(text):
        return float(text.replace(",", "."))
    return None


def parse_text(text: str) -> int | None:
    """Parse a count written alone ("5,000", "1.2 million", "five thousand").

    A convenience over :func:`find_quantities` for plain strings (tests, callers
    without a parse); whitespace-separated words stand in for tokens.
    """
    words = [_FakeToken(w) for w in re.findall(r"\d[\d,.]*|[A-Za-z]+|-", text)]
    if not words:
        return None
    number = _number_at(words, 0)
    if number is None or number.end != len(words):
        return None
    return _as_count(number.value)


@dataclass(frozen=True)
class _FakeToken:
    text: str


def _as_count(value: float) -> int | None:
    rounded = round(value)
    if rounded < 1 or abs(value - rounded) > 1e-9 * max(1.0, abs(value)):  # float scale error
        return None
    return int(rounded)


def _word_value(text: str) -> int | None:
    """Value of a number word, including hyphenated tens ("twenty-five")."""
    if text in _WORDS:
        return _WORDS[text]
    parts = text.split("-")
    if len(parts) == 2 and parts[0] in _WORDS and parts[1] in _WORDS:
        tens, units = _WORDS[parts[0]], _WORDS[parts[1]]
        if tens % 10 == 0 and tens >= 20 and 0 < units < 10:
            return tens + units
    return None


def _digits_at(tokens: Sequence, i: int) -> _Number | None:
    """Digits at ``i``, joining space-separated groups ("500 000") and glued words."""
    text = tokens[i].text.strip(_JUNK)
    glued, short = None, 1
    match = _GLUED.fullmatch(text)
    abbreviated = _SHORT_GLUED.fullmatch(text)
    if abbreviated and _counts_plural(tokens, i + 1):
        text, short = abbreviated.group(1), _SHORT_SCALES[abbreviated.group(2).lower()]  # "300k refugees"
    elif match and match.group(2).lower() not in _UNITS:
        text, glued = match.group(1), match.group(2).lower()
    if not text[:1].isdigit():
        return None
    j = i + 1
    if glued is None and _PLAIN.fullmatch(text) and len(text) <= 3:
        while j < len(tokens) and _is_space_group(tokens, j):
            text += tokens[j].text if tokens[j].text.strip() else ""
            j += 1
        text = text.replace(" ", "")
    scaled = short > 1 or (j < len(tokens) and clean(tokens[j].text) in _SCALES)
    value = parse_digits(text, scaled)
    return None if value is None else _Number(value * short, j, short, glued)


def _is_space_group(tokens: Sequence, j: int) -> bool:
    """A three-digit group after a bare space (not a comma): "500 000", "500\u00a0000"."""
    tok = tokens[j]
    if not tok.text.strip(_JUNK + " "):
        return j + 1 < len(tokens) and _SPACE_GROUP.fullmatch(tokens[j + 1].text) is not None
    prev = tokens[j - 1]
    gap = getattr(prev, "whitespace_", " ")
    joined = gap == " " or not prev.text.strip(_JUNK + " ")
    return joined and _SPACE_GROUP.fullmatch(tok.text) is not None


def _words_at(tokens: Sequence, i: int) -> _Number | None:
    """Number words at ``i``: "seventeen", "twenty - five", "one hundred and twenty"."""
    total, current, j, seen = 0, 0, i, False
    while j < len(tokens):
        word = clean(tokens[j].text)
        value = _word_value(word)
        if value is None and not seen and word in ("a", "an") and j + 1 < len(tokens) \
                and clean(tokens[j + 1].text) in _SCALES:
            value = 1  # "a hundred and twenty": the article stands for one of the scale
        if value is not None:
            current += value
        elif word in _SCALES and seen:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total, current = total + current, 0
        elif word in ("-", "and") and seen and j + 1 < len(tokens) and _word_value(clean(tokens[j + 1].text)):
            if word == "and" and current % 100:
                break
        else:
            break
        seen, j = True, j + 1
    return _Number(total + current, j, 1) if seen else None


def _number_at(tokens: Sequence, i: int) -> _Number | None:
    """A number starting at token ``i``, with any scale words after it."""
    word = clean(tokens[i].text)
    number = None
    fraction = _fraction_at(tokens, i) if word in _FRACTIONS or word == "a" else None
    if fraction is not None:
        return fraction
    if word[:1].isdigit():
        number = _digits_at(tokens, i)
    else:
        number = _words_at(tokens, i)
    if number is None or number.glued:
        return number
    scale, j = 1, number.end
    while j < len(tokens) and clean(tokens[j].text) in _SCALES:
        scale, j = scale * _SCALES[clean(tokens[j].text)], j + 1
    if scale == 1 and _short_scale(tokens, j):
        scale, j = _SHORT_SCALES[clean(tokens[j].text)], j + 1
    return _Number(number.value * scale, j, scale * number.scale)


def _short_scale(tokens: Sequence, j: int) -> bool:
    """"4.8m Syrians": an abbreviated scale stuck to the digits counts the plural noun after it;
    without one ("a 4m wall") it stays a unit."""
    return 0 < j < len(tokens) and getattr(tokens[j - 1], "whitespace_", " ") == "" \
        and clean(tokens[j].text) in _SHORT_SCALES and _counts_plural(tokens, j + 1)


def _fraction_at(tokens: Sequence, i: int) -> _Number | None:
    """"half a million", "a quarter of a million": a fraction of a scale word."""
    words = [clean(t.text) for t in tokens[i:i + 5]]
    if words[:1] == ["a"]:
        words = words[1:]
    if not words or words[0] not in _FRACTIONS:
        return None
    rest = words[1:3] if words[1:2] != ["of"] else words[2:4]
    if len(rest) < 2 or rest[0] != "a" or rest[1] not in _SCALES:
        return None
    end = i + (len(tokens[i:i + 5]) - len(words)) + (1 if words[1:2] != ["of"] else 2) + 2
    return _Number(_FRACTIONS[words[0]] * _SCALES[rest[1]], end, _SCALES[rest[1]])


def _vague_at(tokens: Sequence, i: int) -> tuple[int, int, tuple[str, ...]] | None:
    """Longest vague phrase at ``i`` ("tens of thousands", "dozens"), with scale words."""
    if clean(tokens[i].text) not in _VAGUE_FIRST:
        return None
    for size in range(_VAGUE_MAX, 0, -1):
        key = tuple(clean(t.text) for t in tokens[i:i + size])
        if len(key) < size or key not in _VAGUE:
            continue
        end = i + size
        if size == 1 and key[0] in _VAGUE_NEEDS_OF and (end >= len(tokens) or clean(tokens[end].text) != "of"):
            return None
        value = _VAGUE[key]
        while end < len(tokens) and clean(tokens[end].text) in _SCALES:
            value, end = value * _SCALES[clean(tokens[end].text)], end + 1
        return value, end, key
    return None


def _phrase_before(tokens: Sequence, i: int, phrases: dict) -> tuple[str, int] | None:
    """Longest phrase of ``phrases`` ending just before ``i``: (its value, its start)."""
    for size in (4, 3, 2, 1):
        if i - size < 0:
            continue
        key = tuple(clean(t.text) for t in tokens[i - size:i])
        if key in phrases:
            return phrases[key], i - size
    return None


def _phrase_after(tokens: Sequence, j: int, phrases: dict) -> str | None:
    for size in (3, 2, 1):
        key = tuple(clean(t.text) for t in tokens[j:j + size])
        if len(key) == size and key in phrases:
            return phrases[key]
    return None


def _range_high(tokens: Sequence, low: _Number, start: int) -> _Number | None:
    """The upper end of "50,000 to 55,000", "8 or 11", "between 150 and 200"."""
    j = low.end
    if j + 1 >= len(tokens) or low.glued:
        return None
    joiner = clean(tokens[j].text)
    between = start > 0 and clean(tokens[start - 1].text) in _BETWEEN
    if start > 0 and clean(tokens[start - 1].text) in _CHANGE_MARKERS \
            and not (_opens_clause(tokens, start - 1) and not _after_change(tokens, start - 1)):
        return None
    if joiner not in (_BETWEEN_JOINERS if between else _RANGE_JOINERS):
        return None
    high = _number_at(tokens, j + 1)
    if high is None or high.glued:
        return None
    return high


def _opens_clause(tokens: Sequence, i: int) -> bool:
    """The word at ``i`` opens a sentence or line or follows a comma: a "from X to Y" there is a
    range ("According to survivors, from 20 to 30 refugees have died"), not a change of something
    named before it ("the toll rose from 20 to 30")."""
    return i == 0 or tokens[i - 1].text in (",", ";", ":", ".") or tokens[i - 1].text.isspace()


def _after_change(tokens: Sequence, i: int) -> bool:
    """A verb of change comes before the word at ``i`` in its sentence ("the toll rose sharply on
    Monday, from 20 to 30"): the "from X to Y" after it is still a change."""
    k = i
    while k > 0 and not tokens[k - 1].is_sent_end:
        k -= 1
        if clean(tokens[k].lemma_) in _CHANGE_VERBS:
            return True
    return False


def _is_measure(tokens: Sequence, start: int, end: int) -> bool:
    """Years, ages, dates, money, percentages, distances, times, phone numbers."""
    first, after = tokens[start], tokens[end] if end < len(tokens) else None
    before = clean(tokens[start - 1].text) if start > 0 else ""
    nxt = clean(after.text) if after is not None else ""
    counts_plural = _counts_plural(tokens, end)  # NER mislabels "2 million displaced people"
    if not counts_plural and any(getattr(t, "ent_type_", "") in _MEASURE_ENTS for t in tokens[start:end]) \
            and not _unmarked_money(tokens, start, end):
        return True
    if before in _WEEKDAYS and not counts_plural:
        return True  # "AFP Tuesday 14", not "Wednesday 22 Daesh fighters"
    if before in _MONEY_SIGNS or before in _MONTHS or first.text.startswith(tuple(_MONEY_SIGNS)):
        return True
    if nxt in _MONTHS or _lemma(after) in _UNITS or nxt in _UNITS:
        return True
    if nxt == "-" and end + 1 < len(tokens) and getattr(tokens[end - 1], "whitespace_", "") == "" \
            and tokens[end + 1].text[:1].isalpha():
        return True  # "43-year-old", "911-kilometer", "five-storey"
    if before == "at" and _is_clock(tokens, start, end):
        return True  # "Sat 04 Oct 2014 at 1514": a time of day
    if any(c in first.text for c in ":/+") or before.startswith("+") or (nxt.startswith("+") and not _plus_hedge(tokens, end)):
        return True
    return _is_year(tokens, start, end) or _is_phone(tokens, start, end)


def _plus_hedge(tokens: Sequence, end: int) -> bool:
    """A "+" stuck to the number with no digits after it is "or more" ("12,000+ refugees"), not the
    sign of a phone number ("+44 20")."""
    after = tokens[end + 1].text if end + 1 < len(tokens) else ""
    return tokens[end].text == "+" and getattr(tokens[end - 1], "whitespace_", " ") == "" and not after[:1].isdigit()


def _unmarked_money(tokens: Sequence, start: int, end: int) -> bool:
    """NER calls any large "more than 10 million" money; with no currency sign before it and no
    currency word after it ("and more than 10 million displaced") it is a count."""
    if any(getattr(t, "ent_type_", "") != "MONEY" for t in tokens[start:end]):
        return False
    before = {clean(t.text) for t in tokens[max(0, start - 2):start]}
    after = {_lemma(t) for t in tokens[end:end + 3]} | {clean(t.text) for t in tokens[end:end + 3]}
    marked = before & _MONEY_SIGNS or after & _MONEY_UNITS or any(c in t.text for t in tokens[start:end] for c in "$€£¥")
    return not marked


def _is_clock(tokens: Sequence, start: int, end: int) -> bool:
    """Four digits that read as a 24-hour time, with a month name just before: a timestamp."""
    text = tokens[start].text
    if end - start != 1 or len(text) != 4 or not text.isdigit() or int(text[:2]) > 23 or int(text[2:]) > 59:
        return False
    return any(clean(t.text) in _MONTHS for t in tokens[max(0, start - 6):start])


def _counts_plural(tokens: Sequence, end: int) -> bool:
    """A plural noun follows the number, perhaps after adjectives: a head count."""
    for tok in tokens[end:end + 4]:
        if getattr(tok, "tag_", "") in ("NNS", "NNPS"):
            return True
        if getattr(tok, "pos_", "") not in ("ADJ", "VERB", "PROPN"):
            return False
    return False


def _lemma(token) -> str:
    return getattr(token, "lemma_", "").lower() if token is not None else ""


def _is_year(tokens: Sequence, start: int, end: int) -> bool:
    """A bare four-digit number in the year range, unless a plural noun follows it."""
    text = tokens[start].text.strip(_JUNK)
    if end - start != 1 or not (len(text) == 4 and text.isdigit()):
        return False
    if not _YEAR_MIN <= int(text) <= _YEAR_MAX:
        return False
    after = tokens[end] if end < len(tokens) else None
    return getattr(after, "tag_", "") not in ("NNS", "NNPS")


def _is_phone(tokens: Sequence, start: int, end: int) -> bool:
    """Digit groups shaped like a phone number ("212 555 1234", "555-1234", "(212) 555", "+1").

    Bare groups that follow thousands grouping ("1 200 000") and short ranges
    ("15-20") are counts, not phones; so is a group in brackets that no digits follow
    ("one quarter (23) of those rescued", "France (1,098), Portugal (307)": ``extract.figures``
    decides which bracketed numbers count), or a count a bracket follows ("300 (or more)").
    """
    window = [t.text for t in tokens[max(0, start - 4):end + 4]]
    run: list[str] = []
    for k, text in enumerate(window):
        if text.startswith("+") and text[1:2].isdigit() or text == "(" and _area_code(window, k):
            return True
        if text == "-" and run and k + 1 < len(window):
            if len(run[-1]) == 3 and re.fullmatch(r"\d{4}", window[k + 1]):
                return True
            continue
        run = run + [text] if _PLAIN.fullmatch(text) else []
        if len(run) >= 2 and not (len(run[0]) <= 3 and all(len(g) == 3 for g in run[1:])):
            return window[k - 1] != "-"
    return False


def _area_code(window: list[str], open_: int) -> bool:
    """The bracket opening at ``open_`` holds a phone's area code: one digit group, then digits after
    the bracket ("(212) 555 1234", "+44 (0) 20")."""
    inside, close, after = (window[open_ + 1:open_ + 4] + ["", "", ""])[:3]
    return _PLAIN.fullmatch(inside) is not None and close == ")" and _PLAIN.fullmatch(after.lstrip("-")) is not None


def _qualify(tokens: Sequence, start: int, end: int, vague_key: tuple | None) -> str:
    hedge = _phrase_before(tokens, start, _HEDGES)
    post = _phrase_after(tokens, end, _POST_HEDGES)
    if vague_key is not None and (vague_key not in _VAGUE_HEDGEABLE or not (hedge or post)):
        return "vague"
    if hedge:
        return hedge[0]
    return post or "exact"


def find_quantities(tokens: Sequence[Token]) -> list[Quantity]:
    """Every count of something in ``tokens`` (a sentence), measures left out.

    Scans left to right; a range or a vague phrase consumes all its words so that
    "50,000 to 55,000" is one quantity, not two.
    """
    found, i = [], 0
    while i < len(tokens):
        quantity, i_next = _quantity_at(tokens, i)
        if quantity is not None:
            found.append(quantity)
        i = i_next
    return found


def _date_run(tokens: Sequence, i: int) -> int | None:
    """End of a numeric date written without spaces that holds token ``i`` ("09-02-2016",
    "9/2/16"), split into several tokens by the tokenizer (and perhaps by a sentence break
    before "-09-2016"): a date is never a count."""
    first = tokens[i]
    doc = getattr(first, "doc", None)
    glued = first.text
    if doc is not None:  # the run may start before the sentence does
        k = first.i
        while k > 0 and doc[k - 1].whitespace_ == "" and not doc[k - 1].is_space and first.i - k < 5:
            k -= 1
            glued = doc[k].text + glued
    end = i
    while getattr(tokens[end], "whitespace_", " ") == "" and end + 1 < len(tokens) and end - i < 5:
        end += 1
        glued += tokens[end].text
    if _NUMERIC_DATE.fullmatch(glued.strip(_JUNK + ".,;:")) is None:
        return None
    return end + 1


def _quantity_at(tokens: Sequence[Token], i: int) -> tuple[Quantity | None, int]:
    token = tokens[i]
    word = clean(token.text)
    if not (word[:1].isdigit() or word in _STARTERS or _word_value(word) is not None):
        return None, i + 1  # most words can start no number: spared the full tests below
    glued = getattr(token, "whitespace_", " ") == "" or any(c in token.text for c in "-./")
    date_end = _date_run(tokens, i) if glued and token.text[:1].isdigit() else None
    if date_end is not None:
        return None, date_end
    vague = _vague_at(tokens, i)
    if vague is not None:
        value, end, key = vague
        if _is_measure(tokens, i, end):
            return None, end
        return _make(tokens, i, end, value, None, _qualify(tokens, i, end, key)), end
    number = _number_at(tokens, i)
    if number is None:
        return None, i + 1
    high = _range_high(tokens, number, i)
    end = high.end if high is not None else number.end
    if _is_measure(tokens, i, end):
        return None, end
    low_value = number.value
    if high is not None and number.scale == 1 and low_value * high.scale <= high.value:
        low_value *= high.scale  # "50 to 55 million": the scale is shared
    low = _as_count(low_value)
    top = _as_count(high.value) if high is not None else None
    if low is None:
        return None, end
    if top is not None and _is_year_token(tokens[i]) and not _is_year_range(low, top):
        return None, number.end  # "arrivals for 2015 to 200,000": a year, then a count
    if top is not None and top > low and not _is_year_range(low, top):
        return _make(tokens, i, end, low, top, "range"), end
    if top is not None and _is_year_range(low, top):
        return None, end
    end = number.end
    qualifier = _qualify(tokens, i, end, None)
    return _make(tokens, i, end, low, None, qualifier, number.glued), end


def _is_year_token(token) -> bool:
    text = token.text.strip(_JUNK)
    return len(text) == 4 and text.isdigit() and _YEAR_MIN <= int(text) <= _YEAR_MAX


def _is_year_range(low: int, high: int) -> bool:
    return _YEAR_MIN <= low <= _YEAR_MAX and _YEAR_MIN <= high <= _YEAR_MAX and high - low < 100


def _make(tokens: Sequence[Token], start: int, end: int, value: int, high: int | None,
          qualifier: str, glued: str | None = None) -> Quantity:
    first, last = tokens[start], tokens[end - 1]
    lead = len(first.text) - len(first.text.lstrip(_JUNK))
    tail_text = last.text.rstrip(_JUNK)
    if glued:
        tail_text = tail_text[: len(tail_text) - len(glued)]
    return Quantity(
        value=value, high=high, qualifier=qualifier,
        start=first.i, end=last.i + 1,
        char_start=first.idx + lead, char_end=last.idx + len(tail_text),
        glued=glued,
    )
