"""What people say about themselves and each other, from the dependency parse: statements in
the first, second and third person, their dates, what people are, who is whose, and names
without chat noise (issue 14). Conversations written for these tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.domain.models import Extraction, WindowMessage
from app.extract.local.builder import Builder
from app.extract.local.extractor import LocalExtractor
from app.extract.local.gazetteer import is_known_place, is_major_place, retype_by_gazetteer
from app.extract.local.speakers import link_short_names
from app.extract.local.template import type_from_name
from app.extract.local.when import resolve

SUNDAY = datetime(2024, 3, 10, 19, 0, tzinfo=UTC)


def _extract(*lines: str, when: datetime = SUNDAY) -> Extraction:
    window = []
    for i, line in enumerate(lines):
        speaker, _, text = line.partition(": ")
        window.append(WindowMessage(id=f"m{i}", seq=i, speaker=speaker, text=text, timestamp=when))
    return LocalExtractor().extract(window).extraction


def _names(out: Extraction) -> dict[str, str]:
    return {e.key: e.name for e in out.entities}


def _facts(out: Extraction) -> dict[tuple[str, str, str], tuple[str | None, ...]]:
    n = _names(out)
    return {
        (n[f.entity], f.field, f.value): (f.valid_from, f.valid_to, f.event_date) for f in out.facts
    }


def _relations(out: Extraction) -> dict[tuple[str, str, str], tuple[str | None, ...]]:
    n = _names(out)
    return {
        (n[r.source], r.label, n[r.target]): (r.valid_from, r.valid_to, r.event_date)
        for r in out.relations
    }


def _types(out: Extraction) -> dict[str, str]:
    return {e.name: e.type for e in out.entities}


# -- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "tense", "expected"),
    [
        ("yesterday", "past", "2024-03-09"),
        ("last Friday", "past", "2024-03-08"),
        ("on Friday", "future", "2024-03-15"),
        ("in March", "past", "2024-03"),
        ("in April", "past", "2023-04"),  # the last April before the message
        ("in April", "future", "2024-04"),
        ("on June 8", "future", "2024-06-08"),
        ("the 14th of September", "future", "2024-09-14"),
        ("last week", "past", "2024-03"),  # a week is not a day: month precision
        ("two weeks ago", "past", "2024-02"),
        ("a few days ago", "past", "2024-03"),
        ("last month", "past", "2024-02"),
        ("next month", "future", "2024-04"),
        ("last spring", "past", "2023"),  # spring 2024 has not come yet
        ("in 2019", "past", "2019"),
        ("March 2019", "past", "2019-03"),
        ("tmrw", "future", "2024-03-11"),
        ("on the 20th", "past", "2024-02-20"),  # the last 20th before the 10th
        ("the 20th", "future", "2024-03-20"),
        ("on the 31st", "past", "2024-01-31"),  # February has none
        ("recently", "past", None),
        ("may", "future", None),  # the verb, far more often than the month
        # The present speaks of what is scheduled: the next one, unless it is just past.
        ("in October", "present", "2024-10"),  # not the October five months back
        ("in January", "present", "2024-01"),  # two months back: that one
        ("on December 20", "present", "2024-12-20"),  # nine months ahead: still this one
        ("last March", "present", "2023-03"),  # said in March: a year ago
        ("next March", "present", "2025-03"),
        ("last October", "present", "2023-10"),
        ("next February", "present", "2025-02"),
    ],
)
def test_date_phrases_resolve_against_the_message_time_with_their_precision(
    phrase: str, tense: str, expected: str | None
) -> None:
    assert resolve(phrase, date(2024, 3, 10), tense) == expected  # type: ignore[arg-type]


# -- statements ---------------------------------------------------------------------------


def test_first_person_statements_become_facts_and_relations_with_their_dates() -> None:
    out = _extract(
        "Maya: Woah nice. I quit the bakery in March btw",
        "Jonah: Went to a climbing gym yesterday. I started at Fenwick Labs last week.",
        "Maya: I've been restoring an old sailboat. Also we got a parrot named Kiwi",
    )
    facts, relations = _facts(out), _relations(out)
    assert facts[("Maya", "quit", "bakery")] == (None, None, "2024-03")
    assert facts[("Jonah", "went_to", "climbing gym")] == (None, None, "2024-03-09")
    assert ("Maya", "restoring", "old sailboat") in facts
    assert ("Maya", "pet", "Kiwi") in facts
    assert relations[("Jonah", "works_at", "Fenwick Labs")][0] == "2024-03"
    assert "Kiwi" not in _types(out)  # a pet's name, not a person


def test_a_start_date_said_in_november_is_next_january() -> None:
    said = date(2023, 11, 19)
    assert resolve("January 8", said, "present") == "2024-01-08"
    assert resolve("April 17th", date(2024, 8, 20), "present") == "2024-04-17"  # four months
    assert resolve("December 2", date(2024, 2, 20), "present") == "2024-12-02"
    assert resolve("December 20", date(2024, 1, 10), "present") == "2023-12-20"  # 11 months


def test_third_person_statements_resolve_kin_and_start_a_state() -> None:
    out = _extract("Jonah: My brother Leo moved to Denver last spring, so I followed him")
    relations = _relations(out)
    assert relations[("Leo", "moved_to", "Denver")] == (None, None, "2023")
    assert relations[("Leo", "lives_in", "Denver")][0] == "2023"
    assert ("Jonah", "sibling_of", "Leo") in relations


def test_you_is_the_other_speaker_and_joined_subjects_all_get_the_statement() -> None:
    out = _extract(
        "Priya: how's the new place?",
        "Owen: good! Priya and I are rewatching The Office",
        "Priya: you moved to Leeds in January, right. You play Hollow Knight now",
    )
    relations = _relations(out)
    assert ("Owen", "watches", "Office") in relations or ("Owen", "watches", "The Office") in (
        relations
    )
    assert any(s == "Priya" and label == "watches" for s, label, _ in relations)
    assert ("Owen", "plays", "Hollow Knight") in relations
    assert _types(out)["Hollow Knight"] == "product"  # play → a game, whatever NER said


def test_a_person_pronoun_object_is_the_person_it_stands_for() -> None:
    out = _extract(
        "Theo: how's the brewery?",
        "Ben: good. Sam Okafor is the best, he basically trained me",
        "Ben: and Marisol proposed to me last night!!",
    )
    relations = _relations(out)
    assert ("Sam Okafor", "train", "Ben") in relations
    assert relations[("Marisol", "propose_to", "Ben")][2] == "2024-03-09"
    # a verb that ties no one keeps its pronoun out of the graph
    quiet = _relations(_extract("Theo: hi", "Ben: Marisol texted me last night"))
    assert not any(target == "Ben" and source == "Marisol" for source, _, target in quiet)


def test_questions_negations_modals_and_beliefs_say_nothing() -> None:
    out = _extract(
        "Ana: did you move to Lisbon?",
        "Ben: I never moved to Lisbon. I might move to Porto.",
        "Ana: I think he moved to Madrid",
        "Ben: if I quit the bakery I'd travel",
    )
    labels = {label for _, label, _ in _relations(out)} | {f for _, f, _ in _facts(out)}
    assert not labels & {"moved_to", "lives_in", "quit"}


def test_plans_are_marked_as_plans_with_a_future_date() -> None:
    out = _extract("Maya: I used to work at Acme Bakery. I'm going to visit Lisbon next month")
    relations = _relations(out)
    assert relations[("Maya", "plans_to_visit", "Lisbon")] == (None, None, "2024-04")
    assert relations[("Maya", "works_at", "Acme Bakery")][1] == "2024-03"  # it ended


def test_what_people_are_and_who_is_whose() -> None:
    out = _extract(
        "Tess: my girlfriend Juno says hi. she's been an ICU nurse for 5 years",
        "Priya: aww. my flatmate Cian is attempting Coddle",
        "Tess: lol. my boss is a guy named Raymond",
        "Priya: Gus is a tortoise btw",
        "Tess: he thinks he's a professional event planner",
    )
    facts, relations = _facts(out), _relations(out)
    assert ("Tess", "partner_of", "Juno") in relations
    assert ("Juno", "occupation", "ICU nurse") in facts
    assert ("Priya", "roommate_of", "Cian") in relations
    assert ("Tess", "reports_to", "Raymond") in relations
    assert _types(out)["Gus"] == "animal"
    assert not any(v == "professional event planner" for _, _, v in facts)


def test_chat_noise_is_never_a_name_and_a_speakers_short_forms_are_the_speaker() -> None:
    out = _extract(
        "Samantha: hey!",
        "Nadia: Yep Sammy, Lemme know. Bummer about Fri. Nah, Wanna come?",
        "Samantha: sure",
        "Nadia: Yo Samanta, you there",
    )
    names = {e.name for e in out.entities}
    assert names == {"Samantha", "Nadia"}
    samantha = next(e for e in out.entities if e.name == "Samantha")
    assert {"Sammy", "Samanta"} <= set(samantha.aliases)
    assert ("Samantha", "talks_with", "Nadia") in _relations(out)


def test_a_gazetteer_place_the_recogniser_took_for_someone_is_a_place() -> None:
    assert is_known_place("Porto")
    assert is_known_place("ljubljana")
    assert not is_known_place("Fenwick Labs")
    out = _extract("Inês: we spent a week in Ljubljana and then Porto, both lovely")
    types = _types(out)
    assert types.get("Ljubljana") == "place"
    assert types.get("Porto") == "place"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Split Rock Lighthouse", "place"),
        ("Mackinac Island", "place"),
        ("Holyrood Motion Clinic", "organization"),
        ("University of Michigan", "organization"),
        ("Honda Civic", "product"),
        ("Linda Park", None),
        ("Kiwi", None),
    ],
)
def test_a_name_s_own_words_say_what_it_is(name: str, kind: str | None) -> None:
    assert type_from_name(name) == kind


def test_a_name_typed_by_its_words_beats_the_recogniser_but_a_person_s_name_stays() -> None:
    out = _extract(
        "Tess: Owen proposed at Split Rock Lighthouse!! and I start at Lakeshore Sports "
        "Medicine on Monday. Linda Park is my new boss.",
    )
    types = _types(out)
    assert types.get("Split Rock Lighthouse") == "place"
    assert types.get("Lakeshore Sports Medicine") == "organization"
    assert types.get("Linda Park") == "person"


def test_a_weak_pattern_does_not_outrank_a_name_s_own_words() -> None:
    out = _extract("Bernie: Did you take the grandkids to Mackinac Island like you planned?")
    assert _types(out).get("Mackinac Island") == "place"


def test_a_big_city_taken_for_a_company_is_a_place_but_a_company_town_is_not() -> None:
    assert is_major_place("Asheville")
    assert is_major_place("Canada")
    assert not is_major_place("Toyota")  # a city of 400,000, and the car maker
    assert not is_major_place("Fenwick Labs")
    builder = Builder()
    keys = {
        name: builder.entity(name, "organization", strength=0.5, message_id="m1")
        for name in ("Asheville", "Toyota", "Fenwick Labs")
    }
    retype_by_gazetteer(builder)
    assert {name: builder.type_of(key) for name, key in keys.items()} == {
        "Asheville": "place",
        "Toyota": "organization",
        "Fenwick Labs": "organization",
    }


def test_the_verb_types_its_object_whoever_does_it_and_even_in_a_question() -> None:
    out = _extract(
        "Ines: there's a guy at work who plays Elden Ring on his lunch break, standing up",
        "Walt: Are you still reading Lonesome Dove?",
    )
    types = _types(out)
    assert types.get("Elden Ring") == "product"
    assert types.get("Lonesome Dove") == "product"


def test_a_first_name_the_recogniser_missed_is_someone() -> None:
    out = _extract("Priya: Lakshmi Natarajan called, and Ishani wants a sleepover")
    assert _types(out) == {"Priya": "person", "Lakshmi Natarajan": "person", "Ishani": "person"}


def test_the_full_name_a_speaker_is_addressed_by_is_theirs() -> None:
    out = _extract(
        "Tess: I handed in my notice!!",
        "Priya: Tessa Albright, disrespected by Jordan one last time",
        "Tess: lol yes",
    )
    people = {e.name: sorted(e.aliases) for e in out.entities if e.type == "person"}
    assert people["Tessa Albright"] == ["Tess"]
    assert "Tess" not in people  # one person, under her full name


def test_a_name_that_is_the_subject_is_not_someone_spoken_to() -> None:
    out = _extract(
        "Tess: how was the bakery?",
        "Priya: Tessa Moreno, my old boss, came by the bakery",
        "Tess: nice",
    )
    people = {e.name for e in out.entities if e.type == "person"}
    assert {"Tess", "Priya", "Tessa Moreno"} <= people


def test_a_first_name_the_recogniser_took_for_a_place_is_someone() -> None:
    builder = Builder()
    keys = {
        name: builder.entity(name, "place", strength=0.5, message_id="m1")
        for name in ("Tess", "Lakeview", "Porto")
    }
    retype_by_gazetteer(builder)
    assert {name: builder.type_of(key) for name, key in keys.items()} == {
        "Tess": "person",
        "Lakeview": "place",
        "Porto": "place",
    }


def test_a_name_said_twice_is_not_a_longer_name() -> None:
    out = _extract("Sam: hey", "Nadia: Sam. SAM. I'm an aunt!!!!")
    assert {e.name for e in out.entities if e.type == "person"} == {"Sam", "Nadia"}


def test_a_speaker_s_nickname_the_recogniser_took_for_a_thing_is_the_speaker() -> None:
    builder = Builder()
    ben = builder.entity("Ben", "person", strength=1.0, message_id="m0")
    builder.entity("BENNY", "organization", strength=0.5, message_id="m1")
    sam = builder.entity("Sam", "person", strength=1.0, message_id="m0")
    samara = builder.entity("Samara", "organization", strength=0.5, message_id="m1")
    link_short_names(builder, {"Ben": ben, "Sam": sam})
    people = {e.name: e.aliases for e in builder.build().entities if e.type == "person"}
    assert people == {"Ben": ["BENNY"], "Sam": []}
    assert builder.type_of(samara) == "organization"  # a city the gazetteer knows, not Sam


def test_a_dated_milestone_with_no_object_is_an_event_with_its_date() -> None:
    wednesday = datetime(2024, 3, 20, 10, 0, tzinfo=UTC)
    out = _extract(
        "Tess: how's the new job?",
        "Priya: I start on 2 April. started packing Monday",
        "Priya: we've been here almost a month, moved in on the 20th",
        "Priya: my last day at the clinic was last Friday",
        "Priya: I never started in May, and if I graduate in June I'll celebrate",
        when=wednesday,
    )
    events = {v: d[2] for (who, field, v), d in _facts(out).items() if field == "event"}
    assert events == {
        "started 2 April 2024": "2024-04-02",
        "moved in 20 March 2024": "2024-03-20",
        "last day 15 March 2024": "2024-03-15",
    }
    assert {who for (who, field, _) in _facts(out) if field == "event"} == {"Priya"}


def test_a_big_place_a_two_way_verb_took_for_a_company_is_a_place() -> None:
    out = _extract("Bernie: Walt! Would you really leave Ohio? I left Dallas in 2019 myself")
    types = _types(out)
    assert types["Ohio"] == "place"  # a state is never a company
    assert types["Dallas"] == "place"  # one leaves a city this big, not a company of its name
    out = _extract("Bernie: Ray studied at Cambridge and then left Acme Robotics in 2019")
    assert _types(out)["Cambridge"] == "organization"  # studying there: the university
    assert _types(out)["Acme Robotics"] == "organization"


def test_years_as_a_role_and_a_role_at_a_workplace_are_occupations() -> None:
    out = _extract(
        "Nadia: how's the clinic?",
        "Sam: six years as a vet tech and I've never seen it this bad",
        "Ines: I mean I've been a physio at Kirkgate for four years",
    )
    facts = _facts(out)
    assert ("Sam", "occupation", "vet tech") in facts
    assert ("Ines", "occupation", "physio") in facts


def test_a_proposal_announced_with_no_one_proposed_to_was_to_the_speaker() -> None:
    out = _extract(
        "Nadia: how was the weekend?",
        "Sam: Marcus proposed!!! on Saturday",
        "Nadia: and did your brother Tomás propose to Lena yet?",
        "Sam: lol no. I proposed a toast though",
    )
    proposals = {(s, t) for (s, label, t) in _relations(out) if label == "propose_to"}
    assert proposals == {("Marcus", "Sam")}


def test_a_name_with_its_tie_after_it_is_that_tie() -> None:
    out = _extract(
        "Priya: how's work?",
        "Tess: the very same. Jordan Mills, my manager and destroyer of weekends",
        "Tess: Ruth, my mother-in-law, is staying with us",
    )
    relations = _relations(out)
    assert ("Tess", "reports_to", "Jordan Mills") in relations
    assert ("Tess", "relative_of", "Ruth") in relations
    assert ("Tess", "child_of", "Ruth") not in relations  # a mother-in-law is no mother


@pytest.mark.parametrize(
    "line",
    [
        "Sam: I called Mike this morning to ask if he could walk the dog",
        "Sam: my coworker showed me her cat named Mochi",
        "Sam: Should we get a cat named Pickle?",
        "Sam: is my dog even allowed inside Walmart lol?",
        "Sam: we had fish tacos at Chipotle last night, my dog begged the whole time",
    ],
)
def test_no_pet_from_a_name_that_is_someone_else_s_or_no_pet(line: str) -> None:
    out = _extract("Nadia: hey", line)
    assert not [v for (_, field, v) in _facts(out) if field == "pet" and v[:1].isupper()]
    assert "animal" not in _types(out).values()


def test_no_proposal_to_the_speaker_from_a_suggestion_or_someone_else_s_news() -> None:
    out = _extract(
        "Nadia: hi",
        "Sam: Dave proposed that we meet on Friday instead",
        "Sam: my brother Leo proposed yesterday!!!",
        "Sam: Owen proposed yesterday!!! to Mia",
    )
    assert not [r for r in _relations(out) if r[1] == "propose_to" and r[2] == "Sam"]


def test_a_verb_types_no_person_and_a_big_city_a_rule_typed_stays() -> None:
    out = _extract(
        "Nadia: are you visiting Maya Patel this weekend?",
        "Sam: no, I study at Cambridge now",
        "Nadia: my mother in law Ruth is here",
    )
    types = _types(out)
    assert types.get("Maya Patel", "person") == "person"
    assert types["Cambridge"] == "organization"
    assert ("Nadia", "child_of", "Ruth") not in _relations(out)
