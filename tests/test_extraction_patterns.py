"""Short hand-made examples of general patterns: events, quotes and entity canonicalisation."""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.language import Language

from pipeline.extraction import Extraction, extract_from_doc, load_nlp
from schemas.records import Article
from tests.conftest import in_article

PUBLISHED = dt.date(2025, 5, 19)  # a Monday


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


def run(
    nlp: Language, body: str, published: dt.date | None = PUBLISHED, retrieved: dt.date | None = None
) -> Extraction:
    article = Article(
        article_id="test-article-0001",
        body=body,
        published_date=published,
        retrieved_date=retrieved,
        source="test",
        published_at=dt.datetime(2025, 5, 19, 12, tzinfo=dt.UTC),
    )
    return extract_from_doc(article, nlp(body))


def only_event(ex: Extraction, etype: str):  # type: ignore[no-untyped-def]
    found = [e for e in ex.events if e.type.value == etype]
    assert found, [(e.type.value, e.actors) for e in ex.events]
    return found[0]


# --- events ---------------------------------------------------------------------------------------


def test_meeting_past_with_date_and_location(nlp: Language) -> None:
    ex = run(
        nlp, "French President Emmanuel Macron met with German Chancellor Olaf Scholz in Berlin on Friday."
    )
    ev = only_event(ex, "CONSULT")
    assert set(ev.actors) == {"Emmanuel Macron", "Olaf Scholz"}
    assert ev.status.value == "occurred"
    assert ev.date == dt.date(2025, 5, 16)
    assert ev.location == "Berlin"


def test_summit_scheduled(nlp: Language) -> None:
    ex = run(
        nlp,
        "Chinese President Xi Jinping will hold talks with Brazilian President Lula da Silva on Thursday.",
    )
    ev = only_event(ex, "CONSULT")
    assert {"Xi Jinping", "Lula da Silva"} <= set(ev.actors)
    assert ev.status.value == "scheduled"
    assert ev.date == dt.date(2025, 5, 22)


def test_state_visit_capital_is_country(nlp: Language) -> None:
    ex = run(nlp, "Indian Prime Minister Narendra Modi visited Tokyo last Tuesday and met Japanese leaders.")
    ev = only_event(ex, "CONSULT")
    assert ev.actors[0] == "Narendra Modi"
    assert "Japan" in ev.actors
    assert ev.date == dt.date(2025, 5, 13)


def test_negotiations_between_countries(nlp: Language) -> None:
    ex = run(nlp, "Negotiations between Iran and the United States took place in Oman on May 11.")
    ev = only_event(ex, "CONSULT")
    assert set(ev.actors) == {"Iran", "United States"}
    assert ev.date == dt.date(2025, 5, 11)
    assert ev.location == "Oman"
    assert ev.status.value == "occurred"


def test_agreement_signed(nlp: Language) -> None:
    ex = run(nlp, in_article("Armenia and Azerbaijan signed a peace agreement on Wednesday."))
    ev = only_event(ex, "AGREE")
    assert set(ev.actors) == {"Armenia", "Azerbaijan"}
    assert ev.date == dt.date(2025, 5, 14)


def test_sanctions_imposed(nlp: Language) -> None:
    ex = run(nlp, in_article("The European Union imposed new sanctions on Belarus on Tuesday."))
    ev = only_event(ex, "SANCTION")
    assert ev.actors == ["European Union", "Belarus"]
    assert ev.mode == "sanctions"
    assert ev.status.value == "occurred"


def test_threat_is_occurred(nlp: Language) -> None:
    ex = run(nlp, "Secretary of State Marco Rubio warned that Washington could impose tariffs on China.")
    ev = only_event(ex, "THREATEN")
    assert set(ev.actors) == {"United States", "China"}
    assert ev.status.value == "occurred"
    assert not [e for e in ex.events if e.type.value == "SANCTION"]


def test_ceasefire_agreed_and_rejected(nlp: Language) -> None:
    agreed = only_event(run(nlp, "Israel and Hamas agreed to a ceasefire on Sunday."), "AGREE")
    assert set(agreed.actors) == {"Israel", "Hamas"} and agreed.mode == "ceasefire"
    assert agreed.date == dt.date(2025, 5, 18)
    rejected = only_event(run(nlp, "Russia rejected the ceasefire proposal."), "REJECT")
    assert rejected.actors == ["Russia"] and rejected.mode == "ceasefire"


def test_condemnation(nlp: Language) -> None:
    ex = run(nlp, "China condemned Japan over the visit to the shrine.")
    ev = only_event(ex, "ACCUSE")
    assert ev.actors == ["China", "Japan"]


def test_appeal(nlp: Language) -> None:
    ex = run(
        nlp, "Ukrainian President Volodymyr Zelenskyy called on Germany to send more air defence systems."
    )
    ev = only_event(ex, "REQUEST")
    assert ev.actors == ["Volodymyr Zelenskyy", "Germany"]
    assert ev.status.value == "occurred"


def test_aid_pledge(nlp: Language) -> None:
    ex = run(nlp, "Japan pledged $5 billion in aid to Ukraine on Saturday.")
    ev = only_event(ex, "AID")
    assert ev.actors == ["Japan", "Ukraine"]
    assert ev.date == dt.date(2025, 5, 17)


def test_offer_is_proposed(nlp: Language) -> None:
    ex = run(nlp, "Turkish President Recep Tayyip Erdogan offered to host talks between Russia and Ukraine.")
    ev = only_event(ex, "CONSULT")
    assert ev.status.value == "proposed"
    assert {"Russia", "Ukraine"} <= set(ev.actors)


def test_phone_call_time_converted(nlp: Language) -> None:
    ex = run(nlp, "Biden and Xi will speak by phone at 9 a.m. ET on Monday.")
    ev = only_event(ex, "CONSULT")
    assert ev.mode == "phone"
    assert ev.time_utc == dt.datetime(2025, 5, 19, 13, tzinfo=dt.UTC)


def test_no_event_without_actor(nlp: Language) -> None:
    ex = run(nlp, "The meeting was described as constructive.")
    assert ex.events == []


def test_no_event_from_quoted_speech(nlp: Language) -> None:
    ex = run(nlp, '"We met with the Chinese delegation," the minister said.')
    assert ex.events == []


# --- quotes ---------------------------------------------------------------------------------------


def speakers(ex: Extraction) -> list[tuple[str | None, str]]:
    return [(q.speaker, q.text) for q in ex.quotes]


def test_quote_x_said_and_said_x(nlp: Language) -> None:
    ex = run(nlp, 'Angela Merkel said: "We will not give up." "It is hard," said Boris Johnson.')
    assert speakers(ex) == [("Angela Merkel", "We will not give up."), ("Boris Johnson", "It is hard,")]


def test_quote_according_to(nlp: Language) -> None:
    ex = run(nlp, 'The talks were "very productive", according to Foreign Minister Sergey Lavrov.')
    assert speakers(ex) == [("Sergey Lavrov", "very productive")]


def test_quote_pronoun_and_role_noun(nlp: Language) -> None:
    body = (
        "Israeli Prime Minister Benjamin Netanyahu arrived in Washington on Monday.\n"
        'He said the visit was "historic".\n'
        'The Israeli leader added: "We are grateful."'
    )
    ex = run(nlp, body)
    assert speakers(ex) == [("Benjamin Netanyahu", "historic"), ("Benjamin Netanyahu", "We are grateful.")]


def test_quote_without_speaker_is_none(nlp: Language) -> None:
    ex = run(nlp, 'The so-called "peace dividend" never arrived.')
    assert speakers(ex) == [(None, "peace dividend")]


def test_quote_nested_and_mixed_marks(nlp: Language) -> None:
    body = "Kaja Kallas said, “They keep saying ‘we want peace’ while attacking.' She left."
    ex = run(nlp, body)
    assert speakers(ex) == [("Kaja Kallas", "They keep saying ‘we want peace’ while attacking.")]


def test_quote_multi_sentence_and_organisation(nlp: Language) -> None:
    body = 'The Kremlin said: "The talks will continue. No date has been set."'
    ex = run(nlp, body)
    assert speakers(ex) == [("Kremlin", "The talks will continue. No date has been set.")]


# --- entities -------------------------------------------------------------------------------------


def names(ex: Extraction) -> dict[str, str]:
    return {e.name: e.type for e in ex.entities}


