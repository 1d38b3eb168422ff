"""The /healthz server over a real socket, and the probe Docker's HEALTHCHECK runs."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.telegram import health
from bot.telegram.health import HealthServer


async def _get(port: int, request: bytes) -> tuple[int, dict]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), timeout=5)
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split()[1])
    return status, json.loads(body)


@pytest.fixture
async def serve():
    servers: list[HealthServer] = []

    async def start(probe) -> HealthServer:
        server = HealthServer(probe, port=0)
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()


async def test_healthy_probe_answers_200_with_its_json(serve):
    async def probe():
        return {"ok": True, "db": "ok", "seeds_fingerprint": "abc"}

    server = await serve(probe)
    status, body = await _get(server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 200
    assert body == {"ok": True, "db": "ok", "seeds_fingerprint": "abc"}


async def test_unhealthy_or_failing_probe_answers_503(serve):
    async def unhealthy():
        return {"ok": False, "db": "unavailable"}

    async def broken():
        raise RuntimeError("database is locked")

    server = await serve(unhealthy)
    status, body = await _get(server.port, b"GET /healthz HTTP/1.1\r\n\r\n")
    assert (status, body["db"]) == (503, "unavailable")
    server = await serve(broken)
    status, body = await _get(server.port, b"GET /healthz HTTP/1.0\r\n\r\n")
    assert status == 503
    assert body == {"ok": False, "error": "RuntimeError"}


async def test_other_paths_and_methods_are_refused(serve):
    async def probe():
        return {"ok": True}

    server = await serve(probe)
    assert (await _get(server.port, b"GET /admin HTTP/1.1\r\n\r\n"))[0] == 404
    assert (await _get(server.port, b"POST /healthz HTTP/1.1\r\n\r\n"))[0] == 405


async def test_garbage_does_not_kill_the_server(serve):
    async def probe():
        return {"ok": True}

    server = await serve(probe)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"\x16\x03\x01 not http at all\r\n\r\n")
    await writer.drain()
    assert await asyncio.wait_for(reader.read(), timeout=5) == b""
    writer.close()
    status, _ = await _get(server.port, b"GET /healthz HTTP/1.1\r\n\r\n")
    assert status == 200


async def test_check_probe_reports_health_and_absence(serve):
    async def probe():
        return {"ok": True, "last_tick": None}

    server = await serve(probe)
    healthy, body = await asyncio.to_thread(health.check, server.port)
    assert healthy
    assert json.loads(body)["ok"] is True
    port = server.port
    await server.stop()
    healthy, message = await asyncio.to_thread(health.check, port, timeout=1)
    assert not healthy
    assert str(port) in message


def test_probe_cli_without_port_fails_clearly(monkeypatch, capsys):
    monkeypatch.delenv("BOT_HEALTH_PORT", raising=False)
    assert health.main() == 1
    assert "BOT_HEALTH_PORT" in capsys.readouterr().err
