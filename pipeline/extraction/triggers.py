"""Event trigger lexicons: PLOVER category and mode per verb, noun or verb+object pair.

Categories follow PLOVER; CONSULT modes follow CAMEO 04x (phone 042-style calls, visits 042/043,
meetings at a third place 044, negotiation 046).
"""

from __future__ import annotations

Trig = tuple[str, str | None]

VERB_TRIGGERS: dict[str, Trig] = {
    "meet": ("CONSULT", "in_person"),
    "talk": ("CONSULT", None),
    "speak": ("CONSULT", "phone"),
    "phone": ("CONSULT", "phone"),
    "telephone": ("CONSULT", "phone"),
    "call": ("CONSULT", "phone"),
    "visit": ("CONSULT", "visit"),
    "host": ("CONSULT", "visit"),
    "negotiate": ("CONSULT", "negotiation"),
    "dialogue": ("CONSULT", "in_person"),
    "confer": ("CONSULT", None),
    "consult": ("CONSULT", None),
    "coordinate": ("CONSULT", "multilateral"),
    "discuss": ("CONSULT", None),
    "mediate": ("CONSULT", "mediation"),
    "agree": ("AGREE", None),
    "sign": ("AGREE", None),
    "support": ("SUPPORT", None),
    "back": ("SUPPORT", None),
    "endorse": ("SUPPORT", None),
    "welcome": ("SUPPORT", None),
    "praise": ("SUPPORT", None),
    "hail": ("SUPPORT", None),
    "cooperate": ("COOPERATE", None),
    "collaborate": ("COOPERATE", None),
    "withdraw": ("RETREAT", None),
    "retreat": ("RETREAT", None),
    "urge": ("REQUEST", None),
    "appeal": ("REQUEST", None),
    "request": ("REQUEST", None),
    "demand": ("REQUEST", None),
    "accuse": ("ACCUSE", None),
    "condemn": ("ACCUSE", None),
    "denounce": ("ACCUSE", None),
    "blame": ("ACCUSE", None),
    "criticize": ("ACCUSE", None),
    "criticise": ("ACCUSE", None),
    "rebuke": ("ACCUSE", None),
    "slam": ("ACCUSE", None),
    "reject": ("REJECT", None),
    "refuse": ("REJECT", None),
    "rebuff": ("REJECT", None),
    "veto": ("REJECT", None),
    "threaten": ("THREATEN", None),
    "warn": ("THREATEN", None),
    "sanction": ("SANCTION", "sanctions"),
    "expel": ("SANCTION", "expulsion"),
    "protest": ("PROTEST", None),
    "mobilize": ("MOBILIZE", None),
    "mobilise": ("MOBILIZE", None),
    "arrest": ("COERCE", None),
    "detain": ("COERCE", None),
    "invade": ("ASSAULT", None),
    "bomb": ("ASSAULT", None),
    "shell": ("ASSAULT", None),
    "pledge": ("AID", None),
    "donate": ("AID", None),
    "kill": ("ASSAULT", None),
    "strike": ("ASSAULT", None),
    "greet": ("CONSULT", "in_person"),
    "receive": ("CONSULT", "in_person"),
    "accept": ("AGREE", None),
    "work": ("COOPERATE", None),
    "press": ("REQUEST", None),
    "respond": ("THREATEN", None),
    "retaliate": ("THREATEN", None),
}

#: Verb triggers that only count with a particular preposition or complement ('work with', 'press X to').
NEEDS_PREP: dict[str, frozenset[str]] = {
    "work": frozenset({"with", "together"}),
    "press": frozenset({"for", "xcomp"}),
    "receive": frozenset({"dobj_person"}),
}

#: Verbs that are threats only when reported as future acts ('said X would respond').
REPORTED_FUTURE_ONLY: frozenset[str] = frozenset({"respond", "retaliate"})

#: Verb triggers that need a particular object or complement to count.
NEEDS_OBJECT: dict[str, frozenset[str]] = {
    "sign": frozenset(
        {"agreement", "deal", "treaty", "accord", "pact", "memorandum", "declaration", "ceasefire", "truce"}
    ),
    "pledge": frozenset(
        {"aid", "assistance", "support", "weapon", "arm", "fund", "funding", "package", "money", "loan"}
    ),
    "donate": frozenset({"aid", "assistance", "weapon", "fund", "money"}),
    "withdraw": frozenset({"troop", "force", "soldier", "ambassador", "diplomat", "army", "unit"}),
    "back": frozenset(
        {"plan", "proposal", "call", "bid", "deal", "ceasefire", "resolution", "effort", "initiative"}
    ),
    "accept": frozenset(
        {
            "proposal",
            "plan",
            "deal",
            "offer",
            "framework",
            "ceasefire",
            "truce",
            "term",
            "agreement",
            "condition",
        }
    ),
}

