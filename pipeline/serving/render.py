"""Render feed items for people and feed readers: JSON Feed 1.1, Atom 1.0 and a live HTML page.

Article text is untrusted.  JSON is escaped by ``json``, Atom is built with
ElementTree (which escapes text and attributes; characters XML 1.0 forbids are
dropped first), links are only ever http(s), and the HTML page carries no data
at all: its script fetches ``/feed`` and builds the DOM with ``textContent``.
The page's Content-Security-Policy allows exactly its own inline script and
style by sha256 hash (no 'unsafe-inline'), so even an injected inline script or
``on*=`` handler could not run; ``page_security_policy()`` gives the same
policy for the server to send as a header too (``frame-ancestors`` only works
there).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from urllib.parse import urlsplit

from pipeline.feed.merge import EPOCH, norm_name
from schemas.records import FeedItem, PloverType

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM_NS = "http://www.w3.org/2005/Atom"
EXTENSION_KEY = "_diplofeed"

_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def safe_url(url: str | None) -> str | None:
    """The URL if it is absolute http(s), else None (no javascript:, data:, relative...)."""
    if not url:
        return None
    candidate = url.strip()
    if any(ord(ch) < 0x20 or ch.isspace() for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return candidate


def rfc3339(when: dt.datetime) -> str:
    """RFC 3339 in UTC with a 'Z' (naive datetimes are taken as UTC)."""
    aware = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    return aware.isoformat().replace("+00:00", "Z")


def _base(base_url: str) -> str:
    return base_url.rstrip("/")


def item_url(item: FeedItem, base_url: str) -> str:
    """Permalink of an item on the diplofeed page."""
    return f"{_base(base_url)}/#item-{item.id}"


def _sorted(items: Iterable[FeedItem]) -> list[FeedItem]:
    """Newest report first, then newest event; id breaks ties so input order never matters."""
    return sorted(items, key=lambda i: (rfc3339(i.last_seen), rfc3339(i.event_time), i.id), reverse=True)


def _when_text(item: FeedItem) -> str:
    if item.time_utc is not None:
        return item.time_utc.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if item.date is not None:
        return item.date.isoformat()
    return "undated"


def content_text(item: FeedItem) -> str:
    """Plain-text body: the facts, then sources, then quotes."""
    lines = [item.headline, ""]
    mode = f" ({item.mode})" if item.mode else ""
    lines.append(f"Type: {item.type.value}{mode}, {item.status.value}")
    lines.append(f"When: {_when_text(item)}")
    if item.location:
        lines.append(f"Where: {item.location}")
    lines.append(f"Actors: {', '.join(item.actors)}")
    lines.append(f"Sources ({item.source_count}):")
    for s in item.sources:
        label = " - ".join(x for x in (s.outlet, s.title) if x) or s.article_id
        url = safe_url(s.url)
        lines.append(f"  * {label}" + (f" <{url}>" if url else ""))
    for q in item.quotes:
        lines.append(f"  \u201c{q.text}\u201d \u2014 {q.speaker or 'unattributed'}")
    return "\n".join(lines)


def _tags(item: FeedItem) -> list[str]:
    tags = [item.type.value, item.status.value]
    if item.mode:
        tags.append(item.mode)
    return tags + [a for a in item.actors if a not in tags]


def _outlets(item: FeedItem) -> list[str]:
    seen: dict[str, str] = {}
    for s in item.sources:
        if s.outlet and norm_name(s.outlet) not in seen:
            seen[norm_name(s.outlet)] = s.outlet
    return list(seen.values())


def render_json_feed(items: Iterable[FeedItem], *, base_url: str, title: str = "diplofeed") -> dict:
    """JSON Feed 1.1 document (a dict ready for ``json.dumps``); structured data under ``_diplofeed``."""
    base = _base(base_url)
    entries = []
    for item in _sorted(items):
        entry: dict = {
            "id": item.id,
            "url": item_url(item, base),
            "title": item.headline,
            "content_text": content_text(item),
            "date_published": rfc3339(item.first_seen),
            "date_modified": rfc3339(item.last_seen),
            "tags": _tags(item),
            "language": "en",
            EXTENSION_KEY: item.model_dump(mode="json"),
        }
        external = next((u for u in (safe_url(s.url) for s in item.sources) if u), None)
        if external:
            entry["external_url"] = external
        outlets = _outlets(item)
        if outlets:
            entry["authors"] = [{"name": o} for o in outlets]
        entries.append(entry)
    return {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": f"{base}/",
        "feed_url": f"{base}/feed",
        "description": "Rolling, de-duplicated feed of diplomatic events.",
        "language": "en",
        "items": entries,
    }


def _xml_text(value: str) -> str:
    return _XML_INVALID.sub("", value)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: _xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _xml_text(text)
    return element


def atom_id(base_url: str, key: str) -> str:
    """Stable urn:uuid (uuid5 of base URL + key): valid IRI, never reused across feeds."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{_base(base_url)}/{key}").urn


