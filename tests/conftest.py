"""Shared fixtures: `bot` is the real Application on a tmp SQLite file (see tests/support)."""

from __future__ import annotations

import pytest

from tests.support.harness import BotHarness, running_bot
from tests.support.postgres import fresh_schema


@pytest.fixture
async def bot(tmp_path) -> BotHarness:
    """A running bot (real seeds, tmp database, in-process Bot API); English-speaking user."""
    async with running_bot(tmp_path) as harness:
        yield harness


@pytest.fixture
async def pg_url() -> str:
    """The URL of an empty schema on the test PostgreSQL (fails in CI, skips elsewhere, when
    there is none: see tests/support/postgres.py)."""
    async for url in fresh_schema():
        yield url
