"""The format registry: every format on our own fixtures and on the real files of ``eval/ingest``, bad input.

Fixtures (tests/fixtures/ingest) are written for this project; the real files are read from
``../shared`` through :func:`shared_path` (skipped without it, failing under CI=true).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main
from pipeline.config import Settings
from pipeline.errors import Rejection
from pipeline.extraction.decode import decode_article
from pipeline.ingest.articles import article_from_json_line, articles_from_bytes
from pipeline.ingest.cleanup import clean_markdown
from pipeline.ingest.formats import detect
from pipeline.ingest.metadata import clean_title, iso_stamp, url_date
from pipeline.ingest.sources import iter_inputs
from pipeline.tools.ingest_eval import _pair, score_unit
from schemas import Article
from tests.shared_data import shared_path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


def parse(name: str, **limits: Any) -> list[Article | Rejection]:
    return list(articles_from_bytes((FIXTURES / name).read_bytes(), name, **limits))


def articles(name: str) -> list[Article]:
    results = parse(name)
    assert all(isinstance(r, Article) for r in results), results
    return [r for r in results if isinstance(r, Article)]


# --- our own fixtures, one per format --------------------------------------------------------------------

FIXTURE_CASES = [
    # file, item, format, title, published, outlet, url
    (
        "front_matter.md",
        0,
        "markdown",
        "Envoys agree to reopen consulates after talks in Vienna",
        "2031-03-14",  # the url's date beats the front matter's wrong 2031-01-02
        "Daily Ledger",
        "https://www.dailyledger.example/world/2031/03/14/envoys-agree-reopen-consulates",
    ),
    (
        "toml_front_matter.md",
        0,
        "markdown",
        "Parliament approves budget after long night",
        "2030-11-05T06:30:00+01:00",
        "Example",
        "https://news.example.org/2030/11/05/budget-approved",
    ),
    (
        "wire.txt",
        0,
        "text",
        "Ministers sign border accord in Kestrel City",
        None,
        "The Associated Press",
        None,
    ),
    (
        "reader.md",
        0,
        "markdown",
        "Ministers agree on grain corridor",
        "2024-03-05T08:00:00+01:00",
        "Harbour News",  # the title's suffix names the unknown domain; the wire credit does not win
        "https://harbour.example/world/2024/03/05/grain-corridor",
    ),
    (
        "page.html",
        0,
        "html",
        "Summit ends with pledge on water sharing",
        "2021-07-21T18:05:00+03:00",
        "The Harbour Times",
        "https://www.harbourtimes.example/world/summit-ends-water-pledge",
    ),
    (
        "latin1.rss",
        0,
        "feed",
        "Governo anuncia acordo com vizinhos sobre água",
        "2030-09-24T19:42:40-03:00",
        "Notícias do Porto",
        "https://porto.example.pt/2030/09/24/acordo-agua.htm",
    ),
    (
        "relative.atom",
        1,
        "feed",
        "Trade office opens in the north",
        "2030-11-08T17:05:47-05:00",
        "All Capital Wire News",
        "http://capitalwire.example/news/trade-office-north",
    ),
    (
        "feed.json",
        0,
        "json-feed",
        "Ferry deal signed",
        "2030-05-01T10:00:00+02:00",
        "Lakeside Post",
        "https://lakesidepost.example/2030/05/01/ferry-deal",
    ),
    (
        "newsapi.json",
        0,
        "json",
        "Nordic ministers back grid link",
        "2030-06-02T10:07:25.672763Z",
        "Reuters",
        "https://www.reuters.com/world/europe/nordic-ministers-back-grid-link-2030-06-02/",
    ),
    (
        "aliases.jsonl",
        0,
        "json",
        "Ministers meet on fisheries",
        "2030-02-03T09:00:00+01:00",
        "Example News",
        "https://example.com/fisheries",
    ),
    (
        "newsml_g2.xml",
        0,
        "newsml-g2",
        "Minister calls declaration unacceptable - Rossi",
        "2030-10-11T10:41:00+01:00",  # firstCreated, not the earlier versionCreated
        "ANSA",
        None,
    ),
    (
        "newsml1.xml",
        0,
        "newsml-1",
        "Court approves rescue plan for shipyard",
        "2030-08-29T13:49:51Z",
        "AFP",
        None,
    ),
    (
        "nitf.xml",
        0,
        "nitf",
        "LEADER WARNS AHEAD OF BORDER TALKS",
        "2030-09-09T00:01:00+01:00",  # embargo release, not the filing date.issue
        "Press Association",
        None,
    ),
    (
        "records.sgm",
        1,
        "sgml",
        "ENVOY BACKS FREE NAVIGATION",
        "2030-03-24T12:18:29.510000",
        "Reuters",
        None,
    ),
]


@pytest.mark.parametrize(("name", "item", "fmt", "title", "published", "outlet", "url"), FIXTURE_CASES)
def test_fixture_metadata(
    name: str, item: int, fmt: str, title: str, published: str | None, outlet: str, url: str | None
) -> None:
    article = articles(name)[item]
    assert (article.format, article.title, article.published, article.outlet, article.url) == (
        fmt,
        title,
        published,
        outlet,
        url,
    )


def test_multi_record_inputs_give_one_article_per_item_with_item_sources() -> None:
    for name, count in [("latin1.rss", 2), ("relative.atom", 2), ("feed.json", 2), ("newsapi.json", 2)]:
        found = articles(name)
        assert len(found) == count
        assert [a.source for a in found] == [f"{name}#{i}" for i in range(1, count + 1)]
    assert len(articles("records.sgm")) == 2


def test_markdown_clutter_stays_out_of_the_body() -> None:
    article = articles("front_matter.md")[0]
    assert article.body.startswith("The foreign ministers of Aldoria and Belvania agreed on Friday")
    for clutter in (
        "Skip to main content",
        "](",
        "**",
        "Purchase Licensing",
        "Ministers meet in Vienna",
        "©",
    ):
        assert clutter not in article.body
    assert article.dateline_place == "Vienna"
    assert article.authors == ["Mara Quinn"]
    assert article.published_source == "url"


def test_plain_text_byline_and_dateline_credit() -> None:
    article = articles("wire.txt")[0]
    assert article.authors == ["Jane Doe", "John Roe"]
    assert article.dateline_place == "Kestrel City"
    assert article.body.startswith("The foreign ministers of two neighbouring states")
    assert "By Jane Doe" not in article.body


def test_html_body_is_the_article_text_without_chrome() -> None:
    article = articles("page.html")[0]
    assert article.body.startswith("Leaders of five river states")
    assert "Most read" not in article.body and "var tracking" not in article.body
    assert article.language == "en" and article.authors == ["Sami Noor"]


def test_feed_html_is_cleaned_and_promos_dropped() -> None:
    first = articles("latin1.rss")[0]
    assert first.body == "O governo anunciou um acordo sobre a água com três países vizinhos."
    assert first.language == "pt-br"


def test_newsapi_truncation_marker_cut_and_title_only_items_kept() -> None:
    grid, court = articles("newsapi.json")
    assert grid.body.endswith("on Monday") and "[+" not in grid.body
    assert court.body == "Court delays ruling on port lease" and court.published == "2030-06-02T06:22:15Z"


def test_format_is_recognised_by_content_not_name() -> None:
    for name, fmt in [
        ("records.sgm", "sgml"),
        ("relative.atom", "feed"),
        ("nitf.xml", "nitf"),
        ("page.html", "html"),
    ]:
        raw = (FIXTURES / name).read_bytes()
        assert detect(raw, "saved-without-a-suffix").name == fmt
        assert detect(raw, "wrong.txt").name == fmt


# --- bad input: a code, and nothing else stops -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("bomb.xml", "unsafe_xml"),
        ("external.rss", "unsafe_xml"),
        ("scripts.html", "missing_body"),
        ("truncated.atom", "truncated"),
    ],
)
def test_bad_inputs_are_rejected_with_a_code(name: str, code: str) -> None:
    results = parse(name)
    assert [r.error for r in results if isinstance(r, Rejection)] == [code]
    assert all(isinstance(r, Rejection) for r in results)
    assert results[0].source == name and results[0].reason


def test_truncated_sgml_keeps_complete_records_and_flags_the_cut() -> None:
    results = parse("truncated.sgm")
    assert isinstance(results[0], Article) and results[0].title == "MINISTER LIKELY TO VISIT CAPITAL SOON"
    assert isinstance(results[-1], Rejection) and results[-1].error == "truncated"


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
def test_truncated_wire_xml_is_invalid_xml(cut: float) -> None:
    raw = (FIXTURES / "nitf.xml").read_bytes()
    results = list(articles_from_bytes(raw[: int(len(raw) * cut)], "cut.xml"))
    assert [r.error for r in results if isinstance(r, Rejection)] == ["invalid_xml"]


def test_feed_with_100000_entries_is_refused_without_parsing_it() -> None:
    import time

    entries = b"".join(
        b"<item><title>t%d</title><link>http://e.example/%d</link><description>d</description></item>"
        % (i, i)
        for i in range(100_000)
    )
    raw = b"<rss version='2.0'><channel><title>big</title>" + entries + b"</channel></rss>"
    started = time.perf_counter()
    results = list(articles_from_bytes(raw, "big.rss", max_items=2_000))
    assert time.perf_counter() - started < 5.0
    assert [r.error for r in results if isinstance(r, Rejection)] == ["too_many_items"]


def test_feed_within_the_limit_is_read_whole() -> None:
    entries = b"".join(
        b"<item><title>t%d</title><link>http://e.example/%d</link></item>" % (i, i) for i in range(50)
    )
    raw = b"<rss version='2.0'><channel><title>small</title>" + entries + b"</channel></rss>"
    assert (
        len([r for r in articles_from_bytes(raw, "small.rss", max_items=50) if isinstance(r, Article)]) == 50
    )


def test_body_limit_applies_to_the_extracted_text_not_the_page() -> None:
    page = (FIXTURES / "page.html").read_text()
    padded = page.replace("</head>", "<script>" + "var x = 1;" * 40_000 + "</script></head>")
    assert len(padded) > 300_000
    (result,) = list(articles_from_bytes(padded.encode(), "padded.html", max_body_chars=200_000))
    assert isinstance(result, Article) and result.title == "Summit ends with pledge on water sharing"
    (small_limit,) = list(articles_from_bytes(padded.encode(), "padded.html", max_body_chars=100))
    assert isinstance(small_limit, Rejection) and small_limit.error == "body_too_large"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b'{"articles": [{"title": "x", "url": 5}]}', "invalid_field"),
        (b'{"status": "ok", "articles": [', "invalid_json"),
        (b'{"headline": "A", "surprise": "typo"}', "invalid_field"),
        (b'{"title": "A", "body": "B", "published": "not a date"}', "invalid_field"),
    ],
)
def test_bad_json_records_have_codes(payload: bytes, code: str) -> None:
    results = list(articles_from_bytes(payload, "bad.json"))
    assert [r.error for r in results] == [code]


def test_json_line_aliases() -> None:
    line = (
        b'{"headline": "H", "articleBody": "Text.", "datePublished": "2030-01-02", "source": {"name": "S"}}'
    )
    article = article_from_json_line(line, "x.jsonl:1")
    assert isinstance(article, Article)
    assert (article.title, article.body, article.published, article.outlet) == (
        "H",
        "Text.",
        "2030-01-02",
        "S",
    )


def test_stdin_takes_a_pretty_printed_api_document() -> None:
    stream = io.BytesIO((FIXTURES / "newsapi.json").read_bytes())
    inputs = list(iter_inputs(["-"], max_bytes=10_000, stdin=stream))
    assert len(inputs) == 1 and inputs[0].kind == "text"
    assert len([r for r in articles_from_bytes(inputs[0].payload, "stdin") if isinstance(r, Article)]) == 2


# --- metadata rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "names", "expected"),
    [
        ("Power tips economy into crisis | Reuters", ["Reuters"], "Power tips economy into crisis"),
        ("Talks: where they stand | Explainer News | Al Jazeera", ["Al Jazeera"], "Talks: where they stand"),
        ("Michigan wins again - ESPN - ESPN", ["ESPN"], "Michigan wins again"),
        ("Europe is Ukraine's lifeline – EUobserver", ["euobserver"], "Europe is Ukraine's lifeline"),
        ("Declaration unacceptable - Alfano", ["ANSA"], "Declaration unacceptable - Alfano"),
        ("Obama visits Cuba - Yahoo News", ["yahoo"], "Obama visits Cuba"),
        ("Leaders meet - BBC News", ["BBC"], "Leaders meet"),
    ],
)
def test_site_suffix_is_cut_only_when_it_names_the_site(title: str, names: list[str], expected: str) -> None:
    assert clean_title(title, names) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-06-02T10:07:25.6727634Z", "2023-06-02T10:07:25.672763Z"),
        ("20151210T191044Z", "2015-12-10T19:10:44Z"),
        ("20200703T165136-0400", "2020-07-03T16:51:36-04:00"),
        ("2017-10-11T10:41:00+0100", "2017-10-11T10:41:00+01:00"),
        ("Wed, 31 Jan 2018 07:26:05 GMT", "2018-01-31T07:26:05Z"),
        ("Seg, 24 Set 2018 19:42:40 -0300", "2018-09-24T19:42:40-03:00"),
        ("YYYYMMDD000000-HHMM", None),
        ("unknown", None),
    ],
)
def test_stamps_are_read_with_their_offset(value: str, expected: str | None) -> None:
    assert iso_stamp(value) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.theguardian.com/world/2026/feb/20/a-war-foretold", "2026-02-20"),
        ("https://reuters.com/world/europe/power-drought-2026-02-23", "2026-02-23"),
        ("https://www.aljazeera.com/news/2026/2/18/talks", "2026-02-18"),
        ("https://euobserver.com/203799/polands-sikorski", None),
    ],
)
def test_url_dates(url: str, expected: str | None) -> None:
    assert url_date(url) == expected


# --- contract v2 and the v1 rule -------------------------------------------------------------------------


def _v1_record() -> dict[str, Any]:
    return {
        "schema_version": 1,
        "article_id": "abcdef0123456789",
        "title": "Leaders meet",
        "body": "Leaders met in Rome on Sunday.",
        "source": "old-producer",
        "published_at": "2025-05-19T12:00:00Z",
    }


def test_worker_upgrades_a_version_1_article() -> None:
    decoded = decode_article(json.dumps(_v1_record()).encode(), "articles/0/1", 200_000)
    assert isinstance(decoded, Article)
    assert decoded.schema_version == 2 and decoded.published is None and decoded.authors == []


def test_worker_rejects_unknown_versions_and_bad_v1_records() -> None:
    future = decode_article(json.dumps({**_v1_record(), "schema_version": 3}).encode(), "a/0/2", 200_000)
    assert isinstance(future, Rejection) and future.error == "unsupported_schema_version"
    broken = decode_article(json.dumps({**_v1_record(), "body": ""}).encode(), "a/0/3", 200_000)
    assert isinstance(broken, Rejection) and broken.error == "invalid_record"


# --- the real files of eval/ingest -----------------------------------------------------------------------

REAL_FORMATS = [
    *("crawler Markdown", "saved HTML", "RSS 2.0", "Atom", "NewsAPI"),
    *("NewsML-G2", "NewsML 1", "NITF", "Reuters-21578", "plain text"),
]


@pytest.mark.parametrize("kind", REAL_FORMATS)
def test_real_files_of_each_format(kind: str) -> None:
    folder = shared_path("eval", "ingest")
    expected = json.loads((folder / "expected.json").read_text())
    files = {name: spec for name, spec in expected["files"].items() if spec["format"].startswith(kind)}
    assert files, kind
    for name, spec in files.items():
        records = [
            r.model_dump(mode="json")
            for r in articles_from_bytes((folder / "files" / name).read_bytes(), name)
            if isinstance(r, Article)
        ]
        if spec.get("items_total"):
            assert len(records) == spec["items_total"], name
        for unit, record in zip(spec["articles"], _pair(spec["articles"], records), strict=True):
            assert record is not None, name
            marks = score_unit(unit, record)
            assert all(marks.values()), (
                name,
                marks,
                {k: record.get(k) for k in ("title", "published", "outlet", "url")},
            )


def test_evaluate_ingest_prints_the_readme_line(capsys: pytest.CaptureFixture[str]) -> None:
    folder = shared_path("eval", "ingest")
    assert main(["evaluate", "--ingest", str(folder)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    match = re.fullmatch(
        r"ingest: title (\d+)/(\d+) date (\d+)/\2 outlet (\d+)/\2 url (\d+)/\2 failed (\d+) crashed (\d+)",
        last,
    )
    assert match, last
    title, n, date, outlet, _url, _failed, crashed = map(int, match.groups())
    assert n == 44 and crashed == 0
    assert min(title, date, outlet) >= 0.9 * n


def test_eval_articles_and_one_sentence_files_all_become_articles() -> None:
    articles_dir = shared_path("eval", "articles", "articles")
    for path in sorted(articles_dir.iterdir()):
        results = list(articles_from_bytes(path.read_bytes(), path.name))
        assert len(results) == 1 and isinstance(results[0], Article), (path.name, results)
        assert not (results[0].title or "").startswith(("<", "---", "#", "By")), path.name
    sentences = shared_path("eval", "plover-sentences", "plv-train", "articles")
    settings = Settings()
    for raw in iter_inputs([str(sentences)], max_bytes=settings.max_input_bytes):
        (result,) = list(articles_from_bytes(raw.payload, raw.source))
        assert isinstance(result, Article), raw.source
        assert raw.payload.decode().strip().endswith(result.body), raw.source  # a dateline may be cut


def test_ingest_bench_gives_a_figure_per_format() -> None:
    from pipeline.tools.ingest_bench import bench_formats

    figures = bench_formats(FIXTURES, Settings(), min_seconds=0.01)
    assert {"markdown", "text", "html", "feed", "json", "newsml-g2", "newsml-1", "nitf", "sgml"} <= set(
        figures
    )
    assert all(row["articles_per_s"] > 0 for name, row in figures.items() if row["articles"])
    assert figures["sgml"]["articles"] == 3  # records.sgm (2) + truncated.sgm (1 complete record)


def test_misdeclared_latin1_xml_that_is_utf8_reads_as_utf8() -> None:
    text = (FIXTURES / "nitf.xml").read_text(encoding="latin-1").replace("BORDER TALKS", "TALKS IN MÅLØY")
    (article,) = list(articles_from_bytes(text.encode("utf-8"), "mis.xml"))
    assert isinstance(article, Article) and article.title == "LEADER WARNS AHEAD OF TALKS IN MÅLØY"
    (latin,) = list(articles_from_bytes(text.encode("latin-1"), "latin.xml"))
    assert isinstance(latin, Article) and latin.title == "LEADER WARNS AHEAD OF TALKS IN MÅLØY"


def test_relative_entry_links_resolve_against_the_feeds_absolute_or_fetched_address() -> None:
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>'
        b'<link rel="self" href="http://blog.example/b/index.atom"/><link href="/b/"/>'
        b'<entry><title>Post</title><link href="/b/2021/post"/><id>1</id>'
        b"<updated>2021-01-02T03:04:05Z</updated><summary>Text of the post.</summary></entry></feed>"
    )
    (post,) = list(articles_from_bytes(atom, "blog.atom"))
    assert isinstance(post, Article) and post.url == "http://blog.example/b/2021/post"
    rss = (
        b"<rss><channel><title>N</title><link>/news</link>"
        b"<item><title>I</title><link>/news/1</link></item></channel></rss>"
    )
    (item,) = list(articles_from_bytes(rss, "https://site.example/news/rss"))
    assert isinstance(item, Article) and item.url == "https://site.example/news/1"


def test_a_reader_failure_is_a_coded_rejection_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.ingest.formats import sgml

    def broken(raw: bytes, limits: Any) -> Any:
        raise RuntimeError("unexpected layout")

    monkeypatch.setattr(
        "pipeline.ingest.articles.detect", lambda raw, name="": sgml.Format("sgml", lambda h, n: True, broken)
    )
    (result,) = list(articles_from_bytes((FIXTURES / "records.sgm").read_bytes(), "r.sgm"))
    assert (
        isinstance(result, Rejection)
        and result.error == "parse_error"
        and "unexpected layout" in result.reason
    )


def test_seeds_parse_through_the_registry_exactly_as_the_raw_parser_does() -> None:
    from pipeline.ingest.raw_text import parse_raw_article

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    for path in sorted(seeds.glob("*.txt")):
        fields = parse_raw_article(path.read_text(encoding="utf-8"))
        (article,) = list(articles_from_bytes(path.read_bytes(), path.name))
        assert isinstance(article, Article) and article.format == "text"
        assert (article.title, article.body, article.outlet) == (fields.title, fields.body, fields.outlet)
        assert (article.published_date, article.published_time) == (
            fields.published_date,
            fields.published_time,
        )
        assert (article.dateline_place, tuple(article.captions), tuple(article.related)) == (
            fields.dateline_place,
            fields.captions,
            fields.related,
        )
        assert tuple(article.wire_sources) == fields.wire_sources


def test_other_news_api_shapes_are_read_as_containers() -> None:
    guardian_like = {
        "response": {
            "status": "ok",
            "results": [
                {
                    "id": "world/2021/mar/01/envoys",
                    "sectionName": "World news",
                    "webPublicationDate": "2021-03-01T10:00:00Z",
                    "webTitle": "Envoys meet in Geneva",
                    "webUrl": "https://www.theguardian.com/world/2021/mar/01/envoys",
                    "fields": {"bodyText": "Envoys met in Geneva on Monday.", "byline": "Ann Lee"},
                }
            ],
        }
    }
    nyt_like = {
        "status": "OK",
        "response": {
            "docs": [
                {
                    "abstract": "Talks resumed.",
                    "web_url": "https://www.nytimes.com/2021/03/02/world/talks.html",
                    "headline": {"main": "Talks Resume", "kicker": None},
                    "pub_date": "2021-03-02T05:00:00+0000",
                    "byline": {"original": "By Jo Park"},
                    "multimedia": [],
                }
            ]
        },
    }
    (g,) = list(articles_from_bytes(json.dumps(guardian_like).encode(), "g.json"))
    (n,) = list(articles_from_bytes(json.dumps(nyt_like).encode(), "n.json"))
    assert isinstance(g, Article) and isinstance(n, Article)
    assert (g.title, g.published, g.outlet, g.authors) == (
        "Envoys meet in Geneva",
        "2021-03-01T10:00:00Z",
        "The Guardian",
        ["Ann Lee"],
    )
    assert (n.title, n.published, n.outlet, n.authors) == (
        "Talks Resume",
        "2021-03-02T05:00:00Z",
        "The New York Times",
        ["Jo Park"],
    )


def test_wire_credit_first_dateline_is_cut_from_a_newsml_body() -> None:
    (article,) = articles("newsml_g2.xml")
    assert article.body.startswith("The foreign minister said on Wednesday")
    assert article.dateline_place == "Rome"


def test_a_browser_saved_page_without_canonical_link_keeps_its_saved_from_url() -> None:
    page = (FIXTURES / "page.html").read_text()
    page = re.sub(r'<link rel="canonical"[^>]*>|<meta property="og:url"[^>]*>', "", page)
    saved = "<!-- saved from url=(0061)https://www.harbourtimes.example/world/summit-ends-water-pledge -->\n"
    (article,) = list(articles_from_bytes((saved + page).encode(), "saved.html"))
    assert isinstance(article, Article) and article.format == "html"
    assert article.url == "https://www.harbourtimes.example/world/summit-ends-water-pledge"


def test_html_stated_stamps_give_the_clock_time_of_the_chosen_day() -> None:
    from trafilatura.utils import load_html

    from pipeline.ingest.formats.html import stated_stamps

    page = (
        '<html><head><script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
        '"datePublished": "2021-05-04T13:36:31+02:00", "dateModified": "2021-05-05T20:13:00+02:00"}]}'
        '</script><meta property="article:published_time" content="2021-05-04T13:36:31+02:00"></head>'
        "<body><p>Text.</p></body></html>"
    )
    assert stated_stamps(load_html(page)) == ["2021-05-04T13:36:31+02:00", "2021-05-04T13:36:31+02:00"]


def test_invisible_characters_do_not_split_words_of_the_body() -> None:
    from pipeline.ingest.articles import article_from_text

    article = article_from_text(
        "Talks stall\n\nThe Kremlin \u200crejects the plan, officials said on Monday.\ufeff", "t.txt"
    )
    assert not isinstance(article, Rejection)
    assert "The Kremlin rejects the plan" in article.body and "\u200c" not in article.body


SCRAPED_PAGE = """# www.example-news.test