def test_entity_canonicalisation(nlp: Language) -> None:
    body = (
        "Russian President Vladimir Putin spoke with U.S. President Donald Trump. "
        "Putin later met Zelensky. Volodymyr Zelenskyy thanked the US and the UK. "
        "Nato and the Kremlin did not comment."
    )
    ex = run(nlp, body)
    found = names(ex)
    assert found.get("Vladimir Putin") == "PERSON"
    assert found.get("Volodymyr Zelenskyy") == "PERSON" and "Zelensky" not in found
    assert found.get("United States") == "GPE" and "US" not in found and "U.S." not in found
    assert found.get("United Kingdom") == "GPE"
    assert found.get("NATO") == "ORG" and found.get("Kremlin") == "ORG"
    putin = next(e for e in ex.entities if e.name == "Vladimir Putin")
    assert putin.count == 2 and "Russian President" in putin.attributes
    assert next(e for e in ex.entities if e.name == "United States").country_code == "USA"


def test_entity_junk_dropped(nlp: Language) -> None:
    ex = run(nlp, "Photo by X/ @afronomista. Hour: 11:22 am. Officials in Kyiv met on Tuesday.")
    assert all("@" not in e.name and e.name != "Hour" for e in ex.entities)


# --- events on real news: actors and spans (issue 15) -------------------------------------------


def test_demonym_group_gives_both_countries(nlp: Language) -> None:
    ev = only_event(run(nlp, "Turkish and Greek diplomats held talks in Athens on Friday."), "CONSULT")
    assert set(ev.actors) == {"Turkey", "Greece"}
    assert ev.date == dt.date(2025, 5, 16)


def test_demonym_on_a_thing_is_no_party(nlp: Language) -> None:
    ev = only_event(
        run(nlp, "Mark Carney announced 2 billion Canadian dollars in military aid for Kyiv."), "AID"
    )
    assert "Canada" not in ev.actors


def test_seat_of_government_stands_for_its_state(nlp: Language) -> None:
    body = "On Tuesday, delegations from Washington and the Kremlin met in Riyadh."
    ev = only_event(run(nlp, body), "CONSULT")
    assert set(ev.actors) == {"United States", "Russia"}


def test_split_coordinated_subject_keeps_every_party(nlp: Language) -> None:
    body = "Officials from Russia, Ukraine, and the United States began talks in Abu Dhabi on Friday."
    ev = only_event(run(nlp, body), "CONSULT")
    assert set(ev.actors) == {"Russia", "Ukraine", "United States"}
    assert ev.date == dt.date(2025, 5, 16)


@pytest.mark.parametrize(
    ("when", "day"),
    [("on Friday and Saturday", dt.date(2025, 5, 16)), ("on May 14 and 15", dt.date(2025, 5, 14))],
)
def test_span_of_days_is_dated_by_its_start(nlp: Language, when: str, day: dt.date) -> None:
    ev = only_event(run(nlp, f"Marco Rubio met Sergei Lavrov in Riyadh {when}."), "CONSULT")
    assert ev.date == day


def test_narrative_year_dates_the_days_that_follow(nlp: Language) -> None:
    body = (
        "The first talks between Russia and Ukraine took place in February 2022. "
        "On March 10, Dmytro Kuleba met Sergei Lavrov in Antalya."
    )
    met = [e for e in run(nlp, body).events if "Dmytro Kuleba" in e.actors]
    assert [e.date for e in met] == [dt.date(2022, 3, 10)]


def test_coming_day_in_the_new_year(nlp: Language) -> None:
    ex = run(
        nlp,
        in_article("Lee Jae Myung will meet Xi Jinping in Beijing on Jan. 5."),
        published=dt.date(2025, 12, 30),
    )
    assert only_event(ex, "CONSULT").date == dt.date(2026, 1, 5)


def test_possessed_demand_is_a_request_of_its_owner(nlp: Language) -> None:
    ex = run(nlp, in_article("Greece rejected Turkey's demand that it withdraw its ships from the Aegean."))
    assert set(only_event(ex, "REJECT").actors) >= {"Greece", "Turkey"}
    assert only_event(ex, "REQUEST").actors[0] == "Turkey"


def test_possessive_pronoun_means_the_owner_of_its_clause_subject(nlp: Language) -> None:
    # "Berg's visit will follow her first summit": her = Berg, not the person of the sentence before.
    body = (
        "Spokesman Tom Reed briefed reporters on Tuesday. President Anna Berg's visit will follow "
        "her first summit with Chancellor Otto Brandt in Porto on Nov. 1."
    )
    ev = only_event(run(nlp, body), "CONSULT")
    assert ev.actors == ["Anna Berg", "Otto Brandt"]


def test_visit_that_is_a_journey_purpose_takes_the_destination_as_host(nlp: Language) -> None:
    ev = only_event(
        run(nlp, in_article("President Anna Berg will fly to Madrid for a state visit next week.")), "CONSULT"
    )
    assert ev.actors == ["Anna Berg", "Spain"] and ev.status.value == "scheduled"
    talks = run(
        nlp, in_article("Foreign Minister Anna Berg flew to Washington on Friday for talks with Marco Rubio.")
    )
    assert only_event(talks, "CONSULT").actors == ["Anna Berg", "Marco Rubio"]  # a named partner comes first


def test_planned_visit_takes_the_day_of_the_journey_told_next(nlp: Language) -> None:
    body = (
        "President Anna Berg will fly to Madrid for a state visit next week, her office said on Monday. "
        "Berg is to depart for Spain on Sunday and return on Wednesday."
    )
    assert only_event(run(nlp, body), "CONSULT").date == dt.date(2025, 5, 25)
    other = (
        "President Anna Berg will fly to Madrid for a state visit next week. "
        "Otto Brandt is to depart for Spain on Sunday."
    )
    assert only_event(run(nlp, other), "CONSULT").date is None  # someone else's journey


def test_group_pronoun_takes_the_parties_just_named(nlp: Language) -> None:
    body = (
        "Emmanuel Macron met Olaf Scholz in Paris on Friday. "
        "Together, they warned Russia would face tougher sanctions."
    )
    ev = only_event(run(nlp, body), "THREATEN")
    assert set(ev.actors) == {"Emmanuel Macron", "Olaf Scholz", "Russia"}


def test_call_for_another_to_act_is_a_request_of_both(nlp: Language) -> None:
    body = "Narendra Modi met Shigeru Ishiba and both called for Pakistan to end cross-border attacks."
    ev = only_event(run(nlp, in_article(body)), "REQUEST")
    assert set(ev.actors) == {"Narendra Modi", "Shigeru Ishiba", "Pakistan"}


def test_wanting_another_to_act_is_a_request(nlp: Language) -> None:
    ev = only_event(
        run(nlp, in_article("Vladimir Putin wants Ukraine to withdraw its troops from Donetsk.")), "REQUEST"
    )
    assert ev.actors[0] == "Vladimir Putin"


def test_narrative_day_dates_the_sentence_that_carries_it_on(nlp: Language) -> None:
    body = (
        "Barack Obama arrived in Washington on Thursday for the nuclear summit. "
        "Mr. Obama first met with Japanese Prime Minister Shinzo Abe."
    )
    ev = only_event(run(nlp, body), "CONSULT")
    assert ev.date == dt.date(2025, 5, 15)


def test_undated_background_sentence_stays_undated(nlp: Language) -> None:
    body = "Barack Obama arrived in Washington on Thursday. Obama met Shinzo Abe in 2014 and in 2015."
    assert [e.date for e in run(nlp, body).events if e.type.value == "CONSULT"] == [None]


def test_offered_meeting_is_a_proposed_meeting_of_the_offerer(nlp: Language) -> None:
    ex = run(nlp, "Macron has offered a truce and a face-to-face meeting with Xi Jinping. Nothing more.")
    ev = only_event(ex, "CONSULT")
    assert set(ev.actors) == {"Macron", "Xi Jinping"}
    assert ev.status.value == "proposed"


def test_joint_news_conference_is_a_meeting(nlp: Language) -> None:
    ex = run(nlp, "Obama said in a joint news conference with Raul Castro that the embargo would end. Late.")
    ev = only_event(ex, "CONSULT")
    assert set(ev.actors) == {"Obama", "Raul Castro"}


def test_news_conference_alone_is_no_meeting(nlp: Language) -> None:
    ex = run(nlp, "The Peruvian foreign ministry held a news conference on Monday. Reporters attended.")
    assert not [e for e in ex.events if e.type.value == "CONSULT"]


