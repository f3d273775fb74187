"""The offline extractor, on short conversations written for these tests."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from app.domain.models import Extraction, WindowMessage
from app.domain.normalize import normalize_label, normalize_name
from app.extract.local.extractor import LocalExtractor


def _window(*lines: str, start: int = 0) -> list[WindowMessage]:
    """``"Speaker: text"`` lines as consecutive messages m<start>, m<start+1>, ..."""
    out = []
    for i, line in enumerate(lines, start=start):
        speaker, _, text = line.partition(": ")
        out.append(
            WindowMessage(
                id=f"m{i}",
                seq=i,
                speaker=speaker,
                text=text,
                timestamp=datetime(2024, 5, 1, 12, i, tzinfo=UTC),
            )
        )
    return out


def _extract(*lines: str) -> Extraction:
    return LocalExtractor().extract(_window(*lines)).extraction


def _names(extraction: Extraction) -> dict[str, str]:
    return {e.key: e.name for e in extraction.entities}


def _facts(extraction: Extraction) -> set[tuple[str, str, str]]:
    names = _names(extraction)
    return {(names[f.entity], f.field, f.value) for f in extraction.facts}


def _relations(extraction: Extraction) -> set[tuple[str, str, str]]:
    names = _names(extraction)
    return {(names[r.source], r.label, names[r.target]) for r in extraction.relations}


def _entity(extraction: Extraction, name: str) -> tuple[str, list[str]]:
    found = [e for e in extraction.entities if e.name == name]
    assert len(found) == 1, f"{name!r} in {[e.name for e in extraction.entities]}"
    return found[0].type, found[0].aliases


def test_every_named_speaker_is_a_person_and_an_assistant_is_not() -> None:
    out = _extract(
        "Marisol Vega: morning!",
        "Kenji: hey",
        "ChatGPT: How can I help you today?",
    )
    assert {e.name: e.type for e in out.entities} == {"Marisol Vega": "person", "Kenji": "person"}
    assert _entity(out, "Marisol Vega")[0] == "person"


def test_an_anonymous_user_is_named_by_their_introduction() -> None:
    out = _extract(
        "user: hello there, I'm Teodora and I'm a pharmacist",
        "assistant: Nice to meet you, Teodora! I'm an AI assistant.",
    )
    assert ("Teodora", "occupation", "pharmacist") in _facts(out)
    assert "User" not in _names(out).values()
    assert ("Teodora", "occupation", "AI assistant") not in _facts(out)


def test_an_anonymous_user_with_nothing_to_say_is_not_an_entity() -> None:
    out = _extract("user: what is the capital of Peru?", "assistant: Lima.")
    assert "User" not in _names(out).values()


def test_a_kinship_phrase_gives_the_person_the_relation_and_what_is_said_of_them() -> None:
    out = _extract("Bruno: my sister Ana is a nurse in Porto")
    assert _entity(out, "Ana")[0] == "person"
    assert _entity(out, "Porto")[0] == "place"
    assert ("Bruno", "sibling_of", "Ana") in _relations(out)
    assert ("Ana", "occupation", "nurse") in _facts(out)
    assert ("Ana", "lives_in", "Porto") in _relations(out)


def test_first_person_statements_become_facts_about_the_speaker() -> None:
    out = _extract(
        "Dmitri Volkov: I work at Quarrytech and I live in Tallinn.",
        "Dmitri Volkov: I'm 41, I'm allergic to peanuts and I love sailing.",
        "Dmitri Volkov: I'm vegan and I'm from Narva.",
    )
    facts, relations = _facts(out), _relations(out)
    assert ("Dmitri Volkov", "works_at", "Quarrytech") in relations
    assert ("Dmitri Volkov", "lives_in", "Tallinn") in relations
    assert _entity(out, "Quarrytech")[0] == "organization"
    assert _entity(out, "Tallinn")[0] == "place"
    assert {
        ("Dmitri Volkov", "age", "41"),
        ("Dmitri Volkov", "allergy", "peanuts"),
        ("Dmitri Volkov", "likes", "sailing"),
        ("Dmitri Volkov", "diet", "vegan"),
        ("Dmitri Volkov", "from", "Narva"),
    } <= facts


@pytest.mark.parametrize(
    "text",
    [
        "I'm not a nurse.",
        "I don't live in Porto.",
        "I never worked at Quarrytech.",
        "I'm no longer vegan.",
        "If I lived in Porto I would be happier.",
        "Should I move to Lyon?",
    ],
)
def test_negated_or_hypothetical_statements_give_nothing(text: str) -> None:
    out = _extract(f"Ilse: {text}")
    assert out.facts == []
    assert out.relations == []


def test_a_correction_keeps_only_the_corrected_value() -> None:
    out = _extract(
        "Priya: my cousin Tomasz moved to Paris last year",
        "Priya: actually he moved to Lyon, not Paris",
    )
    relations = _relations(out)
    assert ("Tomasz", "lives_in", "Lyon") in relations
    assert ("Tomasz", "lives_in", "Paris") not in relations


def test_pronouns_point_at_the_person_just_named() -> None:
    out = _extract("Kofi: My wife Adjoa is a midwife. She loves gardening.")
    assert ("Kofi", "spouse_of", "Adjoa") in _relations(out)
    assert ("Adjoa", "likes", "gardening") in _facts(out)


def test_email_and_phone_are_read_with_their_owner() -> None:
    out = _extract(
        "Lucia: my email is lucia.f@example.org and my number is +44 7700 900456",
        "Lucia: I'll forward it to support@example.com",
    )
    facts = _facts(out)
    assert ("Lucia", "email", "lucia.f@example.org") in facts
    assert ("Lucia", "phone", "+44 7700 900456") in facts
    assert ("Lucia", "email", "support@example.com") not in facts


def test_a_first_name_becomes_an_alias_of_the_full_name() -> None:
    out = _extract("Ravi: I met Hannah Osei yesterday. Hannah is a geologist.")
    entity_type, aliases = _entity(out, "Hannah Osei")
    assert entity_type == "person"
    assert "Hannah" in aliases
    assert ("Hannah Osei", "occupation", "geologist") in _facts(out)


def test_citations_point_only_at_window_messages_never_at_context() -> None:
    context = _window("Ana: my brother Rui is a chef in Braga", start=0)
    window = _window("Ana: he just opened a bistro", "Ana: I'm a nurse", start=1)
    out = LocalExtractor().extract(window, context=context).extraction
    window_ids = {m.id for m in window}
    cited = [e.message_ids for e in out.entities]
    cited += [f.message_ids for f in out.facts] + [r.message_ids for r in out.relations]
    assert cited
    assert all(set(ids) <= window_ids for ids in cited)
    assert ("Ana", "occupation", "nurse") in _facts(out)
    assert ("Rui", "occupation", "chef") not in _facts(out)


def test_empty_and_emoji_only_messages_give_nothing() -> None:
    out = LocalExtractor().extract(_window("Bea: ", "Bea: 😂😂🎉", "Bea: ...")).extraction
    assert out.facts == []
    assert out.relations == []
    assert [e.name for e in out.entities] == ["Bea"]
    assert LocalExtractor().extract([]).extraction == Extraction()


def test_usage_stays_zero() -> None:
    result = LocalExtractor().extract(_window("Noor: I live in Amman"))
    assert result.usage.llm_calls == 0
    assert result.usage.cost_usd == 0


def test_concurrent_windows_give_the_same_answers() -> None:
    window = _window("Bruno: my sister Ana is a nurse in Porto")
    expected = LocalExtractor().extract(window).extraction
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: LocalExtractor().extract(window).extraction, range(8)))
    assert all(r == expected for r in results)


def test_normalize_name_ignores_case_accents_punctuation_and_possessives() -> None:
    assert normalize_name("  Inês   Costa's ") == normalize_name("ines costa") == "ines costa"
    assert normalize_name("Dr. O\u2019Brien") == "dr obrien"


def test_normalize_label_gives_snake_case_ascii() -> None:
    assert normalize_label("Works At") == "works_at"
    assert normalize_label("employer role") == "employer_role"
    assert normalize_label("worksAt") == "works_at"
    assert normalize_label("  Família-Relação ") == "familia_relacao"
