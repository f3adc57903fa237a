"""Crawler clutter out of article text: Markdown syntax, link/image lists, navigation, licensing lines.

General rules of crawled pages, never per-site cases: link and image syntax keeps only the link
text; a line made only of links is navigation; a trailing run of short bullet items is a
"Related"/"More" list; boilerplate lines (cookie, subscription, licensing, copyright) go.  Bylines
("By Jane Doe") and the CNN/Daily Mail ``@highlight`` tail are read off here too.
"""

from __future__ import annotations

import html
import re

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?:<[^>]*>|[^()\s]*(?:\([^()]*\)[^()\s]*)*)(?:\s+\"[^\"]*\")?\)")
_LINK_DEF = re.compile(r"^\[[^\]]+\]:\s*\S+")
_BARE_URL_LINE = re.compile(r"^(?:<)?https?://\S+(?:>)?$")
_EMPHASIS = re.compile(
    r"(\*\*|__)(?P<text>\S(?:.*?\S)?)\1|(?<![\w*])[*_](?P<single>\S(?:[^*_]*?\S)?)[*_](?![\w*])"
)
_HEADING = re.compile(r"^#{1,6}\s+")
_BULLET = re.compile(r"^(?:[*+\-•]|\d{1,2}[.)])\s+")
_RULE = re.compile(r"^(?:[-*_=]\s*){3,}$")
_BRACKET_COUNTER = re.compile(r"^\[\d+/\d+\]\s*")
_ITEM_OF = re.compile(r"^item\s+\d+\s+of\s+\d+\b", re.IGNORECASE)

_BOILERPLATE = re.compile(
    r"skip to (?:main )?(?:content|navigation|search|footer)|purchase licen[cs]ing rights|trust principles"
    r"|opens new tab|sign up here|subscribe (?:now|to our|for)|by continuing you|by using this (?:web)?site"
    r"|all rights reserved|^©|^copyright\b|\bcookies?\b.*\b(?:policy|consent|settings)\b|privacy policy"
    r"|your browser does not support|^advertisement$|^share (?:this|on)\b|^(?:log|sign) in\b"
    r"|learn more about|^read more$|^continue reading|^related(?: articles| stories| coverage| content)?:?$"
    r"|^(?:most (?:read|popular|viewed)|more from|recommended|trending|you may also like)\b"
    r"|^(?:menu|main menu|home|search|close|open|share|toggle navigation|navigation|back to top|top)$",
    re.IGNORECASE,
)
_CONSENT = re.compile(
    r"\b(?:we|our) (?:and our )?(?:\d+ )?partners\b.*\bcookies\b|\bcookies\b.*\b(?:consent|partners)\b"
    r"|preventing our website from loading|please enable javascript|ad ?blocker",
    re.IGNORECASE,
)
_RELATED_HEADER = re.compile(
    r"^(?:related(?:\s+\w+)?|read (?:more|next)|more (?:from|on|stories)\b.*|most (?:read|popular)|"
    r"recommended|see also|also read|you may also like|trending)\s*:?$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^by\s+(?P<names>[^\d:;|]{2,120})$", re.IGNORECASE)
_BYLINE_ALONE = re.compile(r"^by:?$", re.IGNORECASE)
_NAME_WORD = re.compile(r"^(?:[A-Z][\w.'’\-]*|[A-Z]{2,}|and|&|de|da|van|von|der|al|el|bin)$")
_STAMP_LABEL_ONLY = re.compile(
    r"^(?:first\s+)?(?:published|posted|updated|last updated|modified)\s*:?$", re.I
)
_NO_TEXT = re.compile(r"^[^\w]*$")

#: Longest line (words) the boilerplate rule may drop: a long paragraph is kept even if it says "cookies".
MAX_BOILERPLATE_WORDS = 60
#: A menu is a run of at least this many lines of at most MENU_ITEM_WORDS words.
MIN_MENU_RUN = 4
MENU_ITEM_WORDS = 3
#: Marks where a link-only line was (the line itself is dropped).
NAVIGATION = "\x00nav"
#: Shortest trailing run of bullets that is taken for a "Related" list.
MIN_RELATED_RUN = 3


def strip_markdown_line(line: str) -> str:
    """A Markdown line as plain text: links become their text, images go, emphasis and markers go."""
    line = _IMAGE.sub("", line)
    line = _LINK.sub(lambda m: m["text"], line)
    line = _HEADING.sub("", line)
    line = _BRACKET_COUNTER.sub("", line)
    for _ in range(2):
        line = _EMPHASIS.sub(lambda m: m["text"] or m["single"] or "", line)
    # Markdown renders character references ('leaders&#x27; second', '&quot;'), as CommonMark says
    return html.unescape(line).strip()


def _is_navigation(original: str, stripped: str) -> bool:
    """A line that was links and separators only (menus, crumbs, link lists)."""
    if "](" not in original and not _BARE_URL_LINE.match(original):
        return False
    rest = _LINK.sub("", _IMAGE.sub("", original))
    rest = _BULLET.sub("", rest.strip())
    return not re.search(r"\w{2,}", rest) or not stripped


