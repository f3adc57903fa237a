"""Reliability: crashes, a broker restart, a rebalance, hostile input, load, and security settings.

Run alone with ``pytest -m reliability``.  The pure tests (fuzzing, configuration, size limits)
need no broker; the others use the session's broker (``KAFKA_BOOTSTRAP_SERVERS`` or the one
conftest starts), except the broker-restart test, which starts and restarts a broker of its own.
Figures (articles, times, rates, peak RSS) are printed to the terminal and written as JSON to
``<pytest basetemp>/reliability-figures.json``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import json
import logging
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient

from pipeline.codec import decode_record, encode_record
from pipeline.config import Settings
from pipeline.errors import Rejection
from pipeline.extraction.decode import decode_article
from pipeline.ingest.articles import JSON_FIELDS, article_from_bytes, article_from_json_line
from pipeline.ingest.publisher import ArticlePublisher, to_article
from pipeline.ingest.raw_text import RawFields, parse_raw_article
from pipeline.ingest.sources import RawInput, iter_inputs
from pipeline.ingest.watch import FolderWatcher, WatchState
from pipeline.metrics import ERROR_CODES
from pipeline.tools.broker import LocalBroker
from pipeline.tools.offline import extract_paths
from pipeline.topology import create_topics
from schemas import SCHEMA_VERSION, Article, DeadLetter
from tests.conftest import free_port
from tests.reliability_helpers import (
    PacedPublisher,
    assert_all_processed,
    check_feed,
    corpus_source,
    counts,
    dead_letters,
    event_ids,
    feed_state,
    make_articles,
    publish_all,
    read_raw,
    scrape,
    vm_hwm_mb,
    wait_caught_up,
)
from tests.worker_process import WorkerProcess, running_worker

pytestmark = pytest.mark.reliability

kafka = pytest.mark.kafka
MAX_BODY = 200_000
LOAD_ARTICLES = int(os.environ.get("DIPLOFEED_RELIABILITY_LOAD_ARTICLES", "5000"))
RSS_LIMIT_MB = 1536


# --- reporting ---


def report(config: pytest.Config, base: Path, name: str, figures: dict[str, Any], tmp_path: Path) -> None:
    """Print figures on the terminal (also without -s) and keep them as JSON."""
    text = json.dumps(figures, sort_keys=True, default=str)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # shown without -s
            reporter.write_line(f"\n[reliability] {name}: {text}")
    (tmp_path / f"{name}.json").write_text(json.dumps(figures, indent=2, sort_keys=True, default=str))
    summary = base / "reliability-figures.json"
    existing = json.loads(summary.read_text()) if summary.exists() else {}
    existing[name] = figures
    summary.write_text(json.dumps(existing, indent=2, sort_keys=True, default=str))


@pytest.fixture
def figures(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> Callable[[str, dict[str, Any]], None]:
    base = tmp_path_factory.getbasetemp()
    return lambda name, data: report(pytestconfig, base, name, data, tmp_path)


FUZZED: dict[str, int] = {}


def _count(name: str) -> None:
    FUZZED[name] = FUZZED.get(name, 0) + 1


# ======================================================================================================
# Bad input, offline: every function that turns bytes into an Article returns one or a Rejection
# ======================================================================================================

FRAGMENTS = (
    "<html><body><h1>Talks</h1><p>Lavrov met <b>Wang</b> in Beijing.</p>"
    "<script>alert(1)</script></body></html>",
    "Президент России Владимир Путин провёл переговоры с Си Цзиньпином в Пекине.",
    "وقال وزير الخارجية إن المحادثات كانت بناءة.",
    "中国外交部长王毅在北京会见了俄罗斯外长拉夫罗夫。",
    "Der Bundeskanzler traf den polnischen Ministerpräsidenten in Warschau.",
    "\u202e\u200b\u200d\ufeff\u00ad",
    "e\u0301\u0301\u0301 \U0001f600\U0001f1fa\U0001f1e6",
    "May 19, 2025 Hour: 11:22 am",
    "date 2025-05-19 Photo: Reuters",
    "MOSCOW, May 19 (Reuters) - Russia said on Monday",
    "Moscow [Russia], May 19 (ANI): The Kremlin said",
    "RELATED:",
    "Sources: TASS – Sputnik – RT",
    "teleSUR/ JF",
    "Published: 31 February 2025 99:99",
    "(L) (R) Photo by AFP via Getty Images",
    '"We will talk," he said. (ANI)',
    "\x00\x01\x02\x07\x1b[31m",
    "\r\n\r\n",
    "\t \f\v",
    "{" * 50,
    "null",
)
SEPARATORS = ("\n", "\n\n", "\r\n", " ", "", "\r", "\x00", "\u2028")

texts = st.lists(
    st.one_of(st.text(max_size=80), st.sampled_from(FRAGMENTS), st.sampled_from(SEPARATORS)), max_size=14
).map("".join)

json_leaves = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=40), texts
)
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=16,
)
field_values = st.one_of(
    st.none(),
    texts,
    st.sampled_from(
        ["2025-05-19", "2025-05-19T11:22:00+03:00", "2025-13-40", "yesterday", "", " ", "+99999"]
    ),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
article_objects = st.dictionaries(
    st.sampled_from(sorted([*JSON_FIELDS, "schema_version", "article_id", "Body", "extra"])),
    field_values,
    max_size=8,
)

FUZZ = hypothesis_settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check_outcome(result: Article | Rejection, source: str, name: str) -> None:
    """A valid, publishable article the worker accepts as is, or a rejection with a code and a reason."""
    _count(name)
    if isinstance(result, Article):
        assert result.body.strip(), "an article with an empty body"
        assert len(result.body) <= MAX_BODY
        wire = encode_record(result)
        assert decode_record(Article, wire) == result
        assert decode_article(wire, "articles/0/0", MAX_BODY) == result, (
            "the worker refuses what was published"
        )
        return
    assert isinstance(result, Rejection), type(result)
    assert result.error in ERROR_CODES, f"unknown error code {result.error!r}"
    assert result.reason.strip() and result.source == source
    letter = result.dead_letter()
    assert decode_record(DeadLetter, encode_record(letter)) == letter
    assert letter.raw_size == len(result.raw) and len(letter.raw_prefix.encode()) <= 3 * 4096


@FUZZ
@given(texts)
@example("")
@example("Title only")
@example("Title\n\nBody.")
def test_fuzz_parse_raw_article(text: str) -> None:
    """The raw-text parser returns fields or says there is no body (ValueError), nothing else."""
    _count("parse_raw_article")
    try:
        fields = parse_raw_article(text)
    except ValueError as error:
        assert str(error)
        return
    assert isinstance(fields, RawFields) and fields.body.strip()
    assert fields.title is None or fields.title.strip()


@FUZZ
@given(st.one_of(st.binary(max_size=3000), texts.map(lambda t: t.encode("utf-8", "surrogatepass"))))
@example(b"\xff\xfe\x00\x00garbage")
@example(b"\xef\xbb\xbfTitle\n\nBody with a BOM.")
@example(bytes(range(256)))
@example(b"\x1b" * 50 + b"text")
def test_fuzz_article_from_bytes(raw: bytes) -> None:
    check_outcome(article_from_bytes(raw, "fuzz.txt"), "fuzz.txt", "article_from_bytes")


@FUZZ
@given(st.one_of(json_values.map(json.dumps), article_objects.map(json.dumps), st.text(max_size=200)))
@example('{"body": "Lavrov met Wang Yi in Beijing.", "title": "x\\ud800"}')
@example('{"body": "\\u0000\\u0001 Lavrov met Wang Yi."}')
@example('{"text": "Title\\n\\nLavrov met Wang Yi in Beijing on Monday."}')
@example('{"body": 5}')
@example('{"body": null, "text": null}')
@example('{"body": "x", "published": "2025-02-30"}')
@example('{"body": "x", "unexpected": 1}')
@example("[]")
@example("1e400")
@example('{"body": "a", "body": ""}')
def test_fuzz_article_from_json_line(line: str) -> None:
    raw = line.encode("utf-8", "surrogatepass")
    check_outcome(article_from_json_line(raw, "in.jsonl:1"), "in.jsonl:1", "article_from_json_line")


@FUZZ
@given(
    st.lists(st.tuples(st.sampled_from([".txt", ".jsonl", ".md", ""]), st.binary(max_size=2000)), max_size=5)
)
def test_fuzz_iter_inputs_and_to_article(files: list[tuple[str, bytes]]) -> None:
    """Folders of arbitrary files: every input read becomes an article or a rejection."""
    settings = Settings(max_input_bytes=1500, kafka_bootstrap_servers="127.0.0.1:1")
    with tempfile.TemporaryDirectory() as folder:
        for n, (suffix, content) in enumerate(files):
            (Path(folder) / f"f{n}{suffix}").write_bytes(content)
        for raw in iter_inputs([folder], max_bytes=settings.max_input_bytes):
            assert len(raw.payload) <= settings.max_input_bytes
            result = to_article(raw, settings)
            check_outcome(result, raw.source, "iter_inputs+to_article")
            if raw.oversize:
                assert isinstance(result, Rejection) and result.error == "input_too_large"


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_iter_inputs_stdin(data: bytes) -> None:
    settings = Settings(max_input_bytes=1000, kafka_bootstrap_servers="127.0.0.1:1")
    for raw in iter_inputs(["-"], max_bytes=settings.max_input_bytes, stdin=io.BytesIO(data)):
        assert len(raw.payload) <= settings.max_input_bytes
        check_outcome(to_article(raw, settings), raw.source, "iter_inputs(stdin)+to_article")


def _valid_article_json() -> dict[str, Any]:
    article = article_from_json_line(b'{"body": "Lavrov met Wang Yi in Beijing.", "outlet": "X"}', "s")
    assert isinstance(article, Article)
    return json.loads(encode_record(article))


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=1000),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.dictionaries(st.sampled_from(sorted(_valid_article_json())), field_values, max_size=6).map(
            lambda patch: json.dumps({**_valid_article_json(), **patch}).encode()
        ),
        st.sampled_from(sorted(_valid_article_json())).map(
            lambda drop: json.dumps({k: v for k, v in _valid_article_json().items() if k != drop}).encode()
        ),
    )
)
@example(None)
@example(b"")
@example(json.dumps({**_valid_article_json(), "schema_version": 99}).encode())
@example(b"[" * 100_000 + b"]" * 100_000)
def test_fuzz_worker_decoder(raw: bytes | None) -> None:
    """What a foreign producer can write onto ``articles``: an Article or a coded Rejection."""
    _count("worker decode_article")
    decoded = decode_article(raw, "articles/0/0", MAX_BODY)
    if isinstance(decoded, Article):
        assert decode_record(Article, encode_record(decoded)) == decoded
        return
    assert isinstance(decoded, Rejection)
    assert decoded.error in ERROR_CODES and decoded.reason.strip()
    assert decoded.dead_letter(stage="worker").error == decoded.error


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        (
            "10 MB text body",
            lambda: article_from_bytes(b"Title\n\n" + b"word " * 2_000_000, "f"),
            "body_too_large",
        ),
        (
            "10 MB JSON body",
            lambda: article_from_json_line(json.dumps({"body": "x" * 10_000_000}).encode(), "f:1"),
            "body_too_large",
        ),
        (
            "10 MB of paragraphs",
            lambda: article_from_bytes(("A sentence about talks.\n\n" * 400_000).encode(), "f"),
            "body_too_large",
        ),
        (
            "deeply nested JSON",
            lambda: article_from_json_line(b"[" * 200_000 + b"]" * 200_000, "f:1"),
            "invalid_json",
        ),
        (
            "huge JSON object",
            lambda: article_from_json_line(json.dumps({f"k{i}": i for i in range(200_000)}).encode(), "f:1"),
            "invalid_field",
        ),
        ("NUL bytes", lambda: article_from_bytes(b"Title\n\nBody\x00\x00", "f"), "binary"),
        ("control characters", lambda: article_from_bytes(b"\x01\x02\x03\x04" * 100, "f"), "binary"),
        (
            "latin-1 text",
            lambda: article_from_bytes("Title\n\nCaf\u00e9 talks.".encode("latin-1"), "f"),
            "not_utf8",
        ),
        ("whitespace", lambda: article_from_bytes(b" \n\t\r\n ", "f"), "empty_body"),
        ("JSON body of spaces", lambda: article_from_json_line(b'{"body": "   "}', "f:1"), "empty_body"),
    ],
)
def test_bad_inputs_have_codes_and_reasons(name: str, make: Callable[[], Any], expected: str) -> None:
    started = time.monotonic()
    result = make()
    assert isinstance(result, Rejection), name
    assert result.error == expected and result.reason.strip(), (name, result.error, result.reason)
    assert time.monotonic() - started < 30, f"{name} took too long"


@pytest.mark.parametrize(
    "body",
    [
        "Президент России Владимир Путин провёл переговоры с Си Цзиньпином в Пекине 19 мая.",
        "中国外交部长王毅在北京会见了俄罗斯外长拉夫罗夫。",
        "<p>French President <b>Emmanuel Macron</b> met <i>Olaf Scholz</i> in Berlin.</p><script>1</script>",
    ],
)
def test_foreign_language_and_html_articles_are_accepted_intact(body: str) -> None:
    result = article_from_bytes(f"Headline\n\n{body}".encode(), "f")
    check_outcome(result, "f", "non-English/HTML")
    assert isinstance(result, Article) and result.body == body


# ======================================================================================================
# Size limits on every input path
# ======================================================================================================

LIMIT = 500_000
TEN_MB = 10_000_000


class LazyStream(io.RawIOBase):
    """``head``, then ``size`` generated bytes without a newline, then ``tail``: never all in memory."""

    def __init__(self, head: bytes, size: int, tail: bytes = b"") -> None:
        self.head, self.size, self.tail = head, size, tail
        self.position = 0

    @property
    def total(self) -> int:
        return len(self.head) + self.size + len(self.tail)

    def readable(self) -> bool:
        return True

    def _slice(self, start: int, end: int) -> bytes:
        fill_start, fill_end = len(self.head), len(self.head) + self.size
        out = self.head[start:end] if start < fill_start else b""
        out += b"x" * max(0, min(end, fill_end) - max(start, fill_start))
        if end > fill_end:
            out += self.tail[max(start, fill_end) - fill_end : end - fill_end]
        return out

    def _take(self, end: int) -> bytes:
        data = self._slice(self.position, min(end, self.total))
        self.position += len(data)
        return data

    def read(self, n: int = -1) -> bytes:
        return self._take(self.total if n < 0 else self.position + n)

    def readline(self, limit: int = -1) -> bytes:  # type: ignore[override]
        fill_start, fill_end = len(self.head), len(self.head) + self.size
        newline = self.head.find(b"\n", self.position) if self.position < fill_start else -1
        if newline < 0:
            found = self.tail.find(b"\n", max(0, self.position - fill_end))
            newline = fill_end + found if found >= 0 else self.total - 1
        end = newline + 1
        return self._take(end if limit < 0 else min(end, self.position + limit))


def _peak_while(action: Callable[[], Any]) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        result = action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def _outcomes(inputs: list[RawInput], settings: Settings) -> list[tuple[str, str | None]]:
    out = []
    for raw in inputs:
        result = to_article(raw, settings)
        out.append((raw.source, result.error if isinstance(result, Rejection) else None))
    return out


def test_every_input_path_has_a_size_limit(
    tmp_path: Path, figures: Callable[[str, dict[str, Any]], None]
) -> None:
    """10 MB on stdin, in a JSON line, in a file and in a watched folder: rejected, never held whole."""
    settings = Settings(max_input_bytes=LIMIT, kafka_bootstrap_servers="127.0.0.1:1", data_dir=tmp_path)
    good = json.dumps({"body": "Lavrov met Wang Yi in Beijing.", "outlet": "X"}).encode() + b"\n"
    peaks: dict[str, int] = {}

    # stdin, raw text: read up to the limit and no further
    stream = LazyStream(b"Title\n\n", TEN_MB)
    inputs, peaks["stdin text"] = _peak_while(lambda: list(iter_inputs(["-"], max_bytes=LIMIT, stdin=stream)))
    assert _outcomes(inputs, settings) == [("stdin", "input_too_large")]
    assert stream.position <= LIMIT + 1, "stdin was read beyond the limit"

    # stdin, JSON Lines: the long line is cut and skipped, the next line still goes through
    stream = LazyStream(b'{"body": "', TEN_MB, tail=b'"}\n' + good)
    inputs, peaks["stdin json line"] = _peak_while(
        lambda: list(iter_inputs(["-"], max_bytes=LIMIT, stdin=stream))
    )
    assert _outcomes(inputs, settings) == [("stdin:1", "input_too_large"), ("stdin:2", None)]

    # files: a text file and a JSON Lines file with a 10 MB line
    big_text = tmp_path / "big.txt"
    big_text.write_bytes(b"Title\n\n" + b"word " * (TEN_MB // 5))
    big_jsonl = tmp_path / "big.jsonl"
    big_jsonl.write_bytes(json.dumps({"body": "y" * TEN_MB}).encode() + b"\n" + good)
    outcomes, peaks["files"] = _peak_while(
        lambda: [
            _outcomes([raw], settings)[0]
            for raw in iter_inputs([str(big_text), str(big_jsonl)], max_bytes=LIMIT)
        ]
    )
    assert outcomes == [
        (str(big_text), "input_too_large"),
        (f"{big_jsonl}:1", "input_too_large"),
        (f"{big_jsonl}:2", None),
    ]

    # a JSON line under the input limit whose body is over the body limit
    line = json.dumps({"body": "z" * (MAX_BODY + 1)}).encode()
    assert _outcomes([RawInput("x:1", "json", line)], settings) == [("x:1", "body_too_large")]

    # the watched folder: the file is hashed and read in bounded pieces
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(big_text, folder / "big.txt")
    sent: list[tuple[str, bytes]] = []
    publisher = ArticlePublisher(settings, producer=_RecordingProducer(sent))  # type: ignore[arg-type]
    watcher = FolderWatcher(folder, publisher, WatchState(tmp_path / "watch.json"), max_bytes=LIMIT, poll_s=0)
    watcher.scan_once()  # first sight: wait for the file to be stable
    summary, peaks["watch"] = _peak_while(watcher.scan_once)
    assert summary.rejected == 1 and summary.rejections[0].error == "input_too_large"
    assert [topic for topic, _ in sent] == [settings.topic("dead-letters")]

    for path, peak in peaks.items():  # a few bounded buffers (1 MB pieces when draining), never the input
        assert peak < TEN_MB / 2, f"{path}: peak memory {peak / 1e6:.1f} MB for a 10 MB input (limit 0.5 MB)"
    figures("size_limits", {"input_bytes": TEN_MB, "limit_bytes": LIMIT, "peak_python_alloc_bytes": peaks})


class _RecordingProducer:
    """Stands in for KafkaProducer: records sends, every send succeeds."""

    def __init__(self, sent: list[tuple[str, bytes]]) -> None:
        self.sent = sent

    def send(self, topic: str, key: bytes, value: bytes) -> concurrent.futures.Future[None]:
        self.sent.append((topic, value))
        future: concurrent.futures.Future[None] = concurrent.futures.Future()
        future.set_result(None)
        return future

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_fuzzed_inputs_total(figures: Callable[[str, dict[str, Any]], None]) -> None:
    """Reports how many inputs the fuzz tests above fed (runs after them, in file order)."""
    figures("fuzzing", {"inputs_by_target": dict(FUZZED), "inputs_total": sum(FUZZED.values())})


# ======================================================================================================
# Security settings
# ======================================================================================================

PASSWORD = "s3cr3t-Pa55w0rd-" + uuid.uuid4().hex[:8]


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A throw-away CA, a server certificate for localhost and a client certificate, made with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl CLI is needed to make test certificates")
    folder = tmp_path_factory.mktemp("tls")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=folder, check=True, capture_output=True)

    run(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=diplofeed test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    )
    (folder / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    for name, subject in (("server", "/CN=localhost"), ("client", "/CN=diplofeed-client")):
        run(
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            subject,
            "-keyout",
            f"{name}.key",
            "-out",
            f"{name}.csr",
        )
        run(
            "x509",
            "-req",
            "-in",
            f"{name}.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san.ext",
            "-out",
            f"{name}.pem",
        )
    return {
        name: folder / name for name in ("ca.pem", "server.pem", "server.key", "client.pem", "client.key")
    }


def _env_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> Settings:
    """Settings read from the environment, as a deployment would set them."""
    for key in list(os.environ):
        if key.startswith("DIPLOFEED_KAFKA_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")
    monkeypatch.setenv("DIPLOFEED_DATA_DIR", str(tmp_path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Settings()


def _tls_round_trip(server_context: ssl.SSLContext, client_context: ssl.SSLContext) -> dict[str, Any] | None:
    """One real TLS handshake and "ok" exchange on localhost; the certificate the client presented."""

    async def handshake() -> dict[str, Any] | None:
        seen: dict[str, Any] = {}

        async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            seen["cert"] = writer.get_extra_info("peercert")
            writer.write(b"ok")
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(on_client, "127.0.0.1", 0, ssl=server_context)
        port = server.sockets[0].getsockname()[1]
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port, ssl=client_context, server_hostname="localhost"),
                10,
            )
            assert await reader.read(2) == b"ok"
            writer.close()
        finally:
            server.close()
            await server.wait_closed()
        return seen.get("cert")

    return asyncio.run(handshake())


def _mutual_tls(client_context: ssl.SSLContext, files: dict[str, Path]) -> str:
    """Handshake with a local TLS server that demands a client certificate; the client's CN."""
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(files["ca.pem"]))
    server_context.load_cert_chain(str(files["server.pem"]), str(files["server.key"]))
    server_context.verify_mode = ssl.CERT_REQUIRED
    cert = _tls_round_trip(server_context, client_context)
    assert cert is not None
    return dict(pair for rdn in cert["subject"] for pair in rdn)["commonName"]


