"""When a figure happened and what span it covers: ``scope`` and the event date's words.

A war-wide toll added to the day's incidents counts the dead twice, and a
report's publication day is not the day people died. So each figure says its
``scope`` (incident, period, total; see the annotation guide) and, for an
incident, the day expression tied to it in the parse ("on Monday",
"yesterday", "14 January"). Extraction is pure and does not know the
document's published date: it returns the words and a machine-readable
relative form (``event_when``), and ``extract.days`` turns that into a date
where the published date is known (the flow, before staging). Calendar
arithmetic is python-dateutil's; the rules tying words to a figure are ours, and their
vocabulary lives in ``config/lexicons/when.toml``.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Iterator
from itertools import islice
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

from dateutil import parser as date_parser

from config import load_lexicon
from extract.attribution import SOURCE_VERBS, reports
from extract.doccache import break_tokens, doc_text, doc_tokens, kept, span_text, tokens_of
from extract.numbers import find_quantities, parse_text
from extract.places import named_places
from extract.rules import note, rule
from extract.sections import is_headline, section_at, split_sections

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from extract.numbers import Quantity

_LEX = load_lexicon("when")
_ATTACKS = set(load_lexicon("figures")["casualties"]["attacks"]["words"])
_HURT = {w for words in load_lexicon("figures")["casualties"]["words"].values() for w in words}
_STATE_WORDS = {w.partition(":")[0] for label in _LEX["scope"]["present_stock_categories"]
                for w in load_lexicon("figures")["refugees"]["words"][label]}
_PART_OF = set(load_lexicon("language")["groups"]["part_of"])
_GROUP_PARTS = _LEX["days"]["group_parts"]
# Cue words of one refugee category are one kind of event ("saved", "rescued"): each category's lemmas.
_KIN = {label: {w.partition(":")[0] for w in words} for label, words in load_lexicon("figures")["refugees"]["words"].items()}
_SCOPE_RULE, _DAY_RULE = rule("figure.scope"), rule("figure.event-day")
_DAYS, _SCOPE = _LEX["days"], _LEX["scope"]
_Found = TypeVar("_Found")
_DAILY = {k: set(v) for k, v in _DAYS["daily_count"].items()}
_STOCKS = {*_SCOPE["stock_categories"], *_SCOPE["present_stock_categories"]}
_CLOCK = re.compile(r"\d{1,2}:\d\d|\d{1,2}(?::\d\d)?(?:%s)" % "|".join(map(re.escape, _SCOPE["clock_suffixes"])))  # "7:30", "8am"
_WEEKDAYS = {name: i for i, name in enumerate(_DAYS["weekdays"])}
_MONTHS = {name: i + 1 for i, name in enumerate(_DAYS["months"])} | _DAYS["month_abbreviations"]
_STAMP_WEEKDAYS = set(_DAYS["weekdays"]) | set(_DAYS["dateline"]["weekday_abbreviations"])
_LEAD, _PARTS, _NAME_WORDS = set(_DAYS["lead"]), set(_DAYS["parts"]), set(_DAYS["name_words"])
_DATELINE_BEFORE, _DASHES = set(_DAYS["dateline"]["before"]), set(_DAYS["dateline"]["dashes"])
_SPAN = {k: set(v) for k, v in _DAYS["span"].items() if k != "tally_at"}
_TALLY_AT = {tuple(p.split()) for p in _DAYS["span"]["tally_at"]}
_WAR_AGENTS = set(_SCOPE["war_agents"])
_RUNNING_AGENTS = set(_DAYS["running_agents"])
_SINGLE_EVENT = set(_SCOPE["single_event"])
_STOCK_WORDS = set(_SCOPE["stock_words"])
_RUNNING_VERBS, _TOTAL_NOUNS = set(_SCOPE["running_verbs"]), set(load_lexicon("figures")["totals"]["words"])
_OPEN_PERIOD = {tuple(p.split()) for p in _SCOPE["open_period"]}
_EVENT_CLAUSE = set(_SCOPE["event_clause"])
_ACROSS = set(_SCOPE["across"])
_PAST_AUX = set(_SCOPE["past_aux"])
_STATES = set(_SCOPE["states"])
_STAYING = set(_SCOPE["staying"])
_SHIFT_AFTER = {tuple(p.split()) for p in _DAYS["shift"]["after"]}
_SHIFT_OWN = {tuple(p.split()) for p in _DAYS["shift"]["own_sentence"]}
_NEW_ITEM = [tuple(p.split()) for p in _DAYS["new_item"]]
_FINITE = {"VBD", "VBP", "VBZ", "MD"}
_PERFECT = set(_SCOPE["perfect"])
_NOT_YET = set(_DAYS["not_yet"])
_EARLIER = set(_DAYS["earlier"])
_REPORT_VERBS = SOURCE_VERBS | set(_DAYS["spoken"]["verbs"])
_BEFORE_REPORT = set(_DAYS["spoken"]["before_report"])
_TEXT_DAY_RULE = rule("figure.text-day")
_OWN = _DAYS["own"]
# A day written in figures, day first: "12/06" (no year: only with a slash, "3.5" is no day),
# "19.04.2017", "01-08-2016".
_NUMERIC = re.compile(r"(?<![\d./-])(\d{1,2})([./-])(\d{1,2})(?:\2(\d{4}|\d\d))?(?![\d/])")
_HEADING_ENDS = set(_OWN["heading_ends"])
# A year, or years the tokenizer keeps as one word ("2015–2016", "2015/16"): one span of years.
_YEARS = re.compile(r"(?:19|20)\d\d(?:[–—/](?:(?:19|20)\d\d|\d\d))?")
# A day and a year run together where a text lost its punctuation ("Last updated at Feb 022015").
_GLUED = re.compile(r"(\d{1,2})((?:19|20)\d\d)")
# How far (parse steps) a scope marker or an event word may be from the figure's cue or number.
_MAX_TIE = 4
_MAX_WAR_AGENT = 3
# How many sentences back a figure without a day of its own looks for one ("X were killed on
# Monday. ... The Observatory later said 31 people were killed."): a story's day holds until
# another day is named, for about the length of a wire story's account of it; further down, a
# figure without a day is mostly background (last month's toll, another attack).
_CARRY = 10
# How many sentences ahead a figure without a day before it looks for one: a news lead gives the
# toll first and the day after ("A car bomb killed 37 people. The attack, on Sunday evening, ...").
_AHEAD = 2
# Where a figure without a day looks for its story's: (step, how many sentences, which day of one).
_BEFORE = (-1, _CARRY, max)  # the last day named before it: a story's day holds until another is named
_AFTER = (1, _AHEAD, min)  # the first named after it: a news lead gives the toll first and its day after
# How many tokens a written date may reach past its first ("on 14 Jan . , 2016 morning"): a date
# starting within a text's head is read whole from that many tokens past it.
_DATE_REACH = 10
_NOT_AGENT_DEPS = {"compound", "amod"}  # "war planes", "war crimes": not the war as the agent
_CLAUSE_OF_NOUN = frozenset({"relcl", "acl"})
# What follows a count, not a day: its noun ("34 others", "12 wounded") or its verb ("12 were wounded").
_COUNT_FOLLOWERS = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "AUX"})


def _phrases(kind: str, phrases: list[str], value: object = None) -> list[tuple[str, tuple[str, ...], object]]:
    return [(kind, tuple(p.split()), value) for p in phrases]


_PATTERNS = (
    _phrases("total", _SCOPE["total"]) + _phrases("period", _SCOPE["period"]) + _phrases("cutoff", _SCOPE["cutoff"])
    + [("relative", tuple(p.split()), n) for p, n in _DAYS["relative"].items()]
    + _phrases("vague", _DAYS["vague"]["phrases"])
    + [("shift", tuple(p.split()), n) for p, n in _DAYS["shift"]["days"].items()]
    + _phrases("ago", _DAYS["ago"])
)
_WEAK_PERIOD = {tuple(p.split()) for p in _SCOPE["weak_period"]}
_BY_FIRST: dict[str, list[int]] = {}
for _at, (_, _words, _) in enumerate(_PATTERNS):
    _BY_FIRST.setdefault(_words[0], []).append(_at)
"""Positions in ``_PATTERNS`` by first word or class: a token is tried only against phrases that can
start on it, in lexicon order (which breaks ties between phrases of one length)."""


@dataclass(frozen=True)
class Match:
    """A lexicon phrase or day expression found in a sentence: tokens [start, end) of the document."""

    kind: str  # total, period, cutoff, relative, vague, weekday, date
    start: int
    end: int
    value: object = None  # days from publication, weekday number, or (year or None, month, day)
    words: tuple[str, ...] = ()


def _word(token: Token) -> str:
    return token.text.lower().rstrip(".")


def _classes(token: Token) -> set[str]:
    """What a token can stand for in a phrase: itself and its classes (<num>, <year>, <month>, <weekday>, <clock>)."""
    word = _word(token)
    found = {word}
    if token.like_num:
        found.add("<num>")
    if _YEARS.fullmatch(word):
        found.add("<year>")
    if word in _MONTHS:
        found.add("<month>")
    if word.removesuffix("'s") in _WEEKDAYS:
        found.add("<weekday>")
    if _CLOCK.fullmatch(word):
        found.add("<clock>")
    return found


def _per_sentence(find: Callable[[Span], _Found]) -> Callable[[Span], _Found]:
    """``find`` once per sentence: every figure of a sentence, and of the sentences after it
    (a day carries over), asks for the same matches."""
    def cached(sent: Span) -> _Found:
        found = kept(sent.doc, "when." + find.__name__, lambda _: {})
        key = (sent.start, sent.end)
        if key not in found:
            found[key] = find(sent)
        return found[key]
    return cached


@_per_sentence
def _phrase_matches(sent: Span) -> list[Match]:
    """Lexicon phrases in the sentence, the longest wherever several start at one token."""
    classes = [_classes(t) for t in tokens_of(sent)]
    found, k = [], 0
    while k < len(classes):
        starting = (_PATTERNS[at] for at in sorted(at for c in classes[k] for at in _BY_FIRST.get(c, ())))
        fits = [(len(words), kind, words, value) for kind, words, value in starting
                if len(words) <= len(classes) - k and all(w in classes[k + i] for i, w in enumerate(words))]
        if not fits:
            k += 1
            continue
        size, kind, words, value = max(fits, key=lambda f: f[0])
        if kind == "ago":  # "two days ago": the count of days before publication
            kind, value = "relative", -(parse_text(sent[k].text) or 0)
        found.append(Match(kind, sent.start + k, sent.start + k + size, value, words))
        k += size
    return found


def _extend(sent: Span, start: int, end: int) -> tuple[int, int]:
    """Widen a day expression by a leading "on"/"last" and a trailing part of day ("Monday night")."""
    if start > sent.start and _word(sent.doc[start - 1]) in _LEAD:
        start -= 1
    if end < sent.end and sent.doc[end].text in ("'s", "’s"):
        end += 1  # "Monday's strike"
    if end < sent.end and _word(sent.doc[end]) in _PARTS:
        end += 1
    return start, end


@lru_cache(maxsize=4096)
def _calendar(text: str) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of a written date, or None when it names no single day.

    Parsing twice with different defaults tells which parts the text itself gives.
    """
    try:
        a = date_parser.parse(text, default=dt.datetime(2001, 1, 1), fuzzy=True)
        b = date_parser.parse(text, default=dt.datetime(2002, 2, 2), fuzzy=True)
    except (ValueError, OverflowError):
        return None
    if a.month != b.month or a.day != b.day:
        return None
    return (a.year if a.year == b.year else None), a.month, a.day


