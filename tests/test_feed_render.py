"""JSON Feed, Atom, the live page and filters: spec fields present, untrusted text never executable."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from pipeline.feed.merge import build_feed
from pipeline.serving.render import (
    ATOM_NS,
    JSON_FEED_VERSION,
    filter_items,
    page_security_policy,
    render_atom,
    render_json_feed,
    render_page,
    safe_url,
)
from schemas.records import ArticleRef, Event, EventStatus, FeedItem, PloverType, QuoteRef, Span

UTC = dt.UTC
BASE = "https://feed.example.org/"
XSS = "<script>alert('x')</script>"
A = f"{{{ATOM_NS}}}"


def ref(article_id: str, outlet: str | None, title: str | None, url: str | None, hour: int) -> ArticleRef:
    return ArticleRef(
        article_id=article_id,
        outlet=outlet,
        title=title,
        url=url,
        published_date=dt.date(2025, 5, 19),
        published_at=dt.datetime(2025, 5, 19, hour, tzinfo=UTC),
    )


def event(article: ArticleRef, key: str, type_: PloverType, actors: list[str], **kw: object) -> Event:
    quotes = kw.pop("quotes", [])
    return Event(
        id=f"{article.article_id}-{key}",
        article_id=article.article_id,
        type=type_,
        actors=actors,
        evidence=Span(text=key, start=0, end=1),
        confidence=0.8,
        article=article,
        quotes=[
            QuoteRef(
                quote_id=f"{article.article_id}-{key}-q{i}", article_id=article.article_id, speaker=s, text=t
            )
            for i, (s, t) in enumerate(quotes)
        ],  # type: ignore[arg-type]
        **kw,
    )  # type: ignore[arg-type]


TELESUR = ref("c9dcb8726aa41838", "teleSUR", "Putin & Trump <to talk>", "https://www.telesurenglish.net/a", 8)
ANI = ref("945e849477d99e4f", "ANI", None, None, 9)
EVIL = ref("deadbeefdeadbeef", f"Outlet {XSS}", f"Title {XSS}\x00\x07", "javascript:alert(1)", 10)

EVENTS = [
    event(
        TELESUR,
        "call",
        PloverType.CONSULT,
        ["Vladimir Putin", "Donald Trump"],
        mode="phone",
        date=dt.date(2025, 5, 19),
        time_utc=dt.datetime(2025, 5, 19, 14, tzinfo=UTC),
        status=EventStatus.SCHEDULED,
        quotes=[("Dmitry Peskov", "very important conversation")],
    ),
    event(
        ANI,
        "call",
        PloverType.CONSULT,
        ["Donald Trump", "Vladimir Putin"],
        mode="phone",
        date=dt.date(2025, 5, 19),
        time_utc=dt.datetime(2025, 5, 19, 14, tzinfo=UTC),
        status=EventStatus.SCHEDULED,
    ),
    event(
        ANI,
        "talks",
        PloverType.CONSULT,
        ["Ukraine", "Russia"],
        mode="in_person",
        date=dt.date(2025, 5, 16),
        status=EventStatus.OCCURRED,
        location="Turkey",
    ),
    event(
        TELESUR,
        "threat",
        PloverType.THREATEN,
        ["United States", "Russia"],
        mode="sanctions",
        status=EventStatus.OCCURRED,
    ),
    event(
        EVIL,
        "evil",
        PloverType.ACCUSE,
        [f"Mallory {XSS}", "Volodymyr Zelenskyy"],
        status=EventStatus.OCCURRED,
        quotes=[(f"Eve {XSS}", f"quote {XSS} ]]> &amp; \x1b")],
    ),
]


@pytest.fixture()
def items() -> list[FeedItem]:
    return list(build_feed(EVENTS).values())


def evil(items: list[FeedItem]) -> FeedItem:
    return next(i for i in items if i.type is PloverType.ACCUSE)


# --------------------------------------------------------------------------- JSON Feed


def test_json_feed_has_required_fields_and_round_trips(items: list[FeedItem]) -> None:
    doc = json.loads(json.dumps(render_json_feed(items, base_url=BASE)))
    assert doc["version"] == JSON_FEED_VERSION
    assert doc["title"] == "diplofeed"
    assert (
        doc["home_page_url"] == "https://feed.example.org/"
        and doc["feed_url"] == "https://feed.example.org/feed"
    )
    assert len(doc["items"]) == len(items) == 4
    for entry in doc["items"]:
        assert isinstance(entry["id"], str) and entry["title"] and entry["content_text"]
        assert entry["url"].startswith("https://feed.example.org/#item-")
        for key in ("date_published", "date_modified"):
            assert entry[key].endswith("Z") and dt.datetime.fromisoformat(entry[key]).tzinfo is not None
        assert FeedItem.model_validate(entry["_diplofeed"]).id == entry["id"]
        assert "sources" in entry["_diplofeed"] and isinstance(entry["tags"], list)
        assert entry.get("external_url", "https://").startswith("https://")
    call = next(e for e in doc["items"] if e["_diplofeed"]["mode"] == "phone")
    assert [s["outlet"] for s in call["_diplofeed"]["sources"]] == ["teleSUR", "ANI"]
    assert call["authors"] == [{"name": "teleSUR"}, {"name": "ANI"}]
    assert call["date_published"] == "2025-05-19T08:00:00Z"
    # newest activity first, whatever the input order
    assert render_json_feed(list(reversed(items)), base_url=BASE) == render_json_feed(items, base_url=BASE)


def test_json_feed_never_links_javascript(items: list[FeedItem]) -> None:
    doc = render_json_feed(items, base_url=BASE)
    entry = next(e for e in doc["items"] if e["id"] == evil(items).id)
    assert "external_url" not in entry
    assert "javascript:" not in entry["content_text"]


# --------------------------------------------------------------------------- Atom


def test_atom_is_well_formed_with_required_elements(items: list[FeedItem]) -> None:
    text = render_atom(items, base_url=BASE, title="diplofeed")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{A}{tag}") is not None, tag
    assert root.find(f"{A}link[@rel='self']").get("href") == "https://feed.example.org/feed.atom"
    entries = root.findall(f"{A}entry")
    assert len(entries) == 4
    ids = [e.findtext(f"{A}id") for e in entries]
    assert len(set(ids)) == 4 and all(i.startswith("urn:uuid:") for i in ids)
    for entry in entries:
        for tag in ("title", "updated", "summary", "content"):
            assert entry.findtext(f"{A}{tag}"), tag
        assert entry.find(f"{A}link[@rel='alternate']") is not None
    assert render_atom(items, base_url=BASE) == render_atom(list(reversed(items)), base_url=BASE)
    # an empty feed is still valid
    ET.fromstring(render_atom([], base_url=BASE))


def test_atom_escapes_script_payloads(items: list[FeedItem]) -> None:
    text = render_atom(items, base_url=BASE)
    assert "<script>" not in text and "javascript:" not in text
    root = ET.fromstring(text)
    item = evil(items)
    entry = next(e for e in root.findall(f"{A}entry") if e.findtext(f"{A}title") == item.headline)
    assert XSS in entry.findtext(f"{A}title")  # the text survives as text, escaped on the wire
    assert XSS in entry.findtext(f"{A}content") and f"quote {XSS}" in entry.findtext(f"{A}content")
    assert any(XSS in (a.findtext(f"{A}name") or "") for a in entry.findall(f"{A}author"))
    assert not any("\x00" in t or "\x1b" in t for t in entry.itertext())


def test_atom_parses_with_feedparser_without_bozo(items: list[FeedItem]) -> None:
    feedparser = pytest.importorskip("feedparser")
    parsed = feedparser.parse(render_atom(items, base_url=BASE))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and len(parsed.entries) == 4
    assert {e.title for e in parsed.entries} == {i.headline for i in items}


def test_safe_url() -> None:
    assert safe_url("https://a.example/x?y=1") == "https://a.example/x?y=1"
    for bad in (
        "javascript:alert(1)",
        " javascript:alert(1)",
        "\x01javascript:x",
        "data:text/html,x",
        "//evil.example",
        "/relative",
        "http://",
        "vbscript:x",
        "",
        None,
        "https://a.example/\nx",
    ):
        assert safe_url(bad) is None, bad


# --------------------------------------------------------------------------- page


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.texts: dict[str, list[str]] = {"script": [], "style": []}
        self.meta: dict[str, str] = {}
        self.attrs_seen: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)
        self.attrs_seen += [k for k, _ in attrs]
        d = dict(attrs)
        if tag == "meta" and d.get("http-equiv"):
            self.meta[d["http-equiv"].lower()] = d.get("content") or ""

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in self.texts:
            self.texts[self.stack[-1]].append(data)


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_page_is_static_safe_and_self_contained(items: list[FeedItem]) -> None:
    page = render_page()
    assert page == render_page()  # no data, no clock
    for item in items:
        assert item.headline not in page
    assert "innerHTML" not in page and "outerHTML" not in page and "insertAdjacentHTML" not in page
    assert "document.write" not in page and "eval(" not in page
    assert "textContent" in page and "<noscript>" in page and 'name="viewport"' in page
    assert not re.search(r"""(src|href)=["']https?:""", page)  # no external assets
    assert "fetch(FEED" in page and 'data-feed="/feed"' in page
    parser = _Collect()
    parser.feed(page)
    assert not [a for a in parser.attrs_seen if a.startswith("on")]  # no inline handlers
    (script,) = parser.texts["script"]
    (style,) = parser.texts["style"]
    csp = parser.meta["content-security-policy"]
    assert csp == page_security_policy()
    assert f"script-src {_hash(script)};" in csp and f"style-src {_hash(style)};" in csp
    assert "'unsafe-inline'" not in csp and "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert 'protocol === "http:" || parsed.protocol === "https:"' in script


