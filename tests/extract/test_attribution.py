"""The shared attribution vocabulary: one definition, read the same way by every extractor."""
from config import load_lexicon
from extract.attribution import PRONOUNS, SOURCE_VERBS, SPEECH_VERBS, according_object, is_speech_verb, reports
from extract.nlp import load_nlp


def test_each_verb_is_defined_once() -> None:
    verbs = load_lexicon("language")["reporting"]
    lists = [verbs["say"], verbs["speech"], verbs["count"]]
    words = [w for words in lists for w in words]
    assert len(words) == len(set(words)), "a verb in two of say/speech/count"
    assert SPEECH_VERBS & SOURCE_VERBS == set(verbs["say"])


def test_according_object_either_parse() -> None:
    nlp = load_nlp()
    doc = nlp("According to the local council, the market was shelled twice.")
    obj = according_object(doc[0])
    assert obj is not None and obj.text == "council"
    assert according_object(doc[1]) is None


def test_speech_verbs_and_pronouns() -> None:
    nlp = load_nlp()
    doc = nlp("The mayor insisted that the well was dry.")
    assert is_speech_verb(doc[2]) and not is_speech_verb(doc[6])
    assert {"he", "they", "who", "this"} <= PRONOUNS


def test_a_toll_claimed_is_no_claim() -> None:
    nlp = load_nlp()
    doc = nlp("The blast claimed the lives of 80 people, and the group claimed the attack.")
    claimed = [t for t in doc if t.lower_ == "claimed"]
    assert not reports(claimed[0]) and reports(claimed[1])
