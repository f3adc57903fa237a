"""Constant word tables shared by the extraction rules (no state, only data)."""

from __future__ import annotations

ENTITY_LABELS: frozenset[str] = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})
#: Nouns of one's own intention: their owner does what the to-clause says ("Lee's plans to meet",
#: "his desire to meet Putin"); not "Y's invitation to visit", where the guest visits.
INTENTION_NOUNS: frozenset[str] = frozenset(
    {"plan", "desire", "decision", "choice", "intention", "wish", "bid", "attempt", "effort", "hope"}
    | {"determination", "readiness", "willingness", "ambition", "aim", "goal", "resolve", "offer"}
)
#: The entity labels that can name a party to an event (places and events cannot).
ACTOR_LABELS: frozenset[str] = frozenset({"PERSON", "ORG", "GPE", "NORP"})

#: Bodies that administer a state's sanctions (canonical name -> surface forms): what they do to a
#: licence or a deadline is a sanction measure ('OFAC will extend the deadline for deals').
SANCTIONS_BODIES: dict[str, tuple[str, ...]] = {
    "Office of Foreign Assets Control": ("office of foreign assets control", "ofac"),
    "Office of Financial Sanctions Implementation": ("office of financial sanctions implementation", "ofsi"),
}

#: Well-known institutions the small model often mislabels: surface form (case-folded) -> canonical name.
INSTITUTIONS: dict[str, str] = {
    "kremlin": "Kremlin",
    "white house": "White House",
    "pentagon": "Pentagon",
    "nato": "NATO",
    "north atlantic treaty organization": "NATO",
    "north atlantic treaty organisation": "NATO",
    "state department": "State Department",
    "us state department": "State Department",
    "u.s. state department": "State Department",
    "downing street": "Downing Street",
    "european union": "European Union",
    "eu": "European Union",
    "united nations": "United Nations",
    "un": "United Nations",
    "u.n.": "United Nations",
    "un security council": "United Nations Security Council",
    "u.n. security council": "United Nations Security Council",
    "united nations security council": "United Nations Security Council",
    "security council": "United Nations Security Council",
    "european commission": "European Commission",
    "elysee": "Elysee",
    "élysée": "Elysee",
    "truth social": "Truth Social",
    "foreign office": "Foreign Office",
    "home office": "Home Office",
    "g7": "G7",
    "group of seven": "G7",
    "group of 7": "G7",
    "g20": "G20",
    "group of 20": "G20",
    "group of twenty": "G20",
    "no 10": "Downing Street",
    "no. 10": "Downing Street",
    "number 10": "Downing Street",
    "opec": "OPEC",
    "imf": "IMF",
    "world bank": "World Bank",
    "who": "WHO",
    "asean": "ASEAN",
    "african union": "African Union",
    "hamas": "Hamas",
    "hezbollah": "Hezbollah",
    "taliban": "Taliban",
    "apec": "Asia-Pacific Economic Cooperation",
    "asia-pacific economic cooperation": "Asia-Pacific Economic Cooperation",
    "islamic state": "Islamic State",
    "isis": "Islamic State",
    "isil": "Islamic State",
    "daesh": "Islamic State",
    "cheong wa dae": "Cheong Wa Dae",
    "blue house": "Cheong Wa Dae",
    "bundestag": "Bundestag",
    "duma": "State Duma",
    "state duma": "State Duma",
    "knesset": "Knesset",
    "european parliament": "European Parliament",
    "european council": "European Council",
    "iaea": "IAEA",
    "international atomic energy agency": "IAEA",
    "osce": "OSCE",
    **{surface: name for name, surfaces in SANCTIONS_BODIES.items() for surface in surfaces},
}

#: Words that head a title or role ("Kremlin spokesperson", "Foreign Minister").
TITLE_HEADS: frozenset[str] = frozenset(
    {
        "president",
        "minister",
        "secretary",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "envoy",
        "leader",
        "chancellor",
        "ambassador",
        "chief",
        "director",
        "governor",
        "senator",
        "adviser",
        "advisor",
        "general",
        "premier",
        "mayor",
        "commissioner",
        "representative",
        "negotiator",
        "chairman",
        "chairwoman",
        "chair",
        "vp",
        "pm",
        "king",
        "queen",
        "prince",
        "emir",
        "sheikh",
        "speaker",
        "diplomat",
        "official",
        "head",
        "commander",
        "aide",
        "counterpart",
        "mp",
        "mep",
        "ceo",
        "chairperson",
        "deputy",
        "attorney",
        "justice",
        "judge",
        "pope",
        "monarch",
        "crown",
        "congressman",
        "congresswoman",
        "lawmaker",
        "officer",
        "president-elect",
    }
)

