"""Embedding speed of the local model: load time and sentences/s on short chat messages.

Run: ``.venv/bin/python -m bench.embed_bench`` (``--help`` for options). Figures depend on the
cores free at the time: run it on an otherwise idle machine, and look at the median.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

_OPENERS = ["hey", "ok so", "btw", "lol", "hi all", "quick one:", "fyi", "sorry,"]
_BODIES = [
    "my sister Ana just started as a nurse at the hospital in Porto",
    "can you remind me to call mum about the trip on Friday?",
    "the train to Lisbon leaves at 9, don't be late",
    "João said the meeting with Acme moved to Tuesday",
    "we adopted a cat, her name is Miso",
    "did anyone book the table for Saturday?",
    "I'm switching teams next month, moving to the data platform group",
    "Pedro's new number is in the group chat",
]
_CLOSERS = ["", "!", " thanks", " :)", "?", " see you"]


def chat_messages(count: int, seed: int = 7) -> list[str]:
    """Short, varied chat lines (about 8 to 20 WordPiece tokens each)."""
    rng = random.Random(seed)
    return [
        f"{rng.choice(_OPENERS)} {rng.choice(_BODIES)}{rng.choice(_CLOSERS)}" for _ in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=512, help="messages per timed round")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per batch size")
    parser.add_argument("--threads", type=int, default=None, help="onnxruntime threads")
    args = parser.parse_args()

    started = time.perf_counter()
    from app.embed import MiniLMEmbedder

    imported = time.perf_counter()
    embedder = MiniLMEmbedder(threads=args.threads)
    embedder.embed(["warm-up"])
    loaded = time.perf_counter()
    print(f"model         {embedder.name}, {embedder.dim} dimensions")
    print(f"import        {imported - started:.2f} s")
    print(f"load          {loaded - imported:.2f} s (first embed call, one sentence)")

    messages = chat_messages(args.sentences)
    for batch_size in (1, 32):
        rates = []
        for _ in range(args.rounds):
            begin = time.perf_counter()
            for start in range(0, len(messages), batch_size):
                embedder.embed(messages[start : start + batch_size])
            rates.append(len(messages) / (time.perf_counter() - begin))
        print(
            f"batch {batch_size:>2}      median {statistics.median(rates):7.1f} sentences/s"
            f"   best {max(rates):7.1f}   ({args.rounds} rounds of {len(messages)})"
        )


if __name__ == "__main__":
    main()
