"""JSON articles: a NewsAPI.org response (``articles[]``), a JSON Feed, one object, a list, or JSON Lines.

Every record is read with one table of field names and their common aliases (``headline``,
``datePublished``, ``link``, ``source.name``, NewsAPI's ``publishedAt``/``content``); a key outside
the table is rejected so a typo does not pass silently.  NewsAPI appends " - <source>" to titles
and truncates ``content`` ("… [+1305 chars]"): the shared title rule and :func:`_api_text` undo that.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from pipeline.errors import Rejection
from pipeline.ingest.decoding import decode_text
from pipeline.ingest.formats import Format, Limits
from pipeline.ingest.metadata import Draft, iso_stamp

#: Field -> the keys that may carry it, first found wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "body": (
        *("body", "articleBody", "content", "content_text", "content_html", "bodyText", "text_body"),
        *("description", "summary", "lead_paragraph", "abstract", "snippet"),
    ),
    "title": ("title", "headline", "webTitle", "name"),
    "outlet": ("outlet", "publisher", "source", "source_name", "site_name"),
    "published": (
        *("published", "publishedAt", "datePublished", "date_published", "webPublicationDate"),
        *("pub_date", "published_date", "firstPublicationDate", "pubDate", "date"),
    ),
    "url": ("url", "link", "canonical_url", "webUrl", "web_url"),
    "language": ("language", "lang", "inLanguage"),
    "authors": ("authors", "author", "byline", "creator"),
}
#: Where news APIs put their list of articles (NewsAPI ``articles``, Guardian ``response.results``,
#: NYT ``response.docs``, and the like).
CONTAINER_KEYS = ("articles", "results", "docs", "items", "stories", "news", "data", "value")
#: Keys read for nothing but accepted (NewsAPI, JSON Feed and schema.org records carry them).
IGNORED = {"urlToImage", "image", "id", "@type", "@context", "type", "tags", "category", "keywords",
           "date_modified", "dateModified", "modified", "updated", "external_url", "banner_image",
           "word_count", "wordCount"}  # fmt: skip
#: ``text`` holds a whole raw article (title line, stamps, dateline, body) read by the text parser.
KNOWN_KEYS = {key for keys in ALIASES.values() for key in keys} | IGNORED | {"text"}
#: Keys that may hold an object or list of names ({"name": ...}, {"main": ...}); others hold strings.
NAMED_KEYS = {key for field in ("outlet", "authors", "language", "title") for key in ALIASES[field]}
_TRUNCATED = re.compile(r"\s*(?:…|\.\.\.)?\s*\[\+\d+ chars\]\s*$")


def _pick(obj: dict[str, Any], field: str) -> Any:
    for key in ALIASES[field]:
        value = obj.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _name(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("title") or value.get("main") or value.get("original")
    if isinstance(value, list):
        value = next((v for v in (_name(item) for item in value) if v), None)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _api_text(value: Any) -> str:
    """A body field as text: HTML made plain, NewsAPI's "[+N chars]" truncation marker cut."""
    if not isinstance(value, str):
        return ""
    text = _TRUNCATED.sub("", value)
    if "<" in text and re.search(r"</?\w+[^>]*>", text):
        from pipeline.ingest.formats.newsml import html_paragraphs

        text = "\n".join(html_paragraphs(text))
    return text.strip()