#: Title words stripped from the front of a person name ("President Trump" -> "Trump").
NAME_PREFIX_TITLES: frozenset[str] = frozenset(
    {
        "president",
        "vice",
        "vp",
        "secretary",
        "minister",
        "prime",
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "dr",
        "dr.",
        "sir",
        "dame",
        "lord",
        "lady",
        "senator",
        "sen.",
        "sen",
        "rep.",
        "gov.",
        "governor",
        "general",
        "gen.",
        "chancellor",
        "premier",
        "ambassador",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "envoy",
        "foreign",
        "defence",
        "defense",
        "state",
        "press",
        "deputy",
        "chief",
        "mayor",
        "commissioner",
        "leader",
        "director",
        "special",
        "shadow",
        "former",
        "ex",
        "late",
        "comrade",
        "professor",
        "prof.",
        "judge",
        "justice",
        "mp",
        "counterpart",
        "pm",
        "sheikh",
    }
)

#: Role heads that are equivalent when resolving "the Ukrainian leader" to a person's title.
ROLE_GROUPS: dict[str, frozenset[str]] = {
    "leader": frozenset(
        {"president", "prime", "premier", "chancellor", "king", "queen", "leader", "emir", "pm"}
    ),
    "president": frozenset({"president"}),
    "premier": frozenset({"prime", "premier", "pm"}),
    "pm": frozenset({"prime", "premier", "pm"}),
    "minister": frozenset({"minister", "secretary"}),
    "secretary": frozenset({"secretary", "minister"}),
    "spokesperson": frozenset({"spokesperson", "spokesman", "spokeswoman"}),
    "spokesman": frozenset({"spokesperson", "spokesman", "spokeswoman"}),
    "spokeswoman": frozenset({"spokesperson", "spokesman", "spokeswoman"}),
    "chancellor": frozenset({"chancellor"}),
    "envoy": frozenset({"envoy", "negotiator"}),
    "negotiator": frozenset({"envoy", "negotiator"}),
    "ambassador": frozenset({"ambassador"}),
    "king": frozenset({"king"}),
    "queen": frozenset({"queen"}),
    "diplomat": frozenset({"minister", "secretary", "diplomat", "ambassador"}),
    "chief": frozenset({"chief", "head", "director"}),
}

#: Reporting verbs that carry no act of their own: "X said Y met Z" reports a meeting, and "X said"
#: alone reports nothing a typer could type (unlike "warned", "urged", "accused", or "wrote to X
#: demanding ...", a letter being an act).
NEUTRAL_SPEECH_VERBS: frozenset[str] = frozenset(
    {"say", "tell", "add", "note", "state", "explain", "remark", "observe"}
)

#: Verbs that introduce speech (lemmas).
SPEECH_VERBS: frozenset[str] = NEUTRAL_SPEECH_VERBS | frozenset(
    {
        "write",
        "post",
        "tweet",
        "stress",
        "emphasize",
        "emphasise",
        "announce",
        "warn",
        "insist",
        "acknowledge",
        "declare",
        "claim",
        "argue",
        "reply",
        "respond",
        "urge",
        "describe",
        "confirm",
        "clarify",
        "admit",
        "assert",
        "vow",
        "pledge",
        "promise",
        "suggest",
        "predict",
        "call",
        "criticize",
        "criticise",
        "accuse",
        "ask",
        "answer",
        "continue",
        "conclude",
        "recall",
        "complain",
        "reiterate",
        "underline",
        "underscore",
        "highlight",
        "caution",
        "counter",
        "retort",
        "quip",
        "joke",
        "comment",
        "put",
        "speak",
        "told",
        "report",
        "quote",
        "brand",
        "dub",
        "dismiss",
        "condemn",
        "denounce",
        "hail",
        "praise",
        "welcome",
        "demand",
        "plead",
        "appeal",
        "agree",
        "maintain",
        "contend",
        "point",
        "mention",
        "share",
        "repeat",
        "affirm",
        "voice",
        "express",
        "saying",
        "telling",
        "allege",
        "deny",
        "reject",
        "threaten",
        "blast",
        "slam",
        "label",
    }
)