def render_atom(
    items: Iterable[FeedItem], *, base_url: str, title: str = "diplofeed", feed_path: str = "/feed.atom"
) -> str:
    """Atom 1.0 document as a string; ``updated`` is the newest ``last_seen`` (EPOCH when empty)."""
    ET.register_namespace("", ATOM_NS)
    base = _base(base_url)
    ordered = _sorted(items)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "id", atom_id(base, "feed"))
    _sub(feed, "title", title)
    _sub(feed, "updated", rfc3339(max((i.last_seen for i in ordered), default=EPOCH)))
    _sub(feed, "link", rel="self", href=f"{base}{feed_path}", type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=f"{base}/", type="text/html")
    _sub(_sub(feed, "author"), "name", "diplofeed")
    _sub(feed, "generator", "diplofeed")
    for item in ordered:
        entry = _sub(feed, "entry")
        _sub(entry, "id", atom_id(base, f"item/{item.id}"))
        _sub(entry, "title", item.headline, type="text")
        _sub(entry, "updated", rfc3339(item.last_seen))
        _sub(entry, "published", rfc3339(item.first_seen))
        _sub(entry, "link", rel="alternate", href=item_url(item, base), type="text/html")
        for source in item.sources:
            url = safe_url(source.url)
            if url:
                _sub(entry, "link", rel="related", href=url, title=source.title or source.outlet or url)
        for outlet in _outlets(item):
            _sub(_sub(entry, "author"), "name", outlet)
        for tag in _tags(item):
            _sub(entry, "category", term=tag)
        _sub(entry, "summary", item.headline, type="text")
        _sub(entry, "content", content_text(item), type="text")
    return ET.tostring(feed, encoding="unicode", xml_declaration=True)


def filter_items(
    items: Iterable[FeedItem],
    actor: str | None = None,
    type: str | PloverType | None = None,
    since: dt.datetime | None = None,
) -> list[FeedItem]:
    """Items matching every given filter, in input order.

    ``actor`` matches a canonical actor or the recipient, ignoring case and
    accents; ``type`` a PLOVER type, ignoring case; ``since`` keeps items
    reported or updated at or after it (``last_seen >= since``, naive = UTC),
    which is what a client polling for news wants.
    """
    wanted_actor = norm_name(actor) if actor else None
    wanted_type = (type.value if isinstance(type, PloverType) else type.strip()).upper() if type else None
    since_utc = None if since is None else (since.replace(tzinfo=dt.UTC) if since.tzinfo is None else since)
    kept = []
    for item in items:
        if wanted_type and item.type.value != wanted_type:
            continue
        if wanted_actor:
            names = {norm_name(a) for a in item.actors}
            if item.recipient:
                names.add(norm_name(item.recipient))
            if wanted_actor not in names:
                continue
        if since_utc is not None and item.last_seen < since_utc:
            continue
        kept.append(item)
    return kept


# --------------------------------------------------------------------------- live page

_PAGE_CSS = """
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--fg:#1b1f24;--muted:#5b6470;--line:#dde1e6;
--occurred:#1a7f37;--scheduled:#9a6700;--proposed:#6e40c9;--accent:#0b5cad}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--card:#171b21;--fg:#e6e9ed;--muted:#9aa4af;
--line:#2a3038;--accent:#5aa3f0}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",
Roboto,sans-serif;-webkit-text-size-adjust:100%}
header{position:sticky;top:0;background:var(--bg);border-bottom:1px solid var(--line);padding:.6rem 1rem;
display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:baseline;z-index:1}
header h1{font-size:1.25rem;margin:0}
#status{color:var(--muted);font-size:.85rem}
main{max-width:52rem;margin:0 auto;padding:.75rem}
.item{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.8rem 1rem;
margin:0 0 .75rem}
.item h2{font-size:1.1rem;margin:.1rem 0 .4rem;overflow-wrap:anywhere}
.badges{display:flex;flex-wrap:wrap;gap:.3rem;margin:0 0 .4rem}
.badge{font-size:.75rem;border:1px solid var(--line);border-radius:999px;padding:.05rem .55rem;
text-transform:uppercase;letter-spacing:.03em}
.badge.occurred{color:var(--occurred);border-color:var(--occurred)}
.badge.scheduled{color:var(--scheduled);border-color:var(--scheduled)}
.badge.proposed{color:var(--proposed);border-color:var(--proposed)}
.meta{color:var(--muted);font-size:.9rem;margin:.15rem 0;overflow-wrap:anywhere}
.sources{margin:.4rem 0 0;padding-left:1.1rem;font-size:.9rem}
.sources li{overflow-wrap:anywhere}
a{color:var(--accent)}
blockquote{margin:.5rem 0 0;padding:.2rem .7rem;border-left:3px solid var(--line);font-size:.92rem;
overflow-wrap:anywhere}
blockquote cite{display:block;color:var(--muted);font-style:normal;font-size:.85rem}
.empty{color:var(--muted);text-align:center;padding:2rem 0}
@media (max-width:480px){body{font-size:15px}main{padding:.5rem}.item{padding:.7rem}
.item h2{font-size:1.02rem}}
"""

