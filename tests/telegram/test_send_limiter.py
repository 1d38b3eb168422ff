"""The rate limiter: answers before digests, 30 messages a second in all, 20 a minute a group,
and a 429 pauses the whole bot (issue 11, red-team F10/F17). Real time, short waits."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram.error import RetryAfter

from bot.telegram.send_limiter import PriorityRateLimiter, bulk_sends, is_message


class Recorder:
    """A stand-in for the Bot API call PTB hands the limiter: records when each ran."""

    def __init__(self) -> None:
        self.log: list[tuple[float, str]] = []
        self.fail_once: set[str] = set()

    def call(self, name: str):
        async def callback() -> dict:
            if name in self.fail_once:
                self.fail_once.discard(name)
                raise RetryAfter(1)
            self.log.append((time.monotonic(), name))
            return {"ok": True}

        return callback


async def request(limiter, recorder, name, endpoint="sendMessage", chat=1001):
    data = {"chat_id": chat} if chat is not None else {}
    return await limiter.process_request(recorder.call(name), (), {}, endpoint, data, None)


def test_what_counts_as_a_message():
    assert is_message("sendMessage") and is_message("editMessageText") and is_message("copyMessage")
    assert not is_message("answerCallbackQuery") and not is_message("sendChatAction")
    assert not is_message("getChatMember") and not is_message("answerInlineQuery")


async def test_answers_to_users_go_before_a_broadcast_already_waiting():
    limiter, recorder = PriorityRateLimiter(rate=5), Recorder()

    async def broadcast():
        with bulk_sends():
            await asyncio.gather(*(request(limiter, recorder, f"d{n}", chat=n) for n in range(20)))

    digests = asyncio.create_task(broadcast())
    await asyncio.sleep(0.05)  # 5 digests went out, 15 wait for the next second
    replies = asyncio.gather(*(request(limiter, recorder, f"reply{n}") for n in range(3)))
    answer = await request(limiter, recorder, "cb", endpoint="answerCallbackQuery", chat=None)
    await replies
    await digests
    names = [name for _, name in recorder.log]
    assert answer == {"ok": True}
    assert names.index("cb") < names.index("d5")  # no slot needed, no waiting behind digests
    assert max(names.index(f"reply{n}") for n in range(3)) < names.index("d5")


async def test_no_second_holds_more_than_the_rate():
    limiter, recorder = PriorityRateLimiter(rate=10), Recorder()
    await asyncio.gather(*(request(limiter, recorder, f"m{n}", chat=n) for n in range(25)))
    times = [at for at, _ in recorder.log]
    assert max(sum(1 for t in times if start <= t < start + 1) for start in times) <= 10


async def test_a_group_over_its_limit_waits_alone():
    limiter, recorder = PriorityRateLimiter(group_rate=3, group_period=0.5), Recorder()
    group = asyncio.gather(*(request(limiter, recorder, f"g{n}", chat=-100) for n in range(6)))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    await request(limiter, recorder, "private", chat=1001)
    assert time.monotonic() - started < 0.1  # not behind the group's wait
    await group
    stamps = [at for at, name in recorder.log if name.startswith("g")]
    assert stamps[3] - stamps[0] >= 0.5 - 0.01  # the 4th waited for the window


async def test_a_429_pauses_every_request_for_retry_after():
    limiter, recorder = PriorityRateLimiter(), Recorder()
    recorder.fail_once.add("first")
    started = time.monotonic()
    first = asyncio.create_task(request(limiter, recorder, "first", chat=1001))
    await asyncio.sleep(0.05)
    await request(limiter, recorder, "other chat", chat=2002)  # waits out the pause too
    await first
    assert sorted(name for _, name in recorder.log) == ["first", "other chat"]
    assert all(at - started >= 0.95 for at, _ in recorder.log)  # nothing went out meanwhile


async def test_after_the_retries_the_429_reaches_the_caller():
    limiter, recorder = PriorityRateLimiter(max_retries=0), Recorder()
    recorder.fail_once.add("x")
    with pytest.raises(RetryAfter):
        await request(limiter, recorder, "x")
