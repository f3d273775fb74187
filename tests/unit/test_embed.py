from __future__ import annotations

import math
import threading
from collections.abc import Sequence

import pytest

from app import embed
from app.embed import MINILM_DIM, HashingEmbedder, MiniLMEmbedder, create_embedder
from app.errors import Unavailable


@pytest.fixture(scope="module")
def model() -> MiniLMEmbedder:
    embedder = create_embedder("local")
    assert isinstance(embedder, MiniLMEmbedder)
    return embedder


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def assert_unit(vector: Sequence[float], dim: int) -> None:
    assert len(vector) == dim
    assert all(math.isfinite(x) for x in vector)
    assert math.sqrt(sum(x * x for x in vector)) == pytest.approx(1.0, abs=1e-5)


def test_real_model_gives_unit_vectors_of_its_dimension(model: MiniLMEmbedder) -> None:
    vectors = model.embed(["Hi, it's Ana.", "Did you book the flight?"])
    assert model.dim == MINILM_DIM == 384
    assert len(vectors) == 2
    for vector in vectors:
        assert_unit(vector, 384)


def test_paraphrases_score_higher_than_unrelated_sentences(model: MiniLMEmbedder) -> None:
    sister, nurse, train = model.embed(
        ["My sister Ana is a nurse", "Ana works as a nurse", "The train to Lisbon leaves at 9"]
    )
    close = cosine(sister, nurse)
    assert close > 0.7
    assert cosine(sister, train) < 0.3
    assert cosine(nurse, train) < 0.3
    assert close > cosine(sister, train) + 0.4


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "x" * 10_000, "Ana " * 2_500, "🙂" * 300])
def test_empty_blank_and_very_long_texts_give_finite_unit_vectors(
    model: MiniLMEmbedder, text: str
) -> None:
    (vector,) = model.embed([text])
    assert_unit(vector, 384)


def test_blank_text_gets_the_vector_of_the_empty_string(model: MiniLMEmbedder) -> None:
    assert model.embed(["  \n "]) == model.embed([""])


def test_batches_give_the_same_vectors_as_single_calls(model: MiniLMEmbedder) -> None:
    texts = [
        "ok",
        "My sister Ana is a nurse in Porto and she works nights at the hospital.",
        "",
        "The train to Lisbon leaves at 9",
        "word " * 400,
        "see you tomorrow!",
        "Ana works as a nurse",
    ]
    small_batches = MiniLMEmbedder(batch_size=3)  # several batches, each padded differently
    for batched in (model.embed(texts), small_batches.embed(texts)):
        for text, vector in zip(texts, batched, strict=True):
            (single,) = model.embed([text])
            assert max(abs(x - y) for x, y in zip(vector, single, strict=True)) < 1e-5


def test_nothing_in_nothing_out(model: MiniLMEmbedder) -> None:
    assert model.embed([]) == []


def test_a_bare_string_is_refused_not_embedded_letter_by_letter(model: MiniLMEmbedder) -> None:
    with pytest.raises(TypeError, match="sequence of texts"):
        model.embed("Ana works as a nurse")


def test_threads_racing_on_first_use_all_get_the_same_vectors() -> None:
    embedder = MiniLMEmbedder()
    texts = ["Ana works as a nurse", "The train to Lisbon leaves at 9"]
    results: list[list[list[float]]] = []
    start = threading.Barrier(4)

    def work() -> None:
        start.wait()
        results.append(embedder.embed(texts))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    assert all(r == results[0] for r in results)


def test_a_model_file_that_is_not_the_pinned_one_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    package, relative, _ = embed._MODEL
    monkeypatch.setattr(embed, "_MODEL", (package, relative, "0" * 64))
    with pytest.raises(Unavailable, match="not the file"):
        MiniLMEmbedder().embed(["hello"])


def test_create_embedder_refuses_unknown_kinds_and_wrong_dimensions() -> None:
    with pytest.raises(ValueError, match="unknown embedder kind 'openai'"):
        create_embedder("openai")
    with pytest.raises(ValueError, match="384-dimensional"):
        create_embedder("local", dim=768)


def test_hashing_stub_is_deterministic_unit_and_any_dimension() -> None:
    stub = create_embedder("hashing", dim=16)
    assert isinstance(stub, HashingEmbedder)
    texts = ["", "   ", "Ana works as a nurse", "x" * 10_000]
    vectors = stub.embed(texts)
    assert vectors == HashingEmbedder(16).embed(texts)
    for vector in vectors:
        assert_unit(vector, 16)


def test_hashing_stub_scores_shared_words_above_disjoint_ones() -> None:
    stub = HashingEmbedder(256)
    ana_nurse, nurse_ana, train = stub.embed(
        ["Ana is a nurse", "the nurse is Ana", "Lisbon train leaves at nine"]
    )
    assert cosine(ana_nurse, nurse_ana) > cosine(ana_nurse, train)