#: Nouns naming a signed text: 'the signing of cooperation documents'.
AGREEMENT_WORDS: frozenset[str] = frozenset(
    {
        "agreement",
        "deal",
        "treaty",
        "accord",
        "pact",
        "memorandum",
        "declaration",
        "document",
        "protocol",
        "ceasefire",
        "truce",
        "contract",
        "charter",
        "convention",
        "mou",
    }
)

#: Nouns after 'condemned the ...' that point back at the latest reported act ('the decision').
EVENT_ANAPHORS: frozenset[str] = frozenset(
    {
        "decision",
        "move",
        "measure",
        "sanction",
        "step",
        "plan",
        "proposal",
        "attack",
        "strike",
        "deal",
        "announcement",
        "action",
        "policy",
        "threat",
    }
)

#: Prepositions through which an event noun takes the subject of the clause ('arrived for talks with X').
AGENT_PREPS: frozenset[str] = frozenset(
    {"for", "after", "following", "on", "to", "in", "into", "before", "ahead", "during", "at"}
)

#: Verbs whose object event does not take place ('cancelled a planned meeting').
CANCEL_VERBS: frozenset[str] = frozenset(
    {"cancel", "postpone", "scrap", "suspend", "delay", "abandon", "skip"}
)

NOUN_TRIGGERS: dict[str, Trig] = {
    "talk": ("CONSULT", "in_person"),
    "meeting": ("CONSULT", "in_person"),
    "summit": ("CONSULT", "in_person"),
    "call": ("CONSULT", "phone"),
    "phonecall": ("CONSULT", "phone"),
    "conversation": ("CONSULT", "phone"),
    "negotiation": ("CONSULT", "negotiation"),
    "visit": ("CONSULT", "visit"),
    "dialogue": ("CONSULT", "in_person"),
    "consultation": ("CONSULT", None),
    "discussion": ("CONSULT", None),
    "signing": ("AGREE", None),
    # Acts named by a noun whose possessor is the actor: 'Russia's demand that ...', 'his refusal to cede'.
    "demand": ("REQUEST", None),
    "request": ("REQUEST", None),
    "appeal": ("REQUEST", None),
    "ultimatum": ("THREATEN", None),
    "threat": ("THREATEN", None),
    "refusal": ("REJECT", None),
    "rejection": ("REJECT", None),
    "accusation": ("ACCUSE", None),
    "condemnation": ("ACCUSE", None),
}

#: Noun triggers that are an event only with an actor of their own (a possessor or a clause subject).
POSSESSED_NOUNS: frozenset[str] = frozenset(
    {
        "demand",
        "request",
        "appeal",
        "ultimatum",
        "threat",
        "refusal",
        "rejection",
        "accusation",
        "condemnation",
    }
)

LIGHT_VERBS: frozenset[str] = frozenset(
    {
        "hold",
        "have",
        "conduct",
        "attend",
        "begin",
        "start",
        "resume",
        "join",
        "host",
        "open",
        "schedule",
        "plan",
        "arrange",
        "make",
        "pay",
        "end",
        "conclude",
        "wrap",
        "launch",
        "convene",
        "witness",
        "oversee",
    }
)

#: (verb lemma, object lemma) pairs that make an event though neither word does alone.
VERB_OBJECT: dict[tuple[str, str], Trig] = {}
for _v in (
    "impose",
    "slap",
    "announce",
    "introduce",
    "levy",
    "extend",
    "tighten",
    "adopt",
    "approve",
    "unveil",
):
    for _o in ("sanction", "tariff", "embargo", "restriction", "penalty", "ban"):
        VERB_OBJECT[(_v, _o)] = ("SANCTION", "sanctions")
for _v in ("lift", "ease", "remove", "suspend", "relax", "drop", "pause", "delay", "postpone", "waive"):
    for _o in ("sanction", "tariff", "embargo", "restriction", "ban"):
        VERB_OBJECT[(_v, _o)] = ("CONCEDE", "sanctions")
for _v in ("reach", "strike", "seal", "conclude", "broker", "announce", "declare", "sign"):
    for _o in ("agreement", "deal", "treaty", "accord", "pact", "ceasefire", "truce", "armistice"):
        VERB_OBJECT[(_v, _o)] = ("AGREE", None)
