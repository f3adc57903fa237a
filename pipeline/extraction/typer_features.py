"""Text views of a parsed sentence for the PLOVER typer: what the classifier reads.

Names are what PLV sentences differ in most and say least about the type, so every view masks
entity tokens by their label; the parse view keeps what trigger lists tried to spell out (the verbs,
their objects and prepositions, negation, modality) as tokens a linear model can weigh.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

#: Entity labels replaced by a placeholder (one per entity) in the masked view.
MASKED_LABELS = frozenset(
    {
        "GPE", "PERSON", "NORP", "ORG", "DATE", "CARDINAL", "LOC", "FAC", "TIME", "MONEY", "PERCENT",
        "QUANTITY", "ORDINAL",
    }
)  # fmt: skip
_OBJECT_DEPS = frozenset({"dobj", "attr", "xcomp", "ccomp", "pobj", "nsubjpass", "prt"})
_NOUN_DEPS = frozenset({"dobj", "pobj", "nsubj", "nsubjpass", "ROOT", "attr"})
_MODALS = frozenset({"will", "would", "could", "may", "might", "should", "must", "wo", "can", "shall"})


@dataclass(frozen=True)
class Views:
    """The three texts the typer's vectorizers read."""

    masked: str  # lower-cased words, entities as ENT_<LABEL>
    lemmas: str  # lemmas of the non-entity words
    parse: str  # verb, verb-dependent, negation and modality tokens


def views(span: Span | Doc) -> Views:
    """The three views in one pass over the tokens (the typer reads every sentence of every article).

    - masked: lower-cased words, each entity as one ``ENT_<LABEL>`` (also one cut at the span start);
    - lemmas: lemmas of the words that are neither punctuation, space nor part of an entity;
    - parse: verb lemmas with their objects, prepositions, negation and modal auxiliaries; head nouns.
    """
    masked: list[str] = []
    lemmas: list[str] = []
    feats: list[str] = []
    first = True
    for tok in span:
        ent_type, lemma = tok.ent_type_, tok.lemma_.lower()
        if ent_type in MASKED_LABELS:
            if first or tok.ent_iob_ == "B":
                masked.append(f"ENT_{ent_type}")
        elif not tok.is_space:
            masked.append(tok.lower_)
        first = False
        if not (ent_type or tok.is_punct or tok.is_space):
            lemmas.append(lemma)
        pos, dep = tok.pos_, tok.dep_
        if pos in ("VERB", "AUX") or dep == "ROOT":
            feats.append(f"V_{lemma}")
            if dep == "ROOT":
                feats.append(f"ROOT_{lemma}")
            for child in tok.children:
                child_dep = child.dep_
                if child_dep in _OBJECT_DEPS:
                    feats.append(f"{lemma}_{child_dep}_{child.lemma_.lower()}")
                elif child_dep == "prep":
                    feats.append(f"{lemma}_{child.lower_}")
                    objects = [g.lemma_.lower() for g in child.children if g.dep_ == "pobj"]
                    feats.extend(f"{lemma}_{child.lower_}_{o}" for o in objects)
                elif child_dep == "neg":
                    feats.append(f"NEG_{lemma}")
                elif child_dep == "aux" and child.lower_ in _MODALS:
                    feats.append(f"MOD_{lemma}")
        if pos == "NOUN" and dep in _NOUN_DEPS:
            feats.append(f"N_{lemma}")
    return Views(" ".join(masked), " ".join(lemmas), " ".join(feats))
