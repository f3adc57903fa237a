"""Where articles come from: files, folders, JSON Lines and stdin, as bounded raw inputs.

Reading is separated from parsing so every input path enforces the same size
limit before anything is decoded, and every input carries a ``source`` that a
dead letter can point back to (``path`` or ``path:line``).  A whole input's format
is recognised later by the format registry; only ``.jsonl``/``.ndjson`` files (and
stdin whose first line is a complete JSON object) are streamed line by line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

JSON_SUFFIXES = {".jsonl", ".ndjson"}
SKIPPED_NAMES = {"gold.json"}

InputKind = Literal["text", "json"]


@dataclass(frozen=True)
class RawInput:
    """One raw input: a whole file (``text``: any registered format) or one JSON Lines record (``json``)."""

    source: str
    kind: InputKind
    payload: bytes
    oversize: bool = False  # the payload was cut at the limit


def iter_inputs(paths: Iterable[str], *, max_bytes: int, stdin: BinaryIO | None = None) -> Iterator[RawInput]:
    """Expand paths (``-`` is stdin) into raw inputs in a stable order."""
    for path in paths:
        if path == "-":
            yield from read_stream(stdin or sys.stdin.buffer, "stdin", max_bytes=max_bytes)
            continue
        target = Path(path)
        if target.is_dir():
            for file in sorted(p for p in target.rglob("*") if p.is_file()):
                if file.name not in SKIPPED_NAMES and not file.name.startswith("."):
                    yield from read_file(file, max_bytes=max_bytes)
        else:
            yield from read_file(target, max_bytes=max_bytes)


def read_file(path: Path, *, max_bytes: int) -> Iterator[RawInput]:
    """A file is one input (of any format); a ``.jsonl``/``.ndjson`` file is one input per line."""
    if path.suffix.lower() in JSON_SUFFIXES:
        with path.open("rb") as handle:
            yield from _json_lines(handle, str(path), max_bytes=max_bytes)
        return
    with path.open("rb") as handle:
        payload = handle.read(max_bytes + 1)
    yield RawInput(str(path), "text", payload[:max_bytes], oversize=len(payload) > max_bytes)


def read_stream(handle: BinaryIO, name: str, *, max_bytes: int) -> Iterator[RawInput]:
    """stdin: JSON Lines when the first non-blank byte is ``{``, else one raw text article."""
    head = handle.read(1)
    while head and head in b" \t\r\n":
        head = handle.read(1)
    if not head:
        yield RawInput(f"{name}", "text", b"")
        return
    if head == b"{":
        first = head + handle.readline(max_bytes)
        cut = len(first) > max_bytes and not first.endswith(b"\n")  # an over-long line: a JSON Lines record
        if cut or _is_json_object(first):
            yield from _json_lines(_Prepend(first, handle), name, max_bytes=max_bytes)
            return
        head = first  # one JSON document over several lines (a news-API response): one input
    payload = head + handle.read(max_bytes)
    yield RawInput(name, "text", payload[:max_bytes], oversize=len(payload) > max_bytes)


def _is_json_object(line: bytes) -> bool:
    import json

    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _json_lines(handle: BinaryIO, name: str, *, max_bytes: int) -> Iterator[RawInput]:
    for number, line, oversize in _bounded_lines(handle, max_bytes):
        if line.strip():
            yield RawInput(f"{name}:{number}", "json", line.rstrip(b"\r\n"), oversize=oversize)


def _bounded_lines(handle: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes, bool]]:
    """Lines no longer than ``max_bytes``; the rest of a longer line is skipped, not buffered."""
    number = 0
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        oversize = len(line) > max_bytes and not line.endswith(b"\n")
        if oversize:
            while True:  # drain the remainder of the long line
                rest = handle.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
        yield number, line[:max_bytes], oversize


class _Prepend:
    """A binary stream with some already-read bytes put back in front."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self.head = head
        self.stream = stream

    def readline(self, limit: int = -1) -> bytes:
        if self.head:
            head, self.head = self.head, b""
            if head.endswith(b"\n"):
                return head
            rest = self.stream.readline(limit - len(head) if limit > 0 else -1)
            return head + rest
        return self.stream.readline(limit)