def test_opposing_is_a_rejection(nlp: Language) -> None:
    ex = run(nlp, "Beijing strongly opposes the deployment of the missiles, the ministry said. Seoul not.")
    assert only_event(ex, "REJECT").actors[0] == "China"


def test_sending_warships_and_brigades_is_mobilising(nlp: Language) -> None:
    ex = run(nlp, "Russia deployed two more brigades to the border with Ukraine on Monday. Kyiv objected.")
    ev = only_event(ex, "MOBILIZE")
    assert ev.actors[0] == "Russia" and ev.date == PUBLISHED


def test_signed_initiative_is_an_agreement_of_its_signatories(nlp: Language) -> None:
    ex = run(nlp, "In 2022 the Pacific Grain Initiative was signed by Peru and Chile with Brazil. It lapsed.")
    ev = only_event(ex, "AGREE")
    assert set(ev.actors) == {"Peru", "Chile", "Brazil"}  # the thing signed is no party


def test_refusing_to_yield_is_a_rejection_of_the_other_party(nlp: Language) -> None:
    ex = run(nlp, "Boric says Chile won't surrender land to Peru. Lima insists.")
    ev = only_event(ex, "REJECT")
    assert set(ev.actors) == {"Chile", "Peru"} and ev.status.value == "occurred"
    assert not [e for e in ex.events if e.type.value == "RETREAT"]
    ex = run(nlp, "Peru refused to cede any territory to Chile on Monday. Talks go on.")
    assert set(only_event(ex, "REJECT").actors) == {"Peru", "Chile"}


def test_act_demanded_or_refused_by_a_noun_is_no_event(nlp: Language) -> None:
    ex = run(nlp, "Chile rejects Peru's demand that it cede the northern region. Lima insists.")
    assert not [e for e in ex.events if e.type.value == "RETREAT"]


def test_talks_at_the_end_of_a_long_clause_take_its_tense_and_date(nlp: Language) -> None:
    ex = run(
        nlp,
        "Peruvian envoy Jose Perez is due to arrive in Santiago at 8 am on Tuesday before heading to "
        "the foreign ministry's annex for talks with Chile. It was cold.",
    )
    ev = only_event(ex, "CONSULT")
    assert ev.status.value == "scheduled"
    assert ev.date == dt.date(2025, 5, 20)


# --- a sentence that stands alone -----------------------------------------------------------------


def test_stand_alone_sentence_names_a_described_party(nlp: Language) -> None:
    # One sentence (a wire alert, a sentence feed) is known to report something: the typer's
    # event stands with the subject as described when no party is named.
    ex = run(nlp, "Striking dock workers refused to lift their blockade of the port.")
    ev = only_event(ex, "REJECT")
    assert ev.actors == ["Striking dock workers"]
    assert ev.status.value == "occurred"


def test_described_party_needs_a_stand_alone_sentence(nlp: Language) -> None:
    # Inside an article most sentences report nothing: no event without a named party.
    ex = run(nlp, "Striking dock workers refused to lift their blockade of the port. Pay is low, they said.")
    assert ex.events == []


def test_article_keeps_the_rule_type_a_stand_alone_sentence_may_lose(nlp: Language) -> None:
    # In an article the rule's PLOVER type stands (FORMAT.md: sanctions are SANCTION). Alone, the
    # sentence is typed the way the typer learned from coded sentences (PLV: sanctions as COERCE);
    # the rule's parties and status stay, and a mode that refined the rule's type goes with it.
    sentence = "The European Union imposed new sanctions on Belarus on Tuesday."
    read = only_event(run(nlp, in_article(sentence)), "SANCTION")
    assert read.actors == ["European Union", "Belarus"] and read.mode == "sanctions"
    alone = run(nlp, sentence).events[0]
    assert alone.actors == read.actors and alone.status == read.status
    assert alone.type.value == "SANCTION" or alone.mode is None


# --- accusations, pressure and participles ---------------------------------------------------------


def test_accusation_needs_only_the_accuser(nlp: Language) -> None:
    ex = run(nlp, "Foreign Minister Sergey Lavrov on Monday criticized the Western refusal to share data.")
    event = only_event(ex, "ACCUSE")
    assert event.actors == ["Sergey Lavrov"] and event.date == PUBLISHED


def test_passive_accusation_without_accuser_is_no_event(nlp: Language) -> None:
    ex = run(nlp, "Belarus has been criticized for detaining hundreds of protesters this year.")
    assert not [e for e in ex.events if e.type.value == "ACCUSE"], [(e.type, e.actors) for e in ex.events]


def test_berate_is_an_accusation(nlp: Language) -> None:
    ex = run(
        nlp,
        in_article(
            "Hungarian Prime Minister Viktor Orban berated Polish President Andrzej Duda in Brussels."
        ),
    )
    assert "Viktor Orban" in only_event(ex, "ACCUSE").actors


def test_push_is_a_demand_only_with_its_complement(nlp: Language) -> None:
    asked = run(nlp, "German Chancellor Olaf Scholz pushed Serbia to recognise Kosovo on Monday.")
    assert only_event(asked, "REQUEST").actors[:1] == ["Olaf Scholz"]
    moved = run(nlp, "Russian troops pushed into the outskirts of Pokrovsk, Ukraine's army said.")
    assert not [e for e in moved.events if e.type.value == "REQUEST"]


def test_inking_a_deal_is_an_agreement(nlp: Language) -> None:
    ex = run(nlp, "Vietnam inked a trade deal with Australia on Monday.")
    assert set(only_event(ex, "AGREE").actors) == {"Vietnam", "Australia"}


def test_participle_sanctions_have_the_agent_as_actor(nlp: Language) -> None:
    ex = run(nlp, "Iran said it would respect the restrictions imposed by the European Union against Syria.")
    event = only_event(ex, "SANCTION")
    assert event.actors[:1] == ["European Union"] and "Syria" in event.actors


def test_requested_meeting_is_a_proposed_meeting(nlp: Language) -> None:
    ex = run(
        nlp,
        "Armenian Prime Minister Nikol Pashinyan called for a meeting with President Ilham Aliyev.",
    )
    event = only_event(ex, "CONSULT")
    assert set(event.actors) == {"Nikol Pashinyan", "Ilham Aliyev"} and event.status.value == "proposed"
    assert not [e for e in ex.events if e.type.value == "REQUEST"]


def test_request_that_others_meet_stays_an_appeal(nlp: Language) -> None:
    ex = run(
        nlp,
        in_article("French President Emmanuel Macron pressed for the peace talks to take place in Geneva."),
    )
    assert only_event(ex, "REQUEST").actors == ["Emmanuel Macron"]


def test_desire_to_meet_is_proposed(nlp: Language) -> None:
    ex = run(
        nlp,
        "Prime Minister Nikol Pashinyan reiterated his desire to meet President Ilham Aliyev.",
    )
    assert only_event(ex, "CONSULT").status.value == "proposed"


def test_declining_to_comment_is_no_rejection(nlp: Language) -> None:
    ex = run(
        nlp,
        "Officials gathered in Moscow on Monday.\n\nKremlin spokesman Dmitry Peskov refused to comment.",
    )
    assert not [e for e in ex.events if e.type.value == "REJECT"], [(e.type, e.actors) for e in ex.events]


def test_next_round_of_talks_is_scheduled(nlp: Language) -> None:
    ex = run(nlp, "Diplomats outlined the agenda of the next round of talks between Armenia and Azerbaijan.")
    assert only_event(ex, "CONSULT").status.value == "scheduled"
    likely = run(nlp, "The talks between Armenia and Azerbaijan are likely to take place in Vienna.")
    assert only_event(likely, "CONSULT").status.value == "scheduled"


def test_group_noun_takes_the_parties_just_named(nlp: Language) -> None:
    ex = run(
        nlp,
        "Prime Minister Nikol Pashinyan met President Ilham Aliyev in Vienna on Monday.\n\n"
        "The two leaders signed a peace agreement after the talks.",
    )
    assert set(only_event(ex, "AGREE").actors) == {"Nikol Pashinyan", "Ilham Aliyev"}


