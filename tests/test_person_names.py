"""Person names of one article: possessives, full forms outside the prose, namesakes."""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.language import Language
from spacy.tokens import Span as SpacySpan

from pipeline.extraction import Extraction, extract_from_doc, load_nlp
from schemas.records import Article


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


def article(body: str) -> Article:
    return Article(
        article_id="test-person-names",
        body=body,
        published_date=dt.date(2025, 5, 19),
        source="test",
        published_at=dt.datetime(2025, 5, 19, 12, tzinfo=dt.UTC),
    )


def run(nlp: Language, body: str) -> Extraction:
    return extract_from_doc(article(body), nlp(body))


def people(ex: Extraction) -> set[str]:
    return {e.name for e in ex.entities if e.type == "PERSON"}


def test_possessive_country_is_not_part_of_the_name(nlp: Language) -> None:
    body = "Ukraine’s Zelenskyy rejected the call for a freeze along the front line on Tuesday."
    doc = nlp(body)
    doc.ents = [SpacySpan(doc, 0, 3, label="PERSON")]  # the model's mention takes the possessive in
    assert people(extract_from_doc(article(body), doc)) == {"Zelenskyy"}


def test_full_name_from_the_headline_completes_a_surname(nlp: Language) -> None:
    ex = run(
        nlp,
        "Barack Obama lands in Havana for historic trip\n\n"
        "President Obama met Cuban President Raul Castro in Havana on Monday.\n\n"
        "Mr. Obama urged Cuba to release political prisoners, officials said.",
    )
    assert "Barack Obama" in people(ex)
    assert "Obama" not in people(ex)
    assert any("Barack Obama" in e.actors for e in ex.events), [(e.type, e.actors) for e in ex.events]


def test_headline_name_does_not_enter_the_entities(nlp: Language) -> None:
    ex = run(
        nlp,
        "Angela Merkel to visit Paris\n\nPresident Macron met Chancellor Scholz in Paris on Monday.",
    )
    assert "Angela Merkel" not in people(ex)


def test_bare_family_name_goes_to_the_person_introduced_first(nlp: Language) -> None:
    ex = run(
        nlp,
        "South Korean President Lee Jae Myung will visit Beijing next week for a summit with "
        "Chinese President Xi Jinping.\n\n"
        "Business leaders including Samsung Electronics Chairman Lee Jae-yong will join the trip.\n\n"
        "Lee will also meet Chinese Premier Li Qiang on Tuesday, his office said.",
    )
    assert "Lee" not in people(ex)
    meetings = [e for e in ex.events if e.type.value == "CONSULT" and "Li Qiang" in e.actors]
    assert meetings and "Lee Jae Myung" in meetings[0].actors, [(e.type, e.actors) for e in ex.events]


def test_bare_surname_of_namesakes_is_the_principal(nlp: Language) -> None:
    ex = run(
        nlp,
        "U.S. President Barack Obama met Cuban President Raul Castro in Havana on Monday.\n\n"
        "First lady Michelle Obama visited a school in the city.\n\n"
        "Obama rejected the Cuban demand to return the naval base at Guantanamo Bay.",
    )
    rejects = [e for e in ex.events if e.type.value == "REJECT"]
    assert rejects and rejects[0].actors[0] == "Barack Obama", [(e.type, e.actors) for e in ex.events]


def test_a_place_nobody_knows_that_speaks_is_a_person(nlp: Language) -> None:
    # The small model tags unfamiliar surnames as places; a "place" the gazetteer does not know
    # that is the subject of a speech verb is the person speaking. A known place stays a place.
    body = 'Tarvel, a chemistry professor, said the mosque was "in shock". Russia said it would respond.'
    doc = nlp(body)
    doc.ents = [SpacySpan(doc, 0, 1, label="GPE"), SpacySpan(doc, 15, 16, label="GPE")]
    assert doc[15].text == "Russia"
    ex = extract_from_doc(article(body), doc)
    assert people(ex) == {"Tarvel"} and "Russia" not in people(ex)
    assert [q.speaker for q in ex.quotes] == ["Tarvel"]
    parsed_wrongly = "Rosneft now owns Tarvel and Russia has said it will sell the unit."
    wrong = nlp(parsed_wrongly)
    wrong.ents = [SpacySpan(wrong, 3, 4, label="GPE")]
    assert people(extract_from_doc(article(parsed_wrongly), wrong)) == set()  # not the subject that speaks
