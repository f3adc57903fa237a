"""Geography, written once: countries, their short forms, demonyms, capitals and major cities.

Extraction uses it to canonicalise actors ("the Kremlin", "Moscow", "Russian" -> Russia) and the
feed uses it to compare locations (Istanbul lies in Turkey).  pycountry supplies the ISO lists
(countries, subdivisions); the tables below add only what it lacks: common short names, demonyms,
capitals (which news uses as metonyms for governments) and other cities named in English.
Codes are ISO 3166-1 alpha-3 throughout.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict

import pycountry

#: Common display name per alpha-3 where pycountry's ``name`` is the formal one.
COMMON_NAMES: dict[str, str] = {
    "RUS": "Russia",
    "USA": "United States",
    "GBR": "United Kingdom",
    "TUR": "Turkey",
    "IRN": "Iran",
    "KOR": "South Korea",
    "PRK": "North Korea",
    "SYR": "Syria",
    "VNM": "Vietnam",
    "LAO": "Laos",
    "BOL": "Bolivia",
    "VEN": "Venezuela",
    "TZA": "Tanzania",
    "MDA": "Moldova",
    "TWN": "Taiwan",
    "PSE": "Palestine",
    "COD": "Democratic Republic of the Congo",
    "COG": "Republic of the Congo",
    "CZE": "Czech Republic",
    "VAT": "Vatican",
    "FSM": "Micronesia",
    "BRN": "Brunei",
    "CPV": "Cape Verde",
    "CIV": "Ivory Coast",
    "MKD": "North Macedonia",
    "SWZ": "Eswatini",
}

#: Short or informal country names pycountry does not resolve.
ALIASES: dict[str, str] = {
    "us": "USA",
    "u.s.": "USA",
    "u.s": "USA",
    "usa": "USA",
    "u.s.a.": "USA",
    "america": "USA",
    "united states of america": "USA",
    "the united states": "USA",
    "united states": "USA",
    "uk": "GBR",
    "u.k.": "GBR",
    "britain": "GBR",
    "great britain": "GBR",
    "england": "GBR",
    "scotland": "GBR",
    "wales": "GBR",
    "russia": "RUS",
    "turkey": "TUR",
    "türkiye": "TUR",
    "turkiye": "TUR",
    "iran": "IRN",
    "south korea": "KOR",
    "north korea": "PRK",
    "syria": "SYR",
    "vietnam": "VNM",
    "laos": "LAO",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "moldova": "MDA",
    "taiwan": "TWN",
    "palestine": "PSE",
    "czechia": "CZE",
    "vatican": "VAT",
    "holy see": "VAT",
    "ivory coast": "CIV",
    "congo": "COD",
    "drc": "COD",
    "burma": "MMR",
    "holland": "NLD",
    "the netherlands": "NLD",
    "uae": "ARE",
    "emirates": "ARE",
    "macedonia": "MKD",
    "kosovo": "XKX",
}

#: Demonyms and adjectives -> alpha-3.
DEMONYMS: dict[str, str] = {
    "american": "USA",
    "u.s.": "USA",
    "us": "USA",
    "russian": "RUS",
    "ukrainian": "UKR",
    "british": "GBR",
    "english": "GBR",
    "scottish": "GBR",
    "welsh": "GBR",
    "french": "FRA",
    "german": "DEU",
    "italian": "ITA",
    "spanish": "ESP",
    "chinese": "CHN",
    "japanese": "JPN",
    "indian": "IND",
    "pakistani": "PAK",
    "iranian": "IRN",
    "iraqi": "IRQ",
    "syrian": "SYR",
    "turkish": "TUR",
    "israeli": "ISR",
    "palestinian": "PSE",
    "egyptian": "EGY",
    "saudi": "SAU",
    "qatari": "QAT",
    "emirati": "ARE",
    "jordanian": "JOR",
    "lebanese": "LBN",
    "afghan": "AFG",
    "korean": "KOR",
    "south korean": "KOR",
    "north korean": "PRK",
    "canadian": "CAN",
    "mexican": "MEX",
    "brazilian": "BRA",
    "argentine": "ARG",
    "argentinian": "ARG",
    "venezuelan": "VEN",
    "cuban": "CUB",
    "colombian": "COL",
    "chilean": "CHL",
    "peruvian": "PER",
    "australian": "AUS",
    "polish": "POL",
    "hungarian": "HUN",
    "dutch": "NLD",
    "belgian": "BEL",
    "swiss": "CHE",
    "austrian": "AUT",
    "swedish": "SWE",
    "norwegian": "NOR",
    "danish": "DNK",
    "finnish": "FIN",
    "greek": "GRC",
    "portuguese": "PRT",
    "irish": "IRL",
    "czech": "CZE",
    "slovak": "SVK",
    "romanian": "ROU",
    "bulgarian": "BGR",
    "serbian": "SRB",
    "croatian": "HRV",
    "belarusian": "BLR",
    "georgian": "GEO",
    "armenian": "ARM",
    "azerbaijani": "AZE",
    "kazakh": "KAZ",
    "uzbek": "UZB",
    "nigerian": "NGA",
    "kenyan": "KEN",
    "ethiopian": "ETH",
    "sudanese": "SDN",
    "libyan": "LBY",
    "tunisian": "TUN",
    "algerian": "DZA",
    "moroccan": "MAR",
    "south african": "ZAF",
    "indonesian": "IDN",
    "malaysian": "MYS",
    "filipino": "PHL",
    "thai": "THA",
    "vietnamese": "VNM",
    "bangladeshi": "BGD",
    "sri lankan": "LKA",
    "nepalese": "NPL",
    "yemeni": "YEM",
    "omani": "OMN",
    "kuwaiti": "KWT",
    "bahraini": "BHR",
    "estonian": "EST",
    "latvian": "LVA",
    "lithuanian": "LTU",
    "moldovan": "MDA",
    "slovenian": "SVN",
    "taiwanese": "TWN",
    "burmese": "MMR",
    "new zealand": "NZL",
    "zimbabwean": "ZWE",
    "ghanaian": "GHA",
    "somali": "SOM",
    "rwandan": "RWA",
    "congolese": "COD",
    "malian": "MLI",
    "nigerien": "NER",
    "senegalese": "SEN",
    "cypriot": "CYP",
    "icelandic": "ISL",
    "luxembourgish": "LUX",
    "maltese": "MLT",
    "albanian": "ALB",
    "bosnian": "BIH",
    "kyrgyz": "KGZ",
    "tajik": "TJK",
    "turkmen": "TKM",
    "mongolian": "MNG",
    "singaporean": "SGP",
    "cambodian": "KHM",
    "laotian": "LAO",
    "ecuadorian": "ECU",
    "bolivian": "BOL",
    "uruguayan": "URY",
    "paraguayan": "PRY",
    "haitian": "HTI",
    "dominican": "DOM",
    "jamaican": "JAM",
    "panamanian": "PAN",
    "guatemalan": "GTM",
    "honduran": "HND",
    "nicaraguan": "NIC",
    "salvadoran": "SLV",
}

#: Capitals (and seats of government) used as metonyms for the government -> alpha-3.
CAPITALS: dict[str, str] = {
    "washington": "USA",
    "washington dc": "USA",
    "washington d.c.": "USA",
    "moscow": "RUS",
    "kyiv": "UKR",
    "kiev": "UKR",
    "beijing": "CHN",
    "london": "GBR",
    "paris": "FRA",
    "berlin": "DEU",
    "rome": "ITA",
    "madrid": "ESP",
    "tokyo": "JPN",
    "new delhi": "IND",
    "delhi": "IND",
    "islamabad": "PAK",
    "tehran": "IRN",
    "baghdad": "IRQ",
    "damascus": "SYR",
    "ankara": "TUR",
    "jerusalem": "ISR",
    "tel aviv": "ISR",
    "cairo": "EGY",
    "riyadh": "SAU",
    "doha": "QAT",
    "abu dhabi": "ARE",
    "amman": "JOR",
    "beirut": "LBN",
    "kabul": "AFG",
    "seoul": "KOR",
    "pyongyang": "PRK",
    "ottawa": "CAN",
    "mexico city": "MEX",
    "brasilia": "BRA",
    "buenos aires": "ARG",
    "caracas": "VEN",
    "havana": "CUB",
    "bogota": "COL",
    "canberra": "AUS",
    "warsaw": "POL",
    "budapest": "HUN",
    "the hague": "NLD",
    "brussels": "BEL",
    "bern": "CHE",
    "vienna": "AUT",
    "stockholm": "SWE",
    "oslo": "NOR",
    "copenhagen": "DNK",
    "helsinki": "FIN",
    "athens": "GRC",
    "lisbon": "PRT",
    "dublin": "IRL",
    "prague": "CZE",
    "bucharest": "ROU",
    "sofia": "BGR",
    "belgrade": "SRB",
    "minsk": "BLR",
    "tbilisi": "GEO",
    "yerevan": "ARM",
    "baku": "AZE",
    "astana": "KAZ",
    "abuja": "NGA",
    "nairobi": "KEN",
    "addis ababa": "ETH",
    "khartoum": "SDN",
    "tripoli": "LBY",
    "pretoria": "ZAF",
    "jakarta": "IDN",
    "manila": "PHL",
    "bangkok": "THA",
    "hanoi": "VNM",
    "dhaka": "BGD",
    "taipei": "TWN",
    "kiev regime": "UKR",
    "kyiv regime": "UKR",
    "westminster": "GBR",
    "gaza": "PSE",
    "gaza strip": "PSE",
    "west bank": "PSE",
    "whitehall": "GBR",
}


def fold(text: str) -> str:
    """Case-fold and strip accents so 'Türkiye' and 'turkiye' compare equal."""
    return _fold_name(text) if len(text) <= _NAME_LENGTH else _fold(text)


_NAME_LENGTH = 64  # names are folded again and again, and are kept; paragraphs are not


@functools.lru_cache(maxsize=1 << 15)
def _fold_name(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _strip_the(text: str) -> str:
    low = text.strip()
    return low[4:] if low.lower().startswith("the ") else low


def country_name(alpha3: str) -> str | None:
    """Common English name of an ISO alpha-3 code ('RUS' -> 'Russia')."""
    if alpha3 in COMMON_NAMES:
        return COMMON_NAMES[alpha3]
    if alpha3 == "XKX":
        return "Kosovo"
    record = pycountry.countries.get(alpha_3=alpha3)
    if record is None:
        return None
    return getattr(record, "common_name", None) or record.name


@functools.lru_cache(maxsize=65536)  # pure, and asked the same names over and over
def country_code(text: str) -> str | None:
    """Alpha-3 of a country written as a name or short form, else None (cities, regions)."""
    key = fold(_strip_the(text)).strip(" .'’")
    if not key:
        return None
    key = key.removesuffix("'s").removesuffix("’s")
    if key in ALIASES:
        return ALIASES[key]
    if key in ("u.s", "u.k"):
        return ALIASES.get(key + ".")
    if len(key) <= 3:
        # Two/three-letter forms are ambiguous ("IT", "CAN"): only the aliases above count.
        return None
    try:
        record = pycountry.countries.lookup(key)
    except LookupError:
        return None
    return str(record.alpha_3)


@functools.lru_cache(maxsize=65536)  # pure, and asked the same names over and over
def demonym_code(text: str) -> str | None:
    """Alpha-3 of a demonym/adjective ('Russian', 'Russians', 'U.S.'), tolerating one typo in long words."""
    key = fold(_strip_the(text)).strip(" .'’")
    if key.endswith("s") and key[:-1] in DEMONYMS:
        key = key[:-1]
    if key in DEMONYMS:
        return DEMONYMS[key]
    if key + "." in DEMONYMS:
        return DEMONYMS[key + "."]
    if len(key) >= 7:
        for known, code in DEMONYMS.items():
            if abs(len(known) - len(key)) <= 1 and within_one_edit(known, key):
                return code
    return None


def capital_code(text: str) -> str | None:
    """Alpha-3 of the country whose capital or seat of government is named ('Moscow' -> 'RUS')."""
    return CAPITALS.get(fold(_strip_the(text)).strip(" .'’"))


def within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion or substitution."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


#: Cities news names in English that are not capitals (no metonymy: "Geneva said" is not Switzerland).
OTHER_CITIES: dict[str, str] = {
    "st petersburg": "RUS",
    "saint petersburg": "RUS",
    "milan": "ITA",
    "shanghai": "CHN",
    "jeddah": "SAU",
    "new york": "USA",
    "geneva": "CHE",
    "munich": "DEU",
    "mumbai": "IND",
    "dubai": "ARE",
    "istanbul": "TUR",
    "davos": "CHE",
    "sochi": "RUS",
    "odesa": "UKR",
    "odessa": "UKR",
    "kharkiv": "UKR",
    "busan": "KOR",
    "osaka": "JPN",
}


#: Seats of government news uses for the state itself ("the Kremlin said" -> Russia), alpha-3 by name.
GOVERNMENT_SEATS: dict[str, str] = {
    "kremlin": "RUS",
    "white house": "USA",
    "state department": "USA",
    "pentagon": "USA",
    "downing street": "GBR",
    "foreign office": "GBR",
    "elysee": "FRA",
    "elysee palace": "FRA",
    "quai d'orsay": "FRA",
    "zhongnanhai": "CHN",
    "blue house": "KOR",
    "cheong wa dae": "KOR",
    "bankova": "UKR",
}


def seat_code(text: str) -> str | None:
    """Alpha-3 of the state a seat of government stands for ('the Kremlin' -> 'RUS'), else None."""
    return GOVERNMENT_SEATS.get(fold(_strip_the(text)).strip(" .'’"))


#: Regions that are no state and no city: continents, sea and mountain regions, historical lands.
#: Entities label them LOC (FORMAT.md scores PERSON, ORG and GPE: a region is none of them).
REGIONS: frozenset[str] = frozenset(
    {
        "europe",
        "asia",
        "africa",
        "north america",
        "south america",
        "latin america",
        "central asia",
        "east asia",
        "southeast asia",
        "south asia",
        "eastern europe",
        "western europe",
        "central europe",
        "middle east",
        "the middle east",
        "near east",
        "north africa",
        "sub-saharan africa",
        "west africa",
        "east africa",
        "horn of africa",
        "sahel",
        "balkans",
        "western balkans",
        "caucasus",
        "south caucasus",
        "baltics",
        "scandinavia",
        "gulf",
        "persian gulf",
        "arctic",
        "antarctica",
        "pacific",
        "indo-pacific",
        "asia-pacific",
        "atlantic",
        "mediterranean",
        "black sea",
        "red sea",
        "south china sea",
        "east china sea",
        "korean peninsula",
        "korea",
        "donbas",
        "donbass",
        "levant",
        "west",
        "the west",
        "global south",
        "kashmir",
    }
)

#: Provinces, regions and cities in the news that pycountry names differently (its subdivisions use
#: local transliterations: "Donets'ka Oblast'"), with their country: places, so GPE.
NEWS_PLACES: dict[str, str] = {
    "crimea": "UKR",
    "donetsk": "UKR",
    "luhansk": "UKR",
    "lugansk": "UKR",
    "zaporizhzhia": "UKR",
    "zaporizhia": "UKR",
    "zaporozhye": "UKR",
    "kherson": "UKR",
    "dnipro": "UKR",
    "lviv": "UKR",
    "mariupol": "UKR",
    "bakhmut": "UKR",
    "sumy": "UKR",
    "sevastopol": "UKR",
    "kursk": "RUS",
    "belgorod": "RUS",
    "siberia": "RUS",
    "chechnya": "RUS",
    "xinjiang": "CHN",
    "tibet": "CHN",
    "hong kong": "CHN",
    "gyeongju": "KOR",
    "alaska": "USA",
    "california": "USA",
    "texas": "USA",
    "florida": "USA",
    "idlib": "SYR",
    "aleppo": "SYR",
    "homs": "SYR",
    "darfur": "SDN",
    "rafah": "PSE",
    "khan younis": "PSE",
}


def is_region(text: str) -> bool:
    """True for a region that is no state or city ('Europe', 'the Middle East', 'Donbas')."""
    return place_key(text) in REGIONS or fold(text).strip() in REGIONS


def is_place(text: str) -> bool:
    """True for a country, capital, city or province the tables name ('Crimea', 'Geneva', 'Iran').

    pycountry's subdivisions are left out: their names are also surnames and words ('Kerry', 'Western').
    """
    key = place_key(text)
    return bool(countries_named(text)) or any(key in table for table in (CAPITALS, OTHER_CITIES, NEWS_PLACES))


def place_key(text: str) -> str:
    """A place name folded for lookup: case, accents, punctuation and a leading 'the' ignored."""
    return re.sub(r"[^\w ]+", "", fold(_strip_the(text))).strip()


@functools.lru_cache(maxsize=1)
def _place_table() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(country name -> codes, place name -> codes of the countries it lies in), built once."""
    countries: dict[str, set[str]] = defaultdict(set)
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name", "alpha_3"):
            value = getattr(country, attr, None)
            if value:
                countries[place_key(value)].add(country.alpha_3)
    for code, name in COMMON_NAMES.items():
        countries[place_key(name)].add(code)
    for alias, code in ALIASES.items():
        if len(place_key(alias)) > 1:
            countries[place_key(alias)].add(code)
    places: dict[str, set[str]] = defaultdict(set)
    for sub in pycountry.subdivisions:
        country = pycountry.countries.get(alpha_2=sub.country_code)
        if country is not None:
            places[place_key(sub.name)].add(country.alpha_3)
    for table in (CAPITALS, OTHER_CITIES, NEWS_PLACES):
        for city, code in table.items():
            places[place_key(city)].add(code)
    return (
        {k: frozenset(v) for k, v in countries.items()},
        {k: frozenset(v) for k, v in places.items()},
    )


def countries_named(name: str) -> frozenset[str]:
    """Codes of the country a name denotes ('Turkey', 'UK', 'Türkiye'), empty for anything else."""
    return _place_table()[0].get(place_key(name), frozenset())


def countries_containing(place: str) -> frozenset[str]:
    """Codes of the countries a city or region lies in ('Istanbul' -> TUR), empty when unknown."""
    return _place_table()[1].get(place_key(place), frozenset())
