"""A refugee figure's category from its predicate's class, mood and role: a decision table in data.

The cue word tied to a count gives a first label (fled: displaced, hosts: hosted).
Then the table of ``config/lexicons/figures.toml`` [[refugees.category_table]]
decides, first matching row wins, from features of the language rather than of
any wording: the *mood* of the predicate (a movement that could, will, is expected
to or is planned to happen is ``expected``), the *role* of the count (the active
subject of a taking-in verb is the receiver, "each family received 3 blankets",
not someone received), the counted noun's own *movement class* ("907 arrivals were
registered" are arrivals, admitted, whatever the stock verb says) and the
*place preposition* ("crossed the border into Turkey" is admitted) and the *purpose*
a "for" phrase names ("pre-registered for asylum" counts asylum seekers) and whether
the count's own predicate is a *stock* ("Lebanon has 1.1 million refugees who fled" is
hosted: how they came is their past, not what is counted). Where only a noun ties the
count ("refugees", "camp"), the count's *own verb* says what happened to them ("police
arrested 40 refugees" are stranded, "evicted 800 people from the camp" displaced); a
registering verb in the simple past reports the day's arrivals, not the stock (*tense*);
a verb of leaving with the place left as its object reached no border near it (*leaves*).
A verb of reaching whose subject is a total is no cue at all (``reaches_total``).
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from config import load_lexicon
from extract.numbers import clean
from extract.rules import Rule, note, rule

_LEX = load_lexicon("figures")["refugees"]
_MODAL = set(_LEX["mood"]["modal"])
_MOOD_HEADS = set(_LEX["mood"]["heads"])
_MOOD_BE = set(_LEX["mood"]["be_to"])
_MOOD_INFINITIVE = set(_LEX["mood"]["headline_infinitive"])
_CLASSES = {name: set(words) for name, words in _LEX["predicate_classes"].items()}
_PARTICLE_DEPS = ("prt", "advmod", "prep")  # "sent 40 people back", "lets 30 refugees into the country"
_PLACE_DEPS = ("prep", "advmod", "npadvmod")  # "into Turkey", "went home"
MOVER_NOUNS = {word: label for label, words in _LEX["mover_nouns"].items() for word in words}
_PLACE_PREPS = {name: set(words) for name, words in _LEX["place_prepositions"].items()}
_TABLE = _LEX["category_table"]
_SCHEMES = {word: label for label, words in _LEX["schemes"].items() for word in words}
_PURPOSE_PREPS = set(_LEX["purpose"]["prepositions"])
_PURPOSES = {name: set(words) for name, words in _LEX["purpose"].items() if name != "prepositions"}
_TOTALS = set(load_lexicon("figures")["totals"]["words"])
_STOCK = _LEX["stock"]
_STOCK_HAVE, _STOCK_BE = set(_STOCK["having"]), set(_STOCK["being"])
_STOCK_PLACES, _STOCK_PLACE_NOUNS = set(_STOCK["place_entities"]), set(_STOCK["place_nouns"])
_STOCK_MAKE, _STOCK_HOME = set(_STOCK["making"]), set(_STOCK["home"])
_RULES: dict[str, Rule] = {r.id: r for r in (rule("refugees.receiver"), rule("refugees.planned"),
                                              rule("refugees.mover-noun"), rule("refugees.category-cue"),
                                              rule("refugees.purpose"), rule("refugees.scheme"),
                                              rule("refugees.stock"), rule("refugees.own-verb"))}
if not {row["rule"] for row in _TABLE} <= set(_RULES):
    raise KeyError(f"a category_table row names a rule category.py does not know: {[r['rule'] for r in _TABLE]}")
LEAVING = frozenset(_LEX["leaving"]["words"])
_ARGUMENT = {"nsubj", "nsubjpass", "dobj"}
_CARRIER_PREPS = {"of", "with"}
_GOVERNED = {"xcomp", "ccomp", "acl", "advcl", "pobj", "prep", "relcl", "conj"}


def _lemma(token: Token) -> str:
    return clean(token.lemma_) or clean(token.text)


def _class(token: Token | None) -> str:
    """The class of a predicate in [refugees.predicate_classes], or other. An entry "verb+particle"
    needs the particle on the verb: "sent 40 people back" is sending back, "sent to the camp" is not."""
    if token is None:
        return "other"
    lemma = _lemma(token)
    particles = {_lemma(c) for c in token.children if c.dep_ in _PARTICLE_DEPS}
    return next((name for name, words in _CLASSES.items()
                 if lemma in words or any(f"{lemma}+{p}" in words for p in particles)), "other")


def _own_verb(cue: Token, head: Token) -> Token | None:
    """The verb the count is the subject or object of, directly or through the group or the carrier
    it is in ("a boat with 40 refugees", "hundreds of refugees"), when that verb is not the cue: a
    noun naming people or a place ("refugees", "camp") says who or where, the count's verb what
    happened to them ("police arrested 40 refugees", "evicted 1,500 people from the camp")."""
    token = head
    while token.dep_ == "pobj" and _lemma(token.head) in _CARRIER_PREPS and token.head.head.i != token.head.i:
        token = token.head.head
    verb = token.head
    reduced = next((c for c in token.children if c.dep_ == "acl" and c.tag_ == "VBN"), None)
    if reduced is not None and reduced.i != cue.i:
        return reduced  # a reduced passive is the noun's own verb: "70 refugees arrested near Ruse"
    if token.dep_ not in _ARGUMENT or verb.pos_ not in ("VERB", "AUX") or verb.i == cue.i:
        return None
    if token.dep_ == "dobj" and _class(verb) == "reaching":
        return None  # what is reached is a total or a place's people, not who arrives ("has reached 2.7 million")
    return verb


def _own_noun(chain: list[Token]) -> bool:
    """The last of the chain is the cue itself or the noun a participle cue describes ("30,000
    people evacuated"), not a noun a relative clause hangs on ("the country where 600,000 arrived")."""
    return len(chain) == 1 or (len(chain) == 2 and chain[0].dep_ == "acl")


def _mood(cue: Token) -> str:
    """modal when an auxiliary, or a verb of planning or expecting up to two steps above the cue,
    puts the movement in the future or the possible: "could flee", "will be evacuated",
    "plans to relocate", "is meant to take in", "set for evacuation", "awaiting evacuation"; so does
    "be to" ("10,000 are to be evacuated", "the aim is to relocate 6,000"). A movement inside a
    total takes the mood of the total's verb ("the number of people fleeing could reach 200,000")."""
    chain = [cue]
    while len(chain) < 4 and chain[-1].head.i != chain[-1].i and (chain[-1].dep_ in _GOVERNED or (
            _own_noun(chain) and chain[-1].pos_ == "NOUN" and chain[-1].dep_ in _ARGUMENT)):
        # "arrivals are expected to reach": a noun's mood is its verb's, and so is that of a
        # participle on the counted noun ("is set to see 30,000 people evacuated"); a subject
        # further up is another clause's ("the country where 600,000 arrived could close its border")
        chain.append(chain[-1].head)
    total = next((t for t in (chain[-1], *chain[-1].ancestors) if _lemma(t) in _TOTALS), None) if len(chain) > 1 else None
    if total is not None and total.dep_ in _ARGUMENT:
        chain.append(total.head)  # "the number of people fleeing could reach 200,000": the total's verb
    for below, token in zip([None, *chain], chain):
        if any(c.dep_ in ("aux", "auxpass") and _lemma(c) in _MODAL for c in token.children):
            return "modal"
        if token is not cue and _lemma(token) in _MOOD_HEADS:
            return "modal"
        if below is not None and below.dep_ == "xcomp" and _lemma(token) in _MOOD_BE:
            return "modal"  # "are to be evacuated", "the aim is to relocate"
        if _headline_infinitive(token):
            return "modal"
    return "plain"


def _headline_infinitive(token: Token) -> bool:
    """A clause whose main verb is a bare infinitive is a headline's future: "50 people to arrive
    in Zagreb", "Germany to take in 500 refugees" (an infinitive on a noun, "the first 200 people
    to arrive", hangs under a finite verb and is no plan)."""
    return token.dep_ == "ROOT" and any(c.dep_ == "aux" and _lemma(c) in _MOOD_INFINITIVE for c in token.children)


def _leaves(cue: Token, head: Token) -> str:
    """yes when the cue is a verb of leaving whose direct object (not the count) is the place
    left: "hundreds fled a town near the border" left the town, they did not reach the border."""
    left = _lemma(cue) in LEAVING and any(c.dep_ == "dobj" and c.i != head.i for c in cue.children)
    return "yes" if left else "no"


def _role(cue: Token, head: Token) -> str:
    """active_subject or object when the count is the cue verb's subject in the active voice or its
    direct object, directly or as the group they pick from ("each of the 400 families received")."""
    token = head
    while token.dep_ in ("pobj", "prep") and token.head.i != token.i:
        token = token.head
    if token.head.i != cue.i:
        return "other"
    return "active_subject" if token.dep_ == "nsubj" else "object" if token.dep_ == "dobj" else "other"


def _place(cue: Token) -> str:
    """The class of the place preposition or adverb after the cue, or after its object ("crossed the
    border into Turkey", "making their way home"), or none."""
    beyond = [g for c in cue.children if c.dep_ == "dobj" for g in c.children]  # "crossed the border into"
    for name, words in _PLACE_PREPS.items():
        if any(t.dep_ in _PLACE_DEPS and _lemma(t) in words for t in [*cue.children, *beyond]):
            return name
    return "none"


def purpose(*tokens: Token | None) -> str:
    """The purpose a "for" phrase on any of ``tokens`` names ("registered for asylum",
    "applications for asylum"), or none."""
    objects = [_lemma(g) for t in tokens if t is not None for c in t.children
               if c.dep_ == "prep" and _lemma(c) in _PURPOSE_PREPS for g in c.children if g.dep_ == "pobj"]
    return next((name for name, words in _PURPOSES.items() if words.intersection(objects)), "none")


def _stock(head: Token) -> str:
    """yes when the count's own predicate states a stock in a place: a place that has or hosts them
    ("Lebanon has 1.1 million refugees who fled"), is home to them, or them living or staying
    somewhere ("3,000 displaced families are living in tents") or making a home there ("have made
    the old airport their home")."""
    verb = head.head
    if head.dep_ == "pobj" and _lemma(verb) == "to" and _lemma(verb.head) == "home":
        return "yes"
    if head.dep_ == "dobj" and _lemma(verb) in _STOCK_HAVE:
        place = any(c.dep_ == "nsubj" and (c.ent_type_ in _STOCK_PLACES or _lemma(c) in _STOCK_PLACE_NOUNS)
                    for c in verb.children)
        return "yes" if place else "no"
    if head.dep_ == "nsubj" and _lemma(verb) in _STOCK_MAKE:
        return "yes" if any(_lemma(t) in _STOCK_HOME for c in verb.children if c.dep_ in ("dobj", "oprd", "ccomp")
                            for t in (c, *c.children)) else "no"  # "have made their home in a factory"
    return "yes" if head.dep_ == "nsubj" and _lemma(verb) in _STOCK_BE else "no"


def _scheme(cue: Token, head: Token) -> str:
    """The class of a programme named in a phrase on the cue or on the counted phrase ("arrived
    under the EU relocation scheme", "taken in a total of 61 people under the relocation scheme",
    "accepted as part of the resettlement programme"), or none."""
    words = (_lemma(t) for h in (cue, head) for c in h.children if c.dep_ == "prep" for t in c.subtree)
    return next((_SCHEMES[w] for w in words if w in _SCHEMES), "none")


def _tense(cue: Token) -> str:
    """past for a verb in the simple past, active or passive ("registered 5,000 on Sunday", "5,000
    were registered"): an event, a flow; a present or perfect ("are registered", "has registered
    650,000 since 2011") states where things stand."""
    if cue.pos_ not in ("VERB", "AUX") or cue.dep_ in ("amod", "compound"):
        return "other"
    auxes = [c for c in cue.children if c.dep_ in ("aux", "auxpass")]
    if any(_lemma(a) == "have" or a.tag_ == "MD" for a in auxes):
        return "other"
    passive = [a for a in auxes if a.dep_ == "auxpass"]
    if passive:
        return "past" if passive[0].tag_ == "VBD" else "other"
    return "past" if cue.tag_ == "VBD" else "other"


@dataclass(frozen=True)
class Features:
    """What the table reads about one count and its cue."""

    label: str
    predicate: str
    mood: str
    role: str
    mover: str
    place: str
    scheme: str
    purpose: str
    stock: str
    verb: str
    tense: str
    leaves: str

    def get(self, name: str) -> str:
        return getattr(self, name)


def reaches_total(cue: Token) -> bool:
    """A verb of reaching whose subject is a total ("the number of refugees in Turkey reached 2.7
    million") says how big the total grew, not that anyone arrived: it is no cue, and the words
    inside the total ("refugees", "returnees") tell what the count is. A total that holds its own
    count ("a total of 571 boats carrying 25,871 refugees arrived") is what arrived."""
    if _lemma(cue) not in _CLASSES["reaching"] or not any(
            c.dep_ == "nsubj" and _lemma(c) in _TOTALS and not _counted_total(c) for c in cue.children):
        return False
    note(_RULES["refugees.receiver"], cue.idx, cue.idx + len(cue.text), "drop",
         f"{cue.text!r}: a total reaching a figure is no arrival")
    return True


def _counted_total(total: Token) -> bool:
    """A total "of" a counted noun ("a total of 571 boats", "a total of 300 migrants"): the count itself."""
    return any(g.like_num or any(n.dep_ == "nummod" for n in g.children)
               for p in total.children if p.dep_ == "prep" and _lemma(p) == "of" for g in p.children if g.dep_ == "pobj")


def features(cue: Token, label: str, head: Token, noun: Token | None) -> Features:
    mover = "none"
    if noun is not None and noun.i != cue.i:  # "arrivals", "asylum applications"
        words = [noun, *(c for c in noun.lefts if c.dep_ in ("compound", "amod", "nmod"))]
        mover = next((MOVER_NOUNS[_lemma(w)] for w in words if _lemma(w) in MOVER_NOUNS), "none")
    return Features(label, _class(cue), _mood(cue), _role(cue, head), mover, _place(cue), _scheme(cue, head),
                    purpose(cue, noun), _stock(head), _class(_own_verb(cue, head)),
                    _tense(cue), _leaves(cue, head))


def decide(cue: Token, label: str, head: Token, noun: Token | None, span: tuple[int, int]) -> str | None:
    """The category of the count, or None when the table says the count is no displacement figure."""
    facts = features(cue, label, head, noun)
    for row in _TABLE:
        if all(facts.get(k) in (v if isinstance(v, list) else [v]) for k, v in row["when"].items()):
            then = row["then"]
            category = facts.mover if then == "mover" else None if then == "none" else then
            note(_RULES[row["rule"]], *span, "set" if category else "drop",
                 f"{row['why']}: {category or 'no row'}")
            return category
    return label
