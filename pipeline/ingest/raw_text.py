"""Parse a raw news article (plain text, any outlet) into its metadata and clean body.

Pure functions only: no Kafka, no I/O. Every rule is a general layout convention of
news text (headline, date stamp, dateline, photo caption, teaser, signature), never a
per-outlet special case, so the parser degrades to "title + body, no metadata" on
layouts it does not know (e.g. the BBC corpus). Fields the text does not state are None.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import dateparser


@dataclass(frozen=True)
class RawFields:
    """What a raw article states about itself; None/empty when the text does not say."""

    title: str | None
    body: str
    outlet: str | None
    published_date: datetime.date | None
    published_time: datetime.time | None
    dateline_place: str | None
    wire_sources: tuple[str, ...]
    captions: tuple[str, ...]
    related: tuple[str, ...]
    dateline_agency: str | None = None
    dateline_date_text: str | None = None  # as printed: "Feb 23"
    stamp_source: str | None = None  # "header", "stamp" or "dateline": what gave published_date


@dataclass(frozen=True)
class _Stamp:
    """A publication stamp line; updates only count when no publication stamp exists."""

    date: datetime.date
    time: datetime.time | None
    is_update: bool


@dataclass(frozen=True)
class _Dateline:
    place: str
    agency: str | None
    date_text: str | None
    rest: str


# --- patterns -----------------------------------------------------------------------------------------

_DATE_HEADER = re.compile(r"^date\s+(?P<iso>\d{4}-\d{2}-\d{2})\b\s*(?P<rest>.*)$", re.IGNORECASE)

_STAMP_LABEL = re.compile(
    r"^(?:(?P<update>(?:last\s+)?(?:updated|modified))|(?:first\s+)?published|posted|dated?)\b"
    r"(?:\s+(?:on|at))?\s*[:\-–—]?\s*",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"(?<![\d:])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?)?"
    r"(?:\s*(?-i:(?:UTC|GMT)[+\-]\d{1,2}\b|[A-Z]{2,5}\b))?(?![\d:])",
    re.IGNORECASE,
)
_TIME_LABEL = re.compile(r"\b(?:hour|time)\s*:", re.IGNORECASE)
_HAS_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b|\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b")

_DATELINE = re.compile(
    r"^(?P<place>[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,3})"
    r"(?:\s*\[(?P<bracket>[^\[\]]{1,40})\])?"
    r"(?:,\s*(?P<region>[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,2}))?"
    r"(?:,\s*(?P<date>[A-Z][a-z]{2,9}\.?\s+\d{1,2}(?:,?\s+\d{4})?|\d{1,2}\s+[A-Z][a-z]{2,9}\.?(?:\s+\d{4})?))?"
    r"(?:\s*\((?P<agency>[A-Z][\w.&'\- ]{0,29})\))?"
    r"\s*(?::|[-–—]{1,2})\s+(?P<rest>\S.*)$",
    re.DOTALL,
)

_POSITION_MARKER = re.compile(r"\((?:L|R|C|left|right|cent(?:er|re)|top|bottom)\)", re.IGNORECASE)
_HANDLE_CREDIT = re.compile(r"\S*/\s*@[\w.]{2,}\s*$")
_PAREN_CREDIT = re.compile(
    r"\([^()]*\b(?:photo|image|picture|pic|file|getty|courtesy|credit|via)\b[^()]*\)\s*$",
    re.IGNORECASE,
)
_CAPTION_START = re.compile(
    r"^(?:photo(?:graph)?|image|picture|pictured|credit|caption|file\s+photo)\b\s*(?:by\b|:)",
    re.IGNORECASE,
)
_CREDIT_TAIL = re.compile(
    r"(?:getty\s+images|shutterstock|\bvia\s+getty\b|[|©]\s*[\w .\-]{2,40}|"
    r"/\s*(?:AFP|AP|Reuters|EPA|Xinhua|Anadolu)(?:\s+Photo)?)\s*$",
    re.IGNORECASE,
)

_RELATED = re.compile(
    r"^(?:related(?:\s+(?:article|news|story|content|coverage))?s?|read\s+more|also\s+read|see\s+also)"
    r"\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_SOURCES = re.compile(r"^sources?\s*:\s*(?P<list>.+)$", re.IGNORECASE)
_SOURCE_SPLIT = re.compile(r"\s*(?:[–—|;,/·•]|\s-\s|\band\b)\s*")
_SIGNATURE = re.compile(
    r"^(?P<outlet>[A-Za-z][\w.&\-]{1,30}(?:\s[\w.&\-]+){0,2})\s*/\s*"
    r"(?P<editors>[A-Z]{1,4}(?:\s*[-/,]\s*[A-Z]{1,4}){0,3})$"
)
_TRAILING_AGENCY = re.compile(
    r"(?<=[.!?\"”’'])\s*\((?P<agency>[A-Z][A-Za-z]{1,15}(?:/[A-Z][A-Za-z]*)?)\)\s*$"
)

_DATEPARSER_SETTINGS: dict[str, object] = {"REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True}
_MAX_TITLE_CHARS = 160
_MAX_TITLE_WORDS = 25
_MAX_CAPTION_WORDS = 60
_MAX_STAMP_CHARS = 80
_MAX_SOURCES_WORDS = 15
# dateparser costs about a millisecond per candidate line; a real article has a handful of stamp
# lines, a hostile 4 MB file of stamp-like lines had ~100,000 (minutes of CPU in the publisher).
# After this many candidates, further lines are plain text.
MAX_STAMP_CANDIDATES = 24


# --- small pure helpers -------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """Non-empty stripped lines; blank lines only separate paragraphs, so they carry no information."""
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    return [line.strip() for line in normalized.split("\n") if line.strip()]


def _word_count(line: str) -> int:
    return len(line.split())


def _parse_date(text: str) -> datetime.date | None:
    """Full dates only (day, month and year): a partial date would make us invent the missing part."""
    parsed = dateparser.parse(text, settings=_DATEPARSER_SETTINGS)  # type: ignore[arg-type]
    return parsed.date() if parsed else None


def _parse_time(match: re.Match[str]) -> datetime.time | None:
    hour, minute, second = int(match["h"]), int(match["m"]), int(match["s"] or 0)
    if match["ampm"]:
        clock = f"{hour}:{minute:02d}:{second:02d} {match['ampm'].upper()}M"
        try:
            return datetime.datetime.strptime(clock, "%I:%M:%S %p").time()
        except ValueError:
            return None
    return datetime.time(hour, minute, second)


def could_be_stamp(line: str) -> bool:
    """Cheap pre-check before dateparser: short and names a year."""
    return len(line) <= _MAX_STAMP_CHARS and _HAS_YEAR.search(line) is not None


def parse_stamp(line: str) -> _Stamp | None:
    """A line that is only a date stamp: "Published: 19 May 2025 14:05 GMT", "May 19, 2025 Hour: 11:22 am"."""
    if not could_be_stamp(line):
        return None
    label = _STAMP_LABEL.match(line)
    rest = line[label.end() :] if label else line
    rest = _TIME_LABEL.sub(" ", rest)
    time_match = _TIME.search(rest)
    if time_match:
        rest = rest[: time_match.start()] + " " + rest[time_match.end() :]
    rest = re.sub(r"[|·•]", " ", rest).strip(" ,;-–—")
    date = _parse_date(rest) if rest else None
    if date is None:
        return None
    time = _parse_time(time_match) if time_match else None
    return _Stamp(date=date, time=time, is_update=bool(label and label["update"]))


def is_caption(line: str) -> bool:
    """Photo captions/credits: short lines carrying a credit, a handle credit or (L)/(R) position markers."""
    if _word_count(line) > _MAX_CAPTION_WORDS:
        return False
    if len({m.group().lower() for m in _POSITION_MARKER.finditer(line)}) >= 2:
        return True
    return any(
        pattern.search(line) for pattern in (_HANDLE_CREDIT, _PAREN_CREDIT, _CAPTION_START, _CREDIT_TAIL)
    )


def parse_dateline(paragraph: str) -> _Dateline | None:
    """Split "KYIV, May 19 (Reuters) - text" into place/agency/date and the text; None if no dateline.

    A capitalised phrase followed by a dash or colon is only a dateline when something else marks it as
    one (an agency, a date, a [country] bracket, or an ALL-CAPS place), so ordinary sentences are kept.
    """
    match = _DATELINE.match(paragraph)
    if not match:
        return None
    place = match["place"]
    letters = re.sub(r"[^A-Za-z]", "", place)
    all_caps = len(letters) >= 3 and letters.isupper()
    if not (match["agency"] or match["date"] or match["bracket"] or all_caps):
        return None
    if match["agency"] and _POSITION_MARKER.fullmatch(f"({match['agency']})"):
        return None
    return _Dateline(
        place=place.title() if all_caps else place,
        agency=match["agency"].strip() if match["agency"] else None,
        date_text=match["date"],
        rest=match["rest"],
    )


def dateline_date(date_text: str | None, published: datetime.date | None) -> datetime.date | None:
    """A dateline date without a year borrows the publication year; without either it stays unknown."""
    if not date_text:
        return None
    if _HAS_YEAR.search(date_text):
        return _parse_date(date_text)
    return _parse_date(f"{date_text} {published.year}") if published else None


def looks_like_title(line: str) -> bool:
    """A headline is short, is not metadata, and does not end like a sentence."""
    if len(line) > _MAX_TITLE_CHARS or _word_count(line) > _MAX_TITLE_WORDS:
        return False
    if re.search(r"[.,;:]\s*[\"”’')\]]*$", line) and not line.endswith("..."):
        return False
    return not (
        parse_stamp(line)
        or is_caption(line)
        or parse_dateline(line)
        or _RELATED.match(line)
        or _SOURCES.match(line)
        or _DATE_HEADER.match(line)
    )


def parse_sources(line: str) -> tuple[str, ...] | None:
    """ "Sources: TASS – Sputnik – RT" -> ("TASS", "Sputnik", "RT")."""
    match = _SOURCES.match(line)
    if not match or _word_count(match["list"]) > _MAX_SOURCES_WORDS:
        return None
    return tuple(name for name in (part.strip(" .") for part in _SOURCE_SPLIT.split(match["list"])) if name)


def parse_signature(line: str) -> str | None:
    """ "teleSUR/ JF" (outlet / editor initials) -> "teleSUR"."""
    match = _SIGNATURE.match(line)
    return match["outlet"] if match else None


def _split_trailing_agency(paragraph: str) -> tuple[str, str | None]:
    """ "... Tammy Bruce. (ANI)" -> ("... Tammy Bruce.", "ANI"); only after sentence-ending punctuation."""
    match = _TRAILING_AGENCY.search(paragraph)
    if not match:
        return paragraph, None
    return paragraph[: match.start()].rstrip(), match["agency"]


def page_stamp(lines: list[str]) -> str | None:
    """The first publication stamp line of a crawled page's raw lines (ISO), before clean-up drops
    it with the share buttons around it ('Feb 26, 2026' between 'Save' and 'Updated')."""
    stamps: list[_Stamp] = []
    candidates = 0
    for line in lines:
        stripped = line.strip().strip("*_ ")
        if candidates >= MAX_STAMP_CANDIDATES:
            break
        if could_be_stamp(stripped):
            candidates += 1
            stamp = parse_stamp(stripped)
            if stamp:
                stamps.append(stamp)
    chosen = _choose_stamp(stamps)
    if chosen is None:
        return None
    if chosen.time is not None:
        return datetime.datetime.combine(chosen.date, chosen.time).isoformat()
    return chosen.date.isoformat()


def _choose_stamp(stamps: list[_Stamp]) -> _Stamp | None:
    """The first publication stamp wins; an "Updated" stamp is only a fallback."""
    originals = [stamp for stamp in stamps if not stamp.is_update]
    return (originals or stamps or [None])[0]


def _sort_lines(
    lines: list[str], *, has_title: bool = True
) -> tuple[str | None, list[str], list[_Stamp], list[str], list[str], list[str]]:
    """Sort lines into (title, body paragraphs, stamps, captions, related teasers, wire sources).

    Stamps and captions may precede the title, so the title is the first line that is neither.
    """
    captions: list[str] = []
    stamps: list[_Stamp] = []
    related: list[str] = []
    wire_sources: list[str] = []
    paragraphs: list[str] = []
    title: str | None = None
    title_possible = has_title
    stamp_candidates = 0
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if stamp_candidates < MAX_STAMP_CANDIDATES and could_be_stamp(line):
            stamp_candidates += 1
            stamp = parse_stamp(line)
            if stamp:
                stamps.append(stamp)
                continue
        if is_caption(line):
            captions.append(line)
            continue
        if title_possible:
            title_possible = False
            if looks_like_title(line):
                title = line
                continue
        related_match = _RELATED.match(line)
        if related_match:
            teaser = related_match["rest"].strip()
            if not teaser and index < len(lines):
                teaser = lines[index]
                index += 1
            if teaser:
                related.append(teaser)
            continue
        sources = parse_sources(line)
        if sources is not None:
            wire_sources.extend(sources)
            continue
        paragraphs.append(line)
    return title, paragraphs, stamps, captions, related, wire_sources


# --- main entry point ---------------------------------------------------------------------------------


def parse_raw_article(text: str, *, has_title: bool = True) -> RawFields:
    """Split a raw article into title, clean body and the metadata the text itself states.

    ``has_title=False`` when the title is known from elsewhere (front matter): the first line is
    then body.  A text of one line is a one-sentence article: that line is its body, not a title.
    """
    lines = _lines(text)
    if not lines:
        raise ValueError("article text is empty or whitespace-only: no body to parse")
    if len(lines) == 1 and not _DATE_HEADER.match(lines[0]):
        has_title = False

    header_date: datetime.date | None = None
    captions: list[str] = []
    header = _DATE_HEADER.match(lines[0])
    if header:
        header_date = datetime.date.fromisoformat(header["iso"])
        rest = header["rest"].strip()
        lines = lines[1:]
        if rest and is_caption(rest):
            captions.append(rest)
        elif rest:
            lines.insert(0, rest)

    title, paragraphs, stamps, more_captions, related, wire_sources = _sort_lines(lines, has_title=has_title)
    captions.extend(more_captions)

    signature_outlet: str | None = None
    while paragraphs and parse_signature(paragraphs[-1]):
        signature_outlet = parse_signature(paragraphs.pop())

    trailing_agency: str | None = None
    if paragraphs:
        paragraphs[-1], trailing_agency = _split_trailing_agency(paragraphs[-1])
        if not paragraphs[-1]:
            paragraphs.pop()

    dateline = parse_dateline(paragraphs[0]) if paragraphs else None
    if dateline:
        paragraphs[0] = dateline.rest

    if not paragraphs:
        raise ValueError(f"article has no body text (title={title!r}): a headline alone is not an article")

    stamp = _choose_stamp(stamps)
    published_date = header_date or (stamp.date if stamp else None)
    if published_date is None and dateline:
        published_date = dateline_date(dateline.date_text, None)
    published_time = stamp.time if stamp and stamp.date == published_date else None
    return RawFields(
        title=title,
        body="\n".join(paragraphs),
        outlet=signature_outlet or trailing_agency or (dateline.agency if dateline else None),
        published_date=published_date,
        published_time=published_time,
        dateline_place=dateline.place if dateline else None,
        wire_sources=tuple(wire_sources),
        captions=tuple(captions),
        related=tuple(related),
        dateline_agency=dateline.agency if dateline else None,
        dateline_date_text=dateline.date_text if dateline else None,
        stamp_source=_stamp_source(header_date, stamp, published_date),
    )


def _stamp_source(
    header_date: datetime.date | None, stamp: _Stamp | None, published: datetime.date | None
) -> str | None:
    if published is None:
        return None
    if header_date is not None:
        return "header"
    return "stamp" if stamp is not None else "dateline"
