"""The live page in a real headless Chromium: it renders the feed, data stays text, it fits laptop and phone.

No Kafka: a local ``http.server`` serves ``/live`` (``render_page`` plus the
worker's CSP header) and ``/feed`` (``render_json_feed`` of items built here),
exactly as ``pipeline.serving.web`` does.  Chromium is required (Debian package
``chromium``); without it these tests fail rather than skip.
"""

from __future__ import annotations

import datetime as dt
import gc
import html
import json
import os
import re
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

import pytest

from schemas.records import EventStatus, FeedItem, FeedReport, FeedSource, PloverType, QuoteRef
from tests.chromium import (
    DevTools,
    Png,
    devtools,
    dump_dom,
    feed_server,
    png_size,
    read_png,
    require_chromium,
    screenshot,
)
from tests.page_data import bulk_items, desk_items

UTC = dt.UTC
PAGE_TITLE = "diplofeed"


def feed_item(
    key: str,
    headline: str,
    type_: PloverType,
    actors: list[str],
    sources: list[FeedSource],
    *,
    hour: int,
    quotes: Sequence[tuple[str | None, str]] = (),
    **fields: object,
) -> FeedItem:
    seen = dt.datetime(2025, 5, 19, hour, tzinfo=UTC)
    return FeedItem(
        id=key,
        article_ids=[s.article_id for s in sources],
        headline=headline,
        type=type_,
        actors=actors,
        sources=sources,
        source_count=len({s.outlet or s.article_id for s in sources}),
        quotes=[
            QuoteRef(quote_id=f"{key}-q{i}", article_id=sources[0].article_id, speaker=speaker, text=text)
            for i, (speaker, text) in enumerate(quotes)
        ],
        event_ids=[f"{key}-e"],
        first_seen=seen,
        last_seen=seen,
        event_time=seen,
        **fields,  # type: ignore[arg-type]
    )


TELESUR = FeedSource(
    article_id="c9dcb8726aa41838",
    outlet="teleSUR",
    title="Putin & Trump to talk on Monday",
    url="https://www.telesurenglish.net/putin-trump-phone-call/",
    published_date=dt.date(2025, 5, 19),
)
ANI = FeedSource(article_id="945e849477d99e4f", outlet="ANI", published_date=dt.date(2025, 5, 19))
XINHUA = FeedSource(
    article_id="5d1f0b9e77aa0c13",
    outlet="Xinhua",
    title="Wang Yi meets Lavrov in Beijing",
    url="https://english.news.cn/20250519/lavrov-wang-yi/c.html",
)
REUTERS = FeedSource(
    article_id="0a7c2e9f3b1d4e55",
    outlet="Reuters",
    title="EU adopts 17th sanctions package against Russia",
    url="https://www.reuters.com/world/europe/eu-sanctions-package/",
)

CALL = feed_item(
    "3f6a9c1d2b7e4a10",
    "Vladimir Putin and Donald Trump to hold phone call",
    PloverType.CONSULT,
    ["Vladimir Putin", "Donald Trump"],
    [TELESUR, ANI],
    hour=10,
    mode="phone",
    status=EventStatus.SCHEDULED,
    date=dt.date(2025, 5, 19),
    time_utc=dt.datetime(2025, 5, 19, 14, tzinfo=UTC),
    quotes=[("Dmitry Peskov", "The conversation is very important, given the talks in Istanbul")],
)
MEETING = feed_item(
    "8b2d4f6a0c1e3a57",
    "Sergey Lavrov and Wang Yi held talks in Beijing",
    PloverType.CONSULT,
    ["Sergey Lavrov", "Wang Yi"],
    [XINHUA],
    hour=9,
    status=EventStatus.OCCURRED,
    location="Beijing",
    date=dt.date(2025, 5, 18),
    quotes=[("Wang Yi", "China and Russia will keep close strategic communication")],
)
SANCTIONS = feed_item(
    "c4e6a8b0d2f41c93",
    "European Union sanctions Russia",
    PloverType.SANCTION,
    ["European Union", "Russia"],
    [REUTERS],
    hour=8,
    status=EventStatus.OCCURRED,
    date=dt.date(2025, 5, 20),
)
REALISTIC = [CALL, MEETING, SANCTIONS]

# ------------------------------------------------------------------ hostile data

PWNED = "PWNED"
SCRIPT = f"<script>document.title='{PWNED}'</script>"
IMG = f"<img src=x onerror=\"document.title='{PWNED}'\">"
SVG = f'"><svg onload="document.title=\'{PWNED}\'">'
IFRAME = "<iframe srcdoc=\"<script>parent.document.title='PWNED'</script>\"></iframe>"
ANCHOR = "<a href=\"javascript:document.title='PWNED'\">click</a>"
JS_URLS = [
    "javascript:alert(1)",
    " JaVaScRiPt:document.title='PWNED'",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]
#: A real https URL carrying markup: allowed as a link, but only percent-encoded in ``href``.
TRICKY_HTTPS = 'https://evil.example/a?q="><svg onload=alert(1)>'

TEXT_PAYLOADS = [SCRIPT, IMG, SVG, IFRAME, ANCHOR]


