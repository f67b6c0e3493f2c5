"""Statements: quotations attributed to a speaker (the ``statements`` table).

Three sources of quotations, one attribution model:

* quotation marks (``quotes.find_quotes``): the verb and speaker are looked for
  after the closing mark ('," he said'), then before the opening mark or above
  the quotation in the parse ('X said that he is "..."'), then "according to X"
  anywhere in the sentence; a quotation standing alone inherits the speaker of
  the sentence or paragraph before it (a continued quotation);
* block quotations: a paragraph introduced by a speech sentence ending in a
  colon ("The commander declared:"), or one that ends on a stray closing mark;
* texts that lost their quotation marks: a sentence followed by its attribution
  ("... the situation is catastrophic he said") when a person says it and the
  sentence reads as their own words.

Quotations too short to be speech (scare quotes, quoted names), quotations in
links to other articles and quotations nobody is said to have spoken are not
statements.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from config import load_lexicon
from extract.attribution import FIRST_PERSON, RELATIVE, according_object, is_speech_verb
from extract.doccache import doc_text, tokens_of
from extract.quotes import Quote, find_quotes, paragraphs
from extract.rules import note, rule
from extract.sections import Section, section_at
from extract.speakers import (
    SpeakerIndex,
    author_of,
    kind_of,
    person_anchor_before,
    phrase_after,
    phrase_between,
    phrase_of,
    relayed_source,
    shown_verb,
    speaker_phrase,
    subject_token,
    unsaid,
)

_LEX = load_lexicon("speech")
_MARKED, _BLOCK = rule("statements.marked-quote"), rule("statements.block-quote")
_UNMARKED, _SPEAKER = rule("statements.unmarked-quote"), rule("speakers.resolve")
_CONTINUED, _UNOPENED = rule("statements.continued-quote"), rule("statements.unopened-quote")
_CLOSED_BELOW = rule("statements.closed-below")
_UNCLOSED = rule("statements.unclosed-quote")
_FILTERS = _LEX["filters"]
LINK_PREFIXES = tuple(_FILTERS["link_prefixes"])
_SET_OFF = ".!?:,;—–-…”\"’"
_FINITE = ("VBD", "VBZ", "VBP", "MD")
_SUBJECTS = ("nsubj", "nsubjpass")
_MARK_TEXT = frozenset("“”\"‘’'«»„")


@dataclass(frozen=True)
class Attribution:
    """The attribution verb as written and the (unresolved) speaker phrase."""

    verb: str | None
    phrase: Span


@dataclass(frozen=True)
class Claim:
    """A quotation with its attribution, before the speaker is resolved."""

    start: int
    end: int
    quote: str
    quote_type: str
    attribution: Attribution


@dataclass
class _Context:
    doc: Doc
    text: str  # doc_text(doc)
    sections: list[Section]
    quotes: list[Quote]
    quoted: list[tuple[int, int]]
    paras: list[tuple[int, int]]
    found: dict[int, Attribution] = field(default_factory=dict)  # sentence start -> attribution

    def paragraph(self, char: int) -> tuple[int, int]:
        idx = max(bisect_right([p[0] for p in self.paras], char) - 1, 0)
        return self.paras[idx]

    def token(self, char: int) -> Token:
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        if span is not None and len(span):
            return span[0]
        return self.doc[min(bisect_right([t.idx for t in self.doc], char) - 1, len(self.doc) - 1)]

    def in_quote(self, tok: Token) -> bool:
        return any(a <= tok.idx < b for a, b in self.quoted)

    def sent(self, tok: Token) -> Span:
        """The sentence of ``tok`` clipped to its paragraph: the parser runs sentences
        across headline lines and paragraphs that have no final punctuation."""
        start, end = self.paragraph(tok.idx)
        sent = tok.sent
        span = self.doc.char_span(max(start, sent.start_char), min(end, sent.end_char), alignment_mode="expand")
        return span if span is not None and len(span) else sent

    def sentences(self) -> list[Span]:
        out = []
        for sent in self.doc.sents:
            for start, end in self.paras:
                if start < sent.end_char and end > sent.start_char:
                    span = self.doc.char_span(max(start, sent.start_char), min(end, sent.end_char), alignment_mode="expand")
                    if span is not None and len(span):
                        out.append(span)
        return out


def extract_statements(doc: Doc, sections: list[Section]) -> list[dict]:
    """Every attributed quotation in ``doc`` as a ``statements`` row (see the module doc)."""
    text = doc_text(doc)
    if not len(doc) or not text.strip():
        return []
    quotes = [q for q in find_quotes(text) if not _link_line(text, q.start)]
    quoted = [(q.start - 1, q.end + 1) for q in quotes]
    ctx = _Context(doc, text, sections, quotes, quoted, paragraphs(text))
    claims = _marked_claims(ctx)
    claims += _block_claims(ctx)
    claims += _unmarked_claims(ctx, claims)
    return _rows(ctx, claims)


def _rows(ctx: _Context, claims: list[Claim]) -> list[dict]:
    index = SpeakerIndex(ctx.doc, ctx.sections, ctx.quoted, [s.start_char for s in ctx.sentences()])
    rows, seen = [], set()
    for claim in sorted(claims, key=lambda c: c.start):
        if (claim.start, claim.end) in seen:
            continue
        speaker = index.resolve(claim.attribution.phrase, (claim.start, claim.end))
        if speaker is None:
            note(_SPEAKER, claim.start, claim.end, "drop", f"no speaker for {claim.attribution.phrase.text!r}")
            continue
        note(_SPEAKER, claim.start, claim.end, "set", f"{claim.attribution.phrase.text!r} is {speaker.name!r}")
        seen.add((claim.start, claim.end))
        index.remember(claim.attribution.phrase.start_char, speaker, claim.attribution.phrase.end_char)
        index.remember(claim.start, speaker)  # the quotation keeps its speaker in mind
        rows.append({
            "section_id": section_at(ctx.sections, claim.start).section_id,
            "speaker": speaker.name,
            "speaker_title": speaker.title,
            "quote": claim.quote,
            "quote_type": claim.quote_type,
            "verb": claim.attribution.verb,
            "char_start": claim.start,
            "char_end": claim.end,
        })
    return rows


def _link_line(text: str, pos: int) -> bool:
    """A "See also ..." line: its quotations are headlines of other articles."""
    line_start = text.rfind("\n", 0, pos) + 1
    return text[line_start:pos].lstrip().lower().startswith(LINK_PREFIXES)


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


# --- quotations in marks -------------------------------------------------------------

def _marked_claims(ctx: _Context) -> list[Claim]:
    claims = []
    for quote in ctx.quotes:
        span = ctx.doc.char_span(quote.start, quote.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        qtype = _quote_type(ctx, quote)
        if not _speech_like(span, quote, qtype, ctx.text):
            note(_MARKED, quote.start, quote.end, "drop", f"{qtype}: a scare quote or name, not speech")
            continue
        inside = _unclosed_attribution(ctx, quote, span)
        if inside is not None:  # '"... is an outrage said Silvia D. MSF's manager ...' never closed
            claims.append(inside)
            ctx.found[ctx.sent(span[0]).start] = inside.attribution
            continue
        attribution = _attribute(ctx, quote, span, qtype)
        if attribution is None:
            note(_MARKED, quote.start, quote.end, "drop", f"{qtype}: nobody is said to have spoken it")
            continue
        note(_MARKED, quote.start, quote.end, "fired", f"{qtype}, attributed by {attribution.verb!r}")
        ctx.found[ctx.sent(span[0]).start] = attribution
        ctx.found[ctx.sent(span[-1]).start] = attribution
        claims += _paragraph_claims(ctx.text, quote, qtype, attribution)
    return claims


def _unclosed_attribution(ctx: _Context, quote: Quote, span: Span) -> Claim | None:
    """A quotation that lost its closing mark runs on over its own attribution ('"The bombing is an
    outrage said Silvia Dallatomasina MSF's manager ...', '"... after rocket fire the Observatory claimed
    on Thursday.'): the words end where a speech verb with a named speaker closes them."""
    if quote.closed or not quote.opened or len(quote.pieces) > 1:
        return None
    for verb in span[1:]:
        if not is_speech_verb(verb) or verb.tag_ not in _FINITE or _reports_clause(verb):
            continue
        for phrase, content_end in _trailing_speakers(verb, ctx.sent(verb)):
            phrase = speaker_phrase(phrase, verb)
            if phrase is None or not any(t.ent_type_ in ("PERSON", "ORG") for t in phrase) or content_end <= span.start + 2:
                continue
            while content_end > span.start + 1 and is_speech_verb(ctx.doc[content_end - 1]):
                content_end -= 1  # '"... days said X, a resident, told ...': the words stop before "said"
            quote_text = _strip_end(ctx.doc[span.start : content_end].text)
            note(_UNCLOSED, quote.start, quote.end, "fired", f"closed by {verb.text!r} of {phrase.text!r}")
            return Claim(span.start_char, span.start_char + len(quote_text), quote_text, "direct", Attribution(verb.text, phrase))
    return None


def _paragraph_claims(text: str, quote: Quote, qtype: str, attribution: Attribution) -> list[Claim]:
    """One row per paragraph of a quotation that runs over several (each reopened with a mark,
    only the last closed): every part is the speaker's, the later ones set off as direct speech."""
    if len(quote.pieces) > 1:
        note(_CONTINUED, quote.start, quote.end, "fired", f"{len(quote.pieces)} paragraphs, one row each")
    elif "\n" in text[quote.start : quote.end]:
        note(_CLOSED_BELOW, quote.start, quote.end, "fired", "opened here, closed paragraphs down: one row")
    return [_claim(text, a, b, qtype if k == 0 else "direct", attribution) for k, (a, b) in enumerate(quote.pieces)]


def _claim(text: str, start: int, end: int, qtype: str, attribution: Attribution) -> Claim:
    words = text[start:end]
    stripped = words.rstrip(" ,;")
    lead = len(stripped) - len(stripped.lstrip())
    return Claim(start + lead, start + len(stripped), stripped.strip(), qtype, attribution)


def _quote_type(ctx: _Context, quote: Quote) -> str:
    """block: no opening mark and no attribution after it; direct: set off from the reporter's
    words; else partial."""
    if not quote.opened:
        return "direct" if _lost_opening(ctx, quote) else "block"
    text = ctx.text
    para_start = ctx.paragraph(quote.start)[0]
    j = quote.start - 2
    while j >= para_start and text[j].isspace():
        j -= 1
    if j < para_start or text[j] in _SET_OFF or _lost_comma(ctx, quote, j):
        return "direct"
    return "partial"


def _lost_comma(ctx: _Context, quote: Quote, before: int) -> bool:
    """'He said "We will not leave"' in a text that lost its commas: a sentence of speech (a capital,
    not a name, and a finite verb) right after a speech verb is set off as direct speech."""
    span = ctx.doc.char_span(quote.start, quote.end, alignment_mode="expand")
    verb = ctx.token(before)
    if span is None or not len(span) or not is_speech_verb(verb) or verb.i + 1 != span.start - 1:
        return False
    first = span[0]
    return first.is_title and first.pos_ != "PROPN" and not first.ent_type_ and any(t.tag_ in _FINITE for t in span)


def _speech_like(span: Span, quote: Quote, qtype: str, text: str) -> bool:
    """Short quotations are scare quotes or names unless they are a clause set off as speech."""
    if _words(quote.text(text)) >= _FILTERS["min_words"]:
        return True
    return qtype == "direct" and any(t.pos_ in ("VERB", "AUX") for t in span)


def _lost_opening(ctx: _Context, quote: Quote) -> bool:
    """'They might bomb us at any time," she said.': only the closing mark is left, and the
    attribution after it shows the words before it are the speaker's own."""
    span = ctx.doc.char_span(quote.start, quote.end, alignment_mode="expand")
    found = _after(ctx, quote, span) if span is not None and len(span) else None
    if found is not None:
        note(_UNOPENED, quote.start, quote.end, "fired", f"closed by {found.verb!r} after the closing mark")
    return found is not None


def _attribute(ctx: _Context, quote: Quote, span: Span, qtype: str) -> Attribution | None:
    if qtype == "block":
        return _inherited(ctx, quote, span)
    if not quote.opened:
        return _after(ctx, quote, span)
    if qtype == "direct" and quote.closed:
        order = (_after, _governing, _preceding, _according, _named_colon, _inherited, _following)
    elif qtype == "direct":  # never closed: it ends anywhere, and what follows is no attribution of it
        order = (_governing, _preceding, _according, _named_colon, _inherited)
    else:
        order = (_governing, _according, _preceding, _after)
    for finder in order:
        found = finder(ctx, quote, span)
        if found is not None:
            return found
    return None


def _from_verb(ctx: _Context, verb: Token) -> Attribution | None:
    subj = subject_token(verb)
    phrase = phrase_of(subj, ctx.quoted) if subj is not None else phrase_after(verb, ctx.quoted)
    return _attribution(shown_verb(verb).text, phrase, verb, subj)


def _attribution(verb: str | None, phrase: Span | None, verb_token: Token | None = None,
                 subject: Token | None = None) -> Attribution | None:
    """An attribution whose phrase names a speaker (cut to its name), else None: the caller looks on."""
    phrase = speaker_phrase(phrase, verb_token, subject)
    return Attribution(verb, phrase) if phrase is not None else None


def _according_to(ctx: _Context, obj: Token) -> Attribution | None:
    return _attribution("according to", phrase_of(author_of(obj), ctx.quoted))


def _after(ctx: _Context, quote: Quote, span: Span) -> Attribution | None:
    """'," he said', '" said observatory director Rami Abdel Rahman', '," X was quoted as saying'; in texts without
    commas a speaker described at length ('" Ahmet Uzumcu the head of the Organisation for ... said', '" the
    monitor which has a network of sources said') is read further, as long as no clause of its own intervenes."""
    doc = ctx.doc
    first = ctx.token(quote.end).i + 1 if quote.end < len(ctx.text) else len(doc)
    para_end = ctx.paragraph(quote.end)[1]
    ended = ctx.text[quote.start : quote.end].rstrip().endswith((".", "!", "?"))
    reach = _FILTERS["after_full_stop_tokens"] if ended else _FILTERS["after_tokens"]  # '... amputations." The Observatory placed ...'
    far = reach if ended else _FILTERS["after_described_tokens"]
    clause = False  # a finite verb of its own: past it, the words are a new sentence, not a speaker's description
    for i in range(first, min(len(doc), first + far)):
        tok = doc[i]
        if tok.idx >= para_end or ctx.in_quote(tok) or tok.text in _MARK_TEXT or (tok.text in ".!?" and i > first):
            return None
        if i >= first + reach and clause:
            return None
        if i == first and tok.text in ".!?" and i + 1 < len(doc) and doc[i + 1].is_title and not is_speech_verb(doc[i + 1]):
            return None  # '"...". French Foreign Minister X also accused ...': a new sentence, not the attribution
        obj = according_object(tok)
        if obj is not None:
            return _according_to(ctx, obj)
        if is_speech_verb(tok) and not (tok.is_title and i > first):  # "REUTERS Rodi Said": a name, not a verb
            source = relayed_source(tok)
            if source is not None:  # '" SANA quoted a police source as saying'
                return _attribution(shown_verb(tok).text, phrase_of(source, ctx.quoted), tok, source)
            phrase = phrase_between(doc, first, tok) or phrase_after(tok, ctx.quoted)
            return _attribution(shown_verb(tok).text, phrase, tok)
        clause = clause or tok.tag_ in _FINITE and not any(c.dep_ in _SUBJECTS and c.lower_ in RELATIVE for c in tok.children)
    return None


def _governing(ctx: _Context, quote: Quote, span: Span) -> Attribution | None:
    """'X told reporters that he is "..."': a speech verb above the quotation in the parse."""
    sent = ctx.sent(span[0])
    for anc in span.root.ancestors:
        if not sent.start <= anc.i < sent.end:
            break
        if (anc.i < span.start or anc.i >= span.end) and not ctx.in_quote(anc) and is_speech_verb(anc) and not unsaid(anc):
            found = _from_verb(ctx, anc)
            if found is not None:
                return found
    return None


def _preceding(ctx: _Context, quote: Quote, span: Span) -> Attribution | None:
    """'Mogherini said, "..."' when the parse does not link the two."""
    doc = ctx.doc
    sent = ctx.sent(span[0])
    for i in range(span.start - 1, sent.start - 1, -1):
        tok = doc[i]
        if not ctx.in_quote(tok) and is_speech_verb(tok) and not unsaid(tok):
            found = _from_verb(ctx, tok)
            if found is not None:
                return found
    return None


def _according(ctx: _Context, quote: Quote, span: Span) -> Attribution | None:
    """'... "no less than 10 airstrikes" ..., according to the Observatory'."""
    for tok in ctx.sent(span[0]):
        if ctx.in_quote(tok):
            continue
        obj = according_object(tok)
        if obj is not None:
            found = _according_to(ctx, obj)
            if found is not None:
                return found
    return None


def _inherited(ctx: _Context, quote: Quote, span: Span) -> Attribution | None:
    """A quotation standing alone as a sentence continues the speaker of the sentence
    before it, within its paragraph or, when it opens a paragraph, at the end of the
    last one (unless that is a headline line)."""
    if not _whole_sentence(ctx, quote):
        return None
    sent = ctx.sent(span[0])
    if sent.start == 0:
        return None
    prev = ctx.sent(ctx.doc[sent.start - 1])
    para_start = ctx.paragraph(quote.start)[0]
    if prev.start_char < para_start and not _ends_sentence(ctx.text[prev.start_char:prev.end_char]):
        return None
    if prev.start in ctx.found:
        return ctx.found[prev.start]
    return _speech_sentence(ctx, prev)


def _whole_sentence(ctx: _Context, quote: Quote) -> bool:
    """The quotation ends its sentence: it closes on a full stop, or only punctuation follows it."""
    text = ctx.text
    rest = text[quote.end + 1 : ctx.paragraph(quote.end)[1]]
    tail = re.match(r"[\s.,;:!?…)\]]*", rest).group()
    said = text[quote.start : quote.end].rstrip()
    return len(tail) == len(rest) or bool(re.search(r"[.!?]", tail)) or said.endswith((".", "!", "?", "…"))


def _ends_sentence(line: str) -> bool:
    return line.rstrip().rstrip("”\"’'").endswith((".", "!", "?", ":", "…"))


def _named_colon(ctx: _Context, quote: Quote, span: Span) -> Attribution | None:
    """'Kerry: "Syrian talks have not failed"', 'Our friend L. continues: "..."': a name (and a
    verb) right before a colon and the quotation."""
    text = ctx.text
    line_start = max(ctx.paragraph(quote.start)[0], ctx.sent(span[0]).start_char if span.start else 0)
    if span.start and ctx.doc[span.start - 1].text in _MARK_TEXT:
        line_start = max(line_start, ctx.sent(ctx.doc[span.start - 1]).start_char)
    head = text[line_start : quote.start - 1].rstrip()
    if not head.endswith(":"):
        return None
    phrase = ctx.doc.char_span(line_start, line_start + len(head) - 1, alignment_mode="expand")
    if phrase is None or not len(phrase) or len(phrase) > 6:
        return None
    if not any(t.ent_type_ in ("PERSON", "ORG") or t.pos_ == "PROPN" for t in phrase):
        return None
    return _attribution(None, phrase)


def _following(ctx: _Context, quote: Quote, span: Span) -> Attribution | None:
    """'"Nobody is safe here." That is how resident Karim Aziz put it': the speaker just after."""
    here = ctx.sent(span[-1])
    if not _whole_sentence(ctx, quote) or here.end >= len(ctx.doc):
        return None
    nxt = ctx.sent(ctx.doc[here.end])
    if nxt.start_char >= ctx.paragraph(quote.end)[1]:
        return None
    if any(ctx.in_quote(t) for t in nxt):
        return None
    return _speech_sentence(ctx, nxt)


def _speech_sentence(ctx: _Context, sent: Span) -> Attribution | None:
    """The last speech verb of a sentence with a speaker: "Kyritsis said that ...", "He replied:"."""
    for tok in reversed(list(sent)):
        if not ctx.in_quote(tok) and is_speech_verb(tok):
            found = _from_verb(ctx, tok)
            if found is not None:
                return found
    return None


# --- block quotations --------------------------------------------------------------------

def _block_claims(ctx: _Context) -> list[Claim]:
    """A paragraph after a speech sentence that ends in a colon ("The commander declared:")."""
    claims = []
    text = ctx.text
    for (start, end), (nstart, nend) in zip(ctx.paras, ctx.paras[1:]):
        if not text[start:end].endswith(":") or _link_line(text, start):
            continue
        if any(a < nend and b > nstart for a, b in ctx.quoted):
            continue
        line = ctx.doc.char_span(start, end, alignment_mode="expand")
        attribution = _colon_speech(ctx, line) if line is not None else None
        body = ctx.doc.char_span(nstart, nend, alignment_mode="expand")
        if attribution is None or body is None or _words(body.text) < _FILTERS["min_words"]:
            continue
        if any(t.tag_ in _FINITE for t in body):
            note(_BLOCK, nstart, nend, "fired", f"after {text[start:end][-60:]!r}")
            claims.append(Claim(nstart, nend, text[nstart:nend], "block", attribution))
    return claims


def _colon_speech(ctx: _Context, line: Span) -> Attribution | None:
    """The speech verb that governs the line (not one buried in a relative clause)."""
    for tok in line:
        if tok.dep_ in ("relcl", "acl", "advcl", "pcomp") or ctx.in_quote(tok) or not is_speech_verb(tok):
            continue
        subj = subject_token(tok)
        if subj is not None and line.start <= subj.i < line.end:
            found = _attribution(shown_verb(tok).text, phrase_of(subj, ctx.quoted), tok)
            if found is not None:
                return found
    return None


# --- texts that lost their quotation marks ----------------------------------------------

def _unmarked_claims(ctx: _Context, taken: list[Claim]) -> list[Claim]:
    """Sentences in someone's own words whose marks were lost: "... he said"."""
    lost = not any(q.family == "double" for q in ctx.quotes)
    busy = list(ctx.quoted) + [(c.start, c.end) for c in taken]
    sents = ctx.sentences()
    claims: list[Claim] = []
    for k, sent in enumerate(sents):
        if _busy(sent, busy) or _link_line(ctx.text, sent.start_char):
            continue
        claim = _colon_claim(ctx, sent, lost) or _trailing_claim(ctx, sents, k, busy, lost)
        if claim is None:
            continue
        note(_UNMARKED, claim.start, claim.end, "fired", f"closed or opened by {claim.attribution.verb!r}")
        claims.append(claim)
        busy.append((sent.start_char, sent.end_char))
        follow = _follow_up(ctx, sents, k, busy, claim.attribution)
        if follow is not None:
            claims.append(follow)
            busy.append((follow.start, follow.end))
    return claims


def _busy(span: Span, busy: list[tuple[int, int]]) -> bool:
    return any(a < span.end_char and b > span.start_char for a, b in busy)


def _own_words(span: Span, lost: bool) -> bool:
    """A sentence that reads as the speaker's own words, not the reporter's summary.

    Where the text kept its marks elsewhere, an unmarked sentence must speak in the
    first or second person; where all marks were lost, it must not be backshifted
    into the past perfect of reported speech ("had been flattened, X said")."""
    if _words(span.text) < 3 or not any(t.tag_ in _FINITE for t in span) or span[0].lower_ == "that":
        return False
    if not lost:
        return _first_person(span)
    return not any(t.lower_ == "had" and t.dep_ in ("aux", "auxpass") for t in span)


def _first_person(span: Span) -> bool:
    return any(t.lower_ in FIRST_PERSON for t in span)


def _colon_claim(ctx: _Context, sent: Span, lost: bool) -> Claim | None:
    """"He said there was no way ...: All we can do is take precautions"."""
    colon = next((t for t in tokens_of(sent) if t.text == ":" and t.i + 1 < sent.end), None)
    if colon is None:
        return None
    body = ctx.doc[colon.i + 1 : sent.end]
    if not body[0].is_title and not body[0].is_upper or _words(body.text) < _FILTERS["min_words"]:
        return None
    closing = _closing_attribution(ctx, sent, body)
    if closing is not None:
        return closing
    verbs = [t for t in sent[: colon.i - sent.start] if is_speech_verb(t) and t.tag_ in _FINITE]
    subj = subject_token(verbs[0]) if verbs else None
    if subj is None or not _own_words(body, lost):
        return None
    attribution = _attribution(verbs[0].text, phrase_of(subj, ctx.quoted), verbs[0])
    return Claim(body.start_char, body.end_char, body.text, "direct", attribution) if attribution else None


def _closing_attribution(ctx: _Context, sent: Span, body: Span) -> Claim | None:
    """"Israel accused the world of looking away: The world condemns ... Minister Yuval Steinitz said":
    words after a colon closed by their own speaker are that speaker's, not the lead-in's subject's."""
    for verb in body[1:]:
        if not is_speech_verb(verb) or verb.tag_ not in _FINITE:
            continue
        for phrase, content_end in _trailing_speakers(verb, sent):
            phrase = speaker_phrase(phrase, verb)
            if phrase is not None and _one_person(phrase) and content_end > body.start + _FILTERS["min_words"]:
                quote = _strip_end(ctx.doc[body.start : content_end].text)
                return Claim(body.start_char, body.start_char + len(quote), quote, "direct", Attribution(verb.text, phrase))
    return None


def _trailing_claim(ctx: _Context, sents: list[Span], k: int, busy: list[tuple[int, int]], lost: bool) -> Claim | None:
    """"<words> X said", "<words> said X": the attribution closes the sentence."""
    sent = sents[k]
    for verb in tokens_of(sent):
        if not is_speech_verb(verb) or verb.tag_ not in _FINITE or verb.i == sent.start or _reports_clause(verb):
            continue
        for phrase, content_end in _trailing_speakers(verb, sent):
            content = ctx.doc[sent.start : content_end]
            phrase = speaker_phrase(phrase, verb)
            if phrase is None or not len(content) or not _one_person(phrase) or not _own_words(content, lost):
                continue
            if (content[-1].text == "," or lost) and not _plainly_own(content) or any(is_speech_verb(t) and _reports_clause(t) for t in content):
                continue  # "Rebels shelled the town(,) the army said" is a report, commas or none; so is "X reported that ..."
            start = _lead_in(ctx, sents, k, busy)
            body = ctx.doc.char_span(start, content.end_char, alignment_mode="expand")
            quote = _strip_end(body.text)
            return Claim(start, start + len(quote), quote, "direct", Attribution(verb.text, phrase))
    return None


def _plainly_own(span: Span) -> bool:
    """Words closed by ", he said" that are plainly the speaker's own: in the first or second person
    ("We have nothing left, he said"), or a judgement in the present ("The situation is catastrophic,
    a doctor said"), not a report of past events."""
    if _first_person(span):
        return True
    return not any(t.tag_ == "VBD" for t in span) and any(t.tag_ in ("VBZ", "VBP", "MD") for t in span)


def _reports_clause(verb: Token) -> bool:
    """"X said (that) there was ...": the verb introduces reported words after it."""
    return any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children) or (
        verb.i + 1 < len(verb.doc) and verb.nbor(1).lower_ == "that")


