"""The golden search set is well formed: enough questions, every answer a real message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.eval.search import SEARCH_SET, golden_message_ids, load_search_set


def test_the_set_has_enough_questions_over_every_conversation() -> None:
    search_set = load_search_set()
    assert len(search_set.questions) >= 40
    assert len(search_set.unanswerable) >= 3
    ids = golden_message_ids()
    every = {m for messages in ids.values() for m in messages}
    covered = {
        stem
        for stem, messages in ids.items()
        for q in search_set.questions
        if q.answers & set(messages)
    }
    assert covered == set(ids)
    for q in search_set.questions:
        assert q.answers
        assert q.answers <= every
        assert q.style in {"keyword", "natural", "paraphrase"}


def test_its_validator_passes() -> None:
    script = Path(SEARCH_SET).with_name("search_stats.py")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