def test_plaintext_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = _env_settings(monkeypatch, tmp_path)
    assert settings.kafka_security_protocol == "PLAINTEXT"
    assert settings.kafka_python_security() == {}
    assert settings.aiokafka_security() == {}
    assert settings.faust_broker_credentials() is None


def test_sasl_ssl_scram_configuration(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    tls_files: dict[str, Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth
    from kafka import KafkaConsumer

    caplog.set_level(logging.DEBUG)
    settings = _env_settings(
        monkeypatch,
        tmp_path,
        DIPLOFEED_KAFKA_SECURITY_PROTOCOL="SASL_SSL",
        DIPLOFEED_KAFKA_SASL_MECHANISM="SCRAM-SHA-512",
        DIPLOFEED_KAFKA_SASL_USERNAME="diplofeed",
        DIPLOFEED_KAFKA_SASL_PASSWORD=PASSWORD,
        DIPLOFEED_KAFKA_SSL_CAFILE=str(tls_files["ca.pem"]),
    )
    # kafka-python: every option is one the clients know, with the values configured
    options = settings.kafka_python_security()
    assert options == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "diplofeed",
        "sasl_plain_password": PASSWORD,
        "ssl_cafile": str(tls_files["ca.pem"]),
        "ssl_certfile": None,
        "ssl_keyfile": None,
    }
    for client in (KafkaProducer, KafkaConsumer, KafkaAdminClient):
        assert set(options) <= set(client.DEFAULT_CONFIG), client.__name__
    consumer = KafkaConsumer(bootstrap_servers="127.0.0.1:1", api_version=(2, 8, 0), **options)
    consumer.close()

    # aiokafka: clients accept the options (they validate protocol, mechanism and SSL context)
    ai_options = settings.aiokafka_security()
    assert ai_options["security_protocol"] == "SASL_SSL" and ai_options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert ai_options["sasl_plain_username"] == "diplofeed" and ai_options["sasl_plain_password"] == PASSWORD
    context = ai_options["ssl_context"]
    assert isinstance(context, ssl.SSLContext) and context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname

    async def build() -> None:
        from aiokafka.client import AIOKafkaClient

        client = AIOKafkaClient(bootstrap_servers="127.0.0.1:1", **ai_options)  # validates the combination
        assert client._security_protocol == "SASL_SSL" and client._sasl_mechanism == "SCRAM-SHA-512"
        producer = AIOKafkaProducer(bootstrap_servers="127.0.0.1:1", **ai_options)
        consumer = AIOKafkaConsumer("t", bootstrap_servers="127.0.0.1:1", **ai_options)
        await producer.stop()
        await consumer.stop()
        await client.close()

    asyncio.run(build())

    # Faust: SASL credentials with the mechanism, turned into the same aiokafka options by its driver
    credentials = settings.faust_broker_credentials()
    auth = credentials_to_aiokafka_auth(credentials)
    assert auth["security_protocol"] == "SASL_SSL" and auth["sasl_mechanism"] == "SCRAM-SHA-512"
    assert auth["sasl_plain_username"] == "diplofeed" and auth["sasl_plain_password"] == PASSWORD
    assert isinstance(auth["ssl_context"], ssl.SSLContext)
    from pipeline.app import make_app

    app = make_app(settings)
    app_auth = credentials_to_aiokafka_auth(app.conf.broker_credentials)
    assert {k: v for k, v in app_auth.items() if k != "ssl_context"} == {
        k: v for k, v in auth.items() if k != "ssl_context"
    }

    # The server certificate signed by the configured CA is trusted by the contexts built from settings
    server_ok = _server_only_tls(context, tls_files)
    assert server_ok and _server_only_tls(auth["ssl_context"], tls_files)

    # The password is in no representation of the settings and in no log record
    for text in (repr(settings), str(settings), settings.model_dump_json(), repr(settings.model_dump())):
        assert PASSWORD not in text
    assert PASSWORD not in caplog.text


def _server_only_tls(client_context: ssl.SSLContext, files: dict[str, Path]) -> bool:
    """Handshake with a local TLS server (no client certificate asked)."""
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(str(files["server.pem"]), str(files["server.key"]))
    _tls_round_trip(server_context, client_context)  # raises unless the handshake and exchange worked
    return True


def test_ssl_with_client_certificates(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tls_files: dict[str, Path]
) -> None:
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    settings = _env_settings(
        monkeypatch,
        tmp_path,
        DIPLOFEED_KAFKA_SECURITY_PROTOCOL="SSL",
        DIPLOFEED_KAFKA_SSL_CAFILE=str(tls_files["ca.pem"]),
        DIPLOFEED_KAFKA_SSL_CERTFILE=str(tls_files["client.pem"]),
        DIPLOFEED_KAFKA_SSL_KEYFILE=str(tls_files["client.key"]),
    )
    assert settings.kafka_python_security() == {
        "security_protocol": "SSL",
        "ssl_cafile": str(tls_files["ca.pem"]),
        "ssl_certfile": str(tls_files["client.pem"]),
        "ssl_keyfile": str(tls_files["client.key"]),
    }
    ai_options = settings.aiokafka_security()
    assert (
        set(ai_options) == {"security_protocol", "ssl_context"} and ai_options["security_protocol"] == "SSL"
    )
    auth = credentials_to_aiokafka_auth(settings.faust_broker_credentials())
    assert auth["security_protocol"] == "SSL"
    # Mutual TLS against a server that demands a client certificate from our CA: both contexts work
    assert _mutual_tls(ai_options["ssl_context"], tls_files) == "diplofeed-client"
    assert _mutual_tls(auth["ssl_context"], tls_files) == "diplofeed-client"
    # ...and a context without the CA does not trust the server
    with pytest.raises(ssl.SSLError):
        _mutual_tls(ssl.create_default_context(), tls_files)


def test_password_not_in_cli_output(tmp_path: Path) -> None:
    """A command that fails to reach a SASL cluster says so without printing the password."""
    env = dict(os.environ)
    env.update(
        {
            "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",
            "DIPLOFEED_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "DIPLOFEED_KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
            "DIPLOFEED_KAFKA_SASL_USERNAME": "diplofeed",
            "DIPLOFEED_KAFKA_SASL_PASSWORD": PASSWORD,
            "DIPLOFEED_DATA_DIR": str(tmp_path),
            "DIPLOFEED_LOG_LEVEL": "DEBUG",
        }
    )
    for args in (["broker", "status"], ["topics", "create"]):
        try:
            result = subprocess.run(
                [sys.executable, "-m", "pipeline.cli", *args],
                env=env,
                capture_output=True,
                timeout=90,
                check=False,
            )
            output = result.stdout + result.stderr
        except subprocess.TimeoutExpired as timeout:
            output = (timeout.stdout or b"") + (timeout.stderr or b"")
        assert PASSWORD.encode() not in output, args


# ======================================================================================================
# With a broker: a shared worker for hostile records, read-only HTTP and the load test
# ======================================================================================================


@pytest.fixture(scope="module")
def shared_settings(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    run = uuid.uuid4().hex[:8]
    return Settings(
        kafka_bootstrap_servers=kafka_bootstrap,
        topic_prefix=f"r{run}-",
        app_id=f"diplofeed-r{run}",
        data_dir=tmp_path_factory.mktemp("shared-worker"),
        web_port=free_port(),
    )


@pytest.fixture(scope="module")
def shared_worker(shared_settings: Settings) -> Iterator[WorkerProcess]:
    create_topics(shared_settings)
    with running_worker(shared_settings, shared_settings.data_dir / "worker.log") as worker:
        yield worker


def _foreign_records() -> list[tuple[str, bytes | None]]:
    """(expected error code, value) of records a foreign producer writes straight onto ``articles``."""
    valid = _valid_article_json()
    return [
        ("not_utf8", b"\xff\xfe\x00\x01 garbage \x9c\x80"),
        ("not_utf8", bytes(range(128, 256))),
        ("invalid_json", b"{this is not json"),
        ("invalid_json", b""),
        ("invalid_json", b"[" * 50_000 + b"]" * 50_000),
        ("invalid_record", b"[1, 2, 3]"),
        ("invalid_record", None),
        ("unsupported_schema_version", json.dumps({**valid, "schema_version": SCHEMA_VERSION + 98}).encode()),
        ("invalid_record", json.dumps({k: v for k, v in valid.items() if k != "article_id"}).encode()),
        ("invalid_record", json.dumps({"schema_version": SCHEMA_VERSION, "body": "x"}).encode()),
        ("invalid_record", json.dumps({**valid, "body": 12345, "published_at": "not a date"}).encode()),
        ("body_too_large", json.dumps({**valid, "body": "Talks in Geneva. " * 300_000}).encode()),  # 5 MB
    ]


@kafka
def test_foreign_garbage_is_dead_lettered_and_never_fatal(
    shared_settings: Settings, shared_worker: WorkerProcess, figures: Callable[[str, dict[str, Any]], None]
) -> None:
    settings = shared_settings
    pid = shared_worker.process.pid if shared_worker.process else None
    good_before = make_articles(3, "before-garbage")
    good_after = make_articles(5, "after-garbage")
    ids = publish_all(settings, good_before, "before-garbage")

    producer = KafkaProducer(
        bootstrap_servers=settings.bootstrap_servers, max_request_size=8 * 1024 * 1024, acks="all"
    )
    sources: dict[str, str] = {}
    try:
        for n, (code, value) in enumerate(_foreign_records()):
            meta = producer.send(settings.topic("articles"), key=f"foreign-{n}".encode(), value=value).get(60)
            sources[f"{meta.topic}/{meta.partition}/{meta.offset}"] = code
    finally:
        producer.close()
    ids += publish_all(settings, good_after, "after-garbage")

    wait_caught_up(settings, 300)
    assert shared_worker.process is not None and shared_worker.process.poll() is None, (
        shared_worker.log_tail()
    )
    assert shared_worker.process.pid == pid
    letters = {d["source"]: d for d in dead_letters(settings) if d["stage"] == "worker"}
    for source, code in sources.items():
        assert source in letters, f"no dead letter for {source} ({code})"
        letter = letters[source]
        assert letter["error"] == code, (source, letter["error"], letter["reason"])
        assert letter["reason"].strip() and len(letter["raw_prefix"].encode()) <= 3 * 4096
    processed = assert_all_processed(settings, ids)
    assert processed["dead_lettered"] == 0
    figures(
        "foreign_records",
        {
            "bad_records": len(sources),
            "dead_lettered": len(sources),
            "good_articles_after": len(good_after),
            "codes": sorted(set(sources.values())),
        },
    )


@kafka
def test_http_endpoints_are_read_only(shared_worker: WorkerProcess) -> None:
    paths = ["/feed", "/feed.atom", "/live", "/metrics", "/healthz", "/feed/some-item-id"]
    for path in paths:
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            request = urllib.request.Request(shared_worker.base_url + path, data=b'{"x": 1}', method=method)
            request.add_header("Content-Type", "application/json")
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            assert status in (404, 405), f"{method} {path} -> {status}"
    assert shared_worker.get("/feed") is not None and "diplofeed_" in shared_worker.get("/metrics")


@kafka
@pytest.mark.timeout(1800)
def test_load_catches_up_with_bounded_memory(
    shared_settings: Settings, shared_worker: WorkerProcess, figures: Callable[[str, dict[str, Any]], None]
) -> None:
    settings, worker = shared_settings, shared_worker
    assert worker.process is not None
    pid = worker.process.pid
    # No pooled diplomatic sentence here: thousands of reports of the same 36 events make items with
    # hundreds of sources, and the sink's cost per event grows with its item (see the report).
    records = make_articles(LOAD_ARTICLES, "load", paragraphs=(1, 2), diplomatic=False)
    body_chars = sorted(len(r["body"]) for r in records)
    wait_caught_up(settings, 300)  # whatever an earlier test left
    before = counts(worker.base_url)
    stages_before = _stage_seconds(worker)
    peak = {"rss_mb": vm_hwm_mb(pid) or 0.0}

    def sample() -> None:
        peak["rss_mb"] = max(peak["rss_mb"], vm_hwm_mb(pid) or 0.0)
        assert worker.process is not None and worker.process.poll() is None, worker.log_tail()

    started = time.monotonic()
    ids = publish_all(settings, records, "load")
    published_s = time.monotonic() - started
    assert len(set(ids)) == LOAD_ARTICLES
    wait_caught_up(settings, 1500, on_poll=sample)
    elapsed = time.monotonic() - started
    sample()
    after = worker.wait_for(
        lambda: (c := counts(worker.base_url))["received"] - before["received"] >= LOAD_ARTICLES and c,
        timeout_s=30,
        what="metrics",
    )
    received = after["received"] - before["received"]
    processed = after["processed"] - before["processed"]
    dead = after["dead_lettered"] - before["dead_lettered"]
    assert received == LOAD_ARTICLES, (before, after)
    assert processed + dead == received, (before, after)
    assert dead == 0, f"valid articles dead-lettered: {_worker_errors(settings)}"
    assert after["received"] == after["processed"] + after["dead_lettered"], after
    stages = {k: round(v - stages_before.get(k, 0.0), 1) for k, v in _stage_seconds(worker).items()}
    outputs = assert_all_processed(settings, ids)
    feed = check_feed(settings)
    result = {
        "articles": LOAD_ARTICLES,
        "body_chars_median": body_chars[len(body_chars) // 2],
        "body_chars_max": body_chars[-1],
        "publish_s": round(published_s, 1),
        "publish_rate_per_s": round(LOAD_ARTICLES / published_s, 1),
        "catch_up_s": round(elapsed, 1),
        "rate_per_s": round(LOAD_ARTICLES / elapsed, 1),
        "processed": processed,
        "dead_lettered": dead,
        "peak_rss_mb": round(peak["rss_mb"], 1),
        "worker_stage_seconds": stages,
        "feed": feed,
        "duplicate_records": outputs["duplicate_records"],
        "corpus": corpus_source(),
    }
    figures("load", result)
    assert peak["rss_mb"] < RSS_LIMIT_MB, result


# ======================================================================================================
# Crash, broker restart, rebalance
# ======================================================================================================


def _stage_seconds(worker: WorkerProcess) -> dict[str, float]:
    """Seconds the worker spent per stage (parse, extract, publish, feed), from its histograms."""
    samples = scrape(worker.base_url)
    return {
        dict(labels)["stage"]: value
        for (name, labels), value in samples.items()
        if name == "diplofeed_stage_duration_seconds_sum"
    }


def _worker_errors(settings: Settings) -> dict[str, int]:
    """Error codes and reasons of the worker's dead letters (for failure messages)."""
    letters = [d for d in dead_letters(settings) if d["stage"] == "worker"]
    return dict(Counter(f"{d['error']}: {d['reason'][:120]}" for d in letters).most_common(5))


def _wait_processed(worker: WorkerProcess, at_least: int, timeout_s: float = 300) -> float:
    return worker.wait_for(
        lambda: (
            counts(worker.base_url).get("processed", 0) >= at_least and counts(worker.base_url)["processed"]
        ),
        timeout_s=timeout_s,
        what=f"{at_least} articles processed",
    )


def _offline_matches(
    settings: Settings, records: list[dict[str, Any]], ids: list[str], tmp_path: Path
) -> int:
    """The extraction topics hold exactly the offline extraction's record ids for these articles."""
    path = tmp_path / "subset.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    offline = extract_paths([str(path)], settings)
    assert [line["article"]["article_id"] for line in offline] == ids
    wanted = set(ids)
    for topic in ("entities", "quotes", "events"):
        online = {
            json.loads(value)["id"]
            for key, value in read_raw(settings, topic)
            if key is not None and key.decode() in wanted and value is not None
        }
        assert online == {record["id"] for line in offline for record in line[topic]}, topic
    return len(ids)


@kafka
@pytest.mark.timeout(1200)
def test_worker_killed_mid_stream_loses_nothing(
    make_settings: Callable[..., Settings], tmp_path: Path, figures: Callable[[str, dict[str, Any]], None]
) -> None:
    # A 10 s session timeout lets the group give a dead worker's partitions to the next one quickly, so
    # the test can kill four times while articles flow (the default is Kafka's 45 s).
    settings = make_settings(session_timeout_s=10.0)
    create_topics(settings)
    total = 400
    records = make_articles(total, "crash")
    started = time.monotonic()
    workers = [WorkerProcess(settings, tmp_path / "worker-1.log")]
    workers[0].start()
    publisher = PacedPublisher(settings, records, "crash", chunk=20, pause_s=1.0)
    publisher.start()
    kills: list[dict[str, Any]] = []
    try:
        for n, threshold in enumerate((40, 30, 30, 20)):
            worker = workers[-1]
            _wait_processed(worker, threshold)
            before = counts(worker.base_url)
            worker.kill()  # SIGKILL: no commit, no flush, no goodbye to the group
            kills.append(
                {"processed_by_victim": before["processed"], "published_so_far": len(publisher.published)}
            )
            workers.append(WorkerProcess(settings, tmp_path / f"worker-{n + 2}.log"))
            workers[-1].start()
        ids = publisher.result()
        assert len(set(ids)) == total
        wait_caught_up(settings, 600)
        survivor = counts(workers[-1].base_url)
    finally:
        for worker in workers:
            worker.stop()
    elapsed = time.monotonic() - started
    outputs = assert_all_processed(settings, ids)
    assert outputs["dead_lettered"] == 0, _worker_errors(settings)
    feed = check_feed(settings, event_ids(settings))
    subset = [0, 1, 2, 199, 200, 398, 399]
    compared = _offline_matches(settings, [records[i] for i in subset], [ids[i] for i in subset], tmp_path)
    result = {
        "articles": total,
        "crashes": len(kills),
        "kills": kills,
        "processed_by_survivor": survivor["processed"],
        # seeks back over records Faust dropped on the way (each would have been committed over before)
        "rewinds_logged": sum(
            log.read_text(errors="replace").count("reading again") for log in tmp_path.glob("worker-*.log")
        ),
        "seconds": round(elapsed, 1),
        "outputs": outputs,
        "feed": feed,
        "offline_compared": compared,
    }
    figures("crash", result)
    assert feed["live_items"] > 0


@kafka
@pytest.mark.timeout(1200)
def test_broker_restart_mid_stream(tmp_path: Path, figures: Callable[[str, dict[str, Any]], None]) -> None:
    broker_settings = Settings(
        kafka_bootstrap_servers=None,
        kafka_port=free_port(),
        kafka_controller_port=free_port(),
        data_dir=tmp_path / "broker",
    )
    broker = LocalBroker(broker_settings)
    broker.start()
    run = uuid.uuid4().hex[:8]
    settings = Settings(
        kafka_bootstrap_servers=broker_settings.bootstrap_servers,
        topic_prefix=f"b{run}-",
        app_id=f"diplofeed-b{run}",
        data_dir=tmp_path / "data",
        web_port=free_port(),
    )
    total = 200
    records = make_articles(total, "broker-restart")
    worker = WorkerProcess(settings, tmp_path / "worker.log")
    try:
        create_topics(settings)
        worker.start()
        assert worker.process is not None
        pid = worker.process.pid
        first = publish_all(settings, records[:10], "broker-restart-first")
        _wait_processed(worker, 5)  # the model is loaded and articles flow
        publisher = PacedPublisher(settings, records[10:], "broker-restart", chunk=10, pause_s=1.0)
        publisher.start()  # ~19 s of publishing: the outage falls in the middle of it
        time.sleep(4)
        down_at = time.monotonic()
        published_while_up = len(first) + len(publisher.published)
        broker.stop()
        time.sleep(5)
        broker.start()
        outage_s = time.monotonic() - down_at
        ids = first + publisher.result(timeout_s=600)
        assert published_while_up < total, "the publisher was done before the outage"
        assert len(set(ids)) == total
        wait_caught_up(settings, 600)
        assert worker.process.poll() is None and worker.process.pid == pid, worker.log_tail()
        outputs = assert_all_processed(settings, ids)
        assert outputs["dead_lettered"] == 0, _worker_errors(settings)
        feed = check_feed(settings, event_ids(settings))
        processed = counts(worker.base_url)
    finally:
        worker.stop()
        broker.stop()
    figures(
        "broker_restart",
        {
            "articles": total,
            "outage_s": round(outage_s, 1),
            "published_before_outage": published_while_up,
            "processed_by_worker": processed["processed"],
            "outputs": outputs,
            "feed": feed,
        },
    )


def _partitions_in(assignment: Any, topic: str) -> set[int]:
    """Partitions of ``topic`` anywhere in a decoded member assignment (kafka-python 2 or 3 shapes)."""
    found: set[int] = set()
    if isinstance(assignment, dict):
        name = assignment.get("topic") or assignment.get("name")
        if name == topic and isinstance(assignment.get("partitions"), list):
            found.update(int(p) for p in assignment["partitions"])
        for value in assignment.values():
            found |= _partitions_in(value, topic)
    elif isinstance(assignment, list | tuple):
        if len(assignment) == 2 and assignment[0] == topic and isinstance(assignment[1], list | tuple):
            found.update(int(p) for p in assignment[1])
        else:
            for value in assignment:
                found |= _partitions_in(value, topic)
    elif hasattr(assignment, "assignment"):
        found |= _partitions_in(list(assignment.assignment), topic)
    elif hasattr(assignment, "_asdict"):
        found |= _partitions_in(assignment._asdict(), topic)
    return found


def _assignments(settings: Settings) -> dict[str, set[int]]:
    """Member id -> partitions of ``articles`` it owns, from the consumer group description."""
    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers, client_id="reliability-group")
    try:
        if hasattr(admin, "describe_consumer_groups"):  # kafka-python 2
            (group,) = admin.describe_consumer_groups([settings.app_id])
            members = [(m.member_id, m.member_assignment) for m in group.members]
        else:  # kafka-python 3
            group = admin.describe_groups([settings.app_id])[settings.app_id]
            members = [(m["member_id"], m.get("member_assignment")) for m in group.get("members", [])]
    finally:
        admin.close()
    return {member: _partitions_in(assignment, settings.topic("articles")) for member, assignment in members}


@kafka
@pytest.mark.timeout(1200)
def test_two_workers_split_partitions_and_hand_over(
    make_settings: Callable[..., Settings], tmp_path: Path, figures: Callable[[str, dict[str, Any]], None]
) -> None:
    settings_a = make_settings()
    settings_b = settings_a.model_copy(update={"web_port": free_port()})
    create_topics(settings_a)
    worker_a = WorkerProcess(settings_a, tmp_path / "worker-a.log")
    worker_b = WorkerProcess(settings_b, tmp_path / "worker-b.log")
    total = 240
    records = make_articles(total, "rebalance")
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda w: w.start(), (worker_a, worker_b)))

        def split() -> dict[str, set[int]] | None:
            owned = _assignments(settings_a)
            return owned if len(owned) == 2 and all(owned.values()) else None

        owned = worker_a.wait_for(split, timeout_s=180, what="two members sharing the partitions")
        parts = sorted(p for partitions in owned.values() for p in partitions)
        assert parts == list(range(settings_a.articles_partitions)), owned  # split, no overlap

        publisher = PacedPublisher(settings_a, records, "rebalance", chunk=20, pause_s=0.5)
        publisher.start()
        worker_a.wait_for(
            lambda: (
                counts(worker_a.base_url)["processed"] >= 20 and counts(worker_b.base_url)["processed"] >= 20
            ),
            timeout_s=300,
            what="both workers processing",
        )
        processed_a = counts(worker_a.base_url)["processed"]
        left_at = time.monotonic()
        worker_a.stop(signal.SIGTERM)  # returns once the process exited
        stop_s = time.monotonic() - left_at
        assert worker_a.process is not None and worker_a.process.returncode is not None

        def taken_over() -> dict[str, set[int]] | None:
            owned = _assignments(settings_a)
            return (
                owned
                if len(owned) == 1 and len(next(iter(owned.values()))) == settings_a.articles_partitions
                else None
            )

        after = worker_b.wait_for(taken_over, timeout_s=180, what="the survivor owning every partition")
        rebalance_s = time.monotonic() - left_at
        ids = publisher.result()
        assert len(set(ids)) == total
        wait_caught_up(settings_a, 600)
        processed_b = counts(worker_b.base_url)["processed"]
        outputs = assert_all_processed(settings_a, ids)
        assert outputs["dead_lettered"] == 0, _worker_errors(settings_a)
        feed = check_feed(settings_a, event_ids(settings_a))
        served = worker_b.wait_for(lambda: worker_b.get("/feed"), what="/feed")
        state = feed_state(settings_a)
        assert {item["id"] for item in served["items"]} <= set(state)
    finally:
        worker_a.stop()
        worker_b.stop()
    figures(
        "rebalance",
        {
            "articles": total,
            "split": {k[-8:]: sorted(v) for k, v in owned.items()},
            "after": {k[-8:]: sorted(v) for k, v in after.items()},
            "processed_by_leaver_before_sigterm": processed_a,
            "processed_by_survivor": processed_b,
            "leaver_stop_s": round(stop_s, 1),
            "sigterm_to_survivor_owning_all_s": round(rebalance_s, 1),
            "outputs": outputs,
            "feed": feed,
        },
    )
