"""Markdown with YAML (``---``) or TOML (``+++``) front matter, and scrapers' Markdown pages.

The front matter gives title, date, url (``source``/``url``/``link``/``permalink``), author and
language under their usual names; the body is crawled Markdown (clutter removed by
:mod:`pipeline.ingest.cleanup`) or an HTML fragment (read by trafilatura).  The front-matter date
is third-party metadata: the url's date and the dateline beat it (see :mod:`pipeline.ingest.metadata`).
"""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Iterator
from typing import Any

import yaml

from pipeline.errors import Rejection
from pipeline.ingest.cleanup import clean_markdown
from pipeline.ingest.decoding import decode_text
from pipeline.ingest.formats import Format, Limits
from pipeline.ingest.formats.text import draft_from_text
from pipeline.ingest.metadata import Draft, iso_stamp, parse_stamp, unwrap_url, url_date
from pipeline.ingest.raw_text import page_stamp

_YAML = re.compile(r"\A\ufeff?\s*---[ \t]*\r?\n(?P<meta>.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_TOML = re.compile(r"\A\ufeff?\s*\+\+\+[ \t]*\r?\n(?P<meta>.*?)\r?\n\+\+\+[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_TITLE_HEADING = re.compile(r"^#\s+(?P<title>.+)$")
_HOSTNAME = re.compile(r"^(?:https?://)?(?:[a-z0-9\-]+\.)+[a-z]{2,}/?$", re.IGNORECASE)
_META_ITEM = re.compile(r"^[-*]?\s*\*\*(?P<key>[^*:]{1,40}):?\*\*:?\s*(?P<value>.+)$")
_OUTLINE_H1 = re.compile(r"^[-*]\s+#\s+(?P<title>.+)$")
_SECTION = re.compile(r"^#{2,3}\s+(?P<name>.+?)\s*$")
_CONTENT_SECTIONS = {"content", "article", "body", "text", "article text", "main content"}
_CLUTTER_SECTIONS = {"metadata", "page structure", "links", "images", "navigation", "related", "media"}

TITLE_KEYS = ("title", "headline", "post_title", "original_title", "name")
#: When a crawler says it fetched the page: not a publication date (``Article.retrieved_date``).
RETRIEVED_KEYS = ("scraped_at", "retrieved", "retrieved_at", "fetched_at", "crawled_at", "crawl_date")
DATE_KEYS = (
    *("date", "published", "published_at", "publishedAt", "datePublished", "pubDate", "post_date"),
    *("published_time", "publish_date", "publication_date", "date_published", "created", "created_at"),
)
URL_KEYS = (
    *("url", "source", "url_source", "source_url", "canonical_url", "canonical", "link", "permalink"),
    *("original_link", "original_url", "og_url"),
)
AUTHOR_KEYS = ("author", "authors", "byline", "creator")
LANGUAGE_KEYS = ("language", "lang", "locale")
OUTLET_KEYS = ("outlet", "publisher", "site_name", "sitename", "site", "source_name", "publication", "source")


def split_front_matter(text: str) -> tuple[dict[str, Any], str] | None:
    """(metadata, rest) when the text opens with YAML or TOML front matter; None otherwise."""
    for pattern, load in ((_YAML, yaml.safe_load), (_TOML, tomllib.loads)):
        match = pattern.match(text)
        if not match:
            continue
        try:
            meta = load(match["meta"])
        except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError):
            meta = _loose_pairs(match["meta"])
        if isinstance(meta, dict):
            return meta, text[match.end() :]
    return None


def _loose_pairs(block: str) -> dict[str, Any]:
    """``key: value`` lines of front matter that is not valid YAML (unquoted colons and the like)."""
    pairs: dict[str, Any] = {}
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if sep and re.fullmatch(r"[A-Za-z_][\w\-]*", key.strip()):
            pairs[key.strip()] = value.strip().strip("\"'")
    return pairs


def _first(meta: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list):
            value = next((v for v in value if v), None)
        if isinstance(value, dict):
            value = value.get("name") or value.get("url")
        if value not in (None, "", True, False):
            return value
    return None


def _url(meta: dict[str, Any]) -> str | None:
    for key in URL_KEYS:
        value = _first(meta, (key,))
        if isinstance(value, str) and re.match(r"https?://", value.strip()):
            return unwrap_url(html.unescape(value.strip()))
    return None


def _authors(meta: dict[str, Any]) -> list[str]:
    for key in AUTHOR_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return [part.strip() for part in re.split(r",\s*|\s+and\s+", value) if part.strip()]
        if isinstance(value, list):
            return [str(v.get("name") if isinstance(v, dict) else v).strip() for v in value if v]
    return []


def _looks_like_html(body: str) -> bool:
    return len(re.findall(r"</?(?:p|div|br|span|a|img|h\d|ul|li)\b", body[:20_000], re.IGNORECASE)) >= 3


def _html_fragment_text(body: str) -> str:
    import trafilatura

    extracted = trafilatura.extract(body, include_comments=False, include_tables=False, favor_recall=True)
    return extracted or ""


def draft_from_front_matter(meta: dict[str, Any], body: str) -> Draft | Rejection:
    url = _url(meta)
    date_value = _first(meta, DATE_KEYS)
    front_date = iso_stamp(date_value)
    text = _html_fragment_text(body) if _looks_like_html(body) else clean_markdown(body)
    title = _first(meta, TITLE_KEYS)
    has_title = False
    if not title:
        for line in body.splitlines():
            heading = _TITLE_HEADING.match(line.strip())
            if heading and not _HOSTNAME.match(heading["title"].strip()):
                title = heading["title"]
                text = clean_markdown(body.replace(line, "", 1))
                break
        else:
            has_title = True  # the text's own first line may be the headline
    parsed = parse_stamp(url_date(url) or front_date) if (url_date(url) or front_date) else None
    year_hint = parsed.year if parsed else None  # the url's year first: front matter may be wrong
    draft = draft_from_text(text, has_title=has_title, year_hint=year_hint, fmt="markdown", stamp_kind="text")
    if isinstance(draft, Rejection):
        return draft
    if title or not has_title:
        draft.title = html.unescape(str(title)) if title else None
    draft.url = url
    draft.authors = _authors(meta) or draft.authors
    language = _first(meta, LANGUAGE_KEYS)
    draft.language = str(language) if language else None
    outlet = _first(meta, OUTLET_KEYS)
    if isinstance(outlet, str) and not re.match(r"https?://", outlet):
        draft.publisher = outlet
    draft.retrieved = iso_stamp(_first(meta, RETRIEVED_KEYS))
    if front_date:
        draft.dates.append((front_date, "front_matter"))
    if not draft.dates and not url_date(url):
        found = page_stamp(body.splitlines())  # a stamp line the clean-up took for a menu
        if found:
            draft.dates.append((found, "text"))
    return draft


def _parse(raw: bytes, limits: Limits) -> Iterator[Draft | Rejection]:
    text = decode_text(raw, "")
    if isinstance(text, Rejection):
        yield text
        return
    split = split_front_matter(text)
    if split is None:  # a text that merely starts with a rule line
        yield draft_from_text(text)
        return
    yield draft_from_front_matter(*split)


def _sniff(head: bytes, name: str) -> bool:
    return head.startswith((b"---\n", b"---\r\n", b"+++\n", b"+++\r\n"))


def split_markdown_page(text: str) -> tuple[dict[str, Any], str]:
    """A scraper's Markdown page: ``**Key**: value`` metadata items, and the "Content" section as body.

    Sections named like metadata or page structure are left out; without a content section the
    whole page (metadata items removed) is the body.
    """
    meta: dict[str, Any] = {}
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        section = _SECTION.match(stripped)
        if section:
            sections.append((section["name"].strip().lower(), []))
            continue
        outline = _OUTLINE_H1.match(stripped)
        if outline and "title" not in meta:
            meta["title"] = outline["title"].strip()  # the page outline's h1 is the headline
        item = _META_ITEM.match(stripped)
        if item and len(meta) < 40 and sections[-1][0] not in _CONTENT_SECTIONS:
            key = re.sub(r"\s+", "_", item["key"].strip().lower())
            meta.setdefault(key, item["value"].strip())
            continue
        sections[-1][1].append(line)
    content = [lines for name, lines in sections if name in _CONTENT_SECTIONS]
    if content:
        body = "\n".join(line for lines in content for line in lines)
    else:
        body = "\n".join(line for name, lines in sections if name not in _CLUTTER_SECTIONS for line in lines)
    return meta, body


_READER_HEADER = re.compile(r"^(?P<key>[A-Z][\w ]{1,30}):[ \t]*(?P<value>.*)$")


def split_reader_header(text: str) -> tuple[dict[str, Any], str] | None:
    """A web reader's export: ``Title:``, ``URL Source:``, ``Published Time:`` lines, then
    ``Markdown Content:`` and the page; None when the text does not open that way."""
    lines = text.replace("\r\n", "\n").split("\n")
    meta: dict[str, Any] = {}
    for index, line in enumerate(lines[:30]):
        match = _READER_HEADER.match(line.strip())
        if not line.strip():
            continue
        if not match:
            return None
        key = re.sub(r"\s+", "_", match["key"].strip().lower())
        if key in {"markdown_content", "content", "text"}:
            return (meta, "\n".join(lines[index + 1 :])) if meta else None
        meta.setdefault(key, match["value"].strip())
    return None


def _parse_page(raw: bytes, limits: Limits) -> Iterator[Draft | Rejection]:
    text = decode_text(raw, "")
    if isinstance(text, Rejection):
        yield text
        return
    reader = split_reader_header(text)
    yield draft_from_front_matter(*(reader or split_markdown_page(text)))


def _sniff_page(head: bytes, name: str) -> bool:
    """Markdown by content: a ``# `` heading first, link syntax all over the first lines, or a
    web reader's ``Title:`` / ``URL Source:`` header."""
    reader = head.startswith(b"Title:") and b"\nURL Source:" in head
    return reader or head.startswith(b"# ") or head.count(b"](") >= 5


FORMAT = Format("markdown", _sniff, _parse)
PAGE = Format("markdown-page", _sniff_page, _parse_page)
