"""One gazetteer for extraction and feed: the same names give the same countries in both."""

from __future__ import annotations

from pipeline.feed.merge import locations_compatible
from pipeline.geography import capital_code, countries_containing, countries_named, country_code, demonym_code


def test_country_names_short_forms_and_demonyms_agree() -> None:
    for name in ("Turkey", "Türkiye", "the United States", "U.S.", "UK", "Britain", "South Korea"):
        code = country_code(name)
        assert code is not None, name
        assert code in countries_named(name), name
    assert demonym_code("Ukrainian") == "UKR" and demonym_code("Russians") == "RUS"


def test_cities_lie_in_their_countries_and_only_capitals_are_metonyms() -> None:
    assert countries_containing("Moscow") == {"RUS"} and capital_code("Moscow") == "RUS"
    assert countries_containing("Geneva") == {"CHE"} and capital_code("Geneva") is None
    assert "TUR" in countries_containing("Istanbul")
    assert not countries_named("Geneva") and not countries_containing("Atlantis")


def test_feed_location_containment_uses_the_same_table() -> None:
    assert locations_compatible("Istanbul", "Turkey")
    assert locations_compatible("Moscow, Russia", "Russia")
    assert locations_compatible("Kyiv", "Ukraine")
    assert not locations_compatible("Geneva", "Russia")
    assert not locations_compatible("Moscow", "Washington")
