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


def masked_text(span: Span | Doc) -> str:
    out: list[str] = []
    for tok in span:
        if tok.ent_type_ in MASKED_LABELS:
            if tok.ent_iob_ == "B" or tok.i == span[0].i:
                out.append(f"ENT_{tok.ent_type_}")
        elif not tok.is_space:
            out.append(tok.lower_)
    return " ".join(out)


def lemma_text(span: Span | Doc) -> str:
    return " ".join(t.lemma_.lower() for t in span if not (t.is_punct or t.is_space or t.ent_type_))


def parse_text(span: Span | Doc) -> str:
    """Verb lemmas with their objects, prepositions, negation and modal auxiliaries; head nouns."""
    feats: list[str] = []
    for tok in span:
        if tok.pos_ in ("VERB", "AUX") or tok.dep_ == "ROOT":
            lemma = tok.lemma_.lower()
            feats.append(f"V_{lemma}")
            if tok.dep_ == "ROOT":
                feats.append(f"ROOT_{lemma}")
            for child in tok.children:
                if child.dep_ in _OBJECT_DEPS:
                    feats.append(f"{lemma}_{child.dep_}_{child.lemma_.lower()}")
                elif child.dep_ == "prep":
                    feats.append(f"{lemma}_{child.lower_}")
                    objects = [g.lemma_.lower() for g in child.children if g.dep_ == "pobj"]
                    feats.extend(f"{lemma}_{child.lower_}_{o}" for o in objects)
                elif child.dep_ == "neg":
                    feats.append(f"NEG_{lemma}")
                elif child.dep_ == "aux" and child.lower_ in _MODALS:
                    feats.append(f"MOD_{lemma}")
        if tok.pos_ == "NOUN" and tok.dep_ in _NOUN_DEPS:
            feats.append(f"N_{tok.lemma_.lower()}")
    return " ".join(feats)


def views(span: Span | Doc) -> Views:
    return Views(masked_text(span), lemma_text(span), parse_text(span))
