"""The IPTC formats wire agencies deliver: NewsML-G2, NewsML 1.x and NITF (parsed by :mod:`.xmlsafe`).

Dates: the first-publication stamp of the envelope -- G2 ``firstCreated`` (else ``contentCreated``,
else ``versionCreated``), NewsML 1 ``FirstCreated``, NITF ``date.release`` when it is a real stamp
after ``date.issue`` (an embargoed item is published when the embargo lifts), else ``date.issue``
or ``story.date``.  The outlet is the provider / distributor / copyright holder.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from pipeline.errors import Rejection
from pipeline.ingest.formats import Format, Limits
from pipeline.ingest.formats.xmlsafe import find, find_all, local, paragraphs_of, parse_xml, text_of
from pipeline.ingest.metadata import Draft, iso_stamp
from pipeline.ingest.outlets import outlet_for_url
from pipeline.ingest.raw_text import parse_dateline

_RIGHTS_TAIL = re.compile(r"[.,]?\s*all rights reserved\.?$", re.IGNORECASE)
_CREDIT_FIRST = re.compile(
    r"^\((?P<agency>[A-Z][\w&. ]{1,20})\)\s*[-–—]\s*(?P<place>[A-Z][\w.'’ ]{1,30}?)"
    r"(?:,\s*(?:[A-Z][a-z]{2,9}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,9}))?\s*[-–—]\s+(?P<rest>\S.*)$",
    re.DOTALL,
)
_DOMAIN = re.compile(r"^(?:[a-z0-9\-]+\.)+[a-z]{2,}$", re.IGNORECASE)


def html_paragraphs(fragment: str) -> list[str]:
    """Paragraphs of an HTML fragment (a CDATA body), read by lxml's HTML parser."""
    import lxml.html

    if not fragment.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return [" ".join(fragment.split())]
    paragraphs = [" ".join(p.text_content().split()) for p in root.iter("p")]
    paragraphs = [p for p in paragraphs if p]
    return paragraphs or [" ".join(line.split()) for line in root.text_content().split("\n") if line.strip()]


def _strip_dateline(paragraphs: list[str]) -> tuple[list[str], str | None, str | None]:
    """(paragraphs, dateline place, agency credit): the first paragraph's dateline is cut off."""
    if not paragraphs:
        return paragraphs, None, None
    credit_first = _CREDIT_FIRST.match(paragraphs[0])
    if credit_first:  # "(ANSA) - Rome, October 11 - text"
        return [credit_first["rest"], *paragraphs[1:]], credit_first["place"], credit_first["agency"]
    found = parse_dateline(paragraphs[0])
    if not found:
        return paragraphs, None, None
    return [found.rest, *paragraphs[1:]], found.place, found.agency


def _provider_name(value: str | None) -> str | None:
    """A provider literal: a domain ("ansa.it") names its outlet; anything else is the name."""
    if not value:
        return None
    value = _RIGHTS_TAIL.sub("", value.strip()).strip()
    if _DOMAIN.match(value):
        return outlet_for_url(f"http://{value}") or value.split(".")[-2].upper()
    return value or None


# --- NewsML-G2 ----------------------------------------------------------------------------------------


def _g2_body(item: ET.Element) -> list[str]:
    inline_xml = find(item, "inlineXML")
    if inline_xml is not None:
        return paragraphs_of(inline_xml)
    inline = find(item, "inlineData")
    if inline is not None:
        return html_paragraphs(inline.text or "")
    return []


def _g2_item(item: ET.Element) -> Draft | Rejection:
    meta = find(item, "itemMeta")
    content = find(item, "contentMeta")
    headline = None
    if content is not None:
        headlines = [
            h for h in find_all(content, "headline") if not h.get("role") or "main" in h.get("role", "")
        ]
        headline = text_of(headlines[0]) if headlines else None
    stamp = None
    for name in ("firstCreated", "contentCreated", "versionCreated"):
        stamp = iso_stamp(text_of(find(item, name)))
        if stamp:
            break
    provider = find(meta, "provider") if meta is not None else None
    publisher = None
    if provider is not None:
        publisher = _provider_name(
            provider.get("literal") or text_of(find(provider, "name")) or provider.get("qcode")
        )
    credit = text_of(find(item, "creditline"))
    paragraphs, place, agency = _strip_dateline(_g2_body(item))
    language = find(item, "language")
    located = find(item, "located")
    return Draft(
        body="\n".join(paragraphs),
        title=headline,
        publisher=publisher or (credit.strip(" –-") if credit else None),
        credit=agency,
        dates=[(stamp, "metadata")] if stamp else [],
        dateline_place=place or (located.get("literal") if located is not None else None),
        language=language.get("tag") if language is not None else None,
        authors=[a for a in (text_of(b) for b in find_all(item, "by")) if a],
        format="newsml-g2",
    )


