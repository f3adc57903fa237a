"""Discovery of evaluation sets by their gold files, and the one table."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.config import Settings
from pipeline.tools.evaluate_all import Row, discover, format_table, kind_of


def _set(root: Path, gold: dict[str, object]) -> None:
    (root / "articles").mkdir(parents=True)
    (root / "gold.json").write_text(json.dumps(gold))


def test_kind_of_each_gold_format() -> None:
    article = {"events": [{"type": "CONSULT"}], "entities": [], "quotes": []}
    quotes_only = {"events": [], "entities": [], "quotes": [{"speaker": "A", "text": "b"}]}
    assert kind_of({"format": "diplomatic-gold/1", "articles": {"a.txt": article}}) == "articles"
    assert kind_of({"format": "diplomatic-gold/1", "articles": {"a.txt": quotes_only}}) == "quotes"
    assert kind_of({"s.txt": {"plover": ["AGREE"], "accept": {}, "pairs": []}}) == "sentences"
    assert kind_of({"files": {}}) is None


def test_discover_finds_sets_by_gold_file(tmp_path: Path) -> None:
    eval_dir = tmp_path / "eval"
    _set(eval_dir / "zeta" / "plv", {"s.txt": {"plover": ["AGREE"]}})
    _set(
        eval_dir / "alpha",
        {"format": "diplomatic-gold/1", "articles": {"a.txt": {"events": [], "quotes": []}}},
    )
    (eval_dir / "ingest").mkdir()
    (eval_dir / "ingest" / "expected.json").write_text("{}")
    found = discover(Settings(shared_dir=tmp_path))
    assert [(s.name, s.kind) for s in found] == [
        ("seeds", "articles"),
        ("alpha", "quotes"),
        ("zeta/plv", "sentences"),
    ]
    assert found[2].articles == eval_dir / "zeta" / "plv" / "articles"


def test_table_has_a_dash_where_a_figure_does_not_apply() -> None:
    rows = [
        Row(
            "seeds", "articles", 2, {"entities_f1": 0.95, "quotes_f1": 1.0, "speaker": 0.9, "events_f1": 0.5}
        ),
        Row("plv", "sentences", 10, {"type_recall": 0.25, "type_precision": 0.5, "macro_f1": 0.125}),
    ]
    lines = format_table(rows).splitlines()
    assert "macroF1" in lines[0] and "entities F1" in lines[0]
    assert lines[2].split()[:4] == ["seeds", "articles", "2", "0.950"]
    assert lines[3].split()[-3:] == ["0.250", "0.500", "0.125"]
    assert lines[3].split()[3] == "–"


def test_evidence_sentences_group_the_events_of_one_sentence() -> None:
    from pipeline.tools.evaluate_all import evidence_sentences

    gold = {
        "format": "diplomatic-gold/1",
        "articles": {
            "a.txt": {
                "events": [
                    {"type": "CONSULT", "evidence": "They met and agreed."},
                    {"type": "AGREE", "evidence": "They met and agreed."},
                    {"type": "CONSULT", "evidence": "They met and agreed."},
                    {"type": "REQUEST", "evidence": None},
                ]
            }
        },
    }
    assert evidence_sentences(gold) == {
        "a.txt#They met and agreed.": {"plover": ["CONSULT", "AGREE"], "accept": {}, "pairs": []}
    }