for _v in ("provide", "send", "give", "deliver", "announce", "approve", "supply", "offer", "grant"):
    for _o in ("aid", "assistance", "weapon", "arm", "funding", "package", "loan", "ammunition", "missile"):
        VERB_OBJECT[(_v, _o)] = ("AID", None)
for _v in ("deploy", "mass", "send", "mobilize", "mobilise"):
    for _o in ("troop", "force", "soldier", "warship", "reservist"):
        VERB_OBJECT[(_v, _o)] = ("MOBILIZE", None)
for _v in ("pull", "withdraw"):
    for _o in ("troop", "force", "soldier"):
        VERB_OBJECT[(_v, _o)] = ("RETREAT", None)
for _v in ("launch", "carry", "conduct", "mount"):
    for _o in ("attack", "strike", "airstrike", "offensive", "invasion", "raid", "bombardment"):
        VERB_OBJECT[(_v, _o)] = ("ASSAULT", None)
for _v in ("release", "free"):
    for _o in ("prisoner", "hostage", "detainee"):
        VERB_OBJECT[(_v, _o)] = ("CONCEDE", None)
for _v in ("recall", "expel"):
    for _o in ("ambassador", "diplomat", "envoy"):
        VERB_OBJECT[(_v, _o)] = ("SANCTION", "expulsion")

VERB_OBJECT_VERBS: frozenset[str] = frozenset(v for v, _ in VERB_OBJECT)

#: Where the other party of each category is found: dependency labels and prepositions.
PARTNER_DEPS: dict[str, frozenset[str]] = {
    "CONSULT": frozenset({"dobj", "with", "between", "among", "to", "of", "and", "include", "agent"}),
    "AGREE": frozenset({"with", "between", "agent"}),
    "SUPPORT": frozenset({"dobj"}),
    "COOPERATE": frozenset({"with"}),
    "AID": frozenset({"to", "dobj", "dative", "for"}),
    "RETREAT": frozenset({"from"}),
    "REQUEST": frozenset({"on", "dobj", "against"}),
    "ACCUSE": frozenset({"dobj", "against"}),
    "REJECT": frozenset({"dobj", "agent"}),
    "THREATEN": frozenset({"dobj", "on", "against"}),
    "SANCTION": frozenset({"dobj", "on", "against"}),
    "PROTEST": frozenset({"against"}),
    "MOBILIZE": frozenset(),
    "COERCE": frozenset({"dobj"}),
    "ASSAULT": frozenset({"dobj", "on", "against"}),
    "CONCEDE": frozenset({"on", "against", "to"}),
}

#: Categories whose act is the speech act itself: its status is the verb's, not the embedded clause's.
SPEECH_ACTS: frozenset[str] = frozenset({"THREATEN", "REQUEST", "ACCUSE", "REJECT", "SUPPORT", "PROTEST"})
#: Categories that need a second party to be an event at all.
NEEDS_PARTNER: frozenset[str] = frozenset({"CONSULT", "COOPERATE", "ACCUSE", "SANCTION", "COERCE", "ASSAULT"})

FUTURE_HEADS: frozenset[str] = frozenset(
    {
        "expect",
        "plan",
        "schedule",
        "set",
        "due",
        "intend",
        "prepare",
        "agree",
        "decide",
        "arrange",
        "aim",
        "go",
        "slate",
        "poise",
    }
)
PROPOSE_HEADS: frozenset[str] = frozenset(
    {
        "offer",
        "propose",
        "suggest",
        "want",
        "hope",
        "seek",
        "invite",
        "willing",
        "ready",
        "open",
        "consider",
        "push",
        "eager",
        "keen",
        "possible",
        "wish",
        "like",
        "float",
        "discuss",
        "invitation",
    }
)
COERCIVE_WORDS: frozenset[str] = frozenset(
    {
        "sanction",
        "tariff",
        "attack",
        "strike",
        "retaliate",
        "retaliation",
        "impose",
        "consequence",
        "cut",
        "expel",
        "invade",
        "bomb",
        "force",
        "response",
        "embargo",
        "ban",
        "punish",
        "war",
        "nuclear",
        "retaliatory",
        "countermeasure",
        "respond",
        "price",
    }
)
CEASEFIRE_WORDS: frozenset[str] = frozenset({"ceasefire", "cease-fire", "truce", "armistice"})

#: Verbs of wanting: with a to-clause about someone else they are a demand ('wants Kyiv to withdraw').
DESIRE_VERBS: frozenset[str] = frozenset({"want", "expect", "press", "push"})
