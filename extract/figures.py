"""Refugee and casualty figures: which counts of people a sentence states, and what for.

A count becomes a row only when a cue (killed, fled, trapped at the border, ...)
is tied to it in the dependency parse, not merely in the same paragraph. Cues
come in two strengths: a *predicate* reached by climbing from the counted phrase
("50 people were killed", "the deaths of 170 fighters") and an *attribute* inside
the counted phrase ("20,000 displaced civilians", "660,000 registered refugees").
The predicate decides: "displaced civilians remain trapped" is stranded, not
displaced. Vocabulary lives in ``config/lexicons/figures.toml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from config import load_lexicon
from extract.category import LEAVING, decide, purpose, reaches_total
from extract.doccache import doc_text, doc_tokens, span_text, tokens_of
from extract.documents import first_line
from extract.attribution import PRONOUNS as _PRONOUNS, according_object, reports
from extract.numbers import NUMBER_WORDS, Quantity, clean, find_quantities
from extract.people import is_people_noun
from extract.places import PLACE_ENTS, better as _better_place, borrowed_wide, count_place, listed_after, located as _located, placed_next
from extract.sections import Section, section_at
from extract.rules import Rule, note, rule
from extract.when import figure_when
from extract.wordnet import noun_classes, verb_classes

_LEX = load_lexicon("figures")

# How far a predicate cue may be from the counted phrase: up the tree, then down.
_MAX_UP, _MAX_DOWN, _MAX_PATH = 3, 2, 4
# How deep inside the counted phrase an attribute cue may sit.
_MAX_INSIDE = 2

_NOUN_DEPS = {"nummod", "quantmod", "amod", "compound", "nmod", "det", "npadvmod"}
_MODIFIER_DEPS = {"amod", "compound", "nmod", "poss", "nn"}
# "including 10 commanders", "among them 7 children": a subgroup takes the cue of
# its group, so the hop up to the group is free.
_SUBGROUP = set(load_lexicon("language")["groups"]["part_of"])
# Climbing out of a clause that modifies a noun ("the country, which has 660,000
# refugees, cannot take in more") leaves what the count is about.
_CLAUSE_OF_NOUN = {"relcl", "acl"}
_CLAUSE_DEPS = {"acl", "relcl", "xcomp", "advcl", "ccomp", "conj"}
_PHRASE_CUT_DEPS = {"relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "prep"}
# An item heading: a short line standing alone between blank lines.
_MAX_HEADING_CHARS, _MAX_HEADING_WORDS = 100, 10
_ITEM_HEADING = re.compile(r"(?:\A|\n[ \t]*\n)(?P<line>[^\n]{0,%d}\S)(?=[ \t]*\n[ \t]*\n)" % _MAX_HEADING_CHARS)


def _entries(words: list[str]) -> list[tuple[str, str | None]]:
    """Lexicon words as (lemma, POS or None); "house:VERB" restricts the part of speech."""
    out = []
    for word in words:
        lemma, _, pos = word.partition(":")
        out.append((lemma, pos or None))
    return out


@dataclass(frozen=True)
class _Lexicon:
    """One table's cue vocabulary, indexed by the word a token must show.

    Each word and phrase carries its label's rank: when several labels match one
    token, the highest rank wins (the lexicon's last label, phrases after words).
    """

    by_word: dict[str, list[tuple[int, str, str | None]]]
    by_first_word: dict[str, list[tuple[int, str, tuple[str, ...]]]]
    combos: list[tuple[str, set[str], set[str], set[str]]]

    @classmethod
    def load(cls, section: dict, label_key: str) -> _Lexicon:
        by_word: dict[str, list[tuple[int, str, str | None]]] = {}
        for rank, (label, words) in enumerate(section["words"].items()):
            for word, pos in _entries(words):
                by_word.setdefault(word, []).append((rank, label, pos))
        by_first_word: dict[str, list[tuple[int, str, tuple[str, ...]]]] = {}
        for rank, (label, phrases) in enumerate(section.get("phrases", {}).items(), start=len(section["words"])):
            for phrase in map(str.split, phrases):
                by_first_word.setdefault(phrase[0], []).append((rank, label, tuple(phrase)))
        combos = [(c[label_key], set(c["words"]), set(c["near"]), set(c.get("not_under", ())))
                  for c in section.get("combos", [])]
        return cls(by_word, by_first_word, combos)


_REFUGEES = _Lexicon.load(_LEX["refugees"], "category")
_CASUALTIES = _Lexicon.load(_LEX["casualties"], "outcome")
_BLOCKERS = set(_LEX["refugees"]["blockers"]["words"])
_PART_BREAKS = set(_LEX["refugees"]["blockers"]["breaks"])
_NON_POPULATION = set(_LEX["refugees"]["non_population"]["words"])
_CONFINED = set(_LEX["refugees"]["confinement"]["words"])
_JOURNEY = set(_LEX["refugees"]["confinement"]["journey"])
_GENERIC_PEOPLE = set(_LEX["generic_people"]["words"])
_ATTACKS = set(_LEX["casualties"]["attacks"]["words"])
_CIVILIAN = set(_LEX["victims"]["civilian"])
_COMBATANT = set(_LEX["victims"]["combatant"])
_CIVILIAN_MODS = set(_LEX["victims"]["civilian_modifiers"])
_COMBATANT_MODS = set(_LEX["victims"]["combatant_modifiers"])
_NOT_A_COUNT, _PEOPLE_NOUN, _CUE_TIE = rule("figure.not-a-count"), rule("figure.people-noun"), rule("figure.cue-tie")
_BRACKETED, _SHARES = rule("figure.bracketed-count"), set(_LEX["bracketed"]["shares"])
_ORIGIN_PREPS = set(_LEX["bracketed"]["origin_prepositions"])
_CATEGORY, _NOT_DISPLACEMENT = rule("refugees.category-cue"), rule("refugees.not-displacement")
_OUTCOME, _VICTIM_TYPE = rule("casualties.outcome-cue"), rule("casualties.victim-type")
_ONE_PER_SECTION, _NEW_FACT = rule("figure.one-per-section"), rule("figure.new-fact")
_DAY_OF_FACT = rule("figure.day-of-fact")
_PLACE_OF_FACT, _FOLLOWS_FACT = rule("figure.place-of-fact"), rule("figure.place-follows-fact")
_COORDINATION, _SAME_KIND = rule("figure.coordination"), rule("casualties.same-kind")
_NEW_BEFORE, _NEW_AFTER = set(_LEX["new_fact"]["before"]), set(_LEX["new_fact"]["after"])
_OTHERS = {"other", "others"}
_LINKING = set(_LEX["linking"]["words"])
_RESULTATIVE_VERBS, _RESULTATIVE = set(_LEX["resultative"]["verbs"]), rule("figure.resultative")
_COUNTERS = set(_LEX["page_counters"]["words"])
_COUNTERS_AFTER = set(_LEX["page_counters"]["after"])
_LINK_HEADINGS = [" ".join(p.split()) for p in _LEX["page_counters"]["links"]]
_CARRIERS = set(_LEX["carriers"]["words"])
_INTENT_HEADS = set(_LEX["casualties"]["intent"]["heads"])
_INTENT = rule("casualties.intent")
_TOTALS = set(_LEX["totals"]["words"])
_SUBGROUP_PRONOUNS = set(_LEX["casualties"]["subgroup"]["pronouns"])
_SUBGROUP_RULE, _REFUGEE_SUBGROUP = rule("casualties.subgroup"), rule("refugees.subgroup")
_TOTAL_AGAIN, _PART_OF = rule("refugees.total-again"), rule("refugees.part-of")
_PART = _LEX["refugees"]["part_of"]
_SHARED_JOINS, _MAX_SHARED_GAP = set(_LEX["shared_noun"]["joins"]), int(_LEX["shared_noun"]["max_gap"])
_PART_ANAPHORS = [a.split() for a in _PART["anaphors"]]
_PARTITIVE = _LEX["casualties"]["partitive"]
_PARTITIVE_PRONOUNS, _GROUP_WORDS = set(_PARTITIVE["pronouns"]), set(_PARTITIVE["group_words"])
_PARTITIVE_RULE = rule("casualties.partitive")
_COUNTED_BY = set(_LEX["people"]["counted_by"])
_MOTION = _LEX["refugees"]["motion"]
_MOTION_CLASSES, _MOTION_PREPS, _MOTION_PLACES = set(_MOTION["classes"]), set(_MOTION["prepositions"]), set(_MOTION["places"])
_MOTION_ACROSS, _MOTION_CROSSED = set(_MOTION["across"]), set(_MOTION["crossed"])
_MOTION_RULE = rule("refugees.motion-into")
_PARTING = {":", "-", "\u2013", "\u2014", "|"}
_PLACED = _LEX["refugees"]["placed"]
_PLACED_NOUNS, _PLACED_PREPS, _PLACED_VERBS = set(_PLACED["nouns"]), set(_PLACED["prepositions"]), set(_PLACED["verbs"])
_PLACED_ENTITIES, _PLACED_PLACES = set(_PLACED["place_entities"]), set(_PLACED["place_nouns"])
_PLACED_RULE = rule("refugees.placed")


@dataclass(frozen=True)
class _Cue:
    """A cue word found in a sentence: the token, its table and its label."""

    token: Token
    table: str  # "refugees" or "casualties"
    label: str  # category or outcome

    def cue_text(self) -> str:
        return repr(self.token.text)


@dataclass(frozen=True)
class _Tie:
    """How a cue is tied to a counted phrase: predicate (tier 0) or attribute (tier 1)."""

    cue: _Cue
    tier: int
    distance: int
    inside: bool = False  # a clause of the counted phrase itself ("100 injured"): wins a tie

    @property
    def rank(self) -> tuple[int, int]:
        return self.tier, self.distance


def _lemma(token: Token) -> str:
    return clean(token.lemma_) or clean(token.text)


def _word_labels(token: Token, keys: set[str], lexicon: _Lexicon) -> list[tuple[int, str]]:
    """(rank, label) of every lexicon word among ``keys`` (the token's lemma and text) fitting its part of speech."""
    return [(rank, label) for key in keys for rank, label, pos in lexicon.by_word.get(key, ())
            if pos is None or token.pos_ == pos]


def _near(token: Token, words: set[str], not_under: set[str] = frozenset()) -> Token | None:
    """A word of ``words`` at the token's head, or among its children and grandchildren, except
    under a preposition of ``not_under`` ("reached Italy by sea": a means, no place reached). A
    preposition of two words ("out of their homes", "away from home") is one step."""
    candidates = [token.head, *token.children]
    kept = [c for c in token.children if _lemma(c) not in not_under]
    candidates += [g for c in kept for g in c.children]
    candidates += [o for c in kept if c.dep_ in ("prep", "advmod") for g in c.children if g.dep_ == "prep"
                   for o in g.children]
    return next((t for t in candidates if t.i != token.i and _lemma(t) in words), None)


@dataclass(frozen=True)
class _Count:
    """A quantity placed in the parse: its syntactic head and the noun it counts."""

    quantity: Quantity
    anchor: Token
    noun: Token | None
    unit: Span

    @property
    def head(self) -> Token:
        """The top of the counted phrase ("people" in "50 people", "thousands" in "thousands of people")."""
        if self.noun is not None and self.anchor.head.i == self.noun.i:
            return self.noun
        return self.anchor

    @property
    def nodes(self) -> list[Token]:
        """The phrase's own tokens that cues inside it hang from: the noun, then the number."""
        return [self.noun, self.anchor] if self.noun is not None else [self.anchor]


def _participle_stems(token: Token, text: str) -> tuple[str, ...]:
    """The verbs a participle tagged as an adjective comes from, which the lemmatizer leaves as
    written ("were pre-registered": "registered" is "register" or "registere")."""
    if token.pos_ != "ADJ" or not text.endswith("ed") or len(text) < 6:
        return ()
    return text[:-2], text[:-1]


def _label_at(k: int, token: Token, lemmas: list[str], cleaned: list[str], lexicon: _Lexicon) -> str | None:
    """The cue label of the sentence's k-th token, by its lemma or text: a word, or a phrase starting there."""
    keys = {lemmas[k], cleaned[k], *_participle_stems(token, cleaned[k])}
    found = _word_labels(token, keys, lexicon)
    found += [(rank, label) for key in keys for rank, label, phrase in lexicon.by_first_word.get(key, ())
              if tuple(lemmas[k:k + len(phrase)]) == phrase or tuple(cleaned[k:k + len(phrase)]) == phrase]
    return max(found)[1] if found else None


def _find_cues(sent: Span, lexicon: _Lexicon, table: str) -> list[_Cue]:
    """Every cue of one table in the sentence; combos override a word's own label."""
    cues: dict[int, _Cue] = {}
    tokens = tokens_of(sent)
    lemmas = [_lemma(t) for t in tokens]
    cleaned = [clean(t.text) for t in tokens]
    for k, token in enumerate(tokens):
        label = _label_at(k, token, lemmas, cleaned, lexicon)
        if label is not None:
            cues[token.i] = _Cue(token, table, label)
    for k, token in enumerate(tokens):
        for label, words, near, not_under in lexicon.combos:
            if lemmas[k] in words and _near(token, near, not_under) is not None:
                cues[token.i] = _Cue(token, table, label)
    return list(cues.values())


def _motion_cues(sent: Span, cues: list[_Cue]) -> list[_Cue]:
    """Verbs of motion into a named place or across a border or sea that the lexicon lacks ("poured
    into Macedonia", "walked across the border"): cues of an arrival, whatever the verb."""
    taken = {c.token.i for c in cues}
    found = []
    for prep in sent:
        if prep.dep_ != "prep" or (prep.lower_ not in _MOTION_PREPS and prep.lower_ not in _MOTION_ACROSS):
            continue
        place = next((g for g in prep.children if g.dep_ == "pobj" and _goal(prep, g)), None)
        verb = _motion_verb(prep)
        if place is None or verb is None or verb.i in taken \
                or not _MOTION_CLASSES.intersection((verb_classes(_lemma(verb)) or ())[:_MOTION["senses"]]):
            continue
        note(_MOTION_RULE, verb.idx, verb.idx + len(verb.text), "fired",
             f"{verb.text!r} {prep.text} {place.text!r}: {_MOTION['label']}")
        taken.add(verb.i)
        found.append(_Cue(verb, "refugees", _MOTION["label"]))
    return found


def _placed_cues(sent: Span, cues: list[_Cue]) -> list[_Cue]:
    """People on the move who need not be refugees ("migrants") make a stock only where the text
    places them: "235,000 migrants are in Libya", "41,100 migrants in Greece"; "150 migrants on board"
    or "the graves of 139 migrants" place nobody."""
    text = span_text(sent).lower()
    if not any(word in text for word in _PLACED_NOUNS):  # the nouns are regular: the lemma starts the plural
        return []
    taken = {c.token.i for c in cues}
    found = []
    for noun in tokens_of(sent):
        if noun.pos_ != "NOUN" or noun.lemma_.lower() not in _PLACED_NOUNS or noun.i in taken:
            continue
        holder = noun.head if noun.dep_ == "nsubj" and _lemma(noun.head) in _PLACED_VERBS else noun
        if not any(_is_place(g) for p in holder.children if p.dep_ == "prep" and p.lower_ in _PLACED_PREPS
                   for g in p.children if g.dep_ == "pobj"):
            continue
        note(_PLACED_RULE, noun.idx, noun.idx + len(noun.text), "fired", f"{noun.text!r} placed: {_PLACED['label']}")
        found.append(_Cue(noun, "refugees", _PLACED["label"]))
    return found


def _is_place(token: Token) -> bool:
    return token.ent_type_ in _PLACED_ENTITIES or _lemma(token) in _PLACED_PLACES


def _goal(prep: Token, place: Token) -> bool:
    """A named place gone into ("poured into Macedonia"), or a border or sea gone across ("walked
    across the border")."""
    if prep.lower_ in _MOTION_PREPS:
        return place.ent_type_ in _MOTION_PLACES
    return prep.lower_ in _MOTION_ACROSS and _lemma(place) in _MOTION_CROSSED


def _motion_verb(prep: Token) -> Token | None:
    """The verb a place preposition tells the goal of: its head, or the verb over its head's
    object or other place ("crossed the border into", "walked across the border into")."""
    head = prep.head
    if head.pos_ == "VERB":
        return head
    if head.dep_ == "dobj" and head.head.pos_ == "VERB":
        return head.head
    if head.dep_ == "pobj" and head.head.dep_ == "prep" and head.head.head.pos_ == "VERB":
        return head.head.head
    return None


def _ancestors(token: Token, unit: Span) -> list[Token]:
    """The token and its heads up to the root, cut where the parse leaves ``unit``."""
    chain = [token]
    while chain[-1].head.i != chain[-1].i and unit.start <= chain[-1].head.i < unit.end:
        chain.append(chain[-1].head)
    return chain


def _tie(count: _Count, cue: _Cue) -> _Tie | None:
    """Tie of ``cue`` to the counted phrase, or None if too far or about someone else.

    Inside the phrase, a clause after the noun ("140 injured", "people who have
    fled") predicates like a verb; an adjective before it ("displaced civilians")
    or the noun itself ("refugees") is only an attribute.
    """
    head = count.head
    if _left_in_state(count, cue.token):
        return _Tie(cue, 0, 0, inside=True)
    theirs = _ancestors(cue.token, count.unit)
    if cue.token.dep_ in ("compound", "amod", "nmod") and cue.token.head.pos_ == "NOUN" \
            and cue.token not in count.nodes and cue.token.head not in count.nodes:
        return None  # "one rescue worker", "a training camp": a word naming something else
    for node in count.nodes:
        if node in theirs:
            depth = theirs.index(node)
            if depth == 3 and _of_those(theirs) and cue.token.dep_ in _CLAUSE_OF_NOUN:
                return _Tie(cue, 0, 1, inside=True)  # "300 of those rescued", "half of those who fled"
            if depth == 1 and cue.token.dep_ in _CLAUSE_DEPS:
                return None if _counts_its_own(cue.token) else _Tie(cue, 0, 1, inside=True)
            if depth == 2 and cue.token.dep_ == "xcomp" and theirs[1].dep_ in _CLAUSE_OF_NOUN:
                return _Tie(cue, 0, 2, inside=True)  # "refugees it has pledged to take in", "who managed to flee"
            if depth == 0 and cue.table == "casualties":
                return _Tie(cue, 0, 0)  # "44 dead", "140 injured", "100 bodies"
            return _Tie(cue, 1, depth) if depth <= _MAX_INSIDE else None
    own = _own_verb(count)
    if own is not None:  # "... its allies and millions have been displaced": the count is that verb's
        if own not in theirs[:_MAX_DOWN + 1]:
            return None
        note(_COORDINATION, count.quantity.char_start, count.quantity.char_end, "set",
             f"the subject of {own.text!r}, not a conjunct of {head.head.text!r}")
        return _Tie(cue, 0, 1 + theirs.index(own))
    mine = _ancestors(head, count.unit)
    if len(mine) > 1 and head.dep_ == "conj" and mine[1].pos_ in ("VERB", "AUX"):
        mine = mine[:1]  # "have been killed and millions displaced": a noun conjoined to a clause is not its object
    free = _conjunct_hops(mine)  # "five children and two women were killed": the women stand with the children
    free += 2 if len(mine) > free + 2 and _lemma(mine[free + 1]) in _SUBGROUP else 0
    for up, token in enumerate(mine):
        if token in theirs:
            down = theirs.index(token)
            hops = max(up - free, 1) if up else 0
            # "were among those killed"; "the number of refugees returning rose to 30,000"
            down -= 2 if any(_lemma(t) in _SUBGROUP or _lemma(t) in _TOTALS for t in theirs[1:down]) else 0
            down -= 1 if down == 1 and _complement(cue.token) else 0  # "remain trapped": the complement predicates
            if hops > _MAX_UP or down > _MAX_DOWN or hops + down > _MAX_PATH:
                return None
            cue_side = theirs[:theirs.index(token)]
            if _other_conjunct(cue_side, mine[:up]) or (cue.table == "refugees" and _own_adverbial(cue_side, mine[:up])):
                q = count.quantity
                note(_COORDINATION, q.char_start, q.char_end, "drop", f"{cue.cue_text()} belongs to another clause")
                return None
            if any(t.dep_ in _CLAUSE_OF_NOUN and _lemma(t) not in _CARRIERS for t in mine[:up]) \
                    or _other_subject(mine[:up + 1]):
                return None
            # a cue that names people ("refugees", "evacuees") says who, not what happened: an attribute
            return _Tie(cue, 1 if _names_people(cue) else 0, hops + down)
    return None


def _left_in_state(count: _Count, cue: Token) -> bool:
    """The cue is the state word right after a count that a resultative verb ("leave") takes as its
    object: "which left around 300 refugees hurt". The parse often hangs that word on the main verb
    or on the next name, so only the words' order ties it."""
    head = count.head
    if cue.i != count.nodes[0].i + 1 or cue.tag_ not in ("JJ", "VBN") or head.dep_ != "dobj" \
            or _lemma(head.head) not in _RESULTATIVE_VERBS:
        return False
    q = count.quantity
    note(_RESULTATIVE, q.char_start, q.char_end, "set", f"left {cue.text!r}")
    return True


def _of_those(chain: list[Token]) -> bool:
    """A climb from a clause through "those of" to a count: the count is part of the people the
    clause tells of ("300 of those rescued were women")."""
    return chain[1].pos_ == "PRON" and _lemma(chain[1]) in _PARTITIVE_PRONOUNS \
        and chain[2].dep_ == "prep" and _lemma(chain[2]) == "of"


def _complement(token: Token) -> bool:
    """The token completes a linking verb ("remain trapped", "are still stranded", "went missing"):
    it is what the linking verb says of its subject."""
    return token.dep_ in ("acomp", "xcomp", "oprd", "attr") and _lemma(token.head) in _LINKING


def _own_verb(count: _Count) -> Token | None:
    """The verb right after a count that the parse hung on a noun before "and", a verb left with no
    subject of its own: in "killed by the regime and its allies and millions have been displaced"
    the millions are who was displaced, not more allies."""
    head = count.head
    if head.dep_ != "conj" or head.head.pos_ not in ("NOUN", "PROPN"):
        return None
    end = max(t.i for t in head.subtree) + 1
    k, doc = end, head.doc
    while k < count.unit.end and doc[k].dep_ in ("aux", "auxpass", "neg", "advmod"):
        k += 1
    if k >= count.unit.end:
        return None
    verb = doc[k]
    if verb.pos_ != "VERB" or any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return None
    # with no auxiliary, only a verb the parse made a clause of its own (not a word on a noun)
    return verb if k > end or verb.dep_ in ("conj", "advcl") else None


def _own_adverbial(cue_side: list[Token], count_side: list[Token]) -> bool:
    """A movement in an adverbial clause with a subject of its own is the circumstance of another
    event, not what the count did: "the militants took 2,000 civilians as they fled"."""
    top = cue_side[-1] if cue_side else None
    return top is not None and top.dep_ == "advcl" and top.pos_ == "VERB" \
        and any(c.dep_ in ("nsubj", "nsubjpass") for c in top.children if c not in count_side)


def _other_conjunct(cue_side: list[Token], count_side: list[Token]) -> bool:
    """The cue's clause is coordinated with the count's and has its own subject or object:
    "killed 280,000 people and displaced millions", "Raqqa was home to 240,000 and 80,000 have fled".
    A clause sharing the count as its subject ("50 people fled and crossed into Turkey") is the same."""
    for side, other in ((cue_side, count_side), (count_side, cue_side)):
        top = side[-1] if side else None
        # the cue's clause complementing the count's ("was home to 240,000 ... 80,000 have fled"), never
        # a report's ccomp (what was reported) nor the count's own clause under the cue (a misparse)
        ccomp = side is cue_side and top is not None and top.dep_ == "ccomp" and not reports(top.head)
        if top is not None and (top.dep_ == "conj" or ccomp) and top.pos_ in ("VERB", "AUX"):
            if any(c.dep_ in ("nsubj", "nsubjpass", "dobj") for c in top.children if c not in other):
                return True
    return False


def _names_people(cue: _Cue) -> bool:
    """A refugee cue that names people ("arrivals", "evacuees"), not the event of those it is "of"
    ("the arrival of 149 refugees")."""
    return cue.table == "refugees" and cue.token.pos_ == "NOUN" and not _verb_only(cue.token) \
        and _people_noun(cue.token) and not _event_of(cue.token)


def _event_of(noun: Token) -> bool:
    """A singular noun with an "of" phrase: the event of what it is "of", not a name for people."""
    return noun.tag_ == "NN" and any(c.dep_ == "prep" and _lemma(c) == "of" for c in noun.children)


def _counts_its_own(cue: Token) -> bool:
    """A participle after a noun that has a count of its own after it starts a new clause that lost
    its comma: "killed 220,000 people wounded at least one million"."""
    objects = [c for c in cue.children if c.dep_ == "dobj" and c.i > cue.i]
    return any(o.like_num or clean(o.text) in NUMBER_WORDS or any(g.dep_ == "nummod" for g in o.children)
               for o in objects)


def _conjunct_hops(path: list[Token]) -> int:
    """How many steps at the start of a climb go from a noun conjunct to the one before it."""
    hops = 0
    while hops + 1 < len(path) and path[hops].dep_ == "conj" and path[hops].pos_ in ("NOUN", "PROPN"):
        hops += 1
    return hops


def _other_subject(path: list[Token]) -> bool:
    """The climb left our clause for a verb whose subject is someone else.

    "Aid trucks entered Syria to help thousands of people": "entered" is what the
    trucks did, not the people. But a count that is the subject of the one clause crossed is
    what the verb above is about: "the agency expects another 400,000 to come".
    """
    top = path[-1]
    if len(path) == 3 and path[0].dep_ in ("nsubj", "nsubjpass") and path[1].dep_ in ("ccomp", "xcomp"):
        return False
    crossed = any(t.pos_ in ("VERB", "AUX") and t.dep_ in _CLAUSE_DEPS and not _carrying(t, below)
                  for below, t in zip(path, path[1:-1]))
    subjects = [c for c in top.children if c.dep_ in ("nsubj", "nsubjpass")]
    return crossed and any(s not in path for s in subjects)


def _carrying(clause: Token, below: Token) -> bool:
    """A clause on a vehicle that carries the count ("a boat carrying 120 people"), or on what the
    vehicle did, with the counted phrase (``below`` it on the climb) as its direct object ("the ship
    docked in Pozzallo, carrying 560 migrants"; not "bringing the total to 48,900"): the people share
    the vehicle's fate, whoever acts on it ("the coast guard rescued a boat carrying 120 people")."""
    on_deed = clause.dep_ == "advcl" and clause.tag_ == "VBG" and below.dep_ == "dobj"
    return (clause.dep_ == "acl" or on_deed) and _lemma(clause) in _CARRIERS


def _best(count: _Count, cues: list[_Cue]) -> _Tie | None:
    """The closest tie; at equal closeness a clause of the counted phrase ("140 injured") wins, but
    not a refugee movement in a relative clause over the verb the count is the argument of: that
    clause tells the people's past, the verb what is counted ("hosts 2.7 million refugees who fled"
    is a stock, "50,000 people who fled remain trapped" are stranded)."""
    ties = [t for t in (_tie(count, c) for c in cues) if t is not None]
    best = min(ties, key=lambda t: (t.rank, _history(t), not t.inside, abs(t.cue.token.i - count.anchor.i)),
               default=None)
    past = next((t for t in ties if _history(t) and t.rank == best.rank and t is not best), None) if best else None
    if past is not None:
        q = count.quantity
        note(_CATEGORY, q.char_start, q.char_end, "set",
             f"{best.cue.cue_text()} decides, not the relative clause's {past.cue.cue_text()}")
    return best


def _history(tie: _Tie) -> bool:
    return tie.inside and tie.cue.table == "refugees"


def _anchor(doc: Doc, q: Quantity) -> Token:
    """The quantity's token whose head lies outside it (the last one if several)."""
    inside = range(q.start, q.end)
    outside = [t for t in doc[q.start:q.end] if t.head.i not in inside or t.head.i == t.i]
    return outside[-1] if outside else doc[q.end - 1]


def _bracketed_for(anchor: Token, q: Quantity) -> Token | None:
    """What a number in a bracket of bare numbers counts: right after a share of a group ("one
    quarter (23) of those rescued"), that share; as an item of a list of places ("accepted by France
    (1,098), Portugal (307) and Spain (147)"), the people of that place (not of one they come from:
    "citizens of Albania (852), Pakistan (157)"). The noun before the bracket is what ties it to
    the group, its cue words and its place. Any other bare bracket counts nothing: an age ("the two
    boys (9 and 12)"), a restatement ("twelve (12)"), an aside ("(around 3500)"). A bracket that
    names what it counts is read as any text ("(including 14 babies)")."""
    doc, sent = anchor.doc, anchor.sent
    if not _bare_bracket(sent, q):
        return anchor
    noun = doc[q.start - 2] if q.start - 2 >= sent.start and doc[q.start - 1].text == "(" else None
    if noun is not None and _lemma(noun) in _SHARES and anchor.head.i == noun.i:  # not "a third (12) of the tents"
        kind = "share"
    elif noun is not None and noun.ent_type_ in PLACE_ENTS and _listed_places(sent) >= 2 \
            and not any(_lemma(t) in _ORIGIN_PREPS for t in noun.ancestors if t.dep_ == "prep"):
        kind = "place"
    else:
        note(_BRACKETED, q.char_start, q.char_end, "drop", "in brackets: an age, a restatement or an aside")
        return None
    note(_BRACKETED, q.char_start, q.char_end, "set", f"counts the {kind} {noun.text!r} it follows")
    return noun


def _bare_bracket(sent: Span, q: Quantity) -> bool:
    """The number stands in a bracket of its sentence that names nothing: numbers and small words
    only ("(23)", "(9 and 12)", "(around 3500)"; not "(including 14 babies)")."""
    doc = sent.doc
    opening = next((t for t in reversed(doc[sent.start:q.start]) if t.text in "()"), None)
    closing = next((t for t in doc[q.end:sent.end] if t.text in "()"), None)
    if opening is None or closing is None or opening.text != "(" or closing.text != ")":
        return False
    return not any(t.pos_ in ("NOUN", "PROPN", "VERB") for t in doc[opening.i + 1:closing.i])


def _listed_places(sent: Span) -> int:
    """How many place names of the sentence a bracketed number follows ("France (1,098), Spain (147)")."""
    tokens = tokens_of(sent)
    return sum(1 for a, b, c in zip(tokens, tokens[1:], tokens[2:]) if a.ent_type_ in PLACE_ENTS and b.text == "(" and c.like_num)


def _counted_noun(anchor: Token, q: Quantity) -> tuple[Token | None, bool]:
    """The noun a quantity counts, and whether the quantity counts anything at all.

    "50 people" -> people; "thousands of refugees" -> refugees; "300 of them" -> no
    noun (the count stands alone); "one of the tents" is a partitive single: skip.
    """
    if anchor.dep_ in _NOUN_DEPS and anchor.head.i != anchor.i and anchor.head.pos_ in ("NOUN", "PROPN", "ADJ"):
        noun = anchor.head
        if noun.i < q.start:  # "Also Wednesday 22 Daesh fighters": a misparse; the count is of what follows
            after = _noun_after(anchor.doc, q)
            if after is None and q.end < len(anchor.doc) and clean(anchor.doc[q.end].text) == "of":
                return None, True  # "killed 500 people 234 of them": a partitive of its own
            if after is None and _punct_between(noun, q):
                return None, True  # "UN: 900,000 displaced": the source of a headline, not the counted noun
            noun = after or noun
        while noun.pos_ == "PROPN" and noun.dep_ in ("compound", "nmod") and noun.i < noun.head.i <= noun.i + 3:
            noun = noun.head  # "Four Hizballah members", "two YPG and asayesh positions": the count is of the head
        if _verb_only(noun):
            return None, True  # "Thousands flee as fighting nears": a headline's verb, the count stands alone
        return noun, True
    for child in anchor.children:
        if child.dep_ == "prep" and _lemma(child) == "of":
            objs = [g for g in child.children if g.dep_ == "pobj"]
            if not objs:
                continue
            obj = objs[0]
            if q.start <= obj.i < q.end:
                continue  # "hundreds of thousands": the quantity's own words
            partitive = obj.pos_ == "PRON" or any(d.dep_ == "det" for d in obj.children)
            if partitive and not _counts_people(obj):
                return None, False
            if partitive:
                return None, q.value > 1
            return obj, True
    return None, True


def _verb_only(noun: Token) -> bool:
    """A word tagged as a noun that English has only as a verb ("flee" in the headline "10,000 flee
    fighting"): the parser's mistake on a present-tense verb, not what is counted."""
    word = noun.lower_
    return noun.pos_ == "NOUN" and noun_classes(word) is None and verb_classes(word) is not None


def _noun_after(doc: Doc, q: Quantity) -> Token | None:
    """The noun right after a quantity, past its adjectives and name words, or None."""
    for token in doc[q.end:min(q.end + 4, len(doc))]:
        if token.pos_ == "NOUN" or (token.pos_ == "PROPN" and token.dep_ != "compound"):
            return token
        if token.pos_ not in ("ADJ", "PROPN"):
            return None
    return None


def _is_label(doc: Doc, anchor: Token, q: Quantity) -> bool:
    """A number after its noun names rather than counts ("Brigade 39", "BORDER 3");
    "one of the ..." is one member of a group, not a count."""
    after = doc[q.end] if q.end < len(doc) else None
    counts_after = after is not None and after.pos_ in ("NOUN", "PROPN", "ADJ")
    partitive = after is not None and clean(after.text) == "of"
    if anchor.dep_ == "nummod" and anchor.head.i < anchor.i and not counts_after and not partitive \
            and not _punct_between(anchor.head, q):
        return True
    before = doc[q.start - 1] if q.start > 0 else None
    if before is not None and before.pos_ in ("NOUN", "PROPN") and before.text.istitle() and not before.whitespace_ == "" \
            and before.is_sent_start is not True and not counts_after and after is not None and not after.is_punct:
        return True  # "Fighters of Brigade 39 shelled", "Resolution 2254 demands"
    return q.value == 1 and q.end < len(doc) and clean(doc[q.end].text) == "of"


def _punct_between(head: Token, q: Quantity) -> bool:
    """A colon or dash between a noun and a number after it ("UN: 900,000 displaced") parts a
    source or topic from the count: the parser's tie of the two is a misparse, not a label."""
    return any(t.is_punct and t.text in _PARTING for t in head.doc[head.i + 1:q.start])


def _is_age_apposition(doc: Doc, q: Quantity) -> bool:
    """"Kasim, 21, an opposition fighter": a small number set off by commas after a name."""
    if q.value > 120 or q.start < 2 or q.high is not None:
        return False
    before, name = doc[q.start - 1], doc[q.start - 2]
    after = doc[q.end] if q.end < len(doc) else None
    return before.text == "," and name.pos_ == "PROPN" and (after is None or after.is_punct)


def _not_a_count(doc: Doc, sent: Span, anchor: Token, q: Quantity) -> str | None:
    """Why the number names or negates rather than counts, or None."""
    before = clean(doc[q.start - 1].text) if q.start > 0 else ""
    if before in ("no", "none", "not"):
        return "negated"
    k = q.start - 1
    while k > 0 and doc[k].is_space:
        k -= 1
    after = clean(doc[q.end].text) if q.end < len(doc) else ""
    if clean(doc[k].text) in _COUNTERS or after in _COUNTERS_AFTER:
        return "a page counter"
    if _after_link_heading(doc, sent, q):
        return "in the title of a link to another article"
    if _is_label(doc, anchor, q):
        return "a label or one of a group"
    return "an age beside a name" if _is_age_apposition(doc, q) else None


def _after_link_heading(doc: Doc, sent: Span, q: Quantity) -> bool:
    """A "Related News" heading stands earlier in the quantity's sentence: the count is in a link title."""
    before = " ".join(doc_text(doc)[sent.start_char:q.char_start].lower().split())
    return any(heading in before for heading in _LINK_HEADINGS)


def _place_counts(doc: Doc, sent: Span) -> list[_Count]:
    counts = []
    for q in find_quantities(tokens_of(sent)):
        anchor = _bracketed_for(_anchor(doc, q), q)
        if anchor is None:
            continue
        why = _not_a_count(doc, sent, anchor, q)
        if why:
            note(_NOT_A_COUNT, q.char_start, q.char_end, "drop", why)
            continue
        noun, counts_something = _counted_noun(anchor, q)
        if not counts_something:
            note(_NOT_A_COUNT, q.char_start, q.char_end, "drop", "one of a group of things")
            continue
        thing = _lemma(noun) if noun is not None and not _counts_people(noun) else \
            q.glued if q.glued and not is_people_noun(q.glued, q.glued) else None
        if thing:
            note(_PEOPLE_NOUN, q.char_start, q.char_end, "drop", f"counts {thing!r}, not people")
            continue
        counts.append(_Count(q, anchor, noun, sent))
    return counts


def _counts_people(noun: Token) -> bool:
    """A noun that counts people (``extract.people``), or a casualty word standing as the noun
    ("44 deaths", "100 bodies") or a noun of things each standing for a person ("asylum
    applications"); an adjective standing as a noun is left alone."""
    if noun.pos_ not in ("NOUN", "PROPN"):
        return True
    if _word_labels(noun, {_lemma(noun), clean(noun.text)}, _CASUALTIES):
        return True
    if is_people_noun(_lemma(noun), clean(noun.text)):
        return True
    # "1,200 asylum applications", "9,000 applications for asylum": each one a person
    return any(c.dep_ in _MODIFIER_DEPS and _lemma(c) in _COUNTED_BY for c in noun.lefts) or purpose(noun) != "none"


def _has_number(sent: Span) -> bool:
    """Cheap pre-filter: does the sentence hold any digit, number word or vague amount?"""
    return any(t.like_num or t.text[:1].isdigit() or clean(t.text) in NUMBER_WORDS for t in sent)


def _text(doc: Doc, start: int, end: int) -> str:
    """Document text of tokens [start, end), as written."""
    return doc[start:end].text.strip()


def _phrase(doc: Doc, token: Token, floor: int = -1) -> str:
    """A noun with its left modifiers ("registered Syrian refugees"), as written."""
    start = token.i
    for child in token.lefts:
        if child.dep_ in _MODIFIER_DEPS or (child.dep_ == "det" and child.pos_ != "DET"):
            start = min(start, child.left_edge.i)
    start = max(start, floor)
    end = token.i + 1
    for child in token.rights:
        if child.dep_ == "prep" and _lemma(child) in ("of", "from") and child.right_edge.i - token.i <= 5:
            end = child.right_edge.i + 1
    return _text(doc, start, end)


def _group(doc: Doc, count: _Count) -> tuple[str | None, list[Token]]:
    """The counted group as written and its head nouns (conjuncts without their own count)."""
    if count.noun is None:
        sub = _subgroup_of_them(doc, count.quantity)  # "234 of them were children"
        if sub is not None:
            return sub.text, [sub]
        total = _total_of(count.anchor)  # "the number of refugees in Turkey reached 2.7 million"
        if total is not None:
            return _phrase(doc, total), [total]
        whole = _partitive_whole(doc, count.quantity)
        if whole is None:
            return count.quantity.glued, []
        members = [whole] + [c for c in whole.conjuncts if c.i > whole.i]
        note(_PARTITIVE_RULE, count.quantity.char_start, count.quantity.char_end, "set", f"part of {whole.text!r}")
        return _text(doc, whole.left_edge.i, max(m.i for m in members) + 1), members
    noun, q = count.noun, count.quantity
    members = [noun] + [c for c in noun.conjuncts if c.i > noun.i and not _has_count(c)]
    start = max(min(q.end, noun.i), min((c.left_edge.i for c in noun.lefts if c.dep_ in _MODIFIER_DEPS), default=noun.i))
    if start < q.end <= noun.i:
        start = q.end
    last = members[-1]
    end = last.right_edge.i + 1 if _lemma(last) in _GROUP_WORDS else last.i + 1  # "... and one of their sons"
    if len(members) == 1:
        return _phrase(doc, noun, q.end if q.end <= noun.i else -1), members
    return _text(doc, start, end), members


def _total_of(anchor: Token) -> Token | None:
    """The people a total counts when the count is what the total came to ("the number of refugees in
    Turkey reached 2.7 million": refugees), or None."""
    if anchor.dep_ not in ("dobj", "attr", "pobj"):
        return None
    verb = anchor.head.head if anchor.dep_ == "pobj" else anchor.head  # "rose to 2.7 million"
    totals = [c for c in verb.children if c.dep_ == "nsubj" and _lemma(c) in _TOTALS]
    people = [g for t in totals for c in t.children if c.dep_ == "prep" and _lemma(c) == "of"
              for g in c.children if g.dep_ == "pobj" and _counts_people(g)]
    return people[0] if people else None


def _partitive_whole(doc: Doc, q: Quantity) -> Token | None:
    """The people noun of the group a count is part of: "hundreds of the militants", and for
    "killing 16 of them" the nearest plural people noun before the count in its sentence."""
    words = [t for t in doc[q.end:min(q.end + 3, len(doc))] if clean(t.text) != "the"]
    if len(words) < 2 or clean(words[0].text) != "of":
        return None
    target = words[1]
    if clean(target.text) in _PARTITIVE_PRONOUNS:
        return _antecedent(doc[q.start])
    while target.dep_ in ("compound", "amod", "nmod") and target.i < target.head.i <= target.i + 3:
        target = target.head  # "14 of the IS group fighters": the phrase's head
    return target if _people_noun(target) else None


def _antecedent(token: Token) -> Token | None:
    """The nearest plural people noun before ``token`` in its sentence: the group "them" refers to."""
    before = token.doc[token.sent.start:token.i]
    return next((t for t in reversed(before) if t.tag_ in ("NNS", "NNPS") and _people_noun(t)), None)


def _people_noun(token: Token) -> bool:
    """A noun that names people by itself (unlike ``_counts_people``, which also lets a
    casualty word or a bare adjective stand for them)."""
    return token.pos_ in ("NOUN", "PROPN") and is_people_noun(_lemma(token), clean(token.text))


def _has_count(token: Token) -> bool:
    return any(c.dep_ == "nummod" or c.like_num for c in token.children)


def _victim_type(members: list[Token]) -> str:
    """civilian, combatant, or unknown when the words say neither or the group is mixed."""
    kinds = set()
    for noun in members:
        kind = _noun_kind(noun)
        kinds.add(kind or "unknown")
        note(_VICTIM_TYPE, noun.idx, noun.idx + len(noun), "set", f"{noun.text!r}: {kind or 'unknown'}")
    return kinds.pop() if len(kinds) == 1 else "unknown"


def _noun_kind(noun: Token) -> str | None:
    """civilian or combatant as the noun and its modifiers say, else None. A group word takes
    the kind of its "of" object ("members of the medical staff", "one of her children")."""
    lemma, text = _lemma(noun), clean(noun.text)
    if lemma in _GROUP_WORDS:
        of = next((c for c in noun.rights if c.dep_ == "prep" and _lemma(c) == "of"), None)
        obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        kind = _noun_kind(obj) if obj is not None else None
        if kind is not None:
            return kind
    mods = {_lemma(c) for c in noun.lefts if c.dep_ in _MODIFIER_DEPS}
    keys = {lemma, text, text.removesuffix("s")}  # "Terrorists" as a headline's name
    kind = "civilian" if keys & _CIVILIAN else "combatant" if keys & _COMBATANT else None
    if kind in (None, "combatant") and mods & _CIVILIAN_MODS:
        return "civilian"
    if kind is None and mods & _COMBATANT_MODS:
        return "combatant"
    return kind


def _distance(a: Token, b: Token, unit: Span) -> int:
    chain_a, chain_b = _ancestors(a, unit), _ancestors(b, unit)
    for up, token in enumerate(chain_a):
        if token in chain_b:
            return up + chain_b.index(token)
    return len(chain_a) + len(chain_b)


def _cut_phrase(doc: Doc, token: Token) -> str:
    """A subject or object phrase without its clauses and appositions."""
    start, end = token.i, token.i + 1
    for child in token.lefts:
        start = min(start, child.left_edge.i)
    for child in token.rights:
        if child.dep_ in _PHRASE_CUT_DEPS and not (child.dep_ == "prep" and _lemma(child) in ("of", "for")):
            break
        end = child.right_edge.i + 1
    return _text(doc, start, end)


def _attribution(doc: Doc, sent: Span, cue: Token) -> str | None:
    """Who gives the figure: "according to X", or the subject of a reporting verb."""
    for token in sent:
        obj = according_object(token)
        if obj is not None:
            return _cut_phrase(doc, obj)
    for verb in [*_ancestors(cue, sent), sent.root]:
        if reports(verb) and verb.pos_ == "VERB":
            subjects = [c for c in verb.children if c.dep_ == "nsubj"]  # a passive one is what was reported
            if subjects and _lemma(subjects[0]) not in _PRONOUNS:
                return _cut_phrase(doc, subjects[0])
    return None


def _perpetrator(doc: Doc, cue: Token, victims: set[int]) -> str | None:
    """Who or what caused the casualties: the agent, the active subject, or an attack noun."""
    for child in cue.children:
        if child.dep_ == "agent":
            objs = [g for g in child.children if g.dep_ == "pobj"]
            if objs:
                return _cut_phrase(doc, objs[0])
    for child in cue.children:
        if child.dep_ == "nsubj" and child.i not in victims:
            if _lemma(child) in _PRONOUNS and cue.dep_ in ("relcl", "acl"):
                return _cut_phrase(doc, cue.head)
            if _lemma(child) not in _PRONOUNS:
                return _cut_phrase(doc, child)
    if cue.dep_ in ("relcl", "acl", "advcl") and _lemma(cue.head) in _ATTACKS:
        return _actor(doc, cue.head)
    for child in cue.children:
        if child.dep_ == "prep" and _lemma(child) in ("in", "by", "from", "during"):
            objs = [g for g in child.children if g.dep_ == "pobj" and _lemma(g) in _ATTACKS]
            if objs:
                return _cut_phrase(doc, objs[0])
    return None


def _actor(doc: Doc, attack: Token) -> str | None:
    """The attack itself ("an airstrike that killed"), or for a verb ("struck a clinic, killing")
    its subject: a verb phrase is no perpetrator."""
    if attack.pos_ != "VERB":
        return _cut_phrase(doc, attack)
    subject = next((c for c in attack.children if c.dep_ == "nsubj"), None)
    return _cut_phrase(doc, subject) if subject is not None and _lemma(subject) not in _PRONOUNS else None


def _intended(cue: Token) -> bool:
    """A killing only planned, tried or threatened ("set to kill", "threatened to kill") is no toll."""
    return cue.dep_ in ("xcomp", "acl") and _lemma(cue.head) in _INTENT_HEADS


def _is_attribute_casualty(tie: _Tie | None, count: _Count) -> bool:
    """An adjective like "wounded" on the counted noun: a casualty count in its own right."""
    return tie is not None and count.noun is not None and tie.cue.token.head.i == count.noun.i \
        and tie.cue.token.dep_ == "amod"


def _refugee_blocked(count: _Count, cue: Token) -> str | None:
    """The word showing a count is no displacement (besieged populations, people "affected",
    protesters and troops), or None."""
    if count.noun is not None and _lemma(count.noun) in _NON_POPULATION:
        return count.noun.text
    whole = [g for c in count.anchor.children if c.dep_ == "prep" and _lemma(c) == "of" for g in c.children]
    if any(_lemma(g) in _NON_POPULATION for g in whole):
        return "of the " + whole[0].text  # "109 of the dead were evacuees"
    if count.quantity.value == 1 and count.quantity.high is None:
        return "a single person"  # "one resident said": a story, not a displacement figure
    if _lemma(cue) in _CONFINED and not any(_lemma(t) in _JOURNEY for t in count.unit):
        return f"{cue.text} (no border, road or sea: a besieged population)"
    near = [t for t in count.head.subtree if _distance(t, count.head, count.unit) <= 2]
    near += [c for c in count.head.head.children if c.dep_ in ("nsubj", "nsubjpass")]  # "the victims included 25"
    near += [t for t in cue.subtree if _distance(t, cue, count.unit) <= 3 and not _origin(t, cue)
             and not _in_adverbial(t, cue)]
    if cue.dep_ in ("xcomp", "acl"):
        near.append(cue.head)  # "able to house 6,000", "capacity to host": what could be, not who is
    if cue.dep_ == "pcomp":
        near.append(cue.head.head)  # "the capacity for hosting 310 people"
    near = [t for t in near if not _hurt_movers(t, count) and _same_part(t, count)]
    return next((t.text for t in near if _lemma(t) in _BLOCKERS or clean(t.text) in _BLOCKERS
                 or _BLOCKERS.intersection(clean(t.text).split("-")[:1])), None)  # "siege-like"


def _same_part(token: Token, count: _Count) -> bool:
    """``token`` stands on the count's side of any colon or semicolon of its sentence: what comes
    before "Volunteers in Athens need help: 300 refugees arrived" says nothing of the 300."""
    anchor, unit = count.anchor, count.unit
    low, high = sorted((token.i, anchor.i))
    return not any(t.text in _PART_BREAKS for t in unit.doc[max(low, unit.start):min(high, unit.end)])


def _hurt_movers(token: Token, count: _Count) -> bool:
    """A wounding word on the counted noun itself says who moved, not that nobody did: "80 wounded
    Syrians were let in" is a crossing (and a casualty row of its own)."""
    return count.noun is not None and token.head.i == count.noun.i and token.dep_ == "amod" \
        and bool(_word_labels(token, {_lemma(token), clean(token.text)}, _CASUALTIES))


def _in_adverbial(token: Token, cue: Token) -> bool:
    """The token sits in an adverbial clause of the cue ("displaced since the conflict began with
    protests"), saying when or why, or in a clause coordinated with the cue's that has a subject of
    its own ("saved 400 people but 200 are feared dead"): either way it is not about who was counted."""
    while token.i != cue.i and token.head.i != token.i:
        if token.head.i == cue.i and (token.dep_ == "advcl" or (
                token.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children))):
            return True
        token = token.head
    return False


def _origin(token: Token, cue: Token) -> bool:
    """The token describes where people left ("evacuated from the besieged towns", "fled the
    besieged town"), not them."""
    while token.i != cue.i and token.head.i != token.i:
        if token.dep_ == "prep" and _lemma(token) in ("from", "out"):
            return True
        if token.dep_ == "dobj" and token.head.i == cue.i and _lemma(cue) in LEAVING:
            return True  # "hundreds fled a besieged bastion"
        token = token.head
    return False


def _noun_key(noun: Token | None) -> str | None:
    """What a count counts, for spotting repeats: "Regime Troops" = "regime troops";
    a cue word standing as the noun ("17 dead") names nothing."""
    if noun is None:
        return None
    if any(_word_labels(noun, {_lemma(noun), clean(noun.text)}, lex) for lex in (_REFUGEES, _CASUALTIES)):
        return None
    return clean(noun.text).rstrip("s")


def _base_row(doc: Doc, sent: Span, count: _Count, tie: _Tie, sections: list[Section], label: str | None = None) -> dict:
    """The columns every figure row has; ``label`` is the row's decided category where it is not the cue's."""
    q = count.quantity
    section = section_at(sections, q.char_start)
    place = count_place(doc, sent, count.anchor, _located(doc, sent, tie.cue.token, section))
    return {
        "section_id": section.section_id,
        "figure": q.value,
        "figure_high": q.high,
        "qualifier": q.qualifier,
        "location": place.text and place.text.strip(),  # an entity may end on a line break ("Pireaus\n\n")
        "attributed_to": _attribution(doc, sent, tie.cue.token),
        "sentence": sent.text.strip(),
        "char_start": q.char_start,
        "char_end": q.char_end,
        "_noun": _noun_key(count.noun),
        "_place": place.key,
        **figure_when(sent, tie.cue.token, count.anchor, tie.cue.table, label or tie.cue.label, q, section.char_start),
    }


def _sentence_rows(doc: Doc, sent: Span, sections: list[Section], before: dict | None = None) -> tuple[list[dict], list[dict]]:
    refugees, casualties = [], []
    counts = _place_counts(doc, sent)
    if not counts:
        return refugees, casualties
    ref_cues = [c for c in _find_cues(sent, _REFUGEES, "refugees") if not reaches_total(c.token)]
    ref_cues += _motion_cues(sent, ref_cues)
    ref_cues += _placed_cues(sent, ref_cues)
    cas_cues = _find_cues(sent, _CASUALTIES, "casualties")
    untied = []
    for count in counts:
        ref = _best(count, ref_cues)
        cas = _best(count, cas_cues)
        q = count.quantity
        if ref is None and cas is None:
            if _inherit(doc, sent, count, refugees, casualties, before, sections):
                continue
            note(_CUE_TIE, q.char_start, q.char_end, "drop", "no refugee or casualty word tied to it")
            untied.append(count)
        if cas is not None and _intended(cas.cue.token):
            note(_INTENT, q.char_start, q.char_end, "drop", f"{cas.cue.token.head.text!r} {cas.cue.token.text!r}: intended, not done")
            cas = None
        if cas is not None and (ref is None or cas.rank <= ref.rank or _is_attribute_casualty(cas, count)):
            note(_OUTCOME, q.char_start, q.char_end, "fired", f"{cas.cue.label} by {cas.cue.token.text!r}")
            casualties.append({**_casualty_row(doc, sent, count, cas, sections), "_new": _says_new(doc, q)})
        if ref is not None and (cas is None or ref.rank < cas.rank):
            blocker = _refugee_blocked(count, ref.cue.token)
            category = None if blocker else decide(ref.cue.token, ref.cue.label, count.head, count.noun, (q.char_start, q.char_end))
            if blocker:
                note(_NOT_DISPLACEMENT, q.char_start, q.char_end, "drop", f"{blocker!r} near {ref.cue.token.text!r}")
            elif category:
                note(_CATEGORY, q.char_start, q.char_end, "fired", f"{ref.cue.label} by {ref.cue.token.text!r}")
                refugees.append({**_refugee_row(doc, sent, count, ref, category, sections), "_new": _says_new(doc, q)})
    refugees += [row for row in (_shared_noun_row(doc, count, refugees) for count in untied) if row is not None]
    _same_kind(casualties)
    return refugees, casualties


def _inherit(doc: Doc, sent: Span, count: _Count, refugees: list[dict], casualties: list[dict],
             before: dict | None, sections: list[Section]) -> bool:
    """Give a count no cue ties a row of the count before it, when the text makes it part of that
    count (a subgroup, "out of this number, ...") or the same kind again (a bare total); True if it did."""
    q = count.quantity
    noun = _subgroup_of_them(doc, q) if casualties or refugees else None
    if noun is not None:
        if casualties:
            casualties.append(_subgroup_row(count, casualties[-1], noun))
        else:
            refugees.append(_subgroup_of_row(count, refugees[-1], _phrase(doc, noun), _noun_key(noun)))
        return True
    group = refugees[-1] if refugees else before
    if group is None or group["section_id"] != section_at(sections, q.char_start).section_id:
        return False
    again = _TOTAL_AGAIN if _bare_total(count.anchor) else _PART_OF if _part_of(count, sent, refugees) else None
    if again is not None:
        refugees.append(_total_again_row(doc, sent, count, group, sections, again))
    return again is not None


def _shared_noun_row(doc: Doc, count: _Count, rows: list[dict]) -> dict | None:
    """A bare number sharing the noun of the count right after it: "two boats, one with 512 and
    another with 87 people, were rescued" counts 512 people, rescued as the 87 were."""
    if count.noun is not None:
        return None
    q = count.quantity
    later = next((r for r in rows if r["char_start"] > q.char_end and r["_noun"] is not None), None)
    if later is None:
        return None
    between = doc[q.end:doc.char_span(later["char_start"], later["char_end"], alignment_mode="expand").start]
    if len(between) > _MAX_SHARED_GAP or not any(_lemma(t) in _SHARED_JOINS for t in between) \
            or any(t.pos_ in ("VERB", "AUX") or t.like_num for t in between):
        return None
    note(_COORDINATION, q.char_start, q.char_end, "set", f"counts the {later['population']!r} of {later['figure']}")
    return _recounted(later, q)


def _recounted(row: dict, q: Quantity, **own: object) -> dict:
    """``row`` for another count of the same fact or group (a subgroup, a count sharing its noun):
    its kind, place and time, the count's own figure, offsets and ``own`` columns."""
    return {**row, "figure": q.value, "figure_high": q.high, "qualifier": q.qualifier,
            "char_start": q.char_start, "char_end": q.char_end, "_new": False, **own}


def _subgroup_of_them(doc: Doc, q: Quantity) -> Token | None:
    """The noun of "234 of them were children", "five of the dead were children" (a subgroup of
    the count before, its clause perhaps left unpunctuated so the parse cannot tie it), or None."""
    words = list(doc[q.end:min(q.end + 6, len(doc))])
    if len(words) > 2 and clean(words[1].text) == "the":
        words.pop(1)  # "five of the dead were children"
    if len(words) < 4 or clean(words[0].text) != "of" or clean(words[1].text) not in _SUBGROUP_PRONOUNS:
        return None
    if _lemma(words[2]) != "be":
        return None
    noun = next((t for t in words[3:] if t.pos_ in ("NOUN", "PROPN")), None)
    return noun if noun is not None and _counts_people(noun) else None


def _subgroup_row(count: _Count, group: dict, noun: Token) -> dict:
    """A subgroup's row (``noun``: its people, see ``_subgroup_of_them``): its group's outcome and tie,
    its own people."""
    q = count.quantity
    note(_SUBGROUP_RULE, q.char_start, q.char_end, "fired", f"{group['outcome']}, a subgroup of {group['figure']}: {noun.text!r}")
    return _recounted(group, q, victims=noun.text, victim_type=_victim_type([noun]), _noun=_noun_key(noun))


def _subgroup_of_row(count: _Count, group: dict, population: str, noun: str | None) -> dict:
    """A subgroup's row ("235,000 migrants are in Libya, tens of thousands of whom are children"):
    its group's category, place and time, its own people."""
    q = count.quantity
    note(_REFUGEE_SUBGROUP, q.char_start, q.char_end, "fired", f"{group['category']}, a part of {group['figure']}")
    return _recounted(group, q, population=population, _noun=noun)


def _total_again_row(doc: Doc, sent: Span, count: _Count, group: dict, sections: list[Section], why: Rule) -> dict:
    """The same kind of count told again ("... arrived in 2015. The year before the number was 7,200",
    "out of this number, 12,400 persons are in the north"): the category of the row before it, its
    people, place and time from its own sentence and verb."""
    q = count.quantity
    note(why, q.char_start, q.char_end, "fired", f"{group['category']}, the kind of {group['figure']} before it")
    verb = count.anchor.head.head if count.anchor.dep_ == "pobj" else count.head.head
    if why is _PART_OF and count.noun is None:
        verb = count.anchor.nbor()  # a list item's place is the one its own preposition names
    tie = _Tie(_Cue(verb, "refugees", group["category"]), 0, 0)
    population = _phrase(count.unit.doc, count.noun) if count.noun is not None else None
    return {**_base_row(doc, sent, count, tie, sections, group["category"]), "category": group["category"],
            "population": population, "_new": False, "_item": why is _PART_OF, "_bare": _bare_item(count)}


def _part_of(count: _Count, sent: Span, rows: list[dict]) -> bool:
    """A part of the count before: the sentence opens its clause with "out of this number," or "of
    these," ("out of this number, 12,400 persons are in the north"), or the count is a bare item of a
    list right after such a part or another bare item ("..., 1,900 in central, and 300 in the south";
    "including 8,626 on the islands, 14,444 in Attica, 2,038 in Central Greece"; not "the 1,400
    children between the ages of three and four in Beirut")."""
    anchor = count.anchor
    if rows and count.noun is None and listed_after(anchor):
        return rows[-1].get("_item", False) and rows[-1]["char_start"] >= sent.start_char
    words = [clean(t.text) for t in sent[:anchor.i - sent.start]]
    return any(words[k:k + len(a)] == a and k + len(a) < len(words) and words[k + len(a)] == ","
               for a in _PART_ANAPHORS for k in range(len(words)))


def _bare_item(count: _Count) -> bool:
    """A number naming no people, its place right after it: a list's item ("2,038 in Central Greece")."""
    return count.noun is None and placed_next(count.anchor)


def _people_placed(count: _Count) -> bool:
    """The count's people are placed right after their noun ("there are 3,644 people at the Lesvos
    hotspot, 1,827 in Chios and 516 on Samos"): a list of bare items may follow it."""
    return count.noun is not None and count.noun.i == count.anchor.i + 1 and placed_next(count.noun)


def _bare_total(anchor: Token) -> bool:
    """The count is what a bare total came to, one naming no people of its own: "the number was
    7,200", "bringing the total number throughout the country to 48,900" (not "the number of
    soldiers was 300", which says whom it counts)."""
    if anchor.dep_ not in ("attr", "dobj", "pobj"):
        return False
    verb = anchor.head.head if anchor.dep_ == "pobj" else anchor.head
    verbs = [verb, verb.head] if verb.dep_ == "conj" else [verb]  # "the number was 7,200, and in 2013, there were 5,100"
    totals = [c for v in verbs for c in v.children if c.dep_ in ("nsubj", "dobj") and c.i != anchor.i and _lemma(c) in _TOTALS]
    return any(not any(p.dep_ == "prep" and _lemma(p) == "of" for p in t.children) for t in totals)


def _same_kind(rows: list[dict]) -> None:
    """"Six children were killed and 15 injured", "4 others were hurt": a count naming nobody takes
    the victim_type of the sentence's first count (the group; a subgroup after it is only part of it)."""
    for row in rows[1:]:
        if row.pop("_names_nobody") and row["victim_type"] == "unknown":
            row["victim_type"] = rows[0]["victim_type"]
            note(_SAME_KIND, row["char_start"], row["char_end"], "set", f"{rows[0]['victim_type']}, as {rows[0]['figure']} before it")
    if rows:
        rows[0].pop("_names_nobody", None)


def _says_new(doc: Doc, q: Quantity) -> bool:
    """A count that says it is a fact of its own ("another 20", "a further 300", "20 more")."""
    before = clean(doc[q.start - 1].text) if q.start > 0 else ""
    after = clean(doc[q.end].text) if q.end < len(doc) else ""
    if before in _NEW_BEFORE or after in _NEW_AFTER:
        note(_NEW_FACT, q.char_start, q.char_end, "set", f"{before if before in _NEW_BEFORE else after!r}: a fact of its own")
        return True
    return False


def _casualty_row(doc: Doc, sent: Span, count: _Count, tie: _Tie, sections: list[Section]) -> dict:
    victims, members = _group(doc, count)
    row = _base_row(doc, sent, count, tie, sections)
    row.update(
        outcome=tie.cue.label,
        victims=victims,
        victim_type=_victim_type(members) if members else "unknown",
        _names_nobody=not members or _lemma(members[0]) in _OTHERS,
        perpetrator=_perpetrator(doc, tie.cue.token, {m.i for m in members} | {count.anchor.i}
                                 | {c.i for c in count.head.conjuncts}),
    )
    return row


def _refugee_row(doc: Doc, sent: Span, count: _Count, tie: _Tie, category: str, sections: list[Section]) -> dict:
    population, _ = _group(doc, count)
    row = _base_row(doc, sent, count, tie, sections, category)
    bare = _bare_item(count)  # "_item": a list of bare items may follow it; "_bare": it is one
    row.update(category=category, population=population, _item=bare or _people_placed(count), _bare=bare)
    return row


def _specific(noun: str | None) -> bool:
    return noun is not None and noun not in _GENERIC_PEOPLE


def _headline_summary(head: dict, body: dict) -> bool:
    """A headline's vague figure summing up a body figure: "Hundreds of refugees rescued" over
    "About 400 refugees have been rescued" (hundreds = 100 to 999)."""
    return head["_headline"] and not body["_headline"] and head["qualifier"] == "vague" \
        and head["figure"] <= body["figure"] < 10 * head["figure"]


def _same_fact(a: dict, b: dict, key_field: str) -> bool:
    """Same label and section, and the same figure counting the same people (the same noun, or one
    of them names none, "Bomb attack kills 44" and "killed at least 44 people", or only "people");
    a headline repeating a body figure is the same fact whatever noun it uses (the guide)."""
    if a["section_id"] != b["section_id"] or a[key_field] != b[key_field]:
        return False
    if (a["_new"] or b["_new"]) and a["_headline"] == b["_headline"]:
        return False
    if a.get("_bare") and b.get("_bare") and a["location"] != b["location"]:
        return False  # "25 in Abruzzo, 25 in Basilicata": items of a list at two places
    same_figure = (a["figure"], a["figure_high"]) == (b["figure"], b["figure_high"])
    if a["_headline"] != b["_headline"]:
        return same_figure or _headline_summary(a, b) or _headline_summary(b, a)
    same_noun = not (_specific(a["_noun"]) and _specific(b["_noun"])) or a["_noun"] == b["_noun"]
    return same_noun and same_figure


def _preference(row: dict) -> tuple[bool, bool]:
    """Which mention of a fact to keep: a body mention over a headline, then one naming who was counted."""
    return not row["_headline"], _specific(row["_noun"])


def _dedupe(rows: list[dict], key_field: str, headlines: list[tuple[int, int]], title: str) -> list[dict]:
    """One row per fact per section, the best mention of it kept (see ``_preference``)."""
    kept: list[dict] = []
    retold: list[tuple[dict, int]] = []
    for row in rows:
        row = {**row, "_headline": any(start <= row["char_start"] < end for start, end in headlines)}
        twin = next((k for k, old in enumerate(kept) if _same_fact(old, row, key_field)), None)
        if twin is None:
            kept.append(row)
            continue
        loser = row
        if _preference(row) > _preference(kept[twin]):
            loser, kept[twin] = kept[twin], {**row, "_noun": row["_noun"] or kept[twin]["_noun"]}
        # the fact is where its surest, most specific mention in the body puts it; a headline's place is a summary's
        if not loser["_headline"] and _better_place(loser["_place"], kept[twin]["_place"]):
            note(_PLACE_OF_FACT, loser["char_start"], loser["char_end"], "set", f"{loser['location']!r}, the surer mention's place")
            kept[twin] = {**kept[twin], "location": loser["location"], "_place": loser["_place"]}
        if _day_of_fact(kept[twin], loser, title):
            note(_DAY_OF_FACT, kept[twin]["char_start"], kept[twin]["char_end"], "set",
                 f"{loser['event_date_text']!r}, the day its other mention's sentence gives")
            kept[twin] = {**kept[twin], "event_when": loser["event_when"], "event_date_text": loser["event_date_text"]}
        note(_ONE_PER_SECTION, loser["char_start"], loser["char_end"], "drop", "the same fact as another mention")
        retold.append((loser, twin))
    for loser, twin in retold:
        _follow_fact(kept, loser, kept[twin])
    return [{k: v for k, v in row.items() if not k.startswith("_")} for row in kept]


def _day_of_fact(fact: dict, retold: dict, title: str) -> bool:
    """A fact whose kept mention names no time takes the day its other mention's own sentence gives
    ("Twin car bombs kill 32" then "... killed 32 people in Homs on Wednesday"): one incident has one
    day. A day the other mention only carried from the sentences around it is no surer than none,
    unless the kept mention is the title told again at the head of the body ("01-10-2014 Twin Car
    Bombs in Homs Kill 32. ..."), a summary whose story is the body's."""
    return fact["event_date_text"] is None and retold["event_when"] is not None \
        and fact["scope"] == retold["scope"] and (retold["_own_day"] or title != "" and title in fact["sentence"])


def _follow_fact(kept: list[dict], retold: dict, fact: dict) -> None:
    """Figures after a fact told again that borrow the same place from the text before as the retelling
    ("At least 37 died from Sunday's blast, adding 71 were still in hospital. Of those, 15 ...") go on
    about that fact: they are where its surest mention puts it, not in the country the text last named
    (a town or district named in between may be where within the fact's place they are: kept)."""
    if retold["_headline"] or fact["char_start"] > retold["char_start"] or not borrowed_wide(retold["_place"]) \
            or not _better_place(fact["_place"], retold["_place"]):
        return
    for k, row in enumerate(kept):
        if row["char_start"] > retold["char_start"] and row["section_id"] == retold["section_id"] \
                and row["_place"] == retold["_place"] and row["location"] == retold["location"]:
            note(_FOLLOWS_FACT, row["char_start"], row["char_end"], "set", f"{fact['location']!r}, the place of the fact told before it")
            kept[k] = {**row, "location": fact["location"], "_place": fact["_place"]}


def _headlines(text: str, sections: list[Section]) -> list[tuple[int, int]]:
    """Spans of the sections' headlines and of the item headings inside sections.

    A digest item often sits under a place heading and opens with its own one-line heading
    ("Italy", then "312 people rescued off Sicily", then the story), so the item heading
    repeats the story's figure as a headline does.
    """
    spans = []
    for section in sections:
        if section.headline:
            at = text.find(section.headline, section.char_start, section.char_end)
            if at >= 0:
                spans.append((at, at + len(section.headline)))
    return spans + [m.span("line") for m in _ITEM_HEADING.finditer(text)
                    if len(m.group("line").split()) <= _MAX_HEADING_WORDS]


def _units(doc: Doc) -> list[Span]:
    """Sentences cut at line breaks: headlines, captions and banners run into the next
    sentence when the parser ignores newlines, and a count must not borrow their cues."""
    units, tokens = [], doc_tokens(doc)
    for sent in doc.sents:
        start = sent.start
        for token in tokens[sent.start:sent.end]:
            if "\n" in token.text or "\n" in token.whitespace_:
                end = token.i if "\n" in token.text else token.i + 1
                if end > start:
                    units.append(doc[start:end])
                start = token.i + 1
        if sent.end > start:
            units.append(doc[start:sent.end])
    return units


def extract_figures(doc: Doc, sections: list[Section]) -> tuple[list[dict], list[dict]]:
    """Refugee rows and casualty rows of a parsed document, one per fact per section."""
    refugees, casualties = [], []
    before: dict | None = None  # the last refugee row of the unit just before
    for sent in _units(doc):
        if not _has_number(sent):
            before = None
            continue
        ref, cas = _sentence_rows(doc, sent, sections, before)
        refugees += ref
        casualties += cas
        before = ref[-1] if ref else None
    # headlines only matter to tell two mentions of one fact apart
    headlines = _headlines(doc_text(doc), sections) if len(refugees) > 1 or len(casualties) > 1 else []
    title = _title(doc_text(doc))
    return _dedupe(refugees, "category", headlines, title), _dedupe(casualties, "outcome", headlines, title)


def _title(text: str) -> str:
    """The text's first line when it reads as a title: four words or more, with more lines after it
    (a text of one line has no title), else ''."""
    first = first_line(text) or ""
    return first if len(first.split()) >= 4 and "\n" in text.strip() else ""
