"""Reuters-21578-style SGML: many ``<REUTERS>`` records per file, each with DATE, TITLE, DATELINE, BODY.

The corpus is SGML, not XML (bare ``&#3;`` control references, no root element), so records are cut
by their tags; the text inside is entity-decoded and stripped of control characters.  ``<DATE>``
is the stamp (the corpus convention); the outlet is Reuters, whose wire the records are.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from pipeline.errors import Rejection
from pipeline.ingest.decoding import decode_markup
from pipeline.ingest.formats import Format, Limits
from pipeline.ingest.metadata import Draft, iso_stamp
from pipeline.ingest.raw_text import dateline_date, parse_dateline

_RECORD = re.compile(r"<REUTERS\b[^>]*>(?P<inner>.*?)</REUTERS>", re.DOTALL | re.IGNORECASE)
_OPEN = re.compile(rb"<REUTERS\b", re.IGNORECASE)
_SIGN_OFF = re.compile(r"\s*\bReuters?\s*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_STAMP = re.compile(
    r"(?P<d>\d{1,2})-(?P<m>[A-Z]{3})-(?P<y>\d{4})\s+(?P<t>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
)
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def _tag(inner: str, name: str) -> str | None:
    match = re.search(rf"<{name}\b[^>]*>(?P<text>.*?)</{name}>", inner, re.DOTALL | re.IGNORECASE)
    if not match:
        return None
    text = _CONTROL.sub("", html.unescape(match["text"]))
    return text.strip() or None


def _stamp(text: str | None) -> str | None:
    """`` 1-MAR-1987 21:42:38.96`` -> ``1987-03-01T21:42:38.960000`` (wire time, no zone)."""
    match = _STAMP.search(text or "")
    if not match or match["m"].upper() not in _MONTHS:
        return iso_stamp(text)
    month = _MONTHS.index(match["m"].upper()) + 1
    return iso_stamp(f"{match['y']}-{month:02d}-{int(match['d']):02d}T{match['t'].zfill(5)}")


def _draft(inner: str) -> Draft | Rejection:
    body = _tag(inner, "BODY")
    text = _tag(inner, "TEXT")
    title = _tag(inner, "TITLE")
    if body is None and text is not None:
        body = re.sub(r"<[^>]+>", " ", text)
    body = _SIGN_OFF.sub("", body or "").strip()
    if not body:
        body = title or ""
    if not body:
        return Rejection("missing_body", "Reuters SGML record without BODY, TEXT or TITLE")
    paragraphs = [" ".join(part.split()) for part in re.split(r"\n\s+|\n{2,}", body) if part.strip()]
    stamp = _stamp(_tag(inner, "DATE"))
    place = None
    dateline_text = _tag(inner, "DATELINE")
    day_on_dateline = None
    if dateline_text:
        found = parse_dateline(f"{' '.join(dateline_text.split())} x")
        place = found.place if found else dateline_text.split(",")[0].strip().title()
        if found and found.date_text and stamp:
            import datetime as dt

            on = dateline_date(found.date_text, dt.date.fromisoformat(stamp[:10]))
            day_on_dateline = on.isoformat() if on else None
    dates = [(stamp, "metadata")] if stamp else []
    if day_on_dateline:
        dates.append((day_on_dateline, "dateline"))
    return Draft(
        body="\n".join(paragraphs),
        title=" ".join(title.split()) if title else None,
        publisher="Reuters",
        dates=dates,
        dateline_place=place,
        format="sgml",
    )


def _parse(raw: bytes, limits: Limits) -> Iterator[Draft | Rejection]:
    text = decode_markup(raw)
    found = False
    for match in _RECORD.finditer(text):
        found = True
        yield _draft(match["inner"])
    opened = len(_OPEN.findall(raw))
    closed = len(re.findall(r"</REUTERS>", text, re.IGNORECASE))
    if opened > closed or not found:
        yield Rejection(
            "truncated", f"{opened - closed} <REUTERS> record(s) are not closed: the file is cut short"
        )


def _sniff(head: bytes, name: str) -> bool:
    return bool(re.match(rb"(?:<!DOCTYPE\s+lewis[^>]*>\s*)?<REUTERS\b", head, re.IGNORECASE))


FORMAT = Format("sgml", _sniff, _parse)
