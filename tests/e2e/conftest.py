"""Fixtures for the end-to-end tests: a fake Bot API over HTTP and the bot as a real process."""

from __future__ import annotations

import pytest

from bot.telegram.fake_http import FakeTelegram

FAKE_TOKEN = "7000000001:AAE2e-FakeTokenThatMustNeverBeLogged_x"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "e2e: end-to-end over real HTTP with the bot as a separate process"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
async def telegram():
    """A fake Bot API server on 127.0.0.1 for FAKE_TOKEN."""
    server = FakeTelegram(FAKE_TOKEN)
    await server.start()
    yield server
    await server.stop()
