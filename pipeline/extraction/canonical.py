"""Group the mentions of one article into entities with one canonical name each."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipeline.geography import fold, within_one_edit

_PUNCT = re.compile(r"[^\w\s]")


@dataclass(frozen=True)
class RawMention:
    """One cleaned entity mention: token range, character range, name text and label."""

    tok_start: int
    tok_end: int
    start: int
    end: int
    name: str
    label: str


def person_key(name: str) -> str:
    """Folded last name, the clustering key of people ('J.D. Vance' -> 'vance')."""
    parts = name.split()
    return _PUNCT.sub("", fold(parts[-1])) if parts else ""


def _first_key(name: str) -> str:
    parts = name.split()
    return _PUNCT.sub("", fold(parts[0])) if len(parts) > 1 else ""


def _merge_keys(keys: list[str]) -> dict[str, str]:
    """Map each last-name key to a representative; keys one edit apart (6+ letters) are one person."""
    rep: dict[str, str] = {}
    reps: list[str] = []
    for key in sorted(set(keys), key=lambda k: (-len(k), k)):
        target = next((r for r in reps if len(key) >= 6 and within_one_edit(r, key)), None)
        if target is None:
            reps.append(key)
            target = key
        rep[key] = target
    return rep


def _join_first_names(by_key: dict[str, list[tuple[int, RawMention]]]) -> None:
    """A bare one-word name that is the first word of exactly one full name joins it.

    'Sir Keir' (title stripped) joins 'Keir Starmer'; 'Xi' joins 'Xi Jinping' (family name first).
    Of several owners, one mentioned at least three times as often as the next takes it.
    """
    firsts: dict[str, set[str]] = {}
    for key, group in by_key.items():
        for _, m in group:
            first = _first_key(m.name)
            if first:
                firsts.setdefault(first, set()).add(key)
    for key in list(by_key):
        group = by_key[key]
        if any(len(m.name.split()) > 1 for _, m in group):
            continue
        owners = firsts.get(key, set()) - {key}
        if len(owners) > 1:
            # 'Lee' with 'Lee Jae Myung' (21 mentions) and 'Lee Jae-yong' (2): the one the article is about,
            # the one mentioned far more often, else the one introduced first (news style: a later
            # namesake is named in full again).
            ranked = sorted(owners, key=lambda k: -len(by_key.get(k, [])))
            if len(by_key.get(ranked[0], [])) >= 3 * len(by_key.get(ranked[1], [])):
                owners = {ranked[0]}
            else:
                owners = {min(owners, key=lambda k: min(m.start for _, m in by_key[k]))}
        if len(owners) == 1:
            by_key[owners.pop()].extend(group)
            del by_key[key]


def _full_form(name: str, elsewhere: list[str]) -> str:
    """A one-word name given in full only outside the prose ('Obama' with 'Barack Obama' in a caption)."""
    if len(name.split()) > 1:
        return name
    key = person_key(name)
    forms = {n for n in elsewhere if len(n.split()) > 1 and person_key(n) == key}
    return forms.pop() if len(forms) == 1 else name


def cluster_people(mentions: list[RawMention], elsewhere: list[str] | None = None) -> dict[int, str]:
    """Canonical person name per mention index: the fullest, most frequent spelling in its cluster.

    ``elsewhere``: person names the page gives outside its prose (headline, captions); they only
    complete a cluster whose every spelling is one word.
    """
    people = [(i, m) for i, m in enumerate(mentions) if m.label == "PERSON"]
    rep = _merge_keys([person_key(m.name) for _, m in people])
    by_key: dict[str, list[tuple[int, RawMention]]] = {}
    for i, m in people:
        by_key.setdefault(rep[person_key(m.name)], []).append((i, m))
    _join_first_names(by_key)
    out: dict[int, str] = {}
    for group in by_key.values():
        counts = Counter(m.name for _, m in group)
        firsts = {_first_key(m.name) for _, m in group if _first_key(m.name)}
        if len(firsts) <= 1:
            best = max(counts, key=lambda n: (len(n.split()), counts[n], len(n)))
            best = _full_form(best, elsewhere or [])
            out.update({i: best for i, _ in group})
            continue
        # Several first names share a last name ('Barack Obama', 'Michelle Obama'): keep them apart. A bare
        # surname is the one introduced first, the article's principal (news style names a later
        # namesake in full, or 'Mrs. Obama').
        best_by_first: dict[str, str] = {}
        for first in firsts:
            forms = [n for n in counts if _first_key(n) == first]
            best_by_first[first] = max(forms, key=lambda n: (len(n.split()), counts[n], len(n)))
        principal = best_by_first[
            _first_key(min((m for _, m in group if _first_key(m.name)), key=lambda m: m.start).name)
        ]
        for i, m in group:
            first = _first_key(m.name)
            out[i] = best_by_first[first] if first else principal
    return out
