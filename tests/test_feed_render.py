"""JSON Feed, Atom, the live page and filters: spec fields present, untrusted text never executable."""

from __future__ import annotations

import base64
import datetime as dt
import gc
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser

import pytest

from pipeline.feed.merge import build_feed
from pipeline.serving.page import PAGE_JS, page_security_policy, render_item_page, render_page
from pipeline.serving.query import FeedQuery, filter_items, glance
from pipeline.serving.render import ATOM_NS, JSON_FEED_VERSION, render_atom, render_json_feed, safe_url
from pipeline.serving.routes import feed_reply, item_reply, live_reply, wants_html
from schemas.records import (
    ArticleRef,
    Event,
    EventStatus,
    FeedItem,
    FeedReport,
    PloverType,
    QuoteRef,
    Span,
)

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
        doc["home_page_url"] == "https://feed.example.org/live"
        and doc["feed_url"] == "https://feed.example.org/feed"
    )
    assert len(doc["items"]) == len(items) == 4
    for entry in doc["items"]:
        assert isinstance(entry["id"], str) and entry["title"] and entry["content_text"]
        assert entry["url"] == f"https://feed.example.org/feed/{entry['id']}"
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


@pytest.mark.parametrize("render", [render_page, render_item_page], ids=["live", "item"])
def test_page_is_static_safe_and_self_contained(items: list[FeedItem], render: Callable[[], str]) -> None:
    page = render()
    assert page == render()  # no data, no clock
    for item in items:
        assert item.headline not in page
    assert "innerHTML" not in page and "outerHTML" not in page and "insertAdjacentHTML" not in page
    assert "document.write" not in page and "eval(" not in page
    assert "textContent" in page and "<noscript>" in page and 'name="viewport"' in page
    assert not re.search(r"""(src|href)=["']https?:""", page)  # no external assets
    assert "fetch(feedUrl(" in page and 'data-feed="/feed"' in page
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
    for page in (
        render_page(feed_path='/feed"><script>x()</script>', title=XSS),
        render_item_page(feed_path='/feed"><script>x()</script>', title=XSS),
    ):
        assert "<script>x()" not in page and "<script>alert" not in page


def test_page_controls_are_labelled_and_name_feed_parameters() -> None:
    """Each control is a labelled form field named as the /feed parameter it sets (the URL is the state)."""
    page = render_page()
    names = re.findall(r'<(?:input|select) id="f-([a-z_]+)" name="([a-z_]+)"', page)
    assert [a for a, b in names if a != b] == []
    assert {n for n, _ in names} == {
        "q",
        "type",
        "status",
        "actor",
        "with",
        "outlet",
        "min_sources",
        "from",
        "to",
        "sort",
    }
    for name, _ in names:
        assert f'<label for="f-{name}">' in page, name
    # Every name the page sends is one the feed's parser reads, and every PLOVER type is offered.
    params = {
        **{"q": "x", "type": "AGREE", "status": "occurred", "actor": "a", "with": "b", "outlet": "o"},
        **{"min_sources": "2", "from": "2025-05-01", "to": "2025-05-31", "sort": "sources"},
    }
    assert set(params) == {n for n, _ in names}
    for name, value in params.items():
        assert FeedQuery.parse({name: value}) != FeedQuery(), f"the feed ignores the page's {name!r}"
    for plover in PloverType:
        assert f'<option value="{plover.value}">' in page
    fields = re.search(r"var FIELDS = (\[[^\]]*\]);", PAGE_JS)
    assert fields and json.loads(fields.group(1)) == [n for n, _ in names]  # the script keeps every control


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


# --------------------------------------------------------------------------- the page's query


def with_report(item: FeedItem, evidence: str, trigger: str) -> FeedItem:
    report = FeedReport(
        event_id=item.event_ids[0],
        article_id=item.article_ids[0],
        type=item.type,
        status=item.status,
        trigger=trigger,
        evidence=evidence,
        outlet=item.sources[0].outlet,
    )
    return item.model_copy(update={"reports": [report], "types": [item.type, PloverType.AGREE]})


def headlines(items: list[FeedItem], **params: str) -> list[str]:
    query = FeedQuery.parse(params)
    return [i.headline for i in render_order(query.select(items), query.sort)]


def render_order(items: list[FeedItem], sort: str) -> list[FeedItem]:
    ids = [e["id"] for e in render_json_feed(items, base_url=BASE, sort=sort)["items"]]
    by_id = {i.id: i for i in items}
    return [by_id[i] for i in ids]