def draft_from_record(obj: Any, *, headline_item: bool = False) -> Draft | Rejection:
    """One JSON article object as a draft, or the rejection that says what is wrong with it.

    ``headline_item``: inside a news-API response or a feed, an item with a title and no text is
    a headline the publisher sent, and its title is its body; a standalone record needs a body.
    """
    if not isinstance(obj, dict):
        return Rejection("not_an_object", f"expected a JSON object, got {type(obj).__name__}")
    if headline_item and isinstance(obj.get("fields"), dict):  # an API's requested fields (Guardian)
        obj = {**{k: v for k, v in obj.items() if k != "fields"}, **obj["fields"]}
    if headline_item:  # a publisher's API item: its other keys are the API's, not typos
        obj = {key: value for key, value in obj.items() if key in KNOWN_KEYS}
    unknown = sorted(set(obj) - KNOWN_KEYS)
    if unknown:
        return Rejection(
            "invalid_field", f"unknown field(s) {unknown[:10]}; accepted: {sorted(ALIASES)} and aliases"
        )
    broken = sorted(key for key, value in obj.items() if isinstance(value, str) and not _is_unicode(value))
    if broken:
        return Rejection(
            "not_utf8",
            f"field(s) {broken} hold lone surrogate escapes (\\ud800-\\udfff): not valid Unicode text",
        )
    wrong = [
        key
        for key, value in obj.items()
        if value is not None
        and key not in IGNORED
        and not isinstance(value, str | dict | list if key in NAMED_KEYS else str)
    ]
    if wrong:
        kinds = ", ".join(f"{key} is {type(obj[key]).__name__}" for key in sorted(wrong))
        return Rejection("invalid_field", f"fields must be strings (names may be objects): {kinds}")
    if isinstance(obj.get("text"), str) and _pick(obj, "body") is None:
        from pipeline.ingest.formats.text import draft_from_text

        return draft_from_text(obj["text"], fmt="json")
    title = _name(_pick(obj, "title"))
    body = ""
    for key in ALIASES["body"]:
        body = _api_text(obj.get(key))
        if body:
            break
    if not body and not (title and headline_item):
        if any(key in obj for key in ALIASES["body"]):
            return Rejection("empty_body", "the article's 'body' is empty")
        return Rejection("missing_body", "the article object has no 'body' (or content/description) field")
    published_value = _pick(obj, "published")
    published = iso_stamp(published_value) if published_value else None
    if published_value and not published:
        return Rejection(
            "invalid_field", f"'published' is not a readable date: {str(published_value)[:40]!r}"
        )
    authors_value = _pick(obj, "authors")
    authors: list[str] = []
    if isinstance(authors_value, str):
        authors = [a.strip() for a in re.split(r",\s*|\s+and\s+", authors_value) if a.strip()]
    elif isinstance(authors_value, list):
        authors = [n for n in (_name(a) if not isinstance(a, str) else a for a in authors_value) if n]
    elif isinstance(authors_value, dict):
        authors = [n for n in [_name(authors_value)] if n]
    authors = [re.sub(r"^by\s+", "", name, flags=re.IGNORECASE) for name in authors]
    url = _pick(obj, "url")
    return Draft(
        body=body or title or "",
        title=title,
        url=url if isinstance(url, str) else None,
        authors=authors,
        language=_name(_pick(obj, "language")),
        publisher=_name(_pick(obj, "outlet")),
        dates=[(published, "metadata")] if published else [],
        format="json",
    )


def _is_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _records(document: Any) -> tuple[list[Any], str | None, bool]:
    """(records, the site's name, whether the records are items of a publisher's container)."""
    if isinstance(document, list):
        return document, None, False
    if isinstance(document, dict) and isinstance(document.get("response"), dict):
        document = {**document["response"], **{k: v for k, v in document.items() if k != "response"}}
    if isinstance(document, dict) and "jsonfeed" not in str(document.get("version", "")):
        for key in CONTAINER_KEYS:
            items = document.get(key)
            if isinstance(items, list) and items and all(isinstance(item, dict) for item in items):
                return items, None, True  # a news API's response (NewsAPI.org ``articles``)
    if (
        isinstance(document, dict)
        and isinstance(document.get("items"), list)
        and "jsonfeed" in str(document.get("version", ""))
    ):
        return document["items"], document.get("title"), True  # JSON Feed
    return [document], None, False


def _parse(raw: bytes, limits: Limits) -> Iterator[Draft | Rejection]:
    text = decode_text(raw, "")
    if isinstance(text, Rejection):
        yield text
        return
    try:
        document = json.loads(text)
    except RecursionError:
        yield Rejection("invalid_json", "JSON nested too deeply")
        return
    except json.JSONDecodeError as whole_error:
        yield from _json_lines(text, whole_error, limits)
        return
    records, site, container = _records(document)
    if len(records) > limits.max_items:
        yield Rejection(
            "too_many_items", f"{len(records)} records, over the limit of {limits.max_items}: not read"
        )
        return
    if not records:
        yield Rejection("missing_body", "the JSON document holds no article records")
        return
    for record in records:
        draft = draft_from_record(record, headline_item=container)
        if site and isinstance(draft, Draft):
            draft.site_names.append(str(site))
            draft.format = "json-feed"
        yield draft


def _json_lines(text: str, whole_error: json.JSONDecodeError, limits: Limits) -> Iterator[Draft | Rejection]:
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2 or not _is_json(lines[0]):  # JSON Lines start with a complete record
        yield Rejection("invalid_json", f"not valid JSON: {whole_error}")
        return
    if len(lines) > limits.max_items:
        yield Rejection(
            "too_many_items", f"{len(lines)} JSON lines, over the limit of {limits.max_items}: not read"
        )
        return
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            yield Rejection("invalid_json", f"line {number} is not valid JSON: {error}")
            continue
        yield draft_from_record(record)


def _is_json(line: str) -> bool:
    try:
        json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True


def _sniff(head: bytes, name: str) -> bool:
    return head[:1] in (b"{", b"[")


FORMAT = Format("json", _sniff, _parse)