def _date_at(sent: Span, i: int) -> Match | None:
    """A written date around the month name at token ``i``: "14 January", "Jan. 14, 2016", "May 26"."""
    doc = sent.doc
    start, end = i, i + 1
    if i - 1 >= 0 and doc[i - 1].like_num and "\n" not in doc[i - 1].whitespace_:
        start = i - 1  # "7 November 2016" even where the parser ends a sentence after "7"
    elif i - 2 >= sent.start and _word(doc[i - 1]) == "of" and doc[i - 2].like_num:
        start = i - 2  # "14th of January"
    elif end < sent.end and doc[end].like_num and len(_word(doc[end]).rstrip("stndrh")) <= 2:
        end += 1
    elif end < sent.end and _GLUED.fullmatch(doc[end].text):
        when = _calendar(_GLUED.sub(r"\1 \2", doc[end].text) + " " + doc[i].text)
        return Match("date", *_extend(sent, start, end + 1), when) if when else None  # "Feb 022015"
    else:
        return None
    if end + 1 < sent.end and doc[end].text == "," and "<year>" in _classes(doc[end + 1]):
        end += 2
    elif end < sent.end and "<year>" in _classes(doc[end]):
        end += 1
    elif end < sent.end and doc[end].text[:1].isupper() and _word(doc[end]) in _NAME_WORDS:
        return None  # "April 7th Street": a name, not a day ("30 November 2016 Coalition Letter ..." is one)
    when = _calendar(doc[start:end].text)
    return Match("date", *_extend(sent, start, end), when) if when else None


def _weekday(token: Token) -> int | None:
    """The weekday a word names: "Monday", "Monday's", and "Mondays" before a noun, a possessive
    whose apostrophe the copy lost ("Tuesdays assault"; "on Mondays and Fridays" is no day)."""
    word = _word(token).removesuffix("'s")
    if word in _WEEKDAYS:
        return _WEEKDAYS[word]
    following = token.nbor() if token.i + 1 < len(token.doc) else None
    if word[:-1] in _WEEKDAYS and word.endswith("s") and following is not None \
            and (following.pos_ == "NOUN" or _word(following).removesuffix("s") in _ATTACKS):  # "strike" may parse as a verb
        return _WEEKDAYS[word[:-1]]
    return None


@_per_sentence
def _day_matches(sent: Span) -> list[Match]:
    """Weekdays and written dates of the sentence."""
    found = []
    for token in tokens_of(sent):
        word = _word(token)
        weekday = _weekday(token)
        if weekday is not None:
            found.append(Match("weekday", *_extend(sent, token.i, token.i + 1), weekday))
        elif word in _MONTHS:
            date = _date_at(sent, token.i)
            if date is not None:
                found.append(date)
    return found


def _stamped(sent: Span, weekday: Match) -> bool:
    """A weekday right before a date of the document's own stamp ("Friday 15 Aug 2014")."""
    doc = sent.doc
    around = doc[sent.start:min(len(doc), max(sent.end, weekday.end + 5))]  # the parser may end a sentence after it
    return any(m.kind == "date" and 0 <= m.start - weekday.end <= 1 and _in_dateline(around, m)
               for m in _day_matches(around))


