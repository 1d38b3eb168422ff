"""A real PostgreSQL for the tests: one fresh schema per test on the server CI starts.

`bash .ci/run` starts the server and exports BOT_TEST_DATABASE_URL. With CI=true a missing or
unreachable server fails every PostgreSQL test; on a laptop without one they skip and say how to
run them. Each test gets its own schema (`search_path` in the URL, which asyncpg passes to the
server), dropped afterwards, so tests never see each other's rows, locks or notifications.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

URL_VARIABLE = "BOT_TEST_DATABASE_URL"
HOW = (
    f"set {URL_VARIABLE}=postgresql://user:pass@host:port/db (a database the tests may create"
    " schemas in), or run `bash .ci/run`, which starts this machine's PostgreSQL"
)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Fail in CI (the PostgreSQL tests are required there), skip elsewhere."""
    message = f"PostgreSQL tests need a server: {reason}; {HOW}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


async def base_url() -> str:
    """The test server's URL after checking it answers (else fail in CI / skip)."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if not url:
        unavailable(f"{URL_VARIABLE} is not set")
    try:
        import asyncpg
    except ImportError:
        unavailable("asyncpg is not installed (pip install -e '.[test]')")
    try:
        connection = await asyncpg.connect(url, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        unavailable(f"cannot connect to {URL_VARIABLE} ({type(exc).__name__}: {exc})")
    await connection.close()
    return url


async def fresh_schema() -> AsyncIterator[str]:
    """Yield the URL of a new empty schema; drop it afterwards."""
    from bot.storage.postgres.database import scratch_schema

    async with scratch_schema(await base_url(), "t") as url:
        yield url