def hostile_items() -> list[FeedItem]:
    sources = [
        FeedSource(article_id=f"bad{i:013d}", outlet=f"Outlet {payload}", title=f"Title {payload}", url=url)
        for i, (payload, url) in enumerate(zip(TEXT_PAYLOADS, JS_URLS, strict=True))
    ]
    sources.append(FeedSource(article_id=f"{SVG}-id", outlet=None, title=None, url=None))
    sources.append(FeedSource(article_id="goodhttps0000001", outlet=f"Wire {SVG}", url=TRICKY_HTTPS))
    return [
        feed_item(
            f'x"><img src=x onerror="document.title=\'{PWNED}\'">',
            f"{SCRIPT} and {IMG} to hold talks",
            PloverType.CONSULT,
            [SCRIPT, IMG, SVG],
            sources[:3],
            hour=12,
            mode=f"phone{IMG}",
            location=f"Geneva {SVG}",
            recipient=SCRIPT,
            status=EventStatus.SCHEDULED,
            quotes=[(IMG, f"We will talk {SCRIPT} {ANCHOR}"), (None, IFRAME)],
            types=[PloverType.CONSULT, PloverType.AGREE],
            reports=[
                FeedReport(
                    event_id=f"ev{SVG}",
                    article_id=sources[0].article_id,
                    type=PloverType.CONSULT,
                    mode=f"video{SCRIPT}",
                    status=EventStatus.SCHEDULED,
                    trigger=f"talk{IMG}",
                    evidence=f"They will talk{IMG} soon {ANCHOR}.",
                    outlet=f"Outlet {IFRAME}",
                ),
                FeedReport(
                    event_id="ev2",
                    article_id=f"{SCRIPT}-article",
                    type=PloverType.AGREE,
                    status=EventStatus.OCCURRED,
                    trigger=SCRIPT,
                    evidence=f"No trigger in here {SVG}",
                ),
            ],
        ),
        feed_item(
            "b2" * 8,
            f"{IFRAME} accuses {ANCHOR}",
            PloverType.ACCUSE,
            [IFRAME, ANCHOR],
            sources[3:],
            hour=11,
            status=EventStatus.OCCURRED,
            quotes=[(SVG, SVG)],
        ),
    ]


