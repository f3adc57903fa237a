"""Word lists the event rules' guards read: complements, light verbs, partners, tense heads.

The trigger words themselves (verbs, event nouns, verb + object pairs, each with its PLOVER
category and mode) are spaCy patterns in ``patterns/triggers.jsonl``, matched by
:mod:`pipeline.extraction.trigger_patterns`.  Categories follow PLOVER; CONSULT modes follow
CAMEO 04x (phone 042-style calls, visits 042/043, meetings at a third place 044, negotiation 046).
"""

from __future__ import annotations

from pipeline.extraction.lexicon import NEUTRAL_SPEECH_VERBS

#: Verb triggers that only count with a particular preposition or complement ('work with', 'press X to').
NEEDS_PREP: dict[str, frozenset[str]] = {
    "work": frozenset({"with", "together"}),
    "press": frozenset({"for", "xcomp"}),
    "pressure": frozenset({"for", "xcomp"}),  # "pressured Russia to accept": an appeal backed by force
    "push": frozenset({"for", "xcomp"}),  # "pushed for talks", "pushed Cuba to ...", not "pushed into"
    "receive": frozenset({"dobj_person"}),
    "sit": frozenset({"with"}),  # 'sat with the envoys for six hours'; not 'sat in parliament'
}

#: Verbs that are threats only when reported as future acts ('said X would respond').
REPORTED_FUTURE_ONLY: frozenset[str] = frozenset({"respond", "retaliate"})

#: Verb triggers that need a particular object or complement to count.
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

