"""The digest phase: compose the morning digest of every subscribed chat, as the tick would.

Every chat's digest goes through one `bot.digests.composer.DigestComposer`, as in one tick of the
scheduler (records changed since the last digest read once, each distinct digest composed,
rendered and split once), on a day chosen to have something in it. Long runs stop at a time
budget and extrapolate. `uncached_per_chat` times `subscription_digest` (what /digest runs) on a
few chats, for the cost of one composition.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from bench.common import bench_settings, memory, summary


async def digest(data: Path, chats: int, budget: float) -> dict:
    """Time composing the digests of up to `chats` subscriptions (median/p95 per chat, total)."""
    from bot.digests.composer import DigestComposer, subscription_digest
    from bot.engine import Engine

    engine = Engine(bench_settings(data))
    await engine.open()
    try:
        subscriptions = (await engine.subscriptions.active())[:chats]
        day = dt.date(2025, 12, 5)  # the day of the 32nd OSCE Ministerial Council
        composer = DigestComposer(engine.seedstore, engine.seeds, False, engine.index)
        timings, messages, characters = [], 0, 0
        started = time.perf_counter()
        deadline = started + budget
        for sub in subscriptions:
            begun = time.perf_counter()
            parts = await composer(sub, day)
            timings.append(time.perf_counter() - begun)
            messages += len(parts)
            characters += sum(len(part) for part in parts)
            if time.perf_counter() > deadline:
                break
        elapsed = time.perf_counter() - started
        uncached = []
        for sub in subscriptions[:20]:
            begun = time.perf_counter()
            await subscription_digest(engine.seedstore, engine.seeds, sub, day, False)
            uncached.append(time.perf_counter() - begun)
    finally:
        await engine.close()
    done = len(timings)
    return {
        "chats": len(subscriptions),
        "composed": done,
        "per_chat": summary(timings),
        "compositions": composer.composed,
        "uncached_per_chat": summary(uncached),
        "total_s": elapsed if done == len(subscriptions) else None,
        "projected_total_s": elapsed * len(subscriptions) / max(done, 1),
        "extrapolated": done < len(subscriptions),
        "messages": messages,
        "avg_chars": characters / max(messages, 1),
        **memory(),
    }
