"""Resolve relative dates and clock times against the article's publication date.

Weekday and day-word arithmetic is done here (it depends on tense); anything with a month
and a day goes to dateparser, and time zones go through zoneinfo.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Literal
from zoneinfo import ZoneInfo

import dateparser

Direction = Literal["past", "future"]

_WEEKDAYS: dict[str, int] = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_WEEKDAY_RE = re.compile(
    r"\b(?:(?P<mod>last|next|this|coming|past|previous)\s+)?(?P<day>" + "|".join(_WEEKDAYS) + r")\b",
    re.IGNORECASE,
)
_DAY_WORDS: dict[str, int] = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
_DAY_WORD_RE = re.compile(r"\b(today|tonight|yesterday|tomorrow|this (?:morning|afternoon|evening))\b", re.I)
_HAS_DAY_NUMBER = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\b")
_HAS_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?=\W|$)", re.IGNORECASE
)

#: Time-zone words -> IANA zone.  Only zones named in the text are used: no zone, no UTC time.
ZONES: dict[str, str] = {
    "gmt": "UTC",
    "utc": "UTC",
    "z": "UTC",
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "eastern": "America/New_York",
    "ct": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "mt": "America/Denver",
    "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "bst": "Europe/London",
    "cet": "Europe/Paris",
    "cest": "Europe/Paris",
    "msk": "Europe/Moscow",
    "moscow": "Europe/Moscow",
    "ist": "Asia/Kolkata",
    "india": "Asia/Kolkata",
    "beijing": "Asia/Shanghai",
    "china": "Asia/Shanghai",
    "jst": "Asia/Tokyo",
    "tokyo": "Asia/Tokyo",
    "kst": "Asia/Seoul",
    "kyiv": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "london": "Europe/London",
    "paris": "Europe/Paris",
    "washington": "America/New_York",
    "eet": "Europe/Athens",
    "eest": "Europe/Athens",
    "pakistan": "Asia/Karachi",
    "pkt": "Asia/Karachi",
}
_ZONE_ALT = "|".join(sorted((re.escape(z) for z in ZONES), key=len, reverse=True))
TIME_RE = re.compile(
    r"\b(?P<h>[01]?\d|2[0-3])(?:[:.](?P<m>[0-5]\d))?\s*(?P<ampm>[ap]\.?\s?m\b\.?)?\s*"
    r"(?:\(\s*)?(?P<zone>(?:" + _ZONE_ALT + r")\b(?:\s+time)?)",
    re.IGNORECASE,
)


_RANGE_SEP = re.compile(r"\s*(?:-|–|—|\band\b|\bto\b|\buntil\b|\bthrough\b|\bthru\b)\s*", re.IGNORECASE)


def range_start(text: str) -> str:
    """The first day of a span ('Friday and Saturday', 'December 14 and 15', '14-15 Dec'), else text.

    A span's month may be written once, on either side: it is carried to the first day.
    """
    parts = [p for p in _RANGE_SEP.split(text.strip()) if p]
    if len(parts) < 2 or _ISO_DATE.search(text):
        return text
    first, rest = parts[0], " ".join(parts[1:])
    month = _MONTH.search(rest)
    if not _MONTH.search(first) and month and _HAS_DAY_NUMBER.fullmatch(first.strip()):
        first = f"{first} {month[0]}"
    year = _HAS_YEAR.search(rest)
    if year and not _HAS_YEAR.search(first):
        first = f"{first} {year[0]}"
    return first


_MONTH_NUMBERS: dict[str, int] = {name.lower()[:3]: i for i, name in enumerate(calendar.month_name) if name}


def anchor_date(text: str) -> dt.date | None:
    """The earliest day a phrase that names a year can mean ('in February 2022' -> 2022-02-01).

    Narratives of past years date what follows by it: 'On March 10' after 'in February 2022'.
    """
    years = _HAS_YEAR.findall(text)
    month = _MONTH.search(text)
    if not years or not month:
        return None  # a bare year ('since 1926') is background, not the time of a narrative
    number = _MONTH_NUMBERS.get(month[0].lower()[:3], 1)
    day = _HAS_DAY_NUMBER.search(_HAS_YEAR.sub("", text))
    try:
        return dt.date(int(years[0]), number, int(re.sub(r"\D", "", day[0])) if day else 1)
    except ValueError:
        return dt.date(int(years[0]), number, 1)


def resolve_date(
    text: str,
    published: dt.date | None,
    direction: Direction = "past",
    anchor: dt.date | None = None,
) -> dt.date | None:
    """The calendar day a date expression names (the first day of a span), or None when none is fixed.

    ``anchor`` is the latest earlier date that named a year (a narrative of past years): a day
    and month without a year then fall on or after it, not in the publication's year.
    """
    low = range_start(text.lower().replace("’s", "").replace("'s", "").strip())
    historic = anchor is not None and published is not None and anchor.year < published.year
    if historic and _HAS_DAY_NUMBER.search(low) and _MONTH.search(low) and not _HAS_YEAR.search(low):
        day = _month_day(low, anchor, "future")
        if day is not None and day < anchor and not (day.month == 2 and day.day == 29):
            day = day.replace(year=day.year + 1)
        if day is not None and published is not None and day <= published:
            return day
    iso = _ISO_DATE.search(low)
    if iso:
        try:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            return None
    if published is not None:
        word = _DAY_WORD_RE.search(low)
        if word:
            return published + dt.timedelta(days=_DAY_WORDS.get(word[1].lower(), 0))
        weekday = _WEEKDAY_RE.search(low)
        if weekday and not _HAS_DAY_NUMBER.search(low):
            return _weekday_date(weekday["day"].lower(), (weekday["mod"] or "").lower(), published, direction)
    if not (_HAS_DAY_NUMBER.search(low) and _MONTH.search(low)):
        return None  # '30 days', 'six months': durations, not days
    return _month_day(low, published, direction)


def _weekday_date(day: str, mod: str, published: dt.date, direction: Direction) -> dt.date:
    target = _WEEKDAYS[day]
    back = (published.weekday() - target) % 7
    ahead = (target - published.weekday()) % 7
    if mod in ("last", "past", "previous"):
        return published - dt.timedelta(days=back or 7)
    if mod in ("next", "coming"):
        return published + dt.timedelta(days=ahead or 7)
    if direction == "future":
        return published + dt.timedelta(days=ahead)
    return published - dt.timedelta(days=back)


def _month_day(text: str, published: dt.date | None, direction: Direction) -> dt.date | None:
    base = dt.datetime.combine(published or dt.date.today(), dt.time(12))
    settings = {"REQUIRE_PARTS": ["day", "month"], "RELATIVE_BASE": base, "PREFER_DAY_OF_MONTH": "first"}
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)  # type: ignore[arg-type]
    except (ValueError, OverflowError):
        return None
    if parsed is None:
        return None
    day = parsed.date()
    if _HAS_YEAR.search(text) or published is None:
        return day
    try:
        day = day.replace(year=published.year)
    except ValueError:
        return None
    # A past event dated well after publication is from the previous year ("on December 12" in January),
    # a coming one dated well before it from the next ("will visit on Jan. 4", written in December).
    if direction == "past" and (day - published).days > 31:
        day = day.replace(year=published.year - 1)
    elif direction == "future" and (published - day).days > 183:
        day = day.replace(year=published.year + 1)
    return day


_RELATIVE_MONTH = re.compile(r"\b(?P<mod>last|past|previous|this|next|coming)\s+month\b", re.IGNORECASE)
_MONTH_NAME = re.compile(
    r"^(?:(?:early|mid|late|the\s+end\s+of|end|the\s+start\s+of|start|the\s+beginning\s+of)[\s-]+)?"
    r"(?:(?:in|during|by)\s+)?(?:(?:early|mid|late)[\s-]+)?(?P<month>[a-z]+)\.?(?:\s+(?P<year>(?:19|20)\d{2}))?$",
    re.IGNORECASE,
)
_WEEK_WORDS = re.compile(r"\b(?:week|weekend|day|days|weeks|today|tomorrow|yesterday)\b", re.IGNORECASE)


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def resolve_month(text: str, published: dt.date | None, direction: Direction = "past") -> str | None:
    """The month ('2026-03') a phrase fixes when it fixes no day: 'in early March', 'March 2026',
    'last month', 'later this month'.  None for a day, a week, a span of months or a bare year.

    A month named without a year is the nearest one on the event's side of the publication:
    'scheduled for March' written in February is this year's March, 'met in November' written in
    February last year's.
    """
    low = " ".join(text.lower().replace("’s", "").replace("'s", "").split())
    if not low or _HAS_DAY_NUMBER.search(_HAS_YEAR.sub("", low)) or _WEEK_WORDS.search(low):
        return None  # a day (resolve_date's) or a week: not a month
    relative = _RELATIVE_MONTH.search(low)
    if relative:
        if published is None:
            return None
        by = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(relative["mod"], 0)
        year, month = _shift_month(published.year, published.month, by)
        return f"{year:04d}-{month:02d}"
    match = _MONTH_NAME.match(low.removeprefix("later ").removeprefix("earlier "))
    if match is None:
        return None
    number = _MONTH_NUMBERS.get(match["month"][:3]) if _MONTH.fullmatch(match["month"]) else None
    if number is None:
        return None
    if match["year"]:
        return f"{int(match['year']):04d}-{number:02d}"
    if published is None:
        return None
    year = published.year
    if direction == "future" and number < published.month:
        year += 1
    elif direction == "past" and number > published.month:
        year -= 1
    return f"{year:04d}-{number:02d}"


_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_RELATIVE_DAY = re.compile(
    r"^(?:(?P<n>a|an|one|two|three|four|five|six|seven|\d{1,2})\s+(?P<unit>days?|weeks?)\s+(?P<dir>earlier|later|before|after)"
    r"|the\s+(?P<dir2>next|following|previous|preceding)\s+(?P<unit2>day|week)"
    r"|the\s+(?P<unit3>day|week)\s+(?P<dir3>before|after))$",
    re.IGNORECASE,
)


def relative_offset(text: str) -> int | None:
    """Days a phrase counts from the day the narrative just named: 'a day earlier' -1, 'the next
    day' +1, 'two days later' +2, 'a week before' -7; None for any other phrase."""
    match = _RELATIVE_DAY.match(" ".join(text.lower().split()))
    if match is None:
        return None
    unit = match["unit"] or match["unit2"] or match["unit3"]
    way = match["dir"] or match["dir2"] or match["dir3"]
    count = int(match["n"]) if match["n"] and match["n"].isdigit() else _COUNTS.get(match["n"] or "a", 1)
    days = count * (7 if unit.startswith("week") else 1)
    return days if way in ("later", "after", "next", "following") else -days