def _one_person(phrase: Span) -> bool:
    """A single person, not "residents" or "medics and emergency workers"."""
    if kind_of(phrase) != "person" or any(t.dep_ == "cc" or t.lower_ == "and" for t in phrase):
        return False
    return phrase.root.tag_ not in ("NNS", "NNPS")


def _trailing_speakers(verb: Token, sent: Span) -> list[tuple[Span, int]]:
    """Speaker phrases that may close a sentence, each with where the quoted words end."""
    found = []
    before = person_anchor_before(verb)
    if before is not None:
        found.append((before, before.start))
    after = phrase_after(verb, [])
    if after is not None and (after.end >= sent.end - 1 or sent.doc[after.end].lower_ in RELATIVE):
        found.append((after, verb.i))
    return found


def _strip_end(text: str) -> str:
    return text.rstrip(" ,;-–—")


def _plain(sent: Span, busy: list[tuple[int, int]], limit: int) -> bool:
    """A sentence with no marks, no attribution of its own, and short enough to be a
    piece of a nearby speaker's words."""
    if _busy(sent, busy) or _words(sent.text) > limit:
        return False
    return not any(is_speech_verb(t) and t.tag_ in _FINITE or t.text in _MARK_TEXT for t in tokens_of(sent))


def _lead_in(ctx: _Context, sents: list[Span], k: int, busy: list[tuple[int, int]]) -> int:
    """Take in up to two short sentences before a trailing attribution that read as speech
    ("Nothing can be done. Nobody can stop the planes said X")."""
    start = sents[k].start_char
    para = ctx.paragraph(start)[0]
    for j in (k - 1, k - 2):
        prev = sents[j] if j >= 0 else None
        if prev is None or prev.start_char < para or not _plain(prev, busy, _FILTERS["max_context_words"]):
            break
        if not any(t.tag_ in ("MD", "VBZ", "VBP") for t in prev) and not _first_person(prev):
            break
        start = prev.start_char
    return start


def _follow_up(ctx: _Context, sents: list[Span], k: int, busy: list[tuple[int, int]], attribution: Attribution) -> Claim | None:
    """Short sentences right after an attribution that go on in the speaker's voice."""
    para_end = ctx.paragraph(sents[k].start_char)[1]
    end = None
    for j in (k + 1, k + 2):
        nxt = sents[j] if j < len(sents) else None
        if nxt is None or nxt.end_char > para_end or not _plain(nxt, busy, _FILTERS["max_follow_words"]):
            break
        if not _first_person(nxt) and not any(t.tag_ == "MD" for t in nxt):
            break
        end = nxt
    if end is None:
        return None
    start = sents[k + 1].start_char
    quote = _strip_end(ctx.text[start:end.end_char].strip())
    return Claim(start, start + len(quote), quote, "direct", attribution)
