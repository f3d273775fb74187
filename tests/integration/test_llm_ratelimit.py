"""The LLM rate limit is one budget for every process, counted in the real Redis."""

from __future__ import annotations

import redis
from structlog.testing import capture_logs

from app.llm.ratelimit import RedisRateLimiter
from tests.conftest import Services, free_port


class Clock:
    """Seconds since the epoch, moved on by the limiter's own sleeps."""

    def __init__(self, start: float) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _client(services: Services) -> redis.Redis:
    client = redis.Redis.from_url(services.settings.redis_url)
    client.flushdb()
    return client


def test_two_processes_share_one_request_budget(services: Services) -> None:
    client = _client(services)
    clock = Clock(start=60 * 16_667 + 20.0)  # 20 s into a minute
    first = RedisRateLimiter(client, "openai:m", rpm=3, tpm=0, sleep=clock.sleep, clock=clock)
    second = RedisRateLimiter(client, "openai:m", rpm=3, tpm=0, sleep=clock.sleep, clock=clock)

    assert [first.acquire(10), second.acquire(10), first.acquire(10)] == [0.0, 0.0, 0.0]
    waited = second.acquire(10)  # the fourth request of the minute waits for the next one

    assert waited == 40.01  # until just past the minute's end
    assert clock.slept == [waited]
    other = RedisRateLimiter(client, "anthropic:m", rpm=3, tpm=0, sleep=clock.sleep, clock=clock)
    assert other.acquire(10) == 0.0  # another model has its own budget


def test_tokens_count_what_the_estimate_missed(services: Services) -> None:
    client = _client(services)
    clock = Clock(start=60 * 33_333 + 40.0)  # 40 s into a minute
    limiter = RedisRateLimiter(client, "openai:m", rpm=0, tpm=1000, sleep=clock.sleep, clock=clock)

    assert limiter.acquire(600) == 0.0
    limiter.spend(300)  # the call used 900 tokens, not 600
    assert limiter.acquire(200) == 20.01  # 900 + 200 > 1000: wait for the next minute
    assert limiter.acquire(800) == 0.0  # 200 + 800 fit in that minute
    assert limiter.acquire(1) == 60.0  # full again: until the end of this minute


def test_a_call_bigger_than_the_budget_still_goes_alone(services: Services) -> None:
    client = _client(services)
    clock = Clock(start=3_000_000.0)
    limiter = RedisRateLimiter(client, "openai:m", rpm=0, tpm=100, sleep=clock.sleep, clock=clock)

    assert limiter.acquire(5000) == 0.0  # never blocked forever by its own size


def test_without_redis_calls_go_ahead_and_say_so() -> None:
    client = redis.Redis(port=free_port(), socket_connect_timeout=0.5, socket_timeout=0.5)
    limiter = RedisRateLimiter(client, "openai:m", rpm=1, tpm=1)

    with capture_logs() as logs:
        assert limiter.acquire(10) == 0.0
        assert limiter.acquire(10) == 0.0

    assert [e["event"] for e in logs].count("llm.rate_limit_unavailable") == 2