def test_group_noun_with_no_parties_before_names_nobody(nlp: Language) -> None:
    ex = run(
        nlp,
        "Spokesman Kang Min-soo spoke about the history of the museum founded by Park Tae-ho.\n\n"
        "The two leaders previously held a summit in Gyeongju.",
    )
    summits = [(e.type, e.actors) for e in ex.events if "summit" in e.evidence.text]
    assert summits == []  # not the spokesman and the founder named before


def test_being_in_contact_is_consulting(nlp: Language) -> None:
    ex = run(
        nlp,
        "President Alexander Stubb said he remains in contact with President Volodymyr Zelensky.",
    )
    assert set(only_event(ex, "CONSULT").actors) == {"Alexander Stubb", "Volodymyr Zelensky"}
    alone = run(nlp, "The ministry lost contact after the storm, officials in Helsinki said.")
    assert not [e for e in alone.events if e.type.value == "CONSULT"]


def test_sitting_with_someone_is_a_meeting(nlp: Language) -> None:
    ex = run(
        nlp,
        "Finnish President Alexander Stubb sat with Ukrainian President Volodymyr Zelensky for two hours.",
    )
    assert set(only_event(ex, "CONSULT").actors) == {"Alexander Stubb", "Volodymyr Zelensky"}


def test_passive_by_agent_is_the_actor(nlp: Language) -> None:
    ex = run(nlp, "Officials met in Rome.\n\nThe new sanctions were imposed on Estonia by Finland on Monday.")
    assert only_event(ex, "SANCTION").actors == ["Finland", "Estonia"]


def test_narrative_date_passes_through_events(nlp: Language) -> None:
    ex = run(
        nlp,
        "Finnish President Alexander Stubb on Thursday urged closer ties among Nordic states.\n\n"
        "As leaders gathered in Oslo, Stubb first met Swedish Prime Minister Ulf Kristersson.\n\n"
        "Together, they warned that Russia would face tougher sanctions.\n\n"
        "Then Stubb met Norwegian Prime Minister Jonas Gahr Store.",
    )
    last = [e for e in ex.events if e.type.value == "CONSULT" and "Jonas Gahr Store" in e.actors]
    assert last and last[0].date == dt.date(2025, 5, 15), [(e.type, e.actors, e.date) for e in ex.events]
    later = run(
        nlp,
        "Finnish President Alexander Stubb met Swedish Prime Minister Ulf Kristersson on Thursday.\n\n"
        "Then, later in the month, Stubb met Norwegian Prime Minister Jonas Gahr Store.",
    )
    assert all(e.date is None for e in later.events if "Jonas Gahr Store" in e.actors)


def test_offered_deal_is_a_proposed_agreement(nlp: Language) -> None:
    ex = run(nlp, in_article("Finnish President Alexander Stubb proposed a trade deal to Estonia on Monday."))
    event = only_event(ex, "AGREE")
    assert event.actors[0] == "Alexander Stubb" and event.status.value == "proposed"
    floated = run(
        nlp, in_article("Estonian Prime Minister Kristen Michal floated a ceasefire during the meeting.")
    )
    assert only_event(floated, "AGREE").status.value == "proposed"


def test_asking_someone_to_act_is_an_appeal(nlp: Language) -> None:
    ex = run(nlp, "Finnish President Alexander Stubb asked Hungary to approve the accession treaty.")
    assert only_event(ex, "REQUEST").actors == ["Alexander Stubb", "Hungary"]
    assert not [e for e in ex.events if e.type.value == "AGREE"]  # the act asked for is not an event
    about = run(nlp, "Finnish President Alexander Stubb was asked about Hungary at a news conference.")
    assert not [e for e in about.events if e.type.value == "REQUEST"]


def test_one_agreement_told_twice_is_one_event(nlp: Language) -> None:
    ex = run(nlp, "Estonia struck a border deal with Latvia on Monday, agreeing to a truce along the river.")
    assert [e.actors for e in ex.events if e.type.value == "AGREE"] == [["Estonia", "Latvia"]]


def test_speaking_to_the_press_is_no_consultation(nlp: Language) -> None:
    ex = run(
        nlp, "Speaking to the BBC on Monday, Finnish President Alexander Stubb said the talks had failed."
    )
    assert not [e for e in ex.events if e.type.value == "CONSULT" and "BBC" in e.actors]


def test_without_doing_is_not_doing(nlp: Language) -> None:
    ex = run(nlp, "Finland said it could cut its deficit without asking Estonia to pay more.")
    assert not [e for e in ex.events if e.type.value == "REQUEST"], [(e.type, e.actors) for e in ex.events]


def test_hyphen_joined_names_are_the_parties(nlp: Language) -> None:
    ex = run(
        nlp, "Officials met in Rome.\n\nThe Finland-Estonia summit in Tallinn ended without a deal on Monday."
    )
    assert set(only_event(ex, "CONSULT").actors) == {"Finland", "Estonia"}
    said = run(
        nlp,
        "Finnish President Alexander Stubb hosted Estonian Prime Minister Kristen Michal on Monday.\n\n"
        "Spokesman Juha Virtanen said after the Stubb-Michal meeting that the border would stay open.",
    )
    last = [e for e in said.events if e.type.value == "CONSULT" and "Stubb-Michal" in e.evidence.text]
    assert last and set(last[0].actors) == {"Alexander Stubb", "Kristen Michal"}, [
        (e.actors) for e in said.events
    ]


def test_date_of_a_passive_clause_reaches_its_noun(nlp: Language) -> None:
    ex = run(nlp, "Another round of talks between Finland and Estonia was held on May 4 in Tallinn.")
    assert only_event(ex, "CONSULT").date == dt.date(2025, 5, 4)


def test_another_round_takes_the_parties_and_a_group_its_date(nlp: Language) -> None:
    ex = run(
        nlp,
        "Officials from Finland and Estonia held talks in Tallinn on May 2.\n\n"
        "Another round of talks was held on May 4 in Helsinki.\n\n"
        "The delegations agreed to exchange maps of the border.",
    )
    rounds = [e for e in ex.events if e.type.value == "CONSULT" and e.date == dt.date(2025, 5, 4)]
    assert rounds and set(rounds[0].actors) == {"Finland", "Estonia"}, [(e.actors, e.date) for e in ex.events]
    agreed = only_event(ex, "AGREE")
    assert set(agreed.actors) == {"Finland", "Estonia"} and agreed.date == dt.date(2025, 5, 4)


def test_a_question_reports_nothing(nlp: Language) -> None:
    ex = run(nlp, "Will Germany impose sanctions on Iran? Germany imposed sanctions on Iran on Friday.")
    assert [e.evidence.text for e in ex.events if e.type.value == "SANCTION"] == [
        "Germany imposed sanctions on Iran on Friday."
    ]


def test_a_participle_describing_a_noun_is_no_event(nlp: Language) -> None:
    ex = run(nlp, "Poland said it had returned the remains of 200 killed Belarusian soldiers to Belarus.")
    assert not [e for e in ex.events if e.type.value == "ASSAULT"], ex.events
    ex = run(nlp, "Rebels killed 20 soldiers in an attack on Chad on Friday.")
    assert only_event(ex, "ASSAULT")


def test_no_answer_to_a_request_for_comment_is_no_rejection(nlp: Language) -> None:
    ex = run(nlp, "The ministries of Spain and Morocco did not respond to requests for comment on the deal.")
    assert not [e for e in ex.events if e.type.value == "REJECT"], ex.events
    ex = run(nlp, "Spain rejected the Moroccan proposal on Friday.")
    assert only_event(ex, "REJECT")


def test_a_neutral_reporting_verb_is_not_the_act(nlp: Language) -> None:
    from pipeline.extraction.events import _typed_predicate

    said = next(iter(nlp("The Danish minister said so on Friday.").sents))
    assert _typed_predicate(said, "SUPPORT", alone=False) is None
    lone = _typed_predicate(said, "SUPPORT", alone=True)
    assert lone is not None and lone.i == said.root.i  # a sentence that stands alone reports one
    reported = next(iter(nlp("The minister said the two sides met in Oslo.").sents))
    inner = _typed_predicate(reported, "CONSULT", alone=False)
    assert inner is not None and inner.text == "met"
    warned = next(iter(nlp("The minister warned that talks would fail.").sents))
    warning = _typed_predicate(warned, "THREATEN", alone=False)
    assert warning is not None and warning.i == warned.root.i  # warning is an act of its own


