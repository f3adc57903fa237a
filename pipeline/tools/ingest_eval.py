"""Scoring ingestion on a set of real files with expected metadata (``eval/ingest``: files/ + expected.json).

Runs the parser exactly as ``extract`` does (the format registry through :func:`to_articles`),
one file at a time so a crash counts against that file only, then scores title, published date,
outlet and url per the set's README and prints its last line:
``ingest: title T/N date D/N outlet O/N url U/N failed F crashed C``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import traceback
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.errors import Rejection
from pipeline.ingest.publisher import to_articles
from pipeline.ingest.sources import iter_inputs


@dataclass
class IngestScore:
    units: int = 0
    title: int = 0
    date: int = 0
    outlet: int = 0
    url: int = 0
    failed: int = 0
    crashed: int = 0
    misses: list[str] = field(default_factory=list)

    def line(self) -> str:
        n = self.units
        return (
            f"ingest: title {self.title}/{n} date {self.date}/{n} outlet {self.outlet}/{n} "
            f"url {self.url}/{n} failed {self.failed} crashed {self.crashed}"
        )


def _norm_title(text: str | None) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def _norm_outlet(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()


def _dates_of(article: dict[str, Any]) -> set[str]:
    """The parser's date part, plus the UTC date of a date-time with an offset."""
    stamp = article.get("published") or article.get("published_date")
    if not stamp:
        return set()
    found = {stamp[:10]}
    try:
        parsed = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return found
    if parsed.tzinfo is not None:
        found.add(parsed.astimezone(dt.UTC).date().isoformat())
    return found


def _expected_dates(unit: dict[str, Any]) -> set[str]:
    dates = {d for d in [unit.get("published"), *unit.get("published_accept", [])] if d}
    stamp = unit.get("published_datetime")
    if stamp:
        parsed = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")[:26] if "." in stamp else stamp)
        if parsed.tzinfo is not None:
            dates.add(parsed.astimezone(dt.UTC).date().isoformat())
    return dates


def _pair(units: list[dict[str, Any]], records: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
    """Each unit's record: same url, else same title, else the next unused record in output order."""
    used: set[int] = set()
    paired: list[dict[str, Any] | None] = []
    for unit in units:
        urls = {u for u in [unit.get("url"), *unit.get("url_accept", [])] if u}
        titles = {_norm_title(t) for t in [unit.get("title"), *unit.get("title_accept", [])] if t}
        free = [i for i in range(len(records)) if i not in used]
        by_url = [i for i in free if urls and (records[i].get("url") or "").strip() in urls]
        by_title = [i for i in free if titles and _norm_title(records[i].get("title")) in titles]
        choice = (by_url or by_title or free or [None])[0]
        if choice is not None:
            used.add(choice)
        paired.append(records[choice] if choice is not None else None)
    return paired


def score_unit(unit: dict[str, Any], record: dict[str, Any]) -> dict[str, bool]:
    titles = {_norm_title(t) for t in [unit.get("title"), *unit.get("title_accept", [])] if t}
    got_title = _norm_title(record.get("title"))
    title_ok = (got_title in titles) if unit.get("title") is not None else not got_title
    expected_dates = _expected_dates(unit)
    got_dates = _dates_of(record)
    date_ok = bool(got_dates & expected_dates) if unit.get("published") else not got_dates
    outlets = [unit.get("outlet"), *unit.get("outlet_accept", [])]
    got_outlet = record.get("outlet")
    outlet_ok = (got_outlet is None and None in outlets) or (
        got_outlet is not None and _norm_outlet(got_outlet) in {_norm_outlet(o) for o in outlets if o}
    )
    urls = {u for u in [unit.get("url"), *unit.get("url_accept", [])] if u}
    got_url = (record.get("url") or "").strip()
    url_ok = (got_url in urls) if unit.get("url") else not got_url
    return {"title": title_ok, "date": date_ok, "outlet": outlet_ok, "url": url_ok}


def evaluate_ingest(folder: Path, settings: Settings) -> IngestScore:
    """Parse every file of ``folder/files`` named in ``folder/expected.json`` and score it."""
    expected = json.loads((folder / "expected.json").read_text())
    score = IngestScore()
    for name, spec in sorted(expected["files"].items()):
        units = spec["articles"]
        score.units += len(units)
        try:
            records = [
                result.model_dump(mode="json")
                for raw in iter_inputs([str(folder / "files" / name)], max_bytes=settings.max_input_bytes)
                for result in to_articles(raw, settings)
                if not isinstance(result, Rejection)
            ]
        except Exception:  # a crash scores the file 0 and is reported, it does not stop the run
            score.crashed += 1
            score.failed += 1
            score.misses.append(f"{name}: CRASH {traceback.format_exc(limit=3)}")
            continue
        if not records:
            score.failed += 1
            score.misses.append(f"{name}: no record")
            continue
        for unit, record in zip(units, _pair(units, records), strict=True):
            if record is None:
                score.misses.append(f"{name}: unit without a record")
                continue
            marks = score_unit(unit, record)
            for key, ok in marks.items():
                setattr(score, key, getattr(score, key) + int(ok))
                if not ok:
                    got = record.get("published") if key == "date" else record.get(key)
                    want = unit.get("published") if key == "date" else unit.get(key)
                    score.misses.append(f"{name}: {key} got {got!r} want {want!r}")
    return score
