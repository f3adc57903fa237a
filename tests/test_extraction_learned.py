"""How the typer's probabilities and the rules share one decision per sentence (pure functions)."""

from __future__ import annotations

from pipeline.extraction.learned import (
    ALONE,
    THRESHOLDS,
    Thresholds,
    actors_needed,
    corrected,
    extra_types,
    ranked,
    thresholds,
)

SURE_SANCTION = {"SANCTION": 0.92, "THREATEN": 0.05, "CONSULT": 0.03}


def test_rules_keep_their_type_in_articles() -> None:
    assert corrected("THREATEN", SURE_SANCTION, THRESHOLDS) == "THREATEN"


def test_a_sure_typer_corrects_a_doubted_rule_type_when_allowed() -> None:
    th = Thresholds(retype=0.6, doubt=0.08)
    assert corrected("CONSULT", SURE_SANCTION, th) == "SANCTION"
    assert corrected("THREATEN", {"SANCTION": 0.55, "THREATEN": 0.4}, th) == "THREATEN"


def test_a_stand_alone_sentence_takes_the_typer_type_when_it_is_sure() -> None:
    assert corrected("SANCTION", {"COERCE": 0.7, "SANCTION": 0.1, "THREATEN": 0.2}, ALONE) == "COERCE"
    assert corrected("SANCTION", {"COERCE": 0.55, "SANCTION": 0.3}, ALONE) == "SANCTION"  # not doubted
    assert corrected("SANCTION", {"COERCE": 0.45, "AID": 0.44}, ALONE) == "SANCTION"  # not sure
    assert corrected("SANCTION", {"COERCE": 0.7, "SANCTION": 0.1}, THRESHOLDS) == "SANCTION"


def test_new_event_needs_a_sure_typer_in_an_article() -> None:
    assert extra_types(set(), SURE_SANCTION, THRESHOLDS) == [("SANCTION", 0.92)]
    assert extra_types(set(), {"SANCTION": 0.7, "AID": 0.3}, THRESHOLDS) == []
    assert extra_types(set(), {"SANCTION": 0.7, "AID": 0.3}, ALONE) == [("SANCTION", 0.7), ("AID", 0.3)]


def test_a_type_the_rules_found_is_not_added_twice() -> None:
    assert extra_types({"SANCTION"}, SURE_SANCTION, ALONE) == []


def test_one_sentence_texts_trust_the_typer_more() -> None:
    assert thresholds(1) is ALONE and thresholds(12) is THRESHOLDS
    assert actors_needed(0.5, ALONE) == 1 and actors_needed(0.5, THRESHOLDS) == 2


def test_ranked_ignores_labels_outside_plover() -> None:
    assert ranked({"consult": 0.6, "NONE": 0.3, "AID": 0.1}) == [("CONSULT", 0.6), ("AID", 0.1)]
