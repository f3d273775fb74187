"""The cross-source rule for people (app.domain.corroboration, ADR 0015)."""

from __future__ import annotations

from app.domain.corroboration import PersonEvidence, corroborate, fact_key, is_full_name


def _person(name: str, **fields: set[str] | set[tuple[str, str]]) -> PersonEvidence:
    return PersonEvidence(name=name, names={name}, **fields)  # type: ignore[arg-type]


def test_a_one_word_name_joins_only_with_two_kinds_of_evidence_beyond_the_name() -> None:
    label = {"speaker_labels": {"sam"}}
    alone = corroborate(_person("sam", **label), _person("sam", **label))
    assert not alone.allowed  # the same label is the same name, nothing more
    assert "one-word name 'sam'" in alone.why
    one = corroborate(
        _person("sam", facts={fact_key("pet", "Rex")}),
        _person("sam", facts={fact_key("pet", "Rex")}),
    )
    assert not one.allowed
    shared = {"speaker_labels": {"sam"}, "facts": {fact_key("pet", "Rex")}}
    both = corroborate(_person("sam", **shared), _person("sam", **shared))
    assert both.allowed
    assert both.reasons == ("speaker", "fact")
    with_lee = corroborate(_person("sam", companions={"lee"}), _person("sam", companions={"lee"}))
    assert with_lee.allowed  # the Sam both conversations tie to Lee
    apart = corroborate(_person("sam", companions={"lee"}), _person("sam", companions={"ana"}))
    assert not apart.allowed


def test_a_full_name_alone_is_not_enough() -> None:
    verdict = corroborate(
        _person("jordan blake", companions={"nadia"}, facts={fact_key("job", "coach")}),
        _person("jordan blake", companions={"hugo"}, facts={fact_key("job", "volunteer")}),
    )
    assert not verdict.allowed
    assert "is all they share" in verdict.why


def test_a_full_name_with_one_corroboration_joins_and_says_why() -> None:
    cases = {
        "speaker": ({"speaker_labels": {"priya"}}, {"speaker_labels": {"priya"}}),
        "companion": ({"companions": {"leo", "ana"}}, {"companions": {"leo"}}),
        "related": ({"related": {("place", "leeds")}}, {"related": {("place", "leeds")}}),
        "fact": ({"facts": {fact_key("pet", "Biscuit")}}, {"facts": {fact_key("Pet", "biscuit")}}),
        "alias": ({"aliases": {"pri"}}, {"aliases": {"pri"}}),
    }
    for reason, (mine, theirs) in cases.items():
        verdict = corroborate(
            _person("priya natarajan", **mine), _person("priya natarajan", **theirs)
        )
        assert verdict.allowed, reason
        assert verdict.reasons == (reason,)


def test_what_does_not_count_as_corroboration() -> None:
    # The matched name's own parts are no shared alias; a gender is no shared fact; the person
    # is not their own companion.
    verdict = corroborate(
        _person("priya natarajan", aliases={"priya", "natarajan"}, facts={fact_key("gender", "female")},
                companions={"priya natarajan"}),
        _person("priya natarajan", aliases={"priya"}, facts={fact_key("gender", "female")},
                companions={"priya natarajan"}),
    )  # fmt: skip
    assert not verdict.allowed


def test_full_names() -> None:
    assert is_full_name("priya natarajan")
    assert is_full_name("李小龙")
    assert not is_full_name("sam")
    assert not is_full_name("小龙")
    assert not is_full_name("samantha")
