"""The HTML pages: ``/live`` (the analyst's desk) and an item's page (``/feed/{id}`` for browsers).

Both are static: they carry no feed data at all (the item page does not even
carry its id; its script reads it from the address), and one script
(``assets/page.js``) fetches the JSON and builds the DOM with ``textContent``.
The Content-Security-Policy allows exactly that script and stylesheet by sha256
hash (no 'unsafe-inline'), so even an injected inline script or ``on*=``
handler could not run; ``page_security_policy()`` gives the same policy for the
server to send as a header too (``frame-ancestors`` only works there).  The
charts are SVG the script draws from the feed's glance: no library, no CDN.
"""

from __future__ import annotations

import base64
import hashlib
import html
from pathlib import Path

from pipeline.serving.query import SORTS
from schemas.records import EventStatus, PloverType

_ASSETS = Path(__file__).with_name("assets")
PAGE_CSS = (_ASSETS / "page.css").read_text(encoding="utf-8")
PAGE_JS = (_ASSETS / "page.js").read_text(encoding="utf-8")
SORT_LABELS = {"updated": "Last update", "date": "Event date", "sources": "Number of sources"}
assert set(SORT_LABELS) == set(SORTS), "every sort order needs a label"


def _sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def page_security_policy() -> str:
    """CSP of both pages: only their own script and style (by hash), fetches to self only."""
    return (
        f"default-src 'none'; script-src {_sha256_source(PAGE_JS)}; style-src {_sha256_source(PAGE_CSS)}; "
        "connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _options(pairs: list[tuple[str, str]]) -> str:
    return "".join(f'<option value="{html.escape(v)}">{html.escape(label)}</option>' for v, label in pairs)


def _field(name: str, label: str, control: str, cls: str = "field") -> str:
    return f'<div class="{cls}"><label for="f-{name}">{label}</label>{control}</div>'


def _controls() -> str:
    """The filter form: each control named as the ``/feed`` query parameter it sets.

    In a ``<details>``: on a phone the script folds it when no filter is set, so the feed shows first.
    """
    types = _options([("", "All types"), *((t.value, t.value) for t in PloverType)])
    statuses = _options([("", "Any status"), *((s.value, s.value) for s in EventStatus)])
    sorts = _options(list(SORT_LABELS.items()))
    fields = [
        _field(
            "q",
            'Search headlines, actors, evidence <kbd title="press / to search">/</kbd>',
            '<input id="f-q" name="q" type="search" autocomplete="off" placeholder="e.g. ceasefire Russia">',
            "field wide",
        ),
        _field("type", "Event type", f'<select id="f-type" name="type">{types}</select>'),
        _field("status", "Status", f'<select id="f-status" name="status">{statuses}</select>'),
        _field("actor", "Actor", '<input id="f-actor" name="actor" list="actors-list" autocomplete="off">'),
        _field("with", "With actor", '<input id="f-with" name="with" list="actors-list" autocomplete="off">'),
        _field(
            "outlet", "Outlet", '<input id="f-outlet" name="outlet" list="outlets-list" autocomplete="off">'
        ),
        _field(
            "min_sources",
            "Min. outlets",
            '<input id="f-min_sources" name="min_sources" type="number" min="1" max="1000" step="1" '
            'inputmode="numeric">',
        ),
        _field("from", "From (event date)", '<input id="f-from" name="from" type="date">'),
        _field("to", "To (event date)", '<input id="f-to" name="to" type="date">'),
        _field("sort", "Sort by", f'<select id="f-sort" name="sort">{sorts}</select>'),
    ]
    return (
        '<details id="filters" open><summary>Search, filters and sort</summary>'
        '<form id="controls" role="search" aria-label="Filter and sort events">'
        + "".join(fields)
        + '<div class="actions"><button type="reset">Clear filters</button></div>'
        '<datalist id="actors-list"></datalist><datalist id="outlets-list"></datalist></form></details>'
    )


_GLANCE = (
    '<section id="glance" aria-labelledby="glance-h"><h2 id="glance-h">At a glance</h2>'
    '<div id="timeline"></div><div class="panels">'
    '<div class="panel"><h3>Events by type</h3><ul id="type-counts"></ul></div>'
    '<div class="panel"><h3>Most active actor pairs</h3><ol id="pairs"></ol></div></div></section>'
)


def _document(title: str, body_attrs: str, content: str, feed_path: str, heading: str) -> str:
    esc_title = html.escape(title)
    feed = html.escape(feed_path)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(page_security_policy())}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{esc_title}</title>\n<style>{PAGE_CSS}</style>\n</head>\n"
        f"<body {body_attrs}>\n"
        '<a class="skip" href="#items">Skip to events</a>\n'
        f'<header><h1><a href="/live">{html.escape(heading)}</a></h1>'
        '<span id="status" role="status">loading\u2026</span></header>\n'
        f"{content}\n"
        '<noscript><p class="empty">This page needs JavaScript to load the feed. '
        f'The raw feed is at <a href="{feed}">{feed}</a>.</p></noscript>\n'
        f"<script>{PAGE_JS}</script>\n</body>\n</html>\n"
    )


def render_page(*, feed_path: str = "/feed", refresh_seconds: int = 5, title: str = "diplofeed") -> str:
    """The live page: controls, glance and list, with no feed data in it; the script polls ``feed_path``."""
    content = (
        f'<div class="desk">{_controls()}{_GLANCE}'
        '<button id="fresh" type="button" hidden></button>'
        '<main id="items" tabindex="-1" aria-label="Events"></main>'
        '<button id="more" type="button" hidden>Show more</button></div>'
    )
    attrs = (
        f'data-view="list" data-feed="{html.escape(feed_path)}" data-refresh="{max(1, int(refresh_seconds))}"'
    )
    return _document(title, attrs, content, feed_path, title)


def render_item_page(*, feed_path: str = "/feed", title: str = "diplofeed") -> str:
    """An item's page: the same for every item; the script fetches its own address as JSON."""
    content = (
        '<nav class="desk back"><a id="back" href="/live">\u2190 All events</a></nav>'
        '<main id="items" tabindex="-1" aria-label="Event"></main>'
    )
    attrs = f'data-view="item" data-feed="{html.escape(feed_path)}" data-refresh="5"'
    return _document(f"{title} \u00b7 event", attrs, content, feed_path, title)