def _in_dateline(sent: Span, match: Match) -> bool:
    """A date at the head of a line followed by a dash or an agency's name, or after "updated":
    the document's own date, not an event's."""
    doc = sent.doc
    before = [_word(t) for t in doc_tokens(doc)[max(sent.start, match.start - 4):match.start]]
    if _DATELINE_BEFORE & set(before):
        return True
    line_start = max(sent.start, _line(doc, match.start).start)
    if match.kind == "weekday" and _stamped(sent, match):
        return True  # "Friday 15 Aug 2014 Print": the weekday of a stamp
    # words, not tokens: the tokenizer cuts "Wed" into "We" and "d"
    opening = _word(doc[match.start]) not in _LEAD and all(
        w.lower().strip(".,") in _STAMP_WEEKDAYS or not w.strip(".,|-–—") for w in doc[line_start:match.start].text.split())
    stamp = match.kind == "date" and match.value[0] is not None
    if stamp and (opening or (match.end < sent.end and doc[match.end].text == "(")):
        return True  # "15 Aug 2016 A suicide attack ...", "... Syria August 6 2016 (TRT World)": a stamp
    if stamp and _after_weekday(doc, match):
        return True  # "... Monitor AFP Saturday 21 Feb 2015 Ten children ...": a stamp in the text
    if stamp and _captioned(doc, match):
        return True  # "... north of Raqqa city Syria November 19 2016. REUTERS/...": a photo's date
    after = [t.text for t in doc_tokens(doc)[match.end:min(sent.end, match.end + 4)]]
    return match.start - line_start <= 6 and any(t in _DASHES or t == "(" for t in after)


def _after_weekday(doc: Doc, match: Match) -> bool:
    """A full date right after a weekday that no "on" leads ("AFP Saturday 21 Feb 2015"): a stamp."""
    k = match.start - 1
    return k >= 0 and _word(doc[k]) in _STAMP_WEEKDAYS and (k == 0 or _word(doc[k - 1]) not in _LEAD)


def _captioned(doc: Doc, match: Match) -> bool:
    """A full date straight after a place name and closing its sentence, without "on": a caption's."""
    return match.start > 0 and _word(doc[match.start]) not in _LEAD and doc[match.start - 1].pos_ == "PROPN" \
        and match.end < len(doc) and doc[match.end].text == "."


def _verb_of(sent: Span, match: Match) -> Token:
    """The verb a day expression modifies ("killed" in "killed on Monday"; "said" in "said on Monday")."""
    token = _root(sent, match)
    for _ in range(3):
        if token.pos_ in ("VERB", "AUX") or token.head.i == token.i:
            break
        token = token.head
    return token


def _elsewhere(sent: Span, match: Match, cue: Token | None, anchor: Token | None) -> bool:
    """The day belongs to something else than the figure: when someone spoke ("officials said on
    Monday"), or what happened to people the figure's clause only describes ("aid entered Syria on
    Sunday to help thousands who have fled")."""
    verb = _verb_of(sent, match)
    if cue is None:
        return reports(verb, _REPORT_VERBS)
    if _spoken(sent, match, cue):
        return True
    if anchor is None or verb.i == cue.i:
        return False
    if _of_other_clause(sent, match, cue, anchor):
        return True
    # "two women were among eight people killed on Saturday": a copula tells no event of its own;
    # "fired rocket shells on Friday, leaving ... 9 other people injured": the attack hurt them that day
    return _describes(cue, anchor, _CLAUSE_OF_NOUN) and verb not in cue.subtree and verb.lemma_ != "be" \
        and not _hurt_by(verb, cue)


def _hurt_by(verb: Token, cue: Token) -> bool:
    """The cue is a casualty the verb's attack left ("fired rocket shells on Friday, leaving ... 9
    other people injured"): the attack's day is theirs. Not a casualty of an attack of its own
    ("attacked a bus on Monday carrying 20 people injured in an earlier blast"), nor anyone the
    verb only acts on ("fired tear gas at 200 refugees stranded at the border")."""
    return verb.lemma_.lower() in _ATTACKS and cue.lemma_.lower() in _HURT \
        and not any(c.dep_ == "prep" and any(g.lemma_.lower() in _ATTACKS for g in c.children) for c in cue.children)


def _of_group(noun: Token, anchor: Token) -> bool:
    """``noun`` is the counted group or the noun its count is "of" ("tens of thousands of people")."""
    group = {anchor.i, anchor.head.i}
    for _ in range(_MAX_TIE):
        if noun.i in group:
            return True
        if noun.dep_ not in ("pobj", "prep") or noun.head.i == noun.i:
            return False
        noun = noun.head
    return False


def _ends_line(token: Token) -> bool:
    return "\n" in token.whitespace_ or (token.is_space and "\n" in token.text)


def _line_ends(doc: Doc) -> list[int]:
    """Indices of the tokens that end a line, in order: found once per document (a text without
    line breaks is one long line, and walking it for every figure cost more than the rest), from
    the text's newlines rather than by making every token."""
    return kept(doc, "when.line_ends", lambda d: [k for k in break_tokens(d) if _ends_line(doc_tokens(d)[k])])


def _line(doc: Doc, i: int) -> Span:
    """The line of the document that holds token ``i``."""
    ends = _line_ends(doc)
    k = bisect_left(ends, i)
    return doc[ends[k - 1] + 1 if k else 0:ends[k] + 1 if k < len(ends) else len(doc)]


