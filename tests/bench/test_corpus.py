"""The benchmark corpus: every document distinct (else the flow skips repeats), news-sized, still news."""
from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

from bench.corpus import TARGET_WORDS, build_corpus, load_samples, read_texts, rescale, split_blocks, vary, words

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"


def test_every_document_is_distinct_and_near_the_target_length(tmp_path: Path) -> None:
    info = build_corpus(SAMPLES, tmp_path, 60)
    texts = read_texts(tmp_path)
    assert info.documents == len(texts) == 60
    assert len({hashlib.sha256(t.encode()).hexdigest() for t in texts}) == 60
    assert info.words == sum(words(t) for t in texts)
    assert all(0.7 * TARGET_WORDS <= words(t) <= 1.5 * TARGET_WORDS for t in texts)


def test_sidecars_give_a_title_and_a_date(tmp_path: Path) -> None:
    build_corpus(SAMPLES, tmp_path, 3)
    meta = json.loads((tmp_path / "doc00001.meta.json").read_text())
    assert meta["title"] and meta["published"][:2] == "20"


def test_the_same_seed_builds_the_same_corpus(tmp_path: Path) -> None:
    build_corpus(SAMPLES, tmp_path / "a", 5)
    build_corpus(SAMPLES, tmp_path / "b", 8)
    assert read_texts(tmp_path / "a") == read_texts(tmp_path / "b")[:5]


def test_blocks_keep_every_character() -> None:
    text = "Headline\n\nFirst paragraph.\n\n\nSECTION\n\nSecond."
    blocks = split_blocks(text)
    assert "".join(blocks) == text
    assert blocks == ["Headline", "\n\nFirst paragraph.", "\n\n\nSECTION", "\n\nSecond."]


def test_rescale_changes_counts_but_not_years_decimals_or_ordinals() -> None:
    text = "About 50,000 fled in 2016; 3.5 km away, on the 21st, 7 died."
    assert rescale(text, 2.0) == "About 100,000 fled in 2016; 3.5 km away, on the 21st, 14 died."


def test_a_document_starts_with_its_samples_headline() -> None:
    samples = load_samples(SAMPLES)
    text = vary(samples, 1, random.Random(0))
    assert text.startswith(samples[1].headline)
