"""Bytes to text: strict UTF-8 for plain text, the declared or sniffed charset for markup.

Plain text has no place to declare its encoding, so it must be UTF-8 (a mis-decoded article would
pass silently); markup (XML, HTML, feeds) declares it, and a parser that honours the declaration
or sniffs it (lxml, feedparser, trafilatura) reads it.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.errors import Rejection

_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._\-]+)""", re.IGNORECASE)


def decode_text(raw: bytes, source: str) -> str | Rejection:
    """Strict UTF-8 decoding that tells binary from mis-encoded text."""
    if b"\x00" in raw[:8192]:
        return Rejection("binary", "input contains NUL bytes: binary data, not an article", source, raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return Rejection(
            "not_utf8",
            f"input is not valid UTF-8 (byte {error.start}: {raw[error.start : error.start + 1]!r}); "
            "re-encode it as UTF-8",
            source,
            raw,
        )
    controls = sum(1 for ch in text[:8192] if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:8192]) // 100):
        return Rejection(
            "binary", f"input has {controls} control characters: binary data, not text", source, raw
        )
    return text


def decode_markup(raw: bytes) -> str:
    """Markup bytes as text: the declared charset, else UTF-8, else Latin-1 (which never fails)."""
    declared = _XML_ENCODING.match(raw[:200]) or _META_CHARSET.search(raw[:4096])
    candidates = [declared.group(1).decode("ascii")] if declared else []
    for encoding in [*candidates, "utf-8-sig", "cp1252", "latin-1"]:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("latin-1")
