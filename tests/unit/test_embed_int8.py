"""The int8 copy of the embedding model that search queries run on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from structlog.testing import capture_logs

from app import embed
from app.embed import MiniLMEmbedder, create_embedder, int8_copy

SENTENCES = [
    "My sister Ana is a nurse",
    "Where does Willa live now?",
    "The train to Lisbon leaves at 9",
    "we moved the launch to March because of the audit",
    "Who is allergic to peanuts?",
]


@pytest.fixture(scope="module")
def full() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def quick(models_dir: Path) -> MiniLMEmbedder:
    embedder = create_embedder("local", int8_dir=models_dir)
    assert isinstance(embedder, MiniLMEmbedder)
    return embedder


def test_the_copy_runs_integer_matrix_products(quick: MiniLMEmbedder, models_dir: Path) -> None:
    quick.embed(["build it"])
    [path] = models_dir.glob("*.onnx")
    graph = onnx.load(str(path)).graph
    weights = {w.name for w in graph.initializer}
    assert sum(n.op_type == "MatMulInteger" for n in graph.node) == 36  # 6 layers x 6 matrices
    # What stays in floats multiplies activations by activations (attention), not by weights.
    assert not [n for n in graph.node if n.op_type == "MatMul" and set(n.input) & weights]


def test_its_vectors_stay_close_to_the_full_models(
    quick: MiniLMEmbedder, full: MiniLMEmbedder
) -> None:
    a = full.embed_array(SENTENCES)
    b = quick.embed_array(SENTENCES)
    cosines = (a * b).sum(axis=1)
    # Measured 0.991-0.995 with and without VNNI (docs/adr/0005).
    assert cosines.min() > 0.985
    assert not np.array_equal(a, b)  # it is another model, not the same one by another name
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)


def test_an_empty_text_still_gets_a_unit_vector(quick: MiniLMEmbedder) -> None:
    # Search never embeds an empty query (no terms, no ranking), so its closeness to the full
    # model is not held to the floor above: it measured 0.970 on a CPU without VNNI.
    [vector] = quick.embed_array([""])
    assert np.isfinite(vector).all()
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)


def test_its_queries_rank_full_model_vectors_as_the_full_model_does(
    quick: MiniLMEmbedder, full: MiniLMEmbedder
) -> None:
    stored = full.embed_array(
        [
            "Ana works as a nurse at the children's hospital",
            "Willa moved to Porto last spring",
            "The Lisbon train departs at nine",
            "Launch is pushed to March, the audit isn't done",
            "Tom can't eat peanuts, he's allergic",
        ]
    )
    questions = [
        "what is Ana's job",
        "where does Willa live",
        "when does the train leave",
        "why was the launch delayed",
        "who has a peanut allergy",
    ]
    by_full = (full.embed_array(questions) @ stored.T).argmax(axis=1)
    by_quick = (quick.embed_array(questions) @ stored.T).argmax(axis=1)
    assert list(by_full) == [0, 1, 2, 3, 4]
    assert list(by_quick) == list(by_full)


def test_the_copy_is_built_once_and_reused(models_dir: Path, full: MiniLMEmbedder) -> None:
    source = embed._packaged_file(*embed._MODEL)
    first = int8_copy(source, models_dir)
    stamp = first.stat().st_mtime_ns
    with capture_logs() as logs:
        again = int8_copy(source, models_dir)
    assert again == first
    assert again.stat().st_mtime_ns == stamp
    assert not [e for e in logs if e["event"] == "embed.int8_copy_built"]
    assert [p.name for p in models_dir.iterdir()] == [first.name]  # no scratch left behind


def test_when_the_copy_cannot_be_built_the_full_model_runs_and_says_why(
    tmp_path: Path, full: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "models"
    blocked.write_text("a file where the directory should be")
    monkeypatch.setattr(embed, "log", embed.structlog.get_logger("test"))
    with capture_logs() as logs:
        vectors = MiniLMEmbedder(int8_dir=blocked).embed(SENTENCES[:2])
    assert vectors == full.embed(SENTENCES[:2])
    [failed] = [e for e in logs if e["event"] == "embed.int8_copy_failed"]
    assert failed["log_level"] == "error"
    assert "exc_info" in failed


def test_a_broken_copy_is_dropped_the_full_model_runs_and_the_next_start_rebuilds_it(
    tmp_path: Path, models_dir: Path, full: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    [good] = models_dir.glob("*.onnx")
    broken = tmp_path / good.name  # the name this source and onnxruntime give their copy
    broken.write_bytes(b"")  # what a crash between create and write would leave
    stale = tmp_path / "minilm-0123456789abcdef-ort1.0.0-dynamic-int8.onnx"
    stale.write_bytes(b"from an older onnxruntime")
    monkeypatch.setattr(embed, "log", embed.structlog.get_logger("test"))
    with capture_logs() as logs:
        embedder = MiniLMEmbedder(int8_dir=tmp_path)
        vectors = embedder.embed(SENTENCES[:2])
    assert vectors == full.embed(SENTENCES[:2])
    assert embedder.name == full.name  # it says which model really runs
    assert [e["event"] for e in logs if e["log_level"] == "error"] == ["embed.int8_copy_failed"]
    assert not broken.exists()

    again = MiniLMEmbedder(int8_dir=tmp_path)
    again.embed(["rebuilt"])
    assert again.name.endswith("-dynamic")
    assert sorted(p.name for p in tmp_path.iterdir()) == [good.name]  # the stale copy is gone
