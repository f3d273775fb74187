"""An LLM as the extractor: one structured call per window, whichever vendor serves it.

Cost: the pipeline calls :meth:`LLMExtractor.extract` once per window of ~20-40 messages, and
each window costs one call when nothing is re-asked or retried, so LLM calls per message stay at
or below 1/20. A re-ask (invalid output) adds one call; a retried 429/5xx adds an HTTP request
but no tokens and no ``llm_calls``.

Labels outside the closed vocabulary are *not* errors: they are normalised to snake_case and
passed through, because the label registry (pipeline step 4) maps raw labels to canonical ones
anyway, and re-asking over a label would spend a call on what the registry does for free.
Structural problems — schema violations, citations outside the window, keys that name no
entity — are errors and are re-asked (``app.llm``).
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from app.domain.models import Extraction, WindowMessage
from app.domain.usage import Usage
from app.extract.base import ExtractResult
from app.extract.prompts import ExtractionResponse, extract_window
from app.llm.base import LLM, StructuredRequest

__all__ = ["LLMExtractor"]

log = structlog.get_logger(__name__)


class LLMExtractor:
    """Extracts through ``llm``; its ``name`` is the provider's (``anthropic``, ``openai``), as
    each Job records which extractor ran."""

    def __init__(self, llm: LLM, *, max_tokens: int = 4096) -> None:
        if max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        self.llm = llm
        self.name = llm.provider
        self._max_tokens = max_tokens

    @property
    def model(self) -> str:
        return self.llm.model

    def extract(
        self, window: Sequence[WindowMessage], *, context: Sequence[WindowMessage] = ()
    ) -> ExtractResult:
        if not window:
            return ExtractResult(Extraction(), Usage())
        prompt = extract_window(window, context)
        window_ids = [m.id for m in window]
        context_ids = [m.id for m in context]
        first_id = window[0].id
        request = StructuredRequest(
            name=prompt.name,
            system=prompt.system,
            user=prompt.user,
            response_model=prompt.response_model,
            tool_name=prompt.tool_name,
            tool_description=prompt.tool_description,
            max_tokens=self._max_tokens,
            check=lambda parsed: parsed.problems(window_ids, context_ids),
            what=f"extract the window starting at message {first_id}",
            context={"window_first_id": first_id},
        )
        answer = self.llm.structured(request)
        parsed: ExtractionResponse = answer.value
        off_vocabulary = parsed.off_vocabulary()
        if off_vocabulary:
            log.info("extract.off_vocabulary", window_first_id=first_id, labels=off_vocabulary)
        return ExtractResult(parsed.to_extraction(), answer.usage)
