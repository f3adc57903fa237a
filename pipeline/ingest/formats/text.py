"""Plain text articles: title line, stamps, byline, dateline with agency credit, body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pipeline.errors import Rejection
from pipeline.ingest.cleanup import cut_highlights, is_item_caption, join_stamp_labels, take_bylines
from pipeline.ingest.decoding import decode_text
from pipeline.ingest.formats import Format, Limits
from pipeline.ingest.metadata import Draft
from pipeline.ingest.raw_text import dateline_date, parse_dateline, parse_raw_article


def draft_from_text(
    text: str,
    *,
    has_title: bool = True,
    year_hint: int | None = None,
    fmt: str = "text",
    stamp_kind: str = "stamp",
) -> Draft | Rejection:
    """One article from its text; ``year_hint`` completes a dateline date printed without a year.

    ``stamp_kind`` ranks the text's stamp lines: a plain text's header stamp is the publisher's
    ("stamp"); in a crawled page they may belong to other stories ("text", the lowest rank).
    """
    text = cut_highlights(text)
    lines, authors = take_bylines(
        join_stamp_labels(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    )
    if not any(line.strip() for line in lines):
        return Rejection("empty_body", "the input is empty: there is no article text")
    try:
        fields = parse_raw_article("\n".join(lines), has_title=has_title)
    except ValueError as error:
        return Rejection("missing_body", f"no article body: {error}")
    paragraphs = fields.body.split("\n")
    captions = list(fields.captions)
    place, agency, date_text = fields.dateline_place, fields.dateline_agency, fields.dateline_date_text
    if place is None:
        # Crawled pages put captions, summaries and promos before the dateline paragraph.
        for index, paragraph in enumerate(paragraphs[:6]):
            found = parse_dateline(paragraph)
            if found and (found.agency or found.date_text):
                place, agency, date_text = found.place, found.agency, found.date_text
                captions.extend(p for p in paragraphs[:index] if is_item_caption(p))
                paragraphs = [p for p in paragraphs[:index] if not is_item_caption(p)] + [
                    found.rest,
                    *paragraphs[index + 1 :],
                ]
                break
    dates: list[tuple[str, str]] = []
    if fields.published_date and fields.stamp_source in ("header", "stamp"):
        stamp = fields.published_date.isoformat()
        if fields.published_time:
            stamp = dt.datetime.combine(fields.published_date, fields.published_time).isoformat()
        dates.append((stamp, stamp_kind))
    year = year_hint or (fields.published_date.year if fields.published_date else None)
    on_dateline = dateline_date(date_text, dt.date(year, 1, 1) if year else None)
    if on_dateline:
        dates.append((on_dateline.isoformat(), "dateline"))
    return Draft(
        body="\n".join(p for p in paragraphs if p.strip()),
        title=fields.title,
        authors=authors,
        credit=fields.outlet or agency,
        dates=dates,
        dateline_place=place,
        dateline_date=date_text,
        wire_sources=list(fields.wire_sources),
        captions=captions,
        related=list(fields.related),
        format=fmt,
    )


def _parse(raw: bytes, limits: Limits) -> Iterator[Draft | Rejection]:
    text = decode_text(raw, "")
    if isinstance(text, Rejection):
        yield text
        return
    yield draft_from_text(text)


FORMAT = Format("text", lambda head, name: True, _parse)
