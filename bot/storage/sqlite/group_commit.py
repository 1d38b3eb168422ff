"""Group commit: many coroutines' writes on one aiosqlite connection, committed together.

With synchronous commits each one costs a sync of the WAL and a hop to the connection's thread;
a broadcast that commits once per message is bound by them. A GroupCommit gathers the writes
that arrive while a commit is running and commits them in the next one.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiosqlite

Statement = tuple[str, tuple[Any, ...]]


class GroupCommit:
    """Writes from many concurrent senders, committed together: one commit per batch.

    `write` returns only once its statements are committed (or raises if that failed), so a
    caller's write is as durable as with a commit of its own; callers arriving while a commit
    runs wait for the next one. Each batch runs in a task of its own, so a cancelled caller
    never leaves the others waiting.
    """

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db
        self.commits = 0
        self._queue: list[tuple[list[Statement], asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None

    async def write(self, statements: list[Statement]) -> None:
        """Execute `statements` in the next batch; return when that batch is committed."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((statements, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())
        await asyncio.shield(future)

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            # same SQL, one executemany (order kept per SQL)
            grouped: dict[str, list[tuple[Any, ...]]] = {}
            for statements, _ in batch:
                for sql, params in statements:
                    grouped.setdefault(sql, []).append(params)
            try:
                for sql, rows in grouped.items():
                    await self.db.executemany(sql, rows)
                await self.db.commit()
                self.commits += 1
            except Exception:
                await self.db.rollback()
                await self._one_by_one(batch)  # only the writes that fail by themselves fail
                continue
            except BaseException:  # cancelled (the loop is closing): so are the callers
                for _, future in batch:
                    future.cancel()
                await self.db.rollback()
                raise
            for _, future in batch:
                if not future.done():
                    future.set_result(None)

    async def _one_by_one(self, batch: list[tuple[list[Statement], asyncio.Future[None]]]) -> None:
        for statements, future in batch:
            try:
                for sql, params in statements:
                    await self.db.execute(sql, params)
                await self.db.commit()
                self.commits += 1
            except Exception as exc:
                await self.db.rollback()
                if not future.done():
                    future.set_exception(exc)
            else:
                if not future.done():
                    future.set_result(None)