def test_query_filters_search_and_sorts(items: list[FeedItem]) -> None:
    call = next(i for i in items if i.mode == "phone")
    talks = next(i for i in items if i.location == "Turkey")
    threat = next(i for i in items if i.type is PloverType.THREATEN)
    items = [with_report(i, "Ukraine and Russia held direct talks in Istanbul.", "held direct talks")
             if i is talks else i for i in items]  # fmt: skip
    every = headlines(items)
    assert len(every) == 4
    # Free text: every term, any case or accent, in the headline, actors or evidence (not only headline).
    assert headlines(items, q="ISTANBUL") == [talks.headline]
    assert headlines(items, q="putin  trump") == [call.headline]
    assert headlines(items, q="putin istanbul") == []
    assert headlines(items, q="mallory") == [evil(items).headline]
    assert headlines(items, q="zelenskyy") == [evil(items).headline]  # an actor, not in the headline
    # Type counts every type an item holds; status, actor, outlet, minimum outlets, event-date range.
    assert headlines(items, type="agree") == [talks.headline]
    assert set(headlines(items, type="CONSULT")) == {call.headline, talks.headline}
    assert headlines(items, status="scheduled") == [call.headline]
    assert set(headlines(items, actor="RUSSIA")) == {talks.headline, threat.headline}
    assert headlines(items, actor="russia", **{"with": "Ukraine"}) == [talks.headline]  # both take part
    assert headlines(items, actor="Ukraine", **{"with": "United States"}) == []
    assert set(headlines(items, outlet="ani")) == {call.headline, talks.headline}
    assert headlines(items, min_sources="2") == [call.headline]
    in_range = headlines(items, **{"from": "2025-05-17", "to": "2025-05-19"})
    assert set(in_range) == {
        call.headline,
        threat.headline,
        evil(items).headline,
    }  # undated: their window day
    assert headlines(items, **{"to": "2025-05-16"}) == [talks.headline]
    assert headlines(items, q="", actor="", type="") == every  # empty fields are no filter
    # Sorts: by outlets (the two-outlet call first), by event date (the call on the 19th first).
    assert headlines(items, sort="sources")[0] == call.headline
    assert headlines(items, sort="date")[0] == call.headline
    assert headlines(items, sort="date")[-1] != call.headline


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"type": "TALKS"}, "type must be a PLOVER type"),
        ({"status": "happened"}, "status must be one of"),
        ({"sort": "random"}, "sort must be one of"),
        ({"min_sources": "-1"}, "min_sources must be between"),
        ({"min_sources": "two"}, "min_sources must be a whole number"),
        ({"from": "19 May"}, "from must be a date"),
        ({"since": "yesterday"}, "since must be an ISO 8601"),
        ({"limit": "99999999"}, "limit must be between"),
    ],
)
def test_bad_query_is_a_400_that_says_why(
    items: list[FeedItem], params: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        FeedQuery.parse(params)
    reply = feed_reply("/feed", lambda: items, params, base_url=BASE, generation=1)
    assert reply.status == 400 and message in json.loads(reply.body)["error"]


def test_feed_limit_and_glance(items: list[FeedItem]) -> None:
    reply = feed_reply("/feed", lambda: items, {"limit": "2", "sort": "sources"}, base_url=BASE, generation=1)
    doc = json.loads(reply.body)
    assert reply.status == 200 and reply.content_type == "application/feed+json"
    assert len(doc["items"]) == 2 and doc["items"][0]["_diplofeed"]["mode"] == "phone"
    summary = doc["_diplofeed"]
    assert summary["total"] == summary["window_total"] == 4
    assert summary["types"] == {"CONSULT": 2, "THREATEN": 1, "ACCUSE": 1}
    assert summary["statuses"] == {"occurred": 3, "scheduled": 1}
    # Every day from the first to the last, gaps included, each with its types.
    days = {d["day"]: d["types"] for d in summary["days"]}
    assert (
        list(days) == sorted(days)
        and len(days) == (dt.date.fromisoformat(max(days)) - dt.date.fromisoformat(min(days))).days + 1
    )
    assert sum(sum(t.values()) for t in days.values()) == 4
    assert days["2025-05-19"].get("CONSULT") == 1 and days["2025-05-16"] == {"CONSULT": 1}
    pairs = {tuple(p["actors"]): p["count"] for p in summary["pairs"]}
    assert pairs[("Donald Trump", "Vladimir Putin")] == 1 and len(pairs) == 4
    assert "Volodymyr Zelenskyy" in summary["facets"]["actors"]
    assert summary["facets"]["outlets"] == sorted(summary["facets"]["outlets"], key=str.casefold)
    assert "ANI" in summary["facets"]["outlets"] and "new" not in summary
    # A filtered glance covers the selection; window facets stay the window's.
    threats = json.loads(
        feed_reply("/feed", lambda: items, {"type": "THREATEN"}, base_url=BASE, generation=1).body
    )
    assert threats["_diplofeed"]["total"] == 1 and threats["_diplofeed"]["window_total"] == 4
    assert threats["_diplofeed"]["facets"] == summary["facets"]
    # "new": items first seen after the page's last render.
    newest = max(i.first_seen for i in items)
    after = {"after": (newest - dt.timedelta(seconds=1)).isoformat()}
    assert glance(items, items, FeedQuery.parse(after))["new"] == 1
    assert glance(items, items, FeedQuery.parse({"after": newest.isoformat()}))["new"] == 0
    # Atom takes the same query.
    atom = feed_reply("/feed.atom", lambda: items, {"q": "sanctions"}, base_url=BASE, generation=1)
    assert atom.content_type == "application/atom+xml"
    assert len(ET.fromstring(atom.body).findall(f"{A}entry")) == 1


def test_feed_etag_answers_304_until_the_view_changes(items: list[FeedItem]) -> None:
    first = feed_reply("/feed", lambda: items, {"actor": "Russia"}, base_url=BASE, generation=7)
    tag = first.headers["ETag"]
    assert first.status == 200 and tag.startswith('"') and first.headers["Cache-Control"] == "no-cache"

    def again(generation: int = 7, params: dict[str, str] | None = None, sent: str = tag) -> int:
        query = params if params is not None else {"actor": "Russia"}
        return feed_reply(
            "/feed", lambda: items, query, base_url=BASE, generation=generation, if_none_match=sent
        ).status

    assert again() == 304

    def unread() -> list[FeedItem]:
        raise AssertionError("the window was read for a 304")

    assert (
        feed_reply(
            "/feed", unread, {"actor": "Russia"}, base_url=BASE, generation=7, if_none_match=tag
        ).status
        == 304
    )
    assert again(sent=f'"other", W/{tag}') == 304 and again(sent="*") == 304
    assert again(params={"actor": "Russia", "after": "2025-05-19T00:00:00Z"}) == 304  # after: only a count
    assert again(generation=8) == 200  # the view changed
    assert again(params={"actor": "Ukraine"}) == 200  # another selection
    assert again(sent='"something-else"') == 200
    russia = {"actor": "Russia"}
    atom = feed_reply("/feed.atom", lambda: items, russia, base_url=BASE, generation=7, if_none_match=tag)
    assert atom.status == 200  # another format
    elsewhere = feed_reply(
        "/feed", lambda: items, russia, base_url="https://b.example", generation=7, if_none_match=tag
    )
    assert elsewhere.status == 200  # another address: other links inside


def test_item_is_a_page_for_browsers_and_json_otherwise(items: list[FeedItem]) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert wants_html(browser) and wants_html("text/html")
    for accept in (None, "", "*/*", "application/json", "application/json, text/html;q=0.5", "text/html;q=0"):
        assert not wants_html(accept), accept
    item = items[0]
    page = item_reply(item, item.id, browser)
    assert page.status == 200 and page.content_type == "text/html" and page.headers["Vary"] == "Accept"
    assert page.headers["Content-Security-Policy"] == page_security_policy()
    assert page.body.decode() == render_item_page() and item.headline not in page.body.decode()
    data = item_reply(item, item.id, "application/json")
    assert data.status == 200 and FeedItem.model_validate_json(data.body) == item
    assert item_reply(None, "gone", browser).status == 404
    missing = item_reply(None, "gone", "*/*")
    assert missing.status == 404 and json.loads(missing.body) == {"error": "no feed item 'gone'"}
    live = live_reply()
    assert live.body.decode() == render_page() and live.headers["X-Content-Type-Options"] == "nosniff"


def test_item_facts_are_cached_per_object_and_forgotten_with_it(items: list[FeedItem]) -> None:
    from pipeline.serving import query

    item = items[0].model_copy(update={"headline": "Copy made for this test"})
    first = query.facts(item)
    assert query.facts(item) is first and " copy made for this test " in first.text
    changed = item.model_copy(update={"headline": "Another headline"})  # a new object: its own facts
    assert "another headline" in query.facts(changed).text
    key = id(item)
    assert key in query._FACTS
    del item, first
    gc.collect()
    assert key not in query._FACTS  # a replaced item does not keep its facts (or itself) alive