@pytest.mark.parametrize(
    ("phrase", "direction", "month"),
    [
        ("March", "future", "2026-03"),  # written in May 2025: the coming March is next year's ...
        ("March", "past", "2025-03"),  # ... a past one this year's
        ("early June", "future", "2025-06"),
        ("in late April", "future", "2026-04"),
        ("November", "past", "2024-11"),
        ("March 2023", "past", "2023-03"),
        ("last month", "past", "2025-04"),
        ("later this month", "future", "2025-05"),
        ("next month", "future", "2025-06"),
        ("mid-July", "future", "2025-07"),
        ("March 10", "past", None),  # a day: resolve_date's
        ("next week", "future", None),
        ("2026", "future", None),
        ("six months", "past", None),
        ("the summer", "future", None),
    ],
)
def test_a_phrase_that_fixes_only_a_month(phrase: str, direction: str, month: str | None) -> None:
    from pipeline.extraction.dates import resolve_month

    assert resolve_month(phrase, PUBLISHED, direction) == month  # type: ignore[arg-type]


def test_an_event_dated_by_month_only_keeps_the_month(nlp: Language) -> None:
    ex = run(nlp, "The next round of talks between Japan and South Korea is planned for July.")
    ev = only_event(ex, "CONSULT")
    assert (ev.date, ev.month, ev.status.value) == (None, "2025-07", "scheduled")
    ex = run(nlp, "Japan met South Korea, whose president was elected in June, for talks.")
    assert only_event(ex, "CONSULT").month is None  # June is the election's, in a clause beneath
    ex = run(nlp, "Japan and South Korea held talks in Tokyo on Friday.")
    ev = only_event(ex, "CONSULT")
    assert (ev.date, ev.month) == (dt.date(2025, 5, 16), None)  # a day, no month besides


def test_an_undated_article_reads_its_weekdays_against_a_recent_retrieval(nlp: Language) -> None:
    from pipeline.extraction.dates import reference_date

    retrieved = dt.date(2026, 2, 28)  # a Saturday
    assert reference_date(None, retrieved, ["February 26", "Thursday"]) == retrieved
    assert reference_date(None, retrieved, ["Thursday", "last week"]) is None  # no day of its own
    assert reference_date(None, retrieved, ["March 2, 2016"]) is None  # an archive crawled years on
    assert reference_date(dt.date(2026, 2, 27), retrieved, []) == dt.date(2026, 2, 27)

    body = (
        "Peru and Chile held talks in Lima on Thursday. "
        "On February 26, officials from both countries said the border would stay open."
    )
    ev = only_event(run(nlp, body, published=None, retrieved=retrieved), "CONSULT")
    assert ev.date == dt.date(2026, 2, 26) and ev.article.reference_date == retrieved
    assert ev.article.published_date is None  # the publication stays unknown


def test_rounds_and_days_of_talks_are_the_talks(nlp: Language) -> None:
    filler = " The weather was mild in the capital that week."
    ex = run(nlp, "Peru and Chile ended two days of talks in Lima on Friday." + filler)
    ev = only_event(ex, "CONSULT")
    assert set(ev.actors) == {"Peru", "Chile"} and ev.date == dt.date(2025, 5, 16)
    ex = run(nlp, "Peru and Chile held three rounds of talks in Lima." + filler)
    assert set(only_event(ex, "CONSULT").actors) == {"Peru", "Chile"}


def test_the_two_sides_are_the_parties_just_reported(nlp: Language) -> None:
    ex = run(
        nlp,
        "US envoy Steve Witkoff and Jared Kushner met Saudi officials in Riyadh on Monday. "
        "The first talks between Peru and Chile took place in 2022. "
        "Then, the two sides held three rounds of direct talks in Lima, ending on March 7.",
    )
    last = [e for e in ex.events if e.type.value == "CONSULT" and "Lima" in e.evidence.text]
    assert last and set(last[0].actors) == {"Peru", "Chile"}, [(e.actors, e.evidence.text) for e in ex.events]


def test_the_two_companies_are_the_two_organisations_named_last(nlp: Language) -> None:
    ex = run(
        nlp,
        "The talks covered restrictions on China's biggest telecoms maker, Huawei, and on its rival ZTE. "
        "The Treasury has delayed the deadline for buyers of ZTE assets since Washington imposed "
        "sanctions on the two Chinese companies in October.",
    )
    sanction = only_event(ex, "SANCTION")
    assert sanction.actors == ["United States", "Huawei", "ZTE"]  # not China, nor the Treasury
    assert sanction.month == "2024-10"  # October, before the May 2025 publication


def test_both_sides_of_an_article_about_two_states_are_those_states(nlp: Language) -> None:
    ex = run(
        nlp,
        "India and Pakistan opened a new bus route across the border, and Pakistan said more would follow. "
        "British Foreign Secretary Jack Straw will hold talks with the Indian government on Friday. "
        "Both sides agreed to begin talks on reducing the risk of nuclear accidents. "
        "India welcomed the step, and Pakistan praised it.",
    )
    talks = [e for e in ex.events if e.type.value == "CONSULT" and "Both sides" in e.evidence.text]
    assert talks and set(talks[0].actors) == {"India", "Pakistan"}, [
        (e.actors, e.evidence.text) for e in ex.events
    ]


@pytest.mark.parametrize(
    ("phrase", "offset"),
    [
        ("A day earlier", -1),
        ("The next day", 1),
        ("Two days later", 2),
        ("a week before", -7),
        ("days later", None),
    ],
)
def test_a_day_counted_from_the_narrative(phrase: str, offset: int | None) -> None:
    from pipeline.extraction.dates import relative_offset

    assert relative_offset(phrase) == offset


def test_a_day_earlier_counts_from_the_day_just_named(nlp: Language) -> None:
    ex = run(
        nlp,
        'Spain and France held talks in Madrid on Wednesday. "It went well," the minister said. '
        "A day earlier, Spain spoke with Morocco by phone.",
    )
    calls = [e for e in ex.events if "Morocco" in e.actors]
    assert calls and calls[0].date == dt.date(2025, 5, 13)  # the day before Wednesday 14 May
    ex = run(nlp, "A day earlier, Spain spoke with Morocco by phone.")
    assert only_event(ex, "CONSULT").date is None  # no day named before: nothing to count from


def types_in_article(nlp: Language, sentence: str) -> set[str]:
    """The event types of one sentence read inside an article (a second sentence after it)."""
    return {e.type.value for e in run(nlp, in_article(sentence)).events}


def assert_no_event_of_type(nlp: Language, etype: str, *sentences: str) -> None:
    """None of the sentences, each read inside an article, reports an event of this type."""
    for sentence in sentences:
        assert etype not in types_in_article(nlp, sentence), sentence


def test_calling_someone_on_a_day_is_a_phone_call_not_an_appeal(nlp: Language) -> None:
    body = "President Elena Marsh called Chancellor Otto Brandt on Friday to discuss the border.\nIt rained."
    ex = run(nlp, body)
    assert {e.type.value for e in ex.events} == {"CONSULT"}
    assert only_event(ex, "CONSULT").mode == "phone"
    assert "REQUEST" in types_in_article(nlp, "The spokesman called on Turkey to respect the border.")


def test_a_declared_ceasefire_is_a_stand_down_an_agreed_one_an_agreement(nlp: Language) -> None:
    declared = types_in_article(nlp, "General Khalifa Haftar declared a ceasefire in Tripoli on Sunday.")
    assert "RETREAT" in declared and "AGREE" not in declared
    assert "AGREE" in types_in_article(nlp, "Russia and Ukraine agreed a ceasefire on Friday.")


def test_pledged_support_is_not_material_aid(nlp: Language) -> None:
    assert "AID" not in types_in_article(
        nlp, "The Czech prime minister pledged his full support for Fayez Serraj."
    )
    assert "AID" in types_in_article(nlp, "Germany pledged 500 million euros in aid to Ukraine.")


def test_troops_sent_as_peacekeepers_are_aid_not_a_show_of_force(nlp: Language) -> None:
    peacekeepers = types_in_article(
        nlp, "Japan is sending troops to the UN peacekeeping force in South Sudan."
    )
    assert "AID" in peacekeepers and "MOBILIZE" not in peacekeepers
    assert "MOBILIZE" in types_in_article(nlp, "Russia deployed 10,000 troops to the border with Ukraine.")


