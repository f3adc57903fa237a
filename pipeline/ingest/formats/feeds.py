"""RSS 0.9x/1.0/2.0 and Atom feeds, read by feedparser: one article per entry.

feedparser honours the declared encoding and sniffs an undeclared one (a Latin-1 feed reads
right).  Before it runs, the document is checked by defusedxml (no entity expansion) and its
entries are counted, so an expansion bomb or a 100,000-entry feed is refused without being
parsed.  Entry links are made absolute against the feed's own link; HTML in the content or
summary becomes plain paragraphs; the feed's title is the site's name, not a publisher.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import feedparser

from pipeline.errors import Rejection
from pipeline.ingest.cleanup import is_boilerplate
from pipeline.ingest.formats import Format, Limits
from pipeline.ingest.formats.newsml import html_paragraphs
from pipeline.ingest.formats.xmlsafe import parse_xml
from pipeline.ingest.metadata import Draft, iso_stamp

_ENTRY_TAG = re.compile(rb"<(?:[\w\-]+:)?(?:item|entry)[\s>/]")
_FEED_ROOT = re.compile(rb"<(?![?!])(?:[\w\-]+:)?(rss|RDF|feed)\b")
_READ_MORE = re.compile(r"^(?:related:|continue reading|read more)", re.IGNORECASE)


def count_entries(raw: bytes) -> int:
    return len(_ENTRY_TAG.findall(raw))


def entry_text(entry: Any) -> str:
    """The entry's content (else summary) as plain paragraphs, promo lines left out."""
    html = ""
    for content in entry.get("content") or []:
        if content.get("value"):
            html = content["value"]
            break
    html = html or entry.get("summary") or entry.get("description") or ""
    paragraphs = html_paragraphs(html) if "<" in html else [" ".join(html.split())]
    return "\n".join(p for p in paragraphs if p and not _READ_MORE.match(p) and not is_boilerplate(p))


def _draft(entry: Any, feed: Any, base: str | None) -> Draft:
    link = entry.get("link")
    if link and base and not re.match(r"[a-z]+://", link):
        link = urljoin(base, link)
    stamp = iso_stamp(entry.get("published")) or iso_stamp(entry.get("created"))
    kind = "metadata"
    if not stamp and entry.get("updated"):
        stamp = iso_stamp(entry.get("updated"))  # Atom requires <updated>; it is the only stamp there is
    title = entry.get("title")
    body = entry_text(entry) or (title or "")
    source = entry.get("source") or {}
    authors = [a.get("name") for a in entry.get("authors") or [] if a.get("name")]
    if not authors and entry.get("author"):
        authors = [entry["author"]]
    return Draft(
        body=body,
        title=title,
        url=link,
        authors=authors,
        language=feed.get("language") or None,
        publisher=source.get("title") if isinstance(source, dict) else None,
        site_names=[feed.get("title")] if feed.get("title") else [],
        dates=[(stamp, kind)] if stamp else [],
        format="feed",
    )


def feed_base(feed: Any, origin_url: str | None) -> str | None:
    """The address relative entry links resolve against: the feed's own link made absolute by
    any absolute link the feed declares (its self link), else by the url it was fetched from."""
    hrefs = [feed.get("link"), *(link.get("href") for link in feed.get("links") or [])]
    absolute = next((h for h in hrefs if h and re.match(r"[a-z]+://", h)), None) or origin_url
    link = feed.get("link")
    if link and absolute and not re.match(r"[a-z]+://", link):
        return urljoin(absolute, link)
    return link if link and re.match(r"[a-z]+://", link) else absolute


def _parse(raw: bytes, limits: Limits) -> Iterator[Draft | Rejection]:
    entries = count_entries(raw)
    if entries > limits.max_items:
        yield Rejection(
            "too_many_items",
            f"the feed has {entries} entries, over the limit of {limits.max_items}: not read",
        )
        return
    checked = parse_xml(raw)
    if isinstance(checked, Rejection) and checked.error == "unsafe_xml":
        yield checked
        return
    if isinstance(checked, Rejection) and re.search(r"no element found|unclosed token", checked.reason):
        yield Rejection("truncated", f"the feed is cut short: {checked.reason}")
        return
    parsed = feedparser.parse(raw, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        yield Rejection(
            "invalid_feed", f"no entries could be read from the feed{f': {problem}' if problem else ''}"
        )
        return
    base = feed_base(parsed.feed, limits.origin_url)
    for entry in parsed.entries:
        yield _draft(entry, parsed.feed, base)


def _sniff(head: bytes, name: str) -> bool:
    match = _FEED_ROOT.search(head)
    if not match:
        return False
    before = head[: match.start()]
    return not re.search(rb"<(?![?!])\w", before)  # the feed element is the root


FORMAT = Format("feed", _sniff, _parse)
