"""A pet's name read from the message that speaks of the pet, and kept an animal in every window
of the conversation (issue 14: types from evidence across mentions). Conversations written for
these tests."""

from __future__ import annotations

from datetime import UTC, datetime

from app.domain.models import EntityMention, Extraction, FactMention, WindowMessage
from app.domain.resolve import group_mentions
from app.extract.local.extractor import LocalExtractor

SUNDAY = datetime(2024, 3, 10, 19, 0, tzinfo=UTC)


def _extract(*lines: str) -> Extraction:
    window = []
    for i, line in enumerate(lines):
        speaker, _, text = line.partition(": ")
        window.append(
            WindowMessage(id=f"m{i}", seq=i, speaker=speaker, text=text, timestamp=SUNDAY)
        )
    return LocalExtractor().extract(window).extraction


def _facts(out: Extraction) -> set[tuple[str, str, str]]:
    names = {e.key: e.name for e in out.entities}
    return {(names[f.entity], f.field, f.value) for f in out.facts}


def _types(out: Extraction) -> dict[str, str]:
    return {e.name: e.type for e in out.entities}


def test_the_one_bare_name_beside_my_dog_is_the_dog() -> None:
    out = _extract(
        "Tess: how was your weekend Priya",
        "Priya: I'm on the couch with Chutney watching Bake Off reruns. my dog is snoring louder "
        "than the TV",
    )
    assert ("Priya", "pet", "Chutney") in _facts(out)
    assert ("Priya", "pet", "dog") not in _facts(out)  # the dog has its name now
    assert ("Chutney", "species", "dog") in _facts(out)
    assert _types(out)["Chutney"] == "animal"


def test_a_name_an_earlier_message_made_known_and_a_city_beside_it() -> None:
    out = _extract(
        "Priya: and Pistachio?",
        "Tess: it's freezing in Denver. my cat will be furious about any change as usual. "
        "Pistachio was furious when we got a new couch",
    )
    assert ("Tess", "pet", "Pistachio") in _facts(out)
    assert _types(out)["Pistachio"] == "animal"
    assert _types(out)["Denver"] == "place"


def test_a_first_person_message_naming_a_new_pet() -> None:
    out = _extract(
        "Priya: any news?",
        "Tess: we're adopting a second cat. a little grey one named Falafel",
    )
    assert ("Tess", "pet", "Falafel") in _facts(out)
    assert _types(out)["Falafel"] == "animal"


def test_a_message_naming_several_people_gives_no_one_to_the_cat() -> None:
    out = _extract(
        "Walt: how was the holiday",
        "Bernie: Our daughter Claire flew in with Hazel, and our son Mark drove over with Nora. "
        "That cat has never forgiven anyone for anything.",
    )
    assert not any(field == "pet" and value == "Hazel" for _, field, value in _facts(out))
    assert _types(out).get("Hazel") != "animal"


def test_a_pet_named_in_one_window_is_an_animal_in_the_others() -> None:
    extraction = Extraction(
        entities=[
            EntityMention(key="w0:e1", name="Priya", type="person", message_ids=["m1"]),
            EntityMention(key="w0:e2", name="Chutney", type="animal", message_ids=["m1"]),
            EntityMention(key="w1:e5", name="Chutney", type="person", message_ids=["m40"]),
            EntityMention(key="w2:e3", name="Chutney", type="product", message_ids=["m70"]),
        ],
        facts=[FactMention(entity="w0:e1", field="pet", value="Chutney", message_ids=["m1"])],
    )
    _, keys = group_mentions(extraction)
    chutney = keys["w1:e5"]
    assert chutney is keys["w0:e2"] is keys["w2:e3"]
    assert chutney.type == "animal"
    assert chutney.message_ids == {"m1", "m40", "m70"}


def test_a_pet_fact_alone_does_not_retype_a_person() -> None:
    """Without a mention that some window typed an animal, the name stays what it was."""
    extraction = Extraction(
        entities=[EntityMention(key="w0:e1", name="Rex", type="person", message_ids=["m1"])],
        facts=[FactMention(entity="w0:e1", field="pet", value="Rex", message_ids=["m1"])],
    )
    groups, _ = group_mentions(extraction)
    assert [g.type for g in groups] == ["person"]
