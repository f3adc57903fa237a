"""What every format states about an article, and the rules that turn it into the metadata a reader takes.

A format fills a :class:`Draft` with what its input says (title as printed, candidate dates with
where each came from, url, names of the site); :func:`finish` applies the rules every format shares:

* **title**: the site-name suffix is cut (" | Reuters", " - BBC News", " – EUobserver").
* **published**: the first date the source states, in this order of trust: the publisher's own
  record (HTML/JSON-LD metadata, feed entry, API field, wire envelope, a plain text's header stamp)
  -- else the article's own evidence (a date in the url path, then the dateline) -- else
  third-party metadata (crawler front matter) -- else a stamp line inside a crawled page.
  *Disagreement rule*: front matter that disagrees with the url or dateline date loses to them;
  ``published_source`` says which source gave the value.
* **outlet**: the url's domain in the outlet table; else the publisher the metadata names; else,
  without a url, the dateline's agency credit or a signature; else the name the site gives itself
  (title suffix, site name); else the agency credit (a host that names itself nowhere republishes
  the agency's story); else the domain.
* Fields nothing states stay None: nothing is invented.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import unicodedata
from dataclasses import dataclass, field

import dateparser

from pipeline.ingest.outlets import agency_name, domain_label, outlet_for_url

#: Where a date came from, best first.  "stamp" is a plain text's own header stamp; front matter is a
#: crawler's guess, so it ranks below the article's own url and dateline; stamp lines found inside a
#: crawled page ("text") may belong to other stories and come last.
SOURCE_RANK = ("metadata", "stamp", "url", "dateline", "front_matter", "text")


@dataclass
class Draft:
    """An article as one format read it, before the shared rules (see the module docstring)."""

    body: str
    title: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    publisher: str | None = None  # named by the metadata as the publisher (API source, JSON-LD, provider)
    site_names: list[str] = field(default_factory=list)  # og:site_name, feed title: weaker names
    credit: str | None = None  # dateline agency / signature found in the text
    dates: list[tuple[str, str]] = field(default_factory=list)  # (ISO stamp, kind in SOURCE_RANK)
    dateline_place: str | None = None
    dateline_date: str | None = None  # as printed ("Feb 23")
    wire_sources: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    format: str = "text"
    retrieved: str | None = None  # ISO stamp of when the file says it was fetched: a crawl, not a publication


@dataclass(frozen=True)
class Finished:
    """The reader's metadata of a draft."""

    title: str | None
    outlet: str | None
    published: str | None
    published_source: str | None
    published_date: dt.date | None
    published_time: dt.time | None


# --- dates --------------------------------------------------------------------------------------------