_PAGE_JS = """
"use strict";
(function () {
  var FEED = document.body.getAttribute("data-feed");
  var EVERY = Number(document.body.getAttribute("data-refresh")) * 1000;
  var list = document.getElementById("items");
  var statusLine = document.getElementById("status");
  var STATUSES = {occurred: 1, scheduled: 1, proposed: 1};

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function safeHref(url) {
    if (typeof url !== "string") { return null; }
    try {
      var parsed = new URL(url);
      return (parsed.protocol === "http:" || parsed.protocol === "https:") ? parsed.href : null;
    } catch (e) { return null; }
  }
  function when(d) {
    if (d.time_utc) {
      return String(d.time_utc).replace("T", " ").replace(/:00(\\.0+)?(Z|\\+00:00)$/, " UTC");
    }
    if (d.date) { return String(d.date); }
    return "undated";
  }
  function renderItem(d) {
    var card = el("article", "item");
    if (typeof d.id === "string") { card.id = "item-" + d.id; }
    var badges = el("div", "badges");
    badges.appendChild(el("span", "badge", d.type));
    if (d.mode) { badges.appendChild(el("span", "badge", String(d.mode).replace(/_/g, " "))); }
    badges.appendChild(el("span", STATUSES[d.status] ? "badge " + d.status : "badge", d.status));
    card.appendChild(badges);
    card.appendChild(el("h2", null, d.headline));
    var meta = when(d) + (d.location ? " \\u00b7 " + d.location : "");
    card.appendChild(el("p", "meta", meta));
    if (Array.isArray(d.actors) && d.actors.length) {
      card.appendChild(el("p", "meta", "Actors: " + d.actors.join(", ")));
    }
    var sources = Array.isArray(d.sources) ? d.sources : [];
    var outlets = d.source_count || sources.length;
    card.appendChild(el("p", "meta", "Sources (" + outlets + (outlets === 1 ? " outlet):" : " outlets):")));
    var ul = el("ul", "sources");
    sources.forEach(function (s) {
      var li = el("li");
      var label = [s.outlet, s.title].filter(Boolean).join(" \\u2014 ") || s.article_id;
      var href = safeHref(s.url);
      if (href) {
        var a = el("a", null, label);
        a.href = href; a.rel = "noopener noreferrer nofollow"; a.target = "_blank";
        li.appendChild(a);
      } else {
        li.appendChild(el("span", null, label + (s.outlet || s.title ? " (" + s.article_id + ")" : "")));
      }
      ul.appendChild(li);
    });
    card.appendChild(ul);
    (Array.isArray(d.quotes) ? d.quotes : []).forEach(function (q) {
      var bq = el("blockquote");
      bq.appendChild(el("span", null, "\\u201c" + q.text + "\\u201d"));
      bq.appendChild(el("cite", null, "\\u2014 " + (q.speaker || "unattributed")));
      card.appendChild(bq);
    });
    return card;
  }
  function render(feed) {
    var items = (feed && Array.isArray(feed.items)) ? feed.items : [];
    var nodes = items.map(function (it) { return renderItem(it._diplofeed || {}); });
    if (!nodes.length) { nodes = [el("p", "empty", "No events in the window yet.")]; }
    list.replaceChildren.apply(list, nodes);
    statusLine.textContent = items.length + " items \\u00b7 updated " + new Date().toLocaleTimeString();
  }
  function poll() {
    fetch(FEED, {headers: {Accept: "application/feed+json"}, cache: "no-store"})
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(render)
      .catch(function (e) {
        statusLine.textContent = "feed unavailable (" + e.message + "), retrying\\u2026";
      })
      .then(function () { setTimeout(poll, EVERY); });
  }
  poll();
})();
"""


def _sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def page_security_policy() -> str:
    """CSP of the page: only its own script and style (by hash), fetches to self only."""
    return (
        f"default-src 'none'; script-src {_sha256_source(_PAGE_JS)}; style-src {_sha256_source(_PAGE_CSS)}; "
        "connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'"
    )


def render_page(*, feed_path: str = "/feed", refresh_seconds: int = 5, title: str = "diplofeed") -> str:
    """The live page: static HTML with no feed data in it; the script polls ``feed_path``."""
    esc_title = html.escape(title)
    feed = html.escape(feed_path)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(page_security_policy())}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{esc_title}</title>\n<style>{_PAGE_CSS}</style>\n</head>\n"
        f'<body data-feed="{feed}" data-refresh="{max(1, int(refresh_seconds))}">\n'
        f'<header><h1>{esc_title}</h1><span id="status" role="status">loading\u2026</span></header>\n'
        '<main id="items" aria-live="polite"></main>\n'
        '<noscript><p class="empty">This page needs JavaScript to load the feed. '
        f'The raw feed is at <a href="{feed}">{feed}</a>.</p></noscript>\n'
        f"<script>{_PAGE_JS}</script>\n</body>\n</html>\n"
    )


__all__ = [
    "ATOM_NS",
    "EXTENSION_KEY",
    "JSON_FEED_VERSION",
    "atom_id",
    "content_text",
    "filter_items",
    "item_url",
    "page_security_policy",
    "render_atom",
    "render_json_feed",
    "render_page",
    "rfc3339",
    "safe_url",
]