def test_the_end_of_a_period_is_not_the_day_of_the_act(nlp: Language) -> None:
    ex = run(nlp, "The EU extended its sanctions on Russia until July 31 on Friday.\nIt rained.")
    assert only_event(ex, "SANCTION").date == dt.date(2025, 5, 16)


def test_a_place_in_another_clause_is_not_the_events(nlp: Language) -> None:
    body = (
        "Prime Minister Ana Silva said that Portugal is counting on a future trilateral meeting with Spain "
        "and France to take place in early July after Portuguese and Spanish negotiating teams wrapped up "
        "the latest round of talks in Madrid.\nIt rained."
    )
    events = run(nlp, body).events
    meeting = [e for e in events if e.type.value == "CONSULT" and e.status.value == "scheduled"]
    assert meeting, events
    assert meeting[0].location is None  # Madrid is where the last round was wrapped up


def test_speaking_to_an_audience_is_a_speech_not_a_consultation(nlp: Language) -> None:
    assert not run(
        nlp, "Prime Minister Ana Silva will speak to the Spanish people on Tuesday.\nIt rained."
    ).events
    call = run(nlp, "Prime Minister Ana Silva spoke to Pedro Sanchez by phone on Friday.\nIt rained.")
    assert only_event(call, "CONSULT").actors == ["Ana Silva", "Pedro Sanchez"]


def test_a_present_tense_in_a_time_clause_of_a_future_is_scheduled(nlp: Language) -> None:
    body = (
        "President Ana Silva will cast a spotlight on repression here Tuesday "
        "when she meets with Pedro Sanchez.\nIt rained."
    )
    meeting = [e for e in run(nlp, body).events if e.trigger == "meets"]
    assert meeting and meeting[0].status.value == "scheduled"


def test_the_two_leaders_are_the_two_people_titled_leaders(nlp: Language) -> None:
    body = (
        "President Ana Silva will visit Spain from Sunday, her spokesman Rui Costa said on Tuesday. "
        "Silva will meet Prime Minister Pedro Sanchez in Madrid, Costa added. "
        "Her trip reciprocates the Spanish king's visit to Portugal in October. "
        "The two leaders previously held a summit in Porto on Nov. 1.\nIt rained."
    )
    summit = [e for e in run(nlp, body).events if e.trigger == "held summit"]
    assert summit and set(summit[0].actors) == {"Ana Silva", "Pedro Sanchez"}


def test_a_partner_of_a_coordinated_event_noun_is_the_partner_of_both(nlp: Language) -> None:
    body = "Ana Silva will go to Madrid on Sunday for a summit and a dinner with Pedro Sanchez.\nIt rained."
    summit = [e for e in run(nlp, body).events if e.trigger == "summit"]
    assert summit and len(summit[0].actors) == 2 and summit[0].actors[1] == "Pedro Sanchez"


def test_cutting_off_aid_is_a_sanction_on_its_recipient(nlp: Language) -> None:
    ex = run(nlp, "Denmark suspended aid to Egypt on Friday.\nIt rained.")
    event = only_event(ex, "SANCTION")
    assert event.actors == ["Denmark", "Egypt"] and event.mode == "aid_cut"


def test_denying_reports_is_a_rejection_by_the_reporter_of_the_clause(nlp: Language) -> None:
    body = (
        "Foreign Minister Sergey Lavrov said the air campaign would continue against armed groups "
        "and denied reports that the strikes have hit civilian areas.\nIt rained."
    )
    assert only_event(run(nlp, body), "REJECT").actors == ["Sergey Lavrov"]


def test_leaving_an_accord_rejects_it_leaving_a_place_is_a_retreat(nlp: Language) -> None:
    assert types_in_article(nlp, "The United States withdrew from the nuclear deal with Iran in 2018.") == {
        "REJECT"
    }
    assert "RETREAT" in types_in_article(nlp, "Russia withdrew its troops from Kherson on Friday.")


@pytest.mark.parametrize(
    "sentence, target",
    [
        (
            "Raul Castro offered a recipe for better relations, saying the United States needs to lift "
            "its trade embargo.",
            "United States",
        ),
        ('President Donald Trump said on Monday that "Ukraine better come to the table fast".', "Ukraine"),
        ("German Chancellor Angela Merkel said Russia must withdraw its troops from Crimea.", "Russia"),
    ],
)
def test_reporting_what_another_party_must_do_is_a_demand_of_it(
    nlp: Language, sentence: str, target: str
) -> None:
    ex = run(nlp, sentence + "\nIt rained.")
    request = only_event(ex, "REQUEST")
    assert target in request.actors and request.actors[0] != target
    assert not {"CONCEDE", "RETREAT"} & {e.type.value for e in ex.events}  # the demanded act is not done


def test_an_obligation_on_no_named_party_is_no_demand(nlp: Language) -> None:
    assert_no_event_of_type(
        nlp,
        "REQUEST",
        "Prime Minister Mark Carney added that middle powers must act together.",
        "The State Department says the ruling should be binding on both parties.",
    )


def test_the_day_of_a_report_hung_under_the_event_is_not_the_day_of_the_event(nlp: Language) -> None:
    body = (
        "President Lee Jae Myung will make a state visit to China early next week for summit talks "
        "with Chinese President Xi Jinping, Cheong Wa Dae said Tuesday.\nIt rained."
    )
    visits = [e for e in run(nlp, body, published=dt.date(2025, 12, 30)).events if e.type.value == "CONSULT"]
    assert visits and all(e.date is None for e in visits)  # 'Tuesday' is the day of the announcement
    assert all(e.status.value == "scheduled" for e in visits)


@pytest.mark.parametrize(
    "sentence",
    [
        "The United States has slowed the sale of the oil company's assets to pressure Russia.",
        "The United States slowed the sale of the assets in an attempt to increase pressure on Russia.",
        "The United States delayed the deal to put pressure on Russia in the peace talks.",
    ],
)
def test_an_act_done_to_pressure_a_party_is_a_sanction_on_it(nlp: Language, sentence: str) -> None:
    event = only_event(run(nlp, sentence + "\nIt rained."), "SANCTION")
    assert event.actors[0] == "United States" and "Russia" in event.actors
    assert event.mode == "pressure" and event.status.value == "occurred"


def test_pressure_as_an_aim_or_on_no_named_party_is_no_sanction(nlp: Language) -> None:
    assert_no_event_of_type(
        nlp,
        "SANCTION",
        "Washington is seeking to pressure Moscow.",
        "The minister bought a car to pressure his rivals.",
    )


def test_pressuring_a_party_to_act_is_an_appeal_not_its_act(nlp: Language) -> None:
    ex = run(nlp, "The United States pressured Russia to accept the deal.\nIt rained.")
    assert only_event(ex, "REQUEST").actors == ["United States", "Russia"]
    assert "AGREE" not in {e.type.value for e in ex.events}


def test_raising_the_specter_of_war_is_a_warning(nlp: Language) -> None:
    body = (
        "Prime Minister Dmitry Medvedev on Thursday raised the specter of a world war in Syria.\nIt rained."
    )
    assert only_event(run(nlp, body), "THREATEN").actors == ["Dmitry Medvedev"]
    assert "THREATEN" not in types_in_article(nlp, "The finance minister raised the specter of a recession.")


def test_being_opposed_to_a_party_is_a_rejection_told_on_the_day_it_is_told(nlp: Language) -> None:
    body = (
        'Xi Jinping told Barack Obama on Thursday that China was "firmly opposed" to the United '
        "States deploying a missile defence system.\nIt rained."
    )
    event = only_event(run(nlp, body, published=dt.date(2016, 3, 31)), "REJECT")
    assert event.actors == ["China", "United States"] and event.date == dt.date(2016, 3, 31)


def test_a_quotation_of_its_own_still_hides_its_verbs(nlp: Language) -> None:
    body = 'Ana Silva said: "We will meet Pedro Sanchez in Madrid on Friday."\nIt rained.'
    assert "CONSULT" not in {e.type.value for e in run(nlp, body).events}


def test_the_recipient_of_an_amount_of_aid_is_searched_in_its_substance(nlp: Language) -> None:
    ex = run(nlp, "Donald Trump has stopped almost all shipments of military aid to Ukraine.\nIt rained.")
    assert only_event(ex, "SANCTION").actors == ["Donald Trump", "Ukraine"]