_COMPACT = re.compile(
    r"^(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})(?:T(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_FRACTION = re.compile(r"(\.\d{6})\d+")
_OFFSET_NO_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_stamp(value: object, *, languages: list[str] | None = None) -> dt.datetime | dt.date | None:
    """A date or date-time as a source writes it: ISO (any fraction), compact ISO, RFC 822, or words."""
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value
    text = str(value).strip()
    if not text or not re.search(r"\d", text):
        return None
    compact = _COMPACT.match(text)
    if compact:
        return _from_compact(compact)
    iso = _FRACTION.sub(r"\1", text.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", text) else text)
    iso = _OFFSET_NO_COLON.sub(r"\1:\2", iso) if "T" in iso else iso
    try:
        return dt.date.fromisoformat(iso) if len(iso) == 10 else dt.datetime.fromisoformat(iso)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    return _words_stamp(text, languages)


_TRAILING_OFFSET = re.compile(r"\s*(?:GMT|UTC)?([+-])(\d{2}):?(\d{2})$")


def _words_stamp(text: str, languages: list[str] | None) -> dt.datetime | None:
    """A stamp in words, any language ("Seg, 24 Set 2018 19:42:40 -0300"); a numeric offset is kept."""
    zone = None
    offset = _TRAILING_OFFSET.search(text)
    if offset and re.search(r"\d:\d\d", text[: offset.start()]):
        minutes = int(offset[2]) * 60 + int(offset[3])
        zone = dt.timezone(dt.timedelta(minutes=minutes if offset[1] == "+" else -minutes))
        text = text[: offset.start()]
    settings: dict[str, object] = {
        "REQUIRE_PARTS": ["day", "month", "year"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        parsed = dateparser.parse(text[:80], languages=languages, settings=settings)  # type: ignore[arg-type]
    except (ValueError, OverflowError):
        return None
    if parsed is None:
        return None
    return parsed.replace(tzinfo=zone) if zone else parsed


def _from_compact(match: re.Match[str]) -> dt.datetime | dt.date | None:
    try:
        day = dt.date(int(match["y"]), int(match["mo"]), int(match["d"]))
        if not match["h"]:
            return day
        tz = match["tz"]
        zone = None
        if tz == "Z":
            zone = dt.UTC
        elif tz:
            sign = 1 if tz[0] == "+" else -1
            hours, minutes = int(tz[1:3]), int(tz[-2:])
            zone = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
        return dt.datetime(
            day.year, day.month, day.day, int(match["h"]), int(match["mi"]), int(match["s"] or 0), tzinfo=zone
        )
    except ValueError:
        return None


def iso_stamp(value: object, *, languages: list[str] | None = None) -> str | None:
    """:func:`parse_stamp` written as ISO 8601 (the offset kept as stated); None if unreadable."""
    parsed = parse_stamp(value, languages=languages)
    if parsed is None or not 1900 <= parsed.year <= 2100:
        return None
    if isinstance(parsed, dt.datetime):
        try:
            offset = parsed.utcoffset()
        except (ValueError, OverflowError):
            return parsed.date().isoformat()
        if offset is not None and offset == dt.timedelta(0):
            return parsed.replace(tzinfo=None).isoformat() + "Z"
        text = parsed.isoformat()
        return text if _ISO_STAMP.match(text) else parsed.date().isoformat()  # odd offsets: the day only
    return parsed.isoformat()


_ISO_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?$")


_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<sep>[/\-_]?)(?P<mo>0?[1-9]|1[0-2]|[a-z]{3})(?P=sep)"
    r"(?P<d>0?[1-9]|[12]\d|3[01])(?!\d)",
    re.IGNORECASE,
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}


def url_date(url: str | None) -> str | None:
    """A date in a url's path (``/2026/feb/20/``, ``/2017/01/13/``, ``-2026-02-23``); None without one."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.IGNORECASE)
    for match in _URL_DATE.finditer(path):
        if not match["sep"] and not match["mo"].isdigit():
            continue
        if not match["sep"] and (len(match["mo"]) != 2 or len(match["d"]) != 2):
            continue
        month = _MONTHS.get(match["mo"].lower()) if not match["mo"].isdigit() else int(match["mo"])
        if month is None:
            continue
        try:
            return dt.date(int(match["y"]), month, int(match["d"])).isoformat()
        except ValueError:
            continue
    return None


def unwrap_url(url: str | None) -> str | None:
    """A redirect wrapper's target (``...news.google.com/news/url?...&url=https://site/article``)."""
    if not url:
        return url
    from urllib.parse import parse_qs, urlsplit

    try:
        query = parse_qs(urlsplit(url.strip()).query)
    except ValueError:
        return url
    for key in ("url", "u", "q"):
        for value in query.get(key, []):
            if re.match(r"https?://", value):
                return value
    return url


def _date_part(stamp: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(stamp[:10])
    except ValueError:
        return None


def choose_published(draft: Draft) -> tuple[str | None, str | None]:
    """(ISO stamp, source kind) by the rule in the module docstring."""
    dates = list(draft.dates)
    from_url = url_date(draft.url)
    if from_url:
        dates.append((from_url, "url"))
    ranked = sorted(
        ((stamp, kind) for stamp, kind in dates if _date_part(stamp)), key=lambda d: SOURCE_RANK.index(d[1])
    )
    if not ranked:
        return None, None
    best = ranked[0]
    # The same day stated with a clock time elsewhere: keep the more precise stamp.
    for stamp, kind in ranked[1:]:
        if stamp[:10] == best[0][:10] and len(stamp) > len(best[0]):
            return stamp, kind
    return best


# --- titles and outlets -------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_URLISH = re.compile(r"^(?:[a-z]+://|www\.)", re.IGNORECASE)
_DASH_TAIL = re.compile(r"\s+[-–—]\s+(?P<tail>[^-–—|]{1,60})$")


def squash(text: str | None) -> str | None:
    """NFC, one space for every whitespace run, ends stripped; None when nothing is left."""
    if text is None:
        return None
    cleaned = _SPACE.sub(" ", unicodedata.normalize("NFC", text).replace("\u00a0", " ")).strip()
    return cleaned or None


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).casefold()
    folded = re.sub(r"[^\w]", "", folded)
    return folded.removeprefix("the")


def clean_title(title: str | None, names: list[str]) -> str | None:
    """The headline without the site-name suffix.

    After " | " everything is a site or section name (headlines do not use pipes); a " - X" tail
    is cut only when X is one of the article's names (outlet, site name, domain; "Yahoo News" for
    yahoo.com), so a hyphen that belongs to the headline ("... unacceptable - Alfano") stays.
    """
    title = squash(title)
    if not title:
        return None
    if " | " in title:
        head = title.split(" | ", 1)[0].strip()
        title = head or title
    keys = {_key(name) for name in names if name and len(_key(name)) >= 3}
    while True:
        match = _DASH_TAIL.search(title)
        if not match or match.start() == 0 or not _names_site(_key(match["tail"]), keys):
            return title
        title = title[: match.start()].rstrip()


def _names_site(tail: str, keys: set[str]) -> bool:
    """The tail is one of the site's names, or that name with more words ("Yahoo News" for yahoo)."""
    return any(
        tail == key or (len(tail) >= 3 and (tail.startswith(key) or key.startswith(tail))) for key in keys
    )


def name_candidates(draft: Draft) -> list[str]:
    """Every name the article's site goes by: the suffix of a title is cut when it is one of these."""
    names = [
        draft.publisher or "",
        *draft.site_names,
        outlet_for_url(draft.url) or "",
        domain_label(draft.url) or "",
    ]
    if draft.credit:
        names.append(agency_name(draft.credit) or "")
    return [name for name in names if name]


def _site_name_from_title(title: str | None, url: str | None) -> str | None:
    """The title's dash/pipe suffix when it spells the url's domain ("– EUobserver" on euobserver.com)."""
    label = domain_label(url)
    if not title or not label:
        return None
    for part in reversed(re.split(r"\s+[|\-–—]\s+", title)[1:]):
        key, domain = _key(part), _key(label)
        if key and domain and (key.startswith(domain) or domain.startswith(key)):
            return part.strip()
    return None


def choose_outlet(draft: Draft) -> str | None:
    """The outlet by the rule in the module docstring."""
    from_table = outlet_for_url(draft.url)
    if from_table:
        return from_table
    if draft.publisher:
        return squash(draft.publisher)
    if not draft.url and draft.credit:
        return agency_name(draft.credit)
    titled = _site_name_from_title(draft.title, draft.url)
    if titled:
        return titled
    for name in draft.site_names:
        site = squash((name or "").split(" | ")[0])
        if site and not _URLISH.match(site):  # "http://www.tmz.com" is an address, not a name
            return site
    if draft.credit:
        return agency_name(draft.credit)  # a host that names itself nowhere republishes the agency
    label = domain_label(draft.url)
    if label:
        return label.capitalize()
    return None


def finish(draft: Draft) -> Finished:
    """The reader's title, outlet and publication stamp of a draft."""
    outlet = choose_outlet(draft)
    title = clean_title(draft.title, [*name_candidates(draft), outlet or ""])
    published, kind = choose_published(draft)
    date: dt.date | None = None
    time: dt.time | None = None
    if published:
        date = _date_part(published)
        if len(published) > 10:
            parsed = parse_stamp(published)
            if isinstance(parsed, dt.datetime):
                time = parsed.time().replace(tzinfo=None, microsecond=0)
    return Finished(title, outlet, published, kind, date, time)