def is_boilerplate(line: str) -> bool:
    if _CONSENT.search(line) and len(line.split()) <= 3 * MAX_BOILERPLATE_WORDS:
        return True
    return len(line.split()) <= MAX_BOILERPLATE_WORDS and bool(_BOILERPLATE.search(line))


def clean_markdown(text: str) -> str:
    """Crawled Markdown as plain article text (one paragraph per line, clutter removed)."""
    kept: list[tuple[str, bool]] = []  # (line, was a bullet)
    skipping_related = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        original = raw.strip()
        if not original or _RULE.match(original) or _LINK_DEF.match(original):
            skipping_related = skipping_related and not original
            continue
        bullet = bool(_BULLET.match(original))
        stripped = strip_markdown_line(_BULLET.sub("", original))
        if _is_navigation(original, stripped):
            kept.append((NAVIGATION, True))
            continue
        if not stripped or _NO_TEXT.match(stripped):
            continue
        if _RELATED_HEADER.match(stripped):
            skipping_related = True
            continue
        if skipping_related and bullet:
            continue
        skipping_related = False
        if is_boilerplate(stripped):
            continue
        kept.append((stripped, bullet))
    kept = _drop_menus(_drop_trailing_list(_drop_link_farm(kept)))
    return "\n".join(line for line, _ in kept if line is not NAVIGATION)


def _is_menu_item(line: str) -> bool:
    return line is NAVIGATION or (
        len(line.split()) <= MENU_ITEM_WORDS and not re.search(r"[.!?:;,\"”]$", line)
    )


def _drop_menus(lines: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Runs of :data:`MIN_MENU_RUN` or more one-to-three-word lines are a site's menus, not text."""
    kept: list[tuple[str, bool]] = []
    run: list[tuple[str, bool]] = []
    for line in [*lines, ("", False)]:
        if line[0] and _is_menu_item(line[0]):
            run.append(line)
            continue
        if len(run) < MIN_MENU_RUN:
            kept.extend(run)
        run = []
        if line[0]:
            kept.append(line)
    return kept


def _drop_link_farm(lines: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The page's tail from the first link-only line of a region where link-only lines are dense
    (at least :data:`MIN_RELATED_RUN` of them, a third of the lines) in the page's second half."""
    cut = len(lines)
    links = 0
    for index in range(len(lines) - 1, -1, -1):
        if lines[index][0] is NAVIGATION:
            links += 1
            if links >= MIN_RELATED_RUN and links * 3 >= len(lines) - index and index >= len(lines) // 2:
                cut = index
    return lines[:cut]


def _drop_trailing_list(lines: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """A run of short bullets at the end of the page is a list of other stories, not the article."""
    end = len(lines)
    start = end
    while start > 0 and lines[start - 1][1] and len(lines[start - 1][0].split()) <= 25:
        start -= 1
    if end - start >= MIN_RELATED_RUN:
        # the lines right after the article body may be short promos between list and page end
        return lines[:start]
    return lines


def take_bylines(lines: list[str]) -> tuple[list[str], list[str]]:
    """(lines without byline lines, authors): "By Jane Doe and John Roe", or "By" on its own line."""
    authors: list[str] = []
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        index += 1
        if _BYLINE_ALONE.match(line) and index < len(lines):
            names = _names(lines[index].strip())
            if names:
                authors.extend(names)
                index += 1
                continue
        match = _BYLINE.match(line)
        if match and not authors:
            names = _names(match["names"])
            if names:
                authors.extend(names)
                continue
        kept.append(lines[index - 1])
    return kept, authors


def _names(text: str) -> list[str]:
    """Person names of a byline ("Jane Doe, an editor at X" -> ["Jane Doe"]); [] when it is prose."""
    text = re.split(r",\s+(?:an?|the)\s|\s+[|–—-]\s+|\s+in\s+[A-Z]", text, maxsplit=1)[0].strip(" .,")
    parts = [part.strip() for part in re.split(r",\s*|\s+and\s+|\s*&\s*", text) if part.strip()]
    if not parts or len(parts) > 6:
        return []
    for part in parts:
        words = part.split()
        if not 1 <= len(words) <= 5 or not all(_NAME_WORD.match(word) for word in words):
            return []
    return parts


def join_stamp_labels(lines: list[str]) -> list[str]:
    """ "PUBLISHED:" on its own line followed by the stamp -> one stamp line; text-free lines go."""
    joined: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        index += 1
        if _NO_TEXT.match(line):
            continue
        if _STAMP_LABEL_ONLY.match(line) and index < len(lines):
            following = lines[index].strip()
            while not following and index + 1 < len(lines):
                index += 1
                following = lines[index].strip()
            joined.append(f"{line.rstrip(':')}: {following}")
            index += 1
            continue
        joined.append(line)
    return joined


def cut_highlights(text: str) -> str:
    """The CNN/Daily Mail story files end with ``@highlight`` summary lines that are not body."""
    match = re.search(r"^\s*@highlight\s*$", text, flags=re.MULTILINE)
    return text[: match.start()] if match else text


def is_item_caption(line: str) -> bool:
    """ "Item 1 of 2 ..." gallery captions."""
    return bool(_ITEM_OF.match(line))
