"""Settings and rule lexicons, kept as data (TOML) beside this module."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any


def lexicon_names() -> list[str]:
    """Names of the lexicon files, sorted (``figures`` for ``lexicons/figures.toml``)."""
    folder = resources.files(__package__).joinpath("lexicons")
    return sorted(f.name.removesuffix(".toml") for f in folder.iterdir() if f.name.endswith(".toml"))


@lru_cache(maxsize=None)
def load_lexicon(name: str) -> dict[str, Any]:
    """Read ``config/lexicons/<name>.toml``; cached because extractors call it at import."""
    path = resources.files(__package__).joinpath("lexicons", f"{name}.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))
