"""Shared fixtures: `bot` is the real Application on a tmp SQLite file (see tests/support)."""

from __future__ import annotations

import pytest

from tests.support.harness import BotHarness, running_bot


@pytest.fixture
async def bot(tmp_path) -> BotHarness:
    """A running bot (real seeds, tmp database, in-process Bot API); English-speaking user."""
    async with running_bot(tmp_path) as harness:
        yield harness