#: How recent a day the text must name for its retrieval day to stand in for its publication.
RETRIEVAL_WINDOW = dt.timedelta(days=7)


def reference_date(
    published: dt.date | None, retrieved: dt.date | None, date_texts: list[str]
) -> dt.date | None:
    """The day relative dates ('on Thursday', 'last month') resolve against.

    The publication date; for an article that states none, the day it was retrieved, but only
    when its own text names a calendar day in the week before that (a story so recent was
    published that week, as a feed reader dates an undated entry by its fetch; an archive page
    crawled years later names no such day, and its weekdays stay unresolved).
    """
    if published is not None or retrieved is None:
        return published
    for text in date_texts:
        low = text.lower()
        if not (_HAS_DAY_NUMBER.search(_HAS_YEAR.sub("", low)) and _MONTH.search(low)):
            continue  # only a calendar day the text names itself, not a weekday read against the crawl
        day = _month_day(range_start(low), retrieved, "past")
        if day is not None and retrieved - RETRIEVAL_WINDOW <= day <= retrieved:
            return retrieved
    return None


def resolve_time(text: str, day: dt.date | None) -> dt.datetime | None:
    """UTC instant of the first clock time with a stated zone in text, on the given day."""
    if day is None:
        return None
    for match in TIME_RE.finditer(text):
        hour = int(match["h"])
        minute = int(match["m"] or 0)
        ampm = (match["ampm"] or "").lower()
        if not ampm and match["m"] is None:
            continue  # a bare number before a zone word is not a clock time
        if ampm.startswith("p") and hour < 12:
            hour += 12
        elif ampm.startswith("a") and hour == 12:
            hour = 0
        zone_key = match["zone"].lower().removesuffix(" time").strip()
        zone = ZONES.get(zone_key)
        if zone is None:
            continue
        local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(zone))
        return local.astimezone(dt.UTC)
    return None
