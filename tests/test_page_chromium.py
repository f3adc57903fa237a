"""The live page in a real headless Chromium: it renders the feed, data stays text, it fits laptop and phone.

No Kafka: a local ``http.server`` serves ``/live`` (``render_page`` plus the
worker's CSP header) and ``/feed`` (``render_json_feed`` of items built here),
exactly as ``pipeline.serving.web`` does.  Chromium is required (Debian package
``chromium``); without it these tests fail rather than skip.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

import pytest

from schemas.records import EventStatus, FeedItem, FeedSource, PloverType, QuoteRef
from tests.chromium import (
    Png,
    devtools,
    dump_dom,
    feed_server,
    png_size,
    read_png,
    require_chromium,
    screenshot,
)

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
    """Elements and attributes of a serialized DOM (``<noscript>`` content counted apart: it is text)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attrs: list[tuple[str, str, str]] = []
        self.titles: list[str] = []
        self.items: list[str] = []
        self._noscript = 0
        self._in_title = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "noscript":
            self._noscript += 1
        if self._noscript:
            return
        self.tags[tag] += 1
        self._in_title = tag == "title"
        if self._in_title:
            self.titles.append("")
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))
        if tag == "article" and ("class", "item") in attrs:
            self.items.append(dict(attrs).get("id") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "noscript":
            self._noscript -= 1
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
        assert f"<h2>{text_escaped(item.headline)}</h2>" in dom
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
    hrefs = sorted(value for tag, name, value in parsed.attrs if tag == "a" and name == "href")
    assert hrefs == sorted(s.url for s in (TELESUR, XINHUA, REUTERS) if s.url)
    assert ("a", "rel", "noopener noreferrer nofollow") in parsed.attrs
    assert parsed.titles == [PAGE_TITLE]


# ------------------------------------------------------------------ 2. untrusted text stays text


@pytest.mark.parametrize("path", ["/live", "/live-nocsp"], ids=["as-served", "without-csp"])
def test_untrusted_text_stays_text(tmp_path: Path, path: str) -> None:
    """Markup and script URLs in every text field render as text, with and without the CSP backstop.

    ``/live-nocsp`` is the same page with the CSP ``<meta>`` removed and no header: it shows
    the page's own DOM building (``textContent``, http(s)-only links) is safe by itself.
    """
    chromium = require_chromium()
    items = hostile_items()
    with feed_server(items) as server:
        dom = dump_dom(chromium, server.url(path), tmp_path)
    parsed = Dom(dom)

    # The script ran and rendered both items (else the checks below would prove nothing).
    assert "2 items" in dom, f"page did not render the hostile feed:\n{dom[-3000:]}"
    assert len(parsed.items) == 2
    # Nothing executed: the title is the page's own.
    assert parsed.titles == [PAGE_TITLE], f"title changed: {parsed.titles}"
    assert PWNED not in parsed.titles[0]
    # No element came from data: only the page's own <script> and <style>.
    assert parsed.tags["script"] == 1 and parsed.tags["style"] == 1
    for tag in ("img", "svg", "iframe", "object", "embed", "math", "form", "base", "link"):
        assert parsed.tags[tag] == 0, f"<{tag}> element injected"
    assert not [(t, n) for t, n, _ in parsed.attrs if n.startswith("on")], "event-handler attribute injected"
    assert dom.count("<script") == 1
    # Links: only http(s); the markup-laden https URL percent-encoded; javascript:/data:/vbscript: none.
    hrefs = [v for t, n, v in parsed.attrs if n in ("href", "src", "action", "formaction")]
    assert hrefs == ["https://evil.example/a?q=%22%3E%3Csvg%20onload=alert(1)%3E"], hrefs
    assert not SCRIPT_URL_ATTR.search(dom), SCRIPT_URL_ATTR.search(dom)
    # Every payload is in the page, as escaped text, and never raw.
    for payload in TEXT_PAYLOADS:
        assert text_escaped(payload) in dom, f"payload text missing: {payload!r}"
        assert payload not in dom, f"payload raw in DOM: {payload!r}"
    assert f"<h2>{text_escaped(items[0].headline)}</h2>" in dom
    assert f"Actors: {text_escaped(', '.join(items[0].actors))}" in dom
    assert f"<cite>\u2014 {text_escaped(IMG)}</cite>" in dom
    assert "<cite>\u2014 unattributed</cite>" in dom
    # A source with a script URL is a label, not a link, with its article id shown as text.
    assert (
        f"Outlet {text_escaped(SCRIPT)} \u2014 Title {text_escaped(SCRIPT)} (bad0000000000000)</span>" in dom
    )


# ------------------------------------------------------------------ 3. screenshots, laptop and phone

SIZES = {"laptop": (1280, 900), "phone": (375, 812)}


def _background(png_pixels: list[bytes]) -> bytes:
    return Counter(png_pixels).most_common(1)[0][0]


@pytest.mark.parametrize("device", list(SIZES))
def test_screenshot_has_the_feed(tmp_path: Path, device: str) -> None:
    chromium = require_chromium()
    width, height = SIZES[device]
    with feed_server(REALISTIC) as server:
        full = screenshot(chromium, server.url("/live"), tmp_path / f"{device}-feed.png", width, height)
        server.items = []
        empty = screenshot(chromium, server.url("/live"), tmp_path / f"{device}-empty.png", width, height)

    assert png_size(full) == (width, height)
    assert png_size(empty) == (width, height)
    shot, blank = read_png(full), read_png(empty)
    pixels, empty_pixels = list(shot.pixels()), list(blank.pixels())
    assert len(pixels) == width * height
    # Not blank: the empty feed still draws the header and "No events" line; the feed draws far more.
    background = _background(empty_pixels)  # the page background: the empty feed is mostly that
    ink = sum(p != background for p in pixels) / len(pixels)
    empty_ink = sum(p != background for p in empty_pixels) / len(empty_pixels)
    assert len(set(empty_pixels)) > 10 and empty_ink > 0.001, "empty-feed screenshot is blank"
    assert len(set(pixels)) > 100, "feed screenshot has almost no distinct colours"
    assert ink > 0.15 and ink > 5 * empty_ink, f"feed cards missing? ink {ink:.3f} vs empty {empty_ink:.3f}"
    changed = sum(a != b for a, b in zip(pixels, empty_pixels, strict=True)) / len(pixels)
    assert changed > 0.1, f"feed and empty-feed screenshots differ in only {changed:.1%} of pixels"
    # The cards are the page's column: on a phone they span the screen, on a laptop the centred 52rem.
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
  for (const el of document.querySelectorAll("header, header *, #items, #items *")) {
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
