"""The only code that talks to LLM vendors (docs/adr/0014): one interface (``base``), one retry
policy (``retry``), prices (``pricing``), a rate limit shared through Redis (``ratelimit``), and
two providers: ``anthropic`` and ``openai`` (any OpenAI-compatible endpoint)."""