#: Personal pronouns resolved to a person (plural pronouns are never resolved: too ambiguous).
PERSON_PRONOUNS: frozenset[str] = frozenset({"he", "she", "him", "her", "his", "hers", "himself", "herself"})

#: Words meaning "the two people", resolved to the most salient pair.
#: Pair words that name two organisations ("the two Russian oil companies").
ORG_PAIR_WORDS: frozenset[str] = frozenset(
    {"companies", "firms", "producers", "banks", "corporations", "exporters", "lenders", "groups"}
)
PAIR_WORDS: frozenset[str] = ORG_PAIR_WORDS | frozenset(
    {"leaders", "presidents", "men", "sides", "ministers", "counterparts", "heads", "countries", "nations"}
)

#: Pair words that name two states rather than two people ("the two countries").
COUNTRY_PAIR_WORDS: frozenset[str] = frozenset({"countries", "nations", "sides"})

#: Lower-case particles inside personal names ("Ursula von der Leyen", "Mohammed bin Salman").
NAME_PARTICLES: frozenset[str] = frozenset(
    {
        "von",
        "van",
        "der",
        "den",
        "de",
        "da",
        "del",
        "della",
        "di",
        "du",
        "la",
        "le",
        "bin",
        "bint",
        "ibn",
        "al",
        "el",
        "ben",
        "abu",
        "dos",
        "das",
        "zu",
        "ter",
    }
)

#: Singular nouns that refer back to the latest organisation ("the bloc", "the alliance", "the group").
ORG_ANAPHORS: frozenset[str] = frozenset(
    {"bloc", "alliance", "group", "organisation", "organization", "movement", "militia", "union"}
    | {"agency", "committee", "commission", "council", "campaign", "court", "newspaper", "party"}
)

#: Nouns standing for a state's government when a country or demonym modifies them.
GOVERNMENT_NOUNS: frozenset[str] = frozenset(
    {"government", "ministry", "administration", "cabinet", "authorities", "presidency", "embassy"}
)

#: Verbs after which an ORG-tagged two-word name is really a person ("Keir Starmer said").
PERSON_CUE_VERBS: frozenset[str] = frozenset(
    {"say", "tell", "add", "write", "tweet", "post", "note", "insist", "stress", "warn", "told"}
)

#: Capitals used as places (not for their government) after these words ("talks in Moscow").
PLACE_WORDS: frozenset[str] = frozenset(
    {
        "in",
        "at",
        "to",
        "from",
        "into",
        "near",
        "outside",
        "inside",
        "across",
        "around",
        "via",
        "toward",
        "towards",
        "through",
        "visit",
        "visited",
        "visiting",
        "visits",
        "arrive",
        "arrived",
        "reach",
        "reached",
        "leave",
        "left",
        "of",
    }
)

#: Org words that rule out a person reading of an ORG span.
ORG_WORDS: frozenset[str] = frozenset(
    {
        "party",
        "ministry",
        "department",
        "council",
        "bank",
        "group",
        "union",
        "committee",
        "agency",
        "office",
        "house",
        "court",
        "army",
        "forces",
        "company",
        "corporation",
        "inc",
        "ltd",
        "university",
        "association",
        "organization",
        "organisation",
        "commission",
        "parliament",
        "congress",
        "senate",
        "government",
        "news",
        "times",
        "post",
        "service",
        "institute",
        "foundation",
        "fund",
        "club",
        "network",
        "media",
        "tv",
        "radio",
        "board",
        "authority",
        "federation",
        "league",
        "alliance",
        "partners",
        "cooperation",
        "holdings",
        "capital",
        "energy",
        "llc",
        "corp",
        "plc",
        "investments",
        "airlines",
        "oil",
        "petroleum",
    }
)

#: Single-token junk that the small model tags as entities.
JUNK_WORDS: frozenset[str] = frozenset(
    {
        "hour",
        "hours",
        "minute",
        "minutes",
        "today",
        "tonight",
        "yesterday",
        "tomorrow",
        "x",
        "twitter",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "am",
        "pm",
        "a.m.",
        "p.m.",
        "gmt",
        "utc",
        "et",
        "related",
        "sources",
        "photo",
        "file",
        "further",
        "meanwhile",
    }
)

