"""The event trigger patterns are data: valid spaCy patterns, one meaning per word, matched by the rules."""

from __future__ import annotations

from collections import defaultdict

import pytest
from spacy.language import Language

from pipeline.extraction import load_nlp
from pipeline.extraction.learned import PLOVER_TYPES
from pipeline.extraction.trigger_patterns import annotate_triggers, hits_of, load_patterns

KINDS = {"verb", "noun", "noun_form", "noun_joint", "verb_object", "verb_object_substance"}


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


def test_every_line_is_a_typed_pattern() -> None:
    entries = load_patterns()
    assert len(entries) > 40
    for entry in entries:
        assert entry["label"] in PLOVER_TYPES, entry
        assert entry["id"] in KINDS, entry
        assert isinstance(entry["pattern"], list) and entry["pattern"], entry


def test_a_word_has_one_meaning_per_kind() -> None:
    meaning: dict[tuple[str, str], set[tuple[str, str | None]]] = defaultdict(set)
    for entry in load_patterns():
        if entry["id"] in ("verb", "noun"):
            for lemma in entry["pattern"][0]["LEMMA"]["IN"]:
                meaning[(entry["id"], lemma)].add((entry["label"], entry["mode"]))
    clashes = {k: v for k, v in meaning.items() if len(v) > 1}
    assert not clashes


def test_patterns_mark_verbs_nouns_and_verb_object_pairs(nlp: Language) -> None:
    doc = annotate_triggers(
        nlp("The EU imposed sanctions on Minsk. Washington sent a package of military aid. The talks ended.")
    )
    by_text = {tok.text: hits_of(tok) for tok in doc}
    assert by_text["imposed"].pair() == ("SANCTION", "sanctions")
    assert by_text["imposed"].verb is None  # 'impose' triggers only with a listed object
    assert by_text["sent"].pair() == ("AID", None)  # through 'a package of': the substance is the object
    assert by_text["talks"].noun == ("CONSULT", "in_person")
    assert not by_text["ended"].pairs and by_text["ended"].verb is None


def test_rules_read_the_patterns(nlp: Language) -> None:
    # A doc parsed without the components is matched on first use, so tests and tools see the same.
    from pipeline.extraction.events import _trigger_of

    doc = nlp("Armenia and Azerbaijan signed a peace agreement on Wednesday.")
    signed = next(t for t in doc if t.text == "signed")
    assert _trigger_of(signed) == ("AGREE", None, signed)
    assert doc._.trigger_hits is not None


def test_a_pattern_of_another_shape_runs_in_spacys_matcher(nlp: Language) -> None:
    # Lines of the two common shapes are indexed; any other pattern keeps its spaCy meaning.
    from pipeline.extraction.trigger_patterns import compile_patterns, matchers_for

    shipped = matchers_for(nlp.vocab)
    assert "meet" in shipped.words["LEMMA"] and "impose" in shipped.paths and "conference" in shipped.paths
    extra = {"label": "PROTEST", "mode": None, "id": "verb", "pattern": [{"LEMMA": "march", "POS": "VERB"}]}
    compiled = compile_patterns(nlp.vocab, [*load_patterns(), extra])
    assert len(compiled.matcher) == 1 and "march" not in compiled.words["LEMMA"]
    doc = annotate_triggers(nlp("Thousands marched through Lima. The march ended at noon."), compiled)
    verb, noun = (t for t in doc if t.lower_.startswith("march"))
    assert hits_of(verb).verb == ("PROTEST", None)
    assert hits_of(noun).verb is None  # the POS the pattern asks for is checked by the Matcher
    doc = annotate_triggers(nlp("Lula said at a joint press conference with Boric that trade would grow."))
    conference = next(t for t in doc if t.text == "conference")
    assert hits_of(conference).noun == ("CONSULT", "in_person")


def test_hits_are_read_where_the_doc_extension_keeps_them(nlp: Language) -> None:
    """``hits_of`` reads spaCy's storage of ``doc._.trigger_hits`` directly (it is asked per token)."""
    doc = nlp("The ministers held talks in Paris.")
    annotate_triggers(doc)
    talks = next(t for t in doc if t.lower_ == "talks")
    assert hits_of(talks).noun is not None
    doc._.trigger_hits = {}  # a value set through the extension is the one read
    assert hits_of(talks).noun is None