class Dom(HTMLParser):
    """Elements and attributes of a serialized DOM (``<noscript>`` content counted apart: it is text).

    ``titles`` are the document's ``<title>`` texts; SVG ``<title>`` tooltips are not among them.
    """

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attrs: list[tuple[str, str, str]] = []
        self.titles: list[str] = []
        self.items: list[str] = []
        self._noscript = 0
        self._svg = 0
        self._in_title = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "noscript":
            self._noscript += 1
        if self._noscript:
            return
        self.tags[tag] += 1
        self._svg += tag == "svg"
        self._in_title = tag == "title" and not self._svg  # the document's title, not an SVG tooltip
        if self._in_title:
            self.titles.append("")
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))
        if tag == "article" and ("class", "item") in attrs:
            self.items.append(dict(attrs).get("id") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "noscript":
            self._noscript -= 1
        if tag == "svg" and not self._noscript:
            self._svg -= 1
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.titles[-1] += data


#: A script URL in an attribute of a real tag (in text, "<" is serialized as "&lt;", so text never matches).
SCRIPT_URL_ATTR = re.compile(
    r"<[a-z][^<>]*\s(?:href|src|action|formaction|xlink:href)\s*=\s*[\"']?\s*(?:javascript|data|vbscript):",
    re.IGNORECASE,
)


def text_escaped(text: str) -> str:
    """How Chromium serializes a text node: only &, < and > (and U+00A0) escaped."""
    return html.escape(text, quote=False)


# ------------------------------------------------------------------ 1. renders the feed

#: Links that are the page's own: the skip link, the home link and item pages (encoded as the page does).
OWN_LINK = re.compile(r"^(#items|/live|/feed/[A-Za-z0-9%_.!~*'()-]+)$")


def item_href(item: FeedItem) -> str:
    """The item link the page builds (``encodeURIComponent``)."""
    return "/feed/" + quote(item.id, safe="!*'()")


def test_page_renders_feed_items(tmp_path: Path) -> None:
    chromium = require_chromium()
    with feed_server(REALISTIC) as server:
        dom = dump_dom(chromium, server.url("/live"), tmp_path)
        requests = server.feed_requests
    parsed = Dom(dom)
    assert requests >= 1, "the page never fetched /feed"
    assert "3 items" in dom, f"page did not render the feed; status line and body:\n{dom[-3000:]}"
    # Newest report first (last_seen), one card per item, permalink anchors as ids.
    assert parsed.items == [f"item-{i.id}" for i in (CALL, MEETING, SANCTIONS)]
    for item in REALISTIC:
        assert f'<h2><a href="{item_href(item)}">{text_escaped(item.headline)}</a></h2>' in dom
    assert "Actors: Vladimir Putin, Donald Trump" in dom
    assert "2025-05-19 14:00 UTC" in dom and "Beijing" in dom
    assert "Sources (2 outlets):" in dom and "Sources (1 outlet):" in dom
    for outlet in ("teleSUR", "ANI", "Xinhua", "Reuters"):
        assert outlet in dom
    assert f"{text_escaped(TELESUR.title or '')}</a>" in dom  # "&" of the title escaped, as text
    assert "ANI (945e849477d99e4f)</span>" in dom  # no URL: a label, not a link
    assert "\u201cThe conversation is very important, given the talks in Istanbul\u201d" in dom
    assert "<cite>\u2014 Dmitry Peskov</cite>" in dom
    assert "<cite>\u2014 Wang Yi</cite>" in dom
    hrefs = [value for tag, name, value in parsed.attrs if tag == "a" and name == "href"]
    external = sorted(h for h in hrefs if not OWN_LINK.match(h))
    assert external == sorted(s.url for s in (TELESUR, XINHUA, REUTERS) if s.url)
    assert {h for h in hrefs if h.startswith("/feed/")} == {item_href(i) for i in REALISTIC}
    assert ("a", "rel", "noopener noreferrer nofollow") in parsed.attrs
    assert parsed.titles == [PAGE_TITLE]
    # At a glance: one day of three events, two types, the pairs of each item.
    assert parsed.tags["svg"] == 1 and parsed.tags["rect"] == 2, "timeline: one bar of two type segments"
    assert "05-19" in dom and "Events per day by type, 2025-05-19 to 2025-05-19: 3 in all" in dom
    assert re.search(r"<span>CONSULT</span><span class=\"count\">2</span>", dom)
    assert re.search(r"<span>SANCTION</span><span class=\"count\">1</span>", dom)
    for pair in (
        "Donald Trump \u2194 Vladimir Putin",
        "Sergey Lavrov \u2194 Wang Yi",
        "European Union \u2194 Russia",
    ):
        assert f'<span class="pair">{pair}</span>' in dom, pair


# ------------------------------------------------------------------ 2. untrusted text stays text


def assert_inert(dom: str, own: dict[str, int]) -> Dom:
    """Nothing from the data became an element, attribute, script URL or title; the parsed DOM.

    ``own`` counts the page's own elements of the watched kinds (the live page's form and timeline).
    """
    parsed = Dom(dom)
    assert parsed.titles and PWNED not in parsed.titles[0], f"title changed: {parsed.titles}"
    assert parsed.tags["script"] == 1 and parsed.tags["style"] == 1
    for tag in ("img", "svg", "iframe", "object", "embed", "math", "form", "base", "link", "foreignobject"):
        assert parsed.tags[tag] == own.get(tag, 0), f"<{tag}> element injected"
    assert not [(t, n) for t, n, _ in parsed.attrs if n.startswith("on")], "event-handler attribute injected"
    assert dom.count("<script") == 1
    assert not SCRIPT_URL_ATTR.search(dom), SCRIPT_URL_ATTR.search(dom)
    for payload in TEXT_PAYLOADS:
        assert payload not in dom, f"payload raw in DOM: {payload!r}"
    return parsed


@pytest.mark.parametrize("prefix", ["", "/nocsp"], ids=["as-served", "without-csp"])
def test_untrusted_text_stays_text(tmp_path: Path, prefix: str) -> None:
    """Markup and script URLs in every text field render as text, with and without the CSP backstop.

    ``/nocsp/live`` is the same page with the CSP ``<meta>`` removed and no header: it shows
    the page's own DOM building (``textContent``, http(s)-only links) is safe by itself.
    """
    chromium = require_chromium()
    items = hostile_items()
    with feed_server(items) as server:
        dom = dump_dom(chromium, server.url(prefix + "/live"), tmp_path)
    # The script ran and rendered both items (else the checks below would prove nothing).
    assert "2 items" in dom, f"page did not render the hostile feed:\n{dom[-3000:]}"
    parsed = assert_inert(dom, {"svg": 1, "form": 1})
    assert len(parsed.items) == 2
    assert parsed.titles == [PAGE_TITLE]
    # Links: only http(s) or the page's own; the markup-laden https URL percent-encoded.
    hrefs = [v for t, n, v in parsed.attrs if n in ("href", "src", "action", "formaction")]
    assert [h for h in hrefs if not OWN_LINK.match(h)] == [
        "https://evil.example/a?q=%22%3E%3Csvg%20onload=alert(1)%3E"
    ]
    assert {h for h in hrefs if h.startswith("/feed/")} == {item_href(i) for i in items}
    # Every payload is in the page, as escaped text.
    for payload in TEXT_PAYLOADS:
        assert text_escaped(payload) in dom, f"payload text missing: {payload!r}"
    assert f">{text_escaped(items[0].headline)}</a></h2>" in dom
    assert f"Actors: {text_escaped(', '.join(items[0].actors))}" in dom
    assert f"<cite>\u2014 {text_escaped(IMG)}</cite>" in dom
    assert "<cite>\u2014 unattributed</cite>" in dom
    assert re.search(r'<span class="pair">[^<]*&lt;(script|img)', dom), "hostile actor pair not shown as text"
    # Facets of hostile outlets and actors are option values (attributes), never markup.
    values = {v for t, n, v in parsed.attrs if t == "option" and n == "value"}
    assert f"Outlet {SCRIPT}" in values and SCRIPT in values
    # A source with a script URL is a label, not a link, with its article id shown as text.
    assert (
        f"Outlet {text_escaped(SCRIPT)} \u2014 Title {text_escaped(SCRIPT)} (bad0000000000000)</span>" in dom
    )


@pytest.mark.parametrize("prefix", ["", "/nocsp"], ids=["as-served", "without-csp"])
def test_hostile_address_fills_controls_as_text(tmp_path: Path, prefix: str) -> None:
    """A shared link is untrusted too: its parameters become control values, never markup."""
    chromium = require_chromium()
    params = {"q": IMG, "actor": SCRIPT, "outlet": SVG, "from": SCRIPT, "type": SCRIPT, "sort": ANCHOR}
    with feed_server(hostile_items()) as server, devtools(chromium, tmp_path) as browser:
        browser.open_page(*SIZES["laptop"], mobile=False)
        browser.navigate(server.url(f"{prefix}/live?{urlencode(params)}"))
        browser.wait_for('document.querySelector("#items .empty") !== null')
        page = browser.evaluate(
            "({title: document.title,"
            " values: Object.fromEntries([...document.querySelectorAll('#controls [name]')]"
            ".map(e => [e.name, e.value])),"
            " injected: document.querySelectorAll("
            "'img, iframe, script, #items svg, [onerror], [onload]').length,"
            " empty: document.querySelector('#items .empty').textContent})"
        )
        asked = [r for r in server.requests if r.startswith("/feed?")]
    assert page["title"] == PAGE_TITLE
    assert page["injected"] == 1  # the page's own <script>
    assert page["empty"] == "No events match these filters."
    # Free-text controls hold the text as given; a date, a type and a sort that are not one are dropped.
    assert {k: page["values"][k] for k in ("q", "actor", "outlet")} == {
        "q": IMG,
        "actor": SCRIPT,
        "outlet": SVG,
    }
    assert (
        page["values"]["from"] == "" and page["values"]["type"] == "" and page["values"]["sort"] == "updated"
    )
    sent = [dict(parse_qsl(r.partition("?")[2])) for r in asked]
    assert sent and all(
        q["q"] == IMG and "from" not in q and "type" not in q and "sort" not in q for q in sent
    )


@pytest.mark.parametrize("prefix", ["", "/nocsp"], ids=["as-served", "without-csp"])
def test_untrusted_text_stays_text_on_item_page(tmp_path: Path, prefix: str) -> None:
    """The item page shows every hostile field (reports, trigger, outlets, quotes) as text only."""
    chromium = require_chromium()
    items = hostile_items()
    with feed_server(items) as server:
        dom = dump_dom(chromium, server.url(prefix + item_href(items[0])), tmp_path)
    assert "Reports (2)" in dom, f"item page did not render:\n{dom[-3000:]}"
    parsed = assert_inert(dom, {})
    assert parsed.titles == [f"{PAGE_TITLE} \u00b7 event"]
    for payload in TEXT_PAYLOADS:
        assert text_escaped(payload) in dom, f"payload text missing: {payload!r}"
    # The trigger is marked inside its evidence, as text; a trigger not in the sentence is named after it.
    assert f"They will <mark>{text_escaped('talk' + IMG)}</mark> soon {text_escaped(ANCHOR)}." in dom
    assert f"(trigger: {text_escaped(SCRIPT)})" in dom
    assert f"Reported by Outlet {text_escaped(IFRAME)}" in dom
    hrefs = [v for t, n, v in parsed.attrs if n in ("href", "src", "action", "formaction")]
    assert [h for h in hrefs if not OWN_LINK.match(h)] == []  # items[0] has only script URLs
    assert f"Title {text_escaped(SCRIPT)} (no link)" in dom


# ------------------------------------------------------------------ 3. screenshots, laptop and phone

SIZES = {"laptop": (1280, 900), "phone": (375, 812)}


def _background(png_pixels: list[bytes]) -> bytes:
    return Counter(png_pixels).most_common(1)[0][0]


@pytest.mark.parametrize("device", list(SIZES))
def test_screenshot_has_the_feed(tmp_path: Path, device: str) -> None:
    chromium = require_chromium()
    width, height = SIZES[device]
    with feed_server(desk_items()) as server:
        full = screenshot(chromium, server.url("/live"), tmp_path / f"{device}-feed.png", width, height)
        server.items = []
        empty = screenshot(chromium, server.url("/live"), tmp_path / f"{device}-empty.png", width, height)

    assert png_size(full) == (width, height)
    assert png_size(empty) == (width, height)
    shot, blank = read_png(full), read_png(empty)
    pixels, empty_pixels = list(shot.pixels()), list(blank.pixels())
    assert len(pixels) == width * height
    # Not blank: the empty feed still draws the header, the controls and "No events"; the feed far more.
    background = _background(empty_pixels)  # the page background: the empty feed is mostly that
    ink = sum(p != background for p in pixels) / len(pixels)
    empty_ink = sum(p != background for p in empty_pixels) / len(empty_pixels)
    assert len(set(empty_pixels)) > 10 and empty_ink > 0.01, "empty-feed screenshot is blank"
    assert len(set(pixels)) > 100, "feed screenshot has almost no distinct colours"
    assert ink > 0.3, f"feed missing? ink {ink:.3f} (empty feed {empty_ink:.3f})"
    changed = sum(a != b for a, b in zip(pixels, empty_pixels, strict=True)) / len(pixels)
    assert changed > 0.05, f"feed and empty-feed screenshots differ in only {changed:.1%} of pixels"
    # Colour: the timeline's type colours are drawn (the empty feed has none).
    colourful = sum(max(p) - min(p) > 80 for p in pixels) / len(pixels)
    assert colourful > 0.002 and colourful > 3 * sum(max(p) - min(p) > 80 for p in empty_pixels) / len(pixels)
    # The desk is the page's column: on a phone it spans the screen, on a laptop the centred 52rem.
    rows_with_card = [row for row in range(height) if _card_span(shot, row, background)]
    assert rows_with_card, "no card rows found"
    left, right = _card_span(shot, rows_with_card[len(rows_with_card) // 2], background) or (0, 0)
    if device == "phone":
        assert left < 16 and right > width - 16, f"phone card spans only x={left}..{right}"
    else:
        assert abs((left + right) / 2 - width / 2) < 8 and right - left <= 832, (left, right)


def _card_span(image: Png, row: int, background: bytes) -> tuple[int, int] | None:
    """First and last x of the longest run of non-background pixels in a row, if card-wide."""
    data, step = image.rows[row], image.channels
    best: tuple[int, int] | None = None
    start = None
    for x in range(image.width + 1):
        inside = x < image.width and data[x * step : x * step + 3] != background
        if inside and start is None:
            start = x
        elif not inside and start is not None:
            if best is None or x - 1 - start > best[1] - best[0]:
                best = (start, x - 1)
            start = None
    return best if best and best[1] - best[0] > 0.5 * min(image.width, 832) else None


# ------------------------------------------------------------------ 4. layout: nothing overflows

LONG_TOKEN = "Putin-Trump_phone_call_to_be_held_on_Monday_confirms_Kremlin_spokesman_Dmitry_Peskov_" * 2
LAYOUT_ITEMS = [
    *REALISTIC,
    feed_item(
        "d5f7b9c1e3a5b7d9",
        f"Democratic People's Republic of Korea and {LONG_TOKEN} held talks in Ulaanbaatar",
        PloverType.CONSULT,
        ["Democratic People's Republic of Korea", LONG_TOKEN],
        [
            FeedSource(
                article_id="e1e2e3e4e5e6e7e8",
                outlet="Korean Central News Agency (KCNA Watch mirror)",
                title=LONG_TOKEN,
                url="https://kcnawatch.example/newstream/" + "x" * 160,
            ),
            FeedSource(article_id="f1f2f3f4f5f6f7f8", outlet="Montsame", title=LONG_TOKEN),
        ],
        hour=7,
        mode="multilateral",
        location="Ulaanbaatar",
        status=EventStatus.OCCURRED,
        quotes=[("Choe Son Hui", LONG_TOKEN)],
    ),
]

LAYOUT_PROBE = """(() => {
  const vw = window.innerWidth, doc = document.documentElement;
  const out = [], tight = [], sizes = [];
  for (const el of document.querySelectorAll("header, header *, .desk, .desk *")) {
    const r = el.getBoundingClientRect();
    const name = el.tagName.toLowerCase() + (el.className ? "." + el.className : "");
    if (r.width && (r.right > vw + 0.5 || r.left < -0.5)) out.push([name, r.left, r.right]);
    if (el.clientWidth && el.scrollWidth > el.clientWidth + 1)
      tight.push([name, el.scrollWidth, el.clientWidth]);
    if ([...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
      sizes.push(parseFloat(getComputedStyle(el).fontSize));
  }
  return {vw, scrollWidth: doc.scrollWidth, out, tight, texts: sizes.length, minFont: Math.min(...sizes),
          cards: document.querySelectorAll("#items article.item").length};
})()"""


@pytest.mark.parametrize("device", list(SIZES))
def test_layout_fits_viewport(tmp_path: Path, device: str) -> None:
    """Long actor names, titles, URLs and quotes wrap: no horizontal scrolling, text stays >= 12px."""
    chromium = require_chromium()
    width, height = SIZES[device]
    with feed_server(LAYOUT_ITEMS) as server, devtools(chromium, tmp_path) as browser:
        browser.open_page(width, height, mobile=device == "phone")
        browser.navigate(server.url("/live"))
        browser.wait_for(f'document.querySelectorAll("#items article.item").length === {len(LAYOUT_ITEMS)}')
        layout = browser.evaluate(LAYOUT_PROBE)
    assert layout["vw"] == width
    assert layout["cards"] == len(LAYOUT_ITEMS)
    assert layout["scrollWidth"] <= width, f"page scrolls sideways: {layout}"
    assert not layout["out"], f"elements beyond the viewport: {layout['out']}"
    assert not layout["tight"], f"content overflowing its box: {layout['tight']}"
    assert layout["texts"] > 20, f"too few text elements measured: {layout}"
    assert layout["minFont"] >= 12, f"text smaller than 12px: {layout['minFont']}"


# ------------------------------------------------------------------ 5. every control, laptop and phone

H = [i.headline for i in desk_items()]  # H[0] Valletta talks ... H[6] ceasefire proposal
CARDS = '[...document.querySelectorAll("#items article.item h2")].map(h => h.textContent)'


def wait_cards(browser: DevTools, expected: list[str], timeout: float = 15.0) -> None:
    """Wait until the list shows exactly these headlines, in this order."""
    try:
        browser.wait_for(
            f"JSON.stringify({CARDS}) === {json.dumps(json.dumps(expected, separators=(',', ':')))}", timeout
        )
    except TimeoutError:
        pytest.fail(f"cards {browser.evaluate(CARDS)} != expected {expected}")


def query(browser: DevTools) -> dict[str, str]:
    return dict(parse_qsl(browser.evaluate("location.search").lstrip("?")))


def choose(browser: DevTools, select: str, value: str) -> None:
    """Pick an option with the keyboard: focus the select, then arrow to it (change fires each step)."""
    browser.focus(select)
    where = (
        f"(() => {{ const s = document.querySelector({json.dumps(select)});"
        f" return [s.selectedIndex, [...s.options].findIndex(o => o.value === {json.dumps(value)})]; }})()"
    )
    for _ in range(20):
        current, target = browser.evaluate(where)
        assert target >= 0, f"{select} has no option {value!r}"
        if current == target:
            return
        browser.press(*(("ArrowDown", 40) if current < target else ("ArrowUp", 38)))
    pytest.fail(f"{select} never reached {value!r}")


def type_into(browser: DevTools, field: str, text: str) -> None:
    browser.focus(field)
    browser.type_text(text)


def set_date(browser: DevTools, field: str, value: str) -> None:
    """What the date picker does: set the value, fire input and change."""
    browser.evaluate(
        f"(() => {{ const e = document.querySelector({json.dumps(field)}); e.value = {json.dumps(value)};"
        " e.dispatchEvent(new Event('input', {bubbles: true}));"
        " e.dispatchEvent(new Event('change', {bubbles: true})); })()"
    )


@pytest.mark.parametrize("device", list(SIZES))
def test_every_control_filters_sorts_and_keeps_state_in_the_url(tmp_path: Path, device: str) -> None:
    chromium = require_chromium()
    width, height = SIZES[device]
    newest_first = [H[6], H[5], H[4], H[3], H[2], H[1], H[0]]
    with feed_server(desk_items()) as server, devtools(chromium, tmp_path) as browser:
        browser.open_page(width, height, mobile=device == "phone")
        browser.watch_errors()
        browser.navigate(server.url("/live"))
        wait_cards(browser, newest_first)
        assert browser.evaluate('document.getElementById("status").textContent').startswith("7 items")
        # On a phone the controls start folded (the feed comes first); one tap opens them.
        is_open = 'document.getElementById("filters").open'
        assert browser.evaluate(is_open) == (device == "laptop")
        if device == "phone":
            browser.click("#filters summary")
            assert browser.evaluate(is_open)

        # Free-text search looks in the reports' evidence too ("ferry" is only in an evidence sentence).
        type_into(browser, "#f-q", "ferry")
        wait_cards(browser, [H[0]])
        assert query(browser) == {"q": "ferry"}
        browser.click('#controls button[type="reset"]')
        wait_cards(browser, newest_first)
        assert query(browser) == {} and browser.evaluate('document.getElementById("f-q").value') == ""

        # Type (an item counts for every type it holds: the Valletta talks also reached an AGREE).
        choose(browser, "#f-type", "AGREE")
        wait_cards(browser, [H[0]])
        choose(browser, "#f-type", "CONSULT")
        wait_cards(browser, [H[3], H[0]])
        choose(browser, "#f-status", "scheduled")
        wait_cards(browser, [H[3]])
        assert query(browser) == {"type": "CONSULT", "status": "scheduled"}
        # Back: the previous state, controls included.
        browser.evaluate("history.back()")
        wait_cards(browser, [H[3], H[0]])
        assert browser.evaluate('document.getElementById("f-status").value') == ""
        assert browser.evaluate('document.getElementById("f-type").value') == "CONSULT"
        browser.click('#controls button[type="reset"]')
        wait_cards(browser, newest_first)

        # Actor and outlet (names compared without case), then minimum number of outlets.
        type_into(browser, "#f-actor", "borovia")
        wait_cards(browser, [H[6], H[5], H[3], H[2], H[1]])
        type_into(browser, "#f-outlet", "harbour times")
        wait_cards(browser, [H[5], H[2]])
        assert query(browser) == {"actor": "borovia", "outlet": "harbour times"}
        browser.click('#controls button[type="reset"]')
        type_into(browser, "#f-min_sources", "3")
        wait_cards(browser, [H[6], H[0]])
        browser.click('#controls button[type="reset"]')

        # Sort by number of sources, then by event date; a date range.
        choose(browser, "#f-sort", "sources")
        wait_cards(browser, [H[6], H[0], H[4], H[2], H[5], H[3], H[1]])
        assert query(browser) == {"sort": "sources"}
        choose(browser, "#f-sort", "updated")
        wait_cards(browser, newest_first)
        set_date(browser, "#f-from", "2025-05-15")
        set_date(browser, "#f-to", "2025-05-17")
        wait_cards(browser, [H[4], H[3], H[2]])
        assert query(browser) == {"from": "2025-05-15", "to": "2025-05-17"}
        assert "3 items of 7" in browser.evaluate('document.getElementById("status").textContent')
        browser.click('#controls button[type="reset"]')
        wait_cards(browser, newest_first)

        # The glance's type list is a filter too.
        browser.click('#type-counts button[data-type="THREATEN"]')
        wait_cards(browser, [H[5]])
        assert (
            browser.evaluate(
                'document.querySelector("#type-counts [data-type=THREATEN]").getAttribute("aria-pressed")'
            )
            == "true"
        )
        assert browser.evaluate('document.getElementById("f-type").value') == "THREATEN"

        # An actor pair is a filter of both: what Arland and Borovia did together.
        browser.click('#controls button[type="reset"]')
        wait_cards(browser, newest_first)
        assert (
            browser.evaluate('document.querySelector("#pairs .pair").textContent') == "Arland \u2194 Borovia"
        )
        browser.click("#pairs button")
        wait_cards(browser, [H[6], H[3], H[1]])
        assert query(browser) == {"actor": "Arland", "with": "Borovia"}
        browser.evaluate("history.back()")
        wait_cards(browser, newest_first)
        browser.evaluate("history.forward()")
        wait_cards(browser, [H[6], H[3], H[1]])
        browser.click('#controls button[type="reset"]')
        wait_cards(browser, newest_first)
        browser.click('#type-counts [data-type="THREATEN"]')
        wait_cards(browser, [H[5]])

        # Follow the item: its page shows the evidence with the trigger marked; back returns to the filter.
        browser.click("#items article.item h2 a")
        browser.wait_for(
            '!!document.body && document.body.getAttribute("data-view") === "item"'
            ' && !!document.querySelector("mark")'
        )
        assert browser.evaluate("location.pathname") == "/feed/6f70819203142536"
        assert browser.evaluate('document.querySelector("mark").textContent') == "threatened"
        assert browser.evaluate('document.querySelector(".detail h2").textContent') == H[5]
        assert (
            browser.evaluate('document.getElementById("back").getAttribute("href")') == "/live?type=THREATEN"
        )
        assert browser.errors() == []
        browser.evaluate("history.back()")
        browser.wait_for('!!document.body && document.body.getAttribute("data-view") === "list"')
        wait_cards(browser, [H[5]])
        assert browser.evaluate('document.getElementById("f-type").value') == "THREATEN"

        # A shared link opens on the same view.
        browser.navigate(server.url("/live?q=valletta&sort=sources"))
        wait_cards(browser, [H[0]])
        assert browser.evaluate('document.getElementById("f-q").value') == "valletta"
        assert browser.evaluate('document.getElementById("f-sort").value') == "sources"
        layout = browser.evaluate(LAYOUT_PROBE)
        assert browser.errors() == [], "script errors or CSP violations on the page"
    assert layout["scrollWidth"] <= width and not layout["out"], layout


def test_controls_are_labelled_and_reachable_by_keyboard(tmp_path: Path) -> None:
    chromium = require_chromium()
    with feed_server(desk_items()) as server, devtools(chromium, tmp_path) as browser:
        browser.open_page(*SIZES["laptop"], mobile=False)
        browser.navigate(server.url("/live"))
        wait_cards(
            browser, [i.headline for i in sorted(desk_items(), key=lambda i: i.last_seen, reverse=True)]
        )
        unlabelled = browser.evaluate(
            '[...document.querySelectorAll("#controls input, #controls select")]'
            ".filter(e => !e.labels.length || !e.labels[0].textContent.trim()).map(e => e.id)"
        )
        assert unlabelled == []
        order = []
        for _ in range(30):  # date inputs take a stop per part (month, day, year)
            browser.press("Tab", 9)
            order.append(browser.evaluate("document.activeElement.id || document.activeElement.textContent"))
        # "/" from anywhere outside a field jumps to the search box.
        browser.evaluate("document.activeElement.blur()")
        browser.press("/", 191)
        slash = browser.evaluate("document.activeElement.id")
    assert slash == "f-q"
    assert order[0] == "Skip to events"
    for control in ("f-q", "f-type", "f-status", "f-actor", "f-outlet", "f-min_sources", "f-sort"):
        assert control in order, (control, order)


# ------------------------------------------------------------------ 6. live updates: a marker, not a jump


def test_new_items_are_announced_not_inserted(tmp_path: Path) -> None:
    chromium = require_chromium()
    items = desk_items()
    older = [i for i in items if i.headline != H[6]]
    with feed_server(older) as server, devtools(chromium, tmp_path) as browser:
        browser.open_page(*SIZES["laptop"], mobile=False)
        browser.watch_errors()
        browser.navigate(server.url("/live"))
        wait_cards(browser, [H[5], H[4], H[3], H[2], H[1], H[0]])
        deadline = time.monotonic() + 20
        while server.not_modified == 0:  # the page polls with If-None-Match; nothing changed: 304
            assert time.monotonic() < deadline, "the page never polled with If-None-Match"
            time.sleep(0.2)
        # The view changes but not what this page shows (same items again): polled, nothing announced.
        asked = server.feed_requests
        server.items = list(older)
        deadline = time.monotonic() + 20
        while server.feed_requests == asked:
            assert time.monotonic() < deadline, "the page stopped polling"
            time.sleep(0.2)
        time.sleep(0.5)
        assert browser.evaluate('document.getElementById("fresh").hidden'), "a change elsewhere was announced"
        server.items = items
        browser.wait_for('!document.getElementById("fresh").hidden', timeout=20)
        assert browser.evaluate('document.getElementById("fresh").textContent') == "1 new item \u2014 show"
        status = browser.evaluate('document.getElementById("status").textContent')
        assert "1 new item" in status, status  # the status line is a live region: screen readers hear it
        wait_cards(browser, [H[5], H[4], H[3], H[2], H[1], H[0]])  # nothing moved under the reader
        browser.click("#fresh")
        wait_cards(browser, [H[6], H[5], H[4], H[3], H[2], H[1], H[0]])
        assert browser.evaluate('document.getElementById("fresh").hidden')
        assert browser.errors() == []
    polls = [r for r in server.requests if r.startswith("/feed?")]
    assert any("after=" in r for r in polls), polls


# ------------------------------------------------------------------ 7. 5,000 items: first render under 1 s

BULK = 5000


def test_first_render_with_5000_items_under_one_second(tmp_path: Path) -> None:
    """From navigation to cards, charts and counts drawn, with 5,000 items in the window.

    Each run is a new visitor after a change of the feed (the server's view moves on, so nothing of
    the previous answer is reused); the median of five runs must be under a second, and every run is
    printed with the machine's load, which on a shared machine moves single runs a lot.
    """
    chromium = require_chromium()
    items = bulk_items(BULK)
    gc.collect()  # the 5,000 models were made an instant ago; a worker's view is not built mid-request
    timings = []
    with feed_server(items) as server, devtools(chromium, tmp_path) as browser:
        browser.open_page(*SIZES["laptop"], mobile=False)
        browser.watch_errors()
        browser.navigate(server.url("/feed/none"))  # the browser's own start-up is not the page's time
        browser.wait_for('document.readyState === "complete"')
        for _ in range(5):
            server.items = items  # a new state of the view: a new ETag, facets computed again
            browser.navigate(server.url("/live"))
            started = browser.wait_for(
                'performance.getEntriesByName("first-render").length > 0 &&'
                ' performance.getEntriesByName("first-render")[0].startTime'
            )
            timings.append(float(started))
        status = browser.evaluate('document.getElementById("status").textContent')
        shown = browser.evaluate('document.querySelectorAll("#items article.item").length')
        segments = browser.evaluate('document.querySelectorAll("#timeline rect").length')
        browser.click("#more")
        browser.wait_for('document.querySelectorAll("#items article.item").length === 200')
        errors = browser.errors()
    median = statistics.median(timings)
    print(
        f"\nfirst render of /live with {BULK} items in the window: median {median:.0f} ms; runs "
        + ", ".join(f"{t:.0f}" for t in timings)
        + f" ms; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    assert status.startswith(f"{BULK} items"), status
    assert shown == 100 and segments >= 7 * 10, (shown, segments)
    assert median < 1000, f"first render took {timings} ms"
    assert errors == [], errors


# ------------------------------------------------------------------ 8. item page: degrades, and 404


def test_item_page_without_reports_and_missing_item(tmp_path: Path) -> None:
    chromium = require_chromium()
    with feed_server(REALISTIC) as server:
        dom = dump_dom(chromium, server.url(item_href(CALL)), tmp_path)
        missing = dump_dom(chromium, server.url("/feed/0000000000000000"), tmp_path)
    assert "Reports (0)" in dom and "carries no per-report evidence (1 event(s) merged)" in dom
    assert "<td>teleSUR</td><td>2025-05-19</td>" in dom and "<td>ANI</td><td>2025-05-19</td>" in dom
    assert f'<a href="{TELESUR.url}" rel="noopener noreferrer nofollow" target="_blank">' in dom
    assert "<dt>First seen</dt><dd>2025-05-19 10:00 UTC</dd>" in dom
    assert "Quotes (1)" in dom and "<cite>\u2014 Dmitry Peskov</cite>" in dom
    assert "No such item: it may have left the window." in missing


# ------------------------------------------------------------------ 9. contrast, light and dark

CONTRAST_PROBE = """(() => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = c => 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  const behind = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  const low = []; let checked = 0;
  for (const el of document.querySelectorAll("body *")) {
    if (!el.getClientRects().length || el.closest("noscript")) continue;
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const style = getComputedStyle(el);
    const fg = rgb(el.closest("svg") ? style.fill : style.color), bg = behind(el);
    const a = lum(fg), b = lum(bg), ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    checked += 1;
    const name = el.tagName + "." + (el.className.baseVal ?? el.className);
    if (ratio < 4.5) low.push([name, el.textContent.slice(0, 30), ratio]);
  }
  return {checked, low};
})()"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_contrast_meets_wcag_aa(tmp_path: Path, scheme: str) -> None:
    """Every visible text (cards, badges, controls' labels, chart labels, item page) is at least 4.5:1."""
    chromium = require_chromium()
    items = desk_items()
    with feed_server(items) as server, devtools(chromium, tmp_path) as browser:
        browser.open_page(*SIZES["laptop"], mobile=False)
        browser.call(
            "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
        )
        results = []
        for path, ready in (("/live", "#timeline text"), (item_href(items[0]), "mark")):
            browser.navigate(server.url(path))
            browser.wait_for(f"!!document.querySelector({json.dumps(ready)})")
            results.append(browser.evaluate(CONTRAST_PROBE))
    for result in results:
        assert result["checked"] > 30, result
        assert not result["low"], f"text below 4.5:1 in {scheme} mode: {result['low']}"