def test_being_against_something_is_a_stance_a_judgement_is_not(nlp: Language) -> None:
    ex = run(nlp, "Chancellor Olaf Scholz was firmly against new sanctions on Russia.\nIt rained.")
    assert only_event(ex, "REJECT").actors[0] == "Olaf Scholz"
    assert_no_event_of_type(
        nlp,
        "REJECT",
        "Beijing said the deployment was against China's national security interests.",
        "The vote was 10 against 5.",
    )


def test_a_statement_that_force_may_come_is_a_warning(nlp: Language) -> None:
    body = (
        "Most telling was Prime Minister Dmitry Medvedev's statement that a ground operation in Syria "
        "could result in a world war.\nIt rained."
    )
    assert only_event(run(nlp, body), "THREATEN").actors == ["Dmitry Medvedev"]
    assert "THREATEN" not in types_in_article(
        nlp, "The finance minister's statement that the economy could grow was welcomed."
    )


def test_a_refusal_on_a_condition_is_an_ultimatum_made_when_said(nlp: Language) -> None:
    ex = run(nlp, "Russia will not attend the summit unless Ukraine withdraws its troops.\nIt rained.")
    event = only_event(ex, "THREATEN")
    assert event.actors == ["Russia", "Ukraine"] and event.mode == "ultimatum"
    assert event.status.value == "occurred"
    assert "THREATEN" not in types_in_article(nlp, "Russia will not attend the summit in May.")


def test_the_owner_of_a_plan_to_act_is_the_one_who_acts(nlp: Language) -> None:
    body = (
        "Zelensky said preparations were under way and reiterated his desire to meet Russian "
        "President Vladimir Putin.\nIt rained."
    )
    meeting = only_event(run(nlp, body), "CONSULT")
    assert meeting.actors == ["Zelensky", "Vladimir Putin"] and meeting.status.value == "proposed"


def test_a_sanctions_body_acting_on_a_licence_is_a_sanction_dated_by_the_act(nlp: Language) -> None:
    body = (
        "On Friday, the U.S. Office of Foreign Assets Control extended the March 3 deadline to June 1 "
        "for deals with the shipping firm Nordlane.\nIt rained."
    )
    event = only_event(run(nlp, body), "SANCTION")
    assert event.actors[0] == "Office of Foreign Assets Control" and event.mode == "licensing"
    assert event.date == dt.date(2025, 5, 16)  # the day of the act, not the dates it moves
    assert "SANCTION" not in types_in_article(nlp, "The city council extended the deadline for new permits.")


def test_a_sanctions_body_named_by_its_acronym_is_that_body(nlp: Language) -> None:
    body = (
        "An Office of Financial Sanctions Implementation notice was read by reporters. "
        "OFSI will issue a licence for the sale on Friday.\nIt rained."
    )
    event = only_event(run(nlp, body), "SANCTION")
    assert event.actors == ["Office of Financial Sanctions Implementation"]
    assert event.status.value == "scheduled" and event.date == dt.date(2025, 5, 23)


def test_a_count_of_repeated_acts_is_not_one_event(nlp: Language) -> None:
    assert_no_event_of_type(nlp, "CONSULT", "Portugal and Spain have met three times this year.")
    assert_no_event_of_type(nlp, "CONSULT", "Foreign ministers Alda Renn and Ivo Kast met twice in Lisbon.")
    once = run(nlp, "Foreign ministers Alda Renn and Ivo Kast met for the first time in Lisbon.\nIt rained.")
    assert only_event(once, "CONSULT").actors == ["Alda Renn", "Ivo Kast"]


def test_a_pair_phrase_that_lists_its_members_is_those_members(nlp: Language) -> None:
    body = (
        "A memo seen by Reuters says the Foreign Ministry will delay the deadline to May 1. This is the "
        "second such delay, after sanctions imposed in March by Japan against the two largest Russian gas "
        "producers: Gazprom and state-owned Novatek.\nIt rained."
    )
    event = only_event(run(nlp, body), "SANCTION")
    assert event.actors[0] == "Japan" and "Novatek" in event.actors
    assert "Reuters" not in event.actors and "Foreign Ministry" not in event.actors  # not a pair named before


def test_a_capacity_or_an_allegation_is_not_the_act_it_names(nlp: Language) -> None:
    assert_no_event_of_type(
        nlp,
        "THREATEN",
        "Minister Ola Berg said Chile will keep the ability to build missiles and threaten Peru.",
    )
    assert_no_event_of_type(
        nlp, "AGREE", "Chile's foreign minister accused Peru of not wanting to sign a peace agreement."
    )
    accused = run(
        nlp, "Chile's foreign minister accused Peru of not wanting to sign a peace agreement.\nIt rained."
    )
    assert only_event(accused, "ACCUSE")


def test_a_dropped_threat_is_no_threat(nlp: Language) -> None:
    assert_no_event_of_type(
        nlp, "THREATEN", "President Ola Berg dropped his threat of tariffs against Estoria."
    )
    assert "THREATEN" in types_in_article(
        nlp, "President Ola Berg repeated his threat of tariffs against Estoria."
    )


def test_an_act_in_a_condition_is_supposed_not_reported(nlp: Language) -> None:
    assert_no_event_of_type(
        nlp,
        "SUPPORT",
        "Minister Ola Berg said peace could only hold if Chile stopped raids supporting Peru's army.",
    )
    assert "SUPPORT" in types_in_article(
        nlp, "Minister Ola Berg said Chile stopped raids supporting Peru's army."
    )


def test_a_speech_act_of_no_party_is_no_event(nlp: Language) -> None:
    assert_no_event_of_type(
        nlp,
        "THREATEN",
        "Critics warned the move will delay approval of Chile's budget and price relief measures.",
    )
    assert "THREATEN" in types_in_article(nlp, "Peru warned it would impose tariffs on Chile.")


def test_an_act_whose_object_is_denied_did_not_take_place(nlp: Language) -> None:
    assert_no_event_of_type(
        nlp, "AGREE", "Chile and Peru argued through the night but reached no deal by Friday."
    )
    assert_no_event_of_type(nlp, "CONSULT", "Chile and Peru held no talks this year.")
    assert "CONSULT" in types_in_article(nlp, "Chile and Peru held talks this year.")


def test_a_rejection_naming_only_what_was_rejected_is_no_event(nlp: Language) -> None:
    assert_no_event_of_type(
        nlp,
        "REJECT",
        "Peru's offer was rejected.",
        "Obama efforts to end the embargo have been rejected by his rivals.",
    )
    assert "REJECT" in types_in_article(nlp, "Chile rejected President Ola Berg's plan to end the embargo.")


def test_a_stance_takes_the_day_of_the_words_that_follow_it(nlp: Language) -> None:
    said = (
        "Foreign Minister Ola Berg also reaffirmed her refusal to cede the islands to Peru. "
        "\u201cIt is all about the land. Nothing is solved yet,\u201d she told reporters in Lima on Thursday."
        "\nIt rained."
    )
    assert only_event(run(nlp, said), "REJECT").date == dt.date(2025, 5, 15)
    other = (
        "Foreign Minister Ola Berg also reaffirmed her refusal to cede the islands to Peru. "
        "\u201cThe talks go on,\u201d President Ivo Kast told reporters in Lima on Thursday.\nIt rained."
    )
    assert only_event(run(nlp, other), "REJECT").date is None


def test_a_hyphen_chain_before_a_place_names_the_parties_and_the_place(nlp: Language) -> None:
    ex = run(
        nlp,
        "Alexander Stubb is the president of Finland, and Kristen Michal leads the Estonian government.\n\n"
        "The border deal was agreed at the Stubb-Michal Helsinki summit, officials said.",
    )
    summit = [e for e in ex.events if e.type.value == "CONSULT" and e.trigger == "summit"]
    assert summit and set(summit[0].actors) == {"Alexander Stubb", "Kristen Michal"}, [
        (e.type, e.actors, e.trigger) for e in ex.events
    ]
    assert summit[0].status.value == "occurred"  # 'was agreed at the summit': the summit was held
    assert summit[0].location == "Helsinki"
    names = {(e.name, e.type) for e in ex.entities}
    assert ("Helsinki", "GPE") in names and not [n for n, _ in names if "-" in n], names


def test_a_name_the_parse_hung_elsewhere_is_still_the_partner(nlp: Language) -> None:
    ex = run(
        nlp,
        'Finnish President Alexander Stubb spoke. "This format can solve a lot," Stubb added, referring to '
        "a potential meeting with his arch-foe, Estonian Prime Minister Kristen Michal.",
    )
    # the parse hangs 'Michal' under 'referring', not beside 'arch-foe'
    meeting = only_event(ex, "CONSULT")
    assert set(meeting.actors) == {"Alexander Stubb", "Kristen Michal"} and meeting.status.value == "proposed"


