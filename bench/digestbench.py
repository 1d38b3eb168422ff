"""The digest phase: compose the morning digest of every subscribed chat, as the tick would.

Each chat's digest goes through `bot.delivery.subscription_digest` (the scheduler's own compose
function: changed events since the last digest, `compose_digest`, rendering and splitting), on a
day chosen to have something in it. Long runs stop at a time budget and extrapolate.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from bench.worker import bench_settings, memory, summary


async def digest(data: Path, chats: int, budget: float) -> dict:
    """Time composing the digests of up to `chats` subscriptions (median/p95 per chat, total)."""
    from bot.delivery import subscription_digest
    from bot.engine import Engine
    from bot.subscriptions import SubscriptionStore

    engine = Engine(bench_settings(data))
    await engine.open()
    try:
        subscriptions = (await SubscriptionStore(engine.storage.db).active_subscriptions())[:chats]
        day = dt.date(2025, 12, 5)  # the day of the 32nd OSCE Ministerial Council
        timings, messages, characters = [], 0, 0
        started = time.perf_counter()
        deadline = started + budget
        for sub in subscriptions:
            begun = time.perf_counter()
            parts = await subscription_digest(engine.storage, engine.seeds, sub, day, False)
            timings.append(time.perf_counter() - begun)
            messages += len(parts)
            characters += sum(len(part) for part in parts)
            if time.perf_counter() > deadline:
                break
        elapsed = time.perf_counter() - started
    finally:
        await engine.close()
    done = len(timings)
    return {
        "chats": len(subscriptions),
        "composed": done,
        "per_chat": summary(timings),
        "total_s": elapsed if done == len(subscriptions) else None,
        "projected_total_s": elapsed * len(subscriptions) / max(done, 1),
        "extrapolated": done < len(subscriptions),
        "messages": messages,
        "avg_chars": characters / max(messages, 1),
        **memory(),
    }