#: Words that mark an organisation as a political actor (companies are not diplomatic actors).
POLITICAL_ORG_WORDS: frozenset[str] = frozenset(
    {
        "ministry",
        "government",
        "council",
        "parliament",
        "party",
        "army",
        "forces",
        "force",
        "union",
        "nations",
        "commission",
        "congress",
        "senate",
        "assembly",
        "front",
        "movement",
        "brigade",
        "militia",
        "administration",
        "court",
        "organization",
        "organisation",
        "alliance",
        "league",
        "committee",
        "agency",
        "office",
        "cabinet",
        "kremlin",
        "democrats",
        "republicans",
        "guard",
        "police",
        "military",
        "navy",
        "command",
        "authority",
        "state",
        "states",
        "bloc",
        "group of",
    }
)

#: Institutions that are also places where meetings happen ('at the White House').
PLACE_INSTITUTIONS: frozenset[str] = frozenset(
    {"White House", "Kremlin", "Downing Street", "Elysee", "Pentagon"}
)

#: Participles that make the state before them a party of the talks it runs ('US-led talks').
MEDIATION_PARTICIPLES: frozenset[str] = frozenset(
    {"brokered", "led", "mediated", "sponsored", "hosted", "organised", "organized", "facilitated"}
)

#: Nouns for people acting for a state: a demonym on them names the state ('Turkish diplomats').
GROUP_NOUNS: frozenset[str] = frozenset(
    {
        "negotiator",
        "diplomat",
        "official",
        "envoy",
        "delegation",
        "delegate",
        "representative",
        "troop",
        "force",
        "soldier",
        "leader",
        "minister",
        "authority",
        "lawmaker",
        "counterpart",
        "side",
        "government",
        "team",
        "mediator",
        "president",
        "ambassador",
        "administration",
        "military",
        "army",
        "navy",
        "politician",
    }
)


#: People who comment on the parties rather than act for one ('critics warn', 'analysts say'): a
#: speech act of theirs is no party's act.
COMMENTATOR_NOUNS: frozenset[str] = frozenset(
    {"critic", "analyst", "expert", "observer", "commentator", "economist", "scholar", "pundit", "skeptic"}
)

#: Source nouns that name nobody ("aides said", "a source close to the talks"): the speaker is unknown,
#: unless an organisation in the phrase speaks through them ("a Kremlin source" -> Kremlin).
ANONYMOUS_SOURCES: frozenset[str] = frozenset(
    {
        "source",
        "aide",
        "official",
        "person",
        "people",
        "insider",
        "adviser",
        "advisor",
        "staffer",
        "observer",
        "analyst",
        "expert",
        "diplomat",
        "someone",
        "one",
        "many",
        "some",
        "others",
        "critic",
        "supporter",
        "voter",
        "resident",
    }
)

#: Verbs that introduce a quote beyond the speech verbs events also use ("echoed:", "chanted, ...").
QUOTE_CUE_VERBS: frozenset[str] = SPEECH_VERBS | frozenset(
    {
        "echo",
        "recite",
        "chant",
        "shout",
        "yell",
        "scream",
        "boast",
        "tout",
        "concede",
        "wonder",
        "muse",
        "exclaim",
        "cry",
        "whisper",
        "lament",
        "recount",
        "reason",
        "grumble",
        "charge",
        "testify",
        "mock",
        "scoff",
        "snap",
        "sigh",
        "proclaim",
        "inform",
        "assure",
        "advise",
        "reassure",
        "thank",
        "chime",
        "interject",
        "elaborate",
        "summarize",
        "summarise",
        "quote",
        "sing",
        "ask",
        "inquire",
        "question",
        "wrote",
    }
)

#: Words after which an s-apostrophe closes a quote rather than marking a plural possessive.
FUNCTION_WORDS: frozenset[str] = frozenset(
    {"and", "or", "but", "nor", "from", "to", "in", "on", "at", "by", "with", "for", "as", "of", "is", "are"}
    | {"was", "were", "be", "been", "like", "than", "that", "which", "who", "even", "if", "when", "while"}
    | {"after", "before", "because"}
)

#: Words left lower case inside a title-case name or headline ("Board of Peace", "Crossroads of America").
TITLE_SMALL_WORDS: frozenset[str] = frozenset(
    {"a", "an", "and", "at", "by", "de", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
)

#: Words after a place name for its administrative area ("Donetsk Oblast", "Kherson region").
ADMIN_AREA_WORDS: frozenset[str] = frozenset(
    {"oblast", "region", "province", "governorate", "prefecture", "county", "district", "krai", "oblasts"}
)
