"""Tests for the raw-text article parser: the two seed layouts plus general variants it must also handle."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.raw_text import RawFields, dateline_date, parse_raw_article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_000 = SEEDS / "000_c9dcb8726aa41838.txt"
SEED_003 = SEEDS / "003_945e849477d99e4f.txt"

BODY_A = "The two ministers met for three hours and agreed to reopen consular services next month."
BODY_B = "Officials said a joint statement would follow, but gave no date for a signing ceremony."


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _body_lines(fields: RawFields) -> list[str]:
    return fields.body.split("\n")


# --- seed 000: teleSUR layout -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_000() -> RawFields:
    return parse_raw_article(_read(SEED_000))


def test_seed_000_title(seed_000: RawFields) -> None:
    assert seed_000.title == "Putin and Trump to Hold an Important Phone Conversation: Peskov"


def test_seed_000_outlet_from_signature(seed_000: RawFields) -> None:
    assert seed_000.outlet == "teleSUR"


def test_seed_000_stamp(seed_000: RawFields) -> None:
    assert seed_000.published_date == datetime.date(2025, 5, 19)
    assert seed_000.published_time == datetime.time(11, 22)


def test_seed_000_no_dateline(seed_000: RawFields) -> None:
    assert seed_000.dateline_place is None


def test_seed_000_sources_caption_related(seed_000: RawFields) -> None:
    assert seed_000.wire_sources == ("TASS", "Sputnik", "RT")
    assert seed_000.captions == ("Presidents Vladimir Putin (L) and Donald Trump (R). X/ @afronomista",)
    assert seed_000.related == (
        "United Russia Party Says War Veterans To Hold 10% of Seats in Local Elections",
    )


def test_seed_000_body(seed_000: RawFields) -> None:
    lines = _body_lines(seed_000)
    assert lines[0].startswith("Their dialogue aims to revive negotiations")
    assert lines[-1].endswith("coordinated with Trump on a common position.")
    assert len(lines) == 10
    assert "“very important conversation”" in seed_000.body  # original curly quotes kept
    for removed in (
        "RELATED:",
        "teleSUR/ JF",
        "Sources:",
        "Hour: 11:22",
        "@afronomista",
        "United Russia Party",
    ):
        assert removed not in seed_000.body


# --- seed 003: ANI layout with a date header ---------------------------------------------------------


@pytest.fixture(scope="module")
def seed_003() -> RawFields:
    return parse_raw_article(_read(SEED_003))


def test_seed_003_no_title(seed_003: RawFields) -> None:
    assert seed_003.title is None


def test_seed_003_metadata(seed_003: RawFields) -> None:
    assert seed_003.outlet == "ANI"
    assert seed_003.published_date == datetime.date(2025, 5, 19)
    assert seed_003.published_time is None
    assert seed_003.dateline_place == "Moscow"
    assert seed_003.wire_sources == ()
    assert seed_003.related == ()


def test_seed_003_caption_from_date_header(seed_003: RawFields) -> None:
    assert seed_003.captions == (
        "A 2017 file photo of Vladimir Putin with Donald Trump at the G20 summit in Hamburg. "
        "(File Photo/Reuters)",
    )


def test_seed_003_body(seed_003: RawFields) -> None:
    lines = _body_lines(seed_003)
    assert lines[0].startswith("US President Donald Trump is expected to speak")
    assert lines[-1].endswith("spokesperson Tammy Bruce.")
    assert len(lines) == 13
    assert "(ANI)" not in seed_003.body
    assert "Moscow [Russia]" not in seed_003.body
    assert "date 2025-05-19" not in seed_003.body
    assert "(7:30 pm India time)" in seed_003.body  # inner parentheses are text, not metadata


# --- variants ------------------------------------------------------------------------------------------


def test_no_metadata_at_all() -> None:
    fields = parse_raw_article(f"{BODY_A}\n\n{BODY_B}\n")
    assert fields == RawFields(
        title=None,
        body=f"{BODY_A}\n{BODY_B}",
        outlet=None,
        published_date=None,
        published_time=None,
        dateline_place=None,
        wire_sources=(),
        captions=(),
        related=(),
    )


def test_title_without_any_date_or_outlet() -> None:
    fields = parse_raw_article(f"Ministers agree to reopen consulates\n\n{BODY_A}\n\n{BODY_B}")
    assert fields.title == "Ministers agree to reopen consulates"
    assert fields.body == f"{BODY_A}\n{BODY_B}"
    assert (fields.outlet, fields.published_date, fields.published_time) == (None, None, None)


def test_short_sentence_first_line_is_not_a_title() -> None:
    fields = parse_raw_article(f"The talks ended early.\n{BODY_A}")
    assert fields.title is None
    assert _body_lines(fields)[0] == "The talks ended early."


@pytest.mark.parametrize(
    ("first_line", "place", "outlet"),
    [
        ("WASHINGTON (Reuters) - ", "Washington", "Reuters"),
        ("KYIV, May 19 (Reuters) - ", "Kyiv", "Reuters"),
        ("KYIV, Ukraine (AP) — ", "Kyiv", "AP"),
        ("NEW DELHI, May 19 (PTI): ", "New Delhi", "PTI"),
        ("LONDON — ", "London", None),
        ("Beijing [China], May 19 (ANI): ", "Beijing", "ANI"),
    ],
)
def test_dateline_styles(first_line: str, place: str, outlet: str | None) -> None:
    fields = parse_raw_article(f"Envoys meet in capital\n{first_line}{BODY_A}\n{BODY_B}")
    assert fields.dateline_place == place
    assert fields.outlet == outlet
    assert _body_lines(fields)[0] == BODY_A  # dateline prefix stripped, sentence kept whole
    assert fields.title == "Envoys meet in capital"


def test_dateline_without_year_and_no_stamp_gives_no_date() -> None:
    fields = parse_raw_article(f"KYIV, May 19 (Reuters) - {BODY_A}")
    assert fields.published_date is None


def test_dateline_with_year_gives_date_when_no_stamp() -> None:
    fields = parse_raw_article(f"KYIV, May 19, 2025 (Reuters) - {BODY_A}")
    assert fields.published_date == datetime.date(2025, 5, 19)


def test_dateline_date_borrows_publication_year() -> None:
    assert dateline_date("May 19", datetime.date(2024, 6, 1)) == datetime.date(2024, 5, 19)
    assert dateline_date("May 19", None) is None
    assert dateline_date("19 May 2023", datetime.date(2024, 6, 1)) == datetime.date(2023, 5, 19)


def test_stamp_date_wins_over_dateline() -> None:
    fields = parse_raw_article(f"19 May 2025\nKYIV, May 18 (Reuters) - {BODY_A}")
    assert fields.published_date == datetime.date(2025, 5, 19)


@pytest.mark.parametrize(
    "sentence",
    [
        "Meanwhile - and this matters - the talks continue.",
        "Trump (R) - the president - spoke first.",
        "Peskov: the call will happen at 2 p.m.",
    ],
)
def test_ordinary_sentences_are_not_datelines(sentence: str) -> None:
    fields = parse_raw_article(f"{sentence}\n{BODY_A}")
    assert fields.dateline_place is None
    assert _body_lines(fields)[0] == sentence


@pytest.mark.parametrize(
    ("stamp", "date", "time"),
    [
        ("19 May 2025", datetime.date(2025, 5, 19), None),
        ("May 19, 2025 Hour: 11:22 am", datetime.date(2025, 5, 19), datetime.time(11, 22)),
        ("2025-05-19 14:05", datetime.date(2025, 5, 19), datetime.time(14, 5)),
        ("Published: 19 May 2025 14:05 GMT", datetime.date(2025, 5, 19), datetime.time(14, 5)),
        ("Published on Monday, 3 March 2025 at 9:30 pm", datetime.date(2025, 3, 3), datetime.time(21, 30)),
        ("Updated 3:45 PM EDT, Mon May 19, 2025", datetime.date(2025, 5, 19), datetime.time(15, 45)),
        ("Sept. 3, 2024 | 08:15", datetime.date(2024, 9, 3), datetime.time(8, 15)),
    ],
)
def test_stamp_formats(stamp: str, date: datetime.date, time: datetime.time | None) -> None:
    fields = parse_raw_article(f"Ministers agree to reopen consulates\n{stamp}\n{BODY_A}")
    assert fields.published_date == date
    assert fields.published_time == time
    assert fields.title == "Ministers agree to reopen consulates"
    assert fields.body == BODY_A


def test_published_stamp_beats_updated_stamp() -> None:
    text = f"Title of the piece\nUpdated: 21 May 2025 10:00\nPublished: 19 May 2025 08:00\n{BODY_A}"
    fields = parse_raw_article(text)
    assert fields.published_date == datetime.date(2025, 5, 19)
    assert fields.published_time == datetime.time(8, 0)


def test_date_header_then_headline() -> None:
    fields = parse_raw_article(f" date 2025-01-07 Leaders sign trade pact\n\n{BODY_A}")
    assert fields.published_date == datetime.date(2025, 1, 7)
    assert fields.title == "Leaders sign trade pact"
    assert fields.captions == ()
    assert fields.body == BODY_A


@pytest.mark.parametrize(
    "caption",
    [
        "Photo: Reuters/John Smith",
        "Foreign ministers at the summit in Doha. AFP via Getty Images",
        "Sergey Lavrov (L) and Marco Rubio (R) in Riyadh.",
        "Protesters outside the embassy. (Photo by Jane Doe/AP)",
        "The delegations before the talks. Telegram/ @mfa_russia",
    ],
)
def test_caption_in_middle_of_text(caption: str) -> None:
    fields = parse_raw_article(f"Envoys meet in capital\n{BODY_A}\n{caption}\n{BODY_B}")
    assert fields.captions == (caption,)
    assert fields.body == f"{BODY_A}\n{BODY_B}"


def test_related_on_same_line_and_next_line() -> None:
    text = f"{BODY_A}\nRead more: Ceasefire talks stall again\n{BODY_B}\nRELATED:\nEnvoy resigns after leak"
    fields = parse_raw_article(text)
    assert fields.related == ("Ceasefire talks stall again", "Envoy resigns after leak")
    assert fields.body == f"{BODY_A}\n{BODY_B}"


def test_trailing_agency_only_after_sentence_end() -> None:
    tagged = parse_raw_article(f"{BODY_A}\n{BODY_B} (Xinhua)")
    assert tagged.outlet == "Xinhua"
    assert _body_lines(tagged)[-1] == BODY_B
    acronym = "They discussed the North Atlantic Treaty Organization (NATO)"
    untagged = parse_raw_article(f"{BODY_A}\n{acronym}")
    assert untagged.outlet is None
    assert _body_lines(untagged)[-1] == acronym


def test_multi_agency_tag_is_not_a_caption() -> None:
    fields = parse_raw_article(f"{BODY_A}\n{BODY_B} (Reuters/AP)")
    assert fields.captions == ()
    assert fields.outlet == "Reuters/AP"
    assert fields.body == f"{BODY_A}\n{BODY_B}"


def test_signature_outlet_beats_dateline_agency() -> None:
    fields = parse_raw_article(f"MOSCOW (Sputnik) - {BODY_A}\n{BODY_B}\nteleSUR/ MS-JF\nSource: TASS")
    assert fields.outlet == "teleSUR"
    assert fields.wire_sources == ("TASS",)
    assert fields.body == f"{BODY_A}\n{BODY_B}"


def test_windows_line_endings_match_unix() -> None:
    unix = _read(SEED_000)
    assert parse_raw_article(unix.replace("\n", "\r\n")) == parse_raw_article(unix)
    assert "\r" not in parse_raw_article(unix.replace("\n", "\r\n")).body


def test_surrounding_whitespace_is_ignored() -> None:
    unix = _read(SEED_003)
    padded = "\n\n   \t" + unix.replace("\n", "  \n") + "\n\n  \t\n"
    assert parse_raw_article(padded) == parse_raw_article(unix)


@pytest.mark.parametrize("text", ["", "   ", "\n\r\n\t \n"])
def test_empty_input_raises(text: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        parse_raw_article(text)


@pytest.mark.parametrize(
    "line",
    [
        "Putin and Trump to Hold an Important Phone Conversation: Peskov",
        "Fidel Castro refused to meet Barack Obama when the U.S. president visited Cuba in March 2016",
    ],
)
def test_one_line_file_is_a_one_sentence_article(line: str) -> None:
    fields = parse_raw_article(f"{line}\n")
    assert fields.title is None
    assert fields.body == line


@pytest.mark.parametrize(
    "text",
    [
        "Ministers agree to reopen consulates\n\nPhoto: Reuters/John Smith\n19 May 2025\nteleSUR/ JF",
        " date 2025-05-19 A file photo of the summit. (File Photo/Reuters)",
    ],
)
def test_title_or_metadata_only_raises(text: str) -> None:
    with pytest.raises(ValueError, match="no body"):
        parse_raw_article(text)


@pytest.mark.parametrize(
    "text",
    [
        _read(SEED_000),
        _read(SEED_003),
        f"Envoys meet\nPhoto: AP/Jane Doe\nMay 19, 2025\nLONDON — {BODY_A}\nRELATED:\nOld story headline\n"
        f"Sergey Lavrov (L) and Marco Rubio (R).\n{BODY_B}\nSources: TASS – RIA\nAgency/ AB",
    ],
)
def test_body_never_contains_removed_lines(text: str) -> None:
    fields = parse_raw_article(text)
    body_lines = set(_body_lines(fields))
    removed = set(fields.captions) | set(fields.related) | {fields.title}
    assert removed.isdisjoint(body_lines)
    for line in body_lines:
        assert not line.lower().startswith(("sources:", "source:", "related:"))
        assert not any(line.startswith(part) or line.endswith(part) for part in fields.captions)
        assert not any(teaser in line for teaser in fields.related)


_PARAGRAPHS = (
    BODY_A,
    BODY_B,
    "Lavrov said the talks were “useful” – but warned that sanctions (imposed in 2022) must be lifted.",
    "The statement, released at 10:00 on Tuesday, did not mention the disputed border crossing at all.",
    "Asked about a summit, the spokesperson replied: “It is too early to talk about dates.”",
)
_CAPTIONS = (
    "Photo: Reuters/John Smith",
    "Sergey Lavrov (L) and Marco Rubio (R) in Riyadh.",
    "A 2019 file photo of the summit venue. (File Photo/AP)",
    "Delegates arrive. AFP via Getty Images",
    "The two presidents. X/ @some_handle",
)
_TEASERS = ("Ceasefire talks stall again", "Envoy resigns after leak", "Trade pact signed in Doha")


@st.composite
def _assembled_article(draw: st.DrawFn) -> tuple[str, list[str], list[str], list[str]]:
    """An article built from known body paragraphs with metadata lines inserted at random places."""
    paragraphs = draw(st.lists(st.sampled_from(_PARAGRAPHS), min_size=1, max_size=6))
    inserts = draw(
        st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=len(paragraphs)),
                st.one_of(
                    st.sampled_from(_CAPTIONS).map(lambda c: ("caption", c)),
                    st.sampled_from(_TEASERS).map(lambda t: ("related", t)),
                ),
            ),
            max_size=4,
        )
    )
    lines: list[tuple[str, str]] = [("body", p) for p in paragraphs]
    for position, item in sorted(inserts, key=lambda pair: pair[0], reverse=True):
        lines.insert(position, item)
    rendered: list[str] = []
    for kind, value in lines:
        rendered.extend(["RELATED:", value] if kind == "related" else [value])
    if draw(st.booleans()):
        rendered.append("Sources: TASS – Sputnik")
    if draw(st.booleans()):
        rendered.append("teleSUR/ JF")
    separator = draw(st.sampled_from(["\n", "\n\n", "\r\n"]))
    text = separator.join(rendered)
    captions = [value for kind, value in lines if kind == "caption"]
    teasers = [value for kind, value in lines if kind == "related"]
    return text, paragraphs, captions, teasers


@settings(deadline=None)  # dateparser loads its language data lazily on first use
@given(_assembled_article())
def test_property_metadata_lines_never_reach_body(
    article: tuple[str, list[str], list[str], list[str]],
) -> None:
    text, paragraphs, captions, teasers = article
    fields = parse_raw_article(text)
    assert fields.title is None
    assert fields.body == "\n".join(paragraphs)
    assert fields.captions == tuple(captions)
    assert fields.related == tuple(teasers)
    assert fields.wire_sources in ((), ("TASS", "Sputnik"))
    assert fields.outlet in (None, "teleSUR")


# --- hostile input: bounded work ------------------------------------------------------------------


def test_stamp_parsing_is_bounded_on_a_file_of_stamp_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 4 MB file of stamp-like lines once kept dateparser busy for minutes; now it parses a fixed few."""
    from pipeline.ingest import raw_text

    calls: list[str] = []
    real_parse_date = raw_text._parse_date

    def counting_parse_date(text: str) -> datetime.date | None:
        calls.append(text)
        return real_parse_date(text)

    monkeypatch.setattr(raw_text, "_parse_date", counting_parse_date)
    stamps = [
        f"Published: {1 + n % 28} May {1990 + n % 40} {n % 24:02d}:{n % 60:02d} GMT" for n in range(100_000)
    ]
    text = "Hostile headline\n\n" + "\n".join(stamps) + "\n\n" + BODY_A
    assert len(text.encode()) > 3_000_000

    fields = parse_raw_article(text)

    assert len(calls) == raw_text.MAX_STAMP_CANDIDATES
    assert fields.published_date == datetime.date(1990, 5, 1)  # the first stamp still wins
    assert fields.title == "Hostile headline"
    assert fields.body.endswith(BODY_A)  # lines past the budget are kept as text, not dropped


def test_stamps_after_many_year_lines_are_text_but_early_stamps_still_count() -> None:
    from pipeline.ingest.raw_text import MAX_STAMP_CANDIDATES

    year_lines = [f"In {1900 + n} the treaty was amended again." for n in range(MAX_STAMP_CANDIDATES)]
    stamp, late_stamp = "Published: 19 May 2025 14:05 GMT", "Updated: 20 May 2025"
    text = "\n".join(["Treaty history", stamp, *year_lines, late_stamp])
    fields = parse_raw_article(text)
    assert fields.published_date == datetime.date(2025, 5, 19)
    assert fields.published_time == datetime.time(14, 5)
    assert "Updated: 20 May 2025" in fields.body  # the budget ran out before it
