"""A benchmark corpus of N distinct ~500-word news documents made from the bundled samples.

Copies of the same text would be skipped as already loaded (a document is the
SHA-256 of its text), so each copy is varied: its paragraphs are shuffled,
topped up from the next sample to reach the target length, and its figures
rescaled. The words stay news prose, so the parser and the extractors do the
work they do on real articles.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from extract.documents import normalise

TARGET_WORDS = 500
_GAP = re.compile(r"\n[ \t]*\n\s*(?=\S)")
_FIGURE = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\w,]|\.\d)|(?<![\w.,])\d+(?![\w,]|\.\d)")
_FIRST_DAY, _DAYS = dt.date(2015, 1, 1), 3 * 365


@dataclass(frozen=True)
class Sample:
    """A bundled article cut into its headline and its body blocks (each with the gap before it)."""

    name: str
    headline: str
    blocks: tuple[str, ...]
    source: str | None


@dataclass(frozen=True)
class CorpusInfo:
    """What was written: how many documents and words, for throughput per word."""

    documents: int
    words: int


def words(text: str) -> int:
    """Whitespace-separated words: the unit of the words/s figures."""
    return len(text.split())


def split_blocks(text: str) -> list[str]:
    """Paragraphs with the blank-line gap that precedes each, so a live blog keeps its section gaps."""
    bounds = [0, *(m.start() for m in _GAP.finditer(text)), len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


def load_samples(folder: Path) -> list[Sample]:
    """Every ``*.txt`` sample with its sidecar's source."""
    samples = []
    for path in sorted(folder.glob("*.txt")):
        blocks = split_blocks(normalise(path.read_text(encoding="utf-8")).strip())
        meta_path = path.with_name(path.stem + ".meta.json")
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        samples.append(Sample(path.stem, blocks[0].strip(), tuple(blocks[1:]), meta.get("source")))
    return samples


def rescale(text: str, factor: float) -> str:
    """Scale every count by ``factor``; years, decimals and ordinals ("21st") are left alone."""
    def scaled(match: re.Match) -> str:
        written = match.group()
        value = int(written.replace(",", ""))
        if 1900 <= value <= 2099 and len(written) == 4:
            return written
        new = max(1, round(value * factor))
        return f"{new:,}" if "," in written else str(new)
    return _FIGURE.sub(scaled, text)


def vary(samples: list[Sample], index: int, rng: random.Random, target: int = TARGET_WORDS) -> str:
    """Document ``index``: a sample's headline, its shuffled blocks (topped up from the next
    sample) until ``target`` words, with its figures rescaled."""
    first = samples[index % len(samples)]
    pool = list(first.blocks)
    rng.shuffle(pool)
    extra = list(samples[(index + 1) % len(samples)].blocks)
    rng.shuffle(extra)
    parts, count = [first.headline], words(first.headline)
    for block in pool + extra:
        if count >= target:
            break
        parts.append(block)
        count += words(block)
    return rescale("".join(parts), rng.uniform(0.5, 2.0)) + "\n"


def _sidecar(sample: Sample, index: int, rng: random.Random) -> dict:
    published = _FIRST_DAY + dt.timedelta(days=rng.randrange(_DAYS))
    return {"title": f"{sample.headline} ({index})", "published": published.isoformat(),
            "source": sample.source, "url": None}


def build_corpus(samples_dir: Path, out: Path, n: int, seed: int = 7) -> CorpusInfo:
    """Write ``n`` distinct documents (and sidecars) to ``out``; a rare duplicate text is redrawn."""
    samples, rng = load_samples(samples_dir), random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    total = 0
    for index in range(n):
        text = vary(samples, index, rng)
        while (digest := hashlib.sha256(text.encode()).hexdigest()) in seen:
            text = vary(samples, index, rng)
        seen.add(digest)
        total += words(text)
        stem = f"doc{index:05d}"
        (out / f"{stem}.txt").write_text(text, encoding="utf-8")
        meta = _sidecar(samples[index % len(samples)], index, rng)
        (out / f"{stem}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return CorpusInfo(n, total)


def read_texts(folder: Path) -> list[str]:
    """The corpus texts in file order, normalised as the flow reads them."""
    return [normalise(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))]
