"""Updates of different chats run at the same time; one chat's stay in order (issue 11, F3)."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.telegram.update_order import ChatOrderedUpdateProcessor
from bot.telegram.updates import make_chat, make_message_update, make_user

GROUP = make_chat("group")
ALICE, BOB = make_user(1001, "Alice"), make_user(1002, "Bob")


def update(text: str, chat: dict, user: dict, number: int) -> Update:
    data = make_message_update(text, chat, user, message_id=number)
    return Update.de_json({**data, "update_id": number}, None)


async def test_a_slow_chat_delays_only_itself_and_keeps_its_order():
    processor = ChatOrderedUpdateProcessor(4)
    done: list[str] = []
    group_may_go = asyncio.Event()

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        if wait is not None:
            await wait.wait()  # the group waiting for its 20-a-minute window
        done.append(name)

    updates = [
        (update("/help", GROUP, ALICE, 1), handle("group 1", group_may_go)),
        (update("/help", GROUP, ALICE, 2), handle("group 2")),
        (update("/help", GROUP, BOB, 3), handle("group 3")),
        (update("/help", make_chat("private", user=BOB), BOB, 4), handle("private")),
    ]
    async with processor:
        tasks = [asyncio.create_task(processor.process_update(u, c)) for u, c in updates]
        await asyncio.wait_for(tasks[3], 1)
        assert done == ["private"]  # answered while the group waits
        assert processor.current_concurrent_updates == 1  # the group holds one slot, not three
        group_may_go.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 1)
    assert done == ["private", "group 1", "group 2", "group 3"]


async def test_a_failing_update_does_not_stop_its_chat():
    processor = ChatOrderedUpdateProcessor(2)
    done: list[str] = []

    async def boom() -> None:
        raise RuntimeError("handler bug")

    async def fine() -> None:
        done.append("next")

    async with processor:
        first = processor.process_update(update("/a", GROUP, ALICE, 1), boom())
        second = processor.process_update(update("/b", GROUP, ALICE, 2), fine())
        await asyncio.wait_for(asyncio.gather(first, second), 1)
    assert done == ["next"]


async def test_a_flood_beyond_the_backlog_is_dropped_not_queued():
    processor = ChatOrderedUpdateProcessor(4, max_backlog=3)
    done: list[int] = []
    release = asyncio.Event()

    async def handle(number: int) -> None:
        if number == 0:
            await release.wait()
        done.append(number)

    async with processor:
        tasks = [
            asyncio.create_task(
                processor.process_update(update("/help", GROUP, ALICE, n), handle(n))
            )
            for n in range(10)
        ]
        await asyncio.sleep(0.05)
        release.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 1)
    assert done == [0, 1, 2, 3]  # the running one and a backlog of 3; 6 dropped
    assert processor.dropped == 6
