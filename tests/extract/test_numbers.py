"""Number grammar: golden strings, quantities in sentences, and round-trip properties."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.numbers import find_quantities, parse_digits, parse_text

_ONES = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _words_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [f"{_ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        parts.append(_TENS[rest // 10] + (f"-{_ONES[rest % 10]}" if rest % 10 else ""))
    elif rest:
        parts.append(_ONES[rest])
    return " and ".join(parts) if hundreds and rest else " ".join(parts)


def to_words(n: int) -> str:
    """English words for 1 <= n < 10**9, as a reporter would write them."""
    parts = []
    for scale, name in ((10**6, "million"), (10**3, "thousand"), (1, "")):
        chunk, n = divmod(n, scale)
        if chunk:
            parts.append(f"{_words_below_thousand(chunk)} {name}".strip())
    return " ".join(parts)


@pytest.mark.parametrize(("text", "value"), [
    ("5,000", 5000), ("1.2 million", 1_200_000), ("half a million", 500_000),
    ("five thousand", 5000), ("Seventeen", 17), ("1.200", 1200), ("500 000", 500_000),
    ("400000", 400_000), ("2.5 million", 2_500_000), ("a million", 1_000_000),
    ("twenty-five", 25), ("one hundred and twenty", 120), ("a hundred and five", 105), ("11 million", 11_000_000),
    ("20,0000", None), ("1.5", None), ("", None), ("million", None), ("5,00", None),
])
def test_parse_text(text: str, value: int | None) -> None:
    assert parse_text(text) == value


def test_parse_digits_reads_grouping() -> None:
    assert parse_digits("1.200") == 1200
    assert parse_digits("1.200", scaled=True) == 1.2
    assert parse_digits("1,5", scaled=True) == 1.5
    assert parse_digits("20,0000") is None


@pytest.mark.parametrize(("sentence", "expected"), [
    ("About 500 people fled.", [(500, None, "approximate", "500")]),
    ("Tens of thousands of people fled.", [(10_000, None, "vague", "Tens of thousands")]),
    ("Hundreds of thousands fled.", [(100_000, None, "vague", "Hundreds of thousands")]),
    ("At least 13 killed and 30 others wounded.", [(13, None, "at_least", "13"), (30, None, "exact", "30")]),
    ("Between 150 and 200 people died.", [(150, 200, "range", "150 and 200")]),
    ("Some 15 to 20 people died.", [(15, 20, "range", "15 to 20")]),
    ("Survivors said, from 20 to 30 refugees died.", [(20, 30, "range", "20 to 30")]),
    ("The toll rose from 20 to 30.", [(20, None, "exact", "20"), (30, None, "exact", "30")]),
    ("The toll rose sharply on Monday, from 20 to 30.", [(20, None, "exact", "20"), (30, None, "exact", "30")]),
    ("They found 50,000-55,000 people.", [(50_000, 55_000, "range", "50,000-55,000")]),
    ("Up to 70,000 Syrians fled.", [(70_000, None, "at_most", "70,000")]),
    ("More than 2 million fled.", [(2_000_000, None, "at_least", "2 million")]),
    ("An estimated 50,000 fled.", [(50_000, None, "approximate", "50,000")]),
    ("A few dozen people were hurt.", [(12, None, "vague", "A few dozen")]),
    ("Several thousand people were hurt.", [(3000, None, "vague", "Several thousand")]),
    ("A dozen people were hurt.", [(12, None, "vague", "A dozen")]),
    ("About a dozen people were hurt.", [(12, None, "approximate", "a dozen")]),
    ("ThousandsÂ of people fled.", [(1000, None, "vague", "Thousands")]),
    ("About 2,000people fled.", [(2000, None, "approximate", "2,000")]),
    ("In 2015, a 43-year-old man walked the 911-kilometer road for 3 days.", []),
    ("It cost $26 million, or 40 percent of the budget, on 16 March.", []),
    ("The bill came to more than 3 million dollars.", []),
    ("Many died and more than 10 million displaced.", [(10_000_000, None, "at_least", "10 million")]),
    ("Call +44 20 7946 0958 or 555-1234 at 7:30.", []),
    ("Call (212) 555 1234 or (212) 555-1234, or +44 (0) 20 7946 0958.", []),
    ("Rescuers saved 300 (or more) refugees.", [(300, None, "exact", "300")]),
    ("Nearly one quarter (23) of those rescued are children.", [(1, None, "approximate", "one"), (23, None, "exact", "23")]),
    ("They went to France (1,098), Spain (147) and Romania (122).",
     [(1098, None, "exact", "1,098"), (147, None, "exact", "147"), (122, None, "exact", "122")]),
    ("The war ran from 2011-2016.", []),
    ("The war has forced 4.8m Syrians to flee.", [(4_800_000, None, "exact", "4.8m")]),
    ("About 300k refugees crossed.", [(300_000, None, "approximate", "300k")]),
    ("Some 1.5mn people are displaced.", [(1_500_000, None, "approximate", "1.5mn")]),
    ("A 4m wall and a 5k run.", []),
    ("A hundred and twenty people reached the island.", [(120, None, "exact", "A hundred and twenty")]),
    ("Over 3,000+ migrants waited and 40+ boats sailed.", [(3000, None, "at_least", "3,000"), (40, None, "at_least", "40")]),
    ("Dial 0800+1234 for the office.", []),
    ("The fund gave $4.8m to the agency.", []),
])
def test_find_quantities(nlp, sentence: str, expected: list[tuple]) -> None:
    doc = nlp(sentence)
    got = [(q.value, q.high, q.qualifier, doc.text[q.char_start:q.char_end]) for q in find_quantities(doc[:])]
    assert got == expected


counts = st.integers(min_value=1, max_value=999_999_999)


@given(counts)
def test_commas_round_trip(n: int) -> None:
    assert parse_text(f"{n:,}") == n


@given(counts)
def test_spaces_round_trip(n: int) -> None:
    assert parse_text(f"{n:,}".replace(",", " ")) == n


@given(st.integers(min_value=1, max_value=999_999))
def test_european_dots_round_trip(n: int) -> None:
    assert parse_text(f"{n:,}".replace(",", ".")) == n or (n < 1000 and parse_text(str(n)) == n)


@given(counts)
def test_words_round_trip(n: int) -> None:
    assert parse_text(to_words(n)) == n


@given(st.integers(min_value=1, max_value=9_999), st.sampled_from(["million", "thousand", "billion"]))
def test_scaled_decimals_round_trip(tenths: int, scale: str) -> None:
    factor = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}[scale]
    written = f"{tenths // 10}.{tenths % 10}" if tenths % 10 else str(tenths // 10)
    if tenths < 10:
        written = f"0.{tenths}"
    assert parse_text(f"{written} {scale}") == tenths * factor // 10


@settings(max_examples=50)
@given(counts)
def test_sentence_round_trip(nlp, n: int) -> None:
    doc = nlp(f"Officials said {n:,} people fled.")
    (q,) = find_quantities(doc[:])
    assert (q.value, q.qualifier) == (n, "exact")