def _on_headline(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is on a headline or caption line (decided once per line and document)."""
    lines = kept(doc, "when.headline_lines", lambda d: {})
    k = bisect_left(_line_ends(doc), i)
    if k not in lines:
        lines[k] = is_headline(span_text(_line(doc, i)))
    return lines[k]


def _heading(sent: Span, match: Match) -> bool:
    """A day on a line in capitals ("SUNDAY", "SUNDAY FEATURE" over a live blog's items) dates the
    page, not a figure."""
    line = _line(sent.doc, match.start)
    return sent.doc[match.start].text.isupper() and all(t.text.isupper() for t in line if t.is_alpha)


def _is_joint(token: Token) -> bool:
    return token.text in _DASHES or _word(token) in _SPAN["joints"]


def _names_day(tokens: Span) -> bool:
    return any(_classes(t) & {"<month>", "<weekday>"} for t in tokens)


def _span_end(sent: Span, match: Match) -> bool:
    """A day that bounds a span ("since Friday", "from 1 January to 31 May", "1 January - 31 May"):
    a period, no day."""
    doc = sent.doc
    if match.kind not in ("date", "weekday"):
        return False
    if match.start > sent.start and _word(doc[match.start - 1]) in _SPAN["before"]:
        return True  # "since Friday"
    if tuple(_word(t) for t in doc_tokens(doc)[max(sent.start, match.start - 2):match.start]) in _TALLY_AT:
        return True  # "as of Wednesday": the day a tally is counted to
    verb = _verb_of(sent, match)
    if verb.i != _root(sent, match).i and any(c.dep_ == "mark" and _word(c) in _SPAN["before"] for c in verb.children):
        return True  # "since rebels launched a campaign on July 31"
    if match.end < sent.end and _is_joint(doc[match.end]):
        after = doc[match.end + 1:min(sent.end, match.end + 4)]
        return _names_day(after) or (match.kind == "date" and _day_number(after))  # "1 January to 31 May", "May 11 - 23"
    if match.start > sent.start and _is_joint(doc[match.start - 1]):
        return _names_day(doc[max(sent.start, match.start - 4):match.start - 1])  # its "31 May"
    return False


def _day_number(after: Span) -> bool:
    """A number after a date's joint that is the span's other day ("May 11 - 23", "on June 10 and
    12"), not a count of its own ("killed on 14 June and 34 others were injured")."""
    day = after[0].text.rstrip("stndrh") if len(after) > 0 else ""
    if not (day.isdigit() and int(day) <= 31):
        return False
    return len(after) == 1 or after[1].pos_ not in _COUNT_FOLLOWERS


def _verb_above(token: Token, sent: Span) -> Token | None:
    """The first verb or auxiliary from ``token`` up to its sentence's root: the clause it is in."""
    return next((t for t in _chain(token, sent) if t.pos_ in ("VERB", "AUX")), None)


def _chain(token: Token, sent: Span) -> list[Token]:
    """The token and its heads up to the sentence's root."""
    chain = [token]
    while chain[-1].head.i != chain[-1].i and sent.start <= chain[-1].head.i < sent.end:
        chain.append(chain[-1].head)
    return chain


def _steps(a: Token, b: Token, sent: Span) -> int:
    """Parse steps between two tokens of a sentence."""
    mine, theirs = _chain(a, sent), _chain(b, sent)
    index = {t.i: k for k, t in enumerate(theirs)}
    for up, token in enumerate(mine):
        if token.i in index:
            return up + index[token.i]
    return len(mine) + len(theirs)


def _root(sent: Span, match: Match) -> Token:
    """The token of a match that the rest of the sentence hangs it from."""
    tokens = sent.doc[match.start:match.end]
    return next((t for t in tokens if not match.start <= t.head.i < match.end or t.head.i == t.i), tokens[0])


def _distance(sent: Span, match: Match, figure: tuple[Token, ...]) -> int:
    root = _root(sent, match)
    return min(_steps(root, token, sent) for token in figure)


@dataclass(frozen=True)
class FigureWhen:
    """What a figure's sentence says about when: the scope, and the event day's words and form."""

    scope: str
    event_date_text: str | None = None
    event_when: str | None = None
    own: bool = False  # the day is one its own sentence names, not one carried from around it (figure.day-of-fact)

    def row(self) -> dict[str, str | bool | None]:
        """The figure row's columns (``event_when`` is resolved into ``event_date`` by ``extract.days.dated``)."""
        return {"scope": self.scope, "event_date_text": self.event_date_text, "event_when": self.event_when,
                "_own_day": self.own}


def _war_agent(sent: Span, cue: Token) -> bool:
    """The war or conflict did it: "the war has killed", "a conflict that has killed", "killed in the war"."""
    return _agent(sent, cue, _WAR_AGENTS)


def _agent(sent: Span, cue: Token, words: set[str]) -> bool:
    """A word of ``words`` (as written or as its lemma) near the cue, not as a modifier ("war planes")."""
    return any((_word(t) in words or t.lemma_.lower() in words) and t.dep_ not in _NOT_AGENT_DEPS
               and _steps(t, cue, sent) <= _MAX_WAR_AGENT for t in tokens_of(sent) if t.i != cue.i)


def _driven_flight(sent: Span, cue: Token) -> bool:
    """A refugee count a fight that goes on has driven, told in the present perfect ("fighting has
    forced 13,000 residents to flee", "the raging battle has prompted 186,000 to flee"): a running
    count, whose day no story gives. An infinitive's tense is its governing verb's, and a verb
    conjoined without an auxiliary of its own shares its head's ("has killed hundreds and forced")."""
    verb = cue.head if any(c.tag_ == "TO" for c in cue.children) and cue.head.pos_ in ("VERB", "AUX") else cue
    while verb.dep_ == "conj" and not any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        verb = verb.head
    return _tense(sent, verb) == "perfect" and _agent(sent, cue, _RUNNING_AGENTS)


def _before_the_story(sent: Span, cue: Token) -> bool:
    """The figure's verb says it happened before the story's time ("which had already rescued 346
    people", "have already once prevented the arrival of 500"): the story's day is not its day."""
    verb = _verb_above(cue, sent)
    return verb is not None and any(c.dep_ == "advmod" and _word(c) in _EARLIER for c in verb.children)


def _near_words(sent: Span, figure: tuple[Token, ...], words: set[str]) -> bool:
    """A word of ``words`` (as written or as its lemma) tied to the figure, not one linking the
    sentence to the one before ("Still, 1,300 refugees landing only yesterday is a huge number")."""
    return any((_word(t) in words or t.lemma_.lower() in words) and min(_steps(t, f, sent) for f in figure) <= _MAX_TIE
               and not _linking(t) for t in tokens_of(sent))


def _linking(token: Token) -> bool:
    """The first word of its sentence, set off by a comma: a link to what was said before."""
    first = next(t for t in token.sent if not t.is_space)
    return first.i == token.i and token.i + 1 < len(token.doc) and token.nbor().text == ","


def _record(sent: Span, cue: Token, markers: list[Match]) -> bool:
    """A relative clause in the present perfect on whoever did it, bounded by no marker of its own
    ("Boko Haram, which has killed thousands, has suffered setbacks this year"; "the bombing, which
    has killed hundreds"): its record to date, not one event."""
    clause = next((t for t in _chain(cue, sent) if t.dep_ == "relcl"), None)
    if clause is None or any(_root(sent, m) in clause.subtree for m in markers):
        return False
    children = list(clause.children)
    return any(c.dep_ == "aux" and _word(c) in _PERFECT for c in children) \
        and any(c.dep_ in ("nsubj", "nsubjpass") and c.tag_ == "WDT" for c in children)


def _scope(sent: Span, table: str, label: str, quantity: Quantity, markers: list[Match],
           figure: tuple[Token, ...], phrases: list[Match]) -> tuple[str, str]:
    """incident, period or total, and why: the strongest marker tied to the figure, then what it counts
    (``phrases``: the sentence's, for the day its clause may name)."""
    said = {m.kind: sent.doc[m.start:m.end].text for m in markers}
    if "total" in said:
        return "total", f"{said['total']!r}"
    if "cutoff" in said and label in _STOCKS:
        return "total", f"a stock ({label}) counted {said['cutoff']!r}"
    if _war_agent(sent, figure[0]):
        return "total", "the war did it"
    if _record(sent, figure[0], markers):
        return "total", "a record to date"
    periods = sorted((m for m in markers if m.kind == "period"), key=lambda m: _distance(sent, m, figure))
    if periods:
        return _period_scope(sent, table, quantity, periods, figure)
    return _standing_scope(sent, table, label, quantity, figure, phrases)


def _period_scope(sent: Span, table: str, quantity: Quantity, periods: list[Match],
                  figure: tuple[Token, ...]) -> tuple[str, str]:
    """A figure with period markers, the nearest first: an open span ("since then") over a war-sized
    figure is the war's toll; a weak period ("last month", "in December 2016") around one event
    ("in a single shipwreck", "wounded when a bomb went off") is that incident; else a period."""
    words = sent.doc[periods[0].start:periods[0].end].text
    if all(m.words in _OPEN_PERIOD for m in periods) and quantity.value >= _SCOPE["magnitude"][table]:
        return "total", f"{quantity.value:,} since {words!r}: the war's toll"
    if periods[0].words in _WEAK_PERIOD and _one_event(sent, figure):
        return "incident", f"one event in {words!r}"
    return "period", repr(words)


def _one_event(sent: Span, figure: tuple[Token, ...]) -> bool:
    """A single event named by the figure ("a single shipwreck", "the blast") or told in a "when"
    clause of its verb ("three officers were wounded when a girl walked in wearing a belt")."""
    if _near_words(sent, figure, _SINGLE_EVENT):
        return True
    verb = _verb_above(figure[0], sent)
    verb = figure[0] if verb is None else verb
    return any(c.dep_ == "advcl" and any(_word(g) in _EVENT_CLAUSE for g in c.children if g.dep_ in ("advmod", "mark"))
               for c in verb.children)


def _standing_scope(sent: Span, table: str, label: str, quantity: Quantity,
                    figure: tuple[Token, ...], phrases: list[Match]) -> tuple[str, str]:
    """A figure without a marker: a stock, a standing count or a war-sized figure is a total; a
    large vague figure is a standing situation unless told as a past event ("thousands of evacuees
    had been stuck on the road", "thousands fled the town"). People in a state now ("stranded")
    are a standing count when told in the present, or by a word of that state with no verb of
    their own and no day ("56,853 people stranded in Greece", not "40 migrants detained at the
    border on Monday", nor "680 refugees arrived" misparsed as a participle). So is a count a number
    has grown to, unless its clause names the day ("the number of arrivals reached 300 on Monday")."""
    if table == "refugees" and label in _SCOPE["stock_categories"] and not _past_event(sent, figure[0]):
        return "total", f"a stock ({label})"
    if table == "refugees" and _near_words(sent, figure, _STOCK_WORDS) and not _new_arrivals(figure):
        return "total", "a standing count"
    if table == "refugees" and _running_count(figure[-1]) and not _days(sent, phrases, figure, sent.end):
        return "total", "a running count: what a number has grown to"
    if table == "refugees" and (_staying_now(sent, figure[-1]) or _there_now(sent, figure)) \
            and label not in _NOT_YET and not _days(sent, phrases, figure, sent.end):
        return "total", "they are there now: a standing count"
    if table == "refugees" and label in _SCOPE["present_stock_categories"]:
        tense = _tense(sent, figure[0])
        if tense == "present" or (tense is None and figure[0].lemma_.lower() in _STATE_WORDS
                                  and not _days(sent, phrases, figure, sent.end)):
            return "total", f"{label} now: a standing count"
    if quantity.value >= _SCOPE["magnitude"][table]:
        return "total", f"{quantity.value:,} is more than one event"
    if quantity.qualifier == "vague" and quantity.value >= _SCOPE["vague_magnitude"][table]:
        if not _past_event(sent, figure[0]):
            return "total", f"{quantity.value:,} (vague) is a standing situation"
    places = _several_places(sent, figure)
    if places:
        return "period", f"a toll across {places!r}, not one incident"
    return "incident", "no period or total marker"


def _running_count(anchor: Token) -> bool:
    """The figure is what a number or total has grown to ("the number of relocations has increased
    to 2,280", "the total number of refugees in Greece reached 57,000"): a count to date."""
    counted = _counted(anchor)
    if counted.dep_ == "pobj" and _word(counted.head) in ("to", "at"):
        verb = counted.head.head
    elif counted.dep_ == "dobj":
        verb = counted.head
    else:
        return False
    return verb.lemma_.lower() in _RUNNING_VERBS and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in _TOTAL_NOUNS
        and not any(d.dep_ == "det" and d.lower_ == "a" for d in c.children)  # "a number of boats reached 120"
        for c in verb.children)


def _staying_now(sent: Span, anchor: Token) -> bool:
    """The count is the subject of a verb of staying told in the present ("3280 remain at Piraeus
    port", "500 evacuees are living at the port"): who is somewhere now, whatever moved them there."""
    subject = _counted(anchor)
    verb = subject.head
    return subject.dep_ == "nsubj" and verb.lemma_.lower() in _STAYING and _tense(sent, verb) == "present"


def _there_now(sent: Span, figure: tuple[Token, Token]) -> bool:
    """The count is what "there is" or "there are" somewhere now ("there are only 10 people in this
    center"): a standing count, unless it counts new arrivals, a day's flow."""
    noun = _counted(figure[-1])
    verb = noun.head
    return noun.dep_ == "attr" and any(c.dep_ == "expl" for c in verb.children) \
        and _tense(sent, verb) == "present" and not _new_arrivals(figure)


def _counted(anchor: Token) -> Token:
    """The noun a number counts ("people" of "500 people"), or the number itself standing alone."""
    return anchor.head if anchor.dep_ == "nummod" else anchor


def _several_places(sent: Span, figure: tuple[Token, ...]) -> str | None:
    """Places joined in the figure's "in" phrase ("injured in attacks in Damascus and Aleppo"): a
    sum of events at several places, which no incident is (one event, at one place)."""
    for token in tokens_of(sent):
        if token.dep_ == "pobj" and token.pos_ == "PROPN" and _word(token.head) in _ACROSS \
                and any(c.dep_ == "conj" and c.pos_ == "PROPN" for c in token.children) \
                and min(_steps(token, f, sent) for f in figure) <= _MAX_TIE:
            return sent.doc[token.i:max(c.i for c in token.children if c.dep_ == "conj") + 1].text
    return None


def _own_time(markers: list[Match]) -> bool:
    """A figure in a period it names takes no day from its story: one event in it ("800 died in a
    single shipwreck last month") happened on a day the text does not give."""
    return any(m.kind == "period" for m in markers)


def _describes(cue: Token, anchor: Token, deps: frozenset[str] = frozenset({"relcl"})) -> bool:
    """The cue is a clause (by default a relative clause) only describing the counted people ("to
    help thousands of people who have fled", "2,500 refugees who fled the camp"): who they are,
    not an event of the story's day ("four people killed in the blast" is the event)."""
    return cue.dep_ in deps and _of_group(cue.head, anchor)


def _past_event(sent: Span, cue: Token) -> bool:
    """The cue's clause is told in the past ("fled", "were displaced", "had been stuck")."""
    return _tense(sent, cue) == "past"


def _tense(sent: Span, cue: Token) -> str | None:
    """past, perfect or present, as the first finite verb or auxiliary up the parse from the cue
    says (a past state, "there were 5,000 refugees", is no past event); None where no verb says it."""
    for token in _chain(cue, sent):
        if token.dep_ in _CLAUSE_OF_NOUN or token.dep_ == "advcl":
            continue  # "Syrians displaced from Aleppo have found refuge": the participle describes them
        auxes = [c for c in token.children if c.dep_ in ("aux", "auxpass")]
        if auxes:
            if any(_word(a) in _PAST_AUX for a in auxes):
                return "past"
            return "perfect" if any(_word(a) in _PERFECT for a in auxes) else "present"
        if token.tag_ in _FINITE:
            if token.tag_ == "VBD":
                return None if token.lemma_.lower() in _STATES else "past"
            return "present"
    return None


def _form(match: Match) -> str | None:
    """The machine-readable relative form of a day expression (see ``extract.days.resolve``)."""
    if match.kind == "relative":
        return f"day:{match.value:+d}"
    if match.kind == "weekday":
        return f"weekday:{match.value}"
    if match.kind == "date":
        year, month, day = match.value
        return f"date:{year:04d}-{month:02d}-{day:02d}" if year else f"monthday:{month:02d}-{day:02d}"
    return None  # vague: words without a day


def _days(sent: Span, phrases: list[Match], figure: tuple[Token, Token] | None, before: int) -> list[Match]:
    """Day expressions of a sentence (ending before token ``before``) that may date a figure:
    not a dateline, not the day someone spoke."""
    days = [m for m in phrases if m.kind in ("relative", "vague", "shift")] + _day_matches(sent)
    return [m for m in days if m.end <= before and not _page_day(sent, m)
            and not _span_end(sent, m) and (m.kind == "shift" or not _elsewhere(sent, m, *(figure or (None, None))))]


def _page_day(sent: Span, match: Match) -> bool:
    """A dateline, a stamp or a heading in capitals: the page's day, not an event's."""
    return _in_dateline(sent, match) or _heading(sent, match)


def _named_days(sent: Span, phrases: list[Match]) -> list[Match]:
    """The days a sentence names: relative days ("yesterday"), weekdays and dates."""
    return [m for m in phrases if m.kind == "relative"] + _day_matches(sent)


def _other_time(sent: Span, phrases: list[Match], figure: tuple[Token, Token]) -> bool:
    """The figure's sentence dates something else than a speech ("in the process, which began on
    June 8th, 680 children were identified", "since rebels attacked on July 31, 40 were killed"):
    it has set its own time, and the story's day is not carried into it."""
    return any(not _page_day(sent, m)
               and (_span_end(sent, m) or _of_other_clause(sent, m, *figure)) for m in _named_days(sent, phrases))


def _of_other_clause(sent: Span, match: Match, cue: Token, anchor: Token) -> bool:
    """The day is in a relative clause on a noun the figure's clause only mentions ("in the
    process, which began on June 8th, 680 children were identified"); one on the counted people
    tells their own move ("saved 140 people who escaped from Libya yesterday morning")."""
    verb = _verb_of(sent, match)
    return verb.dep_ == "relcl" and cue not in verb.subtree and verb not in _chain(cue, sent) \
        and not _cause_of(verb.head, cue) and not _their_move(verb, anchor)


def _their_move(verb: Token, anchor: Token) -> bool:
    """``verb`` heads a relative clause telling what the counted people themselves did then ("140
    people who escaped from Libya yesterday morning"): not a speech, nor an earlier move ("who had
    left on Sunday")."""
    noun = verb.head
    of = noun.dep_ == "pobj" and noun.head.head.i == anchor.i and _word(noun.head) == "of"  # "thousands of people who"
    counted = noun.i == anchor.i or noun.i == anchor.head.i and noun.pos_ in ("NOUN", "PROPN") or of \
        or _part_of(anchor, noun)
    return counted and not _pluperfect(verb) and not reports(verb, _REPORT_VERBS)


def _part_of(anchor: Token, group: Token) -> bool:
    """The count is a part of ``group`` ("140 people who escaped ..., including 14 babies"): it moved
    with them."""
    part = _counted(anchor)
    return part.dep_ == "pobj" and part.head.lemma_.lower() in _PART_OF and part.head.head.i == group.i


def _cause_of(noun: Token, cue: Token) -> bool:
    """``noun`` is the attack the figure's clause (or one joined to it: "20 killed and 55 wounded
    during a bombing that ...") says did it ("killed in the bombardment that hit Idlib on Tuesday"):
    the clause on it tells the incident's day."""
    return noun.lemma_.lower() in _ATTACKS and noun.dep_ == "pobj" and noun.head.head in (cue, *cue.conjuncts)


def _spoken(sent: Span, match: Match, cue: Token) -> bool:
    verb = _verb_of(sent, match)
    return reports(verb, _REPORT_VERBS) and verb.i != cue.i


def _numeric_days(line: Span) -> list[Match]:
    """Days written in figures on a line, day first as the corpus' outlets write them ("12/06",
    "19.04.2017", "01-08-2016", "16/11/17"); without a year, or with two figures for it, only with
    a slash ("3.5 million" is no day, nor a section number "1.2.15")."""
    doc, found = line.doc, []
    for m in _NUMERIC.finditer(span_text(line)):
        day, month, year = int(m[1]), int(m[3]), _full_year(m[4])
        short = m[4] is None or len(m[4]) == 2
        if (short and m[2] not in _OWN["short_separators"]) or not _calendar_day(month, day):
            continue
        span = doc.char_span(line.start_char + m.start(), line.start_char + m.end(), alignment_mode="expand")
        if span is not None:
            found.append(Match("date", span.start, span.end, (year, month, day)))
    return found


def _full_year(written: str | None) -> int | None:
    """A year as written: "2017", or "17" for 2017 ("99" for 1999: two figures name the years
    around the turn of the century)."""
    if written is None:
        return None
    year = int(written)
    if len(written) == 4:
        return year
    return 2000 + year if year < 50 else 1900 + year


def _calendar_day(month: int, day: int) -> bool:
    try:
        dt.date(2000, month, day)  # a leap year: 29 February is a day
    except ValueError:
        return False
    return True


def _lines(doc: Doc) -> Iterator[Span]:
    start = 0
    for end in [*_line_ends(doc), len(doc) - 1]:
        if end >= start:
            yield doc[start:end + 1]
        start = end + 1


def _closes_heading(line: Span, match: Match) -> bool:
    """The day ends its line or stands before the line's colon or dash ("Digest 12/06: ...")."""
    rest = [t for t in line.doc[match.end:line.end] if not t.is_space]
    return not rest or rest[0].text in _HEADING_ENDS


def _heading_days(doc: Doc) -> list[Match]:
    """Days that head the items below them: a date without a year closing the title or standing
    before its colon ("AYS Daily Digest 12/06: ..."), or a line that is only a day ("Tuesday,
    14 June"). A stamp with a year is the page's date, "... killed on 14 June" a headline's event,
    "1 January - 31 May" a span, and "Syria Daily, Feb 4: ..." down the page a link to another day."""
    def find(d: Doc) -> list[Match]:
        return [m for k, line in enumerate(_lines(d)) if is_headline(span_text(line))
                for m in _day_matches(line) + _numeric_days(line)
                if m.kind == "date" and m.value[0] is None and _word(d[m.start]) not in _LEAD
                and _closes_heading(line, m) and not _span_end(line, m) and (k == 0 or _only_day(line))]
    return kept(doc, "when.heading_days", find)


def _only_day(line: Span) -> bool:
    """A line of nothing but a day: weekday, day, month and punctuation ("Tuesday, 14 June")."""
    return all(t.is_punct or t.is_space or t.like_num or _classes(t) & {"<month>", "<weekday>"} for t in line)


def _stamp_day(doc: Doc) -> Match | None:
    """The date the text is stamped with near its head ("Date of publication 27 October 2016",
    "BEIRUT, Feb 10 (Reuters) -", "19.04.2017"): the day it was written, which relative days
    count from (the guide: a dateline at the head of the text is the published date)."""
    def find(d: Doc) -> Match | None:
        for k, line in enumerate(_lines(d)):
            if k >= _OWN["head_lines"]:
                return None
            head = line.start + _OWN["head_tokens"]
            window = d[line.start:min(line.end, head + _DATE_REACH)]  # a one-line text is read to its head only
            numeric = _numeric_days(window)
            for m in sorted(_day_matches(window) + numeric, key=lambda m: m.start):
                full = m.kind == "date" and m.value[0] is not None and m.start < head
                if full and (m in numeric or _in_dateline(line, m) or _after_title(d, line, m)):
                    return m
        return None
    return kept(doc, "when.stamp_day", find)


def text_date(doc: Doc) -> dt.date | None:
    """The date the text is stamped with near its head, if any: a document without a published date
    from its source is dated by it, as its relative days are counted from it."""
    stamp = _stamp_day(doc)
    return dt.date(*stamp.value) if stamp is not None else None


def _after_title(doc: Doc, line: Span, match: Match) -> bool:
    """A date right after the body repeats the title ("Ten civilians killed in Raqqa\n\nTen civilians
    killed in Raqqa 21 November 2016 SANA ..."): the page's stamp between its headline and its text."""
    title = span_text(next(_lines(doc))).strip()
    before = doc_text(doc)[line.start_char:doc[match.start].idx].strip()
    return line.start > 0 and len(title) > 0 and before == title


def _incident_day(sent: Span, cue: Token, quantity: Quantity, label: str) -> Match | None:
    """The day another sentence of the text gives the same incident: its clause has the figure's
    cue word and shares its figure, a part of it or a place ("400 people were forcefully evicted at
    Lesvos" in a digest's summary, "the camp on #Lesvos was forcefully evicted today" in its item;
    "120 people rescued ... (23) of those rescued are children" in an item, "today rescued 23
    children" in its caption), or a cue word of the same kind and the figure itself ("140 people
    saved on rubber boat" in a digest's lead, "At 7am this morning, Aquarius rescued 140 people" in
    its item). A sentence counting another figure tells another count ("some 60 people arrived in
    Greece today")."""
    key, kin = cue.lemma_.lower(), _KIN.get(label, set())
    parts = _parts(sent, key, quantity.value)
    figures = {quantity.value} | set(parts)
    mine = _incident_marks(sent, {quantity.value}) | {f"#{part}" for part in parts}
    for other in sent.doc.sents:
        cues = [t for t in tokens_of(other) if t.lemma_.lower() == key or t.lemma_.lower() in kin]
        if other.start == sent.start or not cues or _other_count(other, figures):
            continue  # the cheap tests first: most sentences have no such word
        shared = mine & _incident_marks(other, figures) - _other_people(other, parts)
        if f"#{quantity.value}" not in shared:
            cues = [t for t in cues if t.lemma_.lower() == key]  # a kin word needs the figure itself
        if not cues or not shared:
            continue
        phrases = _phrase_matches(other)
        for same in cues:
            days = [m for m in _days(other, phrases, (same, same), other.end) if _form(m) and m.kind != "shift"]
            if days:
                return min(days, key=lambda m: _distance(other, m, (same, same)))
    return None


def _parts(sent: Span, key: str, figure: int) -> dict[int, set[str]]:
    """Smaller counts the next sentences give of a part of the figure's group, named by its cue word
    ("Nearly one quarter (23) of those rescued are children", "Among those rescued were 23 women"),
    each with the nouns of its sentence: the part is counted in the same incident."""
    doc, parts = sent.doc, {}
    for other in islice(doc[sent.end:].sents, _GROUP_PARTS["reach"]) if sent.end < len(doc) else ():
        if any(t.lemma_.lower() == key and t.dep_ == "acl" and t.head.dep_ == "pobj" and _word(t.head.head) in _GROUP_PARTS["words"]
               for t in tokens_of(other)):
            nouns = {t.lemma_.lower() for t in tokens_of(other) if t.pos_ == "NOUN"}
            parts |= {low: nouns for low, high in _counts(other) if high < figure}
    return parts


def _other_people(other: Span, parts: dict[int, set[str]]) -> set[str]:
    """The marks of the parts ``other`` counts of other people: "rescued 2 fishermen" is not the
    part "2 infants" of "Among those rescued were 31 women and 2 infants"."""
    return {f"#{part}" for part, nouns in parts.items()
            if not {_counted(t).lemma_.lower() for t in _figure_tokens(other, part)} & nouns}


def _figure_tokens(sent: Span, figure: int) -> list[Token]:
    """The last token of each count of ``figure`` in the sentence: the one its noun hangs on."""
    return [sent.doc[q.end - 1] for q in find_quantities(tokens_of(sent)) if q.value == figure]


def _incident_marks(sent: Span, figures: set[int]) -> set[str]:
    """What names an incident in a sentence: the places it names, and the figures it counts of it."""
    marks = named_places(sent.doc, sent)
    marks |= {f"#{figure}" for figure in figures if any(low <= figure <= high for low, high in _counts(sent))}
    return marks


def _other_count(sent: Span, figures: set[int]) -> bool:
    """The sentence counts something else than ``figures``, more than one thing ("one boat with 29
    people" counts the 29; "between 300 and 400 people" can be the 400)."""
    return any(not any(low <= figure <= high for figure in figures) and high > 1 for low, high in _counts(sent))


@_per_sentence
def _counts(sent: Span) -> list[tuple[int, int]]:
    """The numbers written in a sentence, each as its lowest and highest value."""
    return [(q.value, q.high or q.value) for q in find_quantities(tokens_of(sent))]


def _text_day(doc: Doc, at: int) -> Match | None:
    """The day the text above token ``at`` says it is about: the last heading day before it, else
    the text's stamp."""
    heads = [m for m in _heading_days(doc) if m.start < at]
    return heads[-1] if heads else _stamp_day(doc)


def _daily_count(doc: Doc, cue: Token, anchor: Token) -> Match | None:
    """A dated report's count of new arrivals that names no day ("50 new arrivals on Greek islands"
    under "23.5.2016: ..."): new since the report before, so the day the report is about."""
    return _text_day(doc, anchor.i) if _new_arrivals((cue, anchor)) else None


def _new_arrivals(figure: tuple[Token, Token]) -> bool:
    """The figure's cue or counted noun is "new arrivals": people arrived since the last count, a
    day's flow, never a stock ("54,195 people still stuck in Greece with 50 new arrivals")."""
    cue, anchor = figure
    nouns = (cue, anchor.head) if anchor.dep_ == "nummod" else (cue,)
    return any(n.lemma_.lower() in _DAILY["nouns"] and any(_word(c) in _DAILY["new"] for c in n.children if c.dep_ == "amod")
               for n in nouns)


def _anchored(doc: Doc, form: str, at: int) -> str:
    """A relative form counted from the day the text above token ``at`` says it is about: the last
    heading day before it, else the text's stamp (see ``extract.days.resolve``)."""
    if form.startswith("date:"):
        return form
    base = _text_day(doc, at)
    if base is None:
        return form
    return f"{form}@{_anchored(doc, _form(base), base.start)}"


def _shifted(sent: Span, shift: Match, figure: tuple[Token, Token], floor: int) -> str | None:
    """A day counted from the story's day ("the previous day", "a day after bombardments killed
    24"): the other day of the sentence, else the story's day around it, shifted. "A day after"
    dates only what follows it; before it ("killed 20 a day after the truce") the day is unknown."""
    if shift.words in _SHIFT_AFTER and figure[1].i < shift.start:
        return None
    phrases, own_only = _phrase_matches(sent), shift.words in _SHIFT_OWN
    if own_only:  # "killed overnight, a monitor said Saturday": the night before the report, else unknown
        home = sent.doc[shift.start].sent  # the sentence saying "overnight", when the figure's carries it
        others = _reported_days(home, _phrase_matches(home)) or _reported_days(sent, phrases)
    else:
        others = [m for m in _days(sent, phrases, figure, sent.end) if _form(m) and m != shift]
    base = min(others, key=lambda m: abs(m.start - shift.start)) if others else None
    if base is None and not own_only:
        base = _nearby_day(sent, floor)
    if base is None or not _form(base):
        return None
    return f"day:{shift.value:+d}@{_anchored(sent.doc, _form(base), base.start)}"


def _neighbours(sent: Span, floor: int, step: int, most: int) -> Iterator[Span]:
    """Up to ``most`` sentences before (``step`` -1) or after (+1) ``sent``, nearest first, within its
    section (which starts at char ``floor``) and short of a headline or caption line: a day is not
    carried into another item, nor out of a title or a photo caption."""
    doc = sent.doc
    sections = kept(doc, "when.sections", lambda d: split_sections(doc_text(d)))
    ceiling = section_at(sections, floor).char_end
    given = 0
    while given < most:
        at = sent.start - 1 if step < 0 else sent.end
        if not 0 <= at < len(doc) or not floor <= doc[at].idx < ceiling:
            return
        whole = doc[at].sent  # a figure's sentence may be cut at a line break: step past its own rest
        sent = doc[whole.start:sent.start] if step < 0 else doc[sent.end:whole.end]
        words = [t for t in tokens_of(sent) if not t.is_space]
        if not words:
            continue  # the blank lines after a cut sentence are no sentence
        if _on_headline(doc, words[-1 if step < 0 else 0].i):
            return
        given += 1
        yield sent


def _reported_days(sent: Span, phrases: list[Match]) -> list[Match]:
    """Days of a sentence that tell when something was reported ("SANA's reporter said Monday that
    ...", "the official told AFP on Sunday"): the day of the story they are told in."""
    return [m for m in _named_days(sent, phrases) if not _page_day(sent, m) and not _span_end(sent, m)
            and reports(_verb_of(sent, m), _REPORT_VERBS)]


def _story_days(sent: Span, phrases: list[Match]) -> list[Match]:
    """Days of a sentence around a figure that may be its story's day (see ``_days``)."""
    return _days(sent, phrases, None, sent.end)


def _reported_event(sent: Span, cue: Token) -> bool:
    """The figure's clause tells an event in the simple past ("two persons were injured"), which a
    report of the day around it dates; not a count to date ("have arrived") nor an earlier event
    ("had been killed")."""
    if _tense(sent, cue) != "past":
        return False
    return not any(_pluperfect(t) for t in _chain(cue, sent)[:2])


def _pluperfect(verb: Token) -> bool:
    """The verb is told in the past perfect ("had been killed", "had left"): before the story's time."""
    return any(c.dep_ in ("aux", "auxpass") and _word(c) in _BEFORE_REPORT for c in verb.children)


def _report_day(sent: Span, phrases: list[Match], anchor: Token, floor: int) -> Match | None:
    """The day a past event with none of its own was reported: the report day of its own sentence
    nearest it ("the Observatory said Monday that 15 people were killed": the day's news, as news
    readers date it), else that of the sentences around it."""
    own = _reported_days(sent, phrases)
    if own:
        return min(own, key=lambda m: abs(m.start - anchor.i))
    return _nearby_day(sent, floor, _reported_days)


def _lead_report_day(sent: Span, floor: int) -> Match | None:
    """A toll told in the present perfect where no story day comes before it ("A suicide car bomber
    has killed three people ... The ministry told Al Jazeera on Sunday that ..."): the day the story
    after it says it was reported, the day's news. A count of people who have fled or arrived is a
    count to date, and takes none."""
    if _nearby_day(sent, floor, walks=(_BEFORE,)) is not None:
        return None
    return _nearby_day(sent, floor, _reported_days, walks=(_AFTER,))


def _nearby_day(sent: Span, floor: int, find: Callable[[Span, list[Match]], list[Match]] = _story_days,
                walks: tuple[tuple[int, int, Callable], ...] = (_BEFORE, _AFTER)) -> Match | None:
    """The day of the story around a figure without one, looked for in ``walks`` in order (see
    ``_BEFORE``, ``_AFTER``). ``find`` picks a sentence's days."""
    for step, most, pick in walks:
        if step < 0 and _opens_item(sent):
            continue
        for other in _neighbours(sent, floor, step, most):
            phrases = _phrase_matches(other)
            days = find(other, phrases)
            if days:
                return pick(days, key=lambda m: m.start)
            if step < 0 and _names_time(other, phrases):
                break
    return None


def _opens_item(sent: Span) -> bool:
    """A sentence opening another item of a round-up ("Meanwhile in Homs ...", "Elsewhere, ..."):
    the day of the item before is not its day."""
    words = [_word(t) for t in islice((t for t in tokens_of(sent) if not t.is_space and not t.is_punct), 3)]
    return any(tuple(words[:len(p)]) == p for p in _NEW_ITEM)


def _names_time(sent: Span, phrases: list[Match]) -> bool:
    """A sentence opening with a time that is no day ("Last month two persons were injured ..."):
    the story has moved to another time, and the day named before it no longer holds."""
    first = next((t.i for t in tokens_of(sent) if not t.is_space and not t.is_punct), sent.start)
    return any(m.kind in ("period", "total", "vague") and m.start == first for m in phrases)


def _borrowed_day(sent: Span, phrases: list[Match], cue: Token, anchor: Token, table: str,
                  floor: int) -> tuple[Match | None, str]:
    """The day of a figure whose clause names none, and where it comes from: the story's day around
    it, else the day it was reported. A toll in the present perfect after the story's day is a running
    or background count ("the bombing campaign has killed hundreds") and takes no day from before;
    a lead so told still takes its day, or its report's, from the sentences after it. A refugee
    count so told is the story's own ("A boat capsized on Monday ... The other two have been brought
    back"); stocks, totals and counts a running fight drove never get here (see ``figure_when``)."""
    perfect = _tense(sent, cue) == "perfect"
    running = perfect and table == "casualties"
    best = _nearby_day(sent, floor, walks=(_AFTER,) if running else (_BEFORE, _AFTER))
    if best is not None:
        return best, "the story's day"
    if _reported_event(sent, cue):
        return _report_day(sent, phrases, anchor, floor), "the day it was reported"
    if running:
        return _lead_report_day(sent, floor), "the day its story was reported"
    return None, ""


def figure_when(sent: Span, cue: Token, anchor: Token, table: str, label: str, quantity: Quantity,
                floor: int) -> dict[str, str | bool | None]:
    """Scope, event-date words and relative form of ``quantity``, counted at ``anchor`` and cued by ``cue``
    (a word of ``table`` meaning ``label``); ``floor`` is where its section starts (a day is not
    carried over from another section)."""
    figure = (cue, anchor)
    phrases = _phrase_matches(sent)
    dates = [m for m in _day_matches(sent) if m.kind == "date"] + _numeric_days(sent)  # "2015" of "3 November 2015" is no period
    markers = [m for m in phrases if m.kind in ("total", "period", "cutoff") and _distance(sent, m, figure) <= _MAX_TIE
               and not any(d.start <= m.start < d.end for d in dates)]
    scope, why = _scope(sent, table, label, quantity, markers, figure, phrases)
    note(_SCOPE_RULE, quantity.char_start, quantity.char_end, "set", f"{scope}: {why}")
    if scope != "incident":
        return FigureWhen(scope).row()
    if label in _NOT_YET:
        note(_DAY_RULE, quantity.char_start, quantity.char_end, "set", f"no day: {label}, not happened yet")
        return FigureWhen(scope).row()
    days = _days(sent, phrases, figure, sent.end)
    own_day = bool(days)
    if days:  # a day the clause names over "overnight" counted from a report ("killed overnight on Friday")
        best = min(days, key=lambda m: (m.words in _SHIFT_OWN, _distance(sent, m, figure), abs(m.start - anchor.i)))
        source = "its own clause"
    elif _own_time(markers) or _describes(cue, anchor) or _other_time(sent, phrases, figure) \
            or _before_the_story(sent, cue) or (table == "refugees" and _driven_flight(sent, cue)):
        note(_DAY_RULE, quantity.char_start, quantity.char_end, "set", "no day: its own time or background, not the story's day")
        return FigureWhen(scope).row()
    else:
        best, source = _borrowed_day(sent, phrases, cue, anchor, table, floor)
    doc = sent.doc
    if best is None and table == "refugees":
        best, source = _daily_count(doc, cue, anchor), "a dated report's count of new arrivals"
        if best is None:
            best, source = _incident_day(sent, cue, quantity, label), "the day another mention of the incident gives"
    if best is None:
        return FigureWhen(scope).row()
    words = doc[best.start:best.end].text
    if best.kind == "shift":
        form = _shifted(sent, best, figure, floor)
    else:
        form = _form(best)
        form = form and _anchored(doc, form, best.start)
    if form and "@" in form:
        note(_TEXT_DAY_RULE, quantity.char_start, quantity.char_end, "set", f"counted from {form.partition('@')[2]}")
    note(_DAY_RULE, quantity.char_start, quantity.char_end, "set", f"{words!r}, {source}: {form or 'no day (vague)'}")
    return FigureWhen(scope, words, form, own_day).row()


