"""The sentence-set scorer against hand-worked cases of the PLV README's rules."""

from __future__ import annotations

import pytest

from pipeline.tools.evaluate_sentences import loose_match, name_tokens, score_sentences


def _ev(kind: str, *actors: str) -> dict[str, object]:
    return {"type": kind, "actors": list(actors)}


GOLD = {
    "a.txt": {
        "plover": ["ACCUSE"],
        "accept": {},
        "pairs": [
            {"type": "ACCUSE", "source": "Iranian Foreign Minister Mohammad Javad Zarif", "target": "U.S."}
        ],
    },
    "b.txt": {
        "plover": ["CONCEDE"],
        "accept": {"CONCEDE": ["RETREAT"]},
        "pairs": [{"type": "CONCEDE", "source": "Uganda", "target": "British nationals"}],
    },
    "c.txt": {
        "plover": ["AGREE"],
        "accept": {},
        "pairs": [{"type": "AGREE", "source": "American Civil Liberties Union", "target": ""}],
    },
    "d.txt": {
        "plover": ["ASSAULT"],
        "accept": {},
        "pairs": [{"type": "ASSAULT", "source": "rebels", "target": ""}],
    },
}


def test_distinct_types_accept_lists_and_false_positives() -> None:
    predictions = {
        # recalled with an actor match (Iran ~ Iranian), plus a false REJECT; the repeat counts once
        "a.txt": [_ev("accuse", "Iran"), _ev("ACCUSE", "Tehran"), _ev("REJECT", "Iran")],
        # RETREAT is accepted for CONCEDE (PLV YIELD) and counts for CONCEDE
        "b.txt": [_ev("RETREAT", "Uganda")],
        # wrong type only
        "c.txt": [_ev("SUPPORT", "ACLU")],
        # d.txt absent: not extracted
    }
    r = score_sentences(predictions, GOLD)
    assert r.sentences == 4
    assert r.not_extracted == 1
    assert r.no_prediction == 1
    assert r.type_recall == pytest.approx(2 / 4)
    # distinct predicted types: a {ACCUSE, REJECT}, b {RETREAT}, c {SUPPORT} -> 4, of which 2 correct
    assert r.type_precision == pytest.approx(2 / 4)
    # events, not deduplicated: 5, of which 3 correct (two ACCUSE, one RETREAT)
    assert r.event_precision == pytest.approx(3 / 5)
    assert r.per_type["CONCEDE"].recalled == 1 and r.per_type["CONCEDE"].precision == 1.0
    assert "RETREAT" not in r.per_type
    assert r.per_type["REJECT"].false_positives == 1 and r.per_type["REJECT"].gold == 0
    assert r.per_type["ACCUSE"].f1 == 1.0
    assert r.per_type["AGREE"].f1 == 0.0 and r.per_type["ASSAULT"].f1 == 0.0
    # macro over the four gold types only (REJECT and SUPPORT are predicted-only)
    assert r.macro_f1 == pytest.approx((1.0 + 1.0 + 0.0 + 0.0) / 4)
    assert r.actor_hit == 1.0


def test_per_type_precision_counts_false_positives_of_that_type() -> None:
    gold = {f"s{i}.txt": {"plover": ["AGREE"], "accept": {}, "pairs": []} for i in range(3)}
    gold["t.txt"] = {"plover": ["CONSULT"], "accept": {}, "pairs": []}
    preds = {"s0.txt": [_ev("AGREE")], "s1.txt": [_ev("AGREE")], "s2.txt": [], "t.txt": [_ev("AGREE")]}
    r = score_sentences(preds, gold)
    agree = r.per_type["AGREE"]
    assert (agree.gold, agree.recalled, agree.false_positives) == (3, 2, 1)
    assert agree.recall == pytest.approx(2 / 3) and agree.precision == pytest.approx(2 / 3)
    assert r.macro_f1 == pytest.approx((2 / 3 + 0.0) / 2)
    assert r.no_prediction == 1 and r.not_extracted == 0


def test_actor_hit_needs_an_actor_on_an_event_of_the_matching_type() -> None:
    preds = {"a.txt": [_ev("ACCUSE", "France"), _ev("REJECT", "Iran")]}
    r = score_sentences(preds, {"a.txt": GOLD["a.txt"]})
    assert r.type_recall == 1.0
    assert r.actor_hit == 0.0


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("U.S.", "Washington", True),
        ("American officials", "United States", True),
        ("Hungarian Prime Minister", "Budapest", True),
        ("Iran", "Iranian Foreign Minister Mohammad Javad Zarif", True),
        ("ACLU", "American Civil Liberties Union", True),
        ("North Korea", "South Korea", False),
        ("France", "Germany", False),
        ("the government", "the president", False),
        ("Zarif's ministry", "Mohammad Javad Zarif", True),
        ("Ira", "Iranian", False),  # prefix rule needs 4+ letters
        ("Pakistan", "Pakistanis", True),
        ("Russ", "Russellville", False),  # prefix within 3 letters only
        ("", "Iran", False),
    ],
)
def test_loose_match(a: str, b: str, expected: bool) -> None:
    assert loose_match(a, b) is expected


def test_name_tokens_fold_countries_and_drop_generic_words() -> None:
    assert name_tokens("The United States' President Donald Trump") == ["@USA", "donald", "trump"]
    assert name_tokens("Ministère de l'Intérieur") == ["ministere", "de", "l", "interieur"]
