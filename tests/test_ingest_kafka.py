"""Ingestion against the real broker: seeds in and back, keys, dead letters, watch mode."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.config import Settings
from schemas import Article, DeadLetter
from tests.conftest import SEEDS, settings_env
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.kafka


def diplofeed(
    settings: Settings, *args: str, stdin: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        env=settings_env(settings),
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def test_seeds_published_and_read_back(settings: Settings) -> None:
    result = diplofeed(settings, "publish", "-q", str(SEEDS))
    assert result.returncode == 0, result.stderr.decode()
    assert b"published 2, duplicates 0, rejected 0" in result.stderr
    records = read_topic(settings, "articles", expect=2)
    articles = {
        Article.model_validate(r["value"]).source.split("/")[-1]: (
            r["key"],
            Article.model_validate(r["value"]),
        )
        for r in records
    }
    key, telesur = articles["000_c9dcb8726aa41838.txt"]
    assert key == telesur.article_id
    assert telesur.title == "Putin and Trump to Hold an Important Phone Conversation: Peskov"
    assert telesur.outlet == "teleSUR"
    assert str(telesur.published_date) == "2025-05-19"
    assert telesur.wire_sources == ["TASS", "Sputnik", "RT"]
    assert telesur.body.startswith("Their dialogue aims to revive negotiations")
    assert "RELATED:" not in telesur.body and "@afronomista" not in telesur.body
    key, ani = articles["003_945e849477d99e4f.txt"]
    assert ani.title is None and ani.outlet == "ANI" and ani.dateline_place == "Moscow"
    assert str(ani.published_date) == "2025-05-19"
    assert ani.body.startswith("US President Donald Trump is expected to speak")
    assert ani.body.rstrip().endswith("spokesperson Tammy Bruce.")


def test_publishing_twice_gives_the_same_keys(settings: Settings) -> None:
    assert diplofeed(settings, "publish", "-q", str(SEEDS)).returncode == 0
    assert diplofeed(settings, "publish", "-q", str(SEEDS)).returncode == 0
    records = read_topic(settings, "articles", expect=4)
    keys = [r["key"] for r in records]
    assert len(keys) == 4 and len(set(keys)) == 2
    # within one batch a repeated article is a duplicate, not a second record
    both = diplofeed(
        settings,
        "publish",
        "-q",
        str(SEEDS / "000_c9dcb8726aa41838.txt"),
        str(SEEDS / "000_c9dcb8726aa41838.txt"),
    )
    assert b"published 1, duplicates 1, rejected 0" in both.stderr


def test_bad_inputs_are_dead_lettered_and_good_ones_go_through(settings: Settings, tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "a_good.txt").write_bytes((SEEDS / "000_c9dcb8726aa41838.txt").read_bytes())
    (batch / "b_binary.txt").write_bytes(bytes(range(256)) * 4)
    (batch / "c_latin1.txt").write_bytes("Déclaration du président à Genève".encode("latin-1"))
    (batch / "d_empty.txt").write_bytes(b"   \n\n")
    (batch / "e_huge.txt").write_bytes(b"Title\n\n" + b"word " * 60_000)
    lines = [
        json.dumps(
            {"title": "Talks", "body": "Russia and Ukraine held talks in Istanbul on Friday.", "outlet": "X"}
        ),
        "{not json",
        json.dumps({"title": "no body"}),
        json.dumps({"body": ["wrong", "type"]}),
        json.dumps([1, 2, 3]),
        json.dumps({"body": ""}),
    ]
    (batch / "f_lines.jsonl").write_text("\n".join(lines) + "\n")
    result = diplofeed(settings, "publish", "-q", str(batch))
    assert result.returncode == 1, "rejections must show in the exit status"
    assert b"published 2, duplicates 0, rejected 9" in result.stderr, result.stderr.decode()
    assert b"rejected" in result.stderr and b"not_utf8" in result.stderr
    letters = [DeadLetter.model_validate(r["value"]) for r in read_topic(settings, "dead-letters", expect=9)]
    by_source = {letter.source.split("/")[-1]: letter for letter in letters}
    assert by_source["b_binary.txt"].error == "binary"
    assert by_source["c_latin1.txt"].error == "not_utf8"
    assert by_source["d_empty.txt"].error == "empty_body"
    assert by_source["e_huge.txt"].error == "body_too_large"
    assert by_source["e_huge.txt"].raw_size > len(by_source["e_huge.txt"].raw_prefix)
    assert by_source["f_lines.jsonl:2"].error == "invalid_json"
    assert by_source["f_lines.jsonl:3"].error == "missing_body"
    assert by_source["f_lines.jsonl:4"].error == "invalid_field"
    assert by_source["f_lines.jsonl:5"].error == "not_an_object"
    assert by_source["f_lines.jsonl:6"].error == "empty_body"
    assert all(
        letter.reason and letter.stage == "publish" and len(letter.raw_sha256) == 64 for letter in letters
    )
    good = [Article.model_validate(r["value"]) for r in read_topic(settings, "articles", expect=2)]
    assert sorted(a.source.split("/")[-1] for a in good) == ["a_good.txt", "f_lines.jsonl:1"]


def test_stdin_json_lines(settings: Settings) -> None:
    payload = b'{"title": "A", "body": "Leaders met in Rome on Sunday.", "published": "2025-05-19"}\n'
    result = diplofeed(settings, "publish", "-q", "-", stdin=payload)
    assert result.returncode == 0, result.stderr.decode()
    (record,) = read_topic(settings, "articles", expect=1)
    article = Article.model_validate(record["value"])
    assert article.source == "stdin:1" and str(article.published_date) == "2025-05-19"


def test_watch_publishes_new_files_once_across_restarts(settings: Settings, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = settings_env(settings)
    command = [
        sys.executable,
        "-m",
        "pipeline.cli",
        "watch",
        str(inbox),
        "--poll",
        "0.2",
        "--metrics-port",
        "0",
    ]

    def run_for(seconds: float) -> None:
        process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
        time.sleep(seconds)
        process.terminate()
        process.wait(timeout=30)

    (inbox / "first.txt").write_bytes((SEEDS / "000_c9dcb8726aa41838.txt").read_bytes())
    run_for(6)
    assert len(read_topic(settings, "articles", idle_s=2)) == 1
    (inbox / "second.txt").write_bytes((SEEDS / "003_945e849477d99e4f.txt").read_bytes())
    run_for(6)
    records = read_topic(settings, "articles", idle_s=2)
    assert sorted(Path(Article.model_validate(r["value"]).source).name for r in records) == [
        "first.txt",
        "second.txt",
    ]