def test_page_escapes_its_parameters() -> None:
    page = render_page(feed_path='/feed"><script>x()</script>', title=XSS)
    assert "<script>x()" not in page and "<script>alert" not in page


# --------------------------------------------------------------------------- filters


def test_filter_items(items: list[FeedItem]) -> None:
    assert {i.mode for i in filter_items(items, actor="vladimir PUTIN")} == {"phone"}
    assert len(filter_items(items, actor="Volodymyr Zelenskyy")) == 1
    assert len(filter_items(items, actor="volodymyr zelenskyy")) == 1
    assert filter_items(items, actor="Putin") == []  # canonical names only, no substring guessing
    assert {i.type for i in filter_items(items, type="consult")} == {PloverType.CONSULT}
    assert (
        filter_items(items, type=PloverType.THREATEN)[0].headline
        == "United States threatens Russia with sanctions"
    )
    assert filter_items(items, actor="russia", type="CONSULT")[0].location == "Turkey"
    since = dt.datetime(2025, 5, 19, 9, 30, tzinfo=UTC)
    assert {i.last_seen.hour for i in filter_items(items, since=since)} == {10}
    assert len(filter_items(items, since=dt.datetime(2025, 5, 19, 9))) == 3  # naive = UTC
    assert filter_items(items) == items
