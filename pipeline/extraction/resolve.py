"""Resolve noun phrases to canonical names: entities, pronouns, role nouns and 'the two leaders'.

A ``Resolver`` holds one parsed article and a per-article memo; it is created per extraction
and never shared, so the functions stay pure from the caller's point of view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from pipeline.extraction.entities import EntityIndex
from pipeline.extraction.lexicon import (
    COUNTRY_PAIR_WORDS,
    GOVERNMENT_NOUNS,
    GROUP_NOUNS,
    INTENTION_NOUNS,
    MEDIATION_PARTICIPLES,
    ORG_ANAPHORS,
    ORG_PAIR_WORDS,
    PAIR_WORDS,
    PERSON_PRONOUNS,
    ROLE_GROUPS,
    SPEECH_VERBS,
)
from pipeline.geography import country_code, country_name, demonym_code, fold, seat_code

_SUBJ = ("nsubj", "nsubjpass")
_CLIMB = frozenset({"conj", "xcomp", "advcl", "pcomp", "prep", "acomp", "relcl", "acl", "ccomp"})
_NP_SKIP = frozenset({"relcl", "acl", "punct", "cc", "det", "prep", "advmod", "case"})
_REL_PRONOUNS = frozenset({"who", "which", "that", "whom"})
_MAX_BACK_SENTENCES = 3
_MAX_ORG_LOOKBACK = 400
#: What opens and closes the list of its members a phrase gives ('the two producers: A and B').
_LIST_OPENERS = frozenset({":", ",", "(", "\u2014", "\u2013", "-"})
_LIST_CLOSERS = frozenset({")", ";", ".", "\u2014", "\u2013"})
_LISTED_PAIR_SPAN = 12  # tokens after the phrase in which it names its two members
_SPOKES_NOUNS = frozenset({"spokesperson", "spokesman", "spokeswoman", "statement", "source", "official"})


def _role_words(title: str) -> set[str]:
    return {fold(w).strip(".") for w in title.split()}


@dataclass
class Resolver:
    """Name resolution over one parsed article."""

    doc: Doc
    index: EntityIndex
    mask: list[bool] = field(default_factory=list)
    memo: dict[tuple[str, int], object] = field(default_factory=dict)

    def actor_of(self, name: str) -> str:
        """The actor a canonical name stands for: the country of a capital, demonym or seat of government."""
        actor = self.index.actor.get(name, name)
        code = seat_code(actor) if self.index.name_type.get(name) in ("ORG", "FAC", "GPE", None) else None
        return (country_name(code) or actor) if code else actor

    def quoted(self, i: int) -> bool:
        """True when token i is inside a quotation (quoted words never introduce referents)."""
        return bool(self.mask) and self.mask[i]

    # --- subjects ---------------------------------------------------------------------------------

    def subject_of(self, verb: Token) -> Token | None:
        """Grammatical subject of a verb, inherited through conjunction, control and relative clauses."""
        tok = verb
        for _ in range(5):
            subjects = [c for c in tok.children if c.dep_ in _SUBJ]
            if subjects:
                first = subjects[0]
                if first.lower_ in _REL_PRONOUNS and tok.dep_ == "relcl":
                    return tok.head
                # "The EU's foreign policy chief Kaja Kallas welcomed": two subjects, the name is the speaker.
                named = [
                    c
                    for c in subjects
                    if self.index.name_type.get(self.index.tok_name.get(c.i, "")) == "PERSON"
                ]
                return named[-1] if named and len(subjects) > 1 else first
            for child in tok.children:
                if child.dep_ == "csubj" and child.pos_ in ("VERB", "AUX"):
                    inner = next((c for c in child.children if c.dep_ in _SUBJ), None)
                    if inner is not None:
                        return inner
            if tok.dep_ == "relcl":
                return tok.head
            if tok.dep_ == "acl" and tok.tag_ == "VBN":
                # 'the restrictions imposed by the Council': the agent of the participle does the act.
                agent = next(
                    (g for c in tok.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"),
                    None,
                )
                if agent is not None:
                    return agent
            owner = next((c for c in tok.head.children if c.dep_ == "poss"), None)
            if (
                tok.dep_ == "acl"
                and owner is not None
                and tok.head.lemma_.lower() in INTENTION_NOUNS
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
            ):
                return owner  # "Lee's plans to meet", "the president's choice to visit": the owner acts
            if (
                tok.dep_ == "acl"
                and tok.head.dep_ in ("dobj", "attr")
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
            ):
                # "announced its intention to provide", "accepted an invitation to visit": the verb's subject.
                tok = tok.head.head
                continue
            if tok.dep_ not in _CLIMB or tok.head.i == tok.i:
                return None
            tok = tok.head
        return None

    # --- names of noun phrases -------------------------------------------------------------------

    def entity_name(self, tok: Token) -> str | None:
        """Canonical entity name covering tok or its appositive/compound, else None."""
        name = self.index.tok_name.get(tok.i)
        if name:
            return name
        ranked: list[tuple[int, str]] = []
        for child in tok.children:
            if child.dep_ in ("appos", "compound") and child.i in self.index.tok_name:
                cand = self.index.tok_name[child.i]
                ctype = self.index.name_type.get(cand)
                if ctype in ("PERSON", "ORG") or child.dep_ == "appos":
                    # A person in apposition beats the organisation in the title ("Ministry spokesman X").
                    ranked.append((0 if ctype == "PERSON" else 1, cand))
        return min(ranked)[1] if ranked else None

    def spokes_org(self, tok: Token) -> str | None:
        """'a No 10 spokesperson', 'a spokesperson for the African Union': the organisation speaking."""
        if tok.lemma_.lower() not in _SPOKES_NOUNS:
            return None
        for t in tok.subtree:
            if t.i == tok.i or t.dep_ in ("relcl", "acl"):
                continue
            name = self.index.tok_name.get(t.i)
            if name and self.index.name_type.get(name) in ("ORG", "GPE"):
                return self.index.actor.get(name, name)
        return None

    def left_actors(self, verb: Token) -> list[str]:
        """Fallback subject when the parse lost it: entities just before the verb ('X, Y and Z agreed')."""
        out: list[str] = []
        i = verb.i - 1
        sent_start = verb.sent.start
        while i >= sent_start:
            tok = self.doc[i]
            name = self.index.tok_name.get(i)
            if name:
                actor = self.actor_of(name)
                if actor not in out:
                    out.insert(0, actor)
            elif tok.lower_ not in (",", "and", "the") and tok.pos_ != "ADV":
                break
            i -= 1
        return out

    def speaker(self, tok: Token) -> str | None:
        """Canonical speaker a subject token stands for (entity, pronoun or role noun)."""
        name = self.entity_name(tok)
        if name:
            return name
        low = tok.lower_
        if low in PERSON_PRONOUNS:
            return self.pronoun(tok)
        if low == "it":
            return self.it_actor(tok)
        return self.role(tok) or self.org_anaphor(tok) or self.government(tok) or self.spokes_org(tok)

    def actors(self, tok: Token, depth: int = 0) -> list[str]:
        """Actor names of a noun phrase, expanding coordination ('Germany, France and Italy')."""
        if depth > 8:
            return []
        out: list[str] = []

        def add(names: list[str]) -> None:
            out.extend(a for a in names if a not in out)

        name = self.index.tok_name.get(tok.i)
        via: list[Token] = []
        if name:
            add([self.actor_of(name)])
        elif tok.lower_ in PERSON_PRONOUNS:
            person = self.pronoun(tok)
            add([person] if person else [])
        elif tok.lower_ == "it":
            actor = self.it_actor(tok)
            add([actor] if actor else [])
        elif tok.lower_ == "its" and tok.dep_ == "poss":
            actor = self.its_owner(tok)
            add([actor] if actor else [])
        elif tok.lower_ in PAIR_WORDS and self._is_pair_phrase(tok):
            add(self.pair(tok))
        else:
            via = [
                c
                for c in tok.children
                if c.i in self.index.tok_name
                and (
                    c.dep_ == "appos"
                    or (
                        c.dep_ == "compound"
                        and self.index.name_type.get(self.index.tok_name[c.i]) == "PERSON"
                    )
                )
            ]
            for child in via:
                add(self.actors(child, depth + 1))
            loose = self.loose_appositive(tok) if not via else None
            broker = self.mediator(tok) if not via and tok.dep_ == "amod" else None
            if broker is not None:
                add([broker])
            elif loose is not None:
                add(self.actors(loose, depth + 1))
            elif not via:
                role = self.role(tok) or self.org_anaphor(tok)
                if role:
                    add([self.actor_of(role)])
                elif tok.pos_ in ("NOUN", "PROPN"):
                    add(self._modifier_actors(tok, depth))
        for child in tok.children:
            if child in via:
                continue
            appos_entity = child.dep_ == "appos" and self.index.tok_name.get(child.i, name) != name
            if child.dep_ == "conj" or appos_entity:
                add(self.actors(child, depth + 1))
        return out

    def mediator(self, tok: Token) -> str | None:
        """The state a mediation participle names: 'US-led negotiations', 'U.S.-brokered talks',
        'Turkish-mediated talks' (the broker takes part in the talks it brokers)."""
        head, _, participle = tok.text.rpartition("-")
        if not (head and participle.lower() in MEDIATION_PARTICIPLES):
            head = ""
            if tok.lower_ in MEDIATION_PARTICIPLES and tok.i >= 2 and self.doc[tok.i - 1].text == "-":
                before = self.doc[tok.i - 2]
                name = self.index.tok_name.get(before.i)
                head = self.actor_of(name) if name else before.text
        code = (country_code(head) or demonym_code(head)) if head else None
        return country_name(code) if code else None

    def loose_appositive(self, tok: Token) -> Token | None:
        """The person a common noun is set beside when the parse hung the name elsewhere:
        "a meeting with his arch-foe, Russian President Vladimir Putin" (Putin parsed as a
        modifier of the verb).  Only a comma and title words may lie between, the name must end
        its phrase, and a name that is a clause's subject ("his rival, Putin, said") is not one."""
        if tok.pos_ != "NOUN" or tok.i + 2 >= tok.sent.end or self.doc[tok.i + 1].text != ",":
            return None
        if any(c.dep_ in ("appos", "conj") for c in tok.children):
            return None
        for j in range(tok.i + 2, min(tok.i + 7, tok.sent.end)):
            cand = self.doc[j]
            name = self.index.tok_name.get(j)
            if name and self.index.name_type.get(name) == "PERSON":
                end = j
                while end + 1 < tok.sent.end and self.index.tok_name.get(end + 1) == name:
                    end += 1
                root = self.doc[end]
                after = self.doc[end + 1] if end + 1 < tok.sent.end else None
                if root.dep_ in _SUBJ or (after is not None and not after.is_punct):
                    return None
                if root.head.i <= tok.i or root.head.i > end:  # hung outside the name's own phrase
                    return root
                return None
            if cand.is_punct or cand.pos_ not in ("PROPN", "ADJ", "NOUN", "DET"):
                return None
        return None

    def _modifier_actors(self, tok: Token, depth: int) -> list[str]:
        """Actors named inside a common-noun phrase: 'Russian officials', 'representatives from Ukraine'."""
        out: list[str] = []
        for child in tok.children:
            if child.dep_ in ("amod", "compound", "nmod", "poss"):
                # 'Ukrainian and Russian negotiators': every coordinated modifier names a party.
                for mod in [child, *(c for c in child.conjuncts if c.i > child.i)]:
                    out.extend(self._modifier_state(mod, tok))
            elif child.dep_ == "prep" and child.lower_ in ("from", "of"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        out.extend(self.actors(pobj, depth + 1))
        return [a for i, a in enumerate(out) if a not in out[:i]]

    def _modifier_state(self, mod: Token, head: Token) -> list[str]:
        """The state or organisation a modifier names: an entity, or a demonym on a group noun."""
        name = self.index.tok_name.get(mod.i)
        if name is not None:
            ntype = self.index.name_type.get(name)
            known = ntype in ("GPE", "NORP", "ORG") and name in self.index.actor
            return [self.actor_of(name)] if known else []
        group = head.lemma_.lower() in GROUP_NOUNS
        code = demonym_code(mod.text) if group and mod.pos_ in ("ADJ", "PROPN") else None
        name = country_name(code) if code else None
        return [name] if name else []

    # --- pronouns --------------------------------------------------------------------------------

    def pronoun(self, tok: Token) -> str | None:
        """Person a singular pronoun refers to: the subject of a governing clause, else a recent subject."""
        key = ("pron", tok.i)
        if key in self.memo:
            return self.memo[key]  # type: ignore[return-value]
        self.memo[key] = None
        result = self._governing_subject(tok) or self._previous_subject(tok)
        if result is not None and tok.dep_ in ("dobj", "dative", "pobj") and tok.lower_ in ("him", "her"):
            # "X pressed him": an object pronoun never means the subject of its own clause.
            own = self.subject_of(tok.head if tok.dep_ != "pobj" else tok.head.head)
            if own is not None and self.speaker(own) == result:
                result = self._previous_person(tok, exclude=result)
        self.memo[key] = result
        return result

    def _previous_person(self, tok: Token, exclude: str) -> str | None:
        """Latest person mentioned before tok (this or the previous sentence) other than ``exclude``."""
        lo = self.doc[tok.sent.start - 1].sent.start if tok.sent.start > 0 else 0
        found = [n for i, n in self.index.person_mentions if lo <= i < tok.i and n != exclude]
        return found[-1] if found else None

    def it_actor(self, tok: Token) -> str | None:
        """'Britain said it would ...': 'it' is the non-person subject of the speech verb above it."""
        node = tok
        for _ in range(4):
            if node.head.i == node.i:
                return None
            node = node.head
            if node.pos_ in ("VERB", "AUX") and node.lemma_.lower() in SPEECH_VERBS:
                subj = self.subject_of(node)
                if subj is None or subj.i == tok.i:
                    return None
                names = self.actors(subj, depth=6)
                if len(names) == 1 and self.index.name_type.get(names[0]) != "PERSON":
                    return names[0]
                return None
        return None

    def its_owner(self, tok: Token) -> str | None:
        """'Finland renewed its demand': 'its' is the state or body that is the subject of the verb
        its noun hangs from."""
        node = tok.head
        while node.dep_ in ("dobj", "pobj", "prep", "conj") and node.head.i != node.i:
            node = node.head
        if node.pos_ not in ("VERB", "AUX"):
            return None
        subj = self.subject_of(node)
        if subj is None or subj.i == tok.i:
            return None
        names = self.actors(subj, depth=6)
        return names[0] if len(names) == 1 and self.index.name_type.get(names[0]) != "PERSON" else None

    def org_anaphor(self, tok: Token) -> str | None:
        """'the bloc', 'the alliance', 'the Palestinian group': the latest organisation named before."""
        if tok.lower_ not in ORG_ANAPHORS or not any(c.lower_ == "the" for c in tok.children):
            return None
        for i in range(tok.i - 1, max(-1, tok.i - _MAX_ORG_LOOKBACK), -1):
            name = self.index.tok_name.get(i)
            if name and self.index.name_type.get(name) == "ORG" and not self.quoted(i):
                return name
        return None

    def government(self, tok: Token) -> str | None:
        """'the Sudanese government', 'Oman's foreign ministry': the country it belongs to."""
        if tok.lemma_.lower() not in GOVERNMENT_NOUNS:
            return None
        found = self._modifier_actors(tok, 0)
        return found[0] if len(found) == 1 else None

    def _governing_subject(self, tok: Token) -> str | None:
        """'Trump said that he will...': the person subject of a verb above the pronoun's clause."""
        node = tok
        for _ in range(8):
            if node.head.i == node.i:
                return None
            node = node.head
            if node.pos_ not in ("VERB", "AUX"):
                continue
            subj = self.subject_of(node)
            if subj is None or subj.i == tok.i or tok.i in {t.i for t in subj.subtree}:
                continue
            name = self.entity_name(subj)
            if name and self.index.name_type.get(name) == "PERSON":
                return name
            owner = self._person_owner(subj)
            if owner is not None:
                return owner  # "Lee's visit will follow his first summit": his = Lee
            if subj.lower_ not in PERSON_PRONOUNS:
                role = self.role(subj)
                if role:
                    return role
        return None

    def _person_owner(self, subj: Token) -> str | None:
        """The person named as the possessor of a subject noun ("Lee's visit"), if any."""
        if subj.pos_ not in ("NOUN", "PROPN"):
            return None
        for child in subj.children:
            if child.dep_ == "poss" and child.lower_ not in PERSON_PRONOUNS:
                name = self.entity_name(child)
                if name and self.index.name_type.get(name) == "PERSON":
                    return name
        return None

    def _previous_subject(self, tok: Token) -> str | None:
        """Most salient person of the nearest earlier sentences: highest subject, else first mention."""
        sent = tok.sent
        own_before = [n for i, n in self.index.person_mentions if sent.start <= i < tok.i]
        cursor = sent.start
        for _ in range(_MAX_BACK_SENTENCES):
            if cursor <= 0:
                break
            prev = self.doc[cursor - 1].sent
            cursor = prev.start
            best: tuple[int, str] | None = None
            for t in prev:
                if self.quoted(t.i):
                    continue
                if t.dep_ in _SUBJ:
                    name = self.speaker(t)
                    rank = sum(1 for _ in t.ancestors)
                elif t.i in self.index.tok_name or t.dep_ == "appos":
                    name = self.entity_name(t) if t.i in self.index.tok_name else self.role(t)
                    rank = 100 + t.i - prev.start
                else:
                    continue
                if name and self.index.name_type.get(name) == "PERSON" and (best is None or rank < best[0]):
                    best = (rank, name)
            if best:
                return best[1]
        return own_before[-1] if own_before else None

    # --- role nouns ------------------------------------------------------------------------------

    def role(self, tok: Token) -> str | None:
        """Person a role noun refers to ('the Ukrainian leader' -> the person titled Ukrainian President)."""
        if tok.tag_ in ("NNS", "NNPS") or tok.pos_ not in ("NOUN", "PROPN"):
            return None
        head = fold(tok.lemma_ if tok.pos_ == "NOUN" else tok.text)
        group = ROLE_GROUPS.get(head)
        if group is None or any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children):
            return None  # "a spokesperson" introduces someone new
        key = ("role", tok.i)
        if key in self.memo:
            return self.memo[key]  # type: ignore[return-value]
        country = None
        vice = False
        for child in tok.children:
            if child.dep_ in ("amod", "compound", "nmod", "poss"):
                country = country or demonym_code(child.text) or country_code(child.text)
                vice = vice or child.lower_ in ("vice", "deputy")
        best: str | None = None
        for pos, name in self.index.person_mentions:
            if pos >= tok.i:
                break
            for title in self.index.attributes.get(name, []):
                words = _role_words(title)
                if not words & group or ("vice" in words or "deputy" in words) != vice:
                    continue
                if country and not self._title_country_matches(title, country):
                    continue
                best = name
        self.memo[key] = best
        return best

    @staticmethod
    def _title_country_matches(title: str, code: str) -> bool:
        words = title.replace("-", " ").split()
        for i in range(len(words)):
            for j in (1, 2):
                piece = " ".join(words[i : i + j])
                if demonym_code(piece) == code or country_code(piece) == code:
                    return True
        return False

    # --- "the two leaders" -----------------------------------------------------------------------

    def person_pair(self, tok: Token) -> list[str]:
        """'The two leaders', 'both presidents': the two people meant, when the text makes them clear."""
        if tok.lower_ in ORG_PAIR_WORDS | COUNTRY_PAIR_WORDS or tok.lower_ not in PAIR_WORDS:
            return []
        if not self._is_pair_phrase(tok):
            return []
        people = self.pair(tok)
        group = ROLE_GROUPS.get(fold(tok.lemma_)) or frozenset()
        titled = [name for name in people if self._titled(name, group)]
        return people if len(titled) == 2 else []  # two people the text titles as such, or nobody

    def _titled(self, name: str, group: frozenset[str]) -> bool:
        """Whether the text gives ``name`` a title of the role group ('President' for 'leader')."""
        return any(_role_words(t) & group for t in self.index.attributes.get(name, []))

    def _is_pair_phrase(self, tok: Token) -> bool:
        return (
            any(c.lower_ in ("two", "both") for c in tok.children)
            or (tok.i > 0 and self.doc[tok.i - 1].lower_ in ("both", "two"))
            or (tok.i > 1 and self.doc[tok.i - 2].lower_ == "both")
        )

    def pair(self, tok: Token) -> list[str]:
        """Who 'the two leaders' are: a pair in the same sentence, else the most co-mentioned pair.

        'The two countries' / 'the two sides' are the two most mentioned states before the phrase.
        """
        listed = self._listed_pair(tok)
        if listed is not None:
            return listed
        if tok.lower_ in ORG_PAIR_WORDS:
            return self._org_pair(tok)
        if tok.lower_ in COUNTRY_PAIR_WORDS:
            states = self._country_pair(tok)
            if states or tok.lower_ != "sides":
                return states
        sent = tok.sent
        same = []
        for i, name in self.index.person_mentions:
            if sent.start <= i < tok.i and name not in same:
                same.append(name)
        if len(same) == 2:
            return same
        counts: dict[tuple[str, str], tuple[int, int]] = {}
        for s in self.doc.sents:
            if s.start >= sent.start:
                break
            people = sorted({n for i, n in self.index.person_mentions if s.start <= i < s.end})
            for a_i, a in enumerate(people):
                for b in people[a_i + 1 :]:
                    n, _ = counts.get((a, b), (0, 0))
                    counts[(a, b)] = (n + 1, s.start)
        group = ROLE_GROUPS.get(fold(tok.lemma_))
        if group:  # 'the two leaders' are two people titled as leaders, when the text titles two
            titled = {k: v for k, v in counts.items() if all(self._titled(name, group) for name in k)}
            counts = titled or counts
        if not counts:
            return []
        mentions: dict[str, int] = {}
        for i, name in self.index.person_mentions:
            if i < sent.start:
                mentions[name] = mentions.get(name, 0) + 1
        # two people named together whom the text names most (the less named of the two decides),
        # then the pair named together most often, then the latest
        pair = max(
            counts,
            key=lambda k: (min(mentions.get(k[0], 0), mentions.get(k[1], 0)), counts[k][0], counts[k][1]),
        )
        return list(pair)

    def _listed_pair(self, tok: Token) -> list[str] | None:
        """The pair the phrase itself names after it ('the two producers: Lukoil and Rosneft',
        'the two leaders, Lee and Xi,'); None when it names none."""
        doc = self.doc
        after = (tok.i + 1, tok.right_edge.i + 1)
        opener = [j for j in after if j < tok.sent.end and doc[j].text in _LIST_OPENERS]
        if not opener:
            return None
        j = opener[0]
        found: list[str] = []
        for i in range(j + 1, min(tok.sent.end, j + _LISTED_PAIR_SPAN)):
            if doc[i].text in _LIST_CLOSERS:
                break
            name = self.index.tok_name.get(i)
            if name and name not in found:
                found.append(self.actor_of(name))
        if not found:
            return None
        # One name (the model missed the other) is still this phrase's list, not a pair named earlier;
        # more than two is not a pair at all.
        return found if len(found) <= 2 else []

    def _org_pair(self, tok: Token) -> list[str]:
        """'The two oil companies': the two organisations named last before the phrase, leaving out
        the subjects of its own sentence (who act on the pair: 'OFAC ... sanctioned the two ...')."""
        sent = tok.sent
        subjects = [t for t in sent if t.dep_ in _SUBJ and t.i < tok.i]
        actors = {i for t in subjects for i in range(t.left_edge.i, t.right_edge.i + 1)}
        found: list[str] = []
        for i in range(tok.i - 1, max(-1, tok.i - _MAX_ORG_LOOKBACK), -1):
            name = self.index.tok_name.get(i)
            if name is None or i in actors or self.quoted(i) or name in found:
                continue
            if self.index.name_type.get(name) == "ORG" and self.index.tok_name.get(i - 1) != name:
                found.append(name)
                if len(found) == 2:
                    return found[::-1]
        return []

    def state_pair(self, tok: Token) -> list[str]:
        """The two states 'the two sides' / 'the two countries' are: the two the article names most
        before the phrase, when two stand out (else [])."""
        return self._country_pair(tok)

    def _country_pair(self, tok: Token) -> list[str]:
        counts: dict[str, int] = {}
        for i in range(tok.i):
            name = self.index.tok_name.get(i)
            if name is None or (i > 0 and self.index.tok_name.get(i - 1) == name):
                continue
            actor = self.index.actor.get(name)
            if actor and self.index.name_type.get(name) in ("GPE", "NORP") and country_code(actor):
                counts[actor] = counts.get(actor, 0) + 1
        ranked = sorted(counts, key=lambda a: -counts[a])
        if len(ranked) < 2 or (len(ranked) > 2 and counts[ranked[1]] == counts[ranked[2]]):
            return []
        return ranked[:2]
