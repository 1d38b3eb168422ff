"""Every SQL statement of the bot: the database, its migrations and the repositories over it.

seedsync (`Storage`: open, seed sync, index blobs) · migrations (schema, `PRAGMA user_version`) ·
subscriptions (chats, subscriptions, the delivery log, errors) · group_commit · stats.
May import `bot.records` only; nothing outside this package imports aiosqlite or writes SQL.
"""
