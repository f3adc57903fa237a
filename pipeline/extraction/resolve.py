"""Resolve noun phrases to canonical names: entities, pronouns, role nouns and 'the two leaders'.

A ``Resolver`` holds one parsed article and a per-article memo; it is created per extraction
and never shared, so the functions stay pure from the caller's point of view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from pipeline.extraction.countries import country_code, demonym_code, fold
from pipeline.extraction.entities import EntityIndex
from pipeline.extraction.lexicon import PAIR_WORDS, PERSON_PRONOUNS, ROLE_GROUPS

_SUBJ = ("nsubj", "nsubjpass")
_CLIMB = frozenset({"conj", "xcomp", "advcl", "pcomp", "prep", "acomp", "relcl", "acl", "ccomp"})
_NP_SKIP = frozenset({"relcl", "acl", "punct", "cc", "det", "prep", "advmod", "case"})
_REL_PRONOUNS = frozenset({"who", "which", "that", "whom"})
_MAX_BACK_SENTENCES = 3


def _role_words(title: str) -> set[str]:
    return {fold(w).strip(".") for w in title.split()}


@dataclass
class Resolver:
    """Name resolution over one parsed article."""

    doc: Doc
    index: EntityIndex
    mask: list[bool] = field(default_factory=list)
    memo: dict[tuple[str, int], object] = field(default_factory=dict)

    def quoted(self, i: int) -> bool:
        """True when token i is inside a quotation (quoted words never introduce referents)."""
        return bool(self.mask) and self.mask[i]

    # --- subjects ---------------------------------------------------------------------------------

    def subject_of(self, verb: Token) -> Token | None:
        """Grammatical subject of a verb, inherited through conjunction, control and relative clauses."""
        tok = verb
        for _ in range(5):
            for child in tok.children:
                if child.dep_ in _SUBJ:
                    if child.lower_ in _REL_PRONOUNS and tok.dep_ == "relcl":
                        return tok.head
                    return child
                if child.dep_ == "csubj" and child.pos_ in ("VERB", "AUX"):
                    inner = next((c for c in child.children if c.dep_ in _SUBJ), None)
                    if inner is not None:
                        return inner
            if tok.dep_ == "relcl":
                return tok.head
            if tok.dep_ not in _CLIMB or tok.head is tok:
                return None
            tok = tok.head
        return None

    # --- names of noun phrases -------------------------------------------------------------------

    def entity_name(self, tok: Token) -> str | None:
        """Canonical entity name covering tok or its appositive/compound, else None."""
        name = self.index.tok_name.get(tok.i)
        if name:
            return name
        for child in tok.children:
            if child.dep_ in ("appos", "compound") and child.i in self.index.tok_name:
                cand = self.index.tok_name[child.i]
                if self.index.name_type.get(cand) in ("PERSON", "ORG") or child.dep_ == "appos":
                    return cand
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
                actor = self.index.actor.get(name, name)
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
        return self.role(tok)

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
            add([self.index.actor.get(name, name)])
        elif tok.lower_ in PERSON_PRONOUNS:
            person = self.pronoun(tok)
            add([person] if person else [])
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
            if not via:
                role = self.role(tok)
                if role:
                    add([role])
                elif tok.pos_ in ("NOUN", "PROPN"):
                    add(self._modifier_actors(tok, depth))
        for child in tok.children:
            if child in via:
                continue
            appos_entity = child.dep_ == "appos" and self.index.tok_name.get(child.i, name) != name
            if child.dep_ == "conj" or appos_entity:
                add(self.actors(child, depth + 1))
        return out

    def _modifier_actors(self, tok: Token, depth: int) -> list[str]:
        """Actors named inside a common-noun phrase: 'Russian officials', 'representatives from Ukraine'."""
        out: list[str] = []
        for child in tok.children:
            if child.dep_ in ("amod", "compound", "nmod", "poss") and child.i in self.index.tok_name:
                name = self.index.tok_name[child.i]
                ntype = self.index.name_type.get(name)
                if ntype in ("GPE", "NORP", "ORG") and name in self.index.actor:
                    out.append(self.index.actor[name])
            elif child.dep_ == "prep" and child.lower_ in ("from", "of"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        out.extend(self.actors(pobj, depth + 1))
        return [a for i, a in enumerate(out) if a not in out[:i]]

    # --- pronouns --------------------------------------------------------------------------------

    def pronoun(self, tok: Token) -> str | None:
        """Person a singular pronoun refers to: the subject of a governing clause, else a recent subject."""
        key = ("pron", tok.i)
        if key in self.memo:
            return self.memo[key]  # type: ignore[return-value]
        self.memo[key] = None
        result = self._governing_subject(tok) or self._previous_subject(tok)
        self.memo[key] = result
        return result

    def _governing_subject(self, tok: Token) -> str | None:
        """'Trump said that he will...': the person subject of a verb above the pronoun's clause."""
        node = tok
        for _ in range(8):
            if node.head is node:
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
            if subj.lower_ not in PERSON_PRONOUNS:
                role = self.role(subj)
                if role:
                    return role
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
        if group is None:
            return None
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

    def _is_pair_phrase(self, tok: Token) -> bool:
        return (
            any(c.lower_ in ("two", "both") for c in tok.children)
            or (tok.i > 0 and self.doc[tok.i - 1].lower_ in ("both", "two"))
            or (tok.i > 1 and self.doc[tok.i - 2].lower_ == "both")
        )

    def pair(self, tok: Token) -> list[str]:
        """Who 'the two leaders' are: a pair in the same sentence, else the most co-mentioned pair."""
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
        if not counts:
            return []
        pair = max(counts, key=lambda k: counts[k])
        return list(pair)