## Metadata

- **URL**: https://www.example-news.test/news/talks-end/article_123.html
- **Scraped at**: 2026-03-02T02:34:06+00:00

## Content

Talks end in Lima
Email
Print
Save
Mar 1, 2026
Updated
6 hrs ago
Facebook
Twitter
Peru and Chile ended two days of talks in Lima on Sunday without an agreement, officials said.
Both delegations said they would meet again next month to discuss the border.
"""


def test_scraped_page_takes_its_stamp_line_from_among_share_buttons() -> None:
    # The clean-up drops the run of short lines as a menu; the stamp in it is the page's date
    # (ranked last: the scrape time is never a publication date).
    (article,) = [a for a in articles_from_bytes(SCRAPED_PAGE.encode(), "page.md") if isinstance(a, Article)]
    assert article.published_date is not None and article.published_date.isoformat() == "2026-03-01"
    assert article.published_source == "text"
    assert "Facebook" not in article.body
    assert article.retrieved_date == dt.date(2026, 3, 2)  # kept apart: the crawl, not the publication


def test_a_scraped_page_with_no_date_keeps_only_its_retrieval_day() -> None:
    undated = SCRAPED_PAGE.replace("Mar 1, 2026\n", "")
    (article,) = [a for a in articles_from_bytes(undated.encode(), "page.md") if isinstance(a, Article)]
    assert article.published_date is None and article.published is None
    assert article.retrieved_date == dt.date(2026, 3, 2)


REPUBLISHED_WIRE = """---
title: "Peru and Chile end talks without a deal"
url: https://www.small-town-radio.test/news/peru-chile-talks
date: 2026-03-01
---

LIMA, March 1 (Reuters) - Peru and Chile ended two days of border talks in Lima on Sunday without
an agreement, officials from both countries said.

The delegations will meet again next month, Peru's foreign ministry said in a statement.
"""


def test_unknown_host_carrying_an_agency_credit_gives_the_agency() -> None:
    found = [a for a in articles_from_bytes(REPUBLISHED_WIRE.encode(), "wire.md") if isinstance(a, Article)]
    assert [a.outlet for a in found] == ["Reuters"]  # the site names itself nowhere: the agency's story


def test_markdown_character_references_read_as_the_characters_they_name() -> None:
    text = clean_markdown("The meeting will be the leaders&#x27; second, &quot;a milestone&quot; &amp; more.")
    assert text == 'The meeting will be the leaders\' second, "a milestone" & more.'
