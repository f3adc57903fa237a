"""The format registry: every input format is one small module that recognises its input and yields drafts.

A format is recognised by its content (the first bytes), not by the file name, so a Reuters SGML
record saved as ``.txt`` or a feed saved without a suffix still reads right; the name only breaks
ties the content leaves open.  ``publish``, ``watch``, ``follow``, ``extract`` and stdin all call
:func:`detect` then the format's ``parse``.  Formats are tried in :data:`FORMATS` order; plain
text is the last resort.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pipeline.errors import Rejection
from pipeline.ingest.metadata import Draft


@dataclass(frozen=True)
class Limits:
    """Bounds every format honours (items per input, characters of one body), and the input's origin."""

    max_items: int = 2_000
    max_body_chars: int = 200_000
    origin_url: str | None = None  # where the input was fetched from: relative links resolve against it


@dataclass(frozen=True)
class Format:
    """One input format: ``sniff(head, name)`` says whether it is this format; ``parse`` reads it."""

    name: str
    sniff: Callable[[bytes, str], bool]
    parse: Callable[[bytes, Limits], Iterator[Draft | Rejection]]


#: How many leading bytes :func:`detect` looks at.
HEAD_BYTES = 4096


def head_of(raw: bytes) -> bytes:
    """The first bytes without a BOM or leading whitespace, for sniffing."""
    head = raw[: HEAD_BYTES * 2]
    for bom in (b"\xef\xbb\xbf",):
        head = head.removeprefix(bom)
    return head.lstrip()[:HEAD_BYTES]


def _registry() -> list[Format]:
    from pipeline.ingest.formats import feeds, frontmatter, html, jsonrecords, newsml, sgml, text

    return [
        sgml.FORMAT,
        newsml.NEWSML_G2,
        newsml.NEWSML_1,
        newsml.NITF,
        feeds.FORMAT,
        html.FORMAT,
        jsonrecords.FORMAT,
        frontmatter.FORMAT,
        frontmatter.PAGE,
        text.FORMAT,
    ]


_FORMATS: list[Format] = []


def formats() -> list[Format]:
    """Every registered format, in the order they are tried."""
    if not _FORMATS:
        _FORMATS.extend(_registry())
    return _FORMATS


def detect(raw: bytes, name: str = "") -> Format:
    """The first format that recognises the input (plain text when none does)."""
    head = head_of(raw)
    for candidate in formats():
        if candidate.sniff(head, name.lower()):
            return candidate
    return formats()[-1]


def by_name(name: str) -> Format:
    for candidate in formats():
        if candidate.name == name:
            return candidate
    raise KeyError(name)
