"""Which predicate a question's words name: by lemma, by the words the extractor writes a
label for, and by the embedding model for labels no list names."""

from __future__ import annotations

import pytest

from app.ask.predicates import MatchTable, PredicateMatcher
from app.embed import Embedder, create_embedder

PREDICATES = [
    "pet",
    "occupation",
    "lives_in",
    "works_at",
    "sibling_of",
    "child_of",
    "likes",
    "adopted",
    "plays",
    "reads",
    "visited",
    "went_to",
    "moved_to",
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return create_embedder("local")


async def _best(matcher: PredicateMatcher, words: list[str], question: str) -> str:
    table = await matcher.table(words, question, PREDICATES)
    return max(PREDICATES, key=lambda p: (sum(table.word_scores(p)), table.question[p]))


@pytest.mark.parametrize(
    ("words", "question", "predicate"),
    [
        (["parrot"], "What is the name of parrot?", "pet"),  # the extractor's pet words
        (["brother"], "Who is brother?", "sibling_of"),  # its kinship words
        (["mother"], "Who is mother?", "child_of"),  # "my mother X": I am the child
        (["living"], "What does do for a living?", "occupation"),
        (["live"], "Where does live?", "lives_in"),  # lemma of a label word
        (["adopt"], "When did adopt Kiwi?", "adopted"),
        (["game", "play"], "What game does play?", "plays"),
        (["book", "reading"], "What book is reading?", "reads"),
        (["country", "visit"], "Which country did visit?", "visited"),
    ],
)
async def test_the_question_words_name_the_right_predicate(
    embedder: Embedder, words: list[str], question: str, predicate: str
) -> None:
    assert await _best(PredicateMatcher(embedder), words, question) == predicate


async def test_a_word_no_list_names_matches_a_new_label_by_meaning(embedder: Embedder) -> None:
    matcher = PredicateMatcher(embedder)
    table: MatchTable = await matcher.table(["guitar"], "What instrument does play?", ["plays"])
    assert table.word_scores("plays") == (0.0,)  # "guitar" is no word of the label…
    assert table.question["plays"] > 0.3  # …but the question as a whole means it
    table = await matcher.table(["quit"], "When did quit?", ["quit_job", "pet"])
    assert table.word_scores("quit_job") == (1.0,)
    assert table.word_scores("pet")[0] < 0.5


async def test_unrelated_words_name_nothing(embedder: Embedder) -> None:
    table = await PredicateMatcher(embedder).table(
        ["favourite", "colour"], "What is favourite colour?", ["pet", "occupation", "lives_in"]
    )
    assert all(max(table.word_scores(p)) < 0.5 for p in ("pet", "occupation", "lives_in"))
