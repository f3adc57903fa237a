"""Saved HTML pages: main text and metadata by trafilatura, the publication stamp by htmldate.

trafilatura reads the page's metadata (schema.org NewsArticle JSON-LD, Open Graph, meta tags) and
its main text without page chrome; htmldate finds the original publication stamp (not the
modification) with its time and offset.  The body limit applies to the extracted text, not to
the page's bytes (real pages carry hundreds of kilobytes of scripts and menus).  A page whose
main text cannot be found (scripts only, an empty shell) is rejected as ``missing_body``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pipeline.errors import Rejection
from pipeline.ingest.formats import Format, Limits
from pipeline.ingest.metadata import Draft, iso_stamp

_HTML_START = re.compile(rb"^(?:<!--.*?-->\s*)*(?:<\?xml[^>]*>\s*)?(?:<!doctype\s+html|<html\b)", re.I | re.S)
_STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
#: Browsers mark a saved page with the address it came from: ``<!-- saved from url=(0042)https://... -->``.
_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->", re.IGNORECASE)


def _page_facts(tree: Any) -> dict[str, str | None]:
    """What the page's head states that trafilatura's result may leave out: canonical url, language."""

    def first(xpath: str) -> str | None:
        values = [str(v).strip() for v in tree.xpath(xpath) if str(v).strip()]
        return values[0] if values else None

    return {
        "url": first('//head/link[@rel="canonical"]/@href') or first('//meta[@property="og:url"]/@content'),
        "language": first("/html/@lang") or first('//meta[@http-equiv="content-language"]/@content'),
        "site_name": first('//meta[@property="og:site_name"]/@content'),
    }


_PUBLISHED_XPATHS = (
    '//meta[@property="article:published_time"]/@content',
    '//meta[@itemprop="datePublished"]/@content',
    '//*[@itemprop="datePublished"]/@datetime',
    '//meta[@name="pubdate" or @name="publishdate" or @name="date"]/@content',
)


def stated_stamps(tree: Any) -> list[str]:
    """Full publication stamps the page states in its metadata (Open Graph, microdata, JSON-LD):
    the same day as htmldate's choice, they give its clock time and offset."""
    import json

    values = [str(v) for xpath in _PUBLISHED_XPATHS for v in tree.xpath(xpath)]
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            values.extend(_json_ld_dates(json.loads(script)))
        except (ValueError, RecursionError):
            continue
    stamps = [iso_stamp(v) for v in values]
    return [stamp for stamp in stamps if stamp and len(stamp) > 10]


def _json_ld_dates(node: Any, depth: int = 0) -> list[str]:
    if depth > 6:
        return []
    if isinstance(node, list):
        return [d for item in node for d in _json_ld_dates(item, depth + 1)]
    if not isinstance(node, dict):
        return []
    found = [str(node["datePublished"])] if isinstance(node.get("datePublished"), str) else []
    return found + _json_ld_dates(node.get("@graph"), depth + 1)


def _published(tree: Any) -> str | None:
    from htmldate import find_date

    try:
        stamp = find_date(tree, outputformat=_STAMP_FORMAT, original_date=True, extensive_search=False)
    except (ValueError, TypeError):
        stamp = None
    if stamp is None:
        try:
            stamp = find_date(tree, original_date=True, extensive_search=True)
        except (ValueError, TypeError):
            return None
    return iso_stamp(_drop_empty_time(stamp)) if stamp else None


def _drop_empty_time(stamp: str) -> str:
    """htmldate writes midnight without an offset when the page gave only a day: keep only the day."""
    return stamp[:10] if re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00", stamp) else stamp


def _parse(raw: bytes, limits: Limits) -> Iterator[Draft | Rejection]:
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(raw)
    if tree is None:
        yield Rejection("invalid_field", "the HTML page could not be parsed")
        return
    facts = _page_facts(tree)
    stamps = stated_stamps(tree)
    if not facts["url"]:
        saved = _SAVED_FROM.search(raw[:2048])
        facts["url"] = saved.group(1).decode("ascii", "replace") if saved else None
    published = _published(tree)
    # fast: no second extractor to compare with (a third of the time; same text on real pages)
    result = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        fast=True,
    )
    data: dict[str, Any] = {}
    if result is not None:
        data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    text = (data.get("text") or "").strip()
    if not text:
        yield Rejection("missing_body", "no article text found in the HTML page (scripts or chrome only)")
        return
    if len(text) > limits.max_body_chars:
        yield Rejection(
            "body_too_large",
            f"the page's article text has {len(text)} characters, over the limit of {limits.max_body_chars}",
        )
        return
    authors = [a.strip() for a in re.split(r";\s*", data.get("author") or "") if a.strip()]
    unique_authors: list[str] = []
    for author in authors:
        if author.casefold() not in {a.casefold() for a in unique_authors}:
            unique_authors.append(author)
    site_names = [name for name in (facts["site_name"], data.get("sitename")) if name]
    yield Draft(
        body=text,
        title=data.get("title"),
        url=facts["url"] or data.get("url"),
        authors=unique_authors,
        language=facts["language"] or data.get("language"),
        site_names=site_names,
        dates=[(stamp, "metadata") for stamp in ([published] if published else []) + stamps],
        format="html",
    )


def _sniff(head: bytes, name: str) -> bool:
    return bool(_HTML_START.match(head)) or (b"<head" in head.lower() and head[:1] == b"<")


FORMAT = Format("html", _sniff, _parse)