def _parse_g2(raw: bytes, limits: Limits) -> Iterator[Draft | Rejection]:
    root = parse_xml(raw)
    if isinstance(root, Rejection):
        yield root
        return
    items = [root] if local(root.tag) == "newsItem" else find_all(root, "newsItem")
    if not items:
        yield Rejection("unsupported_format", "NewsML-G2 document without a newsItem")
    for item in items:
        yield _g2_item(item)


# --- NewsML 1.x ---------------------------------------------------------------------------------------


def _newsml1_item(item: ET.Element) -> Draft | Rejection:
    stamp = iso_stamp(text_of(find(item, "FirstCreated", "ThisRevisionCreated", "DateLineDate")))
    party = find(item, "Provider")
    publisher = None
    if party is not None:
        named = find(party, "Party")
        publisher = _provider_name(named.get("FormalName") if named is not None else text_of(party))
    if publisher is None:
        publisher = _provider_name(text_of(find(item, "ProviderId")))
    body = find(item, "body.content", "DataContent")
    language = find(item, "Language")
    dateline = text_of(find(item, "DateLine"))
    found = parse_dateline(f"{dateline} x") if dateline else None
    return Draft(
        body="\n".join(paragraphs_of(body)),
        title=text_of(find(item, "HeadLine")),
        publisher=publisher,
        credit=found.agency if found else None,
        dates=[(stamp, "metadata")] if stamp else [],
        dateline_place=found.place if found else None,
        language=language.get("FormalName") if language is not None else None,
        format="newsml-1",
    )


def _parse_newsml1(raw: bytes, limits: Limits) -> Iterator[Draft | Rejection]:
    root = parse_xml(raw)
    if isinstance(root, Rejection):
        yield root
        return
    items = [i for i in find_all(root, "NewsItem") if find(i, "HeadLine") is not None or find(i, "p")]
    if not items:
        yield Rejection("unsupported_format", "NewsML document without a NewsItem")
    for item in items:
        yield _newsml1_item(item)


# --- NITF ---------------------------------------------------------------------------------------------


def _nitf_date(root: ET.Element, name: str) -> str | None:
    element = find(root, name)
    return iso_stamp(element.get("norm")) if element is not None else None


def _parse_nitf(raw: bytes, limits: Limits) -> Iterator[Draft | Rejection]:
    root = parse_xml(raw)
    if isinstance(root, Rejection):
        yield root
        return
    issue = _nitf_date(root, "date.issue") or _nitf_date(root, "story.date")
    release = _nitf_date(root, "date.release")
    stamp = release if release and (not issue or release >= issue) else issue
    distributor = text_of(find(root, "distributor"))
    copyright_holder = find(root, "doc.copyright")
    holder = copyright_holder.get("holder") if copyright_holder is not None else None
    publisher = _provider_name(distributor) or _provider_name(holder)
    if publisher and publisher.isupper() and len(publisher) > 4:
        publisher = publisher.title()
    title = text_of(find(root, "hl1")) or text_of(find(root, "title"))
    byline = text_of(find(root, "byline"))
    dateline = text_of(find(root, "dateline"))
    found = parse_dateline(f"{dateline} x") if dateline else None
    paragraphs = paragraphs_of(find(root, "body.content"))
    byttl = text_of(find(root, "byttl"))
    if byline and byttl:
        byline = byline.replace(byttl, "").strip()
    authors = []
    if byline:
        authors = [re.sub(r"^by\s+", "", byline, flags=re.IGNORECASE).split(",")[0].strip()]
    language = root.get("{http://www.w3.org/XML/1998/namespace}lang")
    yield Draft(
        body="\n".join(paragraphs),
        title=title,
        publisher=publisher,
        credit=found.agency if found else None,
        dates=[(stamp, "metadata")] if stamp else [],
        dateline_place=found.place if found else None,
        authors=[a for a in authors if a],
        language=language,
        format="nitf",
    )


def _root_is(head: bytes, *names: bytes) -> bool:
    """The first element (after the XML declaration, comments and DOCTYPE) has one of these names."""
    match = re.search(rb"<(?![?!])(?:[\w\-]+:)?([\w\-.]+)", head)
    return bool(match) and match.group(1) in names


NEWSML_G2 = Format("newsml-g2", lambda head, name: _root_is(head, b"newsMessage", b"newsItem"), _parse_g2)
NEWSML_1 = Format("newsml-1", lambda head, name: _root_is(head, b"NewsML"), _parse_newsml1)
NITF = Format("nitf", lambda head, name: _root_is(head, b"nitf"), _parse_nitf)
