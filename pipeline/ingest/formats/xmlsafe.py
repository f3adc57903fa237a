"""XML parsed without entity expansion or network access (defusedxml), for every XML format.

A document that declares entities (the "billion laughs" expansion bomb) or refers to external
ones is refused as ``unsafe_xml`` before anything is expanded; a malformed or truncated one is
``invalid_xml``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import defusedxml
import defusedxml.ElementTree as DET

from pipeline.errors import Rejection

_LATIN_DECLARATION = re.compile(
    rb"""^(\s*<\?xml[^>]*encoding\s*=\s*["'])(?:iso-8859-1|latin-?1|windows-1252|cp1252)(["'])""", re.I
)


def _honest_encoding(raw: bytes) -> bytes:
    """A document declared Latin-1 whose bytes are valid multi-byte UTF-8 is UTF-8 (a common
    mis-declaration; real Latin-1 text almost never forms valid UTF-8 sequences)."""
    match = _LATIN_DECLARATION.match(raw[:200])
    if not match or raw.isascii():
        return raw
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw
    return match.group(1) + b"utf-8" + match.group(2) + raw[match.end() :]


def parse_xml(raw: bytes) -> ET.Element | Rejection:
    """The root element, or the rejection that says why the document is not safe, well-formed XML."""
    raw = _honest_encoding(raw)
    try:
        return DET.fromstring(raw, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (
        defusedxml.EntitiesForbidden,
        defusedxml.ExternalReferenceForbidden,
        defusedxml.DTDForbidden,
    ) as error:
        return Rejection(
            "unsafe_xml", f"XML declares or references entities ({type(error).__name__}): refused"
        )
    except ET.ParseError as error:
        return Rejection("invalid_xml", f"not well-formed XML: {error}")


def local(tag: object) -> str:
    """An element's tag without its namespace."""
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def text_of(element: ET.Element | None) -> str | None:
    """All text inside an element, whitespace collapsed; None when empty."""
    if element is None:
        return None
    text = " ".join("".join(element.itertext()).split())
    return text or None


def find(root: ET.Element, *names: str) -> ET.Element | None:
    """The first descendant (any namespace) whose local name is one of ``names``, in ``names`` order."""
    for name in names:
        for element in root.iter():
            if local(element.tag) == name:
                return element
    return None


def find_all(root: ET.Element, name: str) -> list[ET.Element]:
    return [element for element in root.iter() if local(element.tag) == name]


def paragraphs_of(element: ET.Element | None) -> list[str]:
    """Paragraph texts of a body: ``<p>`` elements when there are any, else its lines."""
    if element is None:
        return []
    paragraphs = [text for text in (text_of(p) for p in element.iter() if local(p.tag) == "p") if text]
    if paragraphs:
        return paragraphs
    whole = "".join(element.itertext())
    return [" ".join(line.split()) for line in whole.split("\n") if line.strip()]