NEEDS_OBJECT: dict[str, frozenset[str]] = {
    "sign": AGREEMENT_WORDS | {"initiative", "roadmap", "framework"},  # what one signs is an agreement
    "pledge": frozenset(
        {"aid", "assistance", "weapon", "arm", "fund", "funding", "package", "money", "loan"}
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

#: What one leaves to reject it ('withdrew from the treaty', 'pulled out of the talks').
ACCORD_WORDS: frozenset[str] = AGREEMENT_WORDS | frozenset(
    {"initiative", "talks", "negotiation", "process", "framework", "convention", "coalition"}
)

#: Listeners that make 'speak to X' a speech, not a consultation ('spoke to the Cuban people').
AUDIENCE_NOUNS: frozenset[str] = frozenset(
    {
        "people", "public", "nation", "crowd", "audience", "reporter", "journalist", "press", "media",
        "student", "supporter", "rally", "citizen", "voter", "worker", "soldier", "troop", "community",
        "conference", "forum", "gathering", "congregation", "graduate", "delegate",
    }
)  # fmt: skip

#: Words that make troops sent a peacekeeping force: aid, not a show of force (CAMEO 074, PLOVER AID).
PEACEKEEPING_WORDS: frozenset[str] = frozenset({"peacekeeper", "peacekeeping", "peacekeep", "stabilisation"})

#: Verbs whose object event does not take place ('cancelled a planned meeting').
CANCEL_VERBS: frozenset[str] = frozenset(
    {"cancel", "postpone", "scrap", "suspend", "delay", "abandon", "skip", "drop", "shelve", "retract"}
)

#: Nouns of evidence that 'no' denies, with the act they are about: 'there was no indication he met X'.
EVIDENCE_NOUNS: frozenset[str] = frozenset(
    {"indication", "sign", "evidence", "suggestion", "confirmation", "proof", "hint", "word"}
)

#: Subjects of 'X is a meeting' that make the meeting a proposal: 'the only way out is a meeting'.
REMEDY_NOUNS: frozenset[str] = frozenset(
    {"way", "solution", "option", "answer", "key", "aim", "goal", "idea", "hope", "path", "step"}
)

#: Nouns whose to-clause is a capacity, not an act ('the ability to produce a weapon and threaten X').
ABILITY_NOUNS: frozenset[str] = frozenset({"ability", "capability", "capacity", "means"})

#: Verbs and nouns of allegation: what someone is accused of ('accused Kyiv of not wanting to seal
#: a deal') is the allegation's content, not an event the writer reports.
ALLEGATION_WORDS: frozenset[str] = frozenset({"accuse", "accusation", "allege", "allegation", "charge"})

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

#: Nouns that count or measure an event noun ('three rounds of talks', 'two days of talks'): the
#: verb they are the object of carries the event ('held three rounds of talks' held talks).
PARTITIVE_NOUNS: frozenset[str] = frozenset(
    {"round", "day", "hour", "week", "month", "year", "night", "series", "session", "set", "string"}
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

#: Where the other party of each category is found: dependency labels and prepositions.
PARTNER_DEPS: dict[str, frozenset[str]] = {
    "CONSULT": frozenset({"dobj", "with", "between", "among", "to", "of", "and", "include", "agent"}),
    "AGREE": frozenset({"with", "between", "agent"}),
    "SUPPORT": frozenset({"dobj"}),
    "COOPERATE": frozenset({"with", "to", "between"}),  # 'returned the bodies ... to Ukraine'
    "AID": frozenset({"to", "dobj", "dative", "for"}),
    "RETREAT": frozenset({"from", "to"}),  # withdraw from X, cede land to X
    "REQUEST": frozenset({"on", "dobj", "against"}),
    "ACCUSE": frozenset({"dobj", "against"}),
    "REJECT": frozenset({"dobj", "agent"}),
    "THREATEN": frozenset({"dobj", "on", "against"}),
    "SANCTION": frozenset({"dobj", "on", "against", "to"}),  # "to": whom aid was cut off
    "PROTEST": frozenset({"against"}),
    "MOBILIZE": frozenset(),
    "COERCE": frozenset({"dobj"}),
    "ASSAULT": frozenset({"dobj", "on", "against"}),
    "CONCEDE": frozenset({"on", "against", "to"}),
}

#: Verbs of travel: 'flew to Beijing for a state visit' -- the visit's host is where the traveller goes.
TRAVEL_VERBS: frozenset[str] = frozenset({"fly", "travel", "head", "go", "jet", "depart", "leave", "arrive"})
#: Prepositions that tie an event noun to a journey ('for talks', 'on a visit').
JOURNEY_PREPS: frozenset[str] = frozenset({"for", "on"})

#: Categories whose act is the speech act itself: its status is the verb's, not the embedded clause's.
SPEECH_ACTS: frozenset[str] = frozenset({"THREATEN", "REQUEST", "ACCUSE", "REJECT", "SUPPORT", "PROTEST"})
#: What a spokesperson declines to do ('refused to comment'): no refusal of anything diplomatic.
NO_COMMENT_VERBS: frozenset[str] = frozenset({"comment", "elaborate", "confirm", "say", "speak", "specify"})
#: Categories that need a second party to be an event at all.
NEEDS_PARTNER: frozenset[str] = frozenset({"CONSULT", "COOPERATE", "SANCTION", "COERCE", "ASSAULT"})

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
        "likely",
    }
)
#: Words that put an event noun ahead of its report: 'the next round of talks', 'a future meeting'.
FUTURE_MODIFIERS: frozenset[str] = frozenset(
    {"next", "future", "upcoming", "forthcoming", "planned", "coming", "proposed", "possible", "potential"}
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
        "desire",
        "readiness",
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

#: An act done to put pressure on someone is a coercive measure against them ('slowed the sale
#: to pressure Russia', 'in an attempt to increase pressure on Russia'): the pressure word, the
#: verbs that put pressure on, and the nouns of purpose such a clause can hang from.
PRESSURE_WORDS: frozenset[str] = frozenset({"pressure"})
PRESSURE_VERBS: frozenset[str] = frozenset(
    {"put", "increase", "raise", "step", "ramp", "ratchet", "apply", "exert", "heap", "mount", "pile"}
    | {"intensify", "maintain", "keep", "add"}
)
PURPOSE_NOUNS: frozenset[str] = frozenset({"attempt", "bid", "effort", "move", "push", "drive", "campaign"})

#: What a sanctions body does to the instruments of its sanctions is a sanction measure ('OFAC will
#: extend the deadline', 'issued a licence', 'revoked the waiver'), whatever else the verb means.
LICENSING_VERBS: frozenset[str] = frozenset(
    {"extend", "issue", "grant", "renew", "revoke", "amend", "delay", "postpone", "lift", "tighten"}
)
LICENCE_NOUNS: frozenset[str] = frozenset(
    {"deadline", "licence", "license", "waiver", "exemption", "authorization", "authorisation"}
)

#: Verbs that move a time ('extend the deadline to April 1', 'postponed the vote from May to June'):
#: the dates they move are not the day they were moved.
RESCHEDULE_VERBS: frozenset[str] = frozenset(
    {"extend", "delay", "postpone", "defer", "move", "push", "reschedule", "shift", "bring", "advance"}
)

#: Nouns of speech that are a warning when what they say is force that may come ('Medvedev's
#: statement that a ground operation could result in a world war').
WARNING_NOUNS: frozenset[str] = frozenset({"statement", "remark", "comment", "warning"})

#: Prepositions that make a copula a stance ('Germany is against new sanctions', 'he was firmly
#: against paying that price'): the PLOVER type of being so.
STANCE_PREPOSITIONS: dict[str, str] = {"against": "REJECT"}

#: Verbs that report a demand when what they report is an obligation ('said Russia must withdraw',
#: 'insisted that talks should start'): speech with no act of its own, or insistence.
DEMAND_SPEECH_VERBS: frozenset[str] = NEUTRAL_SPEECH_VERBS | frozenset(
    {"insist", "argue", "stress", "emphasize", "emphasise", "declare", "write", "reiterate", "repeat"}
)
#: Words that make a clause an obligation: modals ('should', 'must', 'ought to'), necessity verbs
#: with a to-clause ('needs to lift', 'has to agree') and 'better' ('Ukraine better come').
OBLIGATION_MODALS: frozenset[str] = frozenset({"should", "must", "ought"})
NECESSITY_VERBS: frozenset[str] = frozenset({"need", "have"})
OBLIGATION_ADVERBS: frozenset[str] = frozenset({"better"})
#: Pronouns that can stand for the party an obligation is put on ('they must leave', 'you should').
ADDRESSEE_PRONOUNS: frozenset[str] = frozenset({"they", "you"})
