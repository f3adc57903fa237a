"""Quote marks of every house style, paired by general rules (sentences written for these tests)."""

from __future__ import annotations

from pipeline.extraction.layout import is_prose, paragraphs
from pipeline.extraction.quote_marks import find_quote_spans


def quotes(text: str, title: str | None = None) -> list[str]:
    return [text[s.start : s.end] for s in find_quote_spans(text, title)]


def test_curly_and_straight_double_marks() -> None:
    assert quotes('“We will talk,” she said. "We will not wait," he said.') == [
        "We will talk,",
        "We will not wait,",
    ]


def test_doubled_apostrophes_new_york_times_style() -> None:
    text = "The mayor called it ''a new start.'' He added, ''We are ready.''"
    assert quotes(text) == ["a new start.", "We are ready."]


def test_apostrophe_inside_doubled_apostrophes() -> None:
    assert quotes("He spoke of ''Sleepy Joe's plan'' and ''rock 'n' roll'' at the rally.") == [
        "Sleepy Joe's plan",
        "rock 'n' roll",
    ]


def test_tex_quotes_and_guillemets() -> None:
    assert quotes("He wrote ``never again'' and she wrote «jamais» in reply.") == ["never again", "jamais"]


def test_single_marks_outside_double_marks() -> None:
    assert quotes("The minister called the vote 'a farce' and left.") == ["a farce"]


def test_single_marks_inside_a_double_quote_stay_inside() -> None:
    assert quotes("“They keep saying ‘we want peace’ while attacking,” the envoy said.") == [
        "They keep saying ‘we want peace’ while attacking,"
    ]


def test_apostrophes_are_not_quote_marks() -> None:
    assert quotes("It's the '90s again, and they don't rock 'em like they used to.") == []


def test_plural_possessive_and_closing_single_mark() -> None:
    assert quotes("He backed the 'farmers' union plan' and the 'workers' agenda.") == [
        "farmers' union plan",
        "workers",
    ]
    assert quotes("She said the treaty protects 'nuclear rights' even if the text says less.") == [
        "nuclear rights"
    ]


def test_opening_glyph_used_as_closing_mark() -> None:
    assert quotes("“It is unusual,“ said the lawyer. “Very.”") == ["It is unusual,", "Very."]


def test_mark_glued_to_the_next_word_after_a_comma() -> None:
    text = 'The memo read "we act now,"said the aide in a note. "Then we wait."'
    assert quotes(text) == ["we act now,", "Then we wait."]


def test_quote_over_two_paragraphs_is_one_quote_per_paragraph() -> None:
    text = '"The roads are closed. The power is out.\n"We need help now," the governor said.'
    assert quotes(text) == ["The roads are closed. The power is out.", "We need help now,"]


def test_mixed_closing_mark() -> None:
    assert quotes("The envoy said, “We will not give up our land.' Then he left.") == [
        "We will not give up our land."
    ]


def test_headline_and_non_prose_lines_give_no_quotes() -> None:
    text = (
        "Minister calls deal 'historic' - Daily Example\n"
        "'Open Talks' Planned as Neighbours Meet\n"
        "The minister called the deal 'historic' on Monday."
    )
    assert quotes(text, title="Minister calls deal 'historic'") == ["historic"]
    assert not is_prose(text, 0, text.index("\n"))


def test_title_case_names_are_not_speech() -> None:
    assert quotes("She praised the “Board of Peace” and the “Peace Formula” in her speech.") == []
    assert quotes("The crowd chanted “STOP THE WAR” outside the embassy.") == ["STOP THE WAR"]


def test_hard_wrapped_lines_are_one_paragraph() -> None:
    text = '"We will regard the refusal as a\nsignificant step," the official said.\nNext line.'
    assert len(paragraphs(text)) == 2
    assert quotes(text) == ["We will regard the refusal as a\nsignificant step,"]


def test_quote_marks_left_as_html_character_references() -> None:
    text = "They restored &quot;full trust&quot; in the talks. &ldquo;We are glad,&rdquo; she said."
    assert quotes(text) == ["full trust", "We are glad,"]
