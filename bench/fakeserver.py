"""A fake Bot API server for the delivery benchmark, in a process of its own.

It serves the emulator core (`bot.telegram.fake_api.FakeBotAPI`) over HTTP on 127.0.0.1 with
bot/telegram/fake_http.py's `FakeTelegram`, knows every chat in a bot database (as if each had
written to the bot), prints its port, and runs until its stdin closes. A separate process keeps
the server's CPU time out of the bot's, as with the real Telegram.

    python -m bench.fakeserver --token 123:abc --db data/bot.sqlite3
    python -m bench.fakeserver --token 123:abc --private 2000 --times /tmp/sends.json

`--private N` makes N private chats known (ids PRIVATE_BASE + 1 … + N), for a bot whose
subscriptions are not in a SQLite file; `--times FILE` writes, on exit, when each sendMessage
arrived (monotonic seconds, the clock every process of the machine shares), by client label
(TELEGRAM_BASE_URL=http://127.0.0.1:<port>/<label>/bot).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.telegram.fake_http import FakeTelegram

PRIVATE_BASE = 1_000_000


def known_chats(db_path: Path) -> list[dict]:
    """Every chat in the database as a Bot API Chat object."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT chat_id, type, title FROM chats").fetchall()
    chats = []
    for chat_id, kind, title in rows:
        chat = {"id": chat_id, "type": kind}
        chat.update({"first_name": "Bench"} if kind == "private" else {"title": title or "Bench"})
        chats.append(chat)
    return chats


async def serve(
    token: str, db_path: Path | None, private: int = 0, times: Path | None = None
) -> None:
    """Serve until stdin closes, then report how many messages arrived."""
    server = FakeTelegram(token)
    for chat in known_chats(db_path) if db_path else []:
        server.api.add_chat(chat)
    for chat_id in range(PRIVATE_BASE + 1, PRIVATE_BASE + private + 1):
        server.api.add_chat({"id": chat_id, "type": "private", "first_name": "Bench"})
    await server.start()
    print(server.port, flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    await server.stop()
    if times is not None:
        arrivals: dict[str, list[float]] = {}
        calls = zip(server.api.calls, server.call_times, server.call_clients, strict=True)
        for call, at, client in calls:
            if call.method == "sendMessage":
                arrivals.setdefault(client, []).append(at)
        await asyncio.to_thread(times.write_text, json.dumps(arrivals))
    print(len(server.api.sent("sendMessage")), flush=True)


def main() -> int:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--token", required=True)
    parser.add_argument("--db", type=Path, help="a bot database whose chats are known")
    parser.add_argument("--private", type=int, default=0, help="private chats known besides")
    parser.add_argument("--times", type=Path, help="where to write the sendMessage arrivals")
    args = parser.parse_args()
    asyncio.run(serve(args.token, args.db, args.private, args.times))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