def test_no_indication_of_a_meeting_is_no_meeting(nlp: Language) -> None:
    ex = run(
        nlp,
        in_article(
            "Estonian envoy Kristen Michal was at the talks venue in Helsinki on Thursday, though there was "
            "no indication he met with the Finnish side."
        ),
    )
    assert not [e for e in ex.events if e.type.value == "CONSULT"], [(e.type, e.actors) for e in ex.events]


def test_a_venue_is_located_by_its_place(nlp: Language) -> None:
    ex = run(nlp, "Alexander Stubb met Kristen Michal on May 4 at Kadriorg Palace in Helsinki.")
    assert only_event(ex, "CONSULT").location == "Helsinki"


def test_sanctions_imposed_with_no_agent_are_the_articles_sanctioning_state(nlp: Language) -> None:
    ex = run(
        nlp,
        "Finland imposed sanctions on Estonia's oil firm Kivilux on Monday.\n\n"
        "Kivilux said it was the fourth postponement, following sanctions imposed in October against the "
        "two largest Estonian oil producers: Kivilux and state-owned Tallgas.",
        published=dt.date(2026, 2, 27),
    )
    october = [e for e in ex.events if e.type.value == "SANCTION" and e.month == "2025-10"]
    assert october and set(october[0].actors) == {"Finland", "Kivilux", "Tallgas"}, [
        (e.type, e.actors, e.month) for e in ex.events
    ]


def test_a_passive_sanction_borrows_a_state_before_an_agency() -> None:
    from pipeline.extraction.events import Draft, _sanctioner_before

    def draft(actors: tuple[str, ...]) -> Draft:
        return Draft("SANCTION", None, actors, None, None, None, None, "occurred", "x", 0, 1, 0, 0.5)

    before = [draft(("Finland", "Kivilux")), draft(("Finnish Energy Agency",)), draft(("Tallgas",))]
    assert _sanctioner_before(before, ["Tallgas"]) == ["Finland"]
    assert _sanctioner_before(before[1:], ["Tallgas"]) == ["Finnish Energy Agency"]
    assert _sanctioner_before([draft(("Tallgas",))], ["Tallgas"]) == []


def test_a_one_word_organisation_the_model_tagged_once_is_found_again(nlp: Language) -> None:
    from pipeline.extraction.entities import _propagate_orgs, _raw_mentions

    doc = nlp(
        "Finland imposed sanctions on Estonia's oil firm Kivilux on Monday.\n\nKivilux said it was the "
        "fourth postponement, following sanctions imposed in October against the two largest Estonian "
        "oil producers: Kivilux and state-owned Tallgas. Officials at the State Department said it "
        "was a state matter."
    )
    raw = _raw_mentions(doc)
    added = [doc[s:e].text for s, e, label, _ in _propagate_orgs(doc, raw) if (s, e, label, _) not in raw]
    tagged = {doc[s:e].text for s, e, _, _ in raw}
    assert set(added) <= {"Kivilux"} and "State" not in added
    assert "Kivilux" in tagged and [doc[s:e].text for s, e, _, _ in _propagate_orgs(doc, raw)].count(
        "Kivilux"
    ) == doc.text.count("Kivilux")


def test_talks_summed_up_over_several_places_are_no_meeting_but_name_the_series(nlp: Language) -> None:
    ex = run(
        nlp,
        "Talks between Finland and Estonia, held in Helsinki, Geneva and Rome, have yet to bear fruit.\n\n"
        "A new round of talks is scheduled for June.\n\n"
        "Alexander Stubb met Kristen Michal on May 4 amid concerns about strikes in Helsinki and Geneva.",
        published=dt.date(2025, 5, 19),
    )
    consults = [e for e in ex.events if e.type.value == "CONSULT"]
    assert not [e for e in consults if e.status.value == "occurred" and "Rome" in e.evidence.text]
    planned = [e for e in consults if e.month == "2025-06"]  # the series' parties
    assert planned and set(planned[0].actors) == {"Finland", "Estonia"}, [e.actors for e in consults]
    # places of another clause ('concerns about strikes in A and B') do not make a meeting a summary
    assert [e for e in consults if e.date == dt.date(2025, 5, 4)]


def test_the_state_that_brokers_talks_takes_part_in_them(nlp: Language) -> None:
    ex = run(
        nlp,
        in_article("The first day of US-brokered Finland-Estonia talks in Geneva ended on Monday."),
    )
    talks = only_event(ex, "CONSULT")
    assert talks.actors == ["Finland", "Estonia", "United States"] and talks.location == "Geneva"
    led = run(nlp, in_article("Turkish-mediated talks between Finland and Estonia ended on Monday."))
    assert set(only_event(led, "CONSULT").actors) == {"Finland", "Estonia", "Turkey"}


def test_a_known_place_coordinated_with_a_tagged_one_is_a_place(nlp: Language) -> None:
    from pipeline.extraction.entities import _coordinated_places

    doc = nlp("Officials from Helsinki and Kyiv met on Monday.")
    raw = [(t.i, t.i + 1, "GPE", "") for t in doc if t.text == "Helsinki"]
    added = {doc[s:e].text for s, e, _, _ in _coordinated_places(doc, raw)} - {"Helsinki"}
    assert added == {"Kyiv"}
    assert _coordinated_places(doc, []) == []


def test_a_second_meeting_is_of_the_series_just_reported(nlp: Language) -> None:
    ex = run(
        nlp,
        "Officials from Finland and Estonia held talks in Tallinn on May 2.\n\n"
        "A second meeting between senior officials in Helsinki later that week failed to settle the dispute.",
    )
    second = [e for e in ex.events if e.type.value == "CONSULT" and e.location == "Helsinki"]
    assert second and set(second[0].actors) == {"Finland", "Estonia"}, [e.actors for e in ex.events]


def test_a_demand_for_someone_to_act_names_its_maker_and_who_is_asked(nlp: Language) -> None:
    own = run(nlp, in_article("Finland renewed its demand for Estonia to hold a referendum."))
    demand = only_event(own, "REQUEST")
    assert demand.actors == ["Finland", "Estonia"] and demand.recipient == "Estonia"
    named = run(
        nlp,
        in_article(
            "Michal says he could consider another Finnish demand - for Estonia to hold an election soon."
        ),
    )
    assert only_event(named, "REQUEST").actors == ["Finland", "Estonia"]


def test_the_way_out_being_a_meeting_makes_it_a_proposal(nlp: Language) -> None:
    wanted = run(
        nlp,
        in_article("Officials say the only way to end the dispute is a meeting between Finland and Estonia."),
    )
    assert only_event(wanted, "CONSULT").status.value == "proposed"
    held = run(nlp, in_article("The result was a meeting between Finland and Estonia on Monday."))
    assert only_event(held, "CONSULT").status.value == "occurred"


def test_handing_back_the_dead_is_an_exchange_between_the_two_states(nlp: Language) -> None:
    ex = run(
        nlp,
        in_article(
            "Estonia announced that it had returned the bodies of 40 killed Finnish soldiers to Finland, "
            "while Tallinn received 5 Estonian bodies in exchange."
        ),
    )
    swap = only_event(ex, "COOPERATE")
    assert set(swap.actors) == {"Estonia", "Finland"} and swap.mode == "exchange"


def test_a_demand_that_it_act_asks_the_state_the_sentence_is_about(nlp: Language) -> None:
    ex = run(nlp, in_article("Estonia rejects Finland's demand that it cede the remainder of its islands."))
    demand = only_event(ex, "REQUEST")
    assert demand.actors == ["Finland", "Estonia"] and demand.recipient == "Estonia"


def test_walking_a_verbless_fragment_up_to_its_root_ends(nlp: Language) -> None:
    from pipeline.extraction.events import _places_the_act

    doc = nlp("Talks between officials in Geneva and Rome")
    root = next(t for t in doc if t.dep_ == "ROOT")
    other = next(t for t in doc if t.text == "Geneva")
    assert root.pos_ == "NOUN"  # no verb on the way up: the walk must stop at the root
    assert _places_the_act(root, other, other) is False
    assert _places_the_act(other, root, root) is True
